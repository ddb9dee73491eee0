"""The export dialog: its choices become PdfOptions, it writes each format, errors are shown."""

from __future__ import annotations

import csv
from pathlib import Path

import plan_builders as pb  # the shared hand-made plan (tests/ is on the path)
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from estates_planner.errors import ExportError
from estates_planner.ui.export_dialog import ExportDialog, export_plan


@pytest.fixture
def warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a, **k: shown.append((title, text)))
    return shown


@pytest.fixture
def make_dialog(qtbot):
    def make(project=None, scenario="Baseline"):
        dialog = ExportDialog(project or pb.project(), scenario)
        qtbot.addWidget(dialog)
        return dialog
    return make


def _set_format(dialog, key):
    dialog.format_box.setCurrentIndex(dialog.format_box.findData(key))


def test_defaults_to_pdf_of_everything(make_dialog):
    dialog = make_dialog()
    assert dialog.fmt() == "pdf"
    assert dialog.output_path().name == "Test project - Baseline.pdf"
    options = dialog.pdf_options()
    assert (options.paper, options.landscape, options.regions, options.site_ids) == \
        ("A4", False, (), ())
    # the plan uses four sites in the two regions
    assert sorted(dialog.chosen_site_ids()) == ["S1", "S2", "S3", "S4"]


def test_regions_sites_paper_and_orientation_become_options(make_dialog):
    dialog = make_dialog()
    dialog.paper_box.setCurrentText("A3")
    dialog.orientation_box.setCurrentText("Landscape")
    gm = dialog.region_list.findItems(pb.GM, Qt.MatchFlag.MatchExactly)[0]
    gm.setCheckState(Qt.CheckState.Unchecked)
    assert sorted(dialog.chosen_site_ids()) == ["S1", "S2", "S3"]  # Manchester is gone
    options = dialog.pdf_options()
    assert (options.paper, options.landscape, options.regions, options.site_ids) == \
        ("A3", True, (pb.YORKS,), ())
    dialog.site_list.item(0).setCheckState(Qt.CheckState.Unchecked)  # Hope House
    assert dialog.pdf_options().site_ids == ("S1", "S3")


def test_exports_pdf_and_closes(make_dialog, tmp_path, warnings, qapp):
    dialog = make_dialog()
    dialog.path_edit.setText(str(tmp_path / "plan"))
    assert dialog.run_export() is True
    assert warnings == []
    assert dialog.result() == QDialog.DialogCode.Accepted
    out = tmp_path / "plan.pdf"
    assert out.read_bytes().startswith(b"%PDF")
    assert "pages" in dialog.last_message and str(out) in dialog.last_message


