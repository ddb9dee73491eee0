"""Reading and validating input files: sites, service needs, demand points and boundaries.

Every reader returns what it could read plus a :class:`~estates_planner.errors.ValidationReport`
of every problem, located by file, spreadsheet row and column; none raises for a bad file.
The formats and messages are documented in ``docs/data-format.md``.
"""

from estates_planner.io.boundaries import read_boundaries
from estates_planner.io.dataset import check_across_files, load_dataset
from estates_planner.io.demand import read_demand
from estates_planner.io.needs import read_needs
from estates_planner.io.schema import DEMAND_COLUMNS, NEED_COLUMNS, SITE_COLUMNS, ColumnSpec
from estates_planner.io.sites import read_sites
from estates_planner.io.tables import table_columns

__all__ = [
    "DEMAND_COLUMNS",
    "NEED_COLUMNS",
    "SITE_COLUMNS",
    "ColumnSpec",
    "check_across_files",
    "load_dataset",
    "read_boundaries",
    "read_demand",
    "read_needs",
    "read_sites",
    "table_columns",
]
