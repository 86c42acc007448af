"""Benchmark: the degree of a neurovariety (Example 4.4, V_{(3,3,3),2}) next to Macaulay2.

In one run, on the same machine:

* ``nv.degree`` (monodromy on the parametrisation in gauge-fixed weights, trace test), with and
  without the multidegree;
* Macaulay2 elimination: ``degree ker map(R, S, F)`` for the gauge-fixed parametrisation over
  ``ZZ/32003`` (a prime field: Macaulay2's fastest exact setting), stopped at ``--m2-timeout``;
* Macaulay2 ``NumericalImplicitization``'s ``numericalImageDegree`` (a general pseudo-witness set
  computation: monodromy and trace test for any polynomial map), over ``CC``.

Each figure is the median wall time of ``--repeats`` runs (Macaulay2 in a fresh process each time;
its start-up time, measured with an empty script, is subtracted). Hold the benchmark lock:

    flock /tmp/nv-bench.lock python benches/bench_geometry.py
    flock /tmp/nv-bench.lock python benches/bench_geometry.py --widths 2,2,3 --repeats 5
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

import neurovariety as nv
from neurovariety.architecture import Architecture
from neurovariety.interop import parametrization


def m2_seconds(script: str, timeout: float) -> tuple[Optional[float], str]:
    """Wall time of ``M2 --script`` on ``script`` and its last output line (None on timeout)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.m2"
        path.write_text(script + "\nexit 0\n")
        t0 = time.perf_counter()
        try:
            out = subprocess.run(["M2", "--script", str(path)], capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, "timeout"
        dt = time.perf_counter() - t0
    lines = out.stdout.strip().splitlines()
    return dt, lines[-1] if lines else out.stderr.strip()[-200:]


def elimination_script(arch: Architecture) -> str:
    p = parametrization(arch.widths, arch.r, gauge=True).to_m2().replace("R = QQ[", "R = ZZ/32003[")
    return p + f"\nS = ZZ/32003[c_1..c_{arch.ambient_dim}];\nprint degree ker map(R, S, F);"


def numerical_script(arch: Architecture) -> str:
    p = parametrization(arch.widths, arch.r, gauge=True).to_m2().replace("R = QQ[", "R = CC[")
    return 'needsPackage "NumericalImplicitization";\n' + p + "\nprint numericalImageDegree(F, ideal 0_R, Verbose => false);"


def median_m2(script: str, repeats: int, timeout: float, startup: float) -> tuple[Optional[float], str]:
    times, answer = [], ""
    for _ in range(repeats):
        dt, answer = m2_seconds(script, timeout)
        if dt is None:
            return None, answer
        times.append(dt - startup)
    return statistics.median(times), answer


def median_nv(arch: Architecture, repeats: int, multidegree: bool) -> tuple[float, str]:
    times, answer = [], ""
    for seed in range(repeats):
        t0 = time.perf_counter()
        res = nv.degree(arch, seed=seed, multidegree=multidegree, progress=False)
        times.append(time.perf_counter() - t0)
        answer = f"{res.degree} (verified {res.verified})"
    return statistics.median(times), answer


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--widths", default="3,3,3")
    ap.add_argument("-r", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--m2-timeout", type=float, default=300.0, help="seconds before the elimination is stopped")
    args = ap.parse_args()
    arch = Architecture.coerce(tuple(int(w) for w in args.widths.split(",")), args.r)
    nv.degree((2, 1, 1), 2, seed=0, progress=False)  # warm-up: imports, extension
    t_nv, deg = median_nv(arch, args.repeats, multidegree=False)
    t_md, _ = median_nv(arch, args.repeats, multidegree=True)
    print(f"{arch}: nv.degree                    {t_nv:8.2f} s  degree {deg}")
    print(f"{arch}: nv.degree + multidegree      {t_md:8.2f} s")
    if shutil.which("M2") is None:
        print("Macaulay2 is not installed: no comparison")
        return
    startup = statistics.median(m2_seconds("", 60)[0] or 0.0 for _ in range(3))
    t_ni, ans_ni = median_m2(numerical_script(arch), args.repeats, args.m2_timeout, startup)
    t_el, ans_el = median_m2(elimination_script(arch), 1, args.m2_timeout, startup)
    print(f"{arch}: M2 start-up (subtracted)     {startup:8.2f} s")
    for name, t, ans in [("M2 numericalImageDegree", t_ni, ans_ni), ("M2 elimination + degree", t_el, ans_el)]:
        if t is None:
            print(f"{arch}: {name:<28} >{args.m2_timeout:7.0f} s  (timed out)  ratio > {args.m2_timeout / t_nv:.0f}x")
        else:
            print(f"{arch}: {name:<28} {t:8.2f} s  degree {ans}  ratio {t / t_nv:.1f}x")


if __name__ == "__main__":
    main()
