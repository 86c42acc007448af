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
from typing import Optional

import numpy as np

__all__ = ["SolutionSet", "collisions", "projection_direction", "DEDUP_RTOL"]

#: Two coefficient vectors are the same function when they agree to this relative accuracy.
DEDUP_RTOL = 1e-6


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

    def theta_rows(self, lo: int, hi: int) -> np.ndarray:
        """The weight vectors of solutions ``lo .. hi - 1`` (insertion order), ``(hi - lo, N)``."""
        return np.array(self._theta[lo:hi], dtype=complex).reshape(max(0, min(hi, len(self)) - lo), self.N)

    def index_of(self, ci: np.ndarray) -> Optional[int]:
        """The index (insertion order) of the known function ``ci`` is (to ``rtol``), or ``None``."""
        norm = float(np.linalg.norm(ci))
        key = float((ci @ self._direction).real)
        window = self.rtol * max(norm, self._max_norm)
        lo = bisect.bisect_left(self._keys, key - window)
        hi = bisect.bisect_right(self._keys, key + window)
        for pos in range(lo, hi):
            k = self._index[pos]
            if np.linalg.norm(self._c[k] - ci) <= self.rtol * max(self._norms[k], norm, 1e-300):
                return k
        return None

    def contains(self, ci: np.ndarray) -> bool:
        """Is ``ci`` (to ``rtol``) one of the known functions?"""
        return self.index_of(ci) is not None

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
    unit: np.ndarray = v / np.linalg.norm(v)
    return unit
