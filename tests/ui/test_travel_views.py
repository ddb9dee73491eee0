"""The travel model in the app: the KPI panel's service-user tab, the inspector's catchment
(sent to the map), the provider view's partners, and the PDF's per-PDU journey table.

Most use the hand-made plan of ``tests/plan_builders.py`` (see
``tests/report/test_content_travel.py`` for its journeys worked out by hand).
"""

from __future__ import annotations

import math
import shutil
import subprocess
from datetime import date

import geopandas as gpd
import plan_builders as pb  # the shared hand-made plan (tests/ is on the path)
import pytest
from shapely.geometry import LineString, Point

from estates_planner.workspace import Workspace


def _state(project):
    from estates_planner.ui.state import WorkspaceState

    return WorkspaceState(Workspace(project))


def _east_west_road(project):
    """A 60 km/h road east-west through Leeds Probation Office (S1, at 430000, 433000)."""
    from estates_planner.travel import network_from_frame, store_network

    frame = gpd.GeoDataFrame({"speed_kmh": [60.0, 60.0]},
                             geometry=[LineString([(420000, 433000), (430000, 433000)]),
                                       LineString([(430000, 433000), (440000, 433000)])],
                             crs=27700)
    store_network(project, network_from_frame(frame, source="roads.gpkg"))


# --------------------------------------------------------------------------- KPI panel
def test_kpi_panel_service_user_tab(qtbot):
    from estates_planner.ui.kpi_panel import KpiPanel

    panel = KpiPanel(_state(pb.project()))
    qtbot.addWidget(panel)
    assert panel.tabs.tabText(1) == "Service &users"
    assert panel.journey_rows() == []  # not worked out until the tab is shown
    panel.tabs.setCurrentIndex(1)
    assert panel.journey_rows() == [
        ("Manchester", "1", "0.1", "–", pb.GM),
        ("Leeds", "2", "0.2", "–", pb.YORKS),
        ("Wakefield", "1", "1.0", "–", pb.YORKS),
    ]
    assert panel.journeys.isColumnHidden(3)  # straight lines: no minutes
    # Leeds: Hope House 0.07 km, Leeds Probation Office 0.24 km, nearest first
    assert panel.site_rows("Leeds") == [
        ("Hope House (S2)", "", "0.1", "–", "Women Together"),
        ("Leeds Probation Office (S1)", "", "0.2", "–", "Bright Futures, Home First"),
    ]
    text = panel.journey_status.text()
    # (1 + 2 + 1) / 3 PDUs; at most 2; measured in straight lines
    assert "<b>1.3</b> separate locations" in text and "at most 2" in text
    assert "straight line" in text
    assert panel.rows()  # the figures tab is still filled


def test_kpi_panel_journeys_follow_the_road_network(qtbot):
    from estates_planner.ui.kpi_panel import KpiPanel

    project = pb.project()
    _east_west_road(project)
    panel = KpiPanel(_state(project))
    qtbot.addWidget(panel)
    panel.tabs.setCurrentIndex(1)
    assert "road network (project network)" in panel.journey_status.text()
    assert not panel.journeys.isColumnHidden(3)
    # Wakefield's point and S3 both snap to the junction at (430000, 433000), 13 km north
    # of them: the two share a junction, so the journey is their straight 1 km, 3 minutes
    # at the 20 km/h used off the network
    wakefield = panel.site_rows("Wakefield")
    assert wakefield == [("Wakefield Market Unit (S3)", "", "1.0", "3", "Mind Matters")]


def test_kpi_panel_before_a_solve(qtbot):
    from estates_planner.ui.kpi_panel import KpiPanel

    project = pb.project()
    project.results.clear()
    panel = KpiPanel(_state(project))
    qtbot.addWidget(panel)
    panel.tabs.setCurrentIndex(1)
    assert panel.journey_rows() == []
    assert "not solved yet" in panel.journey_status.text()


# --------------------------------------------------------------------------- inspector
def _inspector(qtbot, project):
    from estates_planner.ui.inspector import Inspector

    state = _state(project)
    inspector = Inspector(state)
    qtbot.addWidget(inspector)
    state.set_selection(["S1"], [])
    return state, inspector


def _child(widget, cls, name):
    found = widget.findChild(cls, name)
    assert found is not None, name
    return found


