"""The frontier of filling architectures in a box, found by a staircase walk with monotone pruning.

Write hidden widths as ``(p, w)``: a prefix ``p = (d1, ..., d_{L-2})`` and the last hidden width
``w``. Filling is monotone in every width, so ``f(p) = min {w : (p, w) is filling}`` determines
the whole filling set, and ``f`` is non-increasing in every coordinate of ``p``. Prefixes are
visited level by level (level = sum of the coordinates): when ``p`` is reached, its lower
neighbours are known, and

* ``f(p) <= U = min_k f(p - e_k)`` (monotonicity: a filling point below stays filling above);
* ``f(p) >= lmin(p)``, the first ``w`` whose splitting bound (:mod:`~.bounds`, one numpy pass over
  the whole box) reaches the ambient dimension — below it, non-filling is *proved*;
* ``f(p) <= sat(p)``, the saturation width of the last layer (:mod:`~.space`); a prefix that is
  not canonical copies ``f`` from its canonical form, which has a lower level.

Only the ``w`` in ``[lmin(p), min(U, sat(p), cap)]`` are open; a binary search decides them with
a few ranks. A rank equal to the ambient dimension proves filling (for any prime); a smaller one
says *not filling* with high probability, and those judgements are later confirmed at the prime
``2^61 - 1`` at the maximal non-filling points (:meth:`Frontier.border`), on which all others rest.
The prefixes of one level are independent, so a level is one batch for the worker pool.

>>> from neurovariety.search.space import FillingProblem
>>> fr = Frontier(FillingProblem.validated(2, 1, 2, 3, 4))
>>> for level in fr.levels():
...     fr.record(solve_tasks(RankSpec(fr.problem, seed=1), fr.prepare(level)))
>>> fr.minimal()
[(2, 2)]
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from ..dimension import EXTRA_POINTS, rank_at_random_point
from ..errors import InternalError
from ..fields import DEFAULT_PRIMES
from .bounds import splitting_bound
from .space import FillingProblem

__all__ = ["Frontier", "RankSpec", "Task", "Result", "solve", "solve_tasks", "point_seed", "INF"]

#: ``f(p)`` of a prefix with no filling last width in the box.
INF = np.iinfo(np.int64).max // 4
_UNKNOWN = -1

Hidden = tuple[int, ...]
#: ``(prefix, lowest open w, highest open w, whether the highest is known to fill)``.
Task = tuple[Hidden, int, int, bool]
#: ``(prefix, f or None when nothing up to the highest w fills, ((w, rank), ...) of the ranks taken)``.
Result = tuple[Hidden, Optional[int], tuple[tuple[int, int], ...]]


def point_seed(seed: int, salt: str, hidden: Sequence[int]) -> int:
    """A 63-bit seed for one architecture, the same however and whenever it is scheduled."""
    text = f"{seed}:{salt}:{','.join(map(str, hidden))}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little") >> 1


@dataclass(frozen=True)
class RankSpec:
    """What a worker needs to test filling: the problem, the prime, the seed, and known-filling points.

    ``overrides`` are hidden widths found filling by a confirmation after the fast prime had
    judged them not filling (an unlucky draw); every point above one of them fills.
    """

    problem: FillingProblem
    seed: int
    prime: int = DEFAULT_PRIMES[0]
    salt: str = "search"
    overrides: tuple[Hidden, ...] = ()

    def rank(self, hidden: Sequence[int]) -> int:
        """The rank at a random point over F_prime (a proved lower bound for ``dim V``)."""
        if any(all(h >= o for h, o in zip(hidden, over)) for over in self.overrides):
            return self.problem.ambient
        arch = self.problem.architecture(hidden)
        return rank_at_random_point(arch, self.prime, point_seed(self.seed, self.salt, hidden), self.problem.ambient + EXTRA_POINTS)


def solve(spec: RankSpec, task: Task) -> Result:
    """The smallest filling last width of one prefix, by binary search over its open range."""
    prefix, low, high, known = task
    tests: list[tuple[int, int]] = []

    def fills(w: int) -> bool:
        rank = spec.rank(prefix + (w,))
        tests.append((w, rank))
        return rank == spec.problem.ambient

    if not known and not fills(high):
        return prefix, None, tuple(tests)
    while low < high:
        mid = (low + high) // 2
        if fills(mid):
            high = mid
        else:
            low = mid + 1
    return prefix, high, tuple(tests)


def solve_tasks(spec: RankSpec, tasks: Sequence[Task]) -> list[Result]:
    """:func:`solve` for a batch of prefixes (what a worker runs for one job)."""
    return [solve(spec, t) for t in tasks]


class Frontier:
    """The state of one search: the bound-pruned box, ``f`` on every prefix, and the ranks taken."""

    def __init__(self, problem: FillingProblem):
        self.problem = problem
        lo, caps = problem.min_width, problem.caps
        self.shape = tuple(c - lo + 1 for c in caps)
        axes = [np.arange(lo, c + 1, dtype=np.int64).reshape([-1 if a == k else 1 for a in range(len(caps))])
                for k, c in enumerate(caps)]
        possible = splitting_bound(problem, axes) >= problem.ambient
        self.possible = np.broadcast_to(possible, self.shape)
        first = np.argmax(self.possible, axis=-1) + lo
        self.lmin = np.where(self.possible.any(axis=-1), first, INF)
        self.f = np.where(self.lmin == INF, INF, _UNKNOWN).astype(np.int64)
        self.tests: dict[Hidden, tuple[tuple[int, int], ...]] = {}

    # --- the walk ----------------------------------------------------------------------------------
    @property
    def candidates(self) -> int:
        """Prefixes whose last width is not decided by the splitting bound alone."""
        return int((self.lmin != INF).sum())

    def levels(self) -> list[list[Hidden]]:
        """The undecided prefixes, grouped by level (sum of coordinates), lowest level first."""
        lo = self.problem.min_width
        by_level: dict[int, list[Hidden]] = {}
        for idx in np.argwhere(self.lmin != INF):
            p = tuple(int(i) + lo for i in idx)
            by_level.setdefault(sum(p), []).append(p)
        return [by_level[s] for s in sorted(by_level)]

    def _index(self, hidden: Sequence[int]) -> tuple[int, ...]:
        return tuple(int(h) - self.problem.min_width for h in hidden)

    def value(self, prefix: Sequence[int]) -> int:
        """``f(prefix)`` (``INF``: no filling last width in the box)."""
        return int(self.f[self._index(prefix)])

    def prepare(self, level: Sequence[Hidden]) -> list[Task]:
        """Decide what needs no rank (copies, bounds, monotonicity) and return the rank tasks of one level."""
        tasks = []
        for p in level:
            task = self._task(p)
            if task is not None:
                tasks.append(task)
        return tasks

    def _task(self, p: Hidden) -> Optional[Task]:
        prob, lo = self.problem, self.problem.min_width
        canon = prob.canonical(p + (prob.caps[-1],))
        if canon[:-1] != p:
            self.f[self._index(p)] = self.value(canon[:-1])
            return None
        upper = min([self.value(p[:k] + (p[k] - 1,) + p[k + 1:]) for k in range(len(p)) if p[k] > lo], default=INF)
        high = min(prob.caps[-1], canon[-1], upper)
        low = int(self.lmin[self._index(p)])
        known = upper != INF
        if low > high:
            if known:
                raise InternalError(f"hidden widths {p + (high,)} fill but their splitting bound is below the ambient dimension")
            self.f[self._index(p)] = INF
            return None
        if known and low == high:
            self.f[self._index(p)] = high
            return None
        return (p, low, high, known)

    def record(self, results: Sequence[Result]) -> None:
        """Store the outcome of rank tasks."""
        for prefix, value, tests in results:
            self.f[self._index(prefix)] = INF if value is None else value
            self.tests[prefix] = tests

    @property
    def ranks(self) -> int:
        """Ranks taken by the walk."""
        return sum(len(t) for t in self.tests.values())

    # --- what the walk found -------------------------------------------------------------------------
    def filling(self, hidden: Sequence[int]) -> bool:
        """Whether the (canonical form of the) hidden widths fill, by the walk's classification."""
        canon = self.problem.canonical(hidden)
        if any(c > cap for c, cap in zip(canon, self.problem.caps)):
            raise InternalError(f"canonical widths {canon} outside the searched box")
        return canon[-1] >= self.value(canon[:-1])

    def filling_grid(self, hidden: Sequence[np.ndarray]) -> np.ndarray:
        """:meth:`filling` on broadcast integer arrays with values in ``[min_width, max_widths]``."""
        canon = self.problem.canonical_grid(hidden)
        values = self.f[tuple(c - self.problem.min_width for c in canon[:-1])]
        return np.asarray(canon[-1] >= values)

    def minimal(self) -> list[Hidden]:
        """The minimal filling hidden widths in the box (within the box, for ``min_width > 1``)."""
        lo, out = self.problem.min_width, []
        for idx in np.argwhere(self.f != INF):
            p = tuple(int(i) + lo for i in idx)
            value = self.value(p)
            if self.problem.canonical(p + (value,)) != p + (value,):
                continue
            if all(p[k] == lo or self.value(p[:k] + (p[k] - 1,) + p[k + 1:]) > value for k in range(len(p))):
                out.append(p + (value,))
        return sorted(out)

    def _maximal(self) -> np.ndarray:
        """Canonical forms (unique rows) of the maximal non-filling points of the box."""
        lo = self.problem.min_width
        w = np.arange(lo, self.problem.caps[-1] + 1, dtype=np.int64)
        nonfilling = w < self.f[..., None]
        maximal = nonfilling.copy()
        for axis in range(nonfilling.ndim):
            above = np.zeros_like(nonfilling)
            src, dst = [slice(None)] * nonfilling.ndim, [slice(None)] * nonfilling.ndim
            src[axis], dst[axis] = slice(1, None), slice(None, -1)
            above[tuple(dst)] = nonfilling[tuple(src)]
            maximal &= ~above
        points = np.argwhere(maximal) + lo
        if not len(points):
            return points
        return np.unique(np.stack(self.problem.canonical_grid(list(points.T)), axis=1), axis=0)

    def border(self) -> tuple[list[Hidden], list[Hidden]]:
        """The canonical maximal non-filling points of the box: ``(proved by the splitting bound, the others)``.

        Every non-filling point of the box lies below a maximal one (and its neurovariety inside
        that one's), so only the others' "not filling" judgements need confirming.
        """
        canon = self._maximal()
        if not len(canon):
            return [], []
        open_ = self.possible[tuple((canon - self.problem.min_width).T)]
        rows = [tuple(int(v) for v in row) for row in canon]
        return [h for h, o in zip(rows, open_) if not o], [h for h, o in zip(rows, open_) if o]
