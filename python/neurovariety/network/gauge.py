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

__all__ = ["gauge_mask", "full_weights"]


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
