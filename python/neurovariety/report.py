"""HTML reports of dimension sweeps, and ``reproduce``: the paper's computations end to end.

:func:`write_report` turns a tidy results frame (see :mod:`neurovariety.analysis`) into a
directory readable offline::

    report/index.html        tables (checks, counterexamples, defective architectures) + plots
    report/summary.json      check name -> {rows, passed, failed, counterexamples, ...}
    report/checks/NAME.csv   every row each check covers, with its pass/fail column
    report/*.png             the plots, referenced relatively from index.html

:func:`reproduce` runs the paper's computational results on embedded defaults (a dimension sweep
over a grid covering the paper's conjecture check, the checks, Example 4.4 and the (2,2,3)
learning experiment) and writes the report; rerunning it in the same directory resumes.

>>> import tempfile, pandas as pd
>>> from neurovariety.analysis import tidy_results
>>> raw = pd.DataFrame({"h": [2, 2], "exponent": [2, 2], "architecture": ["[3, 2, 1]", "[2, 2, 2]"],
...     "num_parameters": [8, 8], "dimension_computed": [5, 6], "ambient_dimension": [6, 6]})
>>> summary = write_report(tidy_results(raw), tempfile.mkdtemp())
>>> summary["nonincreasing_dl1"]["counterexamples"]
[{'widths': [3, 2, 1], 'r': 2, 'expected': 6, 'dimension': 5}]
"""

from __future__ import annotations

import datetime as _dt
import html
import itertools
import json
import math
import multiprocessing
import os
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, Union

import numpy as np
import pandas as pd

from neurovariety import analysis
from neurovariety.analysis import CheckResult
from neurovariety.architecture import Architecture

__all__ = [
    "Section",
    "write_report",
    "default_grid",
    "reproduce",
    "STEPS",
]

PathLike = Union[str, os.PathLike]

#: Bumped when a cached step result (``example_4_4.json``, ``learning.json``) changes layout.
_STEP_FORMAT = 1

#: Optional steps of :func:`reproduce`: step -> (title, ``"module.function"`` run in a child process).
OPTIONAL_STEPS = {
    "example_4_4": ("Example 4.4: equations of V_(3,3,3),2", "neurovariety.report.example_4_4"),
    "learning": ("Learning experiment: (2,2,3), r = 2", "neurovariety.report.learning_2_2_3"),
}

#: Steps of :func:`reproduce`, in order.
STEPS = ("sweep", "checks", "example_4_4", "learning")


@dataclass
class Section:
    """An extra section of the report. ``status``: ``ok``, ``skipped``, ``failed`` or ``info``;
    ``body`` is trusted HTML (escape user text with :func:`html.escape`)."""

    title: str
    status: str
    body: str
    anchor: str = ""


