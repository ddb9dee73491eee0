"""A need's fixed weekdays edited in the need editor (issue 17): checked with the reader's
rule and words, undoable and redoable from the window's actions, kept in the need's ``days``
column, and shown by the provider view once the plan is solved again."""

from __future__ import annotations


def solve_and_wait(qtbot, window) -> None:  # noqa: ANN001
    """Solve from the window's action, as a user does, and wait for the plan."""
    with qtbot.waitSignal(window.state.resultChanged, timeout=20_000):
        window.act_solve.trigger()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=20_000)


def _edit(window, need_id: str, **texts: str):  # noqa: ANN001, ANN202
    """Open the need editor, type ``texts`` into its fields and press OK; the editor."""
    from estates_planner.ui.site_editor import NeedEditor

    editor = NeedEditor(window.workspace, need_id, window)
    for name, text in texts.items():
        editor.edits[name].setText(text)
    editor.buttons.button(editor.buttons.StandardButton.Ok).click()
    return editor


def test_fixed_days_edit_is_checked_undone_and_redone(qtbot, make_window, project) -> None:  # noqa: ANN001
    window = make_window(project)
    ws = window.workspace
    before = ws.dataset.need("N-ETE-1")
    assert (before.days_per_week, before.fixed_days) == (5, ())

    editor = _edit(window, "N-ETE-1", days="Mon,Wed")  # 2 days for a need on 5
    assert editor.error.text().endswith(
        "Need N-ETE-1, column 'days': 2 fixed weekdays for a need on site 5 days a week "
        "(column 'days_per_week'): expected 5 weekdays, or an empty cell to let the optimiser "
        "choose, got 'Mon,Wed'")
    assert editor.result() != editor.DialogCode.Accepted  # the dialog stays open
    assert ws.dataset.need("N-ETE-1") == before
    editor = _edit(window, "N-ETE-1", days_per_week="2", days="Mon,Sat")
    assert "column 'days': 'sat' is not a weekday Monday to Friday (sites are planned " \
           "Monday to Friday)" in editor.error.text()
    assert ws.dataset.need("N-ETE-1") == before

    editor = _edit(window, "N-ETE-1", days_per_week="2", days="wed; mon")
    assert editor.error.text() == ""
    need = ws.dataset.need("N-ETE-1")
    assert (need.days_per_week, need.fixed_days) == (2, (0, 2))
    assert need.extra["days"] == "Mon,Wed"  # where the project file keeps them
    assert ws.undo_label == "Edit N-ETE-1 (days per week, fixed days)"
    assert window.isWindowModified()
    window.act_undo.trigger()
    assert ws.dataset.need("N-ETE-1") == before
    assert "days" not in ws.dataset.need("N-ETE-1").extra
    window.act_redo.trigger()
    assert ws.dataset.need("N-ETE-1").fixed_days == (0, 2)

    # the editor starts from the fixed days; emptied, the optimiser chooses again
    editor = _edit(window, "N-ETE-1")
    assert editor.edits["days"].text() == "Mon,Wed"
    _edit(window, "N-ETE-1", days="")
    need = ws.dataset.need("N-ETE-1")
    assert (need.days_per_week, need.fixed_days, need.extra["days"]) == (2, (), "")
    window.act_undo.trigger()
    assert ws.dataset.need("N-ETE-1").fixed_days == (0, 2)


def test_days_kept_when_other_fields_of_the_need_change(make_window, project) -> None:  # noqa: ANN001
    window = make_window(project)
    ws = window.workspace
    _edit(window, "N-ETE-1", days_per_week="2", days="Tue,Thu")
    _edit(window, "N-ETE-1", desks="3")
    need = ws.dataset.need("N-ETE-1")
    assert (need.desks, need.fixed_days, need.extra["days"]) == (3, (1, 3), "Tue,Thu")
    assert ws.undo_label == "Edit N-ETE-1 (desks)"


def test_provider_view_shows_the_days_after_a_solve_and_after_an_edit(
        qtbot, make_window, project) -> None:  # noqa: ANN001
    window = make_window(project)
    view = window.provider_view
    solve_and_wait(qtbot, window)
    view.set_provider("Acme")

    def need_line(need_id: str) -> str:
        return next(view.tree.topLevelItem(i).text(0)
                    for i in range(view.tree.topLevelItemCount())
                    if view.tree.topLevelItem(i).text(0).startswith(need_id))
    # 5 days a week: every weekday, chosen by the optimiser (not fixed)
    assert need_line("N-ETE-1").endswith(" on Mon, Tue, Wed, Thu, Fri")
    _edit(window, "N-ETE-1", days_per_week="2", days="Tue,Thu")
    # the plan no longer fits the data: the view asks for a solve instead of old days
    assert "Solve the scenario" in view.message.text()
    assert view.tree.topLevelItemCount() == 0
    solve_and_wait(qtbot, window)
    assert need_line("N-ETE-1").endswith(" on Tue, Thu (fixed)")
    assert window.workspace.result().allocation("N-ETE-1").weekdays == (1, 3)


def test_inspector_week_follows_the_edited_days(qtbot, make_window, project) -> None:  # noqa: ANN001
    """The inspector's grid of the site of N-ETE-1 (Acme, 2 desks) after its days are fixed
    on Tue and Thu and the plan solved again: Acme is in on those days only."""
    from estates_planner.ui.week_grid import WeekGrid

    window = make_window(project)
    _edit(window, "N-ETE-1", days_per_week="2", days="Tue,Thu")
    solve_and_wait(qtbot, window)
    site_id = window.workspace.result().allocation("N-ETE-1").site_id
    window.state.set_selection([site_id], [])
    qtbot.waitUntil(lambda: window.inspector.findChild(WeekGrid) is not None)
    grid = window.inspector.findChild(WeekGrid)
    acme_days = [grid.horizontalHeaderItem(c).text() for c in range(5)
                 if "Acme" in grid.cell_text(2, c)]
    assert acme_days == ["Tue", "Thu"]
    used = [grid.cell_text(0, c) for c in range(5)]
    # desks each day recomputed from the plan's weekdays: every need at the site on its days
    ws = window.workspace
    result = ws.result()
    here = [n for n in ws.dataset.needs if result.allocation(n.need_id).site_id == site_id]
    desks = ws.dataset.site(site_id).desks
    assert used == [f"{sum(n.desks for n in here if d in result.allocation(n.need_id).weekdays)}"
                    f" of {desks}" for d in range(5)]


def test_inspector_shows_the_need_fixed_days_once(qtbot, make_window, project) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QGroupBox, QLabel

    window = make_window(project)
    _edit(window, "N-ETE-1", days_per_week="2", days="Tue,Thu")
    window.state.set_selection([], ["N-ETE-1"])

    def field(name: str) -> str | None:
        found = [w.text() for w in window.inspector.findChildren(QLabel)
                 if w.accessibleName() == name and w.isVisibleTo(window.inspector)]
        return found[0] if found else None
    qtbot.waitUntil(lambda: field("Fixed days") is not None)
    assert field("Fixed days") == "Tue,Thu"
    assert field("Days a week") == "2"
    # the days column is not listed again among the other columns
    assert field("days") is None
    assert "Other columns" not in [b.title() for b in window.inspector.findChildren(QGroupBox)
                                   if b.isVisibleTo(window.inspector)]
