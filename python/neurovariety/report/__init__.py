"""HTML reports of dimension sweeps, and ``reproduce``: the paper's computations end to end.

* :mod:`~neurovariety.report.page`: :func:`write_report` (index.html, summary.json, check CSVs, figures);
* :mod:`~neurovariety.report.reproduce`: :func:`reproduce` (sweep, checks and the optional steps);
* :mod:`~neurovariety.report.figures`: the defect figures on one discrete colour scale (PNG and SVG);
* :mod:`~neurovariety.report.provenance`: version, commit, command, machine, seeds and primes of a report;
* :mod:`~neurovariety.report.grid`: the embedded grid; :mod:`~neurovariety.report.steps` and the
  ``step_*`` modules: the optional steps, each run in a killable child process;
* :mod:`~neurovariety.report.html`, :mod:`~neurovariety.report.assets`,
  :mod:`~neurovariety.report.mathml`: sortable tables, the inlined script, MathML formulas.

A report reads offline: every link is relative, the script and style are inlined, and the
formulas are MathML, which browsers draw without any script.

>>> "learning" in STEPS and "thresholds" in STEPS
True
"""

from .figures import DEFECT_BINS, FigureFile
from .grid import default_grid
from .html import Section
from .page import write_report
from .provenance import collect_provenance
from .reproduce import OPTIONAL_STEPS, RENDERERS, STEPS, reproduce
from .step_equations import example_4_4, hilbert_example_4_4
from .step_learning import learning_2_2_3
from .step_search import filling_table, thresholds
from .steps import run_step

__all__ = ["Section", "write_report", "default_grid", "reproduce", "STEPS", "OPTIONAL_STEPS", "RENDERERS",
           "example_4_4", "hilbert_example_4_4", "learning_2_2_3", "thresholds", "filling_table", "run_step",
           "collect_provenance", "DEFECT_BINS", "FigureFile"]
