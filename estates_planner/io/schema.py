"""The columns of the sites, needs and demand tables, in the order the docs and wizard show them.

Each definition is a ``ColumnSpec(name, required, description)``. The coordinate columns are
listed as optional here because a row may give its point in either of two pairs (``lon``/``lat``
or ``easting``/``northing``) or, in a spatial file, as geometry; the readers check that each
row has one of them.
"""

from __future__ import annotations

from typing import NamedTuple


class ColumnSpec(NamedTuple):
    """One column of an input table: its name (matched case-insensitively), whether it is
    required, and a sentence for the import wizard and the docs."""

    name: str
    required: bool
    description: str


COORDINATE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("lon", False, "Longitude in degrees, WGS84 (GPS), with 'lat'."),
    ColumnSpec("lat", False, "Latitude in degrees, WGS84 (GPS), with 'lon'."),
    ColumnSpec("easting", False, "Easting in metres, British National Grid, with 'northing'."),
    ColumnSpec("northing", False, "Northing in metres, British National Grid, with 'easting'."),
)

SITE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("site_id", True, "Unique reference of the site (text)."),
    ColumnSpec("name", False, "Name shown in the app and the site plan; the site_id if empty."),
    ColumnSpec("region", True, "Probation region the site is in, e.g. 'North East'."),
    ColumnSpec("pdu", False, "Probation delivery unit (PDU) the site is in."),
    ColumnSpec("kind", True, "authority (probation office), provider (provider-owned) or "
               "market (available to rent)."),
    ColumnSpec("women_only", False, "Whether only women's services may use the site "
               "(true/false, yes/no, y/n, 1/0); false if empty."),
    ColumnSpec("desks", True, "Desks available to providers (whole number ≥ 0)."),
    ColumnSpec("interview_rooms", True, "Interview rooms available (whole number ≥ 0)."),
    ColumnSpec("annual_cost_per_desk", True, "Annual cost of one desk in GBP (≥ 0)."),
    ColumnSpec("fit_out_cost", False, "One-off fit-out cost in GBP if the site is used "
               "(≥ 0, 0 if empty)."),
    ColumnSpec("available_from", False, "Date the site can first be used, ISO 8601 "
               "(YYYY-MM-DD); available now if empty."),
    ColumnSpec("available_until", False, "Last day the site can be used (lease end), ISO "
               "8601 (YYYY-MM-DD); open-ended if empty. Judged per year in a contract plan "
               "(contract_years > 1); a single-year plan ignores it."),
    ColumnSpec("step_free", False, "Whether the site has step-free access (true/false); "
               "unknown if empty."),
) + COORDINATE_COLUMNS

NEED_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("need_id", True, "Unique reference of the need (text)."),
    ColumnSpec("provider", True, "Name of the provider organisation."),
    ColumnSpec("lot", True, "ete, accommodation, wellbeing or womens."),
    ColumnSpec("region", True, "Probation region the service is delivered in."),
    ColumnSpec("pdu", True, "Probation delivery unit the service users belong to."),
    ColumnSpec("desks", True, "Desks needed on each day of attendance (whole number ≥ 0)."),
    ColumnSpec("interview_rooms", True, "Interview rooms needed on each day of attendance "
               "(whole number ≥ 0)."),
    ColumnSpec("days_per_week", True, "Days a week the provider is on site (whole number "
               "1 to 5)."),
    ColumnSpec("caseload", True, "Service users a year (≥ 0); weights travel distance."),
    ColumnSpec("max_travel_km", False, "Furthest a service user should travel, in km (> 0); "
               "no limit if empty."),
) + tuple(
    ColumnSpec(c.name, False, c.description + " Where service users come from; if empty, "
               "the PDU's demand point or the mean of the PDU's authority sites.")
    for c in COORDINATE_COLUMNS
)

DEMAND_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("pdu", True, "Probation delivery unit (unique)."),
) + tuple(
    ColumnSpec(c.name, False, c.description + " Where the PDU's service users come from.")
    for c in COORDINATE_COLUMNS
)

# The most that is believable in one cell; larger values are almost always typing slips
# (an extra zero, a pasted total), so they are reported instead of silently planned with.
MAX_DESKS = 10_000
MAX_ROOMS = 10_000
MAX_COST_PER_DESK_GBP = 1_000_000.0
MAX_FIT_OUT_GBP = 1_000_000_000.0
MAX_CASELOAD = 10_000_000.0
MAX_TRAVEL_KM = 1_500.0
