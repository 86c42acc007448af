"""Critical points of the squared loss on a neurovariety: learning degree and ED degree.

The loss of a network depends on it only through its coefficient vector ``c`` (output-major,
``dL * M`` entries): ``loss(c) = c^T Q c - 2 b^T c + const`` (:mod:`~neurovariety.critical.problem`:
``weights="data"`` gives the **learning degree**, ``"generic"`` the **generic Euclidean distance
degree**, ``"unit"`` the ED degree of the plain coefficient inner product).

**Method.** The critical equations are written in weight space, ``F(theta; b) = J(theta)^T
(Q c(theta) - b) = 0``, with the rescaling symmetry fixed by the gauge (one incoming weight of
every hidden neuron is 1; the Rust tracker switches charts like those of projective space), so
there are ``N - sum(hidden widths)`` unknowns, as many as ``dim V`` for non-defective
architectures. **Monodromy** (:mod:`~neurovariety.critical.monodromy`,
:func:`~neurovariety.homotopy.run_loops`) moves ``b`` around a few fixed random triangles and
tracks every solution around each of them once (new solutions join the queue); endpoints are
deduplicated in *function* space and kept only where the coefficient Jacobian has full rank
``dim V``; a path that fails is re-routed through bends of its triangle. For a real system every
other fresh loop is a *conjugation loop* through a real node (there the critical set is closed
under complex conjugation). Once the set is closed
under the loops and fresh loops add nothing, the count is a stabilised **lower bound**. Finally
every solution is tracked to the actual data (:mod:`~neurovariety.critical.target`), which gives the real critical points
and the minimum.

**Verification.** ``verified`` is true only when completeness is confirmed: by the *trace test*
(:mod:`~neurovariety.critical.trace`), by *parameter continuation from a generic weight*
(:mod:`~neurovariety.critical.continuation`: for the data's weight or the identity, where the
trace test can fail on a complete set, a generic weight's trace-verified set is tracked to the
actual weight and every path must end at a regular critical point or diverge), or by an *exact
count over F_p* (:func:`~neurovariety.critical.exact.exact_critical_count`) for the smallest
architectures.
**Certification.** Every returned point is tested by the Krawczyk test in complex ball arithmetic
(Rust core, ``critical/certify.rs``): ``certified_count`` points are proved to lie within a tiny box
of a unique non-singular critical point, pairwise different functions; ``real_certified`` of them
are proved real (real data and a box centred at a real point). A filling ``V`` has its one
critical point in closed form (counted as certified).

>>> res = ed_degree((2, 1, 1), 2, seed=0)
>>> res.count, res.verified
(4, True)
"""

from __future__ import annotations

import time
from typing import Any, Optional

import numpy as np

from .._progress import progress_bar
from .._validate import choice, optional_positive_float, positive_int
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..dimension import dimension
from ..errors import InvalidInputError
from ..homotopy import LoopState, SolutionSet, TrackingStopped, run_loops
from ..homotopy.checkpoint import LoopCheckpoint, PathLike
from ..network.gauge import weight_slice
from .continuation import WeightContinuation, continue_to_weight
from .exact import exact_critical_count
from .monodromy import StartPair, loop_tracker, start_pair
from .problem import WEIGHTS, LossProblem, WeightsKind, loss_problem
from .result import CriticalPointsResult, ExactCount
from .system import CriticalSystem
from .target import TargetPoints, track_to_target
from .trace import TRACE_RTOL, trace_test

__all__ = [
    "CriticalPointsResult",
    "ExactCount",
    "critical_points",
    "learning_degree",
    "ed_degree",
    "exact_critical_count",
    "WEIGHTS",
    "TRACE_RTOL",
]

#: A coefficient vector counts as real when its imaginary part is this small (relative).
REAL_RTOL = 1e-8

_WHAT = {"data": "learning degree", "generic": "generic ED degree", "unit": "unit ED degree"}


