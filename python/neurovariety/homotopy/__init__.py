"""Monodromy machinery shared by every parameter homotopy of the package (critical points,
witness sets, fibres): solution sets deduplicated as functions, the loop driver, the trace test,
and the tracking outcomes. The systems themselves are the Rust core's.

>>> TRACE_RTOL
1e-10
"""

from .monodromy import LoopState, run_loops
from .solutions import DEDUP_RTOL, SolutionSet, collisions, projection_direction
from .trace import TRACE_RTOL, trace_deviation, trace_test
from .tracking import DETOURS, TrackingStopped, bent_route, evaluate_points, full_rank, track_points, track_rerouted

__all__ = ["DEDUP_RTOL", "DETOURS", "LoopState", "SolutionSet", "TRACE_RTOL", "TrackingStopped", "bent_route", "collisions",
           "evaluate_points", "full_rank", "projection_direction", "run_loops", "trace_deviation", "trace_test",
           "track_points", "track_rerouted"]
