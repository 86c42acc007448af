"""Numerical implicitisation: degrees, multidegrees, membership and identifiability of neurovarieties.

Known degrees come from SPEC.md §5; the others are checked against an independent Macaulay2
computation run here (the kernel of the parametrisation's ring map — elimination of the weights —
and its ``degree`` and ``multidegree``), skipped when ``M2`` is not installed.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurovariety as nv
from neurovariety._display import REPR_LIMIT
from neurovariety.architecture import Architecture
from neurovariety.cli import cli
from neurovariety.errors import InvalidInputError, NotSupportedError
from neurovariety.geometry import members
from neurovariety.geometry.system import WitnessSystem, weight_slice
from neurovariety.interop import parametrization
from neurovariety.network.numeric import coefficient_matrix

M2 = shutil.which("M2")
needs_m2 = pytest.mark.skipif(M2 is None, reason="Macaulay2 is not installed (apt-get install macaulay2)")


@pytest.mark.parametrize("widths, r, expected", [
    ((2, 1, 1), 2, 2), ((2, 1, 1), 3, 3), ((2, 1, 1), 5, 5),  # rational normal curves
    ((3, 1, 1), 2, 4),  # the Veronese surface
    ((2, 2, 3), 2, 3),  # det C = 0
    ((3, 2, 1), 2, 3),  # det of a symmetric 3 x 3 matrix (defective: sliced weights)
    ((2, 2, 2), 2, 1),  # filling
])
def test_known_degrees(widths, r, expected):
    res = nv.degree(widths, r, seed=0)
    assert (res.degree, res.verified) == (expected, True), res.statement
    assert "trace test" in res.statement or "fills" in res.statement


def test_defective_degree_says_it_sliced_the_weights():
    res = nv.degree((3, 2, 1), 2, seed=1)
    assert res.dimension == 5 and "defective" in res.statement and res.degree == 3


def test_example_4_4_degree_and_multidegree():
    # V_{(3,3,3),2}: dimension 15, codimension 3 in P^5 x P^5 x P^5; degree 30, multidegree
    # 1 (5,5,2), 3 (5,4,3), 9 (4,4,4) up to permutation, summing to the degree
    res = nv.degree((3, 3, 3), 2, seed=0)
    assert (res.degree, res.dimension, res.verified) == (30, 15, True)
    md = res.multidegree
    assert md is not None and sum(md.values()) == 30
    assert (md[(5, 5, 2)], md[(2, 5, 5)], md[(5, 4, 3)], md[(3, 4, 5)], md[(4, 4, 4)]) == (1, 1, 3, 3, 9)


#: Architectures whose elimination ideal Macaulay2 finds in about a second each.
M2_CASES = [((2, 1, 1), 6), ((3, 1, 1), 3), ((4, 1, 1), 2), ((2, 1, 2), 2), ((2, 1, 3), 2), ((4, 2, 1), 2),
            ((4, 3, 1), 2), ((2, 2, 1), 4), ((2, 2, 1), 5), ((2, 1, 2, 1), 2), ((3, 2, 2), 2), ((2, 2, 4), 2),
            ((2, 1, 1, 1), 2), ((3, 1, 2), 2), ((2, 2, 3), 2)]


def _m2_block(widths: tuple[int, ...], r: int) -> str:
    arch = Architecture.coerce(widths, r)
    M = arch.num_monomials
    grading = ", ".join(f"{M}:{{{', '.join('1' if i == j else '0' for i in range(arch.dL))}}}" for j in range(arch.dL))
    return (parametrization(widths, r, gauge=True).to_m2()
            + f"\nS = QQ[c_1..c_{arch.ambient_dim}, Degrees => {{{grading}}}];\nI = ker map(R, S, F);\n"
            + "print toString {degree I, apply(terms multidegree I, t -> {first exponents t, leadCoefficient t})};\n")


@pytest.fixture(scope="module")
def m2_degrees() -> dict[tuple[tuple[int, ...], int], tuple[int, dict[tuple[int, ...], int]]]:
    """Degree and multidegree of each of M2_CASES by Macaulay2 (one process for all)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "degrees.m2"
        path.write_text("\n".join(_m2_block(w, r) for w, r in M2_CASES) + "\nexit 0\n")
        out = subprocess.run([M2, "--script", str(path)], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    assert len(lines) == len(M2_CASES), out.stdout[-2000:]
    result = {}
    for (w, r), line in zip(M2_CASES, lines):
        deg, terms = ast.literal_eval(line.replace("{", "[").replace("}", "]"))
        M = Architecture.coerce(w, r).num_monomials
        # the class T^e of multidegree counts points on (M - 1 - e_j) hyperplanes of factor j
        result[(w, r)] = (deg, {tuple(M - 1 - e for e in exps): c for exps, c in terms})
    return result


@needs_m2
@pytest.mark.parametrize("widths, r", M2_CASES)
def test_degree_matches_macaulay2_elimination(widths, r, m2_degrees):
    m2_degree, m2_multidegree = m2_degrees[(widths, r)]
    res = nv.degree(widths, r, seed=0)
    assert (res.degree, res.verified) == (m2_degree, True), res.statement
    if res.multidegree is not None:
        assert {k: v for k, v in res.multidegree.items() if v} == m2_multidegree


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from([((2, 1, 2), 2), ((3, 1, 2), 2), ((2, 2, 3), 2), ((2, 2, 4), 2), ((3, 2, 1), 2)]),
       seed=st.integers(0, 2**32 - 1))
