"""File → Export: the site plan PDF, the allocation CSV, the XLSX workbook or a GeoPackage.

The dialog only gathers choices (format, the PDF's layout and provider, paper, orientation,
regions and sites, where to write) and calls :func:`estates_planner.usecases.export_plan`.
Errors the user can cause (no plan yet, a folder that does not exist, a file open in Excel, a
region pack with several regions ticked) are shown as messages; nothing is raised at them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from estates_planner.errors import CancelledError, EstatesError, ExportError
from estates_planner.project import Project
from estates_planner.report.exports import safe_filename
from estates_planner.ui.common import user_folder_for
from estates_planner.usecases import PDF_LAYOUTS
from estates_planner.usecases import export_plan as export_plan_files

# format key -> (label, file suffix, file dialog filter)
FORMATS: dict[str, tuple[str, str, str]] = {
    "pdf": ("Site plan (PDF)", ".pdf", "PDF files (*.pdf)"),
    "csv": ("Allocation table (CSV)", ".csv", "CSV files (*.csv)"),
    "rota": ("Weekly rota (CSV: site, weekday, need)", ".csv", "CSV files (*.csv)"),
    "xlsx": ("Workbook: allocation, sites, KPIs, settings (XLSX)", ".xlsx",
             "Excel workbooks (*.xlsx)"),
    "gpkg": ("Map layers for GIS (GeoPackage)", ".gpkg", "GeoPackage (*.gpkg)"),
}


class _CancelFlag:
    """``is_set()`` for the writers, backed by the progress dialog's Cancel button."""

    def __init__(self, dialog: QProgressDialog | None):
        self.dialog = dialog

    def is_set(self) -> bool:
        return self.dialog is not None and self.dialog.wasCanceled()


