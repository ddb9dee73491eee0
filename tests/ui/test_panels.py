"""The docks and dialogs one by one: table filters and drag data, inspector, provider view,
compare dialog, settings dialog, scenarios panel."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QInputDialog

from estates_planner.ui.allocation_table import COLUMN_INDEX
from estates_planner.ui.common import NEED_MIME


def select_row(view, row):
    """Select one row as a click would (``selectRow`` obeys stray keyboard modifiers)."""
    from PySide6.QtCore import QItemSelectionModel

    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | \
        QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().select(view.model().index(row, 0), flags)


def solve(qtbot, window):
    with qtbot.waitSignal(window.state.resultChanged, timeout=20_000):
        window.act_solve.trigger()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=20_000)


def visible_need_ids(panel):
    proxy = panel.proxy
    return sorted(proxy.data(proxy.index(r, 0)) for r in range(proxy.rowCount()))


def test_table_filters_by_region_lot_provider_and_site(qtbot, make_window, project):
    window = make_window(project)
    panel = window.table_panel
    panel.set_filter("region", "South")
    assert visible_need_ids(panel) == ["S-ETE-1", "S-WB-1"]
    panel.set_filter("region", "All")
    panel.set_filter("provider", "Acme")
    assert visible_need_ids(panel) == ["N-ETE-1", "S-ETE-1"]
    panel.set_filter("lot", "ETE")
    panel.set_filter("region", "North")
    assert visible_need_ids(panel) == ["N-ETE-1"]
    assert panel.count_label.text() == "1 of 6 needs"
    for key in ("region", "lot", "provider"):
        panel.set_filter(key, "All")
    solve(qtbot, window)
    panel.set_filter("site_id", "W1")
    assert visible_need_ids(panel) == ["N-W-1"]  # R3: the only women-only site
    panel.set_filter("site_id", "(unplaced)")
    assert visible_need_ids(panel) == []


def test_table_sorts_numbers_as_numbers(qtbot, make_window, project):
    window = make_window(project)
    solve(qtbot, window)
    view = window.table_panel.view
    view.sortByColumn(COLUMN_INDEX["desk_cost"], view.horizontalHeader().sortIndicatorOrder())
    proxy = window.table_panel.proxy
    costs = [proxy.data(proxy.index(r, COLUMN_INDEX["desk_cost"]), 257)
             for r in range(proxy.rowCount())]
    assert costs == sorted(costs) or costs == sorted(costs, reverse=True)


def test_rows_drag_out_as_need_ids(make_window, project):
    window = make_window(project)
    panel = window.table_panel
    panel.set_filter("provider", "Bloom")
    indexes = [panel.proxy.mapToSource(panel.proxy.index(r, 0)) for r in range(2)]
    mime = panel.model.mimeData(indexes)
    assert bytes(mime.data(NEED_MIME)).decode() == "N-WB-1\nS-WB-1"


def test_table_selection_is_shared_both_ways(make_window, project):
    window = make_window(project)
    panel = window.table_panel
    window.state.set_selection([], ["S-ETE-1"])
    assert panel.selected_need_ids() == ["S-ETE-1"]
    select_row(panel.view, panel.proxy.mapFromSource(
        panel.model.index(panel.model.row_of("N-W-1"), 0)).row())
    assert window.state.selected_need_ids == ["N-W-1"]
    assert window.inspector.shown == ("need", "N-W-1")


def test_inspector_shows_extra_columns_and_capacity_bars(qtbot, make_window, project):
    from PySide6.QtWidgets import QLabel, QProgressBar

    window = make_window(project)
    solve(qtbot, window)
    window.state.set_selection(["A1"], [])
    inspector = window.inspector
    assert inspector.shown == ("site", "A1")
    labels = {w.accessibleName(): w.text() for w in inspector.findChildren(QLabel)
              if w.accessibleName()}
    assert labels["floor"] == "2nd" and labels["Desks"] == "10"
    bars = {b.accessibleName(): (b.value(), b.maximum())
            for b in inspector.findChildren(QProgressBar)}
    usage = window.workspace.result().site_usage["A1"]
    assert bars["Desk-days a week"] == (usage.desk_days_used, usage.desk_days_available)
    assert usage.desk_days_available == 50  # 10 desks x 5 days


def test_inspector_close_button_is_undoable(qtbot, make_window, project):
    from PySide6.QtWidgets import QPushButton

    window = make_window(project)
    window.state.set_selection(["P1"], [])
    button = window.inspector.findChild(QPushButton, "toggleSiteButton")
    button.click()
    assert "P1" in window.workspace.current.closed_sites
    qtbot.waitUntil(lambda: window.inspector.findChild(QPushButton, "toggleSiteButton")
                    .text() == "&Reopen site")
    window.act_undo.trigger()
    assert "P1" not in window.workspace.current.closed_sites


def test_provider_view_ranks_options_and_names_blocking_rules(qtbot, make_window, project):
    window = make_window(project)
    view = window.provider_view
    assert "Solve" in view.message.text()
    solve(qtbot, window)
    view.set_provider("Bloom")
    rows = view.rows("N-WB-1")
    # North has three sites: only Riverside Hub is allowed for a wellbeing need
    assert rows[0][0] == "Riverside Hub (P1)" and rows[0][1] == "yes (current)"
    blocked = {r[0]: r[1] for r in rows[1:]}
    assert blocked.keys() == {"Northgate Office (A1)", "Rose House (W1)"}
    assert blocked["Northgate Office (A1)"].startswith("R4")
    assert blocked["Rose House (W1)"].startswith("R3")
    # a blocked site shows no saving: the move cannot be made
    assert [r[2] for r in rows[1:]] == ["—", "—"]
    seen = []
    view.highlightRequested.connect(lambda s, n: seen.append((s, n)))
    top = view.tree.topLevelItem(0)
    view.tree.setCurrentItem(top)
    assert seen[-1] == (["P1"], ["N-WB-1"])


def _compare_without_p1(qtbot, window, *also: str):
    """Solve the Baseline, solved copies of it named ``also``, and "Without P1" (Riverside
    Hub closed); return the open compare dialog."""
    solve(qtbot, window)
    ws = window.workspace
    for name in (*also, "Without P1"):
        ws.duplicate_scenario("Baseline", name)
        if name == "Without P1":
            ws.set_site_closed("P1")
        solve(qtbot, window)
    window.compare_scenarios()
    return window.compare_dialog


def test_compare_two_scenarios_lists_kpi_deltas_and_moved_needs(qtbot, make_window, project):
    window = make_window(project)
    dialog = _compare_without_p1(qtbot, window)
    dialog.set_pair("Baseline", "Without P1")
    rows = {r[0]: r[1:] for r in dialog.kpi_table()}
    # with Riverside Hub closed, the North wellbeing need has no allowed site left (R3, R4)
    assert rows["Needs not placed"] == ("0", "1", "+1")
    assert "N-WB-1" in dialog.moved_need_ids()
    seen = []
    dialog.highlightRequested.connect(lambda s, n: seen.append((s, n)))
    select_row(dialog.moves, dialog.moved_need_ids().index("N-WB-1"))
    assert seen[-1] == (["P1"], ["N-WB-1"])


def test_compare_summary_reads_right_whichever_plan_is_dearer(qtbot, make_window, project):
    import re

    window = make_window(project)
    ws = window.workspace
    dialog = _compare_without_p1(qtbot, window, "Copy")
    dialog.set_pair("Baseline", "Copy")
    assert dialog.summary.text().startswith(
        "B costs the same a year as A (annual property cost); the same optimiser score; "
        "0 needs moved")
    dialog.set_pair("Without P1", "Baseline")  # B is the cheaper one: no "-£" with "less"
    a, b = ws.result("Without P1").terms, ws.result("Baseline").terms
    cheaper = (a["desk_cost"] + a["fit_out"]) - (b["desk_cost"] + b["fit_out"])
    score = ws.result("Baseline").objective - ws.result("Without P1").objective
    text = dialog.summary.text()
    if round(cheaper) != 0:
        word = "less" if cheaper > 0 else "more"
        assert text.startswith(f"B costs £{abs(cheaper):,.0f} a year {word} than A")
    assert f"optimiser score -{abs(score):,.0f} points (not money)" in text
    changes = [dialog.moves.item(r, 5).text() for r in range(dialog.moves.rowCount())]
    # a need's score change is in points: never a £ figure
    assert changes and all(re.fullmatch(r"[+-][\d,]+|0", c) for c in changes), changes
    # no column is clipped: the dialog is as wide as its columns
    table = dialog.moves
    assert sum(table.columnWidth(c) for c in range(table.columnCount())) <= \
        table.viewport().width() + 2


def test_compare_asks_to_solve_first(make_window, project):
    window = make_window(project)
    window.workspace.create_scenario("Other")
    window.compare_scenarios()
    assert "Solve" in window.compare_dialog.summary.text()


def test_settings_dialog_makes_one_undoable_edit(monkeypatch, make_window, project):
    from estates_planner.ui import settings_dialog

    window = make_window(project)

    def accept(dialog):
        dialog.spins["travel_weight"].setValue(3.25)
        dialog.checks["same_region"].setChecked(False)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", accept)
    window.act_settings.trigger()
    s = window.workspace.current.settings
    assert s.travel_weight == 3.25 and not s.same_region
    assert window.workspace.history_labels == ["Change settings of Baseline"]
    window.act_undo.trigger()
    assert window.workspace.current.settings.same_region


def test_unchanged_settings_dialog_adds_no_edit(monkeypatch, make_window, project):
    from estates_planner.ui import settings_dialog

    window = make_window(project)
    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec",
                        lambda d: QDialog.DialogCode.Accepted)
    window.act_settings.trigger()
    assert not window.workspace.can_undo


def test_scenario_buttons_create_rename_delete(monkeypatch, make_window, project, no_dialogs):
    from PySide6.QtWidgets import QMessageBox

    window = make_window(project)
    panel = window.scenarios_panel
    names = iter(["Plan B", "Plan C"])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (next(names), True))
    panel.buttons["new"].click()
    assert window.workspace.scenario_names == ["Baseline", "Plan B"]
    assert panel.list.currentItem().text().startswith("Plan B")
    panel.buttons["rename"].click()
    assert window.workspace.current_name == "Plan C"
    no_dialogs.answers["Delete scenario"] = QMessageBox.StandardButton.Yes
    panel.buttons["delete"].click()
    assert window.workspace.scenario_names == ["Baseline"]
    assert not panel.buttons["delete"].isEnabled()


def test_duplicate_name_is_refused_with_a_message(monkeypatch, make_window, project,
                                                 no_dialogs):
    window = make_window(project)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Baseline", True))
    window.scenarios_panel.buttons["duplicate"].click()
    assert no_dialogs.seen[-1] == ("Duplicate scenario",
                                   "there is already a scenario called 'Baseline'")


@pytest.mark.parametrize("action", ["act_zoom_all", "act_zoom_selection", "act_pin",
                                    "act_unpin", "act_close_site"])
def test_actions_without_selection_only_say_so(make_window, project, action):
    window = make_window(project)
    getattr(window, action).trigger()
    assert not window.workspace.can_undo


def test_provider_view_lists_unplaced_needs_first_and_names_lots_once(qtbot, make_window,
                                                                        project):
    from estates_planner.model import Lot
    from estates_planner.ui.provider_view import partners_text

    assert partners_text([("North East Works (ETE)", Lot.ETE), ("Bloom", Lot.WELLBEING),
                          ("Bloom", Lot.WELLBEING)]) == (
        "Bloom (Personal wellbeing) ×2, North East Works (ETE)")
    window = make_window(project)
    window.workspace.set_site_closed("W1")  # Hope's women's need has nowhere to go
    solve(qtbot, window)
    view = window.provider_view
    view.set_provider("Acme")
    assert view.need_order() == ["N-ETE-1", "S-ETE-1"]
    window.workspace.set_site_closed("A2")
    window.workspace.set_site_closed("M2")
    solve(qtbot, window)
    view.set_provider("Acme")
    assert view.need_order() == ["S-ETE-1", "N-ETE-1"]  # S-ETE-1 is unplaced now