def test_degree_does_not_depend_on_the_slice(case, seed):
    """Any random slice gives the same degree, and the multidegree sums to it, symmetric under
    permuting the outputs (V is invariant under permuting the rows of W_L)."""
    widths, r = case
    res = nv.degree(widths, r, seed=seed)
    expected = {((2, 1, 2), 2): 4, ((3, 1, 2), 2): 12, ((2, 2, 3), 2): 3, ((2, 2, 4), 2): 6, ((3, 2, 1), 2): 3}[case]
    assert (res.degree, res.verified) == (expected, True)
    if res.multidegree is not None:
        assert sum(res.multidegree.values()) == expected
        for part, count in res.multidegree.items():
            assert res.multidegree[tuple(reversed(part))] == count


def _points_of_v(arch: Architecture, rng: np.random.Generator, count: int) -> list[np.ndarray]:
    shapes = [(arch.widths[i + 1], arch.widths[i]) for i in range(len(arch.widths) - 1)]
    return [coefficient_matrix(arch.widths, arch.r, [rng.standard_normal(s) for s in shapes]) for _ in range(count)]


@pytest.mark.parametrize("widths, r", [((2, 1, 1), 2), ((2, 1, 1), 3), ((3, 1, 1), 2), ((2, 2, 3), 2), ((3, 2, 1), 2)])
def test_membership_accepts_points_of_v_and_rejects_ambient_points(widths, r):
    arch = Architecture.coerce(widths, r)
    rng = np.random.default_rng(7)
    on = _points_of_v(arch, rng, 100)  # real weights: real points of the neuromanifold
    off = [rng.standard_normal((arch.dL, arch.num_monomials)) for _ in range(100)]
    res = members(arch, None, on + off, seed=0)
    assert all(m.member for m in res[:100]), [m.residual for m in res[:100] if not m.member]
    assert not any(m.member for m in res[100:])
    assert max(m.residual for m in res[:100]) < 1e-8 and min(m.residual for m in res[100:]) > 1e-3
    # real weights realise every point of V here; a defective architecture's slice may miss them (None)
    assert all(m.real is True or (m.real is None and "defective" in m.statement) for m in res[:100])
    assert all(m.real is False for m in res[100:])
    # every preimage returned maps to the point
    m = res[0]
    assert m.fibre == len(m.weights) >= 1
    c = coefficient_matrix(arch.widths, arch.r, m.weights[0])
    assert np.allclose(c, on[0], atol=1e-8 * np.abs(on[0]).max())


def test_membership_of_special_and_exact_points():
    # (x0 + 2 x1)^2 given as integers and as fractions; x0^2 + x1^2 is not a square; complex input
    assert nv.is_on_variety((2, 1, 1), 2, [[1, 4, 4]], seed=0).real is True
    res = nv.is_on_variety((2, 1, 1), 2, [[Fraction(1, 3), Fraction(4, 3), Fraction(4, 3)]], seed=0)
    assert res.member and res.real and res.fibre == 1
    assert not nv.is_on_variety((2, 1, 1), 2, [[1, 0, 1]], seed=0).member
    # (x0 + i x1)^2 = x0^2 + 2i x0 x1 - x1^2: on V, complex input (real undecided)
    res = nv.is_on_variety((2, 1, 1), 2, np.array([[1, 2j, -1]]), seed=0)
    assert res.member and res.real is None
    # x0^2 - x1^2 = (x0 - x1)(x0 + x1) has rank 2 as a quadric: not a multiple of a square
    assert not nv.is_on_variety((2, 1, 1), 2, [[1, 0, -1]], seed=0).member
    # filling varieties contain everything
    assert nv.is_on_variety((2, 2, 2), 2, np.ones((2, 3)), seed=0).member


def test_membership_rejects_bad_input():
    with pytest.raises(InvalidInputError, match="dL x M"):
        nv.is_on_variety((2, 1, 1), 2, [[1, 2]])
    with pytest.raises(InvalidInputError, match="finite"):
        nv.is_on_variety((2, 1, 1), 2, [[1, float("nan"), 1]])
    with pytest.raises(InvalidInputError, match="numbers"):
        nv.is_on_variety((2, 1, 1), 2, [["a", "b", "c"]])
    with pytest.raises(InvalidInputError, match="required"):
        nv.is_on_variety((2, 1, 1), 2)


