"""The variety in closed form: its structure, dimension and the critical points of the loss.

Where ``V`` is determinantal (``V = {rank C <= k}``) the critical points of the squared loss on
its smooth part are Eckart–Young truncations after whitening ``C -> C A^{1/2}``; e.g.
``(2, 2, 3), r = 2`` has three critical functions. A filling ``V`` has the single least-squares
minimiser.

>>> from neurovariety.loss import make_data
>>> X, Y = make_data((2, 2, 3), 2, n=10, seed=1)
>>> [cp.kind for cp in critical_points((2, 2, 3), 2, X, Y)]
['minimum', 'saddle', 'saddle']
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from .._display import Displayable
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..dimension import dimension
from ..errors import InvalidInputError
from ..loss import loss_matrices
from .realisability import has_margin, in_neuromanifold, neuromanifold_criterion_known, neuromanifold_margin

__all__ = ["closed_form_structure", "variety_dimension", "CriticalPoint", "critical_points", "checked_critical_points"]


def closed_form_structure(widths: ArchitectureLike, r: Optional[RSpec] = None) -> Optional[tuple[str, int]]:
    """``("filling", dL*M)``, ``("determinantal", k)`` (V = {rank C <= k}) or ``None``.

    Known cases: linear networks (``k = min d_i``); ``d0 = 1``; shallow binary networks
    ``(2, d1, dL)`` with exponent ``r``: filling if ``d1 >= r + 1``, rank ``<= r`` if ``d1 = r``
    (r distinct ``r``-th powers of linear forms span a hyperplane of binary forms, and a generic
    hyperplane meets the rational normal curve in ``r`` points).

    >>> closed_form_structure((2, 2, 3), 2), closed_form_structure((2, 2, 2), 2)
    (('determinantal', 2), ('filling', 6))
    >>> closed_form_structure((3, 3, 3), 2) is None
    True
    """
    arch = Architecture.coerce(widths, r)
    M, dL = arch.num_monomials, arch.dL
    full = min(dL, M)
    k: Optional[int] = None
    if arch.degree == 1:
        k = min(arch.widths)
    elif arch.d0 == 1:
        k = full
    elif arch.depth == 2 and arch.d0 == 2:
        d1, e = arch.widths[1], arch.r[0]
        if d1 >= e + 1:
            k = full
        elif d1 == e:
            k = e
    if k is None:
        return None
    if k >= full:
        return ("filling", dL * M)
    return ("determinantal", k)


def variety_dimension(widths: ArchitectureLike, r: Optional[RSpec] = None, *, seed: Optional[int] = 0) -> int:
    """Dimension of ``V``: closed form where known, else :func:`neurovariety.dimension.dimension`.

    >>> variety_dimension((2, 2, 3), 2), variety_dimension((3, 3, 3), 2)
    (8, 15)
    """
    return _variety_dimension(Architecture.coerce(widths, r), seed)


@functools.lru_cache(maxsize=None)
def _variety_dimension(arch: Architecture, seed: Optional[int]) -> int:
    # cached: the run classifier asks once per call, sweeps ask for every data set
    structure = closed_form_structure(arch)
    if structure is None:
        return dimension(arch, seed=seed).dimension
    kind, value = structure
    if kind == "filling":
        return value
    return value * (arch.dL + arch.num_monomials - value)  # rank <= k matrices of size dL x M


@dataclass(repr=False)
class CriticalPoint(Displayable):
    """A critical point of the loss on the smooth part of ``V`` (closed form).

    ``coefficients`` is the ``dL x M`` matrix, ``loss`` the loss value (mean over the data),
    ``kind`` ``"minimum"`` or ``"saddle"``, ``in_neuromanifold`` whether real weights realise it
    (``None`` when no criterion is known), ``kept`` the indices of the singular values kept in the
    whitened Eckart–Young truncation (empty for filling architectures), ``margin`` the
    :func:`~neurovariety.learning.realisability.neuromanifold_margin` where defined.

    >>> CriticalPoint(np.eye(2), 0.5, "minimum", True).to_dict()["kind"]
    'minimum'
    """

    coefficients: np.ndarray
    loss: float
    kind: str
    in_neuromanifold: Optional[bool]
    kept: tuple[int, ...] = ()
    margin: Optional[float] = None

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (the ``critical_points`` entries of ``summary.json``)."""
        return {
            "loss": float(self.loss),
            "kind": self.kind,
            "in_neuromanifold": self.in_neuromanifold,
            "margin": self.margin,
            "kept_singular_values": list(self.kept),
            "coefficients": np.asarray(self.coefficients, dtype=float).tolist(),
        }

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("kind", self.kind), ("loss", self.loss), ("in_neuromanifold", self.in_neuromanifold),
                ("margin", self.margin), ("kept", self.kept), ("coefficients", self.coefficients)]


