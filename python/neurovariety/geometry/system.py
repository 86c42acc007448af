"""The witness system of the Rust core: points of V on an affine-linear slice ``A c = b``.

``F(θ; b) = A c(θ) − b`` in gauge-fixed weights (``A``: ``k × amb``, ``k`` = the number of
gauge-fixed weights, ``= dim V`` for non-defective architectures), tracked as ``b`` moves. Its
solutions are the weights of the points of ``V ∩ {A c = b}``; for generic ``(A, b)`` there are
``deg V`` such points, each with the generic fibre of weights over it.

With a weight slice ``(p, S)`` (:func:`weight_slice`), ``θ = p + S t`` in the first-column gauge
chart with ``m = dim V`` unknowns ``t`` and ``A`` of shape ``m × amb``: defective architectures
(positive-dimensional gauge-fixed fibres) become square. Points are then slice coordinates ``t``
(``P = m`` entries) instead of full weight vectors (``P = N``).

>>> import numpy as np
>>> from neurovariety.architecture import Architecture
>>> s = WitnessSystem(Architecture((2, 1, 1), 2), np.ones((2, 3)))
>>> (s.n, s.N, s.amb, s.P)
(2, 3, 3, 3)
>>> arch = Architecture((3, 2, 1), 2)           # defective: dim V = 5 < 6 gauge-fixed weights
>>> s = WitnessSystem(arch, np.ones((5, 6)), weight_slice(arch, 5, np.random.default_rng(0)))
>>> (s.n, s.N, s.P, s.sliced)
(5, 8, 5, True)
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from .. import _core
from ..architecture import Architecture
from ..homotopy import evaluate_points, full_rank, track_points
from ..network.gauge import weight_slice

__all__ = ["WitnessSystem", "WeightSlice", "valid_witness_points", "weight_slice"]

#: A weight slice ``(p, S)``: ``θ = p + S t`` in the first-column gauge chart.
WeightSlice = tuple[np.ndarray, np.ndarray]


class WitnessSystem:
    """``_core.WitnessSystem`` of one architecture and slicing matrix ``A`` (optionally in a weight slice).

    ``n`` unknowns (= rows of ``A``), ``N`` weights, ``amb`` coefficients, ``P`` entries per point.
    """

    def __init__(self, arch: Architecture, A: np.ndarray, slice: Optional[WeightSlice] = None):
        self.arch = arch
        self.A = np.ascontiguousarray(A, dtype=complex)
        self.slice = None if slice is None else (np.ascontiguousarray(slice[0], dtype=complex),
                                                 np.ascontiguousarray(slice[1], dtype=complex))
        self.core = _core.WitnessSystem(list(arch.widths), [int(e) for e in arch.r], self.A, self.slice)
        self.n, self.N, self.amb = self.core.num_unknowns, self.core.num_weights, self.core.ambient
        self.P = self.core.point_len

    @property
    def sliced(self) -> bool:
        """Points are slice coordinates ``t``."""
        return self.slice is not None

    def weights(self, points: np.ndarray) -> np.ndarray:
        """Full weight vectors (k x N, package order) of points."""
        return np.asarray(self.core.weights(np.ascontiguousarray(np.atleast_2d(points), dtype=complex)))

    def track(self, starts: np.ndarray, nodes: Sequence[np.ndarray], *, deadline: Optional[float] = None,
              **options: Any) -> tuple[np.ndarray, np.ndarray]:
        """Track points ``starts`` (k x P) through the parameter ``nodes``: ``(ends, status)``.

        Ctrl-C and the ``deadline`` raise :class:`~neurovariety.homotopy.TrackingStopped`."""
        return track_points(self.core, starts, nodes, deadline, options)

    def evaluate(self, thetas: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(F (k x n), c (k x amb), J (k x amb x n))`` at points ``thetas`` (k x P) for parameter ``b``."""
        return evaluate_points(self.core, thetas, b)


def valid_witness_points(system: WitnessSystem, thetas: np.ndarray, status: np.ndarray, b: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Successful endpoints at regular points of V (coefficient Jacobian of full rank):
    ``(thetas, coefficients, mask over the input)``."""
    ok = status == 0
    if not ok.any():
        return thetas[:0], np.zeros((0, system.amb), dtype=complex), ok
    _, c, J = system.evaluate(thetas[ok], b)
    good = full_rank(J, system.n) & np.isfinite(c).all(axis=1)
    mask = ok.copy()
    mask[np.flatnonzero(ok)[~good]] = False
    return thetas[mask], c[good], mask
