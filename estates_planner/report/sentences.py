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


def weekly_line(section: SiteSection) -> str:
    """A site's weekly use in one line: desks by weekday when needs have fixed days, else the
    week's totals."""
    wk = section.weekly
    if wk.by_day is None:
        return (f"No fixed weekdays recorded: {wk.total_desk_days} of "
                f"{5 * wk.desks_per_day} desk-days a week, on average "
                f"{wk.total_desk_days / 5:.1f} of {wk.desks_per_day} desks a day.")
    from estates_planner.report.content import WEEKDAYS

    days = " · ".join(f"{d} {n}" for d, n in zip(WEEKDAYS, wk.by_day, strict=True))
    spread = wk.unscheduled_desk_days / 5
    extra = f", plus {spread:.1f} a day on a rota or any day" if spread else ""
    return f"Desks in use by weekday (of {wk.desks_per_day}): {days}{extra}."


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
