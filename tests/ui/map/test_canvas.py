"""MapView: selection, zoom, pan, layers, tooltips, drops and keyboard, driven with real events.

The fixture view is 400 × 400 px. Most tests show the extent (498 000, 198 000)-(506 000,
206 000), which is 20 m a pixel: A1 at pixel (100, 300), P1 (300, 300), M1 (100, 100),
C1 (300, 100), N1 (150, 250), N2 (250, 250), N3 (200, 125).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
    QMouseEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QToolTip

from estates_planner.render.map import MapContent, style
from estates_planner.ui.map import NEED_MIME

EXTENT = (498_000.0, 198_000.0, 506_000.0, 206_000.0)
A1, P1, M1, C1 = QPointF(100, 300), QPointF(300, 300), QPointF(100, 100), QPointF(300, 100)
N1, N3 = QPointF(150, 250), QPointF(200, 125)
EMPTY = QPointF(200, 380)


def send_mouse(view, kind, pos, button=Qt.MouseButton.LeftButton,
               buttons=Qt.MouseButton.LeftButton, mods=Qt.KeyboardModifier.NoModifier):
    viewport = view.viewport()
    event = QMouseEvent(kind, QPointF(pos), viewport.mapToGlobal(QPointF(pos)), button, buttons,
                        mods)
    QApplication.sendEvent(viewport, event)


def click(view, pos, mods=Qt.KeyboardModifier.NoModifier):
    send_mouse(view, QEvent.Type.MouseButtonPress, pos, mods=mods)
    send_mouse(view, QEvent.Type.MouseButtonRelease, pos, buttons=Qt.MouseButton.NoButton,
               mods=mods)


def drag(view, start, end, mods=Qt.KeyboardModifier.NoModifier):
    send_mouse(view, QEvent.Type.MouseButtonPress, start, mods=mods)
    middle = QPointF((start.x() + end.x()) / 2, (start.y() + end.y()) / 2)
    for pos in (middle, end):
        send_mouse(view, QEvent.Type.MouseMove, pos, button=Qt.MouseButton.NoButton, mods=mods)
    send_mouse(view, QEvent.Type.MouseButtonRelease, end, buttons=Qt.MouseButton.NoButton,
               mods=mods)


def pixel(view, pos) -> QColor:
    return view.grab_image().pixelColor(int(pos.x()), int(pos.y()))


def near(colour: QColor, expected: str, tolerance: int = 40) -> bool:
    e = QColor(expected)
    return (abs(colour.red() - e.red()) <= tolerance and abs(colour.green() - e.green())
            <= tolerance and abs(colour.blue() - e.blue()) <= tolerance)


@pytest.fixture
def view(map_view, mds):
    map_view.set_content(MapContent(dataset=mds))
    map_view.set_extent(EXTENT)
    return map_view


def test_scene_coordinates_are_british_national_grid_with_north_up(view):
    assert view.px_per_m() == pytest.approx(0.05)
    a1 = view.mapToScene(A1.toPoint())
    assert (a1.x(), a1.y()) == pytest.approx((500_000, 200_000), abs=25)  # within a pixel
    top = view.mapToScene(QPoint(200, 0))
    bottom = view.mapToScene(QPoint(200, 399))
    assert top.y() > bottom.y()  # north is up


def test_click_selects_a_site_and_emits_its_id(qtbot, view):
    with qtbot.waitSignal(view.selectionChanged) as signal:
        click(view, A1)
    assert signal.args == [["A1"], []]
    assert view.selected() == (["A1"], [])


def test_click_selects_a_need(qtbot, view):
    with qtbot.waitSignal(view.selectionChanged) as signal:
        click(view, N1)
    assert signal.args == [[], ["N1"]]


def test_shift_adds_ctrl_toggles_and_empty_click_clears(qtbot, view):
    click(view, A1)
    with qtbot.waitSignal(view.selectionChanged) as signal:
        click(view, P1, Qt.KeyboardModifier.ShiftModifier)
    assert signal.args == [["A1", "P1"], []]
    with qtbot.waitSignal(view.selectionChanged) as signal:
        click(view, A1, Qt.KeyboardModifier.ControlModifier)
    assert signal.args == [["P1"], []]
    with qtbot.waitSignal(view.selectionChanged) as signal:
        click(view, EMPTY)
    assert signal.args == [[], []]


def test_rubber_band_with_shift_selects_sites_and_needs_inside(qtbot, view):
    # from (60, 220) to (320, 340): A1, P1, N1 and N2 inside; M1, C1 and N3 outside
    with qtbot.waitSignal(view.selectionChanged) as signal:
        drag(view, QPointF(60, 220), QPointF(320, 340), Qt.KeyboardModifier.ShiftModifier)
    assert signal.args == [["A1", "P1"], ["N1", "N2"]]


def test_plain_drag_pans_and_selects_nothing(qtbot, view):
    before = view.visible_extent()
    with qtbot.assertNotEmitted(view.selectionChanged):
        drag(view, QPointF(200, 200), QPointF(250, 230))
    after = view.visible_extent()
    # the map follows the pointer: 50 px right shows 1000 m further west, 30 px down 600 m north
    assert after[0] - before[0] == pytest.approx(-1000, abs=25)
    assert after[3] - before[3] == pytest.approx(600, abs=25)


def test_select_highlights_without_emitting(qtbot, view):
    ring = QPointF(300 + 10, 300)  # P1 is 11 px across: ring radius 5.5 + 5
    assert not near(pixel(view, ring), style.SELECTION_COLOUR)
    with qtbot.assertNotEmitted(view.selectionChanged):
        view.select(["P1"], [])
    assert near(pixel(view, ring), style.SELECTION_COLOUR)
    assert view.selected() == (["P1"], [])


def test_zoom_to_all_fits_the_data(map_view, mds):
    map_view.set_content(MapContent(dataset=mds))  # the first content is fitted at once
    # data 4000 m square into 388 px less symbol room (22 px each side): at most 0.086 px/m;
    # the north arrow and scale bar then push it out in steps of 0.9 (to 0.086 × 0.9³)
    fitted = map_view.px_per_m()
    assert 0.086 * 0.9 ** 4 < fitted <= 0.086 + 1e-3
    map_view.zoom_in()
    map_view.zoom_to_all()
    assert map_view.px_per_m() == pytest.approx(fitted)
    xmin, ymin, xmax, ymax = map_view.visible_extent()
    for site in mds.sites:
        assert xmin < site.easting < xmax and ymin < site.northing < ymax
    assert (xmin + xmax) / 2 == pytest.approx(502_000, abs=15)
    assert (ymin + ymax) / 2 == pytest.approx(202_000, abs=15)


def test_zoom_to_selection(view):
    view.select(["A1", "P1"], [])
    view.zoom_to_selection()
    # no plan yet, so no lines: A1 and P1, 4000 m by at least 3000 m, centred between them
    xmin, ymin, xmax, ymax = view.visible_extent()
    for x, y in ((500_000, 200_000), (504_000, 200_000)):
        assert xmin < x < xmax and ymin < y < ymax
    assert ymax - ymin >= 3000
    assert (xmin + xmax) / 2 == pytest.approx(502_000, abs=15)
    assert (ymin + ymax) / 2 == pytest.approx(200_000, abs=15)
    assert view.px_per_m() <= (400 - 12 - 44) / 4000


def test_layer_names_and_toggles_hide(view, mds, regions):
    view.set_content(MapContent(dataset=mds, layers={"regions": regions}))
    assert view.layer_names() == ["Labels", "Sites", "Needs", "Allocation lines",
                                  "Boundaries: regions", "Basemap"]
    assert near(pixel(view, A1), style.KIND_COLOURS[mds.site("A1").kind], 15)
    view.set_layer_visible("Sites", False)
    assert not view.is_layer_visible("Sites")
    assert near(pixel(view, A1), style.POLYGON_FILLS[0], 6)
    view.set_layer_visible("Boundaries: regions", False)
    assert near(pixel(view, A1), style.BACKGROUND, 6)
    # hidden sites cannot be clicked
    assert view.item_at(A1) is None
    # the choice survives new content
    view.set_content(MapContent(dataset=mds))
    assert not view.is_layer_visible("Sites")


def test_tooltip_text_for_a_site_and_a_need(view, mds, mscenario, mresult):
    view.set_content(MapContent(dataset=mds, scenario=mscenario, result=mresult))
    text = view.tooltip_at(A1)
    assert text.splitlines() == ["Site A1 (A1)", "Authority (probation office)",
                                 "40 desks, 2 interview rooms", "Utilisation 95% (1 need)",
                                 "North · North PDU"]
    women = view.tooltip_at(M1)
    assert "Women-only site" in women and "Not used by the plan" in women
    assert "Closed in this scenario" in view.tooltip_at(C1)
    need = view.tooltip_at(N3)
    assert need.splitlines()[:3] == ["Need N3", "Provider: Hope", "Lot: Women's services"]
    assert "Not placed: no women-only site with room" in need
    assert view.tooltip_at(EMPTY) == ""


def test_tooltip_event_shows_the_text(view):
    event = QHelpEvent(QEvent.Type.ToolTip, A1.toPoint(), view.viewport().mapToGlobal(
        A1.toPoint()))
    QApplication.sendEvent(view.viewport(), event)
    assert QToolTip.text().startswith("Site A1 (A1)")


def _drop_event(pos, mime):
    return QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)


def test_dropping_a_need_on_a_site_emits_the_pin(qtbot, view):
    # QApplication delivers drops only during a real drag, so the handlers are called as Qt
    # would call them
    mime = QMimeData()
    mime.setData(NEED_MIME, b"N3")
    move = QDragMoveEvent(P1.toPoint(), Qt.DropAction.CopyAction, mime,
                          Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.dragMoveEvent(move)
    assert move.isAccepted()  # the cursor says "you can drop here"
    event = _drop_event(P1, mime)
    with qtbot.waitSignal(view.needDroppedOnSite) as signal:
        view.dropEvent(event)
    assert signal.args == ["N3", "P1"]
    assert event.isAccepted()


def test_drop_off_a_site_or_of_other_data_is_refused(qtbot, view):
    mime = QMimeData()
    mime.setData(NEED_MIME, b"N3")
    move = QDragMoveEvent(EMPTY.toPoint(), Qt.DropAction.CopyAction, mime,
                          Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.dragMoveEvent(move)
    assert not move.isAccepted()
    text = QMimeData()
    text.setText("N3")
    with qtbot.assertNotEmitted(view.needDroppedOnSite):
        view.dropEvent(_drop_event(EMPTY, mime))
        view.dropEvent(_drop_event(P1, text))


def test_context_menu_requests_name_the_item(qtbot, view):
    global_pos = view.viewport().mapToGlobal(C1.toPoint())
    with qtbot.waitSignal(view.siteContextMenuRequested) as signal:
        QApplication.sendEvent(view.viewport(), QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, C1.toPoint(), global_pos))
    assert signal.args == ["C1", global_pos]
    with qtbot.waitSignal(view.needContextMenuRequested) as signal:
        QApplication.sendEvent(view.viewport(), QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, N3.toPoint(), view.viewport().mapToGlobal(
                N3.toPoint())))
    assert signal.args[0] == "N3"


def test_keys_zoom_and_pan(qtbot, view):
    view.zoom_to_all()
    fitted = view.px_per_m()
    view.set_extent(EXTENT)
    with qtbot.waitSignal(view.extentChanged):
        qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.px_per_m() == pytest.approx(0.05 * 1.25)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.px_per_m() == pytest.approx(0.05)
    before = view.visible_extent()
    qtbot.keyClick(view, Qt.Key.Key_Right)  # a sixth of the width: 400/6 px = 1333 m east
    after = view.visible_extent()
    assert after[0] - before[0] == pytest.approx(400 / 6 * 20, abs=25)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.visible_extent()[3] - after[3] == pytest.approx(400 / 6 * 20, abs=25)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.px_per_m() == pytest.approx(fitted)


def test_escape_clears_the_selection(qtbot, view):
    click(view, A1)
    with qtbot.waitSignal(view.selectionChanged) as signal:
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert signal.args == [[], []]


def test_wheel_zooms_about_the_cursor(view):
    anchor = QPointF(100, 300)  # A1
    before = view.mapToScene(anchor.toPoint())
    event = QWheelEvent(anchor, view.viewport().mapToGlobal(anchor), QPoint(0, 0),
                        QPoint(0, 240), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)
    assert view.px_per_m() == pytest.approx(0.05 * 1.25 ** 2)
    after = view.mapToScene(anchor.toPoint())
    # the point under the cursor stays put (to a pixel: 1/0.078 = 13 m)
    assert (after.x(), after.y()) == pytest.approx((before.x(), before.y()), abs=15)


def test_accessible_and_focusable(view):
    assert view.accessibleName() == "Map of sites and service needs"
    assert "Arrow keys pan" in view.accessibleDescription()
    assert "squares are authority" in view.accessibleDescription()
    assert view.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_overlays_are_drawn_on_the_view(map_view, mds):
    map_view.set_content(MapContent(dataset=mds))
    plain = map_view.grab_image()
    map_view.set_legend_visible(True)
    with_legend = map_view.grab_image()
    assert with_legend.pixelColor(380, 20) != plain.pixelColor(380, 20)  # legend, top right
    assert plain.pixelColor(20, 30) != QColor(style.BACKGROUND)  # north arrow, top left
    assert plain.pixelColor(15, 392) != QColor(style.BACKGROUND)  # scale bar, bottom left


def test_progressive_redraw_shows_the_moved_picture_then_redraws(view):
    view.grab_image()
    view.last_render_ms = 1000.0  # pretend full redraws are slow
    view.pan_by(10, 0)
    image = view.grab_image()  # the old picture, moved
    assert view._idle.isActive()
    assert near(image.pixelColor(110, 300), style.KIND_COLOURS[view.content().dataset.site(
        "A1").kind], 15)
    view._on_idle()
    view.last_render_ms = 0.0
    image = view.grab_image()
    assert near(image.pixelColor(110, 300), style.KIND_COLOURS[view.content().dataset.site(
        "A1").kind], 15)


def test_many_sites_hit_testing_uses_the_drawn_sizes(map_view):
    """10,000 sites: clicking still finds the site under the pointer."""
    import numpy as np

    from estates_planner.model import Dataset, Site, SiteKind

    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 100_000, (10_000, 2)) + (400_000, 300_000)
    sites = tuple(Site(f"S{i}", f"S{i}", "R", "P", SiteKind.PROVIDER, False, 5, 1, 1.0,
                       float(x), float(y)) for i, (x, y) in enumerate(xy))
    map_view.set_content(MapContent(dataset=Dataset(sites, ())))
    map_view.set_extent((440_000, 340_000, 460_000, 360_000))
    map_view.grab_image()
    frame = map_view.frame()
    row = int(np.flatnonzero((abs(xy[:, 0] - 450_000) < 5_000)
                             & (abs(xy[:, 1] - 350_000) < 5_000))[0])
    pos = frame.point_to_px(*xy[row])
    hit = map_view.item_at(pos)
    # at 50 m a pixel crowded sites are drawn as clusters: the click finds the one holding it
    assert hit is not None and hit[0] in ("site", "cluster")
    if hit[0] == "cluster":
        assert row in hit[1].rows.tolist()
        return
    hx, hy = xy[int(hit[1][1:])]
    # the site found is the one clicked or one whose symbol covers the same pixel
    assert abs(hx - xy[row, 0]) * map_view.px_per_m() <= 10
    assert abs(hy - xy[row, 1]) * map_view.px_per_m() <= 10


def test_new_plan_keeps_the_view_new_data_is_fitted(view, mds, mscenario, mresult):
    view.zoom_in()
    scale = view.px_per_m()
    view.set_content(MapContent(dataset=mds, scenario=mscenario, result=mresult))
    assert view.px_per_m() == pytest.approx(scale)  # same sites: the user's view stays
    from estates_planner.model import Dataset

    view.set_content(MapContent(dataset=Dataset(mds.sites[:2], ())))  # A1 and P1 only
    # 4000 m wide into 388 px less 44 px of symbol room: 0.086 px/m, clear of the overlays
    assert view.px_per_m() != pytest.approx(scale)
    assert view.px_per_m() <= 344 / 4000 + 1e-6


def test_a_layer_added_to_the_same_dict_is_drawn(view, mds, regions):
    layers: dict = {}
    view.set_content(MapContent(dataset=mds, layers=layers))
    assert near(pixel(view, QPointF(70, 200)), style.BACKGROUND, 3)
    layers["regions"] = regions
    view.set_content(MapContent(dataset=mds, layers=layers))
    assert near(pixel(view, QPointF(70, 200)), style.POLYGON_FILLS[0], 3)
    assert "Boundaries: regions" in view.layer_names()


def test_zoom_to_all_keeps_the_data_clear_of_the_legend(map_view, mds, qtbot):
    """In a wide view the legend (top right) must not cover the east of the data."""
    map_view.resize(520, 400)
    map_view.set_legend_visible(True)
    map_view.set_content(MapContent(dataset=mds))
    map_view.grab()  # paint once, so the legend is measured
    map_view.zoom_to_all()
    legend_w = map_view.legend_width_px()
    assert legend_w > 50
    right_edge = map_view.viewport().width() - legend_w
    for site in mds.sites:
        x = map_view.mapFromScene(QPointF(site.easting, site.northing)).x()
        assert 0 < x < right_edge, (site.site_id, x, right_edge)
