"""Resources: memory estimates and limits, the one killable child process, and the local pool of them.

>>> from neurovariety._resources import memory_limit
>>> memory_limit(1 << 30)
1073741824
"""

from .files import atomic_write, atomic_write_text, check_target, save_figure
from .memory import ENV_MEMORY_LIMIT, check_memory, format_bytes, memory_limit, parse_bytes
from .pool import WorkerPool, default_workers, run_local
from .process import (
    STARTUP_TIMEOUT,
    WorkerProcess,
    death_reason,
    exception_reason,
    outcome,
    pickle_callable,
    resolve_callable,
    run_isolated,
)
from .programs import PROGRAMS, find_program, run_program

__all__ = [
    "atomic_write",
    "atomic_write_text",
    "check_target",
    "PROGRAMS",
    "find_program",
    "run_program",
    "ENV_MEMORY_LIMIT",
    "STARTUP_TIMEOUT",
    "WorkerPool",
    "WorkerProcess",
    "check_memory",
    "death_reason",
    "default_workers",
    "exception_reason",
    "format_bytes",
    "memory_limit",
    "outcome",
    "parse_bytes",
    "pickle_callable",
    "resolve_callable",
    "run_isolated",
    "save_figure",
    "run_local",
]
