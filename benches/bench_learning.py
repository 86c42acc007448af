"""Benchmark: the 1,000-run learning experiment on (2,2,3), r = 2 must finish in under 60 s.

Times the whole experiment (data, closed-form critical points, training, classification with the
boundary certificate, grouping) on two data sets chosen by the criterion: one whose minimiser on V
is realisable (most runs converge in tens of steps) and one whose minimiser is not (the worst
case: the runs approach the boundary of the neuromanifold and use the whole step budget).
``--acceptance`` also times the 50 data sets x 100 runs experiment of the learning issue and
prints its fractions with their step budget and Wilson intervals.

    python benches/bench_learning.py                 # 1000 runs, Levenberg-Marquardt, default budget
    python benches/bench_learning.py --optimizer gd --steps 20000
    python benches/bench_learning.py --runs 200 --sweep 2000 --acceptance
"""

from __future__ import annotations

import argparse
import time
from typing import Any, Optional

from neurovariety import learning as lm
from neurovariety.architecture import Architecture


def experiment(arch: Architecture, seed: int, runs: int, steps: Optional[int], optimizer: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    X, Y = lm.make_data(arch, None, seed=seed)
    cps = lm.critical_points(arch, None, X, Y)
    res = lm.train(arch, None, X, Y, runs=runs, steps=steps, optimizer=optimizer, seed=seed + 1, progress=False)
    t_train = time.perf_counter() - t0
    learned = lm.count_learned_functions(res)
    total = time.perf_counter() - t0
    return {
        "seed": seed,
        "realisable": cps[0].in_neuromanifold if cps else None,
        "train_s": t_train,
        "total_s": total,
        "steps": res.steps,
        "outcomes": learned.outcomes,
        "describe": learned.describe(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=None, help="step budget (default: the optimiser's)")
    ap.add_argument("--optimizer", default="lm", choices=lm.OPTIMIZERS)
    ap.add_argument("--sweep", type=int, default=0, help="also time a realisability-only sweep over this many data sets")
    ap.add_argument("--acceptance", action="store_true", help="also run 50 data sets x 100 runs (seed 0)")
    args = ap.parse_args()
    arch = Architecture((2, 2, 3), 2)

    picked: dict[Optional[bool], int] = {}
    for seed in range(100):
        X, Y = lm.make_data(arch, None, seed=seed)
        cps = lm.critical_points(arch, None, X, Y)
        assert cps is not None
        picked.setdefault(cps[0].in_neuromanifold, seed)
        if len(picked) == 2:
            break
    worst = 0.0
    for realisable in (True, False):
        r = experiment(arch, picked[realisable], args.runs, args.steps, args.optimizer)
        worst = max(worst, r["total_s"])
        print(f"(2,2,3) r=2, {args.runs} runs, {args.optimizer} <= {r['steps']} steps, data seed {r['seed']} "
              f"(minimiser realisable: {r['realisable']}): train {r['train_s']:.1f} s, total {r['total_s']:.1f} s "
              f"-- {r['describe']}; {r['outcomes']}")
    print(f"worst case {worst:.1f} s (budget 60 s): {'OK' if worst < 60 else 'TOO SLOW'}")
    if args.sweep:
        t0 = time.perf_counter()
        sw = lm.sweep_datasets(arch, None, args.sweep, runs=0, seed=0, progress=False)
        interval = sw.realisable_interval()
        assert sw.fraction_realisable is not None and interval is not None
        print(f"realisability sweep, {args.sweep} data sets: {sw.fraction_realisable:.1%} "
              f"(95% CI {interval[0]:.1%}-{interval[1]:.1%}) in {time.perf_counter() - t0:.1f} s")
    if args.acceptance:
        sw = lm.sweep_datasets(arch, None, 50, runs=100, seed=0, steps=args.steps, optimizer=args.optimizer,
                               progress=False)
        print(f"50 data sets x 100 runs in {sw.seconds:.1f} s: {sw.describe_fractions()}")


if __name__ == "__main__":
    main()
