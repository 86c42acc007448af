"""The splitting bound on whole grids of hidden widths at once, also with some widths unbounded.

For widths ``w_0 .. w_L`` and any split points ``0 < k_1 < ... < k_s < L``,
``dim V <= sum over the parts of dim V_part - sum of w_{k_i}`` (the splitting bound, applied
recursively; see :mod:`neurovariety.theory`). Each part is bounded by its expected dimension
``min(free parameters, ambient)``, by Alexander–Hirschowitz for a shallow single-output part and
by the linear formula when ``r = 1``; a part with an **unbounded** hidden width (``None``) is
bounded by its ambient dimension ``w_end * C(w_start + D - 1, D)``, which does not depend on its
interior widths, and splits happen only at bounded widths. The minimum over all split sets is a
shortest path over the split points, evaluated here with numpy over broadcast grids, so that a
box of a million architectures costs one pass. It is never stronger than
:func:`neurovariety.theory.upper_bound` (which adds further bounds), and every value below the
ambient dimension is a proof that the architecture is not filling.

>>> from neurovariety.search.space import FillingProblem
>>> p = FillingProblem.validated(2, 1, 2, 3, 4)
>>> int(splitting_bound(p, [np.int64(2), np.int64(2)])), p.ambient     # (2,2,2,1): filling
(5, 5)
>>> int(splitting_bound(p, [np.int64(1), None]))                        # (2,1,oo,1): at most 2
2
"""

from __future__ import annotations

import functools
from math import comb
from typing import Any, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

from ..theory import AH_SPORADIC
from .space import FillingProblem

__all__ = ["splitting_bound", "CAP"]

#: Values are capped here (far above any parameter count), so everything stays in int64.
CAP = 1 << 50

Array = npt.NDArray[np.int64]
#: One hidden width: an integer array (or numpy integer) broadcast over the grid, or ``None`` (unbounded).
Width = Union[Array, np.integer, None]


@functools.lru_cache(maxsize=1024)
def _monomial_table(degree: int, max_width: int) -> Array:
    """``C(w + degree - 1, degree)`` (monomials of ``degree`` in ``w`` variables) for ``w = 0..max_width``, capped."""
    table = np.array([0] + [min(CAP, comb(w + degree - 1, w - 1)) for w in range(1, max_width + 1)], dtype=np.int64)
    table.setflags(write=False)
    return table


def _int(x: Any) -> Array:
    return np.asarray(x, dtype=np.int64)


def _alexander_hirschowitz(a: Any, b: Any, r: int, top: int) -> Array:
    """Dimension of ``(a, b, 1)`` with exponent ``r >= 2`` (the theorem, vectorised; see
    :func:`neurovariety.theory.alexander_hirschowitz_dimension`)."""
    if r == 2:
        k = np.minimum(a, b)
        return _int(a * k - k * (k - 1) // 2)
    out = np.minimum(a * b, _monomial_table(r, top)[a])
    for rr, x, y in AH_SPORADIC:
        if rr == r:
            out = out - ((a == x) & (b == y))
    return _int(out)


def _part(w: Sequence[Width], i: int, j: int, r: int, top: int) -> Array:
    """The bound of the part ``w_i .. w_j`` (``w_i``, ``w_j`` bounded) without further splits."""
    a, b = w[i], w[j]
    assert a is not None and b is not None
    if j == i + 1:
        return _int(a * b)
    degree = r ** (j - i - 1)
    ambient = np.minimum(b * _monomial_table(degree, top)[a], CAP)
    interior = w[i + 1 : j]
    if any(x is None for x in interior):
        return _int(ambient)
    bounded: list[Any] = [x for x in interior if x is not None]
    if r == 1:
        k = functools.reduce(np.minimum, bounded, np.minimum(a, b))
        return _int(k * (a + b - k))
    edges: list[Any] = [w[t] for t in range(i, j + 1)]
    free = sum(x * y for x, y in zip(edges, edges[1:])) - sum(bounded)
    out = np.minimum(free, ambient)
    if j == i + 2:
        out = np.where(b == 1, np.minimum(out, _alexander_hirschowitz(a, bounded[0], r, top)), out)
    return _int(out)


def splitting_bound(problem: FillingProblem, hidden: Sequence[Width]) -> Array:
    """The recursive splitting bound of ``(d0, *hidden, dL)`` over broadcast integer grids.

    ``hidden[k]`` is an int64 array (any broadcastable shape, values >= 1) or ``None`` for an
    unbounded width. Returns the bound on the broadcast shape (int64, capped at :data:`CAP`).
    """
    w: list[Width] = [np.int64(problem.d0), *hidden, np.int64(problem.dL)]
    top = max(int(np.max(x)) for x in w if x is not None)
    best: dict[int, Array] = {}
    for j in range(1, len(w)):
        if w[j] is None:
            continue
        value: Optional[Array] = None
        for i in range(j):
            split = w[i]
            if split is None:
                continue
            part = _part(w, i, j, problem.r, top)
            if i > 0:
                part = best[i] + part - split
            value = part if value is None else np.minimum(value, part)
        assert value is not None
        best[j] = np.minimum(value, CAP)
    return best[len(w) - 1]
