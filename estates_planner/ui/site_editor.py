"""Dialogs that add or edit a site or a need of the project's data.

The fields are typed as text and handed to the workspace (``add_site``, ``edit_site``,
``add_need``, ``edit_need``), which checks them with the import's own readers
(:mod:`estates_planner.io.records`): a bad value is refused with the import's message, shown
in the dialog, which stays open. Every change is one undoable edit.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from estates_planner.errors import EstatesError
from estates_planner.io.records import need_fields, site_fields
from estates_planner.model import Lot, SiteKind
from estates_planner.workspace import Workspace

GRID = "Grid reference (easting, northing in metres)"
LONLAT = "Longitude, latitude (degrees)"
STEP_FREE = {"": "not known", "true": "yes", "false": "no"}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class _Editor(QDialog):
    """A form of line edits with an error line; :meth:`apply` does the workspace call."""

    def __init__(self, workspace: Workspace, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.edits: dict[str, QLineEdit] = {}
        self.error = QLabel(self)
        self.error.setObjectName("editorError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)

    def _line(self, name: str, label: str, value: object = "", tip: str = "") -> QLineEdit:
        edit = QLineEdit(_text(value), self)
        edit.setObjectName(name)
        edit.setAccessibleName(label.replace("&", "").rstrip(":"))
        if tip:
            edit.setToolTip(tip)
        self.edits[name] = edit
        self.form.addRow(label, edit)
        return edit

    def _ok(self) -> None:
        try:
            self.apply()
        except EstatesError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    def apply(self) -> None:  # pragma: no cover - each editor has its own
        raise NotImplementedError


class SiteEditor(_Editor):
    """Add a site (``site_id`` None) or edit every attribute of one."""

    def __init__(self, workspace: Workspace, site_id: str | None = None,
                 parent: QWidget | None = None, *, point: tuple[float, float] | None = None):
        title = "Add site" if site_id is None else f"Edit site {site_id}"
        super().__init__(workspace, title, parent)
        self.site_id = site_id
        values = site_fields(workspace.dataset.site(site_id)) if site_id else {}
        if point is not None:
            values["easting"], values["northing"] = point
        self._line("site_id", "Site &id:", values.get("site_id", ""))
        self.edits["site_id"].setReadOnly(site_id is not None)
        self._line("name", "&Name:", values.get("name", ""))
        self._line("region", "&Region:", values.get("region", ""))
        self._line("pdu", "&PDU:", values.get("pdu", ""))
        self.kind = QComboBox(self)
        self.kind.setObjectName("kind")
        for kind in SiteKind:
            self.kind.addItem(kind.label, kind.value)
        if values.get("kind") is not None:
            self.kind.setCurrentIndex(list(SiteKind).index(values["kind"]))
        self.form.addRow("&Kind:", self.kind)
        self.women_only = QCheckBox("Women-only site (hosts only women's services, R3)", self)
        self.women_only.setChecked(bool(values.get("women_only", False)))
        self.form.addRow("", self.women_only)
        self._line("desks", "&Desks:", values.get("desks", ""))
        self._line("interview_rooms", "Interview &rooms:", values.get("interview_rooms", ""))
        self._line("annual_cost_per_desk", "&Cost per desk a year (£):",
                   values.get("annual_cost_per_desk", ""))
        self._line("fit_out_cost", "&Fit-out cost (£, one-off):",
                   values.get("fit_out_cost", ""), "Amortised over the scenario's years")
        self._line("available_from", "&Available from:", values.get("available_from"),
                   "YYYY-MM-DD; empty when available now")
        self.step_free = QComboBox(self)
        self.step_free.setObjectName("step_free")
        for key, text in STEP_FREE.items():
            self.step_free.addItem(text, key)
        known = values.get("step_free")
        self.step_free.setCurrentIndex(0 if known is None else (1 if known else 2))
        self.form.addRow("&Step-free access:", self.step_free)
        self.coords = QComboBox(self)
        self.coords.setObjectName("coords")
        self.coords.addItems([GRID, LONLAT])
        self.form.addRow("&Location as:", self.coords)
        row = QWidget(self)
        pair = QHBoxLayout(row)
        pair.setContentsMargins(0, 0, 0, 0)
        self.x = QLineEdit(_text(round(values["easting"])) if "easting" in values else "", row)
        self.y = QLineEdit(_text(round(values["northing"])) if "northing" in values else "",
                           row)
        self.x.setObjectName("x")
        self.y.setObjectName("y")
        self.x.setAccessibleName("Easting or longitude")
        self.y.setAccessibleName("Northing or latitude")
        pair.addWidget(self.x)
        pair.addWidget(self.y)
        self.form.addRow("Easting, northing:", row)
        self.coords.currentTextChanged.connect(
            lambda text: self.form.labelForField(row).setText(
                "Longitude, latitude:" if text == LONLAT else "Easting, northing:"))

    def fields(self) -> dict[str, object]:
        out: dict[str, object] = {name: edit.text() for name, edit in self.edits.items()}
        out["kind"] = self.kind.currentData()
        out["women_only"] = "true" if self.women_only.isChecked() else "false"
        out["step_free"] = self.step_free.currentData()
        keys = ("lon", "lat") if self.coords.currentText() == LONLAT else ("easting", "northing")
        out[keys[0]], out[keys[1]] = self.x.text(), self.y.text()
        return out

    def apply(self) -> None:
        fields = self.fields()
        if self.site_id is None:
            self.workspace.add_site(fields)
            return
        old = {k: _text(v) for k, v in site_fields(self.workspace.dataset.site(
            self.site_id)).items()}
        old["easting"], old["northing"] = (_text(round(float(old["easting"]))),
                                           _text(round(float(old["northing"]))))
        old["women_only"] = "true" if old["women_only"] == "True" else "false"
        old["step_free"] = {"True": "true", "False": "false"}.get(old["step_free"], "")
        changes = {k: v for k, v in fields.items() if k == "site_id" or old.get(k) != v}
        changes.pop("site_id")
        if {"lon", "lat"} & set(changes) or {"easting", "northing"} & set(changes):
            for key in ("easting", "northing", "lon", "lat"):
                if key in fields:
                    changes[key] = fields[key]
        if changes:
            self.workspace.edit_site(self.site_id, **changes)


class NeedEditor(_Editor):
    """Add a need (``need_id`` None) or edit its desks, rooms, days a week, fixed weekdays,
    caseload and travel limit (and, for a new need, who and where)."""

    def __init__(self, workspace: Workspace, need_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        title = "Add need" if need_id is None else f"Edit need {need_id}"
        super().__init__(workspace, title, parent)
        self.need_id = need_id
        values = need_fields(workspace.dataset.need(need_id)) if need_id else {}
        if need_id is None:
            self._line("need_id", "Need &id:")
            self._line("provider", "&Provider:")
            self.lot = QComboBox(self)
            self.lot.setObjectName("lot")
            for lot in Lot:
                self.lot.addItem(lot.label, lot.value)
            self.form.addRow("&Lot:", self.lot)
            self._line("region", "&Region:")
            self._line("pdu", "P&DU:", tip="Service users are placed at the PDU's point "
                                           "when no coordinates are given")
        else:
            need = workspace.dataset.need(need_id)
            self.form.addRow("", QLabel(f"{need.provider}, {need.lot.label}, {need.pdu}",
                                        self))
        self._line("desks", "&Desks:", values.get("desks", ""))
        self._line("interview_rooms", "Interview &rooms:", values.get("interview_rooms", ""))
        self._line("days_per_week", "Days a &week:", values.get("days_per_week", ""),
                   "1 to 5")
        self._line("days", "Fi&xed days:", values.get("days", ""),
                   "Weekdays the need must keep, e.g. Mon,Wed: as many as its days a week. "
                   "Empty: the optimiser chooses them.")
        self.edits["days"].setPlaceholderText("any (the optimiser chooses)")
        self._line("caseload", "&Caseload (people):", values.get("caseload", ""))
        self._line("max_travel_km", "&Travel limit (km):", values.get("max_travel_km"),
                   "Empty: no limit")
        if need_id is None:
            self._line("easting", "&Easting (optional):")
            self._line("northing", "&Northing (optional):")

    def fields(self) -> dict[str, object]:
        out: dict[str, object] = {name: edit.text() for name, edit in self.edits.items()}
        if self.need_id is None:
            out["lot"] = self.lot.currentData()
        return out

    def apply(self) -> None:
        fields = self.fields()
        if self.need_id is None:
            self.workspace.add_need({k: v for k, v in fields.items() if v != ""
                                     or k not in ("easting", "northing")})
            return
        old = {k: _text(v) for k, v in need_fields(self.workspace.dataset.need(
            self.need_id)).items()}
        changes = {k: (v if v != "" else None) for k, v in fields.items() if old.get(k) != v}
        if changes:
            self.workspace.edit_need(self.need_id, **changes)
