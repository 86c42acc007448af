"""Interoperability: the parameter map of a network for other computer algebra systems.

:func:`parametrization` gives the coefficient map ``weights -> coefficients`` as sympy objects
and exports it to Macaulay2 (``numericalImageDim``/``numericalImageDegree`` of
NumericalImplicitization run on exactly this map), Singular, Oscar, Magma and a
HomotopyContinuation.jl script. Equations export themselves: ``VanishingIdeal.to_m2()`` etc.

>>> p = parametrization((2, 1, 1), 2)
>>> [str(e) for e in p.to_sympy()]
['w1_1_1**2*w2_1_1', '2*w1_1_1*w1_1_2*w2_1_1', 'w1_1_2**2*w2_1_1']
"""

from .parametrization import Parametrization, parametrization

__all__ = ["Parametrization", "parametrization"]
