"""Studies that run many solves: the late-data robustness study (docs/robustness.md).

Public API: :class:`StudySettings` (``from_scenario``), :func:`run_study` (on Dask, or
inline), :class:`StudyProgress`, :class:`StudyResult` with its :class:`CandidateFigures`,
:func:`store_study` (into ``project.tables``), :func:`stored_stability`,
:func:`adopt_candidate`, and the pure pieces a worker runs: :func:`draw_changes`,
:func:`run_sample`, :func:`solve_fixed_work`. The core imports Dask only when a study runs
on it.
"""

from estates_planner.studies.aggregate import (
    NEEDS_TABLE,
    PLANS_TABLE,
    SITES_TABLE,
    CandidateFigures,
    StudyResult,
    adopt_candidate,
    store_study,
    stored_stability,
)
from estates_planner.studies.fixed_work import solve_fixed_work
from estates_planner.studies.runner import StudyProgress, run_study, wait_for_cleanup
from estates_planner.studies.samples import StudySettings, draw_changes
from estates_planner.studies.tasks import CHOSEN, run_sample

__all__ = [
    "CHOSEN",
    "NEEDS_TABLE",
    "PLANS_TABLE",
    "SITES_TABLE",
    "CandidateFigures",
    "StudyProgress",
    "StudyResult",
    "StudySettings",
    "adopt_candidate",
    "draw_changes",
    "run_sample",
    "run_study",
    "solve_fixed_work",
    "store_study",
    "stored_stability",
    "wait_for_cleanup",
]
