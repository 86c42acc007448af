"""The embedded grid of architectures that ``reproduce`` sweeps.

>>> len(default_grid(quick=True)) < len(default_grid())
True
"""

from __future__ import annotations

import itertools
import math
from typing import Iterable, Iterator

from ..architecture import Architecture

__all__ = ["default_grid", "nonincreasing_tuples"]

Entry = tuple[tuple[int, ...], int]


def nonincreasing_tuples(length: int, top: int, bottom: int = 1) -> Iterator[tuple[int, ...]]:
    """All non-increasing tuples of ``length`` entries in ``bottom..top``.

    >>> list(nonincreasing_tuples(2, 2))
    [(2, 2), (2, 1), (1, 1)]
    """
    if length == 0:
        yield ()
        return
    for first in range(top, bottom - 1, -1):
        for rest in nonincreasing_tuples(length - 1, first, bottom):
            yield (first,) + rest


def _quick() -> Iterator[Entry]:
    for d0, d1, dl in itertools.product((2, 3), (1, 2, 3, 4), (1, 2)):
        yield (d0, d1, dl), 2
    for w in ((3, 2, 2, 1), (3, 3, 2, 2), (2, 1, 2, 1), (3, 3, 3, 3), (2, 2, 2, 1)):
        yield w, 2
    yield (3, 5, 1), 4
    yield (3, 2, 4), 1
    yield (2, 3, 2, 2), 1


def _named() -> Iterator[Entry]:
    yield from (((2, 2, 3), 2), ((3, 3, 3), 2), ((2, 1, 2, 1), 2), ((2, 2, 2, 1), 2),
                ((2, 3, 3, 2, 1), 2), ((3, 2, 1), 2), ((6, 6, 1), 2))


def _shallow() -> Iterator[Entry]:
    for r, d0, d1, dl in itertools.product((2, 3, 4), range(2, 9), range(1, 11), range(1, 6)):
        yield (d0, d1, dl), r


def _alexander_hirschowitz() -> Iterator[Entry]:
    for r, d0 in itertools.product((2, 3, 4, 5), range(2, 7)):
        filling_width = -(-math.comb(d0 + r - 1, r) // d0)
        for d1 in range(1, filling_width + 4):
            yield (d0, d1, 1), r


def _nonincreasing() -> Iterator[Entry]:
    for length, top in ((3, 12), (4, 10), (5, 8), (6, 6), (7, 4)):
        for w in nonincreasing_tuples(length, top):
            if w[0] >= 2:
                for r in (2, 3, 4):
                    yield w, r


def _small_and_equiwidth() -> Iterator[Entry]:
    for w4 in itertools.product(range(2, 5), range(1, 5), range(1, 5), range(1, 5)):
        for r in (2, 3):
            yield w4, r
    for w5 in itertools.product(range(2, 4), range(1, 4), range(1, 4), range(1, 4), range(1, 4)):
        yield w5, 2
    for d, depth, r in itertools.product(range(2, 9), (2, 3, 4, 5), (2, 3, 4)):
        yield (d,) * (depth + 1), r
    for w in itertools.chain(itertools.product(range(1, 4), repeat=3), itertools.product(range(1, 4), repeat=4)):
        yield w, 1


def _split_closure(archs: Iterable[Architecture]) -> list[Architecture]:
    """The architectures and every part of depth >= 2 of their splits, without duplicates."""
    seen: set[Architecture] = set()
    queue = list(archs)
    while queue:
        a = queue.pop()
        if a in seen:
            continue
        seen.add(a)
        queue.extend(part for k in range(1, a.depth) for part in a.split(k) if part.depth >= 2 and part not in seen)
    return sorted(seen, key=lambda a: (a.depth, a.r, a.widths))  # deterministic, readable order


def default_grid(*, quick: bool = False) -> list[Architecture]:
    """The architectures swept by ``reproduce``, in a deterministic order (about 9,000).

    Covers the paper's conjecture check and the theorems the checks test:

    * shallow ``(d0, d1, dL)``: ``d0`` 2..8, ``d1`` 1..10, ``dL`` 1..5, ``r`` 2..4 (defect
      heatmaps, the conjecture at depth 2), and non-increasing ones up to ``d0 = 12``;
    * single output ``(d0, d1, 1)``, ``d0`` 2..6, ``r`` 2..5, ``d1`` up to 3 past the filling
      width, for Alexander–Hirschowitz — including the four sporadic cases;
    * every non-increasing width vector of depth 2..6 (``d0`` up to 12..4), r = 2..4;
    * all depth-3 widths in 1..4 (r = 2, 3) and depth-4 widths in 1..3 (r = 2), equi-width
      networks, linear networks (r = 1) of depth 2 and 3 with widths 1..3, the named examples;
    * closed under the splitting bound: every sub-architecture of depth >= 2 is in the grid.

    ``quick=True`` gives a small subset (about 30, seconds) for tests and smoke runs.
    """
    sources = (_quick(),) if quick else (_named(), _shallow(), _alexander_hirschowitz(), _nonincreasing(), _small_and_equiwidth())
    return _split_closure(Architecture(w, r) for w, r in itertools.chain(*sources))
