"""The solve's and the study's progress share one bar: drawn in place on a terminal, a line at
a time in a file, and ended once however often ``finish`` is called."""

from __future__ import annotations

import io
from types import SimpleNamespace

from estates_planner.cli.progress_output import ProgressPrinter
from estates_planner.cli.robustness_command import StudyProgressPrinter


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_solve_bar_on_a_terminal_fills_with_the_time_used_and_ends_its_line_once():
    stream = Terminal()
    bar = ProgressPrinter(stream, time_limit_s=10)
    # 5 s of 10: 15 of the 30 marks
    bar(SimpleNamespace(stage="solving", elapsed_s=5.0, objective=1234.0, gap=0.01))
    bar(SimpleNamespace(stage="done", elapsed_s=6.0, objective=1200.0, gap=None))
    bar.finish()
    bar.finish()
    assert stream.getvalue() == (
        "\r[" + "#" * 15 + "-" * 15 + "] solving     5.0 s  best score 1,234  gap 1.00 %\x1b[K"
        "\r[" + "#" * 30 + "] done        6.0 s  best score 1,200  gap -\x1b[K\n")


def test_the_study_bar_in_a_file_writes_lines_and_no_bar():
    stream = io.StringIO()
    bar = StudyProgressPrinter(stream)
    bar(SimpleNamespace(done=1, total=4, elapsed_s=3.0, eta_s=9.0, fraction=0.25))
    bar(SimpleNamespace(done=4, total=4, elapsed_s=5.0, eta_s=None, fraction=1.0))
    bar.finish()
    assert stream.getvalue() == "1/4 tasks  3 s  ETA 9 s\n4/4 tasks  5 s  ETA -\n"


def test_the_study_bar_on_a_terminal_is_a_quarter_full_after_a_quarter():
    stream = Terminal()
    bar = StudyProgressPrinter(stream)
    bar(SimpleNamespace(done=1, total=4, elapsed_s=3.0, eta_s=9.0, fraction=0.25))
    bar.finish()
    bar.finish()
    # round(0.25 * 30) = 8 marks (banker's rounding of 7.5)
    assert stream.getvalue() == "\r[" + "#" * 8 + "-" * 22 + "] 1/4 tasks  3 s  ETA 9 s\x1b[K\n"
