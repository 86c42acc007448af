"""Issue 12's contract at the edges, one regression test per failure class.

Every bad input gets a one-line error naming the problem and a non-zero exit code; work that
cannot fit is refused before it starts; trivial cases answer at once; a result never claims more
than its primes support. (Sweep files, resume and signals: tests/test_sweep_edges.py; report
files: tests/test_analysis.py.)
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import neurovariety as nv
from neurovariety.errors import InvalidInputError, ResourceLimitError


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "neurovariety", *args], capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(out: subprocess.CompletedProcess[str], needle: str) -> None:
    assert out.returncode != 0, out.stdout
    assert needle in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and "panicked" not in out.stderr
    assert len([line for line in out.stderr.splitlines() if line.startswith("Error")]) == 1, out.stderr


# -- parsing: empty fields are errors everywhere ------------------------------------------------

@pytest.mark.parametrize("text", ["3,,3", "3,3,", ",3,3", "[3,,3]", "3, ,3"])
def test_empty_width_fields_are_refused_by_the_parser(text):
    with pytest.raises(InvalidInputError, match="empty field"):
        nv.Architecture.parse(text, 2)


@pytest.mark.parametrize("command", [
    ["dim"], ["equations"], ["learn"], ["learning-degree"], ["ed-degree"], ["threshold"],
])
def test_every_command_refuses_empty_fields(command):
    assert_one_line_error(cli(*command, "3,,3", *([] if command == ["threshold"] else ["-r", "2"])), "empty field")


def test_empty_exponent_fields_and_architecture_files(tmp_path):
    assert_one_line_error(cli("dim", "3,3,3,3", "-r", "2,,3"), "empty field")
    assert_one_line_error(cli("sweep", "--arch", "3,,3 2", "-o", str(tmp_path / "a.csv")), "empty field")
    arch_file = tmp_path / "archs.txt"
    arch_file.write_text("3,3,3 2\n3,3, 2\n")
    out = cli("sweep", str(arch_file), "-o", str(tmp_path / "b.csv"))
    assert_one_line_error(out, "archs.txt:2")
    assert not (tmp_path / "b.csv").exists()  # refused before the first job


@given(st.lists(st.sampled_from(["3", "", " ", "x", "0", "-1", "2.5"]), min_size=1, max_size=5))
def test_malformed_widths_raise_the_package_error_or_parse_exactly(fields):
    text = ",".join(fields)
    try:
        arch = nv.Architecture.parse(text, 2)
    except InvalidInputError:
        return
    assert arch.widths == tuple(int(f) for f in fields)  # accepted only when every field is a width


# -- values that are not what they seem --------------------------------------------------------

def test_object_arrays_with_non_integers_are_refused_not_truncated():
    with pytest.raises(InvalidInputError, match="1.5"):
        nv.linalg.rank(np.array([[1.5, 2], [3, 4]], dtype=object), 7)
    with pytest.raises(InvalidInputError, match="1.5"):
        nv.linalg.nullspace(np.array([[1, 1.5]], dtype=object), 7)
    with pytest.raises(InvalidInputError, match="W_1 must contain only integers, found 1.5"):
        nv.jacobian((2, 2, 1), 2, weights=[np.array([[1.5, 1], [1, 1]], dtype=object), np.array([[1, 1]], dtype=object)])


@pytest.mark.parametrize("call,needle", [
    (lambda: nv.monomial_exponents(-1, 2), "number of variables"),
    (lambda: nv.dimension((3, 3, 3), 2, seed=-1), "seed"),
    (lambda: nv.dimension((3, 3, 3), 2, seed="a"), "seed"),
    (lambda: nv.dimension((3, 3, 3), 2, memory_limit=-5), "memory_limit"),
    (lambda: nv.dimension((3, 3, 3), 2, memory_limit="lots"), "memory_limit"),
    (lambda: nv.dimension((3, 3, 3), 10**30), "exponent r"),
    (lambda: nv.jacobian((2, 2, 1), 2, weights=5), "weights"),
])
def test_errors_name_the_parameter_and_the_value(call, needle):
    with pytest.raises(InvalidInputError, match=needle):
        call()


def test_memory_limit_environment_variable_is_validated(monkeypatch):
    monkeypatch.setenv("NEUROVARIETY_MEMORY_LIMIT", "xyz")
    with pytest.raises(InvalidInputError, match="NEUROVARIETY_MEMORY_LIMIT"):
        nv.dimension((3, 3, 3), 2)


# -- sizes: refused up front, or answered at once when trivial ---------------------------------

def test_trivial_architectures_answer_at_once_whatever_r():
    res = nv.dimension((1, 1, 1), 10**9)
    assert (res.dimension, res.ambient, res.certified) == (1, 1, True)


def test_degree_overflow_is_one_line_before_the_core():
    assert_one_line_error(cli("dim", "2,2", "-r", "99999999999999999999"), "exponent r")


def test_listing_too_many_monomials_is_refused_before_enumeration():
    with pytest.raises(ResourceLimitError, match="10,000,001 monomials"):
        nv.monomial_exponents(2, 10**7)


def test_critical_points_of_a_huge_loss_are_refused_with_an_estimate():
    out = cli("learning-degree", "2,2,2", "-r", "100000", timeout=60)
    assert_one_line_error(out, "GiB")
    with pytest.raises(ResourceLimitError, match="loss matrix"):
        nv.learning_degree((2, 2, 2), 100000)


def test_equations_refuse_parts_beyond_the_limit_with_the_count():
    out = cli("equations", "2,2,2", "-r", "100000", timeout=60)
    assert_one_line_error(out, "monomials")


# -- honest statements -------------------------------------------------------------------------

def test_tiny_primes_give_a_lower_bound_never_high_probability():
    res = nv.dimension((3, 3, 3), 3, primes=[3])
    assert res.dimension <= 15 and not res.certified
    text = res.statement.lower()
    assert "lower bound" in text and "high probability" not in text



def test_default_uncertified_results_state_a_bound_below_1e9(monkeypatch):
    import importlib

    dmod = importlib.import_module("neurovariety.dimension")  # the module, not the function
    monkeypatch.setattr(dmod, "upper_bound", lambda arch: (arch.expected_dim, "test bound"))
    res = dmod.dimension((3, 2, 1), 2, seed=0)  # a bound that is not met: the probabilistic path
    assert not res.certified and res.dimension == 5
    assert res.error_bound is not None and 0 < res.error_bound < 1e-9
    assert "high probability" not in res.statement


# -- a second adversarial pass: new inputs, one class per test ----------------------------------

@pytest.mark.parametrize("text", ["3_0,3,3", "3,3_0", "３,３,３", "٣,3", "3,3,3\u00b2"])
def test_width_fields_are_ascii_integers_only(text):
    # int() reads "3_0" as 30 and non-ASCII digits as numbers: in an architecture they are typos
    with pytest.raises(InvalidInputError, match="could not parse widths"):
        nv.parse_widths(text)


def test_byte_order_marks_and_crlf_are_not_part_of_an_architecture(tmp_path):
    from neurovariety.architecture import parse_architecture_line

    assert parse_architecture_line("\ufeff3,3,3 2\r") == [nv.Architecture((3, 3, 3), 2)]
    arch_file = tmp_path / "archs.txt"
    arch_file.write_bytes(b"\xef\xbb\xbf3,3,3 2\r\n# note\r\n2,2,2\t3\r\n")
    out = cli("sweep", str(arch_file), "--dry-run")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["3,3,3 2", "2,2,2 3"]


@pytest.mark.parametrize("widths", [{5, 1, 3}, frozenset({2, 3}), {3: 1, 4: 1}, np.array(3)])
def test_unordered_or_scalar_widths_are_refused(widths):
    with pytest.raises(InvalidInputError, match="widths must be a sequence"):
        nv.Architecture(widths, 2)


def test_exponents_zero_d_arrays_are_scalars_and_sets_are_refused():
    assert nv.Architecture((3, 3, 3), np.array(3)) == nv.Architecture((3, 3, 3), 3)
    assert nv.dimension((3, 3, 3), 2, primes=np.array(7)).primes == (7,)
    with pytest.raises(InvalidInputError, match="got the set"):
        nv.Architecture((3, 4, 5, 2), {2, 3})


@pytest.mark.parametrize("args", [
    ["degree", "2,1,2", "--timeout", "nan"],
    ["degree", "2,1,2", "--timeout", "inf"],
    ["learn", "2,1,2", "--runs", "2", "--rtol", "inf"],
    ["learn", "2,1,2", "--runs", "2", "--lr", "nan"],
    ["sweep", "--arch", "2,2 2", "--timeout", "nan", "--dry-run"],
])
def test_cli_real_options_refuse_nan_and_inf_before_any_work(args):
    out = cli(*args, timeout=60)
    assert_one_line_error(out, "is not a finite number")
    assert out.returncode == 2 and out.stdout == ""  # refused at parse time: nothing was computed


@pytest.mark.parametrize("args", [
    ["learn", "2,1,2", "--runs", "2", "-o", ""],
    ["equations", "2,1,2", "-o", ""],
    ["sweep", "--arch", "2,2 2", "-o", ""],
    ["analyze", ""],
])
def test_empty_paths_are_errors_not_the_current_directory(args):
    assert_one_line_error(cli(*args, timeout=60), "must not be empty")


def test_output_files_in_missing_folders_are_refused_before_the_work(tmp_path):
    out = cli("equations", "2,1,2", "-o", str(tmp_path / "missing" / "eq.txt"), timeout=60)
    assert_one_line_error(out, "is not an existing directory")
    assert "part" not in out.stderr  # no equation was computed first
    out = cli("equations", "2,1,2", "-o", str(tmp_path), timeout=60)
    assert_one_line_error(out, "is a directory")


@pytest.mark.parametrize("value", ["nan", pytest.param("-5", marks=pytest.mark.slow), pytest.param("abc", marks=pytest.mark.slow)])
def test_analyze_reports_unreadable_rows_and_strict_fails_on_them(tmp_path, value):
    csv = tmp_path / "results.csv"
    csv.write_text("Widths,Activation,Ambient Dimension,Expected Dimension,Dimension\n"
                   f'"[3, 3, 3]",2,18,15,15\n"[2, 2, 2]",2,6,6,{value}\n')
    out = cli("analyze", str(csv), "-o", str(tmp_path / "report"), "--strict", timeout=60)
    assert out.returncode == 1
    assert "warning: results.csv:3: [2, 2, 2]" in out.stderr
    doc = cli("analyze", str(csv), "-o", str(tmp_path / "report2"), "--json", timeout=60)
    import json

    payload = json.loads(doc.stdout)
    assert doc.returncode == 0 and [row["line"] for row in payload["invalid"]] == [3]
    assert "left out" in payload["statement"]


@pytest.mark.parametrize("X,needle", [
    (np.ones((10, 2)) * 1j, "real numbers"),
    (np.array([["1", "2"]] * 10), "real numbers"),
    (np.ones((10, 2)) * 1e200, r"below 1e\+150"),
    (np.ones((1, 1, 10, 2)), "shape"),
])
def test_data_arrays_are_real_finite_and_representable(X, needle):
    from neurovariety.learning import train

    Y = np.ones(X.shape[:-1] + (2,)) if X.dtype.kind != "U" else np.ones((10, 2))
    with pytest.raises(InvalidInputError, match=needle):
        train((2, 1, 2), 2, X, Y, runs=2, seed=0)
    with pytest.raises(InvalidInputError, match=needle):
        nv.learning_degree((2, 1, 2), 2, data=(X, Y))


def test_loss_matrices_that_overflow_are_an_error_not_infinities():
    from neurovariety.loss import loss_matrices

    X = np.random.default_rng(0).standard_normal((10, 2)) * 1e100  # representable, but X^4 is not
    with pytest.raises(InvalidInputError, match="overflow double precision"):
        loss_matrices((2, 1, 2), 2, X, np.ones((10, 2)))


def test_data_larger_than_memory_is_refused_with_an_estimate():
    from neurovariety.loss import make_data

    with pytest.raises(ResourceLimitError, match="data points"):
        make_data((2, 1, 2), 2, n=10**13)


def test_memory_sizes_are_printed_honestly():
    from neurovariety._resources import format_bytes

    assert format_bytes(float("inf")) == "more than 10^308 bytes"
    assert format_bytes(1024) == "1.0 KiB" and format_bytes(10) == "10 bytes"
    with pytest.raises(ResourceLimitError, match="limit of 1.0 KiB"):
        nv.dimension((3, 3, 3), 2, memory_limit=1024)


def test_progress_environment_variable_typos_are_not_silent(monkeypatch):
    import os

    from neurovariety._progress import progress_enabled

    monkeypatch.setenv("NEUROVARIETY_PROGRESS", "fasle")
    with pytest.warns(RuntimeWarning, match="NEUROVARIETY_PROGRESS='fasle'"):
        progress_enabled(None)  # display never stops a computation: auto, with a warning
    monkeypatch.setenv("NEUROVARIETY_PROGRESS", " OFF ")
    assert progress_enabled(None) is False
    out = subprocess.run([sys.executable, "-m", "neurovariety", "filling", "--d0", "2", "--dL", "2", "--depth", "2",
                          "--max-width", "2"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "NEUROVARIETY_PROGRESS": "fasle2"})
    assert out.returncode == 0
    assert out.stderr.splitlines()[0].startswith("warning: NEUROVARIETY_PROGRESS='fasle2' is not one of")


def test_worker_memory_limits_are_checked_at_parse_time_and_never_round_to_zero():
    from neurovariety._resources.process import child_env

    out = cli("sweep", "--arch", "2,2 2", "--memory-limit", str(10**20), "--dry-run", timeout=60)
    assert_one_line_error(out, "--memory-limit")
    assert out.returncode == 2
    assert child_env(1, 1)["NEUROVARIETY_MEMORY_LIMIT"] == "1M"  # not "0M", which every job refused


@pytest.mark.parametrize("args,needle", [
    (["learning-degree", "2,1,2", "--generic", "--unit"], "--generic and --unit cannot be used together"),
    (["equations", "2,1,2", "--degree", "2", "--multidegree", "1,1"], "--degree and --multidegree cannot"),
    (["equations", "2,1,2", "--degree", "2", "--max-degree", "3"], "--degree and --max-degree cannot"),
    (["equations", "2,1,2", "--json", "--format", "m2"], "--json and --format cannot"),
])
def test_contradicting_options_are_refused_not_resolved_silently(args, needle):
    out = cli(*args, timeout=60)
    assert_one_line_error(out, needle)
    assert out.returncode == 2


@pytest.mark.parametrize("value", ["1_0", "２", "0x10"])
def test_cli_integer_options_read_ascii_integers_only(value):
    assert_one_line_error(cli("dim", "3,3,3", "--seed", value, timeout=60), "is not a valid integer")


@pytest.mark.parametrize("text", ["2,,3", "2,3,", "1_0", "３..３", "2..", "..3"])
def test_sweep_ranges_refuse_empty_fields_and_non_ascii_digits(text):
    from neurovariety.sweep import parse_int_set

    with pytest.raises(InvalidInputError, match="empty field|could not parse"):
        parse_int_set(text, "exponent r")


def test_learning_helpers_validate_their_arguments():
    from neurovariety import learning

    with pytest.raises(ResourceLimitError, match="training"):
        X, Y = learning.make_data((2, 2, 3), 2, seed=0)
        learning.train((2, 2, 3), 2, X, Y, runs=10**12, progress=False)
    with pytest.raises(InvalidInputError, match="at most n"):
        learning.wilson_interval(5, 3)
    with pytest.raises(InvalidInputError, match="successes"):
        learning.wilson_interval(1.5, 3)
    with pytest.raises(InvalidInputError, match="TrainResult"):
        learning.count_learned_functions(5)


@pytest.mark.parametrize("cell,column,reason", [
    ("99999999999999999999", "Dimension", "not a non-negative integer"),
    ("²", "Dimension", "not a non-negative integer"),
    ("maybe", "Certified", "Certified is 'maybe'"),
    ("3", "Defect", "Defect 3 is not"),
])
def test_analyze_reports_impossible_cells_with_their_line(tmp_path, cell, column, reason):
    from neurovariety.analysis import load_results

    row = {"Widths": "[3, 2, 1]", "Activation": "2", "Ambient Dimension": "6", "Expected Dimension": "6",
           "Dimension": "5", "Defect": "1", "Time Taken (seconds)": "0.1", "Certified": "True"}
    good = ",".join(f'"{v}"' for v in row.values())
    row[column] = cell
    bad = ",".join(f'"{v}"' for v in row.values())
    path = tmp_path / "results.csv"
    path.write_text(",".join(row) + "\n" + good + "\n" + bad + "\n", encoding="utf-8")
    df = load_results(path)
    assert len(df) == 1
    (invalid,) = df.attrs["invalid"]
    assert invalid["line"] == 3 and reason in invalid["reason"]


def test_linear_networks_answer_by_formula_whatever_their_size():
    res = nv.dimension((1000, 1000))  # one layer: every 1000 x 1000 matrix
    assert (res.dimension, res.certified, res.method) == (10**6, True, "formula")
    assert nv.dimension((3, 1000, 1000), 1).dimension == 3 * (3 + 1000 - 3)
    computed = nv.dimension((3, 2, 4), 1, method="evaluation")  # an explicit route still computes the rank
    assert computed.method == "evaluation" and computed.dimension == nv.dimension((3, 2, 4), 1).dimension == 10


def test_dimension_options_are_validated_even_when_built_by_hand():
    from neurovariety.dimension import DimensionOptions

    with pytest.raises(InvalidInputError, match="DimensionOptions"):
        nv.dimension((3, 3, 3), 2, options=5)
    with pytest.raises(InvalidInputError, match="trials"):
        nv.dimension((3, 3, 3), 2, options=DimensionOptions(trials=0))


def test_geometry_timeouts_and_coefficients_are_validated():
    for bad in (-1, float("nan"), 0, True):
        with pytest.raises(InvalidInputError, match="timeout"):
            nv.degree((2, 1, 2), 2, timeout=bad)
    with pytest.raises(InvalidInputError, match="not a number"):
        nv.is_on_variety((2, 1, 1), 2, [["1", 4, 4]])
    with pytest.raises(InvalidInputError, match="not a number"):
        nv.is_on_variety((2, 1, 1), 2, [[True, 4, 4]])


@pytest.mark.parametrize("scale", [1e150, 1e-150, 1.0])
def test_membership_is_scale_invariant_on_the_cone(scale):
    res = nv.is_on_variety((2, 1, 1), 2, [[scale, 4 * scale, 4 * scale]], seed=0)  # (x0 + 2 x1)^2, scaled
    assert res.member and res.real
    off = nv.is_on_variety((2, 1, 1), 2, [[scale, 0, scale]], seed=0)  # x0^2 + x1^2: not a square
    assert not off.member


def test_the_zero_function_is_on_every_neurovariety():
    assert nv.is_on_variety((2, 1, 1), 2, [[0, 0, 0]], seed=0).member


# -- analyze: torn rows and disagreeing duplicates are reported, never used -----------------------

_HEADER = "Widths,Activation,Ambient Dimension,Expected Dimension,Dimension,Defect,Time Taken (seconds),Certified\n"


def test_analyze_reports_a_torn_short_row_instead_of_padding_it(tmp_path):
    from neurovariety.analysis import load_results

    path = tmp_path / "results.csv"
    # a sweep killed mid-write: the last record lost its time and certificate columns
    path.write_text(_HEADER + '"[3, 3, 3]",2,18,15,15,0,0.2,True\n"[2, 2, 2]",2,6,6,6\n', encoding="utf-8")
    df = load_results(path)
    assert [w for w in df["widths"]] == [(3, 3, 3)]
    (invalid,) = df.attrs["invalid"]
    assert invalid["line"] == 3 and "5 of the header's 8 fields" in invalid["reason"]


def test_analyze_leaves_out_rows_of_one_architecture_that_disagree(tmp_path):
    from neurovariety.analysis import load_results

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(_HEADER + '"[3, 2, 1]",2,6,6,5,1,0.1,False\n"[3, 3, 3]",2,18,15,15,0,0.2,True\n', encoding="utf-8")
    second.write_text(_HEADER + '"[3, 3, 3]",2,18,15,15,0,0.2,True\n"[3, 2, 1]",2,6,6,6,0,0.1,True\n', encoding="utf-8")
    df = load_results([first, second])
    assert sorted(df["widths"]) == [(3, 3, 3), (3, 3, 3)]  # agreeing duplicates stay
    lines = sorted((row["source"], row["line"], row["value"]) for row in df.attrs["invalid"])
    assert lines == [("a.csv", 2, "5"), ("b.csv", 3, "6")]
    assert all("disagree" in row["reason"] and "a.csv:2 (5)" in row["reason"] for row in df.attrs["invalid"])
    out = cli("analyze", str(first), str(second), "-o", str(tmp_path / "report"), "--strict", timeout=60)
    assert out.returncode == 1 and "disagree" in out.stderr


@pytest.mark.parametrize("limit,error,needle", [
    (10**20, InvalidInputError, "memory_limit_mb must be at most"),
    (1, ResourceLimitError, "below what a worker process needs"),
])
def test_sweep_worker_memory_limits_outside_what_a_worker_can_use_are_refused(tmp_path, limit, error, needle):
    from neurovariety.sweep import run_sweep

    with pytest.raises(error, match=needle):
        run_sweep([((2, 2, 2), 2)], out=tmp_path / "r.csv", memory_limit_mb=limit, jobs=1, progress=False)
