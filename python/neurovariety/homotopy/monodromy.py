"""A generic monodromy driver: a fixed set of loops, every solution tracked around each loop once.

A *loop* ``i`` is whatever the caller's ``track_loop(i, starts)`` does with the start solutions
(for parameter homotopies: track them around a triangle of parameters ``b0 -> b1_i -> b2_i -> b0``
through random nodes drawn when loop ``i`` is first used, the same nodes every later time) and
returns the valid endpoints as ``(weights, keys)``; solutions are deduplicated by their keys
(coefficient vectors: the function, not its weights). The driver is the same for critical points,
witness sets and fibres.

As in HomotopyContinuation.jl's monodromy, the work is a queue: every known solution is tracked
around every loop exactly once, a new solution joins the queue of every loop, and once the queue
is empty the set is *closed* under the loops' permutations (a union of orbits of the group they
generate). Then the completeness test runs; while it fails a fresh loop is drawn and every known
solution is tracked around it. The total work is about (#solutions x #loops), not (#solutions x
#iterations).

>>> import numpy as np
>>> known = SolutionSet(N=1, amb=1)
>>> _ = known.add(np.array([[1.0 + 0j]]), np.array([[1.0 + 0j]]))
>>> rot = lambda i, z: (z * np.exp(2j * np.pi / 3), z * np.exp(2j * np.pi / 3))  # every loop: z -> w z
>>> state = run_loops(rot, known, max_loops=10, stop_after=2, deadline=None, trace=None, trace_rtol=1e-10)
>>> len(state.known), state.closed, state.loops, state.stable   # 2 loops, then 2 idle fresh ones
(3, True, 4, 2)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .solutions import SolutionSet
from .tracking import TrackingStopped

__all__ = ["LoopState", "run_loops", "INITIAL_LOOPS", "BATCH"]

#: ``track_loop(i, starts) -> (weights, keys)``: the valid endpoints of ``starts`` around loop ``i``.
LoopTracker = Callable[[int, np.ndarray], tuple[np.ndarray, np.ndarray]]

#: Loops drawn at the start (two random permutations generate a transitive group in practice).
INITIAL_LOOPS = 2

#: At most this many solutions are tracked in one call (new ones then join the queue early).
BATCH = 2048


@dataclass
class LoopState:
    """Bookkeeping of a monodromy run: ``loops`` travelled (by at least one solution), ``stable`` = the last fresh loops that added
    nothing once every solution had travelled them, ``closed`` = every known solution was tracked
    around every loop, ``batches`` = tracker calls. ``cursors`` (per loop: solutions already tracked
    around it), ``drawn_at`` (the count when the last fresh loop was drawn) and ``tested_at`` (the
    count at the last trace test) let :func:`run_loops` resume a saved run."""

    known: SolutionSet
    loops: int = 0
    stable: int = 0
    closed: bool = False
    batches: int = 0
    paths: int = 0
    failed: int = 0
    timed_out: bool = False
    interrupted: bool = False
    trace_residual: Optional[float] = None
    history: list[int] = field(default_factory=list)
    cursors: list[int] = field(default_factory=list)
    drawn_at: int = 0
    tested_at: int = -1

    @property
    def stopped(self) -> bool:
        """Stopped early by Ctrl-C or the deadline."""
        return self.interrupted or self.timed_out

    def stop(self, exc: TrackingStopped) -> None:
        """Record an early stop."""
        self.interrupted, self.timed_out = exc.interrupted, not exc.interrupted


def _track_pending(track_loop: LoopTracker, state: LoopState, batch: int) -> None:
    """Track the next batch of the loop that is furthest behind; new solutions join every queue."""
    cursors = state.cursors
    i = int(np.argmin(cursors))
    lo = cursors[i]
    hi = min(len(state.known), lo + batch)
    theta, keys = track_loop(i, state.known.theta_rows(lo, hi))
    cursors[i] = hi
    state.loops = max(state.loops, i + 1)
    if state.known.add(keys, theta):
        state.trace_residual = None
    state.batches += 1
    state.history.append(len(state.known))


def run_loops(
    track_loop: LoopTracker,
    known: SolutionSet,
    *,
    max_loops: int,
    stop_after: int,
    deadline: Optional[float],
    trace: Optional[Callable[[SolutionSet], Optional[float]]],
    trace_rtol: float,
    on_loop: Callable[[LoopState], None] = lambda state: None,
    on_trace: Callable[[LoopState], None] = lambda state: None,
    batch: int = BATCH,
    resume: Optional[LoopState] = None,
) -> LoopState:
    """Track every solution around every loop until the set is closed and ``trace`` (the trace
    test) passes at a residual ``<= trace_rtol``.

    Starts with :data:`INITIAL_LOOPS` loops. Each time the set is closed: the test runs (when the
    count changed since the last test and no fresh loop has added a solution since, or after every
    ``stop_after`` idle fresh loops); if it fails
    a fresh loop is drawn, up to ``max_loops`` loops and ``2 * stop_after`` idle ones. ``trace=None``
    stops after ``stop_after`` idle fresh loops. Ctrl-C or the ``deadline`` (``time.monotonic()``)
    stop the batch in flight (:class:`TrackingStopped` from the tracker; ``state.interrupted`` /
    ``state.timed_out``); the solutions of the batches before are kept. ``on_loop`` is called after
    every batch, ``on_trace`` after every trace test; ``track_loop`` may record path statistics via
    its own closure. ``resume``: a saved state (its ``known`` replaces ``known``) to continue from.
    """
    state = resume if resume is not None else LoopState(known, cursors=[0] * min(INITIAL_LOOPS, max_loops),
                                                        drawn_at=len(known))
    state.timed_out = state.interrupted = False
    while True:
        if deadline is not None and time.monotonic() > deadline:
            state.timed_out = True
            break
        if min(state.cursors) < len(state.known):
            state.closed = False
            try:
                _track_pending(track_loop, state, batch)
            except TrackingStopped as stop:
                state.stop(stop)
                break
            on_loop(state)
            continue
        fresh = len(state.cursors) > INITIAL_LOOPS
        if fresh and not state.closed:  # just closed (a resumed run may be closed already)
            state.stable = state.stable + 1 if len(state.known) == state.drawn_at else 0
        state.closed = True
        if trace is not None and _trace_due(state, stop_after):
            try:
                state.trace_residual, state.tested_at = trace(state.known), len(state.known)
            except TrackingStopped as stop:
                state.stop(stop)
                break
            on_trace(state)
            if state.trace_residual is not None and state.trace_residual <= trace_rtol:
                break
        if state.stable >= (stop_after if trace is None else 2 * stop_after) or len(state.cursors) >= max_loops:
            break
        state.cursors.append(0)  # a fresh loop: every known solution travels it
        state.drawn_at = len(state.known)
    return state


def _trace_due(state: LoopState, stop_after: int) -> bool:
    """Run the trace test now (the set is closed)? When the count changed since the last test and
    the last fresh loop (if any) added nothing; and after every ``stop_after`` idle fresh loops.

    A fresh loop that added solutions is evidence of more missing ones: in the tail of (3,3,3),
    r = 2 (30,500 points) fresh loops added 7, 6, 1, 5 and each trace test in between failed while
    costing as much as most of a loop (it tracks every solution along two segments)."""
    if len(state.known) == state.tested_at:
        return bool(state.stable and state.stable % stop_after == 0)
    fresh = len(state.cursors) > INITIAL_LOOPS
    return not fresh or len(state.known) == state.drawn_at
