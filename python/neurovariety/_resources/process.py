"""The one killable child process: long-lived workers for sweeps, single-shot runs for the rest.

A :class:`WorkerProcess` is a fresh Python interpreter fed jobs through a pipe. It is killable at
any moment (its whole process group gets ``SIGKILL`` and is reaped), dies with its parent
(``PR_SET_PDEATHSIG`` on Linux, a watchdog thread elsewhere), ignores Ctrl-C (the parent's
business) and optionally runs under an address-space limit. Sweeps keep a pool of them;
:func:`run_isolated` starts one for a single call and kills it at the timeout.

The callable a worker runs is sent once, pickled (a module-level function, a
``functools.partial`` of one, or a ``"package.module:function"`` string resolved in the child).

>>> run_isolated("math:factorial", (5,), timeout=60)
120
"""

from __future__ import annotations

import ctypes
import importlib
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable, Optional, Union

from ..errors import ComputationTimeout, InvalidInputError, NeurovarietyError, ResourceLimitError
from .memory import mapped_bytes

__all__ = [
    "WorkerProcess",
    "run_isolated",
    "resolve_callable",
    "pickle_callable",
    "death_reason",
    "exception_reason",
    "STARTUP_TIMEOUT",
    "MAX_MEMORY_LIMIT_MB",
    "startup_error",
]

#: A fresh worker (interpreter + imports) must report ready within this many seconds.
STARTUP_TIMEOUT = 120.0

# Not resolve(): the directory the package was imported from, symlinks and all.
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_BOOTSTRAP = (
    "import sys; sys.path.insert(0, {root!r}); "
    "from neurovariety._resources.process import _child_main; _child_main()"
)

#: What a job returns to the parent: ("ok", value, seconds) or ("error", reason, seconds, recycle, exc).
Outcome = tuple[Any, ...]


def resolve_callable(spec: str) -> Callable[..., Any]:
    """Import ``"package.module:function"`` (or ``module:Class.method``)."""
    module, _, attr = spec.partition(":")
    if not module or not attr:
        raise InvalidInputError(f"a callable must look like 'package.module:function', got {spec!r}")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise InvalidInputError(f"{spec!r} is not callable")
    function: Callable[..., Any] = obj
    return function


def pickle_callable(func: Union[Callable[..., Any], str], what: str = "compute") -> bytes:
    """Pickle ``func`` for a worker, failing here (not in the worker) when it cannot be sent."""
    if isinstance(func, str):
        try:
            resolve_callable(func)
        except (ImportError, AttributeError) as exc:
            raise InvalidInputError(f"cannot import {what} function {func!r}: {exc}") from None
        return pickle.dumps(func)
    if not callable(func):
        raise InvalidInputError(f"{what} must be callable or 'module:function', got {func!r}")
    if getattr(func, "__module__", None) == "__main__":
        return pickle.dumps(_main_module_spec(func, what))
    try:
        blob = pickle.dumps(func)
        pickle.loads(blob)
    except Exception:  # noqa: BLE001 - lambdas, closures, bound methods of unpicklable objects
        raise InvalidInputError(
            f"{what} {func!r} cannot be sent to worker processes: use a module-level function or a "
            "'module:function' string"
        ) from None
    return blob


def _main_module_spec(func: Callable[..., Any], what: str) -> str:
    # Workers are fresh interpreters: a function of the running script is sent by the script's
    # importable module name (as multiprocessing's spawn does).
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", None)
    name = spec.name if spec is not None and spec.name else None
    main_file = getattr(main, "__file__", None)
    if name is None and main_file:
        name = Path(main_file).stem
    qual = getattr(func, "__qualname__", "")
    if name is None or "<" in qual:
        raise InvalidInputError(
            f"{what} {func!r} cannot be sent to worker processes: define it at top level of a module or "
            "script file, or pass a 'module:function' string"
        )
    return f"{name}:{qual}"


def _load_callable(blob: bytes) -> Callable[..., Any]:
    obj = pickle.loads(blob)
    return resolve_callable(obj) if isinstance(obj, str) else obj


def exception_reason(exc: BaseException) -> str:
    """``"TypeName: message"`` on one line."""
    msg = str(exc).strip().replace("\n", " ")
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def death_reason(returncode: Optional[int]) -> str:
    """Why a worker process is gone, in words (signal name, exit code)."""
    if returncode is None:
        return "worker process closed its pipe"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = " (out of memory? the kernel OOM killer uses SIGKILL)" if -returncode == signal.SIGKILL else ""
        return f"worker process killed by {name}{hint}"
    return f"worker process exited with code {returncode}"


