"""The promises a sweep keeps at its edges (issue "Keep every promise at the edges").

Every option is validated before the first job; grids are counted before they are enumerated;
interrupted / failed sweeps exit with the right status and never claim to have finished; resume
validates a file before it repairs it; the three outputs are locked together; symlinks are never
written through; progress follows the package policy. The fake compute and helpers come from
``test_sweep`` (worker processes import it by that name). No test depends on timing: they wait
for events (rows in a file) with generous deadlines.
"""

from __future__ import annotations

import errno
import itertools
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from neurovariety.cli.sweep import sweep
from neurovariety.errors import InvalidInputError, ResourceLimitError
from neurovariety.sweep import Grid, SweepWarning, output, run_sweep
from test_sweep import FAKE, _cli_cmd, _n_lines, _read, _subprocess_env, _sweep, _wait_for, fake_compute


def _files(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir())


# ------------------------------------------------------------------------------------------------
# every option is validated before the first job
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,msg", [
    ({"primes": [4]}, "4 is not prime"),
    ({"primes": [100]}, "100 is not prime"),
    ({"primes": []}, "at least one prime"),
    ({"trials": 0}, "trials"),
    ({"trials": 5000}, "trials"),
    ({"method": "fastest"}, "method"),
    ({"memory_limit_mb": 0}, "memory_limit_mb"),
    ({"timeout": float("inf")}, "timeout"),
    ({"timeout": float("nan")}, "timeout"),
    ({"jobs": 0}, "jobs"),
    ({"max_jobs": 0}, "max_jobs"),
    ({"seed": -1}, "seed"),
    ({"scheduler": "nonsense"}, "scheduler"),
    ({"progress": "yes"}, "progress"),
])
def test_options_are_validated_before_the_first_job(tmp_path, kwargs, msg):
    # the real compute: today a bad prime reaches every worker and fills errors.csv instead
    with pytest.raises(InvalidInputError, match=msg):
        run_sweep(["2,2,3 2", "3,3,3 2"], out=tmp_path / "results.csv", **{"timeout": 60, "jobs": 1, **kwargs})
    assert _files(tmp_path) == []


@pytest.mark.parametrize("args,msg", [
    (["--primes", "100"], "100 is not prime"),
    (["--primes", "4"], "4 is not prime"),
    (["--primes", "3,,5"], "empty field"),
    (["--trials", "5000"], "trials"),
    (["--timeout", "inf"], "timeout"),
    (["--scheduler", "nonsense"], "scheduler"),
    (["--seed", "-3"], "seed"),
])
def test_cli_refuses_bad_options_with_a_usage_error(tmp_path, args, msg):
    res = CliRunner().invoke(sweep, ["--arch", "2,2,3 2", "--out", str(tmp_path / "results.csv"), *args])
    assert res.exit_code == 2, res.output
    assert msg in res.output and "Traceback" not in res.output
    assert _files(tmp_path) == []


# ------------------------------------------------------------------------------------------------
# grids are counted before they are enumerated
# ------------------------------------------------------------------------------------------------
def _limit_memory() -> None:  # runs in the child: a grid that is enumerated eagerly dies of MemoryError
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def test_huge_grid_is_refused_with_its_count(tmp_path):
    proc = subprocess.run(_cli_cmd("--depth", "2..10", "--widths", "1..6", "--dry-run", "--compute", FAKE),
                          env=_subprocess_env(), capture_output=True, text=True, timeout=300,
                          preexec_fn=_limit_memory)
    assert proc.returncode == 2, proc.stderr
    assert "435,356,424 architectures" in proc.stderr and "--max-jobs" in proc.stderr
    assert proc.stdout == ""


def test_max_jobs_is_configurable_and_dry_run_streams(tmp_path):
    base = ["--depth", "2", "--widths", "1..3", "--dry-run", "--compute", FAKE]
    res = CliRunner().invoke(sweep, [*base, "--max-jobs", "26"])
    assert res.exit_code == 2 and "27 architectures" in res.output and "max_jobs=26" in res.output
    res = CliRunner().invoke(sweep, [*base, "--max-jobs", "27"])
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 27
    assert res.stderr.strip() == "27 architectures"


def test_counts_respect_filters_or_say_they_are_upper_bounds(tmp_path):
    assert tuple(Grid.parse("2..10", "1..6", non_increasing=True).count()) == (
        sum(len(list(itertools.combinations_with_replacement(range(6), L + 1))) for L in range(2, 11)), True)
    assert Grid.parse("3", "1..2000", max_params=10).count() == (sum(  # small caps stay exact
        1 for ws in itertools.product(range(1, 11), repeat=4) if sum(a * b for a, b in zip(ws, ws[1:])) <= 10), True)
    g = Grid.parse("3", "1..2000", max_params=10**6)
    assert g.count() == (2000**4, False)
    with pytest.raises(ResourceLimitError, match="upper bound"):
        run_sweep(g, out=tmp_path / "results.csv")
    assert _files(tmp_path) == []


