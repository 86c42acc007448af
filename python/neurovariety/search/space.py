"""The space of a filling search: fixed ``(d0, dL, r, L)``, hidden widths in a box, and width saturation.

A :class:`FillingProblem` fixes the input and output widths, the exponent and the depth; the
search runs over hidden widths ``h = (d1, ..., d_{L-1})`` with ``min_width <= h_k <= max_widths[k]``.

**Width saturation** (a lemma used throughout the search). The activations of hidden layer
``k`` are ``r``-th powers ``z^r`` of elements ``z`` of the span ``U`` of the activations of layer
``k - 1`` (``dim U <= d_{k-1}``; for ``k = 1``, the linear forms, ``dim U = d0``). Every such
power lies in the span ``P`` of all ``z^r``, of dimension at most
``sat_k(d_{k-1}) = min(C(d_{k-1} + r - 1, r), M_k)``, ``M_k = C(d0 + r^k - 1, d0 - 1)`` the number of
monomials of degree ``r^k``. Generic ``z_1, ..., z_{d_k}`` with ``d_k >= dim P`` have powers spanning
``P``, so the next layer sees every tuple of elements of ``P`` either way: for
``d_k >= sat_k(d_{k-1})`` the neurovariety does not change when ``d_k`` is lowered to
``sat_k(d_{k-1})``. Hence ``V(h) = V(canonical(h))``, and an architecture with some
``d_k > sat_k(d_{k-1})`` is never minimal filling (lowering ``d_k`` by one keeps ``V``).

>>> p = FillingProblem.validated(2, 1, 2, 4, 7)
>>> p.ambient, p.monomials, p.caps
(9, (3, 5, 9), (3, 5, 7))
>>> p.canonical((6, 7, 2)), p.saturation(2, 2)
((3, 5, 2), 3)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from math import comb
from typing import Any, Sequence, Union

import numpy as np

from .._display import Displayable
from .._validate import integer, positive_int
from ..architecture import MAX_EXPONENT, MAX_WIDTH, Architecture
from ..errors import InvalidInputError

__all__ = ["FillingProblem", "MaxWidths", "unimodal"]

#: One maximum width for every hidden layer, or one per hidden layer.
MaxWidths = Union[int, Sequence[int]]

#: Widths searched are small: every box point is a dense rank computation.
MAX_SEARCH_WIDTH = 10_000


@dataclass(frozen=True, repr=False)
class FillingProblem(Displayable):
    """``(d0, dL, r, depth)`` and the box ``min_width <= d_k <= max_widths[k-1]`` of hidden widths."""

    d0: int
    dL: int
    r: int
    depth: int
    max_widths: tuple[int, ...]
    min_width: int = 1

    @classmethod
    def validated(cls, d0: int, dL: int, r: int, depth: int, max_width: MaxWidths, min_width: int = 1) -> "FillingProblem":
        """Check every argument (raises :class:`~neurovariety.errors.InvalidInputError`)."""
        d0 = positive_int(d0, "d0", maximum=MAX_WIDTH)
        dL = positive_int(dL, "dL", maximum=MAX_WIDTH)
        r = positive_int(r, "r", maximum=MAX_EXPONENT)
        depth = positive_int(depth, "depth", maximum=64)
        if depth < 2:
            raise InvalidInputError(f"depth must be at least 2 (a network without hidden layers has no widths to search), got {depth}")
        lo = positive_int(min_width, "min_width", maximum=MAX_SEARCH_WIDTH)
        if isinstance(max_width, (str, bytes)) or not (hasattr(max_width, "__iter__") or isinstance(max_width, (int, np.integer))):
            raise InvalidInputError(f"max_width must be an int or one int per hidden layer, got {max_width!r}")
        if hasattr(max_width, "__iter__"):
            widths = tuple(positive_int(w, f"max_width[{i}]", maximum=MAX_SEARCH_WIDTH) for i, w in enumerate(max_width))
            if len(widths) != depth - 1:
                raise InvalidInputError(f"max_width needs one entry per hidden layer ({depth - 1}), got {list(widths)}")
        else:
            widths = (positive_int(integer(max_width, "max_width"), "max_width", maximum=MAX_SEARCH_WIDTH),) * (depth - 1)
        if min(widths) < lo:
            raise InvalidInputError(f"max_width {list(widths)} must be at least min_width {lo} in every layer")
        return cls(d0, dL, r, depth, widths, lo)

    # --- sizes ------------------------------------------------------------------------------------
    @property
    def hidden(self) -> int:
        """Number of hidden layers ``L - 1``."""
        return self.depth - 1

    @functools.cached_property
    def monomials(self) -> tuple[int, ...]:
        """``M_k``: monomials of degree ``r^k`` in ``d0`` variables, ``k = 1..L-1`` (Python ints)."""
        return tuple(comb(self.d0 + self.r**k - 1, self.d0 - 1) for k in range(1, self.depth))

    @functools.cached_property
    def ambient(self) -> int:
        """``dL * M``: the dimension a filling architecture reaches."""
        return self.dL * comb(self.d0 + self.r**self.hidden - 1, self.d0 - 1)

    @functools.cached_property
    def caps(self) -> tuple[int, ...]:
        """Largest width of each hidden layer that can occur in a minimal architecture within the box:
        ``min(max_width, M_k)`` (wider layers are saturated), never below ``min_width``."""
        return tuple(max(self.min_width, min(w, m)) for w, m in zip(self.max_widths, self.monomials))

    @property
    def empty(self) -> bool:
        """True when ``min_width`` exceeds a saturation width: then no architecture is minimal."""
        return any(self.min_width > m for m in self.monomials)

    # --- saturation --------------------------------------------------------------------------------
    def saturation(self, k: int, prev: int) -> int:
        """``sat_k(prev) = min(C(prev + r - 1, r), M_k)``: widths of layer ``k`` beyond it change nothing."""
        return min(comb(prev + self.r - 1, self.r), self.monomials[k - 1]) if prev > 0 else 0

    def saturation_table(self, k: int, max_prev: int) -> np.ndarray:
        """``sat_k(prev)`` for ``prev = 0..max_prev`` (int64, capped at ``2^62``)."""
        return _saturation_table(self.r, self.monomials[k - 1], max_prev)

    def canonical(self, hidden: Sequence[int]) -> tuple[int, ...]:
        """The hidden widths with every saturated layer lowered, left to right: the same neurovariety."""
        out, prev = [], self.d0
        for k, w in enumerate(hidden, start=1):
            prev = min(int(w), self.saturation(k, prev))
            out.append(prev)
        return tuple(out)

    def canonical_grid(self, hidden: Sequence[np.ndarray]) -> list[np.ndarray]:
        """:meth:`canonical` of broadcastable integer arrays, one per hidden layer."""
        out, prev = [], np.asarray(self.d0, dtype=np.int64)
        top = max([self.d0, *(int(np.max(h)) for h in hidden)])
        for k, h in enumerate(hidden, start=1):
            prev = np.minimum(np.asarray(h, dtype=np.int64), self.saturation_table(k, top)[prev])
            out.append(prev)
        return out

    # --- architectures -------------------------------------------------------------------------------
    def widths(self, hidden: Sequence[int]) -> tuple[int, ...]:
        """``(d0, *hidden, dL)``."""
        return (self.d0, *(int(h) for h in hidden), self.dL)

    def architecture(self, hidden: Sequence[int]) -> Architecture:
        """The architecture with these hidden widths."""
        return Architecture(self.widths(hidden), self.r)

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (checkpoint headers, JSON)."""
        return {"d0": self.d0, "dL": self.dL, "r": self.r, "depth": self.depth, "max_widths": list(self.max_widths),
                "min_width": self.min_width}

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("d0", self.d0), ("dL", self.dL), ("r", self.r), ("depth", self.depth), ("max_widths", self.max_widths),
                ("min_width", self.min_width)]

    def __str__(self) -> str:
        box = f"max width {self.max_widths[0]}" if len(set(self.max_widths)) == 1 else f"max widths {list(self.max_widths)}"
        return f"(d0, dL, r) = ({self.d0}, {self.dL}, {self.r}), depth {self.depth}, {box}, min width {self.min_width}"


@functools.lru_cache(maxsize=256)
def _saturation_table(r: int, monomials: int, max_prev: int) -> np.ndarray:
    cap = min(monomials, 2**62)
    table = np.array([0] + [min(comb(p + r - 1, r), cap) for p in range(1, max_prev + 1)], dtype=np.int64)
    table.setflags(write=False)
    return table


def unimodal(widths: Sequence[int]) -> bool:
    """Non-decreasing up to a peak, non-increasing after it (over all widths ``d0..dL``).

    >>> unimodal((2, 3, 4, 5, 5, 4, 2, 1)), unimodal((2, 3, 4, 5, 4, 6, 4, 1))
    (True, False)
    """
    i, n = 0, len(widths)
    while i + 1 < n and widths[i + 1] >= widths[i]:
        i += 1
    while i + 1 < n and widths[i + 1] <= widths[i]:
        i += 1
    return i == n - 1
