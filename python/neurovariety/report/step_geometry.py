"""HOOKS for the geometry steps of ``reproduce``: the degree of Example 4.4 and the identifiability of (2,2,3).

``neurovariety.geometry`` (degree by monodromy and the trace test, membership, identifiability)
is not wired in yet. Each hook below is a registered step of ``reproduce``
(:data:`~neurovariety.report.reproduce.OPTIONAL_STEPS` lists it with target ``None``, so it is
reported as *skipped* with :data:`PENDING`); to fill one in:

1. write the step function here (JSON-ready dict in, computed in a child process), e.g.
   ``degree_example_4_4(seed=0) -> {"degree": ..., "multidegree": ..., "statement": ...}``;
2. put ``"neurovariety.report.step_geometry.degree_example_4_4"`` as its target in ``OPTIONAL_STEPS``;
3. replace :func:`render_generic` by a renderer if a key/value table is not enough.

>>> "geometry" in PENDING
True
>>> render_generic({"degree": 3, "statement": "trace test passed"}).count("<tr>")
3
"""

from __future__ import annotations

from typing import Any

from .steps import kv_table

__all__ = ["PENDING", "render_generic"]

#: Note shown for a hook that has no step function yet.
PENDING = "not computed: this step waits for neurovariety.geometry (its hook is in neurovariety.report.step_geometry)"

# HOOK(geometry): degree of Example 4.4 -- the degree (and multidegree in P^5 x P^5 x P^5) of V_(3,3,3),2,
#   certified by the trace test; step name "degree_4_4", target to fill in OPTIONAL_STEPS.
# HOOK(geometry): identifiability of (2,2,3), r = 2 -- the size of the generic fibre modulo the hidden-neuron
#   scalings and permutations; step name "identifiability_2_2_3", target to fill in OPTIONAL_STEPS.


def render_generic(res: Any) -> str:
    """Any flat JSON result as a two-column table (a stand-in renderer for the hooks)."""
    items = res.items() if isinstance(res, dict) else [("result", res)]
    return kv_table([(str(k), v) for k, v in items if not isinstance(v, (dict, list))], "geometry-result")
