"""``neurovariety learn`` and ``neurovariety learn-sweep``: the learning experiment of Kubjas–Li–Wiesmann, §6.1.

``learn`` trains many networks on one generic data set and reports the functions they learn;
``learn-sweep`` repeats a smaller experiment over many data sets and reports how often the
minimiser on the neurovariety is realised by real weights and what the runs do otherwise, with
the step budget and Wilson confidence intervals.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

import click
import numpy as np
import pandas as pd

from .._meta import document
from ..architecture import Architecture, RSpec
from ..learning import (
    DEFAULT_STEPS,
    OPTIMIZERS,
    LearnedFunctions,
    SweepResult,
    TrainResult,
    checked_critical_points,
    count_learned_functions,
    make_data,
    plot_functions,
    plot_sweep,
    sweep_datasets,
    train,
    variety_dimension,
)
from .options import (
    POSITIVE_FLOAT,
    WIDTHS,
    IntRange,
    architecture,
    json_option,
    library_errors,
    out_option,
    progress_for,
    quiet_option,
    r_option,
    seed_option,
)

__all__ = ["learn", "learn_sweep"]

_STEPS_HELP = ("Maximum iterations per run; runs stop earlier at the gradient tolerance "
               f"[default: {', '.join(f'{k} {v}' for k, v in DEFAULT_STEPS.items())}].")


def _common(f: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed([
        click.argument("widths", type=WIDTHS),
        r_option,
        click.option("--steps", type=IntRange(min=0), default=None, help=_STEPS_HELP),
        click.option("--optimizer", type=click.Choice(list(OPTIMIZERS)), default="lm", show_default=True,
                     help="lm: Levenberg-Marquardt (converges in few steps); gd: gradient descent; adam."),
        click.option("--lr", type=POSITIVE_FLOAT, default=None,
                     help="Step size (gd 0.05, adam 0.01) or initial damping (lm 1e-3)."),
        click.option("--tol", type=POSITIVE_FLOAT, default=1e-10, show_default=True,
                     help="Gradient-norm tolerance (normalised data units)."),
        click.option("--points", "-n", type=IntRange(min=1), default=None,
                     help="Data points per data set (default max(10, 2M))."),
        seed_option,
        json_option,
        quiet_option,
    ]):
        f = opt(f)
    return f


def _out_dir(out: Optional[str]) -> Optional[Path]:
    if out is None:
        return None
    path = Path(out)
    with library_errors():
        path.mkdir(parents=True, exist_ok=True)
    return path


def _print_critical_points(arch: Architecture, X: np.ndarray, Y: np.ndarray, seed: Optional[int]) -> None:
    cps = checked_critical_points(arch, X, Y)
    click.echo(f"architecture {arch}: dim V = {variety_dimension(arch)}, {arch.num_params} weights, "
               f"{X.shape[0]} data points (seed {seed})")
    if cps is None:
        click.echo("no closed form for the critical points of this architecture")
        return
    click.echo(f"closed-form critical points on V: {len(cps)}")
    for i, cp in enumerate(cps):
        real = {True: "realisable", False: "NOT realisable", None: "realisability unknown"}[cp.in_neuromanifold]
        click.echo(f"  c{i}: {cp.kind:8s} loss {cp.loss:.8g}  {real}")


def _learn_summary(learned: LearnedFunctions, res: TrainResult, seed: Optional[int]) -> dict[str, Any]:
    summary = learned.summary()
    summary["data"] = {"n_points": int(res.X.shape[1]), "seed": seed, "distribution": "standard normal"}
    summary["training"] = {"optimizer": res.optimizer, "lr": res.lr, "steps": res.steps, "tol": res.tol,
                           "init_seed": res.seed, "seconds": res.seconds}
    outcomes = ", ".join(f"{k} {v}" for k, v in learned.outcomes.items())
    statement = (f"{learned.arch}: {learned.describe()} in {res.runs} training runs ({res.optimizer}, at most "
                 f"{res.steps} steps, gradient tolerance {res.tol:g}; data seed {seed}, initialisation seed "
                 f"{res.seed}); outcomes: {outcomes}. Numerical (double precision); boundary labels only with a "
                 "certificate.")
    return document("learning", {**learned.arch.to_dict(), **summary, "seed": seed, "statement": statement})


def _write_learn(out_dir: Path, summary: dict[str, Any], learned: LearnedFunctions, res: TrainResult) -> list[Path]:
    cls = learned.classification
    paths = [out_dir / "summary.json", out_dir / "functions.png", out_dir / "runs.csv"]
    with library_errors():
        paths[0].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        plot_functions(learned, paths[1])
        pd.DataFrame({
            "run": np.arange(res.runs), "outcome": cls.outcome, "loss": res.losses, "grad_norm": res.grad_norms,
            "tangent_residual": cls.tangent_residual, "steps": res.steps_taken, "stop_reason": res.stop_reason,
            "jacobian_rank": cls.jacobian_rank, "critical_point": cls.critical_point,
            "boundary_point": cls.boundary_point, "boundary_gap": cls.boundary_gap, "diverged": res.diverged,
            "reason": cls.reason,
        }).to_csv(paths[2], index=False)
    return paths


@click.command("learn", short_help="Train many networks; count the distinct functions learned.")
@_common
@click.option("--runs", type=IntRange(min=1), default=1000, show_default=True, help="Random initialisations.")
@click.option("--rtol", type=POSITIVE_FLOAT, default=1e-4, show_default=True,
              help="Relative tolerance for 'same function'.")
@out_option(None, "Write summary.json, functions.png and runs.csv to this directory.")
def learn(widths: tuple[int, ...], r: RSpec, steps: Optional[int], optimizer: str, lr: Optional[float], tol: float,
          points: Optional[int], seed: Optional[int], as_json: bool, quiet: bool, runs: int, rtol: float,
          out: Optional[str]) -> None:
    """Train RUNS networks of architecture WIDTHS on one generic data set and count the distinct
    functions they learn; every run is labelled minimum / saddle / singular / boundary (certified)
    / unconverged (with the reason). The data use SEED, the initialisations SEED + 1.

    \b
    Example:
      neurovariety learn 2,2,3 -r 2 --runs 1000 --seed 0 -o results/
    """
    arch = architecture(widths, r)
    out_dir = _out_dir(out)
    chatty = not (quiet or as_json)
    with library_errors():
        X, Y = make_data(arch, None, n=points, seed=seed)
        if chatty:
            _print_critical_points(arch, X, Y, seed)
        res = train(arch, None, X, Y, runs=runs, steps=steps, optimizer=optimizer, lr=lr, tol=tol,
                    seed=None if seed is None else seed + 1, progress=progress_for(quiet, as_json))
        learned = count_learned_functions(res, rtol=rtol)
    summary = _learn_summary(learned, res, seed)
    paths = _write_learn(out_dir, summary, learned, res) if out_dir is not None else []
    if as_json:
        click.echo(json.dumps(summary))
        return
    table = learned.table()
    if chatty:
        click.echo("")
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.8g}") if len(table) else "(no learned functions)")
    click.echo(learned.describe() + "; outcomes: " + ", ".join(f"{k} {v}" for k, v in learned.outcomes.items()))
    if chatty:
        for why, count in learned.unconverged_reasons().items():
            click.echo(f"  unconverged: {count} x {why}")
        if learned.boundary is not None:
            click.echo(f"least loss over the boundary of the neuromanifold: {learned.boundary.infimum:.10g}")
        click.echo(f"training: {res.optimizer}, at most {res.steps} steps, tol {res.tol:g}, {res.seconds:.1f} s")
        if paths:
            click.echo("wrote " + ", ".join(str(p) for p in paths))


def _realisability_line(arch: Architecture, sw: SweepResult, datasets: int) -> str:
    frac = sw.fraction_realisable
    interval = sw.realisable_interval()
    if frac is None or interval is None:
        return f"{arch}: no realisability criterion / closed form; outcome counts only"
    return (f"{arch}: minimiser on V realisable for {frac:.1%} of {datasets} data sets "
            f"(95% CI {interval[0]:.1%}-{interval[1]:.1%}), n = {sw.n_points} Gaussian points")


@click.command("learn-sweep", short_help="The learning experiment over many random data sets.")
@_common
@click.option("--datasets", type=IntRange(min=1), default=100, show_default=True, help="Random data sets.")
@click.option("--runs", type=IntRange(min=0), default=20, show_default=True,
              help="Initialisations per data set (0: only decide realisability of the minimiser).")
@out_option(None, "Write sweep.json, sweep.csv and sweep.png to this directory.")
def learn_sweep(widths: tuple[int, ...], r: RSpec, steps: Optional[int], optimizer: str, lr: Optional[float], tol: float,
                points: Optional[int], seed: Optional[int], as_json: bool, quiet: bool, datasets: int, runs: int,
                out: Optional[str]) -> None:
    """Over many random data sets for WIDTHS: how often is the minimiser on V realisable by real
    weights, and how do training runs end (fractions with their step budget and 95% intervals)?

    \b
    Example:
      neurovariety learn-sweep 2,2,3 -r 2 --datasets 100 --runs 20 --seed 0 -o sweep/
    """
    arch = architecture(widths, r)
    out_dir = _out_dir(out)
    with library_errors():
        sw = sweep_datasets(arch, None, datasets, n=points, runs=runs, seed=seed, steps=steps, optimizer=optimizer,
                            lr=lr, tol=tol, progress=progress_for(quiet, as_json))
    headline = _realisability_line(arch, sw, datasets)
    statement = headline + (f"; {sw.describe_fractions()}" if runs > 0 else "")
    doc = document("learning_sweep", {**arch.to_dict(), **sw.summary(), "statement": statement})
    paths = []
    if out_dir is not None:
        paths = [out_dir / "sweep.json", out_dir / "sweep.csv", out_dir / "sweep.png"]
        with library_errors():
            paths[0].write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
            sw.table.to_csv(paths[1], index=False)
            plot_sweep(sw, paths[2])
    if as_json:
        click.echo(json.dumps(doc))
        return
    click.echo(headline)
    if runs > 0:
        click.echo(sw.describe_fractions())
    if not quiet:
        click.echo(sw.outcome_table().to_string(float_format=lambda v: f"{v:.3f}"))
        click.echo(f"time: {sw.seconds:.1f} s")
        if paths:
            click.echo("wrote " + ", ".join(str(p) for p in paths))
