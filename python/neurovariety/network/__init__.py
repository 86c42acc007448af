"""The network itself: its coefficient map, Jacobian, weights and gauge, in every number system.

* :mod:`~neurovariety.network.numeric`: numpy (float, complex or exact integers), batched;
* :mod:`~neurovariety.network.modular`: over F_p, by the Rust core;
* :mod:`~neurovariety.network.symbolic`: sympy polynomials in symbolic weights (import it
  explicitly: sympy is slow to import);
* :mod:`~neurovariety.network.weights`, :mod:`~neurovariety.network.gauge`: weight layout and the
  rescaling symmetry.

>>> from neurovariety.network import coefficient_matrix
>>> coefficient_matrix((2, 1, 1), 2, [[[1, 2]], [[3]]]).tolist()   # 3 (x0 + 2 x1)^2
[[3, 12, 12]]
"""

from .gauge import first_column_chart, full_weights, gauge_mask
from .modular import jacobian, network_coefficients, weights_mod_p
from .numeric import as_weight_arrays, coefficient_jacobian, coefficient_matrix, coefficients_and_jacobian
from .weights import balance_weights, flatten_weights, layer_shapes, split_weights

__all__ = [
    "as_weight_arrays",
    "balance_weights",
    "coefficient_jacobian",
    "coefficient_matrix",
    "coefficients_and_jacobian",
    "first_column_chart",
    "flatten_weights",
    "full_weights",
    "gauge_mask",
    "jacobian",
    "layer_shapes",
    "network_coefficients",
    "split_weights",
    "weights_mod_p",
]
