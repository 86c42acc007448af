"""The witness system of the Rust core: points of V on an affine-linear slice ``A c = b``.

``F(θ; b) = A c(θ) − b`` in gauge-fixed weights (``A``: ``k × amb``, ``k`` = the number of
gauge-fixed weights, ``= dim V`` for non-defective architectures), tracked as ``b`` moves. Its
solutions are the weights of the points of ``V ∩ {A c = b}``; for generic ``(A, b)`` there are
``deg V`` such points, each with the generic fibre of weights over it.

>>> import numpy as np
>>> from neurovariety.architecture import Architecture
>>> s = WitnessSystem(Architecture((2, 1, 1), 2), np.ones((2, 3)))
>>> (s.n, s.N, s.amb)
(2, 3, 3)
"""

from __future__ import annotations

import time
from typing import Any, Optional, Sequence

import numpy as np

from .. import _core
from ..architecture import Architecture
from ..homotopy import TrackingStopped, full_rank

__all__ = ["WitnessSystem", "valid_witness_points"]


class WitnessSystem:
    """``_core.WitnessSystem`` of one architecture and slicing matrix ``A``."""

    def __init__(self, arch: Architecture, A: np.ndarray):
        self.arch = arch
        self.A = np.ascontiguousarray(A, dtype=complex)
        self.core = _core.WitnessSystem(list(arch.widths), [int(e) for e in arch.r], self.A)
        self.n, self.N, self.amb = self.core.num_unknowns, self.core.num_weights, self.core.ambient

    def track(self, starts: np.ndarray, nodes: Sequence[np.ndarray], *, deadline: Optional[float] = None,
              **options: Any) -> tuple[np.ndarray, np.ndarray]:
        """Track weight vectors ``starts`` (k x N) through the parameter ``nodes``: ``(ends, status)``.

        Ctrl-C and the ``deadline`` raise :class:`~neurovariety.homotopy.TrackingStopped`."""
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
