"""Dimension of the neurovariety: generic rank of the Jacobian of the parameter map.

The rank of the Jacobian at random weights over a prime field F_p is a **lower bound** for
``dim V`` (a non-zero minor mod p lifts to a non-zero integer minor), and :func:`upper_bound`
gives a proved **upper bound**. When the two meet the dimension is *certified*; otherwise the
result is the maximum rank over several random trials and is correct with high probability
(Schwartz–Zippel), which :class:`DimensionResult` says explicitly.

>>> import neurovariety as nv
>>> res = nv.dimension((3, 3, 3), 2, seed=0)
>>> (res.dimension, res.expected, res.ambient, res.certified)
(15, 15, 18, True)
"""

from __future__ import annotations

import functools
import os
import time
from dataclasses import asdict, dataclass
from math import comb
from typing import Any, Literal, Optional, Sequence, Union

import numpy as np

from . import _core
from .architecture import Architecture, RSpec

__all__ = [
    "DEFAULT_PRIMES",
    "DimensionResult",
    "ResourceLimitError",
    "dimension",
    "jacobian",
    "network_coefficients",
    "upper_bound",
    "memory_limit",
    "alexander_hirschowitz_dimension",
    "linear_dimension",
    "AH_SPORADIC",
]

DEFAULT_PRIMES: tuple[int, ...] = tuple(_core.DEFAULT_PRIMES)
"""The two smallest primes above 2^20; small enough for the exact floating-point rank kernel."""

#: Extra sample points beyond the upper bound in the evaluation route: generic points need only
#: as many as the rank, a few more make an unlucky draw over F_p far less likely.
EXTRA_POINTS = 4

Method = Literal["auto", "evaluation", "monomial"]


class ResourceLimitError(MemoryError):
    """Raised before starting work whose memory estimate exceeds the configured limit."""


def memory_limit() -> int:
    """Memory limit in bytes for a single computation.

    Set ``NEUROVARIETY_MEMORY_LIMIT`` (bytes, or with a suffix: ``512M``, ``8G``) to change it;
    the default is half of the machine's physical memory.
    """
    env = os.environ.get("NEUROVARIETY_MEMORY_LIMIT")
    if env:
        return _parse_bytes(env)
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        total = 8 << 30
    return total // 2