def export_plan(project: Project, scenario_name: str, fmt: str,
                path: str | os.PathLike[str], pdf_options: Any = None,
                progress: Callable[[int, int], None] | None = None,
                cancel: Any = None) -> str:
    """Write one export with :func:`estates_planner.usecases.export_plan`; say what was written.

    Raises :class:`ExportError` (or another :class:`EstatesError`) for anything the user can
    fix: an unknown format, a scenario without a plan, a folder that cannot be written.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of "
                          f"{', '.join(FORMATS)}")
    if project.results.get(scenario_name) is None:
        raise ExportError(f"scenario '{scenario_name}' has no plan yet: solve it "
                          "(Scenario → Solve) before exporting")
    from estates_planner.render.site_plan import write_site_plan_pdf

    written = export_plan_files(project, scenario_name, {fmt: path}, pdf_options, progress,
                                pdf_writer=write_site_plan_pdf, cancel=cancel)[0]
    if fmt == "pdf":
        return f"Wrote the site plan ({written.pages} pages) to {written.path}"
    return f"Wrote {FORMATS[fmt][0].split(' (')[0].lower()} to {written.path}"


class ExportDialog(QDialog):
    """Choose what to export and where, then write it.

    Parameters
    ----------
    project
        The open :class:`estates_planner.project.Project`.
    scenario_name
        The scenario whose plan is exported (the current one in the main window).
    """

    def __init__(self, project: Project, scenario_name: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.scenario_name = scenario_name
        self.last_message = ""
        self.setWindowTitle("Export")
        self.setMinimumWidth(520)
        # room for site names with their region, and for the file path, without scrolling
        self.resize(760, 520)

        self.format_box = QComboBox()
        for key, (label, _suffix, _filter) in FORMATS.items():
            self.format_box.addItem(label, key)
        self.paper_box = QComboBox()
        self.paper_box.addItems(["A4", "A3"])
        self.orientation_box = QComboBox()
        self.orientation_box.addItems(["Portrait", "Landscape"])
        self.layout_box = QComboBox()
        self.layout_box.setAccessibleName("PDF layout")
        for key, label in PDF_LAYOUTS.items():
            self.layout_box.addItem(label, key)
        self.layout_box.setCurrentIndex(list(PDF_LAYOUTS).index("full"))
        self.provider_box = QComboBox()
        self.provider_box.setAccessibleName("Provider of the provider pack")
        self.provider_box.addItems(list(project.dataset.providers))
        self.provider_box.setEnabled(False)
        self.layout_box.currentIndexChanged.connect(self._layout_changed)

        self.region_list = QListWidget()
        self.region_list.setToolTip("Regions the PDF covers: its summary figures, a section "
                                    "per site used and the appendix of needs")
        for region in project.dataset.regions:
            item = QListWidgetItem(region)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.region_list.addItem(item)
        self.site_list = QListWidget()
        self.site_list.setToolTip("Sites used by the plan; untick a site to leave out its "
                                  "section")
        self._fill_sites()
        self.region_list.itemChanged.connect(lambda _item: self._fill_sites())
        all_button = QPushButton("All regions")
        none_button = QPushButton("No regions")
        all_button.clicked.connect(lambda: self._check_all_regions(True))
        none_button.clicked.connect(lambda: self._check_all_regions(False))

        self.path_edit = QLineEdit(str(self._default_path("pdf")))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)

        form = QFormLayout()
        form.addRow("Scenario:", QLabel(scenario_name))
        form.addRow("Format:", self.format_box)
        form.addRow("Layout:", self.layout_box)
        form.addRow("Provider:", self.provider_box)
        form.addRow("Paper:", self.paper_box)
        form.addRow("Orientation:", self.orientation_box)
        form.addRow("Save to:", path_row)

        lists = QHBoxLayout()
        regions_col = QVBoxLayout()
        regions_col.addWidget(QLabel("Regions to include:"))
        regions_col.addWidget(self.region_list)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(all_button)
        buttons_row.addWidget(none_button)
        regions_col.addLayout(buttons_row)
        sites_col = QVBoxLayout()
        sites_col.addWidget(QLabel("Sites to include (PDF sections):"))
        sites_col.addWidget(self.site_list)
        site_buttons = QHBoxLayout()
        for text, state in (("All sites", True), ("No sites", False)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=state: self._check_all_sites(s))
            site_buttons.addWidget(button)
        sites_col.addLayout(site_buttons)
        lists.addLayout(regions_col)
        lists.addLayout(sites_col)
        self.scope_widget = QWidget()
        self.scope_widget.setLayout(lists)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.run_export)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        if project.results.get(scenario_name) is None:
            warning = QLabel(f"Scenario “{scenario_name}” has no plan yet. Solve it first "
                             "(Scenario → Solve); exports need a plan.")
            warning.setWordWrap(True)
            layout.addWidget(warning)
            self.export_button.setEnabled(False)
        layout.addLayout(form)
        layout.addWidget(self.scope_widget)
        layout.addWidget(self.buttons)
        self.format_box.currentIndexChanged.connect(self._format_changed)

    # --- state ---------------------------------------------------------------------------
    def fmt(self) -> str:
        return str(self.format_box.currentData())

    def chosen_regions(self) -> list[str]:
        return [self.region_list.item(i).text() for i in range(self.region_list.count())
                if self.region_list.item(i).checkState() == Qt.CheckState.Checked]

    def chosen_site_ids(self) -> list[str]:
        return [self.site_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.site_list.count())
                if self.site_list.item(i).checkState() == Qt.CheckState.Checked]

    def pdf_options(self) -> Any:
        """The :class:`~estates_planner.render.site_plan.PdfOptions` the controls describe.

        All regions ticked means no region filter; all listed sites ticked, no site filter.
        """
        from estates_planner.render.site_plan import PdfOptions

        regions = self.chosen_regions()
        all_regions = len(regions) == self.region_list.count()
        sites = self.chosen_site_ids()
        all_sites = len(sites) == self.site_list.count()
        layout = str(self.layout_box.currentData())
        return PdfOptions(paper=self.paper_box.currentText(),
                          landscape=self.orientation_box.currentText() == "Landscape",
                          regions=() if all_regions and layout != "region" else tuple(regions),
                          site_ids=() if all_sites else tuple(sites), layout=layout,
                          provider=self.provider_box.currentText()
                          if layout == "provider" else "")

    def output_path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    # --- actions -------------------------------------------------------------------------
    def browse(self) -> None:
        label, suffix, file_filter = FORMATS[self.fmt()]
        path, _ = QFileDialog.getSaveFileName(self, f"Export {label}", str(self.output_path()),
                                              file_filter)
        if path:
            if not path.lower().endswith(suffix):
                path += suffix
            self.path_edit.setText(path)

    def run_export(self) -> bool:
        """Write the export; show what happened; close the dialog on success."""
        fmt = self.fmt()
        path = self.output_path()
        if not self.path_edit.text().strip():
            QMessageBox.warning(self, "Export", "Choose where to save the export.")
            return False
        if fmt == "pdf" and not self.chosen_regions():
            QMessageBox.warning(self, "Export", "Tick at least one region to include.")
            return False
        if fmt == "pdf" and self.site_list.count() and not self.chosen_site_ids():
            QMessageBox.warning(self, "Export", "Tick at least one site to include.")
            return False
        if path.suffix.lower() != FORMATS[fmt][1]:
            path = path.with_name(path.name + FORMATS[fmt][1])
        progress_dialog = None
        try:
            options = self.pdf_options() if fmt == "pdf" else None
            if fmt == "pdf":
                progress_dialog = QProgressDialog("Drawing the site plan…", "Cancel", 0, 0, self)
                progress_dialog.setWindowTitle("Export")
                progress_dialog.setMinimumDuration(300)
                progress_dialog.setWindowModality(Qt.WindowModality.WindowModal)

            def progress(done: int, total: int) -> None:
                if progress_dialog is not None:
                    progress_dialog.setMaximum(total)
                    progress_dialog.setValue(done)
                    QApplication.processEvents()

            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self.last_message = export_plan(self.project, self.scenario_name, fmt, path,
                                                options, progress,
                                                _CancelFlag(progress_dialog))
            finally:
                QApplication.restoreOverrideCursor()
        except CancelledError:
            self.last_message = "Export cancelled; nothing was written."
            return False
        except EstatesError as exc:
            QMessageBox.warning(self, "Export failed", str(exc))
            return False
        finally:
            if progress_dialog is not None:
                progress_dialog.close()
        parent = self.parent()
        status = getattr(parent, "statusBar", None)
        if callable(status):
            status().showMessage(self.last_message, 10000)
        self.accept()
        return True

    # --- helpers -------------------------------------------------------------------------
    def _default_path(self, fmt: str) -> Path:
        folder = user_folder_for(self.project.path)
        title = self.project.title or "Estates plan"
        # the rota and the allocation table are both CSV: their default names differ
        name = f"{title} - {self.scenario_name}" + (" - rota" if fmt == "rota" else "")
        return folder / (safe_filename(name) + FORMATS[fmt][1])

    def _format_changed(self) -> None:
        fmt = self.fmt()
        is_pdf = fmt == "pdf"
        for widget in (self.paper_box, self.orientation_box, self.scope_widget,
                       self.layout_box):
            widget.setEnabled(is_pdf)
        self._layout_changed()
        text = self.path_edit.text().strip()
        if text:
            path = Path(text)
            # a default name follows the format (the rota and the allocation are both CSV)
            if text in {str(self._default_path(f)) for f in FORMATS}:
                path = self._default_path(fmt)
            self.path_edit.setText(str(path.with_suffix(FORMATS[fmt][1])))

    def _layout_changed(self) -> None:
        self.provider_box.setEnabled(self.fmt() == "pdf"
                                     and self.layout_box.currentData() == "provider")

    def _check_all_regions(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.region_list.blockSignals(True)
        for i in range(self.region_list.count()):
            self.region_list.item(i).setCheckState(state)
        self.region_list.blockSignals(False)
        self._fill_sites()

    def _check_all_sites(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for i in range(self.site_list.count()):
            self.site_list.item(i).setCheckState(state)

    def _fill_sites(self) -> None:
        """List the sites the plan uses in the ticked regions, keeping earlier unticks."""
        unticked = {self.site_list.item(i).data(Qt.ItemDataRole.UserRole)
                    for i in range(self.site_list.count())
                    if self.site_list.item(i).checkState() != Qt.CheckState.Checked}
        self.site_list.clear()
        result = self.project.results.get(self.scenario_name)
        if result is None:
            return
        regions = set(self.chosen_regions())
        ds = self.project.dataset
        sites = sorted((ds.site(sid) for sid in result.used_site_ids if ds.has_site(sid)),
                       key=lambda s: (s.region, s.name))
        for site in sites:
            if site.region not in regions:
                continue
            item = QListWidgetItem(f"{site.name} ({site.region})")
            item.setData(Qt.ItemDataRole.UserRole, site.site_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if site.site_id in unticked
                               else Qt.CheckState.Checked)
            self.site_list.addItem(item)
