"""From a generic weight to the actual one: parameter continuation in the loss ``(b, Q)``.

The trace test proves a critical set complete only for a *generic* weight ``Q``
(:mod:`~neurovariety.critical.trace`). For the data's moment matrix (learning degree) or the
identity (unit ED degree) the complete set is obtained from a generic weight's trace-verified
one instead: ``F(theta; b, Q) = J(theta)^T (Q c(theta) - b)`` is linear in ``(b, Q)``, so the
straight segments ``(b0, Q0) -> random complex node -> (b1, Q1)`` (the gamma trick) are a
parameter homotopy, and every isolated regular critical point of the loss at ``(b1, Q1)`` is the
end of one of its paths (parameter continuation; Sommese and Wampler, *The Numerical Solution
of Systems of Polynomials*, Thm. 7.1.1). The points of the generic set that have no counterpart
go to infinity (in coefficients or weights) as the path reaches ``(b1, Q1)``.

The paths are tracked in two stages. First to ``p_near``, a point of the last segment at
:data:`NEAR` of its length from the target: a generic parameter, so it has exactly as many
critical points as the generic set; paths that fail (after retries with more careful settings)
or meet another are replaced by monodromy loops at ``p_near``, until that many distinct regular
points are known. Then through the *endgame* parameters ``p1 + eps (p_mid - p1)``, ``eps`` in
:data:`ENDGAME`: a path whose size (coefficients, weights or Jacobian condition) grows by
:data:`GROWTH` in two consecutive steps, or whose weights exceed the tracker's ``max_norm``, is
counted as diverging (a path converging to a regular point barely moves after its first step);
the others are tracked on to the target and must end at regular critical points that are
pairwise different functions. A point monodromy found at the target that no path reached is
tracked *backwards*, from the target to ``p_near`` (a regular end point continues uniquely to the
nearby generic parameters, so the path through its landing point ends there): this resolves
paths the endgame judged diverging or left unresolved because they converge slowly or badly
conditioned. Paths that fit none of these are ``unresolved``, and completeness is claimed only
when there are none and every point monodromy found at the target was reached. The divergence
test is numerical (an endgame, not a proof); the points reached are certified by the Krawczyk
test like every other critical point.

>>> NEAR, ENDGAME
(0.01, (0.0001, 1e-06, 1e-08, 1e-10))
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from .._progress import progress_bar
from ..homotopy import DEDUP_RTOL, TRACE_RTOL, SolutionSet, collisions, track_rerouted
from .problem import cgauss
from .system import STRICT, CriticalSystem, valid_endpoints
from .target import CAREFUL

__all__ = ["Continuation", "WeightContinuation", "continue_to_weight", "NEAR", "ENDGAME", "GROWTH", "MISSED_REASONS"]

#: Why a point monodromy found at the target was matched to no path (``Continuation.missed_reasons``).
MISSED_REASONS = ("backward path failed", "landed on no point of the generic parameter",
                  "landed on a path that ends at another point")
_FAILED, _OFF_SET, _CLAIMED = MISSED_REASONS
#: ``p_near`` lies this fraction of the last segment's length from the target.
NEAR = 1e-2
#: Endgame parameters ``p1 + eps (p_mid - p1)`` a failing path is followed through.
ENDGAME = (1e-4, 1e-6, 1e-8, 1e-10)
#: Tracker settings, tried in turn on the paths that failed.
_TIERS: tuple[dict[str, Any], ...] = ({}, CAREFUL, STRICT)
#: ``TrackResult.status`` of a path whose weights exceeded the tracker's ``max_norm``.
STATUS_DIVERGED = 1
#: A path diverges when its size (the largest of ``||c||``, its weights and its Jacobian's
#: condition) grows by this factor in each of two consecutive endgame steps (``eps`` / 100 each:
#: a growth like ``eps**-a`` with ``a >= 0.24``, i.e. cycle number at most 4).
GROWTH = 3.0


@dataclass
class Continuation:
    """The outcome of :func:`continue_to_weight`: regular end points (``theta``, ``c``) at the
    target; ``starts`` paths, ``near`` distinct regular points at ``p_near`` (after ``routes - 1``
    monodromy loops there), of which ``diverging`` diverge, ``unresolved`` neither diverge nor end
    regular, and the rest are the end points (``backward`` of them identified by tracking a
    point monodromy found at the target back to ``p_near``; ``missed`` such points reached by no path,
    ``missed_reasons`` why, see :data:`MISSED_REASONS`)."""

    theta: np.ndarray
    c: np.ndarray
    starts: int
    near: int
    diverging: int
    unresolved: int
    paths: int
    routes: int
    backward: int = 0
    missed: int = 0
    missed_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every start path reached ``p_near`` as a distinct regular point and then either ended at a
        regular critical point or diverged."""
        return self.near == self.starts and self.unresolved == 0 and len(self.c) + self.diverging == self.starts


