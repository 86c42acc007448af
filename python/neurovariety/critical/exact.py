"""Exact count of critical points over a prime field (a Gröbner basis of the critical ideal), by
Singular or Macaulay2 when installed, else sympy.

The equations ``J(theta)^T (Q c(theta) - b)`` in gauge-fixed weights, with ``Q, b`` random over
F_p (``weights`` as in :func:`neurovariety.critical.critical_points`: for ``"data"``,
``Q = I (x) sum m(x_i) m(x_i)^T`` for random points ``x_i`` in F_p^d0). Solutions where the
coefficient Jacobian ``J`` drops rank (e.g. a neuron with zero outgoing weights, whose other
weights are then free: spurious, positive-dimensional components) are removed by adding
``z * det(R J) - 1`` with a random ``n x amb`` matrix ``R``: ``det(R J)`` vanishes where
``rank J < n`` and, for random ``R``, at no regular solution (w.h.p.). The number of standard
monomials of a grevlex basis is the number of solutions over the algebraic closure, counted with
multiplicity; for random data it equals the generic complex count except for finitely many
primes (w.h.p. for a large ``prime``).

>>> exact_critical_count((2, 1, 1), 2, seed=0).functions
4
"""

from __future__ import annotations

import itertools
import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import numpy as np
import sympy
from sympy.polys.domains import GF

from .._resources import find_program, run_program
from .._validate import choice
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec, monomial_exponents
from ..errors import InternalError, InvalidInputError, NotSupportedError
from ..fields import validate_prime
from ..network.symbolic import symbolic_network
from .problem import WEIGHTS
from .result import ExactCount

__all__ = ["exact_critical_count", "critical_data", "critical_ideal", "singular_script", "macaulay2_script",
           "standard_monomial_count", "CriticalData", "ENGINE_PACKAGES"]

#: (unknowns, ambient dimension) each engine is allowed: beyond, Gröbner bases explode.
_SIZE_LIMITS = {"sympy": (4, 12), "singular": (10, 30), "macaulay2": (10, 30)}

#: Debian package of each external engine.
ENGINE_PACKAGES = {"singular": "singular", "macaulay2": "macaulay2"}


def _loss_form_mod_p(arch: Architecture, weights: str, rng: np.random.Generator, prime: int) -> tuple[sympy.Matrix, sympy.Matrix]:
    amb, M, dL = arch.ambient_dim, arch.num_monomials, arch.dL

    def rand(*shape: int) -> np.ndarray:
        return rng.integers(1, prime, size=shape)

    if weights == "generic":
        G = rand(amb, amb)
        Qn = (G + G.T) % prime
    elif weights == "unit":
        Qn = np.eye(amb, dtype=np.int64)
    else:
        exps = monomial_exponents(arch.d0, arch.degree)
        pts = rand(max(10, 2 * M), arch.d0)
        mono = np.array([[math.prod(int(p[v]) ** e[v] for v in range(arch.d0)) % prime for e in exps] for p in pts], dtype=object)
        A = (mono.T @ mono) % prime
        Qn = np.kron(np.eye(dL, dtype=object), A) % prime
    return sympy.Matrix(Qn.tolist()), sympy.Matrix(rand(amb).tolist())


@dataclass
class CriticalData:
    """The critical ideal's ingredients over F_p: coefficient polynomials ``c`` of the gauge-fixed
    weights, the loss form ``Q, b`` and the random matrix ``R`` of the rank condition."""

    weights: tuple[sympy.Symbol, ...]
    c: list[sympy.Expr]
    Q: sympy.Matrix
    b: sympy.Matrix
    R: sympy.Matrix


def critical_data(arch: Architecture, weights: str, rng: np.random.Generator, prime: int) -> CriticalData:
    """The random data of one exact count (same random stream for every engine)."""
    net = symbolic_network(arch, gauge=True)
    Q, b = _loss_form_mod_p(arch, weights, rng, prime)
    R = sympy.Matrix(rng.integers(1, prime, size=(len(net.weights), arch.ambient_dim)).tolist())
    return CriticalData(net.weights, list(net.coefficients), Q, b, R)