def _rng(seed: Optional[int]) -> np.random.Generator:
    """The run's random stream; one of its own: ``make_data(seed=seed)`` must not share random numbers
    with the start point."""
    return np.random.default_rng(None if seed is None else [int(seed), 0xC817])


def _filling_result(arch: Architecture, problem: LossProblem, common: dict[str, Any], t_start: float) -> CriticalPointsResult:
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
        certified_count=1,
        real_certified=1,
        certified=np.array([True]),
    )


def _statement(arch: Architecture, weights: str, state: LoopState, verified_by: list[str], exact: Optional[ExactCount],
               max_loops: int, stop_after: int, timeout: Optional[float]) -> str:
    count, what = len(state.known), _WHAT[weights]
    how = (f"Monodromy found {count} critical point{'s' if count != 1 else ''} ({what} of {arch}) with {state.loops} loops "
           f"({state.paths} paths, {state.failed} failed during loops)")
    if state.interrupted:
        how += "; interrupted"
    elif state.timed_out:
        how += f"; stopped by the {timeout:g} s timeout"
    else:
        how += "; every solution was tracked around every loop and no new one appeared"
        if state.stable >= stop_after:
            how += f" in the last {state.stable} fresh loops"
        elif not verified_by:
            how += f"; stopped at max_loops={max_loops} while the completeness test had not passed"
    checks = []
    if state.trace_residual is not None:
        passed = "passed" if state.trace_residual <= TRACE_RTOL else "failed"
        if passed == "failed" and weights != "generic":
            passed += ("; for a non-generic weight critical points at infinity can make the trace non-linear "
                       "even for a complete set, see neurovariety.critical.trace")
        checks.append(f"trace test residual {state.trace_residual:.1e} ({passed})")
    if exact is not None:
        checks.append(f"exact count over F_{exact.prime}: {exact.functions} functions ({exact.solutions} weight solutions)")
    head = (f"{what} = {count}, verified by the {' and the '.join(verified_by)}" if verified_by
            else f"{what} >= {count} (lower bound: completeness not verified)")
    return f"{head}. {how}" + (f"; {'; '.join(checks)}" if checks else "") + "."


def _at_target(problem: LossProblem, coeffs: np.ndarray) -> tuple[np.ndarray, np.ndarray, Optional[int]]:
    """Per critical point at the data: is it real, its loss; and the index of the real minimum."""
    scale_ = np.maximum(np.abs(coeffs).max(axis=1, initial=0), 1e-300)
    is_real = np.abs(coeffs.imag).max(axis=1, initial=0) <= REAL_RTOL * scale_
    Qs, bs = problem.Q * problem.scale, problem.b * problem.scale
    losses = np.einsum("ki,ij,kj->k", coeffs, Qs, coeffs) - 2 * coeffs @ bs + problem.const
    real_idx = np.flatnonzero(is_real)
    minimum = int(real_idx[np.argmin(losses[real_idx].real)]) if len(real_idx) else None
    return is_real, losses, minimum


