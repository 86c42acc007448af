"""Completeness beyond the box: every architecture wider than the box is covered by a closed region, or reported open.

Write each hidden width as a value in ``[min_width, max_width]`` or *unbounded* (``> max_width``).
For a nonempty set ``S`` of unbounded layers and fixed widths ``c`` elsewhere, the infinite slice
of architectures is

* closed by **saturation** when some layer ``k`` has ``d_k > sat_k(d_{k-1})`` throughout (see
  :mod:`~.space`): lowering ``d_k`` keeps the neurovariety, so nothing there is minimal. These
  regions are structural: for each layer ``k`` and each value ``s`` of ``sat_k``, the box
  ``{sat_k(d_{k-1}) = s, d_k > s}``;
* closed by the **bound** when the splitting bound with the ``S``-widths unbounded (parts with an
  unbounded width bounded by their ambient dimension, splits only at bounded widths;
  :mod:`~.bounds`) stays below the ambient dimension: nothing there fills. The bound grows with
  ``c``, so with ``c`` closed so is every ``c' <= c``: a box ``{d_S > max_width, d_rest <= c}``;
* closed by **monotonicity** when the box point with the ``S``-widths at ``max_width`` fills
  (certified by its rank): every architecture of the slice fills after lowering any one
  ``S``-width, so none is minimal; with ``c`` closed so is every ``c' >= c``: a box
  ``{d_S > max_width, d_rest >= c}``;
* **open** otherwise — saturation still makes the slice finite, and the region names the widths a
  search box must reach to decide it.

For each ``S`` the slices are labelled with numpy; the bound and monotonicity boxes are chosen
greedily (largest number of still uncovered slices first), so the list is short; open slices are
merged into boxes.

>>> from neurovariety.search.frontier import Frontier, RankSpec, solve_tasks
>>> from neurovariety.search.space import FillingProblem
>>> fr = Frontier(FillingProblem.validated(2, 1, 2, 3, 3))
>>> for level in fr.levels():
...     fr.record(solve_tasks(RankSpec(fr.problem, seed=1), fr.prepare(level)))
>>> [str(r) for r in find_regions(fr)]
['d1 >= 4: saturation', 'd1 = 1, d2 >= 2: saturation', 'd1 = 2, d2 >= 4: saturation', 'd1 >= 2, d2 >= 4: monotonicity']
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np

from .._display import Displayable
from ..errors import InternalError
from .bounds import splitting_bound
from .frontier import Frontier
from .space import FillingProblem

__all__ = ["Region", "find_regions", "summarise", "CLOSURES", "MAX_REGION_LAYERS"]

#: Regions enumerate every set of unbounded layers: at most this many hidden layers.
MAX_REGION_LAYERS = 16

#: How a region is closed.
CLOSURES = ("saturation", "bound", "monotonicity")

Range = tuple[int, Optional[int]]


@dataclass(frozen=True, repr=False)
class Region(Displayable):
    """A box of hidden widths, and how it is closed (``closed_by=None``: open).

    ``widths[k-1] = (low, high)`` for layer ``k``, ``high=None`` meaning unbounded. Regions may
    overlap and may reach into the searched box; together they cover every architecture with a
    width above ``max_width``. ``value`` is the largest limit bound over a ``"bound"`` region (below
    ``ambient``) and the smallest over an open one (at least ``ambient``); ``decide_with`` gives,
    for an open region, widths per unbounded layer that a search box must reach to decide it.
    """

    widths: tuple[Range, ...]
    closed_by: Optional[str]
    ambient: int
    layer: Optional[int] = None
    value: Optional[int] = None
    decide_with: Optional[tuple[int, ...]] = None

    @property
    def closed(self) -> bool:
        """Proved to contain no minimal filling architecture."""
        return self.closed_by is not None

    @property
    def unbounded(self) -> tuple[int, ...]:
        """Layers whose widths are unbounded here."""
        return tuple(k for k, (_, high) in enumerate(self.widths, start=1) if high is None)

    @property
    def reason(self) -> str:
        """Why the region is closed, or why it is open."""
        if self.closed_by == "saturation":
            k = self.layer or 0
            return (f"d{k} > sat_{k}(d{k - 1}) = min(C(d{k - 1} + r - 1, r), M_{k}) throughout: lowering d{k} keeps V, "
                    "so nothing here is minimal")
        if self.closed_by == "bound":
            return (f"the splitting bound with the widths above max_width unbounded is at most {self.value} < "
                    f"{self.ambient}: nothing here fills")
        if self.closed_by == "monotonicity":
            return ("the box point with the widths above max_width lowered to max_width fills (rank certified), so every "
                    "architecture here fills after lowering one of those widths: nothing here is minimal")
        need = ", ".join(f"d{k} <= {w}" for k, w in zip(self.unbounded, self.decide_with or ()))
        return (f"open: the box point with the widths above max_width lowered to max_width does not fill, and the "
                f"splitting bound in the limit is {self.value} >= {self.ambient}; a search box with {need} decides it "
                "(wider layers are saturated)")

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types."""
        return {"widths": [[lo, hi] for lo, hi in self.widths], "closed_by": self.closed_by, "layer": self.layer,
                "value": self.value, "decide_with": None if self.decide_with is None else list(self.decide_with),
                "reason": self.reason}

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("widths", self.widths), ("closed_by", self.closed_by), ("ambient", self.ambient), ("layer", self.layer),
                ("value", self.value), ("decide_with", self.decide_with)]

    def _display_statement(self) -> str:
        return self.reason

    def __str__(self) -> str:
        parts = []
        for k, (lo, hi) in enumerate(self.widths, start=1):
            if hi is None:
                parts.append(f"d{k} >= {lo}" if lo > 1 else "")
            elif lo == hi:
                parts.append(f"d{k} = {lo}")
            else:
                parts.append(f"{lo} <= d{k} <= {hi}" if lo > 1 else f"d{k} <= {hi}")
        return f"{', '.join(p for p in parts if p) or 'all'}: {self.closed_by or 'OPEN'}"


