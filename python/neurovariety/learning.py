"""Learning experiments: train many PNNs at once and count the functions they learn (SPEC §4.5).

The squared loss of a network on data ``(x_i, y_i)`` depends on the network only through its
coefficient matrix ``C`` (``dL x M``, monomial basis in package order)::

    loss(C) = (1/n) sum_i ||C m(x_i) - y_i||^2 = tr(C A C^T) - 2 tr(C B) + c0,
    A = (1/n) sum_i m(x_i) m(x_i)^T,   B = (1/n) sum_i m(x_i) y_i^T,   c0 = (1/n) sum_i ||y_i||^2.

(We use the *mean* over data points; the critical points are those of the paper's sum.)
Gradient descent in weight space therefore explores the neurovariety ``V``; this module

* trains ``runs`` networks from random initialisations in one vectorised numpy computation
  (:func:`train`; no Python loop over runs or samples),
* computes the critical points of the loss on ``V`` in closed form where ``V`` is determinantal
  (``V = {rank C <= k}``: Eckart–Young after whitening ``C -> C A^{1/2}``; e.g. ``(2,2,3), r=2``
  with its three critical functions) or fills its ambient space (:func:`critical_points`),
* decides whether a coefficient matrix is realised by *real* weights (:func:`in_neuromanifold`),
* classifies every run as ``minimum``, ``saddle``, ``singular``, ``boundary``, ``unconverged``
  (or ``unknown`` when a stationary full-rank run matches no known critical point) and groups the
  learned functions by coefficients (:func:`count_learned_functions`),
* sweeps many data sets (:func:`sweep_datasets`): how often is the minimiser on ``V`` realisable,
  and what do the runs do when it is not.

Why a run is judged in *function* space: when the minimiser lies outside the real neuromanifold
the weights diverge while the function approaches the boundary and the weight gradient becomes
small, because the parametrisation degenerates there. A run counts as a learned critical point
only if the loss gradient in coefficient space, projected to the tangent space of ``V`` (the column
space of the coefficient Jacobian), vanishes too.

>>> X, Y = make_data((2, 2, 3), 2, n=10, seed=1)
>>> cps = critical_points((2, 2, 3), 2, X, Y)
>>> [cp.kind for cp in cps]
['minimum', 'saddle', 'saddle']
>>> res = train((2, 2, 3), 2, X, Y, runs=20, steps=3000, seed=0, progress=False)
>>> learned = count_learned_functions(res)
>>> learned.outcomes["minimum"] + learned.outcomes["boundary"] > 0
True
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import numpy as np

from neurovariety.architecture import Architecture, RSpec, monomial_exponents

__all__ = [
    "OUTCOMES",
    "make_data",
    "monomial_matrix",
    "loss_matrices",
    "coefficient_matrix",
    "coefficient_jacobian",
    "balance_weights",
    "variety_dimension",
    "closed_form_structure",
    "CriticalPoint",
    "critical_points",
    "in_neuromanifold",
    "neuromanifold_criterion_known",
    "neuromanifold_margin",
    "TrainResult",
    "train",
    "RunClassification",
    "classify_runs",
    "FunctionGroup",
    "LearnedFunctions",
    "count_learned_functions",
    "SweepResult",
    "sweep_datasets",
    "plot_functions",
    "plot_sweep",
]

#: Run outcomes, in the order used for tables and plots.
OUTCOMES = ("minimum", "saddle", "unknown", "singular", "boundary", "unconverged")

ArchLike = Union[Architecture, Sequence[int], str]


def _arch(widths: ArchLike, r: Optional[Union[RSpec, str]]) -> Architecture:
    if isinstance(widths, Architecture):
        return widths
    return Architecture(widths, 2 if r is None else r)


# ------------------------------------------------------------------------------------------------
# data and the quadratic form of the loss
# ------------------------------------------------------------------------------------------------


def make_data(
    widths: ArchLike, r: RSpec = 2, n: Optional[int] = None, seed: Optional[int] = None
) -> tuple[np.ndarray, np.ndarray]:
    """Generic data for an architecture: ``X`` (n x d0) and ``Y`` (n x dL), i.i.d. standard normal.

    ``n`` defaults to ``max(10, 2 M)`` (the paper's 10 points for ``(2,2,3), r=2``); it must be at
    least the number of monomials ``M`` so that the loss has a unique minimiser on the ambient space.

    >>> X, Y = make_data((2, 2, 3), 2, seed=0)
    >>> X.shape, Y.shape
    ((10, 2), (10, 3))
    """
    arch = _arch(widths, r)
    m = arch.num_monomials
    if n is None:
        n = max(10, 2 * m)
    if int(n) != n or n < m:
        raise ValueError(f"need n >= M = {m} data points for {arch}, got n={n!r}")
    rng = np.random.default_rng(seed)
    return rng.standard_normal((int(n), arch.d0)), rng.standard_normal((int(n), arch.dL))


def monomial_matrix(X: np.ndarray, degree: int) -> np.ndarray:
    """Rows ``m(x_i)``: all monomials of ``degree`` at the points ``X`` (..., n, d0), package order.

    >>> monomial_matrix(np.array([[2.0, 3.0]]), 2)
    array([[4., 6., 9.]])
    """
    X = np.asarray(X)
    exps = np.array(monomial_exponents(X.shape[-1], degree), dtype=np.int64)  # (M, d0)
    return np.prod(X[..., None, :] ** exps, axis=-1)


def loss_matrices(
    widths: ArchLike, r: RSpec, X: np.ndarray, Y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """``(A, B, c0)`` with ``loss(C) = tr(C A C^T) - 2 tr(C B) + c0`` (mean over the data).

    >>> X, Y = make_data((2, 2, 3), 2, seed=0)
    >>> A, B, c0 = loss_matrices((2, 2, 3), 2, X, Y)
    >>> A.shape, B.shape
    ((3, 3), (3, 3))
    """
    arch = _arch(widths, r)
    X, Y = _check_data(arch, X, Y)
    mx = monomial_matrix(X, arch.degree)
    n = X.shape[-2]
    A = np.swapaxes(mx, -1, -2) @ mx / n
    B = np.swapaxes(mx, -1, -2) @ Y / n
    c0 = (Y * Y).sum(axis=(-1, -2)) / n
    return A, B, c0


def _check_data(arch: Architecture, X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.ndim < 2 or X.shape[-1] != arch.d0:
        raise ValueError(f"X must have shape (n, d0={arch.d0}), got {X.shape}")
    if Y.ndim < 2 or Y.shape[-1] != arch.dL:
        raise ValueError(f"Y must have shape (n, dL={arch.dL}), got {Y.shape}")
    if X.shape[-2] != Y.shape[-2]:
        raise ValueError(f"X and Y must have the same number of rows, got {X.shape[-2]} and {Y.shape[-2]}")
    if X.shape[-2] < arch.num_monomials:
        raise ValueError(f"need at least M = {arch.num_monomials} data points for {arch}, got {X.shape[-2]}")
    if not (np.isfinite(X).all() and np.isfinite(Y).all()):
        raise ValueError("data must be finite")
    return X, Y


# ------------------------------------------------------------------------------------------------
# the coefficient map and its Jacobian, by polynomial arithmetic (float or exact integers)
# ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _mul_matrix(n: int, a: int, b: int) -> np.ndarray:
    """0/1 matrix K with coeffs(p q) = (p outer q).ravel() @ K for forms of degrees a and b."""
    ea = monomial_exponents(n, a)
    eb = monomial_exponents(n, b)
    target = {e: i for i, e in enumerate(monomial_exponents(n, a + b))}
    K = np.zeros((len(ea) * len(eb), len(target)), dtype=np.int64)
    for i, x in enumerate(ea):
        for j, y in enumerate(eb):
            K[i * len(eb) + j, target[tuple(u + v for u, v in zip(x, y))]] = 1
    return K


def _poly_mul(p: np.ndarray, q: np.ndarray, n: int, a: int, b: int) -> np.ndarray:
    K = _mul_matrix(n, a, b)
    if p.dtype == object or q.dtype == object:
        K = K.astype(object)
    outer = p[..., :, None] * q[..., None, :]
    return outer.reshape(outer.shape[:-2] + (-1,)) @ K


def _poly_pow(p: np.ndarray, n: int, a: int, e: int) -> np.ndarray:
    out = np.ones(p.shape[:-1] + (1,), dtype=p.dtype)  # the constant 1, degree 0
    deg = 0
    for _ in range(e):
        out = _poly_mul(out, p, n, deg, a)
        deg += a
    return out


def _as_weight_arrays(arch: Architecture, weights: Sequence[Any]) -> tuple[list[np.ndarray], bool]:
    if len(weights) != arch.depth:
        raise ValueError(f"{arch} needs {arch.depth} weight matrices, got {len(weights)}")
    arrays = [np.asarray(w) for w in weights]
    exact = all(a.dtype.kind in "iuO" for a in arrays)
    out = []
    for i, a in enumerate(arrays):
        shape = (arch.widths[i + 1], arch.widths[i])
        if a.shape[-2:] != shape:
            raise ValueError(f"W_{i + 1} must have shape (..., {shape[0]}, {shape[1]}), got {a.shape}")
        # Python ints (dtype object) keep integer weights exact: no overflow mod anything.
        out.append(a.astype(object) if exact else a.astype(np.float64))
    return out, exact


def _coefficients(arch: Architecture, weights: list[np.ndarray], jac: bool):
    n = arch.d0
    dtype = weights[0].dtype
    a = np.eye(n, dtype=np.int64).astype(dtype)  # x_j as linear forms
    deg = 1
    N = arch.num_params
    da = None
    if jac:
        batch = np.broadcast_shapes(*(w.shape[:-2] for w in weights))
        da = np.zeros(batch + (N, n, n), dtype=dtype)
        if dtype == object:
            da[...] = 0
    off = 0
    L = arch.depth
    for i, W in enumerate(weights):
        d_out, d_in = W.shape[-2:]
        z = W @ a
        dz = None
        if jac:
            dz = W[..., None, :, :] @ da
            # columns of this layer's own weights (row-major): d z_k / d W[k, j] = a_j
            kk, jj = np.meshgrid(np.arange(d_out), np.arange(d_in), indexing="ij")
            cols = (off + kk * d_in + jj).ravel()
            dz[..., cols, kk.ravel(), :] = np.broadcast_to(a, dz.shape[:-3] + a.shape[-2:])[..., jj.ravel(), :]
        off += d_out * d_in
        if i == L - 1:
            return z, dz
        e = arch.r[i]
        zr1 = _poly_pow(z, n, deg, e - 1)
        a = _poly_mul(zr1, z, n, deg * (e - 1), deg)
        if jac:
            da = e * _poly_mul(zr1[..., None, :, :], dz, n, deg * (e - 1), deg)
        deg *= e
    raise AssertionError("unreachable")


def coefficient_matrix(widths: ArchLike, r: RSpec, weights: Sequence[Any]) -> np.ndarray:
    """Coefficient matrix ``C`` (..., dL, M) of the network with the given weights.

    Float weights give float64; integer weights (numpy ints or Python ints) are computed exactly
    with Python integers (dtype object). Leading batch dimensions are broadcast.

    >>> W1 = np.array([[1, 0], [1, 1]]); W2 = np.array([[1, 2]])
    >>> coefficient_matrix((2, 2, 1), 2, [W1, W2]).tolist()   # x0^2 + 2 (x0 + x1)^2
    [[3, 4, 2]]
    """
    arch = _arch(widths, r)
    ws, _ = _as_weight_arrays(arch, weights)
    return _coefficients(arch, ws, jac=False)[0]


def coefficient_jacobian(widths: ArchLike, r: RSpec, weights: Sequence[Any]) -> np.ndarray:
    """Jacobian of the coefficient map at the weights: shape (..., dL*M, N).

    Rows are output-major coefficients (row ``j*M + m``), columns the weights in package order.
    Integer weights give the exact integer Jacobian (dtype object; reduce it mod p to compare with
    ``nv.jacobian``), float weights a float64 one.

    >>> J = coefficient_jacobian((2, 2, 3), 2, [np.eye(2, dtype=int), np.ones((3, 2), dtype=int)])
    >>> J.shape
    (9, 10)
    """
    arch = _arch(widths, r)
    ws, _ = _as_weight_arrays(arch, weights)
    _, dC = _coefficients(arch, ws, jac=True)
    # dC: (..., N, dL, M) -> (..., dL*M, N)
    moved = np.moveaxis(dC, -3, -1)
    return moved.reshape(moved.shape[:-3] + (arch.ambient_dim, arch.num_params))


def balance_weights(widths: ArchLike, r: RSpec, weights: Sequence[np.ndarray], sweeps: int = 3) -> list[np.ndarray]:
    """Rescale hidden neurons (in-row by t, out-column by t^-r) to balance their norms.

    The function is unchanged (the network's symmetry); it only improves the conditioning of the
    Jacobian and makes weight norms comparable between runs.

    >>> W = balance_weights((2, 2, 1), 2, [np.array([[4.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 1.0]])])
    >>> coefficient_matrix((2, 2, 1), 2, W).round(12).tolist()
    [[16.0, 0.0, 1.0]]
    """
    arch = _arch(widths, r)
    ws = [np.array(w, dtype=np.float64) for w in weights]
    for _ in range(sweeps if arch.depth > 2 else 1):
        for i in range(arch.depth - 1):
            e = arch.r[i]
            a = np.linalg.norm(ws[i], axis=-1)  # (..., d_i) incoming norms
            b = np.linalg.norm(ws[i + 1], axis=-2)  # (..., d_i) outgoing norms
            with np.errstate(divide="ignore", invalid="ignore"):
                t = (b / a) ** (1.0 / (1 + e))
            t = np.where(np.isfinite(t) & (t > 0), t, 1.0)  # dead neurons stay as they are
            ws[i] = ws[i] * t[..., :, None]
            ws[i + 1] = ws[i + 1] * (t[..., None, :] ** (-e))
    return ws


# ------------------------------------------------------------------------------------------------
# the variety: dimension, closed-form critical points, real realisability
# ------------------------------------------------------------------------------------------------


def closed_form_structure(widths: ArchLike, r: RSpec = 2) -> Optional[tuple[str, int]]:
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
    arch = _arch(widths, r)
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


def variety_dimension(widths: ArchLike, r: RSpec = 2, *, seed: Optional[int] = 0) -> int:
    """Dimension of ``V``: closed form where known, else the Rust core, else a float Jacobian rank.

    >>> variety_dimension((2, 2, 3), 2), variety_dimension((3, 3, 3), 2)
    (8, 15)
    """
    arch = _arch(widths, r)
    return _variety_dimension(arch.widths, arch.r, seed)


@functools.lru_cache(maxsize=None)
def _variety_dimension(widths: tuple, r: tuple, seed: Optional[int]) -> int:
    arch = Architecture(widths, list(r))
    st = closed_form_structure(arch)
    if st is not None:
        if st[0] == "filling":
            return st[1]
        k = st[1]
        return k * (arch.dL + arch.num_monomials - k)
    try:  # the exact (mod p) engine, when built
        import neurovariety as nv

        return int(nv.dimension(arch.widths, arch.r if arch.uniform_r is None else arch.uniform_r).dimension)
    except Exception:  # core not available: a float rank at random weights is reliable at these sizes
        rng = np.random.default_rng(seed)
        best = 0
        for _ in range(3):
            ws = [rng.standard_normal((b, a)) for a, b in zip(arch.widths, arch.widths[1:])]
            ws = balance_weights(arch, None, ws)
            s = np.linalg.svd(coefficient_jacobian(arch, None, ws), compute_uv=False)
            best = max(best, int((s > 1e-9 * s[0]).sum()))
        return best


@dataclass
class CriticalPoint:
    """A critical point of the loss on the smooth part of ``V`` (closed form).

    ``coefficients`` is the ``dL x M`` matrix, ``loss`` the loss value (mean over the data),
    ``kind`` ``"minimum"`` or ``"saddle"``, ``in_neuromanifold`` whether real weights realise it
    (``None`` when no criterion is known), ``kept`` the indices of the singular values kept in the
    whitened Eckart–Young truncation (empty for filling architectures), ``margin`` the
    :func:`neuromanifold_margin` where defined.
    """

    coefficients: np.ndarray
    loss: float
    kind: str
    in_neuromanifold: Optional[bool]
    kept: tuple[int, ...] = ()
    margin: Optional[float] = None

    def to_dict(self) -> dict:
        return {
            "loss": float(self.loss),
            "kind": self.kind,
            "in_neuromanifold": self.in_neuromanifold,
            "margin": self.margin,
            "kept_singular_values": list(self.kept),
            "coefficients": np.asarray(self.coefficients, dtype=float).tolist(),
        }


def _sqrt_psd(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w, Q = np.linalg.eigh(A)
    if w[0] <= 1e-14 * max(w[-1], 1e-300):
        raise ValueError("the data do not determine the loss (singular moment matrix A): use n >= M generic points")
    return (Q * np.sqrt(w)) @ Q.T, (Q / np.sqrt(w)) @ Q.T


def critical_points(widths: ArchLike, r: RSpec, X: np.ndarray, Y: np.ndarray) -> Optional[list[CriticalPoint]]:
    """Closed-form critical points of the loss on the smooth part of ``V``, by loss; else ``None``.

    With ``A = S^2`` and ``T = B^T S^-1`` the loss is ``||C S - T||^2 + const``, and ``C -> C S``
    maps ``{rank <= k}`` to itself, so the critical points are the Eckart–Young truncations of
    ``T`` to any ``k`` of its singular values, mapped back by ``S^-1``: ``C(min(dL, M), k)`` points,
    the top-``k`` one the minimum, the others saddles. For (2,2,3), r=2: three. A filling ``V`` has
    the single least-squares minimiser.

    >>> X, Y = make_data((2, 2, 3), 2, seed=0)
    >>> [round(cp.loss, 6) for cp in critical_points((2, 2, 3), 2, X, Y)] == sorted(
    ...     round(cp.loss, 6) for cp in critical_points((2, 2, 3), 2, X, Y))
    True
    """
    arch = _arch(widths, r)
    st = closed_form_structure(arch)
    if st is None:
        return None
    A, B, c0 = loss_matrices(arch, None, X, Y)
    S, S_inv = _sqrt_psd(A)
    T = B.T @ S_inv
    const = float(c0 - (T * T).sum())
    known = neuromanifold_criterion_known(arch)
    if st[0] == "filling":
        C = T @ S_inv
        realisable = in_neuromanifold(arch, None, C) if known else None
        return [CriticalPoint(C, const, "minimum", realisable)]
    k = st[1]
    U, sv, Vt = np.linalg.svd(T, full_matrices=False)
    out = []
    for kept in itertools.combinations(range(len(sv)), k):
        idx = list(kept)
        Cw = (U[:, idx] * sv[idx]) @ Vt[idx]
        C = Cw @ S_inv
        loss = const + float((sv * sv).sum() - (sv[idx] ** 2).sum())
        kind = "minimum" if kept == tuple(range(k)) else "saddle"
        realisable = in_neuromanifold(arch, None, C) if known else None
        margin = neuromanifold_margin(arch, None, C) if (arch.widths[:2] == (2, 2) and arch.r == (2,)) else None
        out.append(CriticalPoint(C, loss, kind, realisable, kept, margin))
    out.sort(key=lambda cp: cp.loss)
    return out


def neuromanifold_criterion_known(widths: ArchLike, r: RSpec = 2) -> bool:
    """Whether :func:`in_neuromanifold` has a criterion for this architecture (for some ranks).

    >>> neuromanifold_criterion_known((2, 2, 3), 2), neuromanifold_criterion_known((3, 3, 3), 2)
    (True, False)
    """
    arch = _arch(widths, r)
    if arch.degree == 1 or arch.d0 == 1:
        return True
    return arch.depth == 2 and arch.d0 == 2 and arch.widths[1] >= arch.r[0]


def _is_exact(C: np.ndarray) -> bool:
    if C.dtype.kind in "iu":
        return True
    if C.dtype == object:
        return all(isinstance(v, (int, Fraction)) or getattr(v, "is_Rational", False) for v in C.ravel())
    return False


def in_neuromanifold(widths: ArchLike, r: RSpec, C: Any, *, tol: float = 1e-9) -> bool:
    """Is the coefficient matrix ``C`` (dL x M, or flat output-major) realised by real weights?

    Criteria (``NotImplementedError`` elsewhere):

    * linear networks: ``rank C <= min d_i``; ``d0 = 1``: always;
    * shallow binary ``(2, d1, dL)``, exponent ``r``: each output is ``sum_k w_k l_k^r``. If
      ``d1 >= r + 1`` every real ``C`` is realised. If ``d1 = r``: ``rank C <= 1`` is always
      realised (a binary form of degree ``r`` has real rank ``<= r``); ``rank C = r`` is realised iff
      the row space, a hyperplane ``{q : n.q = 0}``, meets the real rational normal curve in ``r``
      distinct points, i.e. ``phi(s, t) = sum_k n_k binom(r, k) s^(r-k) t^k`` has ``r`` distinct real
      roots on P^1 (for ``r = 2``: the pencil meets the conic ``b^2 = 4ac`` twice, ``n1^2 > n0 n2``).
      Tangent hyperplanes are limits of diverging weights, hence *not* realised.

    Integer / Fraction / sympy-rational input is decided exactly (sympy). Float input: the rank
    uses singular values relative to ``tol``, the normal vector ``n`` is the last right singular
    vector, and the decision on ``n`` is exact (its float entries are rationals) -- so only
    matrices within rounding of the boundary are uncertain.

    >>> in_neuromanifold((2, 2, 3), 2, [[1, 0, 0], [0, 0, 1], [1, 0, 1]])          # x0^2, x1^2
    True
    >>> in_neuromanifold((2, 2, 3), 2, [[1, 0, -1], [0, 1, 0], [1, 1, -1]])        # x0^2-x1^2, x0x1
    False
    """
    arch = _arch(widths, r)
    M, dL = arch.num_monomials, arch.dL
    C = np.asarray(C)
    if C.size != dL * M:
        raise ValueError(f"C must have dL*M = {dL}*{M} entries for {arch}, got shape {C.shape}")
    C = C.reshape(dL, M)
    exact = _is_exact(C)
    if not exact:
        C = C.astype(np.float64)
        if not np.isfinite(C).all():
            raise ValueError("C must be finite")
    if exact:
        import sympy

        Cs = sympy.Matrix(C.tolist()).applyfunc(sympy.nsimplify)
        rank = Cs.rank()
    else:
        s = np.linalg.svd(C, compute_uv=False) if C.size else np.zeros(0)
        rank = int((s > tol * s[0]).sum()) if s.size and s[0] > 0 else 0

    if arch.degree == 1:
        return rank <= min(arch.widths)
    if arch.d0 == 1:
        return True
    if not (arch.depth == 2 and arch.d0 == 2 and arch.widths[1] >= arch.r[0]):
        raise NotImplementedError(f"no realisability criterion implemented for {arch}")
    e, d1 = arch.r[0], arch.widths[1]
    if d1 >= e + 1 or rank <= 1:
        return True
    if rank > e:
        return False  # not even on V
    if rank < e:
        raise NotImplementedError(f"realisability of rank {rank} < {e} coefficient matrices for {arch}")
    # rank == e == M - 1: the row space is the hyperplane orthogonal to n
    if exact:
        n_vec = [Fraction(int(v.p), int(v.q)) for v in Cs.nullspace()[0]]
    else:
        n_vec = [Fraction(float(v)) for v in np.linalg.svd(C)[2][-1]]  # exact value of each float
    return _real_distinct_roots(n_vec, e)


def neuromanifold_margin(widths: ArchLike, r: RSpec, C: Any) -> float:
    """Signed distance-like margin of a rank-2 ``C`` from the boundary, for ``(2, 2, dL)``, r = 2.

    ``(n1^2 - n0 n2) / |n|^2`` for the normal ``n`` of the row space (last right singular vector):
    positive iff the pencil meets the conic ``b^2 = 4ac`` in two real points (realisable), zero on
    tangent pencils (the boundary). Small positive margins mean a realisable function whose
    weights are large and badly conditioned -- gradient descent approaches it slowly.

    >>> round(neuromanifold_margin((2, 2, 3), 2, [[1, 0, 0], [0, 0, 1], [1, 0, 1]]), 3)   # in [-1/2, 1]
    1.0
    """
    arch = _arch(widths, r)
    if not (arch.depth == 2 and arch.d0 == 2 and arch.widths[1] == 2 and arch.r == (2,)):
        raise NotImplementedError(f"the margin is implemented for (2, 2, dL), r = 2 only, not {arch}")
    C = np.asarray(C, dtype=np.float64).reshape(arch.dL, 3)
    n = np.linalg.svd(C)[2][-1]
    return float((n[1] ** 2 - n[0] * n[2]) / (n @ n))


def _real_distinct_roots(n_vec: list, e: int) -> bool:
    """Does ``sum_k n_k binom(e,k) s^(e-k) t^k`` have ``e`` distinct real roots on P^1 (exactly)?"""
    if e == 2:  # the conic b^2 = 4ac: discriminant of n0 s^2 + 2 n1 s t + n2 t^2
        return bool(n_vec[1] ** 2 - n_vec[0] * n_vec[2] > 0)
    import sympy

    s = sympy.Symbol("s")
    coeffs = [sympy.Rational(v.numerator, v.denominator) * sympy.binomial(e, k) for k, v in enumerate(n_vec)]
    at_infinity = next(k for k, c in enumerate(coeffs) if c != 0)  # multiplicity of the root t = 0
    if at_infinity > 1:
        return False
    p = sympy.Poly(sum(c * s ** (e - k) for k, c in enumerate(coeffs)), s)
    finite = p.degree()
    if sympy.gcd(p, p.diff(s)).degree() > 0:
        return False
    return p.count_roots() == finite and finite + at_infinity == e


# ------------------------------------------------------------------------------------------------
# training, vectorised over runs
# ------------------------------------------------------------------------------------------------


@dataclass
class TrainResult:
    """Output of :func:`train` for ``R`` runs (all arrays have leading dimension ``R``).

    Weights, coefficients and losses are in the units of the given data; gradient norms and the
    tolerance refer to the internally normalised problem (data scaled to unit RMS), so that one
    tolerance means the same for any data scale. ``converged`` = the gradient norm fell below
    ``tol``; ``diverged`` = overflow / NaN (the last finite weights are kept). ``loss_history``
    and ``norm_history`` (balanced weight norm) are sampled at ``history_steps`` (NaN after a run
    stopped), with the weights there (normalised units, flat) in ``weight_history``; boundary
    detection looks at them.
    """

    arch: Architecture
    X: np.ndarray
    Y: np.ndarray
    data_index: np.ndarray
    weights: list[np.ndarray]
    coefficients: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    converged: np.ndarray
    diverged: np.ndarray
    steps_taken: np.ndarray
    history_steps: np.ndarray
    loss_history: np.ndarray
    norm_history: np.ndarray
    weight_history: np.ndarray
    optimizer: str
    lr: float
    tol: float
    steps: int
    seed: Optional[int]
    seconds: float
    x_scale: np.ndarray
    y_scale: np.ndarray

    @property
    def runs(self) -> int:
        return len(self.losses)

    def data_for_run(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """The data set run ``i`` was trained on."""
        k = int(self.data_index[i])
        return self.X[k], self.Y[k]


def _split(theta: np.ndarray, shapes: list[tuple[int, int]]) -> list[np.ndarray]:
    out, off = [], 0
    for a, b in shapes:
        out.append(theta[:, off : off + a * b].reshape(-1, a, b))
        off += a * b
    return out


def _loss_grad(theta: np.ndarray, Xt: np.ndarray, Yt: np.ndarray, shapes, rs) -> tuple[np.ndarray, np.ndarray]:
    """Mean squared loss and its weight gradient for every run.

    ``theta`` (R, N); data transposed, ``Xt`` (R, d0, n), ``Yt`` (R, dL, n): with samples last,
    every product is ``W @ activations`` with small contiguous matrices, which numpy's batched
    matmul handles about twice as fast as the (n, d) layout.
    """
    Ws = _split(theta, shapes)
    L = len(Ws)
    acts, zs = [Xt], []
    a = Xt
    for i in range(L - 1):
        z = Ws[i] @ a
        zs.append(z)
        a = z * z if rs[i] == 2 else z ** rs[i]
        acts.append(a)
    E = Ws[-1] @ a - Yt
    n = Xt.shape[-1]
    loss = np.einsum("rjn,rjn->r", E, E) / n
    delta = (2.0 / n) * E
    grads = [None] * L
    for i in range(L - 1, -1, -1):
        grads[i] = (delta @ np.swapaxes(acts[i], -1, -2)).reshape(len(theta), -1)
        if i > 0:
            e = rs[i - 1]
            back = np.swapaxes(Ws[i], -1, -2) @ delta
            delta = back * (e * zs[i - 1] ** (e - 1)) if e > 1 else back
    return loss, np.concatenate(grads, axis=1)


def _balanced_norm(theta: np.ndarray, arch: Architecture, shapes) -> np.ndarray:
    ws = balance_weights(arch, None, _split(theta, shapes))
    return np.sqrt(sum((w * w).sum(axis=(-1, -2)) for w in ws))


def train(
    widths: ArchLike,
    r: RSpec,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    runs: int = 1000,
    steps: int = 20000,
    optimizer: str = "gd",
    lr: Optional[float] = None,
    tol: float = 1e-10,
    seed: Optional[int] = None,
    init_scale: float = 1.0,
    line_search: bool = True,
    init: Optional[Sequence[np.ndarray]] = None,
    data_index: Optional[np.ndarray] = None,
    history: int = 40,
    progress: bool = True,
) -> TrainResult:
    """Train ``runs`` networks from random initialisations at once on the mean squared loss.

    Everything is vectorised over runs (batched matmul); each run stops when its gradient norm
    drops below ``tol`` (normalised units), or after ``steps`` iterations. Data are scaled to unit
    RMS internally and results mapped back (a symmetry of the problem: ``x -> x/s`` and
    ``y -> y/t`` rescale ``C`` by a constant).

    * ``optimizer="gd"``: gradient descent. With ``line_search=True`` (default) each run has its own
      step size, halved when a step fails the Armijo condition and grown by 20% after a success, so
      runs whose weights diverge towards the boundary keep descending instead of blowing up. With
      ``line_search=False`` it is plain GD with step ``lr``.
    * ``optimizer="adam"``: Adam with step ``lr`` (default 1e-2); it does not settle to tight
      tolerances without a schedule, so expect ``unconverged`` runs for small ``tol``.

    Runs that overflow or produce NaN are marked ``diverged`` and frozen at their last finite
    weights; the batch goes on. ``X``/``Y`` may also be stacks ``(K, n, d)`` of ``K`` data sets with
    ``data_index`` (``runs`` ints) saying which set each run uses (used by :func:`sweep_datasets`).
    Initial weights are i.i.d. normal with variance ``init_scale^2 / d_{i-1}`` unless ``init``
    (a list of ``(runs, d_i, d_{i-1})`` arrays, data units) is given.

    >>> X, Y = make_data((2, 2, 3), 2, seed=3)
    >>> res = train((2, 2, 3), 2, X, Y, runs=8, steps=500, seed=0, progress=False)
    >>> res.coefficients.shape, res.losses.shape
    ((8, 3, 3), (8,))
    """
    arch = _arch(widths, r)
    if optimizer not in ("gd", "adam"):
        raise ValueError(f"optimizer must be 'gd' or 'adam', got {optimizer!r}")
    if int(runs) != runs or runs < 1:
        raise ValueError(f"runs must be a positive integer, got {runs!r}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol!r}")
    if lr is None:
        lr = 0.05 if optimizer == "gd" else 1e-2
    if not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    runs, steps = int(runs), int(steps)
    X, Y = _check_data(arch, X, Y)
    Xs = X if X.ndim == 3 else X[None]
    Ys = Y if Y.ndim == 3 else Y[None]
    if Xs.shape[0] != Ys.shape[0]:
        raise ValueError(f"X and Y stacks differ in length: {Xs.shape[0]} and {Ys.shape[0]}")
    K = Xs.shape[0]
    if data_index is None:
        if K != 1:
            raise ValueError("a stack of data sets needs data_index (which set each run uses)")
        data_index = np.zeros(runs, dtype=np.int64)
    data_index = np.asarray(data_index, dtype=np.int64)
    if data_index.shape != (runs,) or data_index.min() < 0 or data_index.max() >= K:
        raise ValueError(f"data_index must be {runs} integers in [0, {K})")

    # scale each data set to unit RMS: one tolerance and one step size fit all data sets
    sx = np.sqrt((Xs * Xs).mean(axis=(1, 2)))
    sy = np.sqrt((Ys * Ys).mean(axis=(1, 2)))
    if (sx == 0).any() or (sy == 0).any():
        raise ValueError("data must not be identically zero")
    Xn, Yn = Xs / sx[:, None, None], Ys / sy[:, None, None]

    shapes = [(b, a) for a, b in zip(arch.widths, arch.widths[1:])]
    N = arch.num_params
    rng = np.random.default_rng(seed)
    theta = np.empty((runs, N))
    if init is None:
        off = 0
        for a, b in shapes:
            theta[:, off : off + a * b] = rng.standard_normal((runs, a * b)) * (init_scale / math.sqrt(b))
            off += a * b
    else:
        ws, _ = _as_weight_arrays(arch, init)
        ws = [np.broadcast_to(np.asarray(w, dtype=np.float64), (runs,) + s) for w, s in zip(ws, shapes)]
        ws = [w.copy() for w in ws]
        ws[0] = ws[0] * sx[data_index, None, None]  # data units -> normalised units
        ws[-1] = ws[-1] / sy[data_index, None, None]
        theta = np.concatenate([w.reshape(runs, -1) for w in ws], axis=1)

    rs = arch.r
    n_hist = max(2, min(history, steps + 1)) if steps > 0 else 1
    hist_steps = np.unique(np.linspace(0, steps, n_hist).round().astype(int))
    loss_hist = np.full((runs, len(hist_steps)), np.nan)
    norm_hist = np.full((runs, len(hist_steps)), np.nan)
    theta_hist = np.full((runs, len(hist_steps), N), np.nan)

    converged = np.zeros(runs, dtype=bool)
    diverged = np.zeros(runs, dtype=bool)
    steps_taken = np.full(runs, steps, dtype=np.int64)
    final_loss = np.full(runs, np.nan)
    final_gn = np.full(runs, np.nan)

    t0 = time.perf_counter()
    idx = np.arange(runs)  # active runs
    # samples last (see _loss_grad); one contiguous copy per run keeps the batched matmuls fast
    Xa = np.ascontiguousarray(np.swapaxes(Xn, 1, 2)[data_index])
    Ya = np.ascontiguousarray(np.swapaxes(Yn, 1, 2)[data_index])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        loss, g = _loss_grad(theta, Xa, Ya, shapes, rs)
        eta = np.full(runs, float(lr))
        m1 = np.zeros_like(theta)
        m2 = np.zeros_like(theta)
        beta1, beta2, eps = 0.9, 0.999, 1e-12
        th = theta.copy()

        def finish(mask: np.ndarray, step: int) -> None:
            nonlocal idx, th, loss, g, eta, m1, m2, Xa, Ya
            done = idx[mask]
            theta[done] = th[mask]
            final_loss[done] = loss[mask]
            final_gn[done] = np.linalg.norm(g[mask], axis=1)
            steps_taken[done] = step
            keep = ~mask
            idx, th, loss, g, eta, m1, m2 = idx[keep], th[keep], loss[keep], g[keep], eta[keep], m1[keep], m2[keep]
            Xa, Ya = Xa[keep], Ya[keep]

        hist_pos = 0
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=steps, desc=f"training {runs} runs", unit="step", leave=False)
        for step in range(steps + 1):
            if hist_pos < len(hist_steps) and step == hist_steps[hist_pos]:
                loss_hist[idx, hist_pos] = loss
                norm_hist[idx, hist_pos] = _balanced_norm(th, arch, shapes)
                theta_hist[idx, hist_pos] = th
                hist_pos += 1
            gn = np.linalg.norm(g, axis=1)
            bad = ~(np.isfinite(loss) & np.isfinite(gn))
            if bad.any():  # only reachable at step 0 (later bad steps are rejected below)
                diverged[idx[bad]] = True
                finish(bad, step)
                gn = gn[~bad]
            done = gn < tol
            if done.any():
                converged[idx[done]] = True
                finish(done, step)
                gn = gn[~done]
            if len(idx) == 0 or step == steps:
                break
            if optimizer == "gd" and line_search:
                trial = th - eta[:, None] * g
                lt, gt = _loss_grad(trial, Xa, Ya, shapes, rs)
                gtn = np.linalg.norm(gt, axis=1)
                # Armijo; near a critical point the decrease drops below the rounding error of
                # the loss, so there a step is also accepted when it reduces the gradient norm
                ok = np.isfinite(lt) & np.isfinite(gtn) & (
                    (lt <= loss - 1e-4 * eta * gn * gn)
                    | ((lt <= loss + 1e-14 * np.abs(loss)) & (gtn < gn))
                )
                th[ok], loss[ok], g[ok] = trial[ok], lt[ok], gt[ok]
                eta = np.where(ok, eta * 1.2, eta * 0.5)
                stuck = eta < 1e-300  # no descent step exists in floating point
                if stuck.any():
                    finish(stuck, step + 1)
            else:
                if optimizer == "gd":
                    upd = lr * g
                else:
                    t = step + 1
                    m1 = beta1 * m1 + (1 - beta1) * g
                    m2 = beta2 * m2 + (1 - beta2) * g * g
                    upd = lr * (m1 / (1 - beta1**t)) / (np.sqrt(m2 / (1 - beta2**t)) + eps)
                trial = th - upd
                lt, gt = _loss_grad(trial, Xa, Ya, shapes, rs)
                ok = np.isfinite(lt) & np.isfinite(gt).all(axis=1) & np.isfinite(trial).all(axis=1)
                th[ok], loss[ok], g[ok] = trial[ok], lt[ok], gt[ok]
                if not ok.all():  # overflow / NaN: keep the last finite state, stop the run
                    diverged[idx[~ok]] = True
                    finish(~ok, step + 1)
            if bar is not None and (step + 1) % 200 == 0:
                bar.update(200)
                bar.set_postfix(active=len(idx))
        if len(idx):
            finish(np.ones(len(idx), dtype=bool), steps)
        if bar is not None:
            bar.close()

    seconds = time.perf_counter() - t0
    ws = _split(theta, shapes)
    ws = [w.copy() for w in ws]
    ws[0] = ws[0] / sx[data_index, None, None]  # back to data units
    ws[-1] = ws[-1] * sy[data_index, None, None]
    with np.errstate(over="ignore", invalid="ignore"):
        coeffs = coefficient_matrix(arch, None, ws)
    return TrainResult(
        arch=arch,
        X=Xs,
        Y=Ys,
        data_index=data_index,
        weights=ws,
        coefficients=coeffs,
        losses=final_loss * sy[data_index] ** 2,
        grad_norms=final_gn,
        converged=converged,
        diverged=diverged,
        steps_taken=steps_taken,
        history_steps=hist_steps,
        loss_history=loss_hist * (sy[data_index, None] ** 2),
        norm_history=norm_hist,
        weight_history=theta_hist,
        optimizer=optimizer,
        lr=float(lr),
        tol=float(tol),
        steps=steps,
        seed=seed,
        seconds=seconds,
        x_scale=sx,
        y_scale=sy,
    )


# ------------------------------------------------------------------------------------------------
# judging runs
# ------------------------------------------------------------------------------------------------

CPSpec = Union[str, None, Sequence[Any]]


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
    critical_points: list


def _normalised_weights(res: TrainResult, runs: np.ndarray) -> list[np.ndarray]:
    ws = [w[runs].copy() for w in res.weights]
    ws[0] = ws[0] * res.x_scale[res.data_index[runs], None, None]
    ws[-1] = ws[-1] / res.y_scale[res.data_index[runs], None, None]
    return ws


def _as_critical_points(arch: Architecture, cps: Sequence[Any]) -> list[CriticalPoint]:
    out = []
    for cp in cps:
        if isinstance(cp, CriticalPoint):
            out.append(cp)
            continue
        C = np.asarray(cp)
        if C.size != arch.ambient_dim:
            raise ValueError(f"a critical point must have {arch.dL} x {arch.num_monomials} coefficients, got shape {C.shape}")
        C = C.reshape(arch.dL, arch.num_monomials)
        # complex critical points (e.g. from a learning-degree solver) count, but only real ones can be learned
        real = not np.iscomplexobj(C) or np.abs(C.imag).max() <= 1e-9 * max(1.0, np.abs(C).max())
        out.append(CriticalPoint(C.real.astype(float) if real else C, float("nan"), "unknown" if real else "complex", None))
    return out


def _hessian_min_eig(theta: np.ndarray, Xt: np.ndarray, Yt: np.ndarray, shapes, rs) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest eigenvalue of the weight-space Hessian (central differences of the gradient)."""
    R, N = theta.shape
    h = 1e-5 * np.maximum(1.0, np.linalg.norm(theta, axis=1))
    H = np.empty((R, N, N))
    for k in range(N):
        step = np.zeros_like(theta)
        step[:, k] = h
        _, gp = _loss_grad(theta + step, Xt, Yt, shapes, rs)
        _, gm = _loss_grad(theta - step, Xt, Yt, shapes, rs)
        H[:, :, k] = (gp - gm) / (2 * h[:, None])
    H = 0.5 * (H + np.swapaxes(H, 1, 2))
    ev = np.linalg.eigvalsh(H)
    return ev[:, 0], ev[:, -1]


def _tangent_residual(result: TrainResult, runs: np.ndarray, theta: np.ndarray, rank_rtol: float) -> np.ndarray:
    """Norm of the coefficient-space loss gradient projected to col(J), at flat normalised weights."""
    arch = result.arch
    shapes = [(b, a) for a, b in zip(arch.widths, arch.widths[1:])]
    with np.errstate(over="ignore", invalid="ignore"):
        ws = balance_weights(arch, None, _split(theta, shapes))
        C = coefficient_matrix(arch, None, ws)
        J = coefficient_jacobian(arch, None, ws)
    bad = ~(np.isfinite(J).all(axis=(1, 2)) & np.isfinite(C).all(axis=(1, 2)))
    J[bad], C[bad] = 0.0, 0.0
    U, s, _ = np.linalg.svd(J, full_matrices=False)
    rank = (s > rank_rtol * np.maximum(s[:, :1], 1.0)).sum(axis=1)
    k = result.data_index[runs]
    sx, sy = result.x_scale[k], result.y_scale[k]
    A, B, _ = loss_matrices(arch, None, result.X[k] / sx[:, None, None], result.Y[k] / sy[:, None, None])
    G = 2.0 * (C @ A - np.swapaxes(B, -1, -2))
    proj = np.einsum("rkm,rk->rm", U, G.reshape(len(runs), -1))
    proj[np.arange(U.shape[-1])[None, :] >= rank[:, None]] = 0.0
    out = np.linalg.norm(proj, axis=1)
    out[bad] = np.nan
    return out


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
    coefficient matrices / :class:`CriticalPoint` (one data set only) -- the hook through which a
    learning-degree computation can supply all critical points.
    """
    arch = result.arch
    R = result.runs
    K = result.X.shape[0]
    if isinstance(critical_points, str):
        if critical_points != "auto":
            raise ValueError(f"critical_points must be 'auto', None or a list, got {critical_points!r}")
        cps_per = [_critical_points_checked(arch, result.X[k], result.Y[k]) for k in range(K)]
    elif critical_points is None:
        cps_per = [None] * K
    else:
        if K != 1:
            raise ValueError("explicit critical points need a result trained on a single data set")
        cps_per = [_as_critical_points(arch, critical_points)]
    dim_v = variety_dimension(arch)
    shapes = [(b, a) for a, b in zip(arch.widths, arch.widths[1:])]

    outcome = np.full(R, "unconverged", dtype=object)
    stationary = np.zeros(R, dtype=bool)
    jrank = np.zeros(R, dtype=np.int64)
    resid = np.full(R, np.nan)
    matched = np.full(R, -1, dtype=np.int64)
    mdist = np.full(R, np.nan)

    ok = ~result.diverged & np.isfinite(result.losses)
    runs = np.where(ok)[0]
    if len(runs):
        with np.errstate(over="ignore", invalid="ignore"):
            ws = balance_weights(arch, None, _normalised_weights(result, runs))
            C = coefficient_matrix(arch, None, ws)
            J = coefficient_jacobian(arch, None, ws)
        good = np.isfinite(J).all(axis=(1, 2)) & np.isfinite(C).all(axis=(1, 2))
        runs, C, J, ws = runs[good], C[good], J[good], [w[good] for w in ws]
    if len(runs):
        U, s, _ = np.linalg.svd(J, full_matrices=False)
        thresh = rank_rtol * np.maximum(s[:, 0], 1.0)
        rank = (s > thresh[:, None]).sum(axis=1)
        jrank[runs] = rank
        k = result.data_index[runs]
        sx, sy = result.x_scale[k], result.y_scale[k]
        A, B, _ = loss_matrices(arch, None, result.X[k] / sx[:, None, None], result.Y[k] / sy[:, None, None])
        G = 2.0 * (C @ A - np.swapaxes(B, -1, -2))  # coefficient-space gradient, normalised units
        proj = np.einsum("rkm,rk->rm", U, G.reshape(len(runs), -1))
        proj[np.arange(U.shape[-1])[None, :] >= rank[:, None]] = 0.0
        rho = np.linalg.norm(proj, axis=1)
        resid[runs] = rho
        st = result.converged[runs] & (rho <= ftol)
        stationary[runs] = st

        # --- stationary runs: singular / matched kind / Hessian inertia
        sing = st & (rank < dim_v)
        outcome[runs[sing]] = "singular"
        full = st & ~sing
        need_hessian = []
        for j in np.where(full)[0]:
            i = runs[j]
            cps = cps_per[result.data_index[i]]
            if cps is None:
                need_hessian.append(j)
                continue
            Ci = result.coefficients[i]
            best, best_d = -1, np.inf
            for c_idx, cp in enumerate(cps):
                if cp.kind == "complex":
                    continue
                d = np.linalg.norm(Ci - cp.coefficients) / max(np.linalg.norm(cp.coefficients), 1e-300)
                if d < best_d:
                    best, best_d = c_idx, d
            mdist[i] = best_d
            if best >= 0 and best_d <= match_rtol:
                matched[i] = best
                kind = cps[best].kind
                outcome[i] = kind if kind in ("minimum", "saddle") else None
                if outcome[i] is None:
                    need_hessian.append(j)
            else:
                outcome[i] = "unknown"
        if need_hessian:
            hj = np.array(need_hessian)
            theta = np.concatenate([w[hj].reshape(len(hj), -1) for w in ws], axis=1)
            kk = result.data_index[runs[hj]]
            Xt = np.swapaxes(result.X[kk] / sx[hj, None, None], 1, 2)
            Yt = np.swapaxes(result.Y[kk] / sy[hj, None, None], 1, 2)
            lo, hi = _hessian_min_eig(theta, Xt, Yt, shapes, arch.r)
            saddle = lo < -hess_tol * np.maximum(1.0, hi)
            outcome[runs[hj]] = np.where(saddle, "saddle", "minimum")

        # --- non-stationary runs: boundary or unconverged
        lh, nh = result.loss_history[runs], result.norm_history[runs]
        last = np.array([np.flatnonzero(np.isfinite(row)).max() if np.isfinite(row).any() else 0 for row in lh])
        mid = last // 2
        rr = np.arange(len(runs))
        decreasing = lh[rr, last] < lh[rr, mid]
        growing = nh[rr, last] > nh[rr, mid]
        degenerate = rho >= degeneracy * result.grad_norms[runs]
        cand = np.flatnonzero(~st & (last > 0) & decreasing & growing & degenerate)
        if len(cand):
            # the pull along V must persist: near a realisable critical point that is merely badly
            # conditioned (close to the boundary) the tangent residual keeps shrinking instead
            i_c = runs[cand]
            rho_mid = _tangent_residual(result, i_c, result.weight_history[i_c, mid[cand]], rank_rtol)
            keep = rho[cand] >= persistence * rho_mid
            for j, i in enumerate(i_c):
                cps = cps_per[result.data_index[i]]
                if keep[j] and cps is not None:
                    near = [
                        np.linalg.norm(result.coefficients[i] - cp.coefficients) <= near_rtol * np.linalg.norm(cp.coefficients)
                        for cp in cps
                        if cp.in_neuromanifold
                    ]
                    keep[j] = not any(near)
            outcome[i_c[keep]] = "boundary"
    return RunClassification(
        outcome=outcome.astype(str),
        stationary=stationary,
        jacobian_rank=jrank,
        tangent_residual=resid,
        critical_point=matched,
        match_distance=mdist,
        dim_v=dim_v,
        critical_points=cps_per,
    )


def _critical_points_checked(arch: Architecture, X: np.ndarray, Y: np.ndarray) -> Optional[list[CriticalPoint]]:
    try:
        return critical_points(arch, None, X, Y)
    except ValueError:  # degenerate data: no closed form to compare with
        return None


# ------------------------------------------------------------------------------------------------
# counting learned functions
# ------------------------------------------------------------------------------------------------


@dataclass
class FunctionGroup:
    """Runs that learned the same function (coefficients equal up to ``rtol``).

    ``coefficients``/``loss`` are those of the lowest-loss member, ``runs`` the run indices,
    ``critical_point`` the index of the matched closed-form critical point (or ``None``).
    """

    coefficients: np.ndarray
    count: int
    loss: float
    kind: str
    jacobian_rank: int
    critical_point: Optional[int]
    in_neuromanifold: Optional[bool]
    runs: np.ndarray

    def to_dict(self, with_coefficients: bool = True) -> dict:
        d = {
            "count": int(self.count),
            "loss": float(self.loss),
            "kind": self.kind,
            "jacobian_rank": int(self.jacobian_rank),
            "critical_point": self.critical_point,
        }
        if with_coefficients:
            d["coefficients"] = np.asarray(self.coefficients, dtype=float).tolist()
        return d


@dataclass
class LearnedFunctions:
    """Result of :func:`count_learned_functions`: groups of learned functions and run outcomes."""

    arch: Architecture
    groups: list[FunctionGroup]
    outcomes: dict
    classification: RunClassification
    critical_points: Optional[list[CriticalPoint]]
    runs: int
    diverged_runs: int
    rtol: float

    @property
    def distinct_functions(self) -> int:
        """Number of distinct full-rank learned functions (minimum, saddle or unknown)."""
        return sum(g.kind in ("minimum", "saddle", "unknown") for g in self.groups)

    @property
    def singular_functions(self) -> int:
        return sum(g.kind == "singular" for g in self.groups)

    @property
    def converged(self) -> int:
        """Runs that reached a critical point (stationary in weight and function space)."""
        return int(sum(self.outcomes[k] for k in ("minimum", "saddle", "unknown", "singular")))

    @property
    def minimum_in_neuromanifold(self) -> Optional[bool]:
        if not self.critical_points:
            return None
        real = [cp for cp in self.critical_points if cp.kind == "minimum"]
        return real[0].in_neuromanifold if real else None

    def describe(self) -> str:
        """One line, e.g. ``learned 2 distinct functions of 3 critical points``."""
        k = self.distinct_functions
        if self.critical_points is None:
            return f"learned {k} distinct function{'s' if k != 1 else ''} (critical points unknown)"
        return f"learned {k} distinct function{'s' if k != 1 else ''} of {len(self.critical_points)} critical points"

    def table(self):
        """DataFrame with one row per group: function, count, loss, kind, Jacobian rank, critical point."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "function": f"f{i + 1}",
                    "count": g.count,
                    "loss": g.loss,
                    "kind": g.kind,
                    "jacobian_rank": g.jacobian_rank,
                    "critical_point": -1 if g.critical_point is None else g.critical_point,
                }
                for i, g in enumerate(self.groups)
            ],
            columns=["function", "count", "loss", "kind", "jacobian_rank", "critical_point"],
        )

    def summary(self) -> dict:
        """The JSON summary (schema of ``summary.json``)."""
        cps = self.critical_points
        closed = cps is not None and all(cp.kind in ("minimum", "saddle") for cp in cps)
        learned_cp = {g.critical_point: g.count for g in self.groups if g.critical_point is not None}
        return {
            "architecture": {"widths": list(self.arch.widths), "r": self.arch.r_label},
            "runs": self.runs,
            "converged": self.converged,
            "distinct_functions": self.distinct_functions,
            "singular_functions": self.singular_functions,
            "boundary_runs": int(self.outcomes["boundary"]),
            "unconverged_runs": int(self.outcomes["unconverged"]),
            "diverged_runs": int(self.diverged_runs),
            "outcomes": {k: int(v) for k, v in self.outcomes.items()},
            "critical_points_known": len(cps) if closed else None,
            "minimum_in_neuromanifold": self.minimum_in_neuromanifold if closed else None,
            "critical_points": (
                [dict(cp.to_dict(), learned_count=int(learned_cp.get(i, 0))) for i, cp in enumerate(cps)]
                if cps is not None and all(cp.kind != "complex" for cp in cps)
                else None
            ),
            "description": self.describe(),
            "grouping_rtol": self.rtol,
            "dimension": self.classification.dim_v,
            "functions": [g.to_dict() for g in self.groups],
        }


