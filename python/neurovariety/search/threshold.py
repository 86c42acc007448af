"""Activation degree thresholds (Finkel–Rodriguez–Wu–Yahl, arXiv 2408.04569), with what is proved.

``ActThr(d)`` is the smallest integer ``t >= 1`` such that ``V_{d,r}`` has the expected dimension
for every integer ``r > t``. Finkel et al. prove that it exists when every hidden width is at
least 2, that ``ActThr(d) <= 6 m^2 - 6 m + 1`` with ``m`` the largest width (we take the maximum
over all widths, which can only weaken the bound), and that equi-width architectures have
``ActThr = 1``. Note that ``r = 1`` never matters and that the first non-defective ``r`` is not
the threshold: ``(3, 2, 1)`` is non-defective at ``r = 1`` and ``3`` but defective at ``r = 2``.

:func:`activation_threshold` checks every ``r`` from 1 to the theorem's bound with the
evaluation route (exact over F_p for any ``r``: fast exponentiation, no monomials). A rank equal
to the expected dimension *certifies* non-defectiveness at that ``r`` (for any prime); ``r``
beyond the bound is the theorem. A rank below it is a defect with high probability (error bound
from Schwartz–Zippel, whose degree grows like ``r^(L-1)``; extra trials at ``2^61 - 1`` are taken
when needed, and a bound that stays above ``1e-3`` is reported as not meaningful), or a
*certified* defect when a proved upper bound below the expected dimension exists.

With a width-one hidden layer the theorem does not apply, but the width-one bottleneck formula
``dim V = dim V_(d0..dk) + dL - 1`` (``dk = 1`` the first such layer) does: the prefix has no
width-one layer, so beyond the prefix's bound the dimension is known in closed form for every
``r``, and either the defect vanishes for large ``r`` (the threshold exists and is found) or it
stays positive for every large ``r`` (no threshold: proved).

>>> res = activation_threshold((3, 2, 1), seed=0)
>>> res.threshold, res.defective_r, res.checked_up_to
(2, {2: 1}, 37)
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass
from typing import Any, Optional

from .._display import Displayable, Table
from .._progress import progress_bar
from .._validate import optional_positive_int
from .._validate import seed as validate_seed
from ..architecture import MAX_EXPONENT, Architecture, ArchitectureLike
from ..dimension import CLAIM_THRESHOLD, dimension, error_bound
from ..errors import NotSupportedError
from ..fields import CONFIRMATION_PRIME

__all__ = ["ExponentCheck", "ThresholdResult", "activation_threshold", "theorem_bound", "EQUI_WIDTH_CHECKS"]

#: Exponents checked for an equi-width architecture (the theorem already gives ActThr = 1).
EQUI_WIDTH_CHECKS = 4
#: Extra trials at 2^61 - 1 aim at an error bound below this.
TARGET_ERROR = 1e-9
_MAX_EXTRA_TRIALS = 16
_MAX_CLOSED_FORM = 10**6


def theorem_bound(widths: tuple[int, ...]) -> int:
    """``6 m^2 - 6 m + 1`` with ``m`` the largest width: ``ActThr <= `` this without width-one hidden layers.

    >>> theorem_bound((3, 2, 1))
    37
    """
    m = max(widths)
    return 6 * m * m - 6 * m + 1


@dataclass(frozen=True, repr=False)
class ExponentCheck(Displayable):
    """The dimension of ``V_{d,r}`` at one exponent and how it is known.

    ``dimension`` is a proved lower bound (the maximum rank over the trials) and ``upper_bound`` a
    proved upper bound (source ``bound``); ``formula=True`` means both come from the width-one
    bottleneck formula and the theorem (exact, no rank). ``error_bound`` is the probability that
    every trial under-counted (0 when the two bounds meet).
    """

    r: int
    expected: int
    dimension: int
    upper_bound: int
    bound: str
    error_bound: float
    formula: bool = False

    @property
    def certified(self) -> bool:
        """The dimension is exact (lower and upper bound meet)."""
        return self.dimension == self.upper_bound

    @property
    def non_defective(self) -> bool:
        """Proved non-defective (the dimension reaches the expected dimension)."""
        return self.dimension == self.expected

    @property
    def defect(self) -> int:
        """``expected - dimension``: the defect (exact when certified, else an upper bound, and the defect with
        probability at least ``1 - error_bound``)."""
        return self.expected - self.dimension

    @property
    def defect_proved(self) -> bool:
        """A proved upper bound below the expected dimension: defective whatever the rank."""
        return self.upper_bound < self.expected

    @property
    def meaningful(self) -> bool:
        """The error bound supports the claimed dimension (or none is needed)."""
        return self.certified or self.error_bound <= CLAIM_THRESHOLD

    @property
    def status(self) -> str:
        """One line: what is proved at this exponent."""
        how = "closed form (width-one bottleneck formula)" if self.formula else "rank"
        if self.non_defective:
            return f"non-defective: certified ({how} reaches the expected dimension {self.expected})"
        if self.certified:
            return f"defective, defect {self.defect}: certified (rank meets the {self.bound})"
        if self.defect_proved:
            return (f"defective: proved ({self.bound} {self.upper_bound} < expected {self.expected}); defect "
                    f"{self.defect} with error <= {self.error_bound:.1e}")
        if self.meaningful:
            return f"defective, defect {self.defect}: probabilistic (error <= {self.error_bound:.1e})"
        return (f"possibly defective: rank {self.dimension} < expected {self.expected}, but the Schwartz–Zippel bound "
                f"{self.error_bound:.2g} is not meaningful (degree r^(L-1) too large for the prime)")

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types."""
        return {"r": self.r, "expected": self.expected, "dimension": self.dimension, "upper_bound": self.upper_bound,
                "bound": self.bound, "error_bound": self.error_bound, "formula": self.formula, "defect": self.defect,
                "certified": self.certified, "status": self.status}

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("r", self.r), ("expected", self.expected), ("dimension", self.dimension), ("upper_bound", self.upper_bound),
                ("defect", self.defect), ("certified", self.certified), ("error_bound", self.error_bound)]

    def _display_statement(self) -> str:
        return self.status