def critical_ideal(data: CriticalData) -> tuple[list[sympy.Expr], tuple[sympy.Symbol, ...]]:
    """Generators and variables of the critical ideal with the rank-deficient locus removed."""
    z = sympy.Symbol("z")
    c = sympy.Matrix(data.c)
    J = c.jacobian(data.weights)
    F = list(J.T * (data.Q * c - data.b))
    h = (data.R * J).det(method="berkowitz")
    return [sympy.expand(e) for e in F] + [sympy.expand(z * h - 1)], tuple(data.weights) + (z,)


def _renamed(data: CriticalData) -> tuple[list[str], list[str]]:
    """Engine-safe variable names ``t0, t1, ...`` (``_`` is an operator in Macaulay2) and the
    coefficient polynomials in them."""
    names = [f"t{i}" for i in range(len(data.weights))]
    sub = dict(zip(data.weights, sympy.symbols(names)))
    return names, [sympy.sstr(sympy.expand(e.xreplace(sub))).replace("**", "^") for e in data.c]


def _rows(m: sympy.Matrix) -> list[list[str]]:
    return [[str(m[i, j]) for j in range(m.cols)] for i in range(m.rows)]


def singular_script(data: CriticalData, prime: int) -> str:
    """A Singular program printing the number of solutions (``vdim``; -1 if not zero-dimensional)."""
    names, polys = _renamed(data)
    amb, n = len(data.c), len(names)
    lines = [f"ring R = {prime}, ({', '.join(names)}, z), dp;", "option(redSB);"]
    lines.append("ideal Cs = " + ",\n  ".join(polys) + ";")
    lines.append(f"matrix J[{amb}][{n}];")
    lines.append(f"int i; int j; for (i = 1; i <= {amb}; i++) {{ for (j = 1; j <= {n}; j++) {{ J[i, j] = diff(Cs[i], var(j)); }} }}")
    lines.append(f"matrix Q[{amb}][{amb}] = " + ", ".join(v for row in _rows(data.Q) for v in row) + ";")
    lines.append(f"matrix B[{amb}][1] = " + ", ".join(v for row in _rows(data.b) for v in row) + ";")
    lines.append(f"matrix Rm[{n}][{amb}] = " + ", ".join(v for row in _rows(data.R) for v in row) + ";")
    lines += [f"matrix C[{amb}][1] = Cs;", "matrix F = transpose(J) * (Q * C - B);", "poly h = det(Rm * J);",
              "ideal I = ideal(F), z * h - 1;", "print(vdim(std(I)));", "quit;"]
    return "\n".join(lines) + "\n"


def macaulay2_script(data: CriticalData, prime: int) -> str:
    """A Macaulay2 program printing the degree of the critical ideal (-1 if not zero-dimensional)."""
    names, polys = _renamed(data)
    n = len(names)

    def mat(m: Any) -> str:
        return "matrix{" + ", ".join("{" + ", ".join(row) + "}" for row in _rows(m)) + "}"

    lines = [f"R = ZZ/{prime}[{', '.join(names)}, z, MonomialOrder => GRevLex];",
             "C = transpose matrix{{" + ", ".join(polys) + "}};",
             f"J = submatrix(transpose jacobian transpose C, toList(0..{n - 1}));",
             f"Q = {mat(data.Q)} ** R;", f"B = {mat(data.b)} ** R;", f"Rm = {mat(data.R)} ** R;",
             "F = transpose(J) * (Q * C - B);", "I = ideal(flatten entries F) + ideal(z * det(Rm * J) - 1);",
             "if dim I == 0 then print degree I else print(-1);", "exit 0"]
    return "\n".join(lines) + "\n"


