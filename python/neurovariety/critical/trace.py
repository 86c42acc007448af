"""The trace test for critical points: lines in the loss parameters ``b`` (see
:mod:`neurovariety.homotopy.trace`).

The critical points for ``b`` are the slice ``{Q c - n = b}`` of the conormal variety
``{(c, n): c in V smooth, n orthogonal to T_c V}``; the lines ``b0 + s v`` give parallel slices,
all through one linear space at infinity, ``{n = Q c}``. For a generic weight ``Q`` it misses the
closure of the conormal variety: the count is the generic ED degree and the trace is linear. For
the data's ``Q`` (learning degree) or the identity (unit ED degree) it need not: the count drops
(``(3,2,3)``, r = 2: 309 for both, against 7,101 for a generic ``Q``) because the other
points lie at infinity for *every* ``b``, and the trace of the finite ones is a rational function
of ``s`` with poles where one of them escapes to infinity — not linear, although the set is
complete. The test then fails at a residual far above rounding (about 1e-3 to 1e-1, however many
loops were run) and proves nothing; completeness then comes from the continuation of a generic
weight's set (:mod:`~neurovariety.critical.continuation`).

>>> TRACE_RTOL
1e-10
"""

from __future__ import annotations

from functools import partial
from typing import Any, Optional

import numpy as np

from ..homotopy import TRACE_RTOL, SolutionSet, collisions, track_rerouted
from ..homotopy import trace_test as generic_trace_test
from ..homotopy.trace import Line
from .monodromy import random_node
from .problem import LossProblem
from .system import STRICT, CriticalSystem, valid_endpoints

__all__ = ["TRACE_RTOL", "trace_test"]


def _line_keys(system: CriticalSystem, starts: np.ndarray, nodes: list[np.ndarray], deadline: Optional[float] = None,
               **options: Any) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients of every start tracked through ``nodes`` (NaN rows: failed or rank-deficient)
    and a status per row (0: a regular end point)."""
    ends, status = system.track(starts, nodes, deadline=deadline, **options)
    _, c, mask = valid_endpoints(system, ends, status, nodes[-1])
    keys = np.full((len(starts), system.amb), np.nan, dtype=complex)
    keys[mask] = c
    return keys, (~mask).astype(np.int64)


def _bad_rows(keys: np.ndarray) -> np.ndarray:
    """Rows without a regular end point, or meeting another row's (path jumping)."""
    bad: np.ndarray = ~np.isfinite(keys).all(axis=1)
    bad[collisions(keys)] = True
    return bad


def trace_test(
    system: CriticalSystem,
    problem: LossProblem,
    known: SolutionSet,
    b0: np.ndarray,
    scale: float,
    rng: np.random.Generator,
    attempts: int = 3,
    deadline: Optional[float] = None,
) -> Optional[float]:
    """Relative deviation of the coefficient trace from linearity along a random line through
    ``b0`` (``None`` when paths failed in every attempt). Paths that fail or meet another path are
    tracked once more with :data:`~neurovariety.critical.system.STRICT` settings (among thousands a
    few always do), then through the bends :data:`~neurovariety.homotopy.DETOURS` in the line's
    complex plane; the line is given up only if that does not help.

    A detour may end at another solution of the fibre than the straight path would: that is
    harmless. For a complete set the ``count`` distinct end points are the whole fibre whatever
    the routes, so their trace is the fibre's; for an incomplete set a passing trace would need a
    coincidence (the end points are then no analytic continuation of the set along the line)."""

    track = partial(_line_keys, system)

    def new_line() -> Line:
        v = random_node(system, problem, rng, scale)

        def line(s: complex) -> Optional[np.ndarray]:
            # strict settings on the straight segment, then bends within the same complex line
            # (only nearby branch points matter there)
            keys, _, _ = track_rerouted(track, known.theta, [b0, b0 + s * v], failed=lambda k, _: _bad_rows(k), retry=STRICT,
                                        deadline=deadline)
            return None if _bad_rows(keys).any() else keys  # else: not a regular fibre

        return line

    return generic_trace_test(new_line, known.c, rng, attempts)
