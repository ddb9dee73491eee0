"""The installed ``estates-planner`` program: the CLI's commands plus ``gui``.

The one module above both ``cli/`` and ``ui/``: it puts the GUI's command next to the headless
ones, so ``cli/`` imports nothing of ``ui/`` and runs where Qt's widgets cannot be imported.
"""

from __future__ import annotations

from collections.abc import Sequence

from estates_planner.cli import COMMAND_MODULES, build_parser
from estates_planner.cli import main as cli_main
from estates_planner.ui import gui_command

COMMANDS = (*COMMAND_MODULES, gui_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``estates-planner`` with every command, ``gui`` included."""
    return cli_main(argv, COMMANDS)


def parser():  # noqa: ANN201 - argparse.ArgumentParser
    """The program's argument parser (for its help text and tests)."""
    return build_parser(COMMANDS)
