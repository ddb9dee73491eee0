"""The contract-plan settings in the settings TOML and the project file (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest

from estates_planner.errors import InputValidationError
from estates_planner.io.settings_toml import read_settings, settings_from_dict, write_settings
from estates_planner.model import Settings


def test_contract_settings_round_trip(tmp_path):
    settings = Settings(contract_years=4, contract_start=date(2027, 4, 1),
                        keep_sites_across_years=True)
    path = tmp_path / "s.toml"
    write_settings(settings, path)
    text = path.read_text(encoding="utf-8")
    assert "contract_years = 4\n" in text and "contract_start = 2027-04-01\n" in text
    assert read_settings(path) == settings
    assert settings_from_dict({"contract_start": "2028-01-01"}).contract_start == \
        date(2028, 1, 1)
    assert Settings().contract_years == 1 and Settings().contract_start is None
    assert Settings().keep_sites_across_years is False


def test_contract_settings_are_checked():
    with pytest.raises(InputValidationError) as caught:
        settings_from_dict({"contract_years": 0, "contract_start": "April",
                            "keep_sites_across_years": "yes"}, source="s.toml")
    assert str(caught.value).splitlines()[1:] == [
        "s.toml: setting 'contract_years': expected a whole number of years from 1 to 10, "
        "got 0",
        "s.toml: setting 'contract_start': expected an ISO date such as 2027-04-01, got "
        "'April'",
        "s.toml: setting 'keep_sites_across_years': expected true or false, got 'yes'",
    ]
