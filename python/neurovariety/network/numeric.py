"""The numpy evaluator of the coefficient map and its Jacobian, shared by every capability.

``coefficients(arch, weights)`` runs the network's forward pass on polynomials in the monomial
basis: float64 for float weights, exact Python integers (dtype object) for integer weights.
Leading batch dimensions of the weight matrices are broadcast, so thousands of networks are
evaluated in one call (the learning loop, the run classifier, the critical-point solver).

This is one of three evaluators on purpose: the Rust kernels (fast, over F_p and C), this one
(numpy), and the exact sparse evaluator of :mod:`neurovariety.equations.exact`, kept independent
of both so that it can verify their results.

>>> import numpy as np
>>> W1 = np.array([[1, 0], [1, 1]]); W2 = np.array([[1, 2]])
>>> coefficient_matrix((2, 2, 1), 2, [W1, W2]).tolist()   # x0^2 + 2 (x0 + x1)^2
[[3, 4, 2]]
"""

from __future__ import annotations

import functools
from typing import Any, Optional, Sequence

import numpy as np

from ..architecture import Architecture, ArchitectureLike, RSpec, monomial_exponents
from ..errors import InvalidInputError

__all__ = ["coefficient_matrix", "coefficient_jacobian", "coefficients_and_jacobian", "as_weight_arrays"]


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
    if p.dtype == np.dtype(object) or q.dtype == np.dtype(object):
        K = K.astype(object)
    outer = p[..., :, None] * q[..., None, :]
    out: np.ndarray = outer.reshape(outer.shape[:-2] + (-1,)) @ K
    return out


def _poly_pow(p: np.ndarray, n: int, a: int, e: int) -> np.ndarray:
    out = np.ones(p.shape[:-1] + (1,), dtype=p.dtype)  # the constant 1, degree 0
    deg = 0
    for _ in range(e):
        out = _poly_mul(out, p, n, deg, a)
        deg += a
    return out


def as_weight_arrays(arch: Architecture, weights: Sequence[Any]) -> tuple[list[np.ndarray], bool]:
    """Validated weight matrices (batch dimensions allowed) and whether they are exact integers."""
    if isinstance(weights, np.ndarray) or len(weights) != arch.depth:
        got = "an array" if isinstance(weights, np.ndarray) else f"{len(weights)} item(s)"
        raise InvalidInputError(f"weights must be a list of {arch.depth} matrices W_1..W_L for {arch}, got {got}")
    arrays = [np.asarray(w) for w in weights]
    exact = all(a.dtype.kind in "iuO" for a in arrays)
    out = []
    for i, a in enumerate(arrays):
        shape = (arch.widths[i + 1], arch.widths[i])
        if a.shape[-2:] != shape:
            raise InvalidInputError(f"W_{i + 1} must have shape (..., {shape[0]}, {shape[1]}), got {a.shape}")
        if a.dtype.kind not in "iuOfc":
            raise InvalidInputError(f"W_{i + 1} must hold numbers, got dtype {a.dtype}")
        # Python ints (dtype object) keep integer weights exact: no overflow.
        out.append(a.astype(object) if exact else a.astype(np.complex128 if a.dtype.kind == "c" else np.float64))
    if not exact and any(a.dtype == np.complex128 for a in out):
        out = [a.astype(np.complex128) for a in out]
    return out, exact


def _layer_jacobian_columns(dz: np.ndarray, a: np.ndarray, off: int, d_out: int, d_in: int) -> None:
    # d z_k / d W[k, j] = a_j for this layer's own weights (row-major)
    kk, jj = np.meshgrid(np.arange(d_out), np.arange(d_in), indexing="ij")
    cols = (off + kk * d_in + jj).ravel()
    dz[..., cols, kk.ravel(), :] = np.broadcast_to(a, dz.shape[:-3] + a.shape[-2:])[..., jj.ravel(), :]


def _forward(arch: Architecture, weights: list[np.ndarray], jac: bool) -> tuple[np.ndarray, Optional[np.ndarray]]:
    n = arch.d0
    dtype = weights[0].dtype
    a = np.eye(n, dtype=np.int64).astype(dtype)  # x_j as linear forms
    deg = 1
    da = None
    if jac:
        batch = np.broadcast_shapes(*(w.shape[:-2] for w in weights))
        da = np.zeros(batch + (arch.num_params, n, n), dtype=dtype)
        if dtype == np.dtype(object):
            da[...] = 0
    off = 0
    for i, W in enumerate(weights):
        d_out, d_in = W.shape[-2:]
        z = W @ a
        dz = None
        if jac:
            dz = W[..., None, :, :] @ da
            _layer_jacobian_columns(dz, a, off, d_out, d_in)
        off += d_out * d_in
        if i == arch.depth - 1:
            return z, dz
        e = arch.r[i]
        zr1 = _poly_pow(z, n, deg, e - 1)
        a = _poly_mul(zr1, z, n, deg * (e - 1), deg)
        if dz is not None:
            da = e * _poly_mul(zr1[..., None, :, :], dz, n, deg * (e - 1), deg)
        deg *= e
    raise AssertionError("unreachable: an architecture has at least one layer")


def coefficient_matrix(widths: ArchitectureLike, r: Optional[RSpec], weights: Sequence[Any]) -> np.ndarray:
    """Coefficient matrix ``C`` (..., dL, M) of the network with the given weights.

    Float weights give float64 (complex weights complex128); integer weights (numpy ints or
    Python ints) are computed exactly with Python integers (dtype object).
    """
    arch = Architecture.coerce(widths, r)
    ws, _ = as_weight_arrays(arch, weights)
    return _forward(arch, ws, jac=False)[0]


def coefficients_and_jacobian(
    widths: ArchitectureLike, r: Optional[RSpec], weights: Sequence[Any]
) -> tuple[np.ndarray, np.ndarray]:
    """``(C (..., dL, M), J (..., dL*M, N))`` in one forward pass."""
    arch = Architecture.coerce(widths, r)
    ws, _ = as_weight_arrays(arch, weights)
    C, dC = _forward(arch, ws, jac=True)
    assert dC is not None
    # dC: (..., N, dL, M) -> (..., dL*M, N)
    moved = np.moveaxis(dC, -3, -1)
    return C, moved.reshape(moved.shape[:-3] + (arch.ambient_dim, arch.num_params))


def coefficient_jacobian(widths: ArchitectureLike, r: Optional[RSpec], weights: Sequence[Any]) -> np.ndarray:
    """Jacobian of the coefficient map at the weights: shape (..., dL*M, N).

    Rows are output-major coefficients (row ``j*M + m``), columns the weights in package order.
    Integer weights give the exact integer Jacobian (dtype object), float weights a float64 one.

    >>> J = coefficient_jacobian((2, 2, 3), 2, [np.eye(2, dtype=int), np.ones((3, 2), dtype=int)])
    >>> J.shape
    (9, 10)
    """
    return coefficients_and_jacobian(widths, r, weights)[1]
