"""The map's window controls: View → Show map legend (remembered), and Find (Ctrl+F).

Kept out of the main window so that its only part is one call; the settings keys are
``map/legend_shown`` and ``map/legend_expanded``.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from estates_planner.ui.find_box import FindBox


@dataclass
class MapControls:
    legend_action: QAction
    find_box: FindBox
    find_action: QAction


def _flag(value, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def install_map_controls(window: QMainWindow) -> MapControls:
    """Add the legend toggle to the View menu and the Find box to the main toolbar."""
    settings = window.settings
    binding = window.map
    view = getattr(binding, "view", None)
    legend = QAction("Show map &legend", window)
    legend.setCheckable(True)
    legend.setStatusTip("Show the legend over the map, or hide it and its button")
    legend.setChecked(_flag(settings.value("map/legend_shown"), True))
    binding.set_legend_shown(legend.isChecked())

    def legend_toggled(shown: bool) -> None:
        binding.set_legend_shown(shown)
        settings.setValue("map/legend_shown", shown)

    legend.toggled.connect(legend_toggled)
    if view is not None:
        view.set_legend_expanded(_flag(settings.value("map/legend_expanded"), True))
        view.legendExpandedChanged.connect(
            lambda expanded: settings.setValue("map/legend_expanded", expanded))
    view_menu = next((a.menu() for a in window.menuBar().actions()
                      if isinstance(a.menu(), QMenu) and a.text().replace("&", "") == "View"),
                     None)
    find_box = FindBox(window.state, window)
    find = QAction("&Find…", window)
    find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
    find.setStatusTip("Find a site, need, provider or PDU and show it on the map")
    find.triggered.connect(lambda: (find_box.setFocus(), find_box.selectAll()))
    window.addAction(find)
    if view_menu is not None:
        actions = view_menu.actions()
        before = actions[2] if len(actions) > 2 else None
        view_menu.insertAction(before, find)
        view_menu.insertAction(before, legend)
    toolbar = window.findChild(QToolBar, "mainToolbar")
    if toolbar is not None:
        toolbar.addSeparator()
        toolbar.addWidget(find_box)
    find_box.found.connect(lambda text: window.statusBar().showMessage(f"Found {text}", 5000))
    return MapControls(legend, find_box, find)
