"""Membership in a neurovariety and the fibre of the parameter map over a point.

Given a coefficient matrix ``C`` (integers, rationals, floats or complex), take a random slicing
matrix ``A`` and a complete witness set of ``V ∩ {A c = b0}`` *in weight space* (every weight
preimage of every point), and track it to the slice through the target, ``b* = A C``. If ``C``
lies on ``V`` (at a smooth point), it is a point of ``V ∩ {A c = b*}``, so some endpoints map to
``C`` — exactly its fibre; otherwise no endpoint does. The verdict compares the best relative
residual ``min |c(θ) - C| / |C|`` with a tolerance (numerical, in double precision; the witness
set's completeness is certified by the trace test). For real ``C``, real weights realise it when
one of its preimages is real (in the first-column gauge chart, real points stay real): the real
neuromanifold, beyond the criteria of :func:`neurovariety.learning.in_neuromanifold`.

For a defective architecture the witness set lives in a random real weight slice of dimension
``dim V`` in the first-column gauge chart (fixed: no chart switches). Generic points of ``V`` have
preimages there, but points whose weights are far out in that chart (a first incoming weight
much smaller than the others, e.g. ratios above ~10 for (2,1,2,1), r = 2) can be missed: a
rejection is then not a proof, and "no real preimage in the slice" leaves ``real`` undecided.

>>> import numpy as np
>>> C = np.array([[1.0, 4.0, 4.0]])          # (x0 + 2 x1)^2: on the cone of squares
>>> res = is_on_variety((2, 1, 1), 2, C, seed=0)
>>> res.member, res.real
(True, True)
>>> is_on_variety((2, 1, 1), 2, np.array([[1.0, 0.0, 1.0]]), seed=0).member   # x0^2 + x1^2 has rank 2
False
"""

from __future__ import annotations

import time
from dataclasses import replace
from fractions import Fraction
from typing import Any, Optional, Sequence

import numpy as np

from .._validate import positive_float, positive_int
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..dimension import dimension
from ..errors import InvalidInputError
from ..network.gauge import first_column_chart
from ..network.weights import split_weights
from .result import MembershipResult
from .system import valid_witness_points
from .witness import cgauss, slicing, witness_set

__all__ = ["is_on_variety", "fibre", "members", "coefficient_vector"]

#: A preimage is real when its imaginary part is this small relative to its size.
REAL_RTOL = 1e-7


def coefficient_vector(arch: Architecture, coefficients: Any) -> tuple[np.ndarray, bool]:
    """The target as a flat complex vector (output-major) and whether it is real."""
    try:
        raw = np.asarray(coefficients, dtype=object).reshape(-1)
        bad = next((v for v in raw if isinstance(v, (bool, np.bool_, str, bytes, np.str_))), None)
        if bad is not None:  # numpy would read True as 1 and "1" as a number
            raise TypeError(f"{bad!r} is not a number")
        arr = np.asarray(coefficients, dtype=object if _has_fractions(coefficients) else None)
        cells = arr.reshape(-1)
        flat = np.array([complex(Fraction(v)) if isinstance(v, Fraction) else complex(v) for v in cells])
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"coefficients must be numbers, got {type(coefficients).__name__}: {exc}") from None
    if flat.size != arch.ambient_dim:
        raise InvalidInputError(f"coefficients must be a dL x M = {arch.dL} x {arch.num_monomials} matrix for {arch}, "
                                f"got {arr.shape}")
    if not np.isfinite(flat).all():
        raise InvalidInputError("coefficients must be finite")
    return flat, bool(np.all(flat.imag == 0))


def _has_fractions(x: Any) -> bool:
    return isinstance(x, (list, tuple)) and any(isinstance(v, Fraction) or _has_fractions(v) for v in x)


class _Oracle:
    """A complete witness set in weight space (all preimages of a real random slice; for a
    defective architecture in a real random weight slice of dimension ``dim V``), reused for many
    targets."""

    def __init__(self, arch: Architecture, dim_v: int, rng: np.random.Generator, kwargs: dict[str, Any]):
        A, sl = slicing(arch, dim_v, rng, real=True)  # real: real preimages solve a real system
        self.arch, self.rng, self.A = arch, rng, A
        self.ws = witness_set(arch, rng, A=A, slice=sl, by_weights=True, **kwargs)

    @property
    def complete(self) -> bool:
        return self.ws.complete

    def preimages(self, target: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray, float]:
        """Full weights (first-column chart) over ``target``, which of them are real, the best residual."""
        ws = self.ws
        b_star = self.A @ target
        mid = 0.5 * (ws.b0 + b_star) + ws.scale * cgauss(self.rng, len(b_star))  # the gamma trick
        ends, status = ws.system.track(ws.known.theta, [ws.b0, mid, b_star])
        th, c, _ = valid_witness_points(ws.system, ends, status, b_star)
        empty = np.zeros((0, self.arch.num_params), dtype=complex)
        if len(c) == 0:
            return empty, np.zeros(0, dtype=bool), float("inf")
        residuals = np.linalg.norm(c - target, axis=1) / max(float(np.linalg.norm(target)), 1e-300)
        hits = th[residuals <= tol]
        real = _is_real(hits) if len(hits) else np.zeros(0, dtype=bool)
        full = ws.system.weights(hits) if ws.system.sliced and len(hits) else hits
        return first_column_chart(self.arch, full) if len(hits) else empty, real, float(residuals.min())


