"""Data and the squared loss as a quadratic form in the coefficients.

The squared loss of a network on data ``(x_i, y_i)`` depends on the network only through its
coefficient matrix ``C`` (``dL x M``, monomial basis in package order)::

    loss(C) = (1/n) sum_i ||C m(x_i) - y_i||^2 = tr(C A C^T) - 2 tr(C B) + c0,
    A = (1/n) sum_i m(x_i) m(x_i)^T,   B = (1/n) sum_i m(x_i) y_i^T,   c0 = (1/n) sum_i ||y_i||^2.

(The *mean* over data points; the critical points are those of the paper's sum.)

>>> X, Y = make_data((2, 2, 3), 2, seed=0)
>>> A, B, c0 = loss_matrices((2, 2, 3), 2, X, Y)
>>> X.shape, Y.shape, A.shape, B.shape
((10, 2), (10, 3), (3, 3), (3, 3))
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ._resources import check_memory
from ._validate import optional_positive_int, real_array
from ._validate import seed as validate_seed
from .architecture import Architecture, ArchitectureLike, RSpec, monomial_exponents
from .errors import InvalidInputError

__all__ = ["make_data", "monomial_matrix", "loss_matrices", "check_data", "MAX_DATA_ABS"]

#: Data entries must be smaller than this: their squares (and mean squares) stay finite in float64.
MAX_DATA_ABS = 1e150


def make_data(
    widths: ArchitectureLike, r: Optional[RSpec] = None, n: Optional[int] = None, seed: Optional[int] = None
) -> tuple[np.ndarray, np.ndarray]:
    """Generic data: ``X`` (n x d0) and ``Y`` (n x dL), i.i.d. standard normal.

    ``n`` defaults to ``max(10, 2 M)`` (the paper's 10 points for ``(2,2,3), r=2``); it must be at
    least the number of monomials ``M`` so that the loss has a unique minimiser on the ambient space.
    """
    arch = Architecture.coerce(widths, r)
    m = arch.num_monomials
    n = max(10, 2 * m) if n is None else optional_positive_int(n, "n")
    assert n is not None
    if n < m:
        raise InvalidInputError(f"need n >= M = {m} data points for {arch}, got n={n}")
    check_memory(f"{n:,} data points for {arch}", 8.0 * n * (arch.d0 + arch.dL + arch.num_monomials))
    rng = np.random.default_rng(validate_seed(seed))
    return rng.standard_normal((n, arch.d0)), rng.standard_normal((n, arch.dL))


def monomial_matrix(X: np.ndarray, degree: int) -> np.ndarray:
    """Rows ``m(x_i)``: all monomials of ``degree`` at the points ``X`` (..., n, d0), package order.

    >>> monomial_matrix(np.array([[2.0, 3.0]]), 2)
    array([[4., 6., 9.]])
    """
    X = np.asarray(X)
    exps = np.array(monomial_exponents(X.shape[-1], degree), dtype=np.int64)  # (M, d0)
    out: np.ndarray = np.prod(X[..., None, :] ** exps, axis=-1)
    return out


def check_data(arch: Architecture, X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``X``, ``Y`` as float arrays of shapes ([K,] n, d0), ([K,] n, dL) with n >= M, finite.

    Only real numbers are data (complex values and text are refused, not truncated or parsed), and
    entries must be below :data:`MAX_DATA_ABS` in size so that squares and the mean-square scaling
    stay finite in double precision.
    """
    X = real_array(X, "data X")
    Y = real_array(Y, "data Y")
    if X.ndim not in (2, 3) or X.shape[-1] != arch.d0:
        raise InvalidInputError(f"X must have shape (n, d0={arch.d0}) or (K, n, d0), got {X.shape}")
    if Y.ndim not in (2, 3) or Y.shape[-1] != arch.dL:
        raise InvalidInputError(f"Y must have shape (n, dL={arch.dL}) or (K, n, dL), got {Y.shape}")
    if X.shape[-2] != Y.shape[-2]:
        raise InvalidInputError(f"X and Y must have the same number of rows, got {X.shape[-2]} and {Y.shape[-2]}")
    if X.shape[-2] < arch.num_monomials:
        raise InvalidInputError(f"need at least M = {arch.num_monomials} data points for {arch}, got {X.shape[-2]}")
    if not (np.isfinite(X).all() and np.isfinite(Y).all()):
        raise InvalidInputError("data X, Y must be finite")
    largest = max(float(np.abs(X).max(initial=0.0)), float(np.abs(Y).max(initial=0.0)))
    if largest >= MAX_DATA_ABS:
        raise InvalidInputError(f"data X, Y must have entries below {MAX_DATA_ABS:g} in absolute value (their squares "
                                f"overflow double precision), got {largest:g}; rescale the data")
    return X, Y


def loss_matrices(widths: ArchitectureLike, r: Optional[RSpec], X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray, Any]:
    """``(A, B, c0)`` with ``loss(C) = tr(C A C^T) - 2 tr(C B) + c0`` (mean over the data)."""
    arch = Architecture.coerce(widths, r)
    X, Y = check_data(arch, X, Y)
    n = X.shape[-2]
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked just below
        mx = monomial_matrix(X, arch.degree)
        A = np.swapaxes(mx, -1, -2) @ mx / n
        B = np.swapaxes(mx, -1, -2) @ Y / n
    c0 = (Y * Y).sum(axis=(-1, -2)) / n
    if not (np.isfinite(A).all() and np.isfinite(B).all()):
        raise InvalidInputError(f"the loss matrices of {arch} overflow double precision: the data reach "
                                f"{float(np.abs(X).max()):g} and enter with degree {arch.degree}; rescale X")
    return A, B, c0
