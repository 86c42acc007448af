"""Names of the ambient coordinates (the coefficients of a network): ``c_<j>_<monomial>``,
outputs 1-based, monomials readable. Shared by the equations and every export.

Coordinate ``c_<j>_<monomial>`` is the coefficient, in the monomial basis, of that monomial in
output ``j`` (1-based); the input variables are 0-based ``x0, x1, ...`` and a monomial is written
as its variables in non-decreasing order, repeated by multiplicity (``x0^2*x1 -> x0x0x1``).
The order is the package order: output-major, monomials lex descending.

>>> coordinate_names((2, 1, 1), 2)
['c_1_x0x0', 'c_1_x0x1', 'c_1_x1x1']
"""

from __future__ import annotations

from typing import Optional, Sequence

import sympy

from ..architecture import Architecture, ArchitectureLike, RSpec, monomial_exponents

__all__ = ["monomial_label", "coordinate_names", "coordinate_symbols", "weight_degree"]


def monomial_label(exponents: Sequence[int]) -> str:
    """Readable name of a monomial: variables in non-decreasing order, repeated by multiplicity.

    >>> monomial_label((2, 0, 1))
    'x0x0x2'
    """
    parts = [f"x{v}" for v, e in enumerate(exponents) for _ in range(e)]
    return "".join(parts) if parts else "1"


def coordinate_names(widths: ArchitectureLike, r: Optional[RSpec] = None) -> list[str]:
    """Names of the ambient coordinates in package order (output-major, outputs 1-based).

    >>> coordinate_names((2, 2, 2), 2)
    ['c_1_x0x0', 'c_1_x0x1', 'c_1_x1x1', 'c_2_x0x0', 'c_2_x0x1', 'c_2_x1x1']
    """
    arch = Architecture.coerce(widths, r)
    monos = monomial_exponents(arch.d0, arch.degree)
    return [f"c_{j + 1}_{monomial_label(m)}" for j in range(arch.dL) for m in monos]


def coordinate_symbols(widths: ArchitectureLike, r: Optional[RSpec] = None) -> tuple[sympy.Symbol, ...]:
    """The coordinates as sympy symbols, in package order.

    >>> coordinate_symbols((2, 1, 1), 2)
    (c_1_x0x0, c_1_x0x1, c_1_x1x1)
    """
    return tuple(sympy.Symbol(n) for n in coordinate_names(widths, r))


def weight_degree(widths: ArchitectureLike, r: Optional[RSpec] = None) -> int:
    """Total degree of the network coefficients as polynomials in the weights
    (:attr:`Architecture.weight_degree <neurovariety.architecture.Architecture.weight_degree>`).

    A form of degree ``g`` composed with the parametrisation has degree at most
    ``g * weight_degree``: the ``T`` of the Schwartz–Zippel bound in the statements.

    >>> weight_degree((3, 3, 3), 2)
    3
    """
    return Architecture.coerce(widths, r).weight_degree
