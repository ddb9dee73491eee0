"""The estates rules as plain checks, shared by the optimiser, explanations and the provider view.

Capacity (R2) is not here: it depends on the whole plan, not on one need/site pair. Everything
else that can stop a need from using a site is, with a sentence a user can act on.
"""

from __future__ import annotations

from dataclasses import dataclass

from estates_planner.model import Lot, Scenario, ServiceNeed, Site, SiteKind


@dataclass(frozen=True, slots=True)
class Block:
    """Why one need may not use one site: ``rule`` is "R3".."R8", ``reason`` a sentence."""

    rule: str
    reason: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.reason}"


RULE_TITLES = {
    "R1": "every need placed once (strict mode)",
    "R2": "site capacity (desk-days and room-days a week)",
    "R3": "women's services only at women-only sites, and only they there",
    "R4": "wellbeing needs not at authority sites",
    "R5": "needs placed in their own region",
    "R6": "within the need's maximum travel distance",
    "R7": "site available by the go-live date (and, in a contract plan, all year)",
    "R8": "pins and exclusions",
}


def pair_blocks(scenario: Scenario, need: ServiceNeed, site: Site,
                distance_km: float | None) -> list[Block]:
    """Every rule, R3 to R8, that stops ``need`` from being placed at ``site``.

    An empty list means the pair is allowed (capacity permitting). ``distance_km`` is the
    travel distance used for R6 (network km when a network is loaded, else straight line).
    """
    s = scenario.settings
    blocks: list[Block] = []
    if s.women_only_sites:
        if need.lot is Lot.WOMENS and not site.women_only:
            blocks.append(Block("R3", f"{site.name} is not a women-only site"))
        elif need.lot is not Lot.WOMENS and site.women_only:
            blocks.append(Block("R3", f"{site.name} is women-only and hosts only women's "
                                      "services"))
    if (s.wellbeing_outside_authority and need.lot is Lot.WELLBEING
            and site.kind is SiteKind.AUTHORITY):
        blocks.append(Block("R4", f"{site.name} is an authority site; wellbeing providers are "
                                  "not based in probation offices"))
    if s.same_region and need.region != site.region:
        blocks.append(Block("R5", f"{site.name} is in {site.region}, not {need.region}"))
    if need.max_travel_km is not None and distance_km is not None \
            and distance_km > need.max_travel_km:
        blocks.append(Block("R6", f"{site.name} is {distance_km:.1f} km away, more than the "
                                  f"{need.max_travel_km:g} km allowed"))
    if s.go_live is not None and site.available_from is not None \
            and site.available_from > s.go_live:
        blocks.append(Block("R7", f"{site.name} is available from "
                                  f"{site.available_from.isoformat()}, after go-live "
                                  f"{s.go_live.isoformat()}"))
    if scenario.period_end is not None and site.available_until is not None \
            and site.available_until < scenario.period_end:
        blocks.append(Block("R7", f"{site.name}'s lease ends on "
                                  f"{site.available_until.isoformat()}, before "
                                  f"{scenario.period_end.isoformat()}"))
    if site.site_id in scenario.closed_sites:
        blocks.append(Block("R8", f"{site.name} is closed in this scenario"))
    if (need.need_id, site.site_id) in scenario.barred:
        blocks.append(Block("R8", f"{need.need_id} is barred from {site.name}"))
    pinned = scenario.pins.get(need.need_id)
    if pinned is not None and pinned != site.site_id:
        blocks.append(Block("R8", f"{need.need_id} is pinned to another site ({pinned})"))
    return blocks
