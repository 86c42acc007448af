"""The boundary of the real neuromanifold of ``(2, 2, dL), r = 2`` and the loss on it.

A network ``f = W2 (W1 x)^2`` has outputs in the pencil spanned by the squares ``l1^2, l2^2`` of
its two hidden linear forms, so a rank-2 coefficient matrix is realised by real weights iff its
row space -- a line in the plane of binary quadrics -- meets the conic of squares ``b^2 = 4ac`` in
two real points (:mod:`~neurovariety.learning.realisability`). Lines through a definite form
always do; the lines missing the conic consist of indefinite forms. Within ``V`` (``rank C <= 2``)
the closure of the neuromanifold adds the *tangent* lines: the tangent at ``l^2`` is
``T_l = {l m : m linear}``, the quadrics divisible by ``l``. So, for ``dL >= 2``, the boundary is

    ``B = {C : every row of C is divisible by one real linear form l}``

(rank-2 tangent pencils, and the rank <= 1 matrices ``w (l m)^T`` with a real-factorable form,
which are limits of both sides). Diverging weights produce exactly these limits:
``w (l1^2 - l2^2)`` with ``l2 -> l1`` and ``w |l1 - l2|`` fixed tends to ``-2 w l1 (l2 - l1)``.
With balanced weights of norm ``s`` the angle between ``l1`` and ``l2`` is ``O(s^-3)`` and the
distance of the pencil from ``B`` ``O(s^-6)``: approaching ``B`` forces the weights to grow.

On ``T_l`` the rows are ``m_j^T E(l)`` with ``E(l) = [[l0, l1, 0], [0, l0, l1]]``, so for fixed
``l`` the loss is linear least squares in the ``dL x 2`` matrix ``M``:
``min_M = c0 - tr(H^T G^-1 H)``, ``G = E A E^T``, ``H = E B``. The infimum of the loss over ``B``
is the minimum of this function of one angle ``phi`` (``l = (cos phi, sin phi)``, period ``pi``).
It equals ``c0 - N/D`` with binary quartics ``N, D`` in ``l``, so it has at most six critical
points on ``P^1`` -- the real roots of the sextic ``N' D - N D'``. :func:`boundary_minima` takes
those roots together with the local minima of a dense grid, refines each by golden section, and
keeps the local minima; the least one is the infimum over ``B`` (attained: ``B`` is closed and the
loss coercive).

>>> from neurovariety.loss import make_data
>>> X, Y = make_data((2, 2, 3), 2, seed=0)
>>> bm = boundary_minima((2, 2, 3), 2, X, Y)
>>> round(bm.infimum, 6), len(bm.minima) >= 1, bm.margin < 1e-8
(1.969947, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
from numpy.polynomial import polynomial as P

from .._display import Displayable, Table
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..errors import NotSupportedError
from ..loss import check_data, loss_matrices
from .realisability import has_margin, neuromanifold_margin

__all__ = [
    "BoundaryMinimum",
    "BoundaryMinima",
    "boundary_known",
    "boundary_minima",
    "boundary_profile",
    "factor_basis",
    "descent_leaves_neuromanifold",
]

#: Points of the angle grid on [0, pi) that back up the sextic's roots.
_GRID = 1440

#: Golden-section iterations of the refinement (shrinks the bracket by 0.618^60 ~ 3e-13).
_GOLDEN = 60

#: Relative rounding allowance of a computed boundary loss (the ``margin`` of the infimum).
_ROUNDING = 1e-10


def boundary_known(widths: ArchitectureLike, r: Optional[RSpec] = None) -> bool:
    """Whether :func:`boundary_minima` applies: ``(2, 2, dL)``, r = 2, with ``dL >= 2``.

    For ``dL = 1`` every coefficient vector is realised (the neuromanifold has no boundary).

    >>> boundary_known((2, 2, 3), 2), boundary_known((2, 2, 1), 2), boundary_known((3, 3, 3), 2)
    (True, False, False)
    """
    arch = Architecture.coerce(widths, r)
    return has_margin(arch) and arch.dL >= 2


def factor_basis(phi: Any) -> np.ndarray:
    """``E(l)`` for ``l = (cos phi, sin phi)``: the rows ``l x0, l x1`` in the monomial basis, shape ``(..., 2, 3)``.

    >>> factor_basis(0.0).tolist()   # l = x0: the quadrics x0^2 and x0 x1
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    """
    phi = np.asarray(phi, dtype=np.float64)
    c, s = np.cos(phi), np.sin(phi)
    E = np.zeros(phi.shape + (2, 3))
    E[..., 0, 0], E[..., 0, 1] = c, s
    E[..., 1, 1], E[..., 1, 2] = c, s
    return E


def _profile(A: np.ndarray, B: np.ndarray, c0: float, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boundary loss and best ``C`` (rows divisible by ``l``) at each angle, from the loss matrices."""
    E = factor_basis(phi)  # (P, 2, 3)
    G = E @ A @ np.swapaxes(E, -1, -2)  # (P, 2, 2)
    H = E @ B  # (P, 2, dL)
    try:
        Mt = np.linalg.solve(G, H)  # M^T
    except np.linalg.LinAlgError:  # degenerate data: some angle leaves < 2 independent points
        Mt = np.linalg.pinv(G) @ H
    value = c0 - np.einsum("pij,pij->p", H, Mt)
    return value, np.swapaxes(Mt, -1, -2) @ E


