"""Checks of a tidy results frame against the theory: every failed row is a finding.

>>> import pandas as pd
>>> from neurovariety.analysis.load import tidy_results
>>> raw = pd.DataFrame({"h": [2], "exponent": [2], "architecture": ["[3, 2, 1]"],
...     "num_parameters": [8], "dimension_computed": [5], "ambient_dimension": [6]})
>>> check_nonincreasing_dl1(tidy_results(raw)).summary
'nonincreasing_dl1: 0/1 rows pass, 1 fail (informational: known to fail for dL = 1)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional, Sequence, Union

import numpy as np
import pandas as pd

from .._display import Displayable, Table
from ..theory import AH_SPORADIC, alexander_hirschowitz_dimension, linear_dimension
from .load import tidy_results

__all__ = [
    "CHECKS",
    "CheckResult",
    "CheckReport",
    "check_dimension_le_expected",
    "check_conjecture_nonincreasing",
    "check_nonincreasing_dl1",
    "check_equiwidth",
    "check_alexander_hirschowitz",
    "check_linear",
    "check_splitting_bound",
    "run_checks",
    "tidy_results",
]

_DISPLAY = ["widths", "r", "ambient", "expected", "dimension", "defect"]


@dataclass(repr=False)
class CheckResult(Displayable):
    """Outcome of one check: the covered rows (with a boolean ``passed`` column) and a summary.

    ``expected_to_hold`` is False for informational checks whose failures are known
    counterexamples (``nonincreasing_dl1``).
    """

    name: str
    title: str
    description: str
    table: pd.DataFrame
    expected_to_hold: bool = True
    extra_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows in the check's scope."""
        return int(len(self.table))

    @property
    def passed(self) -> int:
        """Rows that pass."""
        return int(self.table["passed"].sum()) if self.rows else 0

    @property
    def failed(self) -> int:
        """Rows that fail (findings)."""
        return self.rows - self.passed

    @property
    def ok(self) -> bool:
        """True when no covered row fails (vacuously true for an empty check)."""
        return self.failed == 0

    @property
    def counterexamples(self) -> pd.DataFrame:
        """The failing rows."""
        failing: pd.DataFrame = self.table[~self.table["passed"]]
        return failing

    @property
    def summary(self) -> str:
        """One line: rows in scope, passing and failing."""
        note = "" if self.expected_to_hold else " (informational: known to fail for dL = 1)"
        if not self.rows:
            return f"{self.name}: no rows in scope"
        return f"{self.name}: {self.passed}/{self.rows} rows pass, {self.failed} fail{note}"

    def display_table(self, rows: Union[pd.DataFrame, None] = None) -> pd.DataFrame:
        """The columns worth showing (architecture, dimensions, the check's own columns)."""
        t = self.table if rows is None else rows
        cols = [c for c in _DISPLAY + self.extra_columns + ["passed"] if c in t.columns]
        shown: pd.DataFrame = t[cols]
        return shown

    def report(self, max_rows: int = 20) -> str:
        """The summary line, followed by the counterexample rows when there are any."""
        lines = [self.summary]
        if self.failed:
            shown = self.display_table(self.counterexamples.head(max_rows))
            lines.append(shown.to_string(index=False))
            if self.failed > max_rows:
                lines.append(f"... and {self.failed - max_rows} more")
        return "\n".join(lines)

    def to_dataframe(self) -> pd.DataFrame:
        """Every covered row with the columns worth showing and ``passed``."""
        return self.display_table()

    def _display_title(self) -> str:
        return f"Check {self.name}: {self.title}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("name", self.name), ("rows", self.rows), ("passed", self.passed), ("failed", self.failed),
                ("expected_to_hold", self.expected_to_hold), ("ok", self.ok)]

    def _display_table(self) -> Optional[Table]:
        """The counterexamples (failing rows)."""
        shown = self.display_table(self.counterexamples)
        return list(shown.columns), shown.values.tolist()

    def _display_statement(self) -> str:
        return f"{self.summary}. {self.description}"

    def to_dict(self, max_counterexamples: int = 1000) -> dict[str, Any]:
        """JSON-ready summary: ``rows, passed, failed, counterexamples`` (+ metadata)."""
        ce = []
        for _, row in self.counterexamples.head(max_counterexamples).iterrows():
            r = row["r"]
            item = {
                "widths": [int(x) for x in row["widths"]],
                "r": int(r) if not isinstance(r, tuple) else [int(x) for x in r],
                "expected": int(row["expected"]),
                "dimension": int(row["dimension"]),
            }
            for c in self.extra_columns:
                v = row.get(c)
                if v is not None and not (isinstance(v, float) and math.isnan(v)):
                    item[c] = v.item() if isinstance(v, np.generic) else v
            ce.append(item)
        return {
            "title": self.title,
            "description": self.description,
            "rows": self.rows,
            "passed": self.passed,
            "failed": self.failed,
            "expected_to_hold": self.expected_to_hold,
            "summary": self.summary,
            "counterexamples": ce,
            "counterexamples_truncated": self.failed > len(ce),
        }


