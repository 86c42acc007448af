"""Sweeps of the default compute run largest first by estimated cost (issue 16), so that two
workers stay busy to the end; the results are the same in any order."""

from __future__ import annotations

import csv

from neurovariety.architecture import Architecture
from neurovariety.dimension import estimated_seconds
from neurovariety.sweep import run_sweep
from neurovariety.sweep.run import largest_first


def test_jobs_run_largest_first_and_the_frame_keeps_the_requested_order(tmp_path):
    archs = ["2,2,1 2", "14,14,14 2", "3,3,3 2", "2,6,6,6,1 2"]
    df = run_sweep(archs, out=tmp_path / "results.csv", jobs=1, seed=0, timeout=60)
    with (tmp_path / "results.csv").open() as fh:
        written = [row[0] for row in list(csv.reader(fh))[1:]]
    assert written == ["[14, 14, 14]", "[2, 6, 6, 6, 1]", "[3, 3, 3]", "[2, 2, 1]"]
    assert [w for w in df["widths"]] == [(2, 2, 1), (14, 14, 14), (3, 3, 3), (2, 6, 6, 6, 1)]
    assert list(df["dimension"]) == [3, 378, 15, 9]  # (14,14,14): N - d1 (rescaling symmetry)


def test_largest_first_is_a_stable_sort_by_estimated_seconds():
    archs = [Architecture(w, 2) for w in [(2, 2, 1), (20, 20, 20), (3, 3, 3), (2, 2, 1, 1), (10, 10, 10)]]
    ordered = largest_first(archs, "auto")
    costs = [estimated_seconds(a) for a in ordered]
    assert costs == sorted(costs, reverse=True) and ordered[0].widths == (20, 20, 20)
    ties = [a for a in ordered if estimated_seconds(a) == estimated_seconds(archs[0])]
    assert ties == [a for a in archs if estimated_seconds(a) == estimated_seconds(archs[0])]
