"""One part of the allocation as a MILP for HiGHS: the rows of the CP-SAT part model, as is.

CP-SAT's plans come mostly from the whole-PDU search (:mod:`estates_planner.optimise.lns`);
what it adds on a hard part is its bound, and HiGHS's bound rises faster per second on these
models (its cuts and branching, measured in issue #19: on the generated 500 x 1,200 instance
31.91 M after 1.6 s a part against CP-SAT's 31.85 M after the whole 10 s). So each part is
also given to HiGHS, started from the best plan found so far, and the part keeps the better
plan and the higher bound of the two.

The MILP is not written a second time: :func:`milp_from_cp_model` reads the CP-SAT model's
protocol buffer (0/1 variables; exactly-one, at-most-one, implication and linear rows; a
linear objective in pence) and turns each row into a linear row over the same variables. So
the two solvers see the same rows and the same objective by construction, and a rule added to
:mod:`estates_planner.optimise.cpsat_part` reaches HiGHS without more code.

:class:`MilpArrays` holds only numpy arrays, so a part's MILP is pickled cheaply to a worker
process (:mod:`estates_planner.optimise.part_pool`); :func:`solve_milp` runs in either.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
# how often, at most, HiGHS's callbacks pass on its objective and bound
_REPORT_EVERY_S = 0.1


@dataclass(frozen=True)
class MilpArrays:
    """A 0/1 minimisation: rows ``row_lower <= A x <= row_upper`` in CSR form, objective
    ``cost . x + offset`` (pence), and a complete starting point."""

    cost: np.ndarray  # float64, one per column
    offset: float
    row_lower: np.ndarray
    row_upper: np.ndarray
    starts: np.ndarray  # int32, CSR row starts (len rows + 1)
    index: np.ndarray  # int32, column of each entry
    value: np.ndarray  # float64
    start_values: np.ndarray | None  # 0/1 per column, or None

    @property
    def n_cols(self) -> int:
        return len(self.cost)

    @property
    def n_rows(self) -> int:
        return len(self.row_lower)


@dataclass(frozen=True)
class MilpOutcome:
    """HiGHS's answer: column values (None without a plan), objective and bound in pence."""

    values: np.ndarray | None
    objective: float | None
    bound: float
    optimal: bool
    infeasible: bool
    seconds: float