def test_catchment_without_a_network_is_a_labelled_circle(qtbot):
    from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QPushButton

    state, inspector = _inspector(qtbot, pb.project())
    note = _child(inspector.body, QLabel, "catchmentNote")
    assert "Straight-line circle" in note.text() and "no road network" in note.text()
    measure = _child(inspector.body, QComboBox, "catchmentMeasure")
    assert [measure.itemText(i) for i in range(measure.count())] == ["km"]
    _child(inspector.body, QDoubleSpinBox, "catchmentLimit").setValue(10)
    with qtbot.waitSignal(inspector.catchmentChanged) as signal:
        _child(inspector.body, QPushButton, "showCatchmentButton").click()
    circle = signal.args[0]
    assert circle.area / 1e6 == pytest.approx(math.pi * 100, rel=1e-3)  # 314 km²
    assert circle.centroid.distance(Point(state.workspace.dataset.site("S1").xy)) < 1
    note = _child(inspector.body, QLabel, "catchmentNote")
    assert note.text() == ("Straight-line buffer of 10 km around the site (the project has "
                           "no road network): 314 km².")
    # another site selected: the catchment is taken off the map
    with qtbot.waitSignal(inspector.catchmentChanged) as signal:
        state.set_selection(["S3"], [])
    assert signal.args == [None]


def test_catchment_along_the_roads(qtbot):
    from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QPushButton

    project = pb.project()
    _east_west_road(project)
    state, inspector = _inspector(qtbot, project)
    assert "Along the road network" in _child(inspector.body, QLabel, "catchmentNote").text()
    measure = _child(inspector.body, QComboBox, "catchmentMeasure")
    assert [measure.itemText(i) for i in range(measure.count())] == ["km", "minutes"]
    measure.setCurrentIndex(1)
    _child(inspector.body, QDoubleSpinBox, "catchmentLimit").setValue(5)
    with qtbot.waitSignal(inspector.catchmentChanged) as signal:
        _child(inspector.body, QPushButton, "showCatchmentButton").click()
    area = signal.args[0]
    # 5 minutes at 60 km/h: 5 km each way along the road, widened by 250 m
    minx, miny, maxx, maxy = area.bounds
    assert (minx, maxx) == pytest.approx((424750, 435250), abs=1)
    assert (miny, maxy) == pytest.approx((432750, 433250), abs=1)
    assert area.area / 1e6 == pytest.approx(10 * 0.5 + math.pi * 0.25 ** 2, rel=0.01)
    note = _child(inspector.body, QLabel, "catchmentNote").text()
    assert note.startswith("Reachable within 5 minutes along the road network")
    # the inspector keeps the limit and measure when it is rebuilt
    assert _child(inspector.body, QComboBox, "catchmentMeasure").currentText() == "minutes"
    assert _child(inspector.body, QDoubleSpinBox, "catchmentLimit").value() == 5
    with qtbot.waitSignal(inspector.catchmentChanged) as signal:
        _child(inspector.body, QPushButton, "clearCatchmentButton").click()
    assert signal.args == [None]


def test_a_site_off_the_network_reaches_nothing(qtbot):
    from PySide6.QtWidgets import QLabel

    project = pb.project()
    _east_west_road(project)
    state, inspector = _inspector(qtbot, project)
    state.set_selection(["S4"], [])  # Manchester, 46 km from the road
    with qtbot.waitSignal(inspector.catchmentChanged) as signal:
        inspector.show_catchment("S4", 10, "km")
    assert signal.args == [None]
    assert "does not reach the road network" in \
        _child(inspector.body, QLabel, "catchmentNote").text()


def test_catchment_reaches_the_map(qtbot):
    """The main window's hook: ``inspector.catchmentChanged -> map.set_catchment``."""
    from estates_planner.render.map import CATCHMENT
    from estates_planner.ui.inspector import Inspector
    from estates_planner.ui.map_view_binding import MapViewBinding

    state = _state(pb.project())
    binding = MapViewBinding(state)
    inspector = Inspector(state)
    qtbot.addWidget(inspector)
    qtbot.addWidget(binding.widget)
    inspector.catchmentChanged.connect(binding.set_catchment)
    state.set_selection(["S1"], [])
    inspector.show_catchment("S1", 3, "km")
    assert binding.content().catchment.area / 1e6 == pytest.approx(math.pi * 9, rel=1e-3)
    assert CATCHMENT in binding.view.layer_names()
    inspector.clear_catchment()
    assert binding.content().catchment is None
    assert CATCHMENT not in binding.view.layer_names()


