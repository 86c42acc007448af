"""The network over a prime field, computed by the Rust core: coefficients and the Jacobian JΨ.

>>> network_coefficients((2, 1, 1), 2, [[[1, 2]], [[3]]]).tolist()   # 3 (x0 + 2 x1)^2
[[3, 12, 12]]
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from .. import _core
from .._resources import check_memory
from .._validate import integer_entries
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..errors import InvalidInputError
from ..fields import DEFAULT_PRIMES, seed_sequence, validate_prime

__all__ = ["jacobian", "network_coefficients", "trusted_coefficients", "weights_mod_p"]


def weights_mod_p(arch: Architecture, weights: Optional[Sequence[Any]], prime: int) -> Optional[list[list[int]]]:
    """Integer weight matrices reduced mod ``prime`` as flat row-major lists (``None`` passes through)."""
    if weights is None:
        return None
    if isinstance(weights, (int, float, str)) or not hasattr(weights, "__len__") or len(weights) != arch.depth:
        raise InvalidInputError(f"weights must be a list of {arch.depth} integer matrices W_1..W_L for {arch}, got {weights!r}")
    out = []
    for i, (w, rows, cols) in enumerate(zip(weights, arch.widths[1:], arch.widths[:-1]), start=1):
        a = integer_entries(w, f"W_{i}")
        if a.shape != (rows, cols):
            raise InvalidInputError(f"W_{i} must have shape ({rows}, {cols}), got {a.shape}")
        out.append([int(x) % prime for x in a.reshape(-1).tolist()])
    return out


def jacobian(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    *,
    weights: Optional[Sequence[Any]] = None,
    prime: int = DEFAULT_PRIMES[0],
    seed: Optional[int] = None,
    memory_limit: Optional[int] = None,
) -> np.ndarray:
    """The coefficient Jacobian JΨ mod ``prime``: an int64 array of shape ``(dL*M, N)``.

    Row ``j*M + m`` is output ``j``, monomial ``m``; column ``k`` is weight ``k`` (package order).
    ``weights`` is a list of integer matrices ``W_i`` of shape ``(d_i, d_{i-1})``; without it the
    weights are random (from ``seed``).

    >>> jacobian((2, 1, 1), 2, weights=[[[1, 2]], [[1]]]).tolist()   # f = w2 (a x0 + b x1)^2
    [[2, 0, 1], [4, 2, 4], [0, 4, 4]]
    """
    arch = Architecture.coerce(widths, r)
    prime = validate_prime(prime)
    w = weights_mod_p(arch, weights, prime)
    check_memory(f"the coefficient Jacobian of {arch}", 2 * 8 * arch.ambient_dim * arch.num_params, memory_limit)
    out = _core.coefficient_jacobian(list(arch.widths), list(arch.r), prime, w, seed_sequence(seed, 1)[0])
    return np.asarray(out).astype(np.int64)


def network_coefficients(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    weights: Optional[Sequence[Any]] = None,
    prime: int = DEFAULT_PRIMES[0],
    *,
    seed: Optional[int] = None,
    memory_limit: Optional[int] = None,
) -> np.ndarray:
    """Coefficient matrix (``dL x M``, int64) of the network's outputs mod ``prime``."""
    arch = Architecture.coerce(widths, r)
    prime = validate_prime(prime)
    w = weights_mod_p(arch, weights, prime)
    check_memory(f"the coefficients of {arch}", 16 * arch.ambient_dim * max(1, arch.d0), memory_limit)
    out = _core.network_coefficients(list(arch.widths), list(arch.r), prime, w, seed_sequence(seed, 1)[0])
    return np.asarray(out).astype(np.int64)


def trusted_coefficients(arch: Architecture, weights: Sequence[Sequence[Sequence[int]]], prime: int) -> np.ndarray:
    """:func:`network_coefficients` (flat, int64) for weights the package made itself: nested
    lists of Python ints of the right shapes and a validated prime. Skips validation and the
    memory check (the caller checked the matrix the points go into): the interpolation of
    equations calls it once per sample point, where those checks cost more than the evaluation.
    """
    flat = [[x % prime for row in W for x in row] for W in weights]
    out = _core.network_coefficients(list(arch.widths), list(arch.r), prime, flat, 0)
    return np.asarray(out).astype(np.int64).reshape(-1)
