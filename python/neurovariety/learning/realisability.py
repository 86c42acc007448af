"""Real realisability: is a coefficient matrix on the *real* neuromanifold?

The neuromanifold (real weights) is a semialgebraic part of ``V``. For ``(2, 2, 3), r = 2`` a
rank-2 coefficient matrix is realisable iff its row space -- a pencil of binary quadrics -- meets
the conic of squares ``b^2 = 4ac`` in two real points.

>>> in_neuromanifold((2, 2, 3), 2, [[1, 0, 0], [0, 0, 1], [1, 0, 1]])          # x0^2, x1^2
True
>>> in_neuromanifold((2, 2, 3), 2, [[1, 0, -1], [0, 1, 0], [1, 1, -1]])        # x0^2-x1^2, x0x1
False
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, Optional, Sequence

import numpy as np

from ..architecture import Architecture, ArchitectureLike, RSpec
from ..errors import InvalidInputError, NotSupportedError

if TYPE_CHECKING:
    import sympy

__all__ = ["in_neuromanifold", "neuromanifold_criterion_known", "neuromanifold_margin", "has_margin", "real_distinct_roots"]


def neuromanifold_criterion_known(widths: ArchitectureLike, r: Optional[RSpec] = None) -> bool:
    """Whether :func:`in_neuromanifold` has a criterion for this architecture (for some ranks).

    >>> neuromanifold_criterion_known((2, 2, 3), 2), neuromanifold_criterion_known((3, 3, 3), 2)
    (True, False)
    """
    arch = Architecture.coerce(widths, r)
    if arch.degree == 1 or arch.d0 == 1:
        return True
    return _is_shallow_binary(arch)


def _is_shallow_binary(arch: Architecture) -> bool:
    """``(2, d1, dL)`` with ``d1 >= r``: the shallow binary networks with a criterion."""
    return arch.depth == 2 and arch.d0 == 2 and arch.widths[1] >= arch.r[0]


def _is_exact(C: np.ndarray) -> bool:
    if C.dtype.kind in "iu":
        return True
    if C.dtype == np.dtype(object):
        return all(isinstance(v, (int, Fraction)) or getattr(v, "is_Rational", False) for v in C.ravel())
    return False


def _coefficient_matrix(arch: Architecture, C: Any) -> tuple[np.ndarray, bool]:
    """``C`` as a ``dL x M`` array and whether its entries are exact rationals."""
    M, dL = arch.num_monomials, arch.dL
    C = np.asarray(C)
    if C.size != dL * M:
        raise InvalidInputError(f"C must have dL*M = {dL}*{M} entries for {arch}, got shape {C.shape}")
    C = C.reshape(dL, M)
    if _is_exact(C):
        return C, True
    C = C.astype(np.float64)
    if not np.isfinite(C).all():
        raise InvalidInputError("C must be finite")
    return C, False


def _exact_matrix(C: np.ndarray) -> "sympy.Matrix":
    import sympy  # noqa: PLC0415 - sympy is slow to import and only exact input needs it

    return sympy.Matrix(C.tolist()).applyfunc(sympy.nsimplify)


def _float_rank(C: np.ndarray, tol: float) -> int:
    s = np.linalg.svd(C, compute_uv=False) if C.size else np.zeros(0)
    return int((s > tol * s[0]).sum()) if s.size and s[0] > 0 else 0


def _row_space_normal(C: np.ndarray, exact: bool) -> list[Fraction]:
    """The normal vector ``n`` of the hyperplane spanned by the rows (rank ``M - 1``), exactly."""
    if exact:
        return [Fraction(int(v.p), int(v.q)) for v in _exact_matrix(C).nullspace()[0]]
    return [Fraction(float(v)) for v in np.linalg.svd(C)[2][-1]]  # exact value of each float


def in_neuromanifold(widths: ArchitectureLike, r: Optional[RSpec], C: Any, *, tol: float = 1e-9) -> bool:
    """Is the coefficient matrix ``C`` (dL x M, or flat output-major) realised by real weights?

    Criteria (:class:`~neurovariety.errors.NotSupportedError` elsewhere):

    * linear networks: ``rank C <= min d_i``; ``d0 = 1``: always;
    * shallow binary ``(2, d1, dL)``, exponent ``r``: each output is ``sum_k w_k l_k^r``. If
      ``d1 >= r + 1`` every real ``C`` is realised. If ``d1 = r``: ``rank C <= 1`` is always
      realised (a binary form of degree ``r`` has real rank ``<= r``); ``rank C = r`` is realised iff
      the row space, a hyperplane ``{q : n.q = 0}``, meets the real rational normal curve in ``r``
      distinct points, i.e. ``phi(s, t) = sum_k n_k binom(r, k) s^(r-k) t^k`` has ``r`` distinct real
      roots on P^1 (for ``r = 2``: the pencil meets the conic ``b^2 = 4ac`` twice, ``n1^2 > n0 n2``).
      Tangent hyperplanes are limits of diverging weights, hence *not* realised.

    Integer / Fraction / sympy-rational input is decided exactly (sympy). Float input: the rank
    uses singular values relative to ``tol``, the normal vector ``n`` is the last right singular
    vector, and the decision on ``n`` is exact (its float entries are rationals) -- so only
    matrices within rounding of the boundary are uncertain.

    >>> in_neuromanifold((2, 2, 3), 2, [[1, 1, 1], [2, 2, 2], [0, 0, 0]])   # rank 1: always
    True
    """
    arch = Architecture.coerce(widths, r)
    C, exact = _coefficient_matrix(arch, C)
    rank = int(_exact_matrix(C).rank()) if exact else _float_rank(C, tol)
    if arch.degree == 1:
        return rank <= min(arch.widths)
    if arch.d0 == 1:
        return True
    if not _is_shallow_binary(arch):
        raise NotSupportedError(f"no realisability criterion implemented for {arch}")
    e, d1 = arch.r[0], arch.widths[1]
    if d1 >= e + 1 or rank <= 1:
        return True
    if rank > e:
        return False  # not even on V
    if rank < e:
        raise NotSupportedError(f"realisability of rank {rank} < {e} coefficient matrices for {arch}")
    # rank == e == M - 1: the row space is the hyperplane orthogonal to n
    return real_distinct_roots(_row_space_normal(C, exact), e)


def neuromanifold_margin(widths: ArchitectureLike, r: Optional[RSpec], C: Any) -> float:
    """Signed distance-like margin of a rank-2 ``C`` from the boundary, for ``(2, 2, dL)``, r = 2.

    ``(n1^2 - n0 n2) / |n|^2`` for the normal ``n`` of the row space (last right singular vector):
    positive iff the pencil meets the conic ``b^2 = 4ac`` in two real points (realisable), zero on
    tangent pencils (the boundary). Small positive margins mean a realisable function whose
    weights are large and badly conditioned -- gradient descent approaches it slowly.

    >>> round(neuromanifold_margin((2, 2, 3), 2, [[1, 0, 0], [0, 0, 1], [1, 0, 1]]), 3)   # in [-1/2, 1]
    1.0
    """
    arch = Architecture.coerce(widths, r)
    if not has_margin(arch):
        raise NotSupportedError(f"the margin is implemented for (2, 2, dL), r = 2 only, not {arch}")
    C = np.asarray(C, dtype=np.float64).reshape(arch.dL, 3)
    n = np.linalg.svd(C)[2][-1]
    return float((n[1] ** 2 - n[0] * n[2]) / (n @ n))


def has_margin(arch: Architecture) -> bool:
    """Whether :func:`neuromanifold_margin` is defined: ``(2, 2, dL)``, r = 2.

    >>> has_margin(Architecture((2, 2, 3), 2)), has_margin(Architecture((2, 3, 3), 3))
    (True, False)
    """
    return arch.depth == 2 and arch.d0 == 2 and arch.widths[1] == 2 and arch.r == (2,)


def real_distinct_roots(n_vec: Sequence[Fraction], e: int) -> bool:
    """Does ``sum_k n_k binom(e,k) s^(e-k) t^k`` have ``e`` distinct real roots on P^1 (exactly)?

    >>> real_distinct_roots([Fraction(1), Fraction(0), Fraction(-1)], 2)   # s^2 - t^2
    True
    >>> real_distinct_roots([Fraction(1), Fraction(0), Fraction(1, 3), Fraction(0)], 3)   # s^3 + s t^2
    False
    """
    if e == 2:  # the conic b^2 = 4ac: discriminant of n0 s^2 + 2 n1 s t + n2 t^2
        return bool(n_vec[1] ** 2 - n_vec[0] * n_vec[2] > 0)
    import sympy  # noqa: PLC0415 - sympy is slow to import and only r > 2 needs it

    s = sympy.Symbol("s")
    coeffs = [sympy.Rational(v.numerator, v.denominator) * sympy.binomial(e, k) for k, v in enumerate(n_vec)]
    at_infinity = next(k for k, c in enumerate(coeffs) if c != 0)  # multiplicity of the root t = 0
    if at_infinity > 1:
        return False
    p = sympy.Poly(sum(c * s ** (e - k) for k, c in enumerate(coeffs)), s)
    finite = p.degree()
    if sympy.gcd(p, p.diff(s)).degree() > 0:
        return False
    return bool(p.count_roots() == finite and finite + at_infinity == e)
