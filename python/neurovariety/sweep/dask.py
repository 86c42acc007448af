"""The Dask scheduler: the jobs of a sweep on an existing ``distributed`` cluster.

Each task still runs its computation in a killable child process on the Dask worker (a
:class:`~neurovariety._resources.WorkerProcess`): idle children are pooled per Dask worker process
and reused, and are forked from one long-lived thread (``PR_SET_PDEATHSIG`` fires when the
*thread* that forked a child exits, and Dask's task threads come and go). The client keeps a
bounded window of submitted tasks, so memory stays flat for huge grids and an interrupted client
loses little; it writes the CSVs itself, with the same guarantees as a local run.

>>> pooled_children()
0
"""

from __future__ import annotations

import atexit
import importlib
import threading
import uuid
from typing import TYPE_CHECKING, Any, Optional, Sequence

from .._resources import STARTUP_TIMEOUT, WorkerProcess, exception_reason
from .._resources.pool import ArgsFor, OnEvent, Outcome
from ..architecture import Architecture
from ..errors import InvalidInputError

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

__all__ = ["run_dask", "dask_task", "pooled_children", "shutdown_pool"]

# Worker-side pool of idle child processes, keyed by (worker function, memory limit).
_LOCK = threading.Lock()
_IDLE: dict[tuple[bytes, Optional[int]], list[WorkerProcess]] = {}
_SPAWNER: Optional[ThreadPoolExecutor] = None


def _spawn(key: tuple[bytes, Optional[int]]) -> WorkerProcess:
    global _SPAWNER
    with _LOCK:
        if _SPAWNER is None:
            # Imported here: only Dask sweeps need it, and every local sweep worker imports this package.
            from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

            _SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nv-sweep-spawner")
        spawner = _SPAWNER
    blob, mem = key
    return spawner.submit(WorkerProcess, blob, mem, 1).result()


def dask_task(args: tuple[Any, ...], timeout: float, func_blob: bytes, memory_limit_mb: Optional[int]) -> Outcome:
    """Runs on a Dask worker: one job in a reusable, killable child process; returns its outcome."""
    key = (func_blob, memory_limit_mb)
    with _LOCK:
        idle = _IDLE.setdefault(key, [])
        child = idle.pop() if idle else None
    if child is not None and child.proc.poll() is not None:
        child.kill()
        child = None
    if child is None:
        child = _spawn(key)
        child.wait_ready(STARTUP_TIMEOUT)
    out = child.run_blocking(args, None, timeout)
    if out[0] == "ok" or (out[0] == "error" and not out[3]):
        with _LOCK:
            _IDLE.setdefault(key, []).append(child)
    elif out[0] == "error":
        child.kill()
    return (*out[:4], None) if out[0] == "error" else out  # exceptions stay on the worker


def pooled_children() -> int:
    """How many idle children this process holds for Dask tasks."""
    with _LOCK:
        return sum(len(cs) for cs in _IDLE.values())


def shutdown_pool() -> None:
    """Kill every pooled child (registered with ``atexit``)."""
    with _LOCK:
        children = [c for cs in _IDLE.values() for c in cs]
        _IDLE.clear()
    for c in children:
        c.kill()


atexit.register(shutdown_pool)


def _distributed() -> Any:
    # Imported only for Dask sweeps: an optional, heavy dependency.
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise InvalidInputError("scheduler needs dask.distributed: pip install 'neurovariety[dask]'") from None


def _client(scheduler: Any) -> tuple[Any, bool]:
    dist = _distributed()
    if not isinstance(scheduler, str):
        return scheduler, False
    try:
        return dist.Client(scheduler, timeout=30), True
    except (OSError, TimeoutError) as e:
        raise InvalidInputError(f"cannot connect to Dask scheduler {scheduler}: {e}") from None


def run_dask(
    todo: Sequence[Architecture],
    args_for: ArgsFor,
    on_event: OnEvent,
    *,
    scheduler: Any,
    timeout: float,
    func_blob: bytes,
    memory_limit_mb: Optional[int] = None,
) -> None:
    """Run every job of ``todo`` as a Dask task on ``scheduler`` (``"tcp://HOST:PORT"`` or a Client)."""
    client, own = _client(scheduler)
    futures: dict[Any, Architecture] = {}
    try:
        # A bounded window of submitted tasks: the client never holds the whole sweep in flight.
        window = max(4, 2 * (sum(client.nthreads().values()) or 1))
        token = uuid.uuid4().hex[:12]
        it = iter(enumerate(todo))
        ac = _distributed().as_completed()

        def submit_next() -> None:
            nxt = next(it, None)
            if nxt is not None:
                i, arch = nxt
                fut = client.submit(dask_task, args_for(arch), timeout, func_blob, memory_limit_mb,
                                    key=f"neurovariety-sweep-{token}-{i}", pure=False)
                futures[fut] = arch
                ac.add(fut)

        for _ in range(window):
            submit_next()
        for fut in ac:
            arch = futures.pop(fut)
            try:
                out = fut.result()
            except Exception as e:  # noqa: BLE001 - e.g. KilledWorker: the job goes to errors.csv
                out = ("error", f"Dask task failed: {exception_reason(e)}", float("nan"), False, None)
            on_event(arch, out)
            submit_next()
    finally:
        if futures:
            try:
                client.cancel(list(futures))
            except Exception:  # noqa: BLE001 - best effort while shutting down
                pass
        if own:
            client.close()
