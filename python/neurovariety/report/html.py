"""HTML building blocks of the report: escaping, tables, sections (no external assets).

>>> import pandas as pd
>>> table_html(pd.DataFrame({"a": [1], "b": ["<x>"]}))
'<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td class="num">1</td><td>&lt;x&gt;</td></tr></tbody></table>'
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Section", "CSS", "esc", "table_html", "anchor", "json_default"]


@dataclass
class Section:
    """An extra section of the report. ``status``: ``ok``, ``skipped``, ``failed`` or ``info``;
    ``body`` is trusted HTML (escape user text with :func:`esc`)."""

    title: str
    status: str
    body: str
    anchor: str = ""


CSS = """
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


def esc(x: object) -> str:
    """HTML-escape ``str(x)``, quotes included."""
    return html.escape(str(x), quote=True)


def _fmt_cell(v: object) -> object:
    if isinstance(v, tuple):
        return "(" + ", ".join(map(str, v)) + ")"
    return v


def _cell(v: object) -> str:
    if isinstance(v, float) and math.isnan(v):
        return "<td></td>"
    if isinstance(v, float):
        return f'<td class="num">{v:.4g}</td>'
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return f'<td class="num">{v}</td>'
    return f"<td>{esc('' if v is pd.NA else v)}</td>"


def table_html(df: pd.DataFrame, *, css_class: str = "", table_id: str = "", max_rows: int = 200) -> str:
    """A plain HTML table (escaped); only the first ``max_rows`` rows, with a note when cut."""
    shown = df.head(max_rows).copy()
    for c in shown.columns:
        if shown[c].dtype == object:
            shown[c] = shown[c].map(_fmt_cell)
    attrs = (f' id="{esc(table_id)}"' if table_id else "") + (f' class="{esc(css_class)}"' if css_class else "")
    head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
    rows = "".join("<tr>" + "".join(_cell(v) for v in rec) + "</tr>" for rec in shown.itertuples(index=False))
    out = f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if len(df) > max_rows:
        out += f'<p class="muted">showing {max_rows} of {len(df)} rows</p>'
    return out


def anchor(title: str) -> str:
    """An id for a section title."""
    return "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")


def json_default(o: Any) -> Any:
    """``json.dumps(default=...)`` for numpy scalars, sets and tuples."""
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, (set, tuple)):
        return list(o)
    return str(o)
