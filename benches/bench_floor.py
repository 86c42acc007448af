"""``nv.dimension`` against its floor (issue 16): the bare ranks its result relies on.

For each architecture, in one run: the median time of ``nv.dimension`` (default options), and
the median time of bare ``_core.matrix_rank`` calls on uniformly random matrices of the same
shape as its Jacobian (``upper_bound + EXTRA_POINTS`` rows for the evaluation route, the ambient
dimension for the monomial one, ``N`` columns), one per prime in ``result.primes``. Prints the
ratio (target <= 1.5). The cases: the 20 third-party rows with the largest predicted cost (or
the 20 slowest of a sweep's ``--results`` CSV) and (64,64,64), r=2.

    flock /tmp/nv-bench.lock python benches/bench_floor.py --repeat 3
    flock /tmp/nv-bench.lock python benches/bench_floor.py --results results.csv
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import statistics
import time

import numpy as np
import pandas as pd

import neurovariety as nv
from neurovariety import _core
from neurovariety.architecture import Architecture
from neurovariety.dimension import EXTRA_POINTS, estimated_seconds
from neurovariety.theory import upper_bound

DATA = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "mfa_pnns"


def slowest(results: str | None, count: int) -> list[Architecture]:
    if results:
        df = pd.read_csv(results).sort_values("Time Taken (seconds)", ascending=False).head(count)
        return [Architecture.coerce(tuple(ast.literal_eval(w)), int(r)) for w, r in zip(df["Widths"], df["Activation"])]
    archs = {}
    for path in sorted(DATA.glob("*.csv")):
        for w, r in pd.read_csv(path)[["architecture", "exponent"]].itertuples(index=False):
            a = Architecture.coerce(tuple(ast.literal_eval(w)), int(r))
            archs[(a.widths, a.r)] = a
    return sorted(archs.values(), key=estimated_seconds, reverse=True)[:count]


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def floor_seconds(arch: Architecture, res, repeat: int) -> float:
    rows = upper_bound(arch)[0] + EXTRA_POINTS if res.method == "evaluation" else arch.ambient_dim
    rng = np.random.default_rng(0)
    total = 0.0
    for p in res.primes:
        a = rng.integers(0, p, size=(rows, arch.num_params), dtype=np.uint64)
        total += median_time(lambda: _core.matrix_rank(a, p), repeat)
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--results", help="a sweep's results CSV: take its slowest rows")
    args = ap.parse_args()
    cases = slowest(args.results, args.count) + [Architecture((64, 64, 64), 2)]
    ratios = []
    for arch in cases:
        res = nv.dimension(arch, seed=0)
        t_dim = median_time(lambda: nv.dimension(arch, seed=0), args.repeat)
        t_floor = floor_seconds(arch, res, args.repeat)
        ratios.append(t_dim / t_floor)
        print(f"{arch}: N={arch.num_params} dim={res.dimension} {'certified' if res.certified else 'uncertified'} "
              f"{res.method} primes={list(res.primes)}: dimension {t_dim:.3f} s, floor {t_floor:.3f} s, "
              f"ratio {t_dim / t_floor:.2f}")
    print(f"ratio: median {statistics.median(ratios):.2f}, max {max(ratios):.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
