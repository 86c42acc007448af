"""Judging training runs in function space: minimum, saddle, singular, boundary or unconverged.

A run counts as a learned critical point only if it is *stationary*: its weight gradient is below
the training tolerance and the loss gradient in coefficient space, projected to the tangent space
of ``V`` (the column space of the coefficient Jacobian), vanishes too. When the minimiser lies
outside the real neuromanifold the weights diverge while the function approaches the boundary
and the weight gradient may become small, because the parametrisation degenerates there: such a
run is ``boundary`` only with the certificate of :mod:`~neurovariety.learning.certificate` (its
loss approaches a minimum of the loss over the boundary, computed in
:mod:`~neurovariety.learning.boundary`, while its weights grow); everything else is
``unconverged``, and ``reason`` says why.

>>> from neurovariety.loss import make_data
>>> from neurovariety.learning.train import train
>>> X, Y = make_data((2, 2, 3), 2, seed=0)
>>> cls = classify_runs(train((2, 2, 3), 2, X, Y, runs=6, seed=1, progress=False))
>>> set(cls.outcome) <= set(OUTCOMES), cls.dim_v
(True, 8)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence, Union

import numpy as np

from .._display import Displayable, Table
from .._validate import finite_float, positive_float
from ..architecture import Architecture
from ..errors import InvalidInputError
from ..loss import loss_matrices
from ..network import balance_weights, coefficients_and_jacobian, flatten_weights, split_weights
from .boundary import BoundaryMinima, boundary_known, boundary_minima
from .certificate import CertificateTolerances, certify_boundary
from .closed_form import CriticalPoint, checked_critical_points, variety_dimension
from .optimizers import loss_and_gradient
from .train import TrainResult

__all__ = ["OUTCOMES", "CPSpec", "RunClassification", "classify_runs", "as_critical_points", "hessian_extreme_eigenvalues"]

#: Run outcomes, in the order used for tables and plots.
OUTCOMES = ("minimum", "saddle", "unknown", "singular", "boundary", "unconverged")

#: How critical points are given to :func:`classify_runs`: ``"auto"``, ``None`` or a list.
CPSpec = Union[str, None, Sequence[Any]]

#: Per data set: its critical points, or ``None`` when no closed form is known.
CriticalPointLists = list[Optional[list[CriticalPoint]]]

#: Per data set: the minima of the loss over the boundary of the neuromanifold (``None``: unknown).
BoundaryLists = list[Optional[BoundaryMinima]]


@dataclass(repr=False)
class RunClassification(Displayable):
    """Per-run verdicts of :func:`classify_runs` (arrays of length ``R``).

    ``outcome`` is one of :data:`OUTCOMES`; ``stationary`` = weight gradient below ``tol`` *and*
    the coefficient-space gradient projected to the tangent space (``tangent_residual``, normalised
    units) below ``ftol``; ``jacobian_rank`` is the numerical rank of the coefficient Jacobian at
    the balanced weights; ``critical_point`` the index of the matched critical point (-1: none) in
    the run's data set's list ``critical_points[data_index]`` (``None`` entries: no closed form).
    ``reason`` explains every verdict in a few words (for ``unconverged`` runs: what is missing);
    ``boundary_point`` is the index of the boundary minimum a run approaches in its data set's
    ``boundaries`` list (-1: none) and ``boundary_gap`` its loss minus that minimum's (data units).
    """

    outcome: np.ndarray
    stationary: np.ndarray
    jacobian_rank: np.ndarray
    tangent_residual: np.ndarray
    critical_point: np.ndarray
    match_distance: np.ndarray
    dim_v: int
    critical_points: CriticalPointLists
    reason: np.ndarray
    boundary_point: np.ndarray
    boundary_gap: np.ndarray
    boundaries: BoundaryLists

    def counts(self) -> dict[str, int]:
        """Number of runs per outcome (every outcome of :data:`OUTCOMES`)."""
        return {o: int(np.sum(self.outcome == o)) for o in OUTCOMES}

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types: runs, ``dim V`` and the outcome counts (per-run verdicts: :meth:`to_dataframe`)."""
        return {"runs": int(len(self.outcome)), "dim_v": int(self.dim_v), "outcomes": self.counts()}

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("runs", len(self.outcome)), ("dim_v", self.dim_v), ("outcomes", self.counts())]

    def _display_table(self) -> Table:
        """One row per run: ``run, outcome, jacobian_rank, critical_point, boundary_point, reason``."""
        rows = [[i, str(self.outcome[i]), int(self.jacobian_rank[i]), int(self.critical_point[i]), int(self.boundary_point[i]),
                 str(self.reason[i])] for i in range(len(self.outcome))]
        return ("run", "outcome", "jacobian_rank", "critical_point", "boundary_point", "reason"), rows

    @classmethod
    def unconverged(
        cls, runs: int, dim_v: int, critical_points: CriticalPointLists, boundaries: Optional[BoundaryLists] = None
    ) -> "RunClassification":
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
            reason=np.full(runs, "non-finite weights, coefficients or Jacobian", dtype=object),
            boundary_point=np.full(runs, -1, dtype=np.int64),
            boundary_gap=np.full(runs, np.nan),
            boundaries=boundaries if boundaries is not None else [None] * len(critical_points),
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
    certificate: CertificateTolerances


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


