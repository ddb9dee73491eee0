"""The import wizard: choose a sites, needs, demand or boundary file, map its columns, and
read the validation report before anything changes. Errors block; warnings do not.

All reading and checking is the core's (:mod:`estates_planner.io`); the wizard only collects a
file name and a column map and shows the :class:`~estates_planner.errors.ValidationReport`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from estates_planner.errors import EstatesError, Problem, ValidationReport
from estates_planner.ui.errors_hook import report_unexpected

_ROOT = QModelIndex()
NOT_IN_FILE = "(not in the file)"
KINDS = {
    "sites": "&Sites (offices and properties)",
    "needs": "&Needs (providers' space requirements)",
    "demand": "&Demand points (where a PDU's service users are)",
    "boundaries": "&Boundaries (region or local-authority polygons)",
}
FILE_FILTER = ("Tables and maps (*.csv *.txt *.xlsx *.gpkg *.geojson *.json *.shp *.zip);;"
               "All files (*)")


@dataclass
class ImportOutcome:
    """What the wizard read: ``kind`` as in ``KINDS``, ``data`` the reader's objects."""

    kind: str
    path: Path
    data: object
    report: ValidationReport
    layer_name: str = ""


def column_specs(kind: str) -> list[tuple[str, bool, str]]:
    """(name, required, description) of the columns a kind of file may have."""
    from estates_planner import io

    specs = {"sites": io.SITE_COLUMNS, "needs": io.NEED_COLUMNS,
             "demand": io.DEMAND_COLUMNS}[kind]
    if isinstance(specs, dict):
        return [(name, bool(v[1]), str(v[0])) for name, v in specs.items()]
    return [(s.name, bool(s.required), s.description) for s in specs]


def auto_match(expected: str, columns: list[str]) -> str | None:
    """The file column matching ``expected`` ignoring case, spaces, dashes and underscores."""
    def key(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())

    wanted = key(expected)
    return next((c for c in columns if key(c) == wanted), None)


class ProblemsModel(QAbstractTableModel):
    """A validation report as rows: severity, row, column, value, message."""

    HEADERS = ("Severity", "File", "Row", "Column", "Value", "Problem")

    def __init__(self, report: ValidationReport | None = None, parent=None) -> None:
        super().__init__(parent)
        self.problems: list[Problem] = list(report or [])

    def set_report(self, report: ValidationReport) -> None:
        self.beginResetModel()
        self.problems = list(report)
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def cells(self, row: int) -> tuple[str, ...]:
        p = self.problems[row]
        message = p.message
        if p.expected:
            message = f"{message}: expected {p.expected}" if message else \
                f"expected {p.expected}"
        return (p.severity.value, p.file, "" if p.row is None else str(p.row), p.column or "",
                "" if p.value is None else str(p.value), message)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(index.row())[index.column()]
        if role == Qt.ItemDataRole.UserRole:  # sort key: rows as numbers
            p = self.problems[index.row()]
            if index.column() == 2:
                return -1 if p.row is None else p.row
            return self.cells(index.row())[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0:
            from PySide6.QtGui import QColor

            return QColor("#b00020") if self.problems[index.row()].is_error else \
                QColor("#8a5a00")
        return None

    def as_text(self) -> str:
        """Tab-separated, with a header line: pastes into a spreadsheet."""
        lines = ["\t".join(self.HEADERS)]
        lines += ["\t".join(self.cells(r)) for r in range(len(self.problems))]
        return "\n".join(lines)


class FilePage(QWizardPage):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Choose a file")
        self.setSubTitle("What kind of data does the file hold, and where is it?")
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        self.radios: dict[str, QRadioButton] = {}
        for kind, label in KINDS.items():
            radio = QRadioButton(label, self)
            radio.setObjectName(f"kind_{kind}")
            self.group.addButton(radio)
            layout.addWidget(radio)
            self.radios[kind] = radio
        self.radios["sites"].setChecked(True)
        row = QHBoxLayout()
        self.path = QLineEdit(self)
        self.path.setAccessibleName("File to import")
        self.path.setPlaceholderText("Path of a CSV, Excel, GeoPackage, GeoJSON or shapefile")
        self.path.textChanged.connect(self.completeChanged)
        browse = QPushButton("&Browse…", self)
        browse.clicked.connect(self._browse)
        label = QLabel("&File:", self)
        label.setBuddy(self.path)
        row.addWidget(label)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.layer_name = QLineEdit(self)
        self.layer_name.setAccessibleName("Layer name")
        self.layer_name.setPlaceholderText("regions")
        layer_label = QLabel("&Layer name (boundaries only):", self)
        layer_label.setBuddy(self.layer_name)
        layout.addWidget(layer_label)
        layout.addWidget(self.layer_name)
        layout.addStretch(1)
        for radio in self.radios.values():
            radio.toggled.connect(self.completeChanged)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import file", self.path.text(),
                                              FILE_FILTER)
        if path:
            self.path.setText(path)

    def kind(self) -> str:
        return next(k for k, r in self.radios.items() if r.isChecked())

    def isComplete(self) -> bool:
        return bool(self.path.text().strip()) and Path(self.path.text().strip()).exists()

    def nextId(self) -> int:
        return ImportWizard.REPORT if self.kind() == "boundaries" else ImportWizard.MAPPING


