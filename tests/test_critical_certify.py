"""Krawczyk certification of critical points (``CriticalSystem.certify``, Rust ``critical/certify.rs``)."""

from __future__ import annotations

import numpy as np
import pytest

from neurovariety import critical as cr
from neurovariety.architecture import Architecture
from neurovariety.critical.problem import loss_problem
from neurovariety.critical.system import CriticalSystem


def _system_and_points(widths, r, weights, seed):
    res = cr.critical_points(widths, r, weights=weights, seed=seed, progress=False, exact=False)
    arch = Architecture(widths, r)
    # the same problem as the run (same random stream: problem first, as in critical_points)
    rng = np.random.default_rng([seed, 0xC817])
    problem = loss_problem(arch, weights, None, rng, seed)
    return res, CriticalSystem(arch, problem.Q), problem


@pytest.mark.parametrize("case", [((2, 2, 3), 2, "data"), ((2, 1, 1), 3, "generic")])
def test_reported_points_certify_and_planted_non_solutions_do_not(case):
    res, system, problem = _system_and_points(*case, seed=3)
    assert res.certified_count == res.count == len(res.parameters)
    cert, real, radius, distinct = system.certify(res.parameters, problem.b)
    assert cert.all() and distinct.all() and (radius < 1e-6).all()
    assert real.sum() == res.real_certified == res.real
    # real certified functions are the numerically real ones
    assert (real == res.is_real).all()
    # a point moved off a critical point is refused; so is a point where nothing is critical
    theta = res.parameters[0].copy()
    planted = np.array([theta + 1e-3, np.full_like(theta, 0.3 + 0.1j)])
    cert, real, radius, distinct = system.certify(planted, problem.b)
    assert not cert.any() and not real.any() and np.isnan(radius).all() and not distinct.any()
    # a duplicated point (the same function twice; here with the hidden neurons rescaled) is
    # certified twice but is not distinct
    arch = Architecture(*case[:2])
    scaled = theta.copy()
    h = arch.widths[1]
    lam = 1.7 - 0.2j
    scaled[: arch.d0] *= lam  # incoming row of the first hidden neuron
    out_w = scaled[arch.d0 * h:].reshape(arch.dL, h)
    out_w[:, 0] /= lam ** arch.r[0]
    cert, _, _, distinct = system.certify(np.array([theta, scaled]), problem.b)
    assert cert.all() and not distinct.any()


def test_certify_checks_shapes():
    system = CriticalSystem(Architecture((2, 1, 1), 2), np.eye(3))
    with pytest.raises(ValueError, match="columns"):
        system.certify(np.ones((1, 2)), np.ones(3))
    with pytest.raises(ValueError, match="b must have"):
        system.certify(np.ones((1, 3)), np.ones(2))
    assert [len(v) for v in system.certify(np.zeros((0, 3)), np.ones(3))] == [0, 0, 0, 0]
