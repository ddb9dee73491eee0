"""Save the map's screenshots for issue #12 to ``docs/screenshots/`` (runs headless).

    python scripts/map_screenshots.py [--out docs/screenshots]

The bundled sample, planned greedily (fast and deterministic), in the main window: the
national view (``map-national.png``), a city view of Manchester with the legend folded
(``map-manchester.png``), and
the provider view with one provider's options highlighted (``map-provider-view.png``); each
with labels. The map alone is grabbed for the first two, the window for the third.
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

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SIZE = (1600, 1000)
MANCHESTER_BNG = (384_000.0, 398_500.0)  # Manchester city centre, BNG metres
CITY_SPAN_M = 14_000.0


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from estates_planner.optimise import greedy_plan
    from estates_planner.project import open_project
    from estates_planner.render.fonts import register_app_fonts
    from estates_planner.ui.app import SAMPLE_PROJECT, configure_application
    from estates_planner.ui.main_window import MainWindow
    from estates_planner.ui.provider_view import ID_ROLE

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    font = app.font()
    font.setFamily(register_app_fonts())
    font.setPointSizeF(9.5)
    app.setFont(font)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"),
                         QSettings.Format.IniFormat)
    window = MainWindow(open_project(SAMPLE_PROJECT), settings)
    window.resize(*SIZE)
    window.show()
    wait(300)
    ws = window.workspace
    if ws.result() is None:
        ws.set_result(greedy_plan(ws.current), ws.current)
    view = window.map.view
    window.map.zoom_to_all()
    wait(300)
    view.grab().save(str(args.out / "map-national.png"))
    print("wrote map-national.png")

    x, y = MANCHESTER_BNG
    half = CITY_SPAN_M / 2
    view.set_legend_expanded(False)  # folded to its button: the city's east stays in view
    view.set_extent((x - half, y - half, x + half, y + half))
    wait(300)
    view.grab().save(str(args.out / "map-manchester.png"))
    print("wrote map-manchester.png")
    view.set_legend_expanded(True)

    result = ws.result()
    busiest = max(result.site_usage.values(), key=lambda u: len(u.need_ids))
    provider = ws.dataset.need(busiest.need_ids[0]).provider
    window.provider_dock.raise_()
    window.provider_view.set_provider(provider)
    wait(300)
    window.provider_view.tree.expandAll()
    tree = window.provider_view.tree
    top = tree.topLevelItem(0)
    tree.setCurrentItem(top)  # the provider view highlights this need's allowed sites
    _kind, need_id = top.data(0, ID_ROLE)
    sites = window.provider_view._option_sites(need_id)
    need = ws.dataset.need(need_id)
    # start close to the need, as after Zoom to selection; the map then zooms out only as
    # far as the options need
    view.set_extent((need.easting - 1000, need.northing - 1000, need.easting + 1000,
                     need.northing + 1000))
    view.reveal(sites, [need_id], site_needs=False)
    wait(400)
    window.grab().save(str(args.out / "map-provider-view.png"))
    print("wrote map-provider-view.png")
    ws._set_modified(False)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