class MappingPage(QWizardPage):
    """One row per column the app knows; pick the file's column for each."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Match the columns")
        self.setSubTitle("Columns with the same name are matched already. Choose the file's "
                         "column for any that differ; required columns are in bold.")
        self.table = QTableWidget(0, 3, self)
        self.table.setAccessibleName("Column mapping")
        self.table.setHorizontalHeaderLabels(["Column", "Column in your file", "Meaning"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        self.combos: dict[str, QComboBox] = {}
        self.file_columns: list[str] = []

    def initializePage(self) -> None:
        wizard: ImportWizard = self.wizard()  # type: ignore[assignment]
        path = wizard.file_page.path.text().strip()
        self.combos = {}
        self.table.setRowCount(0)
        try:
            from estates_planner.io import table_columns

            with configured_limits():
                self.file_columns = table_columns(path)
        except EstatesError as exc:
            self.file_columns = []
            self.message.setText(f"The file cannot be read: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - a reader bug: the hook logs and tells
            report_unexpected(exc)
            self.file_columns = []
            self.message.setText("The file cannot be read because of an unexpected problem "
                                 "(the details are in the log file).")
            return
        self.message.setText(f"{Path(path).name} has {len(self.file_columns)} columns.")
        specs = column_specs(wizard.file_page.kind())
        self.table.setRowCount(len(specs))
        for r, (name, required, description) in enumerate(specs):
            item = QTableWidgetItem(name)
            if required:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            combo = QComboBox(self.table)
            combo.setAccessibleName(f"File column for {name}")
            combo.addItems([NOT_IN_FILE, *self.file_columns])
            combo.setCurrentText(auto_match(name, self.file_columns) or NOT_IN_FILE)
            meaning = QTableWidgetItem(description)
            meaning.setFlags(Qt.ItemFlag.ItemIsEnabled)
            meaning.setToolTip(description)
            self.table.setItem(r, 0, item)
            self.table.setCellWidget(r, 1, combo)
            self.table.setItem(r, 2, meaning)
            self.combos[name] = combo
        height = max(self.combos[specs[0][0]].sizeHint().height(),
                     self.table.fontMetrics().height()) + 4 if specs else 24
        self.table.verticalHeader().setDefaultSectionSize(height)
        self.table.setWordWrap(False)

    def column_map(self) -> dict[str, str]:
        """File header -> our column name, only where the names differ."""
        out = {}
        for name, combo in self.combos.items():
            chosen = combo.currentText()
            if chosen != NOT_IN_FILE and chosen != name:
                out[chosen] = name
        return out


class ReportPage(QWizardPage):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Check the file")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("importSummary")
        self.model = ProblemsModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.view = QTableView(self)
        self.view.setAccessibleName("Problems found in the file")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        copy = QPushButton("&Copy report", self)
        copy.clicked.connect(self.copy)
        QShortcut(QKeySequence.StandardKey.Copy, self.view, self.copy)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(copy)
        layout.addLayout(row)
        self.outcome: ImportOutcome | None = None

    def initializePage(self) -> None:
        wizard: ImportWizard = self.wizard()  # type: ignore[assignment]
        kind = wizard.file_page.kind()
        path = Path(wizard.file_page.path.text().strip())
        column_map = wizard.mapping_page.column_map() if kind != "boundaries" else {}
        self.outcome = None
        try:
            data, report = wizard.reader(kind, path, column_map)
        except EstatesError as exc:
            data, report = None, getattr(exc, "report", None)
            if report is None:
                report = ValidationReport()
                report.error(path.name, str(exc))
        except Exception as exc:  # noqa: BLE001 - a reader bug: the hook logs and tells
            report_unexpected(exc)
            data, report = None, ValidationReport()
            report.error(path.name, "the file could not be read because of an unexpected "
                         "problem in Estates Planner (the details are in the log file); "
                         "nothing was imported")
        self.model.set_report(report)
        self.view.resizeColumnsToContents()
        n_err, n_warn = len(report.errors), len(report.warnings)
        count = len(data) if hasattr(data, "__len__") else 0
        if report.ok and data is not None:
            self.outcome = ImportOutcome(kind, path, data, report,
                                         wizard.file_page.layer_name.text().strip()
                                         or path.stem)
            self.summary.setText(f"{path.name}: {count} {kind} read, {n_warn} warning"
                                 f"{'s' if n_warn != 1 else ''}. Press Finish to import.")
        else:
            self.summary.setText(f"<b>{path.name} has {n_err} error{'s' if n_err != 1 else ''}"
                                 f"</b> (and {n_warn} warnings). Fix the file and try again: "
                                 "nothing is imported while there are errors.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.outcome is not None

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.model.as_text())


def configured_limits():
    """The readers' limits with the setting ``input/max_rows`` (if set) as the row limit."""
    from PySide6.QtCore import QSettings

    from estates_planner.io.limits import SETTING_MAX_ROWS, input_limits

    try:
        rows = int(str(QSettings().value(SETTING_MAX_ROWS, "") or "0").replace(",", ""))
    except ValueError:
        rows = 0
    return input_limits(max_rows=rows if rows > 0 else None)


