"""Load result tables into one tidy DataFrame: our ``results.csv``, the paper's CSVs and the
third-party ``mfa_pnns`` layout.

>>> import pandas as pd
>>> raw = pd.DataFrame({"Widths": ["[3, 2, 1]", "[2, 2, 2]"], "Activation": [2, 2],
...     "Ambient Dimension": [6, 6], "Expected Dimension": [6, 6], "Dimension": [5, 6],
...     "Defect": [1, 0], "Time Taken (seconds)": [0.1, 0.1]})
>>> tidy_results(raw)[["widths", "r", "defect", "filling"]].values.tolist()
[[(3, 2, 1), 2, 1, False], [(2, 2, 2), 2, 0, True]]
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Sequence, Union

import numpy as np
import pandas as pd

from ..architecture import Architecture, parse_r, parse_widths
from ..sweep import RESULT_COLUMNS

__all__ = ["RESULT_COLUMNS", "TIDY_COLUMNS", "PathLike", "tidy_results", "load_results"]

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
