"""Exact points of V in Python integers, and the exact verification of forms at them.

This evaluator of the coefficient map is deliberately independent of the numpy
(:mod:`neurovariety.network.numeric`) and Rust (:mod:`neurovariety.network.modular`)
evaluators: it verifies their results, and the equations are certified by vanishing at its
points, so it must not share code (or bugs) with them. Polynomials are sparse dicts
``exponent tuple -> int``; Python integers never overflow.

>>> exact_network_coefficients((2, 1, 1), 2, [[[1, 2]], [[3]]])  # 3*(x0 + 2 x1)^2
[[3, 12, 12]]
"""

from __future__ import annotations

import random
from typing import Any, Optional, Sequence

from .._validate import integer_entries, nonnegative_int
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec, monomial_exponents
from ..errors import InvalidInputError

__all__ = [
    "Exponent",
    "SparseForm",
    "VERIFY_BOUND",
    "exact_network_coefficients",
    "random_exact_point",
    "random_integer_weights",
    "exact_point",
    "verification_stream",
    "verification_points",
    "verify_forms",
]

#: An exponent vector (of a monomial in the inputs, or in the ambient coordinates).
Exponent = tuple[int, ...]
#: A sparse polynomial with integer coefficients: exponent vector -> coefficient.
SparseForm = dict[Exponent, int]

#: Weights of verification points are uniform in [-VERIFY_BOUND, VERIFY_BOUND].
VERIFY_BOUND = 2**15


def _poly_mul(a: SparseForm, b: SparseForm) -> SparseForm:
    out: SparseForm = {}
    for ea, ca in a.items():
        for eb, cb in b.items():
            e = tuple(x + y for x, y in zip(ea, eb))
            out[e] = out.get(e, 0) + ca * cb
    return {e: c for e, c in out.items() if c}


def _poly_pow(a: SparseForm, k: int, n: int) -> SparseForm:
    result: SparseForm = {(0,) * n: 1}
    base = a
    while k:  # square-and-multiply
        if k & 1:
            result = _poly_mul(result, base)
        k >>= 1
        if k:
            base = _poly_mul(base, base)
    return result


def _integer_matrices(arch: Architecture, weights: Sequence[Any]) -> list[list[list[int]]]:
    if isinstance(weights, (str, bytes)) or not hasattr(weights, "__len__"):
        raise InvalidInputError(f"weights must be a list of {arch.depth} integer matrices W_1..W_L, got {weights!r}")
    if len(weights) != arch.depth:
        raise InvalidInputError(f"weights must be {arch.depth} matrices W_1..W_L for {arch}, got {len(weights)}")
    mats = []
    for i, W in enumerate(weights):
        arr = integer_entries(W, f"weight matrix W_{i + 1}")
        want = (arch.widths[i + 1], arch.widths[i])
        if arr.shape != want:
            raise InvalidInputError(f"weight matrix W_{i + 1} must have shape {want}, got {arr.shape}")
        mats.append([[int(x) for x in row] for row in arr.tolist()])
    return mats


def _forward(arch: Architecture, mats: list[list[list[int]]]) -> list[list[int]]:
    n = arch.d0
    units = [tuple(int(v == k) for v in range(n)) for k in range(n)]
    layer: list[SparseForm] = [{units[k]: c for k, c in enumerate(row) if c} for row in mats[0]]
    for i in range(1, arch.depth):
        powered = [_poly_pow(q, arch.r[i - 1], n) for q in layer]
        nxt: list[SparseForm] = []
        for row in mats[i]:
            acc: SparseForm = {}
            for c, q in zip(row, powered):
                if c:
                    for e, v in q.items():
                        acc[e] = acc.get(e, 0) + c * v
            nxt.append(acc)
        layer = nxt
    monos = monomial_exponents(n, arch.degree)
    return [[q.get(m, 0) for m in monos] for q in layer]


