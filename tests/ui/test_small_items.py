"""Small items of issue 13: a closed site reads "Closed", needs at a site name their
providers, the Site filter lists names, plurals, the export dialog's menu path."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar


def solve_and_wait(qtbot, window, timeout=20_000):
    with qtbot.waitSignal(window.state.resultChanged, timeout=timeout):
        window.act_solve.trigger()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=timeout)


def _texts(widget):
    return [label.text() for label in widget.findChildren(QLabel)]


def test_inspector_names_providers_and_says_closed(qtbot, make_window, project):
    window = make_window(project)
    solve_and_wait(qtbot, window)
    window.state.set_selection(["A1"], [])
    texts = _texts(window.inspector)
    here = next(t for t in texts if t.startswith("Needs here: "))
    assert "N-ETE-1 (Acme)" in here and "N-ACC-1 (Roof)" in here
    window.workspace.set_site_closed("A1")
    window.state.set_selection(["A1"], [])
    texts = _texts(window.inspector)
    assert any(t.startswith("Closed in this scenario") for t in texts)
    assert not window.inspector.findChildren(QProgressBar)  # no "0 of 50" for a closed site


def test_site_filter_lists_names_and_filters_by_id(make_window, project):
    window = make_window(project)
    combo = window.table_panel.filters["site_id"]
    assert combo.itemText(combo.findData("W1")) == "W1 · Rose House"
    window.table_panel.set_filter("site_id", "W1")
    assert window.table_panel.proxy.rowCount() == 0  # not solved: no need is at W1 yet
    window.table_panel.set_filter("site_id", "All")
    assert window.table_panel.proxy.rowCount() == 6


def test_plurals_and_the_solve_menu_path():
    from pathlib import Path

    from estates_planner.report.content import plural

    assert (plural(1, "interview room"), plural(2, "interview room"), plural(0, "desk")) == (
        "1 interview room", "2 interview rooms", "0 desks")
    source = (Path(__file__).resolve().parents[2] / "estates_planner" / "ui"
              / "export_dialog.py").read_text(encoding="utf-8")
    assert "Plan → Solve" not in source and "Scenario → Solve" in source
