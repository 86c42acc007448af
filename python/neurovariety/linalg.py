"""Dense linear algebra over F_p, backed by the Rust kernel.

>>> import numpy as np
>>> from neurovariety import linalg
>>> A = np.array([[1, 2, 3], [2, 4, 6]])
>>> linalg.rank(A, 7)
1
>>> linalg.nullspace(A, 7).tolist()   # x0 = -2 x1 - 3 x2 (mod 7)
[[5, 1, 0], [4, 0, 1]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _core
from .dimension import _validate_prime

__all__ = ["rank", "nullspace"]


def _reduced(A: Any, p: int) -> np.ndarray:
    a = np.asarray(A)
    if a.ndim != 2:
        raise ValueError(f"A must be a 2-D matrix, got an array of shape {a.shape}")
    if a.dtype.kind == "b":
        a = a.astype(np.uint8)
    if a.dtype.kind == "O":
        # Python integers of any size: reduce exactly before narrowing.
        try:
            flat = [int(x) % p for x in a.reshape(-1).tolist()]
        except (TypeError, ValueError):
            raise ValueError("A must contain integers") from None
        return np.asarray(flat, dtype=np.uint64).reshape(a.shape)
    if a.dtype.kind not in "iu":
        raise ValueError(f"A must have an integer dtype, got {a.dtype}")
    # The Rust side reduces every entry mod p, so non-negative input is passed through as is.
    if a.dtype.kind == "u":
        return np.ascontiguousarray(a, dtype=np.uint64)
    a = a.astype(np.int64, copy=False)
    if a.size == 0 or a.min() >= 0:
        return np.ascontiguousarray(a).view(np.uint64)
    return np.ascontiguousarray(np.mod(a, np.int64(p)), dtype=np.uint64)


def rank(A: Any, p: int) -> int:
    """Rank of the integer matrix ``A`` over F_p (entries are reduced mod p first).

    Any prime ``p < 2^63``; primes below 2^26 use the fast floating-point kernel.
    """
    p = _validate_prime(p)
    return int(_core.matrix_rank(_reduced(A, p), p))


def nullspace(A: Any, p: int) -> np.ndarray:
    """Basis of ``{x : A x = 0 mod p}`` as the rows of an int64 array of shape ``(k, n)``.

    The basis is canonical: with free columns ``f_1 < ... < f_k`` (the non-pivot columns of the
    reduced row echelon form), row ``i`` has 1 at ``f_i`` and 0 at the other free columns. Being
    unique for a given ``A``, bases over different primes combine by CRT.
    """
    p = _validate_prime(p)
    return _core.matrix_nullspace(_reduced(A, p), p).astype(np.int64)
