"""The three output files of one sweep, held together for its whole run.

``results.csv``, ``timeout.csv`` and ``errors.csv`` are opened once, *without following
symlinks*, and locked together (POSIX ``flock``): a second sweep naming any of them — even
through a different ``--out`` that shares the default companions — is refused instead of
appending to or wiping a running sweep's records. With ``resume`` all three are validated
(:func:`~neurovariety.sweep.schema.scan_existing`) before a torn last line is cut from any of
them. Every row is one ``write`` of a whole line on an ``O_APPEND`` descriptor, so a kill can only
tear the line being written.

>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> paths = output_paths(os.path.join(d, "results.csv"))
>>> sorted(p.name for p in paths.values())
['errors.csv', 'results.csv', 'timeout.csv']
>>> files = OutputFiles.open(paths)
>>> files.close()
>>> open(paths["timeouts"]).read()
'Widths,Activation\\n'
"""

from __future__ import annotations

import errno
import fcntl
import os
import warnings
from pathlib import Path
from typing import Any, Optional, Union

from ..errors import InvalidInputError
from .jobs import Key
from .schema import HEADERS, KINDS, Scan, csv_line, scan_existing

__all__ = ["SweepWarning", "output_paths", "check_targets", "OutputFiles"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_WHAT = {"results": "results", "timeouts": "timed-out architectures", "errors": "errors"}


class SweepWarning(UserWarning):
    """Something a sweep repaired on its own (e.g. a torn last row dropped on resume)."""


def output_paths(
    out: Union[str, os.PathLike[str]],
    timeouts: Union[str, os.PathLike[str], None] = None,
    errors: Union[str, os.PathLike[str], None] = None,
) -> dict[str, Path]:
    """``{"results", "timeouts", "errors"}`` paths; the companions default to ``timeout.csv`` and
    ``errors.csv`` next to ``out``."""
    out_p = Path(out)
    return {
        "results": out_p,
        "timeouts": Path(timeouts) if timeouts is not None else out_p.with_name("timeout.csv"),
        "errors": Path(errors) if errors is not None else out_p.with_name("errors.csv"),
    }


def _check_target(path: Path, kind: str) -> None:
    what = _WHAT[kind]
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_symlink():
        raise InvalidInputError(
            f"refusing to write {what} to {path}: it is a symbolic link (a sweep never writes through one; "
            "give the real path)"
        )
    if path.is_dir():
        raise InvalidInputError(f"cannot write {what} to {path}: it is a directory")
    if not parent.is_dir():
        raise InvalidInputError(f"cannot write {what} to {path}: directory {parent} does not exist")
    if path.exists() and not os.access(path, os.W_OK | os.R_OK):
        raise InvalidInputError(f"cannot write {what} to {path}: permission denied")
    if not path.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise InvalidInputError(f"cannot write {what} to {path}: directory {parent} is not writable")


def check_targets(paths: dict[str, Path], *, resume: bool, overwrite: bool) -> None:
    """Everything about the outputs that can be checked without touching them."""
    if resume and overwrite:
        raise InvalidInputError("resume and overwrite are mutually exclusive")
    resolved = {os.path.realpath(p) for p in paths.values()}
    if len(resolved) != len(paths):
        raise InvalidInputError(
            f"results, timeouts and errors must be three different files, got {[str(p) for p in paths.values()]}"
        )
    for kind, p in paths.items():
        _check_target(p, kind)
    nonempty = [p for p in paths.values() if p.exists() and p.stat().st_size > 0]
    if nonempty and not resume and not overwrite:
        raise FileExistsError(
            f"{nonempty[0]} already exists and is not empty: pass resume=True (--resume) to continue "
            "that sweep or overwrite=True (--overwrite) to replace it"
        )


def _open_locked(path: Path, kind: str) -> int:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | _NOFOLLOW, 0o644)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise InvalidInputError(f"refusing to write {_WHAT[kind]} to {path}: it is a symbolic link") from None
        raise
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise InvalidInputError(
            f"another sweep is already writing to {path}: wait for it, or give this sweep other output files"
        ) from None
    return fd


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


class OutputFiles:
    """The three outputs, open and locked; :meth:`write` appends one row and returns once it is
    in the file (out of disk space raises ``OSError`` naming the file)."""

    def __init__(self, paths: dict[str, Path], fds: dict[str, int], headers: dict[str, list[str]], done: set[Key]):
        self.paths, self.fds, self.headers, self.done = paths, fds, headers, done

    @classmethod
    def open(cls, paths: dict[str, Path], *, resume: bool = False, overwrite: bool = False) -> "OutputFiles":
        """Open and lock all three; with ``resume`` validate, then repair; with ``overwrite`` truncate."""
        fds: dict[str, int] = {}
        created = [k for k in KINDS if not os.path.lexists(paths[k])]
        try:
            for kind in KINDS:
                fds[kind] = _open_locked(paths[kind], kind)
            scans = {k: scan_existing(_read_all(fds[k]), k, paths[k]) if resume else Scan(list(HEADERS[k])) for k in KINDS}
            for kind, fd in fds.items():  # every file validated: now repair and prepare
                _prepare(fd, paths[kind], scans[kind], resume=resume, overwrite=overwrite)
        except BaseException:
            for kind, fd in fds.items():
                if kind in created and os.fstat(fd).st_size == 0:
                    os.unlink(paths[kind])
                os.close(fd)
            raise
        done: set[Key] = set().union(*(s.keys for s in scans.values()))
        return cls(paths, fds, {k: s.header for k, s in scans.items()}, done)

    def write(self, kind: str, row: dict[str, Any]) -> None:
        """Append one row (a dict keyed by column; missing columns are empty)."""
        _write_all(self.fds[kind], csv_line([row.get(c, "") for c in self.headers[kind]]).encode(), self.paths[kind])

    def close(self) -> None:
        """Release the locks (idempotent)."""
        for fd in self.fds.values():
            try:
                os.close(fd)
            except OSError:
                pass
        self.fds = {}

    def __enter__(self) -> "OutputFiles":
        return self

    def __exit__(self, *exc: object) -> Optional[bool]:
        self.close()
        return None


def _prepare(fd: int, path: Path, scan: Scan, *, resume: bool, overwrite: bool) -> None:
    size = os.fstat(fd).st_size
    if overwrite or (resume and scan.keep < size):
        os.ftruncate(fd, scan.keep)
    elif size and not resume:  # written to since check_targets: never truncate what we did not check
        raise FileExistsError(f"{path} is no longer empty: pass resume=True (--resume) or overwrite=True (--overwrite)")
    if scan.warning:
        warnings.warn(scan.warning, SweepWarning, stacklevel=4)
    if os.fstat(fd).st_size == 0:
        _write_all(fd, csv_line(scan.header).encode(), path)


def _write_all(fd: int, data: bytes, path: Path) -> None:
    view = memoryview(data)
    while view:
        try:
            n = write(fd, view)
        except OSError as e:
            raise OSError(e.errno, f"cannot write to {path}: {e.strerror}") from e
        view = view[n:]


def write(fd: int, data: memoryview) -> int:
    """``os.write``: the one place output bytes leave the process (a seam for tests)."""
    return os.write(fd, data)
