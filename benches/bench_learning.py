"""Benchmark: the 1,000-run learning experiment on (2,2,3), r = 2 must finish in under 60 s.

Times the whole experiment (data, closed-form critical points, training, classification and
grouping) on two data sets chosen by the criterion: one whose minimiser on V is realisable (most
runs converge early) and one whose minimiser is not (the worst case: boundary runs use every step).

    python benches/bench_learning.py            # 1000 runs, 20000 steps
    python benches/bench_learning.py --runs 200 --sweep 2000
"""

from __future__ import annotations

import argparse
import time

from neurovariety import learning as lm
from neurovariety.architecture import Architecture


def experiment(arch, seed: int, runs: int, steps: int) -> dict:
    t0 = time.perf_counter()
    X, Y = lm.make_data(arch, None, seed=seed)
    cps = lm.critical_points(arch, None, X, Y)
    res = lm.train(arch, None, X, Y, runs=runs, steps=steps, seed=seed + 1, progress=False)
    t_train = time.perf_counter() - t0
    learned = lm.count_learned_functions(res)
    total = time.perf_counter() - t0
    return {
        "seed": seed,
        "realisable": cps[0].in_neuromanifold if cps else None,
        "train_s": t_train,
        "total_s": total,
        "outcomes": learned.outcomes,
        "describe": learned.describe(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--sweep", type=int, default=0, help="also time a realisability-only sweep over this many data sets")
    args = ap.parse_args()
    arch = Architecture((2, 2, 3), 2)

    picked = {}
    for seed in range(100):
        X, Y = lm.make_data(arch, None, seed=seed)
        picked.setdefault(lm.critical_points(arch, None, X, Y)[0].in_neuromanifold, seed)
        if len(picked) == 2:
            break
    worst = 0.0
    for realisable in (True, False):
        r = experiment(arch, picked[realisable], args.runs, args.steps)
        worst = max(worst, r["total_s"])
        print(f"(2,2,3) r=2, {args.runs} runs, data seed {r['seed']} (minimiser realisable: {r['realisable']}): "
              f"train {r['train_s']:.1f} s, total {r['total_s']:.1f} s -- {r['describe']}; {r['outcomes']}")
    print(f"worst case {worst:.1f} s (budget 60 s): {'OK' if worst < 60 else 'TOO SLOW'}")
    if args.sweep:
        t0 = time.perf_counter()
        sw = lm.sweep_datasets(arch, None, args.sweep, runs=0, seed=0, progress=False)
        lo, hi = sw.realisable_interval()
        print(f"realisability sweep, {args.sweep} data sets: {sw.fraction_realisable:.1%} "
              f"(95% CI {lo:.1%}-{hi:.1%}) in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
