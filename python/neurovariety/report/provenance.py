"""Provenance of a report: which package, commit, command, machine, seeds and primes produced it.

:func:`collect_provenance` gathers what can be known without being told (package and
dependency versions, the git commit of a source checkout with a ``dirty`` flag, the command
line, the machine, the time); callers add their run settings (seeds, timeouts, step
parameters). The same dictionary goes into ``summary.json`` and the HTML.

>>> p = collect_provenance({"seed": 0})
>>> p["package"]["name"], p["settings"]["seed"], "python" in p["machine"]
('neurovariety', 0, True)
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Optional

from .._meta import version
from .._resources.memory import physical_memory
from ..fields import CONFIRMATION_PRIME, DEFAULT_PRIMES

__all__ = ["collect_provenance", "git_commit", "command_line", "machine"]

_DEPENDENCIES = ("numpy", "pandas", "sympy", "matplotlib", "click")
_SOURCE = Path(__file__).resolve().parents[1]


def git_commit(path: Path = _SOURCE) -> Optional[dict[str, Any]]:
    """``{"commit", "dirty"}`` of the git checkout holding ``path``; ``None`` outside one or without git."""
    try:
        top = subprocess.run(["git", "-C", str(path), "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        if not (Path(top) / "pyproject.toml").exists():
            return None  # some other repository that happens to contain an installed copy
        commit = subprocess.run(["git", "-C", top, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10,
                                check=True).stdout.strip()
        status = subprocess.run(["git", "-C", top, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                                text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(status.strip())}


def command_line(argv: Optional[list[str]] = None) -> str:
    """The command that is running, shell-quoted, with the program's directory dropped."""
    args = list(sys.argv if argv is None else argv)
    if not args or not args[0]:
        return "python (interactive)"
    args[0] = Path(args[0]).name
    return " ".join(shlex.quote(a) for a in args)


def machine() -> dict[str, Any]:
    """Operating system, processor, core count, memory and Python of this machine."""
    cores: Optional[int]
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count()
    return {"platform": platform.platform(), "processor": platform.machine(), "cores": cores,
            "memory_bytes": physical_memory(), "python": platform.python_version(),
            "implementation": platform.python_implementation()}


def _versions() -> dict[str, str]:
    out = {}
    for name in _DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def collect_provenance(settings: Optional[dict[str, Any]] = None, *, argv: Optional[list[str]] = None,
                       started: Optional[_dt.datetime] = None) -> dict[str, Any]:
    """Everything needed to say how a report was made; ``settings`` are the caller's run parameters."""
    now = _dt.datetime.now(_dt.timezone.utc).astimezone()
    return {
        "package": {"name": "neurovariety", "version": version(), "git": git_commit()},
        "command": command_line(argv),
        "started": (started or now).isoformat(timespec="seconds"),
        "finished": now.isoformat(timespec="seconds"),
        "machine": machine(),
        "dependencies": _versions(),
        "primes": {"default": list(DEFAULT_PRIMES), "confirmation": CONFIRMATION_PRIME},
        "settings": dict(settings or {}),
    }