def _monodromy(system: CriticalSystem, problem: LossProblem, rng: np.random.Generator, *, max_loops: int,
               stop_after: int, deadline: Optional[float], verify: bool, progress: Optional[bool],
               trace_in_loops: bool = True, label: str = "monodromy",
               checkpoint: Optional[PathLike] = None, log: Optional[list[dict[str, Any]]] = None,
               ) -> tuple[LoopState, StartPair]:
    """Monodromy at ``problem``'s weight; ``trace_in_loops=False`` runs the trace test once, after the
    loops (which then stop after ``stop_after`` idle fresh loops). With a ``checkpoint`` directory the
    run is saved as it goes and resumed from there (:mod:`neurovariety.homotopy.checkpoint`); what was
    resumed is appended to ``log``."""
    settings = (max_loops, stop_after, verify, trace_in_loops)
    saver = None if checkpoint is None else LoopCheckpoint(checkpoint, "monodromy", _problem_key(system, settings),
                                                           N=system.P, amb=system.amb, keys_of=system.coefficients)
    saved = saver.load(rng) if saver is not None else None
    entry: dict[str, Any] = {}
    if saver is not None:
        entry = saver.file.entry(label, None if saved is None else len(saved.state.known),
                                 saved is not None and saved.finished)
        if log is not None:
            log.append(entry)
    if saved is not None and saved.finished:
        return saved.state, _start_of(saved.extra)
    start = _start_of(saved.extra) if saved is not None else start_pair(system, problem, rng)
    nodes: dict[int, list[np.ndarray]] = saved.nodes if saved is not None else {}
    resume = saved.state if saved is not None else None
    bar = progress_bar(None, f"{label} {system.arch}", unit="batch", progress=progress)
    stats = {"paths": resume.paths if resume else 0, "failed": resume.failed if resume else 0}
    start_arrays = {"theta": start.theta, "c": start.c, "b": start.b, "scale": np.array(start.scale)}

    def save(state: LoopState, finished: bool = False, force: bool = False) -> None:
        state.paths, state.failed = stats["paths"], stats["failed"]
        if saver is not None:
            saver.save(state, nodes, start_arrays, rng, finished=finished, force=force)

    def on_loop(state: LoopState) -> None:
        bar.update(1)
        bar.set_postfix(solutions=len(state.known), loops=state.loops, stable=state.stable)
        save(state)

    def trace(known: SolutionSet) -> Optional[float]:
        stats["paths"] += 2 * len(known)
        return trace_test(system, problem, known, start.b, start.scale, rng, deadline=deadline)

    known = SolutionSet(system.P, system.amb)
    known.add(start.c[None], start.theta[None])
    with bar:
        state = run_loops(loop_tracker(system, problem, start, rng, deadline, stats, nodes), known,
                          max_loops=max_loops, stop_after=stop_after, deadline=deadline,
                          trace=trace if verify and trace_in_loops else None, trace_rtol=TRACE_RTOL,
                          on_loop=on_loop, on_trace=lambda st: save(st, force=True), resume=resume)
    if verify and state.trace_residual is None and not state.stopped:
        try:  # stopped at max_loops: test what we have
            state.trace_residual = trace(state.known)
        except TrackingStopped as stop:
            state.stop(stop)
    save(state, finished=not state.stopped, force=True)
    if saver is not None:
        entry["seconds_all_runs"] = round(saver.seconds, 1)
    return state, start


def _problem_key(system: CriticalSystem, settings: tuple[int, int, bool, bool]) -> dict[str, np.ndarray]:
    """What identifies a monodromy run: architecture, weight matrix, weight slice, and the loop
    settings (``max_loops``, ``stop_after``, ``verify``, trace in the loops), which decide when it ends."""
    key = {"widths": np.array(system.arch.widths), "r": np.array(system.arch.r), "Q": system.Q,
           "settings": np.array(settings, dtype=np.int64)}
    if system.slice is not None:
        key.update(slice_point=system.slice[0], slice_basis=system.slice[1])
    return key


def _start_of(arrays: dict[str, np.ndarray]) -> StartPair:
    return StartPair(arrays["theta"], arrays["c"], arrays["b"], float(arrays["scale"]))


