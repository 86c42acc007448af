"""Shared parameter types, options and error handling of every command (the one CLI contract).

Every command takes ``WIDTHS`` as its first argument where an architecture applies, ``-r`` for
the exponent, ``-o/--out`` where it writes, ``-q/--quiet`` and ``--json`` (one object on stdout).
Library errors become one line on stderr and a non-zero exit: invalid input exits 2 (usage),
everything else 1.
"""

from __future__ import annotations

import json
import math
import os
import re
from typing import TYPE_CHECKING, Any, Callable, NoReturn, Optional, TypeVar

import click

from .._meta import document
from .._progress import cli_progress
from ..architecture import Architecture, RSpec, parse_r, parse_widths
from ..errors import InvalidInputError, NeurovarietyError

__all__ = ["WIDTHS", "ACTIVATION", "INTEGERS", "POSITIVE_FLOAT", "NonEmptyPath", "IntRange", "exclusive", "architecture", "r_option", "json_option", "quiet_option", "seed_option",
           "out_option", "progress_for", "fail", "emit_json", "library_errors"]

F = TypeVar("F", bound=Callable[..., Any])

_INT_TEXT = re.compile(r"\s*[+-]?[0-9]+\s*")

if TYPE_CHECKING:  # click >= 8.3 makes ParamType generic in its value type; older click does not
    _TupleParam = click.ParamType[tuple[int, ...]]
    _RParam = click.ParamType[RSpec]
else:
    _TupleParam = _RParam = click.ParamType


class WidthsType(_TupleParam):
    """Widths written as ``3,3,3`` (or ``[3, 3, 3]``, ``{3,3,3}``)."""

    name = "WIDTHS"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        try:
            return parse_widths(value)
        except InvalidInputError as exc:
            self.fail(str(exc), param, ctx)


class ActivationType(_RParam):
    """An exponent ``2`` or per-layer exponents ``2,3``."""

    name = "R"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> RSpec:
        if isinstance(value, (int, tuple)):
            return value
        try:
            return parse_r(value)
        except InvalidInputError as exc:
            self.fail(str(exc), param, ctx)


class IntegersType(_TupleParam):
    """Comma-separated integers ``1048583,1048589``."""

    name = "N1,N2"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        try:
            return parse_widths(value)  # the same strict list syntax (no empty fields)
        except InvalidInputError as exc:
            self.fail(str(exc).replace("widths", "list"), param, ctx)


class IntRange(click.IntRange):
    """``click.IntRange`` reading only ASCII integers: Python's ``int`` (which click uses) also
    reads ``1_0`` as 10 and non-ASCII digits, the same typos the widths parser refuses."""

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> Any:
        if isinstance(value, str) and not _INT_TEXT.fullmatch(value):
            self.fail(f"{value!r} is not a valid integer.", param, ctx)
        return super().convert(value, param, ctx)


class PositiveFloatType(click.FloatRange):
    """A positive finite number (seconds, step sizes, tolerances): ``click.FloatRange(min=0,
    min_open=True)`` lets ``nan`` and ``inf`` through (``nan <= 0`` is false), which then either
    run as "no limit" or fail only after the work is done."""


    def __init__(self) -> None:
        super().__init__(min=0, min_open=True)

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> Any:
        rv = super().convert(value, param, ctx)
        if not math.isfinite(rv):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return rv


WIDTHS = WidthsType()
ACTIVATION = ActivationType()
INTEGERS = IntegersType()
#: Every positive real option of the CLI: finite and > 0.
POSITIVE_FLOAT = PositiveFloatType()


class NonEmptyPath(click.Path):
    """``click.Path`` that refuses an empty value: ``-o ""`` is a mistake, not the current directory."""

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("the path must not be empty.", param, ctx)
        rv = super().convert(value, param, ctx)
        if not self.dir_okay and isinstance(value, str) and value != "-":
            # an output file: its folder must exist, so the error comes before the work, not after
            parent = os.path.dirname(os.path.abspath(value))
            if not os.path.isdir(parent):
                self.fail(f"cannot write {value}: {parent} is not an existing directory.", param, ctx)
        return rv


def r_option(f: F) -> F:
    """``-r/--activation R`` (default 2)."""
    return click.option("-r", "--activation", "r", type=ACTIVATION, default="2", show_default=True,
                        help="Activation exponent r, or one per hidden layer like 2,3.")(f)


def json_option(f: F) -> F:
    """``--json``: one JSON object on stdout instead of the summary."""
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object (schema neurovariety/1).")(f)


def quiet_option(f: F) -> F:
    """``-q/--quiet``: no progress and no summary lines on stderr."""
    return click.option("-q", "--quiet", is_flag=True, help="No progress bars or status lines.")(f)


def seed_option(f: F) -> F:
    """``--seed``: reproducible randomness."""
    return click.option("--seed", type=IntRange(min=0, max=2**64 - 1), default=None,
                        help="Random seed (reproducible results).")(f)


def out_option(default: Optional[str], help_text: str, *, directory: bool = True) -> Callable[[F], F]:
    """``-o/--out PATH``: a directory (created if needed) or, with ``directory=False``, a file in an
    existing directory (checked before the command starts its work)."""
    return click.option("-o", "--out", type=NonEmptyPath(dir_okay=directory, file_okay=not directory), default=default,
                        show_default=default is not None, help=help_text)


def progress_for(quiet: bool, as_json: bool = False) -> Optional[bool]:
    """The ``progress`` argument of library calls: off when quiet or printing JSON, else the
    package policy for commands (:func:`neurovariety._progress.cli_progress`: a bar on a terminal,
    sparse lines in a log file, nothing on a pipe; ``NEUROVARIETY_PROGRESS`` overrides)."""
    return cli_progress(quiet or as_json)


def fail(exc: BaseException) -> NoReturn:
    """Turn a library exception into the CLI's one-line error (exit 2 for bad input, else 1)."""
    if isinstance(exc, (InvalidInputError, ValueError)):
        raise click.UsageError(str(exc)) from None
    raise click.ClickException(str(exc)) from None


class library_errors:  # noqa: N801 - used as a context manager: `with library_errors():`
    """Context manager mapping :class:`NeurovarietyError` and ``ValueError`` to one-line CLI errors."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> None:
        if exc is not None and isinstance(exc, (NeurovarietyError, ValueError, OSError)):
            fail(exc)


def exclusive(*groups: tuple[str, ...]) -> None:
    """Refuse options that contradict each other when given together on the command line
    (``--degree 3 --multidegree 2,1``): click would silently let one of them win.

    Each group names parameters (their Python names) of which at most one may be given.
    """
    ctx = click.get_current_context()
    opts = {p.name: p.opts[0] for p in ctx.command.params if p.name}
    for group in groups:
        given = [n for n in group if ctx.get_parameter_source(n) in (click.core.ParameterSource.COMMANDLINE,
                                                                    click.core.ParameterSource.ENVIRONMENT)]
        if len(given) > 1:
            raise click.UsageError(f"{' and '.join(opts.get(n, n) for n in given)} cannot be used together", ctx=ctx)


def architecture(widths: tuple[int, ...], r: RSpec) -> Architecture:
    """The validated architecture of a command's ``WIDTHS -r R`` (one-line usage error otherwise)."""
    try:
        return Architecture(widths, r)
    except InvalidInputError as exc:
        raise click.UsageError(str(exc)) from None


def emit_json(kind: str, payload: dict[str, Any]) -> None:
    """Print one JSON document of the package schema."""
    click.echo(json.dumps(document(kind, payload)))
