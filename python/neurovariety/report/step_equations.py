"""The equations steps of ``reproduce``: Example 4.4 of Kubjas–Li–Wiesmann and its Hilbert function.

``V_{(3,3,3),2}`` is a subvariety of ``P^5 × P^5 × P^5`` of codimension 3; the paper finds no
forms of multidegree (1,1,1) in its ideal and generators in total degree 4.
:func:`example_4_4` computes the generators (with their Macaulay2 text), :func:`hilbert_example_4_4`
the Hilbert function of every multidegree up to total degree 4.

>>> res = hilbert_example_4_4(max_degree=3)
>>> [row["quotient"] for row in res["by_total_degree"]]
[1, 18, 171, 1140]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pandas as pd

from .._resources import atomic_write_text
from ..dimension import dimension
from ..equations import hilbert_function, vanishing_ideal
from .html import code_html, esc, table_html
from .mathml import formula
from .steps import kv_table

__all__ = ["example_4_4", "hilbert_example_4_4", "render_example_4_4", "render_hilbert"]

_ARCH = ((3, 3, 3), 2)


def example_4_4(max_degree: int = 4, seed: int = 0, progress: Optional[bool] = False) -> dict[str, Any]:
    """Example 4.4: dimension, codimension, the (1,1,1) part and the generators up to ``max_degree``."""
    d = dimension(*_ARCH, seed=seed)
    projective = int(d.dimension) - 3  # V is a multi-cone: one scaling per output
    res = vanishing_ideal(*_ARCH, max_degree=max_degree, seed=seed, progress=progress)
    return {
        "widths": [3, 3, 3], "r": 2,
        "affine_dimension": int(d.dimension), "dimension_certified": bool(d.certified),
        "projective_dimension": projective, "codimension": 15 - projective,
        "max_degree": max_degree,
        "multidegree_111_forms": int(res.part_dimensions.get((1, 1, 1), -1)),
        "generators_by_degree": {str(k): int(v) for k, v in res.counts.items()},
        "generators_by_multidegree": {"(" + ",".join(map(str, k)) + ")": int(v) for k, v in sorted(res.multidegree_counts.items())},
        "verified": bool(res.verified),
        "statement": res.statement,
        "seconds": round(float(res.seconds), 3),
        "generators": res.to_dict()["generators"],
        "macaulay2": res.to_m2(),
    }


def hilbert_example_4_4(max_degree: int = 4, seed: int = 0, out_dir: Optional[str] = None) -> dict[str, Any]:
    """The Hilbert function of ``V_{(3,3,3),2}`` by multidegree and by total degree up to ``max_degree``."""
    df = hilbert_function(*_ARCH, max_degree=max_degree, seed=seed, progress=False)
    df = df.assign(total=df["degree"].map(sum), degree=df["degree"].map(lambda a: "(" + ",".join(map(str, a)) + ")"))
    total = df.groupby("total")[["ring", "ideal", "quotient"]].sum().reset_index()
    out: dict[str, Any] = {
        "widths": [3, 3, 3], "r": 2, "max_degree": max_degree, "seed": seed,
        "parts": df[["degree", "total", "ring", "ideal", "quotient"]].to_dict(orient="records"),
        "by_total_degree": total.rename(columns={"total": "degree"}).to_dict(orient="records"),
        "statement": df.attrs.get("statement", ""),
    }
    if out_dir is not None:
        atomic_write_text(Path(out_dir) / "hilbert_example_4_4.csv", df[["degree", "total", "ring", "ideal", "quotient"]].to_csv(index=False))
        out["files"] = [{"path": "hilbert_example_4_4.csv", "description": "Hilbert function of V_(3,3,3),2 by multidegree"}]
    return out


def render_example_4_4(res: dict[str, Any]) -> str:
    """HTML of the Example 4.4 step."""
    rows: list[tuple[str, object]] = [
        ("affine dimension of V" + (" (certified)" if res.get("dimension_certified") else ""), res.get("affine_dimension", "?")),
        ("dimension in P^5×P^5×P^5", res.get("projective_dimension", "?")),
        ("codimension (paper: 3)", res.get("codimension", "?")),
        ("forms of multidegree (1,1,1) vanishing on V (paper: none)", res.get("multidegree_111_forms", "?")),
    ]
    rows += [(f"minimal generators of total degree {deg}", n) for deg, n in (res.get("generators_by_degree") or {}).items()]
    rows += [(f"  of multidegree {md}", n) for md, n in (res.get("generators_by_multidegree") or {}).items()]
    rows.append(("all exactly verified", res.get("verified", "?")))
    body = kv_table(rows, "example-4-4")
    body += (f"<p>Generators of total degree ≤ {esc(res.get('max_degree', '?'))}; the paper states the ideal is "
             "generated in degree 4. Coordinates: c<sub>j,m</sub> is the coefficient of monomial m in output j.</p>")
    if res.get("statement"):
        body += f'<p class="muted">{esc(res["statement"])}</p>'
    if res.get("macaulay2"):
        body += ("<p>The ideal in Macaulay2 syntax (paste into <code>M2</code>; the ring is multigraded by output):</p>"
                 + code_html(res["macaulay2"], "example-4-4-m2", label="copy the Macaulay2 code"))
    return body


def render_hilbert(res: dict[str, Any]) -> str:
    """HTML of the Hilbert-function step."""
    body = (f"<p>For every multidegree α up to total degree {esc(res.get('max_degree'))}, the dimension of the part "
            "of degree α of the coordinate ring of V = V<sub>(3,3,3),2</sub> ⊂ P<sup>5</sup>×P<sup>5</sup>×P<sup>5</sup>:</p>"
            f'<div class="nv-math">{formula("hilbert")}</div>')
    total = pd.DataFrame(res.get("by_total_degree") or [])
    if len(total):
        body += "<p>Summed over the multidegrees of each total degree:</p>" + table_html(total, table_id="hilbert-total")
    parts = pd.DataFrame(res.get("parts") or [])
    if len(parts):
        nonzero = parts[parts["ideal"] > 0]
        if len(nonzero):
            first = int(nonzero["total"].min())
            where = nonzero[nonzero["total"] == first]["degree"].astype(str)
            body += (f"<p>The ideal has no forms of total degree below {first}; in degree {first} it has forms in the "
                     f"parts {esc(', '.join(where))} only (the generators of Example 4.4). All parts:</p>")
        else:
            body += "<p>The ideal has no forms in any part computed. All parts:</p>"
        csv = next((f["path"] for f in res.get("files") or []), "")
        body += table_html(parts, table_id="hilbert-parts", csv=csv)
    if res.get("statement"):
        body += f'<p class="muted">{esc(res["statement"])}</p>'
    return body
