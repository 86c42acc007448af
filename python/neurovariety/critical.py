"""Critical points of the squared loss on a neurovariety: learning degree and ED degree (SPEC §4.4).

The loss of a network depends on it only through its coefficient vector ``c`` (output-major,
``dL * M`` entries)::

    loss(c) = c^T Q c - 2 b^T c + const

* ``weights="data"``: ``Q = I_dL (x) A``, ``b = vec(B^T)`` with ``A, B`` the moment matrices of data
  ``(X, Y)`` (:func:`neurovariety.learning.loss_matrices`, mean over the points). The number of
  complex critical points on the smooth part of ``V`` for generic data is the **learning degree**.
* ``weights="generic"``: ``Q`` a random (seeded) positive definite matrix and ``b = Q u`` for a target
  ``u``: the **generic Euclidean distance degree** (an upper bound for every other weight).
* ``weights="unit"``: ``Q = I``, ``b = u``: the ED degree for the plain coefficient inner product.

**Method.** The critical equations are written in weight space, ``F(theta; b) = J(theta)^T
(Q c(theta) - b) = 0``, with the rescaling symmetry fixed by a gauge (one incoming weight of every
hidden neuron is 1; the Rust tracker switches to the incoming weight of largest modulus when
needed, like the charts of projective space), so there are ``N - sum(hidden widths)`` unknowns,
as many as ``dim V`` for non-defective architectures. The parameters ``b`` enter linearly, so a
random complex ``theta_0`` is a solution for a ``b_0`` obtained from a linear condition.
**Monodromy** (Rust path tracker, ``neurovariety._core.critical_track``) moves ``b`` around
triangles ``b_0 -> b_1 -> b_2 -> b_0`` with fresh random complex nodes ``b = Q u`` (random
*targets* ``u``, which keeps critical points at the scale of the data even for an ill-conditioned
``Q``) and tracks all known solutions; the endpoints are deduplicated in *function* space
(permuting hidden neurons gives other weights for the same function) and kept only where the
coefficient Jacobian has full rank ``dim V``. The solutions with full-rank Jacobian form one
irreducible family over ``b``-space (an affine bundle over the weights), so the monodromy group
acts transitively and the loops find every critical point; when ``stop_after`` consecutive loops
add nothing the count is a stabilised **lower bound**. Finally every solution is tracked from
``b_0`` to the actual data along one common route (via a random complex node), which gives the
critical points of the given loss, how many are real and which real one is the minimum.

**Verification.** (1) The *trace test*: along a line ``b_0 + s v`` the sum of the critical points
(in coefficients) is an affine-linear function of ``s`` exactly when the set is complete (V is a
cone, so critical points grow linearly in ``b``; a missing point adds a non-linear term). It needs
that no critical point escapes to infinity at finite ``s``, which holds for generic weights; for
special weights the test may fail on a complete set, and then nothing is claimed (the loops go on
while the test fails, up to ``4 * stop_after`` idle loops).
(2) An *exact count over F_p* (:func:`exact_critical_count`, sympy Gröbner basis) for the smallest
architectures. ``verified`` is true only when one of them confirms the count.

>>> res = ed_degree((2, 1, 1), 2, seed=0, progress=False)
>>> res.count, res.verified
(4, True)
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from typing import Any, Literal, Optional, Sequence, Union

import numpy as np

from . import _core
from .architecture import Architecture, RSpec, monomial_exponents

__all__ = [
    "CriticalPointsResult",
    "ExactCount",
    "critical_points",
    "learning_degree",
    "ed_degree",
    "exact_critical_count",
]

WeightsKind = Literal["data", "generic", "unit"]
WEIGHTS = ("data", "generic", "unit")

#: Two coefficient vectors are the same function when they agree to this relative accuracy.
DEDUP_RTOL = 1e-6
#: A coefficient vector counts as real when its imaginary part is this small (relative).
REAL_RTOL = 1e-8
#: Trace-test threshold on the relative deviation from linearity.
TRACE_RTOL = 1e-7


# ------------------------------------------------------------------------------------------------
# result type
# ------------------------------------------------------------------------------------------------


@dataclass
class CriticalPointsResult:
    """Critical points of the loss on ``V`` (see the module docstring).

    ``count`` is the number of complex critical points found for generic parameters (the
    learning degree for ``weights="data"``, the ED degree otherwise); ``coefficients`` holds them
    at the actual data / target (``count x dL x M``, complex; fewer rows if ``target_failures``
    paths could not be tracked to the data), ``is_real`` and ``losses`` per point,
    ``minimum`` the index of the real critical point of smallest loss (``None`` if none is real),
    ``parameters`` one complex weight vector per point (package order; :meth:`weight_matrices`).
    ``verified`` says whether completeness was proved (``verification`` says how) and
    ``statement`` what exactly the numbers mean.
    """

    widths: tuple[int, ...]
    r: Union[int, tuple[int, ...]]
    weights: str
    count: int
    real: int
    coefficients: np.ndarray
    is_real: np.ndarray
    losses: np.ndarray
    minimum: Optional[int]
    parameters: np.ndarray
    verified: bool
    verification: str
    statement: str
    loops: int
    stable_loops: int
    paths: int
    failed_paths: int
    trace_residual: Optional[float]
    exact: Optional["ExactCount"]
    timed_out: bool
    seed: Optional[int]
    seconds: float
    target_failures: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def real_coefficients(self) -> np.ndarray:
        """The real critical points as a real array ``(real, dL, M)``."""
        return self.coefficients[self.is_real].real.copy()

    def weight_matrices(self, i: int) -> list[np.ndarray]:
        """Complex weight matrices ``W_1..W_L`` realising critical point ``i`` (one of its
        preimages; a real critical function may need complex weights)."""
        arch = Architecture(self.widths, self.r)
        return _weight_matrices(arch, self.parameters[i])

    def coefficient_matrices(self, real_only: bool = False) -> list[np.ndarray]:
        """The critical points as ``dL x M`` matrices: real ones as float arrays, others complex.

        This is the format of the ``critical_points=`` hook of
        :func:`neurovariety.learning.count_learned_functions` (pass the *same* data).
        """
        out = []
        for C, real in zip(self.coefficients, self.is_real):
            if real:
                out.append(C.real.copy())
            elif not real_only:
                out.append(C.copy())
        return out

    def summary(self) -> dict[str, Any]:
        """The JSON object of ``neurovariety learning-degree --json`` (exactly these keys)."""
        return {
            "widths": list(self.widths),
            "r": self.r if isinstance(self.r, int) else list(self.r),
            "weights": self.weights,
            "count": int(self.count),
            "real": int(self.real),
            "verified": bool(self.verified),
            "loops": int(self.loops),
            "seconds": round(float(self.seconds), 4),
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything JSON-serialisable: the summary plus the statement, diagnostics and points."""
        d = self.summary()
        d.update(
            {
                "statement": self.statement,
                "verification": self.verification,
                "trace_residual": self.trace_residual,
                "exact": None if self.exact is None else self.exact.to_dict(),
                "stable_loops": self.stable_loops,
                "paths": self.paths,
                "failed_paths": self.failed_paths,
                "target_failures": self.target_failures,
                "timed_out": self.timed_out,
                "seed": self.seed,
                "minimum": self.minimum,
                "critical_points": [
                    {
                        "real": bool(re),
                        "loss": float(loss.real) if re else [float(loss.real), float(loss.imag)],
                        "coefficients": C.real.tolist() if re else [C.real.tolist(), C.imag.tolist()],
                    }
                    for C, re, loss in zip(self.coefficients, self.is_real, self.losses)
                ],
            }
        )
        return d

    def __str__(self) -> str:
        return self.statement


