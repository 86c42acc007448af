"""Dimension sweeps over many architectures, with real per-job timeouts and resumable CSVs.

A sweep computes :func:`neurovariety.dimension` for every architecture of a list or grid and
appends one row per architecture to ``results.csv`` (timed-out ones to ``timeout.csv``, crashed
ones to ``errors.csv``). It is built to be left running for days and to survive anything:

* Jobs run in a pool of long-lived worker processes (one Python interpreter per worker, reused
  for every small architecture). The parent measures each job's time; a job past its timeout has
  its worker process killed and reaped (it does not keep burning CPU), and a fresh worker
  replaces it.
* Every finished row is appended and flushed immediately. Ctrl-C, SIGTERM or a killed parent
  loses at most the jobs that were running; workers die with the parent (``PR_SET_PDEATHSIG``
  on Linux, plus a watchdog thread elsewhere). ``resume=True`` skips every architecture already
  present in any of the three files, so rows are never duplicated.
* With ``scheduler="tcp://HOST:PORT"`` the jobs run on an existing Dask distributed cluster; each
  task still runs its computation in a killable child process on the Dask worker, and the client
  writes the CSVs with the same guarantees.

>>> import os, tempfile
>>> out = os.path.join(tempfile.mkdtemp(), "results.csv")
>>> df = run_sweep(["2,2,3 2", "3,2,1 2"], timeout=60, jobs=1, out=out, seed=0, progress=False)
>>> df[["Widths", "Activation", "Dimension", "Defect"]].values.tolist()
[['[2, 2, 3]', '2', 8, 0], ['[3, 2, 1]', '2', 5, 1]]

The same from the shell: ``neurovariety sweep --arch "2,2,3 2" --arch "3,2,1 2" --timeout 60``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import math
import os
import pickle
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as _wait_connections
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence, Union

from .architecture import Architecture, parse_r, parse_widths

__all__ = [
    "RESULT_COLUMNS",
    "EXTRA_COLUMNS",
    "TIMEOUT_COLUMNS",
    "ERROR_COLUMNS",
    "SweepJob",
    "SweepSummary",
    "SweepInterrupted",
    "make_job",
    "parse_arch_line",
    "read_architecture_file",
    "parse_int_set",
    "grid_architectures",
    "collect_architectures",
    "run_sweep",
]

#: The first columns of ``results.csv``, exactly as the published harness wrote them.
RESULT_COLUMNS: tuple[str, ...] = (
    "Widths",
    "Activation",
    "Ambient Dimension",
    "Expected Dimension",
    "Dimension",
    "Defect",
    "Time Taken (seconds)",
)
#: Our extra columns, after :data:`RESULT_COLUMNS`.
EXTRA_COLUMNS: tuple[str, ...] = ("Certified", "Upper Bound", "Bound", "Method", "Primes", "Trials")
#: Columns of ``timeout.csv``.
TIMEOUT_COLUMNS: tuple[str, ...] = ("Widths", "Activation")
#: Columns of ``errors.csv``.
ERROR_COLUMNS: tuple[str, ...] = ("Widths", "Activation", "Reason", "Time Taken (seconds)")

#: Default compute function, resolved (imported) in the worker processes.
DEFAULT_COMPUTE = "neurovariety:dimension"
#: A fresh worker (interpreter + imports) must report ready within this many seconds.
STARTUP_TIMEOUT = 120.0

Key = tuple[tuple[int, ...], tuple[int, ...]]
ArchLike = Union["SweepJob", Architecture, str, tuple]


# ------------------------------------------------------------------------------------------------
# Jobs, labels and parsing
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepJob:
    """One architecture of a sweep, with its CSV labels.

    ``r_arg`` is what the compute function receives: an int for a uniform exponent, a tuple for
    per-layer exponents.

    >>> j = make_job((3, 4, 5, 6), (2, 3))
    >>> (j.widths_label, j.activation_label, j.r_arg)
    ('[3, 4, 5, 6]', '[2, 3]', (2, 3))
    """

    arch: Architecture
    r_arg: Union[int, tuple[int, ...]]

    @property
    def key(self) -> Key:
        """Identity of the architecture (widths, normalised per-layer exponents)."""
        return (self.arch.widths, self.arch.r)

    @property
    def widths(self) -> tuple[int, ...]:
        return self.arch.widths

    @property
    def widths_label(self) -> str:
        return _list_label(self.arch.widths)

    @property
    def activation_label(self) -> str:
        r = self.r_arg
        return str(r) if isinstance(r, int) else _list_label(r)

    def __str__(self) -> str:
        return f"{self.widths_label} r={self.activation_label}"


def _list_label(values: Sequence[int]) -> str:
    # The published harness wrote Python list reprs: "[3, 3, 3]".
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


def make_job(widths: Union[Sequence[int], str], r: Union[int, Sequence[int], str] = 2) -> SweepJob:
    """Validate an architecture and build its :class:`SweepJob` (raises ``ValueError``).

    A per-layer exponent list whose entries are all equal is written as one int, like the
    published harness does.

    >>> make_job("3,3,3,3", "2,2").activation_label
    '2'
    >>> make_job([2, 2, 3], 2).key
    ((2, 2, 3), (2,))
    """
    arch = Architecture(widths, r)
    if arch.r:
        r_arg: Union[int, tuple[int, ...]] = arch.r[0] if len(set(arch.r)) == 1 else arch.r
    else:
        # No hidden layer: the exponent is irrelevant; keep what the user wrote for the label.
        if isinstance(r, str):
            r = parse_r(r)
        r_arg = int(r) if isinstance(r, int) else 1
    return SweepJob(arch, r_arg)


def _as_jobs(item: ArchLike) -> list[SweepJob]:
    if isinstance(item, SweepJob):
        return [item]
    if isinstance(item, Architecture):
        return [make_job(item.widths, list(item.r) if item.r else 2)]
    if isinstance(item, str):
        return parse_arch_line(item)
    if isinstance(item, (tuple, list)) and len(item) == 2:
        return [make_job(item[0], item[1])]
    raise ValueError(
        f"cannot interpret {item!r} as an architecture: use Architecture, 'WIDTHS R' "
        f"(e.g. '3,3,3 2') or a (widths, r) pair"
    )


def parse_arch_line(text: str) -> list[SweepJob]:
    """Parse one architecture line ``WIDTHS R`` into its job(s).

    ``R`` is one exponent (``3,3,3 2``), or a comma list: with one entry per hidden layer it is
    per-layer (``3,4,5,6 2,3`` is ``r = (2, 3)``), otherwise each entry is a separate uniform
    exponent (``3,4,5 2,3`` runs ``r = 2`` and ``r = 3``). A bracketed list (``[2, 3]``, as in
    the CSV Activation column) is always per-layer. Widths may be bracketed too: ``[3, 3, 3] 2``.

    >>> [str(j) for j in parse_arch_line("3,4,5 2,3")]
    ['[3, 4, 5] r=2', '[3, 4, 5] r=3']
    >>> [str(j) for j in parse_arch_line("3,4,5,6 2,3")]
    ['[3, 4, 5, 6] r=[2, 3]']
    """
    s = text.strip()
    if not s:
        raise ValueError("empty architecture; expected 'WIDTHS R' like '3,3,3 2'")
    if s[0] in "[(":
        close = "]" if s[0] == "[" else ")"
        end = s.find(close)
        if end < 0:
            raise ValueError(f"unbalanced bracket in {text.strip()!r}")
        w_text, r_text = s[: end + 1], s[end + 1 :].strip()
    else:
        parts = s.split()
        w_text, r_text = parts[0], " ".join(parts[1:])
        if len(parts) > 2 and not r_text.startswith("["):
            raise ValueError(
                f"expected 'WIDTHS R' like '3,3,3 2' or '3,4,5 2,3' (no spaces inside a list), "
                f"got {text.strip()!r}"
            )
    if not r_text:
        raise ValueError(f"missing activation exponent in {text.strip()!r}; expected e.g. '3,3,3 2'")
    widths = parse_widths(w_text)
    r = parse_r(r_text)
    if isinstance(r, tuple) and not r_text.startswith(("[", "(")) and len(r) != len(widths) - 2:
        return [make_job(widths, rv) for rv in r]
    return [make_job(widths, r)]


def _job_from_labels(widths_text: str, activation_text: str) -> SweepJob:
    return make_job(parse_widths(str(widths_text)), parse_r(str(activation_text)))


def read_architecture_file(path: Union[str, os.PathLike]) -> list[SweepJob]:
    """Read architectures from a file, one ``WIDTHS R`` per line (see :func:`parse_arch_line`).

    Blank lines and ``#`` comments are ignored. A CSV with ``Widths`` and ``Activation`` columns
    (a previous sweep's ``results.csv``, ``timeout.csv`` or ``errors.csv``) or with
    ``architecture`` and ``exponent`` columns is read too, so timed-out architectures can be
    re-run with a longer timeout. Errors name the file and line.
    """
    p = Path(path)
    try:
        text = sys.stdin.read() if str(path) == "-" else p.read_text(encoding="utf-8")
    except OSError as e:
        raise ValueError(f"cannot read architecture file {path}: {e.strerror or e}") from None
    lines = text.splitlines()
    first = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")), None)
    if first is None:
        return []
    header = [h.strip().lower() for h in next(csv.reader([lines[first]]))]
    for wcol, rcol in (("widths", "activation"), ("architecture", "exponent")):
        if wcol in header and rcol in header:
            wi, ri = header.index(wcol), header.index(rcol)
            jobs = []
            rows = csv.reader(lines[first + 1 :])
            for lineno, row in enumerate(rows, start=first + 2):
                if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                    continue
                try:
                    jobs.append(_job_from_labels(row[wi], row[ri]))
                except (ValueError, IndexError) as e:
                    raise ValueError(f"{path}:{lineno}: {e}: {lines[lineno - 1].strip()!r}") from None
            return jobs
    jobs = []
    for lineno, line in enumerate(lines, start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        try:
            jobs.extend(parse_arch_line(content))
        except ValueError as e:
            raise ValueError(f"{path}:{lineno}: {e}") from None
    return jobs


def parse_int_set(text: Union[str, int, Iterable[int]], what: str = "value") -> tuple[int, ...]:
    """Parse ``"2..4"``, ``"2,3"``, ``"1..3,6"`` or ``"5"`` into sorted distinct positive ints.

    >>> parse_int_set("1..3,6")
    (1, 2, 3, 6)
    """
    if isinstance(text, int) and not isinstance(text, bool):
        values = {text}
    elif isinstance(text, str):
        values = set()
        for part in text.replace(" ", "").split(","):
            if not part:
                continue
            try:
                if ".." in part:
                    lo_s, hi_s = part.split("..", 1)
                    lo, hi = int(lo_s), int(hi_s)
                    if lo > hi:
                        raise ValueError(f"empty range {part!r} for {what}")
                    values.update(range(lo, hi + 1))
                else:
                    values.add(int(part))
            except ValueError as e:
                if "empty range" in str(e):
                    raise
                raise ValueError(
                    f"could not parse {what} from {text!r}: expected e.g. '2..4', '2,3' or '1..3,6'"
                ) from None
    else:
        values = {int(v) for v in text}
    if not values:
        raise ValueError(f"no {what} given in {text!r}")
    bad = sorted(v for v in values if v < 1)
    if bad:
        raise ValueError(f"{what} must be positive integers, got {bad[0]} in {text!r}")
    return tuple(sorted(values))


def grid_architectures(
    depth: Union[str, int, Iterable[int]],
    widths: Union[str, int, Iterable[int]],
    r: Union[str, int, Iterable[int]] = 2,
    *,
    non_increasing: bool = False,
    d0: Union[str, int, Iterable[int], None] = None,
    dL: Union[str, int, Iterable[int], None] = None,
    max_params: Optional[int] = None,
) -> list[SweepJob]:
    """All architectures of a grid, in a deterministic order (depth, then widths lexicographic, then r).

    ``depth`` is the number ``L`` of weight matrices; every width ``d_0..d_L`` ranges over
    ``widths``; ``r`` is a uniform exponent. Filters: ``non_increasing`` (``d0 >= ... >= dL``),
    ``d0`` / ``dL`` (allowed first / last widths) and ``max_params`` (number of weights).

    >>> [str(j) for j in grid_architectures("2", "1..2", "2", d0=2, dL=1)]
    ['[2, 1, 1] r=2', '[2, 2, 1] r=2']
    """
    depths = parse_int_set(depth, "depth")
    wset = parse_int_set(widths, "widths")
    rset = parse_int_set(r, "r")
    d0set = set(parse_int_set(d0, "d0")) if d0 is not None else None
    dLset = set(parse_int_set(dL, "dL")) if dL is not None else None
    if max_params is not None and int(max_params) < 1:
        raise ValueError(f"max_params must be a positive integer, got {max_params!r}")
    jobs = []
    for L in depths:
        for ws in itertools.product(wset, repeat=L + 1):
            if d0set is not None and ws[0] not in d0set:
                continue
            if dLset is not None and ws[-1] not in dLset:
                continue
            if non_increasing and any(a < b for a, b in zip(ws, ws[1:])):
                continue
            if max_params is not None and sum(a * b for a, b in zip(ws, ws[1:])) > max_params:
                continue
            for rv in rset:
                jobs.append(make_job(ws, rv))
    return jobs


def collect_architectures(
    arch_file: Union[str, os.PathLike, None] = None,
    archs: Iterable[ArchLike] = (),
    *,
    depth: Union[str, int, Iterable[int], None] = None,
    widths: Union[str, int, Iterable[int], None] = None,
    r: Union[str, int, Iterable[int], None] = None,
    non_increasing: bool = False,
    d0: Union[str, int, Iterable[int], None] = None,
    dL: Union[str, int, Iterable[int], None] = None,
    max_params: Optional[int] = None,
) -> list[SweepJob]:
    """Architectures from a file, explicit items and a grid, in that order, without duplicates.

    Grid filters (``non_increasing``, ``d0``, ``dL``, ``max_params``) apply only to the grid.

    >>> [str(j) for j in collect_architectures(archs=["3,3,3 2", "3,3,3 2,2"], depth=1, widths=3)]
    ['[3, 3, 3] r=2', '[3, 3] r=2']
    """
    jobs: list[SweepJob] = []
    if arch_file is not None:
        jobs.extend(read_architecture_file(arch_file))
    for i, item in enumerate(archs, start=1):
        try:
            jobs.extend(_as_jobs(item))
        except ValueError as e:
            raise ValueError(f"architecture #{i} {item!r}: {e}") from None
    grid_given = any(v is not None for v in (depth, widths, r, d0, dL, max_params)) or non_increasing
    if grid_given:
        if depth is None or widths is None:
            raise ValueError(
                "grid options (r, non_increasing, d0, dL, max_params) need both depth (e.g. '2..4') "
                "and widths (e.g. '1..6')"
            )
        jobs.extend(
            grid_architectures(
                depth,
                widths,
                2 if r is None else r,
                non_increasing=non_increasing,
                d0=d0,
                dL=dL,
                max_params=max_params,
            )
        )
    return _dedupe(jobs)


def _dedupe(jobs: Iterable[SweepJob]) -> list[SweepJob]:
    seen: set[Key] = set()
    out = []
    for j in jobs:
        if j.key not in seen:
            seen.add(j.key)
            out.append(j)
    return out


def _job_seed(seed: int, job: SweepJob) -> int:
    # Derived from the architecture alone, so a job gets the same seed however it is scheduled
    # (local or Dask, first run or resume).
    digest = hashlib.sha256(f"{seed}|{job.key}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


# ------------------------------------------------------------------------------------------------
# CSV output
# ------------------------------------------------------------------------------------------------
def _csv_line(values: Sequence[Any]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


def _scan_existing(path: Path, columns: Sequence[str], *, full: Sequence[str]) -> tuple[list[str], set[Key]]:
    """Header and architecture keys of an existing output; drops a torn last line (killed writer)."""
    with open(path, "rb+") as f:
        data = f.read()
        if data and not data.endswith(b"\n"):
            # A row cut short by a kill mid-write: drop it, the job will simply run again.
            cut = data.rfind(b"\n") + 1
            f.truncate(cut)
            data = data[:cut]
    if not data.strip():
        return list(full), set()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a UTF-8 CSV file") from None
    rows = csv.reader(io.StringIO(text))
    header = next(rows)
    if tuple(header[: len(columns)]) != tuple(columns) or not set(header[len(columns) :]) <= set(full):
        raise ValueError(
            f"{path}: existing header {header} does not match the expected columns "
            f"{list(full)}; refusing to append to it"
        )
    keys: set[Key] = set()
    for lineno, row in enumerate(rows, start=2):
        if not row:
            continue
        try:
            keys.add(_job_from_labels(row[0], row[1]).key)
        except (ValueError, IndexError) as e:
            raise ValueError(f"{path}:{lineno}: unreadable row {row!r}: {e}") from None
    return header, keys


class _Sink:
    """The three output files, appended and flushed row by row."""

    def __init__(self, results: Path, timeouts: Path, errors: Path, headers: dict[str, list[str]]):
        self.paths = {"results": results, "timeouts": timeouts, "errors": errors}
        self.headers = headers
        self.files = {}
        try:
            for kind, path in self.paths.items():
                f = open(path, "a", newline="", encoding="utf-8")
                self.files[kind] = f
                if f.tell() == 0:
                    f.write(_csv_line(headers[kind]))
                    f.flush()
        except BaseException:
            self.close()
            raise

    def write(self, kind: str, record: dict[str, Any]) -> None:
        f = self.files[kind]
        # One write of a whole line, then flush: a kill can only tear the line being written,
        # which the resume scan drops.
        f.write(_csv_line([record.get(c, "") for c in self.headers[kind]]))
        f.flush()

    def close(self) -> None:
        for f in self.files.values():
            try:
                f.close()
            except OSError:
                pass
        self.files = {}


def _lock_output(path: Path) -> Any:
    """Hold an exclusive lock on the results file for the whole sweep (POSIX flock)."""
    f = open(path, "a", encoding="utf-8")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return f
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise ValueError(f"another sweep is already writing to {path}") from None
    return f


def _check_writable(path: Path, what: str) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ValueError(f"cannot write {what} to {path}: it is a directory")
    if not parent.is_dir():
        raise ValueError(f"cannot write {what} to {path}: directory {parent} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise ValueError(f"cannot write {what} to {path}: permission denied")
    if not path.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write {what} to {path}: directory {parent} is not writable")


# ------------------------------------------------------------------------------------------------
# Worker processes
# ------------------------------------------------------------------------------------------------
# Not resolve(): the directory the package was imported from, symlinks and all.
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_BOOTSTRAP = (
    "import sys; sys.path.insert(0, {root!r}); "
    "from neurovariety.sweep import _child_main; _child_main()"
)


def _set_pdeathsig() -> bool:
    """Ask Linux to SIGKILL this process when the thread that spawned it dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _parent_watchdog(parent_pid: int) -> None:
    # Fallback where PDEATHSIG is unavailable: poll for the parent (needs the GIL now and then).
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            os._exit(1)


def _load_compute(blob: bytes) -> Callable[..., Any]:
    obj = pickle.loads(blob)
    if isinstance(obj, str):
        return _resolve_compute_spec(obj)
    return obj


def _resolve_compute_spec(spec: str) -> Callable[..., Any]:
    import importlib

    module, _, attr = spec.partition(":")
    if not module or not attr:
        raise ValueError(f"compute must look like 'package.module:function', got {spec!r}")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"compute {spec!r} is not callable")
    return obj


