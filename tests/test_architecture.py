"""The layers of docs/architecture.md, enforced.

- The import contracts in ``pyproject.toml`` ([tool.importlinter]: layers, a Qt-free core and
  CLI, no reports below the project) hold; run them by hand with ``lint-imports``.
- No import cycle between modules of the package.
- ``render/`` draws with QtGui only: no widgets, nothing of ``ui/``.
- The core imports with PySide6 blocked; ``solve`` and ``export`` run with QtWidgets blocked.
- A test of the tests: a copy of the package with a deliberately added upward import (and one
  with a cycle) fails the same checks.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import estates_planner

PACKAGE = Path(estates_planner.__file__).parent
ROOT = PACKAGE.parent
PYPROJECT = ROOT / "pyproject.toml"

# no import cycle is allowed anywhere in the package
KNOWN_CYCLES: set[frozenset[str]] = set()

# prints each import cycle (a strongly connected set of modules) of the package on a line
CYCLES_SCRIPT = """
import grimp, networkx
graph = grimp.build_graph("estates_planner", exclude_type_checking_imports=True)
edges = networkx.DiGraph()
for module in graph.modules:
    for imported in graph.find_modules_directly_imported_by(module):
        edges.add_edge(module, imported)
for cycle in networkx.strongly_connected_components(edges):
    if len(cycle) > 1:
        print(" ".join(sorted(cycle)))
"""


def _run(args: list[str], package_parent: Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run in a fresh interpreter that imports ``estates_planner`` from ``package_parent``."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def lint_imports(package_parent: Path, config: Path) -> subprocess.CompletedProcess:
    code = ("import sys\nfrom importlinter.cli import lint_imports\n"
            f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True))\n")
    return _run([sys.executable, "-c", code], package_parent, package_parent)


def import_cycles(package_parent: Path) -> set[frozenset[str]]:
    proc = _run([sys.executable, "-c", CYCLES_SCRIPT], package_parent, package_parent)
    assert proc.returncode == 0, proc.stderr
    return {frozenset(line.split()) for line in proc.stdout.splitlines() if line.strip()}


def test_import_contracts_hold():
    proc = lint_imports(ROOT, PYPROJECT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for contract in ("Layers", "The core imports no Qt", "The CLI imports no Qt itself",
                     "Rendering knows nothing of ui/", "know nothing of reports"):
        assert contract in proc.stdout  # each contract was checked, not skipped


def test_no_import_cycle_between_modules():
    new = import_cycles(ROOT) - KNOWN_CYCLES
    assert not new, "import cycles: " + "; ".join(" <-> ".join(sorted(c)) for c in new)


def test_known_cycles_are_only_in_the_packages_other_branches_untangle():
    for cycle in KNOWN_CYCLES:
        assert all(m.startswith(("estates_planner.ui", "estates_planner.optimise"))
                   for m in cycle), cycle


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory) -> Path:
    """A throwaway copy of the package and its contracts, for the tests of the tests."""
    parent = tmp_path_factory.mktemp("copy")
    shutil.copytree(PACKAGE, parent / "estates_planner",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PYPROJECT, parent / "pyproject.toml")
    return parent


def _append(path: Path, line: str) -> str:
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{line}\n", encoding="utf-8")
    return original


@pytest.mark.parametrize("module, upward", [
    ("project.py", "import estates_planner.report.content  # the project asks a report"),
    ("model.py", "import estates_planner.optimise  # the model reaches up"),
    ("workspace/edit_model.py", "import PySide6.QtCore  # Qt in the core"),
    ("cli/data_commands.py", "import estates_planner.ui.common  # the CLI needs the GUI"),
])
def test_an_added_upward_import_breaks_the_contracts(package_copy, module, upward):
    path = package_copy / "estates_planner" / module
    original = _append(path, upward)
    try:
        proc = lint_imports(package_copy, package_copy / "pyproject.toml")
    finally:
        path.write_text(original, encoding="utf-8")
    assert proc.returncode != 0
    assert "BROKEN" in proc.stdout


def test_an_added_cycle_is_found(package_copy):
    io = package_copy / "estates_planner" / "io"
    originals = {io / "sites.py": _append(io / "sites.py", "import estates_planner.io.demand"),
                 io / "demand.py": _append(io / "demand.py", "import estates_planner.io.sites")}
    try:
        cycles = import_cycles(package_copy)
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
    assert frozenset({"estates_planner.io.sites", "estates_planner.io.demand"}) in cycles


def _qt_imports(path: Path) -> list[str]:
    """Every module that ``path`` imports whose name starts with PySide6 or estates_planner.ui."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        found += [n for n in names if n.startswith(("PySide6", "shiboken6",
                                                    "estates_planner.ui"))]
    return found


def test_render_draws_with_qtgui_only():
    render = PACKAGE / "render"
    offenders = [f"{path.relative_to(PACKAGE)}: {name}"
                 for path in sorted(render.rglob("*.py")) for name in _qt_imports(path)
                 if name.startswith("estates_planner.ui") or name.startswith(
                     ("PySide6.QtWidgets", "PySide6.QtQuick")) or name == "PySide6"]
    assert offenders == []


def test_no_qt_import_statements_outside_ui_and_render():
    offenders = [f"{path.relative_to(PACKAGE)}: {name}"
                 for path in sorted(PACKAGE.rglob("*.py"))
                 if path.relative_to(PACKAGE).parts[0] not in ("ui", "render")
                 for name in _qt_imports(path) if not name.startswith("estates_planner.ui")]
    assert offenders == []


def core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[1] in ("ui", "render", "launcher.py", "launcher") or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


BLOCK = (
    "import sys\n"
    "class Block:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0] in {blocked!r} or name in {blocked!r}:\n"
    "            raise ImportError('blocked: ' + name)\n"
    "sys.meta_path.insert(0, Block())\n"
)


def test_core_imports_without_qt():
    modules = core_modules()
    assert {"estates_planner.model", "estates_planner.usecases", "estates_planner.cli"} <= set(
        modules)
    code = BLOCK.format(blocked=("PySide6", "shiboken6")) + (
        "import importlib\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "assert not any(k.startswith('PySide6') for k in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def _cli_without_widgets(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    code = BLOCK.format(blocked=("PySide6.QtWidgets",)) + (
        "import estates_planner.cli as cli\n"
        "sys.exit(cli.main(sys.argv[1:]))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=300)


@pytest.fixture
def project_file(tmp_path) -> Path:
    import plan_builders as pb

    from estates_planner.project import save_project

    path = tmp_path / "p.gpkg"
    save_project(pb.project(), path)
    return path


def test_solve_and_export_run_without_qt_widgets(project_file, tmp_path):
    proc = _cli_without_widgets(["solve", str(project_file), "--time-limit", "5",
                                 "--out", str(tmp_path / "a.csv")], tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = _cli_without_widgets(["export", str(project_file), "--xlsx",
                                 str(tmp_path / "a.xlsx")], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "a.csv").stat().st_size > 0 and (tmp_path / "a.xlsx").exists()


def test_pdf_export_runs_without_qt_widgets(project_file, tmp_path):
    proc = _cli_without_widgets(["export", str(project_file), "--pdf",
                                 str(tmp_path / "a.pdf")], tmp_path)
    assert proc.returncode == 0, proc.stderr
