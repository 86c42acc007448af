"""``neurovariety sweep``: dimension sweeps with per-architecture timeouts and resumable CSVs."""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import click

from .._progress import progress_enabled
from ..errors import InvalidInputError, ResourceLimitError
from ..sweep import DEFAULT_MAX_JOBS, Selection, SweepWarning, arch_line, run_sweep, select_architectures
from ..sweep.run import SweepSummary, validate_sweep
from .options import (
    INTEGERS,
    POSITIVE_FLOAT,
    IntRange,
    NonEmptyPath,
    emit_json,
    json_option,
    progress_for,
    quiet_option,
    seed_option,
)

#: The largest address-space limit a worker can be given (2^63 bytes, the kernel's rlimit type).
MAX_MEMORY_LIMIT_MB = (2**63 - 1) >> 20

_EPILOG = """\b
Examples:
  neurovariety sweep --arch "3,3,3 2" --arch "3,4,5,6 2,3" --timeout 10 -o results.csv
  neurovariety sweep --depth 2..3 --widths 1..5 -r 2,3 --non-increasing --jobs 2 -o results.csv --resume
  neurovariety sweep --depth 2..3 --widths 1..3 --dry-run --json

\b
ARCH_FILE has one architecture per line, "WIDTHS R", with # comments (neurovariety sweep
archs.txt --timeout 600). R is one exponent ("3,3,3 2") or a list: per-layer when it has one
entry per hidden layer ("3,4,5,6 2,3"), otherwise one run per entry ("3,4,5 2,3" runs r=2
and r=3); "[2, 3]" is always per-layer. A CSV with Widths/Activation columns works too, e.g. a
previous sweep's timeout.csv rerun with a longer --timeout. --resume continues after Ctrl-C or
a crash; --scheduler tcp://HOST:8786 runs the jobs on a Dask cluster.

\b
Exit status: 0 done (timeouts and errors are rows, not failures), 2 invalid input,
1 failure (e.g. out of disk space), 130 / 143 interrupted by SIGINT / SIGTERM (rerun with --resume).
"""


def _translate(message: str) -> str:
    """Library wording -> command-line wording."""
    return (message.replace("resume=True (--resume)", "--resume").replace("overwrite=True (--overwrite)", "--overwrite")
            .replace("--resume (resume=True)", "--resume"))


@contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """SweepWarnings (e.g. a torn row dropped on resume) as ``warning: ...`` lines on stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", SweepWarning)
        previous = warnings.showwarning

        def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
            if issubclass(category, SweepWarning):
                click.echo(f"warning: {message}", err=True)
            else:
                previous(message, category, *args, **kwargs)

        warnings.showwarning = show
        yield


def _select(arch_file: Optional[str], archs: tuple[str, ...], grid: dict[str, Any], max_jobs: int) -> Selection:
    try:
        selection = select_architectures(arch_file, archs, max_jobs=max_jobs, **grid)
    except (InvalidInputError, ResourceLimitError) as e:
        raise click.UsageError(str(e)) from None
    if selection.count().total == 0:
        raise click.UsageError(
            "no architectures: give ARCH_FILE, --arch \"3,3,3 2\" or a grid (--depth 2..3 --widths 1..6)"
        )
    return selection


def _run(selection: Selection, settings: dict[str, Any], quiet: bool, as_json: bool = False) -> None:
    progress = progress_for(quiet, as_json)
    say = not quiet and not as_json and not progress_enabled(progress)  # else run_sweep printed the summary itself
    try:
        with _warnings_as_lines():
            df = run_sweep(selection, progress=progress, **settings)
    except FileExistsError as e:
        raise click.ClickException(_translate(str(e))) from None
    except KeyboardInterrupt as e:
        summary = getattr(e, "summary", None)
        if say and summary is not None:
            click.echo(_translate(str(summary)), err=True)
        if as_json and summary is not None:
            emit_json("sweep", _summary_payload(summary, settings.get("seed")))
        # Rows written so far are on disk. Exit status 128 + signal number, as a shell reports a
        # process killed by that signal.
        raise click.exceptions.Exit(128 + int(getattr(e, "signum", 2))) from None
    except (InvalidInputError, ResourceLimitError) as e:
        raise click.UsageError(_translate(str(e))) from None
    except (OSError, RuntimeError, ValueError) as e:
        summary = getattr(e, "sweep_summary", None)
        raise click.ClickException(f"{e}" + (f"\n{_translate(str(summary))}" if say and summary is not None else "")) from None
    if say:
        click.echo(_translate(str(df.attrs["summary"])), err=True)
    if as_json:
        emit_json("sweep", _summary_payload(df.attrs["summary"], settings.get("seed")))


def _summary_payload(summary: SweepSummary, seed: Optional[int]) -> dict[str, Any]:
    """The ``--json`` object of a sweep: its counts, the seed and the summary sentence."""
    return {**summary.to_dict(), "seed": seed, "statement": _translate(str(summary))}


def _dry_run(selection: Selection, as_json: bool, seed: Optional[int]) -> None:
    archs = list(selection)
    if as_json:
        emit_json("sweep-plan", {"count": len(archs), "architectures": [a.to_dict() for a in archs], "seed": seed,
                                 "statement": f"dry run: {len(archs)} architectures would be computed"})
        return
    for a in archs:
        click.echo(arch_line(a))
    click.echo(f"{len(archs)} architectures", err=True)


@click.command("sweep", epilog=_EPILOG, short_help="Dimensions of many architectures, with per-job timeouts.")
@click.argument("arch_file", required=False, type=NonEmptyPath(dir_okay=False, allow_dash=True))
@click.option("--arch", "archs", multiple=True, metavar='"WIDTHS R"',
              help='An architecture "WIDTHS R" as in ARCH_FILE, e.g. --arch "3,3,3 2". Repeatable.')
@click.option("--depth", metavar="RANGE", help="Grid: number of weight matrices L, e.g. 2..4.")
@click.option("--widths", metavar="RANGE", help="Grid: values of every width d_i, e.g. 1..6.")
@click.option("-r", "--r", "r_values", metavar="LIST", help="Grid: activation exponents, e.g. 2,3 [default: 2].")
@click.option("--non-increasing", is_flag=True, help="Grid filter: only d0 >= d1 >= ... >= dL.")
@click.option("--d0", metavar="RANGE", help="Grid filter: allowed input widths d0, e.g. 2 or 2..3.")
@click.option("--dL", "--dl", "d_last", metavar="RANGE", help="Grid filter: allowed output widths dL.")
@click.option("--max-params", type=IntRange(min=1), help="Grid filter: at most this many weights.")
@click.option("--max-jobs", type=IntRange(min=1), default=DEFAULT_MAX_JOBS, show_default=True,
              help="Refuse sweeps of more architectures than this (grids are counted, not enumerated).")
@click.option("--timeout", type=POSITIVE_FLOAT, default=60.0, show_default=True,
              help="Seconds per architecture; the job's process is killed past it.")
@click.option("--jobs", "-j", type=IntRange(min=1), default=None,
              help="Worker processes [default: the number of usable cores].")
@click.option("-o", "--out", default="results.csv", show_default=True, type=NonEmptyPath(dir_okay=False),
              help="Results CSV.")
@click.option("--timeouts", type=NonEmptyPath(dir_okay=False),
              help="Timed-out architectures [default: timeout.csv next to --out].")
@click.option("--errors", type=NonEmptyPath(dir_okay=False),
              help="Crashed architectures with the reason [default: errors.csv next to --out].")
@click.option("--resume", is_flag=True, help="Skip architectures already in the three files; append.")
@click.option("--overwrite", is_flag=True, help="Replace existing output files.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Run on this Dask distributed scheduler.")
@click.option("--method", type=click.Choice(["auto", "evaluation", "monomial"]),
              help="Passed to neurovariety.dimension.")
@click.option("--primes", type=INTEGERS, metavar="P1,P2", help="Primes passed to neurovariety.dimension.")
@click.option("--trials", type=IntRange(min=1), help="Trials passed to neurovariety.dimension.")
@seed_option
@click.option("--shuffle", is_flag=True, help="Run in a random order fixed by --seed (steadier ETA).")
@click.option("--memory-limit", type=IntRange(min=1, max=MAX_MEMORY_LIMIT_MB), metavar="MB",
              help="Address-space limit per worker; exceeding it is recorded as an error.")
@click.option("--dry-run", is_flag=True, help="Print the architectures that would run and exit.")
@json_option
@quiet_option
@click.option("--compute", hidden=True, help="'module:function' replacing neurovariety.dimension (testing).")
def sweep(arch_file: Optional[str], archs: tuple[str, ...], depth: Optional[str], widths: Optional[str],
          r_values: Optional[str], non_increasing: bool, d0: Optional[str], d_last: Optional[str],
          max_params: Optional[int], max_jobs: int, timeout: float, jobs: Optional[int], out: str,
          timeouts: Optional[str], errors: Optional[str], resume: bool, overwrite: bool, scheduler: Optional[str],
          method: Optional[str], primes: Optional[tuple[int, ...]], trials: Optional[int], seed: Optional[int],
          shuffle: bool, memory_limit: Optional[int], dry_run: bool, as_json: bool, quiet: bool,
          compute: Optional[str]) -> None:
    """Compute dimensions of many architectures, each stopped after --timeout seconds.

    Results go to --out (columns Widths, Activation, Ambient Dimension, Expected Dimension,
    Dimension, Defect, Time Taken (seconds), then Certified, Upper Bound, Bound, Method, Primes,
    Trials, Error Bound); timed-out architectures to --timeouts, crashed ones to --errors. Every
    option is checked before the first job. Every row is written as soon as it is known; after
    Ctrl-C or a crash, rerun with --resume. --json prints the counts as one JSON object.
    """
    if resume and overwrite:
        raise click.UsageError("--resume and --overwrite are mutually exclusive")
    grid = {"depth": depth, "widths": widths, "r": r_values, "non_increasing": non_increasing, "d0": d0,
            "dL": d_last, "max_params": max_params}
    selection = _select(arch_file, archs, grid, max_jobs)
    settings: dict[str, Any] = {"timeout": timeout, "jobs": jobs, "compute": compute, "method": method,
                                "primes": primes, "trials": trials, "seed": seed, "shuffle": shuffle,
                                "memory_limit_mb": memory_limit, "scheduler": scheduler, "max_jobs": max_jobs}
    try:
        validate_sweep(options=None, progress=None, **settings)
    except InvalidInputError as e:
        raise click.UsageError(str(e)) from None
    if dry_run:
        _dry_run(selection, as_json, seed)
        return
    _run(selection, {**settings, "out": out, "timeouts": timeouts, "errors": errors, "resume": resume,
                     "overwrite": overwrite}, quiet, as_json)


if __name__ == "__main__":  # pragma: no cover - `python -m neurovariety.cli.sweep`
    sweep()
