"""The headless command line: ``estates-planner COMMAND ...``.

Each command lives in its own module with ``register(subparsers)``, which adds a sub-parser
whose ``func(args) -> int`` does the work; the work itself is a use case
(:mod:`estates_planner.usecases`). Errors the user can cause (:class:`EstatesError`) are
printed to stderr and give exit status 2; nothing prints a raw traceback. The ``gui`` command
lives in ``ui/`` and is added by :mod:`estates_planner.launcher` (the installed program), so
that nothing here imports the GUI.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from estates_planner import __version__
from estates_planner.cli import (
    data_commands,
    export_command,
    project_commands,
    robustness_command,
    solve_command,
)
from estates_planner.errors import EstatesError

# modules that each add one or more sub-commands
COMMAND_MODULES: tuple[ModuleType, ...] = (
    data_commands,  # validate
    project_commands,  # import, info
    solve_command,  # solve
    export_command,  # export
    robustness_command,  # robustness
)


def build_parser(commands: Sequence[ModuleType] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="estates-planner",
        description="Plan where probation services sit: validate and import sites and needs, "
        "solve the allocation under the estates rules, and export site plans.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in commands:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None,
         commands: Sequence[ModuleType] = COMMAND_MODULES) -> int:
    parser = build_parser(commands)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except EstatesError as exc:
        print(f"estates-planner: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("estates-planner: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `estates-planner info x.gpkg | head`): not an error of ours
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
