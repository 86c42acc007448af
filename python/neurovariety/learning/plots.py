"""Plots of the learning experiment (PNG files; matplotlib figures without a GUI backend).

Every outcome has one colour in every plot:

>>> tuple(KIND_COLOURS) == OUTCOMES
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Union

import numpy as np

from .._resources import save_figure
from .classify import OUTCOMES
from .experiment import SweepResult
from .functions import LearnedFunctions

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_functions", "plot_sweep", "KIND_COLOURS"]

#: Colour of each run outcome in every plot.
KIND_COLOURS = {
    "minimum": "#2b8a3e",
    "saddle": "#e67700",
    "unknown": "#868e96",
    "singular": "#5f3dc4",
    "boundary": "#c92a2a",
    "unconverged": "#ced4da",
}


def plot_functions(learned: LearnedFunctions, path: Union[str, Path]) -> Path:
    """Bar chart (PNG) of how many runs learned each function, coloured by kind, plus unconverged.

    >>> import tempfile, pathlib
    >>> from neurovariety.loss import make_data
    >>> from neurovariety.learning.train import train
    >>> from neurovariety.learning.functions import count_learned_functions
    >>> X, Y = make_data((2, 2, 3), 2, seed=0)
    >>> learned = count_learned_functions(train((2, 2, 3), 2, X, Y, runs=4, steps=10, seed=1, progress=False))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     plot_functions(learned, pathlib.Path(d) / "f.png").name
    'f.png'
    """
    from matplotlib.figure import Figure  # noqa: PLC0415 - matplotlib is slow to import; only plots need it
    from matplotlib.patches import Patch  # noqa: PLC0415 - as above

    fig = Figure(figsize=(max(5.0, 0.5 * len(learned.groups) + 3), 3.6), layout="constrained")
    ax = fig.subplots()
    labels = [f"f{i + 1}\n{g.loss:.4g}" for i, g in enumerate(learned.groups)]
    counts = [g.count for g in learned.groups]
    colours = [KIND_COLOURS[g.kind] for g in learned.groups]
    if learned.outcomes["unconverged"]:
        labels.append("unconv.")
        counts.append(learned.outcomes["unconverged"])
        colours.append(KIND_COLOURS["unconverged"])
    ax.bar(range(len(counts)), counts, color=colours)
    ax.set_xticks(range(len(counts)), labels, fontsize=7)
    ax.set_ylabel("runs")
    ax.set_title(f"{learned.arch}: {learned.describe()} ({learned.runs} runs)", fontsize=9)
    kinds = {g.kind for g in learned.groups}
    present = [k for k in OUTCOMES if k in kinds or (k == "unconverged" and learned.outcomes[k])]
    ax.legend(handles=[Patch(color=KIND_COLOURS[k], label=k) for k in present], fontsize=7)
    return save_figure(fig, path, dpi=120)


def _stacked_outcomes(ax: "Axes", sweep: SweepResult) -> None:
    """Bars of the mean fraction of runs per outcome, one bar per minimiser class."""
    ot = sweep.outcome_table()
    bottom = np.zeros(len(ot))
    for k in OUTCOMES:
        ax.bar(ot.index.astype(str), ot[k], bottom=bottom, color=KIND_COLOURS[k], label=k)
        bottom += ot[k].to_numpy()
    ax.set_ylabel(f"fraction of runs ({sweep.runs_per_dataset} per data set)")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set_xticks(range(len(ot)), [f"{i}\n({int(c)} sets)" for i, c in zip(ot.index, ot["datasets"])])


def plot_sweep(sweep: SweepResult, path: Union[str, Path]) -> Path:
    """Stacked bars (PNG): mean fraction of runs per outcome, by whether the minimiser is realisable.

    Without training runs (``runs=0``): the number of data sets per class.

    >>> import tempfile, pathlib
    >>> from neurovariety.learning.experiment import sweep_datasets
    >>> sw = sweep_datasets((2, 2, 3), 2, datasets=10, runs=0, seed=0, progress=False)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     plot_sweep(sw, pathlib.Path(d) / "sweep.png").stat().st_size > 1000
    True
    """
    from matplotlib.figure import Figure  # noqa: PLC0415 - matplotlib is slow to import; only plots need it

    fig = Figure(figsize=(5.5, 3.8), layout="constrained")
    ax = fig.subplots()
    frac = sweep.fraction_realisable
    interval = sweep.realisable_interval()
    title = f"{sweep.arch}: {len(sweep.table)} data sets, n={sweep.n_points}"
    if frac is not None and interval is not None:
        lo, hi = interval
        title += f"\nminimiser realisable in {frac:.1%} (95% CI {lo:.1%}-{hi:.1%})"
    if sweep.runs_per_dataset == 0:
        ot = sweep.outcome_table()
        ax.bar(ot.index.astype(str), ot["datasets"], color="#495057")
        ax.set_ylabel("data sets")
    else:
        _stacked_outcomes(ax, sweep)
    ax.set_title(title, fontsize=9)
    return save_figure(fig, path, dpi=120)
