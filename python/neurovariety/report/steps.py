"""The optional steps of ``reproduce``: Example 4.4 and the (2,2,3) learning experiment.

Each step is a module-level function returning a JSON-ready dict; :func:`run_step` runs one in a
child process killed at its timeout and turns the outcome into a payload
``{"status": "ok"|"failed"|"skipped", "result"|"note": ..., "seconds": ...}``.

>>> run_step("math.factorial", {"n": 4}, timeout=60)["result"]   # doctest: +SKIP
24
>>> run_step("neurovariety_no_such_module.f", {}, timeout=60)["status"]
'skipped'
"""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path
from typing import Any, Callable, Optional

import pandas as pd

from .. import learning as lr
from .._resources import exception_reason, run_isolated
from ..critical import learning_degree
from ..dimension import dimension
from ..equations import vanishing_ideal
from ..errors import ComputationTimeout
from .html import Section, esc, json_default, table_html

__all__ = ["example_4_4", "learning_2_2_3", "run_step", "section_from_step", "render_example_4_4", "render_learning"]


def run_step(target: str, kwargs: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run ``target`` (``"package.module.function"``) with ``kwargs`` in a killable child process."""
    module, _, func = target.rpartition(".")
    start = time.perf_counter()
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        payload: dict[str, Any] = {"status": "skipped", "note": f"module not available: {module.split('.')[0]}"}
    else:
        try:
            payload = {"status": "ok", "result": run_isolated(f"{module}:{func}", (), kwargs, timeout=timeout)}
        except ComputationTimeout:
            payload = {"status": "failed", "note": f"timed out after {timeout:g} s"}
        except Exception as exc:  # noqa: BLE001 - the step's failure is reported in the report, not raised
            payload = {"status": "failed", "note": exception_reason(exc)}
    payload["seconds"] = round(time.perf_counter() - start, 3)
    return payload


def example_4_4(max_degree: int = 4, seed: int = 0, progress: Optional[bool] = False) -> dict[str, Any]:
    """Example 4.4 of the paper: V_{(3,3,3),2} ⊂ P^5×P^5×P^5 has codimension 3, no forms of
    multidegree (1,1,1), and generators in total degree 4. Returns a JSON-ready summary."""
    d = dimension((3, 3, 3), 2, seed=seed)
    projective = int(d.dimension) - 3  # V is a multi-cone: one scaling per output
    res = vanishing_ideal((3, 3, 3), 2, max_degree=max_degree, seed=seed, progress=progress)
    return {
        "widths": [3, 3, 3], "r": 2,
        "affine_dimension": int(d.dimension), "dimension_certified": bool(d.certified),
        "projective_dimension": projective, "codimension": 15 - projective,
        "max_degree": max_degree,
        "multidegree_111_forms": int(res.part_dimensions.get((1, 1, 1), -1)),
        "generators_by_degree": {str(k): int(v) for k, v in res.counts.items()},
        "generators_by_multidegree": {"(" + ",".join(map(str, k)) + ")": int(v) for k, v in sorted(res.multidegree_counts.items())},
        "verified": bool(res.verified),
        "statement": res.statement,
        "seconds": round(float(res.seconds), 3),
        "generators": res.to_dict()["generators"],
    }


def learning_2_2_3(runs: int = 300, seed: int = 0, datasets: int = 500, trained_datasets: int = 20,
                   out_dir: Optional[str] = None, progress: Optional[bool] = False) -> dict[str, Any]:
    """The paper's §6.1 experiment on (2,2,3), r = 2 (learning degree 3).

    Trains ``runs`` networks from random initialisations on one generic data set (10 Gaussian
    points, ``seed``) and counts the distinct learned functions against the three closed-form
    critical points; then, over ``datasets`` random data sets, the fraction whose minimiser on V is
    realised by real weights, and for ``trained_datasets`` of them (20 runs each) what the runs do.
    PNGs go to ``out_dir`` when given. Returns a JSON-ready summary.
    """
    arch = ((2, 2, 3), 2)
    X, Y = lr.make_data(*arch, n=10, seed=seed)
    trained = lr.train(*arch, X, Y, runs=runs, seed=seed, progress=progress)
    learned = lr.count_learned_functions(trained)
    out: dict[str, Any] = {"widths": [2, 2, 3], "r": 2, "runs": runs, "data_seed": seed, "experiment": learned.summary()}
    # The learning degree of the same data by monodromy: how many critical points training could find.
    crit = learning_degree(*arch, data=(X, Y), seed=seed, progress=False)
    out["learning_degree"] = {**crit.summary(), "statement": crit.statement}
    out["learned_of_critical"] = lr.count_learned_functions(trained, critical_points=crit.coefficient_matrices()).describe()
    out["datasets"] = lr.sweep_datasets(*arch, datasets=datasets, runs=0, seed=seed, progress=False).summary()
    outcomes = lr.sweep_datasets(*arch, datasets=trained_datasets, runs=20, seed=seed + 1, progress=progress)
    out["outcomes_by_minimiser"] = outcomes.summary().get("outcomes_by_minimiser")
    if out_dir is not None:
        out["plots"] = [lr.plot_functions(learned, Path(out_dir) / "learning_functions.png").name,
                        lr.plot_sweep(outcomes, Path(out_dir) / "learning_outcomes.png").name]
    return out


def section_from_step(title: str, payload: dict[str, Any], render: Callable[[Any], str]) -> Section:
    """A report section for a step payload (rendered result, raw JSON, notes, timing)."""
    status = payload.get("status", "failed")
    body = [f"<p>{esc(payload['note'])}</p>"] if payload.get("note") else []
    if status == "ok":
        try:
            body.append(render(payload.get("result")))
        except Exception as exc:  # noqa: BLE001 - a rendering problem must not lose the report
            body.append(f"<p>could not render the result: {esc(exc)}</p>")
        raw = json.dumps(payload.get("result"), indent=1, default=json_default)
        if len(raw) > 20000:
            raw = raw[:20000] + "\n... (truncated; the full result is in the step's JSON file)"
        body.append(f"<details><summary>raw result (JSON)</summary><pre>{esc(raw)}</pre></details>")
    if payload.get("seconds") is not None:
        body.append(f'<p class="muted">{payload["seconds"]:.1f} s</p>')
    return Section(title, status, "".join(body))


def render_example_4_4(res: dict[str, Any]) -> str:
    """HTML of the Example 4.4 step."""
    rows = [
        ("affine dimension of V (certified)" if res.get("dimension_certified") else "affine dimension of V",
         res.get("affine_dimension", "?")),
        ("dimension in P^5×P^5×P^5", res.get("projective_dimension", "?")),
        ("codimension (paper: 3)", res.get("codimension", "?")),
        ("forms of multidegree (1,1,1) vanishing on V (paper: none)", res.get("multidegree_111_forms", "?")),
    ]
    rows += [(f"minimal generators of total degree {deg}", n) for deg, n in (res.get("generators_by_degree") or {}).items()]
    rows += [(f"  of multidegree {md}", n) for md, n in (res.get("generators_by_multidegree") or {}).items()]
    rows.append(("all exactly verified", res.get("verified", "?")))
    body = table_html(pd.DataFrame(rows, columns=["quantity", "value"]), table_id="example-4-4")
    body += (f"<p>Generators of total degree ≤ {esc(res.get('max_degree', '?'))}; the paper states the "
             "ideal is generated in degree 4.</p>")
    if res.get("statement"):
        body += f'<p class="muted">{esc(res["statement"])}</p>'
    gens = res.get("generators") or []
    if gens:
        shown = "\n".join(f"[{g.get('multidegree', g.get('degree'))}] {g.get('polynomial')}" for g in gens[:3])
        body += (f"<details><summary>first generators ({len(gens)} in all; coordinates c_output_monomial)"
                 f"</summary><pre>{esc(shown)}</pre></details>")
    return body


def _learning_tables(exp: dict[str, Any]) -> str:
    body = ""
    cps = exp.get("critical_points")
    if isinstance(cps, list) and cps:
        t = pd.DataFrame([{k: cp.get(k) for k in ("kind", "loss", "in_neuromanifold", "learned_count")} for cp in cps])
        body += "<p>Closed-form critical points of the loss on V:</p>" + table_html(t, table_id="learning-critical-points")
    funcs = exp.get("functions")
    if isinstance(funcs, list) and funcs:
        t = pd.DataFrame([{k: f.get(k) for k in ("count", "loss", "kind", "jacobian_rank", "critical_point")} for f in funcs])
        body += "<p>Learned functions:</p>" + table_html(t, table_id="learning-functions", max_rows=50)
    return body


def render_learning(res: dict[str, Any]) -> str:
    """HTML of the learning-experiment step."""
    exp = res.get("experiment") or {}
    keys = ["description", "runs", "converged", "distinct_functions", "singular_functions", "boundary_runs",
            "unconverged_runs", "critical_points_known", "minimum_in_neuromanifold"]
    body = (f"<p>Training from {esc(res.get('runs'))} random initialisations on one generic data set "
            f"(10 Gaussian points, seed {esc(res.get('data_seed'))}); learned functions grouped by "
            "coefficients. The learning degree of (2,2,3), r = 2 is 3.</p>")
    ld = res.get("learning_degree") or {}
    if ld:
        body += (f"<p>Monodromy on the same data: learning degree <b>{esc(ld.get('count'))}</b> "
                 f"({esc(ld.get('real'))} real; {esc(ld.get('statement'))}). Training {esc(res.get('learned_of_critical'))}.</p>")
    body += table_html(pd.DataFrame([(k, exp[k]) for k in keys if k in exp], columns=["quantity", "value"]),
                       table_id="learning-summary")
    body += _learning_tables(exp)
    ds = res.get("datasets") or {}
    if ds:
        lo, hi = (ds.get("realisable_interval_95") or (float("nan"), float("nan")))[:2]
        body += (f"<p>Over {esc(ds.get('datasets'))} random data sets the minimiser on V is realised by real "
                 f"weights for a fraction <b>{float(ds.get('fraction_realisable', float('nan'))):.3f}</b> "
                 f"(95% interval {float(lo):.3f}–{float(hi):.3f}). Otherwise training drives the weights to infinity "
                 "and the function to the boundary of the neuromanifold.</p>")
    obm = res.get("outcomes_by_minimiser")
    if isinstance(obm, dict) and obm:
        t = pd.DataFrame.from_dict(obm, orient="index")
        t.insert(0, "minimiser", t.index)
        body += "<p>Run outcomes (20 runs per data set) by whether the minimiser is realisable:</p>"
        body += table_html(t.reset_index(drop=True), table_id="learning-outcomes")
    for name in res.get("plots") or []:
        body += f'<figure><img src="{esc(name)}" alt="{esc(name)}"><figcaption>{esc(name)}</figcaption></figure>'
    return body
