"""Learning experiments: train many PNNs at once and count the functions they learn
(the experiment of Kubjas–Li–Wiesmann, §6.1).

The squared loss of a network on data ``(x_i, y_i)`` depends on the network only through its
coefficient matrix ``C`` (:mod:`neurovariety.loss`), so gradient descent in weight space explores
the neurovariety ``V``. This subpackage

* trains ``runs`` networks from random initialisations in one vectorised numpy computation
  (:mod:`~neurovariety.learning.train`; Levenberg–Marquardt by default,
  :mod:`~neurovariety.learning.optimizers`),
* computes the critical points of the loss on ``V`` in closed form where ``V`` is determinantal
  (``V = {rank C <= k}``: Eckart–Young after whitening; e.g. ``(2,2,3), r=2`` with its three
  critical functions) or fills its ambient space (:mod:`~neurovariety.learning.closed_form`),
* decides whether a coefficient matrix is realised by *real* weights
  (:mod:`~neurovariety.learning.realisability`) and, for ``(2, 2, dL), r = 2``, computes the
  minima of the loss over the boundary of the real neuromanifold
  (:mod:`~neurovariety.learning.boundary`),
* classifies every run as ``minimum``, ``saddle``, ``singular``, ``boundary`` (only with the
  certificate of :mod:`~neurovariety.learning.certificate`), ``unconverged`` with a reason (or
  ``unknown`` when a stationary full-rank run matches no known critical point;
  :mod:`~neurovariety.learning.classify`) and groups the learned functions by coefficients
  (:mod:`~neurovariety.learning.functions`),
* sweeps many data sets (:mod:`~neurovariety.learning.experiment`): how often is the minimiser on
  ``V`` realisable, and what do the runs do when it is not; :mod:`~neurovariety.learning.plots`
  draws both.

The data helpers and the coefficient map are re-exported from :mod:`neurovariety.loss` and
:mod:`neurovariety.network` for convenience.

>>> X, Y = make_data((2, 2, 3), 2, n=10, seed=1)
>>> cps = critical_points((2, 2, 3), 2, X, Y)
>>> [cp.kind for cp in cps]
['minimum', 'saddle', 'saddle']
>>> res = train((2, 2, 3), 2, X, Y, runs=20, seed=0, progress=False)
>>> learned = count_learned_functions(res)
>>> learned.outcomes["minimum"] + learned.outcomes["boundary"] > 0
True
"""

from ..loss import loss_matrices, make_data, monomial_matrix
from ..network import balance_weights, coefficient_jacobian, coefficient_matrix
from .boundary import BoundaryMinima, BoundaryMinimum, boundary_known, boundary_minima
from .certificate import BoundaryEvidence, certify_boundary
from .classify import OUTCOMES, RunClassification, classify_runs
from .closed_form import CriticalPoint, checked_critical_points, closed_form_structure, critical_points, variety_dimension
from .experiment import SweepResult, sweep_datasets, wilson_interval
from .functions import FunctionGroup, LearnedFunctions, count_learned_functions
from .plots import plot_functions, plot_sweep
from .realisability import in_neuromanifold, neuromanifold_criterion_known, neuromanifold_margin
from .train import DEFAULT_STEPS, OPTIMIZERS, TrainResult, train

__all__ = [
    "OUTCOMES",
    "make_data",
    "monomial_matrix",
    "loss_matrices",
    "coefficient_matrix",
    "coefficient_jacobian",
    "balance_weights",
    "variety_dimension",
    "closed_form_structure",
    "CriticalPoint",
    "critical_points",
    "checked_critical_points",
    "in_neuromanifold",
    "neuromanifold_criterion_known",
    "neuromanifold_margin",
    "BoundaryMinimum",
    "BoundaryMinima",
    "boundary_known",
    "boundary_minima",
    "BoundaryEvidence",
    "certify_boundary",
    "OPTIMIZERS",
    "DEFAULT_STEPS",
    "TrainResult",
    "train",
    "RunClassification",
    "classify_runs",
    "FunctionGroup",
    "LearnedFunctions",
    "count_learned_functions",
    "SweepResult",
    "sweep_datasets",
    "wilson_interval",
    "plot_functions",
    "plot_sweep",
]
