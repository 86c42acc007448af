"""Tracking outcomes shared by every homotopy: early stops and the rank filter of endpoints.

>>> import numpy as np
>>> full_rank(np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]), 2).tolist()
[True]
"""

from __future__ import annotations

import numpy as np

__all__ = ["TrackingStopped", "full_rank"]


class TrackingStopped(Exception):
    """Tracking stopped early: by Ctrl-C (``interrupted``) or at the deadline (``timed_out``)."""

    def __init__(self, interrupted: bool):
        super().__init__("interrupted" if interrupted else "deadline reached")
        self.interrupted = interrupted


def full_rank(J: np.ndarray, n: int) -> np.ndarray:
    """Per point: does the coefficient Jacobian (amb x n) have rank n? Columns are normalised
    first, since gauge-fixed weights can be badly scaled without the rank dropping."""
    finite = np.isfinite(J).all(axis=(-1, -2))  # NaN rows: a dead neuron (no gauge chart)
    J = np.where(finite[..., None, None], J, 0.0)
    norms = np.linalg.norm(J, axis=-2, keepdims=True)
    ok = finite & (norms > 0).all(axis=(-1, -2))
    s = np.linalg.svd(J / np.where(norms > 0, norms, 1.0), compute_uv=False)
    # rank-deficient (spurious) solutions sit at rounding level; genuine ones of deep, high-degree
    # networks can be badly conditioned, hence a low threshold
    return np.asarray(ok & (s[..., n - 1] > 1e-11 * s[..., 0]) & np.isfinite(s).all(axis=-1))


