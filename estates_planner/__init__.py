"""Estates Planner: where probation services sit.

Layers, each importing only from those below it (docs/architecture.md draws them; the import
contracts in pyproject.toml, run by tests/test_architecture.py, enforce them)::

    launcher
    ui | cli            widgets (ui) and the headless commands (cli); neither imports the other
    render              drawing with QtGui only: the PDF site plan and map painting
    usecases            import, solve in a project, export, compare: what the CLI and the app call
    scenarios           plan comparison
    report              the report's content, KPIs, the rows each export holds
    workspace | recovery | sample_data
    project             the Project object and its scenario rules
    travel              road networks, travel models and the one travel resolver
    io                  every file format (input tables, settings TOML, project GeoPackage,
                        allocation CSV, XLSX, results GeoPackage)
    optimise            the allocation model and solver; PlanResult
    geo                 the TravelModel protocol, straight lines
    model | errors

Only ``ui/`` and ``render/`` import Qt (``render/`` QtGui only); no module imports another in
a loop.
"""

__version__ = "0.1.0"
PROJECT_FORMAT_VERSION = 1
