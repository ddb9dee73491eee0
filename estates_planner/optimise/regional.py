"""Planning a very large scenario one region at a time.

The solver holds every need x site pair of a scenario in dense tables (distances and cost
terms), which is what makes pricing and pruning fast, but 100,000 needs x 2,000 sites would
take about 20 GB. While R5 (needs stay in their own region) holds, nothing ties one region's
plan to another's: no need may use another region's site, and every shared cost (a site's
fit-out, a PDU's separate locations, the pairing of a PDU's needs) stays inside one region.
Planning region by region then gives the same optimum with tables a region's size, so such a
scenario is planned instead of refused. Regions are planned one after another, each with its
share of the time left by size, so memory stays that of the largest region.

A scenario where a region split would change the answer (R5 off, a pin or bar across
regions, a PDU whose needs lie in several regions) is never split.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping

from estates_planner.model import Dataset, Scenario, ServiceNeed, Site
from estates_planner.optimise.progress import Cancel, ProgressCallback, ProgressEvent
from estates_planner.optimise.result import TERM_NAMES, PlanResult, SiteUsage
from estates_planner.optimise.unfinished import abandon, unfinished_result, unplaced_allocations

# from this many need x site pairs a splittable scenario is planned region by region
SPLIT_PAIRS = 8_000_000


def can_plan_by_region(scenario: Scenario) -> bool:
    """True when planning each region on its own gives exactly the plan of the whole."""
    ds = scenario.dataset
    if not scenario.settings.same_region or len({n.region for n in ds.needs}) < 2:
        return False
    for need_id, site_id in list(scenario.pins.items()) + list(scenario.barred):
        if ds.has_need(need_id) and ds.has_site(site_id) \
                and ds.need(need_id).region != ds.site(site_id).region:
            return False
    region_of_pdu: dict[str, str] = {}
    for n in ds.needs:
        if region_of_pdu.setdefault(n.pdu, n.region) != n.region:
            return False
    return True


def should_plan_by_region(scenario: Scenario) -> bool:
    pairs = len(scenario.dataset.needs) * len(scenario.dataset.sites)
    return pairs >= SPLIT_PAIRS and can_plan_by_region(scenario)


def region_scenario(scenario: Scenario, region: str, *,
                    sites: tuple[Site, ...] | None = None,
                    needs: tuple[ServiceNeed, ...] | None = None) -> Scenario:
    """The part of ``scenario`` in one region: its sites, needs and the edits that touch them
    (``sites`` and ``needs``, when given, are the region's, already picked out)."""
    ds = scenario.dataset
    if sites is None:
        sites = tuple(s for s in ds.sites if s.region == region)
    if needs is None:
        needs = tuple(n for n in ds.needs if n.region == region)
    site_ids = {s.site_id for s in sites}
    need_ids = {n.need_id for n in needs}
    baseline = None if scenario.baseline is None else \
        {k: v for k, v in scenario.baseline.items() if k in need_ids}
    return scenario.replace(
        name=f"{scenario.name} ({region})",
        dataset=Dataset(sites, needs, ds.demand),
        pins={k: v for k, v in scenario.pins.items() if k in need_ids},
        closed_sites=frozenset(scenario.closed_sites & site_ids),
        barred=frozenset((n, s) for n, s in scenario.barred if n in need_ids),
        capacity_overrides={k: v for k, v in scenario.capacity_overrides.items()
                            if k in site_ids},
        baseline=baseline)


def solve_by_region(scenario: Scenario, limit: float, *,
                    solve_region: Callable[..., PlanResult],
                    progress: ProgressCallback | None = None, cancel: Cancel | None = None,
                    warm_start: Mapping[str, str | None] | None = None,
                    workers: int | None = None, engine: str = "hybrid") -> PlanResult:
    """Solve each region in turn (largest first) and put the plans together.

    Each region gets the time left in proportion to its share of the needs left, so a
    region that finishes early leaves more for the rest. A region whose search has no plan
    ready in its share (or whose share is too short to search) keeps its greedy fill, while
    the time left holds one; a region reached with no time left, or after cancel, is
    returned unplaced with the reason. Either makes the status "cancelled".
    ``solve_region`` solves one region (the solver passes its ``solve_scenario``; taking it
    as an argument keeps this module from importing the solver that imports it).
    """
    start = time.perf_counter()
    needs_of: dict[str, list[ServiceNeed]] = defaultdict(list)
    sites_of: dict[str, list[Site]] = defaultdict(list)
    for n in scenario.dataset.needs:
        needs_of[n.region].append(n)
    for site in scenario.dataset.sites:
        sites_of[site.region].append(site)
    by_region = {r: len(ns) for r, ns in needs_of.items()}
    subs = {r: region_scenario(scenario, r, sites=tuple(sites_of[r]), needs=tuple(ns))
            for r, ns in needs_of.items()}
    # made now, so that a cancel returns at once (100,000 of them take half a second)
    on_cancel = {r: unplaced_allocations(sub, "cancelled", limit) for r, sub in subs.items()} \
        if cancel is not None else {}
    order = sorted(by_region, key=lambda r: (-by_region[r], r))
    needs_left = sum(by_region.values())
    done_objective = 0.0
    done_bound = 0.0
    results: list[tuple[str, PlanResult]] = []
    for k, region in enumerate(order):
        sub = subs[region]
        if cancel is not None and cancel.is_set():  # every region left: unplaced, at once
            results.append((region, unfinished_result(sub, "cancelled", limit, 0.0,
                                                      allocations=on_cancel[region])))
            continue
        elapsed = time.perf_counter() - start
        # the watch of each sub-solve may overrun by a fraction of a second: keep that back
        left = limit - elapsed - _RESERVE_S * (len(order) - k)
        share = max(0.0, left) * by_region[region] / needs_left
        needs_left -= by_region[region]
        # room for the greedy fill, should the search of this region not be ready in time
        fallback_s = greedy_seconds(len(sub.dataset.needs), len(sub.dataset.sites))
        search_s = share - fallback_s - _WATCH_OVERRUN_S
        if search_s < _MIN_SEARCH_S:
            # no time to search: the greedy fill while the time left holds it, else unplaced
            unfinished = unfinished_result(sub, "time", limit, 0.0)
            result = _greedy_instead(sub, unfinished, cancel) if left >= fallback_s \
                else unfinished
        else:
            def forward(event: ProgressEvent, base_obj: float = done_objective,
                        base_bound: float = done_bound) -> None:
                if progress is None or event.stage == "done":
                    return
                progress(ProgressEvent(
                    None if event.objective is None else base_obj + event.objective,
                    None if event.bound is None else base_bound + event.bound,
                    time.perf_counter() - start, event.stage))

            start_plan = None if warm_start is None else \
                {n.need_id: warm_start.get(n.need_id) for n in sub.dataset.needs}
            result = solve_region(sub, time_limit_s=max(search_s, 0.0), progress=forward,
                                    cancel=cancel, warm_start=start_plan, workers=workers,
                                    engine=engine)
            if result.status == "cancelled" and not result.used_site_ids \
                    and not (cancel is not None and cancel.is_set()):
                result = _greedy_instead(sub, result, cancel)
        results.append((region, result))
        if progress is not None and result.status == "cancelled":
            progress(ProgressEvent(None, None, time.perf_counter() - start, "building"))
        done_objective += result.objective
        done_bound += result.bound if math.isfinite(result.bound) else -math.inf
    merged = merge_region_results(scenario, results, time.perf_counter() - start)
    if progress is not None:
        progress(ProgressEvent(merged.objective,
                               merged.bound if math.isfinite(merged.bound) else None,
                               merged.seconds, "done"))
    return merged


_RESERVE_S = 0.05  # per region still to come, kept back from the time left


def greedy_seconds(n_needs: int, n_sites: int) -> float:
    """What the greedy fill of a region takes, with room to spare. Measured on this 2-core
    machine (Nov 2026, since unplaced reasons are worked out once per kind of need):
    0.09-0.10 s for 1,676 needs x 82 sites, 0.21-0.28 s for 4,125 x 171, 0.41-0.76 s for
    8,337 x 171 (before: 0.36 s for 1,711 x 81 and 2.0 s for 8,397 x 171)."""
    return 1.5 * (3.0e-5 * n_needs + 4.0e-7 * n_needs * n_sites)


_MIN_SEARCH_S = 0.5  # a region's search gets at least this, else its greedy fill is used
_WATCH_OVERRUN_S = 0.35  # how late an unfinished sub-solve may come back (solver.py: 0.2 + 0.1)


def _greedy_instead(sub: Scenario, unfinished: PlanResult,
                    cancel: Cancel | None = None) -> PlanResult:
    """The greedy fill of a region whose search had no plan ready in its time: a usable plan
    (every need placed where it fits, cheapest first), marked as not searched.

    It runs in a thread watched for ``cancel`` (a region's fill can take most of a second,
    longer than a cancel may wait); on cancel the unfinished plan comes back and the fill
    ends by itself.
    """
    from estates_planner.optimise.greedy import greedy_plan

    box: list[PlanResult] = []
    thread = threading.Thread(target=lambda: box.append(greedy_plan(sub)),
                              name="greedy-fill", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.02)
        if thread.is_alive() and cancel is not None and cancel.is_set():
            abandon(thread)
            return unfinished
    if not box:  # the fill failed: keep the unfinished plan
        return unfinished
    greedy = box[0]
    if greedy.objective >= unfinished.objective:
        return unfinished
    note = ("No searched plan was ready in this region's share of the time limit: this is "
            "the greedy fill (each need at its cheapest site with room), not optimised.")
    return PlanResult(scenario_name=greedy.scenario_name, allocations=greedy.allocations,
                      terms=greedy.terms, objective=greedy.objective, bound=unfinished.bound,
                      gap=unfinished.gap, status="cancelled", seconds=greedy.seconds,
                      site_usage=greedy.site_usage, messages=(note,),
                      days_over_capacity=greedy.days_over_capacity)


def merge_region_results(scenario: Scenario, results: list[tuple[str, PlanResult]],
                         seconds: float) -> PlanResult:
    """One plan of the whole scenario from the plans of its regions.

    Terms, objective and bound add up (regions share no cost); the status is the weakest of
    the regions'; sites of regions without needs are listed unused.
    """
    by_need = {a.need_id: a for _, r in results for a in r.allocations}
    allocations = tuple(by_need[n.need_id] for n in scenario.dataset.needs)
    terms = {name: sum(r.terms.get(name, 0.0) for _, r in results) for name in TERM_NAMES}
    objective = sum(r.objective for _, r in results)
    bounds = [r.bound for _, r in results]
    bound = sum(bounds) if all(math.isfinite(b) for b in bounds) else math.nan
    gap = (objective - bound) / max(abs(objective), 1.0) if math.isfinite(bound) else math.nan
    statuses = {r.status for _, r in results}
    status = "cancelled" if "cancelled" in statuses else \
        "optimal" if statuses <= {"optimal"} else "feasible"
    usage: dict[str, SiteUsage] = {}
    for _, r in results:
        usage.update(r.site_usage)
    for site in scenario.dataset.sites:
        if site.site_id not in usage:
            desks, rooms = scenario.site_capacity(site)
            usage[site.site_id] = SiteUsage(site.site_id, 0, 5 * desks, 0, 5 * rooms)
    lines = [f"Planned region by region ({len(results)} regions; a region's plan does not "
             "depend on another's while needs stay in their own region)."]
    for region, r in results:
        if r.status != "optimal":
            state = "best plan found, not proven optimal" if r.status == "feasible" \
                else "not finished"
            if math.isfinite(r.gap):
                state += f" (gap {100 * r.gap:.2f} %)"
            lines.append(f"{region}: {state}." + (f" {r.messages[0]}" if r.messages else ""))
    return PlanResult(scenario_name=scenario.name, allocations=allocations, terms=terms,
                      objective=objective, bound=bound, gap=gap, status=status,
                      seconds=seconds, site_usage=usage, messages=tuple(lines),
                      days_over_capacity=sum(r.days_over_capacity for _, r in results))
