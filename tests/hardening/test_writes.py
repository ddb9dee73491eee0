"""Every write is verified before it replaces anything (issue 18, items 2, 3, 4, 7 and 8).

Full disks and read-only folders are real here where the machine allows it: a tiny ``tmpfs``
is mounted for the test (CI runs as root), filled up to a few kilobytes, and the CLI is run on
it in a child process, so the writers (Qt's PDF writer, openpyxl, GDAL, SQLite) fail exactly
as they do for a user. Where no mount is possible those tests skip, saying so; the stubs below
(named ``..._stub``) still check each failure path in-process.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from estates_planner.errors import ExportError, ProjectFileError
from estates_planner.io import atomic
from estates_planner.project import open_project, save_project

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample_project.gpkg"


# --- helpers ----------------------------------------------------------------------------------

def _mount_tmpfs(folder: Path, size_kb: int) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None or os.geteuid() != 0:
        return False
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs",
                          str(folder)], capture_output=True, text=True)
    return run.returncode == 0


@pytest.fixture
def tiny_disk(tmp_path):
    """A function mounting a fresh tmpfs of ``size_kb`` (unmounted after the test)."""
    mounted: list[Path] = []

    def make(size_kb: int, name: str = "disk") -> Path:
        folder = tmp_path / name
        if not _mount_tmpfs(folder, size_kb):
            pytest.skip("cannot mount a tmpfs here (needs root); the *_stub tests stand in")
        mounted.append(folder)
        return folder

    yield make
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill_disk(folder: Path, leave_bytes: int) -> None:
    """Fill the file system of ``folder`` until only about ``leave_bytes`` are free."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - leave_bytes))


def remount_read_only(folder: Path) -> None:
    run = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr


def cli(*args: str, cwd: Path | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "estates_planner", *args], cwd=cwd or REPO,
                          capture_output=True, text=True, env=env, timeout=timeout)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


def assert_one_clear_line(stderr: str, *needles: str) -> None:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("estates-planner:")]
    assert len(errors) == 1, stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    for raw in ("CREATE TABLE", "INSERT INTO", "Failed to commit transaction", "*** in "):
        assert raw not in stderr, stderr


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> tuple[Path, str]:
    """The sample with a saved plan for its first scenario (exports then need no solve), and
    the region with the fewest sites (a short PDF)."""
    from estates_planner.optimise import solve_scenario

    path = tmp_path_factory.mktemp("solved") / "plan.gpkg"
    shutil.copyfile(SAMPLE, path)
    project = open_project(path)
    scenario = project.scenarios[0]
    project.results[scenario.name] = solve_scenario(scenario, time_limit_s=5)
    save_project(project)
    regions = project.dataset.regions
    region = min(regions, key=lambda r: sum(s.region == r for s in project.dataset.sites))
    return path, region


# --- item 2 and 7: a full disk keeps the old file and says so in one sentence ----------------

@pytest.mark.slow
def test_full_disk_keeps_the_old_pdf(solved, tiny_disk, tmp_path):
    project, region = solved
    good = tmp_path / "good.pdf"
    run = cli("export", str(project), "--pdf", str(good), "--region", region)
    assert run.returncode == 0, run.stderr
    size = good.stat().st_size
    disk = tiny_disk(size // 1024 + 200)
    target = disk / "plan.pdf"
    shutil.copyfile(good, target)
    before = target.read_bytes()
    fill_disk(disk, 40 * 1024)  # far less than the PDF needs
    run = cli("export", str(project), "--pdf", str(target), "--region", region)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Wrote" not in run.stdout
    assert_one_clear_line(run.stderr, str(target), "disk is full", "previous file is unchanged")
    assert target.read_bytes() == before
    assert temporaries(disk) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "gpkg"])
