"""Exact count of critical points over a prime field (a Gröbner basis of the critical ideal).

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
import time
from typing import Optional

import numpy as np
import sympy
from sympy.polys.domains import GF

from .._validate import choice
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec, monomial_exponents
from ..errors import InternalError, InvalidInputError
from ..fields import validate_prime
from ..network.symbolic import symbolic_network
from .problem import WEIGHTS
from .result import ExactCount

__all__ = ["exact_critical_count", "critical_ideal", "standard_monomial_count"]


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


def critical_ideal(arch: Architecture, weights: str, rng: np.random.Generator, prime: int) -> tuple[list[sympy.Expr], tuple[sympy.Symbol, ...]]:
    """Generators (over F_prime after reduction) and variables of the saturated critical ideal."""
    net = symbolic_network(arch, gauge=True)
    ts = net.weights
    z = sympy.Symbol("z")
    c = sympy.Matrix(net.coefficients)
    J = c.jacobian(ts)
    Q, b = _loss_form_mod_p(arch, weights, rng, prime)
    F = list(J.T * (Q * c - b))
    R = sympy.Matrix(rng.integers(1, prime, size=(len(ts), arch.ambient_dim)).tolist())
    h = (R * J).det(method="berkowitz")
    return [sympy.expand(e) for e in F] + [sympy.expand(z * h - 1)], tuple(ts) + (z,)


def exact_critical_count(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    *,
    weights: str = "generic",
    prime: int = 32003,
    seed: Optional[int] = None,
) -> ExactCount:
    """Degree of the zero-dimensional critical ideal over F_p (see the module docstring).

    Only for the smallest architectures (a few unknowns, low degree): sympy's Buchberger is slow.
    """
    t0 = time.perf_counter()
    arch = Architecture.coerce(widths, r)
    choice(weights, "weights", WEIGHTS)
    prime = validate_prime(prime)
    if prime < 3:
        raise InvalidInputError(f"prime must be an odd prime, got {prime}")
    n = arch.num_free_params
    if n > 4 or arch.ambient_dim > 12:
        raise InvalidInputError(f"{arch} is too large for the sympy Gröbner count ({n} unknowns, ambient dimension {arch.ambient_dim})")
    rng = np.random.default_rng(validate_seed(seed))
    polys, gens = critical_ideal(arch, weights, rng, prime)
    G = sympy.groebner(polys, *gens, modulus=int(prime), order="grevlex")
    if not G.is_zero_dimensional:
        raise InternalError(f"the critical ideal of {arch} is not zero-dimensional over F_{prime} (unlucky prime or data?)")
    leads = [sympy.Poly(p, *gens, domain=GF(int(prime))).monoms(order="grevlex")[0] for p in G.exprs]
    count = standard_monomial_count(leads, len(gens))
    fibre = math.prod(math.factorial(d) for d in arch.hidden_widths)
    return ExactCount(count, count // fibre, fibre, int(prime), weights, time.perf_counter() - t0)


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
