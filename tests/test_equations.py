"""Defining equations (issue 6): exact interpolation and Gröbner elimination.

Every check is against an independent computation: points of V are built here with sympy
polynomial arithmetic (not the module's exact code, not the Rust core), and dimensions of
degree parts are ranks of evaluation matrices built here at other points and another prime.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from fractions import Fraction

import numpy as np
import pytest
import sympy
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import neurovariety as nv
import neurovariety.equations as eq
from neurovariety.architecture import Architecture, monomial_exponents
from neurovariety.cli.equations import equations as equations_cmd
from neurovariety.equations import (
    VerificationError,
    coordinate_names,
    exact_network_coefficients,
    vanishing_ideal,
)
from neurovariety.equations import elimination as elimination_mod
from neurovariety.equations import interpolation as interpolation_mod
from neurovariety.equations import modular as modular_mod
from neurovariety.equations.grading import Grading

OTHER_PRIME = 2147483647  # not used by the module


# --- independent reference computations ------------------------------------------------------


def sympy_point(widths, r, weights):
    """Coefficient vector of the network at integer weights, with sympy's polynomial rings."""
    arch = Architecture(widths, r)
    R, *xs = sympy.ring(",".join(f"x{i}" for i in range(arch.d0)), sympy.ZZ)
    layer = [sum((int(w) * x for w, x in zip(row, xs)), R.zero) for row in weights[0]]
    for i in range(1, arch.depth):
        powered = [q ** arch.r[i - 1] for q in layer]
        layer = [sum((int(w) * q for w, q in zip(row, powered)), R.zero) for row in weights[i]]
    monos = monomial_exponents(arch.d0, arch.degree)
    return [int(q.get(m, 0)) for q in layer for m in monos]


def random_weights(arch, rng, bound=50):
    return [
        [[rng.randint(-bound, bound) for _ in range(arch.widths[i])] for _ in range(arch.widths[i + 1])]
        for i in range(arch.depth)
    ]


def sympy_points(widths, r, count, seed, bound=50):
    arch = Architecture(widths, r)
    rng = random.Random(seed)
    return [sympy_point(widths, r, random_weights(arch, rng, bound)) for _ in range(count)]


def part_exponents(arch, alpha, multigraded):
    """All exponent vectors of the part (order irrelevant here)."""
    n = arch.ambient_dim
    M = arch.num_monomials
    blocks = [range(j * M, (j + 1) * M) for j in range(arch.dL)] if multigraded else [range(n)]
    out = []
    per_block = [list(itertools.combinations_with_replacement(b, a)) for b, a in zip(blocks, alpha)]
    for choice in itertools.product(*per_block):
        e = [0] * n
        for combo in choice:
            for v in combo:
                e[v] += 1
        out.append(tuple(e))
    return out


