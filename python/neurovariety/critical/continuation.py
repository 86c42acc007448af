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
the others are tracked on to the target. Finally every regular critical point known at the
target (the paths' ends and the points monodromy found there) is tracked *backwards*, from the
target to ``p_near``: a regular point continues uniquely to the nearby generic parameters, so the
path through its landing point ends there. This matches each known point with its own path (it
resolves paths the endgame judged diverging because they converge slowly or badly conditioned,
and corrects paths that jumped). Where two known points reach one near point, both are tracked
back again with strict settings on the straight segment and on bends around a nearby branch
point, and the known points are matched to near points by a maximum matching: any injective
assignment leaving out only diverging paths proves the count (see :func:`_match_backwards`).
Paths with no known end that do not diverge are ``unresolved``, and completeness is claimed only
when there are none and every known point was matched with a path of its own. The divergence test
is numerical (an endgame, not a proof); the points reached are certified by the Krawczyk test
like every other critical point. With a checkpoint directory the forward stage (hours for
(3,3,3), r = 2) is saved, so the matching can be re-run from it.

>>> NEAR, ENDGAME
(0.01, (0.0001, 1e-06, 1e-08, 1e-10))
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from .._progress import progress_bar
from ..errors import InvalidInputError
from ..homotopy import DETOURS, TRACE_RTOL, SolutionSet, bent_route, collisions, track_rerouted
from ..homotopy.checkpoint import CheckpointFile, PathLike
from .problem import cgauss
from .system import STRICT, CriticalSystem, valid_endpoints
from .target import CAREFUL

__all__ = ["Continuation", "WeightContinuation", "continue_to_weight", "NEAR", "ENDGAME", "GROWTH", "MISSED_REASONS"]

#: Why a regular point known at the target was matched to no path (``Continuation.missed_reasons``).
MISSED_REASONS = ("backward path failed", "landed on no point of the generic parameter",
                  "landed on the path of another point")
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
    regular, and the rest are the end points (``backward`` of them matched to their path only by
    tracking them back to ``p_near``; ``missed`` regular points known at the target matched to no
    path, ``missed_reasons`` why, see :data:`MISSED_REASONS`)."""

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
    (``None`` if the generic set was not verified or the run stopped), and ``missed``, the regular
    points known at the actual weight (monodromy's, the paths' ends) matched to no path."""

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
        out += ("; every regular point known at the actual weight was tracked back to the generic parameter near it "
                "to match it with its path")
        if run.backward:
            out += (f" ({run.backward} matched only that way: their forward paths had no end, another one, or one "
                    "shared with another path)")
        if run.near < run.starts:
            out += f"; {run.starts - run.near} of {run.starts} paths failed before the end of the route"
        if run.unresolved:
            out += f"; {run.unresolved} paths neither end regular nor diverge"
        if self.missed:
            out += f"; {self.missed} regular points known at the actual weight were matched to no path (not verified"
            if run.missed_reasons:
                out += ": " + ", ".join(f"{n} {why}" for why, n in run.missed_reasons.items())
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


@dataclass
class _Forward:
    """The forward stage (to ``p_near``, loops there, the endgame), which the checkpoint keeps: the
    ``near`` points, per near point (in ``near``'s order) its regular end at the target (``theta``,
    ``c``; NaN rows where none) and whether its path ``diverging``."""

    near: SolutionSet
    theta: np.ndarray
    c: np.ndarray
    diverging: np.ndarray
    p_mid: np.ndarray
    routes: int
    paths: int


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
    checkpoint: Optional[PathLike] = None,
    log: Optional[list[dict[str, Any]]] = None,
) -> Continuation:
    """Track the complete critical set ``known`` of the loss ``start = (b0, Q0)`` to ``target = (b1, Q1)``.

    ``system`` is any critical system of the architecture (unsliced; its own ``Q`` is not used);
    ``scale`` is the typical size of a target entry (for the random middle node); ``found`` holds
    critical points already known at the target (monodromy). Every regular point known at the
    target is tracked back to ``p_near`` to match it with its path (:func:`_match_backwards`).
    With a ``checkpoint`` directory the forward stage is saved when done and loaded by a later run
    of the same problem (an entry for it is appended to ``log``).
    """
    p0, p1 = node(*start), node(*target)
    saver = None if checkpoint is None else CheckpointFile(checkpoint, "continuation", _continuation_key(
        system, p0, p1, len(known), attempts), _CHECKPOINT_VERSION)
    bar = progress_bar(None, f"continuation {system.arch}", unit="stage", progress=progress)
    with bar:
        def track() -> _Forward:
            return _track_forward(system, known, p0, p1, rng, scale, attempts, deadline, bar)

        forward = track() if saver is None else _checkpointed_forward(system, saver, rng, track, log)
        p_near = p1 + NEAR * (forward.p_mid - p1)
        match = _match_backwards(system, found if found is not None else SolutionSet(system.P, system.amb),
                                 forward.near, (p1, p_near), forward, deadline)
    done = np.isfinite(match.c).all(axis=1)
    unresolved = len(done) - int(done.sum()) - int(match.diverging.sum())
    return Continuation(theta=match.theta[done], c=match.c[done], starts=len(known), near=len(forward.near),
                        diverging=int(match.diverging.sum()), unresolved=unresolved, paths=forward.paths + match.paths,
                        routes=forward.routes, backward=match.backward, missed=match.missed,
                        missed_reasons=match.reasons)


