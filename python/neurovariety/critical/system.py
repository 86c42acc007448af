"""The critical equations in weight space, evaluated and tracked by the Rust core.

``F(theta; b) = J(theta)^T (Q c(theta) - b) = 0`` in gauge-fixed weights (see
:mod:`neurovariety.network.gauge`): one system per architecture and weight matrix ``Q``; the
parameters ``b`` move along straight segments between nodes.

For a defective architecture the gauge-fixed system has positive-dimensional solution sets; with
a weight slice ``(p, S)`` (``θ = p + S t`` in the first-column chart, ``m = dim V`` unknowns ``t``:
:func:`neurovariety.geometry.system.weight_slice` draws one) the system is
``G(t; b) = S^T F(p + S t; b)``, the gradient of the loss restricted to the slice. Points are then
slice coordinates (``P = m`` entries instead of ``N``). Where ``J S`` has rank ``m = dim V`` its
image is the tangent space of ``V``, so ``G = 0`` there is a genuine critical point; where ``J S``
drops rank the slice creates spurious ones — :func:`valid_endpoints` drops them and checks the
full gradient ``J(θ)^T (Q c − b)`` of every point it keeps.

>>> import numpy as np
>>> from neurovariety.architecture import Architecture
>>> s = CriticalSystem(Architecture((2, 1, 1), 2), np.eye(3))
>>> (s.n, s.N, s.amb, s.P)
(2, 3, 3, 3)
>>> root = np.array([1, 0.5, 2.0])            # f = 2 (x + 0.5 y)^2 has coefficients (2, 2, 0.5)
>>> certified, real, radius, distinct = s.certify(np.array([root, root + 0.1]), np.array([2, 2, 0.5]))
>>> certified.tolist(), real.tolist()
([True, False], [True, False])
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from .. import _core
from ..architecture import Architecture
from ..homotopy import evaluate_points, full_rank, track_points

__all__ = ["CriticalSystem", "valid_endpoints", "GRADIENT_RTOL", "STRICT"]

#: A sliced critical point is kept when its full gradient is this small relative to its parts.
GRADIENT_RTOL = 1e-8

#: Tracker settings for a second try of paths that failed or met another path (trace lines, the
#: continuation's last tier): short steps, a strict corrector, many steps allowed.
STRICT: dict[str, Any] = {"max_step": 0.05, "predictor_trust": 0.02, "max_steps": 100_000}


class CriticalSystem:
    """The Rust critical system (``_core.CriticalSystem``) of one architecture and weight matrix ``Q``.

    ``n`` unknowns (gauge-fixed weights), ``N`` weights, ``amb`` coefficients. Points are passed
    as full weight vectors (package order); the core puts each in its best gauge chart.
    """

    def __init__(self, arch: Architecture, Q: np.ndarray, slice: Optional[tuple[np.ndarray, np.ndarray]] = None):
        self.arch = arch
        widths, r, Q = list(arch.widths), [int(e) for e in arch.r], np.ascontiguousarray(Q, dtype=complex)
        self.Q, self.slice = Q, slice
        self.full = _core.CriticalSystem(widths, r, Q)
        self.core: Union[_core.CriticalSystem, _core.SlicedCriticalSystem] = self.full
        if slice is not None:
            p, S = (np.ascontiguousarray(a, dtype=complex) for a in slice)
            self.core = _core.SlicedCriticalSystem(widths, r, Q, p, S)
        self.sliced = slice is not None
        self.q_norm = float(np.linalg.norm(Q, 2))
        self.n, self.N, self.amb = self.core.num_unknowns, self.core.num_weights, self.core.ambient
        self.P = self.n if self.sliced else self.N

    def weights(self, points: np.ndarray) -> np.ndarray:
        """Full weight vectors (k x N, package order) of points (k x P)."""
        points = np.ascontiguousarray(np.atleast_2d(points), dtype=complex)
        if not self.sliced:
            return points
        assert isinstance(self.core, _core.SlicedCriticalSystem)
        return np.asarray(self.core.weights(points))

    def full_gradient_ok(self, points: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Per point: does the gradient in *all* gauge-fixed weights vanish (to :data:`GRADIENT_RTOL`)?"""
        thetas = self.weights(points)
        f, c, J = (np.asarray(a) for a in self.full.evaluate(np.asarray(b, dtype=complex).reshape(-1), thetas))
        scale = np.linalg.norm(J, axis=(1, 2)) * (self.q_norm * np.linalg.norm(c, axis=1) + np.linalg.norm(b)) + 1e-300
        ok: np.ndarray = np.linalg.norm(f, axis=1) <= GRADIENT_RTOL * scale
        return ok

    def track(self, starts: np.ndarray, nodes: Sequence[np.ndarray], *, deadline: Optional[float] = None,
              **options: Any) -> tuple[np.ndarray, np.ndarray]:
        """Track ``starts`` (k x N) through the parameter ``nodes``: ``(ends, status)``, status 0 = success.

        Ctrl-C is answered within ~50 ms: the core stops every path and this raises
        :class:`TrackingStopped` (as it does at ``deadline``, a ``time.monotonic()`` value).
        """
        return track_points(self.core, starts, nodes, deadline, options)

    def evaluate(self, thetas: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(F (k x n), c (k x amb), J (k x amb x n))`` at weight vectors ``thetas`` for parameter ``b``."""
        return evaluate_points(self.core, thetas, b)

    def coefficients(self, thetas: np.ndarray) -> np.ndarray:
        """Coefficient vectors ``c`` (k x amb) of weight vectors ``thetas`` (the keys of a solution set)."""
        return self.evaluate(thetas, np.zeros(self.amb))[1]

    def certify(self, thetas: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Krawczyk certification (ball arithmetic) of weight vectors ``thetas`` (k x N) as critical
        points for ``b``: ``(certified, real, radius, distinct)`` boolean/float arrays of length k.

        ``distinct``: certified, and provably a different function from every other certified row.
        """
        thetas = np.ascontiguousarray(np.atleast_2d(thetas), dtype=complex)
        if len(thetas) == 0 or self.sliced:
            # in a weight slice the points are slice coordinates; the Krawczyk test here needs isolated
            # roots in gauge-fixed weights, which a defective architecture does not have
            empty = np.zeros(len(thetas), dtype=bool)
            return empty, empty.copy(), np.zeros(len(thetas)), empty.copy()
        cert, real, radius, distinct = self.full.certify(thetas, np.asarray(b, dtype=complex).reshape(-1))
        return np.asarray(cert), np.asarray(real), np.asarray(radius), np.asarray(distinct)


def valid_endpoints(
    system: CriticalSystem, thetas: np.ndarray, status: np.ndarray, b: np.ndarray, rank: Optional[int] = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Successful endpoints with a full-rank Jacobian (and, in a weight slice, a vanishing full
    gradient): ``(thetas, coefficients, mask over input)``."""
    ok = status == 0
    if not ok.any():
        return thetas[:0], np.zeros((0, system.amb), dtype=complex), ok
    _, c, J = system.evaluate(thetas[ok], b)
    good = full_rank(J, system.n if rank is None else rank) & np.isfinite(c).all(axis=1)
    if system.sliced and good.any():  # J S of full rank: genuine; confirm with the full gradient
        idx = np.flatnonzero(good)
        good[idx[~system.full_gradient_ok(thetas[ok][idx], b)]] = False
    mask = ok.copy()
    mask[np.flatnonzero(ok)[~good]] = False
    return thetas[mask], c[good], mask