@dataclass(frozen=True, repr=False)
class ThresholdResult(Displayable):
    """Outcome of :func:`activation_threshold`.

    ``threshold`` is the activation degree threshold when it is determined (``None`` when it does
    not exist, ``exists=False``, or when the check stopped at ``max_r`` before the proved bound).
    ``theorem`` names the result covering every ``r > checked_up_to``; ``checks`` holds every ``r``
    checked, ``defective_r`` those with a defect (``r -> defect``). ``meaningful_up_to`` is the largest
    checked ``r`` at which one trial at ``2^61 - 1`` bounds the error of a rank deficiency by 1e-3 (the
    Schwartz–Zippel degree grows like ``r^(L-1)``): above it a defect could only be reported as
    possible. Certifying non-defectiveness needs no such bound.
    """

    widths: tuple[int, ...]
    threshold: Optional[int]
    exists: Optional[bool]
    theorem: str
    theorem_bound: Optional[int]
    checked_up_to: int
    checks: tuple[ExponentCheck, ...]
    bottleneck: Optional[int] = None
    defective_from: Optional[int] = None
    seed: Optional[int] = None
    meaningful_up_to: Optional[int] = None

    @property
    def defective_r(self) -> dict[int, int]:
        """``r -> defect`` for every checked ``r`` not proved non-defective."""
        return {c.r: c.defect for c in self.checks if not c.non_defective}

    def check(self, r: int) -> ExponentCheck:
        """The check at exponent ``r``."""
        for c in self.checks:
            if c.r == r:
                return c
        raise KeyError(r)

    @property
    def error_bound(self) -> float:
        """Probability that the threshold is smaller than stated (the defect at ``r = threshold`` is spurious);
        0 when that defect is proved, or when the threshold is 1."""
        if self.threshold is None or self.threshold == 1:
            return 0.0
        c = self.check(self.threshold)
        return 0.0 if (c.defect_proved or c.certified) else c.error_bound

    @property
    def statement(self) -> str:
        """What is proved and what is probabilistic, in full."""
        label = f"({','.join(map(str, self.widths))})"
        parts = _statement_parts(self)
        ranked = max((c.r for c in self.checks if not c.formula), default=0)
        if self.meaningful_up_to is not None and self.meaningful_up_to < ranked:
            parts.append(f"Error bounds of rank deficiencies stay below 1e-3 only for r <= {self.meaningful_up_to} (degree "
                         f"r^(L-1)); above, a defect could only be reported as possible, and none was found there."
                         if all(c.non_defective for c in self.checks if self.meaningful_up_to < c.r <= ranked) else
                         f"Error bounds of rank deficiencies stay below 1e-3 only for r <= {self.meaningful_up_to} (degree r^(L-1)).")
        return f"ActThr{label}: " + " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (the JSON of ``neurovariety threshold --json``)."""
        return {"widths": list(self.widths), "threshold": self.threshold, "exists": self.exists, "theorem": self.theorem,
                "theorem_bound": self.theorem_bound, "checked_up_to": self.checked_up_to,
                "bottleneck": self.bottleneck, "defective_from": self.defective_from,
                "defective_r": {str(r): d for r, d in self.defective_r.items()}, "error_bound": self.error_bound,
                "meaningful_up_to": self.meaningful_up_to, "checks": [c.to_dict() for c in self.checks], "seed": self.seed,
                "statement": self.statement}

    def _display_title(self) -> str:
        return f"Activation degree threshold of ({','.join(map(str, self.widths))})"

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("widths", self.widths), ("threshold", self.threshold), ("exists", self.exists), ("theorem", self.theorem),
                ("theorem_bound", self.theorem_bound), ("checked_up_to", self.checked_up_to),
                ("defective_r", self.defective_r), ("error_bound", self.error_bound)]

    def _display_table(self) -> Table:
        """One row per exponent checked: ``r, expected, dimension, upper_bound, defect, certified, bound, error_bound, formula``."""
        rows = [[c.r, c.expected, c.dimension, c.upper_bound, c.defect, c.certified, c.bound, c.error_bound, c.formula]
                for c in self.checks]
        return ("r", "expected", "dimension", "upper_bound", "defect", "certified", "bound", "error_bound", "formula"), rows