def _group(coeffs: np.ndarray, scale: np.ndarray, order: np.ndarray, rtol: float) -> list[list[int]]:
    """Greedy clustering in the given order: join the first representative within rtol."""
    reps: list[int] = []
    members: list[list[int]] = []
    for i in order:
        if reps:
            R = coeffs[reps]
            d = np.linalg.norm((R - coeffs[i]).reshape(len(reps), -1), axis=1)
            den = np.maximum(np.maximum(np.linalg.norm(R.reshape(len(reps), -1), axis=1), scale[i]), 1e-300)
            hit = np.flatnonzero(d <= rtol * den)
            if len(hit):
                members[hit[0]].append(i)
                continue
        reps.append(i)
        members.append([i])
    return members


def count_learned_functions(
    result: TrainResult,
    rtol: float = 1e-4,
    *,
    critical_points: CPSpec = "auto",
    boundary_rtol: float = 5e-2,
    dataset: Optional[int] = None,
    classification: Optional[RunClassification] = None,
    **classify_kwargs: Any,
) -> LearnedFunctions:
    """Group the learned functions of a training result by their coefficients.

    Weights are only defined up to the network's symmetries, so runs are compared by their
    coefficient matrices: two runs learned the same function if the coefficients agree to ``rtol``
    relative (relative to ``max(|C|, ||least-squares minimiser||)``, so the zero function is
    handled). Stationary runs form the groups of kind ``minimum``/``saddle``/``unknown``/
    ``singular``; boundary runs are grouped with the looser ``boundary_rtol`` (they are still
    moving) and always have kind ``boundary``; unconverged runs are only counted.

    ``critical_points`` (``"auto"``, ``None`` or a list of coefficient matrices, see
    :func:`classify_runs`) is the hook for the learning degree: with all ``N`` critical points
    passed in, :meth:`LearnedFunctions.describe` says "learned k distinct functions of N critical
    points". Results trained on several data sets need ``dataset=k``.

    >>> X, Y = make_data((2, 2, 3), 2, seed=0)
    >>> res = train((2, 2, 3), 2, X, Y, runs=30, steps=4000, seed=1, progress=False)
    >>> count_learned_functions(res).describe()
    'learned 1 distinct function of 3 critical points'
    """
    if not rtol > 0 or not boundary_rtol > 0:
        raise ValueError("rtol and boundary_rtol must be positive")
    K = result.X.shape[0]
    if dataset is None and K != 1:
        raise ValueError(f"the result was trained on {K} data sets: pass dataset=k")
    cls = classification if classification is not None else classify_runs(result, critical_points, **classify_kwargs)
    sel = np.arange(result.runs) if dataset is None else np.flatnonzero(result.data_index == dataset)
    k = 0 if dataset is None else int(dataset)
    cps = cls.critical_points[k]
    # scale of "the same function": the unconstrained least-squares minimiser of this data set
    A, B, _ = loss_matrices(result.arch, None, result.X[k], result.Y[k])
    try:
        scale = float(np.linalg.norm(np.linalg.solve(A, B)))
    except np.linalg.LinAlgError:
        scale = 1.0
    coeffs = result.coefficients
    scales = np.full(result.runs, scale)

    groups: list[FunctionGroup] = []
    for kinds, tol in ((("minimum", "saddle", "unknown", "singular"), rtol), (("boundary",), boundary_rtol)):
        idx = sel[np.isin(cls.outcome[sel], kinds)]
        if len(idx) == 0:
            continue
        order = idx[np.argsort(result.losses[idx], kind="stable")]
        for members in _group(coeffs, scales, order, tol):
            m = np.array(members)
            rep = m[0]
            outs, counts = np.unique(cls.outcome[m], return_counts=True)
            kind = str(outs[np.argmax(counts)])
            cp = int(cls.critical_point[rep]) if cls.critical_point[rep] >= 0 else None
            realisable = cps[cp].in_neuromanifold if (cp is not None and cps is not None) else None
            groups.append(
                FunctionGroup(
                    coefficients=coeffs[rep],
                    count=len(m),
                    loss=float(result.losses[rep]),
                    kind=kind,
                    jacobian_rank=int(cls.jacobian_rank[rep]),
                    critical_point=cp,
                    in_neuromanifold=realisable,
                    runs=m,
                )
            )
    rank_kind = {k: i for i, k in enumerate(OUTCOMES)}
    groups.sort(key=lambda g: (rank_kind[g.kind], -g.count, g.loss))
    outcomes = {o: int((cls.outcome[sel] == o).sum()) for o in OUTCOMES}
    return LearnedFunctions(
        arch=result.arch,
        groups=groups,
        outcomes=outcomes,
        classification=cls,
        critical_points=cps,
        runs=len(sel),
        diverged_runs=int(result.diverged[sel].sum()),
        rtol=rtol,
    )