def boundary_profile(widths: ArchitectureLike, r: Optional[RSpec], X: Any, Y: Any, phi: Any) -> np.ndarray:
    """The least loss over coefficient matrices whose rows are all divisible by ``l = (cos phi, sin phi)``.

    >>> from neurovariety.loss import make_data
    >>> X, Y = make_data((2, 2, 3), 2, seed=0)
    >>> f = boundary_profile((2, 2, 3), 2, X, Y, [0.0, np.pi])   # period pi
    >>> bool(abs(f[0] - f[1]) < 1e-12)
    True
    """
    A, B, c0 = _matrices(Architecture.coerce(widths, r), X, Y)
    return _profile(A, B, c0, np.atleast_1d(np.asarray(phi, dtype=np.float64)))[0]


def _matrices(arch: Architecture, X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray, float]:
    if not boundary_known(arch):
        raise NotSupportedError(f"the boundary of the neuromanifold is implemented for (2, 2, dL), r = 2, dL >= 2, not {arch}")
    X, Y = check_data(arch, X, Y)
    if X.ndim != 2:
        raise NotSupportedError("boundary_minima takes one data set (X of shape (n, 2))")
    A, B, c0 = loss_matrices(arch, None, X, Y)
    return A, B, float(c0)


def _sextic_angles(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Angles of the real roots of ``N' D - N D'`` (chart ``l = (1, t)``) and of ``l = x1``."""
    E0 = factor_basis(0.0)
    E1 = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])  # E(1, t) = E0 + t E1
    G0, G2 = E0 @ A @ E0.T, E1 @ A @ E1.T
    G1 = E0 @ A @ E1.T + E1 @ A @ E0.T
    g = [[np.array([G0[i, j], G1[i, j], G2[i, j]]) for j in range(2)] for i in range(2)]
    D = P.polysub(P.polymul(g[0][0], g[1][1]), P.polymul(g[0][1], g[1][0]))
    adj = [[g[1][1], -g[0][1]], [-g[1][0], g[0][0]]]
    h0, h1 = E0 @ B, E1 @ B
    N = np.zeros(1)
    for col in range(B.shape[1]):
        hv = [np.array([h0[i, col], h1[i, col]]) for i in range(2)]
        for i in range(2):
            for j in range(2):
                N = P.polyadd(N, P.polymul(P.polymul(hv[i], adj[i][j]), hv[j]))
    W = P.polysub(P.polymul(P.polyder(N), D), P.polymul(N, P.polyder(D)))
    W = np.trim_zeros(np.where(np.abs(W) > 1e-14 * np.abs(W).max(initial=0.0), W, 0.0), "b")
    roots = P.polyroots(W) if len(W) > 1 else np.zeros(0)
    # keep nearly real roots too: a double root may come out with a small imaginary part
    t = roots.real[np.abs(roots.imag) <= 1e-6 * (1.0 + np.abs(roots))]
    return np.concatenate([np.arctan(t), [np.pi / 2]]) % np.pi


def _golden(A: np.ndarray, B: np.ndarray, c0: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Golden-section minimisation on each bracket ``[lo, hi]`` (vectorised)."""
    q = (np.sqrt(5.0) - 1) / 2
    for _ in range(_GOLDEN):
        m1, m2 = hi - q * (hi - lo), lo + q * (hi - lo)
        f = _profile(A, B, c0, np.concatenate([m1, m2]))[0]
        left = f[: len(m1)] < f[len(m1) :]
        hi, lo = np.where(left, m2, hi), np.where(left, lo, m1)
    return np.asarray((lo + hi) / 2)


@dataclass(repr=False)
class BoundaryMinimum(Displayable):
    """A local minimum of the loss over the boundary ``B``: the common factor ``l = (cos angle, sin angle)``,
    the loss there and the minimising coefficient matrix (rows divisible by ``l``).

    ``outward``: whether the descent direction of the loss on ``V`` at this point leaves the
    neuromanifold (:func:`descent_leaves_neuromanifold`): then it is a first-order local minimum
    of the loss over the *closed* neuromanifold, a point that descending runs can approach only
    with diverging weights. ``None`` where undecided (a rank-deficient point).
    """

    angle: float
    loss: float
    coefficients: np.ndarray
    outward: Optional[bool] = None

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types."""
        return {"angle": self.angle, "loss": self.loss, "outward": self.outward,
                "coefficients": np.asarray(self.coefficients, dtype=float).tolist()}

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("angle", self.angle), ("loss", self.loss), ("outward", self.outward), ("coefficients", self.coefficients)]


@dataclass(repr=False)
class BoundaryMinima(Displayable):
    """Result of :func:`boundary_minima`: the local minima of the loss over ``B``, by loss.

    ``infimum`` is the least loss over ``B`` (the first minimum's), ``margin`` an allowance for
    rounding: the true infimum lies in ``[infimum - margin, infimum]`` (``infimum`` is a computed
    value of the loss at a point of ``B``, and every critical point of the one-angle function is
    a root of the sextic that is polished). ``lower_bound = infimum - margin`` is what a run's
    loss is compared with: a descending run whose loss falls below it can never reach ``B``.
    """

    minima: list[BoundaryMinimum]
    margin: float
    statement: str = field(default="")

    @property
    def infimum(self) -> float:
        """The least loss over the boundary ``B``."""
        return self.minima[0].loss

    @property
    def lower_bound(self) -> float:
        """``infimum - margin``: a proved-enough lower bound for the loss on ``B``."""
        return self.infimum - self.margin

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (the ``boundary`` entry of ``summary.json``)."""
        return {"infimum": self.infimum, "margin": self.margin, "lower_bound": self.lower_bound,
                "minima": [m.to_dict() for m in self.minima], "statement": self.statement}

    def _display_title(self) -> str:
        return "Minima of the loss over the boundary of the neuromanifold"

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("infimum", self.infimum), ("margin", self.margin), ("minima", len(self.minima))]

    def _display_table(self) -> Table:
        """One row per local minimum: ``angle, loss, outward``."""
        return ("angle", "loss", "outward"), [[m.angle, m.loss, m.outward] for m in self.minima]


def descent_leaves_neuromanifold(widths: ArchitectureLike, r: Optional[RSpec], C: Any, gradient: Any) -> Optional[bool]:
    """Does ``C - eps P(gradient)`` leave the neuromanifold, ``P`` the projection to the tangent space of
    ``V = {rank <= 2}`` at the rank-2 boundary point ``C`` (``None`` if ``C`` has rank < 2)?

    >>> C = np.array([[1.0, 0, 0], [0, 1, 0], [1, 1, 0]])   # rows divisible by x0: on B
    >>> descent_leaves_neuromanifold((2, 2, 3), 2, C, -np.array([[0, 0, 1.0], [0, 0, 0], [0, 0, 0]]))
    False
    """
    arch = Architecture.coerce(widths, r)
    C = np.asarray(C, dtype=np.float64).reshape(arch.dL, 3)
    Gm = np.asarray(gradient, dtype=np.float64).reshape(arch.dL, 3)
    U, s, Vt = np.linalg.svd(C)
    if s[1] <= 1e-9 * s[0]:
        return None
    Uo, Vo = U[:, 2:], Vt[2:].T
    d = -(Gm - Uo @ (Uo.T @ Gm @ Vo) @ Vo.T)
    dn = float(np.linalg.norm(d))
    if dn == 0.0:
        return None
    eps = 1e-5 * float(np.linalg.norm(C)) / dn
    return neuromanifold_margin(arch, None, C + eps * d) < 0


def boundary_minima(widths: ArchitectureLike, r: Optional[RSpec], X: Any, Y: Any) -> BoundaryMinima:
    """The local minima of the loss over the boundary of the real neuromanifold, least first.

    See the module docstring for the mathematics; ``(2, 2, dL)``, r = 2, ``dL >= 2`` only
    (:class:`~neurovariety.errors.NotSupportedError` otherwise). Losses are means over the data
    (as :func:`~neurovariety.loss.loss_matrices`).

    >>> from neurovariety.loss import make_data
    >>> X, Y = make_data((2, 2, 3), 2, seed=4)
    >>> bm = boundary_minima((2, 2, 3), 2, X, Y)
    >>> [round(m.loss, 6) for m in bm.minima], bm.minima[0].outward
    ([1.69644, 1.824675], True)
    """
    arch = Architecture.coerce(widths, r)
    A, B, c0 = _matrices(arch, X, Y)
    h = np.pi / _GRID
    grid = np.arange(_GRID) * h
    f = _profile(A, B, c0, grid)[0]
    local = grid[(f <= np.roll(f, 1)) & (f <= np.roll(f, -1))]
    cand = np.concatenate([local, _sextic_angles(A, B)])
    best = _golden(A, B, c0, cand - h, cand + h) % np.pi
    value, coeffs = _profile(A, B, c0, best)
    around = _profile(A, B, c0, np.concatenate([best - h / 4, best + h / 4]))[0]
    tol = _ROUNDING * max(abs(c0), 1e-300)
    is_min = (value <= around[: len(best)] + tol) & (value <= around[len(best) :] + tol)
    gradient = 2.0 * (coeffs @ A - B.T)
    minima: list[BoundaryMinimum] = []
    for k in np.argsort(value):
        if not is_min[k]:
            continue
        gap = np.abs((best[k] - np.array([m.angle for m in minima]) + np.pi / 2) % np.pi - np.pi / 2)
        if len(minima) and gap.min() < 1e-6:
            continue
        outward = descent_leaves_neuromanifold(arch, None, coeffs[k], gradient[k])
        minima.append(BoundaryMinimum(float(best[k]), float(value[k]), coeffs[k], outward))
    statement = (f"least loss over the boundary of the real neuromanifold (rows of C with a common real linear "
                 f"factor): {minima[0].loss:.12g}, at most {tol:.1e} above the true infimum; all critical points of "
                 f"the one-angle problem (roots of a degree-6 polynomial) and a {_GRID}-point grid were refined")
    return BoundaryMinima(minima, tol, statement)
