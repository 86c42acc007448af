"""Judging training runs in function space: minimum, saddle, singular, boundary or unconverged.

When the minimiser lies outside the real neuromanifold the weights diverge while the function
approaches the boundary and the weight gradient becomes small, because the parametrisation
degenerates there. A run counts as a learned critical point only if the loss gradient in
coefficient space, projected to the tangent space of ``V`` (the column space of the coefficient
Jacobian), vanishes too.

>>> from neurovariety.loss import make_data
>>> from neurovariety.learning.train import train
>>> X, Y = make_data((2, 2, 3), 2, seed=0)
>>> cls = classify_runs(train((2, 2, 3), 2, X, Y, runs=6, steps=2000, seed=1, progress=False))
>>> set(cls.outcome) <= set(OUTCOMES), cls.dim_v
(True, 8)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence, Union

import numpy as np

from .._validate import finite_float, positive_float
from ..architecture import Architecture
from ..errors import InvalidInputError
from ..loss import loss_matrices
from ..network import balance_weights, coefficients_and_jacobian, flatten_weights, split_weights
from .closed_form import CriticalPoint, checked_critical_points, variety_dimension
from .train import TrainResult, loss_and_gradient

__all__ = ["OUTCOMES", "CPSpec", "RunClassification", "classify_runs", "as_critical_points", "hessian_extreme_eigenvalues"]

#: Run outcomes, in the order used for tables and plots.
OUTCOMES = ("minimum", "saddle", "unknown", "singular", "boundary", "unconverged")

#: How critical points are given to :func:`classify_runs`: ``"auto"``, ``None`` or a list.
CPSpec = Union[str, None, Sequence[Any]]

#: Per data set: its critical points, or ``None`` when no closed form is known.
CriticalPointLists = list[Optional[list[CriticalPoint]]]


@dataclass
class RunClassification:
    """Per-run verdicts of :func:`classify_runs` (arrays of length ``R``).

    ``outcome`` is one of :data:`OUTCOMES`; ``stationary`` = weight gradient below ``tol`` *and*
    the coefficient-space gradient projected to the tangent space (``tangent_residual``, normalised
    units) below ``ftol``; ``jacobian_rank`` is the numerical rank of the coefficient Jacobian at
    the balanced weights; ``critical_point`` the index of the matched critical point (-1: none) in
    the run's data set's list ``critical_points[data_index]`` (``None`` entries: no closed form).
    """

    outcome: np.ndarray
    stationary: np.ndarray
    jacobian_rank: np.ndarray
    tangent_residual: np.ndarray
    critical_point: np.ndarray
    match_distance: np.ndarray
    dim_v: int
    critical_points: CriticalPointLists

    @classmethod
    def unconverged(cls, runs: int, dim_v: int, critical_points: CriticalPointLists) -> "RunClassification":
        """Every run ``unconverged`` and unmatched: the verdicts before any evidence."""
        return cls(
            outcome=np.full(runs, "unconverged", dtype=object),
            stationary=np.zeros(runs, dtype=bool),
            jacobian_rank=np.zeros(runs, dtype=np.int64),
            tangent_residual=np.full(runs, np.nan),
            critical_point=np.full(runs, -1, dtype=np.int64),
            match_distance=np.full(runs, np.nan),
            dim_v=dim_v,
            critical_points=critical_points,
        )


@dataclass(frozen=True)
class _Tolerances:
    """The thresholds of :func:`classify_runs` (see its docstring)."""

    ftol: float
    rank_rtol: float
    match_rtol: float
    degeneracy: float
    persistence: float
    near_rtol: float
    hess_tol: float


def as_critical_points(arch: Architecture, cps: Sequence[Any]) -> list[CriticalPoint]:
    """Critical points given as coefficient matrices (or :class:`CriticalPoint`) as a list of the latter.

    Complex critical points (e.g. from a learning-degree solver) count, but only real ones can be
    learned: they get kind ``"complex"``, real ones kind ``"unknown"`` (no closed-form kind).

    >>> [cp.kind for cp in as_critical_points(Architecture((2, 1, 1), 2), [[1, 0, 0], [1j, 0, 0]])]
    ['unknown', 'complex']
    """
    out = []
    for cp in cps:
        if isinstance(cp, CriticalPoint):
            out.append(cp)
            continue
        C = np.asarray(cp)
        if C.size != arch.ambient_dim:
            raise InvalidInputError(f"a critical point must have {arch.dL} x {arch.num_monomials} coefficients, got shape {C.shape}")
        C = C.reshape(arch.dL, arch.num_monomials)
        real = not np.iscomplexobj(C) or np.abs(C.imag).max() <= 1e-9 * max(1.0, np.abs(C).max())
        out.append(CriticalPoint(C.real.astype(float) if real else C, float("nan"), "unknown" if real else "complex", None))
    return out


def _critical_points_per_dataset(result: TrainResult, critical_points: CPSpec) -> CriticalPointLists:
    K = result.X.shape[0]
    if isinstance(critical_points, str):
        if critical_points != "auto":
            raise InvalidInputError(f"critical_points must be 'auto', None or a list, got {critical_points!r}")
        return [checked_critical_points(result.arch, result.X[k], result.Y[k]) for k in range(K)]
    if critical_points is None:
        return [None] * K
    if K != 1:
        raise InvalidInputError("explicit critical points need a result trained on a single data set")
    return [as_critical_points(result.arch, critical_points)]


def hessian_extreme_eigenvalues(
    arch: Architecture, theta: np.ndarray, Xt: np.ndarray, Yt: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest eigenvalue of the weight-space Hessian (central differences of the gradient).

    Arguments as for :func:`~neurovariety.learning.train.loss_and_gradient`.

    >>> lo, hi = hessian_extreme_eigenvalues(Architecture((1, 1), 1), np.array([[0.5]]), np.ones((1, 1, 1)), np.zeros((1, 1, 1)))
    >>> round(float(lo[0]), 6), round(float(hi[0]), 6)   # loss w^2: Hessian 2
    (2.0, 2.0)
    """
    R, N = theta.shape
    h = 1e-5 * np.maximum(1.0, np.linalg.norm(theta, axis=1))
    H = np.empty((R, N, N))
    for k in range(N):
        step = np.zeros_like(theta)
        step[:, k] = h
        _, gp = loss_and_gradient(arch, theta + step, Xt, Yt)
        _, gm = loss_and_gradient(arch, theta - step, Xt, Yt)
        H[:, :, k] = (gp - gm) / (2 * h[:, None])
    H = 0.5 * (H + np.swapaxes(H, 1, 2))
    ev = np.linalg.eigvalsh(H)
    return ev[:, 0], ev[:, -1]


