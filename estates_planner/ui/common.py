"""Small pieces shared by the views: number formats, error boxes, icons."""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMessageBox, QWidget

from estates_planner.errors import EstatesError

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
SAMPLE_PROJECT = Path(__file__).resolve().parents[2] / "data" / "sample_project.gpkg"
NEED_MIME = "application/x-estates-need-id"


def is_bundled_sample(path: str | Path | None) -> bool:
    """True for the sample project the app opens on first start: a template to work from,
    not the user's file, so Save asks where to keep the user's copy instead of changing it
    (it would also change the app's own data)."""
    if not path:
        return False
    try:
        return Path(path).resolve() == SAMPLE_PROJECT.resolve()
    except OSError:
        return False


def documents_dir() -> Path:
    """Where the user keeps documents (e.g. ~/Documents), else the home folder."""
    location = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location else Path.home()


def user_folder_for(project_path: str | Path | None) -> Path:
    """The folder to offer for files made from a project: beside it, or the user's
    documents for a project not yet saved and for the bundled sample."""
    if not project_path or is_bundled_sample(project_path):
        return documents_dir()
    return Path(project_path).parent


def data_dir() -> Path:
    """The user's data folder for the app (log file, recovery files); created on first use.

    Tests replace this function to keep their files in a temporary folder.
    """
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(location) if location else Path.home() / ".estates-planner"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def icon(name: str) -> QIcon:
    """An SVG icon from ``resources/icons`` (scales crisply at any device pixel ratio)."""
    path = RESOURCES / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def money(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    sign = "-" if round(value) < 0 else ""  # as report.kpis.format_value writes it
    return f"{sign}£{abs(value):,.0f}"


def km(value: float | None) -> str:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return ""
    return f"{value:.1f} km"


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


@contextlib.contextmanager
def user_action(parent: QWidget | None, title: str) -> Iterator[None]:
    """Run one user action; an error the user caused is shown in a box, not raised.

    Anything else propagates to the application's exception hook, which logs it.
    """
    try:
        yield
    except EstatesError as exc:
        log.info("%s: %s", title, exc)
        show_error(parent, title, str(exc))
