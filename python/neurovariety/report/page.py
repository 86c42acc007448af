"""The report page: ``index.html``, ``summary.json``, ``checks/*.csv`` and the plots of a results frame.

:func:`write_report` turns a tidy results frame (see :mod:`neurovariety.analysis`) into a
directory readable offline::

    report/index.html        tables (checks, counterexamples, defective architectures) + plots
    report/summary.json      check name -> {rows, passed, failed, counterexamples, ...}
    report/checks/NAME.csv   every row each check covers, with its pass/fail column
    report/*.png             the plots, referenced relatively from index.html

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
import json
import os
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import pandas as pd

from ..analysis import (
    CheckResult,
    plot_defect_heatmaps,
    plot_dimension_vs_expected,
    plot_filling_frontier,
    plot_time_vs_weights,
    run_checks,
)
from .html import CSS, Section, anchor, esc, json_default, table_html

__all__ = ["write_report"]

PathLike = Union[str, os.PathLike]


def _r_text(r: object) -> str:
    return ",".join(map(str, r)) if isinstance(r, tuple) else str(r)


def _status(res: CheckResult) -> tuple[str, str]:
    if not res.rows:
        return "no rows", "na"
    if res.ok:
        return "pass", "pass"
    if not res.expected_to_hold:
        return "known counterexamples", "known"
    return "FAIL", "fail"


def _overview(df: pd.DataFrame) -> pd.DataFrame:
    r_values = sorted({_r_text(r) for r in df["r"]}, key=lambda s: (len(s), s))
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


def _write_atomic(path: Path, text: str) -> None:
    if path.is_symlink():
        raise OSError(f"refusing to write through the symbolic link {path}")
    tmp = path.with_name(path.name + ".tmp")
    if tmp.is_symlink():
        tmp.unlink()
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)  # never leave a half-written file behind


def _write_data(out: Path, checks: dict[str, CheckResult]) -> dict[str, Any]:
    summary = {name: res.to_dict() for name, res in checks.items()}
    _write_atomic(out / "summary.json", json.dumps(summary, indent=2, default=json_default))
    for name, res in checks.items():
        table = res.table.drop(columns=["r_layers"], errors="ignore").copy()
        for c in ("widths", "r"):
            if c in table:
                table[c] = table[c].map(lambda v: "[" + ", ".join(map(str, v)) + "]" if isinstance(v, tuple) else v)
        _write_atomic(out / "checks" / f"{name}.csv", table.to_csv(index=False))
    return summary


def _figures(df: pd.DataFrame, out: Path) -> list[tuple[str, str]]:
    figures: list[tuple[str, str]] = []  # (file name, caption)
    for p in plot_defect_heatmaps(df, out):
        r_label = p.stem.split("_r")[-1].replace("-", ",")
        figures.append((p.name, f"Defect of shallow architectures (d0, d1, dL), r = {r_label}, one panel per dL; "
                                "grey: not computed."))
    if len(df):
        p = plot_dimension_vs_expected(df, out / "dimension_vs_expected.png")
        figures.append((p.name, "Computed vs expected dimension; points below the diagonal are defective."))
    q = plot_time_vs_weights(df, out / "time_vs_weights.png")
    if q is not None:
        figures.append((q.name, "Computing time against the number of weights (log–log), by depth."))
    q = plot_filling_frontier(df, out / "filling_frontier.png")
    if q is not None:
        figures.append((q.name, "Filling frontier: for each depth, the fewest free parameters (N − Σ hidden) "
                                "of a filling architecture against the ambient dimension."))
    return figures


def _checks_html(checks: dict[str, CheckResult], max_rows: int) -> list[str]:
    parts = ['<section id="checks"><h2>Checks</h2>',
             "<p>Each check covers the rows in its scope; a failing row is a finding (a counterexample or "
             "a wrong computation). <code>summary.json</code> holds the same numbers.</p>"]
    rows = [{"check": name, "title": res.title, "rows": res.rows, "passed": res.passed, "failed": res.failed,
             "status": _status(res)[0]} for name, res in checks.items()]
    summary_df = pd.DataFrame(rows, columns=["check", "title", "rows", "passed", "failed", "status"])
    parts.append(table_html(summary_df, table_id="checks-summary", max_rows=len(summary_df) + 1))
    for name, res in checks.items():
        label, cls = _status(res)
        parts.append(
            f'<section class="check" id="check-{esc(name)}" data-check="{esc(name)}" data-rows="{res.rows}" '
            f'data-passed="{res.passed}" data-failed="{res.failed}">'
            f'<h3>{esc(res.title)} <code>{esc(name)}</code> — <span class="{cls}">{esc(label)}</span></h3>'
            f"<p>{esc(res.description)}</p><p><code>{esc(res.summary)}</code> "
            f'(<a href="checks/{esc(name)}.csv">all covered rows as CSV</a>)</p>'
        )
        if res.failed:
            parts.append(f"<p>{'Known counterexamples' if not res.expected_to_hold else 'Counterexamples'}:</p>")
            parts.append(table_html(res.display_table(res.counterexamples), css_class="counterexamples",
                                    max_rows=max_rows if res.expected_to_hold else min(max_rows, 50)))
        parts.append("</section>")
    parts.append("</section>")
    return parts


def _plots_html(figures: list[tuple[str, str]]) -> list[str]:
    parts = ['<section id="plots"><h2>Plots</h2>']
    if not figures:
        parts.append("<p>No data to plot.</p>")
    for name, caption in figures:
        parts.append(f'<figure><img src="{esc(name)}" alt="{esc(caption)}"><figcaption>{esc(caption)}</figcaption></figure>')
    parts.append("</section>")
    return parts


def _notable(defective: pd.DataFrame, checks: dict[str, CheckResult], cols: list[str]) -> tuple[pd.DataFrame, list[str]]:
    # Beyond every check: defective although no width is 1 and there are several outputs (the
    # conjecture's dL > 1) -- e.g. secant varieties of Segre–Veronese varieties for depth 2.
    nonlinear = defective["r_layers"].map(lambda rs: any(x != 1 for x in rs))
    notable = defective[nonlinear & (defective["dL"] > 1) & defective["widths"].map(lambda w: min(w) >= 2)].copy()
    split = checks.get("splitting_bound")
    if len(notable) and split is not None and split.rows:
        bounds = {(w, rs): b for w, rs, b in zip(split.table["widths"], split.table["r_layers"], split.table["bound"])}
        notable["splitting_bound"] = [bounds.get((w, rs), float("nan")) for w, rs in zip(notable["widths"], notable["r_layers"])]
    return notable, cols + [c for c in ("splitting_bound",) if c in notable.columns]


def _defective_html(df: pd.DataFrame, checks: dict[str, CheckResult], max_rows: int) -> list[str]:
    defective = df[df["defect"] > 0].sort_values(["depth", "d0", "dL"], kind="stable")
    cols = [c for c in ["widths", "r", "ambient", "expected", "dimension", "defect", "certified", "seconds"]
            if c in defective.columns]
    parts = ['<section id="defective"><h2>Defective architectures</h2>',
             f"<p>{len(defective)} of {len(df)} rows have a positive defect.</p>"]
    notable, ncols = _notable(defective, checks, cols)
    if len(notable):
        parts.append(f"<p>{len(notable)} of them are non-linear with dL &gt; 1 and no width 1: outside the "
                     "non-increasing conjecture, so not counterexamples, but findings worth a look (where the "
                     "splitting bound equals the dimension, a narrow hidden layer explains the defect):</p>")
        parts.append(table_html(notable[ncols], table_id="notable-defective-table", max_rows=max_rows))
        parts.append("<p>All defective rows:</p>")
    if len(defective):
        parts.append(table_html(defective[cols], table_id="defective-table", max_rows=max_rows))
    parts.append("</section>")
    return parts


def _head_html(title: str, sources: Sequence[str], sections: Sequence[Section], df: pd.DataFrame) -> list[str]:
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="muted">Generated {esc(_dt.datetime.now().isoformat(timespec="seconds"))} by neurovariety'
        + (f" from {esc(', '.join(sources))}" if sources else "") + ".</p>",
        '<nav><a href="#overview">Overview</a><a href="#checks">Checks</a><a href="#plots">Plots</a>'
        '<a href="#defective">Defective architectures</a>'
        + "".join(f'<a href="#{esc(s.anchor or anchor(s.title))}">{esc(s.title)}</a>' for s in sections) + "</nav>",
        '<section id="overview"><h2>Overview</h2>',
        table_html(_overview(df), table_id="overview-table"),
        "</section>",
    ]


def write_report(
    df: pd.DataFrame,
    out: PathLike,
    *,
    title: str = "neurovariety report",
    checks: Optional[dict[str, CheckResult]] = None,
    sections: Sequence[Section] = (),
    max_rows: int = 200,
    sources: Sequence[str] = (),
) -> dict[str, Any]:
    """Write ``index.html``, ``summary.json``, ``checks/*.csv`` and the PNG plots into ``out``.

    ``checks`` defaults to :func:`neurovariety.analysis.run_checks` on ``df``. Returns the
    summary written to ``summary.json`` (check name -> ``{rows, passed, failed,
    counterexamples, ...}``).
    """
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "checks").mkdir(exist_ok=True)
    if checks is None:
        checks = run_checks(df)
    summary = _write_data(out_dir, checks)
    parts = _head_html(title, sources, sections, df)
    parts += _checks_html(checks, max_rows)
    parts += _plots_html(_figures(df, out_dir))
    parts += _defective_html(df, checks, max_rows)
    for s in sections:
        parts.append(f'<section id="{esc(s.anchor or anchor(s.title))}" class="extra" data-status="{esc(s.status)}">'
                     f'<h2>{esc(s.title)} <small class="status-{esc(s.status)}">[{esc(s.status)}]</small></h2>'
                     f"{s.body}</section>")
    parts.append("</body></html>")
    _write_atomic(out_dir / "index.html", "\n".join(parts))
    return summary
