"""Generic identifiability: how many genuinely different networks compute the same generic function.

Weights are only determined up to the obvious symmetries: rescaling each hidden neuron (fixed
here by the gauge: first incoming weight 1) and permuting the neurons of each hidden layer
(``prod d_i!`` permutations). A complete witness set in weight space (every preimage of every
point of ``V ∩ {A c = b}``) groups into fibres of equal size ``F`` over the points; the number of
*classes* is ``F / prod d_i!``: 1 means generically identifiable up to the obvious symmetries
(the finite identifiability question of Usevich, Borsoi, Dérand and Clausel, arXiv 2506.17093).

>>> identifiability((2, 2, 3), 2, seed=0).classes
1
"""

from __future__ import annotations

import math
import time
from typing import Optional

import numpy as np

from .._validate import optional_positive_float
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..dimension import dimension
from ..errors import NotSupportedError
from ..homotopy import SolutionSet
from .result import IdentifiabilityResult
from .witness import witness_set

__all__ = ["identifiability"]


def _fibre_sizes(ws_theta: np.ndarray, c: np.ndarray, N: int, amb: int) -> list[int]:
    points = SolutionSet(N, amb)
    index = []
    for ci, ti in zip(c, ws_theta):
        if points.add(ci[None], ti[None]):
            index.append(len(points) - 1)
        else:
            index.append(_which(points, ci))
    return [int(x) for x in np.bincount(np.array(index, dtype=np.int64), minlength=len(points))]


def _which(points: SolutionSet, ci: np.ndarray) -> int:
    d = np.linalg.norm(points.c - ci, axis=1)
    return int(np.argmin(d))


def identifiability(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    *,
    seed: Optional[int] = None,
    max_loops: int = 200,
    stop_after: int = 8,
    timeout: Optional[float] = None,
    progress: Optional[bool] = None,
) -> IdentifiabilityResult:
    """Weight classes over a generic function (see the module docstring); non-defective architectures."""
    t0 = time.perf_counter()
    arch = Architecture.coerce(widths, r)
    timeout = optional_positive_float(timeout, "timeout")
    dim = dimension(arch, seed=0)
    if dim.dimension < arch.num_free_params:
        raise NotSupportedError(f"{arch} is defective (dim V = {dim.dimension} < {arch.num_free_params} gauge-fixed "
                                "weights): its generic fibre is positive-dimensional, so it is not finitely identifiable")
    symmetries = math.prod(math.factorial(d) for d in arch.hidden_widths)
    rng = np.random.default_rng(validate_seed(seed))
    ws = witness_set(arch, rng, by_weights=True, max_loops=max_loops, stop_after=stop_after, timeout=timeout,
                     progress=progress)
    _, c, _ = ws.system.evaluate(ws.known.theta, ws.b0)
    sizes = _fibre_sizes(ws.known.theta, c, ws.system.N, ws.system.amb)
    fibre = max(sizes) if sizes else 0
    uniform = len(set(sizes)) == 1 and fibre % symmetries == 0
    classes = fibre // symmetries if uniform else -(-fibre // symmetries)
    verified = ws.complete and uniform
    statement = (
        f"{arch}: {classes} weight class(es) per generic function modulo the {symmetries} permutations of hidden "
        f"neurons and their rescalings ({'generically identifiable' if classes == 1 else 'not identifiable'} up to the "
        f"obvious symmetries). {len(sizes)} points of a random witness slice, {fibre} gauge-fixed weight vectors over "
        f"each{'' if uniform else ' (fibre sizes differ: ' + str(sorted(set(sizes))) + ')'}; found by monodromy "
        f"({ws.state.loops} loops), numerical; completeness of the weight-space witness set "
        + ("certified numerically by the trace test" if ws.complete else "not verified") + "."
    )
    return IdentifiabilityResult(arch.widths, arch.activation, classes, classes == 1, fibre, symmetries, len(sizes),
                                 verified, statement, time.perf_counter() - t0, sizes)
