"""The one home of the sweep CSV schema, for writing *and* reading.

``results.csv`` starts with :data:`RESULT_COLUMNS` (exactly the published harness's columns),
followed by :data:`EXTRA_COLUMNS`; ``timeout.csv`` has :data:`TIMEOUT_COLUMNS` and ``errors.csv``
:data:`ERROR_COLUMNS`. This module turns a computed result into a record (in the worker) and a
record into a row (in the parent), validates headers, scans an existing file for ``resume``
(validating it *before* anything repairs it), parses rows back into architectures and turns a
results frame into the tidy frame of :data:`TIDY_COLUMNS`.

>>> from neurovariety.architecture import Architecture
>>> a = Architecture((3, 2, 1), 2)
>>> row = result_row(a, {"dimension": 5}, 0.25)
>>> [row[c] for c in RESULT_COLUMNS]
['[3, 2, 1]', '2', 6, 6, 5, 1, '0.250000']
>>> scan_existing(b"Widths,Activation\\n\\"[3, 2, 1]\\",2\\n", "timeouts", "timeout.csv").keys
{((3, 2, 1), (2,))}
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence, Union

import numpy as np

from ..architecture import Architecture, parse_r, parse_widths
from ..errors import InvalidInputError
from .jobs import Key, activation_label, job_key, list_label, widths_label

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RESULT_COLUMNS",
    "EXTRA_COLUMNS",
    "TIMEOUT_COLUMNS",
    "ERROR_COLUMNS",
    "TIDY_COLUMNS",
    "KINDS",
    "HEADERS",
    "RECORD_FIELDS",
    "Scan",
    "record_from_result",
    "result_row",
    "timeout_row",
    "error_row",
    "csv_line",
    "row_architecture",
    "check_header",
    "scan_existing",
    "read_results_frame",
    "read_architectures",
    "tidy_results_frame",
]

#: The first columns of ``results.csv``, exactly as the published harness wrote them.
RESULT_COLUMNS: tuple[str, ...] = (
    "Widths",
    "Activation",
    "Ambient Dimension",
    "Expected Dimension",
    "Dimension",
    "Defect",
    "Time Taken (seconds)",
)
#: Our extra columns, after :data:`RESULT_COLUMNS` (``Error Bound`` is ``DimensionResult.error_bound``).
EXTRA_COLUMNS: tuple[str, ...] = ("Certified", "Upper Bound", "Bound", "Method", "Primes", "Trials", "Error Bound")
#: Columns of ``timeout.csv``.
TIMEOUT_COLUMNS: tuple[str, ...] = ("Widths", "Activation")
#: Columns of ``errors.csv``.
ERROR_COLUMNS: tuple[str, ...] = ("Widths", "Activation", "Reason", "Time Taken (seconds)")

#: Columns of the tidy frame, in order (extra columns of the input follow, snake_cased).
TIDY_COLUMNS: tuple[str, ...] = (
    "widths",  # tuple of ints
    "depth",  # L, number of weight matrices
    "d0",
    "dL",
    "r",  # int when all hidden layers share one exponent (1 without hidden layer), else a tuple
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

#: The three output files of a sweep.
KINDS: tuple[str, ...] = ("results", "timeouts", "errors")
#: The header each output is created with.
HEADERS: dict[str, tuple[str, ...]] = {
    "results": RESULT_COLUMNS + EXTRA_COLUMNS,
    "timeouts": TIMEOUT_COLUMNS,
    "errors": ERROR_COLUMNS,
}
# The columns an existing file must start with (any further ones must be known columns).
_REQUIRED: dict[str, tuple[str, ...]] = {"results": RESULT_COLUMNS, "timeouts": TIMEOUT_COLUMNS, "errors": ERROR_COLUMNS[:2]}

#: Fields of a record (what a worker sends back for a finished job).
RECORD_FIELDS: tuple[str, ...] = ("ambient", "expected", "dimension", "defect", "certified", "upper_bound", "bound",
                                  "method", "primes", "trials", "error_bound")


# --- writing ---------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    # numpy scalars and tuples -> builtins, so records pickle small and print cleanly.
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (list, tuple, str)):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def record_from_result(res: object) -> dict[str, Any]:
    """The fields of a DimensionResult (or of a dict / int from a custom compute) as builtins.

    >>> record_from_result(5)
    {'dimension': 5}
    """
    if isinstance(res, bool):
        raise TypeError(f"compute returned {res!r}, expected a DimensionResult, a dict or an int")
    if isinstance(res, int) or (hasattr(res, "__index__") and not hasattr(res, "__len__")):
        return {"dimension": int(res)}  # type: ignore[call-overload, unused-ignore]
    if hasattr(res, "to_dict"):
        d = res.to_dict()
    elif isinstance(res, dict):
        d = res
    else:
        d = {k: getattr(res, k) for k in RECORD_FIELDS if hasattr(res, k)}
    if "dimension" not in d:
        raise TypeError(f"compute returned {type(res).__name__} without a 'dimension'")
    return {k: _plain(d[k]) for k in RECORD_FIELDS if k in d}


def _labels(arch: Architecture) -> dict[str, Any]:
    return {"Widths": widths_label(arch), "Activation": activation_label(arch)}


def result_row(arch: Architecture, record: dict[str, Any], seconds: float) -> dict[str, Any]:
    """The ``results.csv`` row of a finished job (missing record fields come from the architecture)."""
    dim = record["dimension"]
    exp = record.get("expected", arch.expected_dim)
    primes = record.get("primes", "")
    return {
        **_labels(arch),
        "Ambient Dimension": record.get("ambient", arch.ambient_dim),
        "Expected Dimension": exp,
        "Dimension": dim,
        "Defect": record.get("defect", exp - dim),
        "Time Taken (seconds)": f"{seconds:.6f}",
        "Certified": record.get("certified", ""),
        "Upper Bound": record.get("upper_bound", ""),
        "Bound": record.get("bound", ""),
        "Method": record.get("method", ""),
        "Primes": list_label(primes) if isinstance(primes, (list, tuple)) else primes,
        "Trials": record.get("trials", ""),
        "Error Bound": record.get("error_bound", ""),
    }


def timeout_row(arch: Architecture) -> dict[str, Any]:
    """The ``timeout.csv`` row of a job killed at the timeout."""
    return _labels(arch)


def error_row(arch: Architecture, reason: str, seconds: float) -> dict[str, Any]:
    """The ``errors.csv`` row of a failed job (``seconds`` NaN when unknown)."""
    return {**_labels(arch), "Reason": reason, "Time Taken (seconds)": "" if math.isnan(seconds) else f"{seconds:.6f}"}


def csv_line(values: Sequence[Any]) -> str:
    """One CSV line, ``\\n``-terminated."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


