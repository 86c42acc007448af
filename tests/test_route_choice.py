"""``method="auto"`` picks the faster route (issue 16): checked against both routes' times measured
once on a fixed spread of architectures (``benches/route_costs.csv``, made by
``benches/bench_routes.py``), not against timings taken inside the test."""

from __future__ import annotations

import csv
import pathlib

import pytest

from neurovariety.architecture import Architecture
from neurovariety.dimension import EXTRA_POINTS, choose_route, route_seconds
from neurovariety.theory import upper_bound

TABLE = pathlib.Path(__file__).resolve().parents[1] / "benches" / "route_costs.csv"


def _rows() -> list[tuple[Architecture, float, float]]:
    with TABLE.open() as fh:
        return [(Architecture.coerce(tuple(int(w) for w in row["widths"].split(",")), int(row["r"])),
                 float(row["evaluation_s"]), float(row["monomial_s"])) for row in csv.DictReader(fh)]


ROWS = _rows()


def test_the_table_is_a_spread():
    assert len(ROWS) >= 40
    assert {a.d0 for a, _, _ in ROWS} >= {2, 3, 4, 5} and max(a.depth for a, _, _ in ROWS) >= 7
    # the routes differ clearly on many rows, or the test would prove little
    assert sum(m > 2 * e for _, e, m in ROWS) >= 10


@pytest.mark.parametrize("arch,evaluation,monomial", [r for r in ROWS if max(r[1], r[2]) > 2 * min(r[1], r[2])],
                         ids=str)
def test_auto_picks_the_faster_route_where_they_differ_by_more_than_2x(arch, evaluation, monomial):
    rows = upper_bound(arch)[0] + EXTRA_POINTS
    assert choose_route(arch, rows, "auto") == ("evaluation" if evaluation < monomial else "monomial")


def test_predicted_seconds_are_within_3x_of_the_measured_ones_above_a_millisecond():
    for arch, evaluation, monomial in ROWS:
        rows = upper_bound(arch)[0] + EXTRA_POINTS
        for route, measured in (("evaluation", evaluation), ("monomial", monomial)):
            if measured > 1e-3 and not (arch.d0 == 2 and arch.r[0] >= 300):  # big powers: table builds uncounted
                ratio = route_seconds(arch, rows, route) / measured
                assert 1 / 3 <= ratio <= 3, (arch, route, ratio)
