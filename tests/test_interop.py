"""Exports to other systems, run in those systems where they are installed (Debian: macaulay2,
singular): the parametrisation's image dimension and the ideals' Hilbert functions must agree
with ours."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import sympy

import neurovariety as nv
import neurovariety.equations as eq
from neurovariety.interop import parametrization

M2 = shutil.which("M2")
SINGULAR = shutil.which("Singular")
needs_m2 = pytest.mark.skipif(M2 is None, reason="Macaulay2 is not installed (apt-get install macaulay2)")
needs_singular = pytest.mark.skipif(SINGULAR is None, reason="Singular is not installed (apt-get install singular)")


def run_m2(script: str) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.m2"
        path.write_text(script + "\nexit 0\n")
        out = subprocess.run([M2, "--script", str(path)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


def run_singular(script: str) -> list[str]:
    out = subprocess.run([SINGULAR, "-q"], input=script + "\nquit;\n", capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "error" not in out.stdout, out.stdout[-2000:] + out.stderr[-2000:]
    return out.stdout.split()


def test_parametrization_matches_the_coefficients():
    p = parametrization((2, 2, 3), 2)
    weights = {w: i + 1 for i, w in enumerate(p.weights)}  # W entries 1, 2, 3, ... in package order
    values = [int(c.subs(weights)) for c in p.to_sympy()]
    W1 = [[1, 2], [3, 4]]
    W2 = [[5, 6], [7, 8], [9, 10]]
    assert values == [int(v) for v in nv.network_coefficients((2, 2, 3), 2, [W1, W2], prime=2**31 - 1).ravel()]
    assert p.to_dict()["widths"] == [2, 2, 3] and len(p.to_dict()["weights"]) == 10


def test_exports_name_every_weight_in_each_syntax():
    p = parametrization((2, 1, 1), 3, gauge=True)
    assert "w_(1,1,2)" in p.to_m2() and "w1_1_2" not in p.to_m2()
    assert p.to_oscar().startswith("#") and "polynomial_ring(QQ" in p.to_oscar()
    assert "PolynomialRing(Rationals(), 2)" in p.to_magma()
    assert "System([" in p.to_hc() and "@var w1_1_2 w2_1_1" in p.to_hc()
    ideal = eq.vanishing_ideal((2, 1, 1), 3, degree=2)
    assert ideal.to_oscar().count("ideal(R") == 1 and "ideal<R |" in ideal.to_magma()
    assert all(isinstance(g, sympy.Expr) for g in ideal.to_sympy())
    assert ideal.format("sympy").startswith("# V_")


@needs_m2
@pytest.mark.parametrize("widths,r", [((2, 2, 3), 2), ((3, 2, 1), 2), ((2, 1, 2, 1), 2), ((3, 3, 3), 2)])
def test_macaulay2_image_dimension_of_the_exported_map(widths, r):
    got = int(run_m2(parametrization(widths, r).to_m2(image_dimension=True))[-1])
    assert got == nv.dimension(widths, r, seed=0).dimension


@needs_m2
@pytest.mark.parametrize("widths,r,max_degree", [((2, 2, 3), 2, 3), ((3, 1, 1), 2, 3), ((3, 3, 3), 2, 4)])
def test_macaulay2_hilbert_function_of_the_exported_ideal(widths, r, max_degree):
    ideal = eq.vanishing_ideal(widths, r, max_degree=max_degree, seed=0)
    ours = nv.hilbert_function(widths, r, max_degree=max_degree, seed=0)
    degrees = [list(d) if isinstance(d, tuple) else [int(d)] for d in ours["degree"]]
    queries = "\n".join(f"print hilbertFunction({{{','.join(map(str, d))}}}, R/I);" if len(d) > 1
                        else f"print hilbertFunction({d[0]}, R/I);" for d in degrees)
    values = [int(v) for v in run_m2(ideal.to_m2() + "\n" + queries)]
    assert values == [int(q) for q in ours["quotient"]]


@needs_singular
@pytest.mark.parametrize("widths,r", [((2, 2, 3), 2), ((3, 1, 1), 2), ((2, 1, 1), 4)])
def test_singular_dimension_of_the_exported_ideal(widths, r):
    ideal = eq.vanishing_ideal(widths, r, max_degree=4, multigraded=False, seed=0)
    got = int(run_singular(ideal.to_singular() + "\nprint(dim(std(I)));")[-1])
    assert got == nv.dimension(widths, r, seed=0).dimension
