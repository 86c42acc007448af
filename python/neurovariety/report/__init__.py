"""HTML reports of dimension sweeps, and ``reproduce``: the paper's computations end to end.

* :mod:`~neurovariety.report.page`: :func:`write_report` (index.html, summary.json, check CSVs, plots);
* :mod:`~neurovariety.report.reproduce`: :func:`reproduce` (sweep + checks + Example 4.4 + learning);
* :mod:`~neurovariety.report.grid`: the embedded grid; :mod:`~neurovariety.report.steps`: the
  optional steps, each run in a killable child process.

>>> "learning" in STEPS
True
"""

from .grid import default_grid
from .html import Section
from .page import write_report
from .reproduce import OPTIONAL_STEPS, STEPS, reproduce
from .steps import example_4_4, learning_2_2_3, run_step

__all__ = ["Section", "write_report", "default_grid", "reproduce", "STEPS", "OPTIONAL_STEPS",
           "example_4_4", "learning_2_2_3", "run_step"]