def _normalised_data(result: TrainResult, runs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The data of each of ``runs`` in the normalised units of training, ``(r, n, d)``."""
    k = result.data_index[runs]
    return result.X[k] / result.x_scale[k, None, None], result.Y[k] / result.y_scale[k, None, None]


def _normalised_weights(result: TrainResult, runs: np.ndarray) -> list[np.ndarray]:
    ws = [w[runs].copy() for w in result.weights]
    ws[0] = ws[0] * result.x_scale[result.data_index[runs], None, None]
    ws[-1] = ws[-1] / result.y_scale[result.data_index[runs], None, None]
    return ws


def _tangent_projection(
    result: TrainResult, runs: np.ndarray, C: np.ndarray, J: np.ndarray, rank_rtol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Numerical rank of ``J`` and the norm of the coefficient-space loss gradient projected to col(J)."""
    U, s, _ = np.linalg.svd(J, full_matrices=False)
    rank = (s > rank_rtol * np.maximum(s[:, :1], 1.0)).sum(axis=1)
    A, B, _ = loss_matrices(result.arch, None, *_normalised_data(result, runs))
    G = 2.0 * (C @ A - np.swapaxes(B, -1, -2))  # coefficient-space gradient, normalised units
    proj = np.einsum("rkm,rk->rm", U, G.reshape(len(runs), -1))
    proj[np.arange(U.shape[-1])[None, :] >= rank[:, None]] = 0.0
    return rank, np.linalg.norm(proj, axis=1)


def _tangent_residual(result: TrainResult, runs: np.ndarray, theta: np.ndarray, rank_rtol: float) -> np.ndarray:
    """The tangent residual at flat normalised weights ``theta`` (NaN where they overflow)."""
    arch = result.arch
    with np.errstate(over="ignore", invalid="ignore"):
        ws = balance_weights(arch, None, split_weights(arch, theta))
        C, J = coefficients_and_jacobian(arch, None, ws)
    bad = ~(np.isfinite(J).all(axis=(1, 2)) & np.isfinite(C).all(axis=(1, 2)))
    J[bad], C[bad] = 0.0, 0.0
    _, out = _tangent_projection(result, runs, C, J, rank_rtol)
    out[bad] = np.nan
    return out


def _nearest_critical_point(C: np.ndarray, cps: list[CriticalPoint]) -> tuple[int, float]:
    """Index of the real critical point nearest to ``C`` (relative distance), -1 if none is real."""
    best, best_d = -1, np.inf
    for c_idx, cp in enumerate(cps):
        if cp.kind == "complex":
            continue
        d = np.linalg.norm(C - cp.coefficients) / max(float(np.linalg.norm(cp.coefficients)), 1e-300)
        if d < best_d:
            best, best_d = c_idx, float(d)
    return best, best_d


def _match_stationary(
    result: TrainResult, runs: np.ndarray, full: np.ndarray, out: RunClassification, match_rtol: float
) -> list[int]:
    """Give full-rank stationary runs the kind of their critical point; those needing a Hessian."""
    need_hessian = []
    for j in np.flatnonzero(full):
        i = runs[j]
        cps = out.critical_points[result.data_index[i]]
        if cps is None:
            need_hessian.append(int(j))
            continue
        best, best_d = _nearest_critical_point(result.coefficients[i], cps)
        out.match_distance[i] = best_d
        if best >= 0 and best_d <= match_rtol:
            out.critical_point[i] = best
            kind = cps[best].kind
            if kind in ("minimum", "saddle"):
                out.outcome[i] = kind
            else:  # a critical point without a known kind: ask the Hessian
                need_hessian.append(int(j))
        else:
            out.outcome[i] = "unknown"
    return need_hessian


def _hessian_kinds(result: TrainResult, runs: np.ndarray, ws: list[np.ndarray], hess_tol: float) -> np.ndarray:
    """``saddle`` / ``minimum`` (a local one) from the inertia of the weight-space Hessian."""
    theta = flatten_weights(ws)
    Xn, Yn = _normalised_data(result, runs)
    lo, hi = hessian_extreme_eigenvalues(result.arch, theta, np.swapaxes(Xn, 1, 2), np.swapaxes(Yn, 1, 2))
    return np.where(lo < -hess_tol * np.maximum(1.0, hi), "saddle", "minimum")


def _boundary_runs(
    result: TrainResult, runs: np.ndarray, st: np.ndarray, rho: np.ndarray, cps_per: CriticalPointLists, tols: _Tolerances
) -> np.ndarray:
    """The non-stationary runs among ``runs`` that head for the boundary of the neuromanifold."""
    lh, nh = result.loss_history[runs], result.norm_history[runs]
    last = np.array([np.flatnonzero(np.isfinite(row)).max() if np.isfinite(row).any() else 0 for row in lh])
    mid = last // 2
    rr = np.arange(len(runs))
    decreasing = lh[rr, last] < lh[rr, mid]
    growing = nh[rr, last] > nh[rr, mid]
    degenerate = rho >= tols.degeneracy * result.grad_norms[runs]
    cand = np.flatnonzero(~st & (last > 0) & decreasing & growing & degenerate)
    if len(cand) == 0:
        return np.zeros(0, dtype=np.int64)
    # the pull along V must persist: near a realisable critical point that is merely badly
    # conditioned (close to the boundary) the tangent residual keeps shrinking instead
    i_c = runs[cand]
    rho_mid = _tangent_residual(result, i_c, result.weight_history[i_c, mid[cand]], tols.rank_rtol)
    keep = rho[cand] >= tols.persistence * rho_mid
    for j, i in enumerate(i_c):
        cps = cps_per[result.data_index[i]]
        if keep[j] and cps is not None:
            keep[j] = not _near_realisable(result.coefficients[i], cps, tols.near_rtol)
    return i_c[keep]


def _near_realisable(C: np.ndarray, cps: list[CriticalPoint], near_rtol: float) -> bool:
    return any(
        np.linalg.norm(C - cp.coefficients) <= near_rtol * np.linalg.norm(cp.coefficients) for cp in cps if cp.in_neuromanifold
    )


def _finite_runs(result: TrainResult) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """Runs with finite loss and Jacobian: indices, coefficients, Jacobians, balanced weights (normalised)."""
    arch = result.arch
    runs = np.flatnonzero(~result.diverged & np.isfinite(result.losses))
    if len(runs) == 0:
        return runs, np.zeros(0), np.zeros(0), []
    with np.errstate(over="ignore", invalid="ignore"):
        ws = balance_weights(arch, None, _normalised_weights(result, runs))
        C, J = coefficients_and_jacobian(arch, None, ws)
    good = np.isfinite(J).all(axis=(1, 2)) & np.isfinite(C).all(axis=(1, 2))
    return runs[good], C[good], J[good], [w[good] for w in ws]


def _classify(result: TrainResult, out: RunClassification, tols: _Tolerances) -> None:
    """Fill ``out`` with the verdicts of every run that has finite weights and Jacobian."""
    runs, C, J, ws = _finite_runs(result)
    if len(runs) == 0:
        return
    rank, rho = _tangent_projection(result, runs, C, J, tols.rank_rtol)
    out.jacobian_rank[runs] = rank
    out.tangent_residual[runs] = rho
    st = result.converged[runs] & (rho <= tols.ftol)
    out.stationary[runs] = st
    # stationary runs: singular / the kind of the matched critical point / Hessian inertia
    sing = st & (rank < out.dim_v)
    out.outcome[runs[sing]] = "singular"
    need_hessian = _match_stationary(result, runs, st & ~sing, out, tols.match_rtol)
    if need_hessian:
        hj = np.array(need_hessian)
        out.outcome[runs[hj]] = _hessian_kinds(result, runs[hj], [w[hj] for w in ws], tols.hess_tol)
    # non-stationary runs: boundary or unconverged
    out.outcome[_boundary_runs(result, runs, st, rho, out.critical_points, tols)] = "boundary"


def classify_runs(
    result: TrainResult,
    critical_points: CPSpec = "auto",
    *,
    ftol: float = 1e-6,
    rank_rtol: float = 1e-7,
    match_rtol: float = 1e-6,
    degeneracy: float = 10.0,
    persistence: float = 0.85,
    near_rtol: float = 1e-2,
    hess_tol: float = 1e-5,
) -> RunClassification:
    """Classify every run as ``minimum``, ``saddle``, ``unknown``, ``singular``, ``boundary`` or
    ``unconverged``.

    * *stationary* runs (weight gradient ``< tol`` and tangent residual ``<= ftol``): ``singular``
      if the coefficient Jacobian has rank ``< dim V`` (``rank_rtol`` relative to
      ``max(s_1, 1)``), else the kind of the closed-form critical point they match (relative
      distance ``<= match_rtol``), ``unknown`` if none matches, or -- without a closed form -- the
      inertia of the weight-space Hessian (``saddle`` if an eigenvalue ``< -hess_tol``, else
      ``minimum``, meaning a local minimum).
    * ``boundary``: not stationary, loss still decreasing over the last half of training, balanced
      weight norm growing, the parametrisation degenerate (tangent residual ``>= degeneracy``
      times the weight gradient: the function is pulled in a direction the weights can only follow
      by growing), and that pull persistent (tangent residual at the end ``>= persistence`` times
      its value at mid-training) -- and, where the critical points are known, the function is not
      within ``near_rtol`` of a realisable one (a minimum close to the boundary is approached
      slowly, with growing weights, but it is approached). These runs are never counted as
      learned critical points.
    * everything else (including ``diverged`` runs) is ``unconverged``.

    ``critical_points``: ``"auto"`` (closed form where known), ``None`` (ignore), or a list of
    coefficient matrices / :class:`~neurovariety.learning.closed_form.CriticalPoint` (one data set
    only) -- the hook through which a learning-degree computation can supply all critical points.

    >>> from neurovariety.loss import make_data
    >>> from neurovariety.learning.train import train
    >>> X, Y = make_data((2, 2, 3), 2, seed=0)
    >>> res = train((2, 2, 3), 2, X, Y, runs=4, steps=10, seed=1, progress=False)
    >>> classify_runs(res, None).outcome.tolist()   # 10 steps: nobody has converged
    ['unconverged', 'unconverged', 'unconverged', 'unconverged']
    """
    tols = _Tolerances(
        ftol=positive_float(ftol, "ftol"),
        rank_rtol=positive_float(rank_rtol, "rank_rtol"),
        match_rtol=positive_float(match_rtol, "match_rtol"),
        degeneracy=finite_float(degeneracy, "degeneracy"),
        persistence=finite_float(persistence, "persistence"),
        near_rtol=positive_float(near_rtol, "near_rtol"),
        hess_tol=finite_float(hess_tol, "hess_tol"),
    )
    cps_per = _critical_points_per_dataset(result, critical_points)
    out = RunClassification.unconverged(result.runs, variety_dimension(result.arch), cps_per)
    _classify(result, out, tols)
    out.outcome = out.outcome.astype(str)
    return out
