"""Benchmark of `nv.dimension` on the issue's list (published SageMath timings for comparison).

Run:  python benches/bench_dimension.py [--repeat 3]
Prints one row per architecture with the best wall time over the repeats (including Python
overhead), the speed-up over the published SageMath code and the total.
"""

from __future__ import annotations

import argparse
import time

import neurovariety as nv

# (widths, r, seconds of the published SageMath code on this 2-core machine)
CASES = [
    ((6, 6, 6, 6), 2, 2.1),
    ((4, 4, 4, 4), 3, 3.2),
    ((3, 3, 3, 3, 3, 3), 2, 1.8),
    ((5, 5, 5, 5, 5), 2, 16.9),
    ((8, 8, 8, 8), 2, 11.4),
    ((5, 5, 5, 5), 3, 32.1),
    ((12, 12, 12), 3, 19.2),
    ((10, 10, 10, 10), 2, 54.3),
    ((20, 20, 20), 2, 25.2),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    nv.dimension((2, 2, 1), 2)  # warm-up: load the extension, spin up the thread pool
    total_ours = total_sage = 0.0
    print(f"{'architecture':<22}{'r':>3}{'dim':>6}{'cert':>6}{'method':>12}{'ours (s)':>11}{'sage (s)':>10}{'speed-up':>10}")
    for widths, r, sage in CASES:
        best = float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            res = nv.dimension(widths, r, seed=0)
            best = min(best, time.perf_counter() - t)
        total_ours += best
        total_sage += sage
        print(f"{str(widths):<22}{r:>3}{res.dimension:>6}{str(res.certified):>6}{res.method:>12}{best:>11.4f}{sage:>10.1f}{sage / best:>9.0f}x")
    print(f"{'total':<49}{total_ours:>11.4f}{total_sage:>10.1f}{total_sage / total_ours:>9.0f}x")


if __name__ == "__main__":
    main()
