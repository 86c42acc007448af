"""neurovariety: the algebraic geometry of polynomial neural networks, with a Rust core.

A PNN with widths ``d = (d0, ..., dL)`` and activation ``t -> t^r`` computes ``dL`` homogeneous
polynomials; its weights parametrise the neuromanifold, whose Zariski closure is the
neurovariety ``V_{d,r}``.

>>> import neurovariety as nv
>>> nv.dimension((2, 2, 3), 2, seed=0).dimension
8
"""

from . import linalg
from .critical import critical_points, ed_degree, learning_degree
from .architecture import Architecture, monomial_exponents, parse_r, parse_widths
from .dimension import (
    DEFAULT_PRIMES,
    DimensionResult,
    ResourceLimitError,
    dimension,
    jacobian,
    network_coefficients,
    upper_bound,
)

__version__ = "0.1.0"

__all__ = [
    "Architecture",
    "DEFAULT_PRIMES",
    "DimensionResult",
    "ResourceLimitError",
    "critical_points",
    "dimension",
    "ed_degree",
    "learning_degree",
    "jacobian",
    "linalg",
    "monomial_exponents",
    "network_coefficients",
    "parse_r",
    "parse_widths",
    "upper_bound",
    "__version__",
]
