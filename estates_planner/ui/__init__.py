"""The PySide6 desktop application: views and wiring over the Qt-free core.

Nothing here holds business rules. Widgets bind to :class:`ui.state.WorkspaceState`, a thin
Qt wrapper around :class:`estates_planner.workspace.Workspace`, and to Qt item models over core
data. ``estates_planner.ui.app.run_app`` starts the application.
"""
