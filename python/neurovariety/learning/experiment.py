"""Sweeping data sets: how often is the minimiser on ``V`` realisable, and what do runs do?

For Gaussian random data (10 points) and ``(2, 2, 3), r = 2`` the global minimiser on ``V`` is
realised by real weights for only about 55% of data sets (SPEC §4.5).

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

from .._validate import nonnegative_int, positive_int
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..loss import make_data
from .classify import OUTCOMES, classify_runs
from .closed_form import CriticalPoint, checked_critical_points
from .functions import count_learned_functions
from .train import train

__all__ = ["SweepResult", "sweep_datasets"]


@dataclass
class SweepResult:
    """Result of :func:`sweep_datasets`: one row per data set in ``table``.

    Columns: ``dataset``, ``data_seed``, ``minimum_in_neuromanifold`` (bool or None),
    ``minimum_loss``, the run counts per outcome (:data:`~neurovariety.learning.classify.OUTCOMES`),
    ``distinct_functions``.
    """

    arch: Architecture
    table: pd.DataFrame
    runs_per_dataset: int
    n_points: int
    seed: Optional[int]
    seconds: float

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
        n = len(known)
        if n == 0:
            return None
        p = known.mean()
        den = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / den
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
        return (float(centre - half), float(centre + half))

    def outcome_table(self) -> pd.DataFrame:
        """Mean fraction of runs per outcome, split by whether the minimiser is realisable."""
        df = self.table.copy()
        df["minimiser"] = df["minimum_in_neuromanifold"].map({True: "realisable", False: "not realisable"}).fillna("unknown")
        if self.runs_per_dataset == 0:
            return df.groupby("minimiser").size().rename("datasets").to_frame()
        frac = df[list(OUTCOMES)].div(self.runs_per_dataset)
        frac["minimiser"] = df["minimiser"]
        out = frac.groupby("minimiser").mean()
        out.insert(0, "datasets", df.groupby("minimiser").size())
        out["mean_distinct_functions"] = df.groupby("minimiser")["distinct_functions"].mean()
        return out

    def summary(self) -> dict[str, Any]:
        """The JSON summary (schema of ``sweep.json``)."""
        ot = self.outcome_table()
        return {
            "architecture": {"widths": list(self.arch.widths), "r": self.arch.r_label},
            "datasets": int(len(self.table)),
            "runs_per_dataset": self.runs_per_dataset,
            "n_points": self.n_points,
            "seed": self.seed,
            "fraction_realisable": self.fraction_realisable,
            "realisable_interval_95": self.realisable_interval(),
            "outcomes_by_minimiser": json.loads(ot.to_json(orient="index")),
            "seconds": self.seconds,
        }


def _minimum_row(k: int, data_seed: int, cps: Optional[list[CriticalPoint]]) -> dict[str, Any]:
    """The table row of data set ``k`` before training: is its minimiser on V realisable?"""
    mins = [cp for cp in (cps or []) if cp.kind == "minimum"]
    return {
        "dataset": k,
        "data_seed": data_seed,
        "minimum_in_neuromanifold": mins[0].in_neuromanifold if mins else None,
        "minimum_loss": mins[0].loss if mins else float("nan"),
    }


def sweep_datasets(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    datasets: int = 100,
    *,
    n: Optional[int] = None,
    runs: int = 20,
    seed: Optional[int] = 0,
    steps: int = 20000,
    optimizer: str = "gd",
    lr: Optional[float] = None,
    tol: float = 1e-10,
    progress: Optional[bool] = None,
) -> SweepResult:
    """Draw ``datasets`` Gaussian data sets; for each, decide whether the minimiser on ``V`` is
    realisable and (``runs > 0``) train ``runs`` networks and classify their outcomes.

    All data sets are trained in one vectorised batch of ``datasets * runs`` networks (data set
    ``k`` from seed ``SeedSequence(seed)`` state ``k``, initialisations from ``seed + 1``).
    ``progress``: see :mod:`neurovariety._progress`.

    >>> sw = sweep_datasets((2, 2, 3), 2, datasets=3, runs=2, steps=300, seed=0, progress=False)
    >>> len(sw.table), int(sw.table[list(OUTCOMES)].to_numpy().sum())
    (3, 6)
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
    rows = [_minimum_row(k, int(seeds[k]), checked_critical_points(arch, X, Y)) for k, (X, Y) in enumerate(data)]
    if runs > 0:
        data_index = np.repeat(np.arange(datasets), runs)
        res = train(arch, None, Xs, Ys, runs=datasets * runs, steps=steps, optimizer=optimizer, lr=lr, tol=tol,
                    seed=None if seed is None else seed + 1, data_index=data_index, progress=progress)
        cls = classify_runs(res, "auto")
        for k in range(datasets):
            lf = count_learned_functions(res, dataset=k, classification=cls)
            rows[k].update(lf.outcomes)
            rows[k]["distinct_functions"] = lf.distinct_functions
    return SweepResult(arch, pd.DataFrame(rows), runs, int(Xs.shape[1]), seed, time.perf_counter() - t0)
