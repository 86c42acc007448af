"""The trace test: a certificate that a set of solutions of a parameter homotopy is complete.

When the solutions ``c_i(b)`` (in the coordinates of a variety) of a family of parallel linear
slices ``b + s v`` are complete, their sum is an affine-linear function of ``s``; a missing
solution adds a non-linear term. So tracking all known solutions to two random points ``s1, s2``
of a random line and measuring the deviation of the traces from linearity decides completeness
(up to the numerical tolerance :data:`TRACE_RTOL`), provided no solution escapes to infinity at
finite ``s`` — true for generic parameters.

>>> import numpy as np
>>> line = lambda s: np.array([[1 + s], [2 - 3 * s]])   # two solutions moving linearly: complete
>>> trace_test(lambda: line, np.array([[1.0], [2.0]]), np.random.default_rng(0)) < TRACE_RTOL
True
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

__all__ = ["TRACE_RTOL", "trace_test", "trace_deviation"]

#: Threshold on the relative deviation from linearity. Complete sets give rounding level (1e-16 to
#: 1e-13); one missing small point among thousands can deviate by much less than 1e-7 ((3,2,3), r = 2,
#: generic ED: 7,100 of its 7,101 points gave 7.6e-9), so the threshold sits just above rounding.
TRACE_RTOL = 1e-10

#: ``line(s)`` -> the keys of all known solutions tracked to the point ``s`` of one line, or None
#: when a path failed or two paths met (then the attempt is repeated on another line).
Line = Callable[[complex], Optional[np.ndarray]]


def trace_deviation(keys: list[np.ndarray], s1: complex, s2: complex) -> float:
    """Relative deviation from linearity of the traces at ``s = 0, s1, s2``."""
    t0, t1, t2 = (k.sum(axis=0) for k in keys)
    mags = sum(float(np.abs(k).sum()) for k in keys)
    return float(np.linalg.norm((t1 - t0) - (s1 / s2) * (t2 - t0)) / max(mags, 1e-300))


def trace_test(new_line: Callable[[], Line], keys0: np.ndarray, rng: np.random.Generator, attempts: int = 3) -> Optional[float]:
    """The trace deviation along a random line (``new_line()`` draws one), ``None`` when every
    attempt had path failures."""
    for _ in range(attempts):
        line = new_line()
        s1, s2 = (rng.standard_normal(2) + 1j * rng.standard_normal(2)) / np.sqrt(2) * 0.7
        e1 = line(s1)
        e2 = line(s2) if e1 is not None else None
        if e1 is not None and e2 is not None:
            return trace_deviation([keys0, e1, e2], s1, s2)
    return None
