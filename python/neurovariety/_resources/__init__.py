"""Resources: memory estimates and limits, and the one killable child process.

>>> from neurovariety._resources import memory_limit
>>> memory_limit(1 << 30)
1073741824
"""

from .memory import ENV_MEMORY_LIMIT, check_memory, format_bytes, memory_limit, parse_bytes
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
    "PROGRAMS",
    "find_program",
    "run_program",
    "ENV_MEMORY_LIMIT",
    "STARTUP_TIMEOUT",
    "WorkerProcess",
    "check_memory",
    "death_reason",
    "exception_reason",
    "format_bytes",
    "memory_limit",
    "outcome",
    "parse_bytes",
    "pickle_callable",
    "resolve_callable",
    "run_isolated",
]