def _engine_count(engine: str, data: CriticalData, prime: int, timeout: Optional[float]) -> int:
    if engine == "sympy":
        polys, gens = critical_ideal(data)
        G = sympy.groebner(polys, *gens, modulus=int(prime), order="grevlex")
        if not G.is_zero_dimensional:
            return -1
        leads = [sympy.Poly(p, *gens, domain=GF(int(prime))).monoms(order="grevlex")[0] for p in G.exprs]
        return standard_monomial_count(leads, len(gens))
    program = find_program(engine)
    if program is None:
        raise NotSupportedError(f"the {engine} engine is not installed (Debian: apt-get install {ENGINE_PACKAGES[engine]})")
    if engine == "singular":
        out = run_program([program, "-q"], singular_script(data, prime), timeout, "Singular")
    else:
        with tempfile.TemporaryDirectory() as tmp:  # M2 reads scripts from files only
            script = Path(tmp) / "critical.m2"
            script.write_text(macaulay2_script(data, prime), encoding="utf-8")
            out = run_program([program, "--script", str(script)], "", timeout, "Macaulay2")
    try:
        return int(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise InternalError(f"{engine} printed no count: {out.strip()[-200:]!r}") from None


def exact_critical_count(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    *,
    weights: str = "generic",
    prime: int = 32003,
    seed: Optional[int] = None,
    engine: str = "auto",
    timeout: Optional[float] = None,
) -> ExactCount:
    """Degree of the zero-dimensional critical ideal over F_p (see the module docstring).

    ``engine``: ``"singular"`` or ``"macaulay2"`` (a real Gröbner engine, when installed),
    ``"sympy"`` (always available, tiny cases only), or ``"auto"`` (Singular, then Macaulay2,
    then sympy). ``timeout`` (seconds) kills an external engine.
    """
    t0 = time.perf_counter()
    arch = Architecture.coerce(widths, r)
    choice(weights, "weights", WEIGHTS)
    engine = choice(engine, "engine", ("auto", "singular", "macaulay2", "sympy"))
    prime = validate_prime(prime)
    if prime < 3:
        raise InvalidInputError(f"prime must be an odd prime, got {prime}")
    if engine == "auto":
        engine = next((e for e in ("singular", "macaulay2") if find_program(e)), "sympy")
    n, limit = arch.num_free_params, _SIZE_LIMITS[engine]
    if n > limit[0] or arch.ambient_dim > limit[1]:
        hint = "; install Singular or Macaulay2" if engine == "sympy" else ""
        raise InvalidInputError(f"{arch} is too large for the {engine} Gröbner count ({n} unknowns, ambient dimension "
                                f"{arch.ambient_dim}; limits {limit[0]} and {limit[1]}){hint}")
    rng = np.random.default_rng(validate_seed(seed))
    count = _engine_count(engine, critical_data(arch, weights, rng, prime), prime, timeout)
    if count < 0:
        raise InternalError(f"the critical ideal of {arch} is not zero-dimensional over F_{prime} (unlucky prime or data?)")
    fibre = math.prod(math.factorial(d) for d in arch.hidden_widths)
    return ExactCount(count, count // fibre, fibre, int(prime), weights, time.perf_counter() - t0, engine)


def standard_monomial_count(leads: list[tuple[int, ...]], nvars: int) -> int:
    """Number of monomials divisible by none of ``leads`` (finite for a zero-dimensional ideal).

    >>> standard_monomial_count([(2, 0), (0, 2)], 2)   # 1, x, y, xy
    4
    """
    bounds = []
    for v in range(nvars):
        pure = [m[v] for m in leads if all(e == 0 for k, e in enumerate(m) if k != v) and m[v] > 0]
        if not pure:
            raise InternalError("the ideal is not zero-dimensional")
        bounds.append(min(pure))
    count = 0
    for mono in itertools.product(*(range(b) for b in bounds)):
        if not any(all(mono[k] >= m[k] for k in range(nvars)) for m in leads):
            count += 1
    return count
