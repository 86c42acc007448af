"""``minimal_filling``: every minimal filling architecture in a box of hidden widths, with certificates.

An architecture ``(d0, d1, ..., d_{L-1}, dL)`` is *filling* when ``dim V`` equals the ambient
dimension; filling is monotone in every hidden width, and an architecture is *minimal* when
lowering any one hidden width by one loses filling. The search (:mod:`~.frontier`) walks the
staircase of the filling set with monotone pruning, decides most of the box by the splitting
bound and width saturation without a single rank, and takes a few ranks per prefix elsewhere
(in parallel on the shared worker pool for large boxes, resumable from a checkpoint). Then

1. the maximal non-filling points of the box not proved by a bound are confirmed at ``2^61 - 1``;
2. every lower neighbour of every architecture found is certified non-filling by
   :func:`~neurovariety.theory.upper_bound`, or checked by :func:`~neurovariety.dimension.dimension`
   (probabilistic, with its error bound);
3. the unbounded space beyond the box is covered by regions (:mod:`~.regions`), closed by proofs
   or reported open.

A confirmation that finds a point filling after all (an unlucky draw at the fast prime) is
recorded as an override and the search reruns knowing it.

>>> res = minimal_filling(2, 1, 2, 4, 4, seed=0)
>>> res.widths, res.complete
([(2, 3, 3, 2, 1)], True)
"""

from __future__ import annotations

import os
import time
from typing import Optional, Sequence, Union

from .._progress import ProgressBar, log, progress_bar
from .._resources import check_memory, default_workers
from .._validate import flag, optional_positive_int
from .._validate import seed as validate_seed
from ..architecture import Architecture
from ..dimension import EXTRA_POINTS, DimensionResult, error_bound, route_memory
from ..errors import NotSupportedError, VerificationError
from ..fields import CONFIRMATION_PRIME
from ..theory import upper_bound
from .checkpoint import Checkpoint, recorded_seed
from .frontier import Frontier, RankSpec, Result
from .parallel import Runner
from .regions import MAX_REGION_LAYERS, Region, find_regions
from .result import FillingArchitecture, MFAResult, NeighbourCheck
from .space import FillingProblem, MaxWidths, unimodal

__all__ = ["minimal_filling", "AUTO_PARALLEL_SECONDS", "MAX_ATTEMPTS"]

#: With ``jobs=None``, the pool is used when the ranks are estimated to take longer than this.
AUTO_PARALLEL_SECONDS = 5.0
#: Reruns after confirmations that overturned a "not filling" judgement (each one astronomically rare).
MAX_ATTEMPTS = 4

PathLike = Union[str, "os.PathLike[str]"]
Hidden = tuple[int, ...]


def _seed(seed: Optional[int], checkpoint: Optional[PathLike]) -> int:
    value = validate_seed(seed)
    recorded = recorded_seed(checkpoint) if checkpoint is not None else None
    if value is None:
        value = recorded if recorded is not None else int.from_bytes(os.urandom(8), "little") >> 1
    return value


def _workers(jobs: Optional[int], frontier: Frontier, spec: RankSpec) -> int:
    if jobs is not None:
        return jobs
    if frontier.candidates == 0 or default_workers() < 2:
        return 1
    start = time.perf_counter()
    spec.rank(frontier.problem.caps)
    estimate = 2 * frontier.candidates * (time.perf_counter() - start)
    return default_workers() if estimate > AUTO_PARALLEL_SECONDS else 1


def _search(frontier: Frontier, spec: RankSpec, run: Runner, ck: Optional[Checkpoint], attempt: int, bar: ProgressBar) -> None:
    done = ck.prefixes(attempt) if ck is not None else {}
    for level in frontier.levels():
        tasks = frontier.prepare(level)
        cached: list[Result] = [(t[0], *done[t[0]]) for t in tasks if t[0] in done]
        todo = [t for t in tasks if t[0] not in done]
        results = run.map("solve", spec, todo) if todo else []
        frontier.record(cached + results)
        if ck is not None and results:
            ck.write_prefixes(attempt, results)
        bar.update(len(level))


