"""Recovery files: a copy of unsaved work that survives a crash of the desktop app.

Planners spend hours shaping scenarios, so the app writes the open project every few minutes
(and after each solve) to a recovery file while it has unsaved changes. A clean save or a clean
close removes the file; if the app dies instead, the file is still there at the next start and
the app offers to restore it. This module holds that logic with no Qt in it, so it is tested
without a window; the desktop app only supplies the folder and a timer.

Layout of the recovery folder (``<user data folder>/recovery/``)::

    recovery-<session>.gpkg   the project, written with :func:`project.save_project` (atomic)
    recovery-<session>.json   what the restore offer shows: original path, title, time, pid

Each running window has its own session id, so two instances of the app never overwrite each
other's files, and a file whose process is still running is not offered to another instance.
The JSON sidecar is written after the project file, both by write-then-rename, so a crash at
any moment leaves either the previous complete pair, or a new project file with the previous
sidecar (which still describes a valid file), never half a file.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from estates_planner.errors import ProjectFileError

PREFIX = "recovery-"
FORMAT = 1
UNKNOWN_TITLE = "Unsaved work (details unknown)"
# the highest process id any supported system hands out (Linux's pid_max limit is 2^22)
_MAX_PID = 2**22
# a project file this young without a sidecar may be a first write still under way
_SIDECAR_GRACE_S = 60.0
_MAX_TEXT = 500


@dataclass(frozen=True)
class RecoveryInfo:
    """One recovery file and what is known about it.

    Attributes
    ----------
    path : the recovery project file (.gpkg) in the recovery folder.
    original_path : where the user's project lives (None for a project never saved).
    title : the project's title or file name, to name it in the restore offer.
    saved_at : when the recovery file was written (UTC).
    pid : the process that wrote it.
    session : the writing window's session id (part of the file names).
    stale_results : scenarios whose stored plan was out of date (edited after solving).
    """

    path: Path
    original_path: Path | None
    title: str
    saved_at: datetime
    pid: int
    session: str
    stale_results: tuple[str, ...] = ()
    details_known: bool = True  # False: the sidecar is missing or damaged (see read_info)

    @property
    def sidecar(self) -> Path:
        return self.path.with_suffix(".json")

    def describe(self) -> str:
        """"Title (path), recovered from 14:05 on 25 Nov 2026" in local time, for messages."""
        when = self.saved_at.astimezone().strftime("%H:%M on %d %b %Y")
        if not self.details_known:
            return f"{self.title} (details unknown), recovery file written at {when}"
        where = f" ({self.original_path})" if self.original_path else " (never saved)"
        return f"{self.title}{where}, last autosaved at {when}"


def _files_of(path: Path) -> list[Path]:
    """The recovery file, its sidecar and what SQLite or save_project leave next to it."""
    return [path, path.with_suffix(".json"), path.with_name(path.name + ".bak"),
            path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm")]


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp.json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def process_is_running(pid: int) -> bool:
    """True when a process with this id exists (it may belong to another user)."""
    if not isinstance(pid, int) or pid <= 0 or pid > _MAX_PID:
        return False  # os.kill would raise OverflowError for a pid of 10**30
    if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) would kill the process there
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)
            return True
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def copy_for_writing(project: Any) -> Any:
    """A copy to write while the user keeps editing the original.

    Saving sets ``path`` and a metadata entry on what it writes, which must not move the
    user's project into the recovery folder; and the app replaces or adds entries of the
    project's lists and dicts as the user works, possibly while another thread writes. So the
    containers are copied; what they hold (scenarios, plans, data, layers) is never changed in
    place and is shared.
    """
    clone = copy.copy(project)
    for name in ("scenarios",):
        if isinstance(getattr(project, name, None), list):
            setattr(clone, name, list(getattr(project, name)))
    for name in ("results", "layers", "tables", "metadata"):
        if isinstance(getattr(project, name, None), dict):
            setattr(clone, name, dict(getattr(project, name)))
    return clone


class RecoveryStore:
    """The recovery files of one folder, and the one this session writes.

    Parameters
    ----------
    folder
        The recovery folder, e.g. ``<AppDataLocation>/recovery``; created when first written.
    session
        This window's id (default: a new random one).
    """

    def __init__(self, folder: str | Path, session: str | None = None) -> None:
        self.folder = Path(folder)
        self.session = session or uuid.uuid4().hex[:12]

    @property
    def path(self) -> Path:
        """This session's recovery project file."""
        return self.folder / f"{PREFIX}{self.session}.gpkg"

    def exists(self) -> bool:
        return self.path.exists() and self.path.with_suffix(".json").exists()

    def write(self, project: Any, original_path: str | Path | None = None,
              title: str = "", stale_results: tuple[str, ...] = (),
              now: datetime | None = None) -> RecoveryInfo:
        """Write ``project`` as this session's recovery file (replacing the last one).

        ``original_path`` is where Save should write after a restore; the user's project object
        is left as it was (its ``path`` does not change).

        Raises
        ------
        ProjectFileError
            when the folder or the file cannot be written (e.g. a full disk); the previous
            recovery file is then untouched.
        """
        from estates_planner.project import save_project

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectFileError(f"cannot create the recovery folder {self.folder}: "
                                   f"{exc.strerror or exc}") from exc
        saved_at = (now or datetime.now(UTC)).astimezone(UTC)
        save_project(copy_for_writing(project), self.path)
        with contextlib.suppress(OSError):  # the previous version is not needed here
            self.path.with_name(self.path.name + ".bak").unlink()
        original = Path(original_path).resolve() if original_path else None
        info = RecoveryInfo(self.path, original, title or (original.name if original else
                                                           "Untitled project"),
                            saved_at, os.getpid(), self.session, tuple(stale_results))
        try:
            _write_json_atomic(info.sidecar, {
                "format": FORMAT, "original_path": str(original) if original else None,
                "title": info.title, "saved_at": saved_at.isoformat(), "pid": info.pid,
                "session": self.session, "stale_results": list(stale_results)})
        except OSError as exc:
            raise ProjectFileError(f"cannot write the recovery file {info.sidecar}: "
                                   f"{exc.strerror or exc}") from exc
        return info

    def discard(self) -> None:
        """Remove this session's recovery file (after a clean save or close)."""
        remove(self.path)

    def recoverable(self, *, skip_running: bool = True) -> list[RecoveryInfo]:
        """Recovery files left by other sessions, newest first (see :func:`list_recovery`)."""
        return [info for info in list_recovery(self.folder, skip_running=skip_running)
                if info.session != self.session]


