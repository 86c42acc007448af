"""From generic parameters to the actual loss: one parameter homotopy for all critical points.

All paths take the same route (via a random complex node: the gamma trick). Two routes differ by
a monodromy loop, so mixing them would permute solutions. Failed paths are retracked on the same
route with cautious settings; if some still fail, or two paths meet (path jumping), everything is
retracked on a fresh route, and the best attempt is kept.

>>> CAREFUL["max_step"]
0.05
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..homotopy import SolutionSet, collisions
from .monodromy import random_node
from .problem import LossProblem
from .system import CriticalSystem, valid_endpoints

__all__ = ["TargetPoints", "track_to_target", "CAREFUL"]

#: Tracker settings of the second, cautious attempt at a failed path.
CAREFUL = {"max_step": 0.05, "predictor_trust": 0.03, "max_steps": 50000}


@dataclass
class TargetPoints:
    """Critical points at the actual parameter: weights and coefficients (NaN rows: not reached)."""

    theta: np.ndarray
    c: np.ndarray
    paths: int

    @property
    def reached(self) -> np.ndarray:
        """Indices of the points that were tracked to the target."""
        return np.flatnonzero(np.isfinite(self.c).all(axis=1))


def _one_route(system: CriticalSystem, known: SolutionSet, route: list[np.ndarray]) -> TargetPoints:
    count = len(known)
    theta = np.full((count, system.P), np.nan + 0j)
    c_out = np.full((count, system.amb), np.nan + 0j)
    todo = np.arange(count)
    paths = 0
    for careful in (False, True):
        ends, status = system.track(known.theta[todo], route, **(CAREFUL if careful else {}))
        paths += len(status)
        th, c, mask = valid_endpoints(system, ends, status, route[-1])
        theta[todo[mask]] = th
        c_out[todo[mask]] = c
        todo = todo[~mask]
        if len(todo) == 0:
            break
    bad = np.union1d(todo, collisions(c_out))
    theta[bad] = np.nan
    c_out[bad] = np.nan
    return TargetPoints(theta, c_out, paths)


def track_to_target(
    system: CriticalSystem,
    problem: LossProblem,
    known: SolutionSet,
    b0: np.ndarray,
    scale: float,
    rng: np.random.Generator,
    attempts: int = 4,
) -> TargetPoints:
    """Track every known critical point from ``b0`` to the actual target ``problem.b``."""
    target = problem.b.astype(complex)
    best = None
    paths = 0
    for _ in range(attempts):
        mid = 0.5 * (b0 + target) + random_node(system, problem, rng, scale)
        out = _one_route(system, known, [b0, mid, target])
        paths += out.paths
        if best is None or len(out.reached) > len(best.reached):
            best = out
        if len(out.reached) == len(known):
            break
    assert best is not None
    best.paths = paths
    return best