def _confirm(frontier: Frontier, spec: RankSpec, run: Runner, ck: Optional[Checkpoint], attempt: int
             ) -> tuple[list[Hidden], list[Hidden], list[Hidden], float]:
    """Confirm the border at ``2^61 - 1``: ``(proved border points, confirmed ones, ones that fill, error bound)``."""
    proved, points = frontier.border()
    done = ck.ranks(attempt, "confirm") if ck is not None else {}
    todo = [h for h in points if h not in done]
    ranks = dict(zip(todo, run.map("rank", spec, todo))) if todo else {}
    if ck is not None and ranks:
        ck.write_ranks(attempt, "confirm", ranks)
    ranks.update({h: done[h] for h in points if h in done})
    amb = frontier.problem.ambient
    wrong = [h for h in points if ranks[h] == amb]
    err = sum(error_bound(frontier.problem.architecture(h), "evaluation", amb, [CONFIRMATION_PRIME]) for h in points)
    return proved, points, wrong, min(1.0, err)


def _bound_check(problem: FillingProblem, q: Hidden) -> tuple[int, str]:
    """The better proved upper bound of ``q`` and of its saturated form (same neurovariety)."""
    value, source = upper_bound(problem.architecture(q))
    canon = problem.canonical(q)
    if canon != q:
        v2, s2 = upper_bound(problem.architecture(canon))
        if v2 < value:
            value, source = v2, f"{s2}, of the saturated widths {problem.widths(canon)}"
    return value, source


def _certify(frontier: Frontier, minimal: Sequence[Hidden], run: Runner, spec: RankSpec
             ) -> tuple[list[FillingArchitecture], list[Hidden], int]:
    """Certificates of the lower neighbours: ``(architectures, box points found filling, ranks taken)``."""
    problem, amb = frontier.problem, frontier.problem.ambient
    checks: dict[Hidden, NeighbourCheck] = {}
    pending: list[Hidden] = []
    queued: set[Hidden] = set()
    for h in minimal:
        for i in range(len(h)):
            q = h[:i] + (h[i] - 1,) + h[i + 1:]
            if q in checks or q in queued:
                continue
            if q[i] == 0:
                checks[q] = NeighbourCheck(problem.widths(q), 0, "a width 0: the network is zero", True, None, 0.0)
                continue
            value, source = _bound_check(problem, q)
            if value < amb:
                checks[q] = NeighbourCheck(problem.widths(q), value, source, True, None, 0.0)
            else:
                pending.append(q)
                queued.add(q)
    results: list[DimensionResult] = run.map("dimension", spec, pending) if pending else []
    wrong: list[Hidden] = []
    outside: set[Hidden] = set()  # filling neighbours below min_width: proofs that the candidate is not minimal
    for q, res in zip(pending, results):
        if res.dimension == amb and min(q) < problem.min_width:
            outside.add(q)
        elif res.dimension == amb:  # inside the box, the search judged it not filling: an unlucky draw
            wrong.append(q)
        checks[q] = NeighbourCheck(problem.widths(q), res.upper_bound, res.bound, False, res.dimension, res.error_bound)
    out = []
    for h in minimal:
        qs = [h[:i] + (h[i] - 1,) + h[i + 1:] for i in range(len(h))]
        if not any(q in outside for q in qs):  # a filling neighbour below min_width: not minimal after all
            out.append(FillingArchitecture(problem.widths(h), tuple(checks[q] for q in qs), unimodal(problem.widths(h))))
    return out, wrong, sum(res.trials for res in results)


def _check_resources(problem: FillingProblem) -> None:
    widest = Architecture(problem.widths(problem.caps), problem.r)
    rows = problem.ambient + EXTRA_POINTS
    check_memory(f"the filling test of {widest}", route_memory(widest, "evaluation", rows, CONFIRMATION_PRIME))
    cells = 1
    for c in problem.caps:
        cells *= c - problem.min_width + 1
    check_memory(f"the bound grid of the search box ({cells} architectures)", 48.0 * cells)


def _empty(problem: FillingProblem, seed: int, start: float) -> MFAResult:
    """``min_width`` above a saturation width ``M_k``: every architecture is saturated at layer ``k``."""
    k = next(k for k, m in enumerate(problem.monomials, start=1) if problem.min_width > m)
    everything = Region(tuple((problem.min_width, None) for _ in range(problem.hidden)), "saturation", problem.ambient, layer=k)
    return MFAResult(problem, (), (everything,), True, {"search": 0, "confirm": 0, "neighbours": 0}, 0, 0, 0.0, 1,
                     time.perf_counter() - start, seed)


