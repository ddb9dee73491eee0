import sys

from estates_planner.launcher import main

sys.exit(main())
