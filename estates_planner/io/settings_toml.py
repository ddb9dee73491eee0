"""Scenario settings as a small TOML file (``--settings FILE.toml``).

The keys are exactly the :class:`~estates_planner.model.Settings` field names, flat, e.g.::

    travel_weight = 2.0
    go_live = 2027-04-01
    same_region = true

A planner edits this file by hand, so every mistake is reported with the key, the value and
what was expected, and a misspelt key gets a did-you-mean suggestion. All problems of a file
are collected into one :class:`~estates_planner.errors.InputValidationError`.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from estates_planner.errors import EstatesError, InputValidationError, ValidationReport
from estates_planner.model import Settings

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Settings))
_DEFAULTS = Settings()
_FLOAT_FIELDS = tuple(n for n in FIELD_NAMES
                      if isinstance(getattr(_DEFAULTS, n), float))
_BOOL_FIELDS = tuple(n for n in FIELD_NAMES if isinstance(getattr(_DEFAULTS, n), bool))
# contract_years has its own check (a range of years) below
_INT_FIELDS = tuple(n for n in FIELD_NAMES
                    if type(getattr(_DEFAULTS, n)) is int and n != "contract_years")
_TUPLE_FIELDS = tuple(n for n in FIELD_NAMES if isinstance(getattr(_DEFAULTS, n), tuple))
# the robustness study's shares and limits (docs/robustness.md)
_PROBABILITY_FIELDS = ("late_need_rate", "site_delay_prob", "site_loss_prob")
_BELOW_100_FIELDS = ("need_change_pct",)  # a volume factor of 1 - pct/100 must stay > 0
TRAVEL_MEASURES = ("km", "minutes")
# weights that must be strictly positive (they divide, or bound a solve)
_POSITIVE_FIELDS = ("amortisation_years", "time_limit_s", "sample_work_limit")
_DATE_FIELDS = ("go_live", "contract_start")
MAX_CONTRACT_YEARS = 10


def settings_to_dict(settings: Settings) -> dict[str, object]:
    """Every setting by its field name; ``go_live`` and ``contract_start`` are a
    :class:`datetime.date` or None.

    The dict is what the TOML file and the project file store, so it keeps the values' own
    types (floats, bools, a date) rather than strings.
    """
    return {name: getattr(settings, name) for name in FIELD_NAMES}


def settings_from_dict(values: Mapping[str, object], source: str = "settings.toml") -> Settings:
    """Build :class:`Settings` from a mapping, checking every key and value.

    Missing keys keep their defaults. ``go_live`` and ``contract_start`` may be a date, an ISO
    date string, or None / "" for no date; ``contract_years`` is a whole number from 1 to 10.

    Raises
    ------
    InputValidationError
        listing every unknown key (with a suggestion), wrong type, negative weight or unknown
        travel measure, each naming ``source``.
    """
    report = ValidationReport()
    changes: dict[str, object] = {}
    for key, value in values.items():
        if key not in FIELD_NAMES:
            close = difflib.get_close_matches(str(key), FIELD_NAMES, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else \
                f"; known settings are: {', '.join(FIELD_NAMES)}"
            report.error(source, f"unknown setting '{key}'{hint}")
            continue
        checked = _check_value(key, value, source, report)
        if checked is not _INVALID:
            changes[key] = checked
    report.raise_if_errors()
    return _DEFAULTS.replace(**changes)


_INVALID = object()


def _check_value(key: str, value: object, source: str, report: ValidationReport) -> object:
    def bad(expected: str) -> object:
        report.error(source, f"setting '{key}'", value=value, expected=expected)
        return _INVALID

    if key in _BOOL_FIELDS:
        return value if isinstance(value, bool) else bad("true or false")
    if key in _INT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int):
            return bad("a whole number")
        if key == "samples" and value < 1:
            return bad("a whole number ≥ 1")
        return value if value >= 0 else bad("a whole number ≥ 0")
    if key in _TUPLE_FIELDS:
        ok = isinstance(value, list | tuple) and all(
            not isinstance(v, bool) and isinstance(v, int | float) and 0 <= v < 100
            for v in value)
        return tuple(float(v) for v in value) if ok else \
            bad("a list of percentages from 0 to below 100, such as [5, 10, 15]")
    if key in _FLOAT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return bad("a number")
        number = float(value)
        if math.isnan(number):
            return bad("a number")
        if key in _POSITIVE_FIELDS and not number > 0:
            return bad("a number > 0")
        if number < 0:
            return bad("a number ≥ 0 (weights cannot be negative)")
        if key in _PROBABILITY_FIELDS and number > 1:
            return bad("a share from 0 to 1")
        if key in _BELOW_100_FIELDS and number >= 100:
            return bad("a percentage below 100")
        return number
    if key == "contract_years":
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or value != int(value) or not 1 <= value <= MAX_CONTRACT_YEARS:
            return bad(f"a whole number of years from 1 to {MAX_CONTRACT_YEARS}")
        return int(value)
    if key in _DATE_FIELDS:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return bad("a date such as 2027-04-01 (without a time)")
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                return bad("an ISO date such as 2027-04-01")
        return bad("an ISO date such as 2027-04-01")
    if key == "travel_measure":
        if value in TRAVEL_MEASURES:
            return value
        return bad(" or ".join(repr(m) for m in TRAVEL_MEASURES))
    return value  # pragma: no cover - every Settings field is handled above


def read_settings(path: str | Path) -> Settings:
    """Read a settings TOML file; keys not in the file keep their defaults.

    A file with a single ``[settings]`` table is accepted as well as flat keys.

    Raises
    ------
    InputValidationError
        when the file cannot be read, is not valid TOML, or has bad keys or values.
    """
    path = Path(path)
    report = ValidationReport()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        report.error(path.name, f"cannot read the settings file: {exc.strerror or exc}")
        raise InputValidationError(report) from exc
    except UnicodeDecodeError as exc:
        report.error(path.name, "the settings file is not UTF-8 text")
        raise InputValidationError(report) from exc
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        report.error(path.name, f"not a valid TOML settings file: {exc}")
        raise InputValidationError(report) from exc
    if set(values) == {"settings"} and isinstance(values["settings"], dict):
        values = values["settings"]
    return settings_from_dict(values, source=path.name)


def write_settings(settings: Settings, path: str | Path) -> None:
    """Write every setting as flat TOML keys that :func:`read_settings` reads back exactly.

    ``go_live`` is written as a TOML date, or as a comment when there is none. Floats use
    Python's shortest exact repr, so values survive the round trip bit for bit.
    """
    lines = ["# Estates Planner scenario settings (keys are the setting names)", ""]
    for name, value in settings_to_dict(settings).items():
        if value is None:
            lines.append(f"# {name} = 2027-04-01")
        else:
            lines.append(f"{name} = {_toml_value(value)}")
    try:
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        raise EstatesError(f"cannot write settings to {path}: {exc.strerror or exc}") from exc


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
