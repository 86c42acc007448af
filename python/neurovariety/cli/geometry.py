"""``neurovariety degree``, ``member``, ``identifiability`` and ``hilbert``: the geometry of V."""

from __future__ import annotations

import json
from typing import Optional

import click

from ..architecture import RSpec
from ..equations import hilbert_function
from ..geometry import degree, identifiability, is_on_variety
from .options import (
    POSITIVE_FLOAT,
    WIDTHS,
    IntRange,
    architecture,
    emit_json,
    json_option,
    library_errors,
    progress_for,
    quiet_option,
    r_option,
    seed_option,
)

__all__ = ["degree_command", "member_command", "identifiability_command", "hilbert_command"]


@click.command("degree", short_help="Degree (and multidegree) of V by monodromy and the trace test.")
@click.argument("widths", type=WIDTHS)
@r_option
@seed_option
@click.option("--multidegree/--no-multidegree", default=None, help="Also the multidegree in (P^(M-1))^dL (default: when feasible).")
@click.option("--timeout", type=POSITIVE_FLOAT, default=None, help="Stop monodromy after this many seconds.")
@json_option
@quiet_option
def degree_command(widths: tuple[int, ...], r: RSpec, seed: Optional[int], multidegree: Optional[bool],
                   timeout: Optional[float], as_json: bool, quiet: bool) -> None:
    """Degree of the neurovariety V_{WIDTHS, r} (of its projectivisation in P^(dL M - 1)).

    \b
    Example:
      neurovariety degree 2,2,3 -r 2
    """
    arch = architecture(widths, r)
    with library_errors():
        res = degree(arch, seed=seed, multidegree=multidegree, timeout=timeout, progress=progress_for(quiet, as_json))
    if as_json:
        emit_json("degree", {**res.to_dict(), "seed": seed})
        return
    click.echo(f"Architecture {arch}\n  degree             {res.degree}" + ("" if res.verified else " (lower bound)"))
    if res.multidegree:
        click.echo("  multidegree        " + ", ".join(f"{k}: {v}" for k, v in sorted(res.multidegree.items(), reverse=True)))
    click.echo(f"  {res.statement}")


@click.command("member", short_help="Is a coefficient matrix on V (and on the real neuromanifold)?")
@click.argument("widths", type=WIDTHS)
@click.argument("coefficients")
@r_option
@seed_option
@json_option
@quiet_option
def member_command(widths: tuple[int, ...], coefficients: str, r: RSpec, seed: Optional[int], as_json: bool, quiet: bool) -> None:
    """Decide whether COEFFICIENTS (a JSON matrix dL x M, output-major, monomials x0^D first) lies on
    V_{WIDTHS, r}, and whether real weights realise it.

    \b
    Example:
      neurovariety member 2,1,1 "[[1, 4, 4]]" -r 2
    """
    arch = architecture(widths, r)
    try:
        matrix = json.loads(coefficients)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"expected a JSON matrix like [[1, 4, 4]]: {exc}", param_hint="COEFFICIENTS") from None
    with library_errors():
        res = is_on_variety(arch, None, matrix, seed=seed, progress=progress_for(quiet, as_json))
    if as_json:
        emit_json("membership", {**{k: v for k, v in res.to_dict().items() if k != "weights"}, "seed": seed})
        return
    click.echo(f"Architecture {arch}\n  member             {res.member}\n  real               {res.real}\n  {res.statement}")


@click.command("identifiability", short_help="Weight classes over a generic function (1: identifiable).")
@click.argument("widths", type=WIDTHS)
@r_option
@seed_option
@json_option
@quiet_option
def identifiability_command(widths: tuple[int, ...], r: RSpec, seed: Optional[int], as_json: bool, quiet: bool) -> None:
    """How many weight classes (modulo rescalings and permutations of hidden neurons) compute the same
    generic function of V_{WIDTHS, r}.

    \b
    Example:
      neurovariety identifiability 2,2,3 -r 2
    """
    arch = architecture(widths, r)
    with library_errors():
        res = identifiability(arch, seed=seed, progress=progress_for(quiet, as_json))
    if as_json:
        emit_json("identifiability", {**res.to_dict(), "seed": seed})
        return
    click.echo(f"Architecture {arch}\n  classes            {res.classes}\n  {res.statement}")


@click.command("hilbert", short_help="Hilbert function of V up to a degree (proved bounds).")
@click.argument("widths", type=WIDTHS)
@r_option
@click.option("--max-degree", type=IntRange(min=1, max=64), default=4, show_default=True, help="Largest total degree.")
@click.option("--multigraded/--no-multigraded", default=None, help="One grading per output (default: when dL > 1).")
@seed_option
@json_option
@quiet_option
def hilbert_command(widths: tuple[int, ...], r: RSpec, max_degree: int, multigraded: Optional[bool], seed: Optional[int],
                    as_json: bool, quiet: bool) -> None:
    """Hilbert function of V_{WIDTHS, r}: ring, ideal and quotient dimensions per (multi)degree.

    \b
    Example:
      neurovariety hilbert 3,3,3 -r 2 --max-degree 4
    """
    arch = architecture(widths, r)
    with library_errors():
        df = hilbert_function(arch, max_degree=max_degree, multigraded=multigraded, seed=0 if seed is None else seed,
                              progress=progress_for(quiet, as_json))
    if as_json:
        rows = [{"degree": list(d) if isinstance(d, tuple) else int(d), "ring": int(a), "ideal": int(b), "quotient": int(q)}
                for d, a, b, q in zip(df["degree"], df["ring"], df["ideal"], df["quotient"])]
        emit_json("hilbert_function", {**arch.to_dict(), "rows": rows, "seed": 0 if seed is None else seed,
                                        "statement": df.attrs["statement"]})
        return
    click.echo(df.to_string(index=False))
    if not quiet:
        click.echo(df.attrs["statement"])
