"""``neurovariety analyze`` and ``neurovariety reproduce`` (click commands; wired into the group
by ``neurovariety.cli``)."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["analyze", "reproduce"]


@click.command("analyze")
@click.argument("results", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("report"),
              show_default=True, help="Report directory (index.html, summary.json, checks/, PNGs).")
@click.option("--check", "checks", multiple=True, metavar="NAME",
              help="Run only this check (repeatable). Default: all.")
@click.option("--title", default="neurovariety report", show_default=True)
@click.option("--max-rows", type=click.IntRange(min=1), default=200, show_default=True,
              help="Rows shown per table in index.html (the CSVs under checks/ are complete).")
@click.option("--strict", is_flag=True,
              help="Exit with status 1 when a check that should hold has a failing row.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the check summaries.")
def analyze(results: tuple[Path, ...], out: Path, checks: tuple[str, ...], title: str, max_rows: int,
            strict: bool, quiet: bool) -> None:
    """Check sweep results against theory and write an HTML report.

    RESULTS: results.csv files (ours or the paper's layout), mfa_pnns CSVs, or directories of
    CSVs. Failing rows are printed as findings; they are not errors unless --strict.

    \b
    Example:
      neurovariety analyze results.csv --out report/
    """
    from neurovariety import analysis
    from neurovariety.report import write_report

    try:
        df = analysis.load_results(list(results))
        selected = analysis.run_checks(df, list(checks) or None, echo=not quiet)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        write_report(df, out, title=title, checks=selected, max_rows=max_rows,
                     sources=[str(p) for p in results])
    except OSError as exc:
        raise click.ClickException(f"cannot write the report to {out}: {exc}") from None
    click.echo(f"wrote {out / 'index.html'} and {out / 'summary.json'} ({len(df)} rows)")
    if strict and any(r.failed and r.expected_to_hold for r in selected.values()):
        raise click.exceptions.Exit(1)


@click.command("reproduce")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("report"),
              show_default=True, help="Output directory: sweep CSVs, cached steps and the report. "
                                      "Rerunning with the same directory resumes.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=20.0, show_default=True,
              help="Seconds per architecture in the sweep.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for the sweep [default: the core count].")
@click.option("--step", "steps", multiple=True, type=click.Choice(["sweep", "checks", "example_4_4", "learning"]),
              help="Run only these steps (repeatable). Default: all.")
@click.option("--step-timeout", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True,
              help="Seconds allowed to Example 4.4 and to the learning experiment each.")
@click.option("--learning-runs", type=click.IntRange(min=1), default=300, show_default=True,
              help="Random initialisations in the (2,2,3) learning experiment.")
@click.option("--quick", is_flag=True, help="A small grid (seconds): a smoke test of the pipeline.")
@click.option("--no-progress", is_flag=True, help="No progress bars.")
def reproduce(out: Path, timeout: float, jobs: int | None, steps: tuple[str, ...], step_timeout: float,
              learning_runs: int, quick: bool, no_progress: bool) -> None:
    """Reproduce the paper's computational results and write OUT/index.html.

    A dimension sweep over a grid covering the paper's conjecture check (r = 2..4, with
    timeouts), the theory checks, Example 4.4 and the (2,2,3) learning experiment; about
    5 minutes on 2 cores.

    \b
    Example:
      neurovariety reproduce --out report/
    """
    from neurovariety.report import STEPS
    from neurovariety.report import reproduce as run

    try:
        summary = run(out, timeout=timeout, jobs=jobs, quick=quick, steps=list(steps) or STEPS,
                      step_timeout=step_timeout, learning_runs=learning_runs, progress=not no_progress)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out}: {exc}") from None
    failing = [n for n, s in summary.items() if s["failed"] and s["expected_to_hold"]]
    click.echo(f"wrote {out / 'index.html'}; checks: "
               + ", ".join(f"{n} {s['passed']}/{s['rows']}" for n, s in summary.items()))
    if failing:
        click.echo(f"findings: rows fail {', '.join(failing)} (see the report)")
