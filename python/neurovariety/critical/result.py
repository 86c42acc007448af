"""Results of critical-point computations, with what they prove.

>>> r = ExactCount(solutions=8, functions=4, fibre=2, prime=32003, weights="generic", seconds=0.1)
>>> r.to_dict()["functions"]
4
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union

import numpy as np

from .._display import Displayable, Table
from ..architecture import Architecture
from ..network.weights import split_weights

__all__ = ["CriticalPointsResult", "ExactCount"]


@dataclass(repr=False)
class ExactCount(Displayable):
    """Result of :func:`neurovariety.critical.exact_critical_count`.

    ``solutions``: the degree (number of points with multiplicity over the algebraic closure of
    F_p) of the critical ideal in gauge-fixed weights with the rank-deficient locus removed;
    ``functions`` = ``solutions / fibre`` with ``fibre`` = the number of hidden-neuron permutations
    (the gauge-preserving symmetries; assumes the generic fibre is no larger).
    """

    solutions: int
    functions: int
    fibre: int
    prime: int
    weights: str
    seconds: float
    engine: str = "sympy"

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types."""
        return dict(self.__dict__)

    def _display_title(self) -> str:
        return f"Exact critical count over F_{self.prime}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("functions", self.functions), ("solutions", self.solutions), ("fibre", self.fibre), ("prime", self.prime),
                ("weights", self.weights), ("engine", self.engine), ("seconds", self.seconds)]


_WHAT = {"data": "Learning degree", "generic": "Generic ED degree", "unit": "Unit ED degree"}


@dataclass(repr=False)
class CriticalPointsResult(Displayable):
    """Critical points of the loss on ``V`` (see :mod:`neurovariety.critical`).

    ``count`` is the number of complex critical points found for generic parameters (the
    learning degree for ``weights="data"``, the ED degree otherwise); ``coefficients`` holds them
    at the actual data / target (``count x dL x M``, complex; fewer rows if ``target_failures``
    paths could not be tracked to the data), ``is_real`` and ``losses`` per point,
    ``minimum`` the index of the real critical point of smallest loss (``None`` if none is real),
    ``parameters`` one complex weight vector per point (package order; :meth:`weight_matrices`).
    ``verified`` says whether completeness was proved (``verification`` says how) and
    ``statement`` what exactly the numbers mean. ``certified_count`` of the returned points are
    certified by the Krawczyk test in ball arithmetic (a unique non-singular critical point in a
    small box around each, pairwise different functions), ``real_certified`` of them certified
    real; ``certified`` is the per-point mask.
    """

    widths: tuple[int, ...]
    r: Union[int, tuple[int, ...]]
    weights: str
    count: int
    real: int
    coefficients: np.ndarray
    is_real: np.ndarray
    losses: np.ndarray
    minimum: Optional[int]
    parameters: np.ndarray
    verified: bool
    verification: str
    statement: str
    loops: int
    stable_loops: int
    paths: int
    failed_paths: int
    trace_residual: Optional[float]
    exact: Optional[ExactCount]
    timed_out: bool
    seed: Optional[int]
    seconds: float
    target_failures: int = 0
    interrupted: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    certified_count: int = 0
    real_certified: int = 0
    certified: Optional[np.ndarray] = None

    @property
    def architecture(self) -> Architecture:
        """The architecture of the result."""
        return Architecture(self.widths, self.r)

    @property
    def real_coefficients(self) -> np.ndarray:
        """The real critical points as a real array ``(real, dL, M)``."""
        return np.asarray(self.coefficients[self.is_real].real.copy())

    def weight_matrices(self, i: int) -> list[np.ndarray]:
        """Complex weight matrices ``W_1..W_L`` realising critical point ``i`` (one of its
        preimages; a real critical function may need complex weights)."""
        return [w.copy() for w in split_weights(self.architecture, self.parameters[i])]

    def coefficient_matrices(self, real_only: bool = False) -> list[np.ndarray]:
        """The critical points as ``dL x M`` matrices: real ones as float arrays, others complex.

        This is the format of the ``critical_points=`` hook of
        :func:`neurovariety.learning.count_learned_functions` (pass the *same* data).
        """
        out = []
        for C, real in zip(self.coefficients, self.is_real):
            if real:
                out.append(C.real.copy())
            elif not real_only:
                out.append(C.copy())
        return out

    def summary(self) -> dict[str, Any]:
        """The JSON object of ``neurovariety learning-degree --json`` (exactly these keys)."""
        return {
            "widths": list(self.widths),
            "r": self.r if isinstance(self.r, int) else list(self.r),
            "weights": self.weights,
            "count": int(self.count),
            "real": int(self.real),
            "verified": bool(self.verified),
            "certified_count": int(self.certified_count),
            "real_certified": int(self.real_certified),
            "loops": int(self.loops),
            "seconds": round(float(self.seconds), 4),
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything JSON-serialisable: the summary plus the statement, diagnostics and points."""
        d = self.summary()
        d.update(
            {
                "statement": self.statement,
                "verification": self.verification,
                "trace_residual": self.trace_residual,
                "exact": None if self.exact is None else self.exact.to_dict(),
                "stable_loops": self.stable_loops,
                "paths": self.paths,
                "failed_paths": self.failed_paths,
                "target_failures": self.target_failures,
                "timed_out": self.timed_out,
                "interrupted": self.interrupted,
                "continuation": self.extra.get("continuation"),
                "seed": self.seed,
                "minimum": self.minimum,
                "critical_points": [
                    {
                        "real": bool(re),
                        "certified": bool(cert),
                        "loss": float(loss.real) if re else [float(loss.real), float(loss.imag)],
                        "coefficients": C.real.tolist() if re else [C.real.tolist(), C.imag.tolist()],
                    }
                    for C, re, loss, cert in zip(self.coefficients, self.is_real, self.losses, self._certified_mask())
                ],
            }
        )
        return d

    def _certified_mask(self) -> np.ndarray:
        n = len(self.coefficients)
        return np.zeros(n, dtype=bool) if self.certified is None or len(self.certified) != n else self.certified

    def __str__(self) -> str:
        return self.statement

    # --- display (notebooks, consoles) ------------------------------------------------------------
    def _display_title(self) -> str:
        return f"{_WHAT.get(self.weights, self.weights)} of V_{{{self.architecture}}}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        minimum = None if self.minimum is None else float(self.losses[self.minimum].real)
        return [("widths", self.widths), ("r", self.r), ("weights", self.weights), ("count", self.count),
                ("real", self.real), ("verified", self.verified), ("verification", self.verification),
                ("certified", self.certified_count), ("real_certified", self.real_certified),
                ("minimum_loss", minimum), ("loops", self.loops), ("paths", self.paths), ("seconds", self.seconds)]

    def _display_table(self) -> Table:
        """One row per critical point at the data: ``point, real, loss`` (real part), ``loss_imag``, ``minimum``."""
        rows = [[i, bool(re), float(loss.real), float(loss.imag), i == self.minimum]
                for i, (re, loss) in enumerate(zip(self.is_real, self.losses))]
        return ("point", "real", "loss", "loss_imag", "minimum"), rows
