"""Evaluate dimension sweeps: load result tables, check them against theory, plot them.

This is the library form of the pandas notebooks the paper uses to verify its conjecture on every
computed row (SPEC §4.2). Three layouts are read into one tidy DataFrame by :func:`load_results`:

* our ``results.csv`` (written by :mod:`neurovariety.sweep`) and the paper's CSVs: the first seven
  columns are ``Widths, Activation, Ambient Dimension, Expected Dimension, Dimension, Defect,
  Time Taken (seconds)``; extra columns such as ``Certified`` are kept;
* the third-party layout of the ``mfa_pnns`` data (``h, exponent, architecture, num_parameters,
  dimension_computed, ambient_dimension, [expected_dimension, defect], ...``).

Every check returns a :class:`CheckResult`: the DataFrame of the rows the check covers with a
boolean ``passed`` column, plus a one-line summary. A failed row is a *finding* (a counterexample
or a wrong computation), never an exception. The check names (keys of ``summary.json``) are:

``dimension_le_expected``
    every row: ``dimension <= expected`` (and hence ``<= ambient``).
``conjecture_nonincreasing``
    the paper's conjecture (§5): ``d0 >= d1 >= ... >= dL``, ``dL > 1``, depth >= 2 => defect 0.
``nonincreasing_dl1``
    the same with ``dL = 1``, where the conjecture is known to FAIL (e.g. ``(3,2,1), r=2`` has
    dimension 5 < 6); informational, its failures are the known counterexamples.
``equiwidth``
    all widths equal and >= 2, depth >= 2 => defect 0 (Finkel et al.).
``alexander_hirschowitz``
    shallow single-output ``(d0, d1, 1)``, ``r >= 2``: the dimension of the ``d1``-th secant of the
    Veronese variety (Alexander–Hirschowitz, with the ``r = 2`` family and the four sporadic cases).
``linear``
    linear networks (all exponents 1, or a single layer): ``dim = k (d0 + dL - k)``, ``k = min d_i``.
``splitting_bound``
    depth >= 3: ``dim <= dim(d0..dk) + dim(dk..dL) - dk`` for every split whose two parts have a
    dimension in the same table (a single layer ``(a, b)`` has dimension ``a b``). For depth 2 the
    bound is the parameter count, already covered by ``dimension_le_expected``.

>>> import pandas as pd
>>> raw = pd.DataFrame({"Widths": ["[3, 2, 1]", "[2, 2, 2]"], "Activation": [2, 2],
...     "Ambient Dimension": [6, 6], "Expected Dimension": [6, 6], "Dimension": [5, 6],
...     "Defect": [1, 0], "Time Taken (seconds)": [0.1, 0.1]})
>>> df = tidy_results(raw)
>>> df[["widths", "r", "defect", "filling"]].values.tolist()
[[(3, 2, 1), 2, 1, False], [(2, 2, 2), 2, 0, True]]
>>> check_nonincreasing_dl1(df).summary
'nonincreasing_dl1: 0/1 rows pass, 1 fail (informational: known to fail for dL = 1)'
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence, Union

import numpy as np
import pandas as pd

from neurovariety.architecture import Architecture, parse_r, parse_widths
from neurovariety.theory import AH_SPORADIC, alexander_hirschowitz_dimension, linear_dimension
from neurovariety.sweep import RESULT_COLUMNS

__all__ = [
    "RESULT_COLUMNS",
    "TIDY_COLUMNS",
    "CHECKS",
    "CheckResult",
    "load_results",
    "tidy_results",
    "alexander_hirschowitz_dimension",
    "linear_dimension",
    "check_dimension_le_expected",
    "check_conjecture_nonincreasing",
    "check_nonincreasing_dl1",
    "check_equiwidth",
    "check_alexander_hirschowitz",
    "check_linear",
    "check_splitting_bound",
    "run_checks",
    "plot_defect_heatmaps",
    "plot_dimension_vs_expected",
    "plot_time_vs_weights",
    "plot_filling_frontier",
    "filling_frontier",
    "AH_SPORADIC",
]

PathLike = Union[str, os.PathLike]


#: Columns of the tidy DataFrame, in order (extra columns of the input follow, snake_cased).
TIDY_COLUMNS = (
    "widths",  # tuple of ints
    "depth",  # L, number of weight matrices
    "d0",
    "dL",
    "r",  # int when all hidden layers share one exponent, else a tuple
    "r_layers",  # tuple of the L-1 hidden exponents (empty for a single layer)
    "num_params",  # N
    "ambient",
    "expected",
    "dimension",
    "defect",
    "filling",  # dimension == ambient
    "certified",  # pandas nullable boolean, <NA> when unknown
    "seconds",  # float, NaN when unknown
    "source",  # file name the row came from
)

_MFA_COLUMNS = {"architecture", "dimension_computed", "ambient_dimension"}


# --------------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------------
def _snake(name: str) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "_", str(name)).strip("_").lower()


def _parse_bool(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return pd.NA
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "y", "t"}:
        return True
    if text in {"false", "0", "no", "n", "f"}:
        return False
    return pd.NA


def _architecture(widths: object, activation: object) -> Architecture:
    w = parse_widths(widths) if isinstance(widths, str) else tuple(int(x) for x in widths)  # type: ignore[union-attr]
    r = parse_r(str(activation)) if not isinstance(activation, (int, np.integer)) else int(activation)
    if len(w) == 2:
        r = 1  # a single layer has no activation; the file's label is irrelevant
    return Architecture(w, r)


def tidy_results(raw: pd.DataFrame, source: str = "") -> pd.DataFrame:
    """Convert a raw results table (any supported layout) into the tidy layout.

    Rows without a numeric dimension (e.g. a failed job in a paper CSV) are dropped; how many is
    recorded in ``df.attrs["dropped"]``.

    >>> raw = pd.DataFrame({"h": [2], "exponent": [2], "architecture": ["[3, 2, 1]"],
    ...     "num_parameters": [8], "dimension_computed": [5], "ambient_dimension": [6]})
    >>> tidy_results(raw)[["widths", "expected", "defect"]].values.tolist()
    [[(3, 2, 1), 6, 1]]
    """
    cols = set(raw.columns)
    if set(RESULT_COLUMNS[:5]) <= cols:
        widths_col, act, dim_col = raw["Widths"], raw["Activation"], raw["Dimension"]
        amb_col = raw["Ambient Dimension"]
        exp_col = raw["Expected Dimension"]
        sec_col = raw["Time Taken (seconds)"] if "Time Taken (seconds)" in cols else None
        cert_col = raw["Certified"] if "Certified" in cols else None
        used = set(RESULT_COLUMNS) | {"Certified"}
    elif _MFA_COLUMNS <= cols:
        widths_col, dim_col, amb_col = raw["architecture"], raw["dimension_computed"], raw["ambient_dimension"]
        act = raw["exponent"] if "exponent" in cols else pd.Series(2, index=raw.index)
        exp_col = raw["expected_dimension"] if "expected_dimension" in cols else None
        sec_col = cert_col = None
        used = {"h", "exponent", "architecture", "num_parameters", "dimension_computed",
                "ambient_dimension", "expected_dimension", "defect", "is_full_dimension"}
    else:
        raise ValueError(
            "unrecognised results layout: expected the columns "
            f"{', '.join(RESULT_COLUMNS[:5])} (results.csv / paper) or "
            "architecture, exponent, dimension_computed, ambient_dimension (mfa_pnns); "
            f"got {', '.join(map(str, raw.columns))}"
        )

    dims = pd.to_numeric(dim_col, errors="coerce")
    keep = dims.notna().to_numpy()
    archs: list[Architecture] = []
    for i, (w, a) in enumerate(zip(widths_col, act)):
        if not keep[i]:
            continue
        try:
            archs.append(_architecture(w, a))
        except ValueError as exc:
            raise ValueError(f"{source or 'results'}: row {i}: {exc}") from None
    kept = raw.index[keep]
    dims_i = dims[keep].astype(np.int64).to_numpy()

    out = pd.DataFrame(index=range(len(archs)))
    out["widths"] = [a.widths for a in archs]
    out["depth"] = np.array([a.depth for a in archs], dtype=np.int64)
    out["d0"] = np.array([a.d0 for a in archs], dtype=np.int64)
    out["dL"] = np.array([a.dL for a in archs], dtype=np.int64)
    out["r"] = [
        (a.uniform_r if a.uniform_r is not None else (1 if not a.r else a.r)) for a in archs
    ]
    out["r_layers"] = [a.r for a in archs]
    out["num_params"] = np.array([a.num_params for a in archs], dtype=np.int64)
    amb = pd.to_numeric(amb_col[keep], errors="coerce").to_numpy()
    computed_amb = np.array([a.ambient_dim for a in archs], dtype=np.int64)
    # Trust the architecture over a missing file value; a disagreement is a corrupt file.
    amb = np.where(np.isnan(amb.astype(float)), computed_amb, amb).astype(np.int64)
    bad = np.flatnonzero(amb != computed_amb)
    if bad.size:
        i = bad[0]
        raise ValueError(
            f"{source or 'results'}: ambient dimension {amb[i]} of {archs[i]} does not match "
            f"dL * C(d0+D-1, D) = {computed_amb[i]}"
        )
    out["ambient"] = amb
    computed_exp = np.array([a.expected_dim for a in archs], dtype=np.int64)
    if exp_col is not None:
        exp = pd.to_numeric(exp_col[keep], errors="coerce").to_numpy(dtype=float)
        exp = np.where(np.isnan(exp), computed_exp, exp).astype(np.int64)
    else:
        exp = computed_exp
    out["expected"] = exp
    out["dimension"] = dims_i
    out["defect"] = out["expected"] - out["dimension"]
    out["filling"] = out["dimension"] == out["ambient"]
    if cert_col is not None:
        out["certified"] = pd.array([_parse_bool(v) for v in cert_col[keep]], dtype="boolean")
    else:
        out["certified"] = pd.array([pd.NA] * len(out), dtype="boolean")
    if sec_col is not None:
        out["seconds"] = pd.to_numeric(sec_col[keep], errors="coerce").to_numpy(dtype=float)
    else:
        out["seconds"] = np.nan
    out["source"] = source
    for col in raw.columns:
        if col in used:
            continue
        name = _snake(col)
        if name and name not in out.columns:
            out[name] = raw.loc[kept, col].to_numpy()
    out.attrs["dropped"] = int((~keep).sum())
    return out


def _read_one(path: Path) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read results file {path}: {exc}") from None
    return tidy_results(raw, source=path.name)


def load_results(path: Union[PathLike, Sequence[PathLike]]) -> pd.DataFrame:
    """Read one or more result CSVs (or every ``*.csv`` of a directory) into a tidy DataFrame.

    The columns are :data:`TIDY_COLUMNS` followed by the extra columns of the inputs (snake_cased,
    e.g. ``is_minimal`` of the mfa data). ``expected`` and ``defect`` are computed from the
    architecture when the file lacks them (the mfa ``3_1`` file).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "results.csv"
    >>> _ = p.write_text("Widths,Activation,Ambient Dimension,Expected Dimension,Dimension,"
    ...     "Defect,Time Taken (seconds),Certified\\n\\"[3, 3, 3]\\",2,18,15,15,0,0.2,True\\n")
    >>> row = load_results(p).iloc[0]
    >>> row["widths"], int(row["dimension"]), bool(row["certified"])
    ((3, 3, 3), 15, True)
    """
    if isinstance(path, (str, os.PathLike)):
        paths = [Path(path)]
    else:
        paths = [Path(p) for p in path]
    if not paths:
        raise ValueError("load_results needs at least one path")
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(p.glob("*.csv"))
            if not found:
                raise ValueError(f"no *.csv files in directory {p}")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise ValueError(f"results file not found: {p}")
    frames = [_read_one(f) for f in files]
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    df.attrs["dropped"] = sum(f.attrs.get("dropped", 0) for f in frames)
    df.attrs["sources"] = [str(f) for f in files]
    return df


# --------------------------------------------------------------------------------------------
# theory
# --------------------------------------------------------------------------------------------
# --------------------------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------------------------
_DISPLAY = ["widths", "r", "ambient", "expected", "dimension", "defect"]


@dataclass
class CheckResult:
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
        return int(len(self.table))

    @property
    def passed(self) -> int:
        return int(self.table["passed"].sum()) if self.rows else 0

    @property
    def failed(self) -> int:
        return self.rows - self.passed

    @property
    def ok(self) -> bool:
        """True when no covered row fails (vacuously true for an empty check)."""
        return self.failed == 0

    @property
    def counterexamples(self) -> pd.DataFrame:
        return self.table[~self.table["passed"]]

    @property
    def summary(self) -> str:
        note = "" if self.expected_to_hold else " (informational: known to fail for dL = 1)"
        if not self.rows:
            return f"{self.name}: no rows in scope"
        return f"{self.name}: {self.passed}/{self.rows} rows pass, {self.failed} fail{note}"

    def display_table(self, rows: Union[pd.DataFrame, None] = None) -> pd.DataFrame:
        """The columns worth showing (architecture, dimensions, the check's own columns)."""
        t = self.table if rows is None else rows
        cols = [c for c in _DISPLAY + self.extra_columns + ["passed"] if c in t.columns]
        return t[cols]

    def report(self, max_rows: int = 20) -> str:
        """The summary line, followed by the counterexample rows when there are any."""
        lines = [self.summary]
        if self.failed:
            shown = self.display_table(self.counterexamples.head(max_rows))
            lines.append(shown.to_string(index=False))
            if self.failed > max_rows:
                lines.append(f"... and {self.failed - max_rows} more")
        return "\n".join(lines)

    def to_dict(self, max_counterexamples: int = 1000) -> dict:
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
    return df.loc[np.asarray(mask, dtype=bool)]


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

    def case(w: tuple, r: int) -> str:
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
    known: dict[tuple, int] = {}
    for w, rs, d in zip(df["widths"], df["r_layers"], df["dimension"]):
        key = (w, rs)
        known[key] = max(int(d), known.get(key, -1))

    def part_dim(w: tuple, rs: tuple) -> Union[int, None]:
        if len(w) == 2:
            return w[0] * w[1]
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


def run_checks(df: pd.DataFrame, names: Union[Sequence[str], None] = None, *,
               echo: bool = False, max_rows: int = 20) -> dict[str, CheckResult]:
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
    out = {}
    for n in names:
        res = CHECKS[n](df)
        out[n] = res
        if echo:
            print(res.report(max_rows))
    return out


# --------------------------------------------------------------------------------------------
# plots (matplotlib, Agg backend, PNG)
# --------------------------------------------------------------------------------------------
def _pyplot():
    import matplotlib

    # Headless: never try to open a window (also keeps CI and worker processes happy).
    if matplotlib.get_backend().lower() != "agg":
        matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _r_key(r: object) -> str:
    return ",".join(map(str, r)) if isinstance(r, tuple) else str(r)


def plot_defect_heatmaps(df: pd.DataFrame, out_dir: PathLike, *, max_panels: int = 6) -> list[Path]:
    """Defect heatmaps of shallow architectures ``(d0, d1, dL)``: one PNG per ``r`` with one
    panel (d0 × d1 grid) per ``dL`` (the ``max_panels`` smallest). Returns the files written.
    """
    plt = _pyplot()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shallow = df[df["depth"] == 2]
    files = []
    for r in sorted({_r_key(x) for x in shallow["r"]}, key=lambda s: (len(s), s)):
        sub = shallow[shallow["r"].map(_r_key) == r]
        dls = sorted(sub["dL"].unique())[:max_panels]
        ncols = min(3, len(dls))
        nrows = -(-len(dls) // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols + 0.6, 4.0 * nrows), squeeze=False)
        for ax in axes.flat[len(dls):]:
            ax.set_visible(False)
        for ax, dl in zip(axes.flat, dls):
            s = sub[sub["dL"] == dl]
            d1 = s["widths"].map(lambda w: w[1])
            grid = pd.DataFrame({"d0": s["d0"], "d1": d1, "defect": s["defect"]})
            # Several rows for one architecture: the smallest defect is the best computation.
            pivot = grid.groupby(["d0", "d1"])["defect"].min().unstack("d1")
            rows = range(int(pivot.index.min()), int(pivot.index.max()) + 1)
            cols = range(int(pivot.columns.min()), int(pivot.columns.max()) + 1)
            pivot = pivot.reindex(index=rows, columns=cols)
            values = pivot.to_numpy(dtype=float)
            vmax = max(1.0, np.nanmax(values))
            im = ax.imshow(np.ma.masked_invalid(values), origin="lower", cmap="viridis",
                           vmin=0, vmax=vmax, aspect="auto",
                           extent=(cols[0] - 0.5, cols[-1] + 0.5, rows[0] - 0.5, rows[-1] + 0.5))
            ax.set_facecolor("#dddddd")  # architectures not computed
            if values.size <= 400:
                for (i, j), v in np.ndenumerate(values):
                    if not np.isnan(v):
                        ax.text(cols[j], rows[i], str(int(v)), ha="center", va="center",
                                fontsize=7, color="white" if v < vmax / 2 else "black")
            step_c, step_r = max(1, len(cols) // 12), max(1, len(rows) // 12)
            ax.set_xticks(list(cols)[::step_c])
            ax.set_yticks(list(rows)[::step_r])
            ax.set_xlabel("d1 (hidden width)")
            ax.set_ylabel("d0 (input width)")
            ax.set_title(f"defect of (d0, d1, {dl}), r = {r}")
            fig.colorbar(im, ax=ax, shrink=0.8)
        fig.tight_layout()
        path = out_dir / f"defect_heatmap_r{r.replace(',', '-')}.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        files.append(path)
    return files


def plot_dimension_vs_expected(df: pd.DataFrame, path: PathLike) -> Path:
    """Scatter of computed dimension against expected dimension (diagonal = non-defective)."""
    plt = _pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 5))
    defective = df["defect"] > 0
    for mask, label, color in ((~defective, "non-defective", "tab:blue"), (defective, "defective", "tab:red")):
        s = df[mask]
        if len(s):
            ax.scatter(s["expected"], s["dimension"], s=9, alpha=0.5, label=f"{label} ({len(s)})", color=color)
    hi = max(2, int(df["expected"].max()) if len(df) else 2)
    ax.plot([1, hi], [1, hi], color="black", lw=0.8, label="dimension = expected")
    if hi > 100:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("expected dimension")
    ax.set_ylabel("computed dimension")
    ax.set_title(f"dimension vs expected ({len(df)} rows)")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def plot_time_vs_weights(df: pd.DataFrame, path: PathLike) -> Union[Path, None]:
    """Log-log computing time against number of weights; ``None`` when no timings are known."""
    s = df[df["seconds"].notna() & (df["seconds"] > 0)] if "seconds" in df else df.iloc[:0]
    if s.empty:
        return None
    plt = _pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 5))
    for depth, g in s.groupby("depth"):
        ax.scatter(g["num_params"], g["seconds"], s=12, alpha=0.7, label=f"L = {depth}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of weights N")
    ax.set_ylabel("time (seconds)")
    ax.set_title("computing time vs number of weights")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def filling_frontier(df: pd.DataFrame) -> pd.DataFrame:
    """Per ``(d0, dL, r, depth)``: the ambient dimension and the fewest weights (and the smallest
    ``N - Σ hidden``) among filling architectures, with the architecture attaining it.

    A filling architecture needs ``N - Σ hidden >= ambient``; the frontier shows how far above
    that count the cheapest filling architecture of each depth sits.
    """
    f = df[df["filling"]].copy()
    if f.empty:
        return pd.DataFrame(columns=["d0", "dL", "r", "depth", "ambient", "min_params",
                                     "min_free_params", "architecture", "count"])
    f["free_params"] = f["num_params"] - f["widths"].map(lambda w: sum(w[1:-1]))
    f["r_key"] = f["r"].map(_r_key)
    rows = []
    for (d0, dl, r, depth), g in f.groupby(["d0", "dL", "r_key", "depth"]):
        best = g.loc[g["free_params"].idxmin()]
        rows.append({"d0": d0, "dL": dl, "r": r, "depth": depth, "ambient": int(g["ambient"].iloc[0]),
                     "min_params": int(g["num_params"].min()),
                     "min_free_params": int(g["free_params"].min()),
                     "architecture": best["widths"], "count": len(g)})
    return pd.DataFrame(rows)


