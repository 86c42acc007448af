"""Dimension of the neurovariety: generic rank of the Jacobian of the parameter map.

The rank of the Jacobian at random weights over F_p is a **lower bound** for ``dim V`` (a
non-zero minor mod p lifts to a non-zero integer minor), and :func:`neurovariety.theory.upper_bound`
gives a proved **upper bound**. When the two meet the dimension is *certified*. Otherwise the
result is the maximum rank over the trials, and the result states an explicit error bound: the
Schwartz–Zippel bound for the minor whose non-vanishing would raise the rank, multiplied over the
independent trials. An uncertified first trial is confirmed at the 61-bit prime 2^61 - 1, so the
stated bound of a defective result is far below 1e-9.

>>> import neurovariety as nv
>>> res = nv.dimension((3, 3, 3), 2, seed=0)
>>> (res.dimension, res.expected, res.ambient, res.certified)
(15, 15, 18, True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Iterable, Literal, Optional, Sequence, Union

from . import _core
from ._display import Displayable, Table, frame
from ._progress import progress_bar
from ._resources.memory import KERNEL_OVERHEAD, check_memory, kernel_threads, rank_memory
from ._validate import choice, optional_positive_int, positive_int
from ._validate import seed as validate_seed
from .architecture import Architecture, ArchitectureLike, RSpec
from .errors import InternalError, InvalidInputError
from .fields import CONFIRMATION_PRIME, DEFAULT_PRIMES, seed_sequence, validate_primes
from .theory import linear_dimension, upper_bound

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DimensionOptions",
    "DimensionResult",
    "Method",
    "dimension",
    "dimensions",
    "DIMENSIONS_COLUMNS",
    "route_memory",
    "choose_route",
    "route_seconds",
    "estimated_seconds",
    "error_bound",
    "rank_at_random_point",
    "EXTRA_POINTS",
    "DEFAULT_PRIMES",
]

#: Extra sample points beyond the upper bound in the evaluation route: generic points need only
#: as many as the rank, a few more make an unlucky draw over F_p far less likely.
EXTRA_POINTS = 4

#: An uncertified result is reported as probabilistic only when its error bound is below this;
#: above it, only the proved lower bound is claimed.
CLAIM_THRESHOLD = 1e-3

Method = Literal["auto", "evaluation", "monomial"]
METHODS: tuple[str, ...] = ("auto", "evaluation", "monomial")

#: The Rust route of each method name.
_ROUTES = {"evaluation": _core.Route.Evaluation, "monomial": _core.Route.Monomial}

#: Rust takes the degree of the monomial route as a u32.
_U32_MAX = 2**32 - 1


@dataclass(frozen=True)
class DimensionOptions:
    """Validated settings of :func:`dimension` (sweeps build one and ship it to every worker).

    ``primes=None`` means the default schedule: the fast prime ``DEFAULT_PRIMES[0]`` first, then
    the confirmation prime ``2^61 - 1``, then the remaining default primes.

    >>> DimensionOptions.validated(primes=[7, 11], trials=3).schedule()
    (7, 11, 7)
    """

    method: str = "auto"
    primes: Optional[tuple[int, ...]] = None
    trials: int = 2
    memory_limit: Optional[int] = None

    @classmethod
    def validated(
        cls,
        method: str = "auto",
        primes: Union[None, int, Sequence[int]] = None,
        trials: int = 2,
        memory_limit: Optional[int] = None,
    ) -> "DimensionOptions":
        """Check every field (raises :class:`~neurovariety.errors.InvalidInputError`)."""
        return cls(
            method=choice(method, "method", METHODS),
            primes=None if primes is None else validate_primes(primes),
            trials=positive_int(trials, "trials", maximum=1000),
            memory_limit=optional_positive_int(memory_limit, "memory_limit"),
        )

    def schedule(self) -> tuple[int, ...]:
        """The prime of every trial, in order."""
        base = self.primes if self.primes is not None else (DEFAULT_PRIMES[0], CONFIRMATION_PRIME, *DEFAULT_PRIMES[1:])
        return tuple(base[t % len(base)] for t in range(self.trials))


@dataclass(frozen=True, repr=False)
class DimensionResult(Displayable):
    """Outcome of :func:`dimension`.

    ``certified`` is True only when the computed rank (a lower bound) equals ``upper_bound``, a
    proved upper bound whose source is named in ``bound``; then ``dimension`` is exact and
    ``error_bound`` is 0. Otherwise ``dimension`` is the maximum rank over ``trials`` random
    trials: always a proved lower bound, and equal to the dimension except with probability at
    most ``error_bound`` (Schwartz–Zippel; see :attr:`statement`).
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
    error_bound: float
    seconds: float
    seed: Optional[int] = None

    @property
    def filling(self) -> bool:
        """``dimension == ambient``."""
        return self.dimension == self.ambient

    @property
    def probabilistic(self) -> bool:
        """Uncertified, but with an error bound small enough to claim the dimension."""
        return not self.certified and self.error_bound <= CLAIM_THRESHOLD

    @property
    def status(self) -> str:
        """One sentence on how trustworthy ``dimension`` is: ``certified``, ``probabilistic`` or
        ``lower bound only``."""
        primes = ", ".join(map(str, self.primes))
        if self.certified and self.method == "formula":
            return f"certified: a closed formula, no computation ({self.bound}: V is the dL x d0 matrices of rank <= min widths)"
        if self.certified:
            return f"certified: rank reaches the proved upper bound ({self.bound})"
        if self.probabilistic:
            return (
                f"probabilistic: maximum rank over {self.trials} random trial(s) mod {primes}; a proved lower bound, "
                f"and the dimension unless an event of probability <= {self.error_bound:.1e} occurred "
                f"(Schwartz–Zippel); proved upper bound {self.upper_bound} ({self.bound})"
            )
        return (
            f"lower bound only: rank {self.dimension} mod {primes} proves dim V >= {self.dimension}; the primes are too "
            f"small for a useful Schwartz–Zippel bound ({self.error_bound:.2g}), so no claim that it equals the "
            f"dimension (proved upper bound {self.upper_bound}, {self.bound})"
        )

    @property
    def statement(self) -> str:
        """What is proved and what is probabilistic, in full."""
        head = f"dim V_{{{_label(self)}}} = {self.dimension}" if (self.certified or self.probabilistic) else (
            f"dim V_{{{_label(self)}}} >= {self.dimension}")
        return f"{head} ({self.status})."

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (the JSON of ``neurovariety dim --json``)."""
        # Every field is a scalar or a tuple of ints: a shallow read, not asdict's deep copy (which
        # cost ~40 us per sweep job).
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["widths"] = list(self.widths)
        d["r"] = list(self.r) if isinstance(self.r, tuple) else self.r
        d["primes"] = list(self.primes)
        d["status"] = self.status
        d["statement"] = self.statement
        return d

    # --- display (notebooks, consoles) ------------------------------------------------------------
    def _display_title(self) -> str:
        return f"Dimension of V_{{{_label(self)}}}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("widths", self.widths), ("r", self.r), ("ambient", self.ambient), ("expected", self.expected),
                ("dimension", self.dimension), ("defect", self.defect), ("certified", self.certified),
                ("bound", self.bound), ("method", self.method), ("trials", self.trials), ("seconds", self.seconds)]

    def to_dataframe(self) -> "pd.DataFrame":
        """One row: the columns of :func:`dimensions`."""
        return frame(*_dimension_table([self]))


def _label(res: DimensionResult) -> str:
    r = ",".join(map(str, res.r)) if isinstance(res.r, tuple) else str(res.r)
    return f"({','.join(map(str, res.widths))}), r={r}"


# --- routes: cost and memory -------------------------------------------------------------------------


def _monomials(d0: int, degree: int) -> int:
    return math.comb(d0 + degree - 1, min(degree, d0 - 1))


def _chunk(nbytes: float) -> float:
    """Bytes glibc's ``malloc`` takes for a request of ``nbytes`` (16-byte granules, 32 at least)."""
    return max(32.0, (nbytes + 8 + 15) // 16 * 16)


#: Per cached basis or product table of Rust's ``PolyRing``: its ``Arc`` block and its hash-map
#: bucket (amortised over the load factor).
_CACHE_ENTRY = 48.0 + 32.0

#: Beyond this many powers of one layer the ring is extrapolated (each further power costs at
#: least as much as the last one counted): a lower bound, far above any feasible limit by then.
_LOOP_CAP = 200_000


class _Ring:
    """The cache of Rust's ``PolyRing`` (``poly.rs``): monomial lists and product tables."""

    def __init__(self, n: int) -> None:
        self.n, self.bases, self.tables = n, set(), set()  # type: tuple[int, set[int], set[tuple[int, int]]]
        self.extra = self.index = 0.0

    def basis_bytes(self, d: int) -> float:
        # one Vec<u32> of n exponents per monomial (24-byte header + its heap block), the outer Vec
        return _monomials(self.n, d) * (24.0 + _chunk(4.0 * self.n)) + _CACHE_ENTRY

    def table(self, da: int, db: int) -> None:
        self.bases.update((da, db, da + db))
        if (da, db) not in self.tables:
            self.tables.add((da, db))
            # the index of the product's monomials, a transient hash map (24-byte slots, 1 control
            # byte, at most 7/8 full, power-of-two sizes)
            slots = 2 ** math.ceil(math.log2(max(2.0, _monomials(self.n, da + db) * 8 / 7)))
            self.index = max(self.index, 25.0 * slots)

    def table_bytes(self, da: int, db: int) -> float:
        return _chunk(4.0 * _monomials(self.n, da) * _monomials(self.n, db)) + _CACHE_ENTRY

    def nbytes(self) -> float:
        return (sum(map(self.basis_bytes, self.bases)) + sum(self.table_bytes(a, b) for a, b in self.tables)
                + self.extra + self.index)


def _poly_bytes(n: int, d: int, count: int = 1) -> float:
    return count * (24.0 + _chunk(8.0 * _monomials(n, d)))


def _monomial_memory(arch: Architecture) -> tuple[float, float]:
    """``(bytes, multiply-adds)`` of building the coefficient Jacobian (Rust ``coefficient.rs``):
    the ring's cache, the forward polynomials, the Jacobian and each thread's backward deltas.
    Mirrors the Rust code allocation by allocation; measured within 10% of the peak RSS."""
    n, D, depth = arch.d0, arch.degree, arch.depth
    ring = _Ring(n)
    fwd = work = 0.0
    degs = [1]  # input degree of layer i is degs[i - 1]
    for i in range(1, depth):
        r, width, d = arch.r[i - 1], arch.widths[i], degs[-1]
        for k in range(min(r, _LOOP_CAP)):  # z^(r-1) by repeated multiplication, then z^r
            ring.table(k * d, d)
            work += width * _monomials(n, k * d) * _monomials(n, d)
        if r > _LOOP_CAP:
            last = ring.basis_bytes(_LOOP_CAP * d) + ring.table_bytes(_LOOP_CAP * d, d)
            ring.extra += (r - _LOOP_CAP) * last
            work += (r - _LOOP_CAP) * width * _monomials(n, _LOOP_CAP * d) * _monomials(n, d)
        fwd += _poly_bytes(n, d * (r - 1), width) + _poly_bytes(n, d * r, width)
        degs.append(d * r)
    jac_cols = arch.num_params
    per_thread = _poly_bytes(n, D, 1)
    for i in range(1, depth + 1):
        d = degs[i - 1]
        ring.table(D - d, d)
        cols = arch.widths[i - 1]
        work += arch.dL * arch.widths[i] * cols * _monomials(n, D - d) * _monomials(n, d)
        if i > 1:
            back = degs[i - 2] * (arch.r[i - 2] - 1)
            ring.table(D - d, back)
            work += arch.dL * cols * _monomials(n, D - d) * (_monomials(n, back) + arch.widths[i])
            per_thread += 2 * _poly_bytes(n, D - degs[i - 2], cols)
    fwd += _poly_bytes(n, D, arch.dL)
    jac = 8.0 * arch.ambient_dim * jac_cols
    return ring.nbytes() + fwd + jac + kernel_threads() * per_thread, work


def route_memory(arch: Architecture, route: str, rows: int, prime: int = DEFAULT_PRIMES[0]) -> float:
    """Estimated peak bytes of one rank computation on ``route`` (the refusal test uses this).

    Evaluation: the stacked gradients and their rank (:func:`~neurovariety._resources.memory.rank_memory`).
    Monomial: the larger of building the coefficient Jacobian (polynomial ring, forward pass,
    Jacobian) and its rank, which starts after the ring is freed.

    >>> a = Architecture((3, 3, 3), 2)
    >>> route_memory(a, "monomial", 19) > route_memory(a, "evaluation", 19)
    True
    """
    if route == "evaluation":
        return rank_memory(rows, arch.num_params, prime)
    build = _monomial_memory(arch)[0] + KERNEL_OVERHEAD
    return max(build, rank_memory(arch.ambient_dim, arch.num_params, prime))


def _monomial_feasible(arch: Architecture) -> bool:
    return arch.degree <= _U32_MAX and arch.ambient_dim <= 2**40


#: Seconds per unit of each term of the evaluation route's cost: a fixed cost, the elimination
#: (``rows * N * min(rows, N)``) and the gradients (``rows * N * depth``). Fitted by relative
#: least squares to ``benches/route_costs.csv`` (both routes measured on 43 architectures; median
#: error 18%); ``tests/test_route_choice.py`` keeps the choice honest against that table.
_EVALUATION_COST = (1.99e-4, 2.47e-11, 3.61e-9)
#: The same for the monomial route: fixed cost, elimination (``M * N * min(M, N)``, ``M`` the
#: ambient dimension), the polynomial multiply-adds of the forward and backward passes, and the
#: Jacobian's ``M * N`` entries (median error 19%).
_MONOMIAL_COST = (2.45e-4, 2.81e-11, 2.30e-9, 9.0e-9)


def route_seconds(arch: Architecture, rows: int, route: str) -> float:
    """Predicted seconds of one trial of ``route`` (``rows`` sample points for the evaluation route).

    >>> a = Architecture((3, 3, 3, 3, 3, 3, 3, 3, 3), 2)   # degree 128: polynomials are expensive
    >>> route_seconds(a, 55, "monomial") > 100 * route_seconds(a, 55, "evaluation")
    True
    """
    n = arch.num_params
    if route == "evaluation":
        c0, c1, c2 = _EVALUATION_COST
        return c0 + c1 * rows * n * min(rows, n) + c2 * rows * n * arch.depth
    return _monomial_floor(arch) + _MONOMIAL_COST[2] * _monomial_memory(arch)[1]


def _monomial_floor(arch: Architecture) -> float:
    """The monomial route's predicted seconds without its polynomial work (cheap to compute)."""
    n, amb = arch.num_params, arch.ambient_dim
    c0, c1, _, c3 = _MONOMIAL_COST
    return c0 + c1 * amb * n * min(amb, n) + c3 * amb * n


def estimated_seconds(arch: Architecture, method: str = "auto") -> float:
    """A quick predicted cost of :func:`dimension` (for ordering sweeps largest first): the rows
    are taken as ``min(expected, ambient)`` plus :data:`EXTRA_POINTS` instead of the proved upper
    bound, which costs far more to compute than this estimate.

    >>> estimated_seconds(Architecture((30, 30, 30), 2)) > estimated_seconds(Architecture((3, 3, 3), 2))
    True
    """
    rows = min(arch.expected_dim, arch.ambient_dim) + EXTRA_POINTS
    if method == "monomial" and _monomial_feasible(arch):
        return _monomial_floor(arch)
    return route_seconds(arch, rows, "evaluation")


def choose_route(arch: Architecture, rows: int, method: str) -> str:
    """``"evaluation"`` or ``"monomial"``: the requested one, or for ``"auto"`` the one predicted faster."""
    if method != "auto":
        if method == "monomial" and not _monomial_feasible(arch):
            raise InvalidInputError(
                f"method='monomial' is impossible for {arch}: degree {arch.degree} with {arch.num_monomials} "
                "monomials; use method='evaluation' (exact over F_p for any degree)"
            )
        return method
    if not _monomial_feasible(arch):
        return "evaluation"
    evaluation = route_seconds(arch, rows, "evaluation")
    if _monomial_floor(arch) >= evaluation:
        return "evaluation"
    return "monomial" if route_seconds(arch, rows, "monomial") < evaluation else "evaluation"


# --- the error bound -------------------------------------------------------------------------------


def error_bound(arch: Architecture, route: str, rank_bound: int, primes: Sequence[int]) -> float:
    """Probability bound that every trial under-counts the rank (Schwartz–Zippel, product over trials).

    The Jacobian entries are polynomials in the random values: of degree ``T - 1`` in the weights
    for the coefficient Jacobian (``T`` = :attr:`Architecture.weight_degree`), of degree
    ``T + D`` in weights, point and output combination for the evaluated one. A minor of size
    ``k <= rank_bound`` has degree at most ``k`` times that, and vanishes at a uniform random
    point of F_p^n with probability at most its degree over ``p`` (for the all but finitely many
    primes over which the generic rank is attained).
    """
    per_entry = arch.weight_degree - 1 if route == "monomial" else arch.weight_degree + arch.degree
    degree = max(1, rank_bound) * max(1, per_entry)
    out = 1.0
    for p in primes:
        out *= min(1.0, degree / p)
    return out


def rank_at_random_point(arch: Architecture, prime: int, seed: int, rows: int) -> int:
    """Rank over F_p of the evaluated Jacobian of ``arch`` at one random point: a proved lower bound for ``dim V``.

    The lean inner step of searches over many architectures: no validation, no route choice, no
    memory check, no result object. The caller passes a validated architecture, a validated
    prime, a seed in ``[0, 2^64)`` and ``rows`` sample points (at least the rank to be detected;
    :data:`EXTRA_POINTS` more make an unlucky draw rarer).

    >>> rank_at_random_point(Architecture((2, 2, 1), 2), DEFAULT_PRIMES[0], 7, 3 + EXTRA_POINTS)
    3
    """
    return int(_core.jacobian_rank(list(arch.widths), list(arch.r), prime, seed, _ROUTES["evaluation"], rows))


# --- the computation -------------------------------------------------------------------------------


def dimension(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    *,
    method: Method = "auto",
    primes: Union[None, int, Sequence[int]] = None,
    trials: int = 2,
    seed: Optional[int] = None,
    memory_limit: Optional[int] = None,
    options: Optional[DimensionOptions] = None,
) -> DimensionResult:
    """Dimension of the neurovariety ``V_{d,r}``.

    Parameters
    ----------
    widths, r:
        The architecture (``r`` an int or one exponent per hidden layer; default 2), or an
        :class:`~neurovariety.Architecture`.
    method:
        ``"evaluation"`` takes the rank of stacked gradients at random points (cheap for any
        ambient size, exact over F_p for any degree); ``"monomial"`` builds the coefficient
        Jacobian JΨ by backpropagation in the monomial basis (the paper's Algorithm 1, exactly).
        ``"auto"`` picks the cheaper one.
    primes:
        Primes to work over, cycled through the trials (default: ``DEFAULT_PRIMES[0]``, then the
        confirmation prime ``2^61 - 1``).
    trials:
        Maximum number of independent random trials. Stops early once the rank is certified.
    seed:
        Seed for the random weights and points (``None``: fresh randomness).
    memory_limit:
        Bytes; work estimated above it raises :class:`~neurovariety.errors.ResourceLimitError`
        before starting.
    options:
        A :class:`DimensionOptions` instead of ``method``/``primes``/``trials``/``memory_limit``.

    >>> dimension((3, 2, 1), 2, seed=1).dimension   # defective: edim is 6
    5
    """
    arch = Architecture.coerce(widths, r)
    seed = validate_seed(seed)
    if options is None:
        options = DimensionOptions.validated(method, primes, trials, memory_limit)
    elif (method, primes, trials, memory_limit) != ("auto", None, 2, None):
        raise InvalidInputError("pass either options=DimensionOptions(...) or method/primes/trials/memory_limit, not both")
    elif not isinstance(options, DimensionOptions):
        raise InvalidInputError(f"options must be a DimensionOptions, got {options!r}")
    else:  # a hand-built DimensionOptions(...) has not been through the checks
        options = DimensionOptions.validated(options.method, options.primes, options.trials, options.memory_limit)
    if options.method == "auto" and all(e == 1 for e in arch.r):
        return _linear_result(arch, seed)  # an explicit method still computes (the tests check the formula)
    bound, source = upper_bound(arch)
    rows = bound + EXTRA_POINTS
    route = choose_route(arch, rows, options.method)
    schedule = options.schedule()
    peak = max(route_memory(arch, route, rows, p) for p in set(schedule))
    check_memory(f"the {route} Jacobian of {arch}", peak, options.memory_limit)
    start = time.perf_counter()
    best, used = -1, []
    core_route = _ROUTES[route]
    # Stop the elimination at the bound only when it is the expected dimension (parameter count
    # less the gauge, or the ambient dimension): elsewhere a full rank keeps the check below that
    # no rank ever exceeds a subtler proved bound.
    stop_at = bound if source == "expected dimension" else None
    for p, trial_seed in zip(schedule, seed_sequence(seed, len(schedule))):
        rank = _core.jacobian_rank(list(arch.widths), list(arch.r), p, trial_seed, core_route, rows, stop_at)
        used.append(p)
        best = max(best, int(rank))
        if best >= bound:
            break
    if best > bound:  # a lower bound above a proved upper bound: a bug, never a result
        raise InternalError(f"rank {best} exceeds the proved upper bound {bound} ({source}) for {arch}")
    certified = best == bound
    return DimensionResult(
        widths=arch.widths,
        r=arch.activation,
        ambient=arch.ambient_dim,
        expected=arch.expected_dim,
        dimension=best,
        defect=arch.expected_dim - best,
        certified=certified,
        upper_bound=bound,
        bound=source,
        method=route,
        primes=tuple(dict.fromkeys(used)),
        trials=len(used),
        error_bound=0.0 if certified else error_bound(arch, route, bound, used),
        seconds=time.perf_counter() - start,
        seed=seed,
    )


def _linear_result(arch: Architecture, seed: Optional[int]) -> DimensionResult:
    """A linear network (one layer, or every r = 1): V is the variety of dL x d0 matrices of rank
    at most min(widths), whose dimension is a closed formula; nothing to compute."""
    start = time.perf_counter()
    dim = linear_dimension(arch.widths)
    return DimensionResult(
        widths=arch.widths, r=arch.activation, ambient=arch.ambient_dim, expected=arch.expected_dim,
        dimension=dim, defect=arch.expected_dim - dim, certified=True, upper_bound=dim,
        bound="linear-network formula", method="formula", primes=(), trials=0, error_bound=0.0,
        seconds=time.perf_counter() - start, seed=seed,
    )


# --- many architectures at once --------------------------------------------------------------------

#: Columns of :func:`dimensions` (and of :meth:`DimensionResult.to_dataframe`), in order.
DIMENSIONS_COLUMNS = ("widths", "r", "ambient", "expected", "dimension", "defect", "certified", "bound", "seconds",
                      "upper_bound", "method", "trials", "error_bound")

#: What :func:`dimensions` accepts per item: an Architecture, a ``(widths, r)`` pair, or widths (``r = 2``).
DimensionsItem = Union[Architecture, tuple[Sequence[int], RSpec], Sequence[int]]


def _dimension_table(results: Sequence[DimensionResult]) -> Table:
    rows = [[res.widths, res.r, res.ambient, res.expected, res.dimension, res.defect, res.certified, res.bound,
             res.seconds, res.upper_bound, res.method, res.trials, res.error_bound] for res in results]
    return DIMENSIONS_COLUMNS, rows


def _dimensions_architecture(item: object, index: int) -> Architecture:
    if isinstance(item, Architecture):
        return item
    if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or not item:
        raise InvalidInputError(f"item #{index} of dimensions(): expected (widths, r) or an Architecture, got {item!r}")
    first = item[0]
    if isinstance(first, Sequence) and not isinstance(first, (str, bytes)):
        if len(item) != 2:
            raise InvalidInputError(f"item #{index} of dimensions(): expected a pair (widths, r), got {item!r}")
        return Architecture.coerce(first, item[1])
    return Architecture.coerce(item)


def dimensions(
    architectures: Iterable[DimensionsItem], *, progress: Optional[bool] = None, **kwargs: Any
) -> "pd.DataFrame":
    """:func:`dimension` of every architecture, as a DataFrame with one row each.

    ``architectures``: ``(widths, r)`` pairs, :class:`~neurovariety.Architecture` objects, or
    plain widths (``r = 2``). Other keyword arguments (``method``, ``primes``, ``trials``,
    ``seed``, ``memory_limit``, ``options``) go to :func:`dimension`. Columns:
    :data:`DIMENSIONS_COLUMNS` (``widths`` a tuple, ``r`` an int or a tuple of per-layer exponents).
    ``progress``: a bar over the architectures (``None``: automatic, see
    :mod:`neurovariety._progress`). For thousands of architectures with timeouts use
    :func:`neurovariety.sweep.run_sweep`.

    >>> df = dimensions([((3, 3, 3), 2), ((3, 2, 1), 2), ((3, 4, 5, 2), (2, 3))], seed=0)
    >>> df[["widths", "r", "dimension", "defect", "certified"]].values.tolist()
    [[(3, 3, 3), 2, 15, 0, True], [(3, 2, 1), 2, 5, 1, True], [(3, 4, 5, 2), (2, 3), 33, 0, True]]
    """
    archs = [_dimensions_architecture(item, i) for i, item in enumerate(architectures, start=1)]
    results = []
    with progress_bar(len(archs), "dimensions", unit="arch", progress=progress) as bar:
        for arch in archs:
            results.append(dimension(arch, **kwargs))
            bar.update(1)
    return frame(*_dimension_table(results))
