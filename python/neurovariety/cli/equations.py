"""``neurovariety equations``: defining equations of a neurovariety (SPEC §4.3).

``neurovariety equations 3,3,3 -r 2`` prints the generators of total degree <= 4 of
``I(V_{(3,3,3),2})``, exactly verified; ``--degree 4`` prints all forms of degree 4 instead.
Coordinates are named ``c_<output, 1-based>_<monomial>``, e.g. ``c_1_x0x1`` (see
:mod:`neurovariety.equations`).
"""

from __future__ import annotations

from typing import Optional

import click

from neurovariety.architecture import Architecture, parse_r, parse_widths

__all__ = ["equations"]


def _parse_multidegree(text: Optional[str]) -> Optional[tuple[int, ...]]:
    if text is None:
        return None
    parts = [p for p in text.strip().strip("[]()").replace(" ", ",").split(",") if p]
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise click.BadParameter(f"expected comma-separated integers like 2,1,1, got {text!r}",
                                 param_hint="--multidegree") from None
    if not values:
        raise click.BadParameter(f"expected comma-separated integers like 2,1,1, got {text!r}",
                                 param_hint="--multidegree")
    return values


@click.command("equations")
@click.argument("widths")
@click.option("-r", "--activation", "r", default="2", show_default=True,
              help="Activation exponent r, or per-hidden-layer exponents like 2,3.")
@click.option("--degree", type=click.IntRange(min=1), default=None,
              help="Return a basis of ALL forms of this total degree vanishing on V (default: generators).")
@click.option("--multidegree", default=None,
              help="Return a basis of the forms of this multidegree, e.g. 2,1,1 (one entry per output).")
@click.option("--max-degree", type=click.IntRange(min=1), default=4, show_default=True,
              help="Without --degree/--multidegree: find generators up to this total degree.")
@click.option("--method", type=click.Choice(["interpolation", "elimination"]), default="interpolation",
              show_default=True, help="Exact interpolation (fast) or sympy Groebner elimination (tiny cases).")
@click.option("--multigraded/--no-multigraded", default=None,
              help="Grade by the degree in each output's coordinates (default: on when dL > 1).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Give up after this many seconds.")
@click.option("--format", "fmt", type=click.Choice(["sympy", "m2", "singular", "json"]), default="sympy",
              show_default=True, help="Output format.")
@click.option("--seed", type=int, default=None, help="Random seed for reproducible sample points.")
def equations(widths: str, r: str, degree: Optional[int], multidegree: Optional[str], max_degree: int,
              method: str, multigraded: Optional[bool], timeout: Optional[float], fmt: str,
              seed: Optional[int]) -> None:
    """Defining equations of the neurovariety V_{WIDTHS, r}, exactly verified.

    Coordinates c_<j>_<monomial> are the coefficients, in the monomial basis, of output j
    (1-based) — e.g. c_2_x0x0x1 is the coefficient of x0^2*x1 in the second output.

    Example: neurovariety equations 3,3,3 -r 2 --format json
    """
    from neurovariety.equations import VerificationError, vanishing_ideal

    try:
        arch = Architecture(parse_widths(widths), parse_r(r))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    md = _parse_multidegree(multidegree)
    try:
        res = vanishing_ideal(arch, arch.r, degree=degree, multidegree=md, method=method, timeout=timeout,
                              multigraded=multigraded, max_degree=max_degree, seed=seed)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    except TimeoutError as exc:
        raise click.ClickException(f"timed out: {exc}") from None
    except (VerificationError, MemoryError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(res.format(fmt))
