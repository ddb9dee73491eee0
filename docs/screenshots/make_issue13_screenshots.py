"""Screenshots for issue 13: key figures, the unplaced panel on a national case with women's
needs no women-only site can take, the site editor. Run from the repository root:

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_issue13_screenshots.py
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = Path(__file__).resolve().parent


def national_project():
    """488 sites, 764 needs; the women-only sites of two regions made ordinary, so their
    women's needs cannot be placed (R3)."""
    from estates_planner.optimise.synthetic import generate_national_instance
    from estates_planner.project import new_project

    sc = generate_national_instance(488, 764, seed=3)
    ds = sc.dataset
    regions = sorted({s.region for s in ds.sites})[:2]
    sites = tuple(dataclasses.replace(s, women_only=False) if s.region in regions else s
                  for s in ds.sites)
    ds = dataclasses.replace(ds, sites=sites)
    project = new_project(ds, title="National case")
    project.scenarios = [project.scenarios[0].replace(settings=sc.settings.replace(
        time_limit_s=20.0))]
    return project


def settle(app, n=30):
    for _ in range(n):
        app.processEvents()


def main() -> None:
    app = QApplication.instance() or QApplication([])
    from estates_planner.ui.app import configure_application
    from estates_planner.ui.main_window import MainWindow
    from estates_planner.usecases import solve_in_project

    configure_application(app)
    project = national_project()
    name = project.scenarios[0].name
    project.results[name] = solve_in_project(project, name, time_limit_s=20).result
    settings = QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat)
    window = MainWindow(project, settings)
    window.resize(1400, 900)
    window.show()
    settle(app)
    window._default_dock_sizes()
    settle(app)
    window.kpi_dock.grab().save(str(OUT / "key_figures.png"))
    window.unplaced_dock.raise_()
    settle(app)
    window.unplaced_panel.refresh()
    settle(app)
    window.unplaced_dock.grab().save(str(OUT / "unplaced_panel.png"))
    window.grab().save(str(OUT / "main_window_national.png"))
    try:
        from estates_planner.ui.site_editor import SiteEditor
    except ImportError:
        return
    site = project.dataset.sites[0]
    editor = SiteEditor(window.workspace, site.site_id, window)
    editor.show()
    settle(app)
    editor.grab().save(str(OUT / "site_editor.png"))


if __name__ == "__main__":
    main()
