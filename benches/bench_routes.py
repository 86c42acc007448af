"""Measure both routes of ``nv.dimension`` on a fixed spread of architectures (issue 16).

Writes ``benches/route_costs.csv`` (widths, r, seconds of the evaluation route, seconds of the
monomial route: medians of ``--repeat`` runs of one trial at the default fast prime). The cost
model of ``method="auto"`` (``neurovariety.dimension.route_costs``) is fitted to this table, and
``tests/test_route_choice.py`` checks that, wherever the two routes differ by more than 2x, auto
picks the faster one. Re-measure after changing either route's kernels:

    flock /tmp/nv-bench.lock python benches/bench_routes.py --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import pathlib
import statistics
import time

import neurovariety as nv
from neurovariety.fields import DEFAULT_PRIMES

OUT = pathlib.Path(__file__).with_name("route_costs.csv")

#: The spread: shallow and deep, narrow and wide, d0 = 2..5, small and large exponents, and the
#: deep d0 = 3 rows of the third-party data that the old model sent down the monomial route.
SPREAD: list[tuple[tuple[int, ...], int]] = [
    ((2, 2, 1), 2), ((3, 3, 3), 2), ((3, 3, 3), 3), ((3, 3, 3), 5), ((3, 3, 3), 10), ((3, 3, 3), 30),
    ((2, 2, 2), 50), ((2, 2, 2), 300), ((2, 3, 3, 3), 4), ((4, 8, 8, 4), 2), ((5, 5, 5, 5), 2),
    ((10, 10, 10), 2), ((20, 20, 20), 2), ((30, 30, 30), 2), ((6, 6, 6, 6), 3), ((4, 4, 4, 4, 4), 2),
    ((3, 3, 3, 3, 3, 3, 3, 3), 2), ((3, 3, 3, 3, 3, 3, 3, 3, 3), 2), ((2, 2, 2, 2, 2, 2, 2, 2), 2),
    ((2, 5, 5, 5, 5, 1), 2), ((2, 10, 10, 10, 1), 2), ((3, 10, 10, 1), 3), ((3, 6, 6, 6, 1), 2),
    ((3, 4, 20, 38, 40, 26, 10, 1), 2), ((3, 8, 16, 24, 16, 8, 4, 1), 2), ((3, 5, 9, 12, 9, 5, 2), 2),
    ((3, 12, 12, 12, 12, 3), 2), ((3, 4, 6, 8, 10, 12, 1), 2), ((3, 20, 40, 20, 1), 2),
    ((2, 4, 8, 16, 32, 16, 2), 2), ((2, 6, 12, 24, 12, 6, 3), 2), ((2, 3, 6, 12, 24, 48, 3), 2),
    ((2, 2, 4, 8, 16, 32, 64, 3), 2), ((2, 9, 2), 2), ((2, 40, 2), 2), ((3, 15, 30, 1), 2),
    ((4, 10, 10, 2), 3), ((4, 5, 5, 5, 5, 1), 2), ((5, 8, 8, 1), 3), ((3, 7, 7, 7, 7, 7, 1), 2),
    ((2, 5, 5, 5, 5, 5, 5, 5, 1), 2), ((3, 3, 9, 27, 3), 2), ((2, 2, 2), 1000),
]


def timed(widths: tuple[int, ...], r: int, method: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        nv.dimension(widths, r, method=method, primes=[DEFAULT_PRIMES[0]], trials=1, seed=0)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with OUT.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["widths", "r", "evaluation_s", "monomial_s"])
        for widths, r in SPREAD:
            ev, mono = timed(widths, r, "evaluation", args.repeat), timed(widths, r, "monomial", args.repeat)
            out.writerow([",".join(map(str, widths)), r, f"{ev:.6f}", f"{mono:.6f}"])
            fh.flush()
            print(f"{widths} r={r}: evaluation {ev * 1e3:9.2f} ms, monomial {mono * 1e3:9.2f} ms ({mono / ev:6.2f}x)")


if __name__ == "__main__":
    main()
