"""Recovery files (no Qt): where they go, what they record, listing, restoring and cleanup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from estates_planner import recovery
from estates_planner.errors import ProjectFileError
from estates_planner.model import Dataset, Lot, ServiceNeed, Site, SiteKind
from estates_planner.project import new_project, open_project, save_project


def _project():
    sites = (Site("A1", "Northgate Office", "North", "North PDU", SiteKind.AUTHORITY, False,
                  10, 2, 1000.0, 400_000.0, 500_000.0),
             Site("P1", "Riverside Hub", "North", "North PDU", SiteKind.PROVIDER, False,
                  8, 1, 1500.0, 403_000.0, 500_000.0))
    needs = (ServiceNeed("N-1", "Acme", Lot.ETE, "North", "North PDU", 2, 1, 5, 20.0,
                         400_500.0, 500_000.0),)
    return new_project(Dataset(sites, needs), title="Northern estate")


def _dead_pid() -> int:
    """The id of a process that has finished (so it is surely not running)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_write_keeps_the_users_project_where_it_was(tmp_path):
    project = _project()
    original = save_project(project, tmp_path / "estate.gpkg")
    store = recovery.RecoveryStore(tmp_path / "recovery", session="s1")
    project.scenarios = [project.scenarios[0].with_pin("N-1", "P1")]  # an unsaved edit
    info = store.write(project, original, "estate.gpkg",
                       now=datetime(2026, 11, 25, 14, 5, tzinfo=UTC))
    assert project.path == original  # Save still writes to the user's file
    assert info.path == tmp_path / "recovery" / "recovery-s1.gpkg" and store.exists()
    assert not (tmp_path / "recovery" / "recovery-s1.gpkg.bak").exists()
    meta = json.loads(info.sidecar.read_text(encoding="utf-8"))
    assert meta["original_path"] == str(original.resolve()) and meta["pid"] == os.getpid()
    assert meta["saved_at"] == "2026-11-25T14:05:00+00:00" and meta["title"] == "estate.gpkg"
    # the user's file is untouched, the recovery file has the edit
    assert open_project(original).scenarios[0].pins == {}
    assert open_project(info.path).scenarios[0].pins == {"N-1": "P1"}


def test_restore_reads_the_edit_and_points_back_at_the_original(tmp_path):
    project = _project()
    original = save_project(project, tmp_path / "estate.gpkg")
    project.scenarios = [project.scenarios[0].with_site_closed("A1", True)]
    dead = recovery.RecoveryStore(tmp_path / "rec", session="crashed")
    dead.write(project, original, "estate.gpkg", stale_results=("Baseline",))
    fresh = recovery.RecoveryStore(tmp_path / "rec", session="new")
    [info] = fresh.recoverable()
    assert (info.session, info.original_path, info.stale_results) == \
        ("crashed", original.resolve(), ("Baseline",))
    assert "estate.gpkg" in info.describe() and str(original.resolve()) in info.describe()
    restored = recovery.open_recovery(info)
    assert restored.path == original.resolve()
    assert restored.scenarios[0].closed_sites == frozenset({"A1"})


def test_a_project_never_saved_is_recovered_without_a_path(tmp_path):
    store = recovery.RecoveryStore(tmp_path, session="a")
    info = store.write(_project(), None, "")
    assert info.title == "Untitled project" and info.original_path is None
    assert "never saved" in info.describe()
    assert recovery.open_recovery(recovery.list_recovery(tmp_path)[0]).path is None


def test_discard_removes_the_file_and_its_sidecar(tmp_path):
    store = recovery.RecoveryStore(tmp_path, session="a")
    store.write(_project(), None, "x")
    store.write(_project(), None, "x")  # a second autosave replaces the first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recovery-a.gpkg", "recovery-a.json"]
    store.discard()
    assert list(tmp_path.iterdir()) == []
    store.discard()  # nothing there: no error


