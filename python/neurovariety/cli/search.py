"""``neurovariety threshold`` and ``neurovariety filling``: the architecture searches, with what is proved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Union

import click

from .._meta import document
from ..architecture import RSpec
from .options import (
    INTEGERS,
    WIDTHS,
    IntRange,
    emit_json,
    json_option,
    library_errors,
    out_option,
    progress_for,
    quiet_option,
    r_option,
    seed_option,
)

__all__ = ["threshold_command", "filling_command"]


@click.command("threshold", short_help="Activation degree threshold of an architecture.")
@click.argument("widths", type=WIDTHS)
@click.option("--max-r", type=IntRange(min=1, max=2**32 - 1), default=None,
              help="Check no exponent above this [default: up to the proved bound].")
@seed_option
@json_option
@quiet_option
def threshold_command(widths: tuple[int, ...], max_r: Optional[int], seed: Optional[int], as_json: bool, quiet: bool) -> None:
    """The smallest t with V_{WIDTHS, r} non-defective for every r > t (Finkel et al.).

    Every r up to the proved bound 6m^2 - 6m + 1 (m the largest width) is checked: non-defective
    ones are certified by their rank, defective ones carry a proof or an error bound. With a
    width-one hidden layer the bottleneck formula decides it instead.

    \b
    Examples:
      neurovariety threshold 3,2,1
      neurovariety threshold 3,5,1 --json
    """
    from ..search import activation_threshold

    with library_errors():
        res = activation_threshold(widths, max_r=max_r, seed=seed, progress=progress_for(quiet, as_json))
    if as_json:
        emit_json("activation-threshold", res.to_dict())
        return
    if quiet:
        click.echo("none" if res.threshold is None else str(res.threshold))
        return
    click.echo(f"Architecture ({','.join(map(str, res.widths))})")
    shown = "does not exist" if res.exists is False else ("not determined" if res.threshold is None else str(res.threshold))
    click.echo(f"  activation threshold  {shown}")
    click.echo(f"  theorem               {res.theorem}" + (f" (bound {res.theorem_bound})" if res.theorem_bound else ""))
    click.echo(f"  checked               r = 1..{res.checked_up_to}")
    for c in res.checks:
        if not c.non_defective:
            click.echo(f"  r = {c.r:<4} {c.status}")
    click.echo(f"  {res.statement}")


def _max_width(values: tuple[int, ...]) -> Union[int, tuple[int, ...]]:
    return values[0] if len(values) == 1 else values


@click.command("filling", short_help="Minimal filling architectures, with completeness proofs.")
@click.option("--d0", type=IntRange(min=1), required=True, help="Input width.")
@click.option("--dL", "dl", type=IntRange(min=1), required=True, help="Output width.")
@r_option
@click.option("--depth", type=IntRange(min=2), required=True, help="Number of weight matrices L.")
@click.option("--max-width", type=INTEGERS, required=True, help="Largest hidden width searched (one, or one per layer).")
@click.option("--min-width", type=IntRange(min=1), default=1, show_default=True, help="Smallest hidden width searched.")
@click.option("--regions/--no-regions", default=True, show_default=True,
              help="Also close (or report open) the regions of wider architectures.")
@click.option("--jobs", type=IntRange(min=1, max=1024), default=None,
              help="Worker processes [default: every core for long searches, else this process].")
@seed_option
@json_option
@out_option(None, "Checkpoint directory (resumable; result.json is written there at the end).")
@quiet_option
def filling_command(d0: int, dl: int, r: RSpec, depth: int, max_width: tuple[int, ...], min_width: int, regions: bool,
                    jobs: Optional[int], seed: Optional[int], as_json: bool, out: Optional[str], quiet: bool) -> None:
    """Every minimal filling architecture (d0, d1, ..., dL) with hidden widths in a box.

    Filling is proved by a rank; minimality by proved bounds or with error bounds; the regions
    of wider architectures are closed by proofs (saturation, the splitting bound, monotonicity)
    or reported open.

    \b
    Examples:
      neurovariety filling --d0 2 --dL 1 -r 2 --depth 7 --max-width 7
      neurovariety filling --d0 2 --dL 1 -r 2 --depth 8 --max-width 8 -o run8/ --json
    """
    from ..search import minimal_filling

    if not isinstance(r, int):
        raise click.UsageError("filling searches one exponent for every hidden layer: give -r as one integer")
    with library_errors():
        res = minimal_filling(d0, dl, r, depth, _max_width(max_width), min_width=min_width, regions=regions, seed=seed,
                              jobs=jobs, checkpoint=out, progress=progress_for(quiet, as_json))
        if out is not None:
            Path(out, "result.json").write_text(json.dumps(document("minimal-filling", {"r": r, **res.to_dict()})) + "\n",
                                                encoding="utf-8")
    if as_json:
        emit_json("minimal-filling", {"r": r, **res.to_dict()})
        return
    for a in res.architectures:
        click.echo(str(a))
    if quiet:
        return
    click.echo(f"{len(res.architectures)} minimal filling architecture(s); {sum(res.ranks.values())} rank computations, "
               f"{res.seconds:.2f} s on {res.workers} worker(s)")
    for region in res.open_regions:
        click.echo(f"open region: {region} -- {region.reason}")
    click.echo(res.statement)
