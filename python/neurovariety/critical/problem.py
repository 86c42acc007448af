"""The loss whose critical points are counted, as a quadratic form ``c^T Q c - 2 b^T c + const``.

* ``"data"``: ``Q = I_dL (x) A``, ``b = vec(B^T)`` with ``A, B`` the moment matrices of data
  ``(X, Y)`` (:func:`neurovariety.loss.loss_matrices`): the **learning degree**;
* ``"generic"``: ``Q`` a random positive definite matrix, ``b = Q u`` for a target ``u``: the
  **generic Euclidean distance degree**;
* ``"unit"``: ``Q = I``, ``b = u``: the ED degree of the plain coefficient inner product.

>>> import numpy as np
>>> from neurovariety.architecture import Architecture
>>> p = loss_problem(Architecture((2, 1, 1), 2), "unit", None, np.random.default_rng(0), 0)
>>> p.Q.shape, round(float(np.linalg.norm(p.Q, 2)), 12)
((3, 3), 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Optional

import numpy as np

from .._resources import check_memory
from ..architecture import Architecture
from ..errors import InvalidInputError
from ..loss import loss_matrices, make_data

__all__ = ["WeightsKind", "WEIGHTS", "LossProblem", "loss_problem", "cgauss"]

WeightsKind = Literal["data", "generic", "unit"]
WEIGHTS: tuple[str, ...] = ("data", "generic", "unit")


@dataclass
class LossProblem:
    """``Q`` (amb x amb, real symmetric) and the actual target ``b``, both normalised so that
    ``||Q||_2 = 1``; the loss is ``scale * (c^T Q c - 2 b^T c) + const``."""

    arch: Architecture
    Q: np.ndarray
    b: np.ndarray
    scale: float
    const: float


def cgauss(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Standard complex Gaussian entries."""
    out: np.ndarray = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)
    return out


def _data_problem(arch: Architecture, data: Any, seed: Optional[int]) -> tuple[np.ndarray, np.ndarray, float]:
    if data is None:
        X, Y = make_data(arch, None, seed=seed)
    else:
        try:
            X, Y = data
        except (TypeError, ValueError):
            raise InvalidInputError("data for weights='data' must be a pair (X, Y) of arrays (n x d0, n x dL)") from None
    A, B, c0 = loss_matrices(arch, None, X, Y)
    return np.kron(np.eye(arch.dL), A), np.asarray(B).T.ravel(), float(c0)


def _target_problem(arch: Architecture, weights: str, data: Any, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, float]:
    amb = arch.ambient_dim
    if data is None:
        u = rng.standard_normal(amb)
    else:
        u = np.asarray(data, dtype=float)
        if u.size != amb:
            raise InvalidInputError(
                f"the target for weights={weights!r} must be a dL x M = {arch.dL} x {arch.num_monomials} "
                f"coefficient matrix, got shape {u.shape}"
            )
        u = u.ravel()
        if not np.isfinite(u).all():
            raise InvalidInputError("the target must be finite")
    if weights == "generic":
        G = rng.standard_normal((amb, amb))
        Q = G @ G.T / amb + 0.5 * np.eye(amb)  # positive definite, generic (has a density)
    else:
        Q = np.eye(amb)
    return Q, Q @ u, float(u @ Q @ u)


def loss_problem(arch: Architecture, weights: str, data: Any, rng: np.random.Generator, seed: Optional[int]) -> LossProblem:
    """The normalised quadratic loss for ``weights`` in :data:`WEIGHTS` (see the module docstring)."""
    # Q, its factor G, their product and the solver's complex copy: about five dense amb x amb matrices.
    check_memory("the loss matrix of the critical-point problem", 40.0 * arch.ambient_dim**2)
    if weights == "data":
        Q, b, const = _data_problem(arch, data, seed)
    else:
        Q, b, const = _target_problem(arch, weights, data, rng)
    s = float(np.linalg.norm(Q, 2))
    if not (np.isfinite(s) and s > 0):
        raise InvalidInputError("degenerate loss: the weight matrix Q is zero or not finite")
    # Critical points do not change when Q and b are scaled together; unit scale helps the tracker.
    return LossProblem(arch, Q / s, b / s, s, const)
