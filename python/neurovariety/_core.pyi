"""Type stubs for the Rust extension ``neurovariety._core`` (crate ``rust/python``).

Errors: bad arguments raise :class:`neurovariety.errors.InvalidInputError` (a ``ValueError``),
work over a size limit :class:`neurovariety.errors.ResourceLimitError`, a Rust panic
:class:`neurovariety.errors.InternalError`; wrong argument types raise ``TypeError``.
Checked with ``python -m mypy.stubtest neurovariety._core``.
"""

from typing import ClassVar, Optional, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_PRIMES",
    "F64_EXACT_PRIME_LIMIT",
    "Route",
    "jacobian_rank",
    "coefficient_jacobian",
    "evaluation_jacobian",
    "last_hidden_values",
    "network_coefficients",
    "matrix_rank",
    "matrix_nullspace",
    "matrix_rref",
    "is_prime",
    "CriticalSystem",
    "TrackerOptions",
    "TrackResult",
    "gauge_free_mask",
    "WitnessSystem",
    "SlicedCriticalSystem",
]

DEFAULT_PRIMES: list[int]
F64_EXACT_PRIME_LIMIT: int

@final
class Route:
    """Which Jacobian :func:`jacobian_rank` takes the rank of."""

    Evaluation: ClassVar[Route]
    Monomial: ClassVar[Route]
    def __int__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def jacobian_rank(
    widths: list[int], exponents: list[int], prime: int, seed: int, route: Route, rows: int, bound: Optional[int] = None
) -> int: ...
def coefficient_jacobian(
    widths: list[int], exponents: list[int], prime: int, weights: Optional[list[list[int]]] = None, seed: int = 0
) -> npt.NDArray[np.uint64]: ...
def evaluation_jacobian(
    widths: list[int], exponents: list[int], prime: int, rows: int, weights: Optional[list[list[int]]] = None, seed: int = 0
) -> npt.NDArray[np.uint64]: ...
def last_hidden_values(
    widths: list[int], exponents: list[int], prime: int, rows: int, weights: Optional[list[list[int]]] = None, seed: int = 0
) -> npt.NDArray[np.uint64]: ...
def network_coefficients(
    widths: list[int], exponents: list[int], prime: int, weights: Optional[list[list[int]]] = None, seed: int = 0
) -> npt.NDArray[np.uint64]: ...
def matrix_rank(a: npt.NDArray[np.uint64], prime: int) -> int: ...
def matrix_nullspace(a: npt.NDArray[np.uint64], prime: int) -> npt.NDArray[np.uint64]: ...
def matrix_rref(a: npt.NDArray[np.uint64], prime: int) -> tuple[npt.NDArray[np.uint64], list[int]]: ...
def is_prime(n: int) -> bool: ...
def gauge_free_mask(widths: list[int]) -> list[bool]: ...
@final
class TrackerOptions:
    """Path tracker settings; every keyword defaults to the Rust ``TrackerOptions::default()``."""

    def __new__(
        cls,
        *,
        initial_step: float = ...,
        max_step: float = ...,
        min_step: float = ...,
        max_steps: int = ...,
        newton_iters: int = ...,
        newton_tol: float = ...,
        predictor_trust: float = ...,
        target_error: float = ...,
        max_norm: float = ...,
    ) -> TrackerOptions: ...
    @property
    def initial_step(self) -> float: ...
    @property
    def max_step(self) -> float: ...
    @property
    def min_step(self) -> float: ...
    @property
    def max_steps(self) -> int: ...
    @property
    def newton_iters(self) -> int: ...
    @property
    def newton_tol(self) -> float: ...
    @property
    def predictor_trust(self) -> float: ...
    @property
    def target_error(self) -> float: ...
    @property
    def max_norm(self) -> float: ...

@final
class TrackResult:
    """Outcome of :meth:`CriticalSystem.track`, one row / entry per start path.

    ``status``: 0 success, 1 diverged, 2 step size too small, 3 max steps, 4 singular,
    5 not tracked because the run was cancelled (Ctrl-C or timeout).
    """

    @property
    def ends(self) -> npt.NDArray[np.complex128]: ...
    @property
    def status(self) -> npt.NDArray[np.uint8]: ...
    @property
    def steps(self) -> npt.NDArray[np.uint64]: ...
    @property
    def residual(self) -> npt.NDArray[np.float64]: ...
    @property
    def interrupted(self) -> bool: ...
    @property
    def timed_out(self) -> bool: ...