def critical_points(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    *,
    weights: WeightsKind = "data",
    data: Any = None,
    seed: Optional[int] = None,
    max_loops: int = 100,
    stop_after: int = 5,
    timeout: Optional[float] = None,
    verify: bool = True,
    exact: Optional[bool] = None,
    continuation: bool = True,
    checkpoint: Optional[PathLike] = None,
    progress: Optional[bool] = None,
) -> CriticalPointsResult:
    """All complex critical points of the loss on the smooth part of ``V_{widths, r}``.

    ``weights``: ``"data"`` (the learning problem of data ``data=(X, Y)``; default: generic
    Gaussian data from :func:`neurovariety.loss.make_data` with ``seed``), ``"generic"`` (a
    random positive definite weight: the generic ED degree) or ``"unit"`` (identity weight); for
    the latter two ``data`` is the target coefficient matrix ``dL x M`` (default: random).
    Monodromy (:func:`neurovariety.homotopy.run_loops`) tracks every solution around each of a
    few fixed loops once; when the set is closed under them the trace test runs (``verify=True``)
    and monodromy stops if it passes; while it fails, fresh loops are added, up to ``max_loops``
    loops or ``2 * stop_after`` fresh loops that add nothing (``verify=False``: ``stop_after``).
    For ``"data"`` and ``"unit"`` the trace test is run once after the loops (it can fail on a
    complete set there, see :mod:`~neurovariety.critical.trace`); if it fails and
    ``continuation`` is on, the complete set is obtained from a generic weight's trace-verified
    one by parameter continuation (:mod:`~neurovariety.critical.continuation`).
    ``timeout`` seconds stop it (also during the trace test; the points returned are then those at
    the run's generic parameters: a lower bound). ``exact`` runs the
    finite-field count (``None``: only for at most 2 unknowns and degree at most 3). ``checkpoint``:
    a directory where every monodromy run is saved as it goes (each problem in its own file,
    named by a hash of architecture, weight matrix and loop settings) and from which a later call
    resumes it;
    the generic weight of a continuation is the one of ``weights="generic"`` with the same
    ``seed``, so an ED-degree run and a learning-degree run share that work.

    For a defective architecture the weights are restricted to a random slice of dimension
    ``dim V`` (spurious solutions of the slice are filtered; see :mod:`~neurovariety.critical.system`);
    a filling ``V`` has the single least-squares critical point.

    >>> res = critical_points((2, 2, 3), 2, weights="data", seed=1)
    >>> res.count, res.real, res.verified
    (3, 3, True)
    """
    t_start = time.perf_counter()
    arch = Architecture.coerce(widths, r)
    choice(weights, "weights", WEIGHTS)
    max_loops, stop_after = positive_int(max_loops, "max_loops"), positive_int(stop_after, "stop_after")
    timeout = optional_positive_float(timeout, "timeout")
    seed = validate_seed(seed)
    if checkpoint is not None and seed is None:
        raise InvalidInputError("a checkpoint needs an integer seed (seed= / --seed): without one every call draws "
                                "a new random start point and loops (and weight, if generic), so nothing could resume")
    rng = _rng(seed)
    problem = loss_problem(arch, weights, data, rng, seed)
    common: dict[str, Any] = dict(widths=arch.widths, r=arch.activation, weights=weights, seed=seed)
    dim_v = dimension(arch, seed=0).dimension
    if dim_v == arch.ambient_dim:
        return _filling_result(arch, problem, common, t_start)
    sliced = dim_v < arch.num_free_params
    # defective: restrict the weights to a random slice of dimension dim V (see critical.system)
    system = CriticalSystem(arch, problem.Q, weight_slice(arch, dim_v, rng) if sliced else None)
    deadline = None if timeout is None else time.monotonic() + timeout
    # a special weight: the trace test after the loops, then (if it fails) continuation from a generic one
    special = weights != "generic" and continuation and not sliced
    loop_stop = 1 if special else stop_after
    log: list[dict[str, Any]] = []  # the checkpointed monodromy runs
    state, start = _monodromy(system, problem, rng, max_loops=max_loops, stop_after=loop_stop,
                              deadline=deadline, verify=verify, progress=progress, trace_in_loops=not special,
                              checkpoint=checkpoint, log=log)
    passed = state.trace_residual is not None and state.trace_residual <= TRACE_RTOL
    cont = None
    if special and verify and not passed and not state.stopped:
        cont = _by_continuation(system, problem, state, start, rng, seed, max_loops=max_loops, stop_after=stop_after,
                                deadline=deadline, progress=progress, checkpoint=checkpoint, log=log)
    stopped = state.interrupted or state.timed_out
    exact_res = None
    if not stopped and not sliced and (exact if exact is not None else arch.num_free_params <= 2 and arch.degree <= 3):
        exact_res = exact_critical_count(arch, weights=weights, seed=seed)
    count = len(state.known)
    verified_by = (["trace test"] if passed else []) + (
        [f"exact count over F_{exact_res.prime}"] if exact_res is not None and exact_res.functions == count else []) + (
        ["parameter continuation from a generic weight"] if cont is not None and cont.verified else [])
    points = _at_data(system, problem, state, start, rng)
    done = points.reached
    coeffs = points.c[done]
    is_real, losses, minimum = _at_target(problem, coeffs)
    certified, real_cert = _certify(system, points.theta[done], start.b if stopped else problem.b)
    statement = _statement(arch, weights, state, verified_by, exact_res, max_loops, loop_stop, timeout)
    statement += _notes(arch, dim_v, sliced, stopped, count, len(done), int(certified.sum()), int(real_cert.sum()), cont)
    statement += _resumed_sentence(log)
    extra: dict[str, Any] = {"dimension": dim_v, "unknowns": arch.num_free_params}
    if log:
        extra["checkpoint"] = log
    if cont is not None:
        extra["continuation"] = cont.to_dict()
    return CriticalPointsResult(
        **common, count=count, real=int(is_real.sum()), coefficients=coeffs.reshape(len(done), arch.dL, arch.num_monomials),
        is_real=is_real, losses=losses, minimum=minimum, parameters=system.weights(points.theta[done]), verified=bool(verified_by),
        verification=" and ".join(verified_by) if verified_by else "none", statement=statement, loops=state.loops,
        stable_loops=state.stable, paths=state.paths + points.paths + (cont.paths if cont is not None else 0),
        failed_paths=state.failed, trace_residual=state.trace_residual, exact=exact_res, timed_out=state.timed_out,
        seconds=time.perf_counter() - t_start, target_failures=0 if stopped else count - len(done),
        interrupted=state.interrupted, extra=extra,
        certified_count=int(certified.sum()), real_certified=int(real_cert.sum()), certified=certified,
    )