@dataclass
class ExactCount:
    """Result of :func:`exact_critical_count`.

    ``solutions``: the degree (number of points with multiplicity over the algebraic closure of
    F_p) of the critical ideal in gauge-fixed weights with the rank-deficient locus removed;
    ``functions`` = ``solutions / fibre`` with ``fibre`` = the number of hidden-neuron permutations
    (the gauge-preserving symmetries; assumes the generic fibre is no larger).
    """

    solutions: int
    functions: int
    fibre: int
    prime: int
    weights: str
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# ------------------------------------------------------------------------------------------------
# the loss data
# ------------------------------------------------------------------------------------------------


def _gauge_mask(widths: Sequence[int]) -> np.ndarray:
    """Boolean mask over the weight vector (package order): ``True`` for the free weights.

    The first incoming weight ``W_i[k, 0]`` of every hidden neuron is fixed to 1.

    >>> _gauge_mask((2, 2, 3)).astype(int).tolist()
    [0, 1, 0, 1, 1, 1, 1, 1, 1, 1]
    """
    widths = tuple(int(w) for w in widths)
    out = []
    L = len(widths) - 1
    for i in range(L):
        for _row in range(widths[i + 1]):
            for col in range(widths[i]):
                out.append(not (i + 1 < L and col == 0))
    return np.array(out, dtype=bool)


def _weight_matrices(arch: Architecture, full: np.ndarray) -> list[np.ndarray]:
    """Weight matrices ``W_1..W_L`` from a weight vector in package order."""
    out, off = [], 0
    for a, b in zip(arch.widths, arch.widths[1:]):
        out.append(full[off : off + a * b].reshape(b, a))
        off += a * b
    return out


