"""``reproduce``: the paper's computational results end to end, into one report directory.

A dimension sweep over the embedded grid (:func:`~neurovariety.report.grid.default_grid`), the
checks, Example 4.4 and the (2,2,3) learning experiment; rerunning in the same directory resumes
the sweep and reuses finished steps.

>>> STEPS
('sweep', 'checks', 'example_4_4', 'learning')
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import pandas as pd

from .._progress import log
from .._validate import positive_float
from ..analysis import RESULT_COLUMNS, CheckResult, load_results, run_checks, tidy_results
from ..architecture import Architecture
from ..errors import InvalidInputError
from ..sweep import run_sweep
from .grid import default_grid
from .html import Section, esc, json_default, table_html
from .page import write_report
from .steps import render_example_4_4, render_learning, run_step, section_from_step

__all__ = ["reproduce", "STEPS", "OPTIONAL_STEPS"]

#: Bumped when a cached step result (``example_4_4.json``, ``learning.json``) changes layout.
STEP_FORMAT = 1

#: Optional steps: step -> (title, ``"module.function"`` run in a child process).
OPTIONAL_STEPS = {
    "example_4_4": ("Example 4.4: equations of V_(3,3,3),2", "neurovariety.report.steps.example_4_4"),
    "learning": ("Learning experiment: (2,2,3), r = 2", "neurovariety.report.steps.learning_2_2_3"),
}

#: Steps of :func:`reproduce`, in order.
STEPS = ("sweep", "checks", "example_4_4", "learning")

PathLike = Union[str, os.PathLike]


def _sweep_section(archs: list[Architecture], out: Path, *, timeout: float, jobs: int, progress: Optional[bool]) -> Section:
    start = time.perf_counter()
    try:
        run_sweep(archs, timeout=timeout, jobs=jobs, out=out / "results.csv", timeouts=out / "timeout.csv",
                  errors=out / "errors.csv", resume=True, progress=progress)
    except (OSError, ValueError, RuntimeError) as exc:  # report what was computed so far; a rerun resumes
        log(f"[reproduce] sweep failed: {type(exc).__name__}: {exc}", progress)
        return Section("Dimension sweep", "failed",
                       f"<p>The sweep stopped: {esc(type(exc).__name__)}: {esc(exc)}. The report uses the rows "
                       "written so far; rerun <code>neurovariety reproduce</code> with the same --out to resume.</p>")
    seconds = time.perf_counter() - start
    body = [f"<p>{len(archs)} architectures (the embedded grid, see <code>grid.txt</code>), "
            f"timeout {timeout:g} s each, {jobs} worker(s); this run took {seconds:.1f} s "
            "(architectures already in the CSVs are skipped on a rerun).</p>"]
    for name, label in (("timeout.csv", "Timed out"), ("errors.csv", "Errors")):
        p = out / name
        if p.exists() and p.stat().st_size:
            t = pd.read_csv(p)
            body.append(f'<p>{label}: {len(t)} architecture(s) (<a href="{name}">{name}</a>).</p>')
            if len(t):
                body.append(table_html(t, max_rows=50))
    return Section("Dimension sweep", "ok", "".join(body))


def _cached(cache: Path, identity: dict[str, Any], out: Path) -> Optional[dict[str, Any]]:
    """A finished step's payload when it was computed with the same settings and its plots exist."""
    try:
        payload = json.loads(cache.read_text())
        plots = (payload.get("result") or {}).get("plots") or []
    except (OSError, json.JSONDecodeError, AttributeError):
        return None
    if payload.get("status") != "ok" or payload.get("kwargs") != identity or not all((out / p).exists() for p in plots):
        return None  # retry failures, changed settings and lost plots
    return dict(payload)


