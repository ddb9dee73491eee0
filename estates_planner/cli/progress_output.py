"""What the solve commands print and write besides the plan: the progress bar and the JSON
summary (shared by the single-year and the contract solve)."""

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


class ProgressPrinter:
    """A progress bar on a terminal, or a line a second when stderr is a file or pipe."""

    WIDTH = 30

    def __init__(self, stream: TextIO, time_limit_s: float) -> None:
        self.stream = stream
        self.limit = time_limit_s
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last = -math.inf
        self.lock = threading.Lock()
        self.drawn = False

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
            text = f"{event.stage:<8} {event.elapsed_s:6.1f} s  best score {best}  gap {gap}"
            if self.tty:
                filled = int(round(fraction * self.WIDTH))
                bar = "#" * filled + "-" * (self.WIDTH - filled)
                self.stream.write(f"\r[{bar}] {text}\x1b[K")
                self.drawn = True
            else:
                self.stream.write(text + "\n")
            self.stream.flush()

    def finish(self) -> None:
        with self.lock:
            if self.tty and self.drawn:
                self.stream.write("\n")
                self.stream.flush()
