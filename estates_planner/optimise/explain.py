"""Why a need sits where it does, and what its other sites would cost.

For one need of a plan, :func:`site_options` lists the sites it could use with the rules that
stop it (R2-R8, in words), what moving it there alone would change in each objective term, and
who is already there. :func:`explain_need` turns that into a short explanation, and
:func:`provider_options` does it for all of a provider's needs at once (the provider view).

The cost of a move is computed incrementally from a few per-plan tallies (needs per site, PDU
sites, ETE/accommodation "anchor" sites for the wellbeing pairing) instead of re-costing the
whole plan, so that the provider view costs every candidate site of every need in well under a
second; ``tests/optimise/test_explain.py`` checks these deltas against ``evaluate_plan``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from estates_planner.errors import ScenarioError
from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Site, SiteKind
from estates_planner.optimise.candidates import KM_TOLERANCE, candidate_distances
from estates_planner.optimise.result import TERM_LABELS, TERM_NAMES, PlanResult
from estates_planner.optimise.rota_explain import DailyCheck, same_day_change
from estates_planner.optimise.rules import RULE_TITLES, Block, pair_blocks

DAYS_PER_WEEK = 5
# without R5 a need may go anywhere; these keep its list of options to the plausible ones
NEAREST_SITES = 30
MAX_SITES = 60
DISTANCE_FACTOR = 3.0
ALTERNATIVES = 3


@dataclass(frozen=True)
class SiteOption:
    """One site a need could use, as the plan stands.

    ``cost_change`` is the plan's objective if this need alone moved here minus the current
    objective (0 at the current site; negative means cheaper); ``term_changes`` splits it by
    objective term and ``worse_term`` names the term that grows most (None when none grows).
    ``allowed`` is False when a rule stops the move; ``blocked_by`` says which, including
    capacity (R2) judged against the plan's use of the site without this need.
    ``partners`` are the (provider, lot) pairs of the other needs already at the site.
    """

    site_id: str
    site_name: str
    site_kind: SiteKind
    women_only: bool
    allowed: bool
    blocked_by: tuple[Block, ...]
    desk_cost: float
    travel_km: float
    travel_cost: float
    cost_change: float
    term_changes: Mapping[str, float]
    worse_term: str | None
    partners: tuple[tuple[str, Lot], ...]
    is_current: bool
    free_desk_days: int = 0  # a week, in the plan without this need (may be negative)
    free_room_days: int = 0

    @property
    def worse_term_label(self) -> str:
        return TERM_LABELS[self.worse_term] if self.worse_term else ""

    @property
    def partners_text(self) -> str:
        """"Prov B (Personal wellbeing), Prov C (Accommodation)"; empty when nobody is there."""
        return ", ".join(f"{provider} ({lot.label})" for provider, lot in self.partners)

    @property
    def reasons(self) -> str:
        """The blocking rules as one line (empty when allowed)."""
        return "; ".join(str(b) for b in self.blocked_by)


@dataclass(frozen=True)
class NeedExplanation:
    """Why one need sits where it does (or nowhere).

    ``terms`` are the need's own objective terms (annual £; "pairing" is negative when it earns
    the bonus); the shared terms (fit-out, separate locations) belong to the plan and show up
    in the alternatives' ``term_changes`` instead. ``alternatives`` are the cheapest allowed
    sites other than the current one; ``blocked`` lists every site in scope that a rule stops,
    with the rule (for an unplaced need: every site of its region).
    """

    need: ServiceNeed
    site_id: str | None
    site_name: str | None
    terms: Mapping[str, float]
    current: SiteOption | None
    alternatives: tuple[SiteOption, ...]
    blocked: tuple[SiteOption, ...]
    sites_in_scope: int
    scope: str  # e.g. "in North East" or "among the 30 nearest sites"
    unplaced_reason: str = ""
    pinned: bool = False
    options: tuple[SiteOption, ...] = field(default=(), repr=False)

    @property
    def placed(self) -> bool:
        return self.site_id is not None

    def text(self) -> str:
        """A few sentences a planner can read."""
        n = self.need
        who = f"{n.need_id} ({n.provider}, {n.lot.label}, PDU {n.pdu})"
        if self.placed:
            return " ".join([_placed_sentence(who, self), *_alternative_sentences(self)])
        return " ".join([_unplaced_sentence(who, self), *_alternative_sentences(self)])


def _money(value: float) -> str:
    text = f"£{abs(value):,.0f}"
    return "-" + text if round(value) < 0 else text


# why a move costs more, by the term that grows most
_WORSE_BECAUSE = {
    "desk_cost": "dearer desks",
    "fit_out": "a fit-out to pay",
    "travel": "longer travel",
    "locations": "one more separate location for its PDU",
    "authority_preference": "not being in authority property",
    "pairing": "losing the wellbeing pairing bonus",
    "same_day": "losing the same-day pairing bonus",
    "unplaced": "the unplaced penalty",
    "moves": "moving from the baseline",
}


def _placed_sentence(who: str, ex: NeedExplanation) -> str:
    t = ex.terms
    km = ex.current.travel_km if ex.current is not None else float("nan")
    parts = [f"desk cost {_money(t['desk_cost'])}",
             f"travel {_money(t['travel'])} ({km:.1f} km)"]
    if t["authority_preference"]:
        parts.append(f"not in authority property {_money(t['authority_preference'])}")
    if t["pairing"]:
        parts.append(f"wellbeing pairing bonus {_money(t['pairing'])}")
    if t.get("same_day"):
        parts.append(f"same-day pairing bonus {_money(t['same_day'])}")
    if t["moves"]:
        parts.append(f"moved from the baseline {_money(t['moves'])}")
    pin = " It is pinned there." if ex.pinned else ""
    return (f"{who} is at {ex.site_name}: " + ", ".join(parts)
            + f" (its own cost {_money(sum(t.values()))} a year)." + pin)


def _alternative_sentences(ex: NeedExplanation) -> list[str]:
    if not ex.alternatives:
        if ex.placed:
            return [f"No other site {ex.scope} is allowed for it."]
        return []
    lines = []
    for k, opt in enumerate(ex.alternatives):
        change = opt.cost_change
        how = (f"would cost {_money(change)} more a year" if change > 0.5 else
               f"would save {_money(-change)} a year" if change < -0.5 else
               "would cost the same")
        if opt.worse_term and change > 0.5:
            how += (f", mostly from {_WORSE_BECAUSE[opt.worse_term]} "
                    f"(+{_money(opt.term_changes[opt.worse_term])})")
        lead = "The next-best allowed site is" if k == 0 else "Then"
        lines.append(f"{lead} {opt.site_name}, which {how}.")
    return lines


def _unplaced_sentence(who: str, ex: NeedExplanation) -> str:
    n = ex.need
    head = f"{who} is unplaced"
    if ex.sites_in_scope == 0:
        return head + f": there is no site {ex.scope}."
    if ex.alternatives:
        return head + (f" ({ex.unplaced_reason})." if ex.unplaced_reason else ".")
    only_full = [o for o in ex.blocked if all(b.rule == "R2" for b in o.blocked_by)]
    summary = []
    if n.lot is Lot.WOMENS and not any(o.women_only for o in ex.options):
        summary.append(f"there is no women-only site {ex.scope}")
    elif only_full:
        kind = "women-only site" if n.lot is Lot.WOMENS else "site"
        needs = f"{n.desk_days} desk-days" + (f" and {n.room_days} room-days" if n.room_days
                                              else "")
        free = "; ".join(
            f"{o.site_name} has {max(o.free_desk_days, 0)} desk-days"
            + (f" and {max(o.free_room_days, 0)} room-days" if n.room_days else "") + " free"
            for o in only_full)
        summary.append(f"no {kind} {ex.scope} that the other rules allow has room for its "
                       f"{needs} a week ({free})")
    elif ex.unplaced_reason:
        summary.append(ex.unplaced_reason)
    text = head + (": " + "; ".join(summary) + "." if summary else ".")
    counts: Counter[str] = Counter(rule for o in ex.blocked
                                   for rule in {b.rule for b in o.blocked_by})
    per_rule = [f"{RULE_TITLES.get(rule, rule)} ({rule}) rules out {k}"
                for rule, k in sorted(counts.items())]
    if per_rule:
        several = " (a site can fail several rules)" if len(per_rule) > 1 else ""
        text += (f" Of the {ex.sites_in_scope} sites {ex.scope}{several}: "
                 + "; ".join(per_rule) + ".")
    return text


_NO_ANCHORS: Counter[str] = Counter()


class _PlanTallies:
    """Per-plan tallies from which the cost of moving one need follows in O(1)-ish time."""

    def __init__(self, scenario: Scenario, assignment: Mapping[str, str | None]):
        ds = scenario.dataset
        self.scenario = scenario
        self.settings = scenario.settings
        self.dataset = ds
        self.assignment = {n.need_id: assignment.get(n.need_id) for n in ds.needs}
        for need_id, site_id in self.assignment.items():
            if site_id is not None and not ds.has_site(site_id):
                raise ScenarioError(f"the plan places {need_id} at site '{site_id}', which "
                                    f"scenario '{scenario.name}' does not have")
        self.site_needs: dict[str, list[str]] = defaultdict(list)
        self.desk_used: Counter[str] = Counter()
        self.room_used: Counter[str] = Counter()
        self.pdu_site: Counter[tuple[str, str]] = Counter()
        self.anchors: dict[str, Counter[str]] = defaultdict(Counter)
        # placed wellbeing needs per PDU and site: they share their paired status
        self.wellbeing: dict[str, Counter[str]] = defaultdict(Counter)
        self.region_cols: dict[str, list[int]] = defaultdict(list)
        for j, site in enumerate(ds.sites):
            self.region_cols[site.region].append(j)
        for need in ds.needs:
            site_id = self.assignment[need.need_id]
            if site_id is None:
                continue
            self.site_needs[site_id].append(need.need_id)
            self.desk_used[site_id] += need.desk_days
            self.room_used[site_id] += need.room_days
            self.pdu_site[(need.pdu, site_id)] += 1
            if need.lot.prefers_authority:
                self.anchors[need.pdu][site_id] += 1
            elif need.lot is Lot.WELLBEING:
                self.wellbeing[need.pdu][site_id] += 1
        self._site_xy = np.array([s.xy for s in ds.sites], dtype=float).reshape(-1, 2)
        self._site_index = {s.site_id: j for j, s in enumerate(ds.sites)}
        self._near: dict[str, frozenset[str]] = {}
        self._paired: dict[str, bool] = {}
        self.same_day: dict[str, bool] = {}  # from the plan's rota, set by PlanExplainer

    # ---- rules and capacity
    def near(self, site_id: str) -> frozenset[str]:
        """Sites within the pairing radius of ``site_id`` (itself included)."""
        found = self._near.get(site_id)
        if found is None:
            j = self._site_index[site_id]
            d = np.hypot(*(self._site_xy - self._site_xy[j]).T) / 1000.0
            idx = np.flatnonzero(d <= self.settings.pairing_radius_km + KM_TOLERANCE)
            found = frozenset({self.dataset.sites[k].site_id for k in idx} | {site_id})
            self._near[site_id] = found
        return found

    def is_paired(self, site_id: str, anchors: Mapping[str, int]) -> bool:
        near = self.near(site_id)
        return any(count > 0 and a in near for a, count in anchors.items())

    def currently_paired(self, need: ServiceNeed) -> bool:
        cached = self._paired.get(need.need_id)
        if cached is None:
            site_id = self.assignment[need.need_id]
            cached = (need.lot is Lot.WELLBEING and site_id is not None
                      and self.is_paired(site_id, self.anchors.get(need.pdu, {})))
            self._paired[need.need_id] = cached
        return cached

    def free_capacity(self, need: ServiceNeed, site: Site) -> tuple[int, int]:
        """(desk-days, room-days) a week free at ``site`` in the plan without ``need``."""
        here = self.assignment[need.need_id] == site.site_id
        desks, rooms = self.scenario.site_capacity(site)
        return (DAYS_PER_WEEK * max(desks, 0) - self.desk_used[site.site_id]
                + (need.desk_days if here else 0),
                DAYS_PER_WEEK * max(rooms, 0) - self.room_used[site.site_id]
                + (need.room_days if here else 0))

    @staticmethod
    def capacity_blocks(need: ServiceNeed, site: Site, free: tuple[int, int]) -> list[Block]:
        blocks = []
        for what, available, uses in (("desk-days", free[0], need.desk_days),
                                      ("room-days", free[1], need.room_days)):
            if uses > available:
                blocks.append(Block("R2", f"{site.name} has {max(available, 0)} free {what} a "
                                          f"week; the need uses {uses}"))
        return blocks

    def partners(self, need: ServiceNeed, site_id: str) -> tuple[tuple[str, Lot], ...]:
        found = {(self.dataset.need(o).provider, self.dataset.need(o).lot)
                 for o in self.site_needs.get(site_id, ()) if o != need.need_id}
        return tuple(sorted(found, key=lambda p: (p[0], p[1].value)))

    # ---- costs
    def desk_cost(self, need: ServiceNeed, site: Site) -> float:
        return need.desks * (need.days_per_week / DAYS_PER_WEEK) * site.annual_cost_per_desk

    def authority_cost(self, need: ServiceNeed, site: Site) -> float:
        if need.lot.prefers_authority and site.kind is not SiteKind.AUTHORITY:
            return self.settings.authority_preference
        return 0.0

    def fit_out(self, site: Site) -> float:
        return site.fit_out_cost / self.settings.amortisation_years

    def own_terms(self, need: ServiceNeed, travel_cost: float) -> dict[str, float]:
        """The need's own objective terms where the plan puts it."""
        terms = dict.fromkeys(TERM_NAMES, 0.0)
        site_id = self.assignment[need.need_id]
        if site_id is None:
            terms["unplaced"] = self.settings.unplaced_penalty
            return terms
        site = self.dataset.site(site_id)
        terms["desk_cost"] = self.desk_cost(need, site)
        terms["travel"] = travel_cost
        terms["authority_preference"] = self.authority_cost(need, site)
        if self.currently_paired(need):
            terms["pairing"] = -self.settings.pairing_bonus
        base = self.scenario.baseline.get(need.need_id) if self.scenario.baseline else None
        if base is not None and base != site_id:
            terms["moves"] = self.settings.move_penalty
        return terms

    def move_delta(self, need: ServiceNeed, site: Site, travel_new: float,
                   travel_old: float) -> dict[str, float]:
        """Change in each objective term if ``need`` alone moved to ``site``.

        ``travel_new`` / ``travel_old`` are the need's travel costs at ``site`` and at its
        current site (ignored when unplaced).
        """
        s = self.settings
        d = dict.fromkeys(TERM_NAMES, 0.0)
        old_id = self.assignment[need.need_id]
        new_id = site.site_id
        if old_id == new_id:
            return d
        old = self.dataset.site(old_id) if old_id is not None else None
        d["desk_cost"] = self.desk_cost(need, site) - (self.desk_cost(need, old) if old else 0.0)
        d["travel"] = travel_new - (travel_old if old else 0.0)
        fit = 0.0
        if old is not None and len(self.site_needs[old_id]) == 1:
            fit -= self.fit_out(old)
        if not self.site_needs.get(new_id):
            fit += self.fit_out(site)
        d["fit_out"] = fit
        loc = 0.0
        if old is not None and self.pdu_site[(need.pdu, old_id)] == 1:
            loc -= s.location_penalty
        if self.pdu_site.get((need.pdu, new_id), 0) == 0:
            loc += s.location_penalty
        d["locations"] = loc
        d["authority_preference"] = (self.authority_cost(need, site)
                                     - (self.authority_cost(need, old) if old else 0.0))
        paired_change = self._paired_change(need, old_id, new_id)
        d["pairing"] = -s.pairing_bonus * paired_change
        d["same_day"] = same_day_change(self, need, new_id, paired_change)
        if old is None:
            d["unplaced"] = -s.unplaced_penalty
        base = self.scenario.baseline.get(need.need_id) if self.scenario.baseline else None
        if base is not None:
            was_moved = old_id is not None and old_id != base
            d["moves"] = s.move_penalty * ((new_id != base) - was_moved)
        return d

    def _paired_change(self, need: ServiceNeed, old_id: str | None, new_id: str) -> int:
        """Change in the number of paired wellbeing needs if ``need`` moves."""
        anchors = self.anchors.get(need.pdu, _NO_ANCHORS)
        if need.lot is Lot.WELLBEING:
            return int(self.is_paired(new_id, anchors)) - int(self.currently_paired(need))
        if not need.lot.prefers_authority:
            return 0
        near_new = self.near(new_id)
        near_old = self.near(old_id) if old_id is not None else frozenset()
        change = 0
        for site_id, count in self.wellbeing.get(need.pdu, {}).items():
            # only wellbeing sites near where the anchor leaves or arrives can change
            if site_id not in near_new and site_id not in near_old:
                continue
            near = self.near(site_id)
            before = any(c > 0 and a in near for a, c in anchors.items())
            after = new_id in near or any(
                c - (a == old_id) > 0 and a in near for a, c in anchors.items())
            change += count * (int(after) - int(before))
        return change


