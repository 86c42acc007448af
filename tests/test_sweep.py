"""Tests of neurovariety.sweep and the ``sweep`` CLI command.

Most tests inject a fake compute function (module-level here, so worker processes can import it)
whose behaviour is chosen by the architecture: (1,1,1) never finishes, (1,2,1) raises,
(1,3,1) kills its own process, (2,1,1) raises MemoryError; with ``NV_SWEEP_TEST_GATE`` set,
architectures with d0 = 4 wait until that file exists (tests synchronise on events, never on
timing). Heavy imports (pandas, dask) are done inside tests because every worker process imports
this module to get the fake.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurovariety
from neurovariety.architecture import Architecture, parse_architecture_line
from neurovariety.dimension import DimensionOptions
from neurovariety.sweep import (
    ERROR_COLUMNS,
    RESULT_COLUMNS,
    TIDY_COLUMNS,
    TIMEOUT_COLUMNS,
    Grid,
    SweepWarning,
    activation_label,
    arch_line,
    collect_architectures,
    grid_architectures,
    job_key,
    job_label,
    parse_int_set,
    read_architecture_file,
    row_architecture,
    run_sweep,
    widths_label,
)

HERE = Path(__file__).resolve().parent
FAKE = f"{__name__}:fake_compute"

# The published harness's columns, spelled out independently of the module's constant.
SPEC_RESULT_HEADER = [
    "Widths",
    "Activation",
    "Ambient Dimension",
    "Expected Dimension",
    "Dimension",
    "Defect",
    "Time Taken (seconds)",
]
# The tidy frame's columns, spelled out independently of the module's constant.
SPEC_TIDY_COLUMNS = ["widths", "depth", "d0", "dL", "r", "r_layers", "num_params", "ambient", "expected",
                     "dimension", "defect", "filling", "certified", "seconds", "source"]


def fake_compute(arch, *, seed=None, options=None):
    """Deterministic stand-in for neurovariety.dimension with scripted failures."""
    assert isinstance(options, DimensionOptions)  # validated in the parent, shipped as is
    widths = arch.widths
    piddir = os.environ.get("NV_SWEEP_TEST_DIR")
    if piddir:
        Path(piddir, f"{os.getpid()}-{'_'.join(map(str, widths))}.pid").write_text(str(os.getpid()))
    gate = os.environ.get("NV_SWEEP_TEST_GATE")
    if gate and widths[0] == 4:
        while not os.path.exists(gate):
            time.sleep(0.01)
    if widths == (1, 1, 1):
        time.sleep(3600)
    if widths == (1, 2, 1):
        raise ValueError("boom")
    if widths == (1, 3, 1):
        os._exit(7)
    if widths == (2, 1, 1):
        raise MemoryError("too big")
    if widths == (2, 2, 2) and os.environ.get("NV_SWEEP_TEST_ALLOC"):
        bytearray(8 << 30)  # only fails under the worker's address-space limit
    time.sleep(float(os.environ.get("NV_SWEEP_TEST_SLEEP", "0")))
    a = arch
    dim = a.expected_dim - (1 if sum(widths) % 5 == 0 and a.expected_dim > 0 else 0)
    return {
        "ambient": a.ambient_dim,
        "expected": a.expected_dim,
        "dimension": dim,
        "defect": a.expected_dim - dim,
        "certified": dim == a.expected_dim,
        "upper_bound": a.expected_dim,
        "bound": f"seed={seed}",
        "method": options.method,
        "primes": (101, 103),
        "trials": options.trials,
    }


def _alive(pid: int) -> bool:
    """True if pid is a live (non-zombie) process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _read(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _rows_without_time(path: Path) -> list[tuple]:
    rows = _read(path)
    header = rows[0]
    drop = header.index("Time Taken (seconds)") if "Time Taken (seconds)" in header else None
    return [tuple(v for i, v in enumerate(r) if i != drop) for r in rows[1:]]


def _sweep(archs, tmp_path: Path, **kw):
    kw.setdefault("timeout", 10)
    kw.setdefault("jobs", 2)
    kw.setdefault("progress", False)
    kw.setdefault("compute", fake_compute)
    return run_sweep(archs, out=tmp_path / "results.csv", **kw)


def _subprocess_env(**extra: str) -> dict[str, str]:
    root = str(Path(neurovariety.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([root, str(HERE)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.update(extra)
    return env


def _cli_cmd(*args: str, entry: str = "command") -> list[str]:
    if entry == "main":  # the installed entry point: neurovariety.cli.main
        return [sys.executable, "-m", "neurovariety", "sweep", *args]
    return [sys.executable, "-c", "from neurovariety.cli.sweep import sweep; sweep()", *args]


def _wait_for(predicate, what: str, deadline: float = 120.0) -> None:
    """Wait for an event (a file's content); the deadline only turns a hang into a failure."""
    end = time.monotonic() + deadline
    while not predicate():
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def _n_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


# ------------------------------------------------------------------------------------------------
# Parsing and architecture sources
# ------------------------------------------------------------------------------------------------
def test_parse_arch_line_forms():
    def keys(text):
        return [job_key(a) for a in parse_architecture_line(text)]

    assert keys("3,3,3 2") == [((3, 3, 3), (2,))]
    assert keys("  3,4,5,6   2,3 ") == [((3, 4, 5, 6), (2, 3))]  # one entry per hidden layer
    assert keys("3,4,5 2,3") == [((3, 4, 5), (2,)), ((3, 4, 5), (3,))]  # otherwise: one run each
    assert keys("[3, 4, 5, 6] [2, 3]") == [((3, 4, 5, 6), (2, 3))]
    assert activation_label(parse_architecture_line("3,3,3,3 2,2")[0]) == "2"
    assert activation_label(parse_architecture_line("3,4,5,6 2,3")[0]) == "[2, 3]"
    for bad, msg in [("3,3,3", "missing activation"), ("3,x,3 2", "could not parse widths"),
                     ("3,-1,3 2", "width d1"), ("3,3,3 [2, 3]", "one entry per hidden layer"),
                     ("3 3 3 2", "WIDTHS R"), ("3,3,3 0", "exponent r")]:
        with pytest.raises(ValueError, match=msg):
            parse_architecture_line(bad)


def test_read_architecture_file_comments_errors_and_csv(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("# header comment\n3,3,3 2\n\n3,4,5,6 2,3   # per layer\n2,2,3 2,3\n")
    assert [job_key(a) for a in read_architecture_file(f)] == [
        ((3, 3, 3), (2,)), ((3, 4, 5, 6), (2, 3)), ((2, 2, 3), (2,)), ((2, 2, 3), (3,))]
    f.write_text("3,3,3 2\n# fine\n3,0,3 2\n")
    with pytest.raises(ValueError, match=r"a\.txt:3: .*width d1"):
        read_architecture_file(f)
    # a previous sweep's output (Widths/Activation columns) is a valid input
    f.write_text('Widths,Activation\n"[1, 1, 1]",2\n"[3, 4, 5, 6]","[2, 3]"\n')
    assert [job_key(a) for a in read_architecture_file(f)] == [((1, 1, 1), (2,)), ((3, 4, 5, 6), (2, 3))]
    # and so is the oracle's format
    f.write_text('h,exponent,architecture\n2,2,"[2, 2, 1]"\n')
    assert [job_key(a) for a in read_architecture_file(f)] == [((2, 2, 1), (2,))]


def test_parse_int_set():
    assert parse_int_set("2..4") == (2, 3, 4)
    assert parse_int_set("3,1,1..2") == (1, 2, 3)
    for bad in ["4..2", "a", "0..3", ""]:
        with pytest.raises(ValueError):
            parse_int_set(bad, "depth")


@settings(max_examples=60, deadline=None)
@given(
    depth=st.sets(st.integers(1, 3), min_size=1),
    wmax=st.integers(1, 4),
    rs=st.sets(st.integers(1, 3), min_size=1),
    non_inc=st.booleans(),
    d0=st.none() | st.integers(1, 4),
    dL=st.none() | st.integers(1, 4),
    max_params=st.none() | st.integers(1, 40),
)
def test_grid_filters_order_and_completeness(depth, wmax, rs, non_inc, d0, dL, max_params):
    jobs = grid_architectures(",".join(map(str, depth)), f"1..{wmax}", ",".join(map(str, rs)),
                              non_increasing=non_inc, d0=d0, dL=dL, max_params=max_params)
    got = [(a.depth, a.widths, a.activation) for a in jobs]
    assert got == sorted(got) and len(set(got)) == len(got)
    for L, ws, r in got:
        assert L in depth and r in rs and len(ws) == L + 1 and all(1 <= w <= wmax for w in ws)
        assert not non_inc or list(ws) == sorted(ws, reverse=True)
        assert d0 is None or ws[0] == d0
        assert dL is None or ws[-1] == dL
        assert max_params is None or Architecture(ws, r).num_params <= max_params
    # completeness: count the architectures passing the filters among all wmax^(L+1) width vectors
    expected = 0
    for L in depth:
        for code in range(wmax ** (L + 1)):
            ws = [code // wmax**i % wmax + 1 for i in range(L + 1)]
            if ((not non_inc or ws == sorted(ws, reverse=True)) and (d0 is None or ws[0] == d0)
                    and (dL is None or ws[-1] == dL)
                    and (max_params is None or sum(a * b for a, b in zip(ws, ws[1:])) <= max_params)):
                expected += len(rs)
    assert len(jobs) == expected
    # the grid is counted by combinatorics, without enumerating it
    grid = Grid.parse(",".join(map(str, depth)), f"1..{wmax}", ",".join(map(str, rs)), non_increasing=non_inc,
                      d0=d0, dL=dL, max_params=max_params)
    assert tuple(grid.count()) == (expected, True)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=2, max_size=6), st.data())
def test_labels_round_trip(widths, data):
    hidden = len(widths) - 2
    r = data.draw(st.integers(1, 5) | st.lists(st.integers(1, 5), min_size=hidden, max_size=hidden)
                  if hidden else st.integers(1, 5))
    job = Architecture(widths, r)
    back = row_architecture(widths_label(job), activation_label(job))
    assert job_key(back) == job_key(job) == (tuple(widths), Architecture(widths, r).r)
    assert widths_label(back) == widths_label(job) and activation_label(back) == activation_label(job)
    # the --dry-run line format parses back too
    line = f"{','.join(map(str, widths))} {activation_label(job).strip('[]').replace(' ', '')}"
    assert line == arch_line(job)
    assert [job_key(a) for a in parse_architecture_line(line)] == [job_key(job)]


def test_collect_dedupes_and_keeps_order(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("2,2,2 2\n3,3,3 2\n")
    jobs = collect_architectures(f, ["3,3,3 [2]", "4,4,4 3", ((2, 2, 2), 3)], depth=2, widths=2)
    assert [job_label(a) for a in jobs] == ["[2, 2, 2] r=2", "[3, 3, 3] r=2", "[4, 4, 4] r=3", "[2, 2, 2] r=3"]
    with pytest.raises(ValueError, match="depth"):
        collect_architectures(widths="1..3")


# ------------------------------------------------------------------------------------------------
# Running sweeps (fake compute)
# ------------------------------------------------------------------------------------------------
# A job stuck forever is killed at this timeout; every other fake job takes microseconds, so even a
# heavily loaded machine does not push one past it.
STUCK_TIMEOUT = 4


def test_headers_rows_and_dataframe(tmp_path):
    archs = ["3,3,3 2", "3,4,5,6 2,3", "1,1,1 2", "1,2,1 2", "2,2,3 2"]
    df = _sweep(archs, tmp_path, timeout=STUCK_TIMEOUT)
    res, to, err = _read(tmp_path / "results.csv"), _read(tmp_path / "timeout.csv"), _read(tmp_path / "errors.csv")
    assert res[0][:7] == SPEC_RESULT_HEADER
    assert res[0] == list(RESULT_COLUMNS) + ["Certified", "Upper Bound", "Bound", "Method", "Primes", "Trials",
                                             "Error Bound"]
    assert to[0] == ["Widths", "Activation"] == list(TIMEOUT_COLUMNS)
    assert err[0] == list(ERROR_COLUMNS)
    by_arch = {(r[0], r[1]): r for r in res[1:]}
    assert set(by_arch) == {("[3, 3, 3]", "2"), ("[3, 4, 5, 6]", "[2, 3]"), ("[2, 2, 3]", "2")}
    for (w, a), row in by_arch.items():
        arch = row_architecture(w, a)
        exp_dim = arch.expected_dim - (1 if sum(arch.widths) % 5 == 0 else 0)
        assert [int(x) for x in row[2:6]] == [arch.ambient_dim, arch.expected_dim, exp_dim, arch.expected_dim - exp_dim]
        assert 0 <= float(row[6]) < 1 and row[11] == "[101, 103]"
    assert to[1:] == [["[1, 1, 1]", "2"]]
    assert [r[:3] for r in err[1:]] == [["[1, 2, 1]", "2", "ValueError: boom"]]
    # the DataFrame: the tidy results rows in the requested order, plus what went elsewhere
    assert list(df["widths"]) == [(3, 3, 3), (3, 4, 5, 6), (2, 2, 3)]
    assert list(df.columns[:15]) == SPEC_TIDY_COLUMNS == list(TIDY_COLUMNS)
    assert list(df.columns[15:]) == ["upper_bound", "bound", "method", "primes", "trials", "error_bound"]
    assert df.attrs["timeouts"] == ["[1, 1, 1] 2"] and df.attrs["errors"] == ["[1, 2, 1] 2"]
    s = df.attrs["summary"]
    assert (s.done, s.timeout, s.error, s.skipped, s.total) == (3, 1, 1, 0, 5)


def test_timeout_kills_the_process_and_replaces_the_worker(tmp_path, monkeypatch):
    piddir = tmp_path / "pids"
    piddir.mkdir()
    monkeypatch.setenv("NV_SWEEP_TEST_DIR", str(piddir))
    # One worker: the jobs after the stuck one can only run if it was replaced.
    t0 = time.monotonic()
    df = _sweep(["1,1,1 2", "2,2,2 2", "3,3,3 2"], tmp_path, jobs=1, timeout=STUCK_TIMEOUT)
    elapsed = time.monotonic() - t0
    assert _read(tmp_path / "timeout.csv")[1:] == [["[1, 1, 1]", "2"]]
    assert list(df["widths"]) == [(2, 2, 2), (3, 3, 3)]
    stuck = [int(p.read_text()) for p in piddir.glob("*-1_1_1.pid")]
    others = {int(p.read_text()) for p in piddir.glob("*.pid")} - set(stuck)
    assert len(stuck) == 1 and not _alive(stuck[0]), "the timed-out job's process must be gone"
    assert df.attrs["summary"].killed_pids == stuck
    assert stuck[0] not in others  # the later jobs ran in a fresh worker
    assert len(others) == 1  # ...which was reused for both of them
    assert elapsed < 30  # nowhere near the stuck job's 3600 s


def test_crashes_go_to_errors_and_the_sweep_continues(tmp_path):
    df = _sweep(["1,2,1 2", "1,3,1 2", "2,1,1 2", "3,3,3 2"], tmp_path, jobs=1)
    err = {(r[0], r[1]): r[2] for r in _read(tmp_path / "errors.csv")[1:]}
    assert err[("[1, 2, 1]", "2")] == "ValueError: boom"
    assert err[("[1, 3, 1]", "2")] == "worker process exited with code 7"
    assert err[("[2, 1, 1]", "2")] == "MemoryError: too big"
    assert list(df["widths"]) == [(3, 3, 3)]


def test_memory_limit_turns_huge_allocations_into_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("NV_SWEEP_TEST_ALLOC", "1")
    df = _sweep(["2,2,2 2", "3,3,3 2"], tmp_path, jobs=1, memory_limit_mb=4000)
    err = _read(tmp_path / "errors.csv")[1:]
    assert [r[:2] for r in err] == [["[2, 2, 2]", "2"]] and err[0][2].startswith("MemoryError")
    assert list(df["widths"]) == [(3, 3, 3)]


def test_resume_skips_everything_and_never_duplicates(tmp_path):
    full = ["1,1,1 2", "1,2,1 2", "2,2,2 2", "3,3,3 2", "3,4,5,6 2,3", "2,2,3 2", "4,3,2,1 2"]
    ref = tmp_path / "ref"
    ref.mkdir()
    _sweep(full, ref, timeout=STUCK_TIMEOUT)
    _sweep(full[:4], tmp_path, timeout=STUCK_TIMEOUT)
    with pytest.raises(FileExistsError, match="resume"):
        _sweep(full, tmp_path, timeout=STUCK_TIMEOUT)
    df = _sweep(full, tmp_path, timeout=STUCK_TIMEOUT, resume=True)
    s = df.attrs["summary"]
    assert (s.skipped, s.done + s.timeout + s.error) == (4, 3)
    for name in ("results.csv", "timeout.csv", "errors.csv"):
        got, want = _rows_without_time(tmp_path / name), _rows_without_time(ref / name)
        assert sorted(got) == sorted(want) and len(set(got)) == len(got)
    # nothing left: a further resume runs nothing and leaves the files as they are
    before = (tmp_path / "results.csv").read_bytes()
    df = _sweep(full, tmp_path, timeout=STUCK_TIMEOUT, resume=True)
    assert df.attrs["summary"].skipped == len(full)
    assert (tmp_path / "results.csv").read_bytes() == before
    assert list(df["widths"]) == [(2, 2, 2), (3, 3, 3), (3, 4, 5, 6), (2, 2, 3), (4, 3, 2, 1)]


def test_overwrite_and_torn_last_line(tmp_path):
    _sweep(["2,2,2 2", "3,3,3 2"], tmp_path)
    p = tmp_path / "results.csv"
    data = p.read_bytes()
    p.write_bytes(data[: len(data) - 10])  # a writer killed mid-row
    with pytest.warns(SweepWarning, match=r"results\.csv:3: dropped a torn row"):
        df = _sweep(["2,2,2 2", "3,3,3 2"], tmp_path, resume=True)
    assert df.attrs["summary"].done == 1 and len(_read(p)) == 3
    assert sorted(r[0] for r in _read(p)[1:]) == ["[2, 2, 2]", "[3, 3, 3]"]
    df = _sweep(["4,4,4 2"], tmp_path, overwrite=True)
    assert [r[0] for r in _read(p)[1:]] == ["[4, 4, 4]"]
    # a foreign file is not appended to, nor touched
    p.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="header"):
        _sweep(["4,4,4 2"], tmp_path, resume=True)
    assert p.read_text() == "a,b\n1,2\n"


def test_seeds_are_per_architecture_and_order_independent(tmp_path):
    archs = ["2,2,2 2", "3,3,3 2", "3,4,5,6 2,3", "2,3,4 3"]
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    da = _sweep(archs, a, seed=7, method="evaluation", trials=3)
    db = _sweep(archs, b, seed=7, method="evaluation", trials=3, shuffle=True, jobs=1)
    assert list(da["bound"]) == list(db["bound"])
    assert len(set(da["bound"])) == len(archs) and "seed=None" not in set(da["bound"])
    assert set(da["method"]) == {"evaluation"} and set(da["trials"]) == {3}


def test_compute_must_be_sendable(tmp_path):
    with pytest.raises(ValueError, match="module-level"):
        _sweep(["2,2,2 2"], tmp_path, compute=lambda a, **k: 1)
    with pytest.raises(ValueError, match="cannot import"):
        _sweep(["2,2,2 2"], tmp_path, compute="no_such_module_xyz:f")
    with pytest.raises(ValueError, match="timeout"):
        _sweep(["2,2,2 2"], tmp_path, timeout=0)
    assert not (tmp_path / "results.csv").exists()


def test_returns_the_frame_load_results_returns(tmp_path):
    pd = pytest.importorskip("pandas")
    from neurovariety.analysis import load_results

    df = _sweep(["3,3,3 2", "3,4,5,6 2,3", "2,2,3 2", "3,4 5"], tmp_path, jobs=1, seed=1)
    loaded = load_results(tmp_path / "results.csv")
    assert list(df["widths"]) == list(loaded["widths"])  # jobs=1: the file is in the requested order
    pd.testing.assert_frame_equal(df, loaded[df.columns], check_dtype=False)


# ------------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------------
def test_cli_validates_before_any_job(tmp_path):
    from click.testing import CliRunner

    from neurovariety.cli.sweep import sweep

    piddir = tmp_path / "pids"
    piddir.mkdir()
    runner = CliRunner()
    env = {"NV_SWEEP_TEST_DIR": str(piddir)}
    f = tmp_path / "archs.txt"
    f.write_text("3,3,3 2\n# ok\n3,x,3 2\n")
    out = tmp_path / "r.csv"
    base = ["--compute", FAKE, "--out", str(out), "-q"]
    cases = [
        ([str(f)], "archs.txt:3"),
        (["--arch", "3,-1,3 2"], "width d1"),
        (["--depth", "2"], "widths"),
        (["--r", "2,3"], "depth"),
        (["--arch", "3,3,3 2", "--out", str(tmp_path / "nope" / "r.csv")], "nope"),
        (["--arch", "3,3,3 2", "--timeouts", str(out)], "different files"),
        (["--arch", "3,3,3 2", "--resume", "--overwrite"], "mutually exclusive"),
        (["--arch", "3,3,3 2", "--primes", "x"], "primes"),
        ([], "no architectures"),
    ]
    for args, msg in cases:
        extra = ["--compute", FAKE, "-q"] + ([] if "--out" in args else ["--out", str(out)])
        res = runner.invoke(sweep, args + extra, env=env)
        assert res.exit_code != 0, args
        assert msg in res.output, (args, res.output)
        assert "Traceback" not in res.output
    assert not out.exists() and not list(piddir.iterdir())
    # an existing output needs --resume or --overwrite
    out.write_text("Widths,Activation\n")
    res = runner.invoke(sweep, ["--arch", "3,3,3 2"] + base, env=env)
    assert res.exit_code == 1 and "--resume" in res.output and "--overwrite" in res.output
    res = runner.invoke(sweep, ["--depth", "2", "--widths", "1..2", "--d0", "2", "--dL", "1", "--dry-run"] + base)
    assert res.exit_code == 0 and res.stdout.splitlines() == ["2,1,1 2", "2,2,1 2"]


def test_cli_grid_run(tmp_path):
    from click.testing import CliRunner

    from neurovariety.cli.sweep import sweep

    out = tmp_path / "r.csv"
    res = CliRunner().invoke(sweep, ["--depth", "2", "--widths", "2..3", "--r", "2,3", "--non-increasing",
                                     "--max-params", "15", "--jobs", "2", "--timeout", "60",
                                     "--compute", FAKE, "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = _read(out)[1:]
    want = {(widths_label(a), activation_label(a)) for a in grid_architectures(
        2, "2..3", "2,3", non_increasing=True, max_params=15)}
    assert {(r[0], r[1]) for r in rows} == want and len(rows) == len(want) == 6
    assert "sweep finished: 6 done, 0 timed out, 0 errors" in res.stderr


@pytest.mark.parametrize("sig,entry", [(signal.SIGINT, "command"), (signal.SIGTERM, "command"),
                                       (signal.SIGINT, "main"), (signal.SIGTERM, "main")])
def test_cli_interrupted_then_resumed_equals_uninterrupted(tmp_path, sig, entry):
    archs = ["--depth", "2", "--widths", "2..4", "--r", "2"]  # 27 architectures, 9 of them with d0 = 4
    common = ["--jobs", "2", "--timeout", "3600", "--compute", FAKE]
    gate = tmp_path / "gate"
    env = _subprocess_env(NV_SWEEP_TEST_GATE=str(gate))  # d0 = 4 jobs wait for the gate
    ref_dir = tmp_path / "ref"
    ref_dir.mkdir()
    _sweep(grid_architectures(2, "2..4", 2), ref_dir)  # the uninterrupted run
    ref, part = ref_dir / "results.csv", tmp_path / "part.csv"
    proc = subprocess.Popen(_cli_cmd(*archs, *common, "--out", str(part), entry=entry), env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        # the 18 ungated jobs are done, two gated ones are running: the sweep cannot finish now
        _wait_for(lambda: _n_lines(part) == 1 + 18, "18 rows")
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 128 + sig, stderr
    assert "sweep interrupted" in stderr and "--resume" in stderr
    assert "Traceback" not in stderr
    n_part = len(_read(part)) - 1
    assert 5 <= n_part < 27
    gate.write_text("open")
    subprocess.run(_cli_cmd(*archs, *common, "--out", str(part), "--resume"), env=env, check=True, timeout=300)
    got, want = _rows_without_time(part), _rows_without_time(ref)
    assert len(got) == len(set(got)) == 27
    assert sorted(got) == sorted(want)


def test_killed_parent_takes_its_workers_along(tmp_path):
    piddir = tmp_path / "pids"
    piddir.mkdir()
    env = _subprocess_env(NV_SWEEP_TEST_DIR=str(piddir), NV_SWEEP_TEST_SLEEP="3600")
    proc = subprocess.Popen(_cli_cmd("--arch", "2,2,2 2", "--arch", "3,3,3 2", "--jobs", "2",
                                     "--timeout", "3600", "--compute", FAKE, "-q",
                                     "--out", str(tmp_path / "r.csv")), env=env)
    _wait_for(lambda: len(list(piddir.iterdir())) >= 2, "both workers' pid files")
    pids = [int(p.read_text()) for p in piddir.iterdir()]
    assert len(pids) == 2 and all(_alive(p) for p in pids)
    proc.kill()
    proc.wait(timeout=60)
    _wait_for(lambda: not any(_alive(p) for p in pids), "the workers to die with their parent", deadline=60)
    assert not any(_alive(p) for p in pids)


# ------------------------------------------------------------------------------------------------
# Dask
# ------------------------------------------------------------------------------------------------
def test_dask_gives_the_same_rows_as_local(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    archs = ["3,3,3 2", "3,4,5,6 2,3", "1,1,1 2", "1,2,1 2", "1,3,1 2", "2,2,3 2", "4,3,2,1 2", "2,2,2 3"]
    local, remote = tmp_path / "local", tmp_path / "dask"
    local.mkdir(), remote.mkdir()
    piddir = tmp_path / "pids"
    piddir.mkdir()
    _sweep(archs, local, timeout=STUCK_TIMEOUT, seed=3)
    monkeypatch.setenv("NV_SWEEP_TEST_DIR", str(piddir))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        df = _sweep(archs, remote, timeout=STUCK_TIMEOUT, seed=3, scheduler=cluster.scheduler_address)
    for name in ("results.csv", "timeout.csv", "errors.csv"):
        got, want = _rows_without_time(remote / name), _rows_without_time(local / name)
        assert sorted(got) == sorted(want), name
    assert len(df) == 5 and df.attrs["timeouts"] == ["[1, 1, 1] 2"]
    stuck = [int(p.read_text()) for p in piddir.glob("*-1_1_1.pid")]
    assert len(stuck) == 1 and not _alive(stuck[0])
    # resume through Dask: nothing to do, nothing duplicated
    df = _sweep(archs, remote, timeout=STUCK_TIMEOUT, seed=3, scheduler=None, resume=True)
    assert df.attrs["summary"].skipped == len(archs)


# ------------------------------------------------------------------------------------------------
# The real engine
# ------------------------------------------------------------------------------------------------
def test_real_dimension_sweep(tmp_path):
    nv = pytest.importorskip("neurovariety")
    if not hasattr(nv, "dimension"):
        pytest.skip("core engine not available")
    # SPEC §3 facts: (2,2,3) is a hypersurface (dim 8); (3,2,1) and (2,1,2,1) are defective.
    archs = {"2,2,3 2": 8, "3,2,1 2": 5, "3,3,3 2": 15, "2,1,2,1 2": 2, "6,6,1 2": 21, "3,5,1 4": 14}
    huge = "60,60,60,60,60 2"  # ~14,000 x 14,400 rank: tens of seconds, must be killed at the timeout
    df = run_sweep([huge, *archs], timeout=5, jobs=2, out=tmp_path / "results.csv", seed=11, progress=False)
    assert list(df["dimension"]) == list(archs.values())
    for _, row in df.iterrows():
        a = Architecture(row["widths"], row["r"])
        assert (row["ambient"], row["expected"]) == (a.ambient_dim, a.expected_dim)
        assert row["defect"] == a.expected_dim - row["dimension"]
    assert [bool(c) for w, c in zip(df["widths"], df["certified"]) if w == (3, 3, 3)] == [True]
    assert df.attrs["timeouts"] == ["[60, 60, 60, 60, 60] 2"]
    (pid,) = df.attrs["summary"].killed_pids
    assert not _alive(pid)
