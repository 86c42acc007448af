"""Tests of neurovariety.analysis, the HTML report and the analyze/reproduce commands.

The theory formulas are checked against independent Jacobian ranks computed here (modular
Gaussian elimination in plain Python, no library code); the checks are run on the third-party
mfa_pnns data and on a sweep computed in the test.
"""

from __future__ import annotations

import json
import math
import random
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from neurovariety import analysis
from neurovariety.analysis import (
    CHECKS,
    alexander_hirschowitz_dimension,
    linear_dimension,
    load_results,
    run_checks,
    tidy_results,
)
from neurovariety.architecture import Architecture
from neurovariety.cli.analyze import analyze, reproduce
from neurovariety.report import default_grid, write_report

MFA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mfa_pnns"
needs_mfa = pytest.mark.skipif(not MFA.is_dir(), reason=f"mfa_pnns data not found at {MFA}")
P = 1_000_003


# ------------------------------------------------------------------------------------------
# independent reference: Jacobian ranks mod p
# ------------------------------------------------------------------------------------------
def rank_mod_p(rows: list[list[int]], p: int = P) -> int:
    m = [[x % p for x in row] for row in rows]
    rank, ncols = 0, len(m[0]) if m else 0
    for c in range(ncols):
        pivot = next((i for i in range(rank, len(m)) if m[i][c]), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        inv = pow(m[rank][c], p - 2, p)
        m[rank] = [x * inv % p for x in m[rank]]
        for i in range(len(m)):
            if i != rank and m[i][c]:
                f = m[i][c]
                m[i] = [(a - f * b) % p for a, b in zip(m[i], m[rank])]
        rank += 1
    return rank


def secant_dimension(d0: int, d1: int, r: int, seed: int = 0) -> int:
    """Rank of the Jacobian of (a_1..a_d1) -> sum_i (a_i . x)^r, evaluated at M + 3 random
    points (injective on forms of degree r for generic points), at random a mod p."""
    rng = random.Random(seed)
    a = [[rng.randrange(P) for _ in range(d0)] for _ in range(d1)]
    m = math.comb(d0 + r - 1, r)
    rows = []
    for _ in range(m + 3):
        x = [rng.randrange(P) for _ in range(d0)]
        row = []
        for i in range(d1):
            lin = sum(ai * xi for ai, xi in zip(a[i], x)) % P
            g = r * pow(lin, r - 1, P) % P
            row.extend(g * xj % P for xj in x)
        rows.append(row)
    return rank_mod_p(rows)


def linear_network_dimension(widths: tuple[int, ...], seed: int = 0) -> int:
    """Rank of the Jacobian of (W_1..W_L) -> W_L ... W_1 at random integer weights mod p."""
    rng = random.Random(seed)
    ws = [np.array([[rng.randrange(P) for _ in range(a)] for _ in range(b)], dtype=object)
          for a, b in zip(widths, widths[1:])]

    def prod(mats):
        out = np.identity(mats[0].shape[1], dtype=object) if mats else None
        for m in mats:
            out = (m.dot(out)) % P
        return out

    cols = []
    for i, w in enumerate(ws):
        before = prod(ws[:i]) if i else np.identity(widths[0], dtype=object)
        after = prod(ws[i + 1:]) if i + 1 < len(ws) else np.identity(widths[-1], dtype=object)
        for r_ in range(w.shape[0]):
            for c in range(w.shape[1]):
                # d(product)/dW[r_, c] = after[:, r_] (x) before[c, :]
                cols.append([int(v) for v in (np.outer(after[:, r_], before[c, :]) % P).ravel()])
    return rank_mod_p([list(row) for row in zip(*cols)])


# ------------------------------------------------------------------------------------------
# theory formulas
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("r,d0,d1", sorted(analysis.AH_SPORADIC))
def test_ah_sporadic_cases_have_defect_one(r, d0, d1):
    a = Architecture((d0, d1, 1), r)
    computed = secant_dimension(d0, d1, r)
    assert alexander_hirschowitz_dimension(d0, d1, r) == computed == a.expected_dim - 1


@settings(max_examples=40, deadline=None)
@given(d0=st.integers(1, 4), d1=st.integers(1, 7), r=st.integers(1, 4), seed=st.integers(0, 10**6))
def test_ah_formula_matches_jacobian_rank(d0, d1, r, seed):
    assert alexander_hirschowitz_dimension(d0, d1, r) == secant_dimension(d0, d1, r, seed)


def test_ah_r2_family_is_defective_exactly_below_d0():
    for d0 in range(2, 7):
        for d1 in range(1, 9):
            edim = Architecture((d0, d1, 1), 2).expected_dim
            defect = edim - alexander_hirschowitz_dimension(d0, d1, 2)
            assert (defect > 0) == (2 <= d1 <= d0 - 1), (d0, d1)


@settings(max_examples=25, deadline=None)
@given(widths=st.lists(st.integers(1, 4), min_size=2, max_size=4), seed=st.integers(0, 10**6))
def test_linear_formula_matches_jacobian_rank(widths, seed):
    assert linear_dimension(tuple(widths)) == linear_network_dimension(tuple(widths), seed)


# ------------------------------------------------------------------------------------------
# loading
# ------------------------------------------------------------------------------------------
def _ours(rows: list[tuple]) -> pd.DataFrame:
    """A results.csv-layout frame from (widths, r, dimension[, certified]) with true ambient/edim."""
    recs = []
    for item in rows:
        w, r, dim = item[:3]
        a = Architecture(w, r)
        rec = {"Widths": str(list(w)), "Activation": a.r_label if a.r else str(r),
               "Ambient Dimension": a.ambient_dim, "Expected Dimension": a.expected_dim,
               "Dimension": dim, "Defect": a.expected_dim - dim, "Time Taken (seconds)": 0.01 * a.num_params}
        if len(item) > 3:
            rec["Certified"] = item[3]
        recs.append(rec)
    return pd.DataFrame(recs)


def test_load_our_layout_with_extras(tmp_path):
    raw = _ours([((3, 3, 3), 2, 15, True), ((3, 4, 5, 2), (2, 3), 20, False), ((3, 2, 1), 2, 5, "False")])
    raw["Method"] = "evaluation"
    p = tmp_path / "results.csv"
    raw.to_csv(p, index=False)
    df = load_results(p)
    assert list(df.columns[: len(analysis.TIDY_COLUMNS)]) == list(analysis.TIDY_COLUMNS)
    assert df["widths"].tolist() == [(3, 3, 3), (3, 4, 5, 2), (3, 2, 1)]
    assert df["r"].tolist() == [2, (2, 3), 2]
    assert df["r_layers"].tolist() == [(2,), (2, 3), (2,)]
    assert df["certified"].tolist() == [True, False, False]
    assert df["defect"].tolist() == [0, Architecture((3, 4, 5, 2), (2, 3)).expected_dim - 20, 1]
    assert df["seconds"].notna().all() and df["method"].eq("evaluation").all()
    assert df["depth"].tolist() == [2, 3, 2] and df["num_params"].tolist()[0] == 18


def test_load_paper_layout_seven_columns_and_failed_rows(tmp_path):
    raw = _ours([((2, 2, 3), 2, 8), ((2, 1, 2, 1), 2, 2)])[list(analysis.RESULT_COLUMNS)].astype(object)
    raw["Widths"] = ["(2, 2, 3)", "2,1,2,1"]  # both spellings appear in the wild
    raw.loc[len(raw)] = ["[4, 4, 4]", 3, 60, 36, "timeout", None, 10.0]
    p = tmp_path / "paper.csv"
    raw.to_csv(p, index=False)
    df = load_results(p)
    assert df["widths"].tolist() == [(2, 2, 3), (2, 1, 2, 1)]
    assert df.attrs["dropped"] == 1
    assert df["certified"].isna().all()
    assert df["filling"].tolist() == [False, False]


def test_loaded_frames_carry_no_per_row_attrs(tmp_path):
    # pandas deep-copies attrs in every operation: a per-row list there slows every filter.
    raw = _ours([((3, 3, 3), 2, 15), ((3, 2, 1), 2, 5), ((2, 2, 3), 2, 8)])
    for name in ("a.csv", "b.csv"):
        raw.to_csv(tmp_path / name, index=False)
    one, both = load_results(tmp_path / "a.csv"), load_results([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert set(one.attrs) == set(both.attrs) == {"invalid", "dropped", "sources"}
    assert len(both) == 6 and both.attrs["sources"] == [str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]


def test_load_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        load_results(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="unrecognised results layout"):
        load_results(bad)
    wrong = _ours([((3, 3, 3), 2, 15)])
    wrong.loc[0, "Ambient Dimension"] = 17
    wrong.to_csv(bad, index=False)
    with pytest.raises(ValueError, match="ambient dimension 17"):
        load_results(bad)


@needs_mfa
def test_load_mfa_computes_missing_expected_dimension():
    df = load_results(MFA / "3_1_architectures.csv")
    assert len(df) == len(pd.read_csv(MFA / "3_1_architectures.csv"))
    archs = [Architecture(w, 2) for w in df["widths"]]
    assert df["expected"].tolist() == [a.expected_dim for a in archs]
    assert (df["defect"] == df["expected"] - df["dimension"]).all()
    assert (df["d0"] == 3).all() and (df["dL"] == 1).all()
    raw = pd.read_csv(MFA / "3_1_architectures.csv")
    assert (df["depth"].to_numpy() == raw["h"].to_numpy()).all()  # their h: number of weight matrices


@needs_mfa
def test_load_mfa_directory_agrees_with_their_columns():
    df = load_results(MFA)
    raw = pd.concat([pd.read_csv(p) for p in sorted(MFA.glob("*.csv"))], ignore_index=True)
    assert len(df) == len(raw)
    has = raw["expected_dimension"].notna().to_numpy()
    assert (df.loc[has, "expected"].to_numpy() == raw.loc[has, "expected_dimension"].to_numpy()).all()
    assert (df.loc[has, "defect"].to_numpy() == raw.loc[has, "defect"].to_numpy()).all()
    assert (df["filling"].to_numpy() == raw["is_full_dimension"].to_numpy()).all()
    assert set(df["source"]) == {p.name for p in MFA.glob("*.csv")}


# ------------------------------------------------------------------------------------------
# checks on the mfa data
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mfa():
    if not MFA.is_dir():
        pytest.skip(f"mfa_pnns data not found at {MFA}")
    return load_results(MFA)


def _widths_of(res):
    return {(w, r) for w, r in zip(res.counterexamples["widths"], res.counterexamples["r"])}


def test_checks_on_mfa_pass_where_theory_says(mfa):
    res = run_checks(mfa)
    assert set(res) == set(CHECKS)
    for name, r in res.items():
        if r.expected_to_hold:
            assert r.ok, r.report()
        assert r.rows == len(r.table) and r.passed + r.failed == r.rows
    assert res["dimension_le_expected"].rows == len(mfa)
    # (3,2,1), r = 2 is the paper's dL = 1 counterexample: flagged, and out of the conjecture's scope
    assert ((3, 2, 1), 2) in _widths_of(res["nonincreasing_dl1"])
    assert not res["conjecture_nonincreasing"].table["widths"].isin([(3, 2, 1)]).any()
    ah = res["alexander_hirschowitz"].table.set_index("widths")
    assert ah.loc[[(3, 2, 1)], "predicted"].tolist() == [5]
    assert ah.loc[[(3, 2, 1)], "case"].tolist() == ["r=2 rank-deficient quadrics"]
    # the splitting bound covers deep rows through parts found in the other files
    split = res["splitting_bound"].table
    assert split["depth"].min() >= 3 and len(split) > 100
    assert (split["dimension"] <= split["bound"]).all()


def test_splitting_bound_explains_defects_beyond_the_parameter_count(mfa):
    split = analysis.check_splitting_bound(mfa).table
    sharper = split[split["bound"] < split["expected"]]
    assert len(sharper) > 20  # the bound is informative on the mfa data, not just N - hidden
    assert (sharper["dimension"] <= sharper["bound"]).all()
    assert (sharper["dimension"] == sharper["bound"]).any()  # and sometimes exact
    row = split.set_index("widths").loc[[(2, 2, 1, 1)]].iloc[0]
    # (2,2,1,1) = (2,2,1) then (1,1): 3 + 1 - 1 = 3 < edim 4, and that is its dimension
    assert (row["bound"], row["split"], row["dimension"], row["expected"]) == (3, 2, 3, 4)


def test_planted_errors_are_flagged_as_findings(mfa):
    df = mfa.sample(3000, random_state=1).copy()
    extra = mfa[mfa["widths"].isin([(2, 2, 2), (3, 2, 1), (3, 3, 1), (2, 2, 1, 1), (2, 2, 1)])]
    df = pd.concat([df, extra]).drop_duplicates(subset=["widths"]).reset_index(drop=True)

    def planted(widths, delta):
        i = df.index[df["widths"] == widths][0]
        df.loc[i, "dimension"] += delta
        df.loc[i, "defect"] -= delta

    planted((2, 2, 2), -1)  # equi-width and non-increasing with dL > 1: now defective
    planted((3, 3, 1), -1)  # AH says 6
    planted((2, 2, 1, 1), +1)  # above its splitting bound 3, but not above expected 4
    res = run_checks(df)
    assert ((2, 2, 2), 2) in _widths_of(res["conjecture_nonincreasing"])
    assert ((2, 2, 2), 2) in _widths_of(res["equiwidth"])
    assert ((3, 3, 1), 2) in _widths_of(res["alexander_hirschowitz"])
    assert ((2, 2, 1, 1), 2) in _widths_of(res["splitting_bound"])
    assert res["dimension_le_expected"].ok
    planted((2, 2, 1, 1), +1)
    assert _widths_of(analysis.check_dimension_le_expected(df)) == {((2, 2, 1, 1), 2)}
    summary = res["conjecture_nonincreasing"].to_dict()
    assert {"widths": [2, 2, 2], "r": 2, "expected": 6, "dimension": 5} in summary["counterexamples"]
    assert "(2, 2, 2)" in res["conjecture_nonincreasing"].report()


def test_linear_and_mixed_r_rows():
    linear = [(3, 2, 4), (2, 3, 2), (4, 2, 2, 3), (3, 4), (3, 3, 3)]
    rows = [(w, 1, linear_network_dimension(w)) for w in linear]
    rows[-1] = ((3, 3, 3), 1, rows[-1][2] - 1)  # planted error
    raw = _ours(rows + [((3, 3, 2, 2), (2, 3), 12)])
    res = run_checks(tidy_results(raw))
    lin = res["linear"]
    assert lin.table["widths"].tolist() == [(3, 2, 4), (2, 3, 2), (4, 2, 2, 3), (3, 4), (3, 3, 3)]
    assert _widths_of(lin) == {((3, 3, 3), 1)}
    # mixed exponents are outside the uniform-r conjecture, but inside the generic checks
    assert not res["conjecture_nonincreasing"].table["widths"].isin([(3, 3, 2, 2)]).any()
    assert res["dimension_le_expected"].rows == 6


def test_run_checks_rejects_unknown_names_and_empty_frames():
    with pytest.raises(ValueError, match="unknown check"):
        run_checks(tidy_results(_ours([((3, 3, 3), 2, 15)])), ["nope"])
    empty = tidy_results(pd.DataFrame(columns=list(analysis.RESULT_COLUMNS)))
    assert all(r.rows == 0 and r.ok for r in run_checks(empty).values())


# ------------------------------------------------------------------------------------------
# report files
# ------------------------------------------------------------------------------------------
class _Tables(HTMLParser):
    """Collects every table (by id) and every img src of an HTML page."""

    def __init__(self):
        super().__init__()
        self.tables, self.imgs, self._cur, self._row, self._cell = {}, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._cur = self.tables.setdefault(a.get("id") or f"table{len(self.tables)}", [])
        elif tag == "tr" and self._cur is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
        elif tag == "img":
            self.imgs.append(a.get("src"))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._cur.append(self._row)
            self._row = None
        elif tag == "table":
            self._cur = None


def assert_png_has_content(path: Path) -> None:
    import matplotlib.image as mpimg

    img = mpimg.imread(path)
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100, img.shape
    assert float(np.var(img[..., :3])) > 1e-4, f"{path} looks blank"


def assert_report_consistent(out: Path, summary: dict) -> dict:
    """Files exist, PNGs decode with content, summary.json agrees with the HTML and CSV tables."""
    doc = json.loads((out / "summary.json").read_text())
    assert doc["schema"] == "neurovariety/1" and doc["kind"] == "report"
    assert doc["provenance"]["package"]["name"] == "neurovariety" and doc["provenance"]["command"]
    for f in doc["files"]:  # every file listed exists, by a relative path inside the report
        assert not Path(f["path"]).is_absolute() and ".." not in Path(f["path"]).parts and (out / f["path"]).is_file(), f
    on_disk = doc["checks"]
    assert on_disk == json.loads(json.dumps(summary))
    page = _Tables()
    page.feed((out / "index.html").read_text(encoding="utf-8"))
    head, *rows = page.tables["checks-summary"]
    table = {r[0]: dict(zip(head, r)) for r in rows}
    assert set(table) == set(on_disk)
    for name, s in on_disk.items():
        assert isinstance(s["rows"], int) and isinstance(s["passed"], int) and isinstance(s["failed"], int)
        assert s["rows"] == s["passed"] + s["failed"]
        assert [int(table[name][k]) for k in ("rows", "passed", "failed")] == [s["rows"], s["passed"], s["failed"]]
        csv = pd.read_csv(out / "checks" / f"{name}.csv")
        assert len(csv) == s["rows"] and int(csv["passed"].sum()) == s["passed"]
        if not s["counterexamples_truncated"]:
            assert len(s["counterexamples"]) == s["failed"]
        failing = csv.loc[~csv["passed"].astype(bool)]
        listed = {(tuple(c["widths"]), c["dimension"]) for c in s["counterexamples"]}
        assert listed <= {(tuple(json.loads(w)), d) for w, d in zip(failing["widths"], failing["dimension"])}
        for c in s["counterexamples"]:
            assert set(c) >= {"widths", "r", "expected", "dimension"}
    assert page.imgs, "no images in index.html"
    for src in page.imgs:
        assert not src.startswith(("http:", "https:", "/")), src  # readable offline
        assert_png_has_content(out / src)
        assert (out / src).with_suffix(".svg").stat().st_size > 1000  # every figure also as SVG
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html  # no network
    assert str(out.resolve()) not in html  # relative paths only
    return on_disk


@needs_mfa
def test_report_on_mfa_sample(tmp_path, mfa):
    df = mfa.sample(4000, random_state=0).reset_index(drop=True)
    df = pd.concat([df, mfa[mfa["widths"].isin([(3, 2, 1), (2, 2, 1, 1), (2, 2, 1), (2, 1, 1)])]],
                   ignore_index=True)
    summary = write_report(df, tmp_path / "report")
    s = assert_report_consistent(tmp_path / "report", summary)
    assert {"widths": [3, 2, 1], "r": 2, "expected": 6, "dimension": 5} in s["nonincreasing_dl1"]["counterexamples"]
    pngs = {p.name for p in (tmp_path / "report").glob("*.png")}
    assert {"defect_heatmap_r2.png", "dimension_vs_expected.png", "filling_frontier.png"} <= pngs
    assert "time_vs_weights.png" not in pngs  # the mfa data has no timings


@needs_mfa
def test_filling_frontier_finds_the_minimal_filling_architectures(mfa):
    fr = analysis.filling_frontier(mfa[(mfa["d0"] == 2) & (mfa["dL"] == 1)])
    best = dict(zip(fr["depth"], fr["architecture"]))
    # minimal filling architectures for d0 = 2, dL = 1, r = 2 (Dao–Rodriguez)
    assert best[2] == (2, 2, 1) and best[3] == (2, 2, 2, 1) and best[4] == (2, 3, 3, 2, 1)
    assert (fr["min_free_params"] >= fr["ambient"]).all()


def test_report_escapes_and_plots_timings(tmp_path):
    raw = _ours([((3, 3, 3), 2, 15, True), ((2, 2, 3), 2, 8, True), ((3, 2, 1), 2, 5, False),
                 ((2, 3, 1), 3, 4, True), ((4, 3, 2, 1), 2, 12, True)])
    summary = write_report(tidy_results(raw), tmp_path, title="<b>x</b> & y")
    html = (tmp_path / "index.html").read_text()
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html and "<b>x</b>" not in html
    assert (tmp_path / "time_vs_weights.png").exists()
    assert_report_consistent(tmp_path, summary)


@pytest.mark.parametrize("link", ["index.html.tmp", "summary.json.tmp", "checks/nonincreasing_dl1.csv",
                                  "dimension_vs_expected.png", "defect_heatmap_r2.svg", "checks"])
def test_report_never_writes_through_a_symlink(tmp_path, link):
    """A symbolic link planted in --out never leads a write out of it: it is refused or left alone."""
    from neurovariety.errors import InvalidInputError

    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim"
    victim.write_text("untouched")
    out = tmp_path / "report"
    (out / "checks").mkdir(parents=True)
    target = out / link
    if link == "checks":
        target.rmdir()
        target.symlink_to(outside, target_is_directory=True)
    else:
        target.symlink_to(victim)
    raw = _ours([((3, 2, 1), 2, 5, False), ((3, 3, 3), 2, 15, True), ((2, 2, 2), 2, 6, True)])
    if link.endswith(".tmp"):  # temporary files get fresh random names: the link is ignored
        write_report(tidy_results(raw), out)
        assert (out / "index.html").is_file() and not (out / "index.html").is_symlink()
        assert json.loads((out / "summary.json").read_text())["kind"] == "report"
    else:
        with pytest.raises(InvalidInputError, match="symbolic link"):
            write_report(tidy_results(raw), out)
    assert victim.read_text() == "untouched" and sorted(p.name for p in outside.iterdir()) == ["victim"]


# ------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------
def test_cli_analyze_writes_report_and_prints_findings(tmp_path):
    src = tmp_path / "results.csv"
    _ours([((3, 2, 1), 2, 5, False), ((3, 3, 3), 2, 15, True), ((2, 2, 2), 2, 5, False)]).to_csv(src, index=False)
    result = CliRunner().invoke(analyze, [str(src), "--out", str(tmp_path / "rep")])
    assert result.exit_code == 0, result.output
    assert "conjecture_nonincreasing: 1/2 rows pass, 1 fail" in result.output
    assert "(2, 2, 2)" in result.output
    summary = json.loads((tmp_path / "rep" / "summary.json").read_text())["checks"]
    assert summary["conjecture_nonincreasing"]["failed"] == 1
    strict = CliRunner().invoke(analyze, [str(src), "--out", str(tmp_path / "rep2"), "--strict", "-q"])
    assert strict.exit_code == 1 and "conjecture" not in strict.output
    only = CliRunner().invoke(analyze, [str(src), "-o", str(tmp_path / "rep3"), "--check", "equiwidth"])
    assert only.exit_code == 0
    assert list(json.loads((tmp_path / "rep3" / "summary.json").read_text())["checks"]) == ["equiwidth"]


@pytest.mark.parametrize("args,message", [
    (["missing.csv"], "results file not found"),
    (["{bad}"], "unrecognised results layout"),
    (["{good}", "--check", "nope"], "unknown check"),
])
def test_cli_analyze_bad_input_is_one_line(tmp_path, args, message):
    (tmp_path / "bad.csv").write_text("x,y\n1,2\n")
    _ours([((3, 3, 3), 2, 15)]).to_csv(tmp_path / "good.csv", index=False)
    args = [a.format(bad=tmp_path / "bad.csv", good=tmp_path / "good.csv") for a in args]
    result = CliRunner().invoke(analyze, args + ["--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_cli_reproduce_rejects_bad_options(tmp_path):
    for args in (["--timeout", "0"], ["--jobs", "0"], ["--step", "nope"]):
        result = CliRunner().invoke(reproduce, ["--out", str(tmp_path)] + args)
        assert result.exit_code == 2 and "Traceback" not in result.output


# ------------------------------------------------------------------------------------------
# the reproduce pipeline on a small sweep computed here
# ------------------------------------------------------------------------------------------
def test_default_grid_covers_the_theory_and_is_split_closed():
    grid = default_grid()
    keys = {(a.widths, a.r) for a in grid}
    assert len(keys) == len(grid)
    for w, r in (((3, 5, 1), 4), ((4, 9, 1), 4), ((5, 14, 1), 4), ((5, 7, 1), 3), ((3, 2, 1), 2),
                 ((2, 1, 2, 1), 2), ((2, 3, 3, 2, 1), 2), ((3, 3, 3), 2)):
        assert (w, Architecture(w, r).r) in keys
    assert {a.uniform_r for a in grid if a.r} >= {1, 2, 3, 4}
    for a in grid:
        for k in range(1, a.depth):
            for part in a.split(k):
                assert part.depth < 2 or (part.widths, part.r) in keys
    quick = default_grid(quick=True)
    assert {(a.widths, a.r) for a in quick} <= keys or len(quick) < 40


@pytest.fixture(scope="module")
def quick_reproduction(tmp_path_factory):
    from neurovariety.report import reproduce as run

    out = tmp_path_factory.mktemp("reproduce")
    summary = run(out, quick=True, steps=("sweep", "checks"), timeout=60, jobs=2, progress=False)
    return out, summary


def test_quick_reproduction_checks(quick_reproduction):
    out, summary = quick_reproduction
    df = load_results(out / "results.csv")
    assert len(df) == len(default_grid(quick=True))
    res = run_checks(df)
    for name, r in res.items():
        if r.expected_to_hold:
            assert r.ok, r.report()
    assert res["conjecture_nonincreasing"].rows > 0 and res["equiwidth"].rows > 0
    assert ((3, 2, 1), 2) in _widths_of(res["nonincreasing_dl1"])
    ah = res["alexander_hirschowitz"].table.set_index("widths")
    assert ah.loc[[(3, 5, 1)], "dimension"].tolist() == [14]  # the sporadic (r=4, P^2, 5 points)
    assert res["linear"].rows >= 2
    split = res["splitting_bound"].table.set_index("widths")
    assert split.loc[[(2, 1, 2, 1)], "bound"].tolist() == [2]
    assert summary == json.loads((out / "summary.json").read_text())["checks"]
    assert_report_consistent(out, summary)
    assert (out / "time_vs_weights.png").exists()


def test_quick_reproduction_resumes_without_duplicates(quick_reproduction):
    out, _ = quick_reproduction
    before = (out / "results.csv").read_text()
    result = CliRunner().invoke(reproduce, ["--out", str(out), "--quick", "--step", "sweep", "--step", "checks",
                                            "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    after = (out / "results.csv").read_text()
    assert after == before  # everything was already computed: nothing recomputed, nothing duplicated
    assert "conjecture_nonincreasing" in result.output


# Targets for the isolated-step tests: run in a spawned child, which imports this module by name.
def _step_ok(x: int) -> dict:
    return {"square": x * x}


def _step_raises(**_: object) -> dict:
    raise RuntimeError("planted failure")


def _step_sleeps(pid_file: str) -> dict:
    import os
    import time

    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(60)
    return {}


def _pid_alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_isolated_steps_report_ok_failed_skipped_and_timeout(tmp_path):
    from neurovariety.report.steps import run_step

    ok = run_step(f"{__name__}._step_ok", {"x": 7}, 60)
    assert ok["status"] == "ok" and ok["result"] == {"square": 49}
    bad = run_step(f"{__name__}._step_raises", {}, 60)
    assert bad["status"] == "failed" and "RuntimeError: planted failure" in bad["note"]
    missing = run_step("neurovariety_no_such_module.f", {}, 60)
    assert missing["status"] == "skipped" and "neurovariety_no_such_module" in missing["note"]
    pid_file = tmp_path / "pid"
    slow = run_step(f"{__name__}._step_sleeps", {"pid_file": str(pid_file)}, 4)
    assert slow["status"] == "failed" and "timed out" in slow["note"] and slow["seconds"] < 30
    assert pid_file.exists() and not _pid_alive(int(pid_file.read_text()))  # killed and reaped


def test_reproduce_notes_missing_and_failing_steps(tmp_path, monkeypatch):
    from neurovariety import report

    monkeypatch.setitem(report.OPTIONAL_STEPS, "example_4_4", ("Example 4.4", "neurovariety_no_such_module.run"))
    monkeypatch.setitem(report.OPTIONAL_STEPS, "learning", ("Learning", f"{__name__}._step_raises"))
    summary = report.reproduce(tmp_path, steps=("example_4_4", "learning"), step_timeout=60, progress=False)
    assert summary == {}  # no checks step, no sweep: an empty but valid report
    html = (tmp_path / "index.html").read_text()
    assert "module not available: neurovariety_no_such_module" in html and "[skipped]" in html
    assert "RuntimeError: planted failure" in html and "[failed]" in html
    assert json.loads((tmp_path / "learning.json").read_text())["status"] == "failed"


def test_reproduce_geometry_steps_and_links_step_files(tmp_path):
    from neurovariety import report

    summary = report.reproduce(tmp_path, steps=("degree_4_4", "identifiability_2_2_3", "filling"), progress=False)
    assert summary == {}
    html = (tmp_path / "index.html").read_text()
    assert 'id="degree-4-4"' in html and 'id="identifiability-2-2-3"' in html
    doc = json.loads((tmp_path / "summary.json").read_text())
    steps = doc["provenance"]["settings"]["optional_steps"]
    assert all(steps[s]["status"] == "ok" for s in ("degree_4_4", "identifiability_2_2_3", "filling"))
    degree = json.loads((tmp_path / "degree_4_4.json").read_text())["result"]
    assert degree["degree"] == 30 and degree["verified"]  # M2: degree of the ideal of its 9 quartics
    ident = json.loads((tmp_path / "identifiability_2_2_3.json").read_text())["result"]
    assert ident["classes"] == 1 and ident["identifiable"]
    files = {f["path"] for f in doc["files"]}
    assert {"filling.json", "minimal_filling_2_1_2.csv", "grid.txt"} <= files
    filling = json.loads((tmp_path / "filling.json").read_text())["result"]
    assert filling["complete"] and filling["rows"][0]["architectures"] == [[2, 2, 1]]
    assert [2, 3, 4, 5, 4, 6, 4, 1] in filling["rows"][-1]["non_unimodal"]  # Dao–Rodriguez's non-unimodal example


def test_threshold_step_in_parallel_keeps_the_order(tmp_path):
    from neurovariety.report.step_search import CHUNK, thresholds

    archs = [[d0, d1, 1] for d0 in range(2, 6) for d1 in range(1, 9)][: CHUNK + 5]
    res = thresholds(archs, jobs=2, out_dir=str(tmp_path))
    assert [r["widths"] for r in res["rows"]] == archs and res["failed"] == 0
    by = {tuple(r["widths"]): r["threshold"] for r in res["rows"]}
    assert by[(3, 2, 1)] == 2 and by[(3, 5, 1)] == 4  # the r = 2 family; the Alexander–Hirschowitz sporadic case
    assert (tmp_path / "thresholds.csv").exists() and all((tmp_path / p).exists() for p in res.get("plots", []))


def test_deep_architectures_get_slices(tmp_path):
    from neurovariety import dimension
    from neurovariety.report.figures import plot_deep_slices

    rows = []
    for d1 in range(1, 5):
        for d2 in range(1, 5):
            res = dimension((2, d1, d2, 1), 2, seed=0)
            rows.append(((2, d1, d2, 1), 2, res.dimension, res.certified))
    figs = plot_deep_slices(tidy_results(_ours(rows)), tmp_path)
    assert [f.png for f in figs] == ["defect_slices_L3.png"] and "depth-3" in figs[0].caption
    assert_png_has_content(tmp_path / figs[0].png) and (tmp_path / figs[0].svg).stat().st_size > 1000


def test_defect_figures_share_one_discrete_scale():
    from neurovariety.report.figures import DEFECT_BINS, DEFECT_COLOURS, defect_bin

    assert len(DEFECT_BINS) == len(DEFECT_COLOURS) == len(set(DEFECT_COLOURS))
    assert [defect_bin(v) for v in range(0, 60)] == sorted(defect_bin(v) for v in range(0, 60))
    assert defect_bin(0) == 0 and defect_bin(1) == 1 and defect_bin(10**6) == len(DEFECT_BINS) - 1


@pytest.mark.slow
def test_reproduce_optional_steps_for_real(tmp_path):
    """Example 4.4 and the (2,2,3) experiment through reproduce (about 40 s), then reuse."""
    from neurovariety.report import reproduce as run

    run(tmp_path, steps=("example_4_4", "hilbert", "learning"), step_timeout=300, learning_runs=100, progress=False)
    hilbert = json.loads((tmp_path / "hilbert.json").read_text())["result"]
    parts = {p["degree"]: p["ideal"] for p in hilbert["parts"]}
    assert parts["(1,1,1)"] == 0 and parts["(2,1,1)"] == 3 and all(v == 0 for k, v in parts.items() if sum(map(int, k[1:-1].split(","))) < 4)
    ex = json.loads((tmp_path / "example_4_4.json").read_text())
    assert ex["status"] == "ok", ex.get("note")
    res = ex["result"]
    assert res["affine_dimension"] == 15 and res["codimension"] == 3
    assert res["multidegree_111_forms"] == 0 and res["verified"]
    assert set(res["generators_by_degree"]) == {"4"}  # nothing below degree 4
    learning = json.loads((tmp_path / "learning.json").read_text())
    assert learning["status"] == "ok", learning.get("note")
    exp = learning["result"]["experiment"]
    assert exp["runs"] == 100 and exp["distinct_functions"] <= 3 and exp["critical_points_known"] == 3
    assert 0.3 < learning["result"]["datasets"]["fraction_realisable"] < 0.8
    trained = learning["result"]["trained_datasets"]
    assert trained["training"]["steps"] > 0 and trained["fractions"]["unconverged"]["wilson_95"] is not None
    assert "R = QQ[" in res["macaulay2"]
    html = (tmp_path / "index.html").read_text()
    assert 'id="example-4-4"' in html and 'id="learning-summary"' in html
    for png in (p for p in learning["result"]["plots"] if p.endswith(".png")):
        assert_png_has_content(tmp_path / png)
    assert 'id="example-4-4-m2"' in html and "data set" in html
    before = {p: (tmp_path / p).stat().st_mtime for p in ("example_4_4.json", "learning.json")}
    run(tmp_path, steps=("example_4_4", "learning"), step_timeout=300, learning_runs=100, progress=False)
    assert before == {p: (tmp_path / p).stat().st_mtime for p in before}  # reused, not recomputed
