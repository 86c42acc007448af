"""``run_sweep``: validate everything, then compute every architecture with a per-job timeout.

Every option is validated — and the compute function pickled, the dimension options built — before
the output files are touched or a worker starts. The jobs run on the local pool
(:mod:`~neurovariety._resources.pool`) or a Dask cluster (:mod:`~neurovariety.sweep.dask`); each
finished job becomes one row (:mod:`~neurovariety.sweep.schema`) appended to the locked outputs
(:mod:`~neurovariety.sweep.output`). The return value is the tidy frame of the requested rows.

>>> s = SweepSummary(total=3, done=2, timeout=1, status="finished")
>>> str(s).split(":")[0], s.rate != s.rate    # no time measured: rate is NaN
('sweep finished', True)
"""

from __future__ import annotations

import functools
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence, Union

from .._display import Displayable
from .._progress import ProgressBar, log, progress_bar
from .._resources import exception_reason
from .._resources.pool import Outcome, default_workers, run_local
from .._resources.process import MAX_MEMORY_LIMIT_MB
from .._validate import flag, optional_positive_int, positive_float, positive_int
from .._validate import seed as validate_seed
from ..architecture import Architecture
from ..dimension import DimensionOptions, estimated_seconds
from ..errors import InvalidInputError
from .dask import run_dask
from .grid import DEFAULT_MAX_JOBS, Grid, Selection, bounded
from .jobs import ArchLike, activation_label, as_architectures, dedupe, job_key, job_label, job_seed, widths_label
from .output import OutputFiles, check_targets, output_paths
from .schema import (
    error_row,
    read_architectures,
    read_results_frame,
    result_row,
    tidy_results_frame,
    timeout_row,
)
from .worker import Compute, compute_blob, job_function

if TYPE_CHECKING:
    import os

    import pandas as pd

__all__ = ["run_sweep", "validate_sweep", "SweepSummary", "SweepInterrupted", "SweepConfig"]

PathLike = Union[str, "os.PathLike[str]"]


class SweepInterrupted(KeyboardInterrupt):
    """Raised by :func:`run_sweep` after a clean shutdown on Ctrl-C (SIGINT) or SIGTERM.

    Rows finished before the signal are on disk; run again with ``resume=True`` to continue.
    """

    def __init__(self, signum: int = signal.SIGINT, summary: Optional["SweepSummary"] = None):
        super().__init__(f"sweep interrupted by {signal.Signals(signum).name}")
        self.signum = int(signum)
        self.summary = summary


