"""Settings TOML: exact round trip, and a clear message for every mistake a planner can make."""

from __future__ import annotations

from datetime import date

import pytest

from estates_planner.errors import InputValidationError
from estates_planner.io.settings_toml import (
    read_settings,
    settings_from_dict,
    settings_to_dict,
    write_settings,
)
from estates_planner.model import Settings


def test_round_trip_keeps_every_value_exactly(tmp_path):
    settings = Settings(travel_weight=0.1 + 0.2, amortisation_years=7.0, location_penalty=1e12,
                        go_live=date(2027, 4, 1), same_region=False, strict=True,
                        travel_measure="minutes", time_limit_s=2.5, pairing_radius_km=0.0)
    path = tmp_path / "s.toml"
    write_settings(settings, path)
    assert read_settings(path) == settings
    assert read_settings(path).travel_weight == 0.30000000000000004


def test_defaults_round_trip_without_go_live(tmp_path):
    path = tmp_path / "s.toml"
    write_settings(Settings(), path)
    assert "# go_live" in path.read_text(encoding="utf-8")
    assert read_settings(path) == Settings()


def test_missing_keys_keep_defaults_and_ints_become_floats(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("travel_weight = 3\ngo_live = 2028-01-31\n", encoding="utf-8")
    settings = read_settings(path)
    assert settings.travel_weight == 3.0 and isinstance(settings.travel_weight, float)
    assert settings.go_live == date(2028, 1, 31)
    assert settings.location_penalty == 5000.0


def test_go_live_as_iso_string_and_settings_table(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[settings]\ngo_live = "2027-04-01"\n', encoding="utf-8")
    assert read_settings(path).go_live == date(2027, 4, 1)


def test_unknown_key_suggests_the_close_name():
    with pytest.raises(InputValidationError,
                       match=r"s\.toml: unknown setting 'travel_wieght' "
                             r"\(did you mean 'travel_weight'\?\)"):
        settings_from_dict({"travel_wieght": 1.0}, source="s.toml")


def test_unknown_key_without_close_name_lists_known_ones():
    with pytest.raises(InputValidationError, match="unknown setting 'colour'; known settings "
                                                   "are: travel_weight, amortisation_years"):
        settings_from_dict({"colour": "red"})


def test_all_problems_are_collected():
    with pytest.raises(InputValidationError) as info:
        settings_from_dict({"travel_weight": -1, "strict": "yes", "go_live": "1 April 2027",
                            "amortisation_years": 0, "travel_measure": "miles",
                            "location_penalty": "5000"})
    messages = [str(p) for p in info.value.report.errors]
    assert messages == [
        "settings.toml: setting 'travel_weight': expected a number ≥ 0 (weights cannot be "
        "negative), got -1",
        "settings.toml: setting 'strict': expected true or false, got 'yes'",
        "settings.toml: setting 'go_live': expected an ISO date such as 2027-04-01, "
        "got '1 April 2027'",
        "settings.toml: setting 'amortisation_years': expected a number > 0, got 0",
        "settings.toml: setting 'travel_measure': expected 'km' or 'minutes', got 'miles'",
        "settings.toml: setting 'location_penalty': expected a number, got '5000'",
    ]


def test_bool_is_not_a_number():
    with pytest.raises(InputValidationError, match="'move_penalty': expected a number, got True"):
        settings_from_dict({"move_penalty": True})


def test_go_live_with_a_time_is_refused(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("go_live = 2027-04-01T09:00:00\n", encoding="utf-8")
    with pytest.raises(InputValidationError, match="without a time"):
        read_settings(path)


def test_toml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("travel_weight = = 2\n", encoding="utf-8")
    with pytest.raises(InputValidationError, match=r"broken\.toml: not a valid TOML settings "
                                                   r"file: .*line 1"):
        read_settings(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(InputValidationError, match="nope.toml: cannot read the settings file"):
        read_settings(tmp_path / "nope.toml")


def test_settings_to_dict_uses_field_names():
    d = settings_to_dict(Settings(go_live=date(2027, 4, 1)))
    assert d["go_live"] == date(2027, 4, 1)
    assert d["women_only_sites"] is True
    assert settings_from_dict(d) == Settings(go_live=date(2027, 4, 1))
