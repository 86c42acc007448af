"""Monodromy: move the loss parameters around random triangles and collect the critical points.

A random complex ``theta_0`` is a critical point of the loss for a parameter ``b_0`` obtained from
a linear condition (the parameters enter linearly). Loops ``b_0 -> b_1 -> b_2 -> b_0`` through
random complex nodes ``b = Q u`` (random *targets* ``u`` keep the critical points at the scale of
the data even for an ill-conditioned ``Q``) permute the solutions over ``b_0``; the solutions
with full-rank Jacobian form one irreducible family, so the loops find every critical point.

When the system is real (no weight slice: ``Q`` is real), every other fresh loop is a
*conjugation loop* ``b_0 -> b_r``, ``theta -> conj(theta)``, ``b_r -> b_0`` through a random real
node ``b_r``: over a real parameter the critical points are closed under complex conjugation, so
this is another bijection of the solutions over ``b_0`` (not a monodromy permutation), at two
segments per path instead of three. In the tail of (3,3,3), r = 2 the missing points were
near-isotropic ones (``c^T Q c`` close to 0) that triangles rarely reach; conjugation keeps that
class and mixes it differently. The trace test, not the loops, decides completeness.

>>> import numpy as np
>>> from neurovariety.architecture import Architecture
>>> from neurovariety.critical.problem import loss_problem
>>> from neurovariety.critical.system import CriticalSystem
>>> arch = Architecture((2, 1, 1), 2)
>>> rng = np.random.default_rng(1)
>>> prob = loss_problem(arch, "generic", None, rng, 1)
>>> start = start_pair(CriticalSystem(arch, prob.Q), prob, rng)
>>> start.theta.shape, start.b.shape
((3,), (3,))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ..errors import InternalError
from ..homotopy import full_rank, track_rerouted
from ..homotopy.monodromy import INITIAL_LOOPS
from .problem import LossProblem, cgauss
from .system import CriticalSystem, valid_endpoints

__all__ = ["StartPair", "start_pair", "random_node", "loop_tracker", "is_conjugation_loop", "LOOP_MAX_STEPS"]

#: Steps per segment after which a loop path is given up and re-routed (successful loop paths of
#: (3,3,3), r = 2 take at most about 1,000; a path stuck at a near branch point would take the
#: tracker's default 5,000 and still fail, while its bent route takes a few hundred).
LOOP_MAX_STEPS = 1500


@dataclass
class StartPair:
    """A regular critical point ``theta`` (coefficients ``c``) for the parameter ``b``; ``scale`` is
    the typical size of a target entry (the scale of later random nodes)."""

    theta: np.ndarray
    c: np.ndarray
    b: np.ndarray
    scale: float


def start_pair(system: CriticalSystem, problem: LossProblem, rng: np.random.Generator, rank: Optional[int] = None) -> StartPair:
    """A random complex ``theta_0`` and ``b_0 = Q u_0`` making it critical: ``u_0 = c_0 + nu``, ``J^T Q nu = 0``.

    Parameters are drawn as *targets* u (b = Q u) rather than as b itself: for an ill-conditioned
    Q (data moment matrices) a random b corresponds to a target far out along Q's small
    eigendirections, with far-away, badly conditioned critical points.
    """
    n, amb = system.n if rank is None else rank, system.amb
    for _ in range(20):
        theta0 = cgauss(rng, system.P)
        _, c, J = system.evaluate(theta0[None], np.zeros(amb))
        c, J = c[0], J[0]
        if not full_rank(J[None], n)[0]:
            continue
        # null space of (QJ)^T (bilinear, no conjugation): right singular vectors of (QJ)^T
        _, _, Vh = np.linalg.svd((problem.Q @ J).T)
        null = Vh[n:].conj().T  # (amb, amb - n)
        nu = null @ cgauss(rng, amb - n)
        nu *= np.linalg.norm(c) / max(np.linalg.norm(nu), 1e-300)
        u0 = c + nu
        b0 = problem.Q @ u0
        f, _, _ = system.evaluate(theta0[None], b0)
        if np.linalg.norm(f) <= 1e-9 * (1 + np.linalg.norm(b0)) * (1 + np.linalg.norm(J)):
            return StartPair(theta0, c, b0, float(np.linalg.norm(u0) / math.sqrt(amb)))
    raise InternalError(f"could not find a regular start point for {system.arch}")


def random_node(system: CriticalSystem, problem: LossProblem, rng: np.random.Generator, scale: float) -> np.ndarray:
    """A random complex parameter ``b = Q u`` for a complex Gaussian target ``u``."""
    return np.asarray(problem.Q @ (cgauss(rng, system.amb) * scale))


def random_real_node(system: CriticalSystem, problem: LossProblem, rng: np.random.Generator, scale: float) -> np.ndarray:
    """A random real parameter ``b = Q u`` for a real Gaussian target ``u`` (a conjugation loop's node)."""
    return np.asarray(problem.Q @ (rng.standard_normal(system.amb) * scale) + 0j)


def is_conjugation_loop(system: CriticalSystem, i: int) -> bool:
    """Is fresh loop ``i`` a conjugation loop? Every other fresh one (from loop 3 on) of a real system."""
    return system.slice is None and not np.any(system.Q.imag) and i > INITIAL_LOOPS and i % 2 == 1


def _conjugation_track(system: CriticalSystem, starts: np.ndarray, route: list[np.ndarray],
                       deadline: Optional[float]) -> tuple[np.ndarray, np.ndarray, int]:
    """``starts`` over ``b_0`` to the real ``b_r``, conjugated, and back: ``(ends, status, paths)``."""
    b0, br = route
    mid, status, paths = track_rerouted(system.track, starts, [b0, br], deadline=deadline, max_steps=LOOP_MAX_STEPS)
    ok = np.flatnonzero(status == 0)
    ends = np.array(starts, dtype=complex)
    back, back_status, more = track_rerouted(system.track, np.conj(mid[ok]), [br, b0], deadline=deadline,
                                             max_steps=LOOP_MAX_STEPS)
    ends[ok], status[ok] = back, back_status
    return ends, status, paths + more


def loop_tracker(system: CriticalSystem, problem: LossProblem, start: StartPair, rng: np.random.Generator,
                 deadline: Optional[float], stats: dict[str, int],
                 nodes: dict[int, list[np.ndarray]]) -> Callable[[int, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Monodromy loop ``i``: ``b_0 -> b_1 -> b_2 -> b_0`` through random nodes drawn on its first use
    (kept in ``nodes``), for :func:`neurovariety.homotopy.run_loops`; path counts accumulate in ``stats``
    (``failed``: paths that failed on the triangle and on every bent route of
    :data:`~neurovariety.homotopy.DETOURS`). Loops with two nodes ``[b_0, b_r]`` are conjugation
    loops (:func:`is_conjugation_loop`)."""

    def track_loop(i: int, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if i not in nodes and is_conjugation_loop(system, i):
            nodes[i] = [start.b, random_real_node(system, problem, rng, start.scale)]
        elif i not in nodes:
            nodes[i] = [start.b, random_node(system, problem, rng, start.scale),
                        random_node(system, problem, rng, start.scale), start.b]
        if len(nodes[i]) == 2:
            ends, status, paths = _conjugation_track(system, starts, nodes[i], deadline)
        else:
            # a failed path may hide a solution nothing else leads to (at (3,3,3) about one in two
            # do): it is re-routed through bends of the triangle's sides, a nearby loop
            ends, status, paths = track_rerouted(system.track, starts, nodes[i], deadline=deadline,
                                                 max_steps=LOOP_MAX_STEPS)
        stats["paths"] += paths
        stats["failed"] += int((status != 0).sum())
        th, c, _ = valid_endpoints(system, ends, status, start.b)
        return th, c

    return track_loop