@dataclass
class _Problem:
    arch: Architecture
    Q: np.ndarray  # (amb, amb) real symmetric, normalised
    b: np.ndarray  # (amb,) the actual target (real), normalised
    scale: float  # the loss is scale * (c^T Q c - 2 b^T c) + const
    const: float


def _problem(arch: Architecture, weights: str, data: Any, rng: np.random.Generator, seed: Optional[int]) -> _Problem:
    amb, M, dL = arch.ambient_dim, arch.num_monomials, arch.dL
    if weights == "data":
        from .learning import loss_matrices, make_data

        if data is None:
            X, Y = make_data(arch, None, seed=seed)
        else:
            try:
                X, Y = data
            except (TypeError, ValueError):
                raise ValueError("data for weights='data' must be a pair (X, Y) of arrays (n x d0, n x dL)") from None
        A, B, c0 = loss_matrices(arch, None, X, Y)
        Q = np.kron(np.eye(dL), A)
        b = np.asarray(B).T.ravel()
        const = float(c0)
    else:
        if data is None:
            u = rng.standard_normal(amb)
        else:
            u = np.asarray(data, dtype=float)
            if u.size != amb:
                raise ValueError(f"the target for weights={weights!r} must be a dL x M = {dL} x {M} coefficient matrix, got shape {u.shape}")
            u = u.ravel()
            if not np.isfinite(u).all():
                raise ValueError("the target must be finite")
        if weights == "generic":
            G = rng.standard_normal((amb, amb))
            Q = G @ G.T / amb + 0.5 * np.eye(amb)  # positive definite, generic (has a density)
        else:
            Q = np.eye(amb)
        b = Q @ u
        const = float(u @ Q @ u)
    s = float(np.linalg.norm(Q, 2))
    if not (np.isfinite(s) and s > 0):
        raise ValueError("degenerate loss: the weight matrix Q is zero or not finite")
    # Critical points do not change when Q and b are scaled together; unit scale helps the tracker.
    return _Problem(arch, Q / s, b / s, s, const)