def _step_section(step: str, out: Path, kwargs: dict[str, Any], runtime: dict[str, Any], step_timeout: float,
                  progress: Optional[bool]) -> Section:
    title, target = OPTIONAL_STEPS[step]
    render = render_example_4_4 if step == "example_4_4" else render_learning
    identity = {**kwargs, "format": STEP_FORMAT}
    cache = out / f"{step}.json"
    payload = _cached(cache, identity, out) if cache.exists() else None
    if payload is None:
        log(f"[reproduce] step: {title} (at most {step_timeout:g} s)", progress)
        payload = run_step(target, {**kwargs, **runtime}, step_timeout)
        payload["kwargs"] = identity
        cache.write_text(json.dumps(payload, indent=2, default=json_default))
    else:
        log(f"[reproduce] step: {title}: reusing {cache.name}", progress)
    if payload["status"] != "ok":
        log(f"[reproduce]   {payload['status']}: {payload.get('note', '')}", progress)
    return section_from_step(title, payload, render)


def _results_frame(out: Path, sections: list[Section]) -> pd.DataFrame:
    results = out / "results.csv"
    if results.exists() and results.stat().st_size:
        return load_results(results)
    sections.insert(0, Section("No sweep results", "skipped", "<p>No results.csv: the sweep was skipped or "
                                                              "produced nothing, so the checks have no rows.</p>"))
    return tidy_results(pd.DataFrame(columns=list(RESULT_COLUMNS)))


def _checks(df: pd.DataFrame, progress: Optional[bool]) -> dict[str, CheckResult]:
    log(f"[reproduce] step: checks on {len(df)} rows", progress)
    checks = run_checks(df)
    for res in checks.values():
        log("[reproduce]   " + res.summary, progress)
        if res.failed and res.expected_to_hold:
            log(res.report(10), progress)
    return checks


def reproduce(
    out: PathLike,
    *,
    timeout: float = 20.0,
    jobs: Optional[int] = None,
    quick: bool = False,
    steps: Sequence[str] = STEPS,
    step_timeout: float = 120.0,
    learning_runs: int = 300,
    progress: Optional[bool] = None,
) -> dict[str, Any]:
    """Reproduce the paper's computational results into ``out`` and write the report.

    Steps (``steps`` selects them): ``sweep`` (dimensions over the default grid, per-architecture
    ``timeout``, ``jobs`` workers, CSVs ``results.csv``/``timeout.csv``/``errors.csv`` in ``out``,
    resumed on rerun), ``checks`` (all of :data:`neurovariety.analysis.CHECKS`), ``example_4_4``
    and ``learning`` (each in a child process killed after ``step_timeout`` s; skipped with a note
    when its module is missing or fails; a finished result is cached as JSON and reused).
    Returns the check summary (also in ``out/summary.json``).
    """
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise InvalidInputError(f"unknown step(s) {unknown}; available: {', '.join(STEPS)}")
    timeout, step_timeout = positive_float(timeout, "timeout"), positive_float(step_timeout, "step_timeout")
    jobs = jobs or os.cpu_count() or 1
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    archs = default_grid(quick=quick)
    (out_dir / "grid.txt").write_text("".join(f"{','.join(map(str, a.widths))} {a.r_label}\n" for a in archs))
    plan = [s for s in STEPS if s in steps]
    log(f"[reproduce] output directory {out_dir}; steps: {', '.join(plan)}", progress)
    sections: list[Section] = []
    if "sweep" in plan:
        log(f"[reproduce] step 1: dimension sweep of {len(archs)} architectures (timeout {timeout:g} s, {jobs} jobs)", progress)
        sections.append(_sweep_section(archs, out_dir, timeout=timeout, jobs=jobs, progress=progress))
    step_args = {
        "example_4_4": ({"max_degree": 4, "seed": 0}, {"progress": False}),
        "learning": ({"runs": learning_runs, "seed": 0}, {"out_dir": str(out_dir), "progress": False}),
    }
    for step in ("example_4_4", "learning"):
        if step in plan:
            kwargs, runtime = step_args[step]
            sections.append(_step_section(step, out_dir, kwargs, runtime, step_timeout, progress))
    df = _results_frame(out_dir, sections)
    checks = _checks(df, progress) if "checks" in plan else {}
    log("[reproduce] writing the report", progress)
    summary = write_report(df, out_dir, title="neurovariety: reproducing Kubjas–Li–Wiesmann, Geometry of PNNs",
                           checks=checks, sections=sections, sources=["results.csv"])
    log(f"[reproduce] done: {out_dir / 'index.html'}", progress)
    return summary
