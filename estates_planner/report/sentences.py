"""The sentences the PDF site plan prints, as plain text (no Qt, no layout).

The layout in :mod:`estates_planner.render.pdf` places these; keeping the wording here means
it can be read, reviewed and tested without drawing a page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from estates_planner.report.content import (  # noqa: F401 (travel_measure_text: re-exported)
    ReportContent,
    SiteSection,
    percent,
    travel_measure_text,
)

# the site kinds' long labels (table headers) and the short ones a narrow column takes
_SHORT_KINDS = {"Authority (probation office)": "Authority", "Provider-owned": "Provider",
                "Market property": "Market"}


def project_display_name(project: Any) -> str:
    """The name the report gives the project: its title, a name in its metadata, its file
    name, or "Estates Planner project"."""
    title = getattr(project, "title", None)
    if isinstance(title, str) and title:
        return title
    meta = getattr(project, "metadata", None) or {}
    for key in ("name", "project_name", "title"):
        if meta.get(key):
            return str(meta[key])
    path = getattr(project, "path", None)
    return Path(path).stem if path else "Estates Planner project"


def short_kind_label(header: str) -> str:
    """"Authority" for "Authority (probation office)", and so on; other text unchanged."""
    return _SHORT_KINDS.get(header, header)


def summary_about(content: ReportContent) -> str:
    """The line under the summary's title: the plan's status, and for a limited report what
    its figures count."""
    if content.whole_plan:
        return f"{content.status_text}."
    status = content.status_text.replace("Plan status:", "Whole plan:", 1)
    return ("Counts only this report's sites and its regions' unplaced needs, so the "
            f"figures add up to the pages that follow. {content.summary_note} {status}."
            ).replace("  ", " ")


def locations_note() -> str:
    """What the locations-per-PDU table counts (a plan without service-user journeys)."""
    return ("Distinct sites used by the needs of each probation delivery unit (PDU); each "
            "counts towards the separate-locations term.")


def service_users_note(content: ReportContent) -> str:
    """What the service-users table counts and how its journeys are measured."""
    return ("Locations: distinct sites the people of each probation delivery unit (PDU) "
            "attend for the services they need (each counts towards the separate-locations "
            "term). Journey: the mean from the PDU's service-user point to those sites. "
            f"{travel_measure_text(content.service_user_travel)}."
            + (" Locations count every site the PDU's people attend, also those outside the "
               "sites chosen for this report, so they can exceed the summary's separate "
               "locations." if content.sites_chosen else ""))


def sites_in_region(count: int) -> str:
    """"3 sites used in this region"."""
    return f"{count} site{'s' if count != 1 else ''} used in this region"


def capacity_line(label: str, used: int, available: int) -> str:
    """"Desk-days a week: 12 of 20 used (60%)"."""
    return f"{label}: {used} of {available} used ({percent(used, available)})"


def appendix_note(content: ReportContent) -> str:
    """The line under the appendix heading: how many needs, which part, travel from where."""
    scope = content.scope_text[:1].lower() + content.scope_text[1:]  # "regions: London"
    return (f"{len(content.appendix)} needs ({scope}). Travel is from the need's "
            "service-user point to its site.")


def footer_left(content: ReportContent) -> str:
    """The footer's left part: project · scenario · date."""
    return (f"{content.project_name} · {content.scenario_name} · "
            f"{content.created.strftime('%-d %B %Y')}")


def card_facts_line(section: SiteSection) -> str:
    """A site card's facts as one paragraph: "Women-only: no · Capacity: 15 desks, ..."
    (the kind is in the card's title bar)."""
    return " · ".join(f"{label}: {value}" for label, value in section.facts
                      if label != "Kind")


# under a region's heading: how to read the week on each of its site cards
WEEK_GRID_NOTE = ("Week: a bar on each day a need is in, with its desks (outlined: a day its "
                  "data fixes); below, the desks in use each day, and the interview rooms "
                  "where a day uses them all.")


def day_use_text(used: int, available: int) -> str:
    """A day's use in a card's week: "6", or "12 over" past what the site has."""
    return f"{used} over" if used > available else str(used)


def desks_row_label(section: SiteSection) -> str:
    """The first cell of a card's desk row: "Desks in use of 16 (31 of 80 desk-days a
    week)" -- the week's total stays on the card without a chart of its own."""
    week = section.week
    desks = week.days[0].desks if week.days else 0
    return (f"Desks in use of {desks} ({section.desk_days_used} of "
            f"{section.desk_days_available} desk-days a week)")


def rooms_row_label(section: SiteSection) -> str:
    """"Interview rooms in use of 4"."""
    rooms = section.week.days[0].rooms if section.week.days else 0
    return f"Interview rooms in use of {rooms}"


def week_missing_text(section: SiteSection) -> str:
    """For a plan without weekdays (solved before the weekly rota, or costed from a file
    without them): which needs have none, and what to do; else ""."""
    missing = section.week.without_days
    if not missing:
        return ""
    names = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6
                                      else "")
    return (f"The plan gives no weekdays for {names} (made before the weekly rota): "
            "solve again for the site's week.")


def nearby_partners_text(section: SiteSection, limit: int | None = None) -> str:
    """Providers at other used sites within the pairing radius (those at the site itself are
    the card's occupants); with ``limit``, at most that many and how many more."""
    near = [f"{q.provider} ({q.lot}) at {q.where}" for q in section.partners
            if q.where != "same site"]
    if not near:
        return "Nearby partners within the pairing radius: none."
    more = ""
    if limit is not None and len(near) > limit:
        more = f"; and {len(near) - limit} more"
        near = near[:limit]
    return "Nearby partners within the pairing radius: " + "; ".join(near) + more + "."


def toc_sites_text(pages: list[tuple[int, list[str]]]) -> str:
    """The sites of a region in the table of contents, by page: "p. 6: A, B · p. 7: C"."""
    return " · ".join(f"p. {page}: " + ", ".join(names) for page, names in pages)
