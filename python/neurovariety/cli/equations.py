"""``neurovariety equations``: defining equations of a neurovariety, exactly verified."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import click

from .._meta import document
from ..architecture import RSpec
from ..equations import vanishing_ideal
from .options import (
    INTEGERS,
    POSITIVE_FLOAT,
    WIDTHS,
    IntRange,
    architecture,
    exclusive,
    library_errors,
    out_option,
    progress_for,
    quiet_option,
    r_option,
    seed_option,
)

__all__ = ["equations"]


@click.command("equations", short_help="Defining equations of V, exactly verified.")
@click.argument("widths", type=WIDTHS)
@r_option
@click.option("--degree", type=IntRange(min=1), default=None,
              help="A basis of ALL forms of this total degree vanishing on V (default: generators).")
@click.option("--multidegree", type=INTEGERS, default=None,
              help="A basis of the forms of this multidegree, e.g. 2,1,1 (one entry per output).")
@click.option("--max-degree", type=IntRange(min=1), default=4, show_default=True,
              help="Without --degree/--multidegree: find generators up to this total degree.")
@click.option("--method", type=click.Choice(["interpolation", "elimination"]), default="interpolation",
              show_default=True, help="Exact interpolation (fast) or sympy Groebner elimination (tiny cases).")
@click.option("--multigraded/--no-multigraded", default=None,
              help="Grade by the degree in each output's coordinates (default: on when dL > 1).")
@click.option("--timeout", type=POSITIVE_FLOAT, default=None, help="Give up after this many seconds.")
@click.option("--format", "fmt", type=click.Choice(["sympy", "m2", "singular", "oscar", "magma", "json"]), default="sympy",
              show_default=True, help="Output format.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@seed_option
@out_option(None, "Write the output to this file instead of stdout.", directory=False)
@quiet_option
def equations(widths: tuple[int, ...], r: RSpec, degree: Optional[int], multidegree: Optional[tuple[int, ...]],
              max_degree: int, method: str, multigraded: Optional[bool], timeout: Optional[float], fmt: str,
              as_json: bool, seed: Optional[int], out: Optional[str], quiet: bool) -> None:
    """Defining equations of the neurovariety V_{WIDTHS, r}, exactly verified.

    Coordinates c_<j>_<monomial> are the coefficients, in the monomial basis, of output j
    (1-based) — e.g. c_2_x0x0x1 is the coefficient of x0^2*x1 in the second output.

    \b
    Example:
      neurovariety equations 3,3,3 -r 2 --format m2
    """
    exclusive(("degree", "multidegree", "max_degree"), *([("as_json", "fmt")] if fmt != "json" else []))
    arch = architecture(widths, r)
    with library_errors():
        res = vanishing_ideal(arch, degree=degree, multidegree=multidegree, method=method, timeout=timeout,
                              multigraded=multigraded, max_degree=max_degree, seed=seed,
                              progress=progress_for(quiet, as_json or fmt == "json"))
        text = json.dumps(document("equations", {**res.to_dict(), "seed": seed})) if (as_json or fmt == "json") else res.format(fmt)
    if out is None:
        click.echo(text)
    else:
        with library_errors():
            Path(out).write_text(text + "\n", encoding="utf-8")
