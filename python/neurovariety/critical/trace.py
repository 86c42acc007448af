"""The trace test: a certificate that a set of critical points is complete.

Along a line ``b_0 + s v`` the sum of the critical points (in coefficients) is an affine-linear
function of ``s`` exactly when the set is complete (``V`` is a cone, so critical points grow
linearly in ``b``; a missing point adds a non-linear term). It needs that no critical point
escapes to infinity at finite ``s``, which holds for generic weights; for special weights the
test may fail on a complete set, and then nothing is claimed.

>>> TRACE_RTOL
1e-07
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from .monodromy import random_node
from .problem import LossProblem, cgauss
from .solutions import SolutionSet
from .system import CriticalSystem, valid_endpoints

__all__ = ["TRACE_RTOL", "trace_test"]

#: Threshold on the relative deviation from linearity.
TRACE_RTOL = 1e-7


def trace_test(
    system: CriticalSystem,
    problem: LossProblem,
    known: SolutionSet,
    b0: np.ndarray,
    scale: float,
    rng: np.random.Generator,
    attempts: int = 3,
) -> Optional[float]:
    """Relative deviation of the coefficient trace from linearity along a random line through
    ``b0`` (``None`` when paths failed in every attempt)."""
    for _ in range(attempts):
        v = random_node(system, problem, rng, scale)
        s1, s2 = cgauss(rng, 2) * 0.7
        traces = [known.c.sum(axis=0)]
        mags = [np.abs(known.c).sum()]
        for s in (s1, s2):
            bs = b0 + s * v
            ends, status = system.track(known.theta, [b0, bs])
            th, c, mask = valid_endpoints(system, ends, status, bs)
            if not mask.all() or SolutionSet(system.N, system.amb).add(c, th) != len(known):
                break  # a failed path, or two paths met: not a regular fibre
            traces.append(c.sum(axis=0))
            mags.append(np.abs(c).sum())
        else:
            t0, t1, t2 = traces
            dev = np.linalg.norm((t1 - t0) - (s1 / s2) * (t2 - t0))
            return float(dev / max(sum(mags), 1e-300))
    return None