def independent_part_dimension(widths, r, alpha, multigraded, seed=12345):
    """#monomials - rank of the evaluation matrix at many fresh points, mod another prime."""
    arch = Architecture(widths, r)
    exps = np.array(part_exponents(arch, alpha, multigraded), dtype=np.int64)
    K = len(exps)
    q = OTHER_PRIME
    pts = np.array(sympy_points(widths, r, K + max(20, K // 4), seed), dtype=object) % q
    P = pts.astype(np.int64)
    E = np.ones((P.shape[0], K), dtype=np.int64)
    for i in range(exps.shape[1]):  # multiply in x_i^e for every monomial (q^2 < 2^63)
        for k in range(1, int(exps[:, i].max()) + 1):
            cols = exps[:, i] == k
            if cols.any():
                E[:, cols] = E[:, cols] * (np.array([pow(int(x), k, q) for x in P[:, i]])[:, None]) % q
    return K - nv.linalg.rank(E, q)


def vanishes_at(res, points):
    syms = res.symbols
    return all(g.polynomial.eval(dict(zip(syms, pt))) == 0 for g in res.generators for pt in points)


# --- coordinates and exact points -----------------------------------------------------------


def test_coordinate_names_are_one_based_outputs_and_readable_monomials():
    names = coordinate_names((2, 2, 2), 2)
    assert names == ["c_1_x0x0", "c_1_x0x1", "c_1_x1x1", "c_2_x0x0", "c_2_x0x1", "c_2_x1x1"]
    assert coordinate_names((2, 2, 2, 1), (2, 2))[1] == "c_1_x0x0x0x1"  # D = 4: x0^3 x1
    # sympy parses them as plain symbols
    assert all(sympy.sympify(n) == sympy.Symbol(n) for n in names)


@settings(max_examples=20, deadline=None)
@given(
    widths=st.lists(st.integers(1, 3), min_size=2, max_size=4),
    r=st.integers(1, 3),
    seed=st.integers(0, 10**6),
)
def test_exact_coefficients_match_sympy_and_the_core(widths, r, seed):
    arch = Architecture(widths, r)
    assume(arch.degree <= 9)
    W = random_weights(arch, random.Random(seed), bound=1000)
    exact = exact_network_coefficients(widths, r, W)
    assert [c for row in exact for c in row] == sympy_point(widths, r, W)
    p = nv.DEFAULT_PRIMES[0]
    core = nv.network_coefficients(widths, r, [np.array(w, dtype=np.int64) for w in W], p)
    assert np.array_equal(np.asarray(core) % p, np.array(exact, dtype=object) % p)


@settings(max_examples=30, deadline=None)
@given(num=st.integers(-(10**5), 10**5), den=st.integers(1, 10**5))
def test_rational_reconstruction_recovers_small_fractions(num, den):
    m = nv.DEFAULT_PRIMES[0] * nv.DEFAULT_PRIMES[1]
    x = num * pow(den, -1, m) % m
    assert modular_mod.rational_reconstruct(x, m) == Fraction(num, den)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), rows=st.integers(2, 8), cols=st.integers(3, 12))
def test_canonical_form_is_unique_for_the_row_space(seed, rows, cols):
    # Any basis of the kernel (here: the core's, mixed by a random invertible matrix) must come
    # back as the core's canonical basis.
    p = 1009
    rng = np.random.default_rng(seed)
    A = rng.integers(0, 3, (rows, cols))
    N = nv.linalg.nullspace(A, p)
    k = N.shape[0]
    assume(k >= 1)
    while True:
        G = rng.integers(0, p, (k, k))
        if nv.linalg.rank(G, p) == k:
            break
    mixed = (G @ N) % p
    canon, free = modular_mod.canonical_basis(mixed, p)
    assert np.array_equal(canon, N % p)
    assert list(free) == [int(np.flatnonzero(row)[-1]) for row in N]


# --- acceptance cases -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def det223():
    C = sympy.Matrix(3, 3, sympy.symbols(coordinate_names((2, 2, 3), 2)))
    return sympy.Poly(C.det(), *sympy.symbols(coordinate_names((2, 2, 3), 2)))


@pytest.mark.parametrize("method", ["interpolation", "elimination"])
def test_223_is_the_determinant_cubic(method, det223):
    res = vanishing_ideal((2, 2, 3), 2, method=method, timeout=120, seed=1)
    assert res.verified and res.multigraded
    assert [(g.degree, g.multidegree) for g in res.generators] == [(3, (1, 1, 1))]
    g = res.generators[0].polynomial
    assert g == det223 or g == -det223
    assert res.counts == {3: 1}


@pytest.mark.parametrize("method", ["interpolation", "elimination"])
def test_211_is_the_discriminant(method):
    res = vanishing_ideal((2, 1, 1), 2, method=method, timeout=120, seed=2)
    a, b, c = sympy.symbols("c_1_x0x0 c_1_x0x1 c_1_x1x1")
    assert [g.expr for g in res.generators] == [4 * a * c - b**2]
    assert not res.multigraded and res.generators[0].multidegree is None


@pytest.mark.parametrize("method", ["interpolation", "elimination"])
def test_311_quadrics_are_minors_of_the_rescaled_symmetric_matrix(method):
    res = vanishing_ideal((3, 1, 1), 2, method=method, timeout=120, seed=3)
    syms = sympy.symbols(coordinate_names((3, 1, 1), 2))
    assert len(res.generators) == 6 and all(g.degree == 2 for g in res.generators)
    # Gram matrix: off-diagonal entries are half the monomial coefficients.
    c = dict(zip([(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)], syms))
    S = sympy.Matrix(3, 3, lambda i, k: c[(min(i, k), max(i, k))] / (1 if i == k else 2))
    minors = [sympy.expand(4 * m) for m in _two_minors(S)]
    monos = sorted({m for p in minors + [g.expr for g in res.generators] for m in sympy.Poly(p, *syms).monoms()})
    def vec(p):
        P = sympy.Poly(p, *syms)
        return [P.coeff_monomial(m) for m in monos]
    A = sympy.Matrix([vec(p) for p in minors])
    B = sympy.Matrix([vec(g.expr) for g in res.generators])
    assert A.rank() == B.rank() == sympy.Matrix.vstack(A, B).rank() == 6


def _two_minors(S):
    out = []
    for rows in itertools.combinations(range(3), 2):
        for cols in itertools.combinations(range(3), 2):
            out.append(S.extract(list(rows), list(cols)).det())
    return out


@pytest.fixture(scope="module")
def example_44():
    return vanishing_ideal((3, 3, 3), 2, seed=4, progress=False)


def test_example_44_no_111_forms_and_quartic_generators(example_44):
    res = example_44
    assert res.part_dimensions[(1, 1, 1)] == 0
    assert all(k == 0 for a, k in res.part_dimensions.items() if sum(a) <= 3)
    assert set(res.counts) == {4}
    for g in res.generators:
        assert g.degree == 4 and sum(g.multidegree) == 4
        assert g.polynomial.is_homogeneous
        # multihomogeneous: every monomial has the reported multidegree
        for mono in g.polynomial.monoms():
            assert tuple(sum(mono[6 * j : 6 * j + 6]) for j in range(3)) == g.multidegree
    # exact verification at points built independently
    assert vanishes_at(res, sympy_points((3, 3, 3), 2, 3, seed=99, bound=10**6))
    # independent dimension count of every nonzero degree-4 part (no lower generators exist,
    # so the generators of multidegree alpha are a basis of the part)
    for alpha, k in res.multidegree_counts.items():
        assert k == res.part_dimensions[alpha] == independent_part_dimension((3, 3, 3), 2, alpha, True)
    assert "(1,1,1)" in res.statement and "total degree 4" in res.statement


def test_example_44_codimension_matches_the_dimension_engine(example_44):
    # The quartics cut out V near a random point of V: the Jacobian of the generators there has
    # rank = codimension = ambient - dim V (a check through a different part of the library).
    res = example_44
    dim = nv.dimension((3, 3, 3), 2, seed=0).dimension
    pt = dict(zip(res.symbols, sympy_points((3, 3, 3), 2, 1, seed=5)[0]))
    J = sympy.Matrix([[sympy.diff(g.expr, s).subs(pt) for s in res.symbols] for g in res.generators])
    assert J.rank() == 18 - dim == 3


# --- property test --------------------------------------------------------------------------


@st.composite
def small_case(draw):
    # Narrow hidden layers and degree >= 2 so that many drawn varieties have equations.
    depth = draw(st.integers(1, 3))
    d0 = draw(st.integers(2, 3))
    hidden = tuple(draw(st.integers(1, 2)) for _ in range(depth - 1))
    dL = draw(st.integers(1, 3))
    widths = (d0, *hidden, dL)
    r = draw(st.integers(1, 3 if depth <= 2 else 2))
    arch = Architecture(widths, r)
    multigraded = arch.dL > 1
    if multigraded:  # every output involved: parts with a zero entry are projections (often filling)
        alpha = tuple(1 + draw(st.integers(0, 1)) for _ in range(dL))
    else:
        alpha = (draw(st.integers(2, 3)),)
    return widths, r, alpha, multigraded


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(case=small_case(), seed=st.integers(0, 10**6))
def test_interpolated_forms_vanish_and_count_matches_independent_rank(case, seed):
    widths, r, alpha, multigraded = case
    arch = Architecture(widths, r)
    size = len(part_exponents(arch, alpha, multigraded))
    assume(size <= 250)
    kw = {"multidegree": alpha} if multigraded else {"degree": alpha[0]}
    res = vanishing_ideal(widths, r, seed=seed, progress=False, **kw)
    assert res.verified
    assert len(res.generators) == res.part_dimensions[alpha]
    assert len(res.generators) == independent_part_dimension(widths, r, alpha, multigraded, seed=seed + 1)
    assert vanishes_at(res, sympy_points(widths, r, 2, seed=seed + 2, bound=10**4))
    # linearly independent (distinct pivots) and primitive integer coefficients
    for g in res.generators:
        coeffs = g.polynomial.coeffs()
        assert sympy.igcd(*coeffs) == 1 if len(coeffs) > 1 else abs(coeffs[0]) == 1


def test_rational_normal_curve_quadrics_count():
    # (2,1,1), r=3: V is the cone over the twisted cubic, cut out by 3 quadrics.
    res = vanishing_ideal((2, 1, 1), 3, degree=2, seed=6)
    assert len(res.generators) == 3 == independent_part_dimension((2, 1, 1), 3, (2,), False)
    assert vanishes_at(res, sympy_points((2, 1, 1), 3, 3, seed=7))


# --- generators, gradings, consistency between methods --------------------------------------


def test_generators_skip_multiples_of_lower_degree_ones():
    res = vanishing_ideal((2, 2, 3), 2, max_degree=4, seed=8, progress=False)
    # the degree-4 parts are nonzero (det times a linear form) but contribute no new generator
    assert res.part_dimensions[(2, 1, 1)] == 3 and res.counts == {3: 1}
    flat = vanishing_ideal((2, 2, 3), 2, multigraded=False, max_degree=3, seed=8, progress=False)
    assert flat.counts == {3: 1} and flat.generators[0].multidegree is None
    assert flat.generators[0].polynomial == res.generators[0].polynomial


def test_degree_part_is_identical_for_both_methods():
    a = vanishing_ideal((2, 2, 3), 2, degree=4, method="interpolation", seed=9)
    b = vanishing_ideal((2, 2, 3), 2, degree=4, method="elimination", timeout=120)
    assert a.part_dimensions == b.part_dimensions
    assert [g.polynomial for g in a.generators] == [g.polynomial for g in b.generators]  # canonical bases
    assert sum(a.part_dimensions.values()) == 9


def test_seed_does_not_change_the_canonical_answer():
    a = vanishing_ideal((3, 1, 1), 2, degree=2, seed=10)
    b = vanishing_ideal((3, 1, 1), 2, degree=2, seed=11)
    assert [g.polynomial for g in a.generators] == [g.polynomial for g in b.generators]


def test_permuted_parts_match_direct_computation():
    res = vanishing_ideal((3, 3, 3), 2, multidegree=(1, 2, 1), seed=12, progress=False)
    direct = interpolation_mod.verified_part(Grading(Architecture((3, 3, 3), 2), True),
                                             interpolation_mod.Sampler(Architecture((3, 3, 3), 2), 13), (1, 2, 1), None, 4)
    as_polys = [
        sympy.Poly.from_dict({direct.monomials[c]: v for c, v in f.items()}, *res.symbols, domain=sympy.ZZ)
        for f in direct.forms
    ]
    assert as_polys == [g.polynomial for g in res.generators]


# --- robustness: bad primes, failed verification, timeouts ----------------------------------


def test_unlucky_small_primes_are_survived(monkeypatch):
    def primes():
        yield from (3, 5, 7)
        yield from nv.DEFAULT_PRIMES
        yield 1048601

    monkeypatch.setattr(interpolation_mod, "prime_sequence", primes)
    res = vanishing_ideal((3, 1, 1), 2, degree=2, seed=14)
    assert len(res.generators) == 6
    assert vanishes_at(res, sympy_points((3, 1, 1), 2, 3, seed=15))


def test_never_returns_unverified_forms(monkeypatch):
    monkeypatch.setattr(interpolation_mod, "verify_forms", lambda forms, points: 0)
    with pytest.raises(VerificationError):
        vanishing_ideal((2, 2, 3), 2, degree=3, seed=16)


def test_interpolation_timeout():
    with pytest.raises(TimeoutError):
        vanishing_ideal((3, 3, 3), 2, timeout=1e-6, progress=False)


def test_elimination_timeout_kills_the_worker():
    elimination_mod._ELIMINATION_CACHE.pop(Architecture((3, 3, 3), 2), None)
    t0 = time.monotonic()
    with pytest.raises(TimeoutError):
        vanishing_ideal((3, 3, 3), 2, method="elimination", timeout=1.0)
    assert time.monotonic() - t0 < 30  # returned after killing the child, not after finishing


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "magic"}, "method"),
        ({"degree": 0}, "degree"),
        ({"multidegree": (1, 1)}, "multidegree"),
        ({"multidegree": (1, -1, 1)}, "multidegree"),
        ({"multidegree": (1, 1, 1), "degree": 2}, "does not match"),
        ({"multidegree": (1, 1, 1), "multigraded": False}, "multigraded"),
        ({"timeout": 0}, "timeout"),
        ({"max_degree": 0}, "max_degree"),
    ],
)
def test_bad_input_raises_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        vanishing_ideal((2, 2, 3), 2, **kwargs)