def _resumed_sentence(log: list[dict[str, Any]]) -> str:
    """Which monodromy runs came from a checkpoint, and their time over all runs."""
    parts = []
    for entry in log:
        if entry["resumed_from"] is None:
            continue
        secs = entry["seconds_all_runs"]
        parts.append(f"{entry['stage']}: loaded finished, {secs:.0f} s when computed" if entry["finished_before"]
                     else f"{entry['stage']}: resumed at {entry['resumed_from']} solutions, {secs:.0f} s over all runs")
    return f" From the checkpoint ({'; '.join(parts)})." if parts else ""


def _notes(arch: Architecture, dim_v: int, sliced: bool, stopped: bool, count: int, reached: int, certified: int,
           real_certified: int, cont: Optional[WeightContinuation]) -> str:
    """The sentences of the statement after the first: continuation, slice, stop, certification."""
    out = "" if cont is None else " " + cont.sentence()
    if sliced:
        out += (f" {arch} is defective (dim V = {dim_v} < {arch.num_free_params} gauge-fixed weights): the weights "
                f"were restricted to a random slice of dimension {dim_v}; solutions where the slice's Jacobian J S "
                "drops rank (spurious critical points of the slice) were discarded, and every point kept has a "
                "vanishing gradient in all weights at a smooth point of V.")
    if stopped:
        out += (" The points returned are the critical points at the generic parameters of the monodromy run, "
                "not at the given data (the run was stopped before tracking them there).")
    elif reached < count:
        out += (f" At the given data {count - reached} of the {count} paths failed or met another path: the data "
                f"may be non-generic; real/minimum refer to the {reached} points reached.")
    if sliced:
        out += (" No solution is certified by the Krawczyk test: it needs isolated critical points in gauge-fixed "
                "weights, and a defective architecture's are positive-dimensional (certified_count = 0).")
    else:
        out += (f" {certified} of {count} solutions certified by the Krawczyk test in ball arithmetic; "
                f"{real_certified} certified real.")
    return out


