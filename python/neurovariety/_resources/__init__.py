"""Resources: memory estimates and limits, the one killable child process, and the local pool of them.

The file, process, pool and external-program helpers (which pull in ``pathlib``,
``multiprocessing`` and ``subprocess``) load on first use, so that the dimension path, which needs
only memory limits, keeps ``import neurovariety`` fast.

>>> from neurovariety._resources import memory_limit
>>> memory_limit(1 << 30)
1073741824
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .memory import ENV_MEMORY_LIMIT, check_memory, format_bytes, memory_limit, parse_bytes

if TYPE_CHECKING:
    from .files import atomic_write, atomic_write_text, check_target, save_figure
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

#: Names defined in the lazily loaded modules, and their module.
_LAZY = {
    **dict.fromkeys(("atomic_write", "atomic_write_text", "check_target", "save_figure"), "files"),
    **dict.fromkeys(("WorkerPool", "default_workers", "run_local"), "pool"),
    **dict.fromkeys(
        (
            "STARTUP_TIMEOUT",
            "WorkerProcess",
            "death_reason",
            "exception_reason",
            "outcome",
            "pickle_callable",
            "resolve_callable",
            "run_isolated",
        ),
        "process",
    ),
    **dict.fromkeys(("PROGRAMS", "find_program", "run_program"), "programs"),
}

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'neurovariety._resources' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