def test_format_change_changes_suffix_and_csv_is_escaped(make_dialog, tmp_path, warnings):
    dialog = make_dialog(pb.project(provider_n3='=HYPERLINK("x")'))
    dialog.path_edit.setText(str(tmp_path / "plan.pdf"))
    _set_format(dialog, "csv")
    assert dialog.path_edit.text() == str(tmp_path / "plan.csv")
    assert not dialog.paper_box.isEnabled()
    assert dialog.run_export() is True
    with open(tmp_path / "plan.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[2]["provider"] == "'=HYPERLINK(\"x\")"


def test_weekly_rota_export(make_dialog, tmp_path, warnings):
    """The rota (issue 17) is a CSV of its own: its default name differs from the
    allocation table's, and it holds a row per need and weekday of the plan's rota."""
    from estates_planner.optimise import evaluate_plan

    project = pb.project()
    sc = project.scenarios[0]
    project.results[sc.name] = evaluate_plan(sc, {n: s for n, s in pb.PLAN.items() if s})
    dialog = make_dialog(project)
    _set_format(dialog, "csv")
    _set_format(dialog, "rota")
    assert dialog.output_path().name == "Test project - Baseline - rota.csv"
    _set_format(dialog, "csv")
    assert dialog.output_path().name == "Test project - Baseline.csv"
    _set_format(dialog, "rota")
    dialog.path_edit.setText(str(tmp_path / "week.csv"))
    assert dialog.run_export() is True, warnings
    assert dialog.last_message == f"Wrote weekly rota to {tmp_path / 'week.csv'}"
    with open(tmp_path / "week.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # N1 is fixed on Mon, Wed, Fri at Leeds (S1)
    assert [r["weekday"] for r in rows if r["need_id"] == "N1"] == ["Mon", "Wed", "Fri"]
    assert {r["site_id"] for r in rows} == {"S1", "S2", "S3", "S4"}


def test_xlsx_and_gpkg(make_dialog, tmp_path, warnings):
    for key in ("xlsx", "gpkg"):
        dialog = make_dialog()
        _set_format(dialog, key)
        dialog.path_edit.setText(str(tmp_path / f"plan.{key}"))
        assert dialog.run_export() is True, warnings
        assert (tmp_path / f"plan.{key}").stat().st_size > 0


def test_errors_are_shown_not_raised(make_dialog, tmp_path, warnings):
    dialog = make_dialog()
    _set_format(dialog, "csv")
    dialog.path_edit.setText(str(tmp_path / "missing" / "plan.csv"))
    assert dialog.run_export() is False
    assert warnings and warnings[0][0] == "Export failed"
    assert "does not exist" in warnings[0][1]
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_no_plan_disables_export(make_dialog, tmp_path, warnings):
    project = pb.project()
    project.results.clear()
    dialog = make_dialog(project)
    assert not dialog.export_button.isEnabled()
    assert dialog.site_list.count() == 0
    with pytest.raises(ExportError, match="has no plan yet"):
        export_plan(project, "Baseline", "csv", tmp_path / "a.csv")
    with pytest.raises(ExportError, match="unknown export format 'doc'"):
        export_plan(pb.project(), "Baseline", "doc", tmp_path / "a.doc")


def test_no_region_ticked_is_refused(make_dialog, tmp_path, warnings):
    dialog = make_dialog()
    dialog.path_edit.setText(str(tmp_path / "plan.pdf"))
    dialog._check_all_regions(False)
    assert dialog.run_export() is False
    assert warnings == [("Export", "Tick at least one region to include.")]
    assert not (tmp_path / "plan.pdf").exists()


def test_no_site_ticked_is_refused(make_dialog, tmp_path, warnings):
    dialog = make_dialog()
    dialog.path_edit.setText(str(tmp_path / "plan.pdf"))
    dialog._check_all_sites(False)
    assert dialog.chosen_site_ids() == []
    assert dialog.run_export() is False
    assert warnings == [("Export", "Tick at least one site to include.")]
    dialog._check_all_sites(True)
    assert dialog.pdf_options().site_ids == ()


def test_default_file_of_the_bundled_sample_is_in_the_documents_folder(
        qtbot, tmp_path, monkeypatch):
    """Not in the app's own data folder, where the sample project lives."""
    from dataclasses import replace

    from estates_planner.ui import common

    documents = tmp_path / "Documents"
    monkeypatch.setattr(common, "documents_dir", lambda: documents)
    sample = replace(pb.project(), path=common.SAMPLE_PROJECT)
    dialog = ExportDialog(sample, "Baseline")
    qtbot.addWidget(dialog)
    assert Path(dialog.path_edit.text()).parent == documents
    mine = replace(pb.project(), path=tmp_path / "work" / "mine.gpkg")
    dialog = ExportDialog(mine, "Baseline")
    qtbot.addWidget(dialog)
    assert Path(dialog.path_edit.text()).parent == tmp_path / "work"


def test_layout_and_provider_become_options(make_dialog, tmp_path, warnings, qapp):
    """The layout box and the provider box (enabled for the provider pack only) fill
    PdfOptions; the pack is written with the chosen provider's needs."""
    import subprocess

    dialog = make_dialog()
    assert dialog.pdf_options().layout == "full" and not dialog.provider_box.isEnabled()
    dialog.layout_box.setCurrentIndex(dialog.layout_box.findData("provider"))
    assert dialog.provider_box.isEnabled()
    dialog.provider_box.setCurrentText("Bright Futures")
    options = dialog.pdf_options()
    assert (options.layout, options.provider) == ("provider", "Bright Futures")
    dialog.path_edit.setText(str(tmp_path / "pack.pdf"))
    assert dialog.run_export() is True and warnings == []
    text = subprocess.run(["pdftotext", str(tmp_path / "pack.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Provider pack: Bright Futures" in text and "N1" in text and "N5" in text


def test_region_pack_needs_one_region(make_dialog, tmp_path, warnings):
    dialog = make_dialog()
    dialog.layout_box.setCurrentIndex(dialog.layout_box.findData("region"))
    dialog.path_edit.setText(str(tmp_path / "region.pdf"))
    assert dialog.run_export() is False  # both regions are ticked
    assert warnings and "needs one region" in warnings[0][1]
    warnings.clear()
    gm = dialog.region_list.findItems(pb.GM, Qt.MatchFlag.MatchExactly)[0]
    gm.setCheckState(Qt.CheckState.Unchecked)
    assert dialog.pdf_options().regions == (pb.YORKS,)
    assert dialog.run_export() is True and warnings == []