def test_too_large_part_is_a_resource_error():
    with pytest.raises(nv.ResourceLimitError, match=r"\(3, 3, 2\) part has 65856 monomials \(limit 20000\)"):
        vanishing_ideal((3, 3, 3), 2, degree=8)


def test_over_memory_part_is_refused_with_the_estimate_before_any_work(monkeypatch):
    # (3,3,3) degree 6: the largest part (2,2,2) has C(7,2)^3 = 9261 monomials, 9261 + 926 sample
    # points; the dense int64 evaluation matrix alone is 10187 * 9261 * 8 bytes = 0.70 GiB, the
    # kernel's copy of it another 0.70 GiB and a kernel basis at most 9261^2 * 8 bytes = 0.64 GiB.
    assert eq.MAX_PART_MONOMIALS == 20_000
    assert eq.request.sample_count(9261) == 10187
    assert eq.request.part_memory(9261, nv.DEFAULT_PRIMES[0]) > 2 * 10187 * 9261 * 8

    def no_work(request):
        raise AssertionError("work started before the memory check")

    monkeypatch.setattr(eq, "by_interpolation", no_work)
    pattern = (r"interpolating the multidegree \(2, 2, 2\) part \(9261 monomials, 10187 sample points\) "
               r"needs about 2\.\d\d GiB, above the limit of 1\.00 GiB \(raise it with memory_limit=")
    with pytest.raises(nv.ResourceLimitError, match=pattern):
        vanishing_ideal((3, 3, 3), 2, degree=6, memory_limit=2**30, progress=False)
    monkeypatch.setenv("NEUROVARIETY_MEMORY_LIMIT", "1G")
    with pytest.raises(nv.ResourceLimitError, match=pattern):
        vanishing_ideal((3, 3, 3), 2, max_degree=6, progress=False)
    with pytest.raises(ValueError, match="memory_limit"):
        vanishing_ideal((3, 3, 3), 2, degree=6, memory_limit=0)