def _statement_parts(res: ThresholdResult) -> list[str]:
    if res.theorem == "no hidden layer":
        return ["1 (no hidden layer: V is every dL x d0 matrix, whatever r)."]
    bad = [c for c in res.checks if not c.non_defective and c.r >= 2]
    below = "; ".join(f"r={c.r}: {c.status}" for c in bad) or "none"
    if res.exists is False:
        return [f"does not exist: {res.theorem} shows a defect for every r >= {res.defective_from}.",
                f"Checked r <= {res.checked_up_to}; defective exponents there: {below}."]
    if res.threshold is None:
        return [f"not determined: checked r <= {res.checked_up_to} only ({res.theorem} needs r up to "
                f"{res.theorem_bound}); defective exponents found: {below}."]
    head = f"{res.threshold}." if res.theorem != "equi-width theorem" else (
        f"1 by the equi-width theorem (Finkel et al.); the checks r <= {res.checked_up_to} agree." if not bad else
        f"1 by the equi-width theorem, but the checks disagree (a bug or an event of probability <= "
        f"{sum(c.error_bound for c in bad):.1e}).")
    if res.theorem == "equi-width theorem":
        return [head, f"Defective exponents checked: {below}."]
    covered = f"every r > {res.checked_up_to} is covered by the {res.theorem}"
    relation = "=" if res.threshold == 1 else "<="
    proof = (f"Proved: ActThr {relation} {res.threshold} (" + (
        f"every r in ({res.threshold}, {res.checked_up_to}] is certified non-defective and {covered})."
        if res.checked_up_to > res.threshold else f"{covered})."))
    if res.threshold == 1:
        return [head, proof]
    c = res.check(res.threshold)
    sure = "proved" if (c.defect_proved or c.certified) else (
        f"probabilistic (error <= {c.error_bound:.1e})" if c.meaningful else "not established (error bound not meaningful)")
    return [head, proof, f"ActThr = {res.threshold} needs r = {res.threshold} defective: {sure}.",
            f"Defective exponents: {below}."]


