"""The PDF's "Contract years" section (issue 15): terms by year with totals, property cost by
year, the comparison, each used site's occupancy by year and the moves by year with why.

Money (property cost) is in £; the optimiser's terms, score and savings in points, never £
(issue 13). The content is report.multiyear's; this module only lays it out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from estates_planner.model import Scenario
from estates_planner.optimise.multiyear.result import MultiYearResult
from estates_planner.ramp import Ramp
from estates_planner.render.pdf.document import Document
from estates_planner.render.pdf.tables import Table, flow_table, heading_with_table
from estates_planner.report.multiyear import (
    comparison_rows,
    explain_moves,
    occupancy_by_year,
    property_cost_by_year,
    terms_by_year,
)

SECTION_TITLE = "Contract years"


def _points(x: float) -> str:
    return "–" if not math.isfinite(x) else f"{x:,.0f} pts"


def _pounds(x: float) -> str:
    return f"£{x:,.0f}"


def _widths(first: float, n: int) -> list[float]:
    return [first, *[(1.0 - first) / n] * n]


def layout_contract_years(doc: Document, scenario: Scenario, ramp: Ramp,
                          result: MultiYearResult,
                          comparison: Sequence[tuple[str, float, float, float]] | None = None,
                          *, short: bool = False) -> None:
    """Lay the section out from the cursor on a new page. ``comparison`` rows (label, score,
    saving, saving fraction) default to the result's own (a plan solved, not re-priced);
    ``short`` (the summary layout) leaves out the occupancy table."""
    n = len(result.years)
    years = [f"Year {k}" for k in range(1, n + 1)]
    doc.new_page()
    doc.bookmark(SECTION_TITLE)
    doc.heading(SECTION_TITLE, doc.f_h1)
    doc.text(f"{n} contract years planned together for {scenario.name}: optimiser score "
             f"{_points(result.objective)} over the horizon, {len(result.moves)} moves between "
             "years. Property cost is money (£); the score, its terms and the savings are "
             "planning points, not money.", doc.f_body)

    rows = [[label, *[_points(v) for v in values], *[""] * (n - len(values)), _points(total)]
            for label, values, total in terms_by_year(result)]
    table = Table(["Term", *years, "Horizon"], rows, _widths(0.3, n + 1),
                  align_right=frozenset(range(1, n + 2)), wrap=frozenset({0}),
                  bold_rows=frozenset({len(rows) - 1}))
    heading_with_table(doc, "Optimiser terms by year (points)", table)
    flow_table(doc, table)

    cost = property_cost_by_year(scenario, result)
    cost_table = Table(["Money", *years, "Total"],
                       [["Property cost (desks, fit-out when first used)",
                         *[_pounds(c) for c in cost], _pounds(sum(cost))]],
                       _widths(0.3, n + 1), align_right=frozenset(range(1, n + 2)),
                       wrap=frozenset({0}))
    heading_with_table(doc, "Property cost by year (£)", cost_table)
    flow_table(doc, cost_table)

    compared = list(comparison_rows(result) if comparison is None else comparison)
    rows = [["This plan (all years together)", _points(result.objective), "", ""]]
    rows += [[label, _points(score), _points(saving),
              "–" if not math.isfinite(share) else f"{100 * share:.1f} %"]
             for label, score, saving, share in compared]
    table = Table(["Plan", "Score", "Saving", "Saving %"], rows, [0.46, 0.18, 0.18, 0.18],
                  align_right=frozenset({1, 2, 3}), wrap=frozenset({0}))
    heading_with_table(doc, "Comparison (points)", table)
    flow_table(doc, table)
    if not compared:
        doc.text("The comparison with planning year by year is kept when the plan is solved; "
                 "plan the contract years again to see it.", doc.f_small)

    if not short:
        names = {s.site_id: s.name for s in scenario.dataset.sites}
        rows = []
        for site_id, per_year in occupancy_by_year(scenario, ramp, result).items():
            if not any(y.desk_days_used for y in per_year):
                continue
            rows.append([names[site_id], *[
                f"{y.desk_days_used}/{y.desk_days_available}" if y.available else "closed"
                for y in per_year]])
        rows.sort(key=lambda r: r[0])
        table = Table(["Site (desk-days a week used/available)", *years], rows,
                      _widths(0.4, n), align_right=frozenset(range(1, n + 1)),
                      wrap=frozenset({0}))
        heading_with_table(doc, "Occupancy by year", table)
        flow_table(doc, table)

    moves = explain_moves(scenario, ramp, result)
    ds = scenario.dataset
    rows = [[f"Year {m.year}", m.need_id,
             f"{ds.site(m.from_site).name} → {ds.site(m.to_site).name}", m.why]
            for m in sorted(moves, key=lambda m: (m.year, m.need_id))]
    if rows:
        table = Table(["Year", "Need", "From → to", "Why"], rows, [0.09, 0.13, 0.36, 0.42],
                      wrap=frozenset({1, 2, 3}))
        heading_with_table(doc, "Moves between years", table)
        flow_table(doc, table)
    else:
        doc.heading("Moves between years", doc.f_h2)
        doc.text("No need moves between years.", doc.f_body)