def test_full_disk_keeps_the_old_export(solved, tiny_disk, tmp_path, fmt):
    project, _ = solved
    good = tmp_path / f"good.{fmt}"
    assert cli("export", str(project), f"--{fmt}", str(good)).returncode == 0
    disk = tiny_disk(good.stat().st_size // 1024 + 300)
    target = disk / f"plan.{fmt}"
    shutil.copyfile(good, target)
    before = target.read_bytes()
    fill_disk(disk, 8 * 1024)
    run = cli("export", str(project), f"--{fmt}", str(target))
    assert run.returncode == 2, run.stdout + run.stderr
    assert_one_clear_line(run.stderr, str(target), "disk is full", "previous file is unchanged")
    assert target.read_bytes() == before
    assert temporaries(disk) == []


def test_full_disk_while_saving_the_project(solved, tiny_disk):
    """The real GeoPackage writer on a full disk (GDAL says "Failed to commit transaction")."""
    project, _ = solved
    disk = tiny_disk(project.stat().st_size // 1024 + 400)
    target = disk / "plan.gpkg"
    shutil.copyfile(project, target)
    before = target.read_bytes()
    fill_disk(disk, 16 * 1024)
    run = cli("solve", str(target), "--time-limit", "2")
    assert run.returncode == 2, run.stdout + run.stderr
    assert_one_clear_line(run.stderr, str(target), "disk is full", "previous file is unchanged")
    assert target.read_bytes() == before
    assert temporaries(disk) == []


def test_pdf_writer_reporting_failure_keeps_the_old_pdf_stub(solved, tmp_path):
    """A stub of Qt's painter whose ``end()`` returns False, as QPdfWriter does when it
    cannot write: the export fails and the old PDF stays (the file itself is left whole, so
    only the writer's own result can tell)."""
    project, region = solved
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"%PDF-1.4 old\n%%EOF\n")
    script = f"""
import sys
from PySide6.QtGui import QPainter
import estates_planner.render.site_plan as pdf

class FailingEndPainterStub(QPainter):
    def end(self):
        super().end()
        return False

pdf.QPainter = FailingEndPainterStub
from estates_planner.cli import main
sys.exit(main(["export", {str(project)!r}, "--pdf", {str(target)!r}, "--region", {region!r}]))
"""
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=240, cwd=REPO)
    assert run.returncode == 2, run.stdout + run.stderr
    assert_one_clear_line(run.stderr, str(target), "could not be written")
    assert target.read_bytes() == b"%PDF-1.4 old\n%%EOF\n"
    assert temporaries(tmp_path) == []


def test_gdal_messages_are_cut_to_a_clause_stub(tmp_path, monkeypatch):
    """A stub of pyogrio failing the way GDAL does on a full disk: the SQL it quotes and the
    bare "Failed to commit transaction" never reach the message."""
    import pyogrio

    from estates_planner.io import project_gpkg as project_mod

    path = tmp_path / "plan.gpkg"
    shutil.copyfile(SAMPLE, path)
    project = open_project(path)

    def gdal_stub(*args, **kwargs):
        raise pyogrio.errors.DataSourceError(
            "sqlite3_exec(CREATE TABLE \"sites\" ( \"fid\" INTEGER PRIMARY KEY ...) failed: "
            "Failed to commit transaction")

    monkeypatch.setattr(project_mod.pyogrio, "write_dataframe", gdal_stub)
    monkeypatch.setattr(atomic, "free_bytes", lambda folder: 4096)  # as on a full disk
    with pytest.raises(ProjectFileError) as info:
        save_project(project)
    text = str(info.value)
    assert text == (f"cannot save the project to {path}: the disk is full (No space left on "
                    "device); the previous file is unchanged")
    monkeypatch.setattr(atomic, "free_bytes", lambda folder: 10**12)  # not a full disk
    reason = atomic.failure_reason(pyogrio.errors.DataSourceError(
        "sqlite3_exec(CREATE TABLE \"x\" (a INTEGER)) failed: no such thing"), tmp_path)
    assert reason == "sqlite3_exec"


def test_xlsx_full_disk_prints_no_ignored_exception_stub(tmp_path, monkeypatch):
    """openpyxl's zip writer left open on a full disk printed "Exception ignored ... Errno
    28" when collected; the workbook is now built in memory, so one ExportError is all."""
    import gc

    from hardening.test_export_safety import scenario_with_names

    from estates_planner.optimise import evaluate_plan
    from estates_planner.report import exports

    sc = scenario_with_names("Site", "Provider", "PDU")
    result = evaluate_plan(sc, {"N1": "S1", "N2": None})
    target = exports.write_allocation_xlsx(sc, result, tmp_path / "plan.xlsx")
    before = target.read_bytes()
    real_write = Path.write_bytes

    def full_disk_stub(self, data):
        real_write(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full_disk_stub)
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(ExportError, match="disk is full"):
        exports.write_allocation_xlsx(sc, result, target)
    gc.collect()
    assert unraisable == []
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert temporaries(tmp_path) == []


# --- item 4: a folder that cannot be written is a message, not a traceback -------------------

@pytest.mark.slow
def test_read_only_folder_gives_a_message_for_every_output(solved, tiny_disk):
    project, region = solved
    disk = tiny_disk(4096, "readonly")
    remount_read_only(disk)
    runs = {fmt: cli("export", str(project), f"--{fmt}", str(disk / f"plan.{fmt}"),
                     *(("--region", region) if fmt == "pdf" else ()))
            for fmt in ("csv", "xlsx", "pdf", "gpkg")}
    runs["solve --out"] = cli("solve", str(project), "--no-save", "--time-limit", "2",
                              "--out", str(disk / "plan.csv"))
    for what, run in runs.items():
        assert run.returncode == 2, (what, run.stdout, run.stderr)
        assert_one_clear_line(run.stderr, str(disk), "cannot be written to")
    assert list(disk.iterdir()) == []


