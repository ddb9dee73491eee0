"""``estates-planner gui [PROJECT]``: start the desktop application.

A command of the ``estates-planner`` program that lives in ``ui/`` because it starts the GUI:
:mod:`estates_planner.launcher` adds it to the CLI's commands, so that ``cli/`` never imports
``ui/``. Qt is imported only when the command runs, so ``--help`` stays Qt-free.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="start the desktop application",
                       description="Start the desktop application, opening PROJECT if given, "
                       "else the last project, else the bundled sample.")
    p.add_argument("project", nargs="?", help="a project GeoPackage to open")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from estates_planner.ui.app import run_app  # Qt only when the GUI is asked for

    return run_app([args.project] if args.project else [])
