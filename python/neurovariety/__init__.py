"""neurovariety: the algebraic geometry of polynomial neural networks, with a Rust core.

A PNN with widths ``d = (d0, ..., dL)`` and activation ``t -> t^r`` computes ``dL`` homogeneous
polynomials; its weights parametrise the neuromanifold, whose Zariski closure is the
neurovariety ``V_{d,r}``.

>>> import neurovariety as nv
>>> nv.dimension((2, 2, 3), 2, seed=0).dimension
8
>>> nv.dimensions([((2, 2, 3), 2), ((3, 2, 1), 2)], seed=0)["defect"].tolist()
[0, 1]

The capabilities beyond the dimension (critical points, equations, learning, geometry, search,
sweeps) are imported on first use, so ``import neurovariety`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import errors, linalg
from ._meta import version as _version
from .architecture import Architecture, monomial_exponents, parse_r, parse_widths
from .dimension import DimensionOptions, DimensionResult, dimension, dimensions
from .errors import (
    ComputationTimeout,
    InternalError,
    InvalidInputError,
    NeurovarietyError,
    NotSupportedError,
    ResourceLimitError,
    VerificationError,
)
from .fields import DEFAULT_PRIMES
from .network import jacobian, network_coefficients
from .theory import upper_bound

if TYPE_CHECKING:
    from .critical import critical_points, ed_degree, learning_degree
    from .equations import hilbert_function, vanishing_ideal
    from .geometry import fibre, is_on_variety
    from .geometry.degree import degree  # the functions (mypy takes `geometry.degree` for the submodule)
    from .geometry.identifiability import identifiability
    from .interop import parametrization
    from .search import activation_threshold, minimal_filling


#: Public names defined in capability subpackages, imported when first accessed.
_LAZY = {
    "critical_points": "neurovariety.critical",
    "ed_degree": "neurovariety.critical",
    "learning_degree": "neurovariety.critical",
    "hilbert_function": "neurovariety.equations",
    "vanishing_ideal": "neurovariety.equations",
    "activation_threshold": "neurovariety.search",
    "minimal_filling": "neurovariety.search",
    "parametrization": "neurovariety.interop",
    "degree": "neurovariety.geometry",
    "fibre": "neurovariety.geometry",
    "identifiability": "neurovariety.geometry",
    "is_on_variety": "neurovariety.geometry",
}

__all__ = [
    "Architecture",
    "ComputationTimeout",
    "DEFAULT_PRIMES",
    "DimensionOptions",
    "DimensionResult",
    "InternalError",
    "InvalidInputError",
    "NeurovarietyError",
    "NotSupportedError",
    "ResourceLimitError",
    "VerificationError",
    "activation_threshold",
    "critical_points",
    "degree",
    "dimension",
    "dimensions",
    "ed_degree",
    "hilbert_function",
    "errors",
    "fibre",
    "jacobian",
    "identifiability",
    "is_on_variety",
    "learning_degree",
    "linalg",
    "minimal_filling",
    "monomial_exponents",
    "network_coefficients",
    "parametrization",
    "parse_r",
    "parse_widths",
    "upper_bound",
    "vanishing_ideal",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'neurovariety' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