def plot_filling_frontier(df: pd.DataFrame, path: PathLike, *, min_depths: int = 3,
                          max_families: int = 8) -> Union[Path, None]:
    """Filling frontier: for each family ``(d0, dL, r)`` and depth, the smallest ``N − Σ hidden``
    of a filling architecture against the ambient dimension (the diagonal is the parameter-count
    lower bound), and its ratio to the ambient dimension by depth. Only families with filling
    architectures at ``min_depths`` depths or more (at most ``max_families``, most rows first);
    ``None`` when there is none (the mfa data is the intended input).
    """
    fr = filling_frontier(df[df["d0"] >= 2])  # d0 = 1: one monomial, nothing to see
    # A frontier needs several depths; keep the best-covered families so the plot stays legible.
    depths = fr.groupby(["d0", "dL", "r"])["depth"].transform("nunique") if len(fr) else fr["depth"]
    fr = fr[depths >= min_depths]
    if fr.empty:
        return None
    families = fr.groupby(["d0", "dL", "r"])["count"].sum().sort_values(ascending=False).index[:max_families]
    fr = fr.set_index(["d0", "dL", "r"]).loc[list(families)].reset_index()
    plt = _pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.6))
    for (d0, dl, r), g in fr.groupby(["d0", "dL", "r"]):
        g = g.sort_values("ambient")
        label = f"d0={d0}, dL={dl}, r={r}"
        ax.plot(g["ambient"], g["min_free_params"], marker="o", label=label)
        ax2.plot(g["depth"], g["min_free_params"] / g["ambient"], marker="o", label=label)
    lo = max(1, int(fr["ambient"].min()))
    hi = int(max(fr["ambient"].max(), fr["min_free_params"].max()))
    ax.plot([lo, hi], [lo, hi], color="black", lw=0.8, ls="--", label="N − Σ hidden = ambient")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("ambient dimension")
    ax.set_ylabel("min N − Σ hidden over filling architectures")
    ax.legend(fontsize=7)
    ax2.axhline(1.0, color="black", lw=0.8, ls="--")
    ax2.set_xlabel("depth L")
    ax2.set_ylabel("min (N − Σ hidden) / ambient")
    ax2.set_title("excess of the cheapest filling architecture")
    ax2.xaxis.get_major_locator().set_params(integer=True)
    ax2.legend(fontsize=7)
    ax.set_title("filling frontier")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
