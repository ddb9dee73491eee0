"""``estates-planner import ...`` and ``estates-planner info PROJECT``: make, inspect projects."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from estates_planner.cli.data_commands import add_max_rows
from estates_planner.errors import ProjectFileError
from estates_planner.io.limits import input_limits
from estates_planner.project import Project, save_project
from estates_planner.usecases import import_files


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="validate sites and needs files and save them as a new project",
        description="Read and check the sites and needs files (and the optional demand, "
        "boundary and settings files) exactly as 'validate' does. If any file has errors, "
        "print every problem and write nothing (exit status 1). Otherwise save a project "
        "GeoPackage with the data, the boundary layers and one scenario called 'Baseline' "
        "with the given settings (or the defaults). An existing project file is replaced; "
        "its previous version is kept next to it as NAME.gpkg.bak.",
        epilog="example: estates-planner import data/sites.csv data/needs.csv "
        "--demand data/demand.csv --boundaries data/boundaries.gpkg -o my_project.gpkg")
    p.add_argument("sites", type=Path, help="the sites file (CSV, XLSX, GeoPackage, GeoJSON or "
                   "Shapefile; see docs/data-format.md)")
    p.add_argument("needs", type=Path, help="the service needs file (same formats)")
    p.add_argument("--demand", type=Path, metavar="FILE",
                   help="optional table of PDU points, used to place needs without coordinates")
    p.add_argument("--boundaries", type=Path, metavar="FILE", nargs="+", action="extend",
                   default=[], help="polygon files to show on the map (e.g. regions); each "
                   "polygon layer of a GeoPackage becomes one layer, other files one layer "
                   "named after the file")
    p.add_argument("--settings", type=Path, metavar="FILE.toml",
                   help="scenario settings for the 'Baseline' scenario (keys as the setting "
                   "names, e.g. travel_weight = 2.0, go_live = 2027-04-01)")
    p.add_argument("--network", type=Path, metavar="FILE",
                   help="a road network (line layer with a CRS, or GraphML; a 'speed_kmh' or "
                   "'minutes' column gives travel times) stored in the project for travel "
                   "by road; see docs/travel.md")
    p.add_argument("--title", help="the project's title (default: the output file's name)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="PROJECT.gpkg",
                   help="the project file to write")
    add_max_rows(p)
    p.set_defaults(func=run_import)

    p = sub.add_parser(
        "info", help="summarise a project: data, scenarios, results, metadata",
        description="Print a project's title, its sites by kind and region, its needs by lot "
        "and region, its layers, each scenario with the settings that differ from the "
        "defaults and its pins and exclusions, the latest plan of each scenario (objective, "
        "status, gap) if it has been solved, and the project's metadata.",
        epilog="example: estates-planner info data/sample_project.gpkg")
    p.add_argument("project", type=Path, help="a project GeoPackage")
    p.set_defaults(func=run_info)


# ----------------------------------------------------------------------------- import


def run_import(args: argparse.Namespace) -> int:
    output: Path = args.output
    if output.suffix.lower() != ".gpkg":
        raise ProjectFileError(f"{output.name}: the project file name must end in .gpkg")
    with input_limits(max_rows=args.max_rows):
        imported = import_files(args.sites, args.needs, demand=args.demand,
                                boundaries=args.boundaries, settings=args.settings,
                                network=args.network, title=args.title or output.stem)
    report = imported.report
    for line in report.format().splitlines():
        print(line, file=sys.stderr)
    n_err, n_warn = len(report.errors), len(report.warnings)
    project = imported.project
    if n_err or project is None:
        print(f"FAILED: {n_err} error{_s(n_err)}, {n_warn} warning{_s(n_warn)}; "
              f"{output} was not written", file=sys.stderr)
        return 1
    dataset, layers, network = project.dataset, imported.layers, imported.network
    existed = output.exists()
    save_project(project, output)
    print(f"Wrote {output}: {len(dataset.sites)} site{_s(len(dataset.sites))}, "
          f"{len(dataset.needs)} need{_s(len(dataset.needs))}, "
          f"{len(dataset.demand)} demand point{_s(len(dataset.demand))}"
          + (f", layers {', '.join(layers)}" if layers else "")
          + (f", a travel network of {network.total_length_km:,.0f} km"
             if network is not None else "")
          + f"; scenario '{project.scenarios[0].name}'"
          + (f" ({n_warn} warning{_s(n_warn)})" if n_warn else ""))
    if existed:
        print(f"The previous version is kept as {output.name}.bak")
    return 0


# ----------------------------------------------------------------------------- info


def run_info(args: argparse.Namespace) -> int:
    from estates_planner.project import open_project

    project = open_project(args.project)
    print("\n".join(describe_project(project)))
    return 0


def describe_project(project: Project) -> list[str]:
    """The lines ``estates-planner info`` prints; kept apart so that tests can read them."""
    from estates_planner import PROJECT_FORMAT_VERSION
    from estates_planner.model import Lot, SiteKind

    ds = project.dataset
    lines = [f"Project: {project.title}"]
    if project.path is not None:
        version = project.metadata.get("app_version", "unknown")
        lines.append(f"File: {project.path} (project format {PROJECT_FORMAT_VERSION}, saved "
                     f"with Estates Planner {version})")
    if project.metadata.get("note"):
        lines.append(f"Note: {project.metadata['note']}")

    lines += ["", f"Sites: {len(ds.sites)}"]
    kinds = [k.value for k in SiteKind]
    rows = []
    for region in sorted({s.region for s in ds.sites}):
        mine = [s for s in ds.sites if s.region == region]
        count = Counter(s.kind.value for s in mine)
        rows.append([region, *(count[k] for k in kinds), sum(s.women_only for s in mine),
                     len(mine)])
    count = Counter(s.kind.value for s in ds.sites)
    rows.append(["All regions", *(count[k] for k in kinds), sum(s.women_only for s in ds.sites),
                 len(ds.sites)])
    lines += _table(["region", *kinds, "women-only", "total"], rows)

    lines += ["", f"Needs: {len(ds.needs)}"]
    lots = [lot.value for lot in Lot]
    rows = []
    for region in sorted({n.region for n in ds.needs}):
        count = Counter(n.lot.value for n in ds.needs if n.region == region)
        rows.append([region, *(count[lot] for lot in lots), sum(count.values())])
    count = Counter(n.lot.value for n in ds.needs)
    rows.append(["All regions", *(count[lot] for lot in lots), len(ds.needs)])
    lines += _table(["region", *lots, "total"], rows)
    by_source = Counter(n.location_source for n in ds.needs)
    if by_source.get("demand") or by_source.get("authority mean"):
        lines.append(f"  service-user points: {by_source.get('own', 0)} from the needs file, "
                     f"{by_source.get('demand', 0)} from the demand table, "
                     f"{by_source.get('authority mean', 0)} from the mean of the PDU's "
                     "authority sites")
    lines.append(f"Demand points: {len(ds.demand)}")

    layer_text = ", ".join(f"{name} ({len(gdf)} feature{_s(len(gdf))})"
                           for name, gdf in project.layers.items()) or "none"
    lines += ["", f"Map layers: {layer_text}"]
    network = project.network
    lines.append("Travel network: " + ("none" if network is None else
                                       f"{len(network)} line{_s(len(network))}"))
    if project.tables:
        lines.append("Other tables: " + ", ".join(f"{name} ({len(t)} row{_s(len(t))})"
                                                  for name, t in project.tables.items()))

    lines += ["", f"Scenarios: {len(project.scenarios)}"]
    for scenario in project.scenarios:
        lines.append(f"  {scenario.name}" + (f": {scenario.description}"
                                             if scenario.description else ""))
        lines += [f"    {line}" for line in _scenario_lines(scenario)]

    lines += ["", "Results:" if project.results else "Results: none (not solved yet)"]
    for name, result in project.results.items():
        lines.append(f"  {name}: {_result_line(result)}")

    shown = {"title", "note", "app_version"}
    extra = {k: v for k, v in project.metadata.items() if k not in shown}
    if extra:
        lines += ["", "Metadata:"]
        lines += [f"  {k}: {v}" for k, v in extra.items()]
    return lines


def _scenario_lines(scenario) -> list[str]:
    from estates_planner.io.settings_toml import settings_to_dict
    from estates_planner.model import Settings

    default = settings_to_dict(Settings())
    mine = settings_to_dict(scenario.settings)
    changed = [f"{k} = {_value(v)} (default {_value(default[k])})" for k, v in mine.items()
               if v != default[k]]
    lines = ["settings: " + ("; ".join(changed) if changed else "all defaults")]
    if scenario.closed_sites:
        lines.append(f"closed sites: {_list(sorted(scenario.closed_sites))}")
    if scenario.pins:
        lines.append(f"pins: {_list(f'{n} -> {s}' for n, s in scenario.pins.items())}")
    if scenario.barred:
        lines.append(f"barred pairs: {_list(f'{n} x {s}' for n, s in sorted(scenario.barred))}")
    if scenario.capacity_overrides:
        parts = []
        for site, o in scenario.capacity_overrides.items():
            what = [f"{o.desks} desks" if o.desks is not None else "",
                    f"{o.interview_rooms} rooms" if o.interview_rooms is not None else ""]
            parts.append(f"{site}: {', '.join(w for w in what if w)}")
        lines.append(f"capacity changes: {_list(parts)}")
    if scenario.baseline is not None:
        lines.append(f"baseline plan: {len(scenario.baseline)} need{_s(len(scenario.baseline))}"
                     " (moves are penalised)")
    return lines


def _result_line(result) -> str:
    import math

    text = f"{result.status}, objective £{result.objective:,.0f}"
    if math.isfinite(result.gap) and result.status not in ("greedy", "evaluated"):
        text += f" (bound £{result.bound:,.0f}, gap {100 * result.gap:.2f}%)"
    unplaced = len(result.unplaced)
    text += f"; {len(result.allocations) - unplaced} placed, {unplaced} unplaced"
    text += f"; {result.seconds:.1f} s"
    return text


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    return str(value)


def _list(items: Iterable[str], limit: int = 10) -> str:
    items = list(items)
    text = ", ".join(items[:limit])
    return text + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def fmt(row: Sequence[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        return "  " + "  ".join([first, *rest])

    return [fmt(r) for r in cells]


def _s(n: int) -> str:
    return "" if n == 1 else "s"
