"""The critical equations in weight space, evaluated and tracked by the Rust core.

``F(theta; b) = J(theta)^T (Q c(theta) - b) = 0`` in gauge-fixed weights (see
:mod:`neurovariety.network.gauge`): one system per architecture and weight matrix ``Q``; the
parameters ``b`` move along straight segments between nodes.

>>> import numpy as np
>>> from neurovariety.architecture import Architecture
>>> s = CriticalSystem(Architecture((2, 1, 1), 2), np.eye(3))
>>> (s.n, s.N, s.amb)
(2, 3, 3)
>>> root = np.array([1, 0.5, 2.0])            # f = 2 (x + 0.5 y)^2 has coefficients (2, 2, 0.5)
>>> certified, real, radius, distinct = s.certify(np.array([root, root + 0.1]), np.array([2, 2, 0.5]))
>>> certified.tolist(), real.tolist()
([True, False], [True, False])
"""

from __future__ import annotations

import time
from typing import Any, Optional, Sequence

import numpy as np

from .. import _core
from ..architecture import Architecture
from ..homotopy import TrackingStopped, full_rank

__all__ = ["CriticalSystem", "valid_endpoints"]


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

    def certify(self, thetas: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Krawczyk certification (ball arithmetic) of weight vectors ``thetas`` (k x N) as critical
        points for ``b``: ``(certified, real, radius, distinct)`` boolean/float arrays of length k.

        ``distinct``: certified, and provably a different function from every other certified row.
        """
        thetas = np.ascontiguousarray(np.atleast_2d(thetas), dtype=complex)
        if len(thetas) == 0:
            empty = np.zeros(0, dtype=bool)
            return empty, empty.copy(), np.zeros(0), empty.copy()
        cert, real, radius, distinct = self.core.certify(thetas, np.asarray(b, dtype=complex).reshape(-1))
        return np.asarray(cert), np.asarray(real), np.asarray(radius), np.asarray(distinct)


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


