"""Counting learned functions: runs grouped by their coefficient matrices.

Weights are only defined up to the network's symmetries, so runs are compared by the functions
they compute, i.e. by their coefficient matrices.

>>> from neurovariety.loss import make_data
>>> from neurovariety.learning.train import train
>>> X, Y = make_data((2, 2, 3), 2, seed=0)
>>> res = train((2, 2, 3), 2, X, Y, runs=30, seed=1, progress=False)
>>> count_learned_functions(res).describe()
'learned 1 distinct function of 3 critical points'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

import numpy as np
import pandas as pd

from .._display import Displayable, Table
from .._validate import nonnegative_int, positive_float
from ..architecture import Architecture
from ..errors import InvalidInputError
from ..loss import loss_matrices
from .boundary import BoundaryMinima
from .classify import OUTCOMES, CPSpec, RunClassification, classify_runs
from .closed_form import CriticalPoint
from .train import TrainResult

__all__ = ["FunctionGroup", "LearnedFunctions", "count_learned_functions", "group_by_coefficients"]

#: Outcomes of runs that reached a critical point (stationary in weight and function space).
STATIONARY_KINDS = ("minimum", "saddle", "unknown", "singular")


@dataclass(repr=False)
class FunctionGroup(Displayable):
    """Runs that learned the same function (coefficients equal up to ``rtol``).

    ``coefficients``/``loss`` are those of the lowest-loss member, ``runs`` the run indices,
    ``critical_point`` the index of the matched closed-form critical point (or ``None``),
    ``boundary_point`` for ``boundary`` groups the index of the boundary minimum they approach.

    >>> g = FunctionGroup(np.eye(2), 3, 0.25, "minimum", 2, 0, True, np.arange(3))
    >>> g.to_dict(with_coefficients=False)
    {'count': 3, 'loss': 0.25, 'kind': 'minimum', 'jacobian_rank': 2, 'critical_point': 0}
    """

    coefficients: np.ndarray
    count: int
    loss: float
    kind: str
    jacobian_rank: int
    critical_point: Optional[int]
    in_neuromanifold: Optional[bool]
    runs: np.ndarray
    boundary_point: Optional[int] = None

    def to_dict(self, with_coefficients: bool = True) -> dict[str, Any]:
        """Plain Python types (the ``functions`` entries of ``summary.json``)."""
        d: dict[str, Any] = {
            "count": int(self.count),
            "loss": float(self.loss),
            "kind": self.kind,
            "jacobian_rank": int(self.jacobian_rank),
            "critical_point": self.critical_point,
        }
        if self.boundary_point is not None:
            d["boundary_point"] = self.boundary_point
        if with_coefficients:
            d["coefficients"] = np.asarray(self.coefficients, dtype=float).tolist()
        return d

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("kind", self.kind), ("count", self.count), ("loss", self.loss), ("jacobian_rank", self.jacobian_rank),
                ("critical_point", self.critical_point), ("in_neuromanifold", self.in_neuromanifold),
                ("boundary_point", self.boundary_point), ("runs", self.runs)]


@dataclass(repr=False)
class LearnedFunctions(Displayable):
    """Result of :func:`count_learned_functions`: groups of learned functions and run outcomes."""

    arch: Architecture
    groups: list[FunctionGroup]
    outcomes: dict[str, int]
    classification: RunClassification
    critical_points: Optional[list[CriticalPoint]]
    runs: int
    diverged_runs: int
    rtol: float
    boundary: Optional[BoundaryMinima] = None
    selection: Optional[np.ndarray] = None

    @property
    def distinct_functions(self) -> int:
        """Number of distinct full-rank learned functions (minimum, saddle or unknown)."""
        return sum(g.kind in ("minimum", "saddle", "unknown") for g in self.groups)

    @property
    def singular_functions(self) -> int:
        """Number of distinct learned functions at which the coefficient Jacobian drops rank."""
        return sum(g.kind == "singular" for g in self.groups)

    @property
    def converged(self) -> int:
        """Runs that reached a critical point (stationary in weight and function space)."""
        return int(sum(self.outcomes[k] for k in STATIONARY_KINDS))

    @property
    def minimum_in_neuromanifold(self) -> Optional[bool]:
        """Whether the closed-form minimum on ``V`` is realised by real weights (``None``: unknown)."""
        if not self.critical_points:
            return None
        real = [cp for cp in self.critical_points if cp.kind == "minimum"]
        return real[0].in_neuromanifold if real else None

    def unconverged_reasons(self) -> dict[str, int]:
        """How many ``unconverged`` runs stopped for each kind of reason (first clause, numbers dropped)."""
        cls = self.classification
        sel = np.arange(len(cls.outcome)) if self.selection is None else self.selection
        reasons = cls.reason[sel][cls.outcome[sel] == "unconverged"]
        out: dict[str, int] = {}
        for r in reasons:
            key = str(r).split(";")[0].split(" (")[0]
            out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def describe(self) -> str:
        """One line, e.g. ``learned 2 distinct functions of 3 critical points``."""
        k = self.distinct_functions
        if self.critical_points is None:
            return f"learned {k} distinct function{'s' if k != 1 else ''} (critical points unknown)"
        return f"learned {k} distinct function{'s' if k != 1 else ''} of {len(self.critical_points)} critical points"

    def table(self) -> pd.DataFrame:
        """DataFrame with one row per group: function, count, loss, kind, Jacobian rank, critical point."""
        table: pd.DataFrame = pd.DataFrame(
            [
                {
                    "function": f"f{i + 1}",
                    "count": g.count,
                    "loss": g.loss,
                    "kind": g.kind,
                    "jacobian_rank": g.jacobian_rank,
                    "critical_point": -1 if g.critical_point is None else g.critical_point,
                }
                for i, g in enumerate(self.groups)
            ],
            columns=["function", "count", "loss", "kind", "jacobian_rank", "critical_point"],
        )
        return table

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types: :meth:`summary`."""
        return self.summary()

    def to_dataframe(self) -> pd.DataFrame:
        """One row per group of runs: :meth:`table`."""
        return self.table()

    def _display_title(self) -> str:
        return f"Learned functions of {self.arch}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        cps = self.critical_points
        return [("widths", self.arch.widths), ("r", self.arch.activation), ("runs", self.runs),
                ("distinct_functions", self.distinct_functions), ("critical_points", None if cps is None else len(cps)),
                ("minimum_in_neuromanifold", self.minimum_in_neuromanifold), ("outcomes", self.outcomes),
                ("boundary_infimum", None if self.boundary is None else self.boundary.infimum)]

    def _display_table(self) -> Table:
        t = self.table()
        return list(t.columns), t.values.tolist()

    def _display_statement(self) -> str:
        return self.describe() + "; outcomes: " + ", ".join(f"{k} {v}" for k, v in self.outcomes.items()) + "."

    def summary(self) -> dict[str, Any]:
        """The JSON summary (schema of ``summary.json``)."""
        cps = self.critical_points
        closed = cps is not None and all(cp.kind in ("minimum", "saddle") for cp in cps)
        learned_cp = {g.critical_point: g.count for g in self.groups if g.critical_point is not None}
        return {
            "architecture": self.arch.to_dict(),
            "runs": self.runs,
            "converged": self.converged,
            "distinct_functions": self.distinct_functions,
            "singular_functions": self.singular_functions,
            "boundary_runs": int(self.outcomes["boundary"]),
            "unconverged_runs": int(self.outcomes["unconverged"]),
            "unconverged_reasons": self.unconverged_reasons(),
            "diverged_runs": int(self.diverged_runs),
            "outcomes": {k: int(v) for k, v in self.outcomes.items()},
            "critical_points_known": len(cps) if (closed and cps is not None) else None,
            "minimum_in_neuromanifold": self.minimum_in_neuromanifold if closed else None,
            "critical_points": (
                [dict(cp.to_dict(), learned_count=int(learned_cp.get(i, 0))) for i, cp in enumerate(cps)]
                if cps is not None and all(cp.kind != "complex" for cp in cps)
                else None
            ),
            "description": self.describe(),
            "grouping_rtol": self.rtol,
            "dimension": self.classification.dim_v,
            "functions": [g.to_dict() for g in self.groups],
            "boundary": self.boundary.to_dict() if self.boundary is not None else None,
        }


