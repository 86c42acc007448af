"""Load result tables into one tidy DataFrame: our ``results.csv``, the paper's CSVs and the
third-party ``mfa_pnns`` layout.

Our layout is read by :func:`neurovariety.sweep.schema.tidy_results_frame` (the one home of the
sweep CSV schema); the ``mfa_pnns`` layout is renamed to it first. Rows whose dimension is not a
non-negative integer are not silently dropped: they are listed, with their line numbers, in
``df.attrs["invalid"]`` and printed by ``neurovariety analyze``. Rows of one architecture that
disagree on its dimension are left out and listed there too.

>>> import pandas as pd
>>> raw = pd.DataFrame({"Widths": ["[3, 2, 1]", "[2, 2, 2]"], "Activation": [2, 2],
...     "Ambient Dimension": [6, 6], "Expected Dimension": [6, 6], "Dimension": [5, 6],
...     "Defect": [1, 0], "Time Taken (seconds)": [0.1, 0.1]})
>>> tidy_results(raw)[["widths", "r", "defect", "filling"]].values.tolist()
[[(3, 2, 1), 2, 1, False], [(2, 2, 2), 2, 0, True]]
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np
import pandas as pd

from ..errors import InvalidInputError
from ..sweep.schema import RESULT_COLUMNS, TIDY_COLUMNS, tidy_results_frame

__all__ = ["RESULT_COLUMNS", "TIDY_COLUMNS", "PathLike", "tidy_results", "load_results"]

PathLike = Union[str, "os.PathLike[str]"]

#: Read as text, so that values like ``15.7`` or ``abc`` are reported instead of coerced.
_TEXT_COLUMNS = {c: str for c in ("Widths", "Activation", "Dimension", "architecture", "dimension_computed")}
_MFA_COLUMNS = {"architecture", "dimension_computed", "ambient_dimension"}
#: The mfa_pnns column -> our column.
_MFA_RENAME = {"architecture": "Widths", "exponent": "Activation", "ambient_dimension": "Ambient Dimension",
               "expected_dimension": "Expected Dimension", "dimension_computed": "Dimension"}
#: mfa_pnns columns that the tidy frame recomputes (not carried along as extras).
_MFA_DERIVED = ["h", "num_parameters", "defect", "is_full_dimension"]


def _from_mfa(raw: pd.DataFrame) -> pd.DataFrame:
    out: pd.DataFrame = raw.drop(columns=[c for c in _MFA_DERIVED if c in raw.columns]).rename(columns=_MFA_RENAME)
    if "Activation" not in out:
        out["Activation"] = 2
    if "Expected Dimension" not in out:
        out["Expected Dimension"] = float("nan")  # recomputed from the architecture
    return out


def tidy_results(raw: pd.DataFrame, source: str = "", lines: Optional[Sequence[int]] = None,
                 fields: Optional[Sequence[int]] = None) -> pd.DataFrame:
    """Convert a raw results table (our layout, the paper's, or mfa_pnns) into the tidy layout.

    >>> raw = pd.DataFrame({"h": [2], "exponent": [2], "architecture": ["[3, 2, 1]"],
    ...     "num_parameters": [8], "dimension_computed": [5], "ambient_dimension": [6]})
    >>> tidy_results(raw)[["widths", "expected", "defect"]].values.tolist()
    [[(3, 2, 1), 6, 1]]
    """
    cols = set(raw.columns)
    if set(RESULT_COLUMNS[:5]) <= cols:
        return tidy_results_frame(raw, source, lines, fields)
    if _MFA_COLUMNS <= cols:
        return tidy_results_frame(_from_mfa(raw), source, lines, fields)
    raise InvalidInputError(
        f"{source or 'results'}: unrecognised results layout: expected the columns {', '.join(RESULT_COLUMNS[:5])} "
        "(results.csv / paper) or architecture, exponent, dimension_computed, ambient_dimension (mfa_pnns); "
        f"got {', '.join(map(str, raw.columns))}"
    )


def _records(text: str) -> tuple[list[int], list[int]]:
    """Physical line number and field count of every non-blank CSV record after the header (the
    records pandas reads)."""
    reader = csv.reader(io.StringIO(text))
    records = [(reader.line_num, len(record)) for record in reader if record]
    return [line for line, _ in records[1:]], [n for _, n in records[1:]]


def _read_one(path: Path) -> pd.DataFrame:
    try:
        text = path.read_text(encoding="utf-8")
        raw = pd.read_csv(io.StringIO(text), dtype=_TEXT_COLUMNS)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read results file {path}: {exc}") from None
    lines, fields = _records(text)
    return tidy_results(raw, source=path.name, lines=lines, fields=fields)


def _files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(p.glob("*.csv"))
            if not found:
                raise InvalidInputError(f"no *.csv files in directory {p}")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise InvalidInputError(f"results file not found: {p}")
    return files


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
    paths = [Path(path)] if isinstance(path, (str, os.PathLike)) else [Path(p) for p in path]
    if not paths:
        raise InvalidInputError("load_results needs at least one path")
    files = _files(paths)
    frames = [_read_one(f) for f in files]
    invalid = [row for f in frames for row in f.attrs.get("invalid", [])]
    lines = [line for f in frames for line in f.attrs.get("lines", range(2, len(f) + 2))]
    for f in frames:
        # pandas deep-copies attrs in every operation: the per-row line list made each filter of
        # a 20,000-row table cost 10 ms instead of 0.4. The lines are needed only just below.
        f.attrs = {}
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    df, conflicts = _drop_conflicts(df, lines)
    invalid += conflicts
    df.attrs = {"invalid": invalid, "dropped": len(invalid), "sources": [str(f) for f in files]}
    return df


def _drop_conflicts(df: pd.DataFrame, lines: Sequence[int]) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Rows of one architecture with different dimensions are all left out and reported with their
    lines: at most one of them is right and the table alone cannot say which (a larger value may be
    a corrupt cell, a smaller one an unlucky random point)."""
    if df.empty:
        return df, []
    key = (df["widths"].astype(str) + " r=" + df["r_layers"].astype(str)).to_numpy()
    dims = df["dimension"].to_numpy()
    values: dict[str, set[int]] = {}
    for k, d in zip(key, dims):
        values.setdefault(k, set()).add(int(d))
    clash = np.array([len(values[k]) > 1 for k in key], dtype=bool)
    if not clash.any():
        return df, []
    where: dict[str, list[str]] = {}
    for i in np.flatnonzero(clash).tolist():
        where.setdefault(key[i], []).append(f"{df['source'].iloc[i] or 'results'}:{lines[i]} ({int(dims[i])})")
    conflicts: list[dict[str, object]] = [
        {"source": str(df["source"].iloc[i]) or "results", "line": int(lines[i]), "widths": str(list(df["widths"].iloc[i])),
         "value": str(int(dims[i])), "reason": "rows of this architecture disagree: " + ", ".join(where[key[i]])}
        for i in np.flatnonzero(clash).tolist()]
    kept = df.loc[~clash].reset_index(drop=True)
    kept.attrs = dict(df.attrs)
    return kept, conflicts
