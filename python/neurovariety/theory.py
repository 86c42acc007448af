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
  lost in it), applied recursively;
* the **width-one bottleneck formula**: if a hidden width ``dk = 1``, every output is
  ``c_j u^e`` for one polynomial ``u`` of ``V_(d0..dk)``, so ``dim V = dim V_(d0..dk) + dL - 1``;
* the **linear-layer merge**: a hidden layer with ``r_k = 1`` and ``dk >= min(d_{k-1}, d_{k+1})``
  composes its two matrices into an arbitrary one, so ``V`` equals the variety of the
  architecture without that layer;
* **width saturation**: the activations of layer ``k`` are ``r_k``-th powers of elements of a
  space of dimension at most ``d_{k-1}`` (the span of the previous layer's outputs), so they span
  at most ``min(C(d_{k-1} + r_k - 1, r_k), M_k)`` dimensions (``M_k`` = monomials of their degree);
  a wider layer ``k`` gives the same neurovariety, so the bound of the architecture with every
  hidden width lowered to that value (left to right) applies;
* the **quadratic-output bound** for one output after a square (``dL = 1``, ``r_{L-1} = 2``,
  ``m = d_{L-1}``): ``f = q(h)`` for a quadratic form ``q`` in the ``m`` outputs ``h`` of
  ``V' = V_(d0..d_{L-1})``, and ``GL_m`` acts on the pairs ``(q, h)`` with orbits of dimension at
  least ``m s`` (``s`` the rank of the span of ``h``; a rank at a random point over F_p is a proved
  lower bound for it), so ``dim V <= dim V' + m(m+1)/2 - m s``. For ``(d0, d1, 1)`` it is the
  ``r = 2`` case of Alexander–Hirschowitz; deeper, it is what makes ``(..., 3, 2, 1)`` defective;
* the **first-layer hypersurface bound** for ``d1 = d0 + 1`` (``d0 >= 2``, ``r_1 >= 2``): every
  output is ``G(l_1^r, ..., l_{d1}^r)`` for ``d1`` linear forms ``l_i`` and forms ``G`` of degree
  ``e = D / r_1`` of ``V_(d1..dL)``. For generic ``l`` the map ``x -> (l_i(x)^r)`` is injective
  on a dense open set of ``P^(d0-1)``, so its image is a hypersurface of degree ``k = r^(d0-1)``
  whose coordinate ring has ``h = C(e + d0, d0) - C(e - k + d0, d0)`` forms of degree ``e``; the
  ``l_i`` matter only up to scale, so ``dim V <= d1 (d0 - 1) + min(dL h, ub(d1..dL))``. It is
  what makes the deep ``(3, 4, ..., 1)``, r = 2 rows defective (e.g. 2,058 of 2,145).

>>> upper_bound(Architecture((2, 1, 2, 1), 2))
(2, 'splitting bound at layer 1')
"""

from __future__ import annotations

import functools
from math import comb, prod
from typing import Optional, Sequence

from . import _core
from ._validate import positive_int
from .architecture import Architecture, ArchitectureLike, RSpec

__all__ = [
    "AH_SPORADIC",
    "alexander_hirschowitz_dimension",
    "linear_dimension",
    "upper_bound",
    "span_rank_lower_bound",
    "first_layer_hypersurface_bound",
    "saturated",
    "saturation_width",
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


def saturation_width(d_prev: int, r: int, degree: int, d0: int) -> int:
    """The width beyond which a hidden layer with exponent ``r`` after a layer of width ``d_prev``
    changes nothing (its outputs have degree ``degree`` in ``d0`` variables).

    >>> saturation_width(2, 2, 2, 2)   # two linear forms squared span at most 3 binary quadrics
    3
    """
    return min(comb(d_prev + r - 1, r), comb(d0 + degree - 1, min(degree, d0 - 1)))


def saturated(arch: Architecture) -> Architecture:
    """The architecture with every hidden width lowered to its saturation width, left to right: the
    same neurovariety.

    >>> saturated(Architecture((2, 19, 8, 3, 14, 2, 1), 2)).widths
    (2, 3, 5, 3, 6, 2, 1)
    """
    return Architecture._trusted(_saturated_widths(arch.widths, arch.r), arch.r)


def _saturated_widths(widths: tuple[int, ...], r: tuple[int, ...]) -> tuple[int, ...]:
    out, prev, degree = list(widths), widths[0], 1
    for k in range(1, len(widths) - 1):
        degree *= r[k - 1]
        out[k] = min(out[k], saturation_width(prev, r[k - 1], degree, widths[0]))
        prev = out[k]
    return tuple(out)


def _mergeable_linear_layer(arch: Architecture) -> Optional[int]:
    """A hidden layer ``k`` with ``r_k = 1`` whose two matrices compose to an arbitrary one."""
    for k in range(1, arch.depth):
        if arch.r[k - 1] == 1 and arch.widths[k] >= min(arch.widths[k - 1], arch.widths[k + 1]):
            return k
    return None


def _merged(arch: Architecture, k: int) -> Architecture:
    return Architecture._trusted(arch.widths[:k] + arch.widths[k + 1 :], arch.r[: k - 1] + arch.r[k:])


@functools.lru_cache(maxsize=65536)
def span_rank_lower_bound(arch: Architecture) -> int:
    """A proved lower bound for the dimension of the span of the ``dL`` outputs of a generic
    network of ``arch``.

    The outputs are ``W_L a`` for the activations ``a`` feeding the last layer; for generic
    ``W_L`` their span has dimension ``min(dL, s_a)``, ``s_a`` the span dimension of ``a``. The
    rank over F_p of the matrix ``a_i(x_s)`` at random points ``x_s`` (a forward pass in the
    Rust core) is at most ``s_a``: a lower bound.

    >>> span_rank_lower_bound(Architecture((2, 3, 2), 2))
    2
    """
    if arch.depth == 1:
        return min(arch.dL, arch.d0)
    d_in = arch.widths[-2]
    p = int(_core.DEFAULT_PRIMES[0])
    values = _core.last_hidden_values(list(arch.widths), list(arch.r), p, d_in + 2, None, 0x5A17)
    return min(arch.dL, int(_core.matrix_rank(values, p)))


def _quadratic_output_bound(arch: Architecture, best: int) -> Optional[int]:
    if arch.depth < 2 or arch.dL != 1 or arch.r[-1] != 2:
        return None
    prefix = arch.split(arch.depth - 1)[0]
    m, prefix_bound = arch.widths[-2], _upper_bound(prefix)[0]
    if prefix_bound + m * (m + 1) // 2 - m * m >= best:
        return None  # cannot win even with the largest span: skip the rank computation
    return prefix_bound + m * (m + 1) // 2 - m * span_rank_lower_bound(prefix)


def first_layer_hypersurface_bound(arch: Architecture) -> Optional[int]:
    """The first-layer hypersurface bound (module docs) when ``d1 = d0 + 1``, else None.

    >>> first_layer_hypersurface_bound(Architecture((3, 4, 6, 6, 1), 2))  # 4 * 2 + 34 < 45 = ambient
    42
    """
    if arch.depth < 2 or arch.d0 < 2 or arch.r[0] < 2 or arch.widths[1] != arch.d0 + 1:
        return None
    d0, d1, r1 = arch.d0, arch.widths[1], arch.r[0]
    e, k = arch.degree // r1, r1 ** (d0 - 1)
    forms = comb(e + d0, d0) - (comb(e - k + d0, d0) if e >= k else 0)
    return d1 * (d0 - 1) + min(arch.dL * forms, _upper_bound(arch.split(1)[1])[0])


def _structural_bounds(arch: Architecture) -> list[tuple[int, str]]:
    out = []
    value = first_layer_hypersurface_bound(arch)
    if value is not None:
        out.append((value, "first-layer hypersurface bound"))
    k = _mergeable_linear_layer(arch)
    if k is not None:
        out.append((_upper_bound(_merged(arch, k))[0], f"linear-layer merge at layer {k}"))
    if 1 in arch.hidden_widths:
        k = arch.hidden_widths.index(1) + 1
        out.append((_upper_bound(arch.split(k)[0])[0] + arch.dL - 1, f"width-one bottleneck formula at layer {k}"))
    return out


def _expected_dim(widths: tuple[int, ...], r: tuple[int, ...]) -> int:
    """:attr:`Architecture.expected_dim` from the tuples (the recursion's hot path meets each
    sub-architecture once; building its cached properties would cost more than the formula)."""
    free = sum(a * b for a, b in zip(widths, widths[1:])) - sum(widths[1:-1])
    degree = prod(r)
    return min(free, widths[-1] * comb(widths[0] + degree - 1, min(degree, widths[0] - 1)))


def _upper_bound(arch: Architecture) -> tuple[int, str]:
    return _bound(arch.widths, arch.r)


# The recursion meets the same sub-architectures again and again (and a sweep's rows share
# most of theirs), so both levels are memoised on plain tuples: cheaper keys than Architecture
# objects, which are built only once per distinct sub-architecture. 2^18 entries per level
# keep the memory to tens of MB (3,000 random third-party rows meet about 86,000).
@functools.lru_cache(maxsize=1 << 18)
def _bound(widths: tuple[int, ...], r: tuple[int, ...]) -> tuple[int, str]:
    reduced = _saturated_widths(widths, r)
    if reduced != widths:
        value, source = _bound(reduced, r)
        unsaturated = _bound_unsaturated(widths, r)[0]
        if value < unsaturated:  # (the unsaturated bound is at most the expected dimension)
            return value, f"width saturation to {reduced}, then the {source}"
    return _bound_unsaturated(widths, r)


@functools.lru_cache(maxsize=1 << 18)
def _bound_unsaturated(widths: tuple[int, ...], r: tuple[int, ...]) -> tuple[int, str]:
    best, source = _expected_dim(widths, r), "expected dimension"
    if all(e == 1 for e in r):
        value = linear_dimension(widths)
        return (value, "linear network formula") if value <= best else (best, source)
    depth = len(widths) - 1
    if depth == 2 and widths[-1] == 1:
        value = alexander_hirschowitz_dimension(widths[0], widths[1], r[0])
        if value <= best:
            return value, "Alexander–Hirschowitz theorem"
    for k in range(1, depth):
        value = _bound(widths[: k + 1], r[: k - 1])[0] + _bound(widths[k:], r[k:])[0] - widths[k]
        if value < best:
            best, source = value, f"splitting bound at layer {k}"
    arch = Architecture._trusted(widths, r)
    for value, name in _structural_bounds(arch):  # on a tie the splitting bound is named (the older result)
        if value < best:
            best, source = value, name
    quadratic = _quadratic_output_bound(arch, best)
    if quadratic is not None and quadratic < best:
        best, source = quadratic, "quadratic-output bound"
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
