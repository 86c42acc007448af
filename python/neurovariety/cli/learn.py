"""``neurovariety learn`` and ``neurovariety learn-sweep``: the learning experiment (SPEC §4.5).

``learn`` trains many networks on one generic data set and reports the functions they learn;
``learn-sweep`` repeats a smaller experiment over many data sets and reports how often the
minimiser on the neurovariety is realised by real weights and what the runs do otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import click
import numpy as np

from neurovariety.architecture import Architecture, parse_r, parse_widths

__all__ = ["learn", "learn_sweep"]


def _architecture(widths: str, r: str) -> Architecture:
    try:
        return Architecture(parse_widths(widths), parse_r(r))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _out_dir(out: Optional[str]) -> Optional[Path]:
    if out is None:
        return None
    path = Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"cannot create output directory {out!r}: {exc.strerror}") from None
    return path


_common = [
    click.option("--steps", type=click.IntRange(min=0), default=20000, show_default=True,
                 help="Maximum iterations per run (runs stop earlier at the gradient tolerance)."),
    click.option("--optimizer", type=click.Choice(["gd", "adam"]), default="gd", show_default=True),
    click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=None,
                 help="Step size (default 0.05 for gd, 0.01 for adam)."),
    click.option("--tol", type=click.FloatRange(min=0, min_open=True), default=1e-10, show_default=True,
                 help="Gradient-norm tolerance (normalised data units)."),
    click.option("--points", "-n", type=click.IntRange(min=1), default=None,
                 help="Data points per data set (default max(10, 2M))."),
    click.option("--progress/--no-progress", default=True, show_default=True),
]


def _apply(options):
    def deco(f):
        for opt in reversed(options):
            f = opt(f)
        return f

    return deco


@click.command("learn")
@click.argument("widths")
@click.option("-r", "--activation", "r", default="2", show_default=True, help="Exponent r, or one per hidden layer: 2,3.")
@click.option("--runs", type=click.IntRange(min=1), default=1000, show_default=True, help="Random initialisations.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the data (seed) and the initialisations (seed+1).")
@click.option("--rtol", type=click.FloatRange(min=0, min_open=True), default=1e-4, show_default=True,
              help="Relative tolerance for 'same function'.")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Write summary.json, functions.png, runs.csv here.")
@_apply(_common)
def learn(widths, r, runs, seed, rtol, out, steps, optimizer, lr, tol, points, progress):
    """Train RUNS networks of architecture WIDTHS (e.g. 2,2,3) on one generic data set and count the
    distinct functions they learn.

    \b
    Example:  neurovariety learn 2,2,3 -r 2 --runs 1000 --seed 0 --out results/
    """
    from neurovariety import learning as lm

    arch = _architecture(widths, r)
    out_dir = _out_dir(out)
    try:
        X, Y = lm.make_data(arch, None, n=points, seed=seed)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    cps = lm.checked_critical_points(arch, X, Y)
    click.echo(f"architecture {arch}: dim V = {lm.variety_dimension(arch)}, {arch.num_params} weights, "
               f"{X.shape[0]} data points (seed {seed})")
    if cps is not None:
        click.echo(f"closed-form critical points on V: {len(cps)}")
        for i, cp in enumerate(cps):
            real = {True: "realisable", False: "NOT realisable", None: "realisability unknown"}[cp.in_neuromanifold]
            click.echo(f"  c{i}: {cp.kind:8s} loss {cp.loss:.8g}  {real}")
    else:
        click.echo("no closed form for the critical points of this architecture")

    res = lm.train(arch, None, X, Y, runs=runs, steps=steps, optimizer=optimizer, lr=lr, tol=tol,
                   seed=seed + 1, progress=progress)
    learned = lm.count_learned_functions(res, rtol=rtol)

    table = learned.table()
    click.echo("")
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.8g}") if len(table) else "(no learned functions)")
    click.echo("")
    click.echo(learned.describe() + "; outcomes: " + ", ".join(f"{k} {v}" for k, v in learned.outcomes.items()))
    if learned.diverged_runs:
        click.echo(f"{learned.diverged_runs} runs diverged (overflow/NaN), counted as unconverged")
    click.echo(f"training: {res.seconds:.1f} s")

    if out_dir is not None:
        summary = learned.summary()
        summary["data"] = {"n_points": int(X.shape[0]), "seed": seed, "distribution": "standard normal"}
        summary["training"] = {"optimizer": optimizer, "lr": res.lr, "steps": steps, "tol": tol,
                               "init_seed": seed + 1, "seconds": res.seconds}
        (out_dir / "summary.json").write_text(json.dumps(summary, indent=2))
        lm.plot_functions(learned, out_dir / "functions.png")
        cls = learned.classification
        import pandas as pd

        pd.DataFrame({
            "run": np.arange(res.runs),
            "outcome": cls.outcome,
            "loss": res.losses,
            "grad_norm": res.grad_norms,
            "tangent_residual": cls.tangent_residual,
            "steps": res.steps_taken,
            "jacobian_rank": cls.jacobian_rank,
            "critical_point": cls.critical_point,
            "diverged": res.diverged,
        }).to_csv(out_dir / "runs.csv", index=False)
        click.echo(f"wrote {out_dir / 'summary.json'}, {out_dir / 'functions.png'}, {out_dir / 'runs.csv'}")


@click.command("learn-sweep")
@click.argument("widths")
@click.option("-r", "--activation", "r", default="2", show_default=True, help="Exponent r, or one per hidden layer.")
@click.option("--datasets", type=click.IntRange(min=1), default=100, show_default=True, help="Random data sets.")
@click.option("--runs", type=click.IntRange(min=0), default=20, show_default=True,
              help="Initialisations per data set (0: only decide realisability of the minimiser).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Write sweep.json, sweep.csv, sweep.png here.")
@_apply(_common)
def learn_sweep(widths, r, datasets, runs, seed, out, steps, optimizer, lr, tol, points, progress):
    """Over many random data sets for WIDTHS: how often is the minimiser on V realisable by real
    weights, and how do training runs end?

    \b
    Example:  neurovariety learn-sweep 2,2,3 -r 2 --datasets 200 --runs 20 --out sweep/
    """
    from neurovariety import learning as lm

    arch = _architecture(widths, r)
    out_dir = _out_dir(out)
    try:
        sw = lm.sweep_datasets(arch, None, datasets, n=points, runs=runs, seed=seed, steps=steps,
                               optimizer=optimizer, lr=lr, tol=tol, progress=progress)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    frac = sw.fraction_realisable
    if frac is None:
        click.echo(f"{arch}: no realisability criterion / closed form; outcome counts only")
    else:
        lo, hi = sw.realisable_interval()
        click.echo(f"{arch}: minimiser on V realisable for {frac:.1%} of {datasets} data sets "
                   f"(95% CI {lo:.1%}-{hi:.1%}), n = {sw.n_points} Gaussian points")
    click.echo(sw.outcome_table().to_string(float_format=lambda v: f"{v:.3f}"))
    click.echo(f"time: {sw.seconds:.1f} s")
    if out_dir is not None:
        (out_dir / "sweep.json").write_text(json.dumps(sw.summary(), indent=2))
        sw.table.to_csv(out_dir / "sweep.csv", index=False)
        lm.plot_sweep(sw, out_dir / "sweep.png")
        click.echo(f"wrote {out_dir / 'sweep.json'}, {out_dir / 'sweep.csv'}, {out_dir / 'sweep.png'}")
