"""Atomic, verified file writes: the one way this app replaces a file on disk.

A project or an export is written to a temporary file beside its target, checked, and only
then renamed over the target in one step (:func:`os.replace` within one folder is atomic). So a
crash, a full disk or a writer that fails quietly (Qt's PDF writer reports a full disk only in
the return value of ``QPainter.end()``) never leaves a damaged file where a good one was.

What :func:`atomic_write` adds to a plain write-then-rename, each found missing by the second
hardening probe (issue 18):

- **symlinks are followed**: the temporary file is made beside the link's *target* and replaces
  the target, so the link stays a link and the shared file it points to is the one updated;
- **verified before it replaces anything**: the file must be non-empty and pass a cheap
  re-open check for its kind (SQLite ``quick_check`` for a GeoPackage, the zip test for an
  XLSX workbook, a ``%PDF`` header and ``%%EOF`` trailer for a PDF);
- **mode and group kept**: the new file (and the ``.bak`` copy) get the permission bits and,
  where allowed, the group of the file they replace, so a 0600 or 0660 project stays so;
- **one sentence on failure**: any ``OSError`` or writer error becomes one domain error naming
  the path and the cause a user can act on ("the disk is full", "the folder ... cannot be
  written to"), never raw GDAL SQL or SQLite integrity output;
- **stale temporaries cleaned**: files of this app's own temporary pattern left by a killed
  save (their lock is free) or older than a day are removed from the folder of a project
  opened or saved, and of any file written.

Temporary names are ``.<stem>.<8 random>.tmp<suffix>`` (with SQLite's ``-journal``, ``-wal``
or ``-shm`` beside them while GDAL writes) and the lock ``.<stem>.<8 random>.tmp.lock`` that
reserves them; :data:`TEMP_PATTERN` matches only those.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from estates_planner.errors import EstatesError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# mkstemp's random part is 8 characters of [a-z0-9_]; the stem is cut to 40 characters
TEMP_PATTERN = re.compile(
    r"^(?P<key>\..{1,40}\.[a-z0-9_]{8})\.tmp\.(gpkg|bak|csv|xlsx|pdf|json|lock)"
    r"(-journal|-wal|-shm)?$")
STALE_AFTER_S = 24 * 3600.0
# a folder with less free space than this after a failed write is taken to be full: GDAL
# then often says only "Failed to commit transaction"
_FULL_BELOW_BYTES = 256 * 1024
_SQLITE_MAGIC = b"SQLite format 3\x00"


def real_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` must replace: ``path`` with every symlink followed."""
    return Path(os.path.realpath(path))


class _TempName:
    """A temporary name beside a target, reserved by a locked ``.tmp.lock`` file.

    The lock file (made by :func:`tempfile.mkstemp`, so the name is unique) stays open and
    ``flock``-ed while the write runs; the operating system drops the lock when the process
    ends in any way, SIGKILL included. So :func:`clean_stale_temporaries` can tell the
    leftovers of a killed save (lock free) from a save running in another process or thread
    (lock held) at once, without waiting a day. Where ``flock`` does not exist (Windows)
    leftovers go by age only.
    """

    def __init__(self, target: Path) -> None:
        fd, name = tempfile.mkstemp(prefix=f".{target.stem[:40]}.", suffix=".tmp.lock",
                                    dir=target.parent)
        self.lock = Path(name)
        self.fd = fd
        if fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.key = name[: -len(".tmp.lock")]

    def path(self, suffix: str) -> Path:
        """The temporary file for ``suffix`` (e.g. ".gpkg", ".bak"), created empty."""
        path = Path(f"{self.key}.tmp{suffix}")
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return path

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self.lock.unlink()
        with contextlib.suppress(OSError):
            os.close(self.fd)


