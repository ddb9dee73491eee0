"""One way to make a CP-SAT solver, so that every solve in the app behaves alike on signals.

CP-SAT installs its own SIGINT handler while it searches (``catch_sigint_signal``, on by
default) and leaves an empty one behind: a later Ctrl-C then aborts the process with
``std::bad_function_call`` (exit 134), and a SIGINT that the parent asked to ignore is no
longer ignored. The CLI and the app stop searches through their cancel flags instead
(``cli/interrupts.py``, ``ui/workers.py``), so every solver is made with the handler off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model


def new_cp_solver() -> cp_model.CpSolver:
    """A ``CpSolver`` that leaves the process's signal handlers alone."""
    # imported here: OR-Tools takes about 0.4 s to load, which the app's start should not pay
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    return solver
