"""What :func:`~neurovariety.equations.vanishing_ideal` was asked, validated once at the edge.

An :class:`IdealRequest` holds the architecture, the grading, the parts to compute (or ``None``
for generators up to ``max_degree``), the clock and the random seed; both methods receive it.

>>> req = ideal_request((2, 2, 3), 2, degree=3)
>>> req.mode, req.todo[:2], req.grading.multigraded
('part', [(3, 0, 0), (2, 1, 0)], True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal, Optional, Sequence, cast

from .._resources import check_memory
from .._resources.memory import nullspace_memory
from .._validate import choice, flag, nonnegative_int, optional_positive_float, optional_positive_int, positive_int
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..errors import ComputationTimeout, InvalidInputError, ResourceLimitError
from ..fields import DEFAULT_PRIMES
from .grading import Grading, Multidegree

__all__ = [
    "MAX_PART_MONOMIALS",
    "METHODS",
    "Method",
    "IdealRequest",
    "ideal_request",
    "check_deadline",
    "sample_count",
    "part_memory",
    "check_part_memory",
]

#: Refuse parts with more monomials than this: the dense evaluation matrix has ~1.1 x #monomials^2
#: entries (20,000 monomials: 3.5 GB) and its nullspace costs ~#monomials^3 (about a minute at
#: 20,000 on one core). Below the limit, the memory estimate (:func:`part_memory`) decides.
MAX_PART_MONOMIALS = 20_000


def sample_count(size: int, oversample: float = 1.0) -> int:
    """Sample points for a part of ``size`` monomials: 10% (at least 10) more than monomials,
    times ``oversample`` (2 on the retry after a bad sample).

    >>> sample_count(10_000), sample_count(6, 2.0)
    (11000, 32)
    """
    return int(oversample * (size + max(10, size // 10)))


def part_memory(size: int, prime: int, oversample: float = 1.0) -> float:
    """Peak bytes of interpolating one part of ``size`` monomials: the evaluation matrix (int64,
    ``sample_count(size) x size``), the nullspace kernel's own copy of it and a kernel basis of
    at most ``size`` rows (:func:`~neurovariety._resources.memory.nullspace_memory`).

    >>> round(part_memory(10_000, 1048583) / 2**30, 1)   # (4,4,4), r=2, multidegree (1,1,1,1)
    2.4
    """
    return nullspace_memory(sample_count(size, oversample), size, prime, held=1.0)


def check_part_memory(
    grading: Grading, alpha: Multidegree, prime: int, oversample: float = 1.0, limit: Optional[int] = None
) -> None:
    """Raise :class:`~neurovariety.errors.ResourceLimitError` with the estimate if interpolating
    the part ``alpha`` would need more than the memory limit (:mod:`neurovariety._resources.memory`).

    >>> check_part_memory(Grading(Architecture((3, 3, 3), 2), True), (2, 2, 2), 1048583, limit=2**30)
    Traceback (most recent call last):
    ...
    neurovariety.errors.ResourceLimitError: interpolating the multidegree (2, 2, 2) part (9261 monomials, 10187 sample points) needs about 2.06 GiB, above the limit of 1.00 GiB (raise it with memory_limit=... or NEUROVARIETY_MEMORY_LIMIT)
    """
    size = grading.part_size(alpha)
    what = f"interpolating the {grading.what} {alpha} part ({size} monomials, {sample_count(size, oversample)} sample points)"
    check_memory(what, part_memory(size, prime, oversample), limit)

Method = Literal["interpolation", "elimination"]
METHODS: tuple[Method, ...] = ("interpolation", "elimination")


@dataclass(frozen=True)
class IdealRequest:
    """A validated request: ``parts`` is ``None`` for generators up to ``max_degree``.

    >>> ideal_request((2, 1, 1), 2, max_degree=2).todo   # generators: every degree up to 2
    [(1,), (2,)]
    """

    arch: Architecture
    grading: Grading
    parts: Optional[tuple[Multidegree, ...]]
    max_degree: int
    method: Method
    timeout: Optional[float]
    deadline: Optional[float]
    seed: Optional[int]
    verification_points: int
    progress: Optional[bool]
    memory_limit: Optional[int] = None

    @property
    def mode(self) -> str:
        """``"part"`` (bases of the requested parts) or ``"generators"``."""
        return "part" if self.parts is not None else "generators"

    @property
    def todo(self) -> list[Multidegree]:
        """The parts to compute, in order (by increasing total degree for generators)."""
        return list(self.parts) if self.parts is not None else self.grading.parts_up_to(self.max_degree)


def check_deadline(deadline: Optional[float], what: str) -> None:
    """Raise :class:`~neurovariety.errors.ComputationTimeout` once ``time.monotonic()`` is past
    ``deadline`` (``None``: no limit); ``what`` says what was being done.

    >>> check_deadline(0.0, "waiting")
    Traceback (most recent call last):
    ...
    neurovariety.errors.ComputationTimeout: timeout reached while waiting
    """
    if deadline is not None and time.monotonic() > deadline:
        raise ComputationTimeout(f"timeout reached while {what}")


def _multidegree_entries(value: Sequence[int], dL: int) -> Multidegree:
    message = f"multidegree must be {dL} non-negative integers (one per output) with positive sum, got {value!r}"
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise InvalidInputError(message)
    try:
        md = tuple(nonnegative_int(a, "multidegree entry") for a in value)
    except InvalidInputError:
        raise InvalidInputError(message) from None
    if len(md) != dL or sum(md) < 1:
        raise InvalidInputError(message)
    return md


def _multidegree_part(grading: Grading, multidegree: Sequence[int], degree: Optional[int]) -> Multidegree:
    if not grading.multigraded:
        raise InvalidInputError(f"multidegree={multidegree!r} needs multigraded mode (dL > 1 or multigraded=True)")
    md = _multidegree_entries(multidegree, grading.arch.dL)
    if degree is not None and positive_int(degree, "degree") != sum(md):
        raise InvalidInputError(f"degree {degree} does not match multidegree {list(md)} (total {sum(md)})")
    return md


def _requested_parts(
    grading: Grading, degree: Optional[int], multidegree: Optional[Sequence[int]]
) -> Optional[tuple[Multidegree, ...]]:
    if multidegree is not None:
        return (_multidegree_part(grading, multidegree, degree),)
    if degree is not None:
        return tuple(grading.parts(positive_int(degree, "degree")))
    return None


def _check_part_sizes(grading: Grading, parts: Sequence[Multidegree], limit: Optional[int]) -> None:
    biggest = max(parts, key=grading.part_size)
    size = grading.part_size(biggest)
    if size > MAX_PART_MONOMIALS:
        raise ResourceLimitError(
            f"the {grading.what} {biggest} part has {size} monomials (limit {MAX_PART_MONOMIALS}); "
            "ask for a smaller degree or a multidegree"
        )
    check_part_memory(grading, biggest, DEFAULT_PRIMES[0], limit=limit)


def ideal_request(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    *,
    degree: Optional[int] = None,
    multidegree: Optional[Sequence[int]] = None,
    method: str = "interpolation",
    timeout: Optional[float] = None,
    multigraded: Optional[bool] = None,
    max_degree: int = 4,
    seed: Optional[int] = None,
    verification_points: int = 4,
    progress: Optional[bool] = None,
    memory_limit: Optional[int] = None,
) -> IdealRequest:
    """Validate the arguments of :func:`~neurovariety.equations.vanishing_ideal`; the clock
    starts now (``deadline = now + timeout``).

    >>> ideal_request((2, 2, 3), 2, multidegree=(1, 1, 1)).parts
    ((1, 1, 1),)
    >>> ideal_request((2, 2, 3), 2, multidegree=(1, 1))
    Traceback (most recent call last):
    ...
    neurovariety.errors.InvalidInputError: multidegree must be 3 non-negative integers (one per output) with positive sum, got (1, 1)
    """
    start = time.monotonic()
    arch = Architecture.coerce(widths, r)
    checked_method = cast(Method, choice(method, "method", METHODS))
    grading = Grading(arch, arch.dL > 1 if multigraded is None else flag(multigraded, "multigraded"))
    timeout = optional_positive_float(timeout, "timeout")
    npoints = positive_int(verification_points, "verification_points")
    parts = _requested_parts(grading, degree, multidegree)
    max_degree = positive_int(max_degree, "max_degree") if parts is None else max_degree
    memory_limit = optional_positive_int(memory_limit, "memory_limit")
    _check_part_sizes(grading, parts if parts is not None else grading.parts_up_to(max_degree), memory_limit)
    return IdealRequest(
        arch=arch,
        grading=grading,
        parts=parts,
        max_degree=max_degree,
        method=checked_method,
        timeout=timeout,
        deadline=None if timeout is None else start + timeout,
        seed=validate_seed(seed),
        verification_points=npoints,
        progress=progress,
        memory_limit=memory_limit,
    )