@final
class CriticalSystem:
    """The critical equations ``J(theta)^T (Q c(theta) - b) = 0`` of one architecture and ``q``."""

    def __new__(cls, widths: list[int], exponents: list[int], q: npt.NDArray[np.complex128]) -> CriticalSystem: ...
    @property
    def num_unknowns(self) -> int: ...
    @property
    def num_weights(self) -> int: ...
    @property
    def ambient(self) -> int: ...
    def track(
        self,
        starts: npt.NDArray[np.complex128],
        nodes: npt.NDArray[np.complex128],
        options: Optional[TrackerOptions] = None,
        timeout: Optional[float] = None,
    ) -> TrackResult:
        """Track ``starts`` (k x N) through the segments between the rows of ``nodes``: values of
        ``b`` (``dL*M`` entries) or of ``(b, vec Q)`` (``dL*M + (dL*M)**2``; the weight moves too).

        A KeyboardInterrupt during the run stops it and is consumed: the call returns with
        ``interrupted=True``; unfinished paths have status 5 and their start as end.
        """
    def evaluate(
        self, b: npt.NDArray[np.complex128], thetas: npt.NDArray[np.complex128]
    ) -> tuple[npt.NDArray[np.complex128], npt.NDArray[np.complex128], npt.NDArray[np.complex128]]: ...
    def certify(
        self, thetas: npt.NDArray[np.complex128], b: npt.NDArray[np.complex128]
    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        """Krawczyk certification of each row of ``thetas`` for the parameter ``b``:
        ``(certified, real, radius, distinct)``."""

@final
class WitnessSystem:
    """``F(theta; b) = A c(theta) - b`` in gauge-fixed weights, optionally in the weight slice
    ``theta = p + S t`` of the default chart (``slice=(p, S)``); points are full weight vectors
    (``N``) without a slice, slice coordinates ``t`` (``m``) with one."""

    def __new__(
        cls,
        widths: list[int],
        exponents: list[int],
        a: npt.NDArray[np.complex128],
        slice: Optional[tuple[npt.NDArray[np.complex128], npt.NDArray[np.complex128]]] = None,
    ) -> WitnessSystem: ...
    @property
    def num_unknowns(self) -> int: ...
    @property
    def num_weights(self) -> int: ...
    @property
    def ambient(self) -> int: ...
    @property
    def point_len(self) -> int: ...
    def track(
        self,
        starts: npt.NDArray[np.complex128],
        nodes: npt.NDArray[np.complex128],
        options: Optional[TrackerOptions] = None,
        timeout: Optional[float] = None,
    ) -> TrackResult:
        """Track ``starts`` (k x point_len) through the segments between the rows of ``nodes``
        (interruptible like :meth:`CriticalSystem.track`)."""
    def evaluate(
        self, b: npt.NDArray[np.complex128], points: npt.NDArray[np.complex128]
    ) -> tuple[npt.NDArray[np.complex128], npt.NDArray[np.complex128], npt.NDArray[np.complex128]]: ...
    def weights(self, points: npt.NDArray[np.complex128]) -> npt.NDArray[np.complex128]: ...

@final
class SlicedCriticalSystem:
    """The critical equations restricted to the weight slice ``theta = p + S t`` of the default
    chart: ``G(t; b) = S^T F(p + S t; b)``; points are slice coordinates ``t``."""

    def __new__(
        cls,
        widths: list[int],
        exponents: list[int],
        q: npt.NDArray[np.complex128],
        p: npt.NDArray[np.complex128],
        s: npt.NDArray[np.complex128],
    ) -> SlicedCriticalSystem: ...
    @property
    def num_unknowns(self) -> int: ...
    @property
    def num_weights(self) -> int: ...
    @property
    def ambient(self) -> int: ...
    def track(
        self,
        starts: npt.NDArray[np.complex128],
        nodes: npt.NDArray[np.complex128],
        options: Optional[TrackerOptions] = None,
        timeout: Optional[float] = None,
    ) -> TrackResult:
        """Track slice coordinates ``starts`` (k x m) (interruptible like :meth:`CriticalSystem.track`)."""
    def evaluate(
        self, b: npt.NDArray[np.complex128], points: npt.NDArray[np.complex128]
    ) -> tuple[npt.NDArray[np.complex128], npt.NDArray[np.complex128], npt.NDArray[np.complex128]]: ...
    def weights(self, points: npt.NDArray[np.complex128]) -> npt.NDArray[np.complex128]: ...