def test_an_endless_iterable_is_refused_above_max_jobs(tmp_path):
    endless = (f"{n},1 2" for n in itertools.count(1))
    with pytest.raises(ResourceLimitError, match="max_jobs=5"):
        run_sweep(endless, out=tmp_path / "results.csv", max_jobs=5, compute=fake_compute)
    assert _files(tmp_path) == []


# ------------------------------------------------------------------------------------------------
# out of disk space: an error exit, never "finished"
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def disk_fills_up(monkeypatch):
    """The disk is full after the three headers and one row."""
    real, calls = output.write, []

    def write(fd, data):
        calls.append(fd)
        if len(calls) > 4:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(output, "write", write)


def test_out_of_disk_space_is_an_error_not_a_finished_sweep(tmp_path, disk_fills_up, capsys):
    with pytest.raises(OSError) as info:
        _sweep(["2,2,2 2", "3,3,3 2", "4,4,4 2"], tmp_path, jobs=1, progress=True)
    assert info.value.errno == errno.ENOSPC and "results.csv" in str(info.value)
    summary = info.value.sweep_summary
    assert summary.status == "failed" and summary.done == 1
    err = capsys.readouterr().err
    assert "sweep stopped by an error" in err and "No space left on device" in err and "finished" not in err
    assert len(_read(tmp_path / "results.csv")) == 2


def test_cli_out_of_disk_space_exits_1(tmp_path, disk_fills_up):
    res = CliRunner().invoke(sweep, ["--arch", "2,2,2 2", "--arch", "3,3,3 2", "--jobs", "1", "--compute", FAKE,
                                     "--out", str(tmp_path / "results.csv")])
    assert res.exit_code == 1, res.output
    assert "No space left on device" in res.stderr and "--resume" in res.stderr
    assert "finished" not in res.output and "Traceback" not in res.output


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_cli_real_enospc(tmp_path):
    res = CliRunner().invoke(sweep, ["--arch", "2,2,2 2", "--compute", FAKE, "--out", str(tmp_path / "results.csv"),
                                     "--errors", "/dev/full"])
    assert res.exit_code == 1 and "No space left on device" in res.output and "finished" not in res.output


# ------------------------------------------------------------------------------------------------
# resume validates before it repairs
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"my notes, no newline at the end", b"my notes\nsecond line, cut",
                                     b"Widths,Activation,Something\n1,2"])
def test_resume_never_truncates_a_foreign_file(tmp_path, content):
    notes = tmp_path / "notes.txt"
    notes.write_bytes(content)
    res = CliRunner().invoke(sweep, ["--arch", "2,2,2 2", "--compute", FAKE, "--resume", "--out", str(notes)])
    assert res.exit_code == 2 and "refusing" in res.output, res.output
    assert notes.read_bytes() == content
    assert _files(tmp_path) == ["notes.txt"]  # the companions it created are gone again


def test_a_half_row_followed_by_a_newline_is_torn_not_done(tmp_path):
    archs = ["2,2,2 2", "3,3,3 2", "4,4,4 2"]
    _sweep(archs[:2], tmp_path, jobs=1)
    p = tmp_path / "results.csv"
    with open(p, "ab") as f:
        f.write(b'"[4, 4, 4]",2,48,\n')  # a row cut short, then a newline
    res = CliRunner().invoke(sweep, [*(a for x in archs for a in ("--arch", x)), "--compute", FAKE, "--resume",
                                     "--out", str(p)])
    assert res.exit_code == 0, res.output
    assert "warning:" in res.stderr and "results.csv:4: dropped a torn row" in res.stderr
    rows = _read(p)[1:]
    assert [r[0] for r in rows] == ["[2, 2, 2]", "[3, 3, 3]", "[4, 4, 4]"] and len(rows[2]) == len(_read(p)[0])


def test_a_bad_row_before_the_last_is_refused_and_left_alone(tmp_path):
    _sweep(["2,2,2 2", "3,3,3 2"], tmp_path, jobs=1)
    p = tmp_path / "results.csv"
    lines = p.read_bytes().split(b"\n")
    broken = b"\n".join([lines[0], b"garbage,row", *lines[1:]])
    p.write_bytes(broken)
    with pytest.raises(InvalidInputError, match=r"results\.csv:2: unreadable row"):
        _sweep(["2,2,2 2"], tmp_path, resume=True)
    assert p.read_bytes() == broken


def test_a_torn_header_is_repaired(tmp_path):
    (tmp_path / "results.csv").write_bytes(b"Widths,Activ")
    with pytest.warns(SweepWarning, match="torn header"):
        df = _sweep(["2,2,2 2"], tmp_path, resume=True)
    assert list(df["widths"]) == [(2, 2, 2)] and _read(tmp_path / "results.csv")[0][0] == "Widths"


