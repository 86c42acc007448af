"""The learning step of ``reproduce``: the experiment of §6.1 of Kubjas–Li–Wiesmann on (2,2,3), r = 2.

Three parts, with different sample sizes on purpose: many training runs on one generic data set
(how many distinct functions are learned, against the learning degree 3); many *untrained*
data sets (how often the minimiser on V is realised by real weights: cheap, so the estimate is
tight); and a few data sets trained many times each (what the runs do in either case: costly,
so the sample is small). The report says which number comes from which sample.

>>> caption = outcome_caption({"datasets": 20, "realisable": 12, "realisable_interval_95": [0.39, 0.78],
...     "runs_per_dataset": 20, "training": {"optimizer": "lm", "steps": 400, "tol": 1e-10}},
...     {"datasets": 500, "fraction_realisable": 0.55, "realisable_interval_95": [0.506, 0.593], "seed": 0})
>>> "12 of the 20" in caption and "overlap" in caption
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pandas as pd

from .. import learning as lr
from ..critical import learning_degree
from .html import esc, table_html
from .mathml import formula
from .steps import figures_html, kv_table

__all__ = ["learning_2_2_3", "render_learning", "outcome_caption"]

_ARCH = ((2, 2, 3), 2)


def _pct(x: Optional[float]) -> str:
    return "?" if x is None else f"{100 * x:.1f}%"


def outcome_caption(trained: dict[str, Any], many: dict[str, Any]) -> str:
    """Why the realisable fraction of the few trained data sets differs from that of the many untrained ones."""
    n, k = trained.get("datasets", 0), trained.get("realisable", 0)
    lo, hi = (trained.get("realisable_interval_95") or (None, None))[:2]
    mlo, mhi = (many.get("realisable_interval_95") or (None, None))[:2]
    t = trained.get("training") or {}
    overlap = None not in (lo, hi, mlo, mhi) and lo <= mhi and mlo <= hi  # type: ignore[operator]
    return (
        f"Outcomes of {trained.get('runs_per_dataset')} training runs on each of {n} data sets, split by whether the "
        f"minimiser of the loss on V is realised by real weights ({k} of the {n} data sets: {_pct(k / n if n else None)}, "
        f"95% Wilson interval {_pct(lo)}–{_pct(hi)}). Training: {t.get('optimizer')}, at most {t.get('steps')} steps, "
        f"gradient tolerance {t.get('tol')}. These {n} data sets are few because each is trained many times; the "
        f"fraction realisable is estimated from {many.get('datasets')} other, untrained data sets (seed "
        f"{many.get('seed')}): {_pct(many.get('fraction_realisable'))}, 95% interval {_pct(mlo)}–{_pct(mhi)}. "
        + ("The two intervals overlap: the small sample agrees with the large one within its uncertainty."
           if overlap else "The two intervals do not overlap: a rare draw of the small sample.")
    )


def _trained_sweep(datasets: int, runs: int, seed: int, progress: Optional[bool]) -> tuple[Any, dict[str, Any]]:
    sw = lr.sweep_datasets(*_ARCH, datasets=datasets, runs=runs, seed=seed, progress=progress)
    s = sw.summary()
    col = sw.table["minimum_in_neuromanifold"]
    info = {"datasets": datasets, "runs_per_dataset": runs, "seed": seed, "training": s["training"],
            "fractions": s["fractions"], "description": sw.describe_fractions(),
            "realisable": int(col[col.notna()].astype(bool).sum()), "fraction_realisable": s["fraction_realisable"],
            "realisable_interval_95": s["realisable_interval_95"], "outcomes_by_minimiser": s["outcomes_by_minimiser"]}
    return sw, info


def learning_2_2_3(runs: int = 300, seed: int = 0, datasets: int = 500, trained_datasets: int = 20,
                   runs_per_dataset: int = 20, out_dir: Optional[str] = None,
                   progress: Optional[bool] = False) -> dict[str, Any]:
    """The (2,2,3), r = 2 experiment: ``runs`` initialisations on one data set (10 Gaussian points,
    ``seed``), the realisable fraction over ``datasets`` untrained data sets, and the run outcomes
    on ``trained_datasets`` data sets (``runs_per_dataset`` runs each). Figures go to ``out_dir``."""
    X, Y = lr.make_data(*_ARCH, n=10, seed=seed)
    trained = lr.train(*_ARCH, X, Y, runs=runs, seed=seed, progress=progress)
    learned = lr.count_learned_functions(trained)
    out: dict[str, Any] = {"widths": [2, 2, 3], "r": 2, "runs": runs, "data_seed": seed, "experiment": learned.summary(),
                           "training": {"optimizer": trained.optimizer, "steps": trained.steps, "tol": trained.tol}}
    # The learning degree of the same data by monodromy: how many critical points training could find.
    crit = learning_degree(*_ARCH, data=(X, Y), seed=seed, progress=False)
    out["learning_degree"] = {**crit.summary(), "statement": crit.statement}
    out["learned_of_critical"] = lr.count_learned_functions(trained, critical_points=crit.coefficient_matrices()).describe()
    out["datasets"] = lr.sweep_datasets(*_ARCH, datasets=datasets, runs=0, seed=seed, progress=False).summary()
    sweep, out["trained_datasets"] = _trained_sweep(trained_datasets, runs_per_dataset, seed + 1, progress)
    out["outcomes_by_minimiser"] = out["trained_datasets"]["outcomes_by_minimiser"]
    if out_dir is not None:
        d = Path(out_dir)
        for suffix in ("png", "svg"):
            lr.plot_functions(learned, d / f"learning_functions.{suffix}")
            lr.plot_sweep(sweep, d / f"learning_outcomes.{suffix}")
        out["figures"] = [
            {"png": "learning_functions.png", "svg": "learning_functions.svg", "caption": (
                f"The functions learned by {runs} runs on one generic data set (10 Gaussian points, seed {seed}), "
                f"grouped by their coefficients, with the loss of each: {learned.describe()}.")},
            {"png": "learning_outcomes.png", "svg": "learning_outcomes.svg",
             "caption": outcome_caption(out["trained_datasets"], out["datasets"])},
        ]
        out["plots"] = [f[k] for f in out["figures"] for k in ("png", "svg")]
    return out


def _learning_tables(exp: dict[str, Any]) -> str:
    body = ""
    cps = exp.get("critical_points")
    if isinstance(cps, list) and cps:
        t = pd.DataFrame([{k: cp.get(k) for k in ("kind", "loss", "in_neuromanifold", "learned_count")} for cp in cps])
        body += "<p>Closed-form critical points of the loss on V:</p>" + table_html(t, table_id="learning-critical-points")
    funcs = exp.get("functions")
    if isinstance(funcs, list) and funcs:
        t = pd.DataFrame([{k: f.get(k) for k in ("count", "loss", "kind", "jacobian_rank", "critical_point")} for f in funcs])
        body += "<p>Learned functions:</p>" + table_html(t, table_id="learning-functions")
    return body


def _fractions_html(trained: dict[str, Any]) -> str:
    fr = trained.get("fractions") or {}
    if not fr:
        return ""
    rows = []
    for key, d in fr.items():
        lo, hi = (d.get("wilson_95") or (None, None))[:2]
        rows.append({"fraction": key.replace("_", " "), "runs": d.get("runs"), "of": d.get("of"),
                     "value": _pct(d.get("fraction")), "95% Wilson interval": f"{_pct(lo)}–{_pct(hi)}",
                     "data sets": d.get("datasets"), "per data set (min–max)": "–".join(_pct(x) for x in d.get("per_dataset") or [])})
    return ("<p>Headline fractions of runs (pooled over the trained data sets; the intervals treat runs as independent, "
            f"the last column shows the spread between data sets): {esc(trained.get('description', ''))}.</p>"
            + table_html(pd.DataFrame(rows), table_id="learning-fractions"))


def render_learning(res: dict[str, Any]) -> str:
    """HTML of the learning-experiment step."""
    exp, t = res.get("experiment") or {}, res.get("training") or {}
    keys = ["description", "runs", "converged", "distinct_functions", "singular_functions", "boundary_runs",
            "unconverged_runs", "critical_points_known", "minimum_in_neuromanifold"]
    body = (f"<p>The squared loss depends on the network only through its coefficient matrix C:</p>"
            f'<div class="nv-math">{formula("loss")}</div>'
            f"<p>Training from {esc(res.get('runs'))} random initialisations on one generic data set (10 Gaussian points, "
            f"seed {esc(res.get('data_seed'))}; {esc(t.get('optimizer', '?'))}, at most {esc(t.get('steps', '?'))} steps, "
            f"gradient tolerance {esc(t.get('tol', '?'))}); learned functions grouped by coefficients.</p>")
    ld = res.get("learning_degree") or {}
    if ld:
        body += (f"<p>Monodromy on the same data: learning degree <b>{esc(ld.get('count'))}</b>, {esc(ld.get('real'))} of "
                 f"the critical points real. {esc(ld.get('statement'))} Training {esc(res.get('learned_of_critical'))}.</p>")
    body += kv_table([(k, exp[k]) for k in keys if k in exp], "learning-summary") + _learning_tables(exp)
    ds = res.get("datasets") or {}
    if ds:
        lo, hi = (ds.get("realisable_interval_95") or (None, None))[:2]
        body += (f"<p>Over {esc(ds.get('datasets'))} random data sets (no training: the minimiser on V is known in closed "
                 f"form) the minimiser is realised by real weights for <b>{_pct(ds.get('fraction_realisable'))}</b> of "
                 f"them (95% Wilson interval {_pct(lo)}–{_pct(hi)}). Otherwise training drives the weights to infinity "
                 "and the function to the boundary of the neuromanifold.</p>")
    trained = res.get("trained_datasets") or {}
    body += _fractions_html(trained)
    obm = res.get("outcomes_by_minimiser")
    if isinstance(obm, dict) and obm:
        frame = pd.DataFrame.from_dict(obm, orient="index")
        frame.insert(0, "minimiser", frame.index)
        body += (f"<p>Mean fraction of runs per outcome ({esc(trained.get('runs_per_dataset', '?'))} runs on each of "
                 f"{esc(trained.get('datasets', '?'))} data sets), by whether the minimiser is realisable:</p>")
        body += table_html(frame.reset_index(drop=True), table_id="learning-outcomes")
    return body + figures_html(res)
