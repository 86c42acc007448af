"""Architecture search: activation degree thresholds and minimal filling architectures.

Values are checked against independent computations: the Alexander–Hirschowitz formula written
out here, dimensions by the monomial route (the paper's Algorithm 1) next to the evaluation route
the search uses, brute force over small boxes, and the third-party data of Dao–Rodriguez
(``../shared/data/mfa_pnns``). No test depends on timing.
"""

from __future__ import annotations

import ast
import itertools
import json
import math

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import neurovariety as nv
from neurovariety.errors import InvalidInputError
from neurovariety.search import (
    ExponentCheck,
    FillingProblem,
    activation_threshold,
    filling_table_summary,
    minimal_filling,
    threshold_summary,
    unimodal,
)
from neurovariety.search.bounds import splitting_bound

FILES = {(2, 1): "2_1_cleaned_architectures.csv", (2, 2): "2_2_cleaned_architectures.csv",
         (2, 3): "2_3_cleaned_architectures.csv", (3, 1): "3_1_architectures.csv"}


def third_party(mfa_dir, d0, dL, depth, max_width=None):
    """The distinct minimal architectures of the third-party file (exponent 2) at one depth."""
    df = pd.read_csv(mfa_dir / FILES[(d0, dL)])
    df = df[(df.exponent == 2) & (df.h == depth) & df.is_minimal]
    out = {tuple(ast.literal_eval(s)) for s in df.architecture}
    return sorted(w for w in out if max_width is None or max(w[1:-1]) <= max_width)


def inside(region, hidden):
    return all(lo <= h and (hi is None or h <= hi) for h, (lo, hi) in zip(hidden, region.widths))


# ------------------------------------------------------------------------------------------------
# activation thresholds
# ------------------------------------------------------------------------------------------------
SPORADIC = {(4, 3, 5), (4, 4, 9), (4, 5, 14), (3, 5, 7)}


