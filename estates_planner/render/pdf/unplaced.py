"""The PDF section "Needs not placed and long journeys" (issue #13, in the full and the
summary layouts): what the app's unplaced panel shows, on paper.

For each need not placed: the nearest site it could use but for one obstacle, and the
smallest single change that would place it, both from :func:`optimise.suggest.advise_unplaced`
(each change verified by the rules code). Then every placed need whose journey is longer
than the scenario's ``journey_warning_km`` (:func:`optimise.suggest.long_journeys`).
Both lists count only the needs the summary counts (a region report: its region's).
"""

from __future__ import annotations

from estates_planner.model import Scenario
from estates_planner.optimise.result import PlanResult
from estates_planner.optimise.suggest import advise_unplaced, long_journeys
from estates_planner.render.pdf.document import MUTED, Document
from estates_planner.render.pdf.tables import Table, flow_table, heading_with_table
from estates_planner.report.content import SHORT_LOT, plural

TITLE = "Needs not placed and long journeys"
_NEAREST_PREFIX = "Nearest site it could use but for one obstacle: "


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def unplaced_rows(doc: Document, scenario: Scenario,
                  result: PlanResult) -> list[list[str]]:
    """(need, provider, region, desks, nearest blocked site, smallest change) per need not
    placed that the summary counts, in the summary's order."""
    ds = scenario.dataset
    unplaced = [u for u in doc.content.unplaced if ds.has_need(u[0])]
    advice = advise_unplaced(scenario, result, [u[0] for u in unplaced])
    rows = []
    for need_id, provider, _lot, region, reason in unplaced:
        need = ds.need(need_id)
        a = advice.get(need_id)
        if a is None or a.nearest is None:
            nearest = f"None with only one obstacle. Why not placed: {reason}"
        else:
            nearest = _sentence(a.nearest_text.removeprefix(_NEAREST_PREFIX))
        best = a.best if a is not None else None
        change = _sentence(best.text) + "." if best else "No single change places it."
        rows.append([need_id, f"{provider} ({SHORT_LOT[need.lot]})", region,
                     str(need.desks), nearest, change])
    return rows


def journey_rows(doc: Document, scenario: Scenario, result: PlanResult) -> list[list[str]]:
    """(need, provider, PDU, site, km) per placed need the summary counts whose journey is
    longer than the warning distance, longest first."""
    ds = scenario.dataset
    counted = doc.content.summary_need_ids
    rows = []
    for j in long_journeys(scenario, result, scenario.settings.journey_warning_km):
        if j.need_id not in counted or not ds.has_need(j.need_id) \
                or not ds.has_site(j.site_id):
            continue
        need = ds.need(j.need_id)
        rows.append([j.need_id, f"{need.provider} ({SHORT_LOT[need.lot]})", need.pdu,
                     ds.site(j.site_id).name, f"{j.distance_km:,.1f}"])
    return rows


def layout_unplaced_and_journeys(doc: Document, scenario: Scenario, result: PlanResult,
                                 limit: int | None = None) -> None:
    """The section: the needs not placed with their nearest blocked site and smallest
    change, then the long journeys; each list cut at ``limit`` rows ("and N more")."""
    warning_km = scenario.settings.journey_warning_km
    unplaced = unplaced_rows(doc, scenario, result)
    journeys = journey_rows(doc, scenario, result)
    doc.bookmark(TITLE, 0)
    counts = (f"{plural(len(unplaced), 'need')} not placed; "
              f"{plural(len(journeys), 'placed need')} with a journey over {warning_km:g} km "
              "(the scenario's journey warning distance).")
    intro = counts if not unplaced else (
        counts + " For each need not placed: the nearest site it could use but for one "
        "obstacle, and the smallest single change that would place it, checked against the "
        "rules.")
    if not unplaced:
        doc.heading(TITLE, doc.f_h2, keep_with_mm=12)
        doc.text(intro, doc.f_small, color=MUTED)
    else:
        shown = unplaced[:limit]
        if len(unplaced) > len(shown):
            shown.append(["", f"and {len(unplaced) - len(shown)} more: see the full site "
                          "plan or the app's unplaced panel", "", "", "", ""])
        table = Table(["Need", "Provider", "Region", "Desks",
                       "Nearest site it could use, and what stops it",
                       "Smallest change that would place it"], shown,
                      [0.7, 1.7, 1.3, 0.5, 3.4, 2.6], align_right=frozenset({3}),
                      wrap=frozenset({1, 2, 4, 5}))
        heading_with_table(doc, TITLE, table)
        doc.text(intro, doc.f_small, color=MUTED)
        flow_table(doc, table, min_rows=1)
    if journeys:
        shown = journeys[:limit]
        if len(journeys) > len(shown):
            shown.append(["", f"and {len(journeys) - len(shown)} more", "", "", ""])
        table = Table(["Need", "Provider", "PDU", "Site", "Km"], shown,
                      [0.7, 2.2, 1.6, 2.6, 0.6], align_right=frozenset({4}),
                      wrap=frozenset({1, 2, 3}))
        heading_with_table(doc, f"Journeys over {warning_km:g} km", table)
        flow_table(doc, table, min_rows=1)
    doc.y += doc.mm(2)
