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
from neurovariety.homotopy import SolutionSet

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


@pytest.fixture(scope="module")
def unit_ed_near():
    """The 23 unit-ED points of (2,2,2), r=3 at the target ``p1``, and the points of their paths at a
    generic parameter ``p_near`` near it (row i of ``near`` is the path of point i)."""
    from neurovariety.critical.continuation import _random_node

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
    return system, found, near, (p1, p_near)


def _forward(near, theta, c, diverging):
    from neurovariety.critical.continuation import _Forward

    return _Forward(near, theta, c, diverging, p_mid=np.zeros(1), routes=1, paths=0)


def test_every_known_point_is_matched_with_its_own_path_by_tracking_it_back(unit_ed_near):
    from neurovariety.critical.continuation import _match_backwards

    system, found, near, segment = unit_ed_near
    n = len(found)
    # the endgame reached every path's end but two, which it called diverging
    theta, c = found.theta.copy(), found.c.copy()
    theta[[3, 11]], c[[3, 11]] = np.nan, np.nan
    diverging = np.zeros(n, dtype=bool)
    diverging[[3, 11]] = True
    match = _match_backwards(system, found, near, segment, _forward(near, theta, c, diverging), None)
    assert (match.backward, match.missed, match.reasons) == (2, 0, {}) and not match.diverging.any()
    assert np.allclose(match.c, found.c) and match.paths >= n
    # path 3 jumped to point 5 (two paths end there): the backward tracks give each point its own path
    # (both count as matched only backwards: neither forward path ended at a point of its own)
    theta, c = found.theta.copy(), found.c.copy()
    theta[3], c[3] = found.theta[5], found.c[5]
    match = _match_backwards(system, found, near, segment, _forward(near, theta, c, np.zeros(n, dtype=bool)), None)
    assert (match.backward, match.missed) == (2, 0) and np.allclose(match.c, found.c)


def test_a_known_point_without_a_path_of_its_own_is_missed_with_its_reason(unit_ed_near, monkeypatch):
    from neurovariety.critical import continuation as cont

    system, found, near, segment = unit_ed_near
    n = len(found)
    rows = [i for i in range(n) if i != 7]  # the path of point 7 never reached p_near
    fewer = SolutionSet(system.P, system.amb)
    fewer.add(near.c[rows], near.theta[rows])
    match = cont._match_backwards(system, found, fewer, segment,
                                  _forward(fewer, found.theta[rows], found.c[rows], np.zeros(n - 1, dtype=bool)), None)
    assert (match.missed, match.reasons) == (1, {"landed on no point of the generic parameter": 1})
    assert np.isfinite(match.c).all() and match.backward == 0
    # point 3 lands on point 5's path, also with strict settings: the point whose forward path ends there keeps it
    real_land = cont._land_backwards

    def land(system_, starts, segment_, deadline, tiers=()):
        landed, ok, paths = real_land(system_, starts, segment_, deadline, tiers)
        moved = np.flatnonzero(np.all(np.isclose(starts, found.theta[3]), axis=1))
        landed[moved] = near.c[5]
        return landed, ok, paths

    monkeypatch.setattr(cont, "_land_backwards", land)
    real_track = cont._track_valid

    def track(system_, starts, route, deadline, tiers=()):  # the strict re-tracks on every route, too
        th, c, ok, paths = real_track(system_, starts, route, deadline, tiers)
        c[np.flatnonzero(np.all(np.isclose(starts, found.theta[3]), axis=1))] = near.c[5]
        return th, c, ok, paths

    monkeypatch.setattr(cont, "_track_valid", track)
    theta, c = found.theta.copy(), found.c.copy()
    theta[3], c[3] = np.nan, np.nan  # path 3 judged diverging: point 3 reaches no near point but 5
    diverging = np.zeros(n, dtype=bool)
    diverging[3] = True
    match = cont._match_backwards(system, found, near, segment, _forward(near, theta, c, diverging), None)
    assert (match.missed, match.reasons) == (1, {"landed on the path of another point": 1})
    assert np.isnan(match.c[3]).all() and match.diverging[3]
    assert np.allclose(match.c[5], found.c[5])
    # if its forward path had ended at point 3, that path is point 3's and point 5 keeps its own
    match = cont._match_backwards(system, found, near, segment,
                                  _forward(near, found.theta.copy(), found.c.copy(), np.zeros(n, dtype=bool)), None)
    assert (match.missed, match.backward) == (0, 0) and np.allclose(match.c, found.c)


def test_points_are_matched_to_slots_by_a_maximum_matching():
    from neurovariety.critical.continuation import _assign, _contested

    # point 0 first takes slot 5, then gives it up to point 1 (its only slot) and takes slot 3
    assert _assign([[5, 3], [5]], 6).tolist() == [3, 5]
    assert _assign([[1], [1], [0, 1]], 2).tolist() == [1, -1, 0]
    assert _assign([[], [0]], 1).tolist() == [-1, 0]
    assert _contested([[5, 3], [5], [2]], 6).tolist() == [0, 1]


@pytest.mark.slow
def test_learning_degree_of_3_2_3_is_proved_by_continuation():
    # ~18 min on 2 cores: the generic set (7,101, trace-verified) tracked to the data's weight
    res = _solve((3, 2, 3), 2, weights="data")
    info = res.extra["continuation"]
    assert (res.count, res.verified, info["generic_count"]) == (309, True, 7101), res.statement
    assert info["reached"] + info["diverging"] == 7101 and info["missed"] == 0
