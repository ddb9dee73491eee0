"""Weights, rule switches and contract years of the current scenario, and the project's
contract ramp; OK makes one undoable edit (settings and ramp together)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from estates_planner.errors import InputValidationError
from estates_planner.io.ramp import read_ramp
from estates_planner.io.settings_toml import MAX_CONTRACT_YEARS, read_settings, write_settings
from estates_planner.model import ServiceNeed, Settings
from estates_planner.optimise.rules import RULE_TITLES
from estates_planner.ramp import Ramp, format_share
from estates_planner.ui.common import user_action

# label, prefix, suffix, maximum, decimals. Weights and penalties are points of the optimiser
# score, not money (issue 13): no £ sign on them
WEIGHTS = {
    "travel_weight": ("Travel weight", "", " points per person-km", 1_000.0, 2),
    "amortisation_years": ("Fit-out amortised over", "", " years", 50.0, 1),
    "location_penalty": ("Penalty per separate location", "", " points", 1e7, 0),
    "authority_preference": ("ETE/accommodation outside authority", "", " points", 1e7, 0),
    "pairing_bonus": ("Wellbeing pairing bonus", "", " points", 1e7, 0),
    "pairing_radius_km": ("Pairing radius", "", " km", 100.0, 2),
    "unplaced_penalty": ("Penalty per unplaced need", "", " points", 1e9, 0),
    "move_penalty": ("Penalty per move (baseline, between years)", "", " points", 1e7, 0),
    "time_limit_s": ("Solver time limit", "", " s", 3_600.0, 0),
    "journey_warning_km": ("Flag journeys longer than", "", " km", 1_000.0, 0),
}
SWITCHES = {
    "women_only_sites": "R3: " + RULE_TITLES["R3"],
    "wellbeing_outside_authority": "R4: " + RULE_TITLES["R4"],
    "same_region": "R5: " + RULE_TITLES["R5"],
    "strict": "Strict: every need must be placed (R1), else no plan",
}


RAMP_HEADERS = ("Lot", "Provider", "Need", "Year", "Share")


def _date(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class SettingsDialog(QDialog):
    """Edits a copy of :class:`Settings` and of the project's ramp; :meth:`changes` and
    :meth:`ramp_change` give what differs.

    The ramp is the project's (``ramp.csv``; every scenario plans its contract years with it),
    read with :func:`io.ramp.read_ramp` against ``needs``, so a bad file is refused with every
    problem located (file, row, column).
    """

    def __init__(self, settings: Settings, scenario_name: str, parent=None, *,
                 ramp: Ramp | None = None, needs: Sequence[ServiceNeed] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Settings of {scenario_name}")
        self.original = settings
        self.original_ramp = ramp if ramp is not None else Ramp()
        self.ramp = self.original_ramp
        self.needs = tuple(needs)
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.checks: dict[str, QCheckBox] = {}
        weights = QGroupBox("Weights (they steer the optimiser score; not money)", self)
        form = QFormLayout(weights)
        for name, (label, prefix, suffix, maximum, decimals) in WEIGHTS.items():
            spin = QDoubleSpinBox(weights)
            spin.setPrefix(prefix)
            spin.setDecimals(decimals)
            spin.setRange(0.0, maximum)
            spin.setSuffix(suffix)
            spin.setGroupSeparatorShown(True)
            spin.setValue(float(getattr(settings, name)))
            spin.setAccessibleName(label)
            spin.setObjectName(name)
            form.addRow(f"{label}:", spin)
            self.spins[name] = spin
        self.measure = QComboBox(weights)
        self.measure.addItems(["km", "minutes"])
        self.measure.setCurrentText(settings.travel_measure)
        self.measure.setAccessibleName("Travel measure")
        form.addRow("Travel measured in:", self.measure)
        rules = QGroupBox("Rules", self)
        rules_layout = QVBoxLayout(rules)
        for name, label in SWITCHES.items():
            check = QCheckBox(label, rules)
            check.setChecked(bool(getattr(settings, name)))
            check.setObjectName(name)
            rules_layout.addWidget(check)
            self.checks[name] = check
        go_live_row = QHBoxLayout()
        self.use_go_live = QCheckBox("R7: sites must be available by go-live on", rules)
        self.go_live = QDateEdit(rules)
        self.go_live.setCalendarPopup(True)
        self.go_live.setDisplayFormat("d MMM yyyy")
        self.go_live.setAccessibleName("Go-live date")
        self.use_go_live.setChecked(settings.go_live is not None)
        start = settings.go_live or date.today()
        self.go_live.setDate(QDate(start.year, start.month, start.day))
        self.go_live.setEnabled(settings.go_live is not None)
        self.use_go_live.toggled.connect(self.go_live.setEnabled)
        go_live_row.addWidget(self.use_go_live)
        go_live_row.addWidget(self.go_live)
        go_live_row.addStretch(1)
        rules_layout.addLayout(go_live_row)
        contract = self._contract_group(settings)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_defaults)
        self.load_button = buttons.addButton("&Load from file…",
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.load_button.setToolTip("Read a settings TOML file (the command line's "
                                    "--settings format)")
        self.load_button.clicked.connect(self.load_file)
        self.save_button = buttons.addButton("Sa&ve to file…",
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setToolTip("Write these settings as a TOML file for the command "
                                    "line (--settings) or another project")
        self.save_button.clicked.connect(self.save_file)
        # two columns: the weights beside the rules and the contract years, so the dialog
        # fits a laptop screen's height
        right = QVBoxLayout()
        right.addWidget(rules)
        right.addWidget(contract, 1)
        columns = QHBoxLayout()
        columns.addWidget(weights, 0)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(buttons)

    def _contract_group(self, settings: Settings) -> QGroupBox:
        """Years planned together, their start, the keep-sites switch and the ramp table."""
        group = QGroupBox("Contract years (several years planned together)", self)
        outer = QVBoxLayout(group)
        form = QFormLayout()
        outer.addLayout(form)
        self.contract_years = QSpinBox(group)
        self.contract_years.setRange(1, MAX_CONTRACT_YEARS)
        self.contract_years.setSuffix(" years")
        self.contract_years.setSpecialValueText("1 year (one static plan)")
        self.contract_years.setAccessibleName("Contract years")
        self.contract_years.setObjectName("contract_years")
        self.contract_years.setValue(settings.contract_years)
        form.addRow("&Years planned together:", self.contract_years)
        start_row = QHBoxLayout()
        self.use_contract_start = QCheckBox("From", group)
        self.use_contract_start.setToolTip("Unticked: the contract starts on the go-live date")
        self.contract_start = QDateEdit(group)
        self.contract_start.setCalendarPopup(True)
        self.contract_start.setDisplayFormat("d MMM yyyy")
        self.contract_start.setAccessibleName("Contract start")
        self.contract_start_note = QLabel("(else the go-live date)", group)
        self.use_contract_start.toggled.connect(self.contract_start.setEnabled)
        start_row.addWidget(self.use_contract_start)
        start_row.addWidget(self.contract_start)
        start_row.addWidget(self.contract_start_note)
        start_row.addStretch(1)
        form.addRow("Contract start:", start_row)
        self.keep_sites = QCheckBox("Keep each need at one site in every year it is placed",
                                    group)
        self.keep_sites.setObjectName("keep_sites_across_years")
        form.addRow("", self.keep_sites)
        self._show_contract(settings)
        self.ramp_table = QTableWidget(0, len(RAMP_HEADERS), group)
        self.ramp_table.setHorizontalHeaderLabels(list(RAMP_HEADERS))
        self.ramp_table.setAccessibleName("Ramp rows")
        self.ramp_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ramp_table.setAlternatingRowColors(True)
        self.ramp_table.verticalHeader().setVisible(False)
        header = self.ramp_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        row_height = self.ramp_table.fontMetrics().height() + 6
        self.ramp_table.verticalHeader().setDefaultSectionSize(row_height)
        self.ramp_table.setMinimumHeight(row_height * 7)
        self.ramp_status = QLabel(group)
        self.ramp_status.setWordWrap(True)
        self.ramp_status.setObjectName("rampStatus")
        self.load_ramp_button = QPushButton("Load &ramp file…", group)
        self.load_ramp_button.setToolTip("Read a ramp.csv (lot, provider, need_id, year, "
                                         "share); a file with errors is refused")
        self.load_ramp_button.clicked.connect(self.load_ramp_file)
        self.clear_ramp_button = QPushButton("C&lear ramp", group)
        self.clear_ramp_button.setToolTip("No ramp: every need at full volume in every year")
        self.clear_ramp_button.clicked.connect(self.clear_ramp)
        ramp_buttons = QHBoxLayout()
        ramp_buttons.addWidget(self.load_ramp_button)
        ramp_buttons.addWidget(self.clear_ramp_button)
        ramp_buttons.addStretch(1)
        title = QLabel("<b>Ramp</b> (share of each need active in each year)", group)
        title.setBuddy(self.ramp_table)
        outer.addWidget(title)
        outer.addWidget(self.ramp_status)
        outer.addWidget(self.ramp_table, 1)
        outer.addLayout(ramp_buttons)
        self.show_ramp(self.ramp)
        return group

    def _show_contract(self, settings: Settings) -> None:
        self.contract_years.setValue(settings.contract_years)
        self.use_contract_start.setChecked(settings.contract_start is not None)
        start = settings.contract_start or settings.go_live or date.today()
        self.contract_start.setDate(_date(start))
        self.contract_start.setEnabled(settings.contract_start is not None)
        self.keep_sites.setChecked(settings.keep_sites_across_years)

    # ---------------------------------------------------------------- the ramp
    def show_ramp(self, ramp: Ramp, note: str = "") -> None:
        """Put ``ramp`` in the table (it is what OK keeps) with a line saying what it does."""
        self.ramp = ramp
        self.ramp_table.setRowCount(len(ramp.rows))
        for r, row in enumerate(ramp.rows):
            values = (row.lot.label, row.provider or "(all)", row.need_id or "(all)",
                      str(row.year),
                      f"{format_share(row.share * 100)} %")
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.ramp_table.setItem(r, c, item)
        if ramp.rows:
            text = (f"{len(ramp.rows)} row{'s' if len(ramp.rows) != 1 else ''} for years 1–"
                    f"{ramp.years}; the project's ramp, used by every scenario. A need with "
                    "no row for a year is at full volume.")
        else:
            text = "No ramp: every need is at full volume in every year."
        self.ramp_status.setText(text + (f"<br>{note}" if note else ""))
        self.clear_ramp_button.setEnabled(bool(ramp.rows))

    def load_ramp_file(self) -> None:
        """Read a ramp file, checked against the project's needs; a file with errors is
        refused with every problem listed, and the ramp shown stays as it was."""
        path, _ = QFileDialog.getOpenFileName(self, "Load ramp", "",
                                              "Ramp files (*.csv *.xlsx);;All files (*)")
        if not path:
            return
        with user_action(self, "Load ramp"):
            ramp, report = read_ramp(path, self.needs)
            if not report.ok:
                raise InputValidationError(report)
            notes = [str(p) for p in report.warnings[:3]]
            if ramp.years > self.contract_years.value() == 1:
                self.contract_years.setValue(ramp.years)
                notes.append(f"Years planned together set to {ramp.years}, the ramp's last "
                             "year.")
            self.show_ramp(ramp, "<br>".join(notes))
            self.ramp_path = path

    def clear_ramp(self) -> None:
        self.show_ramp(Ramp())

    def ramp_change(self) -> Ramp | None:
        """The ramp to keep if it differs from the project's (no rows: clear it), else None."""
        return None if self.ramp == self.original_ramp else self.ramp

    def restore_defaults(self) -> None:
        self.show_settings(Settings())

    def show_settings(self, settings: Settings) -> None:
        """Put every value of ``settings`` into the form."""
        for name, spin in self.spins.items():
            spin.setValue(float(getattr(settings, name)))
        for name, check in self.checks.items():
            check.setChecked(bool(getattr(settings, name)))
        self.measure.setCurrentText(settings.travel_measure)
        self.use_go_live.setChecked(settings.go_live is not None)
        if settings.go_live is not None:
            d = settings.go_live
            self.go_live.setDate(QDate(d.year, d.month, d.day))
        self._show_contract(settings)

    def settings(self) -> Settings:
        """The form's values as :class:`Settings` (what Save to file writes)."""
        return self.original.replace(**self.values())

    def load_file(self) -> None:
        """Read a settings TOML (every problem of the file is shown) into the form; OK
        applies it to the scenario as one undoable edit."""
        path, _ = QFileDialog.getOpenFileName(self, "Load settings", "",
                                              "Settings (*.toml);;All files (*)")
        if not path:
            return
        with user_action(self, "Load settings"):
            self.show_settings(read_settings(path))
            self.loaded_from = path

    def save_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save settings", "settings.toml",
                                              "Settings (*.toml)")
        if not path:
            return
        with user_action(self, "Save settings"):
            write_settings(self.settings(), path)

    def values(self) -> dict[str, object]:
        values: dict[str, object] = {n: s.value() for n, s in self.spins.items()}
        values.update({n: c.isChecked() for n, c in self.checks.items()})
        values["travel_measure"] = self.measure.currentText()
        values["go_live"] = self.go_live.date().toPython() if self.use_go_live.isChecked() \
            else None
        values["contract_years"] = self.contract_years.value()
        values["contract_start"] = self.contract_start.date().toPython() \
            if self.use_contract_start.isChecked() else None
        values["keep_sites_across_years"] = self.keep_sites.isChecked()
        return values

    def changes(self) -> dict[str, object]:
        """Only the settings the user changed (rounding of spin boxes ignored)."""
        out = {}
        for name, value in self.values().items():
            old = getattr(self.original, name)
            if isinstance(value, float) and isinstance(old, int | float) \
                    and not isinstance(old, bool):
                decimals = self.spins[name].decimals()
                if round(float(old), decimals) == value:
                    continue
            elif value == old:
                continue
            out[name] = value
        return out