# --------------------------------------------------------------------------- provider view
def test_provider_view_lists_partners_from_the_colocation_graph(qtbot):
    from estates_planner.ui.provider_view import ProviderView

    view = ProviderView(_state(pb.project()))
    qtbot.addWidget(view)
    view.set_provider("Bright Futures")  # N1 at S1 with Home First's N2; N5 alone at S4
    assert view.partner_rows() == [("Home First", "1", "Leeds Probation Office")]
    assert view.partner_note.text() == ("Partners: 1 provider share sites with Bright Futures "
                                        "(2 sites in use).")
    with qtbot.waitSignal(view.highlightRequested) as signal:
        view.partners.setCurrentItem(view.partners.topLevelItem(0))
    assert signal.args == [["S1"], []]
    view.set_provider("Women Together")  # alone at Hope House
    assert view.partner_rows() == []
    assert view.partner_note.text() == ("Partners: Women Together shares none of its 1 site "
                                        "with another provider.")
    view.set_provider("Calm Minds")  # N6 is unplaced
    assert view.partner_note.text() == "Partners: none, Calm Minds has nothing placed."


# --------------------------------------------------------------------------- PDF
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_pdf_summary_has_the_per_pdu_journey_table(qapp, tmp_path):
    from estates_planner.render.site_plan import PdfOptions, write_site_plan_pdf

    project = pb.project()
    _east_west_road(project)
    path = tmp_path / "plan.pdf"
    write_site_plan_pdf(project, "Baseline", path, PdfOptions(created=date(2026, 11, 25)))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout
    start = text.index("Service users: separate")
    text = text[start:text.index("Appendix: allocation", start)]
    assert "Service users: separate locations and journeys per PDU" in text
    assert "road network (project network)" in " ".join(text.split())
    lines = [" ".join(line.split()) for line in text.splitlines()]
    # PDUs under a heading row per region, the two regions side by side in two columns
    assert "PDU Locations Mean km Mean min PDU Locations Mean km Mean min" in lines
    assert "Greater Manchester 1 PDU Yorkshire and the Humber 2 PDUs" in lines
    # Wakefield: 1 km at the 20 km/h off the network, 3 minutes (see test_content_travel)
    for row in ("Manchester 1 0.1 0 Leeds 2 0.2 0", "Wakefield 1 1.0 3"):
        assert row in lines, lines


# --------------------------------------------------------------------------- main window
def test_main_window_shows_the_inspector_catchment_on_its_map(make_window):
    window = make_window(pb.project())
    window.state.set_selection(["S1"], [])
    window.inspector.show_catchment("S1", 3, "km")
    assert window.map.content().catchment.area / 1e6 == pytest.approx(math.pi * 9, rel=1e-3)
    assert any(name == "Catchment" for name, *_ in window.map.layers())


def test_app_solve_measures_travel_along_the_project_network(make_window, qtbot):
    """Plans solved in the app use the stored road network, as the CLI does."""
    seen = []

    def spy_solve(scenario, **kwargs):
        from estates_planner.optimise import solve_scenario

        seen.append(scenario.travel)
        return solve_scenario(scenario, **kwargs)

    project = pb.project()
    _east_west_road(project)
    window = make_window(project, solve=spy_solve)
    window.solve()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=60_000)
    assert len(seen) == 1
    assert seen[0] is not None and "network" in seen[0].name.lower()
    # the plan is stored for the workspace's own scenario object: not stale
    assert not window.workspace.result_is_stale()


def test_options_and_explanations_measure_travel_along_the_network():
    """Views that cost a plan ask the workspace, which adds the project's road network."""
    from estates_planner.optimise.explain import provider_options

    project = pb.project()
    ws = Workspace(project)
    assert ws.scenario_for_costs().travel is None  # no network: straight lines
    # a road east from Leeds (S1), south, then back west to S3: 30 km by road, 13 km as the
    # crow flies
    from estates_planner.travel import network_from_frame, store_network

    corners = [(430000, 433000), (440000, 433000), (440000, 420000), (433000, 420000)]
    frame = gpd.GeoDataFrame({"speed_kmh": [60.0] * 3},
                             geometry=[LineString(corners[i:i + 2]) for i in range(3)],
                             crs=27700)
    store_network(project, network_from_frame(frame, source="roads.gpkg"))
    costed = ws.scenario_for_costs()
    assert costed.travel is not None
    assert ws.current.travel is None  # the history's scenario is untouched
    result = project.results[ws.current.name]
    straight = provider_options(ws.current, result, "Bright Futures")
    by_road = provider_options(costed, result, "Bright Futures")
    km = {(n, o.site_id): o.travel_km for n, opts in straight.items() for o in opts}
    road_km = {(n, o.site_id): o.travel_km for n, opts in by_road.items() for o in opts}
    assert km.keys() == road_km.keys()
    # a journey on the network is never shorter than the straight line, and some are longer
    assert all(road_km[k] >= km[k] - 1e-6 for k in km if math.isfinite(road_km[k] or math.inf))
    assert km[("N1", "S3")] == pytest.approx(13.67, abs=0.01)
    assert road_km[("N1", "S3")] == pytest.approx(30.0 + 0.5, abs=0.01)  # road + snap
