"""The local scheduler: a pool of long-lived, killable worker processes on this machine.

Each worker is a :class:`~neurovariety._resources.WorkerProcess` (one interpreter, reused for
every small job). The parent measures each job's time; a job past its timeout has its worker's
process group killed and reaped, and a fresh worker replaces it. A worker that dies (segfault,
``os._exit``, the OOM killer) costs only its job, which goes to ``errors.csv`` with the reason.

Outcomes reach ``on_event(arch, outcome)`` as ``("ok", record, seconds)``,
``("error", reason, seconds, recycle, exc_blob)`` or ``("timeout", seconds, pid)``.

>>> from neurovariety.architecture import Architecture
>>> from neurovariety.dimension import DimensionOptions
>>> from neurovariety.sweep.worker import compute_blob, job_function
>>> seen = []
>>> run_local([Architecture((2, 2, 3), 2)], lambda a: (a, 0, DimensionOptions()),
...           lambda a, o: seen.append((o[0], o[1]["dimension"])),
...           workers=1, timeout=60, func_blob=job_function(compute_blob(None)))
>>> seen
[('ok', 8)]
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from multiprocessing.connection import wait as wait_connections
from typing import Any, Callable, Iterator, Optional, Sequence

from .._resources import STARTUP_TIMEOUT, WorkerProcess, death_reason, outcome
from ..architecture import Architecture

__all__ = ["run_local", "default_workers", "Outcome", "OnEvent", "ArgsFor"]

#: ``("ok", record, seconds)``, ``("error", reason, seconds, recycle, exc_blob)`` or ``("timeout", seconds, pid)``.
Outcome = tuple[Any, ...]
#: Receives every finished job with its outcome.
OnEvent = Callable[[Architecture, Outcome], None]
#: The positional arguments of the worker function for one job.
ArgsFor = Callable[[Architecture], tuple[Any, ...]]


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _Pool:
    """Bookkeeping of one local run: the workers, the jobs still to send, the start-up failures."""

    def __init__(self, todo: Sequence[Architecture], args_for: ArgsFor, on_event: OnEvent, workers: int,
                 timeout: float, func_blob: bytes, memory_limit_mb: Optional[int]):
        self.jobs: Iterator[Architecture] = iter(todo)
        self.queue: deque[Architecture] = deque()
        self.args_for, self.on_event, self.timeout = args_for, on_event, timeout
        self.func_blob, self.memory_limit_mb = func_blob, memory_limit_mb
        n = max(1, min(workers, len(todo)))
        self.threads = max(1, (os.cpu_count() or 1) // n)
        self.children: list[WorkerProcess] = []
        self.startup_failures = 0
        try:
            for _ in range(n):
                self.children.append(self._spawn())
        except BaseException:
            self.close()
            raise

    def _spawn(self) -> WorkerProcess:
        return WorkerProcess(self.func_blob, self.memory_limit_mb, self.threads)

    def _pending(self) -> bool:
        if not self.queue:
            nxt = next(self.jobs, None)
            if nxt is None:
                return False
            self.queue.append(nxt)
        return True

    def _replace(self, dead: WorkerProcess) -> None:
        idx = self.children.index(dead)
        if self._pending():
            self.children[idx] = self._spawn()
        else:
            del self.children[idx]

    def assign(self) -> None:
        """Give every idle, ready worker a job."""
        for c in list(self.children):
            if c.ready and c.job is None and self._pending():
                arch = self.queue.popleft()
                try:
                    c.submit(0, self.args_for(arch))
                    c.job = arch
                except OSError:  # the idle worker died since its last job: retry elsewhere
                    self.queue.appendleft(arch)
                    c.kill()
                    self._replace(c)

    def wait(self) -> bool:
        """Wait for messages and deadlines; False once every job is done."""
        busy = [c for c in self.children if c.job is not None]
        if not busy and not self._pending():
            return False
        deadlines = [c.started + self.timeout for c in busy]
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
            raise RuntimeError(f"sweep worker failed to start: {msg[1]}")
        out = outcome(msg)
        arch, c.job = c.job, None
        self.on_event(arch, out)
        if out[0] == "error" and out[3]:  # e.g. MemoryError: memory may be fragmented, recycle
            c.kill()
            self._replace(c)

    def _died(self, c: WorkerProcess) -> None:
        rc = c.kill()
        if not c.ready:
            self.startup_failures += 1
            if self.startup_failures >= 3:
                raise RuntimeError(f"sweep workers keep dying at start-up: {death_reason(rc)}")
        if c.job is not None:
            self.on_event(c.job, ("error", death_reason(rc), time.monotonic() - c.started, True, None))
        self._replace(c)

    def _expire(self) -> None:
        now = time.monotonic()
        for c in list(self.children):
            if c.job is not None and now - c.started >= self.timeout:
                elapsed, pid, arch = now - c.started, c.pid, c.job
                if c.kill() is None:  # pragma: no cover - stuck in the kernel; dies on its way out
                    print(f"warning: timed-out worker {pid} not yet gone after SIGKILL", file=sys.stderr)
                self.on_event(arch, ("timeout", elapsed, pid))
                self._replace(c)
            elif not c.ready and now - c.spawned > STARTUP_TIMEOUT:
                raise RuntimeError(f"sweep worker did not start within {STARTUP_TIMEOUT:.0f} s")

    def close(self) -> None:
        """Kill and reap every worker."""
        for c in self.children:
            c.kill()


def run_local(
    todo: Sequence[Architecture],
    args_for: ArgsFor,
    on_event: OnEvent,
    *,
    workers: int,
    timeout: float,
    func_blob: bytes,
    memory_limit_mb: Optional[int] = None,
) -> None:
    """Run every job of ``todo`` in a pool of ``workers`` processes, each killed at ``timeout`` seconds.

    ``func_blob`` is the pickled worker function, called as ``func(*args_for(arch))``.
    """
    if not todo:
        return
    pool = None
    try:
        pool = _Pool(todo, args_for, on_event, workers, timeout, func_blob, memory_limit_mb)
        pool.assign()
        while pool.wait():
            pool.assign()
    finally:
        if pool is not None:
            pool.close()