def read_info(sidecar: Path) -> RecoveryInfo | None:
    """What is known about the recovery file beside ``sidecar``; None only when that project
    file is gone.

    Every field of the sidecar is checked (type, range, length); a missing, damaged or
    nonsensical sidecar never makes a valid project file unrecoverable: it is then offered
    with "details unknown" (its time from the file, no original path, so Save asks where).
    """
    path = sidecar.with_suffix(".gpkg")
    if not path.exists():
        return None
    session = _session_of(path.name)
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return _unknown(path, session)
    if not isinstance(data, dict):
        return _unknown(path, session)
    saved_at = _time(data.get("saved_at"))
    pid = data.get("pid")
    original = data.get("original_path")
    title = data.get("title")
    stale = data.get("stale_results")
    known = (saved_at is not None and _is_pid(pid) and data.get("format", FORMAT) == FORMAT
             and (original is None or _is_text(original))
             and (title is None or _is_text(title)))
    if not known:
        return _unknown(path, session, saved_at)
    names = tuple(n for n in stale if _is_text(n))[:1000] if isinstance(stale, list) else ()
    return RecoveryInfo(path, Path(original) if original else None,
                        _clean(title) or "Untitled project", saved_at, int(pid), session,
                        names)


def _unknown(path: Path, session: str, saved_at: datetime | None = None) -> RecoveryInfo:
    """Offered whatever process wrote it (pid 0): a sidecar that cannot be trusted cannot
    say that its writer still runs either."""
    if saved_at is None:
        try:
            saved_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except OSError:
            saved_at = datetime.now(UTC)
    return RecoveryInfo(path, None, UNKNOWN_TITLE, saved_at, 0, session,
                        details_known=False)