def _boundaries_per_dataset(result: TrainResult) -> BoundaryLists:
    if not boundary_known(result.arch):
        return [None] * result.X.shape[0]
    out: BoundaryLists = []
    for k in range(result.X.shape[0]):
        try:
            out.append(boundary_minima(result.arch, None, result.X[k], result.Y[k]))
        except (ValueError, np.linalg.LinAlgError):  # degenerate data: nothing to certify against
            out.append(None)
    return out


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


def _tangent_projection(
    result: TrainResult, runs: np.ndarray, C: np.ndarray, J: np.ndarray, rank_rtol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Numerical rank of ``J`` and the norm of the coefficient-space loss gradient projected to col(J)."""
    U, s, _ = np.linalg.svd(J, full_matrices=False)
    rank = (s > rank_rtol * np.maximum(s[:, :1], 1.0)).sum(axis=1)
    A, B, _ = loss_matrices(result.arch, None, *result.normalised_data(runs))
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
            out.reason[i] = f"stationary at critical point c{best} (relative distance {best_d:.1g})"
            kind = cps[best].kind
            if kind in ("minimum", "saddle"):
                out.outcome[i] = kind
            else:  # a critical point without a known kind: ask the Hessian
                need_hessian.append(int(j))
        else:
            out.outcome[i] = "unknown"
            out.reason[i] = f"stationary, but no known critical point within {match_rtol:g} (nearest {best_d:.2g})"
    return need_hessian


def _hessian_kinds(result: TrainResult, runs: np.ndarray, ws: list[np.ndarray], hess_tol: float) -> np.ndarray:
    """``saddle`` / ``minimum`` (a local one) from the inertia of the weight-space Hessian."""
    theta = flatten_weights(ws)
    Xn, Yn = result.normalised_data(runs)
    lo, hi = hessian_extreme_eigenvalues(result.arch, theta, np.swapaxes(Xn, 1, 2), np.swapaxes(Yn, 1, 2))
    return np.where(lo < -hess_tol * np.maximum(1.0, hi), "saddle", "minimum")


def _looks_like_boundary(
    result: TrainResult, runs: np.ndarray, rho: np.ndarray, cps_per: CriticalPointLists, tols: _Tolerances
) -> np.ndarray:
    """Heuristic (no certificate): loss decreasing and weights growing over the second half of training,
    the parametrisation degenerate (tangent residual ``>= degeneracy`` x weight gradient) and that pull
    persistent, and not within ``near_rtol`` of a realisable critical point."""
    lh, nh = result.loss_history[runs], result.norm_history[runs]
    last = np.array([np.flatnonzero(np.isfinite(row)).max() if np.isfinite(row).any() else 0 for row in lh])
    mid = last // 2
    rr = np.arange(len(runs))
    out = (last > 0) & (lh[rr, last] < lh[rr, mid]) & (nh[rr, last] > nh[rr, mid])
    out &= rho >= tols.degeneracy * result.grad_norms[runs]
    cand = np.flatnonzero(out)
    if len(cand):
        i_c = runs[cand]
        rho_mid = _tangent_residual(result, i_c, result.weight_history[i_c, mid[cand]], tols.rank_rtol)
        out[cand] = rho[cand] >= tols.persistence * rho_mid
    for j in np.flatnonzero(out):
        cps = cps_per[result.data_index[runs[j]]]
        if cps is not None:
            out[j] = not _near_realisable(result.coefficients[runs[j]], cps, tols.near_rtol)
    return np.asarray(out)


def _near_realisable(C: np.ndarray, cps: list[CriticalPoint], near_rtol: float) -> bool:
    return any(
        np.linalg.norm(C - cp.coefficients) <= near_rtol * np.linalg.norm(cp.coefficients) for cp in cps if cp.in_neuromanifold
    )


def _stop_description(result: TrainResult, i: int, rho: float, ftol: float) -> str:
    """Why run ``i`` (not stationary) stopped, in words."""
    why = str(result.stop_reason[i])
    gn = float(result.grad_norms[i])
    if why == "tolerance":
        return f"weight gradient below tol, loss gradient along V not (tangent residual {rho:.2g} > ftol {ftol:g})"
    if why == "stalled":
        return f"no step lowers the loss any more (after {result.steps_taken[i]} steps, gradient norm {gn:.2g})"
    if why == "overflow":
        return "overflow/NaN (last finite weights kept)"
    return f"step budget used up ({result.steps} steps, gradient norm {gn:.2g} > tol {result.tol:g})"


def _judge_moving(result: TrainResult, runs: np.ndarray, rho: np.ndarray, out: RunClassification, tols: _Tolerances) -> None:
    """``boundary`` (certified) or ``unconverged`` with a reason, for the non-stationary ``runs``."""
    if len(runs) == 0:
        return
    ev = certify_boundary(result, runs, out.boundaries, tols.certificate)
    known = np.array([out.boundaries[result.data_index[i]] is not None for i in runs], dtype=bool)
    heuristic = np.zeros(len(runs), dtype=bool)
    if not known.all():
        heuristic[~known] = _looks_like_boundary(result, runs[~known], rho[~known], out.critical_points, tols)
    out.boundary_point[runs] = ev.point
    out.boundary_gap[runs] = ev.gap
    for j, i in enumerate(runs):
        if ev.certified[j]:
            out.outcome[i], out.reason[i] = "boundary", ev.reason[j]
            continue
        extra = ev.reason[j]
        if heuristic[j]:
            extra = "weights growing with a degenerate parametrisation (possibly heading for the boundary); " + extra
        out.reason[i] = _stop_description(result, int(i), float(rho[j]), tols.ftol) + "; not a certified boundary run: " + extra


def _finite_runs(result: TrainResult) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """Runs with finite loss and Jacobian: indices, coefficients, Jacobians, balanced weights (normalised)."""
    arch = result.arch
    runs = np.flatnonzero(~result.diverged & np.isfinite(result.losses))
    if len(runs) == 0:
        return runs, np.zeros(0), np.zeros(0), []
    with np.errstate(over="ignore", invalid="ignore"):
        ws = balance_weights(arch, None, result.normalised_weights(runs))
        C, J = coefficients_and_jacobian(arch, None, ws)
    good = np.isfinite(J).all(axis=(1, 2)) & np.isfinite(C).all(axis=(1, 2))
    return runs[good], C[good], J[good], [w[good] for w in ws]


def _classify(result: TrainResult, out: RunClassification, tols: _Tolerances) -> None:
    """Fill ``out`` with the verdicts of every run that has finite weights and Jacobian."""
    out.reason[result.diverged] = "overflow/NaN during training (last finite weights kept)"
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
    out.reason[runs[sing]] = "stationary where the coefficient Jacobian drops rank"
    need_hessian = _match_stationary(result, runs, st & ~sing, out, tols.match_rtol)
    if need_hessian:
        hj = np.array(need_hessian)
        out.outcome[runs[hj]] = _hessian_kinds(result, runs[hj], [w[hj] for w in ws], tols.hess_tol)
        for i in runs[hj]:
            if out.critical_point[i] < 0:
                out.reason[i] = "stationary; kind from the inertia of the weight-space Hessian"
    # non-stationary runs: certified boundary or unconverged
    _judge_moving(result, runs[~st], rho[~st], out, tols)


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
    boundary_distance: float = 1e-3,
    gap_rtol: float = 1e-6,
    growth: float = 0.01,
) -> RunClassification:
    """Classify every run as ``minimum``, ``saddle``, ``unknown``, ``singular``, ``boundary`` or
    ``unconverged``, each with a ``reason``.

    * *stationary* runs (weight gradient ``< tol`` and tangent residual ``<= ftol``): ``singular``
      if the coefficient Jacobian has rank ``< dim V`` (``rank_rtol`` relative to
      ``max(s_1, 1)``), else the kind of the closed-form critical point they match (relative
      distance ``<= match_rtol``), ``unknown`` if none matches, or -- without a closed form -- the
      inertia of the weight-space Hessian (``saddle`` if an eigenvalue ``< -hess_tol``, else
      ``minimum``, meaning a local minimum).
    * ``boundary``: not stationary, and certified by
      :func:`~neurovariety.learning.certificate.certify_boundary` (``boundary_distance``,
      ``gap_rtol``, ``growth``): the loss is not below the infimum of the loss over the boundary,
      approaches a minimum of the loss over the boundary (:mod:`~neurovariety.learning.boundary`)
      at which descent leaves the neuromanifold, and the balanced weights grow monotonically. Only
      for ``(2, 2, dL)``, r = 2; these runs are never counted as learned critical points.
    * everything else is ``unconverged`` (including ``diverged`` runs), with the reason: why the
      run stopped and which part of the certificate failed. Where no certificate exists the
      reason says whether the run *looks* like a boundary run (loss decreasing, weights growing,
      tangent residual ``>= degeneracy`` x the weight gradient and ``>= persistence`` x its value
      at mid-training, not within ``near_rtol`` of a realisable critical point).

    ``critical_points``: ``"auto"`` (closed form where known), ``None`` (ignore), or a list of
    coefficient matrices / :class:`~neurovariety.learning.closed_form.CriticalPoint` (one data set
    only) -- the hook through which a learning-degree computation can supply all critical points.

    >>> from neurovariety.loss import make_data
    >>> from neurovariety.learning.train import train
    >>> X, Y = make_data((2, 2, 3), 2, seed=0)
    >>> res = train((2, 2, 3), 2, X, Y, runs=4, steps=3, seed=1, progress=False)
    >>> cls = classify_runs(res, None)
    >>> cls.outcome.tolist()   # 3 steps: nobody has converged
    ['unconverged', 'unconverged', 'unconverged', 'unconverged']
    >>> cls.reason[0].split(";")[0]
    'step budget used up (3 steps, gradient norm ... > tol 1e-10)'
    """
    tols = _Tolerances(
        ftol=positive_float(ftol, "ftol"),
        rank_rtol=positive_float(rank_rtol, "rank_rtol"),
        match_rtol=positive_float(match_rtol, "match_rtol"),
        degeneracy=finite_float(degeneracy, "degeneracy"),
        persistence=finite_float(persistence, "persistence"),
        near_rtol=positive_float(near_rtol, "near_rtol"),
        hess_tol=finite_float(hess_tol, "hess_tol"),
        certificate=CertificateTolerances.validated(boundary_distance, gap_rtol, growth),
    )
    cps_per = _critical_points_per_dataset(result, critical_points)
    out = RunClassification.unconverged(result.runs, variety_dimension(result.arch), cps_per, _boundaries_per_dataset(result))
    _classify(result, out, tols)
    out.outcome = out.outcome.astype(str)
    out.reason = out.reason.astype(str)
    return out