def _travel_rows(scenario: Scenario, needs: list[ServiceNeed]) -> tuple[np.ndarray, np.ndarray]:
    """(km, travel measure) rows for ``needs`` against every site, with the solver's rules
    for which measure the travel term uses."""
    sub = scenario.replace(dataset=Dataset(scenario.dataset.sites, tuple(needs)))
    dist = candidate_distances(sub)
    return dist.km, dist.travel


def _travel_cost(scenario: Scenario, need: ServiceNeed, measure: float) -> float:
    cost = need.caseload * float(measure) * scenario.settings.travel_weight
    return float("inf") if cost != cost else cost  # 0 x inf (unreachable) is unreachable


def _scope(scenario: Scenario, tallies: _PlanTallies, need: ServiceNeed, km_row: np.ndarray,
           index: Mapping[str, int]) -> tuple[list[int], str]:
    """Column indices of the sites worth showing for ``need``, and words for that scope."""
    current = tallies.assignment[need.need_id]
    if scenario.settings.same_region:
        cols = list(tallies.region_cols.get(need.region, ()))
        words = f"in {need.region}"
    else:
        order = np.argsort(km_row, kind="stable")
        take = NEAREST_SITES
        if current is not None and np.isfinite(km_row[index[current]]):
            within = int(np.sum(km_row <= DISTANCE_FACTOR * km_row[index[current]]))
            take = max(take, min(within, MAX_SITES))
        cols = [int(j) for j in order[:take]]
        words = f"among the {min(take, len(order))} nearest sites"
    for sid in (current, scenario.pins.get(need.need_id)):
        j = index.get(sid) if sid is not None else None
        if j is not None and j not in cols:
            cols.append(j)
    return cols, words


