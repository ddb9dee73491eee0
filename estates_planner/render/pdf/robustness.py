"""The PDF's "Robustness to late changes" section (rows from :mod:`report.robustness`)."""

from __future__ import annotations

from estates_planner.render.pdf.document import Document
from estates_planner.render.pdf.tables import Table, flow_table, heading_with_table
from estates_planner.report.robustness import RobustnessContent

SECTION = "Robustness to late changes"


def layout_robustness(doc: Document, content: RobustnessContent | None) -> None:
    """Draw the section; nothing when the scenario has no stored study."""
    if content is None:
        return
    doc.bookmark(SECTION, 0)
    table = Table(["Plan after late changes", "P10", "P50", "P90"], content.plan_rows,
                  [2.4, 1, 1, 1], align_right=frozenset({1, 2, 3}))
    heading_with_table(doc, SECTION, table)
    doc.text(f"{content.samples} samples of late changes (seed {content.seed}); the plan "
             "adapted to each. Money is property cost a year in £.", doc.f_small)
    flow_table(doc, table, min_rows=1)
    if content.least_stable:
        table = Table(["Need", "Provider", "Site", "Stability", "Most frequent new site",
                       "Why it moves"], content.least_stable, [0.8, 1.2, 1.6, 0.8, 1.6, 1.2],
                      align_right=frozenset({3}), wrap=frozenset({2, 4, 5}))
        heading_with_table(doc, "Least stable placements", table)
        flow_table(doc, table, min_rows=1)
    if content.over_capacity:
        table = Table(["Site", "Over capacity before adapting", "P90 desk use"],
                      content.over_capacity, [2.4, 1.4, 1], align_right=frozenset({1, 2}))
        heading_with_table(doc, "Sites most often over capacity", table)
        flow_table(doc, table, min_rows=1)
    table = Table(["Plan", "Headroom", "Property cost P50 (£)", "Moves P50",
                   "Not placed P50", "Score (points)"], content.candidates,
                  [1.4, 0.8, 1.3, 0.9, 0.9, 1.1], align_right=frozenset({1, 2, 3, 4, 5}))
    heading_with_table(doc, "Candidate plans compared", table)
    flow_table(doc, table, min_rows=1)
    doc.text("The score is the optimiser's planning objective in points (weights and "
             "penalties), not money.", doc.f_small)