def _sqrt_psd(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(A^{1/2}, A^{-1/2})`` of the moment matrix; singular ``A`` means the data are degenerate."""
    w, Q = np.linalg.eigh(A)
    if w[0] <= 1e-14 * max(w[-1], 1e-300):
        raise InvalidInputError("the data do not determine the loss (singular moment matrix A): use n >= M generic points")
    return (Q * np.sqrt(w)) @ Q.T, (Q / np.sqrt(w)) @ Q.T


def critical_points(widths: ArchitectureLike, r: Optional[RSpec], X: Any, Y: Any) -> Optional[list[CriticalPoint]]:
    """Closed-form critical points of the loss on the smooth part of ``V``, by loss; else ``None``.

    With ``A = S^2`` and ``T = B^T S^-1`` the loss is ``||C S - T||^2 + const``, and ``C -> C S``
    maps ``{rank <= k}`` to itself, so the critical points are the Eckart–Young truncations of
    ``T`` to any ``k`` of its singular values, mapped back by ``S^-1``: ``C(min(dL, M), k)`` points,
    the top-``k`` one the minimum, the others saddles. For (2,2,3), r=2: three. A filling ``V`` has
    the single least-squares minimiser.

    >>> from neurovariety.loss import make_data
    >>> X, Y = make_data((2, 2, 3), 2, seed=0)
    >>> [round(cp.loss, 6) for cp in critical_points((2, 2, 3), 2, X, Y)] == sorted(
    ...     round(cp.loss, 6) for cp in critical_points((2, 2, 3), 2, X, Y))
    True
    """
    arch = Architecture.coerce(widths, r)
    structure = closed_form_structure(arch)
    if structure is None:
        return None
    A, B, c0 = loss_matrices(arch, None, X, Y)
    S, S_inv = _sqrt_psd(A)
    T = B.T @ S_inv
    const = float(c0 - (T * T).sum())
    known = neuromanifold_criterion_known(arch)
    if structure[0] == "filling":
        C = T @ S_inv
        realisable = in_neuromanifold(arch, None, C) if known else None
        return [CriticalPoint(C, const, "minimum", realisable)]
    return _eckart_young_points(arch, T, S_inv, const, structure[1], known)


def _eckart_young_points(
    arch: Architecture, T: np.ndarray, S_inv: np.ndarray, const: float, k: int, known: bool
) -> list[CriticalPoint]:
    """Every rank-``k`` truncation of the whitened target ``T``, mapped back, sorted by loss."""
    U, sv, Vt = np.linalg.svd(T, full_matrices=False)
    out = []
    for kept in itertools.combinations(range(len(sv)), k):
        idx = list(kept)
        Cw = (U[:, idx] * sv[idx]) @ Vt[idx]
        C = Cw @ S_inv
        loss = const + float((sv * sv).sum() - (sv[idx] ** 2).sum())
        kind = "minimum" if kept == tuple(range(k)) else "saddle"
        realisable = in_neuromanifold(arch, None, C) if known else None
        margin = neuromanifold_margin(arch, None, C) if has_margin(arch) else None
        out.append(CriticalPoint(C, loss, kind, realisable, kept, margin))
    out.sort(key=lambda cp: cp.loss)
    return out


def checked_critical_points(arch: Architecture, X: Any, Y: Any) -> Optional[list[CriticalPoint]]:
    """:func:`critical_points`, or ``None`` also for degenerate data (nothing to compare with).

    >>> checked_critical_points(Architecture((2, 2, 3), 2), np.zeros((10, 2)), np.zeros((10, 3))) is None
    True
    """
    try:
        return critical_points(arch, None, X, Y)
    except ValueError:  # degenerate data: no closed form to compare with
        return None
