"""Architectures of polynomial neural networks and their combinatorics.

An architecture is a width vector ``d = (d0, d1, ..., dL)`` (``L`` weight matrices, ``W_i`` of
shape ``d_i x d_{i-1}``, no biases) and an activation exponent ``r``: one int for every hidden
layer, or one per hidden layer ``(r_1, ..., r_{L-1})``. The network computes ``dL`` homogeneous
polynomials of degree ``D = r_1 * ... * r_{L-1}`` in ``d0`` variables.

Conventions used throughout the package (and by the Rust core):

* **Monomial order**: exponent vectors of degree ``D`` in ``n`` variables in lexicographic
  descending order, ``x0^D`` first. This is the order of
  ``itertools.combinations_with_replacement(range(n), D)`` read as variable multisets; see
  :func:`monomial_exponents`.
* **Coefficient vector** of a network: output-major, row ``j * M + m`` holds the coefficient of
  monomial ``m`` in output ``j`` (``M`` = number of monomials).
* **Weight vector**: ``W_1`` row-major, then ``W_2``, ..., ``W_L``; column ``k`` of the Jacobian
  is the derivative with respect to weight ``k`` in this order.

>>> a = Architecture((3, 3, 3), 2)
>>> (a.num_params, a.degree, a.num_monomials, a.ambient_dim, a.expected_dim)
(18, 2, 6, 18, 15)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import comb, prod
from typing import Iterable, Sequence, Union

RSpec = Union[int, Sequence[int]]

__all__ = [
    "Architecture",
    "monomial_exponents",
    "parse_widths",
    "parse_r",
    "RSpec",
]


def _positive_int(value: object, what: str) -> int:
    # bool is an int subclass; True as a width is almost certainly a bug in the caller.
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    try:
        as_int = int(value)  # accepts numpy integers
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a positive integer, got {value!r}") from None
    if as_int != value or as_int < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return as_int


@dataclass(frozen=True)
class Architecture:
    """A PNN architecture: widths ``(d0, ..., dL)`` and hidden-layer exponents.

    ``r`` is normalised to a tuple of ``L - 1`` exponents (empty for a single linear layer).

    >>> Architecture([2, 2, 3], 2).ambient_dim
    9
    >>> Architecture("3,4,5,2", "2,3").degree
    6
    """

    widths: tuple[int, ...]
    r: tuple[int, ...]

    def __init__(self, widths: Union[Sequence[int], str], r: Union[RSpec, str] = 2) -> None:
        if isinstance(widths, str):
            widths = parse_widths(widths)
        if isinstance(r, str):
            r = parse_r(r)
        try:
            widths_list = list(widths)
        except TypeError:
            raise ValueError(f"widths must be a sequence of positive integers, got {widths!r}") from None
        if len(widths_list) < 2:
            raise ValueError(f"an architecture needs at least 2 widths (d0, d1), got {widths_list!r}")
        ws = tuple(_positive_int(w, f"width d{i}") for i, w in enumerate(widths_list))
        hidden = len(ws) - 2
        if isinstance(r, (list, tuple)):
            rs = tuple(_positive_int(x, f"exponent r_{i + 1}") for i, x in enumerate(r))
            if len(rs) != hidden:
                raise ValueError(
                    f"per-layer exponents must have one entry per hidden layer "
                    f"({hidden} for widths {list(ws)}), got {list(rs)}"
                )
        else:
            rs = (_positive_int(r, "exponent r"),) * hidden
        object.__setattr__(self, "widths", ws)
        object.__setattr__(self, "r", rs)

    # --- basic shape -----------------------------------------------------------------------
    @property
    def depth(self) -> int:
        """Number of weight matrices ``L``."""
        return len(self.widths) - 1

    @property
    def d0(self) -> int:
        return self.widths[0]

    @property
    def dL(self) -> int:
        return self.widths[-1]

    @property
    def hidden_widths(self) -> tuple[int, ...]:
        return self.widths[1:-1]

    @property
    def uniform_r(self) -> Union[int, None]:
        """The common exponent if all hidden layers share one (``None`` for mixed or no hidden layer)."""
        return self.r[0] if self.r and len(set(self.r)) == 1 else None

    @property
    def r_label(self) -> str:
        """``"2"`` for a uniform exponent, ``"2,3"`` for per-layer, ``"1"`` without hidden layers."""
        if not self.r:
            return "1"
        return str(self.uniform_r) if self.uniform_r is not None else ",".join(map(str, self.r))

    # --- combinatorics (SPEC §1) ---------------------------------------------------------------
    @property
    def num_params(self) -> int:
        """``N = sum d_{i-1} d_i``."""
        return sum(a * b for a, b in zip(self.widths, self.widths[1:]))

    @property
    def degree(self) -> int:
        """Degree ``D`` of the output polynomials (product of the hidden exponents)."""
        return prod(self.r)

    @property
    def num_monomials(self) -> int:
        """``M = C(d0 + D - 1, D)``."""
        return comb(self.d0 + self.degree - 1, self.degree)

    @property
    def ambient_dim(self) -> int:
        """Affine ambient dimension ``dL * M``."""
        return self.dL * self.num_monomials

    @property
    def expected_dim(self) -> int:
        """``min(N - sum of hidden widths, ambient)``: parameters minus the rescaling symmetries."""
        return min(self.num_params - sum(self.hidden_widths), self.ambient_dim)

    def split(self, k: int) -> tuple["Architecture", "Architecture"]:
        """The two architectures ``(d0..dk)`` and ``(dk..dL)`` of the splitting bound (0 < k < L).

        The activation after layer ``k`` is absorbed by the composition, so the left part keeps
        ``r_1..r_{k-1}`` and the right part ``r_{k+1}..r_{L-1}``.
        """
        if not 0 < k < self.depth:
            raise ValueError(f"split index must satisfy 0 < k < L={self.depth}, got {k}")
        return (
            Architecture(self.widths[: k + 1], list(self.r[: k - 1])),
            Architecture(self.widths[k:], list(self.r[k:])),
        )

    def __str__(self) -> str:
        return f"({','.join(map(str, self.widths))}), r={self.r_label}"


def monomial_exponents(n: int, degree: int) -> list[tuple[int, ...]]:
    """Exponent vectors of all monomials of ``degree`` in ``n`` variables, in package order.

    >>> monomial_exponents(2, 2)
    [(2, 0), (1, 1), (0, 2)]
    """
    out = []
    for combo in itertools.combinations_with_replacement(range(n), degree):
        e = [0] * n
        for v in combo:
            e[v] += 1
        out.append(tuple(e))
    return out


def parse_widths(text: str) -> tuple[int, ...]:
    """Parse ``"3,3,3"``, ``"[3, 3, 3]"`` or ``"(3 3 3)"`` into a tuple of widths.

    >>> parse_widths("[2, 2, 3]")
    (2, 2, 3)
    """
    cleaned = text.strip().strip("[]()").replace(" ", ",")
    parts = [p for p in cleaned.split(",") if p]
    if not parts:
        raise ValueError(f"could not parse widths from {text!r}")
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"could not parse widths from {text!r}: expected integers like 3,3,3") from None


def parse_r(text: Union[str, int, Iterable[int]]) -> RSpec:
    """Parse an activation spec: ``"2"`` -> 2, ``"2,3"`` -> (2, 3).

    >>> parse_r("2,3")
    (2, 3)
    """
    if isinstance(text, int):
        return text
    if not isinstance(text, str):
        return tuple(int(x) for x in text)
    cleaned = text.strip().strip("[]()").replace(" ", ",")
    parts = [p for p in cleaned.split(",") if p]
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"could not parse exponent r from {text!r}: expected 2 or 2,3") from None
    if not values:
        raise ValueError(f"could not parse exponent r from {text!r}")
    return values[0] if len(values) == 1 else values
