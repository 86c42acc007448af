"""Numerical implicitisation of neurovarieties: degree, membership, fibres, identifiability.

What Macaulay2's NumericalImplicitization offers for any map (``numericalImageDegree``,
``isOnImage``), specialised to the parametrisation of a network: pseudo-witness sets by monodromy
in gauge-fixed weights (:mod:`~.witness`), the degree and multidegree (:mod:`~.degree`),
membership and fibres with the real neuromanifold (:mod:`~.membership`), and generic
identifiability (:mod:`~.identifiability`). The Hilbert function is
:func:`neurovariety.equations.hilbert_function`.

>>> degree((2, 1, 1), 4, seed=0).degree   # the rational normal curve of degree 4
4
"""

from .degree import degree
from .identifiability import identifiability
from .membership import fibre, is_on_variety, members
from .result import DegreeResult, IdentifiabilityResult, MembershipResult

__all__ = ["DegreeResult", "IdentifiabilityResult", "MembershipResult", "degree", "fibre", "identifiability",
           "is_on_variety", "members"]