def test_the_retry_with_twice_the_points_is_checked_against_the_memory_limit():
    g = Grading(Architecture((3, 3, 3), 2), True)
    sampler = interpolation_mod.Sampler(g.arch, 0)
    limit = int(eq.request.part_memory(2646, nv.DEFAULT_PRIMES[0]) * 1.5)  # (2,2,1): once, not twice
    assert interpolation_mod.interpolate_part(g, sampler, (2, 2, 1), None, 2, 1.0, limit).forms
    with pytest.raises(nv.ResourceLimitError, match="5820 sample points"):
        interpolation_mod.interpolate_part(g, sampler, (2, 2, 1), None, 2, 2.0, limit)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), rows=st.integers(1, 6), cols=st.integers(1, 10))
def test_lifted_canonical_basis_equals_the_exact_rational_one(seed, rows, cols):
    # Integer rows with large entries and dependencies: the canonical basis lifted from primes must
    # be exactly sympy's rational row reduction (rational_canonical_basis).
    rng = random.Random(seed)
    base = [{c: rng.randint(-10**6, 10**6) for c in range(cols) if rng.random() < 0.6} for _ in range(rows)]
    base = [b for b in base if b] or [{0: 1}]
    mixed = [{c: sum(rng.randint(-3, 3) * b.get(c, 0) for b in base) for c in range(cols)} for _ in range(rows)]
    span = base + [{c: v for c, v in m.items() if v} for m in mixed if any(m.values())]
    exact = modular_mod.rational_canonical_basis(cols, span)

    def spans(forms):  # exact certificate: every given row is the combination the pivots dictate
        pivots = [max(f) for f in forms]
        for row in span:
            rest = {c: Fraction(v) for c, v in row.items()}
            for f, c in zip(forms, pivots):
                t = rest.get(c, Fraction(0)) / f[c]
                for j, v in f.items():
                    rest[j] = rest.get(j, Fraction(0)) - t * v
            if any(rest.values()):
                return False
        return len(forms) == len(exact)

    lifted, primes = modular_mod.lifted_canonical_basis(cols, span, spans, max_primes=40)
    assert lifted == exact and primes


