"""File ▸ New project from files: several input files, or a folder, in one pass.

Each file's kind (sites, needs, demand, boundaries, road network, settings) is guessed by
:func:`usecases.guess_file_kind` and shown for the user to confirm or change; OK reads them
all with :func:`usecases.import_chosen_files` (which calls ``import_files``, as the CLI's
``import`` does) and shows every problem before anything changes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from estates_planner.errors import EstatesError, InputValidationError
from estates_planner.usecases import (
    FILE_KINDS,
    Imported,
    guess_file_kind,
    import_chosen_files,
    input_files,
)

FILTER = ("Input files (*.csv *.txt *.xlsx *.gpkg *.geojson *.json *.shp *.zip *.toml "
          "*.graphml);;All files (*)")


class ImportManyDialog(QDialog):
    """The files with a kind each; :attr:`imported` holds the result once accepted."""

    def __init__(self, paths: list[Path] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New project from files")
        self.imported: Imported | None = None
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("importFiles")
        self.table.setHorizontalHeaderLabels(["File", "Holds"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        add_files = QPushButton("Add &files…", self)
        add_files.clicked.connect(self._browse_files)
        add_folder = QPushButton("Add a f&older…", self)
        add_folder.clicked.connect(self._browse_folder)
        row = QHBoxLayout()
        row.addWidget(add_files)
        row.addWidget(add_folder)
        row.addStretch(1)
        self.message = QLabel("Check what each file holds: the guess comes from its name and "
                              "columns. One sites and one needs file are required.", self)
        self.message.setWordWrap(True)
        self.message.setObjectName("importMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 90, 360)
        self.add_paths(paths or [])

    def add_paths(self, paths: list[Path]) -> None:
        known = set(self.files())
        for path in input_files([Path(p) for p in paths]):
            if path in known:
                continue
            r = self.table.rowCount()
            self.table.insertRow(r)
            item = QTableWidgetItem(path.name)
            item.setToolTip(str(path))
            item.setData(256, str(path))
            self.table.setItem(r, 0, item)
            combo = QComboBox(self.table)
            for key, label in FILE_KINDS.items():
                combo.addItem(label, key)
            combo.setCurrentIndex(list(FILE_KINDS).index(guess_file_kind(path)))
            self.table.setCellWidget(r, 1, combo)

    def files(self) -> list[Path]:
        return [Path(self.table.item(r, 0).data(256)) for r in range(self.table.rowCount())]

    def kinds(self) -> dict[Path, str]:
        """Every file with its confirmed kind ("skip" left out)."""
        out = {}
        for r, path in enumerate(self.files()):
            kind = self.table.cellWidget(r, 1).currentData()
            if kind != "skip":
                out[path] = kind
        return out

    def set_kind(self, name: str, kind: str) -> None:
        for r, path in enumerate(self.files()):
            if path.name == name:
                combo = self.table.cellWidget(r, 1)
                combo.setCurrentIndex(list(FILE_KINDS).index(kind))

    def _browse_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Input files", "", FILTER)
        self.add_paths([Path(p) for p in paths])

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of input files")
        if folder:
            self.add_paths([Path(folder)])

    def _import(self) -> None:
        try:
            imported = import_chosen_files(self.kinds())
        except InputValidationError as exc:
            self.message.setText(str(exc))
            return
        except EstatesError as exc:
            self.message.setText(f"Cannot import: {exc}")
            return
        if imported.project is None:
            errors = imported.report.errors
            self.message.setText(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} "
                                 "to fix first:\n" + "\n".join(str(p) for p in errors[:8]))
            return
        self.imported = imported
        self.accept()
