"""``reproduce``: the paper's computational results end to end, into one report directory.

A dimension sweep over the embedded grid (:func:`~neurovariety.report.grid.default_grid`), the
theory checks, and the optional steps: Example 4.4 and its Hilbert function, the (2,2,3) learning
experiment, the activation degree thresholds of the defective architectures the sweep finds,
the (2,1,2) minimal filling table, the degree of Example 4.4 and the identifiability of (2,2,3). Each
optional step runs in a child process killed at its timeout; a finished step is cached as
``STEP.json`` and reused when rerun with the same settings, and the sweep resumes.

>>> STEPS[:4]
('sweep', 'checks', 'example_4_4', 'hilbert')
>>> OPTIONAL_STEPS["degree_4_4"][1]
'neurovariety.report.step_geometry.degree_example_4_4'
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import time
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Union

import pandas as pd

from .._progress import log
from .._resources import atomic_write_text
from .._validate import positive_float
from ..analysis import RESULT_COLUMNS, CheckResult, load_results, run_checks, tidy_results
from ..architecture import Architecture
from ..errors import InvalidInputError
from ..fields import DEFAULT_PRIMES
from ..sweep import run_sweep
from .grid import default_grid
from .html import Section, esc, json_default, table_html
from .page import DataFile, write_report
from .provenance import collect_provenance
from .step_equations import render_example_4_4, render_hilbert
from .step_geometry import render_degree, render_identifiability
from .step_learning import render_learning
from .step_search import render_filling, render_thresholds
from .steps import run_step, section_from_step

__all__ = ["reproduce", "STEPS", "OPTIONAL_STEPS", "RENDERERS", "STEP_FORMAT", "STEP_TIMEOUT_FACTOR", "SWEEP_SEED", "defective_architectures"]

#: Bumped when a cached step result (``STEP.json``) changes layout.
STEP_FORMAT = 2

#: Seed of the sweep: every architecture gets its own reproducible seed from it.
SWEEP_SEED = 0

_PKG = "neurovariety.report"
#: Optional steps: step -> (title, ``"module.function"`` run in a child process).
OPTIONAL_STEPS: dict[str, tuple[str, str]] = {
    "example_4_4": ("Example 4.4: equations of V_(3,3,3),2", f"{_PKG}.step_equations.example_4_4"),
    "hilbert": ("Example 4.4: Hilbert function of V_(3,3,3),2", f"{_PKG}.step_equations.hilbert_example_4_4"),
    "degree_4_4": ("Example 4.4: degree of V_(3,3,3),2", f"{_PKG}.step_geometry.degree_example_4_4"),
    "learning": ("Learning experiment: (2,2,3), r = 2", f"{_PKG}.step_learning.learning_2_2_3"),
    "identifiability_2_2_3": ("Identifiability of (2,2,3), r = 2", f"{_PKG}.step_geometry.identifiability_2_2_3"),
    "thresholds": ("Activation degree thresholds of the defective architectures", f"{_PKG}.step_search.thresholds"),
    "filling": ("Minimal filling architectures, (d0, dL, r) = (2, 1, 2), L ≤ 7", f"{_PKG}.step_search.filling_table"),
}

#: Steps allowed a multiple of ``step_timeout`` (the thresholds scan every r up to the proved bound).
STEP_TIMEOUT_FACTOR = {"thresholds": 3.0}

#: Step -> the function turning its result into HTML.
RENDERERS: dict[str, Callable[[Any], str]] = {
    "example_4_4": render_example_4_4, "hilbert": render_hilbert, "degree_4_4": render_degree,
    "learning": render_learning, "identifiability_2_2_3": render_identifiability, "thresholds": render_thresholds,
    "filling": render_filling,
}

#: Steps of :func:`reproduce`, in order.
STEPS = ("sweep", "checks", *OPTIONAL_STEPS)

PathLike = Union[str, "os.PathLike[str]"]


def _sweep_section(archs: list[Architecture], out: Path, *, timeout: float, jobs: int, progress: Optional[bool]) -> Section:
    start = time.perf_counter()
    try:
        run_sweep(archs, timeout=timeout, jobs=jobs, out=out / "results.csv", timeouts=out / "timeout.csv",
                  errors=out / "errors.csv", resume=True, seed=SWEEP_SEED, progress=progress)
    except (OSError, ValueError, RuntimeError) as exc:  # report what was computed so far; a rerun resumes
        log(f"[reproduce] sweep failed: {type(exc).__name__}: {exc}", progress)
        return Section("Dimension sweep", "failed",
                       f"<p>The sweep stopped: {esc(type(exc).__name__)}: {esc(exc)}. The report uses the rows "
                       "written so far; rerun <code>neurovariety reproduce</code> with the same --out to resume.</p>")
    seconds = time.perf_counter() - start
    body = [f'<p>{len(archs)} architectures (the embedded grid, listed in <a href="grid.txt">grid.txt</a>), timeout '
            f"{timeout:g} s each, {jobs} worker process(es), seed {SWEEP_SEED}; this run took {seconds:.1f} s "
            '(architectures already in the CSVs are skipped on a rerun). Every row: <a href="results.csv">results.csv</a>.</p>']
    for name, label in (("timeout.csv", "Timed out"), ("errors.csv", "Errors")):
        p = out / name
        if p.exists() and p.stat().st_size:
            t = pd.read_csv(p)
            body.append(f'<p>{label}: {len(t)} architecture(s) (<a href="{name}">{name}</a>).</p>')
            if len(t):
                body.append(table_html(t, table_id=f"sweep-{name.split('.')[0]}"))
    return Section("Dimension sweep", "ok", "".join(body))


def _cached(cache: Path, identity: dict[str, Any], out: Path) -> Optional[dict[str, Any]]:
    """A finished step's payload when it was computed with the same settings and its files exist."""
    try:
        payload = json.loads(cache.read_text())
        result = payload.get("result") or {}
        written = list(result.get("plots") or []) + [f["path"] for f in result.get("files") or []]
    except (OSError, json.JSONDecodeError, AttributeError, KeyError, TypeError):
        return None
    if payload.get("status") != "ok" or payload.get("kwargs") != identity or not all((out / p).exists() for p in written):
        return None  # retry failures, changed settings and lost files
    return dict(payload)