def test_unwritable_folder_is_one_sentence_stub(tmp_path, monkeypatch):
    """mkstemp refused (what a read-only folder does to a non-root user) inside atomic_path."""
    from estates_planner.report.exports import atomic_path

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(ExportError) as info:
        with atomic_path(tmp_path / "plan.csv") as tmp:
            tmp.write_text("x")
    assert str(info.value) == (f"cannot write {tmp_path / 'plan.csv'}: the folder {tmp_path} "
                               "cannot be written to (Permission denied)")


# --- item 3: modes, groups and symlinks ------------------------------------------------------

@pytest.mark.parametrize("mode", [0o600, 0o660, 0o640])
def test_save_keeps_the_mode_of_the_project_and_its_backup(tmp_path, mode):
    path = tmp_path / "plan.gpkg"
    shutil.copyfile(SAMPLE, path)
    path.chmod(mode)
    project = open_project(path)
    save_project(project)
    save_project(project)  # the second save also makes the .bak from a saved file
    bak = path.with_name(path.name + ".bak")
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert stat.S_IMODE(bak.stat().st_mode) == mode


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file any group")
def test_save_keeps_the_group(tmp_path):
    path = tmp_path / "plan.gpkg"
    shutil.copyfile(SAMPLE, path)
    os.chown(path, -1, 4321)
    path.chmod(0o660)
    save_project(open_project(path))
    assert path.stat().st_gid == 4321
    assert path.with_name(path.name + ".bak").stat().st_gid == 4321


def test_a_symlinked_project_updates_its_target(tmp_path):
    shared = tmp_path / "shared"
    work = tmp_path / "work"
    shared.mkdir()
    work.mkdir()
    real = shared / "team.gpkg"
    shutil.copyfile(SAMPLE, real)
    real.chmod(0o640)
    link = work / "mine.gpkg"
    link.symlink_to(os.path.relpath(real, work))
    project = open_project(link)
    project.metadata["title"] = "edited through the link"
    save_project(project)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert open_project(real).metadata["title"] == "edited through the link"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert (shared / "team.gpkg.bak").exists()
    assert sorted(p.name for p in work.iterdir()) == ["mine.gpkg"]
    assert project.path == link  # Save goes through the link next time too


def test_a_symlinked_export_updates_its_target(tmp_path):
    from estates_planner.report.exports import atomic_path

    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real.name)
    with atomic_path(link) as tmp:
        tmp.write_text("new\n")
    assert link.is_symlink()
    assert real.read_text() == "new\n"


# --- item 2: verification catches a writer that "succeeds" with a broken file ----------------

@pytest.mark.parametrize("suffix, content", [
    (".pdf", b"%PDF-1.7\n...cut off"),
    (".xlsx", b"PK\x03\x04 not really a zip"),
    (".gpkg", b"SQLite format 3\x00" + b"\x00" * 200),
    (".csv", b""),
])
def test_a_broken_new_file_never_replaces_the_old_one(tmp_path, suffix, content):
    target = tmp_path / f"plan{suffix}"
    target.write_bytes(b"the good old file")
    with pytest.raises(ExportError, match="previous file is unchanged"):
        with atomic.atomic_write(target, error=ExportError) as tmp:
            tmp.write_bytes(content)
    assert target.read_bytes() == b"the good old file"
    assert temporaries(tmp_path) == []


# --- item 8: temporaries cleaned --------------------------------------------------------------

def test_stale_temporaries_are_removed_when_a_project_is_opened(tmp_path):
    path = tmp_path / "plan.gpkg"
    shutil.copyfile(SAMPLE, path)
    old = time.time() - 2 * 24 * 3600
    stale = [".plan.abcd1234.tmp.gpkg", ".plan.abcd1234.tmp.gpkg-journal",
             ".plan.zz99yy88.tmp.bak", ".plan.q1w2e3r4.tmp.csv"]
    fresh = [".plan.fresh123.tmp.gpkg"]  # a save in progress elsewhere, perhaps
    not_ours = [".plan.notes", ".plan.abcd1234.gpkg", "plan.abcd1234.tmp.gpkg",
                ".hidden.abcdefgh.tmp.docx"]
    for name in stale + fresh + not_ours:
        (tmp_path / name).write_bytes(b"x")
    for name in stale + not_ours:
        os.utime(tmp_path / name, (old, old))
    open_project(path)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["plan.gpkg", *fresh, *not_ours])


def test_leftovers_of_a_killed_write_go_at_once_a_running_one_stays(tmp_path):
    """The lock file tells a killed writer (lock free) from a running one (lock held)."""
    target = tmp_path / "plan.csv"
    running = atomic._TempName(target)
    running_tmp = running.path(".csv")
    killed = atomic._TempName(target)
    killed_tmp = killed.path(".csv")
    os.close(killed.fd)  # what the operating system does when the process dies
    assert atomic.clean_stale_temporaries(tmp_path) == 2  # the killed one's file and lock
    assert running_tmp.exists() and running.lock.exists()
    assert not killed_tmp.exists() and not killed.lock.exists()
    running.release()
