"""From kernels mod p to integer forms: primes, canonical bases, rational reconstruction.

The nullspace mod ``p`` itself is :func:`neurovariety.linalg.nullspace`. Its basis is put in a
canonical form — unique for the row space, so bases over different primes combine by CRT — then
lifted to Q by rational reconstruction and scaled to primitive integer vectors. The same
canonical form over Q (:func:`rational_canonical_basis`) makes results independent of the seed
and of the method.

>>> p = 1048583
>>> rational_reconstruct(3 * pow(7, -1, p) % p, p)
Fraction(3, 7)
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable, Iterator, Mapping, Optional, Sequence, TypeVar

import numpy as np
import sympy
from sympy.polys.matrices import DomainMatrix

from ..fields import DEFAULT_PRIMES
from ..linalg import nullspace, rref

__all__ = [
    "prime_sequence",
    "canonical_basis",
    "rational_reconstruct",
    "primitive",
    "crt_reconstruct",
    "independent_rows",
    "rational_canonical_basis",
    "lifted_canonical_basis",
]

#: Keys of a sparse vector: a column index or an exponent vector.
Key = TypeVar("Key", int, tuple[int, ...])


def prime_sequence() -> Iterator[int]:
    """``DEFAULT_PRIMES``, then the next primes above them (all ~2^20, inside the core's fast path).

    >>> seq = prime_sequence()
    >>> [next(seq) for _ in range(3)]
    [1048583, 1048589, 1048601]
    """
    yield from DEFAULT_PRIMES
    p = max(DEFAULT_PRIMES)
    while True:
        p = int(sympy.nextprime(p))
        yield p


def _is_canonical(N: np.ndarray) -> Optional[tuple[int, ...]]:
    """The pivot columns if ``N`` is already in canonical form, else ``None``."""
    last = []
    for row in N:
        nz = np.flatnonzero(row)
        last.append(int(nz[-1]) if len(nz) else -1)
    if all(a < b for a, b in zip(last, last[1:])) and last[0] >= 0:
        if np.array_equal(N[:, last], np.eye(len(last), dtype=np.int64)):
            return tuple(last)
    return None


def canonical_basis(N: np.ndarray, p: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """Canonical basis of the row space of ``N`` mod ``p`` and its pivot columns.

    Row ``i`` has 1 at column ``f_i``, 0 at the other ``f``'s and is zero right of ``f_i``
    (``f_1 < ... < f_k``). For a kernel this is the core's documented form, with ``f`` = the
    free columns; it is only recomputed if the input is not already in that form, so nothing
    depends on an undocumented detail of the core.

    >>> canonical_basis(np.array([[1, 1, 0], [2, 0, 1]]), 7)[0].tolist()
    [[1, 1, 0], [2, 0, 1]]
    """
    N = np.asarray(N, dtype=np.int64) % p
    k, n = N.shape
    if k == 0:
        return N.reshape(0, n), ()
    done = _is_canonical(N)
    if done is not None:
        return N, done
    # Reduced echelon form with the column order reversed (Rust kernel): pivots become last columns.
    R, piv = rref(np.ascontiguousarray(N[:, ::-1]), p)
    return np.ascontiguousarray(R[::-1, ::-1]), tuple(sorted(n - 1 - c for c in piv))


def rational_reconstruct(a: int, m: int) -> Optional[Fraction]:
    """The fraction ``u/v`` with ``|u|, v <= sqrt(m/2)`` and ``u ≡ a v (mod m)``, if it exists.

    >>> rational_reconstruct(4, 7) is None   # no fraction that small is 4 mod 7
    True
    """
    bound = math.isqrt(m // 2)
    r0, r1 = m, a % m
    s0, s1 = 0, 1
    while r1 > bound:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        s0, s1 = s1, s0 - q * s1
    if s1 == 0 or abs(s1) > bound or math.gcd(r1, abs(s1)) != 1:
        return None
    return Fraction(r1, s1)


def primitive(values: Mapping[Key, Fraction], *, positive_at_largest: bool = False) -> dict[Key, int]:
    """Scale a rational vector to coprime integers; the entry at the smallest key (the largest
    with ``positive_at_largest``) becomes positive.

    >>> primitive({0: Fraction(-1, 2), 3: Fraction(1, 3)})
    {0: 3, 3: -2}
    """
    den = 1
    for v in values.values():
        den = den * v.denominator // math.gcd(den, v.denominator)
    ints = {c: int(v * den) for c, v in values.items() if v}
    g = 0
    for n in ints.values():
        g = math.gcd(g, n)
    lead = max(ints) if positive_at_largest else min(ints)
    sign = -1 if ints[lead] < 0 else 1
    return {c: sign * v // g for c, v in ints.items()}


def crt_reconstruct(members: Sequence[tuple[int, np.ndarray]], free: tuple[int, ...]) -> Optional[list[dict[int, Fraction]]]:
    """Rational rows from canonical bases ``(p, N)`` of one kernel mod several primes, by CRT and
    rational reconstruction; ``None`` while the product of the primes is too small.

    >>> p = 1048583
    >>> crt_reconstruct([(p, np.array([[p - 3, 1]]))], (1,))   # the vector (-3, 1)
    [{0: Fraction(-3, 1), 1: Fraction(1, 1)}]
    """
    primes = [p for p, _ in members]
    m = math.prod(primes)
    # CRT basis: e_i ≡ 1 mod p_i, ≡ 0 mod the others.
    basis = [(m // p) * pow(m // p, -1, p) for p in primes]
    out = []
    for i in range(len(free)):
        cols: set[int] = set()
        for _, N in members:
            cols.update(int(c) for c in np.flatnonzero(N[i]))
        row: dict[int, Fraction] = {}
        for c in cols:
            x = sum(int(N[i, c]) * e for (_, N), e in zip(members, basis)) % m
            q = rational_reconstruct(x, m)
            if q is None:
                return None
            if q:
                row[c] = q
        out.append(row)
    return out


def independent_rows(A: np.ndarray, p: int) -> list[int]:
    """Rows of ``A`` independent of all earlier rows mod ``p`` (the greedy left-to-right choice).

    A row is dependent on earlier ones iff some relation ``sum λ_i row_i = 0`` ends at it, i.e.
    iff it is a pivot (last nonzero) of the canonical basis of the left kernel.

    >>> independent_rows(np.array([[1, 0], [2, 0], [0, 1]]), 7)
    [0, 2]
    """
    _, dependent = canonical_basis(nullspace(A.T.copy(), p), p)
    dep = set(dependent)
    return [i for i in range(A.shape[0]) if i not in dep]


def rational_canonical_basis(K: int, rows: Sequence[Mapping[int, int]]) -> list[dict[int, int]]:
    """Canonical basis over Q (last-column pivots, primitive integers) of the span of sparse rows
    of length ``K``: the form of :func:`canonical_basis`, exactly.

    >>> rational_canonical_basis(3, [{0: 1, 2: 2}, {0: 2, 1: 1, 2: 4}])   # x0 + 2 x2, x1
    [{1: 1}, {2: 2, 0: 1}]
    """
    if not rows:
        return []
    dense = [[0] * K for _ in rows]
    for i, row in enumerate(rows):
        for c, v in row.items():
            dense[i][K - 1 - c] = v  # reversed columns: pivots become the last nonzero columns
    R, pivots = DomainMatrix([[sympy.QQ(v) for v in row] for row in dense], (len(rows), K), sympy.QQ).rref()
    R = R.to_Matrix()
    out = []
    for i in range(len(pivots)):
        vals = {K - 1 - c: Fraction(int(R[i, c].p), int(R[i, c].q)) for c in range(K) if R[i, c] != 0}
        out.append(primitive(vals))
    out.sort(key=max)
    return out


def _dense_mod(K: int, rows: Sequence[Mapping[int, int]], p: int) -> np.ndarray:
    A = np.zeros((len(rows), K), dtype=np.int64)
    for i, row in enumerate(rows):
        for c, v in row.items():
            A[i, c] = v % p
    return A


def lifted_canonical_basis(
    K: int,
    rows: Sequence[Mapping[int, int]],
    accept: Callable[[list[dict[int, int]]], bool],
    max_primes: int = 12,
) -> Optional[tuple[list[dict[int, int]], tuple[int, ...]]]:
    """The canonical basis over Q (as :func:`rational_canonical_basis`) of the span of integer
    rows, by canonical bases mod primes (Rust row reduction), CRT and rational reconstruction,
    with the primes used; ``None`` if no candidate passed ``accept`` within ``max_primes``.

    A candidate is taken only when ``accept`` (the caller's certificate, e.g. exact vanishing
    on V) says so; primes where the rank drops are skipped. Linear in the size of the rows
    (dense ``len(rows) x K`` mod p), unlike an exact rational elimination.

    >>> lifted_canonical_basis(3, [{0: 1, 2: 2}, {0: 2, 1: 1, 2: 4}], lambda forms: True)[0]
    [{1: 1}, {0: 1, 2: 2}]
    """
    if not rows:
        return [], ()
    groups: dict[tuple[int, ...], list[tuple[int, np.ndarray]]] = {}
    best, used = 0, list[int]()
    for p in prime_sequence():
        if len(used) >= max_primes:
            return None
        used.append(p)
        N, free = canonical_basis(_dense_mod(K, rows, p), p)
        if len(free) < best:
            continue  # rank drop mod p: an unlucky prime
        if len(free) > best:
            best, groups = len(free), {}
        members = groups.setdefault(free, [])
        members.append((p, N))
        lifted = crt_reconstruct(members, free)
        if lifted is None:
            continue
        forms = [primitive(row, positive_at_largest=False) for row in lifted]
        if accept(forms):
            return sorted(forms, key=max), tuple(used)
    return None  # pragma: no cover - prime_sequence is infinite
