"""The desktop app's edit model (Qt-free): the open project, its current scenario, undo.

- :mod:`.edit_model`: :class:`Workspace` itself (scenarios, plans shown, settings, history)
- :mod:`.data_edits`: its edits of the sites and needs every scenario shares
- :mod:`.history`: its events and the snapshots undo puts back
"""

from estates_planner.workspace.edit_model import Workspace
from estates_planner.workspace.history import EVENT_KINDS, WorkspaceEvent

__all__ = ["EVENT_KINDS", "Workspace", "WorkspaceEvent"]