def test_list_is_newest_first_and_skips_own_session_and_running_processes(tmp_path):
    for session, hour in (("old", 9), ("new", 11), ("mine", 12)):
        recovery.RecoveryStore(tmp_path, session=session).write(
            _project(), None, session, now=datetime(2026, 11, 25, hour, tzinfo=UTC))
    # one written by another app that is still running (this test's parent process)
    recovery.RecoveryStore(tmp_path, session="live").write(_project(), None, "live")
    sidecar = tmp_path / "recovery-live.json"
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    meta["pid"] = os.getppid()
    sidecar.write_text(json.dumps(meta), encoding="utf-8")
    # and one of a process that is gone
    recovery.RecoveryStore(tmp_path, session="dead").write(
        _project(), None, "dead", now=datetime(2026, 11, 25, 10, tzinfo=UTC))
    sidecar = tmp_path / "recovery-dead.json"
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    meta["pid"] = _dead_pid()
    sidecar.write_text(json.dumps(meta), encoding="utf-8")

    mine = recovery.RecoveryStore(tmp_path, session="mine")
    assert [i.session for i in mine.recoverable()] == ["new", "dead", "old"]
    assert "live" in [i.session for i in mine.recoverable(skip_running=False)]


def test_debris_is_cleaned_but_no_project_file_is_deleted_unread(tmp_path):
    good = recovery.RecoveryStore(tmp_path, session="good")
    good.write(_project(), None, "good")
    (tmp_path / "recovery-broken.gpkg").write_bytes(b"half a file")
    (tmp_path / "recovery-broken.json").write_text("{not json", encoding="utf-8")
    old = datetime(2026, 11, 1, tzinfo=UTC).timestamp()
    os.utime(tmp_path / "recovery-broken.gpkg", (old, old))
    (tmp_path / "recovery-orphan.json").write_text(json.dumps(
        {"saved_at": "2026-11-25T10:00:00+00:00", "pid": 1}), encoding="utf-8")
    (tmp_path / ".recovery-good.abc123.tmp.gpkg").write_bytes(b"interrupted")
    (tmp_path / "notes.txt").write_text("not ours", encoding="utf-8")
    listed = recovery.list_recovery(tmp_path)
    assert [(i.session, i.details_known) for i in listed] == [("good", True),
                                                               ("broken", False)]
    assert recovery.cleanup(tmp_path) == 2  # the orphan sidecar and the temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        ["notes.txt", "recovery-broken.gpkg", "recovery-broken.json", "recovery-good.gpkg",
         "recovery-good.json"]


def _written_with_sidecar(tmp_path, sidecar: str | bytes | None):
    store = recovery.RecoveryStore(tmp_path, session="abc")
    store.write(_project(), tmp_path / "estate.gpkg", "Northern estate")
    side = store.path.with_suffix(".json")
    if sidecar is None:
        side.unlink()
    elif isinstance(sidecar, bytes):
        side.write_bytes(sidecar)
    else:
        side.write_text(sidecar, encoding="utf-8")
    old = datetime(2026, 11, 25, 9, 30, tzinfo=UTC).timestamp()
    os.utime(store.path, (old, old))  # written before the crash, not a write under way
    return store


DAMAGED_SIDECARS = {
    "not json": "{\"format\": 1, \"pid\": ",
    "empty": "",
    "binary": b"\xff\xfe\x00garbage",
    "a list": "[1, 2, 3]",
    "pid 10**30": json.dumps({"format": 1, "saved_at": "2026-11-25T10:00:00+00:00",
                              "pid": 10**30, "title": "x"}),
    "negative pid": json.dumps({"format": 1, "saved_at": "2026-11-25T10:00:00+00:00",
                                "pid": -5, "title": "x"}),
    "pid as text": json.dumps({"format": 1, "saved_at": "2026-11-25T10:00:00+00:00",
                               "pid": "12", "title": "x"}),
    "no time": json.dumps({"format": 1, "pid": 1, "title": "x"}),
    "time not a time": json.dumps({"format": 1, "saved_at": "yesterday", "pid": 1}),
    "time a number": json.dumps({"format": 1, "saved_at": 12, "pid": 1}),
    "title a dict": json.dumps({"format": 1, "saved_at": "2026-11-25T10:00:00+00:00",
                                "pid": 1, "title": {"a": 1}}),
    "path with NUL": json.dumps({"format": 1, "saved_at": "2026-11-25T10:00:00+00:00",
                                 "pid": 1, "original_path": "/tmp/a\u0000b"}),
    "future format": json.dumps({"format": 99, "saved_at": "2026-11-25T10:00:00+00:00",
                                 "pid": 1}),
    "missing": None,
}