def _by_continuation(system: CriticalSystem, problem: LossProblem, state: LoopState, start: Any, rng: np.random.Generator,
                     seed: Optional[int], *, max_loops: int, stop_after: int, deadline: Optional[float],
                     progress: Optional[bool], checkpoint: Optional[PathLike],
                     log: list[dict[str, Any]]) -> WeightContinuation:
    """Complete ``state.known`` (critical points for ``start.b`` and the special weight ``problem.Q``) from a
    generic weight: its trace-verified critical set, tracked to ``(start.b, problem.Q)``. The generic
    weight and its monodromy are those of ``critical_points(weights="generic", seed=seed)``."""
    arch = system.arch
    gen_rng = _rng(seed)
    generic = loss_problem(arch, "generic", None, gen_rng, seed)
    gen_system = CriticalSystem(arch, generic.Q)
    gen_state, gen_start = _monodromy(gen_system, generic, gen_rng, max_loops=max_loops, stop_after=stop_after,
                                      deadline=deadline, verify=True, progress=progress, label="generic weight",
                                      checkpoint=checkpoint, log=log)
    out = WeightContinuation(generic_count=len(gen_state.known), generic_residual=gen_state.trace_residual,
                             generic_paths=gen_state.paths, found=len(state.known))
    if gen_state.stopped:
        state.interrupted, state.timed_out = gen_state.interrupted, gen_state.timed_out
        return out
    if not out.generic_verified:
        return out
    try:
        run = continue_to_weight(system, gen_state.known, (gen_start.b, generic.Q), (start.b, problem.Q), rng,
                                 start.scale, deadline=deadline, progress=progress, found=state.known,
                                 checkpoint=checkpoint, log=log)
    except TrackingStopped as stop:
        state.stop(stop)
        return out
    out.run, out.missed = run, run.missed
    state.known.add(run.c, run.theta)
    return out


def _certify(system: CriticalSystem, thetas: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per point: certified by the Krawczyk test as a critical point that is a different function from
    every other certified one; and certified real (real data)."""
    _, real, _, distinct = system.certify(thetas, b)
    return distinct, distinct & real


def _at_data(system: CriticalSystem, problem: LossProblem, state: LoopState, start: Any, rng: np.random.Generator) -> TargetPoints:
    """The critical points at the actual data; after a stop (Ctrl-C, deadline) those of the run itself."""
    if not (state.interrupted or state.timed_out):
        try:
            return track_to_target(system, problem, state.known, start.b, start.scale, rng)
        except TrackingStopped as stop:
            state.stop(stop)
    return TargetPoints(state.known.theta, state.known.c, 0)


def learning_degree(
    widths: ArchitectureLike, r: Optional[RSpec] = None, *, data: Any = None, seed: Optional[int] = None, **kwargs: Any
) -> CriticalPointsResult:
    """The learning degree: :func:`critical_points` with ``weights="data"``.

    ``.count`` is the degree, ``.verified``/``.statement`` say what is proved.

    >>> learning_degree((2, 2, 3), 2, seed=0).count
    3
    """
    return critical_points(widths, r, weights="data", data=data, seed=seed, **kwargs)


def ed_degree(
    widths: ArchitectureLike, r: Optional[RSpec] = None, *, weights: str = "generic", seed: Optional[int] = None, **kwargs: Any
) -> CriticalPointsResult:
    """The Euclidean distance degree (generic weight by default): :func:`critical_points`.

    >>> ed_degree((2, 1, 1), 3, seed=0).count   # 3r - 2
    7
    """
    choice(weights, "ed_degree weights", ("generic", "unit"))
    return critical_points(widths, r, weights=weights, seed=seed, **kwargs)  # type: ignore[arg-type]