@dataclass(repr=False)
class SweepSummary(Displayable):
    """Counts of one :func:`run_sweep` call (``df.attrs["summary"]``).

    ``status`` is ``"running"``, ``"finished"``, ``"interrupted"`` or ``"failed"`` (then ``reason``
    says why, e.g. out of disk space).
    """

    total: int = 0
    skipped: int = 0
    done: int = 0
    timeout: int = 0
    error: int = 0
    seconds: float = 0.0
    status: str = "running"
    reason: str = ""
    paths: dict[str, str] = field(default_factory=dict)
    #: Process ids of the workers killed at a timeout (all reaped before the row was written).
    killed_pids: list[int] = field(default_factory=list)

    @property
    def interrupted(self) -> bool:
        """Stopped by SIGINT or SIGTERM."""
        return self.status == "interrupted"

    @property
    def rate(self) -> float:
        """Architectures handled per second in this call."""
        n = self.done + self.timeout + self.error
        return n / self.seconds if self.seconds > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types: the counts, the status, the output paths and the rate."""
        return {"total": self.total, "skipped": self.skipped, "done": self.done, "timeout": self.timeout, "error": self.error,
                "seconds": self.seconds, "rate": self.rate if self.seconds > 0 else None, "status": self.status,
                "reason": self.reason,
                "paths": dict(self.paths), "killed_pids": list(self.killed_pids)}

    def _display_title(self) -> str:
        return f"Sweep {self.status}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("status", self.status), ("total", self.total), ("skipped", self.skipped), ("done", self.done),
                ("timeout", self.timeout), ("error", self.error), ("seconds", self.seconds), ("rate", self.rate),
                ("results", self.paths.get("results"))]

    def _display_statement(self) -> str:
        return str(self)

    def __str__(self) -> str:
        head = {"finished": "sweep finished", "interrupted": "sweep interrupted", "running": "sweep running"}.get(
            self.status, f"sweep stopped by an error ({self.reason})")
        tail = "" if self.status == "finished" else "; rerun with --resume (resume=True) to continue"
        return (
            f"{head}: {self.done} done, {self.timeout} timed out, {self.error} errors "
            f"of {self.total - self.skipped} to run ({self.skipped} already in the outputs) "
            f"in {self.seconds:.1f} s ({self.rate:.1f} architectures/s); "
            f"results: {self.paths.get('results')}, timeouts: {self.paths.get('timeouts')}, "
            f"errors: {self.paths.get('errors')}{tail}"
        )


@dataclass(frozen=True)
class SweepConfig:
    """The validated settings of one sweep (built before anything is touched)."""

    timeout: float
    jobs: int
    options: DimensionOptions
    func_blob: bytes
    seed: Optional[int] = None
    shuffle: bool = False
    memory_limit_mb: Optional[int] = None
    scheduler: Any = None
    max_jobs: int = DEFAULT_MAX_JOBS
    progress: Optional[bool] = None
    #: The default compute (neurovariety.dimension), whose cost the jobs are ordered by.
    default_compute: bool = True


def _options(options: Optional[DimensionOptions], method: Optional[str], primes: Optional[Sequence[int]],
             trials: Optional[int]) -> DimensionOptions:
    if options is None:
        return DimensionOptions.validated("auto" if method is None else method, primes, 2 if trials is None else trials)
    if not isinstance(options, DimensionOptions):
        raise InvalidInputError(f"options must be a DimensionOptions, got {options!r}")
    if (method, primes, trials) != (None, None, None):
        raise InvalidInputError("pass either options=DimensionOptions(...) or method/primes/trials, not both")
    return DimensionOptions.validated(options.method, options.primes, options.trials, options.memory_limit)


def _scheduler(scheduler: Any) -> Any:
    if scheduler is None or (not isinstance(scheduler, str) and hasattr(scheduler, "submit")):
        return scheduler
    if not isinstance(scheduler, str) or "://" not in scheduler:
        raise InvalidInputError(f"scheduler must be a Dask address like 'tcp://HOST:PORT' or a Client, got {scheduler!r}")
    return scheduler


def _requested(architectures: Union[Iterable[ArchLike], ArchLike, Selection, Grid], max_jobs: int) -> list[Architecture]:
    if isinstance(architectures, (str, Architecture)):
        architectures = [architectures]
    if isinstance(architectures, Grid):
        architectures = Selection([], architectures)
    if isinstance(architectures, Selection):
        return bounded(architectures.checked(max_jobs), max_jobs)

    def items() -> Iterable[Architecture]:
        for i, item in enumerate(architectures, start=1):
            try:
                yield from as_architectures(item)
            except ValueError as e:
                raise InvalidInputError(f"architecture #{i} {item!r}: {e}") from None

    return bounded(dedupe(items()), max_jobs)


class _Recorder:
    """``on_event`` of the schedulers: one row per finished job, counts, progress."""

    def __init__(self, files: OutputFiles, summary: SweepSummary, bar: ProgressBar):
        self.files, self.summary, self.bar = files, summary, bar

    def __call__(self, arch: Architecture, out: Outcome) -> None:
        s = self.summary
        if out[0] == "ok":
            self.files.write("results", result_row(arch, out[1], out[2]))
            s.done += 1
        elif out[0] == "timeout":
            self.files.write("timeouts", timeout_row(arch))
            s.timeout += 1
            s.killed_pids.append(out[2])
        else:
            self.files.write("errors", error_row(arch, out[1], out[2]))
            s.error += 1
        self.bar.set_postfix(done=s.done, timeout=s.timeout, error=s.error)
        self.bar.update(1)


def largest_first(todo: Sequence[Architecture], method: str) -> list[Architecture]:
    """``todo`` by decreasing predicted cost (ties keep their order): longest-processing-time-first
    scheduling, within 4/3 of the best makespan for any number of workers.

    >>> [a.widths for a in largest_first([Architecture((2, 2, 1), 2), Architecture((9, 9, 9), 2)], "auto")]
    [(9, 9, 9), (2, 2, 1)]
    """
    costs = [estimated_seconds(a, method) for a in todo]
    return [todo[i] for i in sorted(range(len(todo)), key=lambda i: -costs[i])]


def _job_args(seed: Optional[int], arch: Architecture) -> tuple[Any, ...]:
    return (arch, None if seed is None else job_seed(seed, arch))


def _dispatch(todo: list[Architecture], cfg: SweepConfig, on_event: _Recorder) -> None:
    args_for = functools.partial(_job_args, cfg.seed)
    if cfg.scheduler is not None:
        run_dask(todo, args_for, on_event, scheduler=cfg.scheduler, timeout=cfg.timeout, func_blob=cfg.func_blob,
                 memory_limit_mb=cfg.memory_limit_mb)
    else:
        run_local(todo, args_for, on_event, workers=cfg.jobs, timeout=cfg.timeout, func_blob=cfg.func_blob,
                  memory_limit_mb=cfg.memory_limit_mb)


def _on_sigterm(signum: int, frame: object) -> None:
    raise SweepInterrupted(signum)


def _execute(todo: list[Architecture], cfg: SweepConfig, files: OutputFiles, summary: SweepSummary) -> None:
    """Run the jobs; the summary's status says how it ended (SIGTERM gets the same shutdown as Ctrl-C)."""
    bar = progress_bar(len(todo), "sweep", unit="arch", progress=cfg.progress)
    in_main = threading.current_thread() is threading.main_thread()
    old_term = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    t0 = time.monotonic()
    try:
        if todo:
            _dispatch(todo, cfg, _Recorder(files, summary, bar))
        summary.status = "finished"
    except KeyboardInterrupt as e:
        summary.status = "interrupted"
        raise SweepInterrupted(getattr(e, "signum", signal.SIGINT), summary) from None
    except BaseException as e:
        summary.status, summary.reason = "failed", exception_reason(e)
        setattr(e, "sweep_summary", summary)  # noqa: B010 - the CLI reports the counts with the error
        raise
    finally:
        summary.seconds = time.monotonic() - t0
        if in_main:
            signal.signal(signal.SIGTERM, old_term if old_term is not None else signal.SIG_DFL)
        bar.close()
        log(str(summary), cfg.progress)


