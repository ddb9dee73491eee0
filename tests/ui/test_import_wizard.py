"""The import wizard: column mapping, the validation report, errors block and warnings don't."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWizard

from estates_planner.ui.import_wizard import ImportWizard, auto_match, guess_kind

HEADER = "site_id,name,region,pdu,kind,women_only,desks,interview_rooms," \
         "annual_cost_per_desk,easting,northing\n"
GOOD_ROW = "X1,Hill House,North,North PDU,market,no,8,2,1200,401000,501000\n"


def run_to_report(qtbot, wizard):
    qtbot.addWidget(wizard)
    wizard.show()
    for _ in range(3):
        wizard.next()
    assert wizard.currentId() == ImportWizard.REPORT
    return wizard.report_page


def test_broken_file_lists_every_error_and_blocks_finish(qtbot, tmp_path, dataset):
    path = tmp_path / "sites.csv"
    path.write_text(HEADER + "X1,Hill House,North,North PDU,market,no,twelve,2,1200,401000,"
                    "501000\nX2,Low House,North,North PDU,castle,no,3,1,900,402000,502000\n",
                    encoding="utf-8")
    wizard = ImportWizard(dataset, str(path), "sites")
    page = run_to_report(qtbot, wizard)
    rows = [page.model.cells(r) for r in range(page.model.rowCount())]
    by_column = {r[3]: r for r in rows if r[0] == "error"}
    assert by_column["desks"][2] == "2" and by_column["desks"][4] == "twelve"
    assert by_column["kind"][2] == "3" and by_column["kind"][4] == "castle"
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert "2 errors" in page.summary.text()
    page.copy()
    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied[0].split("\t") == ["Severity", "File", "Row", "Column", "Value", "Problem"]
    assert len(copied) == 1 + len(rows)


def test_report_sorts_rows_as_numbers(qtbot, tmp_path, dataset):
    path = tmp_path / "sites.csv"
    bad = [f"S{i},N,North,P,castle,no,1,1,1,401000,501000\n" for i in range(11)]
    path.write_text(HEADER + "".join(bad), encoding="utf-8")
    wizard = ImportWizard(dataset, str(path), "sites")
    page = run_to_report(qtbot, wizard)
    page.view.sortByColumn(2, page.view.horizontalHeader().sortIndicatorOrder().__class__
                           .AscendingOrder)
    shown = [page.proxy.data(page.proxy.index(r, 2)) for r in range(page.proxy.rowCount())]
    numbers = [int(s) for s in shown if s]
    assert numbers == sorted(numbers) and numbers[-1] == 12  # rows 2..12, not "10" < "2"


def test_columns_with_other_names_are_mapped(qtbot, tmp_path, dataset):
    path = tmp_path / "offices.csv"
    path.write_text(HEADER.replace("site_id", "Office Ref").replace("desks,", "Desk count,")
                    + GOOD_ROW, encoding="utf-8")
    wizard = ImportWizard(dataset, str(path), "sites")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    mapping = wizard.mapping_page
    assert mapping.combos["name"].currentText() == "name"  # same name: matched already
    assert mapping.combos["site_id"].currentText() == "(not in the file)"
    mapping.combos["site_id"].setCurrentText("Office Ref")
    mapping.combos["desks"].setCurrentText("Desk count")
    assert mapping.column_map() == {"Office Ref": "site_id", "Desk count": "desks"}
    wizard.next()
    page = wizard.report_page
    assert page.isComplete(), page.model.as_text()
    assert [s.site_id for s in wizard.outcome.data] == ["X1"]
    assert wizard.outcome.data[0].desks == 8


def test_finished_import_replaces_sites_in_one_undoable_step(qtbot, tmp_path, make_window,
                                                            project, monkeypatch):
    path = tmp_path / "sites.csv"
    path.write_text(HEADER + GOOD_ROW, encoding="utf-8")
    window = make_window(project)

    def finish(wizard):
        wizard.show()
        for _ in range(3):
            wizard.next()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportWizard, "exec", finish)
    assert window.import_data(path)
    ws = window.workspace
    assert [s.site_id for s in ws.dataset.sites] == ["X1"]
    assert ws.current.dataset is ws.dataset and ws.undo_label == "Import sites from sites.csv"
    assert window.table_panel.filters["site_id"].findData("X1") >= 0
    window.act_undo.trigger()
    assert len(ws.dataset.sites) == 5


def test_boundaries_skip_the_mapping_and_become_a_layer(qtbot, make_window, project,
                                                        sample_dir, monkeypatch):
    window = make_window(project)

    def finish(wizard):
        assert wizard.file_page.nextId() == ImportWizard.REPORT
        wizard.show()
        wizard.file_page.layer_name.setText("regions")
        for _ in range(3):
            wizard.next()
        assert wizard.report_page.isComplete(), wizard.report_page.model.as_text()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportWizard, "exec", finish)
    assert window.import_data(sample_dir / "boundaries.gpkg")
    assert "regions" in window.workspace.project.layers
    assert "Boundaries: regions" in [n for n, _ in window.layers_panel.layers()]


def test_auto_match_ignores_case_and_separators():
    assert auto_match("interview_rooms", ["Site ID", "Interview Rooms"]) == "Interview Rooms"
    assert auto_match("site_id", ["Site-ID"]) == "Site-ID"
    assert auto_match("desks", ["rooms"]) is None


def test_guess_kind_from_file_name(tmp_path):
    assert guess_kind(tmp_path / "needs_2025.xlsx") == "needs"
    assert guess_kind(tmp_path / "pdu_demand.csv") == "demand"
    assert guess_kind(tmp_path / "lad.geojson") == "boundaries"
    assert guess_kind(tmp_path / "offices.csv") == "sites"


def test_the_row_limit_setting_applies_to_the_wizard(tmp_path, monkeypatch):
    """Issue 18: the setting input/max_rows is the app's way to raise (or lower) the limit."""
    import PySide6.QtCore

    from estates_planner.ui.import_wizard import read_file

    class SettingsStub:
        def value(self, key, default=None):
            return "2" if key == "input/max_rows" else default

    monkeypatch.setattr(PySide6.QtCore, "QSettings", SettingsStub)
    path = tmp_path / "sites.csv"
    path.write_text("site_id,name\n" + "".join(f"S{i},Site {i}\n" for i in range(3)))
    _data, report = read_file("sites", path, {})
    assert any("more than 2 rows" in str(p) and "input/max_rows" in str(p)
               for p in report.errors), report.format()
