"""Sweeping data sets: how often is the minimiser on ``V`` realisable, and what do runs do?

For Gaussian random data (10 points) and ``(2, 2, 3), r = 2`` the global minimiser on ``V`` is
realised by real weights for only about 55% of data sets (Kubjas–Li–Wiesmann, §6.1). The headline fractions
(:meth:`SweepResult.fractions`) -- runs finding the minimiser where it is realisable, runs
certified at the boundary where it is not, unconverged runs -- are stated with the optimiser's
step budget and Wilson 95% intervals.

>>> sw = sweep_datasets((2, 2, 3), 2, datasets=40, runs=0, seed=0, progress=False)
>>> 0.2 < sw.fraction_realisable < 0.9
True
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import pandas as pd

from .._display import Displayable, Table
from .._validate import nonnegative_int, positive_int
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..errors import InvalidInputError
from ..loss import make_data
from .classify import OUTCOMES, classify_runs
from .closed_form import checked_critical_points
from .functions import count_learned_functions
from .train import train

__all__ = ["SweepResult", "sweep_datasets", "wilson_interval"]


def wilson_interval(successes: int, n: int, z: float = 1.96) -> Optional[tuple[float, float]]:
    """Wilson score interval for a binomial proportion (``None`` for ``n = 0``).

    >>> [round(v, 4) for v in wilson_interval(50, 100)]
    [0.4038, 0.5962]
    """
    n = nonnegative_int(n, "n")
    successes = nonnegative_int(successes, "successes")
    if n == 0:
        return None
    if successes > n:
        raise InvalidInputError(f"successes must be at most n = {n}, got {successes}")
    p = successes / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (float(max(0.0, centre - half)), float(min(1.0, centre + half)))


@dataclass(repr=False)
class SweepResult(Displayable):
    """Result of :func:`sweep_datasets`: one row per data set in ``table``.

    Columns: ``dataset``, ``data_seed``, ``minimum_in_neuromanifold`` (bool or None),
    ``minimum_loss``, ``boundary_infimum`` (least loss over the boundary of the neuromanifold,
    where known and runs were trained), the run counts per outcome (:data:`~neurovariety.learning.classify.OUTCOMES`),
    ``distinct_functions``. ``optimizer``, ``steps`` (the step budget) and ``tol`` are the
    training settings the fractions depend on.
    """

    arch: Architecture
    table: pd.DataFrame
    runs_per_dataset: int
    n_points: int
    seed: Optional[int]
    seconds: float
    optimizer: str = "lm"
    steps: int = 0
    tol: float = 1e-10

    @property
    def fraction_realisable(self) -> Optional[float]:
        """Fraction of data sets whose minimiser on V is realised by real weights."""
        col = self.table["minimum_in_neuromanifold"]
        known = col[col.notna()]
        return float(known.astype(bool).mean()) if len(known) else None

    def realisable_interval(self, z: float = 1.96) -> Optional[tuple[float, float]]:
        """Wilson score interval for :attr:`fraction_realisable`."""
        col = self.table["minimum_in_neuromanifold"]
        known = col[col.notna()].astype(bool)
        return wilson_interval(int(known.sum()), len(known), z)

    def fractions(self) -> dict[str, Any]:
        """The headline fractions of runs, pooled over data sets, with Wilson 95% intervals.

        ``minimum_where_realisable``: runs labelled ``minimum`` among runs on data sets whose
        minimiser is realisable; ``boundary_where_not_realisable``: runs labelled ``boundary`` among
        runs on the other data sets; ``boundary_where_realisable`` and ``unconverged`` (all runs).
        The intervals treat runs as independent; runs on one data set are not, so the spread
        between data sets (``per_dataset``: min and max of the per-set fraction) is given too.
        """
        if self.runs_per_dataset == 0:
            return {}
        df = self.table
        real = df["minimum_in_neuromanifold"].map(lambda v: v is True or v is np.True_)
        unreal = df["minimum_in_neuromanifold"].map(lambda v: v is False or v is np.False_)
        parts = {
            "minimum_where_realisable": ("minimum", real),
            "boundary_where_not_realisable": ("boundary", unreal),
            "boundary_where_realisable": ("boundary", real),
            "unconverged": ("unconverged", pd.Series(True, index=df.index)),
        }
        out: dict[str, Any] = {}
        for name, (outcome, mask) in parts.items():
            rows = df[mask.astype(bool)]
            k, n = int(rows[outcome].sum()), int(len(rows)) * self.runs_per_dataset
            per = rows[outcome] / self.runs_per_dataset
            out[name] = {"runs": k, "of": n, "datasets": int(len(rows)), "fraction": k / n if n else None,
                         "wilson_95": wilson_interval(k, n),
                         "per_dataset": [float(per.min()), float(per.max())] if len(rows) else None}
        return out

    def describe_fractions(self) -> str:
        """The headline fractions as sentences, with the step budget and the intervals."""
        fr = self.fractions()
        if not fr:
            return "no runs trained"
        budget = f"{self.optimizer}, at most {self.steps} steps, gradient tolerance {self.tol:g}"

        def pct(key: str) -> str:
            d = fr[key]
            if not d["of"]:
                return "n/a"
            lo, hi = d["wilson_95"]
            dp = 2 if hi < 0.02 else 1
            return f"{100 * d['fraction']:.{dp}f}% ({d['runs']}/{d['of']}, 95% CI {100 * lo:.{dp}f}-{100 * hi:.{dp}f}%)"

        return (f"{budget}: minimiser realisable -> {pct('minimum_where_realisable')} of runs find it, "
                f"{pct('boundary_where_realisable')} certified at the boundary; not realisable -> "
                f"{pct('boundary_where_not_realisable')} certified at the boundary; unconverged {pct('unconverged')}")

    def outcome_table(self) -> pd.DataFrame:
        """Mean fraction of runs per outcome, split by whether the minimiser is realisable."""
        df = self.table.copy()
        df["minimiser"] = df["minimum_in_neuromanifold"].map({True: "realisable", False: "not realisable"}).fillna("unknown")
        if self.runs_per_dataset == 0:
            counts: pd.DataFrame = df.groupby("minimiser").size().rename("datasets").to_frame()
            return counts
        frac = df[list(OUTCOMES)].div(self.runs_per_dataset)
        frac["minimiser"] = df["minimiser"]
        out: pd.DataFrame = frac.groupby("minimiser").mean()
        out.insert(0, "datasets", df.groupby("minimiser").size())
        out["mean_distinct_functions"] = df.groupby("minimiser")["distinct_functions"].mean()
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types: :meth:`summary`."""
        return self.summary()

    def to_dataframe(self) -> pd.DataFrame:
        """One row per data set: a copy of :attr:`table`."""
        copy: pd.DataFrame = self.table.copy()
        return copy

    def _display_title(self) -> str:
        return f"Learning experiment over {len(self.table)} data sets, {self.arch}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("widths", self.arch.widths), ("r", self.arch.activation), ("datasets", len(self.table)),
                ("runs_per_dataset", self.runs_per_dataset), ("n_points", self.n_points),
                ("fraction_realisable", self.fraction_realisable), ("realisable_95", self.realisable_interval()),
                ("optimizer", self.optimizer), ("steps", self.steps), ("seconds", self.seconds)]

    def _display_table(self) -> Table:
        return list(self.table.columns), self.table.values.tolist()

    def _display_statement(self) -> str:
        frac, interval = self.fraction_realisable, self.realisable_interval()
        head = ("no realisability criterion for this architecture" if frac is None or interval is None else
                f"The minimiser on V is realisable by real weights for {frac:.1%} of {len(self.table)} data sets "
                f"(95% CI {interval[0]:.1%}-{interval[1]:.1%}).")
        return head + (f" {self.describe_fractions()}." if self.runs_per_dataset else "")

    def summary(self) -> dict[str, Any]:
        """The JSON summary (schema of ``sweep.json``)."""
        ot = self.outcome_table()
        return {
            "architecture": self.arch.to_dict(),
            "datasets": int(len(self.table)),
            "runs_per_dataset": self.runs_per_dataset,
            "n_points": self.n_points,
            "seed": self.seed,
            "fraction_realisable": self.fraction_realisable,
            "realisable_interval_95": self.realisable_interval(),
            "training": {"optimizer": self.optimizer, "steps": self.steps, "tol": self.tol},
            "fractions": self.fractions(),
            "outcomes_by_minimiser": json.loads(ot.to_json(orient="index")),
            "seconds": self.seconds,
        }


