"""The gauge: which weight of every hidden neuron is fixed to 1 to remove the rescaling symmetry.

Rescaling a hidden neuron's incoming row by ``t`` and its outgoing column by ``t^-r`` leaves the
network's function unchanged, so the weights have ``sum of hidden widths`` redundant directions.
The package convention, shared with the Rust core: the **first incoming weight** ``W_i[k, 0]``
of every hidden neuron is set to 1 (the image of this dense open set of weights has the same
closure). The path tracker switches, per neuron, to the incoming weight of largest modulus when
the fixed one becomes small — the standard charts of projective space.

>>> from neurovariety.architecture import Architecture
>>> gauge_mask(Architecture((2, 2, 3), 2)).astype(int).tolist()
[0, 1, 0, 1, 1, 1, 1, 1, 1, 1]
"""

from __future__ import annotations

import numpy as np

from .. import _core
from ..architecture import Architecture

__all__ = ["gauge_mask", "full_weights", "first_column_chart", "weight_slice"]


def weight_slice(arch: Architecture, m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A random complex weight slice ``(p, S)``: ``θ = p + S t`` in the first-column chart, ``t ∈ C^m``
    (``p``: one entry per gauge-fixed weight, ``S``: gauge-fixed weights x ``m``). For a defective
    architecture, ``m = dim V`` makes the parametrisation restricted to it generically finite onto V.

    >>> p, S = weight_slice(Architecture((3, 2, 1), 2), 5, np.random.default_rng(0))
    >>> p.shape, S.shape
    ((6,), (6, 5))
    """
    n = arch.num_free_params
    p = (rng.standard_normal(n) + 1j * rng.standard_normal(n)) / np.sqrt(2)
    S = (rng.standard_normal((n, m)) + 1j * rng.standard_normal((n, m))) / np.sqrt(2 * m)
    return p, S


def gauge_mask(arch: Architecture) -> np.ndarray:
    """Boolean mask over the weight vector (package order): ``True`` for the free weights (the
    convention lives in the Rust core, ``critical/gauge.rs``, which the path tracker uses)."""
    return np.array(_core.gauge_free_mask(list(arch.widths)), dtype=bool)


def full_weights(arch: Architecture, free: np.ndarray) -> np.ndarray:
    """Weight vectors ``(..., N)`` from gauge-fixed ones ``(..., N - hidden)`` (fixed entries 1)."""
    free = np.asarray(free)
    mask = gauge_mask(arch)
    out = np.ones(free.shape[:-1] + (arch.num_params,), dtype=free.dtype)
    out[..., mask] = free
    return out


def first_column_chart(arch: Architecture, theta: np.ndarray) -> np.ndarray:
    """Weight vectors ``(..., N)`` rescaled (each hidden neuron: incoming row x λ, outgoing column
    x λ^-r, the function unchanged) so that every hidden neuron's first incoming weight is 1: one
    representative per orbit of the rescaling torus, so equal points compare equal (rows whose
    first weight is 0 are left as they are).

    >>> a = Architecture((2, 1, 1), 2)
    >>> first_column_chart(a, np.array([2.0, 4.0, 1.0])).tolist()   # (2 x0 + 4 x1)^2 = 4 (x0 + 2 x1)^2
    [1.0, 2.0, 4.0]
    """
    out = np.array(theta, dtype=complex if np.iscomplexobj(theta) else float, copy=True)
    off = 0
    for i in range(arch.depth - 1):
        d_in, d_out, d_next = arch.widths[i], arch.widths[i + 1], arch.widths[i + 2]
        rows = out[..., off : off + d_in * d_out].reshape(out.shape[:-1] + (d_out, d_in))
        lead = rows[..., 0]
        lam = np.where(lead != 0, 1.0 / np.where(lead != 0, lead, 1.0), 1.0)
        rows *= lam[..., None]
        nxt = off + d_in * d_out
        cols = out[..., nxt : nxt + d_out * d_next].reshape(out.shape[:-1] + (d_next, d_out))
        cols *= (lam ** (-arch.r[i]))[..., None, :]
        out[..., off : off + d_in * d_out] = rows.reshape(out.shape[:-1] + (-1,))
        out[..., nxt : nxt + d_out * d_next] = cols.reshape(out.shape[:-1] + (-1,))
        off = nxt
    return out

