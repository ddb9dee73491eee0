"""What the commands print and write besides their results: the progress bar (the solve's,
single-year and contract, and the robustness study's) and the JSON summary."""

from __future__ import annotations

import json
import math
import threading
import time
from pathlib import Path
from typing import TextIO

from estates_planner.errors import EstatesError


def write_json(path: Path, data: dict[str, object]) -> None:
    from estates_planner.io.atomic import atomic_write

    with atomic_write(path, error=EstatesError) as tmp:  # one-sentence errors, old file kept
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


class TerminalBar:
    """A bar redrawn in place on a terminal, or one line at a time when the stream is a file
    or pipe; subclasses decide when to show what (the solve's and the study's progress)."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last = -math.inf
        self.lock = threading.Lock()
        self.drawn = False

    def show(self, text: str, fraction: float) -> None:
        """``text`` after a bar ``fraction`` full (0 to 1) on a terminal, else as a line."""
        if self.tty:
            filled = int(round(fraction * self.WIDTH))
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r[{bar}] {text}\x1b[K")
            self.drawn = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        """End the bar's line (once, however often it is called)."""
        with self.lock:
            if self.tty and self.drawn:
                self.stream.write("\n")
                self.stream.flush()
                self.drawn = False


class ProgressPrinter(TerminalBar):
    """The solve's progress: a bar on a terminal, or a line a second when stderr is a file or
    pipe."""

    def __init__(self, stream: TextIO, time_limit_s: float) -> None:
        super().__init__(stream)
        self.limit = time_limit_s

    def __call__(self, event) -> None:  # noqa: ANN001 (ProgressEvent)
        with self.lock:
            now = time.perf_counter()
            if event.stage == "solving" and now - self.last < (0.2 if self.tty else 1.0):
                return
            self.last = now
            fraction = min(event.elapsed_s / self.limit, 1.0) if self.limit > 0 else 1.0
            if event.stage == "done":
                fraction = 1.0
            # the optimiser score, in points: it ranks plans and is not money (issue 13)
            best = "-" if event.objective is None else f"{event.objective:,.0f}"
            gap = "-" if event.gap is None else f"{100 * event.gap:.2f} %"
            self.show(f"{event.stage:<8} {event.elapsed_s:6.1f} s  best score {best}  gap {gap}",
                      fraction)
