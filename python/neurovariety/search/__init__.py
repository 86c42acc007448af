"""Architecture search: activation degree thresholds and minimal filling architectures, with certificates.

* :func:`activation_threshold` — the smallest ``t`` with ``V_{d,r}`` non-defective for every
  ``r > t`` (Finkel–Rodriguez–Wu–Yahl): every ``r`` up to the proved bound is checked, non-defective
  ones are certified, defective ones carry their error bound or a proof.
* :func:`minimal_filling` — every minimal filling architecture ``(d0, d1, ..., dL)`` with hidden
  widths in a box (Dao–Rodriguez), filling proved, minimality proved or with error bounds, and
  the unbounded space beyond the box covered by closed (proved) or open regions.

>>> from neurovariety.search import activation_threshold, minimal_filling
>>> activation_threshold((3, 2, 1), seed=0).threshold
2
>>> minimal_filling(2, 1, 2, 5, 5, seed=0).widths
[(2, 3, 3, 3, 2, 1)]

Modules: :mod:`~.threshold`, :mod:`~.space` (the box, width saturation), :mod:`~.bounds`
(the splitting bound on grids), :mod:`~.frontier` (the staircase walk), :mod:`~.parallel`
(batches on the worker pool), :mod:`~.checkpoint`, :mod:`~.regions`, :mod:`~.result`,
:mod:`~.filling` (:func:`minimal_filling`), :mod:`~.summary` (JSON for reports).
"""

from .filling import minimal_filling
from .regions import Region
from .result import FillingArchitecture, MFAResult, NeighbourCheck
from .space import FillingProblem, unimodal
from .summary import THRESHOLD_ARCHITECTURES, filling_table_summary, threshold_summary
from .threshold import ExponentCheck, ThresholdResult, activation_threshold, theorem_bound

__all__ = [
    "ExponentCheck",
    "FillingArchitecture",
    "FillingProblem",
    "MFAResult",
    "NeighbourCheck",
    "Region",
    "THRESHOLD_ARCHITECTURES",
    "ThresholdResult",
    "activation_threshold",
    "filling_table_summary",
    "minimal_filling",
    "theorem_bound",
    "threshold_summary",
    "unimodal",
]
