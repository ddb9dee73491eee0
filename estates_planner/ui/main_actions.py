"""The main window's actions, menus and toolbar: what each command is called, its shortcut,
icon and tip, and where it sits. A mixin of :class:`~ui.main_window.MainWindow`, which holds
the slots they call."""

from __future__ import annotations

import importlib.util

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from estates_planner.ui import edits
from estates_planner.ui.about import show_about
from estates_planner.ui.common import icon
from estates_planner.ui.guide import show_guide


class ActionsMixin:
    def _action(self, text: str, slot, shortcut=None, icon_name: str | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            action.setIcon(icon(icon_name))
        plain = text.replace("&", "").rstrip("…")
        action.setStatusTip(tip or plain)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{plain} ({keys})" if keys else plain)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        k = QKeySequence.StandardKey
        self.act_new = self._action("&New project", self.new_project, k.New, "new",
                                    "Start an empty project and import data into it")
        self.act_open = self._action("&Open…", self.open_dialog, k.Open, "open",
                                     "Open a project file")
        self.act_save = self._action("&Save", self.save, k.Save, "save", "Save the project")
        self.act_save_as = self._action("Save &As…", self.save_as, k.SaveAs, None,
                                        "Save the project under another name")
        self.act_import = self._action("&Import…", lambda: self.import_data(), "Ctrl+I",
                                       "import", "Import sites, needs, demand or boundaries")
        self.act_import_many = self._action(
            "New project from &files…", lambda: self.import_many(), None, None,
            "Sites, needs, demand, boundaries, network and settings in one pass")
        self.act_export = self._action("&Export…", self.export, "Ctrl+E", "export",
                                       "Export site plans (PDF) and tables")
        self.act_export.setEnabled(
            importlib.util.find_spec("estates_planner.ui.export_dialog") is not None)
        self.act_quit = self._action("&Quit", self.close, k.Quit, None, "Quit Estates Planner")
        self.act_undo = self._action("&Undo", self.workspace.undo, k.Undo, "undo")
        self.act_redo = self._action("&Redo", self.workspace.redo, "Ctrl+Shift+Z", "redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(k.Redo)])
        # the menu names the edit ("Undo Close Rose House"); the toolbar stays short
        self.act_undo.setIconText("Undo")
        self.act_redo.setIconText("Redo")
        self.act_settings = self._action("Scenario &settings…", self.edit_settings, "Ctrl+,",
                                         "settings", "Weights and rule switches of this "
                                         "scenario")
        self.act_solve = self._action("&Solve", self.solve, "F5", "solve",
                                      "Find the best plan for the current scenario")
        self.act_compare = self._action("&Compare scenarios…", self.compare_scenarios,
                                        "Ctrl+K", "compare", "Two scenarios side by side")
        self.act_robustness = self._action("Test against &late changes…",
                                           self.test_robustness, None, None,
                                           "Which placements hold when volumes, needs and "
                                           "sites change late, and a plan with headroom")
        self.act_new_scenario = self._action("&New scenario…", self.scenarios_panel.create,
                                             "Ctrl+Shift+N")
        self.act_duplicate = self._action("&Duplicate scenario…",
                                          self.scenarios_panel.duplicate, "Ctrl+D")
        self.act_rename = self._action("&Rename scenario…", self.scenarios_panel.rename, "F2")
        self.act_delete = self._action("De&lete scenario", self.scenarios_panel.delete)
        self.act_zoom_all = self._action("Zoom to &all", self.map.zoom_to_all, "Ctrl+0",
                                         "zoom-all")
        self.act_zoom_selection = self._action("Zoom to &selection", self.map.zoom_to_selection,
                                               "Ctrl+J", "zoom-selection")
        self.act_pin = self._action("&Pin selected needs where they are", self.pin_selected,
                                    "Ctrl+P", "pin")
        self.act_unpin = self._action("U&npin selected needs", self.unpin_selected,
                                      "Ctrl+Shift+P", "unpin")
        self.act_close_site = self._action("&Close or reopen selected site",
                                           self.toggle_selected_site, "Ctrl+W", "close-site")
        self.act_capacity = self._action("Edit site &capacity…", self.edit_selected_capacity,
                                         "Ctrl+Shift+C")
        self.act_add_site = self._action("Add &site…", lambda: edits.edit_site(
            self, self.state, None), None, None, "Add a site by grid reference or longitude "
            "and latitude")
        self.act_edit_site = self._action("&Edit selected site…", self._edit_selected_site)
        self.act_delete_site = self._action("Delete selected site", self._delete_selected_site)
        self.act_add_need = self._action("Add &need…", lambda: edits.edit_need(
            self, self.state, None))
        self.act_edit_need = self._action("Edit selected nee&d…", self._edit_selected_need)
        self.act_delete_need = self._action("Delete selected need", self._delete_selected_need)
        self.act_basemap = self._action("Online &basemap…", self.choose_basemap, None, None,
                                        "Show map tiles from a web address under the map")
        self.act_guide = self._action("&User guide", lambda: show_guide(self), "F1", None,
                                      "What the rules, weights and figures mean")
        self.act_about = self._action("&About Estates Planner", lambda: show_about(self))
        self.act_about.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_new, self.act_open])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.act_save, self.act_save_as])
        file_menu.addSeparator()
        file_menu.addActions([self.act_import, self.act_import_many, self.act_export])
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.act_undo, self.act_redo])
        edit_menu.addSeparator()
        edit_menu.addActions([self.act_pin, self.act_unpin, self.act_close_site,
                              self.act_capacity])
        edit_menu.addSeparator()
        edit_menu.addActions([self.act_add_site, self.act_edit_site, self.act_delete_site,
                              self.act_add_need, self.act_edit_need, self.act_delete_need])
        scenario_menu = bar.addMenu("&Scenario")
        scenario_menu.addActions([self.act_solve, self.act_settings])
        scenario_menu.addSeparator()
        scenario_menu.addActions([self.act_new_scenario, self.act_duplicate, self.act_rename,
                                  self.act_delete])
        scenario_menu.addSeparator()
        scenario_menu.addAction(self.act_compare)
        scenario_menu.addAction(self.act_robustness)
        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.act_zoom_all, self.act_zoom_selection])
        view_menu.addAction(self.act_basemap)
        view_menu.addSeparator()
        for dock in (self.scenarios_dock, self.layers_dock, self.inspector_dock,
                     self.provider_dock, self.kpi_dock, self.table_dock, self.unplaced_dock):
            view_menu.addAction(dock.toggleViewAction())
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_guide)
        help_menu.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Main")
        bar.setObjectName("mainToolbar")
        bar.setAccessibleName("Main toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addActions([self.act_open, self.act_save, self.act_import])
        bar.addSeparator()
        bar.addActions([self.act_undo, self.act_redo])
        bar.addSeparator()
        bar.addActions([self.act_solve, self.act_settings, self.act_compare])
        bar.addSeparator()
        bar.addActions([self.act_zoom_all, self.act_export])