# --- saturation ------------------------------------------------------------------------------------
def _saturation_regions(problem: FillingProblem) -> list[Region]:
    """``{sat_k(d_{k-1}) = s, d_k > s}`` for every layer and value ``s <= max_width`` (the rest of
    ``d_k > s`` is inside the searched widths or part of an open slice)."""
    n, lo, out = problem.hidden, problem.min_width, []
    free: list[Range] = [(lo, None)] * n
    for k in range(1, n + 1):
        cap = problem.max_widths[k - 1]
        if k == 1:
            s = problem.saturation(1, problem.d0)
            if s <= cap:
                out.append(Region(tuple(free[:0] + [(s + 1, None)] + free[1:]), "saturation", problem.ambient, layer=1))
            continue
        v = lo
        while True:
            s = problem.saturation(k, v)
            last = v
            while s < problem.monomials[k - 1] and problem.saturation(k, last + 1) == s:
                last += 1
            if s > cap:
                break
            prev = (v, None if s == problem.monomials[k - 1] else last)
            ranges = free[: k - 2] + [prev, (s + 1, None)] + free[k:]
            out.append(Region(tuple(ranges), "saturation", problem.ambient, layer=k))
            if prev[1] is None:
                break
            v = last + 1
    return out


def _saturated(problem: FillingProblem, unbounded: Sequence[bool], grid: list[Optional[np.ndarray]]) -> np.ndarray:
    """Slices (over the grid of the bounded widths) with some layer saturated throughout."""
    out = np.zeros((), dtype=bool)
    top = max(max(problem.max_widths), problem.d0)
    for k in range(1, problem.hidden + 1):
        m_k = min(problem.monomials[k - 1], 2**62)
        table = problem.saturation_table(k, top)
        prev = grid[k - 2] if k > 1 else None
        if k == 1:
            sat = np.int64(m_k)
        elif prev is None:
            sat = np.int64(m_k)  # d_{k-1} unbounded: sat_k can reach M_k
        else:
            sat = table[prev]
        here = grid[k - 1]
        out = out | ((sat <= problem.max_widths[k - 1]) if here is None else (here > sat))
    return out