# --- reading ---------------------------------------------------------------------------------------
def row_architecture(widths: object, activation: object) -> Architecture:
    """The architecture of a row's ``Widths`` / ``Activation`` cells (``"[3, 3, 3]"``, ``"2"``).

    >>> row_architecture("[3, 4, 5, 6]", "[2, 3]").r
    (2, 3)
    """
    return Architecture.parse(str(widths), str(activation))


def check_header(header: Sequence[str], kind: str, path: object) -> list[str]:
    """``header`` if an existing ``kind`` file with it may be appended to, else InvalidInputError."""
    required, known = _REQUIRED[kind], HEADERS[kind]
    if tuple(header[: len(required)]) != required or not set(header[len(required) :]) <= set(known):
        raise InvalidInputError(
            f"{path}: existing header {list(header)} does not match the expected columns {list(known)} of a "
            f"sweep's {kind} file; refusing to touch it"
        )
    return list(header)


def _check_row(kind: str, header: Sequence[str], row: Sequence[str]) -> Key:
    if len(row) != len(header):
        raise ValueError(f"{len(row)} fields instead of {len(header)}")
    arch = row_architecture(row[0], row[1])
    if kind == "results":
        for cell in row[2:6]:
            int(cell)
        float(row[6])
    return job_key(arch)


@dataclass
class Scan:
    """What :func:`scan_existing` found: the header to append with, the jobs already present, and
    how many leading bytes to keep (a torn last line is cut; ``warning`` then says which)."""

    header: list[str]
    keys: set[Key] = field(default_factory=set)
    keep: int = 0
    warning: Optional[str] = None


def _decode(line: bytes) -> Optional[list[str]]:
    try:
        return next(csv.reader([line.decode("utf-8")]), [])
    except (UnicodeDecodeError, csv.Error):
        return None


