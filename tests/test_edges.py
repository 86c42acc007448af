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
