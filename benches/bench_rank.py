"""Rank (and nullspace) over F_p: neurovariety against FLINT (python-flint ``nmod_mat``).

Run:  python benches/bench_rank.py [--sizes 500 1000 2000 4000] [--prime 1048583] [--repeat 3]
                                   [--deficiency 0] [--nullspace]

Both libraries get the same random N × N matrix in the same run, and the timed calls alternate
so background load hits both alike. Times are the best over ``--repeat``:
* ``flint``: ``nmod_mat.rank()`` (the conversion into an ``nmod_mat`` is not timed);
* ``ours``: ``neurovariety.linalg.rank(A, p)`` on the uint64 matrix, the whole public call;
* ``kernel``: the Rust call alone (``_core.matrix_rank``) on the same reduced uint64 array.
``ratio`` is ours / flint (below 1: faster than FLINT). With ``--deficiency d`` the matrix has
rank N - d (a product of random N × (N-d) and (N-d) × N factors, as for Jacobians);
``--nullspace`` times ``linalg.nullspace`` against ``nmod_mat.nullspace()`` as well.
"""

from __future__ import annotations

import argparse
import time
from typing import Callable

import numpy as np

import neurovariety as nv
from neurovariety import _core, linalg

try:
    import flint
except ImportError as exc:  # pragma: no cover - the bench extra installs it
    raise SystemExit("python-flint is needed: pip install python-flint") from exc


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def test_matrix(n: int, p: int, deficiency: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if deficiency == 0:
        return rng.integers(0, p, size=(n, n), dtype=np.uint64)
    k = n - deficiency
    # Small factors keep the float64 product exact (below 2^53), so numpy can form it.
    left = rng.integers(0, 8, size=(n, k)).astype(np.float64)
    right = rng.integers(0, 8, size=(k, n)).astype(np.float64)
    return np.mod(left @ right, p).astype(np.uint64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--prime", type=int, default=nv.DEFAULT_PRIMES[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--deficiency", type=int, default=0)
    parser.add_argument("--nullspace", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    p = args.prime
    linalg.rank(np.eye(3, dtype=np.int64), p)  # warm-up: load the extension and thread pool
    print(f"p = {p}, FLINT {flint.__FLINT_VERSION__} (python-flint {flint.__version__}), best of {args.repeat}")
    head = f"{'N':>6}{'rank':>7}{'flint (s)':>11}{'ours (s)':>10}{'kernel (s)':>12}{'ratio':>8}"
    if args.nullspace:
        head += f"{'flint null':>12}{'ours null':>11}{'ratio':>8}"
    print(head)
    for n in args.sizes:
        a = test_matrix(n, p, min(args.deficiency, n), args.seed + n)
        m = flint.nmod_mat(n, n, a.ravel().tolist(), p)
        t_flint = t_ours = t_kernel = float("inf")
        for _ in range(args.repeat):  # interleaved, so load changes hit both
            t, r_flint = best_of(m.rank, 1)
            t_flint = min(t_flint, t)
            t, r_ours = best_of(lambda: linalg.rank(a, p), 1)
            t_ours = min(t_ours, t)
            t, r_kernel = best_of(lambda: _core.matrix_rank(a, p), 1)
            t_kernel = min(t_kernel, t)
        if not r_flint == r_ours == r_kernel:
            raise SystemExit(f"rank mismatch at N={n}: flint {r_flint}, ours {r_ours}, kernel {r_kernel}")
        line = f"{n:>6}{r_ours:>7}{t_flint:>11.3f}{t_ours:>10.3f}{t_kernel:>12.3f}{t_ours / t_flint:>8.3f}"
        if args.nullspace:
            tf, (x, nullity) = best_of(m.nullspace, args.repeat)
            to, basis = best_of(lambda: linalg.nullspace(a, p), args.repeat)
            if basis.shape[0] != nullity:
                raise SystemExit(f"nullity mismatch at N={n}: flint {nullity}, ours {basis.shape[0]}")
            line += f"{tf:>12.3f}{to:>11.3f}{to / tf:>8.3f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
