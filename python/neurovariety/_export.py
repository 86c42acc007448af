"""Polynomials as input for other systems: Macaulay2, Singular, Oscar (Julia), Magma and
HomotopyContinuation.jl. One home for their syntax, used by the equations (ideals) and by the
parametrisation export (maps).

Names: the package writes coordinates ``c_<j>_<monomial>`` and weights ``w<l>_<i>_<k>``. Macaulay2
reads ``_`` as its subscript operator, so there coordinates lose their underscores (``c2x0x0x1``)
and weights become indexed variables ``w_(l,i,k)``; every other system keeps the names.

>>> import sympy
>>> w, c = sympy.symbols("w1_1_2 c_1_x0x1")
>>> m2_name("w1_1_2"), m2_name("c_1_x0x1"), power_text(2 * w**2)
('w_(1,1,2)', 'c1x0x1', '2*w1_1_2^2')
"""

from __future__ import annotations

import re
import textwrap
from typing import Optional, Sequence

import sympy

__all__ = ["SYSTEMS", "wrap", "power_text", "m2_name", "polynomial_text", "ideal_text", "map_text"]

#: The systems every exporter supports.
SYSTEMS = ("m2", "singular", "oscar", "magma")

_WEIGHT = re.compile(r"^w(\d+)_(\d+)_(\d+)$")
_COMMENT = {"m2": "--", "singular": "//", "oscar": "#", "magma": "//", "hc": "#"}


def wrap(text: str, width: int = 96) -> list[str]:
    """``text`` as lines of at most ``width`` characters (one empty line for empty text).

    >>> wrap("a b c", 3)
    ['a b', 'c']
    """
    return textwrap.wrap(text, width) or [""]


def power_text(expr: sympy.Expr) -> str:
    """A polynomial with ``^`` for powers, terms in lex order (every target system reads it).

    >>> x, y = sympy.symbols("x y")
    >>> power_text(x**2 - 3*x*y)
    'x^2 - 3*x*y'
    """
    return str(sympy.sstr(expr, order="lex")).replace("**", "^")


def m2_name(name: str) -> str:
    """The Macaulay2 spelling of a package variable name."""
    m = _WEIGHT.match(name)
    if m:
        return f"w_({m.group(1)},{m.group(2)},{m.group(3)})"
    return name.replace("_", "")


def _names(system: str, names: Sequence[str]) -> list[str]:
    return [m2_name(n) for n in names] if system == "m2" else list(names)


def polynomial_text(system: str, names: Sequence[str], polynomials: Sequence[sympy.Expr]) -> list[str]:
    """The polynomials in the system's syntax (variables renamed where the system needs it)."""
    if system != "m2":
        return [power_text(p) for p in polynomials]
    rename = {sympy.Symbol(n): sympy.Symbol(f"__v{i}") for i, n in enumerate(names)}
    out = []
    for p in polynomials:
        text = power_text(sympy.sympify(p).xreplace(rename))
        for i, n in sorted(enumerate(names), key=lambda t: -t[0]):  # __v12 before __v1
            text = text.replace(f"__v{i}", m2_name(n))
        out.append(text)
    return out


def _ring(system: str, names: Sequence[str], field: str, degrees: Optional[Sequence[Sequence[int]]]) -> str:
    vs = _names(system, names)
    if system == "m2":
        extra = ""
        if degrees is not None:
            extra = ", Degrees => {" + ", ".join("{" + ",".join(map(str, d)) + "}" for d in degrees) + "}"
        return f"R = {'QQ' if field == 'QQ' else field}[{', '.join(vs)}{extra}];"
    if system == "singular":
        return f"ring R = {0 if field == 'QQ' else field}, ({', '.join(vs)}), dp;"
    if system == "oscar":
        quoted = ", ".join(f'"{v}"' for v in vs)
        return f"using Oscar\nR, ({', '.join(vs)}{',' if len(vs) == 1 else ''}) = polynomial_ring(QQ, [{quoted}])"
    if system == "magma":
        return f"R<{', '.join(vs)}> := PolynomialRing(Rationals(), {len(vs)});"
    raise ValueError(f"unknown system {system!r}")


def _comments(system: str, comment: str) -> list[str]:
    return [f"{_COMMENT[system]} {line}" for line in wrap(comment)] if comment else []


def ideal_text(system: str, names: Sequence[str], polynomials: Sequence[sympy.Expr], comment: str = "",
               degrees: Optional[Sequence[Sequence[int]]] = None) -> str:
    """The ring of the coordinates ``names`` and the ideal ``I`` of ``polynomials``.

    >>> print(ideal_text("singular", ["x", "y"], [sympy.Symbol("x") ** 2], "A double line."))
    // A double line.
    ring R = 0, (x, y), dp;
    ideal I = x^2;
    """
    lines = _comments(system, comment) + [_ring(system, names, "QQ", degrees if system == "m2" else None)]
    polys = polynomial_text(system, names, polynomials)
    sep = ",\n    "
    if system == "m2":
        lines.append("I = ideal(" + (sep.join(polys) if polys else "0_R") + ");")
    elif system == "singular":
        lines.append("ideal I = " + (sep.join(polys) if polys else "0") + ";")
    elif system == "oscar":
        lines.append("I = ideal(R, [" + sep.join(polys) + "])")
    else:
        lines.append("I := ideal<R | " + (sep.join(polys) if polys else "0") + ">;")
    return "\n".join(lines)


def map_text(system: str, names: Sequence[str], polynomials: Sequence[sympy.Expr], comment: str = "",
             image_dimension: bool = False) -> str:
    """The polynomial map ``F`` from the affine space of ``names`` given by ``polynomials``.

    With ``image_dimension`` (Macaulay2 only), the script prints the dimension of the image with
    NumericalImplicitization's ``numericalImageDim`` (it needs a floating-point field: ``CC``).
    HomotopyContinuation.jl (``system="hc"``) gets a ``System`` of the map's components.
    """
    lines = _comments(system, comment)
    polys = polynomial_text(system if system != "hc" else "oscar", names, polynomials)
    sep = ",\n    "
    if system == "hc":
        lines += ["using HomotopyContinuation", f"@var {' '.join(names)}",
                  "F = System([" + sep.join(polys) + f"]; variables = [{', '.join(names)}])"]
        return "\n".join(lines)
    field = "CC" if (system == "m2" and image_dimension) else "QQ"
    if image_dimension and system == "m2":
        lines.append('needsPackage "NumericalImplicitization";')
    lines.append(_ring(system, names, field, None))
    if system == "m2":
        lines.append("F = {" + sep.join(polys) + "};")
        if image_dimension:
            lines.append("print numericalImageDim(F, ideal 0_R);")
    elif system == "singular":
        lines.append("ideal F = " + sep.join(polys) + ";")
    elif system == "oscar":
        lines.append("F = [" + sep.join(polys) + "]")
    else:
        lines.append("F := [" + sep.join(polys) + "];")
    return "\n".join(lines)
