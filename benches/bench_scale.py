"""Scale benchmark: `nv.dimension` of big architectures, split into assembly and rank.

Run:  python benches/bench_scale.py [--repeat 2]

For (64, 64, 64) and (40, 40, 40, 40) at r = 2 (the issue's targets: under 30 s and 15 s) it
prints the best wall time of the public call `nv.dimension(widths, 2, seed=0)`, and of its two
parts on the same evaluation Jacobian — assembling the stacked gradients (Rust, parallel over
rows) and its rank over F_p — plus the Jacobian's size in memory.
"""

from __future__ import annotations

import argparse
import time

import neurovariety as nv
from neurovariety import _core
from neurovariety.dimension import EXTRA_POINTS, upper_bound

CASES = [((64, 64, 64), 2, 30.0), ((40, 40, 40, 40), 2, 15.0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    p = nv.DEFAULT_PRIMES[0]
    nv.dimension((2, 2, 1), 2)  # warm-up: load the extension, spin up the thread pool
    print(f"{'architecture':<20}{'N':>7}{'rows':>7}{'GiB':>6}{'dim':>7}{'cert':>6}{'assembly':>10}{'rank':>8}{'total':>8}{'target':>8}")
    for widths, r, target in CASES:
        arch = nv.Architecture(widths, r)
        rows = upper_bound(arch)[0] + EXTRA_POINTS
        exps = list(arch.r)
        best_asm = best_rank = best_total = float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            jac = _core.evaluation_jacobian(list(widths), exps, p, rows, None, 1)
            best_asm = min(best_asm, time.perf_counter() - t)
            t = time.perf_counter()
            _core.matrix_rank(jac, p)
            best_rank = min(best_rank, time.perf_counter() - t)
            del jac
            t = time.perf_counter()
            res = nv.dimension(widths, r, seed=0)
            best_total = min(best_total, time.perf_counter() - t)
        gib = rows * arch.num_params * 8 / 2**30
        print(
            f"{str(widths):<20}{arch.num_params:>7}{rows:>7}{gib:>6.2f}{res.dimension:>7}{str(res.certified):>6}"
            f"{best_asm:>10.2f}{best_rank:>8.2f}{best_total:>8.2f}{target:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
