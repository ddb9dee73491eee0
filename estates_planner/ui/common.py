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
NEED_MIME = "application/x-estates-need-id"


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
