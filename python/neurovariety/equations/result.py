"""The result of :func:`~neurovariety.equations.vanishing_ideal`: equations with their proof status.

>>> import sympy
>>> a, b, c = sympy.symbols("a b c")
>>> g = Generator(sympy.Poly(4 * a * c - b**2, a, b, c, domain=sympy.ZZ), 2, None)
>>> str(g)
'4*a*c - b**2'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Optional, Union

import sympy

from .._display import Displayable, Table, frame
from .._validate import choice
from ..architecture import Architecture
from .exact import SparseForm
from .export import ideal_export, sympy_text
from .grading import Grading, Multidegree

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMATS", "Generator", "VanishingIdeal", "to_generator", "degree_counts"]

#: The text formats of :meth:`VanishingIdeal.format`.
FORMATS = ("sympy", "m2", "singular", "oscar", "magma", "json")


@dataclass(frozen=True, repr=False)
class Generator(Displayable):
    """One equation: a primitive integer polynomial in the coordinates."""

    polynomial: sympy.Poly
    degree: int
    multidegree: Optional[Multidegree]

    @property
    def expr(self) -> sympy.Expr:
        """The polynomial as a sympy expression."""
        return self.polynomial.as_expr()

    def __str__(self) -> str:
        return str(self.expr)

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types: the polynomial as text, its degree and multidegree."""
        return {"polynomial": str(self.expr), "degree": self.degree,
                "multidegree": None if self.multidegree is None else list(self.multidegree)}

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("degree", self.degree), ("multidegree", self.multidegree), ("terms", len(self.polynomial.terms())),
                ("polynomial", str(self.expr))]


def to_generator(grading: Grading, form: SparseForm, symbols: tuple[sympy.Symbol, ...]) -> Generator:
    """A :class:`Generator` from a homogeneous sparse integer form in the coordinates ``symbols``.

    >>> g = to_generator(Grading(Architecture((2, 1, 1), 2), False), {(1, 0, 1): 4, (0, 2, 0): -1}, sympy.symbols("a b c"))
    >>> str(g), g.degree, g.multidegree
    ('4*a*c - b**2', 2, None)
    """
    exps = next(iter(form))
    poly = sympy.Poly.from_dict(form, *symbols, domain=sympy.ZZ)
    md = grading.multidegree(exps) if grading.multigraded else None
    return Generator(poly, sum(exps), md)


def degree_counts(generators: Iterable[Generator]) -> dict[int, int]:
    """Number of generators per total degree, by increasing degree.

    >>> x = sympy.Symbol("x")
    >>> degree_counts([Generator(sympy.Poly(x**3, x), 3, None), Generator(sympy.Poly(x**2, x), 2, None)])
    {2: 1, 3: 1}
    """
    out: dict[int, int] = {}
    for g in generators:
        out[g.degree] = out.get(g.degree, 0) + 1
    return dict(sorted(out.items()))


