import sys

from estates_planner.cli import main

sys.exit(main())
