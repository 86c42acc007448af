"""Equations as input for other systems: sympy text, Macaulay2, Singular, Oscar and Magma.

Plain text from plain data (coordinate names, sympy expressions, the statement), so that
:class:`~neurovariety.equations.VanishingIdeal` formats itself through these functions; the
syntax of each system lives in :mod:`neurovariety._export`. Macaulay2 drops the underscores of
the coordinate names (``c2x0x0x1``): ``_`` is its subscript operator.

>>> import sympy
>>> a, b, c = sympy.symbols("c_1_x0x0 c_1_x0x1 c_1_x1x1")
>>> print(ideal_export("m2", [str(s) for s in (a, b, c)], [4 * a * c - b**2], "The discriminant."))
-- The discriminant.
R = QQ[c1x0x0, c1x0x1, c1x1x1];
I = ideal(4*c1x0x0*c1x1x1 - c1x0x1^2);
"""

from __future__ import annotations

from typing import Optional, Sequence

import sympy

from .._export import ideal_text, wrap

__all__ = ["sympy_text", "ideal_export", "multidegrees"]


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


def multidegrees(block_sizes: Sequence[int]) -> list[list[int]]:
    """The degree vector of every coordinate when each block of coordinates is its own grading.

    >>> multidegrees([1, 2])
    [[1, 0], [0, 1], [0, 1]]
    """
    n = len(block_sizes)
    return [[int(j == i) for j in range(n)] for i, size in enumerate(block_sizes) for _ in range(size)]


def ideal_export(system: str, coordinates: Sequence[str], polynomials: Sequence[sympy.Expr], statement: str,
                 block_sizes: Optional[Sequence[int]] = None) -> str:
    """The ideal in ``system`` (``m2``, ``singular``, ``oscar``, ``magma``); Macaulay2 gets a
    multigraded ring when ``block_sizes`` is given.

    >>> x = sympy.Symbol("c_1_x0")
    >>> print(ideal_export("magma", ["c_1_x0"], [x**2], "Proved."))
    // Proved.
    R<c_1_x0> := PolynomialRing(Rationals(), 1);
    I := ideal<R | c_1_x0^2>;
    """
    degrees = multidegrees(block_sizes) if block_sizes is not None else None
    return ideal_text(system, coordinates, polynomials, statement, degrees)
