"""Learning and unit ED degrees completed by parameter continuation from a generic weight
(neurovariety.critical.continuation), checked against the Macaulay2 oracle."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurovariety import critical as cr
from neurovariety.architecture import Architecture
from neurovariety.critical.continuation import Continuation, WeightContinuation, node
from neurovariety.critical.monodromy import start_pair
from neurovariety.critical.problem import loss_problem
from neurovariety.critical.system import CriticalSystem, full_rank

needs_m2 = pytest.mark.skipif(shutil.which("M2") is None, reason="Macaulay2 is not installed (apt-get install macaulay2)")

#: Special weights whose trace test fails on the complete set (critical points at infinity), so
#: that completeness comes from the continuation; the counts are the independent Macaulay2
#: oracle's (tests/m2_oracle.py, ``critical_degree(Architecture(w, r), weights, seed=0)``), which
#: test_oracle_agrees_run_here recomputes.
SPECIAL = [((2, 2, 2), 3, "data", 27), ((2, 2, 2), 3, "unit", 23), ((3, 2, 2), 2, "data", 75)]


def _solve(widths, r, **kw):
    kw.setdefault("progress", False)
    return cr.critical_points(widths, r, seed=0, **kw)


@pytest.mark.parametrize("widths, r, weights, expected", SPECIAL)
def test_special_weight_degree_is_verified_by_continuation(widths, r, weights, expected):
    res = _solve(widths, r, weights=weights)
    assert (res.count, res.verified) == (expected, True), res.statement
    assert res.verification == "parameter continuation from a generic weight"
    info = res.extra["continuation"]
    assert info["verified"] and info["generic_verified"] and info["unresolved"] == 0 and info["missed"] == 0
    # every path of the generic set is accounted for: a regular end or divergence
    assert info["reached"] == expected and info["reached"] + info["diverging"] == info["generic_count"] > expected
    assert "trace test residual" in res.statement and "diverge" in res.statement and "numerical endgame" in res.statement
    assert 0 < res.certified_count <= res.count
    # the points returned are critical points of the actual loss: J^T (Q c - b) = 0 at full rank
    arch = Architecture(widths, r)
    prob = loss_problem(arch, weights, None, np.random.default_rng([0, 0xC817]), 0)
    system = CriticalSystem(arch, prob.Q)
    f, c, J = system.evaluate(res.parameters, prob.b)
    assert np.allclose(c, res.coefficients.reshape(len(c), -1), atol=1e-8 * np.abs(c).max())
    assert np.abs(f).max() <= 1e-7 * np.abs(J).max() * (np.abs(c).max() + np.abs(prob.b).max())
    assert full_rank(J, system.n).all()


@needs_m2
@pytest.mark.parametrize("widths, r, weights, expected", SPECIAL)
def test_oracle_agrees_run_here(widths, r, weights, expected):
    from m2_oracle import critical_degree

    assert critical_degree(Architecture(widths, r), weights, seed=0, timeout=600) == expected


def test_without_continuation_the_count_is_a_lower_bound():
    res = _solve((2, 2, 2), 3, weights="unit", continuation=False)
    assert not res.verified and res.count <= 23
    assert "lower bound" in res.statement and "continuation" not in res.extra


def test_an_unverified_generic_set_proves_nothing(monkeypatch):
    # every trace test fails: the generic set is not known to be complete, so the continuation is not run
    monkeypatch.setattr(cr, "trace_test", lambda *args, **kwargs: 0.5)
    res = _solve((2, 2, 2), 3, weights="unit")
    assert not res.verified and res.verification == "none"
    assert res.extra["continuation"]["generic_verified"] is False and res.extra["continuation"]["reached"] is None
    assert "not verified, so the continuation was not run" in res.statement


def test_missed_points_or_unresolved_paths_are_not_verified():
    run = Continuation(theta=np.zeros((3, 2)), c=np.zeros((3, 2)), starts=5, near=5, diverging=2, unresolved=0,
                       paths=10, routes=1)
    assert run.complete and WeightContinuation(5, 1e-12, 10, 3, run).verified
    assert not WeightContinuation(5, 1e-12, 10, 4, run, missed=1).verified  # monodromy found one it did not reach
    assert not WeightContinuation(5, 1e-3, 10, 3, run).verified  # the generic set failed the trace test
    short = Continuation(theta=np.zeros((3, 2)), c=np.zeros((3, 2)), starts=5, near=4, diverging=1, unresolved=0,
                         paths=10, routes=3)
    assert not short.complete  # one path never reached the end of the route
    unresolved = Continuation(theta=np.zeros((3, 2)), c=np.zeros((3, 2)), starts=5, near=5, diverging=1, unresolved=1,
                              paths=10, routes=1)
    assert not unresolved.complete
    assert "neither end regular nor diverge" in WeightContinuation(5, 1e-12, 10, 3, unresolved).sentence()


@settings(max_examples=6)
@given(seed=st.integers(0, 2**32 - 1))
def test_core_tracks_a_critical_point_from_one_loss_to_another(seed):
    # the core's (b, vec Q) nodes: a critical point of one loss ends at a critical point of the other
    arch = Architecture((2, 2, 3), 2)
    rng = np.random.default_rng(seed)
    first, second = (loss_problem(arch, "generic", None, rng, None) for _ in range(2))
    system = CriticalSystem(arch, first.Q)
    start = start_pair(system, first, rng)
    ends, status = system.track(start.theta[None], [node(start.b, first.Q), node(second.b, second.Q)])
    assert status.tolist() == [0]
    f, _, J = CriticalSystem(arch, second.Q).evaluate(ends, second.b)
    assert np.abs(f).max() <= 1e-8 * (1 + np.abs(J).max())


def test_bad_family_nodes_are_rejected():
    arch = Architecture((2, 2, 3), 2)
    system = CriticalSystem(arch, np.eye(9))
    with pytest.raises(ValueError, match="nodes must be"):
        system.track(np.ones((1, 10)), [np.ones(9 + 80), np.ones(9 + 80)])


def test_a_path_judged_diverging_is_resolved_by_tracking_the_known_point_back():
    # the 23 unit-ED points at the target, and the points of their paths at a generic parameter near it
    from neurovariety.critical.continuation import _match_backwards, _random_node
    from neurovariety.homotopy import SolutionSet

    res = _solve((2, 2, 2), 3, weights="unit")
    arch = Architecture((2, 2, 2), 3)
    prob = loss_problem(arch, "unit", None, np.random.default_rng([0, 0xC817]), 0)
    system = CriticalSystem(arch, prob.Q)
    rng = np.random.default_rng(5)
    p1 = node(prob.b, prob.Q)
    p_near = p1 + 1e-2 * (_random_node(system, rng, 1.0) - p1)
    found = SolutionSet(system.P, system.amb)
    found.add(res.coefficients.reshape(res.count, -1), res.parameters)
    ends, status = system.track(found.theta, [p1, p_near])
    assert (status == 0).all()
    near = SolutionSet(system.P, system.amb)
    assert near.add(system.evaluate(ends, p_near[: system.amb])[1], ends) == res.count
    # the endgame reached every path's end but two, which it called diverging
    theta, c = found.theta.copy(), found.c.copy()
    lost = [3, 11]
    theta[lost], c[lost] = np.nan, np.nan
    diverging = np.zeros(res.count, dtype=bool)
    diverging[lost] = True
    resolved, tracked, why = _match_backwards(system, found, near, (p1, p_near), theta, c, diverging, None)
    assert (resolved, tracked, why) == (2, 2, {}) and not diverging.any()
    assert np.allclose(c, found.c) and np.isfinite(theta).all()
    # nothing is missing: nothing is tracked, nothing changes
    assert _match_backwards(system, found, near, (p1, p_near), theta, c, diverging, None) == (0, 0, {})
    # path 3 jumped to point 5: point 3 lands on a path with another regular end, and says so
    theta[3], c[3] = found.theta[5], found.c[5]
    resolved, tracked, why = _match_backwards(system, found, near, (p1, p_near), theta, c, diverging, None)
    assert (resolved, tracked) == (0, 1) and why == {"landed on a path that ends at another point": 1}
    assert np.allclose(c[3], found.c[5])  # a claimed end is never overwritten


@pytest.mark.slow
def test_learning_degree_of_3_2_3_is_proved_by_continuation():
    # ~18 min on 2 cores: the generic set (7,101, trace-verified) tracked to the data's weight
    res = _solve((3, 2, 3), 2, weights="data")
    info = res.extra["continuation"]
    assert (res.count, res.verified, info["generic_count"]) == (309, True, 7101), res.statement
    assert info["reached"] + info["diverging"] == 7101 and info["missed"] == 0