class _System:
    """Thin wrapper around the Rust critical system for one architecture and weight matrix."""

    def __init__(self, arch: Architecture, Q: np.ndarray):
        self.arch = arch
        self.widths = list(arch.widths)
        self.exps = [int(e) for e in arch.r]
        self.q = np.ascontiguousarray(Q, dtype=complex)
        self.n = arch.num_params - sum(arch.hidden_widths)  # unknowns after fixing the gauge
        self.N = arch.num_params
        self.amb = arch.ambient_dim

    def track(self, starts: np.ndarray, nodes: Sequence[np.ndarray], **options: Any) -> tuple[np.ndarray, np.ndarray]:
        starts = np.ascontiguousarray(np.atleast_2d(starts), dtype=complex)
        nodes = np.ascontiguousarray(np.array(nodes), dtype=complex)
        if len(starts) == 0:
            return starts, np.zeros(0, dtype=np.uint8)
        ends, status, _steps, _res = _core.critical_track(self.widths, self.exps, self.q, starts, nodes, **options)
        return np.asarray(ends), np.asarray(status)

    def evaluate(self, thetas: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        thetas = np.ascontiguousarray(np.atleast_2d(thetas), dtype=complex)
        bb = np.ascontiguousarray(np.asarray(b, dtype=complex).reshape(1, -1))
        f, c, j = _core.critical_evaluate(self.widths, self.exps, self.q, bb, thetas)
        return np.asarray(f), np.asarray(c), np.asarray(j)


def _full_rank(J: np.ndarray, n: int) -> np.ndarray:
    """Per point: does the coefficient Jacobian (amb x n) have rank n? Columns are normalised
    first, since gauge-fixed weights can be badly scaled without the rank dropping."""
    finite = np.isfinite(J).all(axis=(-1, -2))  # NaN rows: a dead neuron (no gauge chart)
    J = np.where(finite[..., None, None], J, 0.0)
    norms = np.linalg.norm(J, axis=-2, keepdims=True)
    ok = finite & (norms > 0).all(axis=(-1, -2))
    s = np.linalg.svd(J / np.where(norms > 0, norms, 1.0), compute_uv=False)
    # rank-deficient (spurious) solutions sit at rounding level; genuine ones of deep, high-degree
    # networks can be badly conditioned, hence a low threshold
    return ok & (s[..., n - 1] > 1e-11 * s[..., 0]) & np.isfinite(s).all(axis=-1)


class _Dedup:
    """Known functions (coefficient vectors) and one weight vector each."""

    def __init__(self, N: int, amb: int):
        self.c = np.zeros((0, amb), dtype=complex)
        self.theta = np.zeros((0, N), dtype=complex)

    def add(self, c: np.ndarray, theta: np.ndarray) -> int:
        added = 0
        for ci, ti in zip(c, theta):
            if len(self.c):
                d = np.linalg.norm(self.c - ci, axis=1)
                den = np.maximum(np.maximum(np.linalg.norm(self.c, axis=1), np.linalg.norm(ci)), 1e-300)
                if (d <= DEDUP_RTOL * den).any():
                    continue
            self.c = np.vstack([self.c, ci[None]])
            self.theta = np.vstack([self.theta, ti[None]])
            added += 1
        return added


def _collisions(c: np.ndarray) -> np.ndarray:
    """Indices of the finite rows of ``c`` that coincide (to DEDUP_RTOL) with another row."""
    ok = np.flatnonzero(np.isfinite(c).all(axis=1))
    out = set()
    for a_pos, i in enumerate(ok):
        for j in ok[a_pos + 1 :]:
            if np.linalg.norm(c[i] - c[j]) <= DEDUP_RTOL * max(np.linalg.norm(c[i]), np.linalg.norm(c[j]), 1e-300):
                out.update((int(i), int(j)))
    return np.array(sorted(out), dtype=np.int64)


def _cgauss(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / math.sqrt(2)


def _valid(system: _System, thetas: np.ndarray, status: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Successful endpoints with a full-rank Jacobian: (thetas, coefficients, mask over input)."""
    ok = status == 0
    if not ok.any():
        return thetas[:0], np.zeros((0, system.amb), dtype=complex), ok
    _, c, J = system.evaluate(thetas[ok], b)
    good = _full_rank(J, system.n) & np.isfinite(c).all(axis=1)
    mask = ok.copy()
    mask[np.flatnonzero(ok)[~good]] = False
    return thetas[mask], c[good], mask


# ------------------------------------------------------------------------------------------------
# monodromy and verification
# ------------------------------------------------------------------------------------------------


def _start_pair(system: _System, problem: _Problem, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """A random complex theta_0 and b_0 = Q u_0 making it critical: u_0 = c_0 + nu, J^T Q nu = 0.

    Parameters are drawn as *targets* u (b = Q u) rather than as b itself: for an ill-conditioned
    Q (data moment matrices) a random b corresponds to a target far out along Q's small
    eigendirections, with far-away, badly conditioned critical points. Returns
    ``(theta_0, c_0, b_0, scale)`` with ``scale`` the typical size of a target entry.
    """
    n, amb = system.n, system.amb
    for _ in range(20):
        theta0 = _cgauss(rng, system.N)
        _, c, J = system.evaluate(theta0[None], np.zeros(amb))
        c, J = c[0], J[0]
        if not _full_rank(J[None], n)[0]:
            continue
        # null space of (QJ)^T (bilinear, no conjugation): right singular vectors of (QJ)^T
        _, _, Vh = np.linalg.svd((problem.Q @ J).T)
        null = Vh[n:].conj().T  # (amb, amb - n)
        nu = null @ _cgauss(rng, amb - n)
        nu *= np.linalg.norm(c) / max(np.linalg.norm(nu), 1e-300)
        u0 = c + nu
        b0 = problem.Q @ u0
        f, _, _ = system.evaluate(theta0[None], b0)
        if np.linalg.norm(f) <= 1e-9 * (1 + np.linalg.norm(b0)) * (1 + np.linalg.norm(J)):
            return theta0, c, b0, float(np.linalg.norm(u0) / math.sqrt(amb))
    raise RuntimeError(f"could not find a regular start point for {system.arch}")


def _random_node(system: _System, problem: _Problem, rng: np.random.Generator, scale: float) -> np.ndarray:
    """A random complex parameter ``b = Q u`` for a complex Gaussian target ``u``."""
    return problem.Q @ (_cgauss(rng, system.amb) * scale)


def _trace_test(system: _System, problem: _Problem, known: _Dedup, b0: np.ndarray, scale: float, rng: np.random.Generator, attempts: int = 3) -> Optional[float]:
    """Relative deviation of the coefficient trace from linearity along a random line through b0
    (``None`` when paths failed in every attempt)."""
    for _ in range(attempts):
        v = _random_node(system, problem, rng, scale)
        s1, s2 = _cgauss(rng, 2) * 0.7
        traces = [known.c.sum(axis=0)]
        mags = [np.abs(known.c).sum()]
        fine = True
        for s in (s1, s2):
            bs = b0 + s * v
            ends, status = system.track(known.theta, [b0, bs])
            th, c, mask = _valid(system, ends, status, bs)
            if not mask.all():
                fine = False
                break
            d = _Dedup(system.N, system.amb)
            if d.add(c, th) != len(known.c):  # two paths met: not a regular fibre
                fine = False
                break
            traces.append(c.sum(axis=0))
            mags.append(np.abs(c).sum())
        if not fine:
            continue
        t0, t1, t2 = traces
        dev = np.linalg.norm((t1 - t0) - (s1 / s2) * (t2 - t0))
        return float(dev / max(sum(mags), 1e-300))
    return None


def critical_points(
    widths: Union[Sequence[int], Architecture, str],
    r: Optional[RSpec] = 2,
    *,
    weights: WeightsKind = "data",
    data: Any = None,
    seed: Optional[int] = None,
    max_loops: int = 100,
    stop_after: int = 5,
    timeout: Optional[float] = None,
    verify: bool = True,
    exact: Optional[bool] = None,
    progress: bool = True,
) -> CriticalPointsResult:
    """All complex critical points of the loss on the smooth part of ``V_{widths, r}``.

    ``weights``: ``"data"`` (the learning problem of data ``data=(X, Y)``; default: generic
    Gaussian data from :func:`neurovariety.learning.make_data` with ``seed``), ``"generic"`` (a
    random positive definite weight: the generic ED degree) or ``"unit"`` (identity weight); for
    the latter two ``data`` is the target coefficient matrix ``dL x M`` (default: random).
    Monodromy stops once ``stop_after`` consecutive loops add nothing and the trace test passes
    (``verify=True``; it keeps looping while the test fails, up to ``4 * stop_after`` idle loops),
    after ``max_loops`` loops, or once ``timeout`` seconds have passed (checked between loops; the
    trace test is then skipped, the final homotopy to the data still runs). ``exact`` runs the
    finite-field count (:func:`exact_critical_count`, with random data over F_p; ``None``: only
    for architectures with at most 2 unknowns and degree at most 3). Progress is shown with tqdm.

    Only non-defective architectures are supported (then the gauge-fixed system is square with
    finitely many solutions); a filling ``V`` has the single least-squares critical point.

    >>> res = critical_points((2, 2, 3), 2, weights="data", seed=1, progress=False)
    >>> res.count, res.real, res.verified
    (3, 3, True)
    """
    t_start = time.perf_counter()
    arch = widths if isinstance(widths, Architecture) else Architecture(_parse_widths(widths), 2 if r is None else r)
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {WEIGHTS}, got {weights!r}")
    for name, v in (("max_loops", max_loops), ("stop_after", stop_after)):
        if int(v) != v or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout must be positive, got {timeout!r}")
    if seed is not None and (int(seed) != seed or seed < 0):
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    # a stream of its own: make_data(seed=seed) must not share random numbers with the start point
    rng = np.random.default_rng(None if seed is None else [int(seed), 0xC817])
    problem = _problem(arch, weights, data, rng, seed)
    amb = arch.ambient_dim
    n = arch.num_params - sum(arch.hidden_widths)  # unknowns after fixing the gauge
    r_out: Union[int, tuple[int, ...]] = arch.uniform_r if arch.uniform_r is not None else tuple(arch.r)
    if not arch.r:
        r_out = 1

    dim_v = _dimension(arch)
    common = dict(widths=arch.widths, r=r_out, weights=weights, seed=seed)
    if dim_v == amb:
        return _filling_result(arch, problem, common, t_start)
    if dim_v < n:
        raise NotImplementedError(
            f"{arch} is defective (dim V = {dim_v} < {n} gauge-fixed weights): the critical equations in "
            "weight space have positive-dimensional fibres; only non-defective architectures are supported"
        )

    system = _System(arch, problem.Q)
    theta0, c0, b0, scale = _start_pair(system, problem, rng)
    known = _Dedup(system.N, amb)
    known.add(c0[None], theta0[None])
    loops = stable = paths = failed = 0
    timed_out = False
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_loops, desc=f"monodromy {arch}", unit="loop", leave=False)
    try:
        # Loop until `stop_after` loops add nothing; then the trace test decides: if it fails,
        # solutions are missing (or, for special weights, the test does not apply) and the loops
        # go on, re-testing after every further `stop_after` idle loops, up to `patience` idle loops.
        patience = 4 * stop_after
        trace_res: Optional[float] = None
        while loops < max_loops:
            if timeout is not None and time.perf_counter() - t_start > timeout:
                timed_out = True
                break
            b1, b2 = _random_node(system, problem, rng, scale), _random_node(system, problem, rng, scale)
            ends, status = system.track(known.theta, [b0, b1, b2, b0])
            paths += len(status)
            failed += int((status != 0).sum())
            th, c, _ = _valid(system, ends, status, b0)
            new = known.add(c, th)
            loops += 1
            if new:
                stable = 0
                trace_res = None
            else:
                stable += 1
            if bar is not None:
                bar.update(1)
                bar.set_postfix(solutions=len(known.c), stable=stable)
            if stable and stable % stop_after == 0:
                if not verify:
                    break
                trace_res = _trace_test(system, problem, known, b0, scale, rng)
                paths += 2 * len(known.c)
                if (trace_res is not None and trace_res <= TRACE_RTOL) or stable >= patience:
                    break
    finally:
        if bar is not None:
            bar.close()
    count = len(known.c)
    if verify and trace_res is None and not timed_out:  # stopped at max_loops: test what we have
        trace_res = _trace_test(system, problem, known, b0, scale, rng)

    exact_res = None
    if exact is None:
        exact = n <= 2 and arch.degree <= 3
    if exact:
        exact_res = exact_critical_count(arch, None, weights=weights, seed=seed)
    verified_by = []
    if trace_res is not None and trace_res <= TRACE_RTOL:
        verified_by.append("trace test")
    if exact_res is not None and exact_res.functions == count:
        verified_by.append(f"exact count over F_{exact_res.prime}")
    verified = bool(verified_by)

    # Parameter homotopy from the generic b0 to the actual data, via a random node (gamma trick).
    # All paths must take the same route: two routes differ by a monodromy loop, so mixing them
    # would permute solutions. Failed paths are retracked on the same route with cautious
    # settings; if some still fail, or two paths meet (path jumping), everything is retracked on
    # a fresh route, and the best attempt is kept.
    target = problem.b.astype(complex)
    best: Optional[tuple[np.ndarray, np.ndarray]] = None
    for _attempt in range(4):
        mid = 0.5 * (b0 + target) + _random_node(system, problem, rng, scale)
        route = [b0, mid, target]
        final_theta = np.full((count, system.N), np.nan + 0j)
        final_c = np.full((count, amb), np.nan + 0j)
        todo = np.arange(count)
        for careful in (False, True):
            opts = dict(max_step=0.05, predictor_trust=0.03, max_steps=50000) if careful else {}
            ends, status = system.track(known.theta[todo], route, **opts)
            paths += len(status)
            th, c, mask = _valid(system, ends, status, target)
            final_theta[todo[mask]] = th
            final_c[todo[mask]] = c
            todo = todo[~mask]
            if len(todo) == 0:
                break
        bad = np.union1d(todo, _collisions(final_c))
        final_theta[bad] = np.nan
        final_c[bad] = np.nan
        if best is None or len(bad) < np.isnan(best[1][:, 0]).sum():
            best = (final_theta, final_c)
        if len(bad) == 0:
            break
    assert best is not None
    final_theta, final_c = best
    todo = np.flatnonzero(~np.isfinite(final_c).all(axis=1))
    target_failures = len(todo)
    done = np.flatnonzero(np.isfinite(final_c).all(axis=1))
    coeffs = final_c[done]
    is_real = np.abs(coeffs.imag).max(axis=1, initial=0) <= REAL_RTOL * np.maximum(np.abs(coeffs).max(axis=1, initial=0), 1e-300)
    Qs, bs = problem.Q * problem.scale, problem.b * problem.scale
    losses = np.einsum("ki,ij,kj->k", coeffs, Qs, coeffs) - 2 * coeffs @ bs + problem.const
    real_idx = np.flatnonzero(is_real)
    minimum = int(real_idx[np.argmin(losses[real_idx].real)]) if len(real_idx) else None

    seconds = time.perf_counter() - t_start
    what = {"data": "learning degree", "generic": "generic ED degree", "unit": "unit ED degree"}[weights]
    how = (
        f"Monodromy found {count} critical point{'s' if count != 1 else ''} ({what} of {arch}) in {loops} loops "
        f"({paths} paths, {failed} failed during loops)"
    )
    if timed_out:
        how += f"; stopped by the {timeout:g} s timeout"
    elif stable >= stop_after:
        how += f"; no new solution in the last {stable} loops"
    else:
        how += f"; stopped at max_loops={max_loops} while still finding solutions"
    checks = []
    if trace_res is not None:
        checks.append(f"trace test residual {trace_res:.1e} ({'passed' if trace_res <= TRACE_RTOL else 'failed'})")
    elif verify:
        checks.append("trace test not run (timeout)" if timed_out else "trace test could not be run (path failures)")
    if exact_res is not None:
        checks.append(
            f"exact count over F_{exact_res.prime}: {exact_res.functions} functions ({exact_res.solutions} weight solutions)"
        )
    if verified:
        head = f"{what} = {count}, verified by the {' and the '.join(verified_by)}"
    else:
        head = f"{what} >= {count} (lower bound: completeness not verified)"
    statement = f"{head}. {how}" + (f"; {'; '.join(checks)}" if checks else "") + "."
    if target_failures:
        statement += (
            f" At the given data {target_failures} of the {count} paths failed or met another path: the data may be "
            f"non-generic; real/minimum refer to the {len(done)} points reached."
        )
    return CriticalPointsResult(
        **common,
        count=count,
        real=int(is_real.sum()),
        coefficients=coeffs.reshape(len(done), arch.dL, arch.num_monomials),
        is_real=is_real,
        losses=losses,
        minimum=minimum,
        parameters=final_theta[done],
        verified=verified,
        verification=" and ".join(verified_by) if verified else "none",
        statement=statement,
        loops=loops,
        stable_loops=stable,
        paths=paths,
        failed_paths=failed,
        trace_residual=trace_res,
        exact=exact_res,
        timed_out=timed_out,
        seconds=seconds,
        target_failures=target_failures,
        extra={"dimension": dim_v, "unknowns": n},
    )


def _parse_widths(widths: Union[Sequence[int], str]) -> tuple[int, ...]:
    if isinstance(widths, str):
        from .architecture import parse_widths

        return parse_widths(widths)
    return tuple(widths)


def _dimension(arch: Architecture) -> int:
    from .learning import variety_dimension

    return int(variety_dimension(arch))


def _filling_result(arch: Architecture, problem: _Problem, common: dict, t_start: float) -> CriticalPointsResult:
    """V = C^amb: the loss is a positive definite quadratic with one critical point."""
    c = np.linalg.solve(problem.Q, problem.b)
    loss = problem.scale * (c @ problem.Q @ c - 2 * problem.b @ c) + problem.const
    return CriticalPointsResult(
        **common,
        count=1,
        real=1,
        coefficients=c.astype(complex).reshape(1, arch.dL, arch.num_monomials),
        is_real=np.array([True]),
        losses=np.array([loss], dtype=complex),
        minimum=0,
        parameters=np.zeros((0, arch.num_params), dtype=complex),
        verified=True,
        verification="closed form",
        statement=f"V fills its ambient space C^{arch.ambient_dim}: the loss is a quadratic with exactly one critical point.",
        loops=0,
        stable_loops=0,
        paths=0,
        failed_paths=0,
        trace_residual=None,
        exact=None,
        timed_out=False,
        seconds=time.perf_counter() - t_start,
    )


def learning_degree(
    widths: Union[Sequence[int], Architecture, str], r: Optional[RSpec] = 2, *, data: Any = None, seed: Optional[int] = None, **kwargs: Any
) -> CriticalPointsResult:
    """The learning degree: :func:`critical_points` with ``weights="data"``.

    ``.count`` is the degree, ``.verified``/``.statement`` say what is proved.

    >>> learning_degree((2, 2, 3), 2, seed=0, progress=False).count
    3
    """
    return critical_points(widths, r, weights="data", data=data, seed=seed, **kwargs)


def ed_degree(
    widths: Union[Sequence[int], Architecture, str],
    r: Optional[RSpec] = 2,
    *,
    weights: Literal["generic", "unit"] = "generic",
    seed: Optional[int] = None,
    **kwargs: Any,
) -> CriticalPointsResult:
    """The Euclidean distance degree (generic weight by default): :func:`critical_points`.

    >>> ed_degree((2, 1, 1), 3, seed=0, progress=False).count   # 3r - 2
    7
    """
    if weights not in ("generic", "unit"):
        raise ValueError(f"ed_degree weights must be 'generic' or 'unit', got {weights!r}")
    return critical_points(widths, r, weights=weights, seed=seed, **kwargs)


# ------------------------------------------------------------------------------------------------
# exact count over a prime field
# ------------------------------------------------------------------------------------------------


def exact_critical_count(
    widths: Union[Sequence[int], Architecture, str],
    r: Optional[RSpec] = 2,
    *,
    weights: WeightsKind = "generic",
    prime: int = 32003,
    seed: Optional[int] = None,
) -> ExactCount:
    """Degree of the zero-dimensional critical ideal over F_p, by a sympy Gröbner basis.

    The equations ``J(theta)^T (Q c(theta) - b)`` in gauge-fixed weights, with ``Q, b`` random over
    F_p (``weights`` as in :func:`critical_points`: for ``"data"``, ``Q = I (x) sum m(x_i) m(x_i)^T``
    for random points ``x_i`` in F_p^d0). Solutions where the coefficient Jacobian ``J`` drops rank
    (e.g. a neuron with zero outgoing weights, whose other weights are then free: spurious,
    positive-dimensional components) are removed by adding ``z * det(R J) - 1`` with a random
    ``n x amb`` matrix ``R``: ``det(R J)`` vanishes where ``rank J < n`` and, for random ``R``, at no
    regular solution (w.h.p.). The number of standard monomials of a grevlex basis is the number of
    solutions over the algebraic closure, counted with multiplicity; for random data it equals the
    generic complex count except for finitely many primes (w.h.p. for a large ``prime``).

    Only for the smallest architectures (a few unknowns, low degree): sympy's Buchberger is slow.

    >>> exact_critical_count((2, 1, 1), 2, seed=0).functions
    4
    """
    import sympy
    from sympy.polys.domains import GF

    t0 = time.perf_counter()
    arch = widths if isinstance(widths, Architecture) else Architecture(_parse_widths(widths), 2 if r is None else r)
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {WEIGHTS}, got {weights!r}")
    if not _core.is_prime(int(prime)) or prime < 3:
        raise ValueError(f"prime must be an odd prime, got {prime!r}")
    mask = _gauge_mask(arch.widths)
    n = int(mask.sum())
    if n > 4 or arch.ambient_dim > 12:
        raise ValueError(f"{arch} is too large for the sympy Gröbner count ({n} unknowns, ambient dimension {arch.ambient_dim})")
    rng = np.random.default_rng(seed)
    amb, M, dL = arch.ambient_dim, arch.num_monomials, arch.dL
    ts = sympy.symbols(f"t0:{n}")
    xs = sympy.symbols(f"x0:{arch.d0}")
    z = sympy.Symbol("z")
    full = []
    it = iter(ts)
    for free in mask:
        full.append(next(it) if free else sympy.Integer(1))
    # forward pass on symbolic weights
    acts = list(xs)
    off = 0
    for i, (a, bdim) in enumerate(zip(arch.widths, arch.widths[1:])):
        W = [full[off + k * a : off + (k + 1) * a] for k in range(bdim)]
        off += a * bdim
        zs = [sum(w * v for w, v in zip(row, acts)) for row in W]
        acts = zs if i == arch.depth - 1 else [zz ** arch.r[i] for zz in zs]
    exps = monomial_exponents(arch.d0, arch.degree)
    c = []
    for f in acts:
        P = sympy.Poly(sympy.expand(f), *xs)
        c.extend(P.coeff_monomial(e) for e in exps)
    c = sympy.Matrix(c)
    J = c.jacobian(ts)

    def rand(*shape: int) -> np.ndarray:
        return rng.integers(1, prime, size=shape)

    if weights == "generic":
        G = rand(amb, amb)
        Qn = (G + G.T) % prime
    elif weights == "unit":
        Qn = np.eye(amb, dtype=np.int64)
    else:
        pts = rand(max(10, 2 * M), arch.d0)
        mono = np.array([[math.prod(int(p[v]) ** e[v] for v in range(arch.d0)) % prime for e in exps] for p in pts], dtype=object)
        A = (mono.T @ mono) % prime
        Qn = np.kron(np.eye(dL, dtype=object), A) % prime
    Q = sympy.Matrix(Qn.tolist())
    b = sympy.Matrix(rand(amb).tolist())
    g = Q * c - b
    F = list(J.T * g)
    R = sympy.Matrix(rand(n, amb).tolist())
    h = (R * J).det(method="berkowitz")
    polys = [sympy.expand(e) for e in F] + [sympy.expand(z * h - 1)]
    gens = tuple(ts) + (z,)
    G = sympy.groebner(polys, *gens, modulus=int(prime), order="grevlex")
    if not G.is_zero_dimensional:
        raise RuntimeError(f"the critical ideal of {arch} is not zero-dimensional over F_{prime} (unlucky prime or data?)")
    leads = [sympy.Poly(p, *gens, domain=GF(int(prime))).monoms(order="grevlex")[0] for p in G.exprs]
    count = _standard_monomials(leads, len(gens))
    fibre = math.prod(math.factorial(d) for d in arch.hidden_widths)
    return ExactCount(
        solutions=count,
        functions=count // fibre,
        fibre=fibre,
        prime=int(prime),
        weights=weights,
        seconds=time.perf_counter() - t0,
    )


def _standard_monomials(leads: list[tuple[int, ...]], nvars: int) -> int:
    """Number of monomials divisible by none of ``leads`` (finite for a zero-dimensional ideal)."""
    bounds = []
    for v in range(nvars):
        pure = [m[v] for m in leads if all(e == 0 for k, e in enumerate(m) if k != v) and m[v] > 0]
        if not pure:
            raise RuntimeError("not zero-dimensional")
        bounds.append(min(pure))
    count = 0
    for mono in itertools.product(*(range(b) for b in bounds)):
        if not any(all(mono[k] >= m[k] for k in range(nvars)) for m in leads):
            count += 1
    return count
