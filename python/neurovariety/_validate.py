"""Argument checks shared by the whole package: every message names the parameter and the value.

Validate once, at the edge: public functions call these on their raw arguments and pass the
validated values inward. Each check raises :class:`~neurovariety.errors.InvalidInputError` (a
``ValueError``), never a bare ``TypeError``/``OverflowError`` from numpy or the Rust core.

>>> positive_int(3, "runs")
3
>>> positive_int(1.5, "runs")
Traceback (most recent call last):
...
neurovariety.errors.InvalidInputError: runs must be a positive integer, got 1.5
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any, Mapping, Optional, Sequence, TypeVar

import numpy as np

from .errors import InvalidInputError

__all__ = [
    "INT_FIELD",
    "integer",
    "positive_int",
    "nonnegative_int",
    "optional_positive_int",
    "seed",
    "positive_float",
    "optional_positive_float",
    "finite_float",
    "choice",
    "flag",
    "integer_entries",
    "real_array",
    "sequence",
    "U64_MAX",
]

#: One integer field of text input: ASCII digits with an optional sign. Python's ``int`` also reads
#: ``3_0`` as 30 and non-ASCII digits, which in widths, exponents and ranges are typos, not numbers.
INT_FIELD = re.compile(r"[+-]?[0-9]+")

#: Largest value a Rust ``u64`` argument can hold.
U64_MAX = 2**64 - 1

T = TypeVar("T")


def integer(value: object, name: str) -> int:
    """``value`` as a Python int: ints and numpy integers only (no floats, never a bool)."""
    if type(value) is int:  # the common case, without the slower ABC checks below
        return value
    if isinstance(value, (bool, np.bool_)):
        raise InvalidInputError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    raise InvalidInputError(f"{name} must be an integer, got {value!r}")


def positive_int(value: object, name: str, *, maximum: Optional[int] = None) -> int:
    """A positive integer (``>= 1``), optionally at most ``maximum``."""
    try:
        n = integer(value, name)
    except InvalidInputError:
        raise InvalidInputError(f"{name} must be a positive integer, got {value!r}") from None
    if n < 1:
        raise InvalidInputError(f"{name} must be a positive integer, got {value!r}")
    if maximum is not None and n > maximum:
        raise InvalidInputError(f"{name} must be at most {maximum}, got {n}")
    return n


def nonnegative_int(value: object, name: str, *, maximum: Optional[int] = None) -> int:
    """An integer ``>= 0``, optionally at most ``maximum``."""
    try:
        n = integer(value, name)
    except InvalidInputError:
        raise InvalidInputError(f"{name} must be a non-negative integer, got {value!r}") from None
    if n < 0:
        raise InvalidInputError(f"{name} must be a non-negative integer, got {value!r}")
    if maximum is not None and n > maximum:
        raise InvalidInputError(f"{name} must be at most {maximum}, got {n}")
    return n


def optional_positive_int(value: object, name: str, *, maximum: Optional[int] = None) -> Optional[int]:
    """``None`` or a positive integer."""
    return None if value is None else positive_int(value, name, maximum=maximum)


def seed(value: object, name: str = "seed") -> Optional[int]:
    """A random seed: ``None`` (fresh randomness) or an integer in ``[0, 2^64)``."""
    if value is None:
        return None
    try:
        return nonnegative_int(value, name, maximum=U64_MAX)
    except InvalidInputError:
        raise InvalidInputError(f"{name} must be None or an integer in [0, 2^64), got {value!r}") from None


def positive_float(value: object, name: str, *, allow_inf: bool = False) -> float:
    """A positive real number (``> 0``); ``inf`` only with ``allow_inf``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidInputError(f"{name} must be a positive number, got {value!r}")
    x = float(value)
    if math.isnan(x) or x <= 0 or (math.isinf(x) and not allow_inf):
        raise InvalidInputError(f"{name} must be a positive{'' if allow_inf else ' finite'} number, got {value!r}")
    return x


