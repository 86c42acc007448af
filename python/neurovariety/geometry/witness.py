"""Pseudo-witness sets of a neurovariety, found by monodromy on the parametrisation.

A random complex weight vector ``θ0`` lies on the slice ``A c = b0`` for ``b0 = A c(θ0)``: a
start point for free. Loops ``b0 -> b1 -> b2 -> b0`` through random parameters permute the
points of ``V ∩ {A c = b0}``; the monodromy group of the projection ``A|_V`` is transitive
(``V`` is irreducible), so loops find every point, and the trace test (the sum of the points is
affine-linear along a line of parameters exactly when the set is complete) certifies
completeness numerically. Points are deduplicated as functions (coefficients: one weight vector
per point of V) or, for fibres, as weight vectors in the first-column gauge chart (every weight
preimage).

>>> import numpy as np
>>> from neurovariety.architecture import Architecture
>>> ws = witness_set(Architecture((2, 1, 1), 3), np.random.default_rng(0))
>>> len(ws.known), ws.complete   # the twisted cubic: degree 3
(3, True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .._progress import progress_bar
from ..architecture import Architecture
from ..errors import InternalError
from ..homotopy import TRACE_RTOL, LoopState, SolutionSet, TrackingStopped, full_rank, run_loops, trace_test
from ..homotopy.trace import Line
from ..network.gauge import first_column_chart
from .system import WitnessSystem, valid_witness_points

__all__ = ["WitnessSet", "witness_set", "random_slice", "cgauss"]


def cgauss(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Standard complex Gaussian entries."""
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / math.sqrt(2)


def random_slice(arch: Architecture, rng: np.random.Generator, rows: Optional[int] = None) -> np.ndarray:
    """A random complex slicing matrix ``A`` (``rows x amb``; default ``rows`` = gauge-fixed weights)."""
    k = arch.num_free_params if rows is None else rows
    return cgauss(rng, k, arch.ambient_dim) / math.sqrt(arch.ambient_dim)


@dataclass
class WitnessSet:
    """The points found on the slice ``A c = b0``: ``known`` (keys = coefficients, or canonical
    weights when ``by_weights``), the monodromy ``state`` and whether the trace test passed."""

    arch: Architecture
    system: WitnessSystem
    b0: np.ndarray
    scale: float
    known: SolutionSet
    state: LoopState
    by_weights: bool

    @property
    def complete(self) -> bool:
        """The trace test passed (numerically certified complete)."""
        return self.state.trace_residual is not None and self.state.trace_residual <= TRACE_RTOL


def _keys(ws_arch: Architecture, by_weights: bool, theta: np.ndarray, c: np.ndarray) -> np.ndarray:
    return first_column_chart(ws_arch, theta) if by_weights else c


def _loop(system: WitnessSystem, b0: np.ndarray, scale: float, rng: np.random.Generator, deadline: Optional[float],
          by_weights: bool, stats: dict[str, int]) -> Callable[[SolutionSet], tuple[np.ndarray, np.ndarray]]:
    def track_loop(known: SolutionSet) -> tuple[np.ndarray, np.ndarray]:
        b1, b2 = scale * cgauss(rng, len(b0)), scale * cgauss(rng, len(b0))
        ends, status = system.track(known.theta, [b0, b1, b2, b0], deadline=deadline)
        stats["paths"] += len(status)
        stats["failed"] += int((status != 0).sum())
        th, c, _ = valid_witness_points(system, ends, status, b0)
        return th, _keys(system.arch, by_weights, th, c)

    return track_loop


def _trace(system: WitnessSystem, b0: np.ndarray, scale: float, rng: np.random.Generator,
           stats: dict[str, int]) -> Callable[[SolutionSet], Optional[float]]:
    """The trace test on the coefficients of the points (each weight preimage counted once per
    point when deduplicating by weights: the traces of a fibre scale alike, so linearity is kept)."""

    def trace(known: SolutionSet) -> Optional[float]:
        stats["paths"] += 2 * len(known)
        _, c0, _ = system.evaluate(known.theta, b0)

        def new_line() -> Line:
            v = scale * cgauss(rng, len(b0))

            def line(s: complex) -> Optional[np.ndarray]:
                bs = b0 + s * v
                ends, status = system.track(known.theta, [b0, bs])
                th, c, mask = valid_witness_points(system, ends, status, bs)
                if not mask.all():
                    return None
                return c

            return line

        return trace_test(new_line, c0, rng)

    return trace


def _start(system: WitnessSystem, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    for _ in range(20):
        theta0 = cgauss(rng, system.N)
        _, c, J = system.evaluate(theta0[None], np.zeros(system.A.shape[0]))
        if full_rank(J, system.n)[0] and np.isfinite(c).all():
            return theta0, c[0], system.A @ c[0]
    raise InternalError(f"could not find a regular start point for {system.arch}")


def witness_set(
    arch: Architecture,
    rng: np.random.Generator,
    *,
    A: Optional[np.ndarray] = None,
    by_weights: bool = False,
    max_loops: int = 100,
    stop_after: int = 5,
    timeout: Optional[float] = None,
    verify: bool = True,
    progress: Optional[bool] = None,
) -> WitnessSet:
    """Monodromy on the slice ``A c = b`` (``A`` random by default) until ``stop_after`` loops add
    nothing and the trace test passes (see the module docstring)."""
    system = WitnessSystem(arch, random_slice(arch, rng) if A is None else A)
    theta0, c0, b0 = _start(system, rng)
    scale = float(np.linalg.norm(b0) / math.sqrt(len(b0)))
    known = SolutionSet(system.N, system.amb)
    known.add(_keys(arch, by_weights, theta0[None], c0[None]), theta0[None])
    stats = {"paths": 0, "failed": 0}
    deadline = None if timeout is None else time.monotonic() + timeout
    trace = _trace(system, b0, scale, rng, stats)
    bar = progress_bar(max_loops, f"witness set of {arch}", unit="loop", progress=progress)

    def on_loop(state: LoopState) -> None:
        bar.update(1)
        bar.set_postfix(points=len(state.known), stable=state.stable)

    with bar:
        state = run_loops(_loop(system, b0, scale, rng, deadline, by_weights, stats), known, max_loops=max_loops,
                          stop_after=stop_after, deadline=deadline, trace=trace if verify else None,
                          trace_rtol=TRACE_RTOL, on_loop=on_loop)
    if verify and state.trace_residual is None and not state.stopped:
        try:
            state.trace_residual = trace(state.known)
        except TrackingStopped as stop:
            state.stop(stop)
    state.paths, state.failed = stats["paths"], stats["failed"]
    return WitnessSet(arch, system, b0, scale, state.known, state, by_weights)
