"""The ``neurovariety`` command line.

``neurovariety dim 3,3,3 -r 2`` prints the dimension of a neurovariety; ``neurovariety --help``
lists every command. Errors print one line and exit non-zero, never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import Optional, Sequence

import click

from ..architecture import Architecture, parse_r, parse_widths
from ..dimension import dimension
from ..errors import ResourceLimitError


class ArchWidths(click.ParamType):
    """Widths written as ``3,3,3`` (or ``[3, 3, 3]``)."""

    name = "WIDTHS"

    def convert(self, value, param, ctx):  # type: ignore[override]
        if isinstance(value, tuple):
            return value
        try:
            return parse_widths(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class ActivationSpec(click.ParamType):
    """An exponent ``2`` or per-layer exponents ``2,3``."""

    name = "R"

    def convert(self, value, param, ctx):  # type: ignore[override]
        if isinstance(value, (int, tuple)):
            return value
        try:
            return parse_r(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


WIDTHS = ArchWidths()
ACTIVATION = ActivationSpec()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="neurovariety")
def cli() -> None:
    """Algebraic geometry of polynomial neural networks.

    Architectures are written as comma-separated widths d0,d1,...,dL (e.g. 3,3,3); the
    activation exponent r is one integer or one per hidden layer (e.g. -r 2,3).
    """


@cli.command("dim")
@click.argument("widths", type=WIDTHS)
@click.option("-r", "--activation", "r", type=ACTIVATION, default="2", show_default=True,
              help="Activation exponent r, or per-hidden-layer exponents like 2,3.")
@click.option("--method", type=click.Choice(["auto", "evaluation", "monomial"]), default="auto", show_default=True,
              help="evaluation: rank of gradients at random points; monomial: the paper's Algorithm 1 exactly.")
@click.option("--trials", type=click.IntRange(min=1), default=2, show_default=True,
              help="Maximum number of random trials (stops early once certified).")
@click.option("--primes", type=str, default=None, help="Comma-separated primes (default: 1048583,1048589).")
@click.option("--seed", type=int, default=None, help="Random seed for reproducible weights and points.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
def dim_command(widths, r, method, trials, primes, seed, as_json) -> None:
    """Dimension of the neurovariety V_{WIDTHS, r}.

    Example: neurovariety dim 3,3,3 -r 2
    """
    prime_list = None
    if primes:
        try:
            prime_list = [int(p) for p in primes.split(",") if p.strip()]
        except ValueError:
            raise click.BadParameter(f"expected comma-separated integers, got {primes!r}", param_hint="--primes")
    try:
        arch = Architecture(widths, r)
        res = dimension(arch, method=method, primes=prime_list, trials=trials, seed=seed)
    except (ValueError, ResourceLimitError) as exc:
        raise click.ClickException(str(exc))
    if as_json:
        click.echo(json.dumps(res.to_dict()))
        return
    click.echo(f"Architecture {arch}")
    click.echo(f"  weights N = {arch.num_params}, degree D = {arch.degree}, monomials M = {arch.num_monomials}")
    click.echo(f"  ambient dimension   {res.ambient}")
    click.echo(f"  expected dimension  {res.expected}")
    click.echo(f"  dimension           {res.dimension}")
    click.echo(f"  defect              {res.defect}" + ("  (filling)" if res.filling else ""))
    click.echo(f"  {res.status}")
    click.echo(f"  method {res.method}, {res.trials} trial(s), {res.seconds:.3f} s")


# One module per capability; each defines its click command(s). Imported after `cli` exists.
from .analyze import analyze, reproduce  # noqa: E402
from .critical import learning_degree_command  # noqa: E402
from .equations import equations  # noqa: E402
from .learn import learn, learn_sweep  # noqa: E402
from .sweep import sweep  # noqa: E402

for _command in (sweep, analyze, reproduce, equations, learn, learn_sweep, learning_degree_command):
    cli.add_command(_command)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Entry point: run the CLI, turning any unexpected error into one line on stderr."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="neurovariety", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the CLI promises one line, no traceback
        click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