def _frame(requested: Sequence[Architecture], paths: dict[str, Any], summary: SweepSummary) -> "pd.DataFrame":
    order = {job_key(a): i for i, a in enumerate(requested)}
    known = {(widths_label(a), activation_label(a)): a for a in requested}
    df: pd.DataFrame = tidy_results_frame(read_results_frame(paths["results"]), source=paths["results"].name,
                                          known=known)
    dropped = df.attrs.get("dropped", 0)
    df.attrs = {}  # pandas deep-copies attrs (one line number per row) in every operation below
    pos = [order.get((w, r), -1) for w, r in zip(df["widths"], df["r_layers"])]
    df = df.assign(_pos=pos)
    df = df[df["_pos"] >= 0].sort_values("_pos", kind="stable").drop(columns="_pos").reset_index(drop=True)
    df.attrs = {"dropped": dropped, "summary": summary}
    for kind in ("timeouts", "errors"):
        found = [a for a in read_architectures(paths[kind]) if job_key(a) in order]
        df.attrs[kind] = [job_label(a).replace(" r=", " ") for a in found]
    return df


def validate_sweep(
    *,
    timeout: float,
    jobs: Optional[int],
    compute: Compute,
    method: Optional[str],
    primes: Optional[Sequence[int]],
    trials: Optional[int],
    options: Optional[DimensionOptions],
    seed: Optional[int],
    shuffle: bool,
    memory_limit_mb: Optional[int],
    scheduler: Any,
    max_jobs: int,
    progress: Optional[bool],
) -> SweepConfig:
    """Every option of :func:`run_sweep` checked (InvalidInputError naming it), nothing touched."""
    validated = _options(options, method, primes, trials)
    return SweepConfig(
        timeout=positive_float(timeout, "timeout"),
        jobs=default_workers() if jobs is None else positive_int(jobs, "jobs"),
        options=validated,
        func_blob=job_function(compute_blob(compute), validated),
        seed=validate_seed(seed),
        shuffle=flag(shuffle, "shuffle"),
        memory_limit_mb=optional_positive_int(memory_limit_mb, "memory_limit_mb", maximum=MAX_MEMORY_LIMIT_MB),
        scheduler=_scheduler(scheduler),
        max_jobs=positive_int(max_jobs, "max_jobs"),
        default_compute=compute is None,
        progress=None if progress is None else flag(progress, "progress"),
    )


