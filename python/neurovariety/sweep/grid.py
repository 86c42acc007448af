"""Where a sweep's architectures come from: files, explicit items and grids.

Grids are *counted* before they are enumerated (combinatorics, with the filters taken into
account), refused above ``max_jobs`` with their count, and then enumerated lazily in a
deterministic order: depth, then widths lexicographically, then ``r``. Text is parsed only by
:mod:`neurovariety.architecture`.

>>> from neurovariety.sweep.jobs import arch_line
>>> g = Grid.parse("2", "1..2", "2", d0=2, dL=1)
>>> g.count(), [arch_line(a) for a in g]
(GridCount(total=2, exact=True), ['2,1,1 2', '2,2,1 2'])
>>> Grid.parse("2..10", "1..6").count().total       # counted, never enumerated
435356424
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Optional, Union

from .._validate import INT_FIELD, positive_int
from ..architecture import Architecture, parse_architecture_line
from ..errors import InvalidInputError, ResourceLimitError
from .jobs import as_architectures, dedupe
from .schema import row_architecture

__all__ = [
    "DEFAULT_MAX_JOBS",
    "IntSet",
    "Grid",
    "GridCount",
    "Selection",
    "parse_int_set",
    "grid_architectures",
    "read_architecture_file",
    "select_architectures",
    "collect_architectures",
    "bounded",
]

#: Sweeps (and ``--dry-run``) refuse more architectures than this unless told otherwise.
DEFAULT_MAX_JOBS = 1_000_000

#: A set of positive ints as text (``"2..4"``, ``"1..3,6"``), one int or ints.
IntSet = Union[str, int, Iterable[int]]

# Exact counting under the max_params / non_increasing filters is a dynamic programme; above
# this much work the unfiltered product is used as an upper bound instead.
_COUNT_WORK = 20_000_000


def parse_int_set(text: IntSet, what: str = "value") -> tuple[int, ...]:
    """Parse ``"2..4"``, ``"2,3"``, ``"1..3,6"`` or ``"5"`` into sorted distinct positive ints.

    >>> parse_int_set("1..3,6")
    (1, 2, 3, 6)
    """
    if isinstance(text, bool):
        raise InvalidInputError(f"{what} must be positive integers, got {text!r}")
    if isinstance(text, str):
        values = _parse_ranges(text, what)
    elif isinstance(text, int):
        values = {text}
    else:
        values = {positive_int(v, what) for v in text}
    if not values:
        raise InvalidInputError(f"no {what} given in {text!r}")
    bad = sorted(v for v in values if v < 1)
    if bad:
        raise InvalidInputError(f"{what} must be positive integers, got {bad[0]} in {text!r}")
    return tuple(sorted(values))


def _parse_ranges(text: str, what: str) -> set[int]:
    values: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            raise InvalidInputError(f"empty field in {what} {text!r}: expected e.g. '2..4', '2,3' or '1..3,6'")
        lo_s, sep, hi_s = part.partition("..")
        hi_s = hi_s if sep else lo_s
        if not (INT_FIELD.fullmatch(lo_s) and INT_FIELD.fullmatch(hi_s)):
            raise InvalidInputError(
                f"could not parse {what} from {text!r}: expected e.g. '2..4', '2,3' or '1..3,6'"
            )
        lo, hi = int(lo_s), int(hi_s)
        if lo > hi:
            raise InvalidInputError(f"empty range {part!r} for {what}")
        if hi - lo > 10_000_000:
            raise InvalidInputError(f"range {part!r} for {what} is too large")
        values.update(range(lo, hi + 1))
    return values


class GridCount(NamedTuple):
    """How many architectures; ``exact=False`` when ``total`` is only an upper bound."""

    total: int
    exact: bool


@dataclass(frozen=True)
class Grid:
    """A validated grid: every depth ``L`` of ``depths``, every width vector ``(d0..dL)`` over
    ``widths`` passing the filters, every uniform exponent of ``rs``."""

    depths: tuple[int, ...]
    widths: tuple[int, ...]
    rs: tuple[int, ...] = (2,)
    non_increasing: bool = False
    d0: Optional[tuple[int, ...]] = None
    dL: Optional[tuple[int, ...]] = None
    max_params: Optional[int] = None

    @classmethod
    def parse(
        cls,
        depth: IntSet,
        widths: IntSet,
        r: IntSet = 2,
        *,
        non_increasing: bool = False,
        d0: Optional[IntSet] = None,
        dL: Optional[IntSet] = None,
        max_params: Optional[int] = None,
    ) -> "Grid":
        """Validate the grid options (``"2..4"``-style sets, see :func:`parse_int_set`)."""
        return cls(
            depths=parse_int_set(depth, "depth"),
            widths=parse_int_set(widths, "widths"),
            rs=parse_int_set(r, "r"),
            non_increasing=bool(non_increasing),
            d0=None if d0 is None else parse_int_set(d0, "d0"),
            dL=None if dL is None else parse_int_set(dL, "dL"),
            max_params=None if max_params is None else positive_int(max_params, "max_params"),
        )

    def _ends(self) -> tuple[list[int], set[int]]:
        firsts = [w for w in self.widths if self.d0 is None or w in self.d0]
        lasts = {w for w in self.widths if self.dL is None or w in self.dL}
        return firsts, lasts

    def _cap(self, depth: int) -> Optional[int]:
        # A max_params no width vector of this depth can exceed is no filter at all.
        cap = self.max_params
        return None if cap is None or cap >= depth * max(self.widths) ** 2 else cap

    def _count_depth(self, depth: int) -> GridCount:
        firsts, lasts = self._ends()
        cap = self._cap(depth)
        k = len(self.widths)
        product = len(firsts) * k ** (depth - 1) * len(lasts)
        if cap is None and not self.non_increasing:
            return GridCount(product, True)
        widths = self.widths
        if cap is not None:  # a width w can only sit next to another if w * min(widths) <= cap
            widths = tuple(w for w in widths if w * widths[0] <= cap)
            firsts = [w for w in firsts if w in widths]
        if depth * len(widths) ** 2 * (1 if cap is None else cap + 1) > _COUNT_WORK:
            return GridCount(product, False)
        states: dict[tuple[int, int], int] = {(w, 0): 1 for w in firsts}
        for step in range(depth):
            final = step == depth - 1
            nxt: defaultdict[tuple[int, int], int] = defaultdict(int)
            for (prev, params), n in states.items():
                for w in widths:  # ascending: both filters only get stricter
                    q = params + prev * w if cap is not None else 0
                    if (self.non_increasing and w > prev) or (cap is not None and q > cap):
                        break
                    if not final or w in lasts:
                        nxt[(w, q)] += n
            states = nxt
        return GridCount(sum(states.values()), True)

    def count(self) -> GridCount:
        """The number of architectures, by combinatorics (no enumeration).

        Exact with every filter unless the ``max_params`` / ``non_increasing`` counting would be
        expensive (huge width sets); then the product without those filters, ``exact=False``.
        """
        parts = [self._count_depth(L) for L in self.depths]
        return GridCount(sum(p.total for p in parts) * len(self.rs), all(p.exact for p in parts))

    def _vectors(self, depth: int) -> Iterator[tuple[int, ...]]:
        firsts, lasts = self._ends()
        cap = self._cap(depth)
        low = min(self.widths) ** 2
        stack: list[tuple[tuple[int, ...], int]] = [((w,), 0) for w in reversed(firsts)]
        while stack:  # depth-first in lexicographic order, pruning with the filters
            prefix, params = stack.pop()
            if len(prefix) == depth + 1:
                yield prefix
                continue
            prev, final = prefix[-1], len(prefix) == depth
            children = []
            for w in self.widths:
                q = params + prev * w
                left = depth - len(prefix)  # edges still to come after this one
                if (self.non_increasing and w > prev) or (cap is not None and q + left * low > cap):
                    break
                if not final or w in lasts:
                    children.append((prefix + (w,), q))
            stack.extend(reversed(children))

    def __iter__(self) -> Iterator[Architecture]:
        for depth in self.depths:
            for ws in self._vectors(depth):
                for r in self.rs:
                    yield Architecture(ws, r)


def grid_architectures(
    depth: IntSet,
    widths: IntSet,
    r: IntSet = 2,
    *,
    non_increasing: bool = False,
    d0: Optional[IntSet] = None,
    dL: Optional[IntSet] = None,
    max_params: Optional[int] = None,
    max_jobs: int = DEFAULT_MAX_JOBS,
) -> list[Architecture]:
    """All architectures of a grid, in a deterministic order (depth, then widths lexicographic, then r).

    ``depth`` is the number ``L`` of weight matrices; every width ``d_0..d_L`` ranges over
    ``widths``; ``r`` is a uniform exponent. Filters: ``non_increasing`` (``d0 >= ... >= dL``),
    ``d0`` / ``dL`` (allowed first / last widths) and ``max_params`` (number of weights). A grid
    counted above ``max_jobs`` raises :class:`~neurovariety.errors.ResourceLimitError`.

    >>> from neurovariety.sweep.jobs import arch_line
    >>> [arch_line(a) for a in grid_architectures("2", "1..2", "2", d0=2, dL=1)]
    ['2,1,1 2', '2,2,1 2']
    """
    grid = Grid.parse(depth, widths, r, non_increasing=non_increasing, d0=d0, dL=dL, max_params=max_params)
    Selection([], grid).checked(max_jobs)
    return list(grid)


def read_architecture_file(path: Union[str, os.PathLike[str]]) -> list[Architecture]:
    """Read architectures from a file, one ``WIDTHS R`` per line (``-``: standard input).

    Blank lines and ``#`` comments are ignored. A CSV with ``Widths`` and ``Activation`` columns
    (a previous sweep's ``results.csv``, ``timeout.csv`` or ``errors.csv``) or with
    ``architecture`` and ``exponent`` columns is read too, so timed-out architectures can be
    re-run with a longer timeout. Errors name the file and line.
    """
    try:
        text = sys.stdin.read() if str(path) == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidInputError(f"cannot read architecture file {path}: {getattr(e, 'strerror', None) or e}") from None
    lines = text.splitlines()
    first = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")), None)
    if first is None:
        return []
    header = [h.strip().lower() for h in next(csv.reader([lines[first]]))]
    for wcol, rcol in (("widths", "activation"), ("architecture", "exponent")):
        if wcol in header and rcol in header:
            return _read_csv_rows(path, lines, first, header.index(wcol), header.index(rcol))
    out: list[Architecture] = []
    for lineno, line in enumerate(lines, start=1):
        content = line.split("#", 1)[0].strip()
        if content:
            try:
                out.extend(parse_architecture_line(content))
            except ValueError as e:
                raise InvalidInputError(f"{path}:{lineno}: {e}") from None
    return out


def _read_csv_rows(path: object, lines: list[str], first: int, wi: int, ri: int) -> list[Architecture]:
    out = []
    for lineno, row in enumerate(csv.reader(lines[first + 1 :]), start=first + 2):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        try:
            out.append(row_architecture(row[wi], row[ri]))
        except (ValueError, IndexError) as e:
            raise InvalidInputError(f"{path}:{lineno}: {e}: {lines[lineno - 1].strip()!r}") from None
    return out


def _format_count(n: int) -> str:
    if n < 10**30:
        return f"{n:,}"
    return f"about 10^{int(n.bit_length() * math.log10(2))}"


@dataclass(frozen=True)
class Selection:
    """Architectures from a file and explicit items, then a grid: counted up front, enumerated
    lazily and without duplicates (first occurrence kept)."""

    listed: list[Architecture] = field(default_factory=list)
    grid: Optional[Grid] = None

    def count(self) -> GridCount:
        """An upper bound on the number of jobs (exact unless duplicates or an inexact grid count)."""
        g = self.grid.count() if self.grid is not None else GridCount(0, True)
        return GridCount(len(self.listed) + g.total, g.exact)

    def checked(self, max_jobs: int = DEFAULT_MAX_JOBS) -> "Selection":
        """``self`` if it has at most ``max_jobs`` architectures, else ResourceLimitError with the count."""
        max_jobs = positive_int(max_jobs, "max_jobs")
        n, exact = self.count()
        if n > max_jobs:
            what = f"{_format_count(n)} architectures" if exact else (
                f"at most {_format_count(n)} architectures (an upper bound: the grid filters are not "
                "counted exactly for width sets this large)")
            raise ResourceLimitError(
                f"the sweep has {what}, above max_jobs={max_jobs:,}: narrow the grid or the list, or raise "
                "max_jobs (--max-jobs)"
            )
        return self

    def __iter__(self) -> Iterator[Architecture]:
        return dedupe(itertools.chain(self.listed, self.grid if self.grid is not None else ()))


def select_architectures(
    arch_file: Union[str, os.PathLike[str], None] = None,
    archs: Iterable[object] = (),
    *,
    depth: Optional[IntSet] = None,
    widths: Optional[IntSet] = None,
    r: Optional[IntSet] = None,
    non_increasing: bool = False,
    d0: Optional[IntSet] = None,
    dL: Optional[IntSet] = None,
    max_params: Optional[int] = None,
    max_jobs: int = DEFAULT_MAX_JOBS,
) -> Selection:
    """Validate every source and count the jobs (refused above ``max_jobs``); nothing is enumerated.

    Grid filters (``non_increasing``, ``d0``, ``dL``, ``max_params``) apply only to the grid.

    >>> select_architectures(archs=["3,3,3 2"], depth=1, widths="1..100").count()
    GridCount(total=10001, exact=True)
    >>> select_architectures(depth="2..10", widths="1..6")
    Traceback (most recent call last):
    ...
    neurovariety.errors.ResourceLimitError: the sweep has 435,356,424 architectures, above max_jobs=1,000,000: ...
    """
    listed: list[Architecture] = read_architecture_file(arch_file) if arch_file is not None else []
    for i, item in enumerate(archs, start=1):
        try:
            listed.extend(as_architectures(item))
        except ValueError as e:
            raise InvalidInputError(f"architecture #{i} {item!r}: {e}") from None
    grid = None
    if any(v is not None for v in (depth, widths, r, d0, dL, max_params)) or non_increasing:
        if depth is None or widths is None:
            raise InvalidInputError(
                "grid options (r, non_increasing, d0, dL, max_params) need both depth (e.g. '2..4') "
                "and widths (e.g. '1..6')"
            )
        grid = Grid.parse(depth, widths, 2 if r is None else r, non_increasing=non_increasing, d0=d0, dL=dL,
                          max_params=max_params)
    return Selection(listed, grid).checked(max_jobs)


def collect_architectures(
    arch_file: Union[str, os.PathLike[str], None] = None,
    archs: Iterable[object] = (),
    *,
    depth: Optional[IntSet] = None,
    widths: Optional[IntSet] = None,
    r: Optional[IntSet] = None,
    non_increasing: bool = False,
    d0: Optional[IntSet] = None,
    dL: Optional[IntSet] = None,
    max_params: Optional[int] = None,
    max_jobs: int = DEFAULT_MAX_JOBS,
) -> list[Architecture]:
    """:func:`select_architectures` as a list.

    >>> from neurovariety.sweep.jobs import arch_line
    >>> [arch_line(a) for a in collect_architectures(archs=["3,3,3 2", "3,3,3 2,2"], depth=1, widths=3)]
    ['3,3,3 2', '3,3 2']
    """
    return list(select_architectures(arch_file, archs, depth=depth, widths=widths, r=r, non_increasing=non_increasing,
                                     d0=d0, dL=dL, max_params=max_params, max_jobs=max_jobs))


def bounded(items: Iterable[Architecture], max_jobs: int) -> list[Architecture]:
    """``list(items)``, refusing (ResourceLimitError) as soon as it would exceed ``max_jobs``."""
    out: list[Architecture] = []
    for a in items:
        if len(out) >= max_jobs:
            raise ResourceLimitError(
                f"the sweep has more than max_jobs={max_jobs:,} architectures: narrow it or raise max_jobs (--max-jobs)"
            )
        out.append(a)
    return out
