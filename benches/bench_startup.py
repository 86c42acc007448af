"""Benchmark: start-up of the command line as a whole process (issue 17).

``neurovariety dim 3,3,3 -r 2 --json`` against ``python -c "import numpy"``: the runs alternate
(A B A B ...) so that a drift of the machine's speed hits both, and the ratio of the medians of
wall-clock and CPU (user + system) time is printed. The target is at most 2.5x.

    python benches/bench_startup.py             # 15 runs of each
    python benches/bench_startup.py --runs 30
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time


def _one(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd`` (CPU from the kernel's accounting of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    entry = shutil.which("neurovariety")
    cli = [entry] if entry else [sys.executable, "-m", "neurovariety"]
    a_cmd = [*cli, "dim", "3,3,3", "-r", "2", "--json"]
    b_cmd = [sys.executable, "-c", "import numpy"]
    env_note = "" if entry else " (no neurovariety on PATH: python -m neurovariety)"
    _one(a_cmd), _one(b_cmd)  # warm the file cache
    a, b = [], []
    for _ in range(args.runs):
        a.append(_one(a_cmd))
        b.append(_one(b_cmd))
    for i, what in enumerate(("wall", "cpu")):
        ma, mb = statistics.median(x[i] for x in a), statistics.median(x[i] for x in b)
        print(f"{what}: neurovariety dim --json {ma:.3f} s, import numpy {mb:.3f} s, ratio {ma / mb:.2f}x "
              f"(median of {args.runs}){env_note}")


if __name__ == "__main__":
    main()
