"""The site and need editors (issue 13): the import's message for a bad value with the dialog
left open, a site added by longitude and latitude, every edit undoable."""

from __future__ import annotations

from estates_planner.model import SiteKind


def test_site_editor_adds_a_site_by_lon_lat_and_refuses_a_bad_value(make_window, project):
    from estates_planner.ui.site_editor import LONLAT, SiteEditor

    window = make_window(project)
    ws = window.workspace
    editor = SiteEditor(ws, None, window)
    values = {"site_id": "N9", "name": "Leeds Hub", "region": "North", "pdu": "North PDU",
              "desks": "twelve", "interview_rooms": "2", "annual_cost_per_desk": "1500"}
    for name, text in values.items():
        editor.edits[name].setText(text)
    editor.kind.setCurrentIndex(list(SiteKind).index(SiteKind.MARKET))
    editor.coords.setCurrentText(LONLAT)
    editor.x.setText("-1.5491")
    editor.y.setText("53.8008")
    editor.buttons.button(editor.buttons.StandardButton.Ok).click()
    assert editor.error.text().endswith(
        "Site N9, column 'desks': expected a whole number ≥ 0, got 'twelve'")
    assert not ws.dataset.has_site("N9")
    editor.edits["desks"].setText("12")
    editor.buttons.button(editor.buttons.StandardButton.Ok).click()
    site = ws.dataset.site("N9")
    assert (site.name, site.kind, site.desks) == ("Leeds Hub", SiteKind.MARKET, 12)
    assert abs(site.easting - 429_900) < 300 and abs(site.northing - 433_900) < 300
    assert ws.undo_label == "Add site Leeds Hub"
    ws.undo()
    assert not ws.dataset.has_site("N9")


def test_site_editor_changes_only_what_was_edited(make_window, project):
    from estates_planner.ui.site_editor import SiteEditor

    window = make_window(project)
    ws = window.workspace
    before = ws.dataset.site("M2")
    editor = SiteEditor(ws, "M2", window)
    assert editor.edits["site_id"].isReadOnly()
    editor.women_only.setChecked(True)
    editor.edits["fit_out_cost"].setText("12000")
    editor.buttons.button(editor.buttons.StandardButton.Ok).click()
    after = ws.dataset.site("M2")
    assert (after.women_only, after.fit_out_cost) == (True, 12000.0)
    assert (after.easting, after.northing, after.name, after.desks) == (
        before.easting, before.northing, before.name, before.desks)
    ws.undo()
    assert ws.dataset.site("M2") == before


def test_need_editor_edits_the_travel_limit_and_days(make_window, project):
    from estates_planner.ui.site_editor import NeedEditor

    window = make_window(project)
    ws = window.workspace
    editor = NeedEditor(ws, "N-ETE-1", window)
    editor.edits["max_travel_km"].setText("35")
    editor.edits["days_per_week"].setText("9")
    editor.buttons.button(editor.buttons.StandardButton.Ok).click()
    assert "column 'days_per_week': expected a whole number from 1 to 5, got '9'" in \
        editor.error.text()
    editor.edits["days_per_week"].setText("3")
    editor.buttons.button(editor.buttons.StandardButton.Ok).click()
    need = ws.dataset.need("N-ETE-1")
    assert (need.max_travel_km, need.days_per_week) == (35.0, 3)
    ws.undo()
    assert ws.dataset.need("N-ETE-1").max_travel_km is None
    ws.redo()
    editor = NeedEditor(ws, "N-ETE-1", window)
    editor.edits["max_travel_km"].setText("")  # no limit again
    editor.buttons.button(editor.buttons.StandardButton.Ok).click()
    assert ws.dataset.need("N-ETE-1").max_travel_km is None