@contextmanager
def atomic_write(path: str | os.PathLike[str], *, error: type[EstatesError],
                 action: str = "write", keep_backup: bool = False,
                 verify: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``'s real target; on success move it into place.

    Parameters
    ----------
    path
        The file to write. A symlink is followed: its target is replaced, the link kept.
    error
        The domain exception to raise (e.g. ``ExportError``, ``ProjectFileError``).
    action
        Words for the message, e.g. "save the project to": "cannot save the project to P: ...".
    keep_backup
        Copy the file being replaced to ``NAME.bak`` first (atomically, same mode).
    verify
        Check the finished file (non-empty, and re-opened by its kind) before replacing.

    The body writes the temporary file (it exists and is empty; a writer that must create the
    file itself may delete it first). Any exception leaves the old file and its ``.bak`` as
    they were and removes the temporary files; ``OSError`` and failed checks become ``error``
    with one sentence naming ``path``. Other exceptions pass through unchanged, for the caller
    to word (:func:`failure_reason` helps).
    """
    shown = Path(path)
    target = real_target(shown)
    if target.is_dir():
        raise error(f"cannot {action} {shown}: it is a folder; choose a file name")
    folder = target.parent
    if not folder.is_dir():
        raise error(f"cannot {action} {shown}: the folder {folder} does not exist")
    clean_stale_temporaries(folder)
    try:
        name = _TempName(target)
    except OSError as exc:
        raise error(f"cannot {action} {shown}: {failure_reason(exc, folder)}") from exc
    bak_tmp: Path | None = None
    tmp: Path | None = None
    try:
        tmp = name.path(target.suffix)
        yield tmp
        if verify:
            problem = check_written(tmp)
            if problem and free_bytes(folder) < _FULL_BELOW_BYTES:
                problem = "the disk is full (No space left on device)"
            if problem:
                raise error(f"cannot {action} {shown}: {problem}; "
                            f"{_unchanged(target)}")
        mode, gid = file_mode(target)
        _set_mode(tmp, mode, gid)
        if keep_backup and target.exists():
            bak_tmp = name.path(".bak")
            shutil.copyfile(target, bak_tmp)
            _set_mode(bak_tmp, mode, gid)
            os.replace(bak_tmp, target.with_name(target.name + ".bak"))
            bak_tmp = None
        _fsync(tmp)
        os.replace(tmp, target)
    except EstatesError:
        remove_temporaries(tmp, bak_tmp)
        raise
    except OSError as exc:
        reason = failure_reason(exc, folder)
        remove_temporaries(tmp, bak_tmp)
        raise error(f"cannot {action} {shown}: {reason}; {_unchanged(target)}") from exc
    except BaseException:
        remove_temporaries(tmp, bak_tmp)
        raise
    finally:
        name.release()


def _unchanged(target: Path) -> str:
    return ("the previous file is unchanged" if target.exists()
            else "no file was written")


def failure_reason(exc: BaseException, folder: Path | None = None) -> str:
    """What went wrong, in words a planner can act on (a short clause, no traceback text).

    A full disk and an unwritable folder are named as such whatever layer reported them
    (``OSError`` errno, SQLite's "database or disk is full", GDAL's SQL-laden messages, or
    GDAL's bare "Failed to commit transaction" on a folder with no space left).
    """
    code = getattr(exc, "errno", None)
    text = str(exc)
    low = text.lower()
    detail = getattr(exc, "strerror", None) or ""
    if code in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in low \
            or "no space left" in low or "disk quota" in low:
        return f"the disk is full ({detail or 'No space left on device'})"
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "permission denied" in low \
            or "read-only file system" in low or "readonly database" in low:
        where = f"the folder {folder}" if folder is not None else "the folder"
        return f"{where} cannot be written to ({detail or 'Permission denied'})"
    if folder is not None and free_bytes(folder) < _FULL_BELOW_BYTES:
        return "the disk is full (No space left on device)"
    if isinstance(exc, OSError) and detail:
        return detail
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    # GDAL puts whole SQL statements in its messages; a clause is enough
    first = re.split(r"[\s(](?:CREATE|INSERT|UPDATE|SELECT|DELETE|ALTER|DROP)\s", first,
                     maxsplit=1)[0]
    return first[:160].rstrip(" :;,") or type(exc).__name__


def free_bytes(folder: Path) -> int:
    """Bytes free for this user in ``folder``'s file system (huge when unknown)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 1 << 62


def check_written(path: Path) -> str | None:
    """Why the freshly written ``path`` is not a good file of its kind, or None if it is."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"the new file is missing ({exc.strerror or exc})"
    if size == 0:
        return "the new file came out empty (is the disk full?)"
    kind = path.suffix.lower()
    if kind == ".gpkg":
        return _check_sqlite(path)
    if kind in (".xlsx", ".xlsm"):
        return _check_zip(path)
    if kind == ".pdf":
        return _check_pdf(path, size)
    return None


def _check_sqlite(path: Path) -> str | None:
    with open(path, "rb") as fh:
        if fh.read(16) != _SQLITE_MAGIC:
            return "the new file is damaged (is the disk full?)"
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return "the new file cannot be opened (is the disk full?)"
    try:
        row = con.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error:
        row = None
    finally:
        con.close()
    if not row or row[0] != "ok":
        return "the new file failed its integrity check (is the disk full?)"
    return None


def _check_zip(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.testzip() is not None:
                return "the new workbook is damaged (is the disk full?)"
    except (zipfile.BadZipFile, OSError, EOFError):
        return "the new workbook is damaged (is the disk full?)"
    return None


def _check_pdf(path: Path, size: int) -> str | None:
    with open(path, "rb") as fh:
        head = fh.read(5)
        fh.seek(max(0, size - 1024))
        tail = fh.read()
    if not head.startswith(b"%PDF") or b"%%EOF" not in tail:
        return "the new PDF is incomplete (is the disk full?)"
    return None


def file_mode(target: Path) -> tuple[int, int | None]:
    """Permission bits and group for a file written at ``target``: those of the file there,
    else what a new file gets under the umask (group: the folder's default, None)."""
    try:
        st = target.stat()
    except OSError:
        return 0o666 & ~_umask(), None
    return stat.S_IMODE(st.st_mode), st.st_gid


def _set_mode(path: Path, mode: int, gid: int | None) -> None:
    if gid is not None and hasattr(os, "chown"):
        # a user may set the group only to one of their own groups; otherwise keep the default
        with contextlib.suppress(OSError):
            if path.stat().st_gid != gid:
                os.chown(path, -1, gid)
    os.chmod(path, mode)


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race other threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def _fsync(path: Path) -> None:
    """Flush the file to disk before the rename, so a power cut cannot leave a renamed but
    empty file (ext4 with delayed allocation can)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_temporaries(*paths: Path | None) -> None:
    """Delete temporary files and the SQLite journals beside them; missing files are fine."""
    for p in paths:
        if p is None:
            continue
        for q in (p, p.with_name(p.name + "-journal"), p.with_name(p.name + "-wal"),
                  p.with_name(p.name + "-shm")):
            with contextlib.suppress(OSError):
                q.unlink()


def clean_stale_temporaries(folder: str | os.PathLike[str], *,
                            older_than_s: float = STALE_AFTER_S,
                            now: float | None = None) -> int:
    """Remove this app's leftover temporary files in ``folder``; return how many went.

    Only names in :data:`TEMP_PATTERN` are touched, so a user's own hidden files stay. A
    temporary whose ``.tmp.lock`` is free belongs to a write that ended without tidying up
    (the process was killed): it goes at once. One whose lock is held belongs to a write in
    progress and stays. One without a lock file (older versions of the app, or a system
    without ``flock``) goes when last changed over a day ago. A folder that cannot be listed
    is left alone.
    """
    limit = (time.time() if now is None else now) - older_than_s
    try:
        entries = [e for e in os.scandir(folder) if TEMP_PATTERN.match(e.name)]
    except OSError:
        return 0
    dead: dict[str, bool] = {}
    for entry in entries:
        if entry.name.endswith(".tmp.lock"):
            free = _lock_is_free(entry.path)
            if free is not None:  # unknown (no flock on this file system): by age below
                dead[entry.path[: -len(".tmp.lock")]] = free
    removed = 0
    for entry in entries:
        key = os.path.join(os.path.dirname(entry.path), TEMP_PATTERN.match(entry.name)["key"])
        with contextlib.suppress(OSError):
            if key in dead:
                stale = dead[key]
            else:
                stale = entry.stat(follow_symlinks=False).st_mtime < limit
            if stale and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
    return removed


def _lock_is_free(path: str) -> bool | None:
    """True when no process holds ``path``'s flock (its writer is gone), False when one does,
    None when that cannot be told (no flock here: Windows, some network file systems)."""
    if fcntl is None:  # pragma: no cover - Windows: leave it to the age rule
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        return False if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES) else None
    else:
        return True
    finally:
        os.close(fd)  # closing drops the lock taken just now
