"""External programs (Singular, Macaulay2): found on the PATH, run with a timeout, killed past it.

>>> find_program("neurovariety-no-such-program") is None
True
"""

from __future__ import annotations

import resource
import shutil
import subprocess
from typing import Optional, Sequence

from ..errors import ComputationTimeout
from .memory import memory_limit

__all__ = ["find_program", "run_program", "PROGRAMS"]

#: Engine name -> executable names to look for.
PROGRAMS = {"singular": ("Singular",), "macaulay2": ("M2",)}


def find_program(name: str) -> Optional[str]:
    """Full path of an engine (``"singular"``, ``"macaulay2"``) or of an executable, or None."""
    for exe in PROGRAMS.get(name, (name,)):
        path = shutil.which(exe)
        if path:
            return path
    return None


def run_program(argv: Sequence[str], stdin: str, timeout: Optional[float], what: str) -> str:
    """Run ``argv`` with ``stdin``; its stdout. The process is killed at ``timeout`` seconds
    (:class:`ComputationTimeout`) and may use at most :func:`memory_limit` bytes of address space;
    a non-zero exit raises ``RuntimeError`` with its last stderr line."""
    limit = memory_limit()

    def cap_memory() -> None:  # runs in the child before exec: the package's memory limit applies
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    try:
        proc = subprocess.run(list(argv), input=stdin, capture_output=True, text=True, timeout=timeout,
                              preexec_fn=cap_memory)
    except subprocess.TimeoutExpired:
        raise ComputationTimeout(f"{what} did not finish within {timeout:g} s (its process was killed)") from None
    if proc.returncode != 0:
        tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"{what} failed (exit code {proc.returncode}): {tail[0]}")
    return proc.stdout
