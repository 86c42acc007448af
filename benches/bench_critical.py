"""Benchmark: critical points by monodromy; the (2,2,3), r = 2 generic ED degree must take < 10 s.

Times complete runs of :func:`neurovariety.critical.critical_points` (monodromy until stable,
trace test, homotopy to the target data) over several seeds and reports count, verification,
loops and paths.

    python benches/bench_critical.py              # the acceptance cases
    python benches/bench_critical.py --large      # also (3,2,2), r = 2 (about a minute)
"""

from __future__ import annotations

import argparse
import time

from neurovariety.critical import critical_points


def run(widths, r, weights: str, seeds) -> float:
    worst = 0.0
    for seed in seeds:
        t0 = time.perf_counter()
        res = critical_points(widths, r, weights=weights, seed=seed, progress=False, exact=False)
        dt = time.perf_counter() - t0
        worst = max(worst, dt)
        print(f"{str(widths):<12} r={r!s:<6} {weights:<8} seed {seed}: count {res.count:>4} real {res.real:>3} "
              f"verified {res.verified!s:<5} loops {res.loops:>3} paths {res.paths:>6} failed {res.failed_paths:>3}  {dt:7.2f} s")
    return worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5, help="seeds per case")
    ap.add_argument("--large", action="store_true", help="also (3,2,2), r=2 (generic ED degree 219)")
    args = ap.parse_args()
    seeds = range(args.seeds)
    worst = run((2, 2, 3), 2, "generic", seeds)
    print(f"(2,2,3) r=2 generic ED degree: worst {worst:.2f} s (budget 10 s): {'OK' if worst < 10 else 'TOO SLOW'}")
    run((2, 2, 3), 2, "data", seeds)
    for r in (2, 3, 4, 5):
        run((2, 1, 1), r, "generic", seeds)
    if args.large:
        run((3, 2, 2), 2, "generic", range(1))


if __name__ == "__main__":
    main()