# --- one exponent -----------------------------------------------------------------------------------
def _seed_for(seed: int, widths: tuple[int, ...], r: int, what: str) -> int:
    text = f"{seed}:{what}:{r}:{','.join(map(str, widths))}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little") >> 1


def _rank_check(widths: tuple[int, ...], r: int, seed: int) -> ExponentCheck:
    arch = Architecture(widths, r)
    res = dimension(arch, method="evaluation", seed=_seed_for(seed, widths, r, "trial"))
    rank, err = res.dimension, res.error_bound
    if not res.certified and err > TARGET_ERROR:
        per = error_bound(arch, "evaluation", res.upper_bound, [CONFIRMATION_PRIME])
        if per < 0.5:
            trials = min(_MAX_EXTRA_TRIALS, max(1, math.ceil(math.log(TARGET_ERROR / err) / math.log(per))))
            more = dimension(arch, method="evaluation", primes=[CONFIRMATION_PRIME], trials=trials,
                             seed=_seed_for(seed, widths, r, "confirm"))
            rank, err = (more.dimension, more.error_bound) if more.dimension > rank else (rank, err * more.error_bound)
    err = 0.0 if rank == res.upper_bound else err
    return ExponentCheck(r, arch.expected_dim, rank, res.upper_bound, res.bound, err)


def _meaningful_up_to(widths: tuple[int, ...], last: int) -> int:
    """The largest ``r <= last`` at which one trial at ``2^61 - 1`` gives a Schwartz–Zippel bound <= 1e-3 (0: none)."""
    def ok(r: int) -> bool:
        arch = Architecture(widths, r)
        return error_bound(arch, "evaluation", arch.expected_dim, [CONFIRMATION_PRIME]) <= CLAIM_THRESHOLD

    if last < 1 or not ok(1):
        return 0
    lo, hi = 1, last
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if ok(mid) else (lo, mid - 1)
    return lo


def _scan(widths: tuple[int, ...], last: int, seed: int, progress: Optional[bool]) -> list[ExponentCheck]:
    out = []
    with progress_bar(last, "threshold", unit="r", progress=progress) as bar:
        for r in range(1, last + 1):
            out.append(_rank_check(widths, r, seed))
            bar.update(1)
    return out


# --- width-one bottlenecks -----------------------------------------------------------------------------
def _free(widths: tuple[int, ...]) -> int:
    return sum(a * b for a, b in zip(widths, widths[1:])) - sum(widths[1:-1])


def _ambient(widths: tuple[int, ...], r: int) -> int:
    d0, degree = widths[0], r ** (len(widths) - 2) if len(widths) > 2 else 1
    return widths[-1] * math.comb(d0 + degree - 1, d0 - 1)


def _stable_from(widths: tuple[int, ...], prefix: tuple[int, ...]) -> int:
    """The first ``r`` from which both expected dimensions are their parameter counts (they grow with ``r``)."""
    def stable(r: int) -> bool:
        return _ambient(widths, r) >= _free(widths) and _ambient(prefix, r) >= _free(prefix)

    if widths[0] == 1 or stable(1):
        return 1
    lo, hi = 1, 2
    while not stable(hi):
        lo, hi = hi, min(2 * hi, MAX_EXPONENT)
        if hi == MAX_EXPONENT and not stable(hi):
            return MAX_EXPONENT
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if stable(mid) else (mid, hi)
    return hi


def _closed_form(widths: tuple[int, ...], prefix: tuple[int, ...], r: int) -> ExponentCheck:
    arch = Architecture(widths, r)
    value = min(_free(prefix), _ambient(prefix, r)) + widths[-1] - 1
    return ExponentCheck(r, arch.expected_dim, value, value, "width-one bottleneck formula", 0.0, formula=True)