def group_by_coefficients(coeffs: np.ndarray, scale: np.ndarray, order: Iterable[int], rtol: float) -> list[list[int]]:
    """Greedy clustering in the given order: each item joins the first representative within ``rtol``.

    The distance is relative to ``max(|representative|, scale[i])``, so the zero function is handled.

    >>> C = np.array([[1.0], [1.0 + 1e-7], [2.0], [0.0]])
    >>> group_by_coefficients(C, np.ones(4), [0, 1, 2, 3], 1e-4)
    [[0, 1], [2], [3]]
    """
    reps: list[int] = []
    members: list[list[int]] = []
    for i in order:
        if reps:
            R = coeffs[reps]
            d = np.linalg.norm((R - coeffs[i]).reshape(len(reps), -1), axis=1)
            den = np.maximum(np.maximum(np.linalg.norm(R.reshape(len(reps), -1), axis=1), scale[i]), 1e-300)
            hit = np.flatnonzero(d <= rtol * den)
            if len(hit):
                members[hit[0]].append(i)
                continue
        reps.append(i)
        members.append([i])
    return members


def _function_scale(result: TrainResult, k: int) -> float:
    """Scale of "the same function": the norm of the unconstrained least-squares minimiser of data set ``k``."""
    A, B, _ = loss_matrices(result.arch, None, result.X[k], result.Y[k])
    try:
        return float(np.linalg.norm(np.linalg.solve(A, B)))
    except np.linalg.LinAlgError:
        return 1.0


