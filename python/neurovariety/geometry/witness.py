"""Pseudo-witness sets of a neurovariety, found by monodromy on the parametrisation.

A random complex weight vector ``θ0`` lies on the slice ``A c = b0`` for ``b0 = A c(θ0)``: a
start point for free. Loops ``b0 -> b1 -> b2 -> b0`` through random parameters permute the
points of ``V ∩ {A c = b0}``; the monodromy group of the projection ``A|_V`` is transitive
(``V`` is irreducible), so loops find every point, and the trace test (the sum of the points is
affine-linear along a line of parameters exactly when the set is complete) certifies
completeness numerically. Points are deduplicated as functions (coefficients: one weight vector
per point of V) or, for fibres, as weight vectors in the first-column gauge chart (every weight
preimage). For a defective architecture the weights are restricted to a random slice of dimension
``dim V`` (:func:`~neurovariety.geometry.system.weight_slice`), on which the parametrisation is
generically finite onto ``V``; "weights" are then slice coordinates.

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
from .._validate import optional_positive_float, positive_int
from ..architecture import Architecture
from ..errors import InternalError
from ..homotopy import TRACE_RTOL, LoopState, SolutionSet, TrackingStopped, full_rank, run_loops, trace_test, track_rerouted
from ..homotopy.trace import Line
from ..network.gauge import first_column_chart
from .system import WeightSlice, WitnessSystem, valid_witness_points, weight_slice

__all__ = ["EmptySlice", "WitnessSet", "witness_set", "random_slice", "cgauss", "slicing"]


def cgauss(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Standard complex Gaussian entries."""
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / math.sqrt(2)


def random_slice(arch: Architecture, rng: np.random.Generator, rows: Optional[int] = None) -> np.ndarray:
    """A random complex slicing matrix ``A`` (``rows x amb``; default ``rows`` = gauge-fixed weights)."""
    k = arch.num_free_params if rows is None else rows
    return cgauss(rng, k, arch.ambient_dim) / math.sqrt(arch.ambient_dim)


def slicing(arch: Architecture, dim_v: int, rng: np.random.Generator, *, real: bool = False
            ) -> tuple[np.ndarray, Optional[WeightSlice]]:
    """A random slicing matrix ``A`` (``dim V x amb``) and, when ``dim V`` is below the number of
    gauge-fixed weights (defective), a random weight slice of dimension ``dim V`` (else ``None``).
    ``real``: real ``A`` and slice (real preimages then solve a real system)."""
    A = random_slice(arch, rng, dim_v)
    sl = weight_slice(arch, dim_v, rng) if dim_v < arch.num_free_params else None
    if real:
        A = A.real.astype(complex)
        sl = None if sl is None else (sl[0].real.astype(complex), sl[1].real.astype(complex))
    return A, sl


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


def _keys(system: WitnessSystem, by_weights: bool, theta: np.ndarray, c: np.ndarray) -> np.ndarray:
    if not by_weights:
        return c
    return theta if system.sliced else first_column_chart(system.arch, theta)


def _loop(system: WitnessSystem, b0: np.ndarray, scale: float, rng: np.random.Generator, deadline: Optional[float],
          by_weights: bool, stats: dict[str, int]) -> Callable[[int, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    nodes: dict[int, list[np.ndarray]] = {}

    def track_loop(i: int, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if i not in nodes:  # loop i: b0 -> b1 -> b2 -> b0, random nodes drawn on its first use
            nodes[i] = [b0, scale * cgauss(rng, len(b0)), scale * cgauss(rng, len(b0)), b0]
        ends, status, paths = track_rerouted(system.track, starts, nodes[i], deadline=deadline)
        stats["paths"] += paths
        stats["failed"] += int((status != 0).sum())
        th, c, _ = valid_witness_points(system, ends, status, b0)
        return th, _keys(system, by_weights, th, c)

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
                ends, status, _ = track_rerouted(system.track, known.theta, [b0, bs])
                th, c, mask = valid_witness_points(system, ends, status, bs)
                if not mask.all():
                    return None
                return c

            return line

        return trace_test(new_line, c0, rng)

    return trace


class EmptySlice(Exception):
    """``A c`` restricted to ``V`` is not dominant: a generic slice ``A c = b`` misses ``V`` (the
    Jacobian ``A J`` of the system is singular at random regular points of ``V``)."""


def _start(system: WitnessSystem, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    singular = 0
    for _ in range(20):
        theta0 = cgauss(rng, system.P)
        _, c, J = system.evaluate(theta0[None], np.zeros(system.n))
        if not (full_rank(J, system.n)[0] and np.isfinite(c).all()):
            continue
        if not full_rank((system.A @ J[0])[None], system.n)[0]:
            singular += 1
            if singular >= 3:
                raise EmptySlice(f"a generic slice of this shape misses V_{{{system.arch}}}")
            continue
        return theta0, c[0], system.A @ c[0]
    raise InternalError(f"could not find a regular start point for {system.arch}")


def witness_set(
    arch: Architecture,
    rng: np.random.Generator,
    *,
    A: Optional[np.ndarray] = None,
    slice: Optional[WeightSlice] = None,
    by_weights: bool = False,
    max_loops: int = 100,
    stop_after: int = 5,
    timeout: Optional[float] = None,
    verify: bool = True,
    progress: Optional[bool] = None,
) -> WitnessSet:
    """Monodromy on the slice ``A c = b`` (``A`` random by default; with a weight ``slice``, ``A``
    must have ``m`` rows) until every point has travelled every loop and the trace test passes, or
    ``stop_after`` fresh loops add nothing (see :func:`neurovariety.homotopy.run_loops`)."""
    timeout = optional_positive_float(timeout, "timeout")
    max_loops, stop_after = positive_int(max_loops, "max_loops"), positive_int(stop_after, "stop_after")
    system = WitnessSystem(arch, random_slice(arch, rng) if A is None else A, slice)
    theta0, c0, b0 = _start(system, rng)
    scale = float(np.linalg.norm(b0) / math.sqrt(len(b0)))
    known = SolutionSet(system.P, system.P if by_weights else system.amb)
    known.add(_keys(system, by_weights, theta0[None], c0[None]), theta0[None])
    stats = {"paths": 0, "failed": 0}
    deadline = None if timeout is None else time.monotonic() + timeout
    trace = _trace(system, b0, scale, rng, stats)
    bar = progress_bar(None, f"witness set of {arch}", unit="batch", progress=progress)

    def on_loop(state: LoopState) -> None:
        bar.update(1)
        bar.set_postfix(points=len(state.known), loops=state.loops, stable=state.stable)

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
