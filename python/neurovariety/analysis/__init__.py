"""Evaluate dimension sweeps: load result tables, check them against theory, plot them.

This is the library form of the pandas notebooks the paper uses to verify its conjecture on every
computed row. Three layouts are read into one tidy DataFrame by :func:`load_results`:

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


from ..theory import AH_SPORADIC, alexander_hirschowitz_dimension, linear_dimension
from .checks import (
    CHECKS,
    CheckReport,
    CheckResult,
    check_alexander_hirschowitz,
    check_conjecture_nonincreasing,
    check_dimension_le_expected,
    check_equiwidth,
    check_linear,
    check_nonincreasing_dl1,
    check_splitting_bound,
    run_checks,
)
from .load import RESULT_COLUMNS, TIDY_COLUMNS, load_results, tidy_results
from .plots import filling_frontier, plot_defect_heatmaps, plot_dimension_vs_expected, plot_filling_frontier, plot_time_vs_weights

__all__ = [
    "RESULT_COLUMNS",
    "TIDY_COLUMNS",
    "CHECKS",
    "CheckReport",
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
