"""The per-job shortcuts of a sweep (issue 11: the grid sweep must not be slower than before the
restructuring) give exactly what the general paths give."""

from __future__ import annotations

import pickle

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from neurovariety.architecture import Architecture
from neurovariety.dimension import DimensionOptions
from neurovariety.sweep import read_results_frame, run_sweep, tidy_results_frame
from neurovariety.sweep.jobs import activation_label, widths_label
from neurovariety.sweep.worker import compute_blob, job_function, run_job

widths = st.lists(st.integers(1, 9), min_size=2, max_size=6)
exponents = st.one_of(st.integers(1, 5), st.lists(st.integers(1, 5), min_size=1, max_size=4))


@given(widths, exponents)
def test_an_architecture_pickles_its_defining_fields_only(ws, r):
    if isinstance(r, list):
        r = (r * 5)[: len(ws) - 2]
    arch = Architecture(ws, r)
    expected = (arch.num_params, arch.ambient_dim, arch.expected_dim, arch.weight_degree)  # fill the caches
    back = pickle.loads(pickle.dumps(arch))
    assert set(back.__dict__) == {"widths", "r", "exponent"}
    assert back == arch and back.exponent == arch.exponent and back.activation == arch.activation
    assert (back.num_params, back.ambient_dim, back.expected_dim, back.weight_degree) == expected


def test_the_job_function_carries_the_sweep_options():
    options = DimensionOptions.validated("evaluation", [1000003], 3)
    func = pickle.loads(job_function(compute_blob(None), options))
    record = func(Architecture((3, 2, 1), 2), 7)
    assert record == run_job(compute_blob(None), Architecture((3, 2, 1), 2), 7, options)
    assert (record["method"], record["primes"], record["dimension"]) == ("evaluation", [1000003], 5)


def test_reading_a_sweep_back_with_its_architectures_gives_the_parsed_frame(tmp_path):
    archs = ["3,2,1 2", "2,3 5", "3,4,5,2 2,3", "2,2,2,2 3"]
    df = run_sweep(archs, out=tmp_path / "results.csv", jobs=1, seed=0, timeout=60)
    raw = read_results_frame(tmp_path / "results.csv")
    requested = [Architecture((3, 2, 1), 2), Architecture((2, 3), 5), Architecture((3, 4, 5, 2), (2, 3)),
                 Architecture((2, 2, 2, 2), 3)]
    known = {(widths_label(a), activation_label(a)): a for a in requested}
    assert len(known) == len(raw) == 4 and set(known) == set(zip(raw["Widths"], raw["Activation"]))
    pd.testing.assert_frame_equal(tidy_results_frame(raw, known=known), tidy_results_frame(raw))
    assert [a.widths for a in requested] == list(df["widths"])
