"""The report page: ``index.html``, ``summary.json``, ``checks/*.csv`` and the figures of a results frame.

:func:`write_report` turns a tidy results frame (see :mod:`neurovariety.analysis`) into a
directory that reads offline (every link relative, no network, the page's script inlined)::

    report/index.html        provenance, checks, figures, defective architectures, extra sections, files
    report/summary.json      {"schema", "kind": "report", "version", "provenance", "checks", "files", ...}
    report/checks/NAME.csv   every row each check covers, with its pass/fail column
    report/data.csv          the rows read, unless the input files (``sources``) lie in the report
    report/*.png, *.svg      the figures (PNG in the page, SVG for print)

>>> import tempfile, json, pandas as pd
>>> from pathlib import Path
>>> from neurovariety.analysis import tidy_results
>>> raw = pd.DataFrame({"h": [2, 2], "exponent": [2, 2], "architecture": ["[3, 2, 1]", "[2, 2, 2]"],
...     "num_parameters": [8, 8], "dimension_computed": [5, 6], "ambient_dimension": [6, 6]})
>>> out = Path(tempfile.mkdtemp())
>>> summary = write_report(tidy_results(raw), out)
>>> summary["nonincreasing_dl1"]["counterexamples"]
[{'widths': [3, 2, 1], 'r': 2, 'expected': 6, 'dimension': 5}]
>>> on_disk = json.loads((out / "summary.json").read_text())
>>> on_disk["kind"], on_disk["checks"] == summary, on_disk["provenance"]["package"]["name"]
('report', True, 'neurovariety')
>>> sorted(f["path"] for f in on_disk["files"])[:3]
['checks/alexander_hirschowitz.csv', 'checks/conjecture_nonincreasing.csv', 'checks/dimension_le_expected.csv']
>>> (out / "data.csv").read_text().splitlines()[1].startswith('"[3, 2, 1]",2,3,1,2')
True
"""

from __future__ import annotations

import json
import os
import re
from itertools import count
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import pandas as pd

from .._meta import document, version
from .._resources import atomic_write_text
from ..analysis import (
    CheckResult,
    plot_dimension_vs_expected,
    plot_filling_frontier,
    plot_time_vs_weights,
    run_checks,
)
from ..errors import InvalidInputError
from .assets import SCRIPT
from .figures import FigureFile, defect_by_r_matrix, plot_deep_slices, plot_defect_by_r, plot_shallow_heatmaps, r_label
from .html import CSS, FIGURE_MARK, Section, anchor, esc, figure_html, json_default, table_html
from .mathml import formula
from .provenance import collect_provenance

__all__ = ["write_report", "FIGURE_MARK", "DataFile"]

PathLike = Union[str, "os.PathLike[str]"]
#: ``(relative path, description)`` of a file the report links to.
DataFile = tuple[str, str]


def _status(res: CheckResult) -> tuple[str, str]:
    if not res.rows:
        return "no rows", "na"
    if res.ok:
        return "pass", "pass"
    if not res.expected_to_hold:
        return "known counterexamples", "known"
    return "FAIL", "fail"


def _overview(df: pd.DataFrame) -> pd.DataFrame:
    r_values = sorted({r_label(r) for r in df["r"]}, key=lambda s: (len(s), s))

    def span(c: str) -> str:
        return f"{df[c].min()}..{df[c].max()}" if len(df) else ""

    facts = [
        ("rows", len(df)),
        ("distinct architectures", df[["widths", "r_layers"]].astype(str).drop_duplicates().shape[0]),
        ("depth L", span("depth")), ("d0", span("d0")), ("dL", span("dL")),
        ("r", ", ".join(r_values)),
        ("defective rows (defect > 0)", int((df["defect"] > 0).sum())),
        ("filling rows (dimension = ambient)", int(df["filling"].sum())),
        ("certified rows", int(df["certified"].fillna(False).astype(bool).sum()) if "certified" in df else 0),
        ("rows with unknown certification", int(df["certified"].isna().sum()) if "certified" in df else len(df)),
        ("rows dropped (no dimension)", int(df.attrs.get("dropped", 0))),
    ]
    table: pd.DataFrame = pd.DataFrame([(k, str(v)) for k, v in facts], columns=["fact", "value"])
    return table