# --- bound and monotonicity: greedy covers ------------------------------------------------------------
def _cover(needed: np.ndarray, down: np.ndarray, up: np.ndarray) -> tuple[list[tuple[str, tuple[int, ...]]], np.ndarray]:
    """Greedy boxes ``{c <= m}`` (``m`` in ``down``) and ``{c >= u}`` (``u`` in ``up``) covering ``needed``.

    Returns the chosen ``(kind, corner)`` and the cells left uncovered.
    """
    left, chosen = needed.copy(), []
    while left.any():
        count_down = left.astype(np.int64)
        count_up = left[tuple(slice(None, None, -1) for _ in left.shape)].astype(np.int64)
        for axis in range(left.ndim):
            count_down, count_up = np.cumsum(count_down, axis=axis), np.cumsum(count_up, axis=axis)
        count_up = count_up[tuple(slice(None, None, -1) for _ in left.shape)]
        best_down = np.where(down, count_down, 0)
        best_up = np.where(up, count_up, 0)
        if max(best_down.max(initial=0), best_up.max(initial=0)) == 0:
            break
        if best_down.max() >= best_up.max():
            corner = np.unravel_index(int(best_down.argmax()), left.shape)
            left[tuple(slice(0, c + 1) for c in corner)] = False
            chosen.append(("bound", tuple(int(c) for c in corner)))
        else:
            corner = np.unravel_index(int(best_up.argmax()), left.shape)
            left[tuple(slice(c, None) for c in corner)] = False
            chosen.append(("monotonicity", tuple(int(c) for c in corner)))
    return chosen, left


def _open_boxes(left: np.ndarray) -> list[tuple[tuple[int, int], ...]]:
    """Disjoint boxes (index ranges) of the True cells: merge consecutive equal slabs, axis by axis."""
    out: list[tuple[tuple[int, int], ...]] = []

    def rec(arr: np.ndarray, prefix: tuple[tuple[int, int], ...]) -> None:
        if not arr.any():
            return
        if arr.all():
            out.append(prefix + tuple((0, s) for s in arr.shape))
            return
        i = 0
        while i < arr.shape[0]:
            j = i + 1
            while j < arr.shape[0] and np.array_equal(arr[j], arr[i]):
                j += 1
            rec(arr[i], prefix + ((i, j),))
            i = j

    rec(left, ())
    return out


@dataclass
class _Slices:
    """The slices of one set of unbounded layers, over the grid of its bounded widths."""

    unbounded: tuple[bool, ...]
    bounded: list[int]
    left: np.ndarray  # needed and not yet covered
    bound: np.ndarray
    fills: np.ndarray


def _slices(frontier: Frontier, unbounded: tuple[bool, ...]) -> Optional[_Slices]:
    problem, lo, n = frontier.problem, frontier.problem.min_width, frontier.problem.hidden
    bounded = [k for k in range(n) if not unbounded[k]]
    sizes = [problem.caps[k] - lo + 1 for k in bounded]
    grid: list[Optional[np.ndarray]] = [None] * n
    for a, k in enumerate(bounded):
        grid[k] = np.arange(lo, problem.caps[k] + 1, dtype=np.int64).reshape([-1 if b == a else 1 for b in range(len(bounded))])
    needed = np.array(np.broadcast_to(~_saturated(problem, unbounded, grid), sizes))
    if not needed.any():
        return None
    bound = np.broadcast_to(splitting_bound(problem, grid), sizes)
    at_box = [np.full((1,) * len(bounded), problem.max_widths[k], dtype=np.int64) if g is None else g
              for k, g in enumerate(grid)]
    fills = np.broadcast_to(frontier.filling_grid(at_box), sizes)
    return _Slices(unbounded, bounded, needed, bound, fills)