def exact_network_coefficients(widths: ArchitectureLike, r: Optional[RSpec], weights: Sequence[Any]) -> list[list[int]]:
    """Exact integer coefficient matrix (``dL x M``, package monomial order) of ``f_θ``.

    ``weights`` is a list of ``L`` integer matrices ``W_i`` of shape ``(d_i, d_{i-1})`` (nested
    lists or integer numpy arrays). Arithmetic is in Python integers, so there is no overflow.

    >>> exact_network_coefficients((2, 2, 1), 2, [[[1, 0], [1, 1]], [[1, 2]]])  # x0^2 + 2 (x0 + x1)^2
    [[3, 4, 2]]
    """
    arch = Architecture.coerce(widths, r)
    return _forward(arch, _integer_matrices(arch, weights))


def random_integer_weights(arch: Architecture, rng: random.Random, bound: int) -> list[list[list[int]]]:
    """Weight matrices ``W_1..W_L`` with entries uniform in ``[-bound, bound]``.

    >>> random_integer_weights(Architecture((2, 1, 1), 2), random.Random(0), 0)
    [[[0, 0]], [[0]]]
    """
    return [
        [[rng.randint(-bound, bound) for _ in range(arch.widths[i])] for _ in range(arch.widths[i + 1])]
        for i in range(arch.depth)
    ]


def exact_point(arch: Architecture, rng: random.Random, bound: int) -> list[int]:
    """The flat coefficient vector (package order) at random integer weights in ``[-bound, bound]``.

    >>> exact_point(Architecture((2, 1, 1), 2), random.Random(0), 0)
    [0, 0, 0]
    """
    return [c for row in _forward(arch, random_integer_weights(arch, rng, bound)) for c in row]


def random_exact_point(
    widths: ArchitectureLike, r: Optional[RSpec] = None, *, bound: int = 10, seed: Optional[int] = None
) -> list[int]:
    """A point of ``V`` (flat coordinate vector, package order) from uniform integer weights in
    ``[-bound, bound]``, computed exactly.

    >>> len(random_exact_point((3, 3, 3), 2, seed=1))
    18
    """
    arch = Architecture.coerce(widths, r)
    bound = nonnegative_int(bound, "bound")
    return exact_point(arch, random.Random(validate_seed(seed)), bound)


def verification_stream(seed: Optional[int]) -> random.Random:
    """The random stream of verification points: derived from ``seed`` but never equal to the
    stream of interpolation points, so verification always uses fresh points.

    >>> verification_stream(1).random() == verification_stream(1).random()
    True
    """
    return random.Random(None if seed is None else seed + 0x5EED)


def verification_points(arch: Architecture, rng: random.Random, count: int) -> list[list[int]]:
    """``count`` exact points of V with weights uniform in ``[-VERIFY_BOUND, VERIFY_BOUND]``.

    >>> len(verification_points(Architecture((2, 1, 1), 2), verification_stream(0), 2))
    2
    """
    return [exact_point(arch, rng, VERIFY_BOUND) for _ in range(count)]


def _monomial_value(point: Sequence[int], exps: Exponent) -> int:
    v = 1
    for x, e in zip(point, exps):
        if e:
            v *= x**e
    return v


def verify_forms(forms: Sequence[SparseForm], points: Sequence[Sequence[int]]) -> Optional[int]:
    """Index of the first form that does not vanish exactly at all points, or ``None``.

    >>> discriminant = {(1, 0, 1): 4, (0, 2, 0): -1}   # 4 a c - b^2 on the quadrics (a, b, c)
    >>> verify_forms([discriminant], [[1, 2, 1], [9, 6, 1]]) is None
    True
    >>> verify_forms([discriminant], [[1, 0, 1]])
    0
    """
    cache: dict[Exponent, list[int]] = {}
    for idx, form in enumerate(forms):
        for t in range(len(points)):
            total = 0
            for e, c in form.items():
                vals = cache.get(e)
                if vals is None:
                    vals = cache[e] = [_monomial_value(q, e) for q in points]
                total += c * vals[t]
            if total:
                return idx
    return None
