"""The local worker pool: long-lived, killable worker processes on this machine, for jobs of any type.

Each worker is a :class:`~neurovariety._resources.WorkerProcess` (one interpreter, reused for
every small job) running one pickled function. The parent measures each job's time; a job past
its timeout has its worker's process group killed and reaped, and a fresh worker replaces it. A
worker that dies (segfault, ``os._exit``, the OOM killer) costs only its job, which is reported
with the reason. Sweeps run one batch of jobs (:func:`run_local`); searches keep one
:class:`WorkerPool` alive across many batches (no interpreter start-up per batch).

Outcomes reach ``on_event(job, outcome)`` as ``("ok", value, seconds)``,
``("error", reason, seconds, recycle, exc_blob)`` or ``("timeout", seconds, pid)``. Jobs are any
picklable values; ``args_for(job)`` gives the positional arguments of the function for one job.

>>> from neurovariety._resources import pickle_callable
>>> seen = []
>>> with WorkerPool(pickle_callable("math:factorial"), workers=1) as pool:
...     pool.run([3, 4], lambda n: (n,), lambda n, out: seen.append((n, out[1])))
...     pool.run([5], lambda n: (n,), lambda n, out: seen.append((n, out[1])))
>>> sorted(seen)
[(3, 6), (4, 24), (5, 120)]
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from multiprocessing.connection import wait as wait_connections
from typing import Any, Callable, Generic, Iterable, Iterator, Optional, Sequence, TypeVar

from .process import STARTUP_TIMEOUT, WorkerProcess, death_reason, outcome, startup_error

__all__ = ["WorkerPool", "run_local", "default_workers", "Outcome", "OnEvent", "ArgsFor"]

J = TypeVar("J")

#: ``("ok", value, seconds)``, ``("error", reason, seconds, recycle, exc_blob)`` or ``("timeout", seconds, pid)``.
Outcome = tuple[Any, ...]
#: Receives every finished job with its outcome.
OnEvent = Callable[[Any, Outcome], None]
#: The positional arguments of the worker function for one job.
ArgsFor = Callable[[Any], tuple[Any, ...]]


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class WorkerPool(Generic[J]):
    """``workers`` long-lived processes running the pickled function ``func_blob``; reusable across batches.

    Workers start when the pool is created (in parallel) and stay up between calls of
    :meth:`run`; :meth:`close` (or leaving the ``with`` block) kills and reaps them. After an
    exception escapes :meth:`run` (e.g. from ``on_event``) the workers that were busy are killed,
    so the pool stays consistent and can run the next batch.
    """

    def __init__(self, func_blob: bytes, workers: int, *, memory_limit_mb: Optional[int] = None,
                 threads: Optional[int] = None):
        self.size = max(1, int(workers))
        self.func_blob, self.memory_limit_mb = func_blob, memory_limit_mb
        self.threads = threads if threads is not None else max(1, (os.cpu_count() or 1) // self.size)
        self.children: list[WorkerProcess] = []
        self.startup_failures = 0
        self._jobs: Iterator[J] = iter(())
        self._queue: deque[J] = deque()
        self._args_for: Callable[[J], tuple[Any, ...]] = lambda job: ()
        self._on_event: Callable[[J, Outcome], None] = lambda job, out: None
        self._timeout = float("inf")
        try:
            self._top_up()
        except BaseException:
            self.close()
            raise

    # --- public ---------------------------------------------------------------------------------
    def run(self, jobs: Iterable[J], args_for: Callable[[J], tuple[Any, ...]], on_event: Callable[[J, Outcome], None],
            *, timeout: Optional[float] = None) -> None:
        """Run every job (``func(*args_for(job))``) and report each outcome; returns when all are done.

        ``timeout`` is per job in seconds (``None``: no limit).
        """
        self._jobs, self._queue = iter(jobs), deque()
        self._args_for, self._on_event = args_for, on_event
        self._timeout = float("inf") if timeout is None else float(timeout)
        try:
            if self._pending():
                self._top_up()
            self._assign()
            while self._wait():
                self._assign()
        except BaseException:
            self._kill_busy()
            raise

    def close(self) -> None:
        """Kill and reap every worker."""
        for c in self.children:
            c.kill()
        self.children = []

    def __enter__(self) -> "WorkerPool[J]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- bookkeeping ------------------------------------------------------------------------------
    def _spawn(self) -> WorkerProcess:
        return WorkerProcess(self.func_blob, self.memory_limit_mb, self.threads)

    def _top_up(self) -> None:
        while len(self.children) < self.size:
            self.children.append(self._spawn())

    def _kill_busy(self) -> None:
        for c in [c for c in self.children if c.job is not None]:
            c.kill()
            self.children.remove(c)

    def _pending(self) -> bool:
        if not self._queue:
            for nxt in self._jobs:
                self._queue.append(nxt)
                return True
            return False
        return True

    def _replace(self, dead: WorkerProcess) -> None:
        idx = self.children.index(dead)
        if self._pending():
            self.children[idx] = self._spawn()
        else:
            del self.children[idx]

    def _assign(self) -> None:
        """Give every idle, ready worker a job."""
        for c in list(self.children):
            if c.ready and c.job is None and self._pending():
                job = self._queue.popleft()
                try:
                    c.submit(0, self._args_for(job))
                    c.job = job
                except OSError:  # the idle worker died since its last job: retry elsewhere
                    self._queue.appendleft(job)
                    c.kill()
                    self._replace(c)

    def _wait(self) -> bool:
        """Wait for messages and deadlines; False once every job is done."""
        busy = [c for c in self.children if c.job is not None]
        if not busy and not self._pending():
            return False
        deadlines = [c.started + self._timeout for c in busy]
        deadlines += [c.spawned + STARTUP_TIMEOUT for c in self.children if not c.ready]
        wait_for = min(1.0, max(0.0, min(deadlines) - time.monotonic())) if deadlines else 1.0
        by_conn = {c.rx: c for c in self.children}
        for conn in wait_connections(list(by_conn), timeout=wait_for):
            self._receive(by_conn[conn])  # type: ignore[index]
        self._expire()
        return True

    def _receive(self, c: WorkerProcess) -> None:
        try:
            msg: Any = c.rx.recv()
        except (EOFError, OSError):
            self._died(c)
            return
        if msg[0] == "ready":
            c.ready = True
            self.startup_failures = 0
            return
        if msg[0] == "fatal":
            raise startup_error(msg)
        out = outcome(msg)
        job, c.job = c.job, None
        self._on_event(job, out)
        if out[0] == "error" and out[3]:  # e.g. MemoryError: memory may be fragmented, recycle
            c.kill()
            self._replace(c)

    def _died(self, c: WorkerProcess) -> None:
        rc = c.kill()
        if not c.ready:
            self.startup_failures += 1
            if self.startup_failures >= 3:
                raise RuntimeError(f"workers keep dying at start-up: {death_reason(rc)}")
        job, c.job = c.job, None
        self._replace(c)
        if job is not None:
            self._on_event(job, ("error", death_reason(rc), time.monotonic() - c.started, True, None))

    def _expire(self) -> None:
        now = time.monotonic()
        for c in list(self.children):
            if c.job is not None and now - c.started >= self._timeout:
                elapsed, pid, job = now - c.started, c.pid, c.job
                c.job = None
                if c.kill() is None:  # pragma: no cover - stuck in the kernel; dies on its way out
                    print(f"warning: timed-out worker {pid} not yet gone after SIGKILL", file=sys.stderr)
                self._replace(c)
                self._on_event(job, ("timeout", elapsed, pid))
            elif not c.ready and now - c.spawned > STARTUP_TIMEOUT:
                raise RuntimeError(f"worker did not start within {STARTUP_TIMEOUT:.0f} s")


def run_local(
    todo: Sequence[J],
    args_for: Callable[[J], tuple[Any, ...]],
    on_event: Callable[[J, Outcome], None],
    *,
    workers: int,
    timeout: Optional[float],
    func_blob: bytes,
    memory_limit_mb: Optional[int] = None,
) -> None:
    """Run every job of ``todo`` in a fresh pool of ``workers`` processes, each killed at ``timeout`` seconds.

    ``func_blob`` is the pickled worker function, called as ``func(*args_for(job))``.
    """
    if not todo:
        return
    pool: WorkerPool[J] = WorkerPool(func_blob, min(workers, len(todo)), memory_limit_mb=memory_limit_mb)
    with pool:
        pool.run(todo, args_for, on_event, timeout=timeout)