def _step_payload(step: str, out: Path, kwargs: dict[str, Any], runtime: dict[str, Any], step_timeout: float,
                  progress: Optional[bool]) -> dict[str, Any]:
    title, target = OPTIONAL_STEPS[step]
    identity = {**kwargs, "format": STEP_FORMAT}
    cache = out / f"{step}.json"
    payload = _cached(cache, identity, out) if cache.exists() else None
    if payload is not None:
        log(f"[reproduce] step: {title}: reusing {cache.name}", progress)
        return {**payload, "reused": True}
    log(f"[reproduce] step: {title} (at most {step_timeout:g} s)", progress)
    payload = run_step(target, {**kwargs, **runtime}, step_timeout)
    payload["kwargs"] = identity
    atomic_write_text(cache, json.dumps(payload, indent=2, default=json_default))
    if payload["status"] != "ok":
        log(f"[reproduce]   {payload['status']}: {payload.get('note', '')}", progress)
    return payload


def _results_frame(out: Path, sections: list[Section]) -> pd.DataFrame:
    results = out / "results.csv"
    if results.exists() and results.stat().st_size:
        return load_results(results)
    sections.insert(0, Section("No sweep results", "skipped", "<p>No results.csv: the sweep was skipped or "
                                                              "produced nothing, so the checks have no rows.</p>"))
    return tidy_results(pd.DataFrame(columns=list(RESULT_COLUMNS)))


def defective_architectures(df: pd.DataFrame) -> list[list[int]]:
    """Distinct widths of the rows defective at some exponent ``r >= 2`` (by depth, then widths)."""
    if df.empty:
        return []
    bad = df[(df["defect"] > 0) & df["r_layers"].map(lambda rs: any(x >= 2 for x in rs))]
    return [list(w) for w in sorted(set(bad["widths"]), key=lambda w: (len(w), w))]


def _checks(df: pd.DataFrame, progress: Optional[bool]) -> dict[str, CheckResult]:
    log(f"[reproduce] step: checks on {len(df)} rows", progress)
    checks = run_checks(df)
    for res in checks.values():
        log("[reproduce]   " + res.summary, progress)
        if res.failed and res.expected_to_hold:
            log(res.report(10), progress)
    return checks