def _groups(
    result: TrainResult, cls: RunClassification, cps: Optional[list[CriticalPoint]], idx: np.ndarray, scale: float, rtol: float
) -> list[FunctionGroup]:
    """The function groups among runs ``idx``, formed in order of increasing loss."""
    order = idx[np.argsort(result.losses[idx], kind="stable")]
    groups = []
    for members in group_by_coefficients(result.coefficients, np.full(result.runs, scale), order, rtol):
        m = np.array(members)
        rep = m[0]
        outs, counts = np.unique(cls.outcome[m], return_counts=True)
        cp = int(cls.critical_point[rep]) if cls.critical_point[rep] >= 0 else None
        bp = int(cls.boundary_point[rep]) if cls.outcome[rep] == "boundary" else None
        groups.append(
            FunctionGroup(
                coefficients=result.coefficients[rep],
                count=len(m),
                loss=float(result.losses[rep]),
                kind=str(outs[np.argmax(counts)]),
                jacobian_rank=int(cls.jacobian_rank[rep]),
                critical_point=cp,
                in_neuromanifold=cps[cp].in_neuromanifold if (cp is not None and cps is not None) else None,
                runs=m,
                boundary_point=bp,
            )
        )
    return groups


def count_learned_functions(
    result: TrainResult,
    rtol: float = 1e-4,
    *,
    critical_points: CPSpec = "auto",
    boundary_rtol: float = 5e-2,
    dataset: Optional[int] = None,
    classification: Optional[RunClassification] = None,
    **classify_kwargs: Any,
) -> LearnedFunctions:
    """Group the learned functions of a training result by their coefficients.

    Two runs learned the same function if the coefficients agree to ``rtol`` relative (relative to
    ``max(|C|, ||least-squares minimiser||)``, so the zero function is handled). Stationary runs
    form the groups of kind ``minimum``/``saddle``/``unknown``/``singular``; boundary runs are
    grouped with the looser ``boundary_rtol`` (they are still moving) and always have kind
    ``boundary``; unconverged runs are only counted.

    Boundary runs are grouped by coefficients too (those approaching the same boundary minimum
    agree closely); each boundary group records the boundary point it approaches.

    ``critical_points`` (``"auto"``, ``None`` or a list of coefficient matrices, see
    :func:`~neurovariety.learning.classify.classify_runs`, which also takes ``classify_kwargs``)
    is the hook for the learning degree: with all ``N`` critical points passed in,
    :meth:`LearnedFunctions.describe` says "learned k distinct functions of N critical points".
    Results trained on several data sets need ``dataset=k``.

    >>> from neurovariety.loss import make_data
    >>> from neurovariety.learning.train import train
    >>> X, Y = make_data((2, 2, 3), 2, seed=0)
    >>> res = train((2, 2, 3), 2, X, Y, runs=4, steps=3, seed=1, progress=False)
    >>> count_learned_functions(res).outcomes["unconverged"]
    4
    """
    if not isinstance(result, TrainResult):
        raise InvalidInputError(f"result must be the TrainResult of learning.train, got {type(result).__name__}")
    rtol = positive_float(rtol, "rtol")
    boundary_rtol = positive_float(boundary_rtol, "boundary_rtol")
    K = result.X.shape[0]
    if dataset is None and K != 1:
        raise InvalidInputError(f"the result was trained on {K} data sets: pass dataset=k")
    k = 0 if dataset is None else nonnegative_int(dataset, "dataset", maximum=K - 1)
    cls = classification if classification is not None else classify_runs(result, critical_points, **classify_kwargs)
    sel = np.arange(result.runs) if dataset is None else np.flatnonzero(result.data_index == k)
    cps = cls.critical_points[k]
    scale = _function_scale(result, k)
    groups: list[FunctionGroup] = []
    for kinds, tol in ((STATIONARY_KINDS, rtol), (("boundary",), boundary_rtol)):
        idx = sel[np.isin(cls.outcome[sel], kinds)]
        if len(idx):
            groups.extend(_groups(result, cls, cps, idx, scale, tol))
    rank_kind = {kind: i for i, kind in enumerate(OUTCOMES)}
    groups.sort(key=lambda g: (rank_kind[g.kind], -g.count, g.loss))
    return LearnedFunctions(
        arch=result.arch,
        groups=groups,
        outcomes={o: int((cls.outcome[sel] == o).sum()) for o in OUTCOMES},
        classification=cls,
        critical_points=cps,
        runs=len(sel),
        diverged_runs=int(result.diverged[sel].sum()),
        rtol=rtol,
        boundary=cls.boundaries[k],
        selection=sel,
    )
