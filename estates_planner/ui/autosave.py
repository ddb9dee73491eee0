"""Autosave and crash recovery in the window: a timer, and the restore offer at start-up.

The logic (where files go, what they record, listing, cleanup) is in the Qt-free
:mod:`estates_planner.recovery`; this module only decides *when*: every few minutes while the
project has unsaved changes, after each solve, and removal once the work is saved or
deliberately thrown away (a clean save, a clean close, or undo back to the saved state).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from estates_planner import recovery
from estates_planner.errors import EstatesError
from estates_planner.ui import common
from estates_planner.ui.errors_hook import report_unexpected

log = logging.getLogger(__name__)

SETTING_MINUTES = "recovery/autosave_minutes"
DEFAULT_MINUTES = 3.0
RESTORE_TITLE = "Restore unsaved work"


def recovery_folder() -> Path:
    """``<user data folder>/recovery``."""
    return common.data_dir() / "recovery"


def restore_box(parent: QWidget | None, info: recovery.RecoveryInfo) -> QMessageBox:
    """The offer: names the project and the time of the recovery file; Restore or Discard."""
    where = str(info.original_path) if info.original_path else "(never saved)"
    when = info.saved_at.astimezone().strftime("%H:%M on %d %b %Y")
    if not info.details_known:  # the sidecar was lost or damaged; the work itself is there
        where = "details unknown: the project's name and place were not recorded"
    box = QMessageBox(QMessageBox.Icon.Question, RESTORE_TITLE,
                      "Estates Planner did not close properly last time. Unsaved work was "
                      f"kept for:\n\n{info.title}\n{where}\nlast autosaved at {when}."
                      "\n\nRestore it? Discard deletes the kept copy; the project file "
                      "itself is not changed either way.",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("restoreBox")
    restore = box.addButton("&Restore", QMessageBox.ButtonRole.AcceptRole)
    restore.setObjectName("restoreButton")
    discard = box.addButton(QMessageBox.StandardButton.Discard)
    discard.setObjectName("discardButton")
    box.setDefaultButton(restore)
    box.setEscapeButton(restore)  # Esc keeps the work (it is offered again next time)
    return box


class Autosaver(QObject):
    """Writes the window's project to its recovery file; offers old ones at start-up.

    Parameters
    ----------
    window
        The main window (``workspace``, ``state``, ``settings``, ``statusBar``,
        ``set_project``, ``_project_title``).
    folder
        The recovery folder (default :func:`recovery_folder`).
    """

    written = Signal(object)  # RecoveryInfo of each recovery file written
    _finished = Signal(object, object)  # from the writing thread: (info, error)

    def __init__(self, window, folder: str | Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.store = recovery.RecoveryStore(folder or recovery_folder())
        self.last_written: recovery.RecoveryInfo | None = None
        self._bug_reported = False
        self._thread: threading.Thread | None = None
        self._again = False  # autosave asked for while a write was running
        self._discard_after = False  # discard asked for while a write was running
        self._finished.connect(self._write_done)  # queued: emitted from the writing thread
        self.timer = QTimer(self)
        self.timer.setObjectName("autosaveTimer")
        self.timer.timeout.connect(self.autosave)
        self.timer.start(self.interval_ms())
        window.state.modifiedChanged.connect(self._modified_changed)

    def interval_ms(self) -> int:
        """The autosave interval from the setting ``recovery/autosave_minutes`` (default 3)."""
        value = self.window.settings.value(SETTING_MINUTES, DEFAULT_MINUTES)
        try:
            minutes = float(value)
        except (TypeError, ValueError):
            minutes = DEFAULT_MINUTES
        return int(max(0.25, minutes) * 60_000)

    @property
    def busy(self) -> bool:
        """A recovery file is being written."""
        return self._thread is not None

    def autosave(self) -> bool:
        """Write the recovery file if there are unsaved changes; True when a write started.

        The project is copied here (the containers only; scenarios and plans are immutable)
        and written in a background thread: writing the sample project takes about a second,
        which the window would otherwise freeze for every few minutes. A request while a write
        runs is done when it ends. :meth:`wait` finishes the write at once.
        """
        ws = self.window.workspace
        if not ws.modified:
            return False
        if self._thread is not None:
            self._again = True
            return True
        job = (recovery.copy_for_writing(ws.project), getattr(ws.project, "path", None),
               self.window._project_title(), ws.stale_result_names)
        self._thread = threading.Thread(target=self._write, args=job, name="autosave",
                                        daemon=True)
        self._thread.start()
        return True

    def _write(self, project, original, title: str, stale: tuple[str, ...]) -> None:
        # runs in the writing thread: no widgets here, only the store and a signal
        try:
            info, error = self.store.write(project, original, title, stale_results=stale), None
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, see _write_done
            info, error = None, exc
        with contextlib.suppress(RuntimeError):  # the window was deleted meanwhile
            self._finished.emit(info, error)

    def _write_done(self, info, error) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(5)
        if self._discard_after:  # saved or thrown away while writing: the file must go
            self._discard_after = False
            self.store.discard()
            self.last_written = None
        elif error is None:
            self.last_written = info
            log.info("autosaved %s to %s", info.title, info.path)
            self.written.emit(info)
        elif isinstance(error, EstatesError):  # e.g. a full disk: say so quietly, carry on
            log.warning("autosave failed: %s", error)
            self.window.statusBar().showMessage(f"Autosave failed: {error}", 10000)
        else:  # a bug: to the one hook once, not every few minutes
            if not self._bug_reported:
                self._bug_reported = True
                report_unexpected(error)
            else:
                log.error("autosave failed again", exc_info=error)
            self.window.statusBar().showMessage("Autosave failed (see the log file)", 10000)
        if self._again:
            self._again = False
            self.autosave()

    def wait(self, timeout_s: float = 60.0) -> None:
        """Finish any write in progress now (before closing, restoring, and in tests)."""
        deadline = time.monotonic() + timeout_s
        while self._thread is not None and time.monotonic() < deadline:
            self._thread.join(max(0.0, deadline - time.monotonic()))
            # deliver the thread's queued "finished" now, which may start one more write
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
            if self._thread is not None and not self._thread.is_alive():
                QCoreApplication.processEvents()

    def discard(self) -> None:
        """Remove this window's recovery file (the work is saved or was thrown away)."""
        if self._thread is not None:  # a write still running must not bring it back
            self._discard_after = True
            self._again = False
        self.store.discard()
        self.last_written = None

    def _modified_changed(self, modified: bool) -> None:
        if not modified:  # saved, or undone back to the saved state
            self.discard()

    def stop(self) -> None:
        """Stop the timer and finish a write in progress (the window is closing)."""
        self.timer.stop()
        self.wait()

    def keep_for_next_start(self) -> bool:
        """Write unsaved work to the recovery file now, in this thread; True when written.

        For an app ended by SIGINT or SIGTERM (see ``app.quit_on_signals``): there is no time
        for a background write, and the file must be complete before the process goes, so
        that the next start offers the work.
        """
        self.stop()
        ws = self.window.workspace
        if not ws.modified:
            return False
        try:
            self.last_written = self.store.write(
                recovery.copy_for_writing(ws.project), getattr(ws.project, "path", None),
                self.window._project_title(), stale_results=ws.stale_result_names)
        except EstatesError as exc:
            log.warning("unsaved work could not be kept on quitting: %s", exc)
            return False
        log.info("kept unsaved work of %s in %s", self.last_written.title,
                 self.last_written.path)
        return True

    # ---------------------------------------------------------------- start-up
    def offer_restore(self) -> bool:
        """Offer each recovery file left by a crash, newest first; True if one was restored.

        A discarded file is deleted; the offer stops at the first one restored (any others
        are offered at the next start).
        """
        try:
            recovery.cleanup(self.store.folder)
        except OSError as exc:  # pragma: no cover - a folder we cannot list is no reason to stop
            log.warning("recovery folder not cleaned: %s", exc)
        for info in self.store.recoverable():
            box = restore_box(self.window, info)
            box.exec()
            chosen = box.clickedButton()
            restore = chosen is None or chosen.objectName() == "restoreButton"
            box.deleteLater()
            if not restore:
                recovery.remove(info.path)
                continue
            if self.restore(info):
                return True
        return False

    def restore(self, info: recovery.RecoveryInfo) -> bool:
        """Open the recovery file as the window's project, modified, saving to its original."""
        try:
            project = recovery.open_recovery(info)
        except EstatesError as exc:
            QMessageBox.warning(self.window, RESTORE_TITLE,
                                f"The kept copy could not be read, so it was left in "
                                f"{info.path.parent}:\n{exc}")
            return False
        self.window.set_project(project)
        self.window.workspace.mark_unsaved(info.stale_results)
        self.window._update_title()
        self.autosave()
        self.wait()
        if self.store.exists():  # the work is in this session's file before the old one goes
            recovery.remove(info.path)
        self.window.statusBar().showMessage(
            f"Restored unsaved work of {info.title}; save it to keep it", 10000)
        return True