@dataclass(repr=False)
class VanishingIdeal(Displayable):
    """Equations of a neurovariety with what was proved about them (see :attr:`statement`).

    ``generators`` are sympy ``Poly`` over ZZ (primitive, exactly verified) with their degree and,
    in multigraded mode, multidegree. ``part_dimensions`` maps every (multi)degree part that was
    computed to ``dim I(V)_part`` (zero included, e.g. ``(1, 1, 1): 0`` for ``(3,3,3), r=2``);
    ``counts`` maps total degree to the number of generators returned.

    >>> from neurovariety.equations import vanishing_ideal
    >>> res = vanishing_ideal((2, 1, 1), 2, degree=2)
    >>> res.counts, res.r, res.verified
    ({2: 1}, 2, True)
    >>> print(res.format("singular").splitlines()[-1])
    ideal I = 4*c_1_x0x0*c_1_x1x1 - c_1_x0x1^2;
    """

    architecture: Architecture
    coordinates: tuple[str, ...]
    generators: list[Generator]
    part_dimensions: dict[Multidegree, int]
    multigraded: bool
    method: str
    mode: str  # "generators" or "part"
    degree_bound: Optional[int]
    verified: bool
    statement: str
    primes: tuple[int, ...] = ()
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def widths(self) -> tuple[int, ...]:
        """The widths of the architecture."""
        return self.architecture.widths

    @property
    def r(self) -> Union[int, list[int]]:
        """The activation exponent as in JSON: an int, or one per hidden layer."""
        r: Union[int, list[int]] = self.architecture.to_dict()["r"]
        return r

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        """The coordinates as sympy symbols."""
        return tuple(sympy.Symbol(c) for c in self.coordinates)

    @property
    def counts(self) -> dict[int, int]:
        """Number of generators per total degree."""
        return degree_counts(self.generators)

    @property
    def multidegree_counts(self) -> dict[Multidegree, int]:
        """Number of generators per multidegree (multigraded mode)."""
        out: dict[Multidegree, int] = {}
        for g in self.generators:
            if g.multidegree is not None:
                out[g.multidegree] = out.get(g.multidegree, 0) + 1
        return out

    # --- export ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the CLI (``--format json``)."""
        gens = []
        for g in self.generators:
            entry: dict[str, Any] = {"polynomial": str(g.expr), "degree": g.degree}
            if self.multigraded:
                entry["multidegree"] = list(g.multidegree or ())
            gens.append(entry)
        return {
            "widths": list(self.widths),
            "r": self.r,
            "coordinates": list(self.coordinates),
            "generators": gens,
            "verified": self.verified,
            "statement": self.statement,
        }

    def to_dataframe(self) -> "pd.DataFrame":
        """One row per generator: ``degree``, ``multidegree`` (tuple or None), ``terms``, ``polynomial`` (text)."""
        return frame(*self._display_table())

    def _display_title(self) -> str:
        return f"Equations of V_{{{self.architecture}}}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        counts = self.multidegree_counts if self.multigraded else self.counts
        return [("widths", self.widths), ("r", self.r), ("generators", len(self.generators)),
                ("by_multidegree" if self.multigraded else "by_degree", counts), ("coordinates", len(self.coordinates)),
                ("method", self.method), ("mode", self.mode), ("max_degree", self.degree_bound),
                ("verified", self.verified), ("seconds", self.seconds)]

    def _display_table(self) -> Table:
        rows = [[g.degree, g.multidegree, len(g.polynomial.terms()), str(g.expr)] for g in self.generators]
        return ("degree", "multidegree", "terms", "polynomial"), rows

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as JSON text (``kwargs`` go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), **kwargs)

    def to_sympy(self) -> list[sympy.Expr]:
        """The generators as sympy expressions (text: ``format("sympy")``)."""
        return [g.expr for g in self.generators]

    def _sympy_text(self) -> str:
        title = f"V_{{{self.architecture}}}: {len(self.generators)} polynomial(s) in {len(self.coordinates)} coordinates"
        labels = [
            f"degree {g.degree}" + (f", multidegree {g.multidegree}" if self.multigraded else "") for g in self.generators
        ]
        return sympy_text(title, self.statement, self.to_sympy(), labels)

    def _export(self, system: str) -> str:
        blocks = Grading(self.architecture, True).block_sizes if (self.multigraded and system == "m2") else None
        return ideal_export(system, self.coordinates, self.to_sympy(), self.statement, blocks)

    def to_m2(self) -> str:
        """Macaulay2 input (coordinate names without underscores; multigraded ring if applicable)."""
        return self._export("m2")

    def to_singular(self) -> str:
        """Singular input (ring over Q with degree reverse lex order)."""
        return self._export("singular")

    def to_oscar(self) -> str:
        """Oscar (Julia) input: ``R`` and the ideal ``I``."""
        return self._export("oscar")

    def to_magma(self) -> str:
        """Magma input: ``R`` and the ideal ``I``."""
        return self._export("magma")

    def format(self, fmt: str) -> str:
        """Text in ``fmt``: ``sympy | m2 | singular | oscar | magma | json``."""
        choice(fmt, "format", FORMATS)
        if fmt == "json":
            return self.to_json(indent=None)
        return self._sympy_text() if fmt == "sympy" else self._export(fmt)
