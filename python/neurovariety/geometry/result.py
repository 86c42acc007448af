"""Results of the geometry computations, each saying what is proved and what is numerical.

>>> r = DegreeResult((2, 1, 1), 3, 3, None, True, 7, 2, "deg V = 3.", 0.1)
>>> r.to_dict()["degree"]
3
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional, Union

import numpy as np

from .._display import Displayable, Table

__all__ = ["DegreeResult", "MembershipResult", "IdentifiabilityResult"]


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if isinstance(v, tuple):
            v = list(v)
        if isinstance(v, np.generic):
            v = v.item()
        out[k] = v
    return out


@dataclass(frozen=True, repr=False)
class DegreeResult(Displayable):
    """``degree``: the degree of ``V`` as an affine cone (= the degree of the projective variety
    in ``P^(dL M - 1)``); ``multidegree``: ``{(a_1, ..., a_dL): coefficient}`` in
    ``(P^(M-1))^dL`` (or ``None``); ``verified``: every count passed the trace test."""

    widths: tuple[int, ...]
    r: Union[int, tuple[int, ...]]
    degree: int
    multidegree: Optional[dict[tuple[int, ...], int]]
    verified: bool
    loops: int
    paths: int
    statement: str
    seconds: float
    dimension: Optional[int] = None

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (multidegree keys as ``"a1,a2"`` strings)."""
        d = _plain(asdict(self))
        if self.multidegree is not None:
            d["multidegree"] = {",".join(map(str, k)): v for k, v in self.multidegree.items()}
        return d

    def _display_title(self) -> str:
        return f"Degree of V_{{{','.join(map(str, self.widths))}}}, r={self.r}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("widths", self.widths), ("r", self.r), ("degree", self.degree), ("dimension", self.dimension),
                ("verified", self.verified), ("loops", self.loops), ("seconds", self.seconds)]

    def _display_table(self) -> Optional[Table]:
        if not self.multidegree:
            return None
        return ("multidegree", "coefficient"), [(",".join(map(str, k)), v) for k, v in sorted(self.multidegree.items(), reverse=True)]


@dataclass(frozen=True, repr=False)
class MembershipResult(Displayable):
    """``member``: the coefficient matrix lies on ``V`` (numerically: a point of a complete
    witness slice through it matches it to ``residual``); ``real``: real weights realise it
    (``None`` for complex input or when undecided); ``weights``: the weight matrices found (one
    preimage per class, complex), ``fibre``: how many weight vectors map to it."""

    widths: tuple[int, ...]
    r: Union[int, tuple[int, ...]]
    member: bool
    real: Optional[bool]
    residual: float
    weights: list[list[np.ndarray]]
    fibre: int
    statement: str
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (weights as nested lists of ``[re, im]`` pairs)."""
        d = _plain({k: v for k, v in asdict(self).items() if k != "weights"})
        d["weights"] = [[np.stack([w.real, w.imag], axis=-1).tolist() for w in ws] for ws in self.weights]
        return d

    def _display_title(self) -> str:
        return f"Membership in V_{{{','.join(map(str, self.widths))}}}, r={self.r}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("member", self.member), ("real", self.real), ("residual", self.residual), ("fibre", self.fibre),
                ("seconds", self.seconds)]


@dataclass(frozen=True, repr=False)
class IdentifiabilityResult(Displayable):
    """``classes``: weight classes (modulo hidden-neuron rescalings and permutations) over a generic
    function; ``identifiable``: ``classes == 1``; ``fibre``: weight vectors per function in the
    gauge-fixed chart; ``symmetries``: the order of the permutation group of the hidden neurons."""

    widths: tuple[int, ...]
    r: Union[int, tuple[int, ...]]
    classes: int
    identifiable: bool
    fibre: int
    symmetries: int
    functions: int
    verified: bool
    statement: str
    seconds: float
    fibre_sizes: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types."""
        return _plain(asdict(self))

    def _display_title(self) -> str:
        return f"Identifiability of V_{{{','.join(map(str, self.widths))}}}, r={self.r}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("classes", self.classes), ("identifiable", self.identifiable), ("fibre", self.fibre),
                ("symmetries", self.symmetries), ("functions", self.functions), ("verified", self.verified),
                ("seconds", self.seconds)]
