"""The report's defect figures: :mod:`neurovariety.analysis.figures` (one discrete colour scale, PNG and SVG).

They live in :mod:`neurovariety.analysis` so that the analysis plots and the report draw defects
the same way; this module keeps the report's name for them.

>>> DEFECT_BINS[0], DEFECT_BINS[-1][2]
((0, 0, '0'), '≥ 50')
"""

from __future__ import annotations

from ..analysis.figures import (
    DEFECT_BINS,
    DEFECT_COLOURS,
    FigureFile,
    defect_bin,
    defect_by_r_matrix,
    plot_deep_slices,
    plot_defect_by_r,
    plot_shallow_heatmaps,
    r_label,
    write_figure,
)

__all__ = ["DEFECT_BINS", "DEFECT_COLOURS", "FigureFile", "defect_bin", "write_figure", "plot_shallow_heatmaps",
           "plot_deep_slices", "plot_defect_by_r", "defect_by_r_matrix", "r_label"]
