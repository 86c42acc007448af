"""Resumable monodromy: an interrupted run continued from its checkpoint ends where an uninterrupted
run ends, a finished run is read back, and a checkpoint never applies to another problem."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from neurovariety.critical import critical_points, ed_degree
from neurovariety.errors import InvalidInputError
from neurovariety.homotopy import LoopState, SolutionSet
from neurovariety.homotopy.checkpoint import LoopCheckpoint


def test_timed_out_run_resumes_to_the_uninterrupted_count(tmp_path):
    straight = ed_degree((2, 2, 2), 4, seed=0, progress=False)
    part = ed_degree((2, 2, 2), 4, seed=0, timeout=0.3, checkpoint=tmp_path, progress=False)
    assert part.timed_out and not part.verified and part.count < straight.count
    full = ed_degree((2, 2, 2), 4, seed=0, checkpoint=tmp_path, progress=False)
    assert full.verified and full.count == straight.count
    (entry,) = full.extra["checkpoint"]
    assert entry["resumed_from"] == part.count and not entry["finished_before"]
    assert f"resumed at {part.count} solutions" in full.statement
    # the same functions as the uninterrupted run
    key = lambda res: np.sort_complex(np.round(res.coefficients.reshape(res.count, -1)[:, 0], 6))  # noqa: E731
    np.testing.assert_allclose(key(full), key(straight), rtol=1e-6, atol=1e-8)


def test_learning_degree_shares_the_generic_run_with_ed_degree(tmp_path):
    learn = critical_points((2, 2, 2), 3, weights="data", seed=0, checkpoint=tmp_path, progress=False)
    assert learn.verified and learn.extra["continuation"]["generic_verified"]
    stages = [e["stage"] for e in learn.extra["checkpoint"]]
    assert stages == ["monodromy", "generic weight", "continuation"]
    assert not any(e["finished_before"] for e in learn.extra["checkpoint"])
    # a second run loads all three stages, the continuation's forward stage included, and agrees
    again = critical_points((2, 2, 2), 3, weights="data", seed=0, checkpoint=tmp_path, progress=False)
    assert [e["finished_before"] for e in again.extra["checkpoint"]] == [True, True, True]
    assert again.extra["checkpoint"][2]["resumed_from"] == learn.extra["continuation"]["generic_count"]
    assert "continuation: loaded finished" in again.statement
    assert again.extra["continuation"] == learn.extra["continuation"] and again.count == learn.count
    np.testing.assert_allclose(again.coefficients, learn.coefficients)
    ed = ed_degree((2, 2, 2), 3, seed=0, checkpoint=tmp_path, progress=False)
    (entry,) = ed.extra["checkpoint"]
    assert entry["finished_before"] and entry["file"] == learn.extra["checkpoint"][1]["file"]
    assert ed.verified and ed.count == learn.extra["continuation"]["generic_count"]


def _keys(theta):
    return theta - 2  # a stand-in for the coefficients of weights


def _saved(directory, Q):
    known = SolutionSet(N=2, amb=2)
    known.add(np.array([[1.0, 2.0]], dtype=complex), np.array([[3.0, 4.0]], dtype=complex))
    ck = LoopCheckpoint(directory, "demo", {"Q": Q}, N=2, amb=2, keys_of=_keys)
    rng = np.random.default_rng(5)
    ck.save(LoopState(known, cursors=[1, 1], stable=2, trace_residual=0.5), {0: [np.ones(2), np.zeros(2)]},
            {"b": np.arange(2.0)}, rng, finished=True, force=True)
    return ck, rng


def test_checkpoint_round_trip_restores_state_and_random_stream(tmp_path):
    ck, rng = _saved(tmp_path, np.eye(2))
    expected_next = rng.standard_normal()
    other = np.random.default_rng(99)
    saved = LoopCheckpoint(tmp_path, "demo", {"Q": np.eye(2)}, N=2, amb=2, keys_of=_keys).load(other)
    assert saved is not None and saved.finished
    assert (saved.state.cursors, saved.state.stable, saved.state.trace_residual) == ([1, 1], 2, 0.5)
    np.testing.assert_array_equal(saved.state.known.c, [[1.0, 2.0]])
    np.testing.assert_array_equal(saved.nodes[0][0], np.ones(2))
    np.testing.assert_array_equal(saved.extra["b"], [0.0, 1.0])
    assert other.standard_normal() == expected_next


def test_checkpoint_of_another_problem_is_refused(tmp_path):
    ck, _ = _saved(tmp_path, np.eye(2))
    other = LoopCheckpoint(tmp_path, "demo", {"Q": 2 * np.eye(2)}, N=2, amb=2, keys_of=_keys)
    assert other.path != ck.path
    assert other.load(np.random.default_rng(0)) is None  # its own file does not exist yet
    ck.path.rename(other.path)  # a file under the wrong name (copied by hand, or a hash collision)
    with pytest.raises(InvalidInputError, match="another problem"):
        other.load(np.random.default_rng(0))


def test_checkpoint_survives_last_bit_differences_of_its_key(tmp_path):
    # the weight matrix comes from the seed through LAPACK, whose builds differ in the last bits
    Q = np.array([[0.6, -0.8], [0.8, 0.6]]) + 0j
    ck, _ = _saved(tmp_path, Q)
    nudged = LoopCheckpoint(tmp_path, "demo", {"Q": Q + 3e-17j + 2e-16}, N=2, amb=2, keys_of=_keys)
    assert nudged.path == ck.path
    saved = nudged.load(np.random.default_rng(0))
    assert saved is not None and saved.state.cursors == [1, 1]
    moved = LoopCheckpoint(tmp_path, "demo", {"Q": Q + 1e-6}, N=2, amb=2, keys_of=_keys)
    assert moved.path != ck.path
    ck.path.rename(moved.path)
    with pytest.raises(InvalidInputError, match="another problem"):
        moved.load(np.random.default_rng(0))


def test_checkpoint_must_be_a_directory_and_readable(tmp_path):
    not_dir = tmp_path / "file"
    not_dir.write_text("x")
    with pytest.raises(InvalidInputError, match="must be a directory"):
        ed_degree((2, 1, 1), 2, seed=0, checkpoint=not_dir, progress=False)
    with pytest.raises(InvalidInputError, match="checkpoint needs an integer seed"):
        ed_degree((2, 1, 1), 2, checkpoint=tmp_path, progress=False)
    ck = LoopCheckpoint(tmp_path, "demo", {"Q": np.eye(2)}, N=2, amb=2, keys_of=_keys)
    ck.path.write_bytes(b"torn")
    with pytest.raises(InvalidInputError, match="unreadable checkpoint"):
        ck.load(np.random.default_rng(0))


def test_cli_checkpoint_resumes_and_says_so(tmp_path):
    def ed(*extra: str) -> dict:
        out = subprocess.run([sys.executable, "-c", "from neurovariety.cli import main; main()", "ed-degree", "2,2,2",
                              "-r", "3", "--seed", "0", "--json", "-q", "--checkpoint", str(tmp_path), *extra],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    first, again = ed(), ed()
    assert first["verified"] and again["count"] == first["count"]
    assert "From the checkpoint" not in first["statement"]
    assert "monodromy: loaded finished" in again["statement"]
    assert len(list(tmp_path.glob("monodromy-*.npz"))) == 1