# ------------------------------------------------------------------------------------------------
# sweeping data sets
# ------------------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    """Result of :func:`sweep_datasets`: one row per data set in ``table``.

    Columns: ``dataset``, ``data_seed``, ``minimum_in_neuromanifold`` (bool or None),
    ``minimum_loss``, the run counts per outcome (:data:`OUTCOMES`), ``distinct_functions``.
    """

    arch: Architecture
    table: Any  # pandas.DataFrame
    runs_per_dataset: int
    n_points: int
    seed: Optional[int]
    seconds: float

    @property
    def fraction_realisable(self) -> Optional[float]:
        """Fraction of data sets whose minimiser on V is realised by real weights."""
        col = self.table["minimum_in_neuromanifold"]
        known = col[col.notna()]
        return float(known.astype(bool).mean()) if len(known) else None

    def realisable_interval(self, z: float = 1.96) -> Optional[tuple[float, float]]:
        """Wilson score interval for :attr:`fraction_realisable`."""
        col = self.table["minimum_in_neuromanifold"]
        known = col[col.notna()].astype(bool)
        n = len(known)
        if n == 0:
            return None
        p = known.mean()
        den = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / den
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
        return (float(centre - half), float(centre + half))

    def outcome_table(self):
        """Mean fraction of runs per outcome, split by whether the minimiser is realisable."""
        df = self.table.copy()
        df["minimiser"] = df["minimum_in_neuromanifold"].map({True: "realisable", False: "not realisable"}).fillna("unknown")
        if self.runs_per_dataset == 0:
            return df.groupby("minimiser").size().rename("datasets").to_frame()
        frac = df[list(OUTCOMES)].div(self.runs_per_dataset)
        frac["minimiser"] = df["minimiser"]
        out = frac.groupby("minimiser").mean()
        out.insert(0, "datasets", df.groupby("minimiser").size())
        out["mean_distinct_functions"] = df.groupby("minimiser")["distinct_functions"].mean()
        return out

    def summary(self) -> dict:
        ot = self.outcome_table()
        return {
            "architecture": {"widths": list(self.arch.widths), "r": self.arch.r_label},
            "datasets": int(len(self.table)),
            "runs_per_dataset": self.runs_per_dataset,
            "n_points": self.n_points,
            "seed": self.seed,
            "fraction_realisable": self.fraction_realisable,
            "realisable_interval_95": self.realisable_interval(),
            "outcomes_by_minimiser": json.loads(ot.to_json(orient="index")),
            "seconds": self.seconds,
        }


def sweep_datasets(
    widths: ArchLike,
    r: RSpec = 2,
    datasets: int = 100,
    *,
    n: Optional[int] = None,
    runs: int = 20,
    seed: Optional[int] = 0,
    steps: int = 20000,
    optimizer: str = "gd",
    lr: Optional[float] = None,
    tol: float = 1e-10,
    progress: bool = True,
) -> SweepResult:
    """Draw ``datasets`` Gaussian data sets; for each, decide whether the minimiser on ``V`` is
    realisable and (``runs > 0``) train ``runs`` networks and classify their outcomes.

    All data sets are trained in one vectorised batch of ``datasets * runs`` networks.

    >>> sw = sweep_datasets((2, 2, 3), 2, datasets=40, runs=0, seed=0, progress=False)
    >>> 0.2 < sw.fraction_realisable < 0.9
    True
    """
    import pandas as pd

    arch = _arch(widths, r)
    if int(datasets) != datasets or datasets < 1:
        raise ValueError(f"datasets must be a positive integer, got {datasets!r}")
    if int(runs) != runs or runs < 0:
        raise ValueError(f"runs must be a non-negative integer, got {runs!r}")
    t0 = time.perf_counter()
    seeds = np.random.SeedSequence(seed).generate_state(int(datasets))
    data = [make_data(arch, None, n=n, seed=int(s)) for s in seeds]
    Xs = np.stack([d[0] for d in data])
    Ys = np.stack([d[1] for d in data])
    cps_all = [_critical_points_checked(arch, X, Y) for X, Y in data]
    rows = []
    for k, cps in enumerate(cps_all):
        mins = [cp for cp in (cps or []) if cp.kind == "minimum"]
        rows.append(
            {
                "dataset": k,
                "data_seed": int(seeds[k]),
                "minimum_in_neuromanifold": mins[0].in_neuromanifold if mins else None,
                "minimum_loss": mins[0].loss if mins else float("nan"),
            }
        )
    if runs > 0:
        data_index = np.repeat(np.arange(datasets), runs)
        res = train(arch, None, Xs, Ys, runs=datasets * runs, steps=steps, optimizer=optimizer, lr=lr, tol=tol,
                    seed=None if seed is None else seed + 1, data_index=data_index, progress=progress)
        cls = classify_runs(res, "auto")
        for k in range(datasets):
            lf = count_learned_functions(res, dataset=k, classification=cls)
            rows[k].update(lf.outcomes)
            rows[k]["distinct_functions"] = lf.distinct_functions
    table = pd.DataFrame(rows)
    return SweepResult(arch, table, int(runs), int(Xs.shape[1]), seed, time.perf_counter() - t0)


# ------------------------------------------------------------------------------------------------
# plots
# ------------------------------------------------------------------------------------------------

_KIND_COLOURS = {
    "minimum": "#2b8a3e",
    "saddle": "#e67700",
    "unknown": "#868e96",
    "singular": "#5f3dc4",
    "boundary": "#c92a2a",
    "unconverged": "#ced4da",
}


def plot_functions(learned: LearnedFunctions, path: Union[str, Path]) -> Path:
    """Bar chart (PNG) of how many runs learned each function, coloured by kind, plus unconverged."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(max(5.0, 0.5 * len(learned.groups) + 3), 3.6), layout="constrained")
    ax = fig.subplots()
    labels = [f"f{i + 1}\n{g.loss:.4g}" for i, g in enumerate(learned.groups)]
    counts = [g.count for g in learned.groups]
    colours = [_KIND_COLOURS[g.kind] for g in learned.groups]
    if learned.outcomes["unconverged"]:
        labels.append("unconv.")
        counts.append(learned.outcomes["unconverged"])
        colours.append(_KIND_COLOURS["unconverged"])
    ax.bar(range(len(counts)), counts, color=colours)
    ax.set_xticks(range(len(counts)), labels, fontsize=7)
    ax.set_ylabel("runs")
    ax.set_title(f"{learned.arch}: {learned.describe()} ({learned.runs} runs)", fontsize=9)
    from matplotlib.patches import Patch

    present = [k for k in OUTCOMES if k in {g.kind for g in learned.groups} or (k == "unconverged" and learned.outcomes[k])]
    ax.legend(handles=[Patch(color=_KIND_COLOURS[k], label=k) for k in present], fontsize=7)
    path = Path(path)
    fig.savefig(path, dpi=120)
    return path