class _Rows:
    """Collects rows ``lower <= sum coef * literal <= upper`` over CP-SAT literals (a negative
    literal -k-1 is 1 - x_k) and keeps them as CSR arrays."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []

    def add(self, literals: list[int], coefs: list[float], lower: float, upper: float) -> None:
        constant = 0.0
        for lit, coef in zip(literals, coefs, strict=True):
            if lit >= 0:
                self.index.append(lit)
                self.value.append(coef)
            else:  # coef * (1 - x)
                self.index.append(-lit - 1)
                self.value.append(-coef)
                constant += coef
        self.lower.append(lower - constant)
        self.upper.append(upper - constant)
        self.starts.append(len(self.index))


def milp_from_cp_model(model: object) -> MilpArrays:
    """The MILP of a CP-SAT model (``CpModel``) made of 0/1 variables and the constraint
    kinds the part model uses; anything else raises ``ValueError`` (so a new kind of row is
    never dropped silently, which would make HiGHS's bound wrong).

    The model is read through its serialised protocol buffer: OR-Tools' own Python wrapper
    of the proto costs about 50 us a constraint to walk (0.5 s for a part of 105 needs),
    the standard protobuf message parsed from the bytes a hundredth of that.
    """
    from ortools.sat import cp_model_pb2

    fd, path = tempfile.mkstemp(suffix=".pb", prefix="estates-part-")
    os.close(fd)
    try:
        model.export_to_file(path)  # type: ignore[attr-defined]
        proto = cp_model_pb2.CpModelProto.FromString(Path(path).read_bytes())
    finally:
        os.unlink(path)
    return _milp_from_proto(proto)


def _milp_from_proto(proto: object) -> MilpArrays:
    inf = math.inf
    n = len(proto.variables)  # type: ignore[attr-defined]
    for var in proto.variables:  # type: ignore[attr-defined]
        if list(var.domain) != [0, 1]:
            raise ValueError(f"only 0/1 variables are supported, got domain {list(var.domain)}")
    rows = _Rows()
    for ct in proto.constraints:  # type: ignore[attr-defined]
        kind = ct.WhichOneof("constraint")
        enforced = list(ct.enforcement_literal)
        if kind == "bool_and" and len(enforced) == 1:  # e => l, i.e. l - e >= 0
            for lit in ct.bool_and.literals:
                rows.add([lit, enforced[0]], [1.0, -1.0], 0.0, inf)
            continue
        if enforced:
            raise ValueError(f"enforced {kind} constraints are not supported")
        if kind == "exactly_one":
            lits = list(ct.exactly_one.literals)
            rows.add(lits, [1.0] * len(lits), 1.0, 1.0)
        elif kind == "at_most_one":
            lits = list(ct.at_most_one.literals)
            rows.add(lits, [1.0] * len(lits), -inf, 1.0)
        elif kind == "bool_or":
            lits = list(ct.bool_or.literals)
            rows.add(lits, [1.0] * len(lits), 1.0, inf)
        elif kind == "linear":
            domain = list(ct.linear.domain)
            if len(domain) != 2:
                raise ValueError("linear rows with a domain of several intervals are not "
                                 "supported")
            lower = -inf if domain[0] <= _INT64_MIN else float(domain[0])
            upper = inf if domain[1] >= _INT64_MAX else float(domain[1])
            rows.add(list(ct.linear.vars), [float(c) for c in ct.linear.coeffs], lower, upper)
        else:
            raise ValueError(f"constraint kind {kind!r} is not supported")
    obj = proto.objective  # type: ignore[attr-defined]
    cost = np.zeros(n)
    offset = float(obj.offset)
    for lit, coef in zip(obj.vars, obj.coeffs, strict=True):
        if lit >= 0:
            cost[lit] += coef
        else:
            cost[-lit - 1] -= coef
            offset += coef
    start = None
    hint = proto.solution_hint  # type: ignore[attr-defined]
    if len(hint.vars) == n:
        start = np.zeros(n)
        start[np.asarray(hint.vars, dtype=np.int64)] = np.asarray(hint.values, dtype=float)
    return MilpArrays(cost=cost, offset=offset,
                      row_lower=np.asarray(rows.lower, dtype=float),
                      row_upper=np.asarray(rows.upper, dtype=float),
                      starts=np.asarray(rows.starts, dtype=np.int32),
                      index=np.asarray(rows.index, dtype=np.int32),
                      value=np.asarray(rows.value, dtype=float), start_values=start)


def solve_milp(milp: MilpArrays, *, time_limit_s: float, relative_gap: float = 0.0,
               should_stop: Callable[[], bool] = lambda: False,
               on_update: Callable[[float | None, float], None] | None = None,
               ) -> MilpOutcome:
    """Solve ``milp`` with HiGHS (one thread) from its starting point.

    ``should_stop`` is polled from HiGHS's interrupt callbacks (many times a second: the
    simplex and the branch-and-bound both call it), ``on_update(objective, bound)`` (pence)
    is called as either improves, at most every 0.1 s. The bound is HiGHS's dual bound,
    rounded down to whole pence (every plan's objective is whole pence) less HiGHS's
    tolerances, so it never exceeds the optimum.
    """
    import highspy

    began = time.perf_counter()
    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", float(relative_gap))
    h.setOptionValue("mip_abs_gap", 0.5)  # pence: the objective is whole pence
    h.setOptionValue("time_limit", max(float(time_limit_s), 0.001))
    n = milp.n_cols
    h.addVars(n, np.zeros(n), np.ones(n))
    cols = np.arange(n, dtype=np.int32)
    h.changeColsCost(n, cols, milp.cost)
    h.changeColsIntegrality(n, cols, np.full(n, highspy.HighsVarType.kInteger))
    h.changeObjectiveOffset(milp.offset)
    if milp.n_rows:
        lower = np.where(np.isinf(milp.row_lower), -highspy.kHighsInf, milp.row_lower)
        upper = np.where(np.isinf(milp.row_upper), highspy.kHighsInf, milp.row_upper)
        h.addRows(milp.n_rows, lower, upper, len(milp.index), milp.starts[:-1],
                  milp.index, milp.value)
    if milp.start_values is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(milp.start_values)
        h.setSolution(solution)
    last = [-math.inf]
    best = {"objective": None, "bound": -math.inf}

    def report(objective: float | None, bound: float, force: bool) -> None:
        if objective is not None and math.isfinite(objective):
            best["objective"] = objective if best["objective"] is None \
                else min(best["objective"], objective)
        if math.isfinite(bound):
            best["bound"] = max(best["bound"], _safe_bound(bound))
        now = time.perf_counter()
        if on_update is not None and (force or now - last[0] >= _REPORT_EVERY_S):
            last[0] = now
            on_update(best["objective"], best["bound"])

    def on_interrupt(event: object) -> None:
        out = event.data_out  # type: ignore[attr-defined]
        if event.callback_type == highspy.cb.HighsCallbackType.kCallbackMipInterrupt:
            report(out.mip_primal_bound, out.mip_dual_bound, False)
        if should_stop():
            event.interrupt()  # type: ignore[attr-defined]

    def on_solution(event: object) -> None:
        out = event.data_out  # type: ignore[attr-defined]
        report(out.objective_function_value, out.mip_dual_bound, True)

    h.cbMipInterrupt.subscribe(on_interrupt)
    h.cbSimplexInterrupt.subscribe(on_interrupt)
    h.cbMipImprovingSolution.subscribe(on_solution)
    h.run()
    info = h.getInfo()
    status = h.getModelStatus()
    infeasible = status == highspy.HighsModelStatus.kInfeasible
    optimal = status == highspy.HighsModelStatus.kOptimal
    values = None
    objective = None
    if info.primal_solution_status == 2:  # a feasible plan
        values = np.rint(np.asarray(h.getSolution().col_value)).astype(np.int8)
        objective = float(info.objective_function_value)
    bound = best["bound"]
    if math.isfinite(info.mip_dual_bound):
        bound = max(bound, _safe_bound(info.mip_dual_bound))
    if optimal and objective is not None:
        bound = max(bound, _safe_bound(objective))
    return MilpOutcome(values, objective, bound if not infeasible else math.inf,
                       optimal and objective is not None, infeasible,
                       time.perf_counter() - began)


_banner_lock = threading.Lock()
_banner_shown = [False]


def _new_highs() -> object:
    """A HiGHS instance; the first one of a process prints HiGHS's banner on the C-level
    standard output before any option can turn it off, which would land in the CLI's output
    (a plan printed as CSV or JSON), so that one is made with stdout pointed at /dev/null."""
    import highspy

    with _banner_lock:
        if _banner_shown[0]:
            return highspy.Highs()
        _banner_shown[0] = True
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w", encoding="ascii") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        return h


def _safe_bound(pence: float) -> float:
    """A dual bound in pence made safe against HiGHS's tolerances and rounded up to whole
    pence where that is still below the optimum (every plan's objective is whole pence)."""
    slack = 1e-6 * max(1.0, abs(pence)) + 0.5
    return float(math.ceil(pence - slack))
