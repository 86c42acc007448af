"""The search steps of ``reproduce``: activation degree thresholds and the minimal filling table.

:func:`thresholds` computes the activation degree threshold (Finkel–Rodriguez–Wu–Yahl,
arXiv 2408.04569) of every architecture it is given — ``reproduce`` gives it the defective
architectures its sweep found — on ``jobs`` worker processes, and draws the r × architecture
picture of their defects. :func:`filling_table` lists the minimal filling architectures of
``(d0, dL, r) = (2, 1, 2)`` for every depth up to 7, with the completeness verdict.

>>> res = thresholds([[3, 2, 1], [3, 5, 1]], jobs=1)
>>> [(row["widths"], row["threshold"]) for row in res["rows"]]
[([3, 2, 1], 2), ([3, 5, 1], 4)]
>>> res["distribution"]
{'2': 1, '4': 1}
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from .._resources import atomic_write_text, pickle_callable, run_local
from ..search import filling_table_summary, threshold_summary
from .figures import plot_defect_by_r
from .html import esc, table_html
from .mathml import formula
from .steps import figures_html

__all__ = ["thresholds", "filling_table", "render_thresholds", "render_filling", "threshold_chunk"]

#: Architectures per worker job.
CHUNK = 25
#: Rows of the r × architecture figure: every architecture with a threshold >= 3, and at most this many without one.
NO_THRESHOLD_ROWS = 12


def threshold_chunk(architectures: Sequence[Sequence[int]], seed: int) -> list[dict[str, Any]]:
    """The threshold rows of ``architectures`` (one worker job)."""
    return list(threshold_summary([tuple(w) for w in architectures], seed=seed, progress=False)["rows"])


def _label(w: Sequence[int]) -> str:
    return "(" + ", ".join(map(str, w)) + ")"


def _cost(w: Sequence[int]) -> int:
    """A rough cost of one threshold: exponents to check (the proved bound) times weights."""
    weights = sum(a * b for a, b in zip(w, w[1:]))
    return (2 if 1 in w[1:-1] else 6 * max(w) ** 2) * weights


def _compute(archs: list[list[int]], jobs: int, seed: int) -> list[dict[str, Any]]:
    if jobs <= 1 or len(archs) <= CHUNK:
        return threshold_chunk(archs, seed) if archs else []
    order = sorted(range(len(archs)), key=lambda i: -_cost(archs[i]))  # heaviest first: the workers finish together
    chunks = [[archs[i] for i in order[k:k + CHUNK]] for k in range(0, len(order), CHUNK)]
    done: dict[int, list[dict[str, Any]]] = {}

    def on_event(job: int, out: tuple[Any, ...]) -> None:
        if out[0] == "ok":
            done[job] = out[1]
        else:  # keep going: the architectures of a failed job are reported as failed
            reason = out[1] if out[0] == "error" else "timed out"
            done[job] = [{"widths": list(w), "threshold": None, "exists": None, "error": str(reason)} for w in chunks[job]]

    run_local(list(range(len(chunks))), lambda job: (chunks[job], seed), on_event, workers=jobs, timeout=None,
              func_blob=pickle_callable(threshold_chunk, "threshold worker"))
    rows = [row for job in range(len(chunks)) for row in done[job]]
    by_widths = {tuple(row["widths"]): row for row in rows}
    return [by_widths[tuple(w)] for w in archs]


def _matrix(rows: list[dict[str, Any]]) -> tuple[pd.DataFrame, dict[str, Optional[int]], int]:
    with_t = [r for r in rows if (r.get("threshold") or 0) >= 3]
    without = sorted((r for r in rows if r.get("exists") is False), key=lambda r: (len(r["widths"]), r["widths"]))
    chosen = sorted(with_t, key=lambda r: (-r["threshold"], len(r["widths"]), r["widths"])) + without[:NO_THRESHOLD_ROWS]
    top = min(12, max([r["threshold"] for r in with_t], default=3) + 2)
    data = {}
    for r in chosen:
        bad = {int(k): v for k, v in (r.get("defective_r") or {}).items()}
        data[_label(r["widths"])] = [bad.get(x, 0) if x <= r["checked_up_to"] else np.nan for x in range(1, top + 1)]
    m = pd.DataFrame.from_dict(data, orient="index", columns=list(range(1, top + 1)))
    return m, {_label(r["widths"]): r.get("threshold") for r in chosen}, len(without)


def _write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    table = pd.DataFrame([{
        "widths": "[" + ", ".join(map(str, r["widths"])) + "]", "depth": len(r["widths"]) - 1,
        "threshold": r.get("threshold"), "exists": r.get("exists"), "theorem": r.get("theorem"),
        "theorem_bound": r.get("theorem_bound"), "checked_up_to": r.get("checked_up_to"),
        "defective_r": "; ".join(f"r={k}: {v}" for k, v in (r.get("defective_r") or {}).items()),
        "error_bound": r.get("error_bound"), "statement": r.get("statement", r.get("error", "")),
    } for r in rows])
    atomic_write_text(path, table.to_csv(index=False))


def thresholds(architectures: Sequence[Sequence[int]], jobs: int = 1, seed: int = 0,
               out_dir: Optional[str] = None) -> dict[str, Any]:
    """Activation degree thresholds of ``architectures`` (on ``jobs`` processes); CSV and figure to ``out_dir``."""
    archs = [list(map(int, w)) for w in architectures]
    rows = _compute(archs, max(1, int(jobs)), seed)
    dist = Counter("none" if r.get("exists") is False else str(r.get("threshold")) for r in rows)
    out: dict[str, Any] = {"architectures": len(archs), "seed": seed, "rows": rows,
                           "distribution": dict(sorted(dist.items(), key=lambda kv: (kv[0] == "none", len(kv[0]), kv[0]))),
                           "probabilistic": sum(1 for r in rows if (r.get("error_bound") or 0) > 0),
                           "failed": sum(1 for r in rows if "error" in r)}
    if out_dir is not None:
        d = Path(out_dir)
        _write_csv(rows, d / "thresholds.csv")
        out["files"] = [{"path": "thresholds.csv", "description": "activation degree threshold of each defective architecture"}]
        m, marks, without = _matrix(rows)
        if len(m):
            f = plot_defect_by_r(m, d, "thresholds_by_r", thresholds=marks)
            caption = (f"Defect against the exponent r for the {sum(1 for v in marks.values() if v)} architectures with an "
                       f"activation degree threshold ≥ 3 and {min(without, NO_THRESHOLD_ROWS)} of the {without} whose "
                       "threshold does not exist (a width-one bottleneck keeps them defective for every r ≥ 2: ∞). The "
                       "black bar follows the threshold: every r to its right is non-defective (checked up to the proved "
                       "bound, then the theorem). Hatched: beyond the exponents checked.")
            out["figures"] = [{"png": f.png, "svg": f.svg, "caption": caption}]
            out["plots"] = [f.png, f.svg]
    return out


def render_thresholds(res: dict[str, Any]) -> str:
    """HTML of the thresholds step."""
    rows = res.get("rows") or []
    body = (f"<p>The activation degree threshold of each of the {esc(res.get('architectures'))} architectures the sweep "
            f"found defective at some r ≥ 2:</p><div class=\"nv-math\">{formula('activation_threshold')}</div>"
            "<p>Finkel–Rodriguez–Wu–Yahl prove it exists when every hidden width is at least 2 and is at most "
            "6m² − 6m + 1 (m the largest width); every r up to that bound is checked, a non-defective r by a rank meeting "
            "the expected dimension (proved). With a width-one hidden layer the bottleneck formula decides every large "
            f"r. {esc(res.get('probabilistic', 0))} threshold(s) rest on a rank deficiency that is only probabilistic (see "
            "error_bound); the rest are proved.</p>")
    dist = res.get("distribution") or {}
    if dist:
        body += "<p>How many architectures have each threshold (none: does not exist):</p>"
        body += table_html(pd.DataFrame([{"threshold": k, "architectures": v} for k, v in dist.items()]),
                           table_id="threshold-distribution")
    body += figures_html(res)
    if rows:
        t = pd.DataFrame([{"widths": tuple(r["widths"]), "depth": len(r["widths"]) - 1, "threshold": r.get("threshold"),
                           "exists": r.get("exists"), "theorem": r.get("theorem"), "checked up to r": r.get("checked_up_to"),
                           "defective r (defect)": ", ".join(f"{k} ({v})" for k, v in (r.get("defective_r") or {}).items()),
                           "error bound": r.get("error_bound")} for r in rows])
        csv = next((f["path"] for f in res.get("files") or []), "")
        body += "<p>Every architecture (the statements of what is proved are in the CSV):</p>"
        body += table_html(t, table_id="thresholds-table", csv=csv)
    return body


def filling_table(d0: int = 2, dL: int = 1, r: int = 2, max_depth: int = 7, max_width: int = 7, seed: int = 0,
                  out_dir: Optional[str] = None) -> dict[str, Any]:
    """The minimal filling architectures of ``(d0, dL, r)`` for depths 2..``max_depth``, with the verdict."""
    res = filling_table_summary(d0, dL, r, max_depth=max_depth, max_width=max_width, seed=seed, progress=False)
    if out_dir is not None:
        table = pd.DataFrame([{"depth": row["depth"], "ambient": row["ambient"], "architecture": str(a),
                               "non_unimodal": a in row["non_unimodal"], "minimality_certified": cert,
                               "depth_complete": row["complete"]}
                              for row in res["rows"] for a, cert in zip(row["architectures"], row["minimality_certified"])])
        name = f"minimal_filling_{d0}_{dL}_{r}.csv"
        atomic_write_text(Path(out_dir) / name, table.to_csv(index=False))
        res["files"] = [{"path": name, "description": f"minimal filling architectures of (d0, dL, r) = ({d0}, {dL}, {r})"}]
    return res


def render_filling(res: dict[str, Any]) -> str:
    """HTML of the minimal filling step."""
    rows = res.get("rows") or []
    body = (f"<p>For (d0, dL, r) = ({esc(res.get('d0'))}, {esc(res.get('dL'))}, {esc(res.get('r'))}) and each depth L, the "
            "architectures that fill their ambient space (dimension = ambient) while lowering any one hidden width by 1 "
            "loses filling. Filling is monotone in every hidden width, and the splitting bound closes every region of "
            f"widths beyond the box searched (hidden widths ≤ {esc(res.get('max_width'))}).</p>"
            f"<p><b>Verdict:</b> {esc(res.get('verdict', ''))}.</p>")
    t = pd.DataFrame([{"depth": row["depth"], "ambient": row["ambient"], "minimal filling": len(row["architectures"]),
                       "architectures": "; ".join(_label(a) for a in row["architectures"]),
                       "non-unimodal": "; ".join(_label(a) for a in row["non_unimodal"]),
                       "all minimality certified": all(row["minimality_certified"]), "complete": row["complete"],
                       "open regions": row["open_regions"], "seconds": row["seconds"]} for row in rows])
    csv = next((f["path"] for f in res.get("files") or []), "")
    return body + table_html(t, table_id="filling-table", csv=csv)
