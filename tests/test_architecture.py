"""The core must stay usable without Qt: import every core module with PySide6 blocked.

``render/`` draws with QtGui and ``ui/`` holds the widgets; both are left out of the core's
check, and ``render/`` has its own: no widgets and nothing from ``ui/``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import estates_planner

PACKAGE = Path(estates_planner.__file__).parent


def core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[1:2] in (["ui"], ["render"]) or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def test_core_imports_without_qt():
    modules = core_modules()
    assert "estates_planner.model" in modules
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError('Qt imported by the core: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import importlib\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "assert not any(k.startswith('PySide6') for k in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_no_qt_import_statements_outside_ui_and_render():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] in ("ui", "render"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import PySide6", "from PySide6")):
                offenders.append(f"{path}: {stripped}")
    assert offenders == []


def test_render_uses_no_widgets_and_nothing_from_ui():
    """Rendering may use QtGui and QtCore only, so the headless export can run where
    QtWidgets is missing (tests/render/test_render_headless.py runs it so)."""
    offenders = []
    for path in (PACKAGE / "render").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")) and (
                    "QtWidgets" in stripped or "estates_planner.ui" in stripped
                    or stripped.startswith("from estates_planner import ui")):
                offenders.append(f"{path}: {stripped}")
    assert offenders == []