def _is_real(theta: np.ndarray) -> np.ndarray:
    real: np.ndarray = np.abs(theta.imag).max(axis=1, initial=0) <= REAL_RTOL * np.maximum(np.abs(theta).max(axis=1, initial=0), 1e-300)
    return real


def _statement(arch: Architecture, member: bool, real: Optional[bool], residual: float, fibre: int, complete: bool,
               sliced: bool) -> str:
    where = "on" if member else "not on"
    text = (f"The point is {where} V_{{{arch}}}: the best point of a witness slice through it matches it to relative "
            f"residual {residual:.1e} (numerical, double precision; the witness set's completeness is "
            + ("certified numerically by the trace test" if complete else "NOT verified: a rejection may be wrong") + ").")
    if sliced:
        text += (f" {arch} is defective: the weights were restricted to a random real slice of dimension dim V (generic "
                 "points of V have preimages there; special points may not).")
    if member:
        text += f" {fibre} weight vector(s) " + ("in the weight slice" if sliced else "in the first-column gauge chart") + " map to it."
        if real is not None:
            text += " Real weights realise it." if real else " No real weights realise it (it lies off the real neuromanifold)."
        elif sliced:
            text += " No real preimage in the slice: whether real weights realise it is undecided."
    return text


def _verdict(oracle: _Oracle, arch: Architecture, target: np.ndarray, real_input: bool, tol: float, t0: float
             ) -> MembershipResult:
    scale = float(np.linalg.norm(target))
    if scale == 0.0:  # V is a cone: the zero function (W_L = 0) is on it, and on the real neuromanifold
        return MembershipResult(arch.widths, arch.activation, True, True if real_input else None, 0.0, [], 0,
                                f"The zero function is on V_{{{arch}}} (W_L = 0; V is a cone).", time.perf_counter() - t0)
    # V is a cone: decide c / |c| (well scaled at any magnitude), then scale W_L back by |c|
    thetas, real_hits, residual = oracle.preimages(target / scale, tol)
    member, sliced = len(thetas) > 0, oracle.ws.system.sliced
    real: Optional[bool] = None
    if real_input:
        real = bool(real_hits.any()) if member else False
        if sliced and member and not real:
            real = None  # real weights off the slice are not excluded
    weights = [[w.copy() for w in split_weights(arch, t)] for t in thetas]
    for ws in weights:
        ws[-1] = ws[-1] * scale
    return MembershipResult(arch.widths, arch.activation, member, real, residual, weights, len(thetas),
                            _statement(arch, member, real, residual, len(thetas), oracle.complete, sliced),
                            time.perf_counter() - t0)


def members(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    points: Sequence[Any] = (),
    *,
    seed: Optional[int] = None,
    tol: float = 1e-8,
    max_loops: int = 100,
    stop_after: int = 5,
    progress: Optional[bool] = None,
) -> list[MembershipResult]:
    """:func:`is_on_variety` for many coefficient matrices, sharing one witness set (one tracking
    run per point).

    >>> import numpy as np
    >>> [m.member for m in members((2, 1, 1), 2, [[[1, 2, 1]], [[1, 0, 1]], [[1, -2, 1]]], seed=0)]
    [True, False, True]
    """
    t0 = time.perf_counter()
    arch = Architecture.coerce(widths, r)
    targets = [coefficient_vector(arch, p) for p in points]
    tol = positive_float(tol, "tol")
    dim = dimension(arch, seed=0)
    if dim.dimension == arch.ambient_dim:
        return [MembershipResult(arch.widths, arch.activation, True, None, 0.0, [], 0,
                                 f"V_{{{arch}}} fills its ambient space: every point is on it.", time.perf_counter() - t0)
                for _ in targets]
    if not targets:
        return []
    oracle = _Oracle(arch, dim.dimension, np.random.default_rng(validate_seed(seed)),
                     dict(max_loops=positive_int(max_loops, "max_loops"), stop_after=positive_int(stop_after, "stop_after"),
                          progress=progress))
    return [_verdict(oracle, arch, target, real_input, tol, time.perf_counter()) for target, real_input in targets]


def is_on_variety(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    coefficients: Any = None,
    *,
    seed: Optional[int] = None,
    tol: float = 1e-8,
    max_loops: int = 100,
    stop_after: int = 5,
    progress: Optional[bool] = None,
) -> MembershipResult:
    """Does the coefficient matrix lie on ``V`` (and, when real, on the real neuromanifold)?"""
    if coefficients is None:
        raise InvalidInputError("coefficients are required: a dL x M coefficient matrix")
    t0 = time.perf_counter()
    res = members(widths, r, [coefficients], seed=seed, tol=tol, max_loops=max_loops, stop_after=stop_after,
                  progress=progress)[0]
    return replace(res, seconds=time.perf_counter() - t0)


def fibre(widths: ArchitectureLike, r: Optional[RSpec] = None, coefficients: Any = None, **kwargs: Any) -> MembershipResult:
    """The weights mapping to a coefficient matrix (all preimages, first-column gauge chart):
    :func:`is_on_variety`, whose ``weights`` field holds them."""
    return is_on_variety(widths, r, coefficients, **kwargs)
