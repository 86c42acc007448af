"""The degree and the multidegree of a neurovariety, from pseudo-witness sets.

**Degree.** ``V`` is an affine cone of dimension ``k``; a generic affine-linear space ``A c = b``
of codimension ``k`` meets it in ``deg V`` points (the degree of the projective variety in
``P^(dL M - 1)``). They are found by monodromy on the parametrisation in gauge-fixed weights
(finite fibres for non-defective architectures; for defective ones in a random slice of the
weights of dimension ``dim V``, on which the parametrisation is generically finite onto ``V``)
and certified complete numerically by the trace test (:mod:`neurovariety.geometry.witness`).

**Multidegree** (``dL > 1``). ``V`` is a multi-cone: scaling each output separately keeps it, so
its projectivisation lies in ``(P^(M-1))^dL`` with dimension ``k - dL``. The coefficient of
multidegree ``(a_1, ..., a_dL)`` (``sum a_j = k - dL``) is the number of points on ``a_j``
generic hyperplanes of the ``j``-th factor for every ``j``; affinely: ``a_j + 1`` generic
affine equations in the coordinates of output ``j`` only (one of them fixes the scale), i.e. a
block-diagonal slicing matrix. ``V`` is invariant under permuting the outputs, so one count per
orbit of multidegrees suffices.

>>> degree((2, 2, 3), 2, seed=0).degree    # the determinantal cubic det C = 0
3
>>> degree((3, 2, 1), 2, seed=0).degree    # defective: det of a symmetric 3 x 3 matrix
3
"""

from __future__ import annotations

import itertools
import math
import time
from typing import Optional

import numpy as np

from .._validate import optional_positive_float, positive_int
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec, monomial_exponents
from ..dimension import dimension
from ..errors import NotSupportedError
from .result import DegreeResult
from .system import WeightSlice
from .witness import EmptySlice, cgauss, slicing, witness_set

__all__ = ["degree", "multidegree_parts", "MAX_MULTIDEGREE_PARTS"]

#: Multidegrees are computed when there are at most this many orbits of parts.
MAX_MULTIDEGREE_PARTS = 12


def multidegree_parts(arch: Architecture, dim_v: int) -> list[tuple[int, ...]]:
    """The sorted (non-increasing) multidegrees ``a`` with ``sum a = dim V - dL`` and ``a_j <= M - 1``.

    >>> multidegree_parts(Architecture((3, 3, 3), 2), 15)
    [(5, 5, 2), (5, 4, 3), (4, 4, 4)]
    """
    total, top = dim_v - arch.dL, arch.num_monomials - 1
    parts = [a for a in monomial_exponents(arch.dL, total) if max(a) <= top] if total >= 0 else []
    return sorted({tuple(sorted(a, reverse=True)) for a in parts}, reverse=True)


def _block_slice(arch: Architecture, part: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    M = arch.num_monomials
    A = np.zeros((sum(part) + arch.dL, arch.ambient_dim), dtype=complex)
    row = 0
    for j, a in enumerate(part):
        A[row : row + a + 1, j * M : (j + 1) * M] = cgauss(rng, a + 1, M) / math.sqrt(M)
        row += a + 1
    return A


def _filling(arch: Architecture, t0: float) -> DegreeResult:
    M = arch.num_monomials
    md = {tuple([M - 1] * arch.dL): 1} if arch.dL > 1 else None
    return DegreeResult(arch.widths, arch.activation, 1, md, True, 0, 0,
                        f"V fills its ambient space C^{arch.ambient_dim}: degree 1 (no tracking needed).",
                        time.perf_counter() - t0, arch.ambient_dim)


def _statement(arch: Architecture, deg: int, verified: bool, loops: int, md: Optional[dict[tuple[int, ...], int]],
               dim_certified: bool, sliced: bool) -> str:
    head = f"deg V_{{{arch}}} = {deg}" if verified else f"deg V_{{{arch}}} >= {deg} (lower bound: the trace test did not pass)"
    text = (f"{head}: {deg} points of V on a random affine-linear slice of complementary dimension, found by "
            f"monodromy ({loops} loops) in double precision; completeness "
            + ("certified numerically by the trace test" if verified else "not verified") + ".")
    if sliced:
        text += (f" {arch} is defective: the weights were restricted to a random slice of dimension dim V, on which the "
                 "parametrisation is generically finite onto V.")
    if md is not None:
        text += (" Multidegree in (P^(M-1))^dL: " + ", ".join(f"{k}: {v}" for k, v in sorted(md.items(), reverse=True))
                 + f" (sum {sum(md.values())}; each coefficient is a monodromy lower bound on block-diagonal slices, "
                 + ("and their sum equals the degree, so all are exact)." if sum(md.values()) == deg and verified else
                    "and their sum does not match the degree: NOT verified)."))
    if not dim_certified:
        text += " The dimension used for the slice is probabilistic (see nv.dimension)."
    return text


def _multidegree(arch: Architecture, dim_v: int, rng: np.random.Generator, sl: Optional[WeightSlice],
                 kwargs: dict[str, object]) -> tuple[Optional[dict[tuple[int, ...], int]], bool, int]:
    parts = multidegree_parts(arch, dim_v)
    if not parts or len(parts) > MAX_MULTIDEGREE_PARTS:
        return None, True, 0
    out: dict[tuple[int, ...], int] = {}
    verified, loops = True, 0
    for part in parts:
        # no trace test here: block-diagonal slices meet V at infinity (outputs set to zero), where
        # the trace is not linear; completeness follows from the sum rule instead (see degree())
        try:
            ws = witness_set(arch, rng, A=_block_slice(arch, part, rng), slice=sl, verify=False,
                             **kwargs)  # type: ignore[arg-type]
        except EmptySlice:  # the projection to these factors is not dominant: coefficient 0
            count = 0
        else:
            verified &= not ws.state.stopped
            loops += ws.state.loops
            count = len(ws.known)
        for perm in set(itertools.permutations(part)):
            out[perm] = count
    return out, verified, loops


def degree(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    *,
    seed: Optional[int] = None,
    multidegree: Optional[bool] = None,
    max_loops: int = 100,
    stop_after: int = 5,
    timeout: Optional[float] = None,
    progress: Optional[bool] = None,
) -> DegreeResult:
    """The degree of ``V`` (and its multidegree for ``dL > 1`` when feasible; ``multidegree=None``:
    when there are at most :data:`MAX_MULTIDEGREE_PARTS` orbits of parts).

    Filling varieties have degree 1 without tracking. For defective architectures the weights are
    restricted to a random slice of dimension ``dim V`` (see the module docstring).
    """
    t0 = time.perf_counter()
    arch = Architecture.coerce(widths, r)
    rng = np.random.default_rng(validate_seed(seed))
    timeout = optional_positive_float(timeout, "timeout")  # checked even when no tracking is needed
    dim = dimension(arch, seed=0)
    if dim.dimension == arch.ambient_dim:
        return _filling(arch, t0)
    kwargs: dict[str, object] = dict(max_loops=positive_int(max_loops, "max_loops"),
                                     stop_after=positive_int(stop_after, "stop_after"), timeout=timeout, progress=progress)
    A, sl = slicing(arch, dim.dimension, rng)
    ws = witness_set(arch, rng, A=A, slice=sl, **kwargs)  # type: ignore[arg-type]
    md, md_verified, md_loops = (None, True, 0)
    if arch.dL > 1 and multidegree is not False:
        md, md_verified, md_loops = _multidegree(arch, dim.dimension, rng, sl, kwargs)
        if multidegree and md is None:
            raise NotSupportedError(f"the multidegree of {arch} has too many parts to compute")
    # each multidegree coefficient is a lower bound (monodromy finds a subset); they sum to deg V
    # (Miller-Sturmfels: the multidegree specialises to the degree), so equality with the
    # trace-certified degree proves each one
    md_verified = md_verified and (md is None or sum(md.values()) == len(ws.known))
    verified = ws.complete and md_verified
    return DegreeResult(arch.widths, arch.activation, len(ws.known), md, verified, ws.state.loops + md_loops,
                        ws.state.paths, _statement(arch, len(ws.known), verified, ws.state.loops, md, dim.certified, sl is not None),
                        time.perf_counter() - t0, dim.dimension)
