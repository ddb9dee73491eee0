"""The lease end (Site.available_until) survives a save and open; older files without the
column open with no lease end."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date

from estates_planner.project import open_project, save_project
from tests.test_project import make_project


def _with_lease_ends(project):
    ends = {"S1": date(2029, 3, 31), "S3": date(2028, 12, 31)}
    sites = tuple(dataclasses.replace(s, available_until=ends.get(s.site_id))
                  for s in project.dataset.sites)
    return dataclasses.replace(project.dataset, sites=sites)


def test_lease_end_round_trips(tmp_path):
    project = make_project()
    dataset = _with_lease_ends(project)
    project.dataset = dataset
    project.scenarios = [dataclasses.replace(s, dataset=dataset) for s in project.scenarios]
    opened = open_project(save_project(project, tmp_path / "p.gpkg"))
    until = {s.site_id: s.available_until for s in opened.dataset.sites}
    assert until == {"S1": date(2029, 3, 31), "S2": None, "S3": date(2028, 12, 31)}


def test_file_without_the_column_opens_with_no_lease_end(tmp_path):
    path = save_project(make_project(), tmp_path / "p.gpkg")
    con = sqlite3.connect(path)
    with con:
        con.execute("ALTER TABLE sites DROP COLUMN available_until")
    con.close()
    opened = open_project(path)
    assert [s.available_until for s in opened.dataset.sites] == [None, None, None]
    assert [s.site_id for s in opened.dataset.sites] == ["S1", "S2", "S3"]
