"""Dimensions against independently known facts (published dimensions and theorems), for both computation routes."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurovariety as nv
from neurovariety.fields import seed_sequence

METHODS = ["evaluation", "monomial"]


def dim(widths, r, method, seed=0):
    return nv.dimension(widths, r, method=method, seed=seed)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("widths", [(3, 2, 4), (2, 5, 3), (4, 1, 4), (3, 3, 3, 2), (5, 2, 6, 3), (2, 3)])
def test_linear_networks_are_determinantal(widths, method):
    k = min(widths)
    res = dim(widths, 1, method)
    assert res.dimension == k * (widths[0] + widths[-1] - k)
    assert res.certified


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("d0,d1", [(3, 2), (4, 2), (4, 3), (5, 3), (6, 4)])
def test_quadratic_shallow_is_symmetric_rank_variety(d0, d1, method):
    # Alexander–Hirschowitz exception (a): symmetric d0 x d0 matrices of rank <= d1.
    res = dim((d0, d1, 1), 2, method)
    assert res.dimension == d0 * d1 - comb(d1, 2)
    assert res.defect == min(d0 * d1, comb(d0 + 1, 2)) - res.dimension > 0


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "d0,d1,r,expected_dim",
    [(3, 5, 4, 14), (4, 9, 4, 34), (5, 7, 3, 34), (5, 14, 4, 69)],
)
def test_alexander_hirschowitz_sporadic_cases(d0, d1, r, expected_dim, method):
    res = dim((d0, d1, 1), r, method)
    assert res.dimension == expected_dim
    assert res.expected == expected_dim + 1
    assert res.defect == 1


@pytest.mark.parametrize("d0,d1,r", [(2, 3, 5), (3, 4, 3), (3, 3, 4), (4, 5, 3), (3, 7, 4), (2, 2, 7)])
def test_alexander_hirschowitz_generic_cases(d0, d1, r):
    res = nv.dimension((d0, d1, 1), r, seed=1)
    assert res.dimension == min(d0 * d1, comb(d0 + r - 1, r))


@pytest.mark.parametrize("method", METHODS)
def test_223_is_the_determinant_hypersurface(method):
    res = dim((2, 2, 3), 2, method)
    assert (res.dimension, res.ambient) == (8, 9)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "widths,r",
    [((2, 2, 2), 2), ((2, 2, 2), 5), ((3, 3, 3), 2), ((3, 3, 3), 3), ((2, 2, 2, 2), 3), ((3, 3, 3, 3), 2), ((4, 4, 4), 2), ((2, 2, 2, 2, 2), 2)],
)
def test_equi_width_is_non_defective(widths, r, method):
    res = dim(widths, r, method)
    assert res.defect == 0
    assert res.certified


def test_333_projective_view():
    res = nv.dimension((3, 3, 3), 2)
    assert (res.dimension, res.ambient) == (15, 18)
    assert res.dimension - 3 == 12  # codimension 3 in P^5 x P^5 x P^5


@pytest.mark.parametrize("method", METHODS)
def test_width_one_bottleneck(method):
    res = dim((2, 1, 2, 1), 2, method)
    assert (res.expected, res.dimension) == (3, 2)
    assert res.certified and res.bound.startswith("splitting")


@pytest.mark.parametrize("method", METHODS)
def test_321_counterexample_to_dl1_conjecture(method):
    res = dim((3, 2, 1), 2, method)
    assert (res.expected, res.dimension) == (6, 5)


@pytest.mark.parametrize("widths", [(2, 2, 1), (2, 2, 2, 1), (2, 3, 3, 2, 1)])
def test_minimal_filling_architectures(widths):
    res = nv.dimension(widths, 2, seed=3)
    assert res.filling
    # Minimal: shrinking any hidden layer by one neuron loses filling.
    for i in range(1, len(widths) - 1):
        smaller = list(widths)
        smaller[i] -= 1
        if smaller[i] == 0:
            continue
        assert not nv.dimension(smaller, 2, seed=3).filling, smaller


def test_661_older_published_code_undercounted():
    # 5*D*dL = 10 sample points under-counted to 10; the true dimension is 21.
    assert nv.dimension((6, 6, 1), 2, method="evaluation", seed=0).dimension == 21
    assert nv.dimension((6, 6, 1), 2, method="monomial", seed=0).dimension == 21


def test_per_layer_exponents():
    res = nv.dimension((2, 2, 2, 1), (2, 3), seed=0)
    a = nv.Architecture((2, 2, 2, 1), (2, 3))
    assert (res.ambient, res.expected) == (a.ambient_dim, a.expected_dim) == (7, 6)
    both = {m: nv.dimension((3, 2, 2, 2), [3, 2], method=m, seed=2).dimension for m in METHODS}
    assert both["evaluation"] == both["monomial"]


def test_wide_network_small_ambient_is_cheap():
    # 2,006,008 weights but ambient 33; the third-party data lists dimension 19.
    res = nv.dimension((2, 2, 1000, 1000, 1000, 4, 1), 2, seed=0)
    assert res.dimension == 19 and res.method == "evaluation"


def test_uncertified_result_says_probabilistic(monkeypatch):
    # Force a bound that is not met to exercise the probabilistic path.
    import importlib

    dmod = importlib.import_module("neurovariety.dimension")  # the module, not the function

    monkeypatch.setattr(dmod, "upper_bound", lambda arch: (arch.expected_dim + 0, "test bound"))
    res = dmod.dimension((3, 2, 1), 2, trials=3, seed=0, primes=[1048583, 1048589])
    assert not res.certified and res.trials == 3 and res.dimension == 5
    assert "probabilistic" in res.status and set(res.primes) == {1048583, 1048589}


def test_seed_makes_results_reproducible():
    a = nv.dimension((3, 3, 2), 3, seed=42, trials=1)
    b = nv.dimension((3, 3, 2), 3, seed=42, trials=1)
    assert a.dimension == b.dimension and a.primes == b.primes


def test_large_prime_path_agrees():
    big = 2**61 - 1
    assert nv.dimension((3, 2, 1), 2, primes=[big], seed=0).dimension == 5
    assert nv.dimension((3, 3, 3), 2, primes=[big], method="monomial", seed=0).dimension == 15


def test_upper_bounds():
    assert nv.upper_bound((2, 1, 2, 1), 2) == (2, "splitting bound at layer 1")
    assert nv.upper_bound((3, 5, 1), 4)[0] == 14
    assert nv.upper_bound((4, 3, 2), 1) == (8, "linear network formula")  # k=2: 2*(4+2-2)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"widths": (3,), "r": 2}, "at least 2 widths"),
        ({"widths": (3, 0, 1), "r": 2}, "width d1"),
        ({"widths": (3, -2, 1), "r": 2}, "width d1"),
        ({"widths": (3, 2, 1), "r": 0}, "exponent r"),
        ({"widths": (3, 2, 2, 1), "r": [2]}, "one entry per hidden layer"),
        ({"widths": (3, 2, 1), "r": 2, "method": "magic"}, "method"),
        ({"widths": (3, 2, 1), "r": 2, "primes": [100]}, "not prime"),
        ({"widths": (3, 2, 1), "r": 2, "primes": [2**64 + 13]}, "out of range"),
        ({"widths": (3, 2, 1), "r": 2, "trials": 0}, "trials"),
        ({"widths": (2.5, 2, 1), "r": 2}, "width d0"),
    ],
)
def test_bad_input_raises_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        nv.dimension(**kwargs)


def test_memory_limit_refuses_up_front():
    with pytest.raises(nv.ResourceLimitError, match="GiB"):
        nv.dimension((50, 50, 50), 3, method="monomial", memory_limit=1 << 20)
    with pytest.raises(MemoryError):
        nv.jacobian((30, 30, 30), 3, memory_limit=1 << 20)


def test_jacobian_against_exact_expansion():
    # f = W2 (W1 x)^2 for (2,2,1): compare with sympy's derivative of the coefficients.
    sympy = pytest.importorskip("sympy")
    x0, x1 = sympy.symbols("x0 x1")
    W1 = [[3, 5], [7, 2]]
    W2 = [[4, 9]]
    p = 1048583
    ws = sympy.symbols("w0:6")
    f = ws[4] * (ws[0] * x0 + ws[1] * x1) ** 2 + ws[5] * (ws[2] * x0 + ws[3] * x1) ** 2
    monos = [x0**2, x0 * x1, x1**2]
    poly = sympy.Poly(sympy.expand(f), x0, x1)
    coeffs = [poly.coeff_monomial(m) for m in monos]
    subs = dict(zip(ws, [3, 5, 7, 2, 4, 9]))
    want = [[int(sympy.diff(c, w).subs(subs)) % p for w in ws] for c in coeffs]
    got = nv.jacobian((2, 2, 1), 2, weights=[W1, W2], prime=p)
    assert got.tolist() == want
    assert nv.network_coefficients((2, 2, 1), 2, [W1, W2], p).tolist() == [[int(c.subs(subs)) % p for c in coeffs]]


def test_jacobian_rank_matches_dimension():
    J = nv.jacobian((3, 2, 1), 2, seed=5)
    assert J.shape == (6, 8)
    assert nv.linalg.rank(J, nv.DEFAULT_PRIMES[0]) == 5


def test_jacobian_weight_shape_errors():
    with pytest.raises(ValueError, match="W_1 must have shape"):
        nv.jacobian((2, 2, 1), 2, weights=[np.ones((3, 2), int), np.ones((1, 2), int)])
    with pytest.raises(ValueError, match="integers"):
        nv.jacobian((2, 2, 1), 2, weights=[np.ones((2, 2)), np.ones((1, 2), int)])


architectures = st.lists(st.integers(1, 4), min_size=2, max_size=5).flatmap(
    lambda ws: st.tuples(st.just(tuple(ws)), st.lists(st.integers(1, 3), min_size=len(ws) - 2, max_size=len(ws) - 2))
)


@settings(max_examples=40, deadline=None)
@given(arch=architectures, seed=st.integers(0, 2**32))
def test_methods_agree_and_respect_bounds(arch, seed):
    widths, rs = arch
    a = nv.Architecture(widths, rs)
    if a.ambient_dim * a.num_params > 200_000:
        return
    ev = nv.dimension(widths, rs, method="evaluation", seed=seed)
    mo = nv.dimension(widths, rs, method="monomial", seed=seed)
    assert ev.dimension == mo.dimension
    assert ev.dimension <= ev.upper_bound <= ev.expected <= ev.ambient
    assert ev.defect == ev.expected - ev.dimension


@pytest.mark.parametrize("widths,dim", [((3, 4, 10, 10, 1), 42), ((3, 4, 8, 8, 2), 76)])
def test_first_layer_hypersurface_bound_certifies_defective_rows(widths, dim):
    # 4 squares of linear forms in 3 variables satisfy one quartic relation: outputs are forms of
    # degree 4 on that quartic surface (34 per output) plus 8 parameters for the four lines.
    res = nv.dimension(widths, 2, seed=0)
    assert (res.dimension, res.certified, res.bound) == (dim, True, "first-layer hypersurface bound")
    assert res.dimension < res.expected
    # the rank at a random point agrees at the large prime without the bound
    assert nv.dimension(widths, 2, seed=1, primes=[2**61 - 1], trials=1).dimension == dim


@settings(max_examples=25, deadline=None)
@given(d0=st.integers(2, 4), rest=st.lists(st.integers(1, 6), min_size=1, max_size=3),
       rs=st.lists(st.sampled_from([2, 3]), min_size=3, max_size=3), seed=st.integers(0, 2**32))
def test_ranks_never_exceed_the_first_layer_hypersurface_bound(d0, rest, rs, seed):
    from neurovariety.theory import first_layer_hypersurface_bound

    arch = nv.Architecture((d0, d0 + 1, *rest), rs[: len(rest)])
    if arch.ambient_dim * arch.num_params > 3_000_000:
        return
    rank = nv.dimension(arch, method="evaluation", seed=seed, trials=1).dimension  # a proved lower bound
    assert rank <= first_layer_hypersurface_bound(arch)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**64 - 1), st.integers(0, 9))
def test_seed_sequence_is_numpys_bounded_draw(seed, count):
    # the sweep-speed shortcut must keep every seed's stream: same trial seeds as a Generator's
    want = [int(v) for v in np.random.default_rng(seed).integers(0, 2**63, size=count, dtype=np.uint64)]
    assert seed_sequence(seed, count) == want