@pytest.mark.parametrize("kind", list(DAMAGED_SIDECARS))
def test_a_damaged_sidecar_still_offers_the_work(tmp_path, kind):
    """Issue 18: a damaged sidecar made the next start delete a valid recovery project, and
    a pid of 10**30 raised OverflowError in cleanup and list_recovery."""
    store = _written_with_sidecar(tmp_path, DAMAGED_SIDECARS[kind])
    assert recovery.cleanup(tmp_path) == 0
    [info] = recovery.list_recovery(tmp_path)
    assert info.path == store.path and not info.details_known
    assert info.title == "Unsaved work (details unknown)"
    assert info.original_path is None  # Save will ask where
    assert "details unknown" in info.describe()
    assert recovery.open_recovery(info).scenarios[0].name == "Baseline"


def test_stale_results_and_titles_are_checked_field_by_field(tmp_path):
    _written_with_sidecar(tmp_path, json.dumps({
        "format": 1, "saved_at": "2026-11-25T10:00:00+00:00", "pid": 1,
        "title": "Estate\u202e\x07 plan", "original_path": str(tmp_path / "e.gpkg"),
        "stale_results": ["Baseline", 7, None, "x" * 5000]}))
    [info] = recovery.list_recovery(tmp_path, skip_running=False)
    assert info.details_known
    assert info.title == "Estate plan"
    assert info.stale_results == ("Baseline",)


def test_a_fresh_project_file_without_its_sidecar_is_left_for_its_writer(tmp_path):
    store = recovery.RecoveryStore(tmp_path, session="new")
    store.write(_project(), None, "x")
    store.path.with_suffix(".json").unlink()  # as if the sidecar were still being written
    assert recovery.list_recovery(tmp_path) == []
    assert recovery.cleanup(tmp_path) == 0
    assert store.path.exists()


def test_process_is_running_takes_any_number():
    assert not recovery.process_is_running(10**30)
    assert not recovery.process_is_running(-1)


def test_a_failed_write_keeps_the_previous_recovery_file(tmp_path, monkeypatch):
    store = recovery.RecoveryStore(tmp_path, session="a")
    project = _project()
    store.write(project, None, "first")
    import estates_planner.io.project_gpkg as project_gpkg

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project_gpkg, "_write_project", full_disk)
    project.scenarios = [project.scenarios[0].with_pin("N-1", "A1")]
    with pytest.raises(ProjectFileError, match="No space left"):
        store.write(project, None, "second")
    [info] = recovery.list_recovery(tmp_path)
    assert info.title == "first"
    assert open_project(info.path).scenarios[0].pins == {}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recovery-a.gpkg", "recovery-a.json"]


def test_an_unwritable_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    store = recovery.RecoveryStore(blocker / "recovery", session="a")
    with pytest.raises(ProjectFileError, match="recovery folder"):
        store.write(_project(), None, "x")


def test_process_is_running():
    assert recovery.process_is_running(os.getpid())
    assert not recovery.process_is_running(_dead_pid())
    assert not recovery.process_is_running(0)


def test_missing_folder_lists_nothing(tmp_path):
    assert recovery.list_recovery(tmp_path / "none") == []
    assert recovery.cleanup(Path(tmp_path / "none")) == 0


# ------------------------------------------------------------- the workspace side of a restore
def test_mark_unsaved_makes_a_restored_project_modified_and_keeps_stale_plans_stale():
    from estates_planner.optimise.greedy import greedy_plan
    from estates_planner.workspace import Workspace

    project = _project()
    name = project.scenarios[0].name
    project.results[name] = greedy_plan(project.scenarios[0])
    ws = Workspace(project)
    assert not ws.modified and not ws.result_is_stale()
    ws.mark_unsaved(stale_results=(name, "no such scenario"))
    assert ws.modified and ws.result_is_stale() and ws.stale_result_names == (name,)
    ws.pin("N-1", "A1")
    ws.undo()  # undo cannot reach a saved state: the project was never saved like this
    assert ws.modified


def test_a_failing_listener_does_not_stop_an_edit_half_way(monkeypatch):
    from estates_planner.workspace import Workspace

    reported = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: reported.append(exc[1]))
    ws = Workspace(_project())
    heard = []

    def broken(event):
        raise RuntimeError("view bug")

    ws.subscribe("scenario", broken)
    ws.subscribe("scenario", heard.append)
    ws.pin("N-1", "P1")
    assert [str(e) for e in reported] == ["view bug"]
    assert len(heard) == 1 and ws.modified and ws.can_undo
    assert ws.current.pins == {"N-1": "P1"}
