"""Weight vectors and matrices, and the rescaling symmetry of hidden neurons.

The weight vector (package order) is ``W_1`` row-major, then ``W_2``, ..., ``W_L``. Rescaling a
hidden neuron's incoming row by ``t`` and its outgoing column by ``t^-r`` leaves the function
unchanged; :func:`balance_weights` uses that to make weights comparable.

>>> import numpy as np
>>> from neurovariety.architecture import Architecture
>>> [w.shape for w in split_weights(Architecture((2, 2, 3), 2), np.arange(10.0))]
[(2, 2), (3, 2)]
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from ..architecture import Architecture, ArchitectureLike, RSpec
from ..errors import InvalidInputError

__all__ = ["split_weights", "flatten_weights", "layer_shapes", "balance_weights"]


def layer_shapes(arch: Architecture) -> list[tuple[int, int]]:
    """``[(d1, d0), (d2, d1), ...]``: the shapes of ``W_1..W_L``."""
    return [(b, a) for a, b in zip(arch.widths, arch.widths[1:])]


def split_weights(arch: Architecture, theta: np.ndarray) -> list[np.ndarray]:
    """Weight matrices from weight vectors ``(..., N)`` in package order (views, not copies)."""
    theta = np.asarray(theta)
    if theta.shape[-1] != arch.num_params:
        raise InvalidInputError(f"a weight vector of {arch} has {arch.num_params} entries, got shape {theta.shape}")
    out, off = [], 0
    for rows, cols in layer_shapes(arch):
        out.append(theta[..., off : off + rows * cols].reshape(theta.shape[:-1] + (rows, cols)))
        off += rows * cols
    return out


def flatten_weights(weights: Sequence[np.ndarray]) -> np.ndarray:
    """The weight vector(s) ``(..., N)`` of matrices ``W_1..W_L`` (batch dimensions kept)."""
    arrays = [np.asarray(w) for w in weights]
    return np.concatenate([a.reshape(a.shape[:-2] + (-1,)) for a in arrays], axis=-1)


def balance_weights(
    widths: ArchitectureLike, r: Optional[RSpec], weights: Sequence[np.ndarray], sweeps: int = 3
) -> list[np.ndarray]:
    """Rescale hidden neurons (in-row by t, out-column by t^-r) to balance their norms.

    The function is unchanged (the network's symmetry); it only improves the conditioning of the
    Jacobian and makes weight norms comparable between runs.

    >>> from neurovariety.network.numeric import coefficient_matrix
    >>> W = balance_weights((2, 2, 1), 2, [np.array([[4.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 1.0]])])
    >>> coefficient_matrix((2, 2, 1), 2, W).round(12).tolist()
    [[16.0, 0.0, 1.0]]
    """
    arch = Architecture.coerce(widths, r)
    ws = [np.array(w, dtype=np.float64) for w in weights]
    for _ in range(sweeps if arch.depth > 2 else 1):
        for i in range(arch.depth - 1):
            e = arch.r[i]
            a = np.linalg.norm(ws[i], axis=-1)  # (..., d_i) incoming norms
            b = np.linalg.norm(ws[i + 1], axis=-2)  # (..., d_i) outgoing norms
            with np.errstate(divide="ignore", invalid="ignore"):
                t = (b / a) ** (1.0 / (1 + e))
            t = np.where(np.isfinite(t) & (t > 0), t, 1.0)  # dead neurons stay as they are
            ws[i] = ws[i] * t[..., :, None]
            ws[i + 1] = ws[i + 1] * (t[..., None, :] ** (-e))
    return ws