# ------------------------------------------------------------------------------------------------
# the three files belong to one sweep; symlinks are never followed
# ------------------------------------------------------------------------------------------------
def test_a_second_sweep_cannot_wipe_a_running_sweeps_companions(tmp_path):
    gate = tmp_path / "gate"
    first = tmp_path / "results.csv"
    proc = subprocess.Popen(_cli_cmd("--arch", "1,2,1 2", "--arch", "2,2,2 2", "--arch", "4,4,4 2", "--jobs", "1",
                                     "--timeout", "3600", "--compute", FAKE, "-q", "--out", str(first)),
                            env=_subprocess_env(NV_SWEEP_TEST_GATE=str(gate)), stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _n_lines(first) == 2 and _n_lines(tmp_path / "errors.csv") == 2, "the first sweep's rows")
        before = {n: (tmp_path / n).read_bytes() for n in ("results.csv", "timeout.csv", "errors.csv")}
        other = tmp_path / "other.csv"  # a different --out, the same default timeout.csv / errors.csv
        for flags in (["--overwrite"], ["--resume"]):
            res = CliRunner().invoke(sweep, ["--arch", "3,3,3 2", "--compute", FAKE, "--out", str(other), *flags])
            assert res.exit_code == 2 and "another sweep is already writing to" in res.output, res.output
            assert "timeout.csv" in res.output
        with pytest.raises(InvalidInputError, match="another sweep"):
            run_sweep(["3,3,3 2"], out=first, overwrite=True, compute=fake_compute)
        assert {n: (tmp_path / n).read_bytes() for n in before} == before
        assert not other.exists()
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM


@pytest.mark.parametrize("kind", ["results.csv", "timeout.csv", "errors.csv"])
def test_symlinked_outputs_are_refused(tmp_path, kind):
    precious = tmp_path / "precious.txt"
    precious.write_text("do not touch\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / kind).symlink_to(precious)
    with pytest.raises(InvalidInputError, match="symbolic link"):
        run_sweep(["2,2,2 2"], out=out_dir / "results.csv", overwrite=True, compute=fake_compute)
    (out_dir / "dangling.csv").symlink_to(tmp_path / "nowhere.csv")
    res = CliRunner().invoke(sweep, ["--arch", "2,2,2 2", "--compute", FAKE, "--out", str(out_dir / "dangling.csv")])
    assert res.exit_code == 2 and "symbolic link" in res.output
    assert precious.read_text() == "do not touch\n" and not (tmp_path / "nowhere.csv").exists()
    assert _files(out_dir) == sorted([kind, "dangling.csv"])


# ------------------------------------------------------------------------------------------------
# progress follows the package policy
# ------------------------------------------------------------------------------------------------
def test_library_calls_are_silent_unless_asked(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NEUROVARIETY_PROGRESS", raising=False)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _sweep(["2,2,2 2"], tmp_path / "a", progress=None)
    assert capsys.readouterr().err == ""
    _sweep(["2,2,2 2"], tmp_path / "b", progress=True)
    assert capsys.readouterr().err.count("sweep finished: 1 done") == 1


def test_cli_quiet_and_log_progress(tmp_path):
    base = ["--arch", "2,2,2 2", "--arch", "3,3,3 2", "--compute", FAKE, "--jobs", "1"]
    for name in ("quiet", "plain", "log"):  # one directory each: timeout.csv / errors.csv are per directory
        (tmp_path / name).mkdir()
    res = CliRunner().invoke(sweep, [*base, "-q", "--out", str(tmp_path / "quiet" / "r.csv")])
    assert res.exit_code == 0 and res.stderr == ""
    res = CliRunner().invoke(sweep, [*base, "--out", str(tmp_path / "plain" / "r.csv")])
    assert res.exit_code == 0 and res.stderr.count("sweep finished: 2 done") == 1, res.stderr
    res = CliRunner().invoke(sweep, [*base, "--out", str(tmp_path / "log" / "r.csv")], env={"NEUROVARIETY_PROGRESS": "1"})
    assert res.exit_code == 0 and "sweep: 2/2 arch" in res.stderr and res.stderr.count("sweep finished") == 1


# ------------------------------------------------------------------------------------------------
# the real engine's error bound reaches the CSV
# ------------------------------------------------------------------------------------------------
def test_error_bound_column(tmp_path):
    df = run_sweep(["3,3,3 2", "4,5,3 2"], out=tmp_path / "results.csv", timeout=60, jobs=1, seed=0)
    certified, uncertified = df.to_dict("records")  # (4,5,3): rank 29 below the proved bound 30
    assert certified["certified"] and certified["error_bound"] == 0.0
    assert not uncertified["certified"] and 0 < uncertified["error_bound"] < 1e-9
    assert _read(tmp_path / "results.csv")[0][-1] == "Error Bound"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
