"""Save screenshots of the app's main views to ``docs/screenshots/`` (runs headless).

    python scripts/screenshots.py [--out docs/screenshots] [--time-limit 5]

Opens the bundled sample project, solves it with the real optimiser, and grabs the main
window (map, docks, table, KPIs), the provider view, the comparison of two scenarios, the
import wizard's validation report on a broken file, and the settings dialog.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

SIZE = (1600, 1000)


def wait(app: QApplication, ms: int) -> None:
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(f"wrote {path}")


def solve(app: QApplication, window, limit: float) -> None:
    window.workspace.set_settings("Time limit", time_limit_s=limit)
    window.act_solve.trigger()
    while window.solve_thread is not None:
        wait(app, 100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--time-limit", type=float, default=5.0)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from estates_planner.ui.app import SAMPLE_PROJECT, configure_application
    from estates_planner.ui.compare_dialog import CompareDialog
    from estates_planner.ui.import_wizard import ImportWizard
    from estates_planner.ui.main_window import MainWindow
    from estates_planner.ui.settings_dialog import SettingsDialog

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    try:  # headless machines have few fonts: use the bundled Noto Sans for the pictures
        from estates_planner.render.fonts import register_app_fonts

        font = app.font()
        font.setFamily(register_app_fonts())
        font.setPointSizeF(9.5)
        app.setFont(font)
    except Exception:  # noqa: BLE001 - the system font will do
        pass
    QMessageBox.warning = lambda *a, **k: print("message:", a[1:3])  # type: ignore[method-assign]
    tmp = Path(tempfile.mkdtemp())
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    from estates_planner.project import open_project

    window = MainWindow(open_project(SAMPLE_PROJECT), settings)
    window.resize(*SIZE)
    window.show()
    wait(app, 300)
    solve(app, window, args.time_limit)
    ws = window.workspace
    result = ws.result()
    busiest = max(result.site_usage.values(), key=lambda u: len(u.need_ids))
    window.state.set_selection([busiest.site_id], [])
    window.map.zoom_to_all()
    wait(app, 400)
    save(window, args.out / "main-window.png")
    wait(app, 100)
    save(window.inspector_dock, args.out / "inspector-site.png")

    # a need, explained, with the provider view's ranked options
    need_id = busiest.need_ids[0]
    window.state.set_selection([], [need_id])
    wait(app, 200)
    save(window.inspector_dock, args.out / "inspector-need.png")
    window.provider_dock.raise_()
    window.provider_view.set_provider(ws.dataset.need(need_id).provider)
    wait(app, 300)
    window.provider_view.tree.expandAll()
    save(window, args.out / "provider-view.png")

    # a second scenario with the busiest site closed, compared with the first
    first = ws.current_name
    ws.duplicate_scenario(first, f"Without {busiest.site_id}")
    ws.set_site_closed(busiest.site_id)
    solve(app, window, args.time_limit)
    dialog = CompareDialog(window.state, window)
    dialog.highlightRequested.connect(window.map.highlight)
    dialog.set_pair(first, ws.current_name)
    dialog.resize(900, 760)
    dialog.show()
    wait(app, 300)
    save(dialog, args.out / "compare.png")
    dialog.close()

    # the import wizard on a broken sites file
    broken = tmp / "sites.csv"
    broken.write_text(
        "site_id,name,region,pdu,kind,desks,interview_rooms,annual_cost_per_desk,lon,lat\n"
        "B1,Old Court,North East,Newcastle,authority,twelve,2,2500,-1.6,54.97\n"
        "B2,Mill House,North East,Newcastle,castle,4,1,1900,-1.61,54.98\n"
        "B1,Quay Rooms,North East,Newcastle,market,6,,2100,-1.62,91\n", encoding="utf-8")
    wizard = ImportWizard(ws.dataset, str(broken), "sites", parent=window)
    wizard.resize(980, 620)
    wizard.show()
    wizard.next()
    wait(app, 200)
    save(wizard, args.out / "import-mapping.png")
    wizard.next()
    wait(app, 200)
    save(wizard, args.out / "import-report.png")
    wizard.close()

    settings_dialog = SettingsDialog(ws.current.settings, ws.current_name, window)
    settings_dialog.show()
    wait(app, 200)
    save(settings_dialog, args.out / "settings.png")
    settings_dialog.close()
    ws._set_modified(False)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
