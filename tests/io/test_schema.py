"""The column definitions the import wizard and the docs are built from."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from estates_planner.io import DEMAND_COLUMNS, NEED_COLUMNS, SITE_COLUMNS
from estates_planner.model import ServiceNeed, Site

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"


def test_every_model_field_has_a_column():
    coords = {"easting", "northing"}
    site_fields = {f.name for f in dataclasses.fields(Site)} - {"extra"}
    assert site_fields <= {c.name for c in SITE_COLUMNS} | coords
    # fixed_days comes from the optional 'days' column, read among the extra columns so
    # that the site plan keeps printing it as given (io/weekdays.py, docs/data-format.md)
    need_fields = {f.name for f in dataclasses.fields(ServiceNeed)} - {"extra",
                                                                       "location_source",
                                                                       "fixed_days"}
    assert need_fields <= {c.name for c in NEED_COLUMNS} | coords


def test_definitions_unpack_as_name_required_description():
    for specs in (SITE_COLUMNS, NEED_COLUMNS, DEMAND_COLUMNS):
        names = [name for name, _required, _description in specs]
        assert len(names) == len(set(names))
    required = [c.name for c in SITE_COLUMNS if c.required]
    assert required == ["site_id", "region", "kind", "desks", "interview_rooms",
                        "annual_cost_per_desk"]
    assert [c.name for c in DEMAND_COLUMNS if c.required] == ["pdu"]


def test_docs_describe_every_column():
    text = DOC.read_text(encoding="utf-8")
    for specs in (SITE_COLUMNS, NEED_COLUMNS, DEMAND_COLUMNS):
        for spec in specs:
            assert f"`{spec.name}`" in text


def test_docs_examples_load_without_problems(tmp_path):
    import re

    from estates_planner.io import load_dataset

    blocks = re.findall(r"```csv\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 3
    paths = []
    for name, block in zip(("sites.csv", "needs.csv", "demand.csv"), blocks, strict=True):
        paths.append(tmp_path / name)
        paths[-1].write_text(block, encoding="utf-8")
    dataset, report = load_dataset(*paths)
    assert report.problems == []
    assert [n.location_source for n in dataset.needs] == ["own", "demand", "authority mean"]
