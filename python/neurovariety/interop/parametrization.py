"""The parameter map of a network, exactly, and its export to other systems.

Coefficients are output-major in the package monomial order (``c_<j>_<monomial>``, see
:mod:`neurovariety.network.coordinates`); weights are ``w<l>_<i>_<k>`` (layer, row, column,
1-based), ``W_1`` row-major first. With ``gauge=True`` the first incoming weight of every hidden
neuron is 1 (the image has the same closure, and the map has finite generic fibres modulo
permutations when the architecture is non-defective).

>>> p = parametrization((2, 2, 3), 2, gauge=True)
>>> len(p.weights), len(p.coefficients), p.coordinates[:2]
(8, 9, ('c_1_x0x0', 'c_1_x0x1'))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import sympy

from .._display import Displayable, Table
from .._export import map_text
from .._validate import flag
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..network.coordinates import coordinate_names
from ..network.symbolic import symbolic_network

__all__ = ["Parametrization", "parametrization"]


@dataclass(frozen=True, repr=False)
class Parametrization(Displayable):
    """The coefficient map of an architecture: ``coefficients[i]`` (a polynomial in ``weights``)
    is the coordinate ``coordinates[i]``."""

    architecture: Architecture
    gauge: bool
    weights: tuple[sympy.Symbol, ...]
    coefficients: tuple[sympy.Expr, ...]
    coordinates: tuple[str, ...]

    def _comment(self) -> str:
        gauge = ", first incoming weight of every hidden neuron = 1" if self.gauge else ""
        return (f"Coefficient map of the PNN {self.architecture}{gauge}: weights w<layer>_<row>_<column> -> coefficients "
                "c_<output>_<monomial> (output-major, monomials x0^D first).")

    def to_sympy(self) -> list[sympy.Expr]:
        """The ``dL * M`` coefficient polynomials."""
        return list(self.coefficients)

    def to_m2(self, image_dimension: bool = False) -> str:
        """Macaulay2: ring ``R`` of the weights and the list ``F``; with ``image_dimension`` the
        script prints ``numericalImageDim(F, ideal 0_R)`` (ring over ``CC``)."""
        return map_text("m2", [str(w) for w in self.weights], self.to_sympy(), self._comment(),
                        image_dimension=flag(image_dimension, "image_dimension"))

    def to_singular(self) -> str:
        """Singular: ring ``R`` of the weights and the ideal ``F`` of the coefficient polynomials."""
        return map_text("singular", [str(w) for w in self.weights], self.to_sympy(), self._comment())

    def to_oscar(self) -> str:
        """Oscar (Julia): ``R`` and the vector ``F``."""
        return map_text("oscar", [str(w) for w in self.weights], self.to_sympy(), self._comment())

    def to_magma(self) -> str:
        """Magma: ``R`` and the sequence ``F``."""
        return map_text("magma", [str(w) for w in self.weights], self.to_sympy(), self._comment())

    def to_hc(self) -> str:
        """HomotopyContinuation.jl: ``F = System([...]; variables = [...])`` (e.g. for ``monodromy_solve``)."""
        return map_text("hc", [str(w) for w in self.weights], self.to_sympy(), self._comment())

    def _display_title(self) -> str:
        return f"Parametrization of V_{{{self.architecture}}}" + (" (gauge-fixed)" if self.gauge else "")

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("widths", self.architecture.widths), ("r", self.architecture.activation), ("gauge", self.gauge),
                ("weights", len(self.weights)), ("coefficients", len(self.coefficients))]

    def _display_table(self) -> Table:
        """One row per coordinate: ``coordinate, terms, polynomial`` (text)."""
        rows = [[name, len(sympy.Add.make_args(c)) if c != 0 else 0, str(c)] for name, c in zip(self.coordinates, self.coefficients)]
        return ("coordinate", "terms", "polynomial"), rows

    def _display_statement(self) -> str:
        return self._comment()

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types: widths, r, gauge, weight and coordinate names, polynomials as text."""
        return {**self.architecture.to_dict(), "gauge": self.gauge, "weights": [str(w) for w in self.weights],
                "coordinates": list(self.coordinates), "coefficients": [str(c) for c in self.coefficients]}


def parametrization(widths: ArchitectureLike, r: Optional[RSpec] = None, *, gauge: bool = False) -> Parametrization:
    """The coefficient map weights -> coefficients as sympy polynomials (see the module docstring)."""
    arch = Architecture.coerce(widths, r)
    net = symbolic_network(arch, gauge=flag(gauge, "gauge"))
    return Parametrization(arch, bool(gauge), tuple(net.weights), tuple(net.coefficients), tuple(coordinate_names(arch)))
