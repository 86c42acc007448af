"""Property tests of `neurovariety.linalg` (rank, nullspace, rref) against a plain Python reference.

The reference below is textbook Gauss–Jordan elimination on Python integers, written for
clarity, not speed; the library's Rust kernels (recursive blocked elimination with
floating-point or integer matrix products) must agree with it exactly, including the canonical
form of the nullspace basis.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from neurovariety import linalg

# Every kernel path: tiny primes, the default primes (float kernel, long delayed reduction),
# primes just below 2^26 (float kernel, short delayed reduction), just above 2^26 (integer
# kernel, 64-bit products), above 2^32 and up to just below 2^63 (128-bit products).
PRIMES = [
    2,
    3,
    5,
    101,
    65_537,
    1_048_583,
    1_048_589,
    33_554_393,
    67_108_859,
    67_108_879,
    4_294_967_291,
    2**61 - 1,
    4_611_686_018_427_387_847,
    9_223_372_036_854_775_783,
]


# --- reference ---------------------------------------------------------------------------------


def ref_rref(rows: list[list[int]], ncols: int, p: int) -> tuple[list[list[int]], list[int]]:
    """Reduced row echelon form mod p and its pivot columns (pure Python)."""
    m = [[x % p for x in row] for row in rows]
    pivots: list[int] = []
    for c in range(ncols):
        r = len(pivots)
        found = next((i for i in range(r, len(m)) if m[i][c]), None)
        if found is None:
            continue
        m[r], m[found] = m[found], m[r]
        inv = pow(m[r][c], -1, p)
        m[r] = [x * inv % p for x in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c]:
                f = m[i][c]
                m[i] = [(x - f * y) % p for x, y in zip(m[i], m[r])]
        pivots.append(c)
    return m, pivots


def ref_rank(rows: list[list[int]], ncols: int, p: int) -> int:
    return len(ref_rref(rows, ncols, p)[1])


def ref_nullspace(rows: list[list[int]], ncols: int, p: int) -> list[list[int]]:
    """The canonical basis: one vector per free column f, 1 at f, 0 at other free columns."""
    rref, pivots = ref_rref(rows, ncols, p)
    free = [c for c in range(ncols) if c not in pivots]
    basis = []
    for f in free:
        v = [0] * ncols
        v[f] = 1
        for t, c in enumerate(pivots):
            v[c] = -rref[t][f] % p
        basis.append(v)
    return basis


def as_lists(a: object) -> list[list[int]]:
    return [[int(x) for x in row] for row in np.asarray(a).tolist()]


def check(a: object, rows: list[list[int]], ncols: int, p: int) -> None:
    """`linalg` on `a` agrees with the reference on the integer matrix `rows`."""
    want_rank = ref_rank(rows, ncols, p)
    assert linalg.rank(a, p) == want_rank
    assert linalg.rank(np.asarray(a).T, p) == want_rank  # tall inputs are eliminated transposed
    basis = linalg.nullspace(a, p)
    assert basis.dtype == np.int64
    assert basis.shape == (ncols - want_rank, ncols)
    assert basis.tolist() == ref_nullspace(rows, ncols, p)
    ref, pivots = ref_rref(rows, ncols, p)
    R, got_pivots = linalg.rref(a, p)
    assert R.dtype == np.int64 and R.shape == (want_rank, ncols)
    assert (R.tolist(), list(got_pivots)) == (ref[:want_rank], pivots)
    # Independent of the reference: every basis vector is in the kernel.
    for v in basis.tolist():
        for row in rows:
            assert sum(x * y for x, y in zip(row, v)) % p == 0


# --- strategies --------------------------------------------------------------------------------

primes = st.sampled_from(PRIMES)


@st.composite
def matrices(draw: st.DrawFn, max_side: int = 9) -> tuple[list[list[int]], int, int]:
    """(integer rows, ncols, p): random, low-rank products, with zero or repeated rows/columns."""
    p = draw(primes)
    nrows = draw(st.integers(0, max_side))
    ncols = draw(st.integers(0, max_side))
    kind = draw(st.sampled_from(["random", "low_rank", "small_entries"]))
    rnd = random.Random(draw(st.integers(0, 2**32)))
    if kind == "random":
        # Entries of either sign and beyond p, all within int64.
        bound = min(3 * p, 2**63 - 1)
        rows = [[rnd.randint(-bound, bound) for _ in range(ncols)] for _ in range(nrows)]
    elif kind == "small_entries":
        rows = [[rnd.randint(-2, 2) for _ in range(ncols)] for _ in range(nrows)]
    else:
        k = draw(st.integers(0, max(0, min(nrows, ncols))))
        left = [[rnd.randrange(p) for _ in range(k)] for _ in range(nrows)]
        right = [[rnd.randrange(p) for _ in range(ncols)] for _ in range(k)]
        rows = [[sum(left[i][t] * right[t][j] for t in range(k)) % p for j in range(ncols)] for i in range(nrows)]
    if nrows and draw(st.booleans()):
        for i in draw(st.sets(st.integers(0, nrows - 1))):
            rows[i] = [0] * ncols
    if ncols and draw(st.booleans()):
        for j in draw(st.sets(st.integers(0, ncols - 1))):
            for row in rows:
                row[j] = 0
    if nrows >= 2 and draw(st.booleans()):
        rows[-1] = list(rows[0])  # a repeated row
    return rows, ncols, p


def to_array(rows: list[list[int]], ncols: int, dtype: object) -> np.ndarray:
    return np.array(rows, dtype=dtype).reshape(len(rows), ncols)


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices())
def test_int64_matches_reference(case: tuple[list[list[int]], int, int]) -> None:
    rows, ncols, p = case
    check(to_array(rows, ncols, np.int64), rows, ncols, p)


@settings(max_examples=100, deadline=None)
@given(matrices(), st.integers(1, 2**80))
def test_object_big_ints_match_reference(case: tuple[list[list[int]], int, int], shift: int) -> None:
    """Python integers of any size are reduced exactly (shift by multiples of p and beyond)."""
    rows, ncols, p = case
    big = [[x + shift * p + (shift if (i + j) % 2 else 0) for j, x in enumerate(row)] for i, row in enumerate(rows)]
    a = np.empty((len(rows), ncols), dtype=object)
    for i, row in enumerate(big):
        for j, x in enumerate(row):
            a[i, j] = x
    check(a, big, ncols, p)


@settings(max_examples=100, deadline=None)
@given(matrices())
def test_uint64_and_lists_match_reference(case: tuple[list[list[int]], int, int]) -> None:
    rows, ncols, p = case
    nonneg = [[x % 2**64 for x in row] for row in rows]  # two's complement wrap, as uint64 sees it
    assume(len(rows) > 0)  # an empty list of lists has no second dimension
    check(to_array(nonneg, ncols, np.uint64), nonneg, ncols, p)
    if ncols:
        check(rows, rows, ncols, p)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([2, 3, 1_048_583, 16_777_259, 67_108_859, 67_108_879, 2**61 - 1]),
    st.integers(33, 90),
    st.integers(33, 90),
    st.integers(0, 90),
    st.integers(0, 2**32),
)
def test_blocked_sizes_match_reference(p: int, nrows: int, ncols: int, k: int, seed: int) -> None:
    """Sizes beyond the 32-column base case, so the recursion and its updates all run."""
    rnd = random.Random(seed)
    k = min(k, nrows, ncols)
    left = [[rnd.randrange(p) for _ in range(k)] for _ in range(nrows)]
    right = [[rnd.randrange(p) for _ in range(ncols)] for _ in range(k)]
    rows = [[sum(left[i][t] * right[t][j] for t in range(k)) % p for j in range(ncols)] for i in range(nrows)]
    for j in range(0, ncols, 7):  # skipped pivot columns in irregular places
        for row in rows:
            row[j] = 0
    check(to_array(rows, ncols, np.int64), rows, ncols, p)


def test_docstring_example() -> None:
    a = np.array([[1, 2, 3], [2, 4, 6]])
    assert linalg.rank(a, 7) == 1
    assert linalg.nullspace(a, 7).tolist() == [[5, 1, 0], [4, 0, 1]]


def test_empty_shapes() -> None:
    assert linalg.rank(np.zeros((0, 5), dtype=np.int64), 7) == 0
    assert linalg.nullspace(np.zeros((0, 5), dtype=np.int64), 7).tolist() == np.eye(5, dtype=np.int64).tolist()
    assert linalg.rank(np.zeros((3, 0), dtype=np.int64), 7) == 0
    assert linalg.nullspace(np.zeros((3, 0), dtype=np.int64), 7).shape == (0, 0)


def test_tall_and_fat_large_low_rank() -> None:
    """Tall matrices are eliminated as their transpose; both orientations give the same rank."""
    p = 1_048_583
    rng = np.random.default_rng(3)
    left = rng.integers(0, 50, size=(700, 180))
    right = rng.integers(0, 50, size=(180, 260))
    a = left @ right  # exact in int64, rank 180 over Q and (generically) mod p
    r = linalg.rank(a, p)
    assert r == linalg.rank(a.T, p) == linalg.rank(a % p, 67_108_879)
    assert r <= 180
    basis = linalg.nullspace(a, p)
    assert basis.shape == (260 - r, 260)
    # Entries below 2^20 and 260 terms: the int64 product is exact.
    assert not np.any(((a % p) @ basis.T) % p)


def test_agrees_with_flint() -> None:
    flint = pytest.importorskip("flint")
    rng = np.random.default_rng(11)
    for p in (1_048_583, 67_108_879):
        for n, k in ((300, 300), (300, 250), (257, 100)):
            a = (rng.integers(0, p, size=(n, k)) @ rng.integers(0, 2, size=(k, n))) % p
            m = flint.nmod_mat(n, n, [int(x) for x in a.ravel()], p)
            assert linalg.rank(a, p) == m.rank()
            assert linalg.nullspace(a, p).shape[0] == m.nullspace()[1]


@pytest.mark.parametrize("p", [0, 1, 4, 2**63, 2**64 - 59, -7, 7.0, True, None, "7", 1_048_583 * 3])
def test_bad_prime_raises(p: object) -> None:
    with pytest.raises(ValueError):
        linalg.rank([[1, 2], [3, 4]], p)
    with pytest.raises(ValueError):
        linalg.nullspace([[1, 2], [3, 4]], p)


@pytest.mark.parametrize("a", [[1, 2, 3], np.ones((2, 2)), [["a", "b"]], np.ones((2, 2, 2), dtype=int), [[1.5, 2]]])
def test_bad_matrix_raises(a: object) -> None:
    with pytest.raises(ValueError):
        linalg.rank(a, 7)
    with pytest.raises(ValueError):
        linalg.nullspace(a, 7)