def read_file(kind: str, path: Path, column_map: dict[str, str], dataset=None):
    """Read ``path`` as ``kind`` with the core's readers; returns (data, report)."""
    with configured_limits():  # runs in the reading thread: the limits are set here
        return _read_file(kind, path, column_map, dataset)


def _read_file(kind: str, path: Path, column_map: dict[str, str], dataset=None):
    from estates_planner import io

    if kind == "sites":
        return io.read_sites(path, column_map=column_map or None)
    if kind == "needs":
        sites = dataset.sites if dataset is not None else ()
        demand = dataset.demand if dataset is not None else ()
        return io.read_needs(path, sites=sites, demand=demand, column_map=column_map or None)
    if kind == "demand":
        return io.read_demand(path, column_map=column_map or None)
    if kind == "boundaries":
        return io.read_boundaries(path)
    raise ValueError(f"unknown kind of file {kind!r}")


class ImportWizard(QWizard):
    """Collects an :class:`ImportOutcome` in ``outcome`` when the user presses Finish."""

    FILE, MAPPING, REPORT = 0, 1, 2

    def __init__(self, dataset=None, path: str | None = None, kind: str | None = None,
                 reader: Callable | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import data")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.reader = reader or (lambda k, p, m: read_file(k, p, m, dataset))
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.report_page = ReportPage(self)
        self.setPage(self.FILE, self.file_page)
        self.setPage(self.MAPPING, self.mapping_page)
        self.setPage(self.REPORT, self.report_page)
        if path:
            self.file_page.path.setText(str(path))
        if kind:
            self.file_page.radios[kind].setChecked(True)
        self.resize(820, 560)

    @property
    def outcome(self) -> ImportOutcome | None:
        return self.report_page.outcome


def guess_kind(path: Path) -> str:
    """A first guess of what a dropped file holds, from its name."""
    stem = path.stem.lower()
    if path.suffix.lower() in (".geojson", ".shp", ".zip") or "bound" in stem \
            or "region" in stem:
        return "boundaries"
    for kind in ("needs", "demand", "sites"):
        if kind.rstrip("s") in stem:
            return kind
    return "sites"
