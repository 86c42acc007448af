"""Type stubs for the Rust extension ``neurovariety._core`` (see rust/src/lib.rs)."""

from typing import Optional

import numpy as np
import numpy.typing as npt

DEFAULT_PRIMES: list[int]
F64_EXACT_PRIME_LIMIT: int

def jacobian_rank(widths: list[int], exponents: list[int], prime: int, seed: int, method: str, rows: int) -> int: ...
def coefficient_jacobian(
    widths: list[int], exponents: list[int], prime: int, weights: Optional[list[list[int]]] = None, seed: int = 0
) -> npt.NDArray[np.uint64]: ...
def evaluation_jacobian(
    widths: list[int], exponents: list[int], prime: int, rows: int, weights: Optional[list[list[int]]] = None, seed: int = 0
) -> npt.NDArray[np.uint64]: ...
def network_coefficients(
    widths: list[int], exponents: list[int], prime: int, weights: Optional[list[list[int]]] = None, seed: int = 0
) -> npt.NDArray[np.uint64]: ...
def matrix_rank(a: npt.NDArray[np.uint64], prime: int) -> int: ...
def matrix_nullspace(a: npt.NDArray[np.uint64], prime: int) -> npt.NDArray[np.uint64]: ...
def is_prime(n: int) -> bool: ...
def critical_track(
    widths: list[int],
    exponents: list[int],
    q: npt.NDArray[np.complex128],
    starts: npt.NDArray[np.complex128],
    nodes: npt.NDArray[np.complex128],
    max_norm: float = 1e8,
    max_steps: int = 5000,
    max_step: float = 0.25,
    predictor_trust: float = 0.1,
    newton_tol: float = 1e-8,
    target_error: float = 1e-4,
) -> tuple[npt.NDArray[np.complex128], npt.NDArray[np.uint8], npt.NDArray[np.uint64], npt.NDArray[np.float64]]: ...
def critical_evaluate(
    widths: list[int],
    exponents: list[int],
    q: npt.NDArray[np.complex128],
    b: npt.NDArray[np.complex128],
    thetas: npt.NDArray[np.complex128],
) -> tuple[npt.NDArray[np.complex128], npt.NDArray[np.complex128], npt.NDArray[np.complex128]]: ...
