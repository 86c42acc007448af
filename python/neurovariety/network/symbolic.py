"""The parameter map as sympy polynomials: weights -> coefficients, exactly.

Used where a computer algebra system needs the map itself (Gröbner elimination, exact critical
ideals, export to other systems). Weight ``W_l[i, k]`` is the symbol ``w<l>_<i>_<k>`` (all
1-based); with ``gauge=True`` the first incoming weight of every hidden neuron is the constant 1
(see :mod:`neurovariety.network.gauge`). Coefficients are output-major in the package monomial
order.

>>> from neurovariety.architecture import Architecture
>>> net = symbolic_network(Architecture((2, 1, 1), 2), gauge=True)
>>> net.weights
(w1_1_2, w2_1_1)
>>> net.coefficients
[w2_1_1, 2*w1_1_2*w2_1_1, w1_1_2**2*w2_1_1]
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..architecture import Architecture, monomial_exponents

__all__ = ["SymbolicNetwork", "symbolic_network", "weight_name"]


def weight_name(layer: int, row: int, col: int) -> str:
    """Symbol name of ``W_layer[row, col]`` (1-based indices)."""
    return f"w{layer}_{row}_{col}"


@dataclass(frozen=True)
class SymbolicNetwork:
    """``weights``: the free weight symbols in package order; ``matrices``: ``W_1..W_L`` as nested
    lists of sympy expressions (constants where gauge-fixed); ``inputs``: ``x0..``;
    ``coefficients``: the ``dL * M`` coefficient polynomials in the weights."""

    arch: Architecture
    gauge: bool
    weights: tuple[sympy.Symbol, ...]
    matrices: list[list[list[sympy.Expr]]]
    inputs: tuple[sympy.Symbol, ...]
    outputs: list[sympy.Expr]
    coefficients: list[sympy.Expr]


def _matrices(arch: Architecture, gauge: bool) -> tuple[list[sympy.Symbol], list[list[list[sympy.Expr]]]]:
    names: list[sympy.Symbol] = []
    mats = []
    for layer in range(arch.depth):
        hidden = layer + 1 < arch.depth
        rows = []
        for i in range(arch.widths[layer + 1]):
            row: list[sympy.Expr] = []
            for k in range(arch.widths[layer]):
                if gauge and hidden and k == 0:
                    row.append(sympy.Integer(1))
                else:
                    s = sympy.Symbol(weight_name(layer + 1, i + 1, k + 1))
                    names.append(s)
                    row.append(s)
            rows.append(row)
        mats.append(rows)
    return names, mats


def symbolic_network(arch: Architecture, *, gauge: bool = False) -> SymbolicNetwork:
    """The network's outputs and coefficients as polynomials in symbolic weights."""
    names, mats = _matrices(arch, gauge)
    xs = sympy.symbols(f"x0:{arch.d0}")
    layer: list[sympy.Expr] = [sum((c * x for c, x in zip(row, xs)), sympy.Integer(0)) for row in mats[0]]
    for i in range(1, arch.depth):
        powered = [z ** arch.r[i - 1] for z in layer]
        layer = [sum((c * z for c, z in zip(row, powered)), sympy.Integer(0)) for row in mats[i]]
    monos = monomial_exponents(arch.d0, arch.degree)
    coefficients: list[sympy.Expr] = []
    for f in layer:
        poly = sympy.Poly(sympy.expand(f), *xs)
        coefficients.extend(sympy.expand(poly.coeff_monomial(m)) for m in monos)
    return SymbolicNetwork(arch, gauge, tuple(names), mats, tuple(xs), layer, coefficients)
