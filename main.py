"""Start the Estates Planner desktop application: ``python main.py [PROJECT.gpkg]``."""

import sys

from estates_planner.ui.app import run_app

if __name__ == "__main__":
    sys.exit(run_app(sys.argv[1:]))
