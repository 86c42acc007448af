"""An independent oracle for learning and ED degrees: Macaulay2 in coefficient space.

Nothing of neurovariety's algorithms is used: the ideal of V is Macaulay2's ``kernel`` of the
parameter map (implicitisation), and the critical points of the loss ``c^T Q c - 2 b^T c`` on
the smooth part of V are found with Lagrange multipliers for ``codim V`` random combinations ``h``
of the generators, all over F_p with random data. Solutions where the Jacobian ``Jh`` drops rank
(spurious: the random combinations cut out more than V there) are removed by saturation: the
rank-deficient locus is the projection of ``{Jh mu = 0, l(mu) = 1}`` (``l`` a random linear form);
when that system has no solution at all (the usual case; one F4 Gröbner basis) the Lagrange
ideal is already saturated, otherwise it is saturated by the eliminated ideal. The degree of the
resulting zero-dimensional ideal is the number of critical points (for generic data, with
probability close to 1 over the random choices).

(An earlier version saturated by a random combination of all maximal minors of ``Jh``; computing
those minors took minutes once ``codim V >= 6``, the F4 basis of the Lagrange ideal takes seconds.)
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import sympy

from neurovariety.architecture import Architecture, monomial_exponents

PRIME = 32003


def _weights_and_coefficients(arch: Architecture) -> tuple[list[str], list[str]]:
    xs = sympy.symbols(f"x0:{arch.d0}")
    names, layer = [], list(xs)
    for i, (a, b) in enumerate(zip(arch.widths, arch.widths[1:])):
        W = [[sympy.Symbol(f"w{len(names) + k * a + j}") for j in range(a)] for k in range(b)]
        names += [str(s) for row in W for s in row]
        z = [sum(w * v for w, v in zip(row, layer)) for row in W]
        layer = z if i == arch.depth - 1 else [zz ** arch.r[i] for zz in z]
    coeffs = []
    for f in layer:
        poly = sympy.Poly(sympy.expand(f), *xs)
        coeffs += [sympy.sstr(poly.coeff_monomial(m)).replace("**", "^") for m in monomial_exponents(arch.d0, arch.degree)]
    return names, coeffs


def _loss(arch: Architecture, weights: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    amb, M = arch.ambient_dim, arch.num_monomials
    if weights == "data":
        exps = monomial_exponents(arch.d0, arch.degree)
        pts = rng.integers(1, PRIME, size=(max(10, 2 * M), arch.d0))
        mono = np.array([[math.prod(int(p[v]) ** e[v] for v in range(arch.d0)) % PRIME for e in exps] for p in pts], dtype=object)
        Q = np.kron(np.eye(arch.dL, dtype=object), (mono.T @ mono) % PRIME) % PRIME
    elif weights == "unit":
        Q = np.eye(amb, dtype=int).astype(object)
    else:
        G = rng.integers(1, PRIME, size=(amb, amb)).astype(object)
        Q = (G + G.T) % PRIME
    return Q, rng.integers(1, PRIME, size=amb)


def script(arch: Architecture, weights: str, seed: int) -> str:
    rng = np.random.default_rng(seed)
    names, coeffs = _weights_and_coefficients(arch)
    Q, b = _loss(arch, weights, rng)
    amb = arch.ambient_dim
    cs = [f"c{i}" for i in range(amb)]
    mat = lambda rows: "matrix{" + ", ".join("{" + ", ".join(str(v) for v in row) + "}" for row in rows) + "}"  # noqa: E731
    return "\n".join([
        f"kk = ZZ/{PRIME};",
        f"W = kk[{', '.join(names)}];",
        f"C = kk[{', '.join(cs)}];",
        f"phi = map(W, C, {{{', '.join(coeffs)}}});",
        "I = kernel phi;",
        "k = codim I;",
        "if k == 0 then (print 1; exit 0);",
        f"S = kk[{', '.join(cs)}, l_1..l_k];",
        "IS = sub(I, S);",
        "g = gens IS;",
        "h = g * sub(random(kk^(numcols g), kk^k), S);",  # k random combinations of the generators
        f"cv = transpose matrix{{{{{', '.join(cs)}}}}};",
        f"Jh = (jacobian h)^(toList(0..{amb - 1}));",  # amb x k: the gradients of the k combinations
        f"Q = {mat(Q.tolist())} ** S;",
        f"b = transpose matrix{{{{{', '.join(str(int(v)) for v in b)}}}}} ** S;",
        "lam = transpose matrix{toList(l_1..l_k)};",
        "E = ideal flatten entries (2 * (Q * cv - b) - Jh * lam) + IS;",
        "G = groebnerBasis(E, Strategy => \"F4\");",
        # the rank-deficient locus of Jh on V(E): points with a kernel vector mu, l(mu) = 1
        f"T = kk[{', '.join(cs)}, l_1..l_k, u_1..u_k];",
        "mu = transpose matrix{toList(u_1..u_k)};",
        "F = sub(ideal G, T) + ideal(sub(Jh, T) * mu) + ideal((random(kk^1, kk^k) ** T) * mu - 1);",
        "GFF = groebnerBasis(F, Strategy => \"F4\");",
        "if GFF == matrix{{1_T}} then (stderr << \"no rank-deficient solution\" << endl; Esat = monomialIdeal leadTerm G) else (",
        "    stderr << \"saturating by the rank-deficient locus\" << endl;",
        "    Esat = saturate(E, sub(eliminate(toList(u_1..u_k), F), S)));",
        "if dim Esat == 0 then print degree Esat else print(-1);",
        "exit 0",
    ]) + "\n"


def critical_degree(arch: Architecture, weights: str = "generic", seed: int = 0, timeout: float = 300) -> int:
    """The number of critical points of the loss on V_reg, by Macaulay2 (raises if M2 is missing)."""
    m2 = shutil.which("M2")
    if m2 is None:
        raise FileNotFoundError("Macaulay2 (M2) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "oracle.m2"
        path.write_text(script(arch, weights, seed))
        out = subprocess.run([m2, "--script", str(path)], capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return int(out.stdout.strip().splitlines()[-1])