def _require_tidy(df: pd.DataFrame) -> None:
    missing = {"widths", "r", "r_layers", "depth", "expected", "dimension"} - set(df.columns)
    if missing:
        raise ValueError(
            f"not a tidy results frame (missing {sorted(missing)}); use load_results or tidy_results"
        )


def _select(df: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    # An empty object-dtype mask would be taken as a column selection: force booleans.
    selected: pd.DataFrame = df.loc[np.asarray(mask, dtype=bool)]
    return selected


def _uniform(df: pd.DataFrame) -> pd.Series:
    return df["r"].map(lambda r: not isinstance(r, tuple))


def _nonincreasing(df: pd.DataFrame) -> pd.Series:
    return df["widths"].map(lambda w: all(a >= b for a, b in zip(w, w[1:])))


def _finish(name: str, title: str, description: str, table: pd.DataFrame, passed: Iterable[bool],
            expected_to_hold: bool = True, extra: Sequence[str] = ()) -> CheckResult:
    table = table.copy()
    table["passed"] = np.asarray(list(passed), dtype=bool) if len(table) else np.zeros(0, bool)
    return CheckResult(name, title, description, table, expected_to_hold, list(extra))


def check_dimension_le_expected(df: pd.DataFrame) -> CheckResult:
    """Every row: the dimension never exceeds the expected dimension (nor the ambient one).

    >>> check_dimension_le_expected(tidy_results(pd.DataFrame({"h": [1], "exponent": [2],
    ...     "architecture": ["[2, 2, 3]"], "num_parameters": [10], "dimension_computed": [8],
    ...     "ambient_dimension": [9]}))).ok
    True
    """
    _require_tidy(df)
    ok = (df["dimension"] <= df["expected"]) & (df["dimension"] <= df["ambient"])
    return _finish(
        "dimension_le_expected", "dimension ≤ expected dimension",
        "The expected dimension min(N − Σ hidden widths, ambient) is an upper bound for every "
        "architecture (rescaling symmetries).", df, ok.to_numpy())


def check_conjecture_nonincreasing(df: pd.DataFrame) -> CheckResult:
    """The paper's conjecture: non-increasing widths with ``dL > 1`` are non-defective (any r)."""
    _require_tidy(df)
    mask = _nonincreasing(df) & (df["dL"] > 1) & (df["depth"] >= 2) & _uniform(df)
    t = _select(df, mask)
    return _finish(
        "conjecture_nonincreasing", "Conjecture: non-increasing widths, dL > 1",
        "Kubjas–Li–Wiesmann §5: if d0 ≥ d1 ≥ … ≥ dL and dL > 1 then V is non-defective "
        "for every r.", t, (t["defect"] == 0).to_numpy())


def check_nonincreasing_dl1(df: pd.DataFrame) -> CheckResult:
    """Non-increasing widths with ``dL = 1``: informational, the conjecture fails here."""
    _require_tidy(df)
    mask = _nonincreasing(df) & (df["dL"] == 1) & (df["depth"] >= 2) & _uniform(df)
    t = _select(df, mask)
    return _finish(
        "nonincreasing_dl1", "Non-increasing widths with dL = 1 (known to fail)",
        "The conjecture's hypothesis dL > 1 is needed: with dL = 1 non-increasing architectures can "
        "be defective, e.g. (3,2,1), r = 2 has dimension 5 < 6 (symmetric 3×3 matrices of rank ≤ 2). "
        "Failures listed here are the known counterexamples, not errors.",
        t, (t["defect"] == 0).to_numpy(), expected_to_hold=False)


def check_equiwidth(df: pd.DataFrame) -> CheckResult:
    """Equi-width architectures (all widths equal, >= 2) are non-defective (Finkel et al.)."""
    _require_tidy(df)
    mask = df["widths"].map(lambda w: len(set(w)) == 1 and w[0] >= 2) & (df["depth"] >= 2) & _uniform(df)
    t = _select(df, mask)
    return _finish(
        "equiwidth", "Equi-width architectures are non-defective",
        "Finkel–Rodriguez–Wu–Yahl: if all widths are equal and ≥ 2, V is non-defective for every r.",
        t, (t["defect"] == 0).to_numpy())


def check_alexander_hirschowitz(df: pd.DataFrame) -> CheckResult:
    """Shallow single-output ``(d0, d1, 1)``, ``r >= 2``: dimension = Alexander–Hirschowitz.

    >>> raw = pd.DataFrame({"h": [2, 2], "exponent": [2, 2], "architecture": ["[3, 2, 1]", "[3, 3, 1]"],
    ...     "num_parameters": [8, 12], "dimension_computed": [5, 6], "ambient_dimension": [6, 6]})
    >>> check_alexander_hirschowitz(tidy_results(raw)).table["predicted"].tolist()
    [5, 6]
    """
    _require_tidy(df)
    mask = (df["depth"] == 2) & (df["dL"] == 1) & _uniform(df)
    mask &= df["r"].map(lambda r: not isinstance(r, tuple) and r >= 2)
    t = _select(df, mask).copy()
    t["predicted"] = [
        alexander_hirschowitz_dimension(w[0], w[1], int(r)) for w, r in zip(t["widths"], t["r"])
    ]

    def case(w: tuple[int, ...], r: int) -> str:
        if r == 2 and 2 <= w[1] <= w[0] - 1:
            return "r=2 rank-deficient quadrics"
        if (r, w[0], w[1]) in AH_SPORADIC:
            return "sporadic"
        return "generic"

    t["case"] = [case(w, int(r)) for w, r in zip(t["widths"], t["r"])]
    return _finish(
        "alexander_hirschowitz", "Alexander–Hirschowitz for (d0, d1, 1)",
        "dim = min(d0·d1, C(d0+r−1, r)) except r = 2 (dim = d0·k − C(k,2), k = min(d0,d1)) and the "
        "sporadic defect-1 cases (r=4, P², 5 points), (r=4, P³, 9), (r=4, P⁴, 14), (r=3, P⁴, 7), "
        "i.e. (3,5,1), (4,9,1), (5,14,1) with r = 4 and (5,7,1) with r = 3.",
        t, (t["dimension"] == t["predicted"]).to_numpy(), extra=["predicted", "case"])


def check_linear(df: pd.DataFrame) -> CheckResult:
    """Linear networks: ``dim = k (d0 + dL - k)`` with ``k = min(widths)``."""
    _require_tidy(df)
    mask = df["r_layers"].map(lambda rs: all(x == 1 for x in rs))
    t = _select(df, mask).copy()
    t["predicted"] = [linear_dimension(w) for w in t["widths"]]
    return _finish(
        "linear", "Linear networks (r = 1)",
        "V is the variety of dL × d0 matrices of rank ≤ k = min(widths): dim = k(d0 + dL − k).",
        t, (t["dimension"] == t["predicted"]).to_numpy(), extra=["predicted"])


def check_splitting_bound(df: pd.DataFrame) -> CheckResult:
    """Depth >= 3: ``dim <= dim(d0..dk) + dim(dk..dL) - dk`` for every split with known parts.

    Part dimensions are looked up in ``df`` itself (the largest value when an architecture occurs
    more than once); a single layer ``(a, b)`` has dimension ``a b``. Covered rows are those with
    at least one split whose two parts are known; ``bound`` is the smallest such bound and
    ``split`` its ``k``.
    """
    _require_tidy(df)
    known: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
    for w, rs, d in zip(df["widths"], df["r_layers"], df["dimension"]):
        key = (w, rs)
        known[key] = max(int(d), known.get(key, -1))

    def part_dim(w: tuple[int, ...], rs: tuple[int, ...]) -> Union[int, None]:
        if len(w) == 2:
            return int(w[0] * w[1])
        return known.get((w, rs))

    idx, bounds, splits, nsplits = [], [], [], []
    for i, (w, rs, depth) in enumerate(zip(df["widths"], df["r_layers"], df["depth"])):
        if depth < 3:
            continue
        best, best_k, count = None, None, 0
        for k in range(1, depth):
            left = part_dim(w[: k + 1], rs[: k - 1])
            right = part_dim(w[k:], rs[k:])
            if left is None or right is None:
                continue
            count += 1
            b = left + right - w[k]
            if best is None or b < best:
                best, best_k = b, k
        if best is not None:
            idx.append(i)
            bounds.append(best)
            splits.append(best_k)
            nsplits.append(count)
    t = df.iloc[idx].copy()
    t["bound"] = np.asarray(bounds, dtype=np.int64)
    t["split"] = np.asarray(splits, dtype=np.int64)
    t["splits_known"] = np.asarray(nsplits, dtype=np.int64)
    return _finish(
        "splitting_bound", "Splitting bound",
        "For 0 < k < L: dim V(d0..dL) ≤ dim V(d0..dk) + dim V(dk..dL) − dk, using dimensions of the "
        "parts found in the same table (a single layer (a, b) has dimension a·b). Rows of depth ≥ 3 "
        "with at least one split whose parts are known.",
        t, (t["dimension"] <= t["bound"]).to_numpy(), extra=["bound", "split"])


#: Check name -> function, in report order.
CHECKS: dict[str, Callable[[pd.DataFrame], CheckResult]] = {
    "dimension_le_expected": check_dimension_le_expected,
    "conjecture_nonincreasing": check_conjecture_nonincreasing,
    "nonincreasing_dl1": check_nonincreasing_dl1,
    "equiwidth": check_equiwidth,
    "alexander_hirschowitz": check_alexander_hirschowitz,
    "linear": check_linear,
    "splitting_bound": check_splitting_bound,
}


class CheckReport(Displayable, dict[str, CheckResult]):
    """What :func:`run_checks` returns: check name -> :class:`CheckResult` (a ``dict``), shown in a
    notebook as one table of every check.

    >>> report = CheckReport()
    >>> report.failing, report.to_dataframe().columns.tolist()[:4]
    ([], ['check', 'rows', 'passed', 'failed'])
    """

    @property
    def failing(self) -> list[str]:
        """Checks expected to hold that have a failing row (findings to look at)."""
        return [name for name, res in self.items() if res.failed and res.expected_to_hold]

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types: check name -> :meth:`CheckResult.to_dict`."""
        return {name: res.to_dict() for name, res in self.items()}

    def _display_title(self) -> str:
        scoped = sum(1 for res in self.values() if res.rows)
        failing = ", ".join(self.failing) or "none"
        return f"{len(self)} checks against theory ({scoped} with rows in scope; failing: {failing})"

    def _repr_rows(self) -> list[tuple[str, Any]]:
        scoped = [name for name, res in self.items() if res.rows]
        return [("checks", len(self)), ("in_scope", len(scoped)), ("failing", self.failing)]

    def _display_table(self) -> Table:
        """One row per check: ``check, rows, passed, failed, expected_to_hold, ok, title``."""
        rows = [[name, res.rows, res.passed, res.failed, res.expected_to_hold, res.ok, res.title] for name, res in self.items()]
        return ("check", "rows", "passed", "failed", "expected_to_hold", "ok", "title"), rows

    def _display_statement(self) -> str:
        if self.failing:
            return f"Findings: rows fail {', '.join(self.failing)} (see each check's counterexamples)."
        return "Every check that should hold passes on every row in its scope."


def run_checks(df: pd.DataFrame, names: Union[Sequence[str], None] = None, *,
               echo: bool = False, max_rows: int = 20) -> CheckReport:
    """Run the named checks (default: all of :data:`CHECKS`); with ``echo`` print each summary
    and its counterexample rows.

    >>> raw = pd.DataFrame({"h": [2], "exponent": [2], "architecture": ["[3, 2, 1]"],
    ...     "num_parameters": [8], "dimension_computed": [5], "ambient_dimension": [6]})
    >>> {k: v.failed for k, v in run_checks(tidy_results(raw)).items() if v.rows}
    {'dimension_le_expected': 0, 'nonincreasing_dl1': 1, 'alexander_hirschowitz': 0}
    """
    names = list(CHECKS) if names is None else list(names)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ValueError(f"unknown check(s) {unknown}; available: {', '.join(CHECKS)}")
    out = CheckReport()
    for n in names:
        res = CHECKS[n](df)
        out[n] = res
        if echo:
            print(res.report(max_rows))
    return out