@pytest.mark.slow  # ~10 s (degree 5: parts up to 2646 monomials)
def test_example_44_through_degree_5_matches_macaulay2():
    # Macaulay2 (ZZ/32003, Groebner basis of the ideal J of the 9 quartics, independent of this
    # package): dim J_a = hilbertFunction(a, R) - hilbertFunction(a, R/J) is 18 for (3,1,1) and 33
    # for (2,2,1); for degree 6 it gives 63 (4,1,1), 153 (3,2,1), 270 (2,2,2), 0 (3,3,0), 0 (4,2,0),
    # all equal to the interpolated dim I(V)_a (benches/bench_equations.py --large).
    # So the quartics generate I(V) through degree 5: no new generators.
    res = vanishing_ideal((3, 3, 3), 2, max_degree=5, seed=5, progress=False)
    assert res.verified and res.counts == {4: 9}
    dims = res.part_dimensions
    assert dims[(3, 1, 1)] == dims[(1, 3, 1)] == dims[(1, 1, 3)] == 18
    assert dims[(2, 2, 1)] == dims[(2, 1, 2)] == dims[(1, 2, 2)] == 33
    assert all(k == 0 for a, k in dims.items() if sum(a) == 5 and min(a) == 0)


# --- formats and CLI -----------------------------------------------------------------------


