"""Benchmark: architecture searches (issue "Architecture search: activation degree thresholds and
minimal filling architectures, with certificates").

* Minimal filling architectures of (d0, dL, r) = (2, 1, 2): depth 7 with hidden widths <= 7 and
  depth 8 with hidden widths <= 8, in this process and on 2 worker processes. The published
  search (a SageMath notebook) takes about 170 minutes for depth 8, widths <= 8. The minimal sets
  are compared with the third-party file when it is present.
* The reproduce table: every depth 2..7 with its completeness verdict (target: well under a minute).
* Activation degree thresholds of the default summary architectures.
* ``--large``: (3, 1, 2) at depth 6 with widths <= 28 (ambient dimension 561, ~2,300 ranks of
  565 x N matrices): where the worker pool pays off.

    flock /tmp/nv-bench.lock python benches/bench_search.py
    flock /tmp/nv-bench.lock python benches/bench_search.py --large
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import time
from pathlib import Path

from neurovariety.search import THRESHOLD_ARCHITECTURES, activation_threshold, filling_table_summary, minimal_filling
from neurovariety.search.regions import summarise

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mfa_pnns"
PUBLISHED_DEPTH8_MINUTES = 170


def third_party(name: str, depth: int, max_width: int) -> set[tuple[int, ...]] | None:
    path = DATA / name
    if not path.exists():
        return None
    import pandas as pd

    df = pd.read_csv(path)
    df = df[(df.exponent == 2) & (df.h == depth) & df.is_minimal]
    found = {tuple(ast.literal_eval(s)) for s in df.architecture}
    return {w for w in found if max(w[1:-1]) <= max_width}


def filling(d0: int, dL: int, r: int, depth: int, width: int, jobs: int, data: str | None) -> float:
    t0 = time.perf_counter()
    res = minimal_filling(d0, dL, r, depth, width, seed=0, jobs=jobs)
    elapsed = time.perf_counter() - t0
    counts = summarise(res.regions)
    print(f"({d0},{dL},{r}) depth {depth}, widths <= {width}, {jobs} worker(s): {elapsed:.2f} s; "
          f"{len(res.widths)} minimal ({len(res.non_unimodal)} not unimodal), ranks {res.ranks}; "
          f"border {res.border} ({res.border_confirmed} confirmed at 2^61-1); regions {counts}, "
          f"{'complete' if res.complete else f'{len(res.open_regions)} open'}")
    theirs = third_party(data, depth, width) if data else None
    if theirs is not None:
        mine = set(res.widths)
        print(f"    third party: {len(theirs)} minimal with widths <= {width}; all found: {theirs <= mine}; "
              f"extra here: {len(mine - theirs)}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--large", action="store_true", help="also (3,1,2) depth 6, widths <= 28")
    args = ap.parse_args()
    print(f"{os.cpu_count()} cores")
    filling(2, 1, 2, 7, 7, 1, "2_1_cleaned_architectures.csv")
    for jobs in (1, 2):
        elapsed = filling(2, 1, 2, 8, 8, jobs, "2_1_cleaned_architectures.csv")
    print(f"    depth 8: {elapsed:.2f} s vs about {PUBLISHED_DEPTH8_MINUTES} min for the published notebook "
          f"({PUBLISHED_DEPTH8_MINUTES * 60 / elapsed:.0f}x)")
    filling(2, 1, 3, 6, 15, 1, None)
    t0 = time.perf_counter()
    table = filling_table_summary()
    print(f"reproduce table (2,1,2), depths 2..7, widths <= 7: {time.perf_counter() - t0:.2f} s; {table['verdict']}")
    t0 = time.perf_counter()
    for widths in THRESHOLD_ARCHITECTURES:
        t1 = time.perf_counter()
        res = activation_threshold(widths, seed=0)
        print(f"    ActThr{widths} = {res.threshold} (exists {res.exists}, r <= {res.checked_up_to} checked) "
              f"in {time.perf_counter() - t1:.2f} s")
    print(f"activation thresholds of {len(THRESHOLD_ARCHITECTURES)} architectures: {time.perf_counter() - t0:.2f} s")
    if args.large:
        for jobs in (1, 2):
            filling(3, 1, 2, 6, 28, jobs, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