def run_sweep(
    architectures: Union[Iterable[ArchLike], ArchLike, Selection, Grid],
    *,
    timeout: float = 60.0,
    jobs: Optional[int] = None,
    out: PathLike = "results.csv",
    timeouts: Optional[PathLike] = None,
    errors: Optional[PathLike] = None,
    resume: bool = False,
    overwrite: bool = False,
    scheduler: Any = None,
    compute: Compute = None,
    method: Optional[str] = None,
    primes: Optional[Sequence[int]] = None,
    trials: Optional[int] = None,
    options: Optional[DimensionOptions] = None,
    seed: Optional[int] = None,
    shuffle: bool = False,
    memory_limit_mb: Optional[int] = None,
    max_jobs: int = DEFAULT_MAX_JOBS,
    progress: Optional[bool] = None,
) -> "pd.DataFrame":
    """Compute the dimension of every architecture, with a per-architecture timeout.

    Parameters
    ----------
    architectures:
        :class:`~neurovariety.Architecture` objects, ``"WIDTHS R"`` strings (``"3,4,5,6 2,3"``),
        ``(widths, r)`` pairs, or a :class:`~neurovariety.sweep.grid.Grid` /
        :class:`~neurovariety.sweep.grid.Selection` (counted before it is enumerated, see
        :func:`~neurovariety.sweep.grid.select_architectures`). Duplicates are dropped; all are
        validated before any job, and more than ``max_jobs`` are refused.
    timeout:
        Seconds per architecture, measured by the parent; past it the job's process is killed.
    jobs:
        Number of worker processes (default: the usable cores). Ignored with ``scheduler``.
    out, timeouts, errors:
        ``results.csv``; ``timeout.csv`` and ``errors.csv`` default to those names next to ``out``.
        The three are locked together for the whole sweep; symlinks are refused.
    resume:
        Skip architectures already present in any of the three files and append to them (each
        file is validated first; a torn last row is dropped with a :class:`SweepWarning`).
    overwrite:
        Truncate existing outputs. Without ``resume`` or ``overwrite`` a non-empty existing
        output raises ``FileExistsError``.
    scheduler:
        ``"tcp://HOST:PORT"`` of a Dask distributed scheduler (or a ``distributed.Client``).
    compute:
        ``compute(arch, *, seed, options)`` returning a DimensionResult, a dict with at least
        ``dimension`` or an int; a module-level function or ``"module:function"``.
        Default :func:`neurovariety.dimension`.
    method, primes, trials, options:
        The :class:`~neurovariety.DimensionOptions` every job gets (validated here, once).
    seed:
        Base seed; each architecture gets its own seed derived from it and its widths, so results
        do not depend on scheduling. Also orders the jobs when ``shuffle``.
    shuffle:
        Run in a seeded random order (better ETA when costly architectures cluster). By default
        jobs run largest first by :func:`~neurovariety.dimension.estimated_seconds`, so that no
        worker is left with one long job while the others idle at the end.
    memory_limit_mb:
        Address-space limit per worker process; exceeding it is a MemoryError in errors.csv.
    progress:
        A progress bar and the summary on stderr (``None``: on in a terminal only).

    Returns
    -------
    pandas.DataFrame
        The tidy frame (:data:`~neurovariety.sweep.schema.TIDY_COLUMNS`, then ``upper_bound``,
        ``bound``, ``method``, ``primes``, ``trials``, ``error_bound``) of the requested
        architectures' rows of ``out`` (also those from earlier runs when resuming), in the
        requested order. ``df.attrs`` holds ``"summary"`` (a :class:`SweepSummary`),
        ``"timeouts"`` and ``"errors"`` (``"WIDTHS R"`` strings of this call's requested
        architectures found in those files).

    Raises :class:`~neurovariety.errors.InvalidInputError` (a ``ValueError``) for bad input,
    :class:`~neurovariety.errors.ResourceLimitError` above ``max_jobs``, ``FileExistsError`` for
    outputs that would be overwritten, ``RuntimeError`` if workers cannot start, ``OSError`` if
    an output cannot be written (e.g. out of disk space; ``exc.sweep_summary`` has the counts),
    :class:`SweepInterrupted` (a ``KeyboardInterrupt``) after a clean shutdown on Ctrl-C or
    SIGTERM (rows written so far are kept; resume to continue).

    >>> import os, tempfile
    >>> from neurovariety.sweep import grid_architectures
    >>> out = os.path.join(tempfile.mkdtemp(), "results.csv")
    >>> df = run_sweep(grid_architectures("2", "1..3", "2", d0=2, dL=1), timeout=30, out=out, seed=0)
    >>> df[["widths", "expected", "dimension"]].values.tolist()
    [[(2, 1, 1), 2, 2], [(2, 2, 1), 3, 3], [(2, 3, 1), 3, 3]]
    """
    cfg = validate_sweep(timeout=timeout, jobs=jobs, compute=compute, method=method, primes=primes, trials=trials,
                         options=options, seed=seed, shuffle=shuffle, memory_limit_mb=memory_limit_mb,
                         scheduler=scheduler, max_jobs=max_jobs, progress=progress)
    requested = _requested(architectures, cfg.max_jobs)
    paths = output_paths(out, timeouts, errors)
    check_targets(paths, resume=flag(resume, "resume"), overwrite=flag(overwrite, "overwrite"))
    with OutputFiles.open(paths, resume=resume, overwrite=overwrite) as files:
        todo = [a for a in requested if job_key(a) not in files.done]
        if cfg.shuffle:
            random.Random(cfg.seed).shuffle(todo)
        elif cfg.default_compute:
            todo = largest_first(todo, cfg.options.method)
        summary = SweepSummary(total=len(requested), skipped=len(requested) - len(todo),
                               paths={k: str(p) for k, p in paths.items()})
        _execute(todo, cfg, files, summary)
    return _frame(requested, paths, summary)
