"""Proved facts about neurovariety dimensions: closed formulas and upper bounds.

A rank of the Jacobian at a random point over F_p is a lower bound for ``dim V``; the functions
here give *proved* upper bounds. When the two meet, the dimension is certified. Each bound names
the theorem it comes from:

* the **expected dimension** ``min(N - sum of hidden widths, dL * M)`` (parameters minus the
  rescaling symmetry of each hidden neuron, capped by the ambient space);
* the **linear network formula** (all exponents 1): ``V`` is the variety of ``dL x d0`` matrices
  of rank at most ``k = min d_i``, of dimension ``k (d0 + dL - k)``;
* the **Alexander–Hirschowitz theorem** for shallow single-output networks ``(d0, d1, 1)``: ``V``
  is the cone over the ``d1``-th secant variety of the Veronese variety ``nu_r(P^{d0-1})``;
* the **splitting bound**: for ``0 < k < L``, ``dim V_(d0..dL) <= dim V_(d0..dk) + dim V_(dk..dL) - dk``
  (the composition is a map from a product, and rescaling the ``dk`` neurons of layer ``k`` is
  lost in it), applied recursively.

>>> upper_bound(Architecture((2, 1, 2, 1), 2))
(2, 'splitting bound at layer 1')
"""

from __future__ import annotations

import functools
from math import comb
from typing import Optional, Sequence

from ._validate import positive_int
from .architecture import Architecture, ArchitectureLike, RSpec

__all__ = [
    "AH_SPORADIC",
    "alexander_hirschowitz_dimension",
    "linear_dimension",
    "upper_bound",
]

#: (r, d0, d1) of the four sporadic defective cases of Alexander–Hirschowitz, each of defect 1:
#: 5 points on P^2, 9 points on P^3 and 14 points on P^4 for quartics, 7 points on P^4 for cubics.
AH_SPORADIC = frozenset({(4, 3, 5), (4, 4, 9), (4, 5, 14), (3, 5, 7)})


def alexander_hirschowitz_dimension(d0: int, d1: int, r: int) -> int:
    """Affine dimension of ``V_{(d0, d1, 1), r}``: the cone over the ``d1``-th secant variety of
    the degree-``r`` Veronese embedding of ``P^(d0-1)`` (a theorem, used as an upper bound).

    Generic value ``min(d0 d1, C(d0+r-1, r))``; for ``r = 2`` symmetric matrices of rank
    ``<= k = min(d1, d0)``: ``d0 k - C(k, 2)``; the four sporadic cases lose 1.

    >>> alexander_hirschowitz_dimension(3, 2, 2), alexander_hirschowitz_dimension(3, 5, 4)
    (5, 14)
    """
    d0, d1, r = (positive_int(v, name) for v, name in ((d0, "d0"), (d1, "d1"), (r, "r")))
    if r == 1:
        return d0  # a linear form; the hidden layer only rescales
    if r == 2:
        k = min(d0, d1)
        return d0 * k - comb(k, 2)
    generic = min(d0 * d1, comb(d0 + r - 1, r))
    return generic - 1 if (r, d0, d1) in AH_SPORADIC else generic


def linear_dimension(widths: Sequence[int]) -> int:
    """Dimension of a linear network: ``dL x d0`` matrices of rank ``<= k = min(widths)``.

    >>> linear_dimension((3, 2, 4))
    10
    """
    k = min(widths)
    return k * (widths[0] + widths[-1] - k)


@functools.lru_cache(maxsize=65536)
def _upper_bound(arch: Architecture) -> tuple[int, str]:
    best, source = arch.expected_dim, "expected dimension"
    if all(r == 1 for r in arch.r):
        value = linear_dimension(arch.widths)
        return (value, "linear network formula") if value <= best else (best, source)
    if arch.depth == 2 and arch.dL == 1:
        value = alexander_hirschowitz_dimension(arch.d0, arch.widths[1], arch.r[0])
        if value <= best:
            return value, "Alexander–Hirschowitz theorem"
    for k in range(1, arch.depth):
        left, right = arch.split(k)
        value = _upper_bound(left)[0] + _upper_bound(right)[0] - arch.widths[k]
        if value < best:
            best, source = value, f"splitting bound at layer {k}"
    return best, source


def upper_bound(widths: ArchitectureLike, r: Optional[RSpec] = None) -> tuple[int, str]:
    """A proved upper bound for ``dim V`` and the name of the result that proves it.

    The minimum of the expected dimension, the linear-network formula (all r = 1), the
    Alexander–Hirschowitz theorem for ``(d0, d1, 1)``, and the splitting bound
    ``dim V_d <= ub(d0..dk) + ub(dk..dL) - dk`` applied recursively.

    >>> upper_bound((3, 2, 1), 2)
    (5, 'Alexander–Hirschowitz theorem')
    """
    return _upper_bound(Architecture.coerce(widths, r))