def _track_forward(system: CriticalSystem, known: SolutionSet, p0: np.ndarray, p1: np.ndarray, rng: np.random.Generator,
                   scale: float, attempts: int, deadline: Optional[float], bar: Any) -> _Forward:
    """``known`` tracked from ``p0`` to ``p_near`` (re-tracking collisions, then monodromy loops at
    ``p_near`` until it has as many distinct regular points as ``known``) and through the endgame."""
    p_mid = 0.5 * (p0 + p1) + _random_node(system, rng, scale)
    p_near = p1 + NEAR * (p_mid - p1)
    th, c, ok, paths = _track_valid(system, known.theta, [p0, p_mid, p_near], deadline)
    met = collisions(c)  # path jumping: both paths again, most carefully
    if len(met):
        th[met], c[met], _, n = _track_valid(system, known.theta[met], [p0, p_mid, p_near], deadline, tiers=_TIERS[2:])
        paths += n
    near = SolutionSet(system.P, system.amb)
    near.add(c[np.isfinite(c).all(axis=1)], th[np.isfinite(c).all(axis=1)])
    bar.update(1)
    routes = 1
    # p_near is generic: it has exactly `len(known)` critical points; loops there find the ones lost on the way
    while len(near) < len(known) and routes <= attempts:
        loop = [p_near, _random_node(system, rng, scale), _random_node(system, rng, scale), p_near]
        th, c, _, n = _track_valid(system, near.theta, loop, deadline, tiers=_TIERS[:1])
        done = np.isfinite(c).all(axis=1)
        near.add(c[done], th[done])
        paths, routes = paths + n, routes + 1
        bar.update(1)
        bar.set_postfix(regular=len(near), of=len(known))
    diverging, th_end, c_end, n = _endgame(system, near.theta, p_near, p_mid, p1, deadline, lambda: bar.update(1))
    return _Forward(near, th_end, c_end, diverging, p_mid, routes, paths + n)


#: Layout of the continuation checkpoint (bump when :class:`_Forward` changes).
_CHECKPOINT_VERSION = 2
#: The :class:`_Forward` arrays stored as they are (the near points are stored as their weights).
_FORWARD_ARRAYS = ("theta", "c", "diverging", "p_mid")


def _continuation_key(system: CriticalSystem, p0: np.ndarray, p1: np.ndarray, count: int,
                      attempts: int) -> dict[str, np.ndarray]:
    """What identifies a continuation: architecture, both end parameters, the generic set's size, the loop budget."""
    return {"widths": np.array(system.arch.widths), "r": np.array(system.arch.r), "p0": p0, "p1": p1,
            "settings": np.array([count, attempts], dtype=np.int64)}