def test_json_format_follows_the_interface():
    res = vanishing_ideal((2, 2, 3), 2, degree=3, seed=17)
    obj = json.loads(res.format("json"))
    assert set(obj) == {"widths", "r", "coordinates", "generators", "verified", "statement"}
    assert obj["widths"] == [2, 2, 3] and obj["r"] == 2 and obj["verified"] is True
    assert obj["coordinates"] == coordinate_names((2, 2, 3), 2)
    (gen,) = obj["generators"]
    assert set(gen) == {"polynomial", "degree", "multidegree"} and gen["multidegree"] == [1, 1, 1]
    syms = {n: sympy.Symbol(n) for n in obj["coordinates"]}
    assert sympy.expand(sympy.sympify(gen["polynomial"], locals=syms) - res.generators[0].expr) == 0
    single = json.loads(vanishing_ideal((2, 1, 1), 2, degree=2).format("json"))
    assert "multidegree" not in single["generators"][0]


def test_m2_and_singular_exports():
    res = vanishing_ideal((2, 1, 1), 2, degree=2)
    m2 = res.format("m2")
    assert "R = QQ[c1x0x0, c1x0x1, c1x1x1];" in m2 and "4*c1x0x0*c1x1x1 - c1x0x1^2" in m2
    sing = res.format("singular")
    assert "ring R = 0, (c_1_x0x0, c_1_x0x1, c_1_x1x1), dp;" in sing and "c_1_x0x1^2" in sing
    m2_multi = vanishing_ideal((2, 2, 3), 2, degree=3).format("m2")
    assert "Degrees => {{1,0,0}" in m2_multi