# --- the child side ---------------------------------------------------------------------------------
def _set_pdeathsig() -> bool:
    """Ask Linux to SIGKILL this process when the thread that spawned it dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        return bool(libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _parent_watchdog(parent_pid: int) -> None:
    # Fallback where PDEATHSIG is unavailable: poll for the parent (needs the GIL now and then).
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            os._exit(1)


def _pickled_exception(exc: BaseException) -> Optional[bytes]:
    try:
        blob = pickle.dumps(exc)
        pickle.loads(blob)
        return blob
    except Exception:  # noqa: BLE001 - an exception that does not survive pickling: send its text
        return None


def startup_error(msg: tuple[Any, ...]) -> Exception:
    """The exception of a worker's ``("fatal", reason, pickled)`` message: the worker's own
    :class:`~neurovariety.errors.NeurovarietyError` (a refused option), else a RuntimeError."""
    blob = msg[2] if len(msg) > 2 else None
    exc = pickle.loads(blob) if blob else None
    if isinstance(exc, NeurovarietyError):
        return exc
    return RuntimeError(f"worker process failed to start: {msg[1]}")


def _run_one(func: Callable[..., Any], job_id: int, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    t0 = time.perf_counter()
    try:
        return ("ok", job_id, func(*args, **kwargs), time.perf_counter() - t0)
    except MemoryError as exc:
        # Memory may be fragmented or a limit hit: ask the parent to recycle this worker.
        return ("error", job_id, exception_reason(exc), time.perf_counter() - t0, True, _pickled_exception(exc))
    except Exception as exc:  # noqa: BLE001 - any failure of one job is reported to the parent
        return ("error", job_id, exception_reason(exc), time.perf_counter() - t0, False, _pickled_exception(exc))


def _child_init(rx: Connection) -> Callable[..., Any]:
    _, sys_path, blob, memory_limit_mb = rx.recv()
    sys.path[:] = list(sys_path) + [p for p in sys.path if p not in sys_path]
    func = _load_callable(blob)
    if memory_limit_mb:
        _cap_address_space(int(memory_limit_mb))
    return func


#: The largest ``memory_limit_mb`` an address-space rlimit can hold (2^63 - 1 bytes).
MAX_MEMORY_LIMIT_MB = (2**63 - 1) >> 20

#: Address space a worker needs beyond what it maps at start: the Rust kernels' thread stacks and
#: arenas and the numpy modules a job imports lazily.
_WORKER_HEADROOM_MB = 256


def _cap_address_space(limit_mb: int) -> None:
    """``RLIMIT_AS`` of this worker, refused (ResourceLimitError) when below what it already maps:
    an address space that small makes every job fail at its first allocation or import."""
    mapped_mb = mapped_bytes() >> 20
    if limit_mb < mapped_mb + _WORKER_HEADROOM_MB:
        raise ResourceLimitError(
            f"memory_limit_mb={limit_mb} is below what a worker process needs before any job "
            f"(it maps {mapped_mb} MiB at start); use at least {mapped_mb + _WORKER_HEADROOM_MB}"
        )
    limit = limit_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child_main() -> None:
    """Entry point of a worker process: run jobs from the parent until EOF."""
    parent_pid, rfd, wfd = (int(a) for a in sys.argv[1:4])
    if not _set_pdeathsig():
        threading.Thread(target=_parent_watchdog, args=(parent_pid,), daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before PDEATHSIG was armed
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business: it kills us
    rx = Connection(rfd, writable=False)
    tx = Connection(wfd, readable=False)
    try:
        func = _child_init(rx)
    except BaseException as exc:  # noqa: BLE001 - report anything to the parent
        tx.send(("fatal", exception_reason(exc), _pickled_exception(exc)))
        return
    tx.send(("ready", os.getpid()))
    while True:
        try:
            msg = rx.recv()
        except (EOFError, OSError):
            return
        if msg[0] != "job":
            return
        _, job_id, args, kwargs = msg
        out = _run_one(func, job_id, args, kwargs)
        try:
            tx.send(out)
        except (OSError, EOFError):
            return
        except Exception as exc:  # noqa: BLE001 - an unpicklable result
            tx.send(("error", job_id, f"result could not be sent: {exception_reason(exc)}", out[3], False, None))


def child_env(threads: int, memory_limit_mb: Optional[int] = None) -> dict[str, str]:
    """Environment of a worker: thread pools sized to its share of the cores."""
    env = dict(os.environ)
    if memory_limit_mb:
        # The engine then refuses oversized work up front (ResourceLimitError) instead of
        # running into the hard address-space limit midway.
        # (at least 1 MiB: "0M" would be refused by every job as an invalid limit)
        env.setdefault("NEUROVARIETY_MEMORY_LIMIT", f"{max(1, int(memory_limit_mb * 0.8))}M")
    # N workers on N cores: a per-process thread pool of all cores would oversubscribe the machine.
    for var in ("RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, str(threads))
    return env


# --- the parent side --------------------------------------------------------------------------------
class WorkerProcess:
    """A long-lived worker process fed jobs through a pipe; killable at any moment.

    ``func_blob`` is :func:`pickle_callable` of what every job runs: ``func(*args, **kwargs)``.
    Messages from :attr:`rx`: ``("ready", pid)``, ``("fatal", reason)``, or per job
    ``("ok", job_id, value, seconds)`` / ``("error", job_id, reason, seconds, recycle, exc_blob)``.
    """

    def __init__(self, func_blob: bytes, memory_limit_mb: Optional[int] = None, threads: int = 1):
        r1, w1 = os.pipe()  # parent -> child (jobs)
        r2, w2 = os.pipe()  # child -> parent (results)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _BOOTSTRAP.format(root=_PACKAGE_ROOT), str(os.getpid()), str(r1), str(w2)],
                pass_fds=(r1, w2),
                stdin=subprocess.DEVNULL,
                stdout=2,  # a chatty job must not corrupt the CLI's stdout
                env=child_env(threads, memory_limit_mb),
                # Own process group: the terminal's Ctrl-C reaches only the parent, and the whole
                # group can be killed at once.
                start_new_session=True,
            )
        except BaseException:
            for fd in (r2, w1):
                os.close(fd)
            raise
        finally:
            os.close(r1)
            os.close(w2)
        self.pid = self.proc.pid
        self.tx = Connection(w1, readable=False)
        self.rx = Connection(r2, writable=False)
        self.ready = False
        self.spawned = time.monotonic()
        self.job: Any = None  # what the caller is running here (the caller's bookkeeping)
        self.job_id = -1
        self.started = 0.0
        self.tx.send(("init", list(sys.path), func_blob, memory_limit_mb))

    def submit(self, job_id: int, args: tuple[Any, ...], kwargs: Optional[dict[str, Any]] = None) -> None:
        """Send one job; its outcome arrives on :attr:`rx`."""
        self.job_id = job_id
        self.started = time.monotonic()
        self.tx.send(("job", job_id, tuple(args), dict(kwargs or {})))

    def kill(self) -> Optional[int]:
        """SIGKILL the worker's process group and reap it; returns its exit status."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - uninterruptible sleep in the kernel
            rc = None
        for conn in (self.tx, self.rx):
            try:
                conn.close()
            except OSError:
                pass
        return rc

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Block until the worker reports ready (raises RuntimeError if it cannot start)."""
        if not self.rx.poll(timeout):
            self.kill()
            raise RuntimeError(f"worker process did not start within {timeout:.0f} s")
        try:
            msg = self.rx.recv()
        except (EOFError, OSError):
            rc = self.kill()
            raise RuntimeError(f"worker process failed to start: {death_reason(rc)}") from None
        if msg[0] != "ready":
            self.kill()
            raise startup_error(msg)
        self.ready = True

    def run_blocking(self, args: tuple[Any, ...], kwargs: Optional[dict[str, Any]], timeout: Optional[float]) -> Outcome:
        """Run one job to completion or timeout.

        Returns ``("ok", value, seconds)``, ``("error", reason, seconds, recycle, exc_blob)`` or
        ``("timeout", seconds, pid)`` (then the worker has been killed). ``timeout=None`` waits forever.
        """
        self.submit(0, args, kwargs)
        if not self.rx.poll(timeout):
            elapsed, pid = time.monotonic() - self.started, self.pid
            self.kill()
            return ("timeout", elapsed, pid)
        try:
            msg = self.rx.recv()
        except (EOFError, OSError):
            rc = self.kill()
            return ("error", death_reason(rc), time.monotonic() - self.started, True, None)
        return outcome(msg)


def outcome(msg: tuple[Any, ...]) -> Outcome:
    """Child message -> ``("ok", value, seconds)`` | ``("error", reason, seconds, recycle, exc_blob)``."""
    if msg[0] == "ok":
        return ("ok", msg[2], msg[3])
    return ("error", msg[2], msg[3], msg[4], msg[5] if len(msg) > 5 else None)


def run_isolated(
    func: Union[Callable[..., Any], str],
    args: tuple[Any, ...] = (),
    kwargs: Optional[dict[str, Any]] = None,
    *,
    timeout: Optional[float],
    memory_limit_mb: Optional[int] = None,
) -> Any:
    """Run ``func(*args, **kwargs)`` in a fresh worker process and return its value.

    The process is killed at ``timeout`` seconds (:class:`ComputationTimeout`; ``None``: no limit). An exception in
    the child is re-raised here (its own type when it survives pickling, else ``RuntimeError``
    with its text); a child that dies raises ``RuntimeError`` naming the signal.
    """
    worker = WorkerProcess(pickle_callable(func, "function"), memory_limit_mb)
    try:
        start = time.monotonic()
        worker.wait_ready(STARTUP_TIMEOUT if timeout is None else min(STARTUP_TIMEOUT, max(timeout, 30.0)))
        remaining = None if timeout is None else max(0.1, timeout - (time.monotonic() - start))
        out = worker.run_blocking(args, kwargs, remaining)
    finally:
        worker.kill()
    if out[0] == "ok":
        return out[1]
    if out[0] == "timeout":
        raise ComputationTimeout(f"{_name(func)} did not finish within {timeout:g} s (its process was killed)")
    if out[4] is not None:
        raise pickle.loads(out[4])
    raise RuntimeError(out[1])


def _name(func: Union[Callable[..., Any], str]) -> str:
    return func if isinstance(func, str) else getattr(func, "__qualname__", repr(func))