def _checkpointed_forward(system: CriticalSystem, saver: CheckpointFile, rng: np.random.Generator,
                          track: Callable[[], _Forward], log: Optional[list[dict[str, Any]]]) -> _Forward:
    """The forward stage from ``saver``'s file (``rng`` set to its state after it), else ``track()``
    saved there; its entry is appended to ``log``."""
    saved = saver.read(rng)
    entry = saver.entry("continuation", None if saved is None else len(saved[1]["near_theta"]), saved is not None)
    if log is not None:
        log.append(entry)
    if saved is not None:
        meta, arrays = saved
        near = SolutionSet(system.P, system.amb)
        if near.add(system.coefficients(arrays["near_theta"]), arrays["near_theta"]) != len(arrays["near_theta"]):
            raise InvalidInputError(f"{saver.path}: its points no longer deduplicate; remove it to start afresh")
        return _Forward(near, **{name: arrays[name] for name in _FORWARD_ARRAYS}, routes=int(meta["routes"]),
                        paths=int(meta["paths"]))
    forward = track()
    saver.write({"routes": forward.routes, "paths": forward.paths},
                {"near_theta": forward.near.theta, **{name: getattr(forward, name) for name in _FORWARD_ARRAYS}}, rng)
    entry["seconds_all_runs"] = round(saver.seconds, 1)
    return forward


@dataclass
class _Matching:
    """Per near point its regular end at the target (``theta``, ``c``; NaN rows where none) and
    whether its path diverges; ``backward`` ends matched to their path only by tracking back,
    ``missed`` known regular points matched to no path and why (``reasons``), ``paths`` tracked."""

    theta: np.ndarray
    c: np.ndarray
    diverging: np.ndarray
    backward: int
    reasons: dict[str, int]
    paths: int

    @property
    def missed(self) -> int:
        """Known regular points matched to no path."""
        return sum(self.reasons.values())


def _match_backwards(system: CriticalSystem, found: SolutionSet, near: SolutionSet,
                     segment: tuple[np.ndarray, np.ndarray], forward: _Forward, deadline: Optional[float]) -> _Matching:
    """Match every regular point known at the target (the forward paths' ends and ``found``) with a
    near point of its own, by tracking it back along ``segment = (p1, p_near)``.

    Why this proves the count: the regular points ``R`` at the target continue backwards along the
    straight segment to distinct near points ``I`` (the interior of the segment is generic), the near
    points whose straight paths end regular. If an injective assignment of the known points to near
    points leaves out only near points whose straight paths diverge, then ``I`` lies in its image and
    ``|R| = |I| <= #known <= |R|``. The assignment may use any route from the target to ``p_near`` for
    each point (the straight one, its bends around nearby branch points, or the forward path), so it
    is a maximum matching (:func:`_assign`) between the known points and the near points each reached.
    """
    targets, forward_of = _known_ends(system, found, forward.theta, forward.c)
    candidates, failure, paths = _landings(system, targets.theta, near, list(segment), deadline, forward_of)
    assigned = _assign(candidates, len(near))
    owner = np.full(len(near), -1)
    matched = np.flatnonzero(assigned >= 0)
    owner[assigned[matched]] = matched
    theta = np.full_like(forward.theta, np.nan)
    c = np.full_like(forward.c, np.nan)
    has = owner >= 0
    theta[has], c[has] = targets.theta[owner[has]], targets.c[owner[has]]
    why = Counter(_CLAIMED if candidates[u] else failure[u] for u in np.flatnonzero(assigned < 0))
    return _Matching(theta, c, forward.diverging & ~has, backward=int((forward_of[owner[has]] != np.flatnonzero(has)).sum()),
                     reasons=dict(why), paths=paths)


