"""``neurovariety dim``: the dimension of one neurovariety."""

from __future__ import annotations

from typing import Optional

import click

from ..architecture import RSpec
from ..dimension import dimension
from .options import INTEGERS, WIDTHS, IntRange, architecture, emit_json, json_option, library_errors, r_option, seed_option

__all__ = ["dim_command"]


@click.command("dim", short_help="Dimension of one neurovariety, with what is proved.")
@click.argument("widths", type=WIDTHS)
@r_option
@click.option("--method", type=click.Choice(["auto", "evaluation", "monomial"]), default="auto", show_default=True,
              help="evaluation: rank of gradients at random points; monomial: the paper's Algorithm 1 exactly.")
@click.option("--trials", type=IntRange(min=1, max=1000), default=2, show_default=True,
              help="Maximum number of random trials (stops early once certified).")
@click.option("--primes", type=INTEGERS, default=None,
              help="Comma-separated primes [default: 1048583, then 2^61-1 to confirm an uncertified rank].")
@seed_option
@json_option
@click.option("-q", "--quiet", is_flag=True, help="Print only the dimension.")
def dim_command(widths: tuple[int, ...], r: RSpec, method: str, trials: int, primes: Optional[tuple[int, ...]], seed: Optional[int],
                as_json: bool, quiet: bool) -> None:
    """Dimension of the neurovariety V_{WIDTHS, r}, with what is proved.

    \b
    Examples:
      neurovariety dim 3,3,3 -r 2
      neurovariety dim 3,4,5,2 -r 2,3 --json
    """
    arch = architecture(widths, r)
    with library_errors():
        res = dimension(arch, method=method, primes=primes, trials=trials, seed=seed)  # type: ignore[arg-type]
    if as_json:
        emit_json("dimension", res.to_dict())
        return
    if quiet:
        click.echo(str(res.dimension))
        return
    click.echo(f"Architecture {arch}")
    click.echo(f"  weights N = {arch.num_params}, degree D = {arch.degree}, monomials M = {arch.num_monomials}")
    click.echo(f"  ambient dimension   {res.ambient}")
    click.echo(f"  expected dimension  {res.expected}")
    click.echo(f"  dimension           {res.dimension}")
    click.echo(f"  defect              {res.defect}" + ("  (filling)" if res.filling else ""))
    click.echo(f"  {res.status}")
    click.echo(f"  method {res.method}, {res.trials} trial(s), {res.seconds:.3f} s")

