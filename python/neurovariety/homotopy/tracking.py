"""Tracking shared by every homotopy: running a core system's tracker, early stops and the rank
filter of endpoints.

>>> import numpy as np
>>> full_rank(np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]), 2).tolist()
[True]
>>> [complex(z[0]) for z in bent_route([np.zeros(1), np.ones(1)], 0.2)]
[0j, (0.5+0.1j), (1+0j)]
"""

from __future__ import annotations

import time
from typing import Any, Callable, Optional, Sequence

import numpy as np

from .. import _core

__all__ = ["TrackingStopped", "full_rank", "track_points", "evaluate_points", "bent_route", "track_rerouted", "DETOURS"]

#: A path that fails on a straight segment (it passes a branch point very closely) is re-routed
#: through :func:`bent_route` with these bends in turn. A bend stays within the segment's complex
#: line, so only nearby branch points matter (a random node far off the segment would land on an
#: arbitrary solution and collide with another path).
DETOURS = (0.1, -0.1, 0.3, -0.3)


class TrackingStopped(Exception):
    """Tracking stopped early: by Ctrl-C (``interrupted``) or at the deadline (``timed_out``)."""

    def __init__(self, interrupted: bool):
        super().__init__("interrupted" if interrupted else "deadline reached")
        self.interrupted = interrupted


def track_points(core: Any, starts: np.ndarray, nodes: Sequence[np.ndarray], deadline: Optional[float],
                 options: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Track ``starts`` through the parameter ``nodes`` with a core system (``_core.CriticalSystem``,
    ``SlicedCriticalSystem`` or ``WitnessSystem``): ``(ends, status)``, status 0 = success.

    Ctrl-C is answered within ~50 ms: the core stops every path and this raises
    :class:`TrackingStopped` (as it does at ``deadline``, a ``time.monotonic()`` value).
    """
    starts = np.ascontiguousarray(np.atleast_2d(starts), dtype=complex)
    node_array = np.ascontiguousarray(np.array(nodes), dtype=complex)
    if len(starts) == 0:
        return starts, np.zeros(0, dtype=np.uint8)
    timeout = None if deadline is None else max(1e-3, deadline - time.monotonic())
    res = core.track(starts, node_array, _core.TrackerOptions(**options) if options else None, timeout)
    if res.interrupted or res.timed_out:
        raise TrackingStopped(bool(res.interrupted))
    return np.asarray(res.ends), np.asarray(res.status)


def evaluate_points(core: Any, points: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(F, c, J)`` of a core system at ``points`` (k x P) for the parameter ``b``."""
    points = np.ascontiguousarray(np.atleast_2d(points), dtype=complex)
    f, c, j = core.evaluate(np.asarray(b, dtype=complex).reshape(-1), points)
    return np.asarray(f), np.asarray(c), np.asarray(j)


def full_rank(J: np.ndarray, n: int) -> np.ndarray:
    """Per point: does the coefficient Jacobian (amb x n) have rank n? Columns are normalised
    first, since gauge-fixed weights can be badly scaled without the rank dropping."""
    finite = np.isfinite(J).all(axis=(-1, -2))  # NaN rows: a dead neuron (no gauge chart)
    J = np.where(finite[..., None, None], J, 0.0)
    norms = np.linalg.norm(J, axis=-2, keepdims=True)
    ok = finite & (norms > 0).all(axis=(-1, -2))
    s = np.linalg.svd(J / np.where(norms > 0, norms, 1.0), compute_uv=False)
    # rank-deficient (spurious) solutions sit at rounding level; genuine ones of deep, high-degree
    # networks can be badly conditioned, hence a low threshold
    return np.asarray(ok & (s[..., n - 1] > 1e-11 * s[..., 0]) & np.isfinite(s).all(axis=-1))


def bent_route(nodes: Sequence[np.ndarray], eps: float) -> list[np.ndarray]:
    """``nodes`` with every segment ``a -> b`` replaced by ``a -> a + (b - a)(1 + i eps)/2 -> b``."""
    out = [nodes[0]]
    for a, b in zip(nodes[:-1], nodes[1:]):
        out += [a + (b - a) * (0.5 + 0.5j * eps), b]
    return out


def track_rerouted(track: Callable[..., tuple[np.ndarray, np.ndarray]], starts: np.ndarray, route: Sequence[np.ndarray],
                   failed: Optional[Callable[[np.ndarray, np.ndarray], np.ndarray]] = None,
                   retry: Optional[dict[str, Any]] = None, **options: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """``track(starts, route, **options)`` (a system's ``track``), then the paths that failed again:
    on the straight route with the settings ``retry`` (if given), then through each bent route of
    :data:`DETOURS` in turn (with ``retry`` or ``options``): ``(ends, status, paths tracked)``.

    ``failed(ends, status)`` marks the rows to track again (default: ``status != 0``); it sees
    every row, so it can also mark paths that met another one.

    A bent route is another path between the same end parameters, so a re-routed end point is still
    a solution there (of a loop: over its base point), possibly another one than the straight
    route's.
    """
    ends, status = (np.array(a) for a in track(starts, route, **options))
    paths = len(status)
    again = [(list(route), retry)] if retry is not None else []
    for nodes, settings in again + [(bent_route(route, eps), retry) for eps in DETOURS]:
        bad = np.flatnonzero(status != 0 if failed is None else failed(ends, status))
        if not len(bad):
            break
        ends[bad], status[bad] = track(starts[bad], nodes, **(options if settings is None else {**options, **settings}))
        paths += len(bad)
    return ends, status, paths