def _assign(candidates: list[list[int]], count: int) -> np.ndarray:
    """A maximum matching of points to ``count`` slots, point ``u`` allowed ``candidates[u]`` (tried in
    order): per point its slot, -1 for none. Kuhn's augmenting paths; only contested slots branch."""
    holder = np.full(count, -1)

    def augment(u: int, seen: set[int]) -> bool:
        for j in candidates[u]:
            if j not in seen:
                seen.add(j)
                if holder[j] < 0 or augment(int(holder[j]), seen):
                    holder[j] = u
                    return True
        return False

    for u in range(len(candidates)):
        augment(u, set())
    slot = np.full(len(candidates), -1)
    held = np.flatnonzero(holder >= 0)
    slot[holder[held]] = held
    return slot


def _known_ends(system: CriticalSystem, found: SolutionSet, theta: np.ndarray, c: np.ndarray) -> tuple[SolutionSet, np.ndarray]:
    """The regular points known at the target (forward ends, then ``found``) and per point the near
    point whose forward path ended there (-1: none, or two paths met there)."""
    met = set(collisions(c).tolist())
    targets, forward_of = SolutionSet(system.P, system.amb), []
    for j in np.flatnonzero(np.isfinite(c).all(axis=1)):
        if targets.add(c[j : j + 1], theta[j : j + 1]):
            forward_of.append(-1 if j in met else int(j))
    forward_of += [-1] * targets.add(found.c, found.theta)
    return targets, np.array(forward_of, dtype=np.int64)


def _landings(system: CriticalSystem, starts: np.ndarray, near: SolutionSet, segment: list[np.ndarray],
              deadline: Optional[float], forward_of: np.ndarray) -> tuple[list[list[int]], list[str], int]:
    """Per start: the near points it is known to reach (the straight segment's landing, its forward
    path's start ``forward_of``, and for starts that contest a near point with another start, the
    landings with strict settings on the straight segment and each of its bends), why the straight
    track reached none (one of :data:`MISSED_REASONS`, ``""`` where it did), and paths tracked."""
    landed, ok, paths = _land_backwards(system, starts, segment, deadline)
    landing, failure = _landing_index(near, landed, ok)
    candidates = [list(dict.fromkeys(int(j) for j in (landing[u], forward_of[u]) if j >= 0)) for u in range(len(starts))]
    contested = _contested(candidates, len(near))
    routes = [segment] + [bent_route(segment, eps) for eps in DETOURS] if len(contested) else []
    for route in routes:
        _, c, ok_route, n = _track_valid(system, starts[contested], route, deadline, tiers=_TIERS[2:])
        paths += n
        for u, j in zip(contested, _landing_index(near, c, ok_route)[0]):
            if j >= 0 and j not in candidates[u]:
                candidates[u].append(int(j))
    return candidates, failure, paths


def _contested(candidates: list[list[int]], count: int) -> np.ndarray:
    """The points one of whose candidate slots is also another point's."""
    claims = np.bincount([j for cand in candidates for j in cand], minlength=count)
    return np.array([u for u, cand in enumerate(candidates) if any(claims[j] > 1 for j in cand)], dtype=np.int64)


def _landing_index(near: SolutionSet, landed: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The near point each landed row is (-1: none) and why not (``""`` where it is one)."""
    index, failure = np.full(len(landed), -1), []
    for i, (ci, ok_i) in enumerate(zip(landed, ok)):
        k = near.index_of(ci) if ok_i else None
        index[i] = -1 if k is None else k
        failure.append("" if k is not None else _OFF_SET if ok_i else _FAILED)
    return index, failure


def _land_backwards(system: CriticalSystem, starts: np.ndarray, segment: list[np.ndarray], deadline: Optional[float],
                    tiers: tuple[dict[str, Any], ...] = ()) -> tuple[np.ndarray, np.ndarray, int]:
    """Coefficients where ``starts`` land at the end of ``segment`` (the ``tiers`` of settings on the
    straight route, default all, then on each bent route of :func:`~neurovariety.homotopy.track_rerouted`
    for the failures), whether they did, and paths tracked."""
    tracked = 0

    def track(s: np.ndarray, nodes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        nonlocal tracked
        _, c, ok, n = _track_valid(system, s, nodes, deadline, tiers)
        tracked += n
        return c, (~ok).astype(np.int64)

    landed, status, _ = track_rerouted(track, starts, segment)
    return landed, status == 0, tracked