def _plain(value: Any) -> Any:
    # numpy scalars and tuples -> builtins, so records pickle small and print cleanly.
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (list, tuple, str)):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


_RECORD_FIELDS = ("ambient", "expected", "dimension", "defect", "certified", "upper_bound", "bound",
                  "method", "primes", "trials")


def _result_record(res: Any) -> dict[str, Any]:
    """Fields of a DimensionResult (or dict / int from a custom compute) as builtins."""
    if isinstance(res, bool):
        raise TypeError(f"compute returned {res!r}, expected a DimensionResult, a dict or an int")
    if isinstance(res, int) or (hasattr(res, "__index__") and not hasattr(res, "__len__")):
        return {"dimension": int(res)}
    if hasattr(res, "to_dict"):
        d = res.to_dict()
    elif isinstance(res, dict):
        d = res
    else:
        d = {k: getattr(res, k) for k in _RECORD_FIELDS if hasattr(res, k)}
    if "dimension" not in d:
        raise TypeError(f"compute returned {type(res).__name__} without a 'dimension'")
    return {k: _plain(d[k]) for k in _RECORD_FIELDS if k in d}


def _reason(exc: BaseException) -> str:
    msg = str(exc).strip().replace("\n", " ")
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def _child_main() -> None:
    """Entry point of a worker process: run jobs from the parent until EOF."""
    parent_pid, rfd, wfd = (int(a) for a in sys.argv[1:4])
    if not _set_pdeathsig():
        threading.Thread(target=_parent_watchdog, args=(parent_pid,), daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before PDEATHSIG was armed
        os._exit(1)
    # Ctrl-C is the parent's business: it kills us. No tracebacks from workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    rx = Connection(rfd, writable=False)
    tx = Connection(wfd, readable=False)
    try:
        _, sys_path, blob, memory_limit_mb = rx.recv()
        sys.path[:] = list(sys_path) + [p for p in sys.path if p not in sys_path]
        compute = _load_compute(blob)
        if memory_limit_mb:
            import resource

            limit = int(memory_limit_mb) * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except BaseException as e:  # noqa: BLE001 - report anything to the parent
        tx.send(("fatal", _reason(e)))
        return
    tx.send(("ready", os.getpid()))
    while True:
        try:
            msg = rx.recv()
        except (EOFError, OSError):
            return
        if msg[0] != "job":
            return
        _, job_id, widths, r, kwargs = msg
        t0 = time.perf_counter()
        try:
            record = _result_record(compute(widths, r, **kwargs))
            out = ("ok", job_id, record, time.perf_counter() - t0)
        except MemoryError as e:
            # Memory may be fragmented or a limit hit: ask the parent to recycle this worker.
            out = ("error", job_id, _reason(e), time.perf_counter() - t0, True)
        except Exception as e:  # noqa: BLE001 - any failure of one job goes to errors.csv
            out = ("error", job_id, _reason(e), time.perf_counter() - t0, False)
        try:
            tx.send(out)
        except (OSError, EOFError):
            return


def _child_env(threads: int, memory_limit_mb: Optional[int] = None) -> dict[str, str]:
    env = dict(os.environ)
    if memory_limit_mb:
        # The engine then refuses oversized work up front (ResourceLimitError) instead of
        # running into the hard address-space limit midway.
        env.setdefault("NEUROVARIETY_MEMORY_LIMIT", f"{int(memory_limit_mb * 0.8)}M")
    # N workers on N cores: a per-process thread pool of all cores would oversubscribe the machine.
    for var in ("RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, str(threads))
    return env


def _death_reason(returncode: Optional[int]) -> str:
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


class _Child:
    """A long-lived worker process fed jobs through a pipe; killable at any moment."""

    def __init__(self, compute_blob: bytes, memory_limit_mb: Optional[int], threads: int = 1):
        r1, w1 = os.pipe()  # parent -> child (jobs)
        r2, w2 = os.pipe()  # child -> parent (results)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _BOOTSTRAP.format(root=_PACKAGE_ROOT), str(os.getpid()), str(r1), str(w2)],
                pass_fds=(r1, w2),
                stdin=subprocess.DEVNULL,
                stdout=2,  # a chatty compute must not corrupt the CLI's stdout
                env=_child_env(threads, memory_limit_mb),
                # Own process group: the terminal's Ctrl-C reaches only the parent, and the whole
                # group can be killed at once on timeout.
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
        self.job: Any = None
        self.job_id = -1
        self.started = 0.0
        self.tx.send(("init", list(sys.path), compute_blob, memory_limit_mb))

    def submit(self, job_id: int, widths: tuple, r: Any, kwargs: dict) -> None:
        self.job_id = job_id
        self.started = time.monotonic()
        self.tx.send(("job", job_id, widths, r, kwargs))

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

    def wait_ready(self, timeout: float) -> None:
        """Block until the worker reports ready (raises RuntimeError if it cannot start)."""
        if not self.rx.poll(timeout):
            self.kill()
            raise RuntimeError(f"sweep worker did not start within {timeout:.0f} s")
        try:
            msg = self.rx.recv()
        except (EOFError, OSError):
            rc = self.kill()
            raise RuntimeError(f"sweep worker failed to start: {_death_reason(rc)}") from None
        if msg[0] != "ready":
            self.kill()
            raise RuntimeError(f"sweep worker failed to start: {msg[1]}")
        self.ready = True

    def run_blocking(self, widths: tuple, r: Any, kwargs: dict, timeout: float) -> tuple:
        """Run one job to completion or timeout; returns an outcome tuple (see _outcome)."""
        self.submit(0, widths, r, kwargs)
        if not self.rx.poll(timeout):
            elapsed = time.monotonic() - self.started
            pid = self.pid
            self.kill()
            return ("timeout", elapsed, pid)
        try:
            msg = self.rx.recv()
        except (EOFError, OSError):
            rc = self.kill()
            return ("error", _death_reason(rc), time.monotonic() - self.started, True)
        return _outcome(msg)


def _outcome(msg: tuple) -> tuple:
    """Child message -> ("ok", record, seconds) | ("error", reason, seconds, recycle)."""
    if msg[0] == "ok":
        return ("ok", msg[2], msg[3])
    return ("error", msg[2], msg[3], msg[4])


# ------------------------------------------------------------------------------------------------
# Schedulers
# ------------------------------------------------------------------------------------------------
def _run_local(
    todo: Sequence[SweepJob],
    n_workers: int,
    timeout: float,
    compute_blob: bytes,
    memory_limit_mb: Optional[int],
    kwargs_for: Callable[[SweepJob], dict],
    on_event: Callable[[SweepJob, tuple], None],
) -> None:
    pending = deque(range(len(todo)))
    n_workers = max(1, min(n_workers, len(todo)))
    threads = max(1, (os.cpu_count() or 1) // n_workers)
    children: list[_Child] = []
    startup_failures = 0

    def spawn() -> _Child:
        return _Child(compute_blob, memory_limit_mb, threads)

    try:
        children = [spawn() for _ in range(n_workers)]
        while True:
            for c in list(children):
                if c.ready and c.job is None and pending:
                    i = pending.popleft()
                    try:
                        c.submit(i, todo[i].widths, todo[i].r_arg, kwargs_for(todo[i]))
                        c.job = todo[i]
                    except OSError:  # the idle worker died since its last job: retry elsewhere
                        pending.appendleft(i)
                        c.kill()
                        _replace(children, c, spawn, True)
            busy = [c for c in children if c.job is not None]
            if not busy and not pending:
                return
            now = time.monotonic()
            deadlines = [c.started + timeout for c in busy]
            deadlines += [c.spawned + STARTUP_TIMEOUT for c in children if not c.ready]
            wait_for = min(1.0, max(0.0, min(deadlines) - now)) if deadlines else 1.0
            by_fd = {c.rx: c for c in children}
            for conn in _wait_connections(list(by_fd), timeout=wait_for):
                c = by_fd[conn]
                try:
                    msg = c.rx.recv()
                except (EOFError, OSError):
                    msg = None
                if msg is not None and msg[0] == "ready":
                    c.ready = True
                    startup_failures = 0
                    continue
                if msg is not None and msg[0] == "fatal":
                    raise RuntimeError(f"sweep worker failed to start: {msg[1]}")
                if msg is None:
                    # The worker died (killed by the OS, os._exit, segfault...).
                    rc = c.kill()
                    if not c.ready:
                        startup_failures += 1
                        if startup_failures >= 3:
                            raise RuntimeError(f"sweep workers keep dying at start-up: {_death_reason(rc)}")
                    if c.job is not None:
                        on_event(c.job, ("error", _death_reason(rc), time.monotonic() - c.started, True))
                    _replace(children, c, spawn, bool(pending))
                    continue
                out = _outcome(msg)
                job, c.job = c.job, None
                on_event(job, out)
                if out[0] == "error" and out[3]:
                    c.kill()
                    _replace(children, c, spawn, bool(pending))
            now = time.monotonic()
            for c in list(children):
                if c.job is not None and now - c.started >= timeout:
                    elapsed, pid, job = now - c.started, c.pid, c.job
                    if c.kill() is None:  # pragma: no cover - stuck in the kernel; dies on its way out
                        print(f"warning: timed-out worker {pid} not yet gone after SIGKILL", file=sys.stderr)
                    on_event(job, ("timeout", elapsed, pid))
                    _replace(children, c, spawn, bool(pending))
                elif not c.ready and now - c.spawned > STARTUP_TIMEOUT:
                    raise RuntimeError(f"sweep worker did not start within {STARTUP_TIMEOUT:.0f} s")
    finally:
        for c in children:
            c.kill()


def _replace(children: list[_Child], dead: _Child, spawn: Callable[[], _Child], needed: bool) -> None:
    idx = children.index(dead)
    if needed:
        children[idx] = spawn()
    else:
        del children[idx]


# --- Dask ---------------------------------------------------------------------------------------
# Worker-side pool of idle child processes, one per concurrently running task, keyed by compute.
_DASK_LOCK = threading.Lock()
_DASK_IDLE: dict[tuple, list[_Child]] = {}
_DASK_SPAWNER: Any = None


def _dask_spawn(key: tuple) -> _Child:
    global _DASK_SPAWNER
    from concurrent.futures import ThreadPoolExecutor

    with _DASK_LOCK:
        if _DASK_SPAWNER is None:
            # PDEATHSIG fires when the *thread* that forked the child exits; Dask's task threads
            # come and go, so children are forked from one thread that lives as long as the process.
            _DASK_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nv-sweep-spawner")
    blob, mem = key
    return _DASK_SPAWNER.submit(_Child, blob, mem, 1).result()


def _dask_task(widths: tuple, r: Any, kwargs: dict, timeout: float, compute_blob: bytes,
               memory_limit_mb: Optional[int]) -> tuple:
    """Runs on a Dask worker: one job in a reusable, killable child process."""
    key = (compute_blob, memory_limit_mb)
    with _DASK_LOCK:
        idle = _DASK_IDLE.setdefault(key, [])
        child = idle.pop() if idle else None
    if child is not None and child.proc.poll() is not None:
        child.kill()
        child = None
    if child is None:
        child = _dask_spawn(key)
        child.wait_ready(STARTUP_TIMEOUT)
    out = child.run_blocking(widths, r, kwargs, timeout)
    if out[0] == "ok" or (out[0] == "error" and not out[3]):
        with _DASK_LOCK:
            _DASK_IDLE.setdefault(key, []).append(child)
    elif out[0] == "error":
        child.kill()
    return out


def _dask_shutdown() -> None:
    with _DASK_LOCK:
        children = [c for cs in _DASK_IDLE.values() for c in cs]
        _DASK_IDLE.clear()
    for c in children:
        c.kill()


import atexit  # noqa: E402 - registered next to the pool it cleans

atexit.register(_dask_shutdown)


def _run_dask(
    todo: Sequence[SweepJob],
    scheduler: Any,
    timeout: float,
    compute_blob: bytes,
    memory_limit_mb: Optional[int],
    kwargs_for: Callable[[SweepJob], dict],
    on_event: Callable[[SweepJob, tuple], None],
) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ValueError(
            "--scheduler needs dask.distributed: pip install 'neurovariety[dask]'"
        ) from None
    own = isinstance(scheduler, str)
    try:
        client = Client(scheduler, timeout=30) if own else scheduler
    except (OSError, TimeoutError) as e:
        raise ValueError(f"cannot connect to Dask scheduler {scheduler}: {e}") from None
    futures: dict[Any, SweepJob] = {}
    try:
        nthreads = sum(client.nthreads().values()) or 1
        # A bounded window of submitted tasks: the client never holds the whole sweep in flight,
        # so an interrupted client loses little and memory stays flat for huge grids.
        window = max(4, 2 * nthreads)
        token = uuid.uuid4().hex[:12]
        it = iter(enumerate(todo))
        ac = as_completed()

        def submit_next() -> None:
            nxt = next(it, None)
            if nxt is None:
                return
            i, job = nxt
            fut = client.submit(
                _dask_task, job.widths, job.r_arg, kwargs_for(job), timeout, compute_blob,
                memory_limit_mb, key=f"neurovariety-sweep-{token}-{i}", pure=False,
            )
            futures[fut] = job
            ac.add(fut)

        for _ in range(window):
            submit_next()
        for fut in ac:
            job = futures.pop(fut)
            try:
                out = fut.result()
            except Exception as e:  # noqa: BLE001 - e.g. KilledWorker: the job goes to errors.csv
                out = ("error", f"Dask task failed: {_reason(e)}", float("nan"), False)
            on_event(job, out)
            submit_next()
    finally:
        if futures:
            try:
                client.cancel(list(futures))
            except Exception:  # noqa: BLE001 - best effort while shutting down
                pass
        if own:
            client.close()


# ------------------------------------------------------------------------------------------------
# The sweep
# ------------------------------------------------------------------------------------------------
class SweepInterrupted(KeyboardInterrupt):
    """Raised by :func:`run_sweep` after a clean shutdown on Ctrl-C (SIGINT) or SIGTERM.

    Rows finished before the signal are on disk; run again with ``resume=True`` to continue.
    """

    def __init__(self, signum: int = signal.SIGINT, summary: Optional["SweepSummary"] = None):
        super().__init__(f"sweep interrupted by {signal.Signals(signum).name}")
        self.signum = int(signum)
        self.summary = summary


@dataclass
class SweepSummary:
    """Counts of one :func:`run_sweep` call (available as ``df.attrs["summary"]``)."""

    total: int = 0
    skipped: int = 0
    done: int = 0
    timeout: int = 0
    error: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    paths: dict = field(default_factory=dict)
    #: Process ids of the workers killed at a timeout (all reaped before the row was written).
    killed_pids: list = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Architectures handled per second in this call."""
        n = self.done + self.timeout + self.error
        return n / self.seconds if self.seconds > 0 else float("nan")

    def __str__(self) -> str:
        head = "sweep interrupted" if self.interrupted else "sweep finished"
        return (
            f"{head}: {self.done} done, {self.timeout} timed out, {self.error} errors "
            f"of {self.total - self.skipped} to run ({self.skipped} already in the outputs) "
            f"in {self.seconds:.1f} s ({self.rate:.1f} architectures/s); "
            f"results: {self.paths.get('results')}, timeouts: {self.paths.get('timeouts')}, "
            f"errors: {self.paths.get('errors')}"
        )


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _compute_blob(compute: Union[Callable[..., Any], str, None]) -> bytes:
    if compute is None:
        compute = DEFAULT_COMPUTE
    if isinstance(compute, str):
        try:
            _resolve_compute_spec(compute)  # fail here, before any worker starts
        except ImportError as e:
            raise ValueError(f"cannot import compute function {compute!r}: {e}") from None
        except AttributeError as e:
            raise ValueError(f"compute function {compute!r} not found: {e}") from None
        return pickle.dumps(compute)
    if not callable(compute):
        raise ValueError(f"compute must be callable or 'module:function', got {compute!r}")
    if getattr(compute, "__module__", None) == "__main__":
        # Workers are fresh interpreters: a function of the running script is sent by the
        # script's importable module name (like multiprocessing's spawn does).
        main = sys.modules["__main__"]
        spec = getattr(main, "__spec__", None)
        name = spec.name if spec is not None and spec.name else None
        if name is None and getattr(main, "__file__", None):
            name = Path(main.__file__).stem
        qual = getattr(compute, "__qualname__", "")
        if name is None or "<" in qual:
            raise ValueError(
                f"compute {compute!r} cannot be sent to worker processes: define it in a module "
                f"(or a script file) at top level, or pass a 'module:function' string"
            )
        return pickle.dumps(f"{name}:{qual}")
    try:
        blob = pickle.dumps(compute)
        pickle.loads(blob)
    except Exception:  # noqa: BLE001 - lambdas, closures, bound methods of unpicklable objects
        raise ValueError(
            f"compute {compute!r} cannot be sent to worker processes: use a module-level "
            f"function or a 'module:function' string"
        ) from None
    return blob


def run_sweep(
    architectures: Iterable[ArchLike],
    *,
    timeout: float = 60.0,
    jobs: Optional[int] = None,
    out: Union[str, os.PathLike] = "results.csv",
    timeouts: Union[str, os.PathLike, None] = None,
    errors: Union[str, os.PathLike, None] = None,
    resume: bool = False,
    overwrite: bool = False,
    scheduler: Any = None,
    compute: Union[Callable[..., Any], str, None] = None,
    method: Optional[str] = None,
    primes: Optional[Sequence[int]] = None,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    shuffle: bool = False,
    memory_limit_mb: Optional[int] = None,
    progress: bool = True,
) -> "Any":
    """Compute the dimension of every architecture, with a per-architecture timeout.

    Parameters
    ----------
    architectures:
        :class:`~neurovariety.Architecture` objects, ``"WIDTHS R"`` strings (``"3,4,5,6 2,3"``),
        ``(widths, r)`` pairs or :class:`SweepJob` (see :func:`collect_architectures` and
        :func:`grid_architectures`). Duplicates are dropped; all are validated before any job.
    timeout:
        Seconds per architecture, measured by the parent; past it the job's process is killed.
    jobs:
        Number of worker processes (default: the usable cores). Ignored with ``scheduler``.
    out, timeouts, errors:
        ``results.csv``; ``timeout.csv`` and ``errors.csv`` default to those names next to ``out``.
    resume:
        Skip architectures already present in any of the three files and append to them.
    overwrite:
        Truncate existing outputs. Without ``resume`` or ``overwrite`` a non-empty existing
        output raises ``FileExistsError``.
    scheduler:
        ``"tcp://HOST:PORT"`` of a Dask distributed scheduler (or a ``distributed.Client``).
    compute:
        ``compute(widths, r, **options)`` returning a DimensionResult, a dict with at least
        ``dimension`` or an int; a module-level function or ``"module:function"``.
        Default :func:`neurovariety.dimension`.
    method, primes, trials:
        Passed to ``compute`` when given.
    seed:
        Base seed; each architecture gets its own seed derived from it and its widths, so results
        do not depend on scheduling. Also orders the jobs when ``shuffle``.
    shuffle:
        Run in a seeded random order (better ETA when costly architectures cluster).
    memory_limit_mb:
        Address-space limit per worker process; exceeding it is a MemoryError in errors.csv.
    progress:
        Show a tqdm bar with done/timeout/error counts and print a summary to stderr.

    Returns
    -------
    pandas.DataFrame
        The rows of ``out`` for the requested architectures (also those from earlier runs when
        resuming), in the requested order. ``df.attrs`` holds ``"summary"`` (a
        :class:`SweepSummary`), ``"timeouts"`` and ``"errors"`` (lists of ``"WIDTHS R"`` strings
        of this call's requested architectures found in those files).

    Raises ``ValueError`` for bad input, ``FileExistsError`` for outputs that would be
    overwritten, ``RuntimeError`` if workers cannot start, :class:`SweepInterrupted` (a
    ``KeyboardInterrupt``) after a clean shutdown on Ctrl-C or SIGTERM (rows written so far are
    kept; resume to continue).

    >>> import os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "results.csv")
    >>> df = run_sweep(grid_architectures("2", "1..3", "2", d0=2, dL=1), timeout=30, out=out,
    ...                seed=0, progress=False)
    >>> df[["Widths", "Expected Dimension", "Dimension"]].values.tolist()
    [['[2, 1, 1]', 2, 2], ['[2, 2, 1]', 3, 3], ['[2, 3, 1]', 3, 3]]
    """
    # ---- validate everything before any job starts ---------------------------------------------
    if isinstance(architectures, (str, Architecture, SweepJob)):
        architectures = [architectures]
    requested = collect_architectures(archs=architectures)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not timeout > 0 or math.isinf(timeout):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if jobs is None:
        jobs = _default_jobs()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    if resume and overwrite:
        raise ValueError("resume and overwrite are mutually exclusive")
    if memory_limit_mb is not None and (not isinstance(memory_limit_mb, int) or memory_limit_mb < 1):
        raise ValueError(f"memory_limit_mb must be a positive integer, got {memory_limit_mb!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    options: dict[str, Any] = {}
    if method is not None:
        options["method"] = method
    if primes is not None:
        options["primes"] = tuple(int(p) for p in primes)
    if trials is not None:
        options["trials"] = int(trials)
    blob = _compute_blob(compute)

    out_p = Path(out)
    to_p = Path(timeouts) if timeouts is not None else out_p.with_name("timeout.csv")
    err_p = Path(errors) if errors is not None else out_p.with_name("errors.csv")
    paths = {"results": out_p, "timeouts": to_p, "errors": err_p}
    resolved = [os.path.realpath(p) for p in paths.values()]
    if len(set(resolved)) != 3:
        raise ValueError(f"results, timeouts and errors must be three different files, got {[str(p) for p in paths.values()]}")
    for kind, p in paths.items():
        _check_writable(p, kind)
    full = {
        "results": list(RESULT_COLUMNS + EXTRA_COLUMNS),
        "timeouts": list(TIMEOUT_COLUMNS),
        "errors": list(ERROR_COLUMNS),
    }
    base = {"results": RESULT_COLUMNS, "timeouts": TIMEOUT_COLUMNS, "errors": ERROR_COLUMNS[:2]}
    nonempty = [p for p in paths.values() if p.exists() and p.stat().st_size > 0]
    if nonempty and not resume and not overwrite:
        raise FileExistsError(
            f"{nonempty[0]} already exists and is not empty: pass resume=True (--resume) to continue "
            f"that sweep or overwrite=True (--overwrite) to replace it"
        )
    headers = dict(full)
    done: dict[str, set[Key]] = {k: set() for k in paths}
    # Locked before reading: another sweep appending to the same files would race with us.
    lock = _lock_output(out_p)
    try:
        if resume:
            for kind, p in paths.items():
                if p.exists():
                    headers[kind], done[kind] = _scan_existing(p, base[kind], full=full[kind])
        elif overwrite:
            for p in paths.values():
                if p.exists():
                    p.write_bytes(b"")

        already = done["results"] | done["timeouts"] | done["errors"]
        todo = [j for j in requested if j.key not in already]
        if shuffle:
            random.Random(seed).shuffle(todo)

        def kwargs_for(job: SweepJob) -> dict:
            if seed is None:
                return options
            return {**options, "seed": _job_seed(seed, job)}

        summary = SweepSummary(total=len(requested), skipped=len(requested) - len(todo),
                               paths={k: str(p) for k, p in paths.items()})
        sink = _Sink(out_p, to_p, err_p, headers)
        bar = None
        if progress and todo:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(todo), unit="arch", desc="sweep", dynamic_ncols=True, smoothing=0.05)
            bar.set_postfix({"done": 0, "timeout": 0, "error": 0}, refresh=False)

        def on_event(job: SweepJob, outcome: tuple) -> None:
            kind = outcome[0]
            labels = {"Widths": job.widths_label, "Activation": job.activation_label}
            if kind == "ok":
                rec = outcome[1]
                dim = rec["dimension"]
                amb = rec.get("ambient", job.arch.ambient_dim)
                exp = rec.get("expected", job.arch.expected_dim)
                primes_v = rec.get("primes", "")
                sink.write("results", {
                    **labels,
                    "Ambient Dimension": amb,
                    "Expected Dimension": exp,
                    "Dimension": dim,
                    "Defect": rec.get("defect", exp - dim),
                    "Time Taken (seconds)": f"{outcome[2]:.6f}",
                    "Certified": rec.get("certified", ""),
                    "Upper Bound": rec.get("upper_bound", ""),
                    "Bound": rec.get("bound", ""),
                    "Method": rec.get("method", ""),
                    "Primes": _list_label(primes_v) if isinstance(primes_v, (list, tuple)) else primes_v,
                    "Trials": rec.get("trials", ""),
                })
                summary.done += 1
            elif kind == "timeout":
                sink.write("timeouts", labels)
                summary.timeout += 1
                summary.killed_pids.append(outcome[2])
            else:
                secs = outcome[2]
                sink.write("errors", {**labels, "Reason": outcome[1],
                                      "Time Taken (seconds)": "" if math.isnan(secs) else f"{secs:.6f}"})
                summary.error += 1
            if bar is not None:
                bar.set_postfix({"done": summary.done, "timeout": summary.timeout, "error": summary.error},
                                refresh=False)
                bar.update(1)

        # SIGTERM (kill, batch schedulers) gets the same clean shutdown as Ctrl-C.
        old_term = None
        in_main = threading.current_thread() is threading.main_thread()
        if in_main:
            def _on_term(signum: int, frame: Any) -> None:
                raise SweepInterrupted(signum)

            old_term = signal.signal(signal.SIGTERM, _on_term)
        t0 = time.monotonic()
        try:
            if todo:
                if scheduler is not None:
                    _run_dask(todo, scheduler, float(timeout), blob, memory_limit_mb, kwargs_for, on_event)
                else:
                    _run_local(todo, jobs, float(timeout), blob, memory_limit_mb, kwargs_for, on_event)
        except KeyboardInterrupt as e:
            summary.interrupted = True
            raise SweepInterrupted(getattr(e, "signum", signal.SIGINT), summary) from None
        finally:
            summary.seconds = time.monotonic() - t0
            if in_main:
                signal.signal(signal.SIGTERM, old_term if old_term is not None else signal.SIG_DFL)
            sink.close()
            if bar is not None:
                bar.close()
            if progress:
                print(str(summary) + ("; rerun with --resume to continue" if summary.interrupted else ""),
                      file=sys.stderr, flush=True)
        return _collect_frame(requested, paths, summary)
    finally:
        lock.close()


def _collect_frame(requested: Sequence[SweepJob], paths: dict[str, Path], summary: SweepSummary) -> Any:
    import pandas as pd

    order = {j.key: i for i, j in enumerate(requested)}
    df = pd.read_csv(paths["results"], dtype={"Widths": str, "Activation": str, "Primes": str,
                                              "Bound": str, "Method": str})
    if len(df):
        keys = [_job_from_labels(w, a).key for w, a in zip(df["Widths"], df["Activation"])]
        pos = [order.get(k, -1) for k in keys]
        df = df.assign(_pos=pos)
        df = df[df["_pos"] >= 0].sort_values("_pos", kind="stable").drop(columns="_pos").reset_index(drop=True)
    extras: dict[str, list[str]] = {}
    for kind in ("timeouts", "errors"):
        extras[kind] = []
        with open(paths[kind], newline="", encoding="utf-8") as f:
            rows = csv.reader(f)
            next(rows, None)
            for row in rows:
                if row:
                    j = _job_from_labels(row[0], row[1])
                    if j.key in order:
                        extras[kind].append(f"{j.widths_label} {j.activation_label}")
    df.attrs["summary"] = summary
    df.attrs["timeouts"] = extras["timeouts"]
    df.attrs["errors"] = extras["errors"]
    return df