def _bottleneck(widths: tuple[int, ...], max_r: Optional[int], seed: int, progress: Optional[bool]) -> ThresholdResult:
    k = widths[1:-1].index(1) + 1
    prefix = widths[: k + 1]
    exact_after = theorem_bound(prefix) if k > 1 else 0  # the prefix (d0..dk) is non-defective for r beyond this
    stable = _stable_from(widths, prefix)
    last = exact_after if max_r is None else min(max_r, exact_after)
    checks = _scan(widths, last, seed, progress)
    if last == exact_after:
        if stable - exact_after > _MAX_CLOSED_FORM:
            raise NotSupportedError(f"the closed form of {widths} stabilises only at r = {stable}: too many exponents")
        checks += [_closed_form(widths, prefix, r) for r in range(exact_after + 1, max(stable, exact_after + 1) + 1)]
    limit = _free(widths) - _free(prefix) - (widths[-1] - 1)  # the defect for every r >= stable
    name, meaningful = "width-one bottleneck formula", _meaningful_up_to(widths, last)
    if last < exact_after:
        return ThresholdResult(widths, None, None, name, exact_after, last, tuple(checks), bottleneck=k, seed=seed,
                               meaningful_up_to=meaningful)
    upto = checks[-1].r if checks else 0
    if limit > 0:
        return ThresholdResult(widths, None, False, name, None, upto, tuple(checks), bottleneck=k, defective_from=stable,
                               seed=seed, meaningful_up_to=meaningful)
    return ThresholdResult(widths, _last_defective(checks), True, name, exact_after, upto, tuple(checks), bottleneck=k,
                           seed=seed, meaningful_up_to=meaningful)


def _last_defective(checks: list[ExponentCheck]) -> int:
    return max([1] + [c.r for c in checks if c.r >= 2 and not c.non_defective])


# --- the API ----------------------------------------------------------------------------------------------
def activation_threshold(
    widths: ArchitectureLike,
    *,
    max_r: Optional[int] = None,
    seed: Optional[int] = None,
    progress: Optional[bool] = None,
) -> ThresholdResult:
    """The activation degree threshold of an architecture, with what is proved and what is probabilistic.

    Parameters
    ----------
    widths:
        ``(d0, ..., dL)`` (an :class:`~neurovariety.Architecture` gives its widths; its ``r`` is ignored).
    max_r:
        Check no exponent above this (default: up to the proved bound, so that the answer is determined).
        For an equi-width architecture: check ``r <= max_r`` instead of the default few.
    seed:
        Seed of every random point (``None``: fresh, reported in the result).
    progress:
        Progress bar (``None``: on a terminal).

    >>> activation_threshold((3, 5, 1), seed=0).threshold   # Alexander–Hirschowitz: defective at r = 4
    4
    """
    arch = Architecture.coerce(widths)
    ws = arch.widths
    max_r = optional_positive_int(max_r, "max_r", maximum=MAX_EXPONENT)
    value = validate_seed(seed)
    seed_value = value if value is not None else int.from_bytes(os.urandom(8), "little") >> 1
    if len(ws) == 2:
        return ThresholdResult(ws, 1, True, "no hidden layer", None, 0, (), seed=seed_value)
    if 1 in ws[1:-1]:
        return _bottleneck(ws, max_r, seed_value, progress)
    bound = theorem_bound(ws)
    if len(set(ws)) == 1:
        last = min(bound, max_r or EQUI_WIDTH_CHECKS)
        checks = _scan(ws, last, seed_value, progress)
        return ThresholdResult(ws, 1, True, "equi-width theorem", 1, last, tuple(checks), seed=seed_value,
                               meaningful_up_to=_meaningful_up_to(ws, last))
    last = bound if max_r is None else min(max_r, bound)
    checks = _scan(ws, last, seed_value, progress)
    theorem, meaningful = "Finkel–Rodriguez–Wu–Yahl bound", _meaningful_up_to(ws, last)
    threshold = _last_defective(checks) if last == bound else None
    return ThresholdResult(ws, threshold, True if last == bound else None, theorem, bound, last, tuple(checks), seed=seed_value,
                           meaningful_up_to=meaningful)
