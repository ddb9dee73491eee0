"""File ▸ New project from files (issue 13): the sample folder in one pass, each file's kind
guessed and confirmed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog

DATA = Path(__file__).resolve().parents[2] / "data"


def test_the_sample_folder_is_read_in_one_pass(monkeypatch, make_window, project):
    from estates_planner.ui import import_many

    window = make_window(project)
    seen = {}

    def confirm(dialog):
        seen.update({p.name: k for p, k in dialog.kinds().items()})
        dialog.set_kind("sample_network.gpkg", "skip")  # the user leaves the network out
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        return QDialog.DialogCode.Accepted if dialog.imported else QDialog.DialogCode.Rejected

    monkeypatch.setattr(import_many.ImportManyDialog, "exec", confirm)
    assert window.import_many([DATA])
    assert seen == {"boundaries.gpkg": "boundaries", "demand.csv": "demand",
                    "needs.csv": "needs", "ramp.csv": "ramp", "sample_network.gpkg": "network",
                    "sites.csv": "sites"}  # sample_project.gpkg is skipped
    ds = window.workspace.dataset
    with open(DATA / "sites.csv", encoding="utf-8-sig") as fh:
        assert len(ds.sites) == sum(1 for _ in fh) - 1
    assert ds.demand and window.workspace.project.layers
    assert window.workspace.project.network is None
    assert list(window.workspace.project.tables["ramp"]["year"][:4]) == ["1", "2", "3", "4"]


def test_two_needs_files_are_refused_with_a_message(make_window, project, tmp_path):
    from estates_planner.ui.import_many import ImportManyDialog

    window = make_window(project)
    dialog = ImportManyDialog([DATA / "sites.csv", DATA / "needs.csv", DATA / "demand.csv"],
                              window)
    dialog.set_kind("demand.csv", "needs")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.imported is None
    assert "exactly one needs file is needed (found: needs.csv, demand.csv)" in \
        dialog.message.text()