def _parse_bytes(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    t = text.strip().upper().removesuffix("B")
    try:
        if t and t[-1] in units:
            return int(float(t[:-1]) * units[t[-1]])
        return int(t)
    except ValueError:
        raise ValueError(f"cannot parse memory size {text!r}: use bytes or e.g. 512M, 8G") from None


def _check_memory(what: str, nbytes: int, limit: Optional[int]) -> None:
    limit = memory_limit() if limit is None else limit
    if nbytes > limit:
        raise ResourceLimitError(
            f"{what} needs about {nbytes / 2**30:.2f} GiB, above the limit of {limit / 2**30:.2f} GiB "
            f"(raise it with memory_limit=... or NEUROVARIETY_MEMORY_LIMIT)"
        )


@dataclass(frozen=True)
class DimensionResult:
    """Outcome of :func:`dimension`.

    ``certified`` is True only when the computed rank (a lower bound) equals ``upper_bound``, a
    proved upper bound whose source is named in ``bound``; then ``dimension`` is exact.
    Otherwise ``dimension`` is the maximum rank over ``trials`` random trials: correct with high
    probability, and in any case a lower bound.
    """

    widths: tuple[int, ...]
    r: Union[int, tuple[int, ...]]
    ambient: int
    expected: int
    dimension: int
    defect: int
    certified: bool
    upper_bound: int
    bound: str
    method: str
    primes: tuple[int, ...]
    trials: int
    seconds: float

    @property
    def filling(self) -> bool:
        return self.dimension == self.ambient

    @property
    def status(self) -> str:
        """One sentence on how trustworthy ``dimension`` is."""
        if self.certified:
            return f"certified: rank reaches the proved upper bound ({self.bound})"
        return (
            f"probabilistic: maximum rank over {self.trials} random trial(s) mod {', '.join(map(str, self.primes))}; "
            f"a lower bound, equal to the dimension with high probability (upper bound {self.upper_bound}, {self.bound})"
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["widths"] = list(self.widths)
        d["r"] = list(self.r) if isinstance(self.r, tuple) else self.r
        d["primes"] = list(self.primes)
        d["status"] = self.status
        return d


# --- proved upper bounds (SPEC §3) ---------------------------------------------------------------

#: (r, d0, d1) of the four sporadic defective cases of Alexander–Hirschowitz, each of defect 1:
#: 5 points on P^2, 9 points on P^3 and 14 points on P^4 for quartics, 7 points on P^4 for cubics.
AH_SPORADIC = frozenset({(4, 3, 5), (4, 4, 9), (4, 5, 14), (3, 5, 7)})


def alexander_hirschowitz_dimension(d0: int, d1: int, r: int) -> int:
    """Affine dimension of ``V_{(d0, d1, 1), r}``: the cone over the ``d1``-th secant variety of
    the degree-``r`` Veronese embedding of ``P^(d0-1)`` (a theorem, used as an upper bound).

    Generic value ``min(d0 d1, C(d0+r-1, r))``; for ``r = 2`` symmetric matrices of rank
    ``<= k = min(d1, d0)``: ``d0 k - C(k, 2)``; the four sporadic cases lose 1.

    >>> alexander_hirschowitz_dimension(3, 2, 2), alexander_hirschowitz_dimension(3, 5, 4)
    (5, 14)
    """
    if min(d0, d1, r) < 1:
        raise ValueError(f"d0, d1, r must be positive, got {(d0, d1, r)}")
    if r == 1:
        return d0  # a linear form; the hidden layer only rescales
    if r == 2:
        k = min(d0, d1)
        return d0 * k - comb(k, 2)
    generic = min(d0 * d1, comb(d0 + r - 1, r))
    return generic - 1 if (r, d0, d1) in AH_SPORADIC else generic


def linear_dimension(widths: Sequence[int]) -> int:
    """Dimension of a linear network: ``dL x d0`` matrices of rank ``<= k = min(widths)``.

    >>> linear_dimension((3, 2, 4))
    10
    """
    k = min(widths)
    return k * (widths[0] + widths[-1] - k)


@functools.lru_cache(maxsize=65536)
def _upper_bound(widths: tuple[int, ...], rs: tuple[int, ...]) -> tuple[int, str]:
    arch = Architecture(widths, list(rs))
    best, source = arch.expected_dim, "expected dimension"
    if all(r == 1 for r in rs):
        value = linear_dimension(widths)
        return (value, "linear network formula") if value <= best else (best, source)
    if len(widths) == 3 and widths[2] == 1:
        value = alexander_hirschowitz_dimension(widths[0], widths[1], rs[0])
        if value <= best:
            return value, "Alexander–Hirschowitz theorem"
    for k in range(1, arch.depth):
        left, right = arch.split(k)
        value = _upper_bound(left.widths, left.r)[0] + _upper_bound(right.widths, right.r)[0] - widths[k]
        if value < best:
            best, source = value, f"splitting bound at layer {k}"
    return best, source


def upper_bound(widths: Union[Sequence[int], Architecture], r: RSpec = 2) -> tuple[int, str]:
    """A proved upper bound for ``dim V`` and the name of the result that proves it.

    The minimum of the expected dimension, the linear-network formula (all r = 1), the
    Alexander–Hirschowitz theorem for ``(d0, d1, 1)``, and the splitting bound
    ``dim V_d <= ub(d0..dk) + ub(dk..dL) - dk`` applied recursively.

    >>> upper_bound((2, 1, 2, 1), 2)
    (2, 'splitting bound at layer 1')
    """
    arch = widths if isinstance(widths, Architecture) else Architecture(widths, r)
    return _upper_bound(arch.widths, arch.r)


# --- the computation -------------------------------------------------------------------------------


def _validate_primes(primes: Optional[Sequence[int]]) -> tuple[int, ...]:
    if primes is None:
        return DEFAULT_PRIMES
    if isinstance(primes, (int, np.integer)):
        primes = [int(primes)]
    out = tuple(_validate_prime(p) for p in primes)
    if not out:
        raise ValueError("primes must name at least one prime")
    return out


def _validate_prime(p: object) -> int:
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
        raise ValueError(f"prime must be an integer, got {p!r}")
    p = int(p)
    if not 2 <= p < 2**63:
        raise ValueError(f"prime {p} is out of range: need 2 <= p < 2^63")
    if not _core.is_prime(p):
        raise ValueError(f"modulus {p} is not prime")
    return p


def _costs(arch: Architecture, rows: int) -> dict[str, float]:
    """Rough operation counts of the two routes (elimination dominates both)."""
    n = arch.num_params
    amb = arch.ambient_dim
    evaluation = rows * n * min(rows, n) + 4.0 * rows * n
    monomial = amb * n * min(amb, n) + float(arch.dL) * n * arch.num_monomials * max(1, arch.d0)
    return {"evaluation": float(evaluation), "monomial": float(monomial)}


def _memory_bytes(arch: Architecture, method: str, rows: int) -> int:
    # The u64 matrix is converted to f64 in place; a tall matrix is transposed into a copy.
    height = rows if method == "evaluation" else arch.ambient_dim
    copies = 2 if height > arch.num_params else 1
    return copies * 8 * height * arch.num_params


def _seeds(seed: Optional[int], count: int) -> list[int]:
    rng = np.random.default_rng(seed)
    return [int(s) for s in rng.integers(0, 2**63, size=count, dtype=np.uint64)]


def dimension(
    widths: Union[Sequence[int], Architecture, str],
    r: Union[RSpec, str] = 2,
    *,
    method: Method = "auto",
    primes: Optional[Sequence[int]] = None,
    trials: int = 2,
    seed: Optional[int] = None,
    memory_limit: Optional[int] = None,
) -> DimensionResult:
    """Dimension of the neurovariety ``V_{d,r}``.

    Parameters
    ----------
    widths, r:
        The architecture (``r`` an int or one exponent per hidden layer).
    method:
        ``"evaluation"`` takes the rank of stacked gradients at random points (SPEC §2, cheap for
        any ambient size); ``"monomial"`` builds the coefficient Jacobian JΨ by backpropagation in
        the monomial basis (the paper's Algorithm 1, exactly). ``"auto"`` picks the cheaper one.
    primes:
        Primes to work over, cycled through the trials (default :data:`DEFAULT_PRIMES`).
    trials:
        Maximum number of independent random trials. Stops early once the rank is certified.
    seed:
        Seed for the random weights and points (``None``: fresh randomness).
    memory_limit:
        Bytes; work estimated above it raises :class:`ResourceLimitError` before starting.

    >>> dimension((3, 2, 1), 2, seed=1).dimension   # defective: edim is 6
    5
    """
    arch = widths if isinstance(widths, Architecture) else Architecture(widths, r)
    if method not in ("auto", "evaluation", "monomial"):
        raise ValueError(f"method must be 'auto', 'evaluation' or 'monomial', got {method!r}")
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 1:
        raise ValueError(f"trials must be a positive integer, got {trials!r}")
    prime_list = _validate_primes(primes)
    bound, bound_source = upper_bound(arch)
    rows = bound + EXTRA_POINTS
    if method == "auto":
        costs = _costs(arch, rows)
        method = "monomial" if costs["monomial"] < costs["evaluation"] else "evaluation"
    _check_memory(f"the {method} Jacobian of {arch}", _memory_bytes(arch, method, rows), memory_limit)

    start = time.perf_counter()
    best, used = -1, []
    for t, trial_seed in enumerate(_seeds(seed, int(trials))):
        p = prime_list[t % len(prime_list)]
        rank = _core.jacobian_rank(list(arch.widths), list(arch.r), p, trial_seed, method, rows)
        used.append(p)
        best = max(best, rank)
        if best >= bound:
            break
    if best > bound:  # a lower bound above a proved upper bound: a bug, never a result
        raise RuntimeError(f"internal error: rank {best} exceeds the proved upper bound {bound} ({bound_source}) for {arch}")
    seconds = time.perf_counter() - start
    r_out: Union[int, tuple[int, ...]] = arch.uniform_r if arch.uniform_r is not None else arch.r
    if not arch.r:
        r_out = r if isinstance(r, int) else 1
    return DimensionResult(
        widths=arch.widths,
        r=r_out,
        ambient=arch.ambient_dim,
        expected=arch.expected_dim,
        dimension=best,
        defect=arch.expected_dim - best,
        certified=best == bound,
        upper_bound=bound,
        bound=bound_source,
        method=method,
        primes=tuple(dict.fromkeys(used)),
        trials=len(used),
        seconds=seconds,
    )


def _weights_mod_p(arch: Architecture, weights: Optional[Sequence[Any]], prime: int) -> Optional[list[list[int]]]:
    if weights is None:
        return None
    if len(weights) != arch.depth:
        raise ValueError(f"weights must be a list of {arch.depth} matrices for {arch}, got {len(weights)}")
    out = []
    for i, (w, rows, cols) in enumerate(zip(weights, arch.widths[1:], arch.widths[:-1]), start=1):
        a = np.asarray(w)
        if a.shape != (rows, cols):
            raise ValueError(f"W_{i} must have shape ({rows}, {cols}), got {a.shape}")
        if a.dtype.kind not in "iuO":
            raise ValueError(f"W_{i} must hold integers (they are reduced mod p), got dtype {a.dtype}")
        out.append([int(x) % prime for x in a.reshape(-1).tolist()])
    return out


def jacobian(
    widths: Union[Sequence[int], Architecture, str],
    r: Union[RSpec, str] = 2,
    *,
    weights: Optional[Sequence[Any]] = None,
    prime: int = DEFAULT_PRIMES[0],
    seed: Optional[int] = None,
    memory_limit: Optional[int] = None,
) -> np.ndarray:
    """The coefficient Jacobian JΨ mod ``prime``: an int64 array of shape ``(dL*M, N)``.

    Row ``j*M + m`` is output ``j``, monomial ``m`` (lexicographic descending, see
    :func:`neurovariety.monomial_exponents`); column ``k`` is weight ``k`` (``W_1`` row-major,
    then ``W_2``, ...). ``weights`` is a list of integer matrices ``W_i`` of shape
    ``(d_i, d_{i-1})``; without it the weights are random (from ``seed``).

    >>> J = jacobian((2, 1, 1), 2, weights=[[[1, 2]], [[1]]])
    >>> J.tolist()   # f = w2 (a x0 + b x1)^2 at a=1, b=2, w2=1
    [[2, 0, 1], [4, 2, 4], [0, 4, 4]]
    """
    arch = widths if isinstance(widths, Architecture) else Architecture(widths, r)
    prime = _validate_prime(prime)
    w = _weights_mod_p(arch, weights, prime)
    _check_memory(f"the coefficient Jacobian of {arch}", 2 * 8 * arch.ambient_dim * arch.num_params, memory_limit)
    out = _core.coefficient_jacobian(list(arch.widths), list(arch.r), prime, w, _seeds(seed, 1)[0])
    return out.astype(np.int64)


def network_coefficients(
    widths: Union[Sequence[int], Architecture, str],
    r: Union[RSpec, str] = 2,
    weights: Optional[Sequence[Any]] = None,
    prime: int = DEFAULT_PRIMES[0],
    *,
    seed: Optional[int] = None,
) -> np.ndarray:
    """Coefficient matrix (``dL × M``, int64) of the network's outputs mod ``prime``.

    >>> network_coefficients((2, 1, 1), 2, [[[1, 2]], [[3]]]).tolist()   # 3 (x0 + 2 x1)^2
    [[3, 12, 12]]
    """
    arch = widths if isinstance(widths, Architecture) else Architecture(widths, r)
    prime = _validate_prime(prime)
    w = _weights_mod_p(arch, weights, prime)
    _check_memory(f"the coefficients of {arch}", 16 * arch.ambient_dim, None)
    return _core.network_coefficients(list(arch.widths), list(arch.r), prime, w, _seeds(seed, 1)[0]).astype(np.int64)