def _step_arguments(df: pd.DataFrame, out: Path, jobs: int, learning_runs: int) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Step -> (the settings identifying its result, the run-time arguments that do not change it)."""
    where = {"out_dir": str(out)}
    return {
        "example_4_4": ({"max_degree": 4, "seed": 0}, {"progress": False}),
        "hilbert": ({"max_degree": 4, "seed": 0}, where),
        "degree_4_4": ({"seed": 0}, {}),
        "learning": ({"runs": learning_runs, "seed": 0, "datasets": 500, "trained_datasets": 20, "runs_per_dataset": 20},
                     {**where, "progress": False}),
        "identifiability_2_2_3": ({"seed": 0}, {}),
        "thresholds": ({"architectures": defective_architectures(df), "seed": 0}, {**where, "jobs": jobs}),
        "filling": ({"d0": 2, "dL": 1, "r": 2, "max_depth": 7, "max_width": 7, "seed": 0}, where),
    }


def _run_steps(plan: list[str], df: pd.DataFrame, out: Path, jobs: int, learning_runs: int, step_timeout: float,
               progress: Optional[bool]) -> tuple[list[Section], list[DataFile], dict[str, Any]]:
    sections, files, record = [], [], {}
    arguments = _step_arguments(df, out, jobs, learning_runs)
    for step in (s for s in OPTIONAL_STEPS if s in plan):
        kwargs, runtime = arguments[step]
        payload = _step_payload(step, out, kwargs, runtime, step_timeout * STEP_TIMEOUT_FACTOR.get(step, 1.0), progress)
        json_file = f"{step}.json" if (out / f"{step}.json").exists() else ""
        sections.append(section_from_step(OPTIONAL_STEPS[step][0], payload, RENDERERS[step], json_file=json_file))
        result = payload.get("result") if payload.get("status") == "ok" else None
        if json_file:
            files.append((json_file, f"the {step} step: settings, status and full result (JSON)"))
        for f in (result or {}).get("files") or []:
            files.append((f["path"], f["description"]))
        for f in (result or {}).get("figures") or []:
            files += [(f[k], f"Figure ({step}): {f.get('caption', '')[:80]}…") for k in ("png", "svg") if f.get(k)]
        shown = {k: (f"{len(v)} architectures" if k == "architectures" else v) for k, v in kwargs.items()}
        record[step] = {"status": payload.get("status"), "seconds": payload.get("seconds"),
                        "reused": bool(payload.get("reused")), "parameters": shown}
    return sections, files, record


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

    Steps (``steps`` selects them, :data:`STEPS` lists them): ``sweep`` (dimensions over the
    default grid, per-architecture ``timeout``, ``jobs`` workers, CSVs
    ``results.csv``/``timeout.csv``/``errors.csv`` in ``out``, resumed on rerun), ``checks``
    (all of :data:`neurovariety.analysis.CHECKS`), and the optional steps of
    :data:`OPTIONAL_STEPS` (each in a child process killed after ``step_timeout`` s, times
    :data:`STEP_TIMEOUT_FACTOR` for the slow ones; skipped
    with a note when its module is missing or it is a hook not filled in; failed with the reason;
    a finished result is cached as ``STEP.json`` and reused). Returns the check summary (the
    ``checks`` entry of ``out/summary.json``, which also holds the provenance).
    """
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise InvalidInputError(f"unknown step(s) {unknown}; available: {', '.join(STEPS)}")
    timeout, step_timeout = positive_float(timeout, "timeout"), positive_float(step_timeout, "step_timeout")
    jobs = jobs or os.cpu_count() or 1
    started = _dt.datetime.now(_dt.timezone.utc).astimezone()
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    archs = default_grid(quick=quick)
    atomic_write_text(out_dir / "grid.txt", "".join(f"{','.join(map(str, a.widths))} {a.r_label}\n" for a in archs))
    plan = [s for s in STEPS if s in steps]
    log(f"[reproduce] output directory {out_dir}; steps: {', '.join(plan)}", progress)
    sections: list[Section] = []
    if "sweep" in plan:
        log(f"[reproduce] step 1: dimension sweep of {len(archs)} architectures (timeout {timeout:g} s, {jobs} jobs)", progress)
        sections.append(_sweep_section(archs, out_dir, timeout=timeout, jobs=jobs, progress=progress))
    df = _results_frame(out_dir, sections)
    extra, files, record = _run_steps(plan, df, out_dir, jobs, learning_runs, step_timeout, progress)
    checks = _checks(df, progress) if "checks" in plan else {}
    settings = {"grid": "quick" if quick else "default", "grid_architectures": len(archs), "sweep_timeout_s": timeout,
                "jobs": jobs, "sweep_seed": SWEEP_SEED, "sweep_primes": list(DEFAULT_PRIMES), "step_timeout_s": step_timeout,
                "steps": plan, "optional_steps": record}
    data_files = [(name, what) for name, what in (
        ("results.csv", "every dimension the sweep computed"), ("timeout.csv", "architectures that timed out"),
        ("errors.csv", "architectures whose computation failed, with the reason"),
        ("grid.txt", "the architectures swept, one 'WIDTHS R' per line"))] + files
    log("[reproduce] writing the report", progress)
    summary = write_report(df, out_dir, title="neurovariety: reproducing Kubjas–Li–Wiesmann, Geometry of Polynomial "
                           "Neural Networks", checks=checks, sections=sections + extra, sources=["results.csv"],
                           files=data_files, provenance=collect_provenance(settings, started=started))
    log(f"[reproduce] done: {out_dir / 'index.html'}", progress)
    return summary