def _header(data: bytes, kind: str, path: object) -> Optional[list[str]]:
    """The validated header of ``data``; ``None`` when the file holds no complete header line."""
    nl = data.find(b"\n")
    header = _decode(data[: nl if nl >= 0 else len(data)].rstrip(b"\r"))
    if header is None:
        raise InvalidInputError(f"{path}: not a UTF-8 CSV file; refusing to touch it")
    if nl < 0 and csv_line(HEADERS[kind]).encode().startswith(data):
        return None  # a header cut short by a kill while the file was created
    check_header(header, kind, path)
    return None if nl < 0 else list(header)


def scan_existing(data: bytes, kind: str, path: object) -> Scan:
    """Validate an existing output's bytes, then find its jobs and the torn line to drop, if any.

    The header is checked first: a file that is not a sweep CSV of the expected schema raises
    :class:`~neurovariety.errors.InvalidInputError` and must be left as it is. A last line
    without newline (a writer killed mid-row), or a last line with the wrong number of fields or
    unparsable cells, is torn: :attr:`Scan.keep` excludes it and :attr:`Scan.warning` names it.
    An unreadable row before the last one raises (the file is not ours to repair).
    """
    if not data.strip():
        return Scan(list(HEADERS[kind]))
    header = _header(data, kind, path)
    if header is None:
        return Scan(list(HEADERS[kind]), warning=f"{path}: dropped a torn header line")
    lines = data.split(b"\n")
    torn_tail = lines.pop()  # b"" when the file ends with a newline
    offset = len(lines[0]) + 1
    scan = Scan(header, keep=offset)
    for lineno, line in enumerate(lines[1:], start=2):
        last = lineno == len(lines) and not torn_tail
        row = _decode(line.rstrip(b"\r"))
        if row is not None and not "".join(row).strip():
            offset += len(line) + 1
            scan.keep = offset
            continue
        try:
            if row is None:
                raise ValueError("not UTF-8 text")
            scan.keys.add(_check_row(kind, header, row))
        except ValueError as e:
            if not last:
                raise InvalidInputError(f"{path}:{lineno}: unreadable row {line[:200]!r}: {e}; refusing to append") from None
            scan.warning = f"{path}:{lineno}: dropped a torn row {line[:200]!r} ({e}); that job runs again"
            return scan
        offset += len(line) + 1
        scan.keep = offset
    if torn_tail:
        scan.warning = f"{path}:{len(lines) + 1}: dropped a torn row {torn_tail[:200]!r} (no newline); that job runs again"
    return scan


def read_architectures(path: object) -> list[Architecture]:
    """The architectures of a ``timeout.csv`` / ``errors.csv`` (any of the three), in file order."""
    with open(str(path), newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows, None)
        return [row_architecture(row[0], row[1]) for row in rows if len(row) >= 2]


def read_results_frame(path: object) -> "pd.DataFrame":
    """``results.csv`` as read by pandas (the raw layout; see :func:`tidy_results_frame`)."""
    import pandas as pd  # noqa: PLC0415 - pandas is heavy; every sweep worker process imports this module

    return pd.read_csv(str(path), dtype={"Widths": str, "Activation": str})


# --- the tidy frame ----------------------------------------------------------------------------------
def _snake(name: str) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "_", str(name)).strip("_").lower()


def _parse_bool(value: object) -> object:
    import pandas as pd  # noqa: PLC0415 - see read_results_frame

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


def _frame_architecture(widths: object, activation: object) -> Architecture:
    # Each cell parsed once, validated once (by Architecture): this is per row of a large sweep.
    w = parse_widths(widths) if isinstance(widths, str) else tuple(int(x) for x in widths)  # type: ignore[attr-defined]
    if len(w) == 2:
        return Architecture(w, 1)  # a single layer has no activation; the file's label is irrelevant
    if isinstance(activation, (int, np.integer)):
        return Architecture(w, int(activation))
    return Architecture(w, parse_r(str(activation)))


def _tidy_r(a: Architecture) -> Union[int, tuple[int, ...]]:
    return a.uniform_r if a.uniform_r is not None else (1 if not a.r else a.r)


def _shape_columns(out: "pd.DataFrame", archs: list[Architecture]) -> None:
    out["widths"] = [a.widths for a in archs]
    out["depth"] = np.array([a.depth for a in archs], dtype=np.int64)
    out["d0"] = np.array([a.d0 for a in archs], dtype=np.int64)
    out["dL"] = np.array([a.dL for a in archs], dtype=np.int64)
    r_values: list[Any] = [_tidy_r(a) for a in archs]  # ints, or tuples for per-layer exponents
    out["r"] = r_values
    out["r_layers"] = [a.r for a in archs]
    out["num_params"] = np.array([a.num_params for a in archs], dtype=np.int64)


