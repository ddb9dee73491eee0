"""The travel model with the shipped sample: its stored road network works out of the box.

The sample project carries an illustrative network (``data/sample_network.gpkg``, stored in
``data/sample_project.gpkg``); these check what the app and the PDF build on it.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from shapely.geometry import Point

from estates_planner.project import open_project
from estates_planner.report.content import service_user_lines
from estates_planner.travel import NetworkTravelModel, catchment
from estates_planner.travel.resolve import travel_model_for

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample_project.gpkg"


@pytest.fixture(scope="module")
def sample():
    project = open_project(SAMPLE)
    return project, travel_model_for(project, project.scenarios[0])


def test_the_sample_is_measured_along_its_illustrative_roads(sample):
    project, model = sample
    assert isinstance(model, NetworkTravelModel)
    assert model.name == "road network (project network)"
    assert model.network.has_minutes


@pytest.mark.parametrize("name", ["Cardiff Probation Office",
                                  "Stockton-on-Tees Probation Office"])
def test_catchments_of_sample_sites_lie_within_the_straight_line_circle(sample, name):
    """A road is never shorter than the straight line: 10 km by road stays in the 10 km
    circle (widened by the 250 m the roads are drawn with), and reaches some way."""
    project, model = sample
    site = next(s for s in project.dataset.sites if s.name == name)
    area = catchment(model, site.xy, 10.0)
    circle = Point(site.xy).buffer(10_250, quad_segs=64)
    assert not area.is_empty and area.contains(Point(site.xy))
    assert circle.buffer(1).contains(area)
    assert area.area < 0.5 * circle.area  # roads, not a disc
    hull = catchment(model, site.xy, 10.0, style="hull")
    assert hull.area >= area.area * 0.99 and circle.buffer(1).contains(hull)


def test_service_user_journeys_by_road_are_no_shorter_than_straight(sample):
    from estates_planner.optimise import greedy_plan

    project, model = sample
    sc = project.scenarios[0]
    result = greedy_plan(sc)
    road, road_name = service_user_lines(sc, result, model)
    straight, straight_name = service_user_lines(sc, result)
    assert (road_name, straight_name) == ("road network (project network)", "straight line")
    assert len(road) == len({n.pdu for n in sc.dataset.needs}) == len(straight)
    for r, s in zip(road, straight, strict=True):
        assert (r.pdu, r.locations, r.needs) == (s.pdu, s.locations, s.needs)
        assert r.unreachable == 0  # the sample network is in one piece
        if s.mean_km is not None:
            assert r.mean_km >= s.mean_km - 1e-9, r.pdu
            assert r.mean_minutes is not None and r.mean_minutes > 0
    assert sum(r.mean_km for r in road) > 1.05 * sum(s.mean_km for s in straight)


@pytest.mark.slow
def test_readme_first_command_on_the_sample(tmp_path, capsys):
    """cp data/sample_project.gpkg my-plan.gpkg && solve ... --out && export ... --pdf."""
    from estates_planner.cli import main

    plan = tmp_path / "my-plan.gpkg"
    shutil.copy(SAMPLE, plan)
    assert main(["solve", str(plan), "--out", str(tmp_path / "allocation.csv"),
                 "--time-limit", "5"]) == 0
    assert "Journeys measured along the road network" in capsys.readouterr().err
    saved = open_project(plan)
    result = saved.results[saved.scenarios[0].name]
    assert all(a.site_id is not None for a in result.allocations)  # every need placed
    assert "travel_cache" in saved.tables  # the next solve starts from the cached matrix
    assert main(["export", str(plan), "--pdf", str(tmp_path / "site-plan.pdf")]) == 0
    assert (tmp_path / "site-plan.pdf").stat().st_size > 100_000
    assert math.isfinite(result.objective)
