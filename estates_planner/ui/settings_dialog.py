"""Weights and rule switches of the current scenario; OK makes one undoable edit."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
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
    QVBoxLayout,
)

from estates_planner.io.settings_toml import read_settings, write_settings
from estates_planner.model import Settings
from estates_planner.optimise.rules import RULE_TITLES
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
    "move_penalty": ("Penalty per move from baseline", "", " points", 1e7, 0),
    "time_limit_s": ("Solver time limit", "", " s", 3_600.0, 0),
    "journey_warning_km": ("Flag journeys longer than", "", " km", 1_000.0, 0),
}
SWITCHES = {
    "women_only_sites": "R3: " + RULE_TITLES["R3"],
    "wellbeing_outside_authority": "R4: " + RULE_TITLES["R4"],
    "same_region": "R5: " + RULE_TITLES["R5"],
    "strict": "Strict: every need must be placed (R1), else no plan",
}


class SettingsDialog(QDialog):
    """Edits a copy of :class:`Settings`; :meth:`changes` gives what differs."""

    def __init__(self, settings: Settings, scenario_name: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Settings of {scenario_name}")
        self.original = settings
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
        layout = QVBoxLayout(self)
        layout.addWidget(weights)
        layout.addWidget(rules)
        layout.addWidget(buttons)

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