def _dimension_columns(out: "pd.DataFrame", raw: "pd.DataFrame", keep: np.ndarray, archs: list[Architecture],
                       dims: np.ndarray, source: str) -> None:
    import pandas as pd  # noqa: PLC0415 - see read_results_frame

    amb = pd.to_numeric(raw["Ambient Dimension"][keep], errors="coerce").to_numpy(dtype=float)
    computed_amb = np.array([a.ambient_dim for a in archs], dtype=np.int64)
    # Trust the architecture over a missing file value; a disagreement is a corrupt file.
    amb_i = np.where(np.isnan(amb), computed_amb, amb).astype(np.int64)
    bad = np.flatnonzero(amb_i != computed_amb)
    if bad.size:
        i = bad[0]
        raise InvalidInputError(
            f"{source or 'results'}: ambient dimension {amb_i[i]} of {archs[i]} does not match "
            f"dL * C(d0+D-1, D) = {computed_amb[i]}"
        )
    out["ambient"] = amb_i
    exp = pd.to_numeric(raw["Expected Dimension"][keep], errors="coerce").to_numpy(dtype=float)
    out["expected"] = np.where(np.isnan(exp), np.array([a.expected_dim for a in archs], dtype=np.int64), exp).astype(np.int64)
    out["dimension"] = dims
    out["defect"] = out["expected"] - out["dimension"]
    out["filling"] = out["dimension"] == out["ambient"]


#: Largest dimension a results table may hold (an int64 column; any real sweep is far below it).
MAX_DIMENSION = 2**62


