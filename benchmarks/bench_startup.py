"""Start-up time of the desktop app: from a fresh Python process to a responsive main window
with the bundled sample project open (target: ≤ 2 s).

    python benchmarks/bench_startup.py [--runs 3]

Each run is a new process (so imports are cold in Python, warm in the OS file cache) running
offscreen. "Responsive" means the window has been shown and painted and the event loop has
served a zero-delay timer, i.e. the user's first click would be handled. Prints seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def child() -> None:
    t0 = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    # as main.py does: the app module first (it orders the heavy imports), then Qt
    from estates_planner.ui.app import configure_application, create_main_window

    t_import_qt = time.perf_counter()

    app = QApplication(["bench"])
    configure_application(app)
    t_app = time.perf_counter()
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    window, problem = create_main_window([], settings)
    t_window = time.perf_counter()
    window.show()
    done = {}

    def responsive() -> None:
        window.repaint()
        done["t"] = time.perf_counter()
        app.quit()

    QTimer.singleShot(0, responsive)
    app.exec()
    window.workspace._set_modified(False)
    print(json.dumps({
        "total_s": done["t"] - t0, "imports_s": t_import_qt - t0,
        "app_s": t_app - t_import_qt, "window_s": t_window - t_app,
        "show_s": done["t"] - t_window, "needs": len(window.workspace.dataset.needs),
        "sites": len(window.workspace.dataset.sites), "problem": problem}))


def main() -> int:
    parser = argparse.ArgumentParser(description="Start-up time of the desktop app")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return 0
    runs = []
    for _ in range(args.runs):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--child"], capture_output=True,
                             text=True, cwd=REPO, check=True)
        wall = time.perf_counter() - start
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        figures["process_wall_s"] = wall
        runs.append(figures)
    first = runs[0]
    print(f"sample project: {first['sites']} sites, {first['needs']} needs")
    for key in ("imports_s", "app_s", "window_s", "show_s", "total_s", "process_wall_s"):
        values = [r[key] for r in runs]
        print(f"{key:>15}: median {statistics.median(values):.2f} s "
              f"(min {min(values):.2f}, max {max(values):.2f})")
    total = statistics.median(r["total_s"] for r in runs)
    print(f"start to responsive window: {total:.2f} s (target ≤ 2 s) "
          f"{'OK' if total <= 2.0 else 'OVER TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
