"""JSON-ready summaries of the architecture searches (what ``neurovariety reproduce`` shows).

:func:`threshold_summary` gives the activation degree thresholds of a list of architectures;
:func:`filling_table_summary` the minimal filling architectures of ``(d0, dL, r)`` for every depth
up to a maximum, each with its completeness verdict. Both return plain Python types only.

>>> rows = threshold_summary([(3, 2, 1)], seed=0)["rows"]
>>> rows[0]["threshold"], rows[0]["defective_r"]
(2, {'2': 1})
"""

from __future__ import annotations

import time
from typing import Any, Optional, Sequence

from ..architecture import ArchitectureLike
from .filling import minimal_filling
from .regions import summarise
from .threshold import activation_threshold

__all__ = ["threshold_summary", "filling_table_summary", "THRESHOLD_ARCHITECTURES"]

#: Architectures whose thresholds the summary shows by default: Alexander–Hirschowitz sporadic,
#: Segre–Veronese defective, deep single-output, equi-width, and a width-one bottleneck.
THRESHOLD_ARCHITECTURES: tuple[tuple[int, ...], ...] = (
    (3, 2, 1), (3, 5, 1), (4, 5, 3), (4, 6, 5), (6, 8, 3), (3, 5, 2), (2, 3, 3, 2, 1), (2, 2, 2), (3, 3, 3, 3),
    (2, 1, 2, 1),
)


def threshold_summary(architectures: Sequence[ArchitectureLike] = THRESHOLD_ARCHITECTURES, *, seed: Optional[int] = 0,
                      progress: Optional[bool] = None) -> dict[str, Any]:
    """``{"kind": "activation-thresholds", "rows": [...], "seconds": ...}``, one row per architecture."""
    start, rows = time.perf_counter(), []
    for widths in architectures:
        res = activation_threshold(widths, seed=seed, progress=progress)
        d = res.to_dict()
        rows.append({key: d[key] for key in ("widths", "threshold", "exists", "theorem", "theorem_bound", "checked_up_to",
                                             "defective_r", "error_bound", "statement")})
    return {"kind": "activation-thresholds", "rows": rows, "seconds": time.perf_counter() - start}


def filling_table_summary(d0: int = 2, dL: int = 1, r: int = 2, *, max_depth: int = 7, max_width: int = 7,
                          seed: Optional[int] = 0, progress: Optional[bool] = None) -> dict[str, Any]:
    """The minimal filling architectures for every depth ``2..max_depth``, with completeness verdicts.

    ``complete`` is True for a depth when every region beyond the box is closed; ``verdict`` says
    whether that holds for every depth.
    """
    start, rows = time.perf_counter(), []
    for depth in range(2, max_depth + 1):
        res = minimal_filling(d0, dL, r, depth, max_width, seed=seed, progress=progress)
        rows.append({
            "depth": depth, "ambient": res.ambient, "architectures": [list(w) for w in res.widths],
            "non_unimodal": [list(w) for w in res.non_unimodal],
            "minimality_certified": [a.minimality_certified for a in res.architectures],
            "complete": res.complete, "regions": summarise(res.regions), "open_regions": len(res.open_regions),
            "ranks": res.ranks, "error_bound": res.error_bound, "seconds": res.seconds, "statement": res.statement,
        })
    complete = all(row["complete"] for row in rows)
    verdict = (f"complete for every depth 2..{max_depth}: no minimal filling architecture has a hidden width above "
               f"{max_width}" if complete else
               "incomplete: open regions remain at depth(s) " + ", ".join(str(row["depth"]) for row in rows if not row["complete"]))
    return {"kind": "minimal-filling-table", "d0": d0, "dL": dL, "r": r, "max_width": max_width, "rows": rows,
            "complete": complete, "verdict": verdict, "seconds": time.perf_counter() - start}
