"""HTML building blocks of the report: escaping, sortable tables, figures, code blocks (no external assets).

Every table with an id is a ``table.nv-table``: the page's script (:mod:`~neurovariety.report.assets`)
sorts it by any column and filters its rows. Tables are never cut: long ones scroll inside a box.

>>> import pandas as pd
>>> table_html(pd.DataFrame({"a": [1], "b": ["<x>"]}))
'<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td class="num">1</td><td>&lt;x&gt;</td></tr></tbody></table>'
>>> 'class="nv-table"' in table_html(pd.DataFrame({"a": [1]}), table_id="t")
True
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import pandas as pd

from .assets import CSS

__all__ = ["Section", "FIGURE_MARK", "CSS", "esc", "table_html", "figure_html", "code_html", "anchor", "json_default", "cell_text"]

#: Placeholder for a figure's number; :func:`~neurovariety.report.page.write_report` numbers figures in page order.
FIGURE_MARK = "<!--nv-figure-number-->"

#: Tables with more rows get a filter box; with more than ``SCROLL_ROWS`` they scroll in a box.
FILTER_ROWS = 8
SCROLL_ROWS = 25


@dataclass
class Section:
    """An extra section of the report. ``status``: ``ok``, ``skipped``, ``failed`` or ``info``;
    ``body`` is trusted HTML (escape user text with :func:`esc`)."""

    title: str
    status: str
    body: str
    anchor: str = ""


def esc(x: object) -> str:
    """HTML-escape ``str(x)``, quotes included."""
    return html.escape(str(x), quote=True)


def cell_text(v: object) -> str:
    """How a value reads in a table cell: tuples and lists as ``(3, 2, 1)``, floats to 4 digits."""
    if isinstance(v, (tuple, list)):
        return "(" + ", ".join(map(str, v)) + ")"
    if isinstance(v, (float, np.floating)):
        return "" if math.isnan(float(v)) else f"{float(v):.4g}"
    if v is None or v is pd.NA:
        return ""
    return str(v)


def _cell(v: object) -> str:
    if isinstance(v, (bool, np.bool_)):
        return f"<td>{v}</td>"
    if isinstance(v, (float, np.floating)) and math.isnan(float(v)):
        return "<td></td>"
    if isinstance(v, (float, np.floating)):
        return f'<td class="num" data-value="{float(v)!r}">{cell_text(v)}</td>'
    if isinstance(v, (int, np.integer)):
        return f'<td class="num">{v}</td>'
    return f"<td>{esc(cell_text(v))}</td>"


def table_html(df: pd.DataFrame, *, table_id: str = "", css_class: str = "", max_rows: Optional[int] = None,
               csv: str = "") -> str:
    """An escaped HTML table of every row of ``df``.

    With a ``table_id`` the table is sortable, and filterable when it has more than a few rows;
    a long table scrolls in a box. ``max_rows`` cuts the table (with a note, and a link to
    ``csv``, the relative path of the complete table, when given); by default nothing is cut.
    """
    shown = df if max_rows is None else df.head(max_rows)
    classes = " ".join(c for c in (("nv-table" if table_id else ""), css_class) if c)
    attrs = (f' id="{esc(table_id)}"' if table_id else "") + (f' class="{esc(classes)}"' if classes else "")
    head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
    rows = "".join("<tr>" + "".join(_cell(v) for v in rec) + "</tr>" for rec in shown.itertuples(index=False))
    out = f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if table_id and len(shown) > SCROLL_ROWS:
        out = f'<div class="nv-scroll">{out}</div>'
    if table_id and len(shown) > FILTER_ROWS:
        out = (f'<div class="nv-tools" data-for="{esc(table_id)}"><label>filter <input type="search" '
               f'aria-label="filter the rows of this table" placeholder="e.g. (3, 2, 1)"></label>'
               f'<span class="nv-count">{len(shown)} rows</span><span>click a column header to sort</span></div>' + out)
    if len(shown) < len(df):
        more = f' (all of them in <a href="{esc(csv)}">{esc(csv)}</a>)' if csv else ""
        out += f'<p class="muted">showing {len(shown)} of {len(df)} rows{more}</p>'
    elif csv:
        out += f'<p class="muted">as CSV: <a href="{esc(csv)}">{esc(csv)}</a></p>'
    return out


def figure_html(png: str, caption: str, *, svg: str = "", figure_id: str = "") -> str:
    """A figure: the PNG, its caption (trusted HTML) and links to the PNG and SVG files.

    The number is left as :data:`FIGURE_MARK`; the page numbers its figures in order when written.
    """
    links = f'<a href="{esc(png)}">PNG</a>' + (f'<a href="{esc(svg)}">SVG</a>' if svg else "")
    fid = f' id="{esc(figure_id)}"' if figure_id else ""
    return (f'<figure{fid}><img src="{esc(png)}" alt="{esc(_plain(caption)[:200])}">'
            f'<figcaption><span class="nv-fig">Figure {FIGURE_MARK}.</span> {caption} {links}</figcaption></figure>')


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def code_html(text: str, code_id: str, *, label: str = "copy") -> str:
    """A code block with a button copying its text to the clipboard."""
    return (f'<div class="nv-code"><button class="nv-copy" type="button" data-copy="{esc(code_id)}">{esc(label)}</button>'
            f'<pre><code id="{esc(code_id)}">{esc(text)}</code></pre></div>')


def anchor(title: str) -> str:
    """An id for a section title.

    >>> anchor("Example 4.4: equations")
    'example-4-4-equations'
    """
    out = "".join(ch if ch.isalnum() else "-" for ch in title.lower())
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def json_default(o: Any) -> Any:
    """``json.dumps(default=...)`` for numpy scalars, sets and tuples."""
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, (set, tuple)):
        return list(o)
    return str(o)
