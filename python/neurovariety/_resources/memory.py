"""Memory limits: every route estimates its peak memory and refuses work above the limit up front.

The limit is ``NEUROVARIETY_MEMORY_LIMIT`` (bytes, or with a suffix ``512M``, ``8G``) or an explicit
``memory_limit=`` argument; the default is half of the machine's physical memory, lowered to what the process may still
allocate under an address-space rlimit (``ulimit -v``) or a cgroup ``memory.max``.

>>> parse_bytes("512M")
536870912
"""

from __future__ import annotations

import functools
import os
from typing import Optional

from .. import _core
from .._validate import positive_int
from ..errors import InvalidInputError, ResourceLimitError

__all__ = [
    "memory_limit",
    "mapped_bytes",
    "parse_bytes",
    "check_memory",
    "format_bytes",
    "rank_memory",
    "nullspace_memory",
    "kernel_threads",
    "KERNEL_OVERHEAD",
    "ENV_MEMORY_LIMIT",
]

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
    return min((physical_memory() or 8 << 30) // 2, _process_cap())


@functools.cache
def physical_memory() -> Optional[int]:
    """Bytes of RAM of this machine, or None where the system does not say."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return None


def _process_cap() -> int:
    """What this process may still allocate under its own caps: the address-space rlimit (less
    what is mapped already, and the reservations of the kernel's threads) and a cgroup v2
    ``memory.max`` (less what the group uses); no cap: a huge number."""
    cap = 1 << 62
    try:
        import resource  # noqa: PLC0415 - POSIX only

        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft != resource.RLIM_INFINITY:
            cap = min(cap, soft - mapped_bytes() - kernel_threads() * (72 << 20))
    except (ImportError, OSError, ValueError):  # pragma: no cover - non-Linux
        pass
    limit = _cgroup_limit()
    if limit is not None:
        try:
            with open("/sys/fs/cgroup/memory.current") as fh:
                cap = min(cap, limit - int(fh.read().strip()))
        except (OSError, ValueError):
            pass
    return max(cap, 1 << 20)


@functools.cache
def _cgroup_limit() -> Optional[int]:
    """This process's cgroup v2 ``memory.max`` in bytes, or None (no limit, or no cgroup v2).
    Read once: a sweep checks memory once per job, and the group's limit is fixed at its start."""
    try:
        with open("/sys/fs/cgroup/memory.max") as fh:
            limit = fh.read().strip()
    except OSError:
        return None
    return int(limit) if limit.isdigit() else None


def mapped_bytes() -> int:
    """The address space this process maps now (``/proc/self/statm``; Linux)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


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


#: Fixed cost of a call into the Rust kernels, above the interpreter's own memory: the rayon
#: workers' stacks, ``gemm``'s packing buffers and the allocator's per-thread arenas (measured
#: 4-6 MiB on a 2-core machine).
KERNEL_OVERHEAD = 6 << 20

#: The digit products of primes above the ``f64`` limit (Rust ``linalg/limbs.rs``): tiles of
#: ``_TILE`` rows and columns, inner chunks of at most ``_KC``.
_TILE, _KC = 256, 1024

#: Per-thread packing buffers of the ``gemm`` crate's kernels (measured: about 5 MiB).
_GEMM_WORKSPACE = float(5 << 20)


def kernel_threads() -> int:
    """Threads of the Rust pool: ``RAYON_NUM_THREADS`` if set, else the CPUs this process may use."""
    env = os.environ.get("RAYON_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def rank_memory(rows: int, cols: int, prime: int, held: float = 0.0) -> float:
    """Peak bytes of a Rust rank of a ``rows x cols`` matrix, ``held`` further copies alive meanwhile.

    The kernel owns one copy (8 bytes an entry, converted in place); a tall matrix is transposed
    into a second before the first is freed; a prime above the ``f64`` limit adds per-thread
    digit buffers (2 or 3 digits of a 256-row tile, 1024 deep), and every thread multiplying blocks
    holds ``gemm``'s packing buffers.

    >>> rank_memory(1000, 1000, 1_048_583) == 8e6 + kernel_threads() * (5 << 20) + KERNEL_OVERHEAD
    True
    """
    matrix = 8.0 * rows * cols
    # gemm's per-thread packing buffers, once the elimination has blocks to multiply
    workspace = _GEMM_WORKSPACE if min(rows, cols) > 64 else 0.0
    if prime >= int(_core.F64_EXACT_PRIME_LIMIT):
        digits = 2 if prime < 2**32 else 3
        kc, tile = min(_KC, rows, cols), min(_TILE, rows, cols)
        workspace += 8.0 * (2 * digits * tile * kc + (2 * digits - 1) * tile * tile)
    peak = max(2 * matrix if rows > cols else matrix, matrix + kernel_threads() * workspace)
    return peak + held * matrix + KERNEL_OVERHEAD


def nullspace_memory(rows: int, cols: int, prime: int, held: float = 0.0) -> float:
    """Peak bytes of a Rust nullspace of a ``rows x cols`` matrix, ``held`` further copies alive.

    The kernel eliminates its own copy in place (no transpose, whatever the shape) and writes the
    basis next to it: at most ``cols`` rows of ``cols`` entries (``cols - rank`` in fact; the
    estimate assumes the worst). Digit and ``gemm`` buffers as in :func:`rank_memory`.

    >>> base = nullspace_memory(1000, 1000, 1_048_583) - rank_memory(1000, 1000, 1_048_583)
    >>> base == 8e6   # the basis
    True
    """
    square = rank_memory(min(rows, cols), min(rows, cols), prime) - 8.0 * min(rows, cols) ** 2
    return square + 8.0 * rows * cols * (1 + held) + 8.0 * cols * cols
