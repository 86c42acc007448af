"""Known solutions of a monodromy run, deduplicated as *functions* in near-linear time.

Different weights (permuted hidden neurons, other gauge charts) give the same function, so
solutions are compared by coefficient vectors. A new vector is compared only with known vectors
whose projection on a fixed random direction lies within the tolerance window (the projection
is 1-Lipschitz), kept sorted — about ``log n`` work per solution instead of ``n``.

>>> import numpy as np
>>> s = SolutionSet(N=2, amb=2)
>>> s.add(np.array([[1, 2], [1, 2 + 1e-9], [3, 4]], dtype=complex), np.zeros((3, 2), dtype=complex))
2
"""

from __future__ import annotations

import bisect

import numpy as np

from .system import DEDUP_RTOL, projection_direction

__all__ = ["SolutionSet"]


class SolutionSet:
    """Known functions (coefficient vectors ``c``) and one weight vector ``theta`` each."""

    def __init__(self, N: int, amb: int, rtol: float = DEDUP_RTOL):
        self.rtol = rtol
        self._c: list[np.ndarray] = []
        self._theta: list[np.ndarray] = []
        self._norms: list[float] = []
        self._keys: list[float] = []  # sorted projections
        self._index: list[int] = []  # solution index of each sorted key
        self._max_norm = 0.0
        self._direction = projection_direction(amb)
        self.N, self.amb = N, amb

    def __len__(self) -> int:
        return len(self._c)

    @property
    def c(self) -> np.ndarray:
        """Coefficient vectors, ``(count, amb)``."""
        return np.array(self._c, dtype=complex).reshape(len(self._c), self.amb)

    @property
    def theta(self) -> np.ndarray:
        """One weight vector per function, ``(count, N)``."""
        return np.array(self._theta, dtype=complex).reshape(len(self._theta), self.N)

    def contains(self, ci: np.ndarray) -> bool:
        """Is ``ci`` (to ``rtol``) one of the known functions?"""
        norm = float(np.linalg.norm(ci))
        key = float((ci @ self._direction).real)
        window = self.rtol * max(norm, self._max_norm)
        lo = bisect.bisect_left(self._keys, key - window)
        hi = bisect.bisect_right(self._keys, key + window)
        for pos in range(lo, hi):
            k = self._index[pos]
            if np.linalg.norm(self._c[k] - ci) <= self.rtol * max(self._norms[k], norm, 1e-300):
                return True
        return False

    def add(self, c: np.ndarray, theta: np.ndarray) -> int:
        """Add the functions not known yet; returns how many were new."""
        added = 0
        for ci, ti in zip(c, theta):
            if self.contains(ci):
                continue
            norm = float(np.linalg.norm(ci))
            key = float((ci @ self._direction).real)
            pos = bisect.bisect_left(self._keys, key)
            self._keys.insert(pos, key)
            self._index.insert(pos, len(self._c))
            self._c.append(np.array(ci, dtype=complex))
            self._theta.append(np.array(ti, dtype=complex))
            self._norms.append(norm)
            self._max_norm = max(self._max_norm, norm)
            added += 1
        return added
