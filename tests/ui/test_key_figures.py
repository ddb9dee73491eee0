"""The key-figures panel reads money, weights and the penalty apart (issue 13), with every
headline row visible at the default layout and links into the user guide."""

from __future__ import annotations

from figures_case import scenario

from estates_planner.optimise import evaluate_plan


def _window_with_hand_plan(make_window):
    from estates_planner.project import new_project

    window = make_window(new_project(scenario().dataset, title="Hand case"))
    ws = window.workspace
    ws.set_result(evaluate_plan(ws.current, {"E1": "S1", "W1": None}), ws.current)
    return window


def test_panel_shows_the_hand_worked_figures(make_window):
    window = _window_with_hand_plan(make_window)
    rows = dict(window.kpi_panel.rows())
    # worked out in tests/figures_case.py
    assert rows["Annual property cost"] == "£4,000"
    assert rows["Desk cost"] == "£2,000"
    assert rows["Fit-out (over 4 years)"] == "£2,000"
    assert rows["Service-user travel"] == "60 person-km"
    assert rows["Travel weight (2.00 points per person-km)"] == "120 points"
    assert rows["Needs not placed"] == "1 need"
    assert rows["Desks of needs not placed"] == "3 desks"
    assert rows["Separate locations"] == "5,000 points"
    assert rows["Unplaced penalty"] == "1,000,000 points"
    assert rows["Optimiser score"] == "1,009,120 points"
    assert [label for label, text in rows.items() if "£" in text] == [
        "Annual property cost", "Desk cost", "Fit-out (over 4 years)"]
    assert "not money" in window.kpi_panel.score_note.text()
    details = dict(window.kpi_panel.detail_rows())
    assert details["Sites used"] == "1"


def test_every_headline_row_shows_at_the_default_layout(qtbot, make_window):
    window = _window_with_hand_plan(make_window)
    window.resize(1400, 900)
    window._default_dock_sizes()
    qtbot.wait(50)
    panel = window.kpi_panel
    assert panel.table.rowCount() == 20  # 15 figures (with the same-day bonus) under 5 headings
    assert panel.rows_fit(), (panel.table.viewport().height(),
                              sum(panel.table.rowHeight(r)
                                  for r in range(panel.table.rowCount())))


def test_guide_links_open_the_user_guide_at_their_section(qtbot, make_window):
    from estates_planner.ui.guide import GuideDialog

    window = _window_with_hand_plan(make_window)
    window.kpi_panel.guide_links.linkActivated.emit("#weights")
    dialog = window.findChild(GuideDialog, "guideDialog")
    assert dialog is not None and dialog.isVisible()
    assert "Planning weights" in dialog.browser.toPlainText()
    scrolled = dialog.browser.verticalScrollBar().value()
    assert scrolled > 0  # moved down to the weights section
    window.act_guide.trigger()  # Help ▸ User guide: the same window, from the top
    assert window.findChildren(GuideDialog) == [dialog]
    assert dialog.browser.verticalScrollBar().value() == 0
