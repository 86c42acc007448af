"""``neurovariety learning-degree``: count critical points of the loss by monodromy (SPEC §4.4).

``neurovariety learning-degree 2,2,3 -r 2`` computes the learning degree (critical points of the
squared loss of generic data on the neurovariety); ``--generic`` gives the generic Euclidean
distance degree and ``--unit`` the ED degree for the identity weight.
"""

from __future__ import annotations

import json
from typing import Optional

import click

from neurovariety.architecture import Architecture, parse_r, parse_widths

__all__ = ["learning_degree_command"]


@click.command("learning-degree")
@click.argument("widths", type=str)
@click.option("-r", "--activation", "r", type=str, default="2", show_default=True,
              help="Activation exponent r, or per-hidden-layer exponents like 2,3.")
@click.option("--data", "weights", flag_value="data", default=True,
              help="Squared loss of generic data (the learning degree; default).")
@click.option("--generic", "weights", flag_value="generic", help="Generic positive definite weight: the generic ED degree.")
@click.option("--unit", "weights", flag_value="unit", help="Identity weight on the coefficients: the unit ED degree.")
@click.option("--seed", type=int, default=None, help="Random seed (data, start point and loops).")
@click.option("--max-loops", type=click.IntRange(min=1), default=100, show_default=True, help="Maximum number of monodromy loops.")
@click.option("--stop-after", type=click.IntRange(min=1), default=5, show_default=True,
              help="Loops without a new solution before the trace test is tried.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, help="Stop monodromy after this many seconds.")
@click.option("--exact/--no-exact", default=None,
              help="Also count exactly over F_p with a Gröbner basis (default: only for the tiniest cases).")
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
def learning_degree_command(widths: str, r: str, weights: str, seed: Optional[int], max_loops: int, stop_after: int,
                            timeout: Optional[float], exact: Optional[bool], progress: bool, as_json: bool) -> None:
    """Number of complex critical points of the loss on V_{WIDTHS, r}, by monodromy.

    Prints whether the count is verified (trace test or exact finite-field count) or a lower
    bound that stabilised. Example: neurovariety learning-degree 2,2,3 -r 2 --generic
    """
    from neurovariety.critical import critical_points

    try:
        arch = Architecture(parse_widths(widths), parse_r(r))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    try:
        res = critical_points(arch, weights=weights, seed=seed, max_loops=max_loops, stop_after=stop_after,
                              timeout=timeout, exact=exact, progress=progress and not as_json)
    except (ValueError, NotImplementedError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(res.summary()))
        return
    label = {"data": "learning degree", "generic": "generic ED degree", "unit": "unit ED degree"}[weights]
    click.echo(f"Architecture {arch}")
    click.echo(f"  {label:<18} {res.count}{'' if res.verified else ' (lower bound)'}")
    click.echo(f"  real               {res.real}")
    if res.minimum is not None:
        click.echo(f"  minimum loss       {res.losses[res.minimum].real:.6g}")
    click.echo(f"  verified           {res.verified} ({res.verification})")
    click.echo(f"  {res.loops} loops, {res.seconds:.2f} s")
    click.echo(f"  {res.statement}")
