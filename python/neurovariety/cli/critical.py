"""``neurovariety learning-degree`` and ``neurovariety ed-degree``: critical points by monodromy.

``learning-degree 2,2,3 -r 2`` counts the complex critical points of the squared loss of generic
data on the neurovariety; ``ed-degree`` the generic Euclidean distance degree (``--unit``: for the
identity weight on the coefficients).
"""

from __future__ import annotations

from typing import Any, Callable

import click

from ..architecture import Architecture, RSpec
from ..critical import CriticalPointsResult, critical_points
from .options import (
    POSITIVE_FLOAT,
    WIDTHS,
    IntRange,
    architecture,
    emit_json,
    exclusive,
    json_option,
    library_errors,
    progress_for,
    quiet_option,
    r_option,
    seed_option,
)

__all__ = ["learning_degree_command", "ed_degree_command"]

_LABEL = {"data": "learning degree", "generic": "generic ED degree", "unit": "unit ED degree"}


def _monodromy_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed([
        click.argument("widths", type=WIDTHS),
        r_option,
        seed_option,
        click.option("--max-loops", type=IntRange(min=1), default=100, show_default=True,
                     help="Maximum number of monodromy loops."),
        click.option("--stop-after", type=IntRange(min=1), default=5, show_default=True,
                     help="Fresh loops without a new solution before stopping (twice as many while the trace test fails)."),
        click.option("--timeout", type=POSITIVE_FLOAT, default=None,
                     help="Stop monodromy after this many seconds (the count is then a lower bound)."),
        click.option("--exact/--no-exact", default=None,
                     help="Also count exactly over F_p with a Groebner basis (default: only the tiniest cases)."),
        click.option("--continuation/--no-continuation", default=True, show_default=True,
                     help="Data or unit weight: if the trace test fails, prove completeness by continuation from a "
                          "generic weight's verified critical set (costs that set's monodromy)."),
        click.option("--checkpoint", type=click.Path(file_okay=False), default=None,
                     help="Directory where monodromy is saved as it runs; rerun with the same directory to resume "
                          "(Ctrl-C or --timeout lose at most the batch in flight)."),
        json_option,
        quiet_option,
    ]):
        f = opt(f)
    return f


def _run(widths: tuple[int, ...], r: RSpec, weights: str, options: dict[str, Any]) -> None:
    arch = architecture(widths, r)
    as_json, quiet = options.pop("as_json"), options.pop("quiet")
    with library_errors():
        res = critical_points(arch, weights=weights, progress=progress_for(quiet, as_json), **options)  # type: ignore[arg-type]
    if as_json:
        emit_json("critical_points", {**res.summary(), "seed": res.seed, "statement": res.statement})
        return
    _print(arch, weights, res)


def _print(arch: Architecture, weights: str, res: CriticalPointsResult) -> None:
    click.echo(f"Architecture {arch}")
    click.echo(f"  {_LABEL[weights]:<18} {res.count}{'' if res.verified else ' (lower bound)'}")
    click.echo(f"  real               {res.real}")
    if res.minimum is not None:
        click.echo(f"  minimum loss       {res.losses[res.minimum].real:.6g}")
    click.echo(f"  verified           {res.verified} ({res.verification})")
    click.echo(f"  certified          {res.certified_count} of {res.count} (Krawczyk), {res.real_certified} real")
    click.echo(f"  {res.loops} loops, {res.seconds:.2f} s")
    click.echo(f"  {res.statement}")


@click.command("learning-degree", short_help="Learning degree (critical points of the data loss on V).")
@_monodromy_options
@click.option("--data", "data", is_flag=True, hidden=True)
@click.option("--generic", "generic", is_flag=True, help="Generic positive definite weight: the generic ED degree.")
@click.option("--unit", "unit", is_flag=True, help="Identity weight on the coefficients: the unit ED degree.")
def learning_degree_command(widths: tuple[int, ...], r: RSpec, data: bool, generic: bool, unit: bool,
                            **options: Any) -> None:
    """Number of complex critical points of the squared loss of generic data on V_{WIDTHS, r}.

    Prints whether the count is verified (trace test, continuation from a generic weight, or
    exact finite-field count) or a lower bound that stabilised.

    \b
    Example:
      neurovariety learning-degree 2,2,3 -r 2
    """
    exclusive(("data", "generic", "unit"))
    _run(widths, r, "generic" if generic else "unit" if unit else "data", options)


@click.command("ed-degree", short_help="Euclidean distance degree of V (generic weight).")
@_monodromy_options
@click.option("--unit", "unit", is_flag=True, help="Identity weight on the coefficients instead of a generic one.")
def ed_degree_command(widths: tuple[int, ...], r: RSpec, unit: bool, **options: Any) -> None:
    """Number of complex critical points of a generic weighted squared distance on V_{WIDTHS, r}.

    \b
    Example:
      neurovariety ed-degree 2,2,3 -r 2
    """
    _run(widths, r, "unit" if unit else "generic", options)

