"""The PDF export draws with QtGui only: it runs where ``PySide6.QtWidgets`` cannot be
imported (a server, the headless CLI), so rendering must never reach for a widget."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")

# the child process: QtWidgets made unimportable before anything else is imported
SCRIPT = textwrap.dedent("""
    import sys
    sys.modules["PySide6.QtWidgets"] = None  # "import PySide6.QtWidgets" now raises
    try:
        import PySide6.QtWidgets  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("the block on QtWidgets did not hold")

    from estates_planner.optimise import greedy_plan
    from estates_planner.project import open_project
    from estates_planner.render.site_plan import (
        PdfOptions, gui_application, write_site_plan_pdf)

    project_path, pdf_path = sys.argv[1:3]
    project = open_project(project_path)
    scenario = project.scenarios[0]
    # the greedy plan: a placement of every need in well under a second, enough to draw
    project.results[scenario.name] = greedy_plan(scenario)
    app = gui_application()
    pages = write_site_plan_pdf(project, scenario.name, pdf_path,
                                PdfOptions(regions=("London",)))
    print(pages, type(app).__name__)
""")


def test_site_plan_pdf_is_written_without_qt_widgets(tmp_path, sample_dir, repo_dir):
    pdf = tmp_path / "headless.pdf"
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(sample_dir / "sample_project.gpkg"), str(pdf)],
        capture_output=True, text=True, cwd=repo_dir, timeout=300,
        env={**_env(), "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr
    pages, app_kind = run.stdout.split()
    assert app_kind == "QGuiApplication"  # not a QApplication: no widgets were needed
    assert pdf.is_file() and int(pages) > 2
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert text.count("\f") == int(pages)
    assert "Site plan" in text and "London" in text and f"Page {pages} of {pages}" in text


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
