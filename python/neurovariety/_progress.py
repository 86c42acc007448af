"""One progress policy for every API function and CLI command.

``progress=None`` (the default everywhere) means *automatic*: a tqdm bar when stderr is an
interactive terminal or a Jupyter notebook with ipywidgets (a widget then), nothing otherwise —
so library calls in scripts, tests and batch jobs stay silent. ``progress=True`` forces progress
on: on a terminal a tqdm bar; on a log file plain lines, at most one per 10 % of the work or per
30 s. ``progress=False`` silences it. The environment variable ``NEUROVARIETY_PROGRESS``
(``0``/``off``, ``1``/``on``, ``auto``) replaces the automatic choice.

The command line resolves its default with :func:`cli_progress`: the same, except that a
command whose stderr is redirected to a regular file (``neurovariety reproduce > log 2>&1``)
writes those sparse plain lines, so a long job's log shows where it is; a pipe stays silent.

>>> bar = progress_bar(10, "demo", progress=False)
>>> bar.update(3); bar.close()
"""

from __future__ import annotations

import importlib.util
import os
import stat
import sys
import time
import warnings
from typing import Any, Optional, TextIO

__all__ = ["progress_bar", "progress_enabled", "cli_progress", "log", "ENV_PROGRESS", "ProgressBar"]

#: Environment switch for the automatic choice.
ENV_PROGRESS = "NEUROVARIETY_PROGRESS"

_ON = {"1", "on", "true", "yes"}
_OFF = {"0", "off", "false", "no"}


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def _widgets_available() -> bool:
    # probed without importing it (an optional dependency, and a heavy one)
    try:
        return importlib.util.find_spec("ipywidgets") is not None
    except (ImportError, ValueError):
        return False


#: Unrecognised NEUROVARIETY_PROGRESS values already warned about (one warning per value).
_WARNED: set[str] = set()


def _env_setting() -> str:
    """``NEUROVARIETY_PROGRESS`` normalised: a value of :data:`_ON`/:data:`_OFF`, or ``"auto"`` when
    unset, empty or unrecognised -- the last with a warning, once (a typo like ``fasle`` must not
    silently mean auto; progress display never stops a computation)."""
    env = os.environ.get(ENV_PROGRESS, "").strip().lower()
    if env in ("", "auto") or env in _ON or env in _OFF:
        return env or "auto"
    if env not in _WARNED:
        _WARNED.add(env)
        warnings.warn(f"{ENV_PROGRESS}={os.environ[ENV_PROGRESS]!r} is not one of {', '.join(sorted(_ON | _OFF))} "
                      "or auto; using auto", RuntimeWarning, stacklevel=3)
    return "auto"


def progress_enabled(progress: Optional[bool]) -> bool:
    """Resolve ``progress`` (``None``: automatic, see the module docstring) to on/off."""
    if progress is not None:
        return bool(progress)
    env = _env_setting()
    if env in _ON:
        return True
    if env in _OFF:
        return False
    if _in_notebook():
        return _widgets_available()
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def _stderr_is_regular_file() -> bool:
    try:
        return stat.S_ISREG(os.fstat(sys.stderr.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):  # no descriptor (e.g. click's test runner), or closed
        return False


def cli_progress(quiet: bool = False) -> Optional[bool]:
    """The ``progress`` argument a command passes to the library: ``False`` when ``quiet``; with
    ``NEUROVARIETY_PROGRESS`` set, ``None`` (the switch decides); ``True`` (rate-limited plain
    lines) when stderr is a regular file; else ``None`` (a bar on a terminal, nothing on a pipe).

    >>> cli_progress(quiet=True)
    False
    """
    if quiet:
        return False
    if _env_setting() in _ON | _OFF:
        return None
    if not getattr(sys.stderr, "isatty", lambda: False)() and _stderr_is_regular_file():
        return True
    return None


class ProgressBar:
    """The small interface every caller uses: ``update``, ``set_postfix``, ``write``, ``close``."""

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` units."""

    def set_postfix(self, **values: Any) -> None:
        """Show ``key=value`` pairs after the bar."""

    def write(self, message: str) -> None:
        """Print a line without breaking the bar."""
        print(message, file=sys.stderr, flush=True)

    def close(self) -> None:
        """Finish the bar."""

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _TqdmBar(ProgressBar):
    def __init__(self, total: Optional[int], desc: str, unit: str, notebook: bool):
        from tqdm import tqdm  # noqa: PLC0415 - keeps import of silent code paths light

        factory: type[tqdm[Any]] = tqdm
        if notebook:
            from tqdm.notebook import tqdm_notebook  # noqa: PLC0415 - needs IPython; only in notebooks

            factory = tqdm_notebook
        self._bar = factory(total=total, desc=desc, unit=unit, leave=False, dynamic_ncols=True, file=sys.stderr)

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def set_postfix(self, **values: Any) -> None:
        self._bar.set_postfix(values, refresh=False)

    def write(self, message: str) -> None:
        self._bar.write(message, file=sys.stderr)

    def close(self) -> None:
        self._bar.close()


class _LogBar(ProgressBar):
    """Plain lines for log files: one per 10 % of ``total`` or per ``interval`` seconds."""

    def __init__(self, total: Optional[int], desc: str, unit: str, stream: TextIO, interval: float = 30.0):
        self.total, self.desc, self.unit, self.stream, self.interval = total, desc, unit, stream, interval
        self.n = 0
        self.postfix = ""
        self.start = self.last_time = time.monotonic()
        self.last_decile = 0
        self.printed: tuple[int, str] = (0, "")

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        decile = int(10 * self.n / self.total) if self.total else 0
        if decile > self.last_decile or now - self.last_time >= self.interval:
            self.last_decile, self.last_time = decile, now
            self._line(now)

    def set_postfix(self, **values: Any) -> None:
        self.postfix = ", ".join(f"{k}={v}" for k, v in values.items())

    def _line(self, now: float) -> None:
        of = f"/{self.total}" if self.total else ""
        extra = f" ({self.postfix})" if self.postfix else ""
        self.printed = (self.n, self.postfix)
        print(f"{self.desc}: {self.n}{of} {self.unit} in {now - self.start:.0f} s{extra}", file=self.stream, flush=True)

    def close(self) -> None:
        """A last line with the final count, unless the last line already showed it."""
        if self.n and self.printed != (self.n, self.postfix):
            self._line(time.monotonic())


def progress_bar(total: Optional[int], desc: str, *, unit: str = "it", progress: Optional[bool] = None) -> ProgressBar:
    """A progress bar following the package policy (a silent one when progress is off)."""
    if not progress_enabled(progress):
        return ProgressBar()
    if _in_notebook():
        if _widgets_available():
            return _TqdmBar(total, desc, unit, notebook=True)
        return _LogBar(total, desc, unit, sys.stderr)  # no widgets: sparse lines, not 100 stderr frames
    if getattr(sys.stderr, "isatty", lambda: False)():
        return _TqdmBar(total, desc, unit, notebook=False)
    return _LogBar(total, desc, unit, sys.stderr)


def log(message: str, progress: Optional[bool] = None) -> None:
    """A status line on stderr when progress is on (kept intact around tqdm bars)."""
    if progress_enabled(progress):
        print(message, file=sys.stderr, flush=True)
