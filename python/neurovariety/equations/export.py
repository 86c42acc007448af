"""Equations as input for other systems: sympy text, Macaulay2, Singular.

Plain text from plain data (coordinate names, sympy expressions, the statement), so that
:class:`~neurovariety.equations.VanishingIdeal` formats itself through these functions. Macaulay2
drops the underscores of the coordinate names (``c2x0x0x1``): ``_`` is its subscript operator.

>>> import sympy
>>> a, b, c = sympy.symbols("c_1_x0x0 c_1_x0x1 c_1_x1x1")
>>> print(m2_text([str(s) for s in (a, b, c)], [4 * a * c - b**2], "The discriminant."))
-- The discriminant.
R = QQ[c1x0x0, c1x0x1, c1x1x1];
I = ideal(4*c1x0x0*c1x1x1 - c1x0x1^2);
"""

from __future__ import annotations

import textwrap
from typing import Optional, Sequence

import sympy

__all__ = ["wrap", "power_text", "sympy_text", "m2_text", "singular_text"]


def wrap(text: str, width: int = 96) -> list[str]:
    """``text`` as lines of at most ``width`` characters (one empty line for empty text).

    >>> wrap("a b c", 3)
    ['a b', 'c']
    """
    return textwrap.wrap(text, width) or [""]


def power_text(expr: sympy.Expr) -> str:
    """A polynomial with ``^`` for powers (Macaulay2 and Singular), terms in lex order.

    >>> x, y = sympy.symbols("x y")
    >>> power_text(x**2 - 3*x*y)
    'x^2 - 3*x*y'
    """
    return str(sympy.sstr(expr, order="lex")).replace("**", "^")


def sympy_text(title: str, statement: str, polynomials: Sequence[sympy.Expr], labels: Sequence[str]) -> str:
    """``#`` comment lines (title, coordinate convention, statement), then per polynomial a
    ``# label`` line and the sympy-parsable polynomial.

    >>> x = sympy.Symbol("c_1_x0")
    >>> print(sympy_text("V", "Proved.", [x], ["degree 1"]))
    # V
    # c_<j>_<monomial> = coefficient of the monomial in output j (1-based), monomial basis
    # Proved.
    # degree 1
    c_1_x0
    """
    lines = [f"# {title}", "# c_<j>_<monomial> = coefficient of the monomial in output j (1-based), monomial basis"]
    lines += ["# " + s for s in wrap(statement)]
    for label, poly in zip(labels, polynomials):
        lines.append(f"# {label}")
        lines.append(str(poly))
    return "\n".join(lines)


def m2_text(
    coordinates: Sequence[str], polynomials: Sequence[sympy.Expr], statement: str, block_sizes: Optional[Sequence[int]] = None
) -> str:
    """Macaulay2 input: ring ``R`` over QQ (multigraded by blocks of coordinates when
    ``block_sizes`` is given) and the ideal ``I``.

    >>> print(m2_text(["c_1_x0", "c_2_x0"], [], "Nothing vanishes.", block_sizes=[1, 1]))
    -- Nothing vanishes.
    R = QQ[c1x0, c2x0, Degrees => {{1,0}, {0,1}}];
    I = ideal(0_R);
    """
    names = [c.replace("_", "") for c in coordinates]
    rename = {sympy.Symbol(c): sympy.Symbol(m) for c, m in zip(coordinates, names)}
    ring = ", ".join(names)
    if block_sizes is not None:
        nblocks = len(block_sizes)
        degrees = ["{" + ",".join("1" if j == i else "0" for j in range(nblocks)) + "}"
                   for i, size in enumerate(block_sizes) for _ in range(size)]
        ring += ", Degrees => {" + ", ".join(degrees) + "}"
    polys = [power_text(p.xreplace(rename)) for p in polynomials]
    lines = ["-- " + s for s in wrap(statement)]
    lines.append(f"R = QQ[{ring}];")
    lines.append("I = ideal(" + (",\n    ".join(polys) if polys else "0_R") + ");")
    return "\n".join(lines)


def singular_text(coordinates: Sequence[str], polynomials: Sequence[sympy.Expr], statement: str) -> str:
    """Singular input: ring ``R`` over Q with degree reverse lex order and the ideal ``I``.

    >>> x = sympy.Symbol("c_1_x0")
    >>> print(singular_text(["c_1_x0"], [x**2], "Proved."))
    // Proved.
    ring R = 0, (c_1_x0), dp;
    ideal I = c_1_x0^2;
    """
    polys = [power_text(p) for p in polynomials]
    lines = ["// " + s for s in wrap(statement)]
    lines.append(f"ring R = 0, ({', '.join(coordinates)}), dp;")
    lines.append("ideal I = " + (",\n    ".join(polys) if polys else "0") + ";")
    return "\n".join(lines)