def ah_defect(d0, d1, r):
    """Defect of (d0, d1, 1) at exponent r from the Alexander–Hirschowitz theorem, written out."""
    monomials = math.comb(d0 + r - 1, r)
    expected = min(d0 * d1, monomials)
    if r == 1:
        return expected - d0
    if r == 2:
        k = min(d0, d1)
        return expected - (d0 * k - k * (k - 1) // 2)
    return 1 if (r, d0, d1) in SPORADIC else 0


@pytest.mark.parametrize("d0,d1", [(2, 3), (3, 2), (3, 4), (3, 5), (4, 3), (4, 9), (5, 7), (5, 14), (6, 4)])
def test_shallow_single_output_thresholds_follow_alexander_hirschowitz(d0, d1):
    res = activation_threshold((d0, d1, 1), seed=1)
    assert res.checked_up_to == 6 * max(d0, d1) ** 2 - 6 * max(d0, d1) + 1
    for c in res.checks:
        assert c.defect == ah_defect(d0, d1, c.r), c
        assert c.non_defective == (ah_defect(d0, d1, c.r) == 0)
    want = max([1] + [r for r in range(2, res.checked_up_to + 1) if ah_defect(d0, d1, r) > 0])
    assert res.threshold == want and res.exists
    if want > 1:  # the defect at the threshold is Alexander–Hirschowitz: proved, not probabilistic
        assert res.check(want).defect_proved and res.error_bound == 0.0


def test_sporadic_case_3_5_1_threshold_4():
    res = activation_threshold((3, 5, 1), seed=0)
    assert res.threshold == 4 and res.defective_r == {4: 1}
    assert "Proved: ActThr <= 4" in res.statement and "needs r = 4 defective: proved" in res.statement


@pytest.mark.parametrize("widths,threshold,defective", [
    ((4, 5, 3), 2, {2: 1}), ((4, 6, 5), 2, {2: 1}), ((6, 8, 3), 2, {2: 1}), ((3, 5, 2), 3, {3: 1}),
    ((3, 2, 1), 2, {2: 1}), ((3, 4, 2, 1), 2, {2: 4}), ((2, 3, 3, 2, 1), 1, {}),
])
def test_thresholds_agree_with_the_monomial_route(widths, threshold, defective):
    res = activation_threshold(widths, seed=2)
    assert res.threshold == threshold and res.exists
    assert {r: d for r, d in res.defective_r.items() if r >= 2} == defective
    for r in range(1, 5):  # an independent algorithm: the coefficient Jacobian of the paper
        c = res.check(r)
        mono = nv.dimension(widths, r, method="monomial", seed=3)
        assert c.dimension == mono.dimension and c.expected == mono.expected
    for c in res.checks:
        if c.r > threshold:
            assert c.non_defective and c.certified and c.error_bound == 0.0
    if threshold > 1:
        assert 0 <= res.error_bound < 1e-9  # meaningful at r = 2, 3 (small degree)


@pytest.mark.parametrize("widths", [(2, 2, 2), (3, 3, 3, 3), (4, 4)])
def test_equi_width_threshold_is_one_and_checked(widths):
    res = activation_threshold(widths, seed=0)
    assert res.threshold == 1 and res.exists
    if len(widths) > 2:
        assert res.theorem == "equi-width theorem" and res.checked_up_to == 4
        assert all(c.non_defective and c.certified for c in res.checks)
        assert "equi-width theorem" in res.statement and "agree" in res.statement


def test_width_one_bottleneck_with_no_threshold():
    res = activation_threshold((2, 1, 2, 1), seed=0)
    assert res.exists is False and res.threshold is None and res.bottleneck == 1
    assert res.defective_from == 2 and res.defective_r == {2: 1}
    assert "does not exist" in res.statement
    # independent: the bottleneck makes f = c * u^(2r) with u linear, dim 2 < 3 = edim for every r >= 2
    for r in (2, 3, 7):
        d = nv.dimension((2, 1, 2, 1), r, method="monomial", seed=r)
        assert d.dimension == 2 and d.expected == 3


@pytest.mark.parametrize("widths,threshold", [((2, 1, 1), 1), ((3, 1, 2), 1), ((2, 2, 1, 2), 2)])
def test_width_one_bottleneck_with_a_threshold(widths, threshold):
    res = activation_threshold(widths, seed=0)
    assert res.exists and res.threshold == threshold and res.theorem == "width-one bottleneck formula"
    for c in res.checks:  # ranks and closed forms both agree with the monomial route
        if c.r <= 6:
            assert c.dimension == nv.dimension(widths, c.r, method="monomial", seed=c.r).dimension


def test_deep_threshold_above_two_and_where_error_bounds_stop_being_meaningful():
    widths = (2, 5, 2, 2, 2, 2, 2, 2, 1)  # depth 8: the degree r^7 outgrows 2^61 - 1 for large r
    res = activation_threshold(widths, seed=0)
    assert res.threshold == 6 and res.defective_r == {2: 10, 3: 7, 4: 5, 5: 3, 6: 1}
    assert all(res.check(r).defect_proved for r in range(2, 7)) and res.error_bound == 0.0
    for r in (2, 3):
        assert res.check(r).dimension == nv.dimension(widths, r, method="monomial", seed=r).dimension
    assert 6 < res.meaningful_up_to < res.checked_up_to == 121
    assert f"only for r <= {res.meaningful_up_to}" in res.statement and "none was found there" in res.statement


def test_max_r_below_the_bound_leaves_the_threshold_open():
    res = activation_threshold((3, 5, 1), max_r=3, seed=0)
    assert res.threshold is None and res.exists is None and res.checked_up_to == 3
    assert "not determined" in res.statement


def test_exponent_check_status_says_when_the_error_bound_is_not_meaningful():
    c = ExponentCheck(9, 30, 29, 30, "expected dimension", 0.4)
    assert not c.meaningful and "not meaningful" in c.status
    c = ExponentCheck(2, 30, 29, 30, "expected dimension", 1e-12)
    assert c.meaningful and "probabilistic" in c.status
    c = ExponentCheck(2, 30, 29, 29, "splitting bound", 0.0)
    assert c.certified and c.defect_proved and "certified" in c.status


def test_threshold_json_and_validation():
    res = activation_threshold((3, 2, 1), seed=0)
    d = json.loads(json.dumps(res.to_dict()))
    assert d["threshold"] == 2 and d["defective_r"] == {"2": 1} and len(d["checks"]) == 37
    with pytest.raises(InvalidInputError):
        activation_threshold((3, 0, 1))
    with pytest.raises(InvalidInputError):
        activation_threshold((3, 2, 1), max_r=0)


# ------------------------------------------------------------------------------------------------
# the search space: saturation and the grid bound
# ------------------------------------------------------------------------------------------------
@settings(max_examples=40)
@given(d0=st.integers(1, 3), dL=st.integers(1, 3), r=st.integers(1, 3),
       hidden=st.lists(st.integers(1, 7), min_size=1, max_size=3))
def test_saturated_widths_do_not_change_the_dimension(d0, dL, r, hidden):
    p = FillingProblem.validated(d0, dL, r, len(hidden) + 1, 7)
    canon = p.canonical(hidden)
    a = nv.dimension((d0, *hidden, dL), r, method="evaluation", seed=1)
    b = nv.dimension((d0, *canon, dL), r, method="evaluation", seed=2)
    assert a.dimension == b.dimension


@settings(max_examples=60)
@given(d0=st.integers(1, 4), dL=st.integers(1, 3), r=st.integers(1, 4),
       hidden=st.lists(st.integers(1, 6), min_size=1, max_size=4))
def test_grid_bound_is_never_stronger_than_theory(d0, dL, r, hidden):
    import numpy as np

    p = FillingProblem.validated(d0, dL, r, len(hidden) + 1, 6)
    grid = int(splitting_bound(p, [np.int64(h) for h in hidden]))
    assert grid >= nv.upper_bound((d0, *hidden, dL), r)[0]
    for k in range(len(hidden)):  # the limit with one width unbounded bounds every finite value
        limit = splitting_bound(p, [None if i == k else np.int64(h) for i, h in enumerate(hidden)])
        assert int(limit) >= grid


def test_unimodal_matches_the_third_party_column(mfa_dir):
    df = pd.read_csv(mfa_dir / FILES[(2, 1)])
    for s, flag in zip(df.architecture, df.is_unimodal):
        assert unimodal(ast.literal_eval(s)) == bool(flag), s


# ------------------------------------------------------------------------------------------------
# minimal filling architectures
# ------------------------------------------------------------------------------------------------
def brute_force(d0, dL, r, depth, width, lo=1):
    """Every point of the box classified by nv.dimension; minimal by the definition."""
    memo = {}

    def fills(h):
        if min(h) == 0:
            return False
        if h not in memo:
            res = nv.dimension((d0, *h, dL), r, method="evaluation", seed=sum(h))
            memo[h] = res.dimension == res.ambient
        return memo[h]

    return sorted((d0, *h, dL) for h in itertools.product(range(lo, width + 1), repeat=depth - 1)
                  if fills(h) and not any(fills(h[:i] + (h[i] - 1,) + h[i + 1:]) for i in range(depth - 1)))


@settings(max_examples=25)
@given(d0=st.integers(1, 3), dL=st.integers(1, 3), r=st.integers(1, 3), depth=st.integers(2, 4),
       width=st.integers(1, 4), lo=st.integers(1, 2))
def test_search_agrees_with_brute_force(d0, dL, r, depth, width, lo):
    lo = min(lo, width)
    res = minimal_filling(d0, dL, r, depth, width, min_width=lo, seed=0)
    assert res.widths == brute_force(d0, dL, r, depth, width, lo)


@pytest.mark.parametrize("depth", range(2, 8))
def test_two_one_two_matches_the_third_party_file(mfa_dir, depth):
    res = minimal_filling(2, 1, 2, depth, 7, seed=0)
    assert res.widths == third_party(mfa_dir, 2, 1, depth)
    assert all(a.filling_certified for a in res.architectures)
    if depth == 7:
        assert len(res.widths) == 13
        assert res.non_unimodal == [(2, 3, 4, 5, 4, 6, 4, 1)]


def test_depth_seven_completeness_closes_every_region():
    res = minimal_filling(2, 1, 2, 7, 7, seed=0)
    assert res.complete and not res.open_regions
    kinds = {r.closed_by for r in res.regions}
    assert kinds == {"saturation", "bound", "monotonicity"}
    assert len(res.regions) > 15  # the published hand proof: 15 regions, 3 of them unproven
    assert "the list is complete" in res.statement


def test_depth_eight_contains_the_third_party_minimal_architectures(mfa_dir):
    res = minimal_filling(2, 1, 2, 8, 8, seed=0)
    theirs = third_party(mfa_dir, 2, 1, 8, max_width=8)
    assert len(theirs) == 91 and set(theirs) <= set(res.widths)
    # the third-party minimal architectures with a width 9 or 10 lie in open regions, never in closed ones
    beyond = [w for w in third_party(mfa_dir, 2, 1, 8) if max(w[1:-1]) > 8]
    assert beyond and not res.complete
    for w in beyond:
        assert not any(r.closed and inside(r, w[1:-1]) for r in res.regions), w
        assert any(inside(r, w[1:-1]) for r in res.open_regions), w


@pytest.mark.parametrize("width", [4, 5, 6])
def test_open_regions_hold_exactly_the_minimal_architectures_beyond_the_box(width):
    small = minimal_filling(2, 1, 2, 7, width, seed=1)
    full = minimal_filling(2, 1, 2, 7, 7, seed=2, regions=False)
    for w in full.widths:
        h = w[1:-1]
        if max(h) <= width:
            assert w in small.widths
        else:
            assert not any(r.closed and inside(r, h) for r in small.regions), (w, width)
            region = next(r for r in small.open_regions if inside(r, h))
            assert "decides it" in region.reason and region.value >= small.ambient
    if width == 6:
        assert small.open_regions and not small.complete


def test_certificates_hold_independently():
    res = minimal_filling(2, 1, 2, 5, 5, seed=0)
    for a in res.architectures:
        d = nv.dimension(a.widths, 2, method="monomial", seed=1)
        assert d.certified and d.filling
        for n in a.neighbours:
            if n.upper_bound > 0:
                assert nv.dimension(n.widths, 2, method="monomial", seed=2).dimension < res.ambient
            assert n.certified or (n.dimension < res.ambient and 0 < n.error_bound < 1e-9)
    assert res.error_bound < 1e-9


@pytest.mark.parametrize("dL,depth,width", [(2, 4, 5), (2, 5, 6), (2, 6, 7), (3, 4, 5), (3, 5, 6), (3, 6, 7)])
def test_other_outputs_match_the_third_party_files(mfa_dir, dL, depth, width):
    assert minimal_filling(2, dL, 2, depth, width, seed=0).widths == third_party(mfa_dir, 2, dL, depth)


def test_depth_seven_two_outputs_match_within_the_box(mfa_dir):
    assert minimal_filling(2, 2, 2, 7, 10, seed=0, regions=False).widths == third_party(mfa_dir, 2, 2, 7, max_width=10)


@pytest.mark.parametrize("depth,width", [(2, 4), (3, 5), (4, 6), (5, 13)])
def test_three_inputs_match_the_third_party_file(mfa_dir, depth, width):
    assert minimal_filling(3, 1, 2, depth, width, seed=0).widths == third_party(mfa_dir, 3, 1, depth)


def test_a_third_party_minimal_label_is_wrong():
    # (3,5,8,13,28,5,1) is listed as minimal, but lowering 28 to 27 keeps filling, by proof
    d = nv.dimension((3, 5, 8, 13, 27, 5, 1), 2, seed=0)
    assert d.certified and d.filling


def test_cubic_activation_non_unimodal_depth_six():
    res = minimal_filling(2, 1, 3, 6, 15, seed=0, regions=False)
    assert (2, 3, 7, 6, 15, 8, 1) in res.widths and (2, 3, 7, 6, 15, 8, 1) in res.non_unimodal


# ------------------------------------------------------------------------------------------------
# parallel, checkpoints, confirmations
# ------------------------------------------------------------------------------------------------
def test_worker_pool_gives_the_same_result():
    one = minimal_filling(2, 1, 2, 7, 7, seed=5, jobs=1)
    two = minimal_filling(2, 1, 2, 7, 7, seed=5, jobs=2)
    assert two.workers == 2 and one.widths == two.widths and one.ranks == two.ranks
    assert [r.to_dict() for r in one.regions] == [r.to_dict() for r in two.regions]


def test_checkpoint_resume_and_refusal(tmp_path):
    first = minimal_filling(2, 1, 2, 6, 6, seed=3, checkpoint=tmp_path)
    lines = (tmp_path / "frontier.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["seed"] == 3 and len(lines) > 1
    with open(tmp_path / "frontier.jsonl", "a") as fh:
        fh.write('{"attempt": 0, "prefix": [9')  # a torn last line (killed while writing)
    again = minimal_filling(2, 1, 2, 6, 6, checkpoint=tmp_path)  # the seed comes from the checkpoint
    assert again.seed == 3 and again.widths == first.widths and again.ranks == first.ranks
    with pytest.raises(InvalidInputError, match="checkpoint of another search"):
        minimal_filling(2, 1, 2, 5, 6, seed=3, checkpoint=tmp_path)


def test_a_wrong_not_filling_judgement_is_caught_and_repaired(monkeypatch):
    from neurovariety.search import frontier

    honest = frontier.RankSpec.rank

    def lying(self, hidden):  # the fast prime "misses" the rank of the minimal (3,3,2) once
        if tuple(hidden) == (3, 3, 2) and self.salt == "search0":
            return self.problem.ambient - 1
        return honest(self, hidden)

    monkeypatch.setattr(frontier.RankSpec, "rank", lying)
    res = minimal_filling(2, 1, 2, 4, 4, seed=0, jobs=1)
    assert res.widths == [(2, 3, 3, 2, 1)] and res.overrides == ((3, 3, 2),)


def test_validation():
    with pytest.raises(InvalidInputError, match="depth"):
        minimal_filling(2, 1, 2, 1, 3)
    with pytest.raises(InvalidInputError, match="max_width"):
        minimal_filling(2, 1, 2, 3, [3, 3, 3])
    with pytest.raises(InvalidInputError, match="min_width"):
        minimal_filling(2, 1, 2, 3, 3, min_width=4)
    empty = minimal_filling(2, 1, 2, 3, 5, min_width=4)  # d1 >= 4 > M_1 = 3: always saturated
    assert empty.widths == [] and empty.complete and "saturated" in empty.statement
    with pytest.raises(nv.NotSupportedError, match="regions=False"):
        minimal_filling(2, 1, 2, 18, 2)


def test_per_layer_max_widths():
    res = minimal_filling(2, 1, 2, 4, (3, 4, 2), seed=0)
    assert res.widths == [(2, 3, 3, 2, 1)] and res.problem.max_widths == (3, 4, 2)


# ------------------------------------------------------------------------------------------------
# summaries and the command line
# ------------------------------------------------------------------------------------------------
def test_summaries_are_json_ready(mfa_dir):
    table = filling_table_summary()
    json.dumps(table)
    assert table["complete"] and [len(row["architectures"]) for row in table["rows"]] == [1, 1, 1, 1, 1, 13]
    assert table["rows"][-1]["non_unimodal"] == [[2, 3, 4, 5, 4, 6, 4, 1]]
    rows = threshold_summary([(3, 2, 1), (2, 1, 2, 1)])["rows"]
    json.dumps(rows)
    assert [row["threshold"] for row in rows] == [2, None]


def test_cli_threshold_and_filling(tmp_path):
    from neurovariety.cli import cli

    res = CliRunner().invoke(cli, ["threshold", "3,2,1", "--json", "--seed", "0"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["kind"] == "activation-threshold" and doc["threshold"] == 2 and doc["schema"] == "neurovariety/1"
    res = CliRunner().invoke(cli, ["threshold", "3,5,1", "-q"])
    assert res.exit_code == 0 and res.stdout.strip() == "4"
    res = CliRunner().invoke(cli, ["filling", "--d0", "2", "--dL", "1", "-r", "2", "--depth", "4", "--max-width", "4",
                                   "--seed", "0", "-o", str(tmp_path / "ck")])
    assert res.exit_code == 0, res.output
    assert "(2,3,3,2,1)" in res.stdout and "complete" in res.stdout
    saved = json.loads((tmp_path / "ck" / "result.json").read_text())
    assert saved["kind"] == "minimal-filling" and saved["architectures"][0]["widths"] == [2, 3, 3, 2, 1]
    res = CliRunner().invoke(cli, ["filling", "--d0", "2", "--dL", "1", "-r", "2,3", "--depth", "3", "--max-width", "3"])
    assert res.exit_code == 2 and "one integer" in res.output


def test_worker_pool_runs_any_jobs_across_batches():
    from neurovariety._resources import WorkerPool, pickle_callable

    seen = []
    with WorkerPool(pickle_callable("math:comb"), workers=2) as pool:
        pool.run([(5, 2), (6, 3)], lambda job: job, lambda job, out: seen.append((job, out[0], out[1])))
        pids = sorted(c.pid for c in pool.children)
        pool.run([(4, -1)], lambda job: job, lambda job, out: seen.append((job, out[0], out[1][:10])))
        assert sorted(c.pid for c in pool.children) == pids  # the same workers served both batches
    assert sorted(seen) == [((4, -1), "error", "ValueError"), ((5, 2), "ok", 10), ((6, 3), "ok", 20)]