# --------------------------------------------------------------------------------------------
# HTML helpers
# --------------------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1100px;
color:#222;padding:0 1em;line-height:1.45}
h1{border-bottom:2px solid #444}h2{margin-top:2em;border-bottom:1px solid #bbb}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f0f0f0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#17692b;font-weight:600}.fail{color:#b00020;font-weight:700}
.known{color:#a05a00;font-weight:600}.na{color:#777}
.status-ok{color:#17692b}.status-skipped,.status-info{color:#777}.status-failed{color:#b00020}
figure{display:inline-block;margin:.5em;vertical-align:top}figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.85em;color:#555;max-width:620px}
pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.85em}
nav a{margin-right:1em}.muted{color:#666;font-size:.9em}
"""


def _esc(x: object) -> str:
    return html.escape(str(x), quote=True)


def _fmt_cell(v: object) -> object:
    if isinstance(v, tuple):
        return "(" + ", ".join(map(str, v)) + ")"
    return v


def _table_html(df: pd.DataFrame, *, css_class: str = "", table_id: str = "", max_rows: int = 200) -> str:
    """A plain HTML table (escaped); only the first ``max_rows`` rows, with a note when cut."""
    shown = df.head(max_rows).copy()
    for c in shown.columns:
        if shown[c].dtype == object:
            shown[c] = shown[c].map(_fmt_cell)
    attrs = ""
    if table_id:
        attrs += f' id="{_esc(table_id)}"'
    if css_class:
        attrs += f' class="{_esc(css_class)}"'
    head = "".join(f"<th>{_esc(c)}</th>" for c in shown.columns)
    rows = []
    for rec in shown.itertuples(index=False):
        cells = []
        for v in rec:
            if isinstance(v, float) and math.isnan(v):
                cells.append("<td></td>")
            elif isinstance(v, float):
                cells.append(f'<td class="num">{v:.4g}</td>')
            elif isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
                cells.append(f'<td class="num">{v}</td>')
            else:
                cells.append(f"<td>{_esc('' if v is pd.NA else v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    out = f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    if len(df) > max_rows:
        out += f'<p class="muted">showing {max_rows} of {len(df)} rows</p>'
    return out


def _status(res: CheckResult) -> tuple[str, str]:
    if not res.rows:
        return "no rows", "na"
    if res.ok:
        return "pass", "pass"
    if not res.expected_to_hold:
        return "known counterexamples", "known"
    return "FAIL", "fail"


def _overview(df: pd.DataFrame) -> pd.DataFrame:
    r_values = sorted({analysis._r_key(r) for r in df["r"]}, key=lambda s: (len(s), s))
    facts = [
        ("rows", len(df)),
        ("distinct architectures", df[["widths", "r_layers"]].astype(str).drop_duplicates().shape[0]),
        ("depth L", f"{df['depth'].min()}..{df['depth'].max()}" if len(df) else ""),
        ("d0", f"{df['d0'].min()}..{df['d0'].max()}" if len(df) else ""),
        ("dL", f"{df['dL'].min()}..{df['dL'].max()}" if len(df) else ""),
        ("r", ", ".join(r_values)),
        ("defective rows (defect > 0)", int((df["defect"] > 0).sum())),
        ("filling rows (dimension = ambient)", int(df["filling"].sum())),
        ("certified rows", int(df["certified"].fillna(False).sum()) if "certified" in df else 0),
        ("rows with unknown certification", int(df["certified"].isna().sum()) if "certified" in df else len(df)),
        ("rows dropped (no dimension)", int(df.attrs.get("dropped", 0))),
    ]
    return pd.DataFrame(facts, columns=["fact", "value"])


# --------------------------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------------------------
def write_report(
    df: pd.DataFrame,
    out: PathLike,
    *,
    title: str = "neurovariety report",
    checks: Union[dict[str, CheckResult], None] = None,
    sections: Sequence[Section] = (),
    max_rows: int = 200,
    sources: Sequence[str] = (),
) -> dict[str, dict]:
    """Write ``index.html``, ``summary.json``, ``checks/*.csv`` and the PNG plots into ``out``.

    ``checks`` defaults to :func:`neurovariety.analysis.run_checks` on ``df``. Returns the
    summary written to ``summary.json`` (check name -> ``{rows, passed, failed,
    counterexamples, ...}``).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "checks").mkdir(exist_ok=True)
    if checks is None:
        checks = analysis.run_checks(df)

    summary = {name: res.to_dict() for name, res in checks.items()}
    tmp = out / "summary.json.tmp"
    tmp.write_text(json.dumps(summary, indent=2, default=_json_default))
    tmp.replace(out / "summary.json")  # never leave a half-written summary behind

    for name, res in checks.items():
        table = res.table.drop(columns=["r_layers"], errors="ignore").copy()
        for c in ("widths", "r"):
            if c in table:
                table[c] = table[c].map(lambda v: "[" + ", ".join(map(str, v)) + "]" if isinstance(v, tuple) else v)
        table.to_csv(out / "checks" / f"{name}.csv", index=False)

    figures: list[tuple[str, str]] = []  # (file name, caption)
    for p in analysis.plot_defect_heatmaps(df, out):
        r_label = p.stem.split("_r")[-1].replace("-", ",")
        figures.append((p.name, f"Defect of shallow architectures (d0, d1, dL), r = {r_label}, one panel per dL; "
                                "grey: not computed."))
    if len(df):
        p = analysis.plot_dimension_vs_expected(df, out / "dimension_vs_expected.png")
        figures.append((p.name, "Computed vs expected dimension; points below the diagonal are defective."))
    p = analysis.plot_time_vs_weights(df, out / "time_vs_weights.png")
    if p is not None:
        figures.append((p.name, "Computing time against the number of weights (log–log), by depth."))
    p = analysis.plot_filling_frontier(df, out / "filling_frontier.png")
    if p is not None:
        figures.append((p.name, "Filling frontier: for each depth, the fewest free parameters (N − Σ hidden) "
                                "of a filling architecture against the ambient dimension."))

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_esc(title)}</h1>",
        f'<p class="muted">Generated {_esc(_dt.datetime.now().isoformat(timespec="seconds"))} by neurovariety'
        + (f" from {_esc(', '.join(sources))}" if sources else "") + ".</p>",
        '<nav><a href="#overview">Overview</a><a href="#checks">Checks</a><a href="#plots">Plots</a>'
        '<a href="#defective">Defective architectures</a>'
        + "".join(f'<a href="#{_esc(s.anchor or _anchor(s.title))}">{_esc(s.title)}</a>' for s in sections)
        + "</nav>",
        '<section id="overview"><h2>Overview</h2>',
        _table_html(_overview(df), table_id="overview-table"),
        "</section>",
        '<section id="checks"><h2>Checks</h2>',
        '<p>Each check covers the rows in its scope; a failing row is a finding (a counterexample or '
        'a wrong computation). <code>summary.json</code> holds the same numbers.</p>',
    ]
    rows = []
    for name, res in checks.items():
        label, _cls = _status(res)
        rows.append({"check": name, "title": res.title, "rows": res.rows, "passed": res.passed,
                     "failed": res.failed, "status": label})
    summary_df = pd.DataFrame(rows, columns=["check", "title", "rows", "passed", "failed", "status"])
    parts.append(_table_html(summary_df, table_id="checks-summary", max_rows=len(summary_df) + 1))
    for name, res in checks.items():
        label, cls = _status(res)
        parts.append(
            f'<section class="check" id="check-{_esc(name)}" data-check="{_esc(name)}" data-rows="{res.rows}" '
            f'data-passed="{res.passed}" data-failed="{res.failed}">'
            f'<h3>{_esc(res.title)} <code>{_esc(name)}</code> — <span class="{cls}">{_esc(label)}</span></h3>'
            f"<p>{_esc(res.description)}</p><p><code>{_esc(res.summary)}</code> "
            f'(<a href="checks/{_esc(name)}.csv">all covered rows as CSV</a>)</p>'
        )
        if res.failed:
            parts.append(f"<p>{'Known counterexamples' if not res.expected_to_hold else 'Counterexamples'}:</p>")
            parts.append(_table_html(res.display_table(res.counterexamples), css_class="counterexamples",
                                     max_rows=max_rows if res.expected_to_hold else min(max_rows, 50)))
        parts.append("</section>")
    parts.append("</section>")

    parts.append('<section id="plots"><h2>Plots</h2>')
    if not figures:
        parts.append("<p>No data to plot.</p>")
    for name, caption in figures:
        parts.append(f'<figure><img src="{_esc(name)}" alt="{_esc(caption)}"><figcaption>{_esc(caption)}'
                     "</figcaption></figure>")
    parts.append("</section>")

    defective = df[df["defect"] > 0].sort_values(["depth", "d0", "dL"], kind="stable")
    cols = [c for c in ["widths", "r", "ambient", "expected", "dimension", "defect", "certified", "seconds"]
            if c in defective.columns]
    parts.append('<section id="defective"><h2>Defective architectures</h2>')
    parts.append(f"<p>{len(defective)} of {len(df)} rows have a positive defect.</p>")
    # Beyond every check: defective although no width is 1 and there are several outputs (the
    # conjecture's dL > 1) -- e.g. secant varieties of Segre–Veronese varieties for depth 2.
    nonlinear = defective["r_layers"].map(lambda rs: any(x != 1 for x in rs))
    notable = defective[nonlinear & (defective["dL"] > 1) & defective["widths"].map(lambda w: min(w) >= 2)].copy()
    if len(notable):
        split = checks.get("splitting_bound")
        if split is not None and split.rows:
            bounds = {(w, rs): b for w, rs, b in zip(split.table["widths"], split.table["r_layers"], split.table["bound"])}
            notable["splitting_bound"] = [bounds.get((w, rs), float("nan"))
                                          for w, rs in zip(notable["widths"], notable["r_layers"])]
        ncols = cols + [c for c in ("splitting_bound",) if c in notable.columns]
        parts.append(f"<p>{len(notable)} of them are non-linear with dL &gt; 1 and no width 1: outside the "
                     "non-increasing conjecture, so not counterexamples, but findings worth a look (where the "
                     "splitting bound equals the dimension, a narrow hidden layer explains the defect):</p>")
        parts.append(_table_html(notable[ncols], table_id="notable-defective-table", max_rows=max_rows))
        parts.append("<p>All defective rows:</p>")
    if len(defective):
        parts.append(_table_html(defective[cols], table_id="defective-table", max_rows=max_rows))
    parts.append("</section>")

    for s in sections:
        parts.append(f'<section id="{_esc(s.anchor or _anchor(s.title))}" class="extra" data-status="{_esc(s.status)}">'
                     f'<h2>{_esc(s.title)} <small class="status-{_esc(s.status)}">[{_esc(s.status)}]</small></h2>'
                     f"{s.body}</section>")
    parts.append("</body></html>")
    tmp = out / "index.html.tmp"
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(out / "index.html")
    return summary


def _anchor(title: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, (set, tuple)):
        return list(o)
    return str(o)


# --------------------------------------------------------------------------------------------
# reproduce: the paper's computations end to end
# --------------------------------------------------------------------------------------------
def _nonincreasing_tuples(length: int, top: int, bottom: int = 1) -> Iterable[tuple[int, ...]]:
    """All non-increasing tuples of ``length`` entries in ``bottom..top``."""
    if length == 0:
        yield ()
        return
    for first in range(top, bottom - 1, -1):
        for rest in _nonincreasing_tuples(length - 1, first, bottom):
            yield (first,) + rest


def default_grid(*, quick: bool = False) -> list[Architecture]:
    """The architectures swept by :func:`reproduce`, in a deterministic order (about 9,000).

    Covers the paper's conjecture check and the theorems the checks test:

    * shallow ``(d0, d1, dL)``: ``d0`` 2..8, ``d1`` 1..10, ``dL`` 1..5, ``r`` 2..4 (defect
      heatmaps, the conjecture at depth 2), and non-increasing ones up to ``d0 = 12``;
    * single output ``(d0, d1, 1)``, ``d0`` 2..6, ``r`` 2..5, ``d1`` up to 3 past the filling
      width, for Alexander–Hirschowitz — including the four sporadic cases (3,5,1), (4,9,1),
      (5,14,1) with r = 4 and (5,7,1) with r = 3;
    * every non-increasing width vector of depth 3 (``d0 <= 10``), 4 (``d0 <= 8``), 5
      (``d0 <= 6``) and 6 (``d0 <= 4``), r = 2..4: the conjecture (``dL > 1``) and its ``dL = 1``
      failures;
    * all depth-3 widths in 1..4 (r = 2, 3) and depth-4 widths in 1..3 (r = 2), equi-width
      ``(d,)*(L+1)`` for d 2..8, L 2..5, r 2..4, linear networks (r = 1) of depth 2 and 3 with
      widths 1..3, and the SPEC's named examples;
    * closed under the splitting bound: every sub-architecture ``(d0..dk)``, ``(dk..dL)`` of depth
      >= 2 of an entry is in the grid, so ``splitting_bound`` covers the deep rows.

    ``quick=True`` gives a small subset (about 30, seconds) for tests and smoke runs.

    >>> len(default_grid(quick=True)) < len(default_grid())
    True
    """
    archs: list[Architecture] = []

    def add(widths: Sequence[int], r: int) -> None:
        archs.append(Architecture(tuple(widths), r))

    if quick:
        for d0 in (2, 3):
            for d1 in (1, 2, 3, 4):
                for dl in (1, 2):
                    add((d0, d1, dl), 2)
        for w in ((3, 2, 2, 1), (3, 3, 2, 2), (2, 1, 2, 1), (3, 3, 3, 3), (2, 2, 2, 1)):
            add(w, 2)
        add((3, 5, 1), 4)
        add((3, 2, 4), 1)
        add((2, 3, 2, 2), 1)
    else:
        for w, r in (((2, 2, 3), 2), ((3, 3, 3), 2), ((2, 1, 2, 1), 2), ((2, 2, 2, 1), 2),
                     ((2, 3, 3, 2, 1), 2), ((3, 2, 1), 2), ((6, 6, 1), 2)):
            add(w, r)
        for r in (2, 3, 4):
            for d0 in range(2, 9):
                for d1 in range(1, 11):
                    for dl in range(1, 6):
                        add((d0, d1, dl), r)
        for r in (2, 3, 4, 5):
            for d0 in range(2, 7):
                filling_width = -(-math.comb(d0 + r - 1, r) // d0)
                for d1 in range(1, filling_width + 4):
                    add((d0, d1, 1), r)
        for length, top in ((3, 12), (4, 10), (5, 8), (6, 6), (7, 4)):
            for w in _nonincreasing_tuples(length, top):
                if w[0] >= 2:
                    for r in (2, 3, 4):
                        add(w, r)
        for w in itertools.product(range(2, 5), range(1, 5), range(1, 5), range(1, 5)):
            for r in (2, 3):
                add(w, r)
        for w in itertools.product(range(2, 4), range(1, 4), range(1, 4), range(1, 4), range(1, 4)):
            add(w, 2)
        for d in range(2, 9):
            for depth in (2, 3, 4, 5):
                for r in (2, 3, 4):
                    add((d,) * (depth + 1), r)
        for w in itertools.chain(itertools.product(range(1, 4), repeat=3), itertools.product(range(1, 4), repeat=4)):
            add(w, 1)
    # Closure under splitting: the parts of depth >= 2 (single layers need no computation).
    seen: set[tuple] = set()
    unique: list[Architecture] = []
    queue = list(archs)
    while queue:
        a = queue.pop()  # the final order is set by the sort below
        key = (a.widths, a.r)
        if key in seen:
            continue
        seen.add(key)
        unique.append(a)
        for k in range(1, a.depth):
            for part in a.split(k):
                if part.depth >= 2 and (part.widths, part.r) not in seen:
                    queue.append(part)
    # Deterministic, readable order: by depth, r, widths.
    unique.sort(key=lambda a: (a.depth, a.r, a.widths))
    return unique


def _log(msg: str) -> None:
    # tqdm.write keeps progress bars intact when they are on screen.
    try:
        from tqdm import tqdm

        tqdm.write(msg, file=sys.stderr)
    except Exception:  # pragma: no cover - tqdm is a dependency
        print(msg, file=sys.stderr)


def _child_main(target: str, kwargs: dict, result_path: str) -> None:
    """Entry point of an isolated optional step (spawned process): run, write JSON."""
    import importlib

    module, _, func = target.rpartition(".")
    try:
        value = getattr(importlib.import_module(module), func)(**kwargs)
        payload = {"status": "ok", "result": value}
    except ModuleNotFoundError as exc:
        payload = {"status": "skipped", "note": f"module not available: {exc.name}"}
    except Exception as exc:  # the step's failure is reported, not raised
        payload = {"status": "failed", "note": f"{type(exc).__name__}: {exc}",
                   "traceback": traceback.format_exc()}
    Path(result_path).write_text(json.dumps(payload, default=_json_default))


def _run_isolated(target: str, kwargs: dict, timeout: float, result_path: Path) -> dict:
    """Run ``target(**kwargs)`` in a fresh process, killed after ``timeout`` seconds."""
    ctx = multiprocessing.get_context("spawn")  # no fork: the parent may hold threads
    tmp = result_path.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    proc = ctx.Process(target=_child_main, args=(target, kwargs, str(tmp)), daemon=True)
    start = time.perf_counter()
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
        payload = {"status": "failed", "note": f"timed out after {timeout:g} s"}
    elif tmp.exists():
        payload = json.loads(tmp.read_text())
        tmp.unlink()
    else:
        payload = {"status": "failed", "note": f"process died (exit code {proc.exitcode})"}
    payload["seconds"] = round(time.perf_counter() - start, 3)
    return payload


def example_4_4(max_degree: int = 4, seed: int = 0, progress: bool = False) -> dict:
    """Example 4.4 of the paper: V_{(3,3,3),2} ⊂ P^5×P^5×P^5 has codimension 3, no forms of
    multidegree (1,1,1), and generators in total degree 4. Returns a JSON-ready summary.

    >>> example_4_4()["multidegree_111_forms"]  # doctest: +SKIP
    0
    """
    import neurovariety as nv
    from neurovariety.equations import vanishing_ideal

    d = nv.dimension((3, 3, 3), 2, seed=seed)
    projective = int(d.dimension) - 3  # V is a multi-cone: one scaling per output
    out: dict[str, Any] = {
        "widths": [3, 3, 3], "r": 2,
        "affine_dimension": int(d.dimension), "dimension_certified": bool(d.certified),
        "projective_dimension": projective, "codimension": 15 - projective,
    }
    # Generators mode: every part of total degree <= max_degree, minimal generators kept.
    res = vanishing_ideal((3, 3, 3), 2, max_degree=max_degree, seed=seed, progress=progress)
    out["max_degree"] = max_degree
    out["multidegree_111_forms"] = int(res.part_dimensions.get((1, 1, 1), -1))
    out["generators_by_degree"] = {str(k): int(v) for k, v in res.counts.items()}
    out["generators_by_multidegree"] = {
        "(" + ",".join(map(str, k)) + ")": int(v) for k, v in sorted(res.multidegree_counts.items())}
    out["verified"] = bool(res.verified)
    out["statement"] = res.statement
    out["seconds"] = round(float(res.seconds), 3)
    out["generators"] = res.to_dict()["generators"]
    return out


def learning_2_2_3(runs: int = 300, seed: int = 0, datasets: int = 500, trained_datasets: int = 20,
                   out_dir: Union[str, None] = None, progress: bool = False) -> dict:
    """The paper's §6.1 experiment on (2,2,3), r = 2 (learning degree 3).

    Trains ``runs`` networks from random initialisations on one generic data set (10 Gaussian
    points, ``seed``) and counts the distinct learned functions against the three closed-form
    critical points; then, over ``datasets`` random data sets, the fraction whose minimiser on V is
    realised by real weights, and for ``trained_datasets`` of them (20 runs each) what the runs do.
    PNGs go to ``out_dir`` when given. Returns a JSON-ready summary.
    """
    import neurovariety.learning as lr

    arch = ((2, 2, 3), 2)
    X, Y = lr.make_data(*arch, n=10, seed=seed)
    trained = lr.train(*arch, X, Y, runs=runs, seed=seed, progress=progress)
    learned = lr.count_learned_functions(trained)
    out: dict[str, Any] = {"widths": [2, 2, 3], "r": 2, "runs": runs, "data_seed": seed,
                           "experiment": learned.summary()}
    # The learning degree of the same data by monodromy: how many critical points training could find.
    from neurovariety.critical import learning_degree

    crit = learning_degree(*arch, data=(X, Y), seed=seed, progress=False)
    out["learning_degree"] = {**crit.summary(), "statement": crit.statement}
    out["learned_of_critical"] = lr.count_learned_functions(
        trained, critical_points=crit.coefficient_matrices()).describe()
    realisable = lr.sweep_datasets(*arch, datasets=datasets, runs=0, seed=seed, progress=False)
    out["datasets"] = realisable.summary()
    outcomes = lr.sweep_datasets(*arch, datasets=trained_datasets, runs=20, seed=seed + 1, progress=progress)
    out["outcomes_by_minimiser"] = outcomes.summary().get("outcomes_by_minimiser")
    if out_dir is not None:
        out["plots"] = [lr.plot_functions(learned, Path(out_dir) / "learning_functions.png").name,
                        lr.plot_sweep(outcomes, Path(out_dir) / "learning_outcomes.png").name]
    return out


def _learning_dict(res: Any) -> Any:
    if isinstance(res, (dict, list, str, int, float)) or res is None:
        return res
    for name in ("to_dict", "as_dict", "summary"):
        if hasattr(res, name):
            v = getattr(res, name)
            v = v() if callable(v) else v
            return json.loads(v) if isinstance(v, str) else v
    if isinstance(res, pd.DataFrame):
        return res.to_dict(orient="records")
    return str(res)


def _section_from_step(title: str, payload: dict, render: Callable[[Any], str]) -> Section:
    status = payload.get("status", "failed")
    body = []
    if payload.get("note"):
        body.append(f"<p>{_esc(payload['note'])}</p>")
    if status == "ok":
        try:
            body.append(render(payload.get("result")))
        except Exception as exc:  # a rendering problem must not lose the report
            body.append(f"<p>could not render the result: {_esc(exc)}</p>")
        raw = json.dumps(payload.get("result"), indent=1, default=_json_default)
        if len(raw) > 20000:
            raw = raw[:20000] + "\n... (truncated; the full result is in the step's JSON file)"
        body.append(f"<details><summary>raw result (JSON)</summary><pre>{_esc(raw)}</pre></details>")
    if payload.get("seconds") is not None:
        body.append(f'<p class="muted">{payload["seconds"]:.1f} s</p>')
    return Section(title, status, "".join(body))


def _render_example_4_4(res: dict) -> str:
    rows = [
        ("affine dimension of V (certified)" if res.get("dimension_certified") else "affine dimension of V",
         res.get("affine_dimension", "?")),
        ("dimension in P^5×P^5×P^5", res.get("projective_dimension", "?")),
        ("codimension (paper: 3)", res.get("codimension", "?")),
        ("forms of multidegree (1,1,1) vanishing on V (paper: none)", res.get("multidegree_111_forms", "?")),
    ]
    for deg, n in (res.get("generators_by_degree") or {}).items():
        rows.append((f"minimal generators of total degree {deg}", n))
    for md, n in (res.get("generators_by_multidegree") or {}).items():
        rows.append((f"  of multidegree {md}", n))
    rows.append(("all exactly verified", res.get("verified", "?")))
    body = _table_html(pd.DataFrame(rows, columns=["quantity", "value"]), table_id="example-4-4")
    body += (f"<p>Generators of total degree ≤ {_esc(res.get('max_degree', '?'))}; the paper states the "
             "ideal is generated in degree 4.</p>")
    if res.get("statement"):
        body += f'<p class="muted">{_esc(res["statement"])}</p>'
    gens = res.get("generators") or []
    if gens:
        shown = "\n".join(f"[{g.get('multidegree', g.get('degree'))}] {g.get('polynomial')}" for g in gens[:3])
        body += (f"<details><summary>first generators ({len(gens)} in all; coordinates c_output_monomial)"
                 f"</summary><pre>{_esc(shown)}</pre></details>")
    return body


def _render_learning(res: dict) -> str:
    exp = res.get("experiment") or {}
    keys = ["description", "runs", "converged", "distinct_functions", "singular_functions", "boundary_runs",
            "unconverged_runs", "critical_points_known", "minimum_in_neuromanifold"]
    rows = [(k, exp[k]) for k in keys if k in exp]
    body = (f"<p>Training from {_esc(res.get('runs'))} random initialisations on one generic data set "
            f"(10 Gaussian points, seed {_esc(res.get('data_seed'))}); learned functions grouped by "
            "coefficients. The learning degree of (2,2,3), r = 2 is 3.</p>")
    ld = res.get("learning_degree") or {}
    if ld:
        body += (f"<p>Monodromy on the same data: learning degree <b>{_esc(ld.get('count'))}</b> "
                 f"({_esc(ld.get('real'))} real; {_esc(ld.get('statement'))}). "
                 f"Training {_esc(res.get('learned_of_critical'))}.</p>")
    body += _table_html(pd.DataFrame(rows, columns=["quantity", "value"]), table_id="learning-summary")
    cps = exp.get("critical_points")
    if isinstance(cps, list) and cps:
        t = pd.DataFrame([{k: cp.get(k) for k in ("kind", "loss", "in_neuromanifold", "learned_count")} for cp in cps])
        body += "<p>Closed-form critical points of the loss on V:</p>" + _table_html(t, table_id="learning-critical-points")
    funcs = exp.get("functions")
    if isinstance(funcs, list) and funcs:
        t = pd.DataFrame([{k: f.get(k) for k in ("count", "loss", "kind", "jacobian_rank", "critical_point")}
                          for f in funcs])
        body += "<p>Learned functions:</p>" + _table_html(t, table_id="learning-functions", max_rows=50)
    ds = res.get("datasets") or {}
    if ds:
        lo, hi = (ds.get("realisable_interval_95") or (float("nan"), float("nan")))[:2]
        body += (f"<p>Over {_esc(ds.get('datasets'))} random data sets the minimiser on V is realised by real "
                 f"weights for a fraction <b>{float(ds.get('fraction_realisable', float('nan'))):.3f}</b> "
                 f"(95% interval {float(lo):.3f}–{float(hi):.3f}; SPEC: about 0.57). Otherwise training "
                 "drives the weights to infinity and the function to the boundary of the neuromanifold.</p>")
    obm = res.get("outcomes_by_minimiser")
    if isinstance(obm, dict) and obm:
        t = pd.DataFrame.from_dict(obm, orient="index")
        t.insert(0, "minimiser", t.index)
        body += "<p>Run outcomes (20 runs per data set) by whether the minimiser is realisable:</p>"
        body += _table_html(t.reset_index(drop=True), table_id="learning-outcomes")
    for name in res.get("plots") or []:
        body += f'<figure><img src="{_esc(name)}" alt="{_esc(name)}"><figcaption>{_esc(name)}</figcaption></figure>'
    return body


def _run_sweep_step(archs: list[Architecture], out: Path, *, timeout: float, jobs: int,
                    progress: bool) -> Section:
    try:
        from neurovariety.sweep import run_sweep
    except ModuleNotFoundError as exc:
        _log(f"[reproduce] sweep skipped: {exc}")
        return Section("Dimension sweep", "skipped", f"<p>neurovariety.sweep is not available ({_esc(exc)}).</p>")
    start = time.perf_counter()
    try:
        run_sweep(archs, timeout=timeout, jobs=jobs, out=out / "results.csv", timeouts=out / "timeout.csv",
                  errors=out / "errors.csv", resume=True, progress=progress)
    except Exception as exc:  # report what was computed so far; a rerun resumes (Ctrl-C still propagates)
        _log(f"[reproduce] sweep failed: {type(exc).__name__}: {exc}")
        return Section("Dimension sweep", "failed",
                       f"<p>The sweep stopped: {_esc(type(exc).__name__)}: {_esc(exc)}. The report uses the rows "
                       "written so far; rerun <code>neurovariety reproduce</code> with the same --out to resume.</p>")
    seconds = time.perf_counter() - start
    body = [f"<p>{len(archs)} architectures (the embedded grid, see <code>grid.txt</code>), "
            f"timeout {timeout:g} s each, {jobs} worker(s); this run took {seconds:.1f} s "
            "(architectures already in the CSVs are skipped on a rerun).</p>"]
    for name, label in (("timeout.csv", "Timed out"), ("errors.csv", "Errors")):
        p = out / name
        if p.exists() and p.stat().st_size:
            t = pd.read_csv(p)
            body.append(f"<p>{label}: {len(t)} architecture(s) (<a href=\"{name}\">{name}</a>).</p>")
            if len(t):
                body.append(_table_html(t, max_rows=50))
    return Section("Dimension sweep", "ok", "".join(body))


def reproduce(
    out: PathLike,
    *,
    timeout: float = 20.0,
    jobs: Union[int, None] = None,
    quick: bool = False,
    steps: Sequence[str] = STEPS,
    step_timeout: float = 120.0,
    learning_runs: int = 300,
    progress: bool = True,
) -> dict[str, dict]:
    """Reproduce the paper's computational results into ``out`` and write the report.

    Steps (``steps`` selects them): ``sweep`` (dimensions over :func:`default_grid`, per-architecture
    ``timeout``, ``jobs`` workers, CSVs ``results.csv``/``timeout.csv``/``errors.csv`` in ``out``,
    resumed on rerun), ``checks`` (all of :data:`neurovariety.analysis.CHECKS`), ``example_4_4``
    and ``learning`` (each in a child process killed after ``step_timeout`` s; skipped with a note
    when its module is missing or fails; a finished result is cached as JSON and reused).
    Returns the check summary (also in ``out/summary.json``).

    >>> import tempfile
    >>> s = reproduce(tempfile.mkdtemp(), quick=True, steps=("sweep", "checks"), progress=False)  # doctest: +SKIP
    >>> s["nonincreasing_dl1"]["failed"] >= 1  # doctest: +SKIP
    True
    """
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise ValueError(f"unknown step(s) {unknown}; available: {', '.join(STEPS)}")
    if timeout <= 0 or step_timeout <= 0:
        raise ValueError("timeouts must be positive")
    jobs = jobs or os.cpu_count() or 1
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sections: list[Section] = []
    archs = default_grid(quick=quick)
    (out / "grid.txt").write_text("".join(f"{','.join(map(str, a.widths))} {a.r_label}\n" for a in archs))

    plan = [s for s in STEPS if s in steps]
    _log(f"[reproduce] output directory {out}; steps: {', '.join(plan)}")
    if "sweep" in plan:
        _log(f"[reproduce] step 1: dimension sweep of {len(archs)} architectures (timeout {timeout:g} s, {jobs} jobs)")
        sections.append(_run_sweep_step(archs, out, timeout=timeout, jobs=jobs, progress=progress))

    # step -> (settings that identify a cached result, run-time-only arguments)
    step_args = {
        "example_4_4": ({"max_degree": 4, "seed": 0}, {"progress": progress}),
        "learning": ({"runs": learning_runs, "seed": 0}, {"out_dir": str(out), "progress": progress}),
    }
    for step in ("example_4_4", "learning"):
        if step not in plan:
            continue
        title, target = OPTIONAL_STEPS[step]
        render = _render_example_4_4 if step == "example_4_4" else _render_learning
        kwargs, runtime = step_args[step]
        identity = {**kwargs, "format": _STEP_FORMAT}
        cache = out / f"{step}.json"
        payload = None
        if cache.exists():
            try:
                payload = json.loads(cache.read_text())
                plots = (payload.get("result") or {}).get("plots") or []
                if (payload.get("status") != "ok" or payload.get("kwargs") != identity
                        or not all((out / p).exists() for p in plots)):
                    payload = None  # retry failures, changed settings and lost plots
            except (OSError, json.JSONDecodeError, AttributeError):
                payload = None
        if payload is None:
            _log(f"[reproduce] step: {title} (at most {step_timeout:g} s)")
            payload = _run_isolated(target, {**kwargs, **runtime}, step_timeout, cache)
            payload["kwargs"] = identity
            cache.write_text(json.dumps(payload, indent=2, default=_json_default))
        else:
            _log(f"[reproduce] step: {title}: reusing {cache.name}")
        if payload["status"] != "ok":
            _log(f"[reproduce]   {payload['status']}: {payload.get('note', '')}")
        sections.append(_section_from_step(title, payload, render))

    results = out / "results.csv"
    if results.exists() and results.stat().st_size:
        df = analysis.load_results(results)
    else:
        df = analysis.tidy_results(pd.DataFrame(columns=list(analysis.RESULT_COLUMNS)))
        sections.insert(0, Section("No sweep results", "skipped", "<p>No results.csv: the sweep was skipped or "
                                                                  "produced nothing, so the checks have no rows.</p>"))
    checks = None
    if "checks" in plan:
        _log(f"[reproduce] step: checks on {len(df)} rows")
        checks = analysis.run_checks(df)
        for res in checks.values():
            _log("[reproduce]   " + res.summary)
            if res.failed and res.expected_to_hold:
                _log(res.report(10))
    else:
        checks = {}
    _log("[reproduce] writing the report")
    summary = write_report(df, out, title="neurovariety: reproducing Kubjas–Li–Wiesmann, Geometry of PNNs",
                           checks=checks, sections=sections, sources=[str(results)])
    _log(f"[reproduce] done: {out / 'index.html'}")
    return summary
