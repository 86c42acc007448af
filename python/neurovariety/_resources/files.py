"""Writing result files safely: never through a symbolic link, never half-written.

Every file is written to a temporary file in its target directory and renamed over the target,
so a reader sees the old file or the new one, never a torn one; a target that is a symbolic link
(or whose temporary name is one) is refused, so writing into ``--out`` can never follow a link
out of it.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = atomic_write_text(p, "hello"); p.read_text()
'hello'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Union

from ..errors import InvalidInputError

__all__ = ["check_target", "atomic_write_text", "atomic_write", "save_figure"]

PathLike = Union[str, "os.PathLike[str]"]


def check_target(path: PathLike) -> Path:
    """``path`` as a Path, refusing a symbolic link (dangling or not) and a directory."""
    p = Path(path)
    if p.is_symlink():
        raise InvalidInputError(f"refusing to write through the symbolic link {p}")
    if p.is_dir():
        raise InvalidInputError(f"cannot write to {p}: it is a directory")
    return p


def atomic_write(path: PathLike, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` for a fresh temporary file next to ``path``, then rename it to ``path``."""
    target = check_target(path)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def save_figure(fig: Any, path: PathLike, dpi: int = 100) -> Path:
    """Save a matplotlib figure atomically, in the format of the file's suffix (``.png``, ``.svg``)."""
    target = Path(path)
    fmt = target.suffix.lstrip(".").lower() or "png"
    return atomic_write(target, lambda tmp: fig.savefig(tmp, dpi=dpi, format=fmt))

