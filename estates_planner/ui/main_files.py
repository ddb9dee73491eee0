"""The main window's file commands: open (also by drag and drop), save, recent files, import
and export. A mixin of :class:`~ui.main_window.MainWindow`; each command catches the
domain errors it can cause and shows their message."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QMessageBox,
)

from estates_planner.errors import EstatesError
from estates_planner.model import Dataset
from estates_planner.ui.common import is_bundled_sample, user_action, user_folder_for
from estates_planner.ui.import_wizard import ImportOutcome, ImportWizard, guess_kind
from estates_planner.usecases import TABLE_KINDS, dataset_with_table

log = logging.getLogger(__name__)

MAX_RECENT = 8
PROJECT_FILTER = "Estates Planner projects (*.gpkg)"
IMPORT_SUFFIXES = {".csv", ".txt", ".xlsx", ".geojson", ".json", ".shp", ".zip"}


def empty_project():
    """A project with no data, for File > New and for a start without a project."""
    from estates_planner.project import new_project

    return new_project(Dataset((), ()), title="Untitled project")


class FilesMixin:
    # ================================================================= files
    def recent_files(self) -> list[str]:
        value = self.settings.value("recent/files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember(self, path: Path) -> None:
        text = str(Path(path).resolve())
        files = [text, *[f for f in self.recent_files() if f != text]][:MAX_RECENT]
        self.settings.setValue("recent/files", files)
        self.settings.setValue("recent/last", text)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for i, path in enumerate(files, 1):
            action = self.recent_menu.addAction(f"&{i} {Path(path).name}")
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if not files:
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def maybe_save(self) -> bool:
        """Ask Save / Discard / Cancel when there are unsaved changes; False means stop."""
        if not self.workspace.modified:
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes",
            f"{self._project_title()} has changes that are not saved. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def set_project(self, project) -> None:
        """Show another project (history and modified flag start afresh)."""
        if self.compare_dialog is not None:
            self.compare_dialog.close()
            self.compare_dialog = None
        self.workspace.set_project(project)
        self._update_title()
        self._update_undo_actions()

    def new_project(self) -> None:
        if self._busy() or not self.maybe_save():
            return
        with user_action(self, "New project"):
            self.set_project(empty_project())
            self.statusBar().showMessage("New project: import sites and needs (Ctrl+I)", 8000)

    def open_dialog(self) -> None:
        if self._busy() or not self.maybe_save():
            return
        start = str(Path(self.recent_files()[0]).parent) if self.recent_files() else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open project", start, PROJECT_FILTER)
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path: str | Path, ask: bool = True) -> bool:
        """Open a project file; True when it opened."""
        if ask and (self._busy() or not self.maybe_save()):
            return False
        from estates_planner.project import open_project

        try:
            project = open_project(path)
        except EstatesError as exc:
            QMessageBox.warning(self, "Open project", str(exc))
            return False
        self.set_project(project)
        self._remember(Path(path))
        self.statusBar().showMessage(f"Opened {Path(path).name}", 5000)
        return True

    def save(self) -> bool:
        path = getattr(self.workspace.project, "path", None)
        if path is None or is_bundled_sample(path):
            return self.save_as()
        return self._save_to(Path(path))

    def save_as(self) -> bool:
        current = getattr(self.workspace.project, "path", None)
        suggested = user_folder_for(current) / (Path(current).name if current
                                                else "project.gpkg")
        path, _ = QFileDialog.getSaveFileName(self, "Save project as", str(suggested),
                                              PROJECT_FILTER)
        if not path:
            return False
        if not path.lower().endswith(".gpkg"):
            path += ".gpkg"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        from estates_planner.project import save_project

        try:
            written = save_project(self.workspace.project, path)
        except EstatesError as exc:
            QMessageBox.warning(self, "Save project", str(exc))
            return False
        self.workspace.mark_saved(written)
        self._remember(written)
        self._update_title()
        self.statusBar().showMessage(f"Saved {written.name}", 5000)
        return True

    # ================================================================= import / export
    def import_data(self, path: str | Path | None = None) -> bool:
        """Run the import wizard (on ``path`` if given); True when something was imported."""
        kind = guess_kind(Path(path)) if path else None
        wizard = ImportWizard(self.workspace.dataset, str(path) if path else None, kind,
                              parent=self)
        if wizard.exec() != QDialog.DialogCode.Accepted or wizard.outcome is None:
            return False
        with user_action(self, "Import"):
            self.apply_import(wizard.outcome)
            return True
        return False

    def import_many(self, paths: list[Path] | None = None) -> bool:
        """A new project from several input files or a folder (kinds confirmed by the
        user); True when it replaced the open project."""
        from estates_planner.ui.import_many import ImportManyDialog

        if not self.maybe_save():
            return False
        dialog = ImportManyDialog(paths, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.imported is None:
            return False
        self.set_project(dialog.imported.project)
        warnings = len(dialog.imported.report.warnings)
        self.statusBar().showMessage(
            "New project from files" + (f" with {warnings} warnings" if warnings else ""),
            8000)
        return True

    def apply_import(self, outcome: ImportOutcome) -> None:
        """Put what the wizard read into the project (one undoable step)."""
        ws = self.workspace
        name = outcome.path.name
        if outcome.kind in TABLE_KINDS:
            label = "demand points" if outcome.kind == "demand" else outcome.kind
            ws.replace_dataset(dataset_with_table(ws.dataset, outcome.kind, outcome.data),
                               f"Import {label} from {name}")
        else:
            ws.set_layer(outcome.layer_name, outcome.data, f"Import layer {outcome.layer_name}")
        warnings = len(outcome.report.warnings)
        self.statusBar().showMessage(
            f"Imported {name}" + (f" with {warnings} warnings" if warnings else ""), 8000)

    def export(self) -> None:
        if self._busy():
            return
        from estates_planner.ui.export_dialog import ExportDialog

        with user_action(self, "Export"):
            ExportDialog(self.workspace.project, self.workspace.current_name, self).exec()

    # ================================================================= drag and drop
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(
                Path(u.toLocalFile()).suffix.lower() in IMPORT_SUFFIXES | {".gpkg"}
                for u in event.mimeData().urls() if u.isLocalFile()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        # handle after the drop returns, so the source application is not kept waiting
        QTimer.singleShot(0, lambda: self.open_dropped(paths))

    def open_dropped(self, paths: list[Path]) -> None:
        """A dropped .gpkg opens as a project; tables and boundary files go to the wizard."""
        for path in paths:
            suffix = path.suffix.lower()
            if suffix == ".gpkg" and self._is_project(path):
                self.open_path(path)
                return
            if suffix in IMPORT_SUFFIXES or suffix == ".gpkg":
                self.import_data(path)

    @staticmethod
    def _is_project(path: Path) -> bool:
        try:
            import pyogrio

            return "scenarios" in {str(n).lower() for n in pyogrio.list_layers(path)[:, 0]}
        except Exception:  # noqa: BLE001 - an unreadable file is tried as a project and reported
            return True

    # ================================================================= editing
