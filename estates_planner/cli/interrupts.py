"""Ctrl-C and SIGTERM during a CLI solve: stop the search like Cancel, keep its best plan.

Without this, a Ctrl-C during ``estates-planner solve`` killed the process with no message and
no plan, and with SIGINT inherited as ignored (a job started with ``nohup`` or ``&`` from a
script) OR-Tools' own SIGINT handler aborted the process with ``std::bad_function_call`` (the
solver now runs with ``catch_sigint_signal = False``, see ``optimise/cpsat_part.py``).

:func:`cancel_on_signals` turns SIGINT and SIGTERM into the cancel flag the solver already
watches (it hands back its best plan within half a second). The command then writes that plan
as usual (``--out``, the project) with status "cancelled", prints one line saying so, and exits
with 130 (128 + SIGINT) or 143 (128 + SIGTERM), as shells expect of an interrupted command.
A signal inherited as ignored stays ignored: whoever started the process asked for that.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

HANDLED = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None))
                if s is not None)


@dataclass
class Interruption:
    """Which signal stopped the work, if any."""

    signum: int | None = None

    @property
    def happened(self) -> bool:
        return self.signum is not None

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum is not None else ""

    @property
    def exit_status(self) -> int:
        """128 + the signal's number: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + int(self.signum or 0)

    def line(self, status: str, kept: list[str]) -> str:
        """The one line printed after the interrupted solve's outputs are written."""
        where = (" and ".join(kept) if kept else
                 "nowhere (give --out FILE, or a project, to keep it next time)")
        return (f"estates-planner: stopped by {self.name}; the best plan found so far "
                f"(status {status}) was written to {where}")


@contextmanager
def cancel_on_signals(cancel: threading.Event) -> Iterator[Interruption]:
    """Inside the block, SIGINT and SIGTERM set ``cancel`` instead of ending the process.

    The previous handlers come back when the block ends, so a second Ctrl-C while the plan is
    being written stops the process as usual (the writes are atomic: nothing is half-written).
    Outside the main thread (where Python cannot install handlers) this does nothing.
    """
    caught = Interruption()

    def handler(signum: int, frame: object) -> None:  # noqa: ARG001 - signal API
        if caught.signum is None:
            caught.signum = signum
        cancel.set()

    previous: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in HANDLED:
            current = signal.getsignal(sig)
            if current == signal.SIG_IGN:
                continue  # inherited as ignored (nohup, a background job): leave it so
            previous[sig] = current
            signal.signal(sig, handler)
    try:
        yield caught
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)  # type: ignore[arg-type]