def _dimension_value(value: object) -> Optional[int]:
    """A dimension cell as an int, or None when it is not a non-negative integer (``abc``, empty,
    ``-5``, ``15.7``, ``²``, or beyond :data:`MAX_DIMENSION`)."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        number = int(value)
    elif isinstance(value, (float, np.floating)):
        if not (math.isfinite(value) and float(value).is_integer()):
            return None
        number = int(value)
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            return None
        number = int(text)
    return number if 0 <= number <= MAX_DIMENSION else None


def _row_problems(raw: "pd.DataFrame", parsed: Sequence[Optional[int]]) -> list[Optional[str]]:
    """Why each row cannot be used, or None: an unreadable dimension, certificate or defect.
    (Columns are read into lists once: per-row ``iloc`` dominated the tidying of a large sweep.)"""
    import pandas as pd  # noqa: PLC0415 - see read_results_frame

    n = len(parsed)
    certified = raw["Certified"].tolist() if "Certified" in raw.columns else [None] * n
    checks_defect = "Defect" in raw.columns and "Expected Dimension" in raw.columns
    defects = [_dimension_value(v) for v in raw["Defect"]] if checks_defect else [None] * n
    expected = [_dimension_value(v) for v in raw["Expected Dimension"]] if checks_defect else [None] * n
    problems: list[Optional[str]] = []
    for dimension, cell, defect, exp in zip(parsed, certified, defects, expected):
        blank = cell is None or (isinstance(cell, float) and math.isnan(cell)) or str(cell).strip() == ""
        if dimension is None:
            problems.append("the dimension is not a non-negative integer")
        elif not blank and _parse_bool(cell) is pd.NA:
            problems.append(f"Certified is {cell!r}, not true or false")
        elif defect is not None and exp is not None and defect != exp - dimension:
            problems.append(f"Defect {defect} is not Expected Dimension - Dimension = {exp - dimension}")
        else:
            problems.append(None)
    return problems


def _line(lines: Optional[Sequence[int]], i: int) -> int:
    """The file line of row ``i``: from ``lines`` when given, else the row after the header."""
    return int(lines[i]) if lines is not None and i < len(lines) else i + 2


def _invalid_rows(raw: "pd.DataFrame", problems: list[Optional[str]], source: str,
                  lines: Optional[Sequence[int]]) -> list[dict[str, Any]]:
    out = []
    for i, (problem, v) in enumerate(zip(problems, raw["Dimension"])):
        if problem is not None:
            out.append({"source": source or "results", "line": _line(lines, i), "widths": str(raw["Widths"].iloc[i]),
                        "value": "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v),
                        "reason": problem})
    return out


def _row_architectures(raw: "pd.DataFrame", keep: np.ndarray, source: str, lines: Optional[Sequence[int]],
                       known: Mapping[tuple[str, str], Architecture]) -> list[Architecture]:
    archs: list[Architecture] = []
    for i, (w, a) in enumerate(zip(raw["Widths"], raw["Activation"])):
        if keep[i]:
            arch = known.get((w, a)) if known else None
            if arch is None:
                try:
                    arch = _frame_architecture(w, a)
                except ValueError as exc:
                    raise InvalidInputError(f"{source or 'results'}:{_line(lines, i)}: {exc}") from None
            archs.append(arch)
    return archs


def tidy_results_frame(raw: "pd.DataFrame", source: str = "", lines: Optional[Sequence[int]] = None,
                       fields: Optional[Sequence[int]] = None,
                       known: Mapping[tuple[str, str], Architecture] = MappingProxyType({})) -> "pd.DataFrame":
    """The tidy frame (:data:`TIDY_COLUMNS`, then the other columns snake_cased) of a results table
    with the :data:`RESULT_COLUMNS` layout (ours, or the paper's CSVs).

    Rows whose dimension is not a non-negative integer (a failed job in a paper CSV, or a corrupt
    value) are left out of the frame and listed in ``df.attrs["invalid"]`` with their line number
    (``lines``: the file line of each row; default: row index + 2); ``df.attrs["dropped"]`` counts them.
    ``fields`` (the number of fields of each record as written) marks a record shorter than the
    header as torn: pandas would pad it with empty cells and keep it. ``df.attrs["lines"]`` holds
    the line of every kept row. ``known`` maps ``(Widths, Activation)`` cells to architectures
    already built (a sweep passes the ones it wrote: parsing every label again is most of the time
    of reading a large sweep back).

    >>> import pandas as pd
    >>> raw = pd.DataFrame({"Widths": ["[3, 2, 1]"], "Activation": ["2"], "Ambient Dimension": [6],
    ...     "Expected Dimension": [6], "Dimension": [5], "Defect": [1], "Time Taken (seconds)": [0.1]})
    >>> tidy_results_frame(raw)[["widths", "r", "defect", "filling", "seconds"]].values.tolist()
    [[(3, 2, 1), 2, 1, False, 0.1]]
    """
    import pandas as pd  # noqa: PLC0415 - see read_results_frame

    cols = set(raw.columns)
    if not set(RESULT_COLUMNS[:5]) <= cols:
        raise InvalidInputError(
            f"{source or 'results'}: not a results table: expected the columns {', '.join(RESULT_COLUMNS[:5])}, "
            f"got {', '.join(map(str, raw.columns))}"
        )
    parsed = [_dimension_value(v) for v in raw["Dimension"]]
    problems = _row_problems(raw, parsed)
    width = len(raw.columns)
    for i, n in enumerate(fields or ()):
        if n < width:
            problems[i] = f"the line has {n} of the header's {width} fields (torn or truncated)"
    keep = np.array([p is None for p in problems], dtype=bool)
    dims = np.array([d for d, p in zip(parsed, problems) if p is None], dtype=np.int64)
    archs = _row_architectures(raw, keep, source, lines, known)
    out: pd.DataFrame = pd.DataFrame(index=range(len(archs)))
    _shape_columns(out, archs)
    _dimension_columns(out, raw, keep, archs, dims, source)
    cert = raw["Certified"][keep] if "Certified" in cols else [pd.NA] * len(out)
    flags: list[Any] = [_parse_bool(v) for v in cert]
    out["certified"] = pd.array(flags, dtype="boolean")
    secs = raw["Time Taken (seconds)"][keep] if "Time Taken (seconds)" in cols else None
    out["seconds"] = np.nan if secs is None else pd.to_numeric(secs, errors="coerce").to_numpy(dtype=float)
    out["source"] = source
    used = set(RESULT_COLUMNS) | {"Certified"}
    for col in raw.columns:
        name = _snake(col)
        if col not in used and name and name not in out.columns:
            out[name] = raw.loc[raw.index[keep], col].to_numpy()
    out.attrs["invalid"] = _invalid_rows(raw, problems, source, lines)
    out.attrs["dropped"] = len(out.attrs["invalid"])
    out.attrs["lines"] = [_line(lines, i) for i in np.flatnonzero(keep).tolist()]
    return out
