"""The critical equations in weight space, evaluated and tracked by the Rust core.

``F(theta; b) = J(theta)^T (Q c(theta) - b) = 0`` in gauge-fixed weights (see
:mod:`neurovariety.network.gauge`): one system per architecture and weight matrix ``Q``; the
parameters ``b`` move along straight segments between nodes.

>>> import numpy as np
>>> from neurovariety.architecture import Architecture
>>> s = CriticalSystem(Architecture((2, 1, 1), 2), np.eye(3))
>>> (s.n, s.N, s.amb)
(2, 3, 3)
"""

from __future__ import annotations

import time
from typing import Any, Optional, Sequence

import numpy as np

from .. import _core
from ..architecture import Architecture

__all__ = ["CriticalSystem", "TrackingStopped", "full_rank", "valid_endpoints", "collisions", "DEDUP_RTOL",
           "projection_direction"]

#: Two coefficient vectors are the same function when they agree to this relative accuracy.
DEDUP_RTOL = 1e-6


class TrackingStopped(Exception):
    """Tracking stopped early: by Ctrl-C (``interrupted``) or at the deadline (``timed_out``)."""

    def __init__(self, interrupted: bool):
        super().__init__("interrupted" if interrupted else "deadline reached")
        self.interrupted = interrupted


class CriticalSystem:
    """The Rust critical system (``_core.CriticalSystem``) of one architecture and weight matrix ``Q``.

    ``n`` unknowns (gauge-fixed weights), ``N`` weights, ``amb`` coefficients. Points are passed
    as full weight vectors (package order); the core puts each in its best gauge chart.
    """

    def __init__(self, arch: Architecture, Q: np.ndarray):
        self.arch = arch
        self.core = _core.CriticalSystem(list(arch.widths), [int(e) for e in arch.r], np.ascontiguousarray(Q, dtype=complex))
        self.n, self.N, self.amb = self.core.num_unknowns, self.core.num_weights, self.core.ambient

    def track(self, starts: np.ndarray, nodes: Sequence[np.ndarray], *, deadline: Optional[float] = None,
              **options: Any) -> tuple[np.ndarray, np.ndarray]:
        """Track ``starts`` (k x N) through the parameter ``nodes``: ``(ends, status)``, status 0 = success.

        Ctrl-C is answered within ~50 ms: the core stops every path and this raises
        :class:`TrackingStopped` (as it does at ``deadline``, a ``time.monotonic()`` value).
        """
        starts = np.ascontiguousarray(np.atleast_2d(starts), dtype=complex)
        node_array = np.ascontiguousarray(np.array(nodes), dtype=complex)
        if len(starts) == 0:
            return starts, np.zeros(0, dtype=np.uint8)
        timeout = None if deadline is None else max(1e-3, deadline - time.monotonic())
        res = self.core.track(starts, node_array, _core.TrackerOptions(**options) if options else None, timeout)
        if res.interrupted or res.timed_out:
            raise TrackingStopped(bool(res.interrupted))
        return np.asarray(res.ends), np.asarray(res.status)

    def evaluate(self, thetas: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(F (k x n), c (k x amb), J (k x amb x n))`` at weight vectors ``thetas`` for parameter ``b``."""
        thetas = np.ascontiguousarray(np.atleast_2d(thetas), dtype=complex)
        f, c, j = self.core.evaluate(np.asarray(b, dtype=complex).reshape(-1), thetas)
        return np.asarray(f), np.asarray(c), np.asarray(j)


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


def valid_endpoints(
    system: CriticalSystem, thetas: np.ndarray, status: np.ndarray, b: np.ndarray, rank: Optional[int] = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Successful endpoints with a full-rank Jacobian: ``(thetas, coefficients, mask over input)``."""
    ok = status == 0
    if not ok.any():
        return thetas[:0], np.zeros((0, system.amb), dtype=complex), ok
    _, c, J = system.evaluate(thetas[ok], b)
    good = full_rank(J, system.n if rank is None else rank) & np.isfinite(c).all(axis=1)
    mask = ok.copy()
    mask[np.flatnonzero(ok)[~good]] = False
    return thetas[mask], c[good], mask


def collisions(c: np.ndarray, rtol: float = DEDUP_RTOL) -> np.ndarray:
    """Indices of the finite rows of ``c`` that coincide (to ``rtol``) with another row."""
    ok = np.flatnonzero(np.isfinite(c).all(axis=1))
    if len(ok) < 2:
        return np.zeros(0, dtype=np.int64)
    rows = c[ok]
    norms = np.linalg.norm(rows, axis=1)
    proj = (rows @ projection_direction(c.shape[1])).real
    order = np.argsort(proj)
    window = rtol * float(norms.max())
    out: set[int] = set()
    for a_pos, i in enumerate(order):
        for j in order[a_pos + 1 :]:
            if proj[j] - proj[i] > window:
                break
            if np.linalg.norm(rows[i] - rows[j]) <= rtol * max(norms[i], norms[j], 1e-300):
                out.update((int(ok[i]), int(ok[j])))
    return np.array(sorted(out), dtype=np.int64)


def projection_direction(dim: int) -> np.ndarray:
    """A fixed unit vector for the projections of :func:`collisions` and :class:`SolutionSet`."""
    v = np.random.default_rng(0x5EED).standard_normal(dim) + 1j * np.random.default_rng(0xFEED).standard_normal(dim)
    return v / np.linalg.norm(v)