def _csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV, tuples written as JSON lists (``[3, 2, 1]``), the per-layer exponents left out."""
    table = frame.drop(columns=["r_layers"], errors="ignore").copy()
    for c in ("widths", "r"):
        if c in table:
            table[c] = table[c].map(lambda v: "[" + ", ".join(map(str, v)) + "]" if isinstance(v, tuple) else v)
    text: str = table.to_csv(index=False)
    return text


def _subdir(out: Path, name: str) -> Path:
    """``out / name``, created; refusing a symbolic link (a link could lead the writes out of ``out``)."""
    d = out / name
    if d.is_symlink():
        raise InvalidInputError(f"refusing to write through the symbolic link {d}")
    d.mkdir(exist_ok=True)
    return d


def _write_checks(out: Path, checks: dict[str, CheckResult]) -> list[DataFile]:
    files = []
    checks_dir = _subdir(out, "checks") if checks else out
    for name, res in checks.items():
        atomic_write_text(checks_dir / f"{name}.csv", _csv(res.table))
        files.append((f"checks/{name}.csv", f"every row the check {name} covers, with its pass/fail column"))
    return files


def _input_files(out: Path, df: pd.DataFrame, sources: Sequence[str], files: Sequence[DataFile]) -> list[DataFile]:
    """The input the report read, linked: the sources that lie in ``out``; when none of them does
    (e.g. ``analyze`` of CSVs elsewhere), the frame itself as ``data.csv``, so every link stays inside."""
    listed = {rel for rel, _ in files}
    inside = [(s, "input data") for s in sources if s not in listed and (out / s).is_file()]
    if inside or any(s in listed for s in sources):
        return inside
    what = f"the {len(df)} rows this report read" + (f" (from {', '.join(sources)})" if sources else "") + ", tidy columns"
    atomic_write_text(out / "data.csv", _csv(df))
    return [("data.csv", what)]


def _analysis_figure(plot: Any, df: pd.DataFrame, out: Path, stem: str, caption: str) -> Optional[FigureFile]:
    png = plot(df, out / f"{stem}.png")
    if png is None:
        return None
    plot(df, out / f"{stem}.svg")
    return FigureFile(f"{stem}.png", f"{stem}.svg", caption)


def _figures(df: pd.DataFrame, out: Path) -> list[FigureFile]:
    figures: list[Optional[FigureFile]] = [*plot_shallow_heatmaps(df, out), *plot_deep_slices(df, out)]
    by_r = defect_by_r_matrix(df)
    if len(by_r):
        f = plot_defect_by_r(by_r, out, "defect_by_r")
        figures.append(FigureFile(f.png, f.svg, (
            f"Defect against the exponent r for the {len(by_r)} architectures whose defect persists to r ≥ 3 in this "
            "table (rows: architectures; hatched: not computed). A defect at large r is what an activation degree "
            "threshold measures: for every r above it the dimension is the expected one.")))
    if len(df):
        figures.append(_analysis_figure(plot_dimension_vs_expected, df, out, "dimension_vs_expected", (
            f"Computed against expected dimension for all {len(df)} rows; points below the diagonal are defective "
            "(the computed dimension is a proved lower bound, the expected dimension an upper bound).")))
    figures.append(_analysis_figure(plot_time_vs_weights, df, out, "time_vs_weights", (
        "Computing time of each dimension against its number of weights N (log–log), coloured by depth; the time "
        "includes the Jacobian assembly and the rank over F_p.")))
    figures.append(_analysis_figure(plot_filling_frontier, df, out, "filling_frontier", (
        "Filling frontier: per family (d0, dL, r) and depth, the fewest free parameters N − Σ hidden widths of a "
        "filling architecture against the ambient dimension (left; the dashed diagonal is the parameter count every "
        "filling architecture needs) and its excess over the ambient dimension by depth (right).")))
    return [f for f in figures if f is not None]


def _checks_html(checks: dict[str, CheckResult], max_rows: Optional[int]) -> list[str]:
    parts = ['<section id="checks"><h2>Checks</h2>',
             "<p>Each check covers the rows in its scope; a failing row is a finding (a counterexample or a wrong "
             'computation). <a href="summary.json">summary.json</a> holds the same numbers.</p>']
    rows = [{"check": name, "title": res.title, "rows": res.rows, "passed": res.passed, "failed": res.failed,
             "status": _status(res)[0]} for name, res in checks.items()]
    summary_df = pd.DataFrame(rows, columns=["check", "title", "rows", "passed", "failed", "status"])
    parts.append(table_html(summary_df, table_id="checks-summary"))
    for name, res in checks.items():
        label, cls = _status(res)
        parts.append(
            f'<section id="check-{esc(name)}" class="check" data-check="{esc(name)}" data-rows="{res.rows}" '
            f'data-passed="{res.passed}" data-failed="{res.failed}">'
            f'<h3>{esc(res.title)} <code>{esc(name)}</code> — <span class="{cls}">{esc(label)}</span></h3>'
            f"<p>{esc(res.description)}</p><p><code>{esc(res.summary)}</code> "
            f'(<a href="checks/{esc(name)}.csv">all covered rows as CSV</a>)</p>')
        if res.failed:
            parts.append(f"<p>{'Known counterexamples' if not res.expected_to_hold else 'Counterexamples'}:</p>")
            parts.append(table_html(res.display_table(res.counterexamples), table_id=f"counterexamples-{name}",
                                    css_class="counterexamples", max_rows=max_rows, csv=f"checks/{name}.csv"))
        parts.append("</section>")
    parts.append("</section>")
    return parts


def _figures_html(figures: list[FigureFile]) -> list[str]:
    parts = ['<section id="figures"><h2>Figures</h2>',
             "<p>All defect pictures share one discrete colour scale (the legend of each figure): a colour means "
             "the same defect everywhere. Numbers in cells are defects; zeros are left blank.</p>"]
    if not figures:
        parts.append("<p>No data to plot.</p>")
    for f in figures:
        parts.append(figure_html(f.png, esc(f.caption), svg=f.svg, figure_id=f"figure-{anchor(Path(f.png).stem)}"))
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


def _defective_html(df: pd.DataFrame, checks: dict[str, CheckResult], max_rows: Optional[int]) -> list[str]:
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


def _provenance_html(prov: dict[str, Any]) -> list[str]:
    pkg, m = prov.get("package", {}), prov.get("machine", {})
    git = pkg.get("git")
    commit = (f"{git['commit']}{' (with uncommitted changes)' if git.get('dirty') else ''}" if git
              else "not a git checkout")
    memory = f", {m['memory_bytes'] / 2**30:.0f} GiB" if m.get("memory_bytes") else ""
    facts = [("package", f"neurovariety {pkg.get('version', version())}"), ("git commit", commit),
             ("command", prov.get("command", "")), ("started", prov.get("started", "")),
             ("finished", prov.get("finished", "")),
             ("machine", f"{m.get('platform', '?')}, {m.get('cores', '?')} cores{memory}; Python {m.get('python', '?')}"),
             ("dependencies", ", ".join(f"{k} {v}" for k, v in (prov.get("dependencies") or {}).items())),
             ("primes", ", ".join(map(str, (prov.get("primes") or {}).get("default", [])))
              + f"; confirmation {(prov.get('primes') or {}).get('confirmation', '?')}")]
    settings = dict(prov.get("settings") or {})
    steps = settings.pop("optional_steps", None)
    facts += [(k.replace("_", " "), json.dumps(v, default=json_default) if not isinstance(v, str) else v)
              for k, v in settings.items()]
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    parts = ['<section id="provenance"><h2>Provenance</h2>', f'<dl class="nv-facts">{items}</dl>']
    if isinstance(steps, dict) and steps:
        table = pd.DataFrame([{"step": name, "status": d.get("status"), "seconds": d.get("seconds"),
                               "cached result reused": d.get("reused"),
                               "parameters": ", ".join(f"{k}={v}" for k, v in (d.get("parameters") or {}).items())}
                              for name, d in steps.items()])
        parts += ["<p>Optional steps (their seeds are among the parameters):</p>", table_html(table, table_id="provenance-steps")]
    raw = json.dumps(prov, indent=1, default=json_default)
    return parts + [f"<details><summary>as JSON (also in summary.json)</summary><pre>{esc(raw)}</pre></details></section>"]


def _files_html(out: Path, files: Sequence[DataFile]) -> list[str]:
    rows, seen = [], set()
    for rel, what in files:
        path = out / rel
        if rel in seen or not path.is_file():
            continue
        seen.add(rel)
        size = path.stat().st_size
        rows.append(f'<tr><td><a href="{esc(rel)}">{esc(rel)}</a></td><td class="num">{size:,}</td><td>{esc(what)}</td></tr>')
    return ['<section id="files"><h2>Files</h2><p>Every data file this report used or wrote, relative to this page.</p>',
            '<table id="files-table" class="nv-table"><thead><tr><th>file</th><th>bytes</th><th>contents</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>"]


def _head_html(title: str, sources: Sequence[str], sections: Sequence[Section], df: pd.DataFrame,
               prov: dict[str, Any]) -> list[str]:
    nav = [("provenance", "Provenance"), ("overview", "Overview"), ("checks", "Checks"), ("figures", "Figures"),
           ("defective", "Defective architectures")]
    nav += [(s.anchor or anchor(s.title), s.title) for s in sections] + [("files", "Files")]
    source = f" from {esc(', '.join(sources))} ({len(df)} rows)" if sources else ""
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{CSS}</style><script>{SCRIPT}</script></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="muted">neurovariety {esc(version())}; generated {esc(prov.get("finished", ""))}{source}.</p>',
        "<nav>" + "".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t in nav) + "</nav>",
    ]


def _overview_html(df: pd.DataFrame) -> list[str]:
    return [
        '<section id="overview"><h2>Overview</h2>',
        "<p>For widths d = (d0, …, dL) and activation t ↦ t<sup>r</sup>, a network has N weights and computes dL forms "
        "of degree D in d0 variables; the neurovariety V<sub>d,r</sub> lives in a space of dimension amb:</p>",
        f'<div class="nv-math">{formula("weights")}{formula("degree")}{formula("ambient")}</div>',
        "<p>Rescaling a hidden neuron's incoming weights by λ and its outgoing weights by λ<sup>−r</sup> changes "
        "nothing, so the expected dimension and the defect are</p>",
        f'<div class="nv-math">{formula("expected")}{formula("defect")}</div>',
        "<p>A computed dimension is the rank of the Jacobian of the parameter map at random weights over a prime "
        "field: always a proved lower bound. It is <em>certified</em> when it meets a proved upper bound (the expected "
        "dimension, the linear-network formula, Alexander–Hirschowitz or the splitting bound); otherwise it is exact "
        "with high probability (Schwartz–Zippel).</p>",
        table_html(_overview(df), table_id="overview-table"),
        "</section>",
    ]


def _number_figures(page: str) -> str:
    numbers = count(1)
    return re.sub(re.escape(FIGURE_MARK), lambda _: str(next(numbers)), page)


def write_report(
    df: pd.DataFrame,
    out: PathLike,
    *,
    title: str = "neurovariety report",
    checks: Optional[dict[str, CheckResult]] = None,
    sections: Sequence[Section] = (),
    max_rows: Optional[int] = None,
    sources: Sequence[str] = (),
    files: Sequence[DataFile] = (),
    provenance: Optional[dict[str, Any]] = None,
) -> dict[str, Any]:
    """Write ``index.html``, ``summary.json``, ``checks/*.csv`` and the figures (PNG and SVG) into ``out``.

    ``checks`` defaults to :func:`neurovariety.analysis.run_checks` on ``df``; ``sections`` are
    appended after the built-in ones; ``max_rows`` cuts the HTML tables (default: every row,
    in sortable, filterable, scrolling tables); ``sources`` names the input files and ``files``
    lists ``(relative path, description)`` of the data files to link (those in ``out`` that
    exist; when no source lies in ``out`` the frame is written there as ``data.csv``, so the page links
    the data it read); ``provenance`` defaults to :func:`~neurovariety.report.provenance.collect_provenance`.
    Returns the check summary: check name -> ``{rows, passed, failed, counterexamples, ...}``,
    the ``checks`` entry of ``summary.json``.
    """
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    checks = run_checks(df) if checks is None else checks
    summary = {name: res.to_dict() for name, res in checks.items()}
    prov = provenance if provenance is not None else collect_provenance()
    figures = _figures(df, out_dir)
    linked = [*files, *_input_files(out_dir, df, sources, files), *_write_checks(out_dir, checks)]
    linked += [(name, f"Figure: {f.caption[:90]}{'…' if len(f.caption) > 90 else ''}") for f in figures for name in (f.png, f.svg)]
    linked.insert(0, ("summary.json", "check summary, provenance and this file list (JSON)"))
    doc = document("report", {"title": title, "provenance": prov, "checks": summary,
                              "sections": [{"title": s.title, "status": s.status} for s in sections],
                              "files": [{"path": p, "description": d} for p, d in linked if p == "summary.json" or (out_dir / p).is_file()]})
    atomic_write_text(out_dir / "summary.json", json.dumps(doc, indent=2, default=json_default))
    parts = _head_html(title, sources, sections, df, prov) + _provenance_html(prov) + _overview_html(df)
    parts += _checks_html(checks, max_rows) + _figures_html(figures) + _defective_html(df, checks, max_rows)
    for s in sections:
        parts.append(f'<section id="{esc(s.anchor or anchor(s.title))}" class="extra" data-status="{esc(s.status)}">'
                     f'<h2>{esc(s.title)} <small class="status-{esc(s.status)}">[{esc(s.status)}]</small></h2>'
                     f"{s.body}</section>")
    parts += _files_html(out_dir, linked)
    parts.append("</body></html>")
    atomic_write_text(out_dir / "index.html", _number_figures("\n".join(parts)))
    return summary