def _closed_regions(problem: FillingProblem, sl: _Slices, kind: str) -> list[tuple[Region, tuple[int, ...]]]:
    """Greedy ``kind`` regions for the uncovered slices of ``sl`` (which they then cover), with their corners.

    A bound region ``{d_k <= m_k off S}`` also holds for every width of the ``S``-layers (the
    limit bound bounds them all); a monotonicity region ``{d_S > max_width, d_k >= u_k off S}`` also
    holds for unbounded widths off ``S`` (their box point lies higher).
    """
    lo, n = problem.min_width, problem.hidden
    none = np.zeros(sl.left.shape, dtype=bool)
    closed = sl.bound < problem.ambient
    chosen, sl.left = _cover(sl.left, closed if kind == "bound" else none, sl.fills if kind == "monotonicity" else none)
    out = []
    for _, corner in chosen:
        block = tuple(slice(0, c + 1) if kind == "bound" else slice(c, None) for c in corner)
        ranges: list[Range] = [(lo if kind == "bound" else problem.max_widths[k] + 1, None) for k in range(n)]
        full = [0] * n
        for a, k in enumerate(sl.bounded):
            ranges[k] = (lo, corner[a] + lo) if kind == "bound" else (corner[a] + lo, None)
            full[k] = corner[a]
        value = int(sl.bound[block].max()) if kind == "bound" else None
        if (value is not None and value >= problem.ambient) or (kind == "monotonicity" and not sl.fills[block].all()):
            raise InternalError(f"the {kind} region {ranges} is not closed throughout (monotonicity of the {kind} failed)")
        out.append((Region(tuple(ranges), kind, problem.ambient, value=value), tuple(full)))
    return out


def _apply(sl: _Slices, kind: str, source: tuple[bool, ...], corner: tuple[int, ...]) -> None:
    """Mark the slices of ``sl`` covered by a region chosen for the set ``source``."""
    n = len(source)
    if kind == "bound" and all(source[k] or not sl.unbounded[k] for k in range(n)):  # this set inside the source
        sl.left[tuple(slice(None) if source[k] else slice(0, corner[k] + 1) for k in sl.bounded)] = False
    if kind == "monotonicity" and all(sl.unbounded[k] or not source[k] for k in range(n)):  # the source inside this set
        sl.left[tuple(slice(corner[k], None) for k in sl.bounded)] = False


def _decide_with(problem: FillingProblem, ranges: Sequence[Range]) -> tuple[int, ...]:
    need = []
    for k in (k for k, (_, hi) in enumerate(ranges, start=1) if hi is None):
        prev_hi = problem.d0 if k == 1 else ranges[k - 2][1]
        need.append(problem.monomials[k - 1] if prev_hi is None else problem.saturation(k, prev_hi))
    return tuple(need)


def find_regions(frontier: Frontier) -> tuple[Region, ...]:
    """Regions covering every architecture with a hidden width above ``max_width``, each closed or open.

    Saturation regions first; then bound regions, largest sets of unbounded layers first (a bound
    region also covers the slices of every subset), then monotonicity regions, smallest sets first
    (covering every superset); what is left is open.
    """
    problem = frontier.problem
    out = _saturation_regions(problem)
    patterns = [p for p in itertools.product((False, True), repeat=problem.hidden) if any(p)]
    slices = {p: sl for p in patterns if (sl := _slices(frontier, p)) is not None}
    for kind, order in (("bound", True), ("monotonicity", False)):
        applied: list[tuple[tuple[bool, ...], tuple[int, ...]]] = []
        for p in sorted(slices, key=sum, reverse=order):
            sl = slices[p]
            for source, corner in applied:
                _apply(sl, kind, source, corner)
            for region, corner in _closed_regions(problem, sl, kind):
                out.append(region)
                applied.append((p, corner))
    for sl in slices.values():
        out += _open_regions(problem, sl)
    return tuple(out)


def _open_regions(problem: FillingProblem, sl: _Slices) -> list[Region]:
    out = []
    for box in _open_boxes(sl.left):
        ranges: list[Range] = [(problem.max_widths[k] + 1, None) for k in range(problem.hidden)]
        for a, k in enumerate(sl.bounded):
            ranges[k] = (box[a][0] + problem.min_width, box[a][1] - 1 + problem.min_width)
        block = sl.bound[tuple(slice(a, b) for a, b in box)]
        out.append(Region(tuple(ranges), None, problem.ambient, value=int(block.min()),
                          decide_with=_decide_with(problem, ranges)))
    return out


def summarise(regions: Sequence[Region]) -> dict[str, int]:
    """Number of regions per closure (``"open"`` for the rest)."""
    out = {name: 0 for name in (*CLOSURES, "open")}
    for r in regions:
        out[r.closed_by or "open"] += 1
    return out
