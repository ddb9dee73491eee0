"""The use cases: what a planner does with a project, once, for the CLI and the app alike.

Qt-free and free of presentation: each function takes a :class:`~estates_planner.project.Project`
and plain arguments, takes ``progress``/``cancel`` where the work is long, raises
:class:`~estates_planner.errors.EstatesError` subclasses for what a user can fix, and returns
values. ``cli/`` prints what they return and ``ui/`` shows it; neither holds a business rule.

- :func:`import_files` – a new project from input files; :func:`dataset_with_table` – one
  table imported into an open project.
- :func:`solve_in_project` – solve a scenario with the project's travel model, warm-started
  from its last plan; :func:`keep_plan` stores the plan.
- :func:`export_plan` – write a plan as CSV, XLSX, GeoPackage and/or PDF (the caller passes
  the PDF writer, which needs Qt).
- :func:`compare` – what changes between the plans of two scenarios.
"""

from estates_planner.usecases.comparing import compare
from estates_planner.usecases.exporting import (
    EXPORT_FORMATS,
    EXPORT_SUFFIXES,
    PDF_LAYOUTS,
    ExportedFile,
    export_plan,
)
from estates_planner.usecases.importing import (
    FILE_KINDS,
    TABLE_KINDS,
    Imported,
    dataset_with_table,
    guess_file_kind,
    import_chosen_files,
    import_files,
    input_files,
    read_boundary_layers,
)
from estates_planner.usecases.solving import (
    Solved,
    keep_plan,
    solve_in_project,
    warm_start_from,
)

__all__ = [
    "EXPORT_FORMATS", "EXPORT_SUFFIXES", "FILE_KINDS", "PDF_LAYOUTS", "TABLE_KINDS",
    "ExportedFile", "Imported",
    "Solved", "compare", "dataset_with_table", "export_plan", "guess_file_kind",
    "import_chosen_files", "import_files", "input_files", "keep_plan",
    "read_boundary_layers", "solve_in_project", "warm_start_from",
]