def minimal_filling(
    d0: int,
    dL: int,
    r: int,
    depth: int,
    max_width: MaxWidths,
    *,
    min_width: int = 1,
    regions: bool = True,
    seed: Optional[int] = None,
    jobs: Optional[int] = None,
    checkpoint: Optional[PathLike] = None,
    progress: Optional[bool] = None,
) -> MFAResult:
    """Every minimal filling architecture ``(d0, d1, ..., d_{depth-1}, dL)`` with hidden widths in the box.

    Parameters
    ----------
    d0, dL, r, depth:
        Input width, output width, activation exponent, number of weight matrices.
    max_width:
        Largest hidden width searched: one int, or one per hidden layer.
    min_width:
        Smallest hidden width searched (lower neighbours below it are still checked).
    regions:
        Also cover the unbounded space beyond the box by closed or open regions (completeness).
    seed:
        Seed of every random point (``None``: fresh, reported in the result; a checkpoint's seed when resuming).
    jobs:
        Worker processes (``None``: the pool with every core when the ranks are estimated to take
        more than a few seconds, else this process).
    checkpoint:
        Directory for a resumable record of the search (``frontier.jsonl``).
    progress:
        Progress bar (``None``: on a terminal).

    >>> res = minimal_filling(2, 1, 2, 3, 3, seed=1)
    >>> res.widths, res.architectures[0].minimality_certified
    ([(2, 2, 2, 1)], True)
    """
    problem = FillingProblem.validated(d0, dL, r, depth, max_width, min_width)
    regions = flag(regions, "regions")
    jobs = optional_positive_int(jobs, "jobs", maximum=1024)
    if regions and problem.hidden > MAX_REGION_LAYERS:
        raise NotSupportedError(f"regions are computed for at most {MAX_REGION_LAYERS} hidden layers (2^L sets of "
                                f"unbounded layers); pass regions=False for depth {problem.depth}")
    start = time.perf_counter()
    seed_value = _seed(seed, checkpoint)
    if problem.empty:
        return _empty(problem, seed_value, start)
    _check_resources(problem)
    ck = Checkpoint(checkpoint, {"problem": problem.to_dict(), "seed": seed_value}) if checkpoint is not None else None
    try:
        return _run(problem, regions, seed_value, jobs, ck, progress, start)
    finally:
        if ck is not None:
            ck.close()


def _run(problem: FillingProblem, regions: bool, seed: int, jobs: Optional[int], ck: Optional[Checkpoint],
         progress: Optional[bool], start: float) -> MFAResult:
    overrides = ck.overrides() if ck is not None else ()
    attempt = ck.attempt() if ck is not None else 0
    workers = 1
    for _ in range(MAX_ATTEMPTS):
        spec = RankSpec(problem, seed, salt=f"search{attempt}", overrides=overrides)
        frontier = Frontier(problem)
        workers = _workers(jobs, frontier, spec)
        bar = progress_bar(frontier.candidates, "filling search", unit="prefix", progress=progress)
        with Runner(workers) as run, bar:
            _search(frontier, spec, run, ck, attempt, bar)
            confirm = RankSpec(problem, seed, prime=CONFIRMATION_PRIME, salt=f"confirm{attempt}", overrides=overrides)
            proved, points, wrong, border_err = _confirm(frontier, confirm, run, ck, attempt)
            archs, wrong2, calls = _certify(frontier, frontier.minimal(), run, spec) if not wrong else ([], [], 0)
        wrong = wrong or wrong2
        if not wrong:
            break
        log(f"filling search: {len(wrong)} point(s) judged not filling fill after all; searching again", progress)
        if ck is not None:
            ck.write_overrides(attempt, wrong)
        overrides, attempt = overrides + tuple(wrong), attempt + 1
    else:
        raise VerificationError(f"the filling search of {problem} kept contradicting its confirmations")
    found = find_regions(frontier) if regions else ()
    ranks = {"search": frontier.ranks, "confirm": len(points), "neighbours": calls}
    res = MFAResult(problem, tuple(archs), found, regions, ranks, len(proved) + len(points), len(points), border_err, workers,
                    time.perf_counter() - start, seed, overrides)
    log(f"filling search: {len(archs)} minimal architecture(s), {sum(ranks.values())} rank computation(s), "
        f"{res.seconds:.1f} s", progress)
    return res