@dataclass
class WeightContinuation:
    """How a special weight's critical set was completed from a generic weight's (see
    :func:`neurovariety.critical.critical_points`): the generic set, the :class:`Continuation` run
    (``None`` if the generic set was not verified or the run stopped), and ``missed``, the points
    monodromy had found that the continuation did not reach."""

    generic_count: int
    generic_residual: Optional[float]
    generic_paths: int
    found: int
    run: Optional[Continuation] = None
    missed: int = 0

    @property
    def generic_verified(self) -> bool:
        """Did the trace test prove the generic set complete?"""
        return self.generic_residual is not None and self.generic_residual <= TRACE_RTOL

    @property
    def verified(self) -> bool:
        """Complete generic set, every path accounted for, and nothing monodromy found was missed."""
        return self.generic_verified and self.run is not None and self.run.complete and self.missed == 0

    @property
    def paths(self) -> int:
        """Paths tracked for the generic set and the continuation."""
        return self.generic_paths + (self.run.paths if self.run is not None else 0)

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (the result's ``extra["continuation"]``)."""
        run = self.run
        return {"generic_count": self.generic_count, "generic_trace_residual": self.generic_residual,
                "generic_verified": self.generic_verified, "monodromy_count": self.found, "missed": self.missed,
                "reached": None if run is None else len(run.c), "diverging": None if run is None else run.diverging,
                "unresolved": None if run is None else run.unresolved, "routes": None if run is None else run.routes,
                "backward": None if run is None else run.backward,
                "missed_reasons": None if run is None else dict(run.missed_reasons),
                "verified": self.verified}

    def sentence(self) -> str:
        """What the continuation proved, for the result's statement."""
        res = "not run" if self.generic_residual is None else f"{self.generic_residual:.1e}"
        head = f"Continuation from a generic weight: its critical set has {self.generic_count} points (trace test residual {res}"
        if not self.generic_verified:
            return head + "; not verified, so the continuation was not run)."
        run = self.run
        if run is None:
            return head + ", verified); the continuation was stopped."
        out = (f"{head}, verified); tracked along a parameter homotopy in (b, Q) to the actual weight, {len(run.c)} "
               f"paths end at regular critical points and {run.diverging} diverge (coefficients, weights or Jacobian "
               f"condition grow by >= {GROWTH:g}x in two consecutive endgame steps as the parameter approaches the "
               "end; numerical endgame)")
        if run.backward:
            out += (f"; {run.backward} of the regular end points were matched to their path by tracking the point "
                    "monodromy found at the actual weight back to the generic parameter near it")
        if run.near < run.starts:
            out += f"; {run.starts - run.near} of {run.starts} paths failed before the end of the route"
        if run.unresolved:
            out += f"; {run.unresolved} paths neither end regular nor diverge"
        if self.missed:
            out += f"; {self.missed} points found by monodromy were not reached (inconsistent: not verified"
            if run.missed_reasons:
                out += "; tracked back to the generic parameter: " + ", ".join(
                    f"{n} {why}" for why, n in run.missed_reasons.items())
            out += ")"
        else:
            out += f"; all {self.found} points monodromy found at the actual weight are among them"
        return out + "."


def node(b: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """The parameter vector ``(b, vec Q)`` of the core's weight family."""
    return np.concatenate([np.asarray(b, dtype=complex).ravel(), np.asarray(Q, dtype=complex).ravel()])


def _random_node(system: CriticalSystem, rng: np.random.Generator, scale: float) -> np.ndarray:
    """A random complex ``(b, Q)``: ``b = Q u`` for a Gaussian target ``u``, ``Q`` complex symmetric of norm about 1."""
    amb = system.amb
    G = cgauss(rng, amb, amb)
    Q = (G + G.T) / (2 * np.sqrt(amb))
    return node(Q @ (cgauss(rng, amb) * scale), Q)


def _track_valid(system: CriticalSystem, starts: np.ndarray, route: list[np.ndarray], deadline: Optional[float],
                 tiers: tuple[dict[str, Any], ...] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Track ``starts`` along ``route`` with the settings ``tiers`` in turn (default :data:`_TIERS`:
    the default ones, :data:`CAREFUL`, :data:`~neurovariety.critical.system.STRICT`) on the paths
    still failing: ``(theta, c, ok, paths)`` with NaN rows where no regular critical point was reached."""
    theta = np.full((len(starts), system.P), np.nan + 0j)
    c_out = np.full((len(starts), system.amb), np.nan + 0j)
    todo, paths = np.arange(len(starts)), 0
    for options in tiers or _TIERS:
        if len(todo) == 0:
            break
        ends, status = system.track(starts[todo], route, deadline=deadline, **options)
        paths += len(status)
        th, c, mask = valid_endpoints(system, ends, status, route[-1][: system.amb])
        theta[todo[mask]], c_out[todo[mask]] = th, c
        todo = todo[~mask]
    return theta, c_out, np.isfinite(c_out).all(axis=1), paths


def _size(system: CriticalSystem, theta: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per weight vector: the largest of ``||c||``, ``max |weight|`` and ``s_max / s_min`` of the
    column-normalised coefficient Jacobian (what grows on a path to infinity or to a degenerate point)."""
    _, c, J = system.evaluate(theta, b)
    norms = np.linalg.norm(J, axis=1, keepdims=True)
    s = np.linalg.svd(J / np.where(norms > 0, norms, 1.0), compute_uv=False)
    cond = s[:, 0] / np.maximum(s[:, -1], 1e-300)
    size: np.ndarray = np.maximum.reduce([np.linalg.norm(c, axis=1), np.abs(system.weights(theta)).max(axis=1), cond])
    return np.where(np.isfinite(size), size, np.inf)


def _endgame(system: CriticalSystem, theta_near: np.ndarray, p_near: np.ndarray, p_mid: np.ndarray,
             p_end: np.ndarray, deadline: Optional[float], on_stage: Callable[[], None]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Follow paths from ``p_near`` through the :data:`ENDGAME` parameters: ``(diverging, theta,
    c, paths)``; the other paths are tracked from the last of them to ``p_end`` (``theta``, ``c``:
    the regular end point, NaN rows otherwise)."""
    amb, k = system.amb, len(theta_near)
    sizes = np.full((k, len(ENDGAME) + 1), np.nan)
    sizes[:, 0] = _size(system, theta_near, p_near[:amb])
    diverged = np.zeros(k, dtype=bool)  # the weights passed the tracker's max_norm
    current, at, alive, paths = theta_near.copy(), p_near, np.arange(k), 0
    for step, eps in enumerate(ENDGAME, start=1):
        p = p_end + eps * (p_mid - p_end)
        ends, status = system.track(current[alive], [at, p], deadline=deadline)
        paths += len(status)
        # c, J and the weights do not depend on the parameter: a failed path's last point is measured too
        size = _size(system, ends, p[:amb])
        escaping = (status != 0) & (size >= GROWTH * sizes[alive, step - 1])
        for options in _TIERS[1:]:  # retry failures, except paths that failed while running away
            retry = np.flatnonzero((status != 0) & (status != STATUS_DIVERGED) & ~escaping)
            if len(retry):
                ends[retry], status[retry] = system.track(current[alive[retry]], [at, p], deadline=deadline, **options)
                size[retry] = _size(system, ends[retry], p[:amb])
                paths += len(retry)
        sizes[alive, step] = size
        escaping = (status != 0) & (size >= GROWTH * sizes[alive, step - 1])
        if step < len(ENDGAME):  # the tracker lost a path that was growing: one more step of growth
            sizes[alive[escaping], step + 1] = np.inf
        diverged[alive[status == STATUS_DIVERGED]] = True
        ok = status == 0
        current[alive[ok]] = ends[ok]
        alive, at = alive[ok], p
        on_stage()
    growing = _growing(sizes) | diverged
    theta = np.full((k, system.P), np.nan + 0j)
    c = np.full((k, amb), np.nan + 0j)
    last = alive[~growing[alive]]
    if len(last):  # bounded through the endgame: a regular end point
        th, cc, _, n = _track_valid(system, current[last], [at, p_end], deadline)
        theta[last], c[last], paths = th, cc, paths + n
    return growing & ~np.isfinite(c).all(axis=1), theta, c, paths


def _growing(sizes: np.ndarray) -> np.ndarray:
    """Per row of endgame sizes (NaN: not measured, the path had stopped; inf: its last point is not
    finite): did two consecutive steps each grow by :data:`GROWTH` (a power of ``eps`` as on a path
    to infinity or to a degenerate point; a path converging to a regular point barely moves after
    its first step, and double precision caps the growth of the others at about 1e8)?"""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = sizes[:, 1:] / sizes[:, :-1]
    big = ratios >= GROWTH  # NaN compares False
    out: np.ndarray = (big[:, 1:] & big[:, :-1]).any(axis=1)
    return out


def continue_to_weight(
    system: CriticalSystem,
    known: SolutionSet,
    start: tuple[np.ndarray, np.ndarray],
    target: tuple[np.ndarray, np.ndarray],
    rng: np.random.Generator,
    scale: float,
    attempts: int = 4,
    deadline: Optional[float] = None,
    progress: Optional[bool] = None,
    found: Optional[SolutionSet] = None,
) -> Continuation:
    """Track the complete critical set ``known`` of the loss ``start = (b0, Q0)`` to ``target = (b1, Q1)``.

    ``system`` is any critical system of the architecture (unsliced; its own ``Q`` is not used);
    ``scale`` is the typical size of a target entry (for the random middle node); ``found`` holds
    critical points already known at the target (monodromy), tracked back when no path reached them.
    """
    p0, p1 = node(*start), node(*target)
    p_mid = 0.5 * (p0 + p1) + _random_node(system, rng, scale)
    p_near = p1 + NEAR * (p_mid - p1)
    count = len(known)
    bar = progress_bar(None, f"continuation {system.arch}", unit="stage", progress=progress)
    with bar:
        th, c, ok, paths = _track_valid(system, known.theta, [p0, p_mid, p_near], deadline)
        met = collisions(c)  # path jumping: both paths again, most carefully
        if len(met):
            th[met], c[met], _, n = _track_valid(system, known.theta[met], [p0, p_mid, p_near], deadline, tiers=_TIERS[2:])
            paths += n
        near = SolutionSet(system.P, system.amb)
        near.add(c[np.isfinite(c).all(axis=1)], th[np.isfinite(c).all(axis=1)])
        bar.update(1)
        routes = 1
        # p_near is generic: it has exactly `count` critical points; loops there find the ones lost on the way
        while len(near) < count and routes <= attempts:
            loop = [p_near, _random_node(system, rng, scale), _random_node(system, rng, scale), p_near]
            th, c, _, n = _track_valid(system, near.theta, loop, deadline, tiers=_TIERS[:1])
            done = np.isfinite(c).all(axis=1)
            near.add(c[done], th[done])
            paths, routes = paths + n, routes + 1
            bar.update(1)
            bar.set_postfix(regular=len(near), of=count)
        diverging, th_end, c_end, n = _endgame(system, near.theta, p_near, p_mid, p1, deadline, lambda: bar.update(1))
        paths += n
        backward, why = 0, dict[str, int]()
        if found is not None and len(found):
            backward, n, why = _match_backwards(system, found, near, (p1, p_near), th_end, c_end, diverging, deadline)
            paths += n
    done = np.isfinite(c_end).all(axis=1)
    done[collisions(c_end)] = False  # two paths meeting at one regular point: path jumping
    unresolved = len(done) - int(done.sum()) - int(diverging.sum())
    missed = 0 if found is None else len(_not_reached(system, found, th_end[done], c_end[done]))
    return Continuation(theta=th_end[done], c=c_end[done], starts=count, near=len(near), diverging=int(diverging.sum()),
                        unresolved=unresolved, paths=paths, routes=routes, backward=backward, missed=missed,
                        missed_reasons=why)


def _not_reached(system: CriticalSystem, found: SolutionSet, theta: np.ndarray, c: np.ndarray) -> list[int]:
    """Indices of the points of ``found`` that are none of the finite rows of ``c``."""
    reached = SolutionSet(system.P, system.amb)
    ok = np.isfinite(c).all(axis=1)
    reached.add(c[ok], theta[ok])
    return [i for i, ci in enumerate(found.c) if not reached.contains(ci)]


def _match_backwards(system: CriticalSystem, found: SolutionSet, near: SolutionSet, segment: tuple[np.ndarray, np.ndarray],
                     theta: np.ndarray, c: np.ndarray, diverging: np.ndarray, deadline: Optional[float]
                     ) -> tuple[int, int, dict[str, int]]:
    """Track the points of ``found`` that no path reached back along ``segment = (p1, p_near)``
    (straight, then the failures on the bends of :func:`~neurovariety.homotopy.track_rerouted`); where one lands on a point of ``near`` whose path has no regular end, that path ends
    at it (``theta``, ``c`` and ``diverging`` are updated in place). Returns ``(paths resolved,
    paths tracked, why the others stayed unmatched)``: :data:`MISSED_REASONS` with their counts."""
    missing = _not_reached(system, found, theta, c)
    if not missing:
        return 0, 0, {}
    landed, ok_back, paths = _land_backwards(system, found.theta[missing], list(segment), deadline)
    near_c = near.c
    resolved, why = 0, Counter[str]()
    for i, ci, ok_i in zip(missing, landed, ok_back):
        if not ok_i:
            why[_FAILED] += 1
            continue
        dist = np.linalg.norm(near_c - ci, axis=1)
        j = int(np.argmin(dist))
        if dist[j] > DEDUP_RTOL * max(float(np.linalg.norm(ci)), 1e-300):
            why[_OFF_SET] += 1
        elif np.isfinite(c[j]).all():  # two paths claim one end: one of them jumped
            why[_CLAIMED] += 1
        else:  # a path without a regular end: it ends here
            theta[j], c[j], diverging[j] = found.theta[i], found.c[i], False
            resolved += 1
    return resolved, paths, dict(why)


def _land_backwards(system: CriticalSystem, starts: np.ndarray, segment: list[np.ndarray],
                    deadline: Optional[float]) -> tuple[np.ndarray, np.ndarray, int]:
    """Coefficients where ``starts`` land at the end of ``segment`` (every tier of settings on the
    straight route, then on each bent route of :func:`~neurovariety.homotopy.track_rerouted` for the
    failures), whether they did, and paths tracked."""
    tracked = 0

    def track(s: np.ndarray, nodes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        nonlocal tracked
        _, c, ok, n = _track_valid(system, s, nodes, deadline)
        tracked += n
        return c, (~ok).astype(np.int64)

    landed, status, _ = track_rerouted(track, starts, segment)
    return landed, status == 0, tracked