class PlanExplainer:
    """Explanations of one plan, sharing its tallies and travel rows between calls.

    The module functions (:func:`site_options`, :func:`explain_need`,
    :func:`provider_options`) each build a throwaway one; a view that explains many needs of
    the same plan (an inspector following the selection, a report) keeps one instead.

    Raises
    ------
    ScenarioError
        When the plan places a need at a site the scenario does not have.
    """

    def __init__(self, scenario: Scenario, result: PlanResult):
        self.scenario = scenario
        self.result = result
        self._tallies = _PlanTallies(scenario, result.assignment)
        # the plan's rota (issue 17): who shares a day with their pair, who is in which day
        self._tallies.same_day = {a.need_id: a.same_day for a in result.allocations}
        self._daily = DailyCheck(scenario, self._tallies.site_needs)
        self._index = {s.site_id: j for j, s in enumerate(scenario.dataset.sites)}
        self._rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    # ---- public
    def site_options(self, need_id: str) -> list[SiteOption]:
        """See :func:`site_options`."""
        need = self._need(need_id)
        return self._options(need)[0]

    def explain_need(self, need_id: str) -> NeedExplanation:
        """See :func:`explain_need`."""
        need = self._need(need_id)
        options, words, in_scope = self._options(need)
        t = self._tallies
        site_id = t.assignment[need.need_id]
        current = next((o for o in options if o.is_current), None)
        travel = current.travel_cost if current is not None else 0.0
        terms = t.own_terms(need, travel)
        terms["same_day"] = -self.result.allocation(need.need_id).same_day_bonus
        return NeedExplanation(
            need=need,
            site_id=site_id,
            site_name=self.scenario.dataset.site(site_id).name if site_id else None,
            terms=MappingProxyType(terms),
            current=current,
            alternatives=tuple([o for o in options if o.allowed and not o.is_current]
                               [:ALTERNATIVES]),
            blocked=tuple(o for o in options if not o.allowed),
            sites_in_scope=in_scope,
            scope=words,
            unplaced_reason=self.result.allocation(need.need_id).unplaced_reason,
            pinned=need.need_id in self.scenario.pins,
            options=tuple(options),
        )

    def provider_options(self, provider: str) -> dict[str, list[SiteOption]]:
        """See :func:`provider_options`."""
        needs = [n for n in self.scenario.dataset.needs if n.provider == provider]
        if not needs:
            known = ", ".join(self.scenario.dataset.providers[:10])
            raise ScenarioError(f"no needs of provider '{provider}' in scenario "
                                f"'{self.scenario.name}' (providers: {known})")
        for n in needs:
            self._need(n.need_id)
        self._load_rows(needs)
        return {n.need_id: self._options(n)[0] for n in needs}

    def move_cost_changes(self, need_id: str,
                          site_ids: Iterable[str]) -> dict[str, dict[str, float]]:
        """See :func:`move_cost_changes`."""
        need = self._need(need_id)
        km_row, travel_row = self._row(need)
        cur = self._tallies.assignment[need_id]
        travel_old = (_travel_cost(self.scenario, need, travel_row[self._index[cur]])
                      if cur else 0.0)
        out = {}
        for sid in site_ids:
            j = self._index.get(sid)
            if j is None:
                raise ScenarioError(f"there is no site '{sid}' in scenario "
                                    f"'{self.scenario.name}'")
            out[sid] = self._tallies.move_delta(
                need, self.scenario.dataset.sites[j],
                _travel_cost(self.scenario, need, travel_row[j]), travel_old)
        return out

    # ---- internals
    def _need(self, need_id: str) -> ServiceNeed:
        ds = self.scenario.dataset
        if not ds.has_need(need_id):
            raise ScenarioError(f"there is no need '{need_id}' in scenario "
                                f"'{self.scenario.name}'")
        try:
            self.result.allocation(need_id)
        except KeyError:
            raise ScenarioError(f"the plan '{self.result.scenario_name}' has no allocation "
                                f"for need '{need_id}'") from None
        return ds.need(need_id)

    def _load_rows(self, needs: list[ServiceNeed]) -> None:
        """Travel rows of ``needs`` not seen yet, in one call to the travel model."""
        missing = [n for n in needs if n.need_id not in self._rows]
        if missing:
            km, travel = _travel_rows(self.scenario, missing)
            for i, n in enumerate(missing):
                self._rows[n.need_id] = (km[i], travel[i])

    def _row(self, need: ServiceNeed) -> tuple[np.ndarray, np.ndarray]:
        self._load_rows([need])
        return self._rows[need.need_id]

    def _options(self, need: ServiceNeed) -> tuple[list[SiteOption], str, int]:
        scenario, t = self.scenario, self._tallies
        km_row, travel_row = self._row(need)
        sites = scenario.dataset.sites
        current = t.assignment[need.need_id]
        cols, words = _scope(scenario, t, need, km_row, self._index)
        travel_old = (_travel_cost(scenario, need, travel_row[self._index[current]])
                      if current is not None else 0.0)
        out = []
        for j in cols:
            site = sites[j]
            km = float(km_row[j])
            reachable = bool(np.isfinite(km) and np.isfinite(travel_row[j]))
            blocks = pair_blocks(scenario, need, site, km if reachable else None)
            if not reachable:
                blocks.append(Block("R6", f"{site.name} cannot be reached on the travel "
                                          "network"))
            free = t.free_capacity(need, site)
            blocks += t.capacity_blocks(need, site, free)
            if not blocks:  # the weekly total has room: does a weekday?
                blocks += self._daily.blocks(need, site, self.result)
            travel_new = _travel_cost(scenario, need, float(travel_row[j]))
            delta = t.move_delta(need, site, travel_new, travel_old)
            worst = max(delta, key=lambda k: delta[k])
            out.append(SiteOption(
                site_id=site.site_id, site_name=site.name, site_kind=site.kind,
                women_only=site.women_only, allowed=not blocks, blocked_by=tuple(blocks),
                desk_cost=t.desk_cost(need, site), travel_km=km, travel_cost=travel_new,
                cost_change=float(sum(delta.values())),
                term_changes=MappingProxyType(delta),
                worse_term=worst if delta[worst] > 1e-9 else None,
                partners=t.partners(need, site.site_id), is_current=site.site_id == current,
                free_desk_days=free[0], free_room_days=free[1]))
        # allowed first, then cheapest first; on a tie the current site leads
        out.sort(key=lambda o: (not o.allowed, o.cost_change, not o.is_current, o.site_name))
        return out, words, len(cols)