def _minimum_row(arch: Architecture, k: int, data_seed: int, X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    """The table row of data set ``k`` before training: is its minimiser on V realisable?"""
    cps = checked_critical_points(arch, X, Y)
    mins = [cp for cp in (cps or []) if cp.kind == "minimum"]
    return {
        "dataset": k,
        "data_seed": data_seed,
        "minimum_in_neuromanifold": mins[0].in_neuromanifold if mins else None,
        "minimum_loss": mins[0].loss if mins else float("nan"),
        "boundary_infimum": float("nan"),
    }


def sweep_datasets(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    datasets: int = 100,
    *,
    n: Optional[int] = None,
    runs: int = 20,
    seed: Optional[int] = 0,
    steps: Optional[int] = None,
    optimizer: str = "lm",
    lr: Optional[float] = None,
    tol: float = 1e-10,
    progress: Optional[bool] = None,
) -> SweepResult:
    """Draw ``datasets`` Gaussian data sets; for each, decide whether the minimiser on ``V`` is
    realisable and (``runs > 0``) train ``runs`` networks and classify their outcomes.

    All data sets are trained in one vectorised batch of ``datasets * runs`` networks (data set
    ``k`` from seed ``SeedSequence(seed)`` state ``k``, initialisations from ``seed + 1``) with
    :func:`~neurovariety.learning.train.train` (default optimiser ``lm`` and its step budget).
    ``progress``: see :mod:`neurovariety._progress`.

    >>> sw = sweep_datasets((2, 2, 3), 2, datasets=3, runs=2, seed=0, progress=False)
    >>> len(sw.table), int(sw.table[list(OUTCOMES)].to_numpy().sum()), sw.steps
    (3, 6, 400)
    """
    arch = Architecture.coerce(widths, r)
    datasets = positive_int(datasets, "datasets")
    runs = nonnegative_int(runs, "runs")
    seed = validate_seed(seed)
    t0 = time.perf_counter()
    seeds = np.random.SeedSequence(seed).generate_state(datasets)
    data = [make_data(arch, None, n=n, seed=int(s)) for s in seeds]
    Xs = np.stack([d[0] for d in data])
    Ys = np.stack([d[1] for d in data])
    rows = [_minimum_row(arch, k, int(seeds[k]), X, Y) for k, (X, Y) in enumerate(data)]
    budget: tuple[str, int, float] = (optimizer, 0, tol)
    if runs > 0:
        data_index = np.repeat(np.arange(datasets), runs)
        res = train(arch, None, Xs, Ys, runs=datasets * runs, steps=steps, optimizer=optimizer, lr=lr, tol=tol,
                    seed=None if seed is None else seed + 1, data_index=data_index, progress=progress)
        budget = (res.optimizer, res.steps, res.tol)
        cls = classify_runs(res, "auto")
        for k in range(datasets):
            bm = cls.boundaries[k]
            rows[k]["boundary_infimum"] = bm.infimum if bm is not None else float("nan")
            lf = count_learned_functions(res, dataset=k, classification=cls)
            rows[k].update(lf.outcomes)
            rows[k]["distinct_functions"] = lf.distinct_functions
    return SweepResult(arch, pd.DataFrame(rows), runs, int(Xs.shape[1]), seed, time.perf_counter() - t0, *budget)
