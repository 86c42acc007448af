"""Dense linear algebra over F_p, backed by the Rust kernel.

>>> import numpy as np
>>> from neurovariety import linalg
>>> A = np.array([[1, 2, 3], [2, 4, 6]])
>>> linalg.rank(A, 7)
1
>>> linalg.nullspace(A, 7).tolist()   # x0 = -2 x1 - 3 x2 (mod 7)
[[5, 1, 0], [4, 0, 1]]
>>> R, pivots = linalg.rref(A, 7)
>>> R.tolist(), pivots
([[1, 2, 3]], (0,))

Memory: the kernel works on its own reduced copy of ``A`` (8 bytes per entry, converted in place
to the elimination's format), so the peak is your array plus one such copy — plus a third for a
tall matrix, which is eliminated as its transpose, and one more when ``A`` must be converted
first (a dtype other than int64/uint64, negative entries, or Python integers). Primes above 2^26
add per-thread digit buffers (about 15 MB a thread at 61 bits). The whole estimate, your array
included, is checked against the memory limit before any copy is made; to halve the peak of a
large rank, pass a C-contiguous non-negative int64 or uint64 array and drop your own reference
to anything else.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _core
from ._resources.memory import check_memory, rank_memory
from ._validate import integer_entries
from .errors import InvalidInputError
from .fields import validate_prime

__all__ = ["rank", "nullspace", "rref"]


def _reduced(A: Any, p: int, memory_limit: Optional[int]) -> np.ndarray:
    if isinstance(A, np.ndarray) and A.dtype.kind == "u" and A.ndim == 2:
        # unsigned input goes to the kernel as is (it reduces every entry mod p): no copy, no scan
        check_memory(f"a rank of a {A.shape[0]} x {A.shape[1]} matrix",
                     rank_memory(A.shape[0], A.shape[1], p, 1.0 if A.dtype == np.uint64 else 2.0), memory_limit)
        return np.ascontiguousarray(A, dtype=np.uint64)
    a = integer_entries(A, "A")
    if a.ndim != 2:
        raise InvalidInputError(f"A must be a 2-D matrix, got an array of shape {a.shape}")
    rows, cols = a.shape
    same = a is A or (isinstance(A, np.ndarray) and np.shares_memory(a, A))
    converted = a.dtype == object or not same or (a.size > 0 and a.min() < 0) or not a.flags.c_contiguous
    held = 2.0 if converted else 1.0  # the caller's array, and the converted one if made
    check_memory(f"a rank of a {rows} x {cols} matrix", rank_memory(rows, cols, p, held), memory_limit)
    if a.dtype == object:
        # Python integers of any size: reduce exactly before narrowing.
        flat = [int(x) % p for x in a.reshape(-1).tolist()]
        return np.asarray(flat, dtype=np.uint64).reshape(a.shape)
    if a.size == 0 or a.min() >= 0:
        return np.ascontiguousarray(a).view(np.uint64)  # the Rust side reduces every entry mod p
    return np.ascontiguousarray(np.mod(a, np.int64(p)), dtype=np.uint64)


def rank(A: Any, p: int, *, memory_limit: Optional[int] = None) -> int:
    """Rank of the integer matrix ``A`` over F_p (entries are reduced mod p first).

    Any prime ``p < 2^63``; primes below 2^26 use the fast floating-point kernel.
    """
    p = validate_prime(p, "p")
    return int(_core.matrix_rank(_reduced(A, p, memory_limit), p))


def nullspace(A: Any, p: int, *, memory_limit: Optional[int] = None) -> np.ndarray:
    """Basis of ``{x : A x = 0 mod p}`` as the rows of an int64 array of shape ``(k, n)``.

    The basis is canonical: with free columns ``f_1 < ... < f_k`` (the non-pivot columns of the
    reduced row echelon form), row ``i`` has 1 at ``f_i`` and 0 at the other free columns. Being
    unique for a given ``A``, bases over different primes combine by CRT.
    """
    p = validate_prime(p, "p")
    return np.asarray(_core.matrix_nullspace(_reduced(A, p, memory_limit), p)).astype(np.int64)


def rref(A: Any, p: int, *, memory_limit: Optional[int] = None) -> tuple[np.ndarray, tuple[int, ...]]:
    """Reduced row echelon form of ``A`` over F_p: its nonzero rows (an int64 array of shape
    ``(rank, n)``) and the pivot columns (increasing).

    >>> R, pivots = rref([[0, 2, 4], [1, 1, 1]], 5)
    >>> R.tolist(), pivots
    ([[1, 0, 4], [0, 1, 2]], (0, 1))
    """
    p = validate_prime(p, "p")
    R, pivots = _core.matrix_rref(_reduced(A, p, memory_limit), p)
    return np.asarray(R).astype(np.int64), tuple(int(c) for c in pivots)
