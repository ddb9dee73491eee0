"""The "Unplaced and long journeys" dock (issue 13): the smallest change for an unplaced need,
tried as an undoable what-if and solved; long journeys flagged; "Why not placed"."""

from __future__ import annotations

from estates_planner.model import Dataset, Lot, ServiceNeed, Site, SiteKind

X, Y = 400_000.0, 500_000.0


def _project():
    from estates_planner.project import new_project

    # women's need W: the only women-only site is 1 desk (it asks for 3); E travels 70 km
    sites = (Site("WO", "Rose House", "North", "North PDU", SiteKind.MARKET, True, 1, 1,
                  1000.0, X + 2000, Y),
             Site("A", "Far Office", "North", "North PDU", SiteKind.AUTHORITY, False, 10, 2,
                  1000.0, X + 70_000, Y))
    needs = (ServiceNeed("W", "Hope", Lot.WOMENS, "North", "North PDU", 3, 0, 5, 10.0, X, Y,
                         max_travel_km=20.0),
             ServiceNeed("E", "Acme", Lot.ETE, "North", "North PDU", 1, 0, 5, 10.0, X, Y))
    return new_project(Dataset(sites, needs), title="Unplaced case")


def solve_and_wait(qtbot, window, timeout=20_000):
    with qtbot.waitSignal(window.state.resultChanged, timeout=timeout):
        window.act_solve.trigger()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=timeout)
    return window.workspace.result()


def test_panel_suggests_a_change_that_places_the_need_and_undo_takes_it_back(
        qtbot, make_window):
    window = make_window(_project())
    result = solve_and_wait(qtbot, window)
    assert result.allocation("W").site_id is None
    panel = window.unplaced_panel
    panel.refresh()
    rows = {r[0]: r for r in panel.row_texts()}
    # W: 3 desks at Rose House, which has 1: add 2 desks; E: 70 km > the 60 km warning
    assert rows["W"][2] == "Not placed"
    assert rows["W"][3] == "Add 2 desks at Rose House"
    assert rows["W"][4].startswith("Rose House, 2.0 km away, 0 of 5 desk-days a week used; "
                                   "Rose House has 5 desk-days")
    assert rows["E"][2] == "Journey 70.0 km"
    assert rows["E"][3] == "From North PDU to Far Office"
    panel.select_need("W")
    assert panel.try_button.isEnabled()
    with qtbot.waitSignal(window.state.resultChanged, timeout=20_000):
        panel.try_button.click()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=20_000)
    ws = window.workspace
    assert ws.current_name == "What if W: more room at WO"
    assert ws.current.capacity_overrides["WO"].desks == 3
    assert ws.result().allocation("W").site_id == "WO"
    assert ws.undo_label == "What if: add 2 desks at Rose House"
    ws.undo()
    assert ws.current_name == "Baseline" and "What if W: more room at WO" not in \
        ws.scenario_names
    ws.redo()
    assert ws.current_name == "What if W: more room at WO"


def test_inspector_says_why_not_placed(qtbot, make_window):
    from PySide6.QtWidgets import QGroupBox

    window = make_window(_project())
    solve_and_wait(qtbot, window)
    window.state.set_selection([], ["W"])
    titles = [b.title() for b in window.inspector.findChildren(QGroupBox)]
    assert "Why not placed" in titles and "Why here" not in titles
