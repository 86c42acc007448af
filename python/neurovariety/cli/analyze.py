"""``neurovariety analyze`` and ``neurovariety reproduce``: checks and the HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import click

from ..analysis import load_results, run_checks
from ..report import STEPS, write_report
from ..report import reproduce as run_reproduce
from ..report.reproduce import SWEEP_SEED
from .options import POSITIVE_FLOAT, IntRange, NonEmptyPath, emit_json, json_option, library_errors, progress_for, quiet_option

__all__ = ["analyze", "reproduce"]


def _checks_statement(what: str, summary: dict[str, Any], failing: list[str]) -> str:
    """One sentence: every check with its passing rows, and the checks that should hold but fail."""
    counts = ", ".join(f"{name} {s['passed']}/{s['rows']}" for name, s in summary.items())
    found = f"rows fail {', '.join(failing)}" if failing else "no check that should hold has a failing row"
    return f"Theory checks of {what} (passing/checked rows): {counts}; {found}."


@click.command("analyze", short_help="Check sweep results against theory; write an HTML report.")
@click.argument("results", nargs=-1, required=True, type=NonEmptyPath(path_type=Path))
@click.option("-o", "--out", type=NonEmptyPath(file_okay=False, path_type=Path), default=Path("report"),
              show_default=True, help="Report directory (index.html, summary.json, checks/, PNGs).")
@click.option("--check", "checks", multiple=True, metavar="NAME", help="Run only this check (repeatable). Default: all.")
@click.option("--title", default="neurovariety report", show_default=True, help="Title of the report.")
@click.option("--max-rows", type=IntRange(min=1), default=200, show_default=True,
              help="Rows shown per table in index.html (the CSVs under checks/ are complete).")
@click.option("--strict", is_flag=True, help="Exit with status 1 when a check that should hold has a failing row.")
@json_option
@quiet_option
def analyze(results: tuple[Path, ...], out: Path, checks: tuple[str, ...], title: str, max_rows: int,
            strict: bool, as_json: bool, quiet: bool) -> None:
    """Check sweep results against theory and write an HTML report.

    RESULTS: results.csv files (ours or the paper's layout), mfa_pnns CSVs, or directories of
    CSVs. Failing rows are printed as findings; they are not errors unless --strict.

    \b
    Example:
      neurovariety analyze results.csv --out report/
    """
    with library_errors():
        df = load_results(list(results))
        invalid = _report_invalid(df.attrs.get("invalid", []), quiet=quiet or as_json)
        selected = run_checks(df, list(checks) or None, echo=not (quiet or as_json))
        summary = write_report(df, out, title=title, checks=selected, max_rows=max_rows, sources=[p.name for p in results])
    failing = [n for n, r in selected.items() if r.failed and r.expected_to_hold]
    if as_json:
        statement = _checks_statement(f"{len(df)} rows", summary, failing)
        if invalid:
            statement += f" {len(invalid)} unreadable or conflicting row(s) were left out (see 'invalid')."
        emit_json("analysis", {"rows": len(df), "report": str(out / "index.html"), "checks": summary, "failing": failing,
                               "invalid": invalid, "seed": None, "statement": statement})
    elif not quiet:
        click.echo(f"wrote {out / 'index.html'} and {out / 'summary.json'} ({len(df)} rows)")
    if strict and (failing or invalid):
        raise click.exceptions.Exit(1)


def _report_invalid(invalid: list[dict[str, Any]], quiet: bool) -> list[dict[str, Any]]:
    """Rows left out because their dimension is unreadable, one ``warning:`` line each on stderr
    (never silently: a dropped row could be the counterexample). ``--strict`` makes them an error."""
    if not quiet:
        for row in invalid:
            click.echo(f"warning: {row['source']}:{row['line']}: {row['widths']}: dimension {row['value']!r} left out "
                       f"({row['reason']})", err=True)
    return [{k: (int(v) if k == "line" else str(v)) for k, v in row.items()} for row in invalid]


@click.command("reproduce", short_help="Reproduce the paper's computations into one report.")
@click.option("-o", "--out", type=NonEmptyPath(file_okay=False, path_type=Path), default=Path("report"),
              show_default=True, help="Output directory: sweep CSVs, cached steps and the report. "
                                      "Rerunning with the same directory resumes.")
@click.option("--timeout", type=POSITIVE_FLOAT, default=20.0, show_default=True,
              help="Seconds per architecture in the sweep.")
@click.option("-j", "--jobs", type=IntRange(min=1), default=None,
              help="Worker processes for the sweep [default: the core count].")
@click.option("--step", "steps", multiple=True, type=click.Choice(list(STEPS)),
              help="Run only these steps (repeatable). Default: all.")
@click.option("--step-timeout", type=POSITIVE_FLOAT, default=120.0, show_default=True,
              help="Seconds allowed to Example 4.4 and to the learning experiment each.")
@click.option("--learning-runs", type=IntRange(min=1), default=300, show_default=True,
              help="Random initialisations in the (2,2,3) learning experiment.")
@click.option("--quick", is_flag=True, help="A small grid (seconds): a smoke test of the pipeline.")
@json_option
@quiet_option
def reproduce(out: Path, timeout: float, jobs: Optional[int], steps: tuple[str, ...], step_timeout: float,
              learning_runs: int, quick: bool, as_json: bool, quiet: bool) -> None:
    """Reproduce the paper's computational results and write OUT/index.html.

    A dimension sweep over a grid covering the paper's conjecture check (r = 2..4, with
    timeouts), the theory checks, Example 4.4 and the (2,2,3) learning experiment; a few
    minutes on 2 cores.

    \b
    Example:
      neurovariety reproduce --out report/
    """
    with library_errors():
        summary = run_reproduce(out, timeout=timeout, jobs=jobs, quick=quick, steps=list(steps) or STEPS,
                                step_timeout=step_timeout, learning_runs=learning_runs, progress=progress_for(quiet, as_json))
    failing = [n for n, s in summary.items() if s["failed"] and s["expected_to_hold"]]
    if as_json:
        emit_json("reproduce", {"report": str(out / "index.html"), "checks": summary, "failing": failing,
                                "seed": SWEEP_SEED, "statement": _checks_statement("the reproduction", summary, failing)})
        return
    click.echo(f"wrote {out / 'index.html'}; checks: " + ", ".join(f"{n} {s['passed']}/{s['rows']}" for n, s in summary.items()))
    if failing:
        click.echo(f"findings: rows fail {', '.join(failing)} (see the report)")
