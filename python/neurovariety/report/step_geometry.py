"""The geometry steps of ``reproduce``: the degree of Example 4.4 and the identifiability of (2,2,3).

Each runs in a child process (:mod:`~neurovariety.report.steps`) and returns a JSON-ready dict;
the renderers turn it into the report's tables.

>>> html = render_degree({"degree": 3, "multidegree": None, "verified": True, "dimension": 5,
...                       "loops": 4, "statement": "deg V = 3"})
>>> html.count("<tr>") >= 4
True
"""

from __future__ import annotations

from typing import Any

from ..geometry.degree import degree
from ..geometry.identifiability import identifiability
from .html import esc
from .steps import kv_table

__all__ = ["degree_example_4_4", "identifiability_2_2_3", "render_degree", "render_identifiability"]


def degree_example_4_4(seed: int = 0) -> dict[str, Any]:
    """Degree and multidegree of ``V_{(3,3,3),2}`` in ``P^5 x P^5 x P^5``, by monodromy and the trace test."""
    res = degree((3, 3, 3), 2, seed=seed)
    out: dict[str, Any] = res.to_dict()
    out["seed"] = seed
    return out


def identifiability_2_2_3(seed: int = 0) -> dict[str, Any]:
    """Weight classes over a generic function of ``(2,2,3), r = 2`` (modulo scalings and permutations)."""
    out: dict[str, Any] = identifiability((2, 2, 3), 2, seed=seed).to_dict()
    out["seed"] = seed
    return out


def render_degree(res: dict[str, Any]) -> str:
    """The degree, its proof status and the multidegree table."""
    rows = [("degree", res.get("degree")), ("dimension of V (affine)", res.get("dimension")),
            ("complete (trace test)", res.get("verified")), ("monodromy loops", res.get("loops"))]
    multidegree = res.get("multidegree") or {}
    rows += [(f"multidegree ({k})", v) for k, v in sorted(multidegree.items(), reverse=True)]
    return f"<p>{esc(str(res.get('statement', '')))}</p>" + kv_table(rows, "degree-4-4")


def render_identifiability(res: dict[str, Any]) -> str:
    """The number of weight classes and what it means."""
    rows = [("weight classes per generic function", res.get("classes")), ("identifiable", res.get("identifiable")),
            ("gauge-fixed weight vectors per function", res.get("fibre")),
            ("hidden-neuron permutations", res.get("symmetries")), ("complete (trace test)", res.get("verified"))]
    return f"<p>{esc(str(res.get('statement', '')))}</p>" + kv_table(rows, "identifiability-2-2-3")
