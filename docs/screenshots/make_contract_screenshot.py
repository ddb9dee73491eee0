"""Screenshot of the "Contract years" dock with the sample's four-year plan (issue 15).

Solve the plan with the CLI first, then run from the repository root:

    cp data/sample_project.gpkg /tmp/sample4.gpkg
    python -m estates_planner solve /tmp/sample4.gpkg --years 4 --ramp data/ramp.csv \
        --time-limit 20
    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_contract_screenshot.py \
        /tmp/sample4.gpkg
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = Path(__file__).resolve().parent


def main(path: str) -> None:
    from estates_planner.project import open_project
    from estates_planner.ui.app import configure_application
    from estates_planner.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    configure_application(app)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(open_project(path), settings)
    window.resize(1500, 950)
    window.show()
    contract = window.contract
    contract.dock.raise_()
    window.resizeDocks([contract.dock], [330], Qt.Orientation.Vertical)
    for tab in range(contract.panel.tabs.count()):
        contract.panel.tabs.setCurrentIndex(tab)
        app.processEvents()
        name = contract.panel.tabs.tabText(tab).split(" ")[0].lower()
        contract.dock.grab().save(str(OUT / f"contract-years-{name}.png"))
    contract.panel.tabs.setCurrentIndex(3)
    app.processEvents()
    contract.dock.grab().save(str(OUT / "contract-years.png"))
    contract.selector.choose(3)  # the toolbar's year selector: the map and figures of year 3
    app.processEvents()
    window.grab().save(str(Path(tempfile.gettempdir()) / "contract-years-window.png"))
    window.close()


if __name__ == "__main__":
    main(sys.argv[1])
