"""Notebook and console display of results: one mixin for every public result type.

A result class inherits :class:`Displayable` and names its key facts in ``_display_rows()``
(``(label, value)`` pairs); optionally a detail table in ``_display_table()`` (column names and
rows of plain values, complete) and a title in ``_display_title()``; its ``statement`` (what is
proved), when it has one, is shown too. The class then gets

* ``__repr__``: ``Name(label=value, ...)``, under :data:`REPR_LIMIT` characters, never an
  array dump;
* ``_repr_pretty_`` (IPython): the title, the facts as aligned lines, the first rows of the
  detail table and the statement, under :data:`REPR_LIMIT` characters;
* ``_repr_html_`` (Jupyter): an escaped ``<table>`` of the facts, the detail table (first
  :data:`HTML_ROWS` rows) and the statement, with math in plain Unicode and ``<sub>``/``<sup>``
  (no scripts, styles or external assets);
* ``to_dataframe()``: the detail table, or one row of the scalar entries of ``to_dict()``.

Dataclasses that inherit it are declared with ``repr=False`` (else the generated ``__repr__``
wins). pandas is imported only when a frame is built.

>>> class Demo(Displayable):
...     statement = "dim V_{(2,2,3), r=2} = 8 (certified)."
...     def _display_rows(self): return [("widths", (2, 2, 3)), ("dimension", 8), ("method", "monomial")]
...     def to_dict(self): return {"widths": [2, 2, 3], "dimension": 8}
>>> Demo()
Demo(widths=(2,2,3), dimension=8, method='monomial')
>>> "V<sub>(2,2,3), r=2</sub>" in Demo()._repr_html_()
True
>>> Demo().to_dataframe().to_dict("records")
[{'widths': [2, 2, 3], 'dimension': 8}]
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING, Any, Optional, Sequence

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Displayable", "Table", "REPR_LIMIT", "HTML_ROWS", "short", "math_html", "frame"]

#: ``__repr__`` and ``_repr_pretty_`` stay below this many characters.
REPR_LIMIT = 600
#: Rows of a detail table shown in HTML (the frame of ``to_dataframe()`` has them all).
HTML_ROWS = 20
#: Rows of a detail table shown in the pretty text.
TEXT_ROWS = 8
#: The statement is cut to this many characters in the pretty text (HTML shows it in full).
STATEMENT_CHARS = 280

#: A detail table: column names and rows of plain values.
Table = tuple[Sequence[str], Sequence[Sequence[Any]]]

_SCALARS = (bool, int, float, str, type(None))


def _plain(value: Any) -> Any:
    """numpy scalars as Python scalars (anything else unchanged)."""
    item = getattr(value, "item", None)
    if item is not None and getattr(value, "shape", None) == ():
        return item()
    return value


def short(value: Any, width: int = 60) -> str:
    """A compact text form of ``value``: tuples of ints as ``(3,3,3)``, floats to 4 significant
    digits, arrays by shape and dtype only, long text and sequences cut with ``…``.

    >>> short((3, 3, 3)), short(0.0151345), short([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 12), short("abcdef", 4)
    ('(3,3,3)', '0.01513', '[1,2,3,4,…]', 'abc…')
    """
    value = _plain(value)
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "dtype"):
        return f"<array {'×'.join(map(str, shape))} {value.dtype}>"
    if isinstance(value, float):
        text = f"{value:.4g}"
    elif isinstance(value, (tuple, list)):
        open_, close = ("(", ")") if isinstance(value, tuple) else ("[", "]")
        text = open_ + ",".join(short(v, width) for v in value) + close
        if len(text) > width:
            cut = text[: max(1, width - 2)]
            text = cut[: cut.rfind(",") + 1 if "," in cut else len(cut)] + "…" + close
        return text
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{short(k, width)}: {short(v, width)}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _repr_value(value: Any) -> str:
    value = _plain(value)
    return repr(short(value, 60)) if isinstance(value, str) else short(value, 60)


# Patterns, not compiled ones: ``re`` compiles and caches them on first use, off the import path.
_MATH = [
    (r"V_\{([^{}]*)\}", r"V<sub>\1</sub>"),
    (r"\bF_\{?(\d+|p)\}?", r"F<sub>\1</sub>"),
    (r"\*\*(\d+)", r"<sup>\1</sup>"),
    (r"\^\(([^()]*)\)", r"<sup>\1</sup>"),
    (r"\^(-?\d+|[a-zA-Z])", r"<sup>\1</sup>"),
]


def math_html(text: str) -> str:
    """``text`` escaped for HTML, with its math in plain Unicode: ``V_{d}`` as a subscript,
    powers (``^61``, ``**2``) as superscripts, ``*`` as ``·``, ``<=``/``>=`` as ``≤``/``≥``.

    >>> math_html("dim V_{(3,3,3), r=2} <= 2^61 - 1")
    'dim V<sub>(3,3,3), r=2</sub> ≤ 2<sup>61</sup> - 1'
    """
    import html  # noqa: PLC0415 - html.entities costs 2 ms of every `import neurovariety`

    out = html.escape(text, quote=False).replace("&lt;=", "≤").replace("&gt;=", "≥")
    for pattern, repl in _MATH:
        out = re.sub(pattern, repl, out)
    return out.replace("*", "·")


def frame(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> "pd.DataFrame":
    """A pandas DataFrame of plain values (pandas is imported here, on first use)."""
    import pandas as pd  # noqa: PLC0415 - heavy; the CLI's start-up must not pay for it

    df: pd.DataFrame = pd.DataFrame([[_plain(v) for v in row] for row in rows], columns=list(columns))
    return df


def _clip(lines: list[str], limit: int) -> str:
    out: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > limit - 2:
            room = limit - 2 - used
            if room > 8:
                out.append(line[: room - 1] + "…")
            else:
                out.append("…")
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


def _packed(items: list[str], width: int) -> list[str]:
    """``items`` on as few indented lines of at most ``width`` characters as they fit, never split."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) <= width:
            lines[-1] += "   " + item
        else:
            lines.append("  " + item)
    return lines


def _text_table(table: Table, max_rows: int) -> list[str]:
    columns, rows = table
    cells = [[str(c) for c in columns]] + [[short(v, 24) for v in row] for row in rows[:max_rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    if len(rows) > max_rows:
        lines.append(f"  … {len(rows) - max_rows} more rows (to_dataframe())")
    return lines


def _html_cell(value: Any, tag: str = "td") -> str:
    value = _plain(value)
    text = "—" if value is None else short(value, 160)
    return f"<{tag}>{math_html(text)}</{tag}>"


def _html_table(table: Table, max_rows: int, caption: str = "") -> str:
    columns, rows = table
    head = "".join(_html_cell(c, "th") for c in columns)
    body = "".join("<tr>" + "".join(_html_cell(v) for v in row) + "</tr>" for row in rows[:max_rows])
    more = ""
    if len(rows) > max_rows:
        more = f"<p>… {len(rows) - max_rows} more rows (<code>to_dataframe()</code>)</p>"
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


class Displayable:
    """Mixin: compact ``repr``, IPython pretty text, Jupyter HTML and ``to_dataframe()`` from the
    key facts of ``_display_rows()`` (see the module docstring)."""

    def _display_rows(self) -> list[tuple[str, Any]]:
        """The key facts, ``(label, value)`` pairs with identifier labels."""
        return []

    def _display_table(self) -> Optional[Table]:
        """A detail table (all rows) or ``None``."""
        return None

    def _repr_rows(self) -> list[tuple[str, Any]]:
        """The facts of ``__repr__`` (default: :meth:`_display_rows`; a result shown as one table
        gives its facts here and none in ``_display_rows``)."""
        return self._display_rows()

    def _display_title(self) -> str:
        """The heading of the text and HTML forms."""
        return type(self).__name__

    def _display_statement(self) -> str:
        """What is proved, in full (``statement`` when the result has one)."""
        statement = getattr(self, "statement", "")
        return statement if isinstance(statement, str) else ""

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (override)."""
        return {label: _plain(value) for label, value in self._display_rows()}

    def to_dataframe(self) -> "pd.DataFrame":
        """The detail table as a DataFrame, else one row of the scalar entries of :meth:`to_dict`."""
        table = self._display_table()
        if table is not None:
            return frame(*table)
        d = {k: _plain(v) for k, v in self.to_dict().items()}
        row = {k: v for k, v in d.items() if isinstance(v, _SCALARS) or _flat_list(v)}
        return frame(list(row), [list(row.values())])

    def __repr__(self) -> str:
        name = type(self).__name__
        parts = [f"{label}={_repr_value(value)}" for label, value in self._repr_rows()]
        text = f"{name}({', '.join(parts)})"
        if len(text) >= REPR_LIMIT:
            text = text[: REPR_LIMIT - 3] + "…)"
        return text

    def _pretty_text(self) -> str:
        title = self._display_title()
        lines = [title if title.startswith(type(self).__name__) else f"{type(self).__name__}: {title}"]
        lines += _packed([f"{label}: {short(value, 70)}" for label, value in self._display_rows()], 96)
        statement = self._display_statement()
        if statement:
            lines += textwrap.wrap(short(statement, STATEMENT_CHARS), 96, initial_indent="  ", subsequent_indent="  ")
        text = _clip(lines, REPR_LIMIT - 50)
        table = self._display_table()
        if table is None or not len(table[1]):
            return text
        n = len(table[1])
        shown = 0
        block = _text_table(table, TEXT_ROWS)[: TEXT_ROWS + 1]
        for i, line in enumerate(block):
            extra = len(line) + (len(block[1]) + 1 if i == 0 else 0)  # the header only with a first row
            if len(text) + extra + 1 > REPR_LIMIT - 50:
                break
            text += "\n" + line
            shown = i
        if shown < n:
            rows = f"{n} row{'s' if n != 1 else ''}"
            text += f"\n  … {rows} in all (to_dataframe())" if shown else f"\n  + a table of {rows} (to_dataframe())"
        return text

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """IPython's pretty printer hook."""
        p.text(f"{type(self).__name__}(…)" if cycle else self._pretty_text())

    def _repr_html_(self) -> str:
        """Jupyter's rich display: escaped HTML tables, no external assets."""
        title = math_html(self._display_title())
        rows = self._display_rows()
        caption = f'<caption style="text-align:left"><b>{title}</b></caption>'
        if rows:
            head = "".join(_html_cell(label.replace("_", " "), "th") for label, _ in rows)
            body = "".join(_html_cell(value) for _, value in rows)
            parts = [f"<table>{caption}<thead><tr>{head}</tr></thead><tbody><tr>{body}</tr></tbody></table>"]
        table = self._display_table()
        if not rows and table is not None:
            parts = [_html_table(table, HTML_ROWS, caption)]
        elif not rows:
            parts = [f"<p><b>{title}</b></p>"]
        if rows and table is not None and len(table[1]):
            parts.append(_html_table(table, HTML_ROWS))
        statement = self._display_statement()
        if statement:
            parts.append(f'<p style="max-width:60em">{math_html(statement)}</p>')
        return f'<div class="neurovariety-result">{"".join(parts)}</div>'


def _flat_list(value: Any) -> bool:
    return isinstance(value, list) and len(value) <= 64 and all(isinstance(v, _SCALARS) for v in value)
