"""Solution sets deduplicated as functions (neurovariety.homotopy.solutions) agree with the
brute-force comparison of every pair."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from neurovariety.homotopy import DEDUP_RTOL, SolutionSet, collisions


def _vectors(seed: int, n: int, amb: int, twins: int) -> np.ndarray:
    """``n`` random complex vectors of very different sizes, the first ``twins`` repeated with a
    perturbation far below the tolerance."""
    rng = np.random.default_rng(seed)
    c = (rng.standard_normal((n, amb)) + 1j * rng.standard_normal((n, amb))) * 10.0 ** rng.integers(-3, 4, (n, 1))
    near = c[:twins] * (1 + 1e-3 * DEDUP_RTOL * rng.standard_normal((twins, 1)))
    return np.vstack([c, near])


def _brute_index(known: np.ndarray, ci: np.ndarray) -> int | None:
    for k, ck in enumerate(known):
        if np.linalg.norm(ck - ci) <= DEDUP_RTOL * max(np.linalg.norm(ck), np.linalg.norm(ci)):
            return k
    return None


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), amb=st.integers(1, 6), twins=st.integers(0, 5))
def test_index_of_and_add_agree_with_the_pairwise_comparison(seed, n, amb, twins):
    twins = min(twins, n)
    c = _vectors(seed, n, amb, twins)
    s = SolutionSet(N=1, amb=amb)
    assert s.add(c, np.zeros((len(c), 1))) == n  # the twins are the same functions
    for i, ci in enumerate(c):
        assert s.index_of(ci) == _brute_index(s.c, ci) == (i if i < n else i - n)
    far = c[0] * (1 + 1e3 * DEDUP_RTOL)
    assert s.index_of(far) is None and not s.contains(far)
    # collisions: exactly the rows with a twin
    assert collisions(c).tolist() == sorted([*range(twins), *range(n, n + twins)])
