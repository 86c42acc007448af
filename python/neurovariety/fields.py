"""Prime fields: the primes the package computes over, their validation, and seeded randomness.

Ranks over F_p at random points are lower bounds for dimensions; :data:`DEFAULT_PRIMES` are small
enough for the exact floating-point rank kernel (p < 2^26), :data:`CONFIRMATION_PRIME` is the
Mersenne prime 2^61 - 1, used to confirm uncertified results with a tiny Schwartz–Zippel bound.

>>> validate_prime(7)
7
>>> validate_prime(8)
Traceback (most recent call last):
...
neurovariety.errors.InvalidInputError: prime 8 is not prime
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence, Union

import numpy as np

from . import _core
from ._validate import integer
from ._validate import seed as validate_seed
from .errors import InvalidInputError

__all__ = [
    "DEFAULT_PRIMES",
    "CONFIRMATION_PRIME",
    "F64_EXACT_PRIME_LIMIT",
    "validate_prime",
    "validate_primes",
    "seed_sequence",
]

DEFAULT_PRIMES: tuple[int, ...] = tuple(int(p) for p in _core.DEFAULT_PRIMES)
"""The two smallest primes above 2^20; small enough for the exact floating-point rank kernel."""

#: 2^61 - 1: a rank mod this prime at a random point fails with probability ~ degree / 2^61.
CONFIRMATION_PRIME = 2**61 - 1

#: Primes below this use the fast floating-point elimination kernel.
F64_EXACT_PRIME_LIMIT = int(_core.F64_EXACT_PRIME_LIMIT)


def validate_prime(p: object, name: str = "prime") -> int:
    """``p`` as an int if it is a prime ``2 <= p < 2^63``."""
    try:
        value = integer(p, name)
    except InvalidInputError:
        raise InvalidInputError(f"{name} must be an integer prime, got {p!r}") from None
    if not 2 <= value < 2**63:
        raise InvalidInputError(f"{name} {value} is out of range: need a prime 2 <= p < 2^63")
    if not _core.is_prime(value):
        raise InvalidInputError(f"{name} {value} is not prime")
    return value


def validate_primes(primes: Union[None, int, Sequence[int]], name: str = "primes") -> tuple[int, ...]:
    """A non-empty tuple of distinct primes (``None``: :data:`DEFAULT_PRIMES`)."""
    if primes is None:
        return DEFAULT_PRIMES
    if isinstance(primes, np.ndarray) and primes.ndim == 0:
        primes = primes.item()  # a 0-d array is one prime
    if isinstance(primes, (int, np.integer)) and not isinstance(primes, bool):
        primes = [int(primes)]
    if isinstance(primes, (str, bytes)) or not isinstance(primes, Iterable):
        raise InvalidInputError(f"{name} must be a prime or a sequence of primes, got {primes!r}")
    out = tuple(dict.fromkeys(validate_prime(p, f"{name} entry") for p in primes))
    if not out:
        raise InvalidInputError(f"{name} must name at least one prime")
    return out


def seed_sequence(seed: Optional[int], count: int) -> list[int]:
    """``count`` independent 63-bit seeds for the Rust core, derived from one user seed."""
    s = validate_seed(seed)
    # the values of np.random.default_rng(s).integers(0, 2**63, count, dtype=np.uint64) (for a
    # range of 2^63 numpy's bounded draw is the raw output shifted right once), without building a
    # Generator: a sweep calls this once per job
    return [int(v) >> 1 for v in np.random.PCG64(s).random_raw(count)]
