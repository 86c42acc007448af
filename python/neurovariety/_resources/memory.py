"""Memory limits: every route estimates its peak memory and refuses work above the limit up front.

The limit is ``NEUROVARIETY_MEMORY_LIMIT`` (bytes, or with a suffix ``512M``, ``8G``) or an explicit
``memory_limit=`` argument; the default is half of the machine's physical memory.

>>> parse_bytes("512M")
536870912
"""

from __future__ import annotations

import os
from typing import Optional

from .._validate import positive_int
from ..errors import InvalidInputError, ResourceLimitError

__all__ = ["memory_limit", "parse_bytes", "check_memory", "format_bytes", "ENV_MEMORY_LIMIT"]

#: Environment variable holding the default memory limit.
ENV_MEMORY_LIMIT = "NEUROVARIETY_MEMORY_LIMIT"

_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_bytes(text: str, name: str = ENV_MEMORY_LIMIT) -> int:
    """Bytes from ``"1073741824"``, ``"512M"``, ``"8G"`` or ``"1.5GiB"`` (positive)."""
    t = str(text).strip().upper().removesuffix("B").removesuffix("I")
    try:
        value = float(t[:-1]) * _UNITS[t[-1]] if t and t[-1] in _UNITS else float(t)
    except (ValueError, OverflowError):
        raise InvalidInputError(f"{name} must be a memory size like 512M or 8G, got {text!r}") from None
    if not value >= 1 or value != value or value == float("inf"):
        raise InvalidInputError(f"{name} must be a positive memory size like 512M or 8G, got {text!r}")
    return int(value)


def memory_limit(limit: Optional[int] = None) -> int:
    """The limit in bytes: ``limit`` if given, else the environment variable, else half of RAM."""
    if limit is not None:
        return positive_int(limit, "memory_limit")
    env = os.environ.get(ENV_MEMORY_LIMIT)
    if env:
        return parse_bytes(env)
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        total = 8 << 30
    return int(total) // 2


def format_bytes(n: float) -> str:
    """``1.50 GiB``, ``12.0 MiB``, ``512 bytes``; estimates beyond float range say so.

    >>> format_bytes(1.5 * 2**30), format_bytes(2**20), format_bytes(1024), format_bytes(float("inf"))
    ('1.50 GiB', '1.0 MiB', '1.0 KiB', 'more than 10^308 bytes')
    """
    if not n < float("inf"):  # inf (an estimate that overflowed a float) or nan
        return "more than 10^308 bytes"
    if n >= 1 << 50:
        return f"{n / 2**30:.3g} GiB"
    if n >= 1 << 30:
        return f"{n / 2**30:.2f} GiB"
    if n >= 1 << 20:
        return f"{n / 2**20:.1f} MiB"
    if n >= 1 << 10:
        return f"{n / 2**10:.1f} KiB"
    return f"{int(n)} bytes"


def check_memory(what: str, nbytes: float, limit: Optional[int] = None) -> None:
    """Raise :class:`ResourceLimitError` with the estimate when ``nbytes`` exceeds the limit."""
    cap = memory_limit(limit)
    if nbytes > cap:
        raise ResourceLimitError(
            f"{what} needs about {format_bytes(nbytes)}, above the limit of {format_bytes(cap)} "
            f"(raise it with memory_limit=... or {ENV_MEMORY_LIMIT})"
        )