@pytest.mark.parametrize("widths, r, classes, symmetries", [
    ((2, 2, 3), 2, 1, 2),  # unique up to swapping the hidden neurons (Eckart-Young / the conic)
    ((2, 2, 1), 3, 1, 2),  # Sylvester: a generic binary cubic is a sum of two cubes in one way
    ((2, 1, 1), 3, 1, 1),
    ((2, 2, 2, 2), 2, 1, 4),
])
def test_identifiability(widths, r, classes, symmetries):
    res = nv.identifiability(widths, r, seed=0)
    assert (res.classes, res.symmetries, res.identifiable, res.verified) == (classes, symmetries, classes == 1, True)
    assert res.fibre == classes * symmetries and set(res.fibre_sizes) == {res.fibre}
    assert "generically identifiable up to the obvious symmetries" in res.statement
    assert "trace test" in res.statement


def test_identifiability_refuses_defective_architectures():
    with pytest.raises(NotSupportedError, match="positive-dimensional"):
        nv.identifiability((3, 2, 1), 2, seed=0)


def test_witness_system_shapes_and_errors():
    arch = Architecture((3, 2, 1), 2)
    rng = np.random.default_rng(0)
    s = WitnessSystem(arch, np.ones((6, 6)))
    assert (s.n, s.N, s.P, s.sliced) == (6, 8, 8, False)
    sl = WitnessSystem(arch, np.ones((5, 6)), weight_slice(arch, 5, rng))
    t = rng.standard_normal((3, 5)) + 0j
    f, c, J = sl.evaluate(t, np.zeros(5))
    assert f.shape == (3, 5) and c.shape == (3, 6) and J.shape == (3, 6, 5)
    # the coefficients are those of the full weights of the slice points
    w = sl.weights(t)
    assert w.shape == (3, 8)
    Ws = [w[0, :6].reshape(2, 3), w[0, 6:].reshape(1, 2)]
    assert np.allclose(coefficient_matrix(arch.widths, 2, Ws).ravel(), c[0])
    with pytest.raises(InvalidInputError, match="5 x 6"):
        WitnessSystem(arch, np.ones((6, 6)), weight_slice(arch, 5, rng))
    with pytest.raises(InvalidInputError, match="6 x 6"):
        WitnessSystem(arch, np.ones((5, 6)))
    with pytest.raises(InvalidInputError, match="columns"):
        sl.evaluate(np.zeros((1, 8)), np.zeros(5))
    with pytest.raises(InvalidInputError):
        s.track(np.ones((1, 8)), [np.zeros(6)])  # one node only


def test_results_display_and_serialise():
    deg = nv.degree((2, 2, 3), 2, seed=0)
    mem = nv.is_on_variety((2, 1, 1), 2, [[1, 4, 4]], seed=0)
    ident = nv.identifiability((2, 2, 3), 2, seed=0)
    for res in (deg, mem, ident):
        assert len(repr(res)) < REPR_LIMIT and "<table" in res._repr_html_()
        json.dumps(res.to_dict())
    assert deg.to_dict()["multidegree"] == {"2,2,1": 1, "2,1,2": 1, "1,2,2": 1}
    assert len(deg.to_dataframe()) == 3


def test_cli_degree_member_identifiability_json():
    runner = CliRunner()
    out = runner.invoke(cli, ["degree", "2,2,3", "-r", "2", "--json", "--seed", "0"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["degree"] == 3 and doc["verified"] is True
    out = runner.invoke(cli, ["member", "2,1,1", "[[1, 4, 4]]", "-r", "2", "--json"])
    assert out.exit_code == 0 and json.loads(out.output)["member"] is True
    out = runner.invoke(cli, ["identifiability", "2,2,3", "-r", "2", "--json"])
    assert out.exit_code == 0 and json.loads(out.output)["classes"] == 1
    out = runner.invoke(cli, ["degree", "3,2,1", "-r", "2"])
    assert out.exit_code == 0 and "degree             3" in out.output



@pytest.mark.slow  # 6-25 s of Macaulay2; the elimination degrees of 15 architectures run by default
@needs_m2
def test_example_4_4_degree_matches_numerical_implicitization():
    """Macaulay2's NumericalImplicitization (its own pseudo-witness sets, monodromy and trace test)
    on the same parametrisation; the elimination ideal of (3,3,3) is out of reach of ``degree ker``
    in a test (minutes)."""
    p = parametrization((3, 3, 3), 2, gauge=True).to_m2().replace("R = QQ[", "R = CC[")
    script = ('needsPackage "NumericalImplicitization";\n' + p
              + "\nprint numericalImageDegree(F, ideal 0_R, Verbose => false);\nexit 0\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ni.m2"
        path.write_text(script)
        out = subprocess.run([M2, "--script", str(path)], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip().splitlines()[-1]) == nv.degree((3, 3, 3), 2, seed=1, multidegree=False).degree == 30
