"""Sampled futures of a scenario: the late changes a plan has to survive.

A sample is a pure function of the scenario, the study's settings and the sample's index:
every random draw comes from a generator seeded with ``(seed, index, stream)``, so sample 17
is the same on any worker, in any order, and for every candidate plan that is tested on it.
Each kind of change draws from its own stream so that, say, turning site delays off does not
shift the volume changes that the other samples see.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from estates_planner.model import Dataset, Scenario, ServiceNeed, Site

# the streams of random numbers, one per kind of change
_VOLUMES, _LATE_NEEDS, _DELAYS, _LOSSES = range(4)
DELAY_MONTHS = 6  # a site that is not available yet slips by this much (the six months)
LATE_SUFFIX = "+late"  # late need ids are "<copied need id>+late<k>"


@dataclass(frozen=True)
class StudySettings:
    """The robustness study's settings (TOML keys as in :class:`model.Settings`)."""

    samples: int = 100
    seed: int = 0
    need_change_pct: float = 20.0
    late_need_rate: float = 0.05
    site_delay_prob: float = 0.1
    site_loss_prob: float = 0.02
    sample_work_limit: float = 2.0
    headroom_pct: tuple[float, ...] = (5.0, 10.0, 15.0)
    fresh: bool = False  # also solve each sample from scratch, for the chosen plan's regret

    @classmethod
    def from_scenario(cls, scenario: Scenario, **overrides: object) -> StudySettings:
        """The study settings stored with ``scenario``, with ``overrides`` (e.g. samples)."""
        st = scenario.settings
        values = {name: getattr(st, name) for name in st.STUDY_NAMES}
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["headroom_pct"] = tuple(float(v) for v in values["headroom_pct"])
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SampleChanges:
    """What changed in one sample, by index into the scenario's own needs and sites."""

    index: int
    volume_factor: tuple[float, ...]  # per need
    late_copies: tuple[int, ...]  # needs copied as late arrivals, in order
    delayed_sites: frozenset[int]  # slipped past go-live, so R7 now bars them
    lost_sites: frozenset[int]


def _rng(study: StudySettings, index: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([study.seed, index, stream]))


def draw_changes(scenario: Scenario, study: StudySettings, index: int) -> SampleChanges:
    """The changes of sample ``index`` (a pure function of its arguments)."""
    ds = scenario.dataset
    n, m = len(ds.needs), len(ds.sites)
    spread = study.need_change_pct / 100.0
    factors = _rng(study, index, _VOLUMES).uniform(1.0 - spread, 1.0 + spread, size=n)
    late_rng = _rng(study, index, _LATE_NEEDS)
    late_count = int(late_rng.binomial(n, study.late_need_rate)) if n else 0
    late = late_rng.integers(0, n, size=late_count) if late_count else np.zeros(0, dtype=int)
    go_live = scenario.settings.go_live
    delay_draw = _rng(study, index, _DELAYS).random(m)
    delayed = set()
    for j, site in enumerate(ds.sites):
        # only a site not yet available can slip, and only a slip past go-live matters
        if site.available_from is not None and delay_draw[j] < study.site_delay_prob:
            if go_live is not None \
                    and _months_later(site.available_from, DELAY_MONTHS) > go_live:
                delayed.add(j)
    loss_draw = _rng(study, index, _LOSSES).random(m)
    lost = {j for j in range(m) if loss_draw[j] < study.site_loss_prob}
    return SampleChanges(index, tuple(float(f) for f in factors),
                         tuple(int(k) for k in late), frozenset(delayed), frozenset(lost))


def sample_scenario(scenario: Scenario, changes: SampleChanges,
                    baseline: dict[str, str | None] | None) -> Scenario:
    """``scenario`` as sample ``changes`` has it, with ``baseline`` as the plan to adapt.

    Needs keep their order (the late ones follow), and sites too, so need and site indices
    mean the same in the scenario and in every sample.
    """
    ds = scenario.dataset
    needs = [_scaled(nd, f) for nd, f in zip(ds.needs, changes.volume_factor, strict=True)]
    for k, i in enumerate(changes.late_copies):
        needs.append(_late_copy(needs[i], k))
    sites = list(ds.sites)
    for j in changes.delayed_sites:
        sites[j] = _delayed(sites[j])
    closed = set(scenario.closed_sites) | {ds.sites[j].site_id for j in changes.lost_sites}
    dataset = Dataset(tuple(sites), tuple(needs), ds.demand)
    return scenario.replace(dataset=dataset, closed_sites=frozenset(closed), baseline=baseline,
                            name=f"{scenario.name} (sample {changes.index})")


def _scaled(need: ServiceNeed, factor: float) -> ServiceNeed:
    """Desks rounded up (a part of a desk is a desk), caseload scaled as drawn."""
    desks = math.ceil(need.desks * factor - 1e-9)
    return _replace_need(need, desks=desks, caseload=need.caseload * factor)


def _late_copy(need: ServiceNeed, k: int) -> ServiceNeed:
    return _replace_need(need, need_id=f"{need.need_id}{LATE_SUFFIX}{k}")


def _replace_need(need: ServiceNeed, **changes: object) -> ServiceNeed:
    return dataclasses.replace(need, **changes)  # type: ignore[arg-type]


def _delayed(site: Site) -> Site:
    assert site.available_from is not None
    return dataclasses.replace(site, available_from=_months_later(site.available_from,
                                                                  DELAY_MONTHS))


def _months_later(day: date, months: int) -> date:
    """The same day of the month ``months`` later (the month's last day when it is short)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover
