"""The boundary certificate: evidence that a training run heads for the boundary of the neuromanifold.

When the loss has no realisable minimiser nearby, a descending run can only approach a point of
the boundary ``B`` (:mod:`~neurovariety.learning.boundary`), and it must do so with diverging
weights. A run is certified as ``boundary`` only if all of the following hold:

1. **not below the infimum**: its loss is at least ``infimum - margin`` of the loss over ``B``.
   A descending run whose loss is below that can never reach ``B`` (its loss only decreases), so
   it is never labelled ``boundary`` (reason ``"loss below the boundary infimum"``);
2. **at a boundary minimum**: its coefficient matrix is within ``boundary_distance`` (relative) of a
   local minimiser ``C_k`` of the loss over ``B``, and its loss exceeds that minimum's by at most
   ``gap_rtol`` (relative; it is never below it by more than the margin) -- the loss approaches
   the boundary value ``b_k`` (for most runs the infimum itself, ``k = 0``);
3. **a limit of descent**: at ``C_k`` the descent direction of the loss on ``V`` leaves the
   neuromanifold (a first-order local minimum of the loss over the *closed* neuromanifold), so
   runs near ``C_k`` are pushed against ``B``, not into the interior;
4. **diverging weights**: the balanced weight norm never decreased over the second half of the
   run's recorded history (the records at or after half its steps, and the final weights) and
   grew over it by a factor ``>= 1 + growth``. On the neuromanifold of ``(2, 2, dL)`` a pencil at
   distance ``delta`` from ``B`` needs balanced weights of norm of order ``delta^(-1/6)``, so an
   approach to ``B`` is exactly a divergence of the weights.

Everything not certified is left to the caller (``unconverged``), with the failed tests as the
reason.

>>> from neurovariety.loss import make_data
>>> from neurovariety.learning.train import train
>>> from neurovariety.learning.boundary import boundary_minima
>>> X, Y = make_data((2, 2, 3), 2, seed=4)   # the minimiser on V is not realisable; two boundary minima
>>> res = train((2, 2, 3), 2, X, Y, runs=3, seed=0, progress=False)
>>> ev = certify_boundary(res, np.arange(3), [boundary_minima((2, 2, 3), 2, X, Y)])
>>> ev.certified.tolist(), ev.point.tolist()
([True, True, True], [1, 1, 0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from .._display import Displayable, Table
from .._validate import nonnegative_int, positive_float
from ..network import flatten_weights
from .boundary import BoundaryMinima
from .optimizers import balanced_norm
from .train import TrainResult

__all__ = ["CertificateTolerances", "BoundaryEvidence", "certify_boundary", "norm_growth"]


@dataclass(frozen=True)
class CertificateTolerances:
    """Thresholds of the boundary certificate (see the module docstring).

    >>> CertificateTolerances().gap_rtol
    1e-06
    """

    boundary_distance: float = 1e-3
    gap_rtol: float = 1e-6
    growth: float = 0.01
    min_records: int = 3

    @classmethod
    def validated(cls, boundary_distance: float, gap_rtol: float, growth: float, min_records: int = 3) -> "CertificateTolerances":
        """Check every threshold."""
        return cls(positive_float(boundary_distance, "boundary_distance"), positive_float(gap_rtol, "gap_rtol"),
                   positive_float(growth, "growth"), nonnegative_int(min_records, "min_records"))


@dataclass(repr=False)
class BoundaryEvidence(Displayable):
    """Per-run results of :func:`certify_boundary` (arrays over the given runs).

    ``point``: index of the nearest boundary minimum in its data set's list (-1: none known),
    ``distance``: relative distance of the coefficients from it, ``gap``: loss minus its loss
    (data units), ``growth``: last / mid balanced weight norm over the second half of the history,
    ``reason``: why the run is (``"boundary: ..."``) or is not certified.
    """

    certified: np.ndarray
    point: np.ndarray
    distance: np.ndarray
    gap: np.ndarray
    growth: np.ndarray
    reason: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types: the counts (per-run values: :meth:`to_dataframe`)."""
        return {"runs": int(len(self.certified)), "certified": int(np.sum(self.certified))}

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("runs", len(self.certified)), ("certified", int(np.sum(self.certified)))]

    def _display_table(self) -> Table:
        """One row per run: ``certified, point, distance, gap, growth, reason``."""
        rows = [[bool(c), int(p), float(d), float(g), float(gr), str(r)]
                for c, p, d, g, gr, r in zip(self.certified, self.point, self.distance, self.gap, self.growth, self.reason)]
        return ("certified", "point", "distance", "gap", "growth", "reason"), rows


def norm_growth(result: TrainResult, runs: np.ndarray, min_records: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """``(growth, monotone)`` of the balanced weight norm over the second half of each run's history.

    The sequence is the recorded norms at steps ``>= steps_taken / 2`` (and before the stop)
    followed by the norm of the final weights; ``growth`` is its last over its first value
    (NaN with fewer than ``min_records`` values), ``monotone`` whether it never decreased.

    >>> from neurovariety.loss import make_data
    >>> from neurovariety.learning.train import train
    >>> X, Y = make_data((2, 2, 3), 2, seed=4)
    >>> g, mono = norm_growth(train((2, 2, 3), 2, X, Y, runs=2, seed=0, progress=False), np.arange(2))
    >>> bool((g > 1).all()), mono.tolist()
    (True, [True, True])
    """
    arch = result.arch
    with np.errstate(over="ignore", invalid="ignore"):
        final = balanced_norm(arch, flatten_weights(result.normalised_weights(runs)))
    growth = np.full(len(runs), np.nan)
    monotone = np.zeros(len(runs), dtype=bool)
    steps = result.history_steps
    for j, i in enumerate(runs):
        taken = result.steps_taken[i]
        keep = (steps >= taken / 2) & (steps < taken) & np.isfinite(result.norm_history[i])
        seq = np.concatenate([result.norm_history[i][keep], [final[j]]])
        if len(seq) < max(min_records, 2) or not np.isfinite(seq).all():
            continue
        growth[j] = seq[-1] / seq[0]
        monotone[j] = bool((np.diff(seq) >= -1e-12 * seq[1:]).all())
    return growth, monotone


def _nearest_minimum(C: np.ndarray, bm: BoundaryMinima) -> tuple[int, float]:
    d = [float(np.linalg.norm(C - m.coefficients) / max(float(np.linalg.norm(m.coefficients)), 1e-300)) for m in bm.minima]
    k = int(np.argmin(d))
    return k, d[k]


def _verdict(loss: float, C: np.ndarray, bm: BoundaryMinima, growth: float, monotone: bool,
             tols: CertificateTolerances) -> tuple[bool, int, float, float, str]:
    """The certificate for one run: (certified, point, distance, gap, reason)."""
    k, dist = _nearest_minimum(C, bm)
    m = bm.minima[k]
    gap = loss - m.loss
    if loss < bm.lower_bound:
        return False, k, dist, gap, (f"loss below the boundary infimum {bm.infimum:.10g} "
                                     f"(by {bm.infimum - loss:.2g}): cannot be heading for the boundary")
    failed = []
    if dist > tols.boundary_distance:
        failed.append(f"not at a boundary minimum (relative distance {dist:.2g} > {tols.boundary_distance:g})")
    scale = max(abs(m.loss), bm.margin)
    if not (-bm.margin <= gap <= tols.gap_rtol * scale):
        failed.append(f"loss {gap / scale:+.2g} (relative) from the nearest boundary minimum b{k} "
                      f"(tolerance {tols.gap_rtol:g})")
    if m.outward is not True:
        failed.append("descent at the nearest boundary minimum does not leave the neuromanifold")
    if not (np.isfinite(growth) and monotone and growth >= 1 + tols.growth):
        shown = "too short a history" if not np.isfinite(growth) else f"x{growth:.3g}{'' if monotone else ', not monotone'}"
        failed.append(f"weights not diverging (balanced norm over the second half: {shown})")
    if failed:
        return False, k, dist, gap, "; ".join(failed)
    which = "the infimum" if k == 0 else f"a local minimum (infimum {bm.infimum:.10g})"
    return True, k, dist, gap, (f"boundary: approaches boundary point b{k}, {which}, loss gap {gap:.2g}, "
                                f"distance {dist:.2g}, weight norm x{growth:.3g} over the second half")


def certify_boundary(
    result: TrainResult,
    runs: np.ndarray,
    boundaries: list[Optional[BoundaryMinima]],
    tols: Optional[CertificateTolerances] = None,
) -> BoundaryEvidence:
    """Check the boundary certificate (module docstring) for each of ``runs``.

    ``boundaries[k]`` are the boundary minima of data set ``k`` (``None``: unknown, never certified).
    """
    tols = tols or CertificateTolerances()
    runs = np.asarray(runs, dtype=np.int64)
    R = len(runs)
    out = BoundaryEvidence(np.zeros(R, dtype=bool), np.full(R, -1, dtype=np.int64), np.full(R, np.nan),
                           np.full(R, np.nan), np.full(R, np.nan), np.full(R, "", dtype=object))
    if R == 0:
        return out
    out.growth, monotone = norm_growth(result, runs, tols.min_records)
    for j, i in enumerate(runs):
        bm = boundaries[int(result.data_index[i])]
        if bm is None or not bm.minima:
            out.reason[j] = "no boundary analysis for this architecture"
            continue
        ok, k, dist, gap, why = _verdict(float(result.losses[i]), result.coefficients[i], bm, float(out.growth[j]),
                                         bool(monotone[j]), tols)
        out.certified[j], out.point[j], out.distance[j], out.gap[j], out.reason[j] = ok, k, dist, gap, why
    return out
