"""Batches of search work, in this process or on the shared pool of killable worker processes.

:func:`dispatch` is the one function every worker runs; a job is ``(kind, spec, items)``: rank
searches of prefixes (``"solve"``), confirmation ranks (``"rank"``) or full
:func:`~neurovariety.dimension.dimension` calls (``"dimension"``). A :class:`Runner` with one
worker runs batches in this process (no start-up cost: right for small searches); with more it
keeps a :class:`~neurovariety._resources.WorkerPool` alive across batches and splits each batch
into a few jobs per worker. Results come back in the order of the items either way, and every
rank uses a seed derived from the architecture, so the answer does not depend on the scheduling.

>>> from neurovariety.search.frontier import RankSpec
>>> from neurovariety.search.space import FillingProblem
>>> with Runner(1) as run:
...     run.map("rank", RankSpec(FillingProblem.validated(2, 1, 2, 2, 3), seed=0), [(1,), (2,)])
[2, 3]
"""

from __future__ import annotations

import pickle
from typing import Any, Optional, Sequence

from .._resources import WorkerPool, pickle_callable
from ..dimension import DimensionResult, dimension
from ..errors import InvalidInputError
from .frontier import RankSpec, point_seed, solve

__all__ = ["Runner", "dispatch", "JOBS_PER_WORKER"]

#: A batch is split into this many jobs per worker (balances uneven prefixes).
JOBS_PER_WORKER = 3


def _dimension(spec: RankSpec, hidden: Sequence[int]) -> DimensionResult:
    arch = spec.problem.architecture(hidden)
    return dimension(arch, method="evaluation", seed=point_seed(spec.seed, "neighbour", hidden))


def dispatch(kind: str, spec: RankSpec, items: Sequence[Any]) -> list[Any]:
    """Run one job: ``"solve"`` (prefix tasks), ``"rank"`` (hidden widths) or ``"dimension"`` (hidden widths)."""
    if kind == "solve":
        return [solve(spec, t) for t in items]
    if kind == "rank":
        return [spec.rank(h) for h in items]
    if kind == "dimension":
        return [_dimension(spec, h) for h in items]
    raise InvalidInputError(f"unknown search job kind {kind!r}")


class Runner:
    """Runs batches of :func:`dispatch` jobs; ``workers <= 1`` means in this process."""

    def __init__(self, workers: int):
        self.workers = max(1, int(workers))
        self._pool: Optional[WorkerPool[tuple[int, Sequence[Any]]]] = None

    def map(self, kind: str, spec: RankSpec, items: Sequence[Any]) -> list[Any]:
        """``dispatch(kind, spec, items)`` as one flat list, in order."""
        if self.workers == 1 or len(items) < 2:
            return dispatch(kind, spec, items)
        if self._pool is None:
            self._pool = WorkerPool(pickle_callable(dispatch, "search worker"), self.workers)
        count = min(len(items), self.workers * JOBS_PER_WORKER)
        jobs = [(i, items[i::count]) for i in range(count)]
        done: dict[int, list[Any]] = {}

        def on_event(job: tuple[int, Sequence[Any]], out: tuple[Any, ...]) -> None:
            if out[0] == "ok":
                done[job[0]] = out[1]
            elif out[0] == "error" and out[4] is not None:
                raise pickle.loads(out[4])
            else:
                raise RuntimeError(f"search worker failed: {out[1] if out[0] == 'error' else 'timed out'}")

        self._pool.run(jobs, lambda job: (kind, spec, job[1]), on_event)
        out: list[Any] = [None] * len(items)
        for i, values in done.items():
            out[i::count] = values
        return out

    def close(self) -> None:
        """Stop the workers (if any were started)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
