"""The map in the window: a selection made elsewhere moves it, Find, the remembered legend,
the provider view's own legend entry, and the coastline under a CSV-only project."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from estates_planner.optimise import greedy_plan
from estates_planner.render.map import legend_entries
from estates_planner.render.map.base_layer import SEA
from estates_planner.render.map.fit import points_clear
from estates_planner.ui.map.selection_focus import NEED_REACH_PX, SITE_REACH_PX


def _solved(window):
    ws = window.workspace
    ws.set_result(greedy_plan(ws.current), ws.current)
    return ws.result()


def test_selecting_a_need_whose_site_is_out_of_view_shows_both(make_window, project):
    window = make_window(project)
    result = _solved(window)
    view = window.map.view
    south = project.dataset.site("A2")
    view.set_extent((south.easting - 2000, south.northing - 2000, south.easting + 2000,
                     south.northing + 2000))
    need = project.dataset.need("N-ETE-1")  # in the north, 200 km away
    site = project.dataset.site(result.allocation("N-ETE-1").site_id)
    window.state.set_selection([], ["N-ETE-1"])
    xy = np.array([need.xy, site.xy])
    reach = np.array([NEED_REACH_PX, SITE_REACH_PX])
    assert points_clear(xy, reach, view.frame(), list(view.overlay_rects().values()))
    # a click on the map itself does not move it
    before = view.visible_extent()
    window.map._map_selection_changed(["A2"], [])
    assert view.visible_extent() == before


def test_zoom_to_one_site_shows_its_needs_and_neighbours(make_window, project):
    window = make_window(project)
    _solved(window)
    window.state.set_selection(["A1"], [])
    window.map.zoom_to_selection()
    xmin, ymin, xmax, ymax = window.map.view.visible_extent()
    ds = project.dataset
    # A1's neighbours P1 (3 km east) and W1 (2.2 km north-west) are in view too
    for item in (ds.site("A1"), ds.site("P1"), ds.site("W1"), ds.need("N-ETE-1")):
        assert xmin < item.easting < xmax and ymin < item.northing < ymax
    assert xmax - xmin >= 3000


def test_find_selects_and_completes(make_window, project, qtbot):
    window = make_window(project)
    box = window.map_controls.find_box
    entries = box.entries()
    assert "Site: Rose House (W1)" in entries
    assert "Provider: Acme (2 needs)" in entries
    assert "PDU: North PDU (3 sites, 4 needs)" in entries
    assert box.completer().filterMode() == Qt.MatchFlag.MatchContains
    assert box.choose("rose")  # the first entry containing it
    assert window.state.selected_site_ids == ["W1"]
    assert box.choose("Provider: Acme (2 needs)")
    assert sorted(window.state.selected_need_ids) == ["N-ETE-1", "S-ETE-1"]
    assert not box.choose("no such place")
    window.map_controls.find_action.trigger()
    assert box.hasFocus() or window.focusWidget() is box


def test_legend_hidden_and_folded_are_remembered(make_window, project, settings_file):
    window = make_window(project)
    view = window.map.view
    action = window.map_controls.legend_action
    assert action.isChecked() and view.legend_visible
    view.legend_button.click()  # fold it to the button
    assert not view.legend_expanded
    assert settings_file.value("map/legend_expanded") in (False, "false")
    action.trigger()
    assert not view.legend_visible and not view.legend_button.isVisible()
    assert "legend" not in view.overlay_rects()
    again = make_window(project)
    assert not again.map.view.legend_visible
    assert not again.map_controls.legend_action.isChecked()
    assert not again.map.view.legend_expanded


def test_provider_view_highlight_has_its_own_legend_entry(make_window, project):
    window = make_window(project)
    _solved(window)
    window.map.highlight_provider_options(["A1"], ["N-ETE-1"])
    labels = [e.label for e in legend_entries(window.map.view.prepared())]
    assert "Provider view: options" in labels and "Moved between plans" not in labels
    window.map.highlight(["A1"], ["N-ETE-1"])  # the comparison's moves
    labels = [e.label for e in legend_entries(window.map.view.prepared())]
    assert "Moved between plans" in labels and "Provider view: options" not in labels
    window.map.highlight([], [])
    labels = [e.label for e in legend_entries(window.map.view.prepared())]
    assert "Moved between plans" not in labels


def test_coastline_under_a_project_imported_from_csv(make_window, sample_dir):
    from estates_planner.io import load_dataset
    from estates_planner.project import new_project

    dataset, _report = load_dataset(sample_dir / "sites.csv", sample_dir / "needs.csv")
    project = new_project(dataset, title="From CSV")
    assert not project.layers
    window = make_window(project)
    view = window.map.view
    assert len(view.content().base_layer) == 165
    assert "Coastline" in [name for name, _visible in window.layers_panel.layers()]
    view.set_extent((300_000, 100_000, 700_000, 500_000))
    image = view.grab_image()
    sea = view.frame().point_to_px(640_000, 420_000)  # the North Sea off Norfolk
    assert image.pixelColor(sea.toPoint()).name() == SEA.lower()