def site_options(scenario: Scenario, result: PlanResult, need_id: str) -> list[SiteOption]:
    """The sites ``need_id`` could use in the plan ``result``, best first.

    Allowed sites come first, ranked by the change in the plan's objective if this need alone
    moved there (the current site, change 0, among them); blocked sites follow, each with the
    rules that stop it. The sites considered are those of the need's region when R5 is on,
    else the 30 nearest (up to 60 when many lie within 3x its current distance), plus its
    current and pinned sites.

    Raises
    ------
    ScenarioError
        For an unknown need, or a plan that places needs at sites the scenario lacks.
    """
    return PlanExplainer(scenario, result).site_options(need_id)


def explain_need(scenario: Scenario, result: PlanResult, need_id: str) -> NeedExplanation:
    """Why ``need_id`` sits where it does in ``result``: its cost terms, the next-best allowed
    sites with what they would cost and which term makes them worse, and for an unplaced need
    the rule that blocks each site of its region. ``.text()`` gives it in sentences."""
    return PlanExplainer(scenario, result).explain_need(need_id)


def provider_options(scenario: Scenario, result: PlanResult,
                     provider: str) -> dict[str, list[SiteOption]]:
    """:func:`site_options` for every need of ``provider`` (need_id -> ranked options), in the
    needs' input order. Shares one pass over the plan and one travel matrix across them."""
    return PlanExplainer(scenario, result).provider_options(provider)


def move_cost_changes(scenario: Scenario, result: PlanResult, need_id: str,
                      site_ids: Iterable[str]) -> dict[str, dict[str, float]]:
    """Per objective term, the change if ``need_id`` alone moved to each of ``site_ids``
    (whatever the rules say); the building block of ``SiteOption.cost_change``."""
    return PlanExplainer(scenario, result).move_cost_changes(need_id, site_ids)
