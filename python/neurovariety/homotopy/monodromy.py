"""A generic monodromy driver: loops until no new solution appears and a completeness test passes.

A *loop* is whatever the caller's ``track_loop(known)`` does with the known solutions (for
parameter homotopies: track them around a random triangle of parameters back to the start) and
returns the valid endpoints as ``(weights, keys)``; solutions are deduplicated by their keys
(coefficient vectors: the function, not its weights). The driver is the same for critical points,
witness sets and fibres.

>>> import numpy as np
>>> known = SolutionSet(N=1, amb=1)
>>> _ = known.add(np.array([[1.0 + 0j]]), np.array([[1.0 + 0j]]))
>>> roots = np.exp(2j * np.pi * np.arange(3) / 3)[:, None]   # a loop that reveals all cube roots
>>> state = run_loops(lambda k: (roots, roots), known, max_loops=10, stop_after=2, deadline=None,
...                   trace=None, trace_rtol=1e-7)
>>> len(state.known), state.loops
(3, 3)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .solutions import SolutionSet
from .tracking import TrackingStopped

__all__ = ["LoopState", "run_loops"]

#: ``track_loop(known) -> (weights, keys)`` of the valid endpoints of one loop.
LoopTracker = Callable[[SolutionSet], tuple[np.ndarray, np.ndarray]]


@dataclass
class LoopState:
    """Bookkeeping of a monodromy run."""

    known: SolutionSet
    loops: int = 0
    stable: int = 0
    paths: int = 0
    failed: int = 0
    timed_out: bool = False
    interrupted: bool = False
    trace_residual: Optional[float] = None
    history: list[int] = field(default_factory=list)

    @property
    def stopped(self) -> bool:
        """Stopped early by Ctrl-C or the deadline."""
        return self.interrupted or self.timed_out

    def stop(self, exc: TrackingStopped) -> None:
        """Record an early stop."""
        self.interrupted, self.timed_out = exc.interrupted, not exc.interrupted


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
) -> LoopState:
    """Loop until ``stop_after`` loops add nothing and ``trace`` (the trace test) passes.

    While the test fails, solutions are missing (or, for special parameters, the test does not
    apply) and the loops go on, re-testing after every further ``stop_after`` idle loops, up to
    ``4 * stop_after`` idle loops; the test passes at a residual ``<= trace_rtol``. ``trace=None``
    stops at the first ``stop_after`` idle loops. Ctrl-C or the ``deadline`` (``time.monotonic()``)
    stop the loop in flight (:class:`TrackingStopped` from the tracker; ``state.interrupted`` /
    ``state.timed_out``); the solutions of the loops before are kept. ``track_loop`` may record
    path statistics in the state passed to ``on_loop`` via its own closure.
    """
    state = LoopState(known)
    patience = 4 * stop_after
    while state.loops < max_loops:
        if deadline is not None and time.monotonic() > deadline:
            state.timed_out = True
            break
        try:
            theta, keys = track_loop(state.known)
        except TrackingStopped as stop:
            state.stop(stop)
            break
        new = state.known.add(keys, theta)
        state.loops += 1
        state.stable = 0 if new else state.stable + 1
        if new:
            state.trace_residual = None
        state.history.append(len(state.known))
        on_loop(state)
        if state.stable and state.stable % stop_after == 0:
            if trace is None:
                break
            try:
                state.trace_residual = trace(state.known)
            except TrackingStopped as stop:
                state.stop(stop)
                break
            if (state.trace_residual is not None and state.trace_residual <= trace_rtol) or state.stable >= patience:
                break
    return state
