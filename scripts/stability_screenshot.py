"""Save ``docs/screenshots/map-stability.png``: the sample's map shaded by a small late-data
study (8 samples, run inline), with its legend (runs headless).

    python scripts/stability_screenshot.py [--samples 8] [--region NAME]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--out", type=Path,
                        default=REPO / "docs" / "screenshots" / "map-stability.png")
    args = parser.parse_args(argv)
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

    from estates_planner.optimise import greedy_plan
    from estates_planner.project import open_project
    from estates_planner.render.fonts import register_app_fonts
    from estates_planner.render.map import MapContent, RenderOptions, render_map
    from estates_planner.render.map.base_layer import BaseLayer
    from estates_planner.studies import StudySettings, run_study, store_study
    from estates_planner.studies.aggregate import stored_site_use, stored_stability
    from estates_planner.ui.app import SAMPLE_PROJECT

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    register_app_fonts()
    project = open_project(SAMPLE_PROJECT)
    scenario = project.scenarios[0]
    scenario = scenario.replace(settings=scenario.settings.replace(samples=args.samples))
    plan = greedy_plan(scenario)
    chosen = {a.need_id: a.site_id for a in plan.allocations}
    result = run_study(scenario, StudySettings.from_scenario(scenario), chosen=chosen,
                       inline=True, progress=lambda *a: print(*a, flush=True))
    store_study(project, result)
    content = MapContent(dataset=scenario.dataset, result=plan, scenario=scenario,
                         layers=dict(project.layers), base_layer=BaseLayer.load(),
                         site_stability=stored_site_use(project, scenario.name),
                         need_stability=stored_stability(project, scenario.name),
                         layer_visibility={"Allocation lines": False})
    image = QImage(1600, 1000, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    render_map(painter, QRectF(0, 0, 1600, 1000), content, None, RenderOptions())
    painter.end()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(args.out))
    print(args.out)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