def test_cli_json_and_sympy_output():
    runner = CliRunner()
    out = runner.invoke(equations_cmd, ["2,2,3", "-r", "2", "--degree", "3", "--format", "json", "--seed", "1"])
    assert out.exit_code == 0, out.output
    obj = json.loads(out.output)
    assert [g["multidegree"] for g in obj["generators"]] == [[1, 1, 1]]
    txt = runner.invoke(equations_cmd, ["3,1,1", "--degree", "2"])
    assert txt.exit_code == 0
    polys = [line for line in txt.output.splitlines() if line and not line.startswith("#")]
    assert len(polys) == 6 and all(sympy.sympify(p).is_polynomial() for p in polys)


@pytest.mark.parametrize(
    "args",
    [
        ["2,x,3"],
        ["2,2,3", "-r", "two"],
        ["2,2,3", "--multidegree", "1,1"],
        ["2,2,3", "--multidegree", "a,b,c"],
        ["2,2,3", "--degree", "0"],
        ["2,2,3", "--format", "latex"],
        ["3,3,3", "--degree", "8"],
    ],
)
def test_cli_bad_input_is_one_line_without_traceback(args):
    out = CliRunner().invoke(equations_cmd, args)
    assert out.exit_code != 0
    assert "Traceback" not in out.output and "Error" in out.output
    assert not isinstance(out.exception, Exception) or isinstance(out.exception, SystemExit)


# --------------------------------------------------------------------------------------------
# Hilbert function
# --------------------------------------------------------------------------------------------
@settings(max_examples=12, deadline=None)
@given(d0=st.integers(2, 4), r=st.integers(2, 4), t=st.integers(1, 3))
def test_hilbert_function_of_veronese_varieties(d0, r, t):
    # (d0, 1, 1): the cone over the Veronese variety nu_r(P^{d0-1}); its coordinate ring in degree
    # t is the space of forms of degree r t in d0 variables.
    import math

    df = eq.hilbert_function((d0, 1, 1), r, max_degree=t, seed=1)
    row = df[df["degree"] == t].iloc[0]
    assert row["quotient"] == math.comb(d0 - 1 + r * t, d0 - 1)
    assert row["ring"] == math.comb(math.comb(d0 + r - 1, r) + t - 1, t)
    assert row["ideal"] == row["ring"] - row["quotient"]


def test_hilbert_function_matches_the_ideal_parts_of_example_4_4():
    df = eq.hilbert_function((3, 3, 3), 2, max_degree=4, seed=2)
    parts = eq.vanishing_ideal((3, 3, 3), 2, max_degree=4, seed=2).part_dimensions
    got = {tuple(d): int(i) for d, i in zip(df["degree"], df["ideal"]) if sum(d) > 0}
    assert got == {tuple(a): k for a, k in parts.items()}
    assert got[(1, 1, 1)] == 0 and got[(2, 1, 1)] == 3