def optional_positive_float(value: object, name: str) -> Optional[float]:
    """``None`` or a positive finite number."""
    return None if value is None else positive_float(value, name)


def finite_float(value: object, name: str) -> float:
    """Any finite real number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise InvalidInputError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def choice(value: T, name: str, options: Sequence[T]) -> T:
    """``value`` if it is one of ``options``."""
    if not isinstance(value, (str, int)) or value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise InvalidInputError(f"{name} must be one of {listed}, got {value!r}")
    return value


def flag(value: object, name: str) -> bool:
    """A boolean (``True``/``False``, numpy bools included)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise InvalidInputError(f"{name} must be True or False, got {value!r}")


def sequence(value: object, name: str, what: str = "a sequence") -> list[Any]:
    """The items of an *ordered* collection: a list, tuple, 1-d array or iterator.

    Text, bytes, sets and mappings are refused (a set has no order: ``{5, 1}`` would silently
    become ``(1, 5)``), and so are 0-d arrays (they look iterable but are one number).

    >>> sequence((3, 3, 3), "widths")
    [3, 3, 3]
    >>> sequence({5, 1}, "widths")
    Traceback (most recent call last):
    ...
    neurovariety.errors.InvalidInputError: widths must be a sequence (ordered, like a list or tuple), got the set {1, 5}
    """
    if type(value) is tuple or type(value) is list:  # the common case, without the slower ABC checks below
        return list(value)
    kind = ("set" if isinstance(value, (set, frozenset)) else "mapping" if isinstance(value, Mapping)
            else "string" if isinstance(value, (str, bytes, bytearray)) else None)
    if kind is not None:
        raise InvalidInputError(f"{name} must be {what} (ordered, like a list or tuple), got the {kind} {value!r}")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        raise InvalidInputError(f"{name} must be {what}, got the 0-d array {value!r}")
    if not hasattr(value, "__iter__"):
        raise InvalidInputError(f"{name} must be {what}, got {value!r}")
    return list(value)


def real_array(a: Any, name: str) -> np.ndarray:
    """``a`` as a float64 array of real numbers: complex values, text, dates and other objects are
    refused instead of being truncated or parsed (numpy would turn ``"1"`` into ``1.0`` and drop the
    imaginary part of ``1j`` with only a warning).

    >>> real_array([[1, 2]], "X").dtype
    dtype('float64')
    >>> real_array([1j], "X")
    Traceback (most recent call last):
    ...
    neurovariety.errors.InvalidInputError: X must hold real numbers, got dtype complex128
    """
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{name} must be a numeric array, got {type(a).__name__}: {exc}") from None
    if arr.dtype.kind == "O":
        for x in arr.reshape(-1).tolist():
            if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
                raise InvalidInputError(f"{name} must hold real numbers, found {x!r} ({type(x).__name__})")
    elif arr.dtype.kind not in "biuf":
        raise InvalidInputError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return np.asarray(arr, dtype=np.float64)


def integer_entries(a: Any, name: str) -> np.ndarray:
    """The array ``a`` with integer entries, as an int64 or (for big Python ints) object array.

    Booleans count as 0/1; integral floats are *not* accepted silently (``1.0`` is almost
    always a float computation leaking into exact code), and ``1.5`` is always rejected.
    """
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{name} must be an array of integers, got {type(a).__name__}: {exc}") from None
    if arr.dtype.kind == "b":
        return arr.astype(np.int64)
    if arr.dtype.kind in "iu":
        if arr.dtype == np.uint64 and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
            return arr.astype(object)
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind == "O":
        flat = arr.reshape(-1).tolist()
        for x in flat:
            if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Integral):
                raise InvalidInputError(f"{name} must contain only integers, found {x!r} ({type(x).__name__})")
        out = np.empty(arr.shape, dtype=object)
        out.reshape(-1)[:] = [int(x) for x in flat]
        return out
    raise InvalidInputError(f"{name} must hold integers, got dtype {arr.dtype}")