def plot_sweep(sweep: SweepResult, path: Union[str, Path]) -> Path:
    """Stacked bars (PNG): mean fraction of runs per outcome, by whether the minimiser is realisable."""
    from matplotlib.figure import Figure

    ot = sweep.outcome_table()
    fig = Figure(figsize=(5.5, 3.8), layout="constrained")
    ax = fig.subplots()
    frac = sweep.fraction_realisable
    title = f"{sweep.arch}: {len(sweep.table)} data sets, n={sweep.n_points}"
    if frac is not None:
        lo, hi = sweep.realisable_interval()
        title += f"\nminimiser realisable in {frac:.1%} (95% CI {lo:.1%}-{hi:.1%})"
    if sweep.runs_per_dataset == 0:
        ax.bar(ot.index.astype(str), ot["datasets"], color="#495057")
        ax.set_ylabel("data sets")
    else:
        bottom = np.zeros(len(ot))
        for k in OUTCOMES:
            ax.bar(ot.index.astype(str), ot[k], bottom=bottom, color=_KIND_COLOURS[k], label=k)
            bottom += ot[k].to_numpy()
        ax.set_ylabel(f"fraction of runs ({sweep.runs_per_dataset} per data set)")
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.set_xticks(range(len(ot)), [f"{i}\n({int(c)} sets)" for i, c in zip(ot.index, ot["datasets"])])
    ax.set_title(title, fontsize=9)
    path = Path(path)
    fig.savefig(path, dpi=120)
    return path
