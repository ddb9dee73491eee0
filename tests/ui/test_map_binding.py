"""The map and the rest of the window: shared selection, drops, context menus, layers."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt


def select_row(view, row):
    """Select one row as a click would (``selectRow`` obeys stray keyboard modifiers)."""
    from PySide6.QtCore import QItemSelectionModel

    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | \
        QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().select(view.model().index(row, 0), flags)


def site_point(window, site_id):
    view = window.map.view
    site = window.workspace.dataset.site(site_id)
    p = view.frame().point_to_px(site.easting, site.northing)
    return QPoint(round(p.x()), round(p.y()))


def test_click_on_map_selects_table_row_and_table_selects_on_map(qtbot, make_window,
                                                                project):
    window = make_window(project)
    view = window.map.view
    window.map.zoom_to_all()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=site_point(window, "A2"))
    assert window.state.selected_site_ids == ["A2"]
    assert window.inspector.shown == ("site", "A2")
    # the table selects needs; the map follows
    select_row(window.table_panel.view, window.table_panel.proxy.mapFromSource(
        window.table_panel.model.index(window.table_panel.model.row_of("S-WB-1"), 0)).row())
    assert view.selected() == ([], ["S-WB-1"])


def test_need_dropped_on_site_pins_it(make_window, project):
    window = make_window(project)
    window.map.view.needDroppedOnSite.emit("N-ACC-1", "A1")
    assert window.workspace.current.pins == {"N-ACC-1": "A1"}
    assert window.workspace.undo_label == "Pin N-ACC-1 to Northgate Office"


def test_site_context_menu_closes_the_site(monkeypatch, make_window, project):
    window = make_window(project)
    shown = []

    def run_first(menu, *args):
        shown.append([a.text() for a in menu.actions()])
        menu.actions()[0].trigger()

    monkeypatch.setattr(window, "popup_menu", run_first)
    window.map.view.siteContextMenuRequested.emit("M2", QPoint(10, 10))
    assert shown[0][0] == "&Close Quay Chambers"
    assert window.workspace.current.closed_sites == {"M2"}
    window.map.view.siteContextMenuRequested.emit("M2", QPoint(10, 10))
    assert shown[1][0] == "&Reopen Quay Chambers" and not window.workspace.current.closed_sites


def test_need_context_menu_unpins_every_selected_need(monkeypatch, make_window, project):
    window = make_window(project)
    ws = window.workspace
    ws.pin("N-ETE-1", "A1")
    ws.pin("S-ETE-1", "A2")
    window.state.set_selection([], ["N-ETE-1", "S-ETE-1"])

    def run_unpin(menu, *args):
        next(a for a in menu.actions() if a.text().startswith("&Unpin")).trigger()

    monkeypatch.setattr(window, "popup_menu", run_unpin)
    window.map.view.needContextMenuRequested.emit("N-ETE-1", QPoint(5, 5))
    assert dict(ws.current.pins) == {}


def test_layers_panel_lists_and_toggles_map_layers(make_window, project):
    window = make_window(project)
    names = [name for name, _visible in window.layers_panel.layers()]
    assert names[:4] == ["Labels", "Sites", "Needs", "Allocation lines"]
    item = window.layers_panel.list.item(2)
    item.setCheckState(Qt.CheckState.Unchecked)
    assert not window.map.view.is_layer_visible("Needs")


def test_compare_highlight_reaches_the_map(make_window, project):
    window = make_window(project)
    window.map.highlight(["A1"], ["N-ETE-1"])
    assert window.map.view.content().highlighted_need_ids == {"N-ETE-1"}


def test_dragging_a_table_row_onto_a_site_pins_it(qtbot, make_window, project):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDropEvent

    window = make_window(project)
    window.map.zoom_to_all()
    model = window.table_panel.model
    mime = model.mimeData([model.index(model.row_of("N-ETE-1"), 0)])
    point = QPointF(site_point(window, "P1"))
    drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.map.view.dropEvent(drop)
    assert window.workspace.current.pins == {"N-ETE-1": "P1"}


def test_basemap_address_is_checked_and_remembered(monkeypatch, make_window, project,
                                                   no_dialogs, settings_file):
    from PySide6.QtWidgets import QInputDialog

    window = make_window(project)
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: ("http://127.0.0.1:9/tiles.png", True))
    window.act_basemap.trigger()
    assert "placeholders" in no_dialogs.seen[-1][1]
    assert not settings_file.value("map/basemap_url")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", True))
    window.act_basemap.trigger()
    assert settings_file.value("map/basemap_on") in (False, "false")
    assert not window.map.view.is_layer_visible("Basemap")


def _solve(qtbot, window):
    window.act_solve.trigger()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=20_000)


def test_compare_highlights_the_old_and_new_sites_of_moved_needs(qtbot, make_window,
                                                                project):
    window = make_window(project)
    _solve(qtbot, window)
    ws = window.workspace
    ws.duplicate_scenario("Baseline", "Without P1")
    ws.set_site_closed("P1")
    _solve(qtbot, window)
    window.compare_scenarios()
    dialog = window.compare_dialog
    dialog.set_pair("Baseline", "Without P1")
    moves = {m.need_id: m for m in dialog.comparison.moved + dialog.comparison.newly_placed
             + dialog.comparison.newly_unplaced}
    expected = {s for m in moves.values() for s in (m.from_site_id, m.to_site_id) if s}
    content = window.map.view.content()
    assert content.highlighted_need_ids == set(moves) and "N-WB-1" in moves
    assert content.highlighted_site_ids == expected and "P1" in expected
    dialog.close()  # closing the comparison clears both
    assert window.map.view.content().highlighted_site_ids == frozenset()


def test_highlighted_site_gets_a_highlight_disc_under_it():
    """P1 (5 desks, 10 px across) at pixel (300, 300) of a 400 px map at 20 m a pixel."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from estates_planner.model import Dataset, Site, SiteKind
    from estates_planner.render.map import MapContent, RenderOptions, render_map, style

    site = Site("P1", "Site P1", "North", "North PDU", SiteKind.PROVIDER, False, 5, 2, 1000.0,
                504_000.0, 200_000.0)

    def pixel(content, x, y):
        image = QImage(400, 400, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        render_map(painter, QRectF(0, 0, 400, 400), content,
                   (498_000.0, 198_000.0, 506_000.0, 206_000.0),
                   RenderOptions(legend=False, scale_bar=False, north_arrow=False))
        painter.end()
        return image.pixelColor(x, y)

    hidden = {"Labels": False}  # the site's name would sit where the disc is looked at
    plain = MapContent(dataset=Dataset((site,), ()), layer_visibility=hidden)
    lit = MapContent(dataset=Dataset((site,), ()), highlighted_site_ids=frozenset({"P1"}),
                     layer_visibility=hidden)
    # the disc reaches 5 + 5 = 10 px from the centre; 8 px out is on it, 14 px is not
    assert pixel(lit, 308, 300) == QColor(style.HIGHLIGHT_COLOUR)
    assert pixel(plain, 308, 300) != QColor(style.HIGHLIGHT_COLOUR)
    assert pixel(lit, 314, 300) == pixel(plain, 314, 300)
    assert pixel(lit, 300, 300) == pixel(plain, 300, 300)  # the site itself is drawn on top


def test_map_says_when_its_plan_is_out_of_date(qtbot, make_window, project):
    from estates_planner.ui.map_view_binding import STALE_TEXT

    window = make_window(project)
    banner = window.map.stale_banner
    assert banner.isHidden()  # not solved: nothing to be out of date
    _solve(qtbot, window)
    assert banner.isHidden()
    window.workspace.set_site_closed("W1", True)
    assert banner.isVisible() and banner.text() == STALE_TEXT and "F5" in banner.text()
    view = window.map.view
    assert banner.geometry().top() >= 0 and view.rect().contains(banner.geometry())
    window.resize(window.width() - 200, window.height())
    qtbot.wait(20)
    assert view.rect().contains(banner.geometry())
    window.workspace.undo()  # the solved scenario again: the plan fits
    assert banner.isHidden()
    window.workspace.redo()
    _solve(qtbot, window)
    assert banner.isHidden()


def test_stability_layer_listed_only_once_a_study_is_stored(make_window, project):
    import pandas as pd

    from estates_planner.render.map.content import STABILITY

    window = make_window(project)
    names = [n for n, _label in window.layers_panel.layers()]
    assert STABILITY not in names  # no study: no layer, nothing shaded
    scenario = window.workspace.current.name
    project.tables["robustness_needs"] = pd.DataFrame(
        {"scenario": [scenario], "need_id": ["N-ACC-1"], "stability": [0.25]})
    window._study_stored()
    names = [n for n, _label in window.layers_panel.layers()]
    assert STABILITY in names
    assert window.map.content().need_stability == {"N-ACC-1": 0.25}
