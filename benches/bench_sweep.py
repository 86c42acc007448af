"""Benchmark: architectures per second of a full sweep (issue 4).

The grid of the acceptance criterion: depth 2..3 (2 or 3 weight matrices), every width in 1..6,
r in {2, 3} -- 3024 architectures -- with a 10 s timeout per architecture and 2 worker processes.
The published harness pays ~0.6 s of SageMath start-up per architecture (< 2 architectures/s);
the target is >= 100 architectures/s.

    python benches/bench_sweep.py                  # the real engine (neurovariety.dimension)
    python benches/bench_sweep.py --overhead       # also a no-op compute: pure sweep overhead
    python benches/bench_sweep.py --jobs 2 --timeout 10 --widths 1..6 --depth 2..3 --r 2,3
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from neurovariety.sweep import grid_architectures, run_sweep


def noop_compute(arch, *, seed=None, options=None):
    """Returns at once: what is left of a sweep's time is its own overhead."""
    return 0


def bench(label: str, jobs_list, *, timeout: float, jobs: int, compute=None, progress: bool) -> float:
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        df = run_sweep(jobs_list, timeout=timeout, jobs=jobs, out=os.path.join(d, "results.csv"),
                       compute=compute, seed=0, progress=progress)
        elapsed = time.perf_counter() - t0
        s = df.attrs["summary"]
    rate = len(jobs_list) / elapsed
    print(f"{label}: {len(jobs_list)} architectures in {elapsed:.2f} s (incl. worker start-up) = "
          f"{rate:.0f} architectures/s; done {s.done}, timed out {s.timeout}, errors {s.error}")
    if s.done:
        t = df["seconds"]
        print(f"    per-architecture compute time: median {t.median() * 1e3:.2f} ms, "
              f"max {t.max():.3f} s ({df.loc[t.idxmax(), 'widths']} r={df.loc[t.idxmax(), 'r']})")
    return rate


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--depth", default="2..3")
    ap.add_argument("--widths", default="1..6")
    ap.add_argument("--r", default="2,3")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--overhead", action="store_true", help="also time a no-op compute")
    ap.add_argument("--progress", action="store_true")
    args = ap.parse_args()
    grid = grid_architectures(args.depth, args.widths, args.r)
    print(f"grid depth {args.depth}, widths {args.widths}, r {args.r}: {len(grid)} architectures; "
          f"timeout {args.timeout:g} s, {args.jobs} worker processes, {os.cpu_count()} cores")
    if args.overhead:
        bench("no-op compute (sweep overhead)", grid, timeout=args.timeout, jobs=args.jobs,
              compute=noop_compute, progress=args.progress)
    rate = bench("neurovariety.dimension", grid, timeout=args.timeout, jobs=args.jobs, progress=args.progress)
    print(f"target >= 100 architectures/s: {'met' if rate >= 100 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
