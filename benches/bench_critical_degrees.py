"""Benchmark: learning / ED degrees by monodromy next to Macaulay2's critical-ideal degree (issue 13).

One table, one run: per case the count, how many points the Krawczyk test certified (and certified
real), how completeness was verified (``trace``: the trace test; ``cont``: continuation from a
generic weight's trace-verified set, whose size is shown; ``-``: not verified), loops and seconds of
:func:`neurovariety.critical.critical_points`; then the degree and time of the independent Macaulay2
computation of ``tests/m2_oracle.py`` (implicitisation + Lagrange + saturation over F_32003, its
own random data), or ``timeout``. Run it under the benchmark lock:

    flock /tmp/nv-bench.lock python benches/bench_critical_degrees.py
    flock /tmp/nv-bench.lock python benches/bench_critical_degrees.py --quick   # skip (3,3,3), (3,2,3)
    flock /tmp/nv-bench.lock python benches/bench_critical_degrees.py --case 3,3,3:generic   # one case

With ``--checkpoint DIR`` monodromy is saved as it runs and resumed by the next run with the same
directory; the seconds column is then this call's, and the monodromy seconds it reused are shown
after it. Within one run the data row reuses the generic row's monodromy of the same architecture
(the continuation's generic weight is that of ``weights="generic"`` with the same seed).

``benches/checkpoints/`` holds the (3,3,3), r = 2 generic-weight monodromy of seed 0 as far as it
has got (it takes longer than one working session on 2 cores); continue it with

    flock /tmp/nv-bench.lock python benches/bench_critical_degrees.py --timeout 200000
        --checkpoint benches/checkpoints --case 3,3,3:generic --case 3,3,3:data   (one command)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from m2_oracle import critical_degree  # noqa: E402
from neurovariety.architecture import Architecture  # noqa: E402
from neurovariety.critical import critical_points  # noqa: E402

#: (widths, r, weights): smallest first, so a stopped run still prints the easy rows.
CASES = [
    ((2, 2, 2), 4, "generic"),
    ((3, 2, 2), 2, "generic"),
    ((2, 2, 5), 2, "generic"),
    ((2, 2, 2), 3, "data"),
    ((3, 2, 2), 2, "data"),
    ((3, 2, 3), 2, "generic"),
    ((3, 2, 3), 2, "data"),
    ((3, 3, 3), 2, "data"),
    ((3, 3, 3), 2, "generic"),
]
_HOW = {"trace test": "trace", "parameter continuation from a generic weight": "cont"}
LARGE = {(3, 2, 3), (3, 3, 3)}


def ours(widths, r, weights, timeout: float, seed: int, checkpoint) -> str:
    t0 = time.perf_counter()
    res = critical_points(widths, r, weights=weights, seed=seed, timeout=timeout, exact=False, progress=False,
                          checkpoint=checkpoint)
    dt = time.perf_counter() - t0
    stop = " (timeout)" if res.timed_out else ""
    earlier = sum(e["seconds_earlier"] for e in res.extra.get("checkpoint", []))
    if earlier:
        stop += f" (+{earlier:.0f} s of monodromy reused from the checkpoint)"
    how = "-" if not res.verified else _HOW.get(res.verification, res.verification.split()[0])
    if "continuation" in res.extra:
        how += f" {res.extra['continuation']['generic_count']}"
    return (f"{res.count:>6}{'' if res.verified else '+'} {res.certified_count:>6} {res.real_certified:>5} "
            f"{how:>10} {res.loops:>5} {res.paths:>7} {dt:>8.1f}{stop}")


def macaulay2(widths, r, weights, timeout: float) -> str:
    t0 = time.perf_counter()
    try:
        deg = critical_degree(Architecture(widths, r), weights, seed=0, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"{'timeout':>8} {time.perf_counter() - t0:>8.1f}"
    except (FileNotFoundError, RuntimeError) as e:
        return f"{'error':>8} ({str(e).splitlines()[-1][:40] if str(e) else type(e).__name__})"
    return f"{deg:>8} {time.perf_counter() - t0:>8.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=3600.0, help="monodromy timeout per case (seconds)")
    ap.add_argument("--m2-timeout", type=float, default=300.0, help="Macaulay2 timeout per case (seconds)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="skip (3,3,3) and (3,2,3)")
    ap.add_argument("--no-m2", action="store_true", help="skip Macaulay2")
    ap.add_argument("--checkpoint", default=None, metavar="DIR",
                    help="save/resume monodromy here (a generic set is shared by a case's generic and data rows)")
    ap.add_argument("--case", action="append", default=[], metavar="WIDTHS:WEIGHTS",
                    help="run only these cases, e.g. 3,2,3:data (repeatable)")
    args = ap.parse_args()
    print("count+ = lower bound (not verified); cert = certified by Krawczyk (distinct functions); seconds wall-clock")
    print(f"{'case':<22} {'count':>7} {'cert':>6} {'real':>5} {'verified':>10} {'loops':>5} {'paths':>7} {'seconds':>8} | "
          f"{'M2 deg':>8} {'M2 s':>8}", flush=True)
    for widths, r, weights in CASES:
        if (args.quick and widths in LARGE) or (args.case and f"{','.join(map(str, widths))}:{weights}" not in args.case):
            continue
        name = f"{widths} r={r} {weights}"
        row = ours(widths, r, weights, args.timeout, args.seed, args.checkpoint)
        m2 = "" if args.no_m2 else macaulay2(widths, r, weights, args.m2_timeout)
        print(f"{name:<22} {row} | {m2}", flush=True)


if __name__ == "__main__":
    main()