def _is_pid(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_PID


def _is_text(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 4096 and "\x00" not in value


def _clean(text: object) -> str:
    """Text for a dialog: no control characters, at most 500 characters."""
    if not isinstance(text, str):
        return ""
    text = "".join(c for c in text if c.isprintable() or c == " ")
    return text[:_MAX_TEXT].strip()


def _time(value: object) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def list_recovery(folder: str | Path, *, skip_running: bool = True) -> list[RecoveryInfo]:
    """Recovery files in ``folder``, newest first.

    Files written by another process that is still running belong to that running app and are
    left out when ``skip_running`` (this process's own files are always listed: in the app,
    one process has one window, so they are from a window that did not close cleanly). A
    project file whose sidecar is missing or damaged is listed with "details unknown", unless
    it is under a minute old (its sidecar may be being written).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{PREFIX}*.gpkg"):
        info = read_info(path.with_suffix(".json"))
        if info is None:
            continue
        if not info.details_known and _younger_than(path, _SIDECAR_GRACE_S):
            continue
        if skip_running and info.pid != os.getpid() and process_is_running(info.pid):
            continue
        found.append(info)
    return sorted(found, key=lambda i: i.saved_at, reverse=True)


def _younger_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime < seconds
    except OSError:
        return False


def remove(path: str | Path) -> None:
    """Delete a recovery file with its sidecar and leftovers; missing files are fine."""
    for p in _files_of(Path(path)):
        with contextlib.suppress(OSError):
            p.unlink()


def _session_of(name: str) -> str:
    """The session id in a recovery folder file name ("" for files that are not ours)."""
    for prefix in (PREFIX, f".{PREFIX}"):
        if name.startswith(prefix):
            return name[len(prefix):].split(".", 1)[0]
    return ""


def cleanup(folder: str | Path) -> int:
    """Remove debris: sidecars without a project file, and temporary files of interrupted
    writes. Returns how many files went. A project file is never removed here, whatever its
    sidecar says: only a Discard in the restore offer deletes it.

    Files of a still running process (including its half-written ones) are left alone.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    running = set()
    for sidecar in folder.glob(f"{PREFIX}*.json"):
        info = read_info(sidecar)
        if info is not None and info.pid != os.getpid() and process_is_running(info.pid):
            running.add(info.session)
    removed = 0
    for p in folder.iterdir():
        name = p.name
        session = _session_of(name)
        if not session or session in running:
            continue
        if name.startswith(PREFIX) and name.endswith(".gpkg"):
            keep = True  # never deleted unread: offered (details unknown if need be)
        elif name.startswith(PREFIX) and name.endswith(".json"):
            keep = p.with_suffix(".gpkg").exists()
        else:  # temporary files, .bak, SQLite journals: never needed once nothing writes
            keep = False
        if not keep:
            with contextlib.suppress(OSError):
                p.unlink()
                removed += 1
    return removed


def open_recovery(info: RecoveryInfo) -> Any:
    """Read a recovery file as a project that belongs at its original place.

    The returned project's ``path`` is ``info.original_path`` (None if the project was never
    saved), so Save writes where the user expects, not into the recovery folder.

    Raises
    ------
    ProjectFileError
        when the recovery file cannot be read (it is then left where it is).
    """
    from estates_planner.project import open_project

    project = open_project(info.path)
    project.path = info.original_path
    return project
