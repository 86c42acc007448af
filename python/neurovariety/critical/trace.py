"""The trace test for critical points: lines in the loss parameters ``b`` (see
:mod:`neurovariety.homotopy.trace`). It needs that no critical point escapes to infinity at finite
``s``, which holds for generic weights; for special weights it may fail on a complete set, and
then nothing is claimed.

>>> TRACE_RTOL
1e-07
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..homotopy import TRACE_RTOL, SolutionSet
from ..homotopy import trace_test as generic_trace_test
from ..homotopy.trace import Line
from .monodromy import random_node
from .problem import LossProblem
from .system import CriticalSystem, valid_endpoints

__all__ = ["TRACE_RTOL", "trace_test"]


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

    def new_line() -> Line:
        v = random_node(system, problem, rng, scale)

        def line(s: complex) -> Optional[np.ndarray]:
            bs = b0 + s * v
            ends, status = system.track(known.theta, [b0, bs])
            th, c, mask = valid_endpoints(system, ends, status, bs)
            if not mask.all() or SolutionSet(system.P, system.amb).add(c, th) != len(known):
                return None  # a failed path, or two paths met: not a regular fibre
            return c

        return line

    return generic_trace_test(new_line, known.c, rng, attempts)
