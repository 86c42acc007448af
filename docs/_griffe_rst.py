"""A griffe extension for the API reference: turns the reST idioms of the package's docstrings
into Markdown, so that mkdocstrings renders them as intended.

* doctest lines (``>>>``, ``...`` and their output) become fenced ``pycon`` blocks;
* a paragraph ending in ``::`` followed by an indented block becomes a fenced code block;
* inline literals ````x```` become ```x```; roles such as ``:func:`~a.b.c```` become ```c```
  (```a.b.c``` without the tilde);
* ``*emphasis*`` and lists are already Markdown and stay.

The docstrings themselves stay plain reST-flavoured text (they are read in the terminal and run
as doctests); only their rendering changes.
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension, Object

_ROLE = re.compile(r":(?:func|meth|class|mod|data|attr|exc|obj|const|py:\w+):`(~?)([^`<]+?)(?:\s*<[^>]+>)?`")
_LITERAL = re.compile(r"``(.+?)``")


def _role(m: re.Match[str]) -> str:
    target = m.group(2).strip()
    if m.group(1):
        target = target.split(".")[-1]
    return f"`{target.lstrip('~')}`"


def _inline(line: str) -> str:
    line = _ROLE.sub(_role, line)
    return _LITERAL.sub(lambda m: "`" + m.group(1) + "`", line)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def to_markdown(text: str) -> str:
    r"""The Markdown form of a reST-flavoured docstring.

    >>> to_markdown("Use ``f`` (:func:`~pkg.mod.f`):\n\n>>> f(1)\n2").splitlines()
    ['Use `f` (`f`):', '', '```pycon', '>>> f(1)', '2', '```']
    """
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith(">>>"):
            base = _indent(line)
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i][base:] if _indent(lines[i]) >= base else lines[i].strip())
                i += 1
            out += [" " * base + "```pycon", *(" " * base + b for b in block), " " * base + "```"]
            continue
        if stripped.endswith("::") and not stripped.startswith(".."):
            head = line.rstrip()[:-2].rstrip()
            out.append(_inline(head + ":") if head.strip() else "")
            i += 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            base = _indent(line)
            block = []
            while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > base):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            inner = min((_indent(b) for b in block if b.strip()), default=0)
            out += ["", " " * base + "```text", *(" " * base + b[inner:] for b in block), " " * base + "```", ""]
            continue
        out.append(_inline(line))
        i += 1
    return "\n".join(out)


class ReSTToMarkdown(Extension):
    """Rewrites every docstring with :func:`to_markdown` when griffe loads it."""

    def on_instance(self, *, obj: Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)
