"""The one progress policy (neurovariety._progress): automatic (a bar on a terminal or a notebook
with ipywidgets, silent otherwise), ``progress=`` and ``NEUROVARIETY_PROGRESS`` overrides, and
sparse plain lines in log files (at most one per 10 % of the work or per 30 s).

The subprocess tests run real library calls and commands with stderr on a pipe or a file and
count what they write.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neurovariety import _progress
from neurovariety._progress import ENV_PROGRESS, ProgressBar, _LogBar, cli_progress, progress_bar, progress_enabled


class _Clock:
    """A fake ``time.monotonic`` advanced by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv(ENV_PROGRESS, raising=False)
    return monkeypatch


def test_automatic_choice_follows_the_terminal(no_env):
    no_env.setattr(sys, "stderr", io.StringIO())
    assert progress_enabled(None) is False and progress_enabled(True) is True
    assert type(progress_bar(10, "x")) is ProgressBar  # the silent one
    no_env.setattr(sys, "stderr", _Terminal())
    assert progress_enabled(None) is True and progress_enabled(False) is False


@pytest.mark.parametrize(("value", "expected"), [("0", False), ("off", False), ("no", False), ("1", True), ("ON", True),
                                                 ("true", True), ("auto", False), ("", False), ("bogus", False)])
def test_environment_switch_replaces_the_automatic_choice(no_env, value, expected):
    no_env.setattr(sys, "stderr", io.StringIO())  # not a terminal: "auto" means off
    no_env.setenv(ENV_PROGRESS, value)
    assert progress_enabled(None) is expected
    assert progress_enabled(not expected) is (not expected)  # an explicit argument wins


def test_notebook_uses_widgets_only_when_ipywidgets_is_there(no_env):
    no_env.setattr(sys, "stderr", io.StringIO())
    no_env.setattr(_progress, "_in_notebook", lambda: True)
    no_env.setattr(_progress, "_widgets_available", lambda: False)
    assert progress_enabled(None) is False
    assert isinstance(progress_bar(10, "x", progress=True), _LogBar)  # forced on, no widgets: plain lines
    no_env.setattr(_progress, "_widgets_available", lambda: True)
    assert progress_enabled(None) is True


def test_forced_progress_on_a_log_file_is_plain_lines(no_env):
    no_env.setattr(sys, "stderr", io.StringIO())
    assert isinstance(progress_bar(10, "x", progress=True), _LogBar)


@given(total=st.integers(1, 5000), step=st.integers(1, 50))
def test_log_lines_at_most_one_per_tenth(total, step):
    stream = io.StringIO()
    bar = _LogBar(total, "work", "it", stream)
    done = 0
    while done < total:
        n = min(step, total - done)
        bar.update(n)
        done += n
    bar.close()
    lines = stream.getvalue().splitlines()
    assert 1 <= len(lines) <= 11 and "\r" not in stream.getvalue()
    assert lines[-1].startswith(f"work: {total}/{total} it")


def test_log_lines_every_thirty_seconds_without_a_total(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(_progress.time, "monotonic", clock)
    stream = io.StringIO()
    bar = _LogBar(None, "loops", "loop", stream)
    for _ in range(300):  # 300 updates over 150 simulated seconds: a line at 30, 60, ..., 150 s
        clock.now += 0.5
        bar.update()
    bar.set_postfix(points=7)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 6, lines
    assert lines[0] == "loops: 60 loop in 30 s" and lines[-1] == "loops: 300 loop in 150 s (points=7)"


def test_cli_default(no_env, tmp_path):
    assert cli_progress(quiet=True) is False
    no_env.setattr(sys, "stderr", _Terminal())
    assert cli_progress() is None  # a bar (tqdm) on a terminal
    no_env.setattr(sys, "stderr", io.StringIO())
    assert cli_progress() is None  # no descriptor (click's test runner): silent
    with open(tmp_path / "log", "w") as log:
        no_env.setattr(sys, "stderr", log)
        assert cli_progress() is True  # a log file: sparse lines
        no_env.setenv(ENV_PROGRESS, "0")
        assert cli_progress() is None and progress_enabled(cli_progress()) is False
    read, write = os.pipe()
    with os.fdopen(read), os.fdopen(write, "w") as pipe:
        no_env.delenv(ENV_PROGRESS)
        no_env.setattr(sys, "stderr", pipe)
        assert cli_progress() is None and progress_enabled(None) is False  # a pipe: silent


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != ENV_PROGRESS}


_LIBRARY = textwrap.dedent("""
    import neurovariety as nv
    from neurovariety import learning as lm
    X, Y = lm.make_data((2, 2, 3), 2, seed=4)
    lm.count_learned_functions(lm.train((2, 2, 3), 2, X, Y, runs=200, seed=1))
    nv.dimensions([((3, 3, 3), 2), ((3, 2, 1), 2), ((2, 2, 2, 2), 3)])
    nv.learning_degree((2, 2, 3), 2, seed=0)
    print("done")
""")


@pytest.mark.parametrize("where", ["pipe", "file"])
def test_library_calls_write_under_2kb_to_a_non_terminal(tmp_path, where):
    log = tmp_path / "stderr.log"
    with open(log, "wb") as fh:
        out = subprocess.run([sys.executable, "-c", _LIBRARY], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE if where == "pipe" else fh, env=_env(), timeout=600)
    err = out.stderr if where == "pipe" else log.read_bytes()
    assert out.returncode == 0, err.decode()[-2000:]
    assert out.stdout.decode().strip() == "done"
    assert len(err) < 2048, err.decode()[:2048]


def test_library_progress_forced_by_the_environment_is_sparse_in_a_log(tmp_path):
    log = tmp_path / "stderr.log"
    with open(log, "wb") as fh:
        out = subprocess.run([sys.executable, "-c", _LIBRARY], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=fh, env={**_env(), ENV_PROGRESS: "1"}, timeout=600)
    text = log.read_text()
    assert out.returncode == 0, text[-2000:]
    lines = text.splitlines()
    assert lines and "\r" not in text and len(lines) <= 60, text[:3000]
    assert any(line.startswith("training 200 runs") for line in lines)


def _command_log(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    log = cwd / "log"
    with open(log, "wb") as fh:  # `neurovariety ... > log 2>&1`
        rc = subprocess.run([sys.executable, "-m", "neurovariety", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=fh, stderr=subprocess.STDOUT, env=env, timeout=900).returncode
    return rc, log.read_text()


def test_reproduce_into_a_log_file_writes_a_few_lines(tmp_path):
    """``neurovariety reproduce --quick --step sweep --step checks > log 2>&1``: sparse plain lines."""
    rc, text = _command_log(["reproduce", "--quick", "--step", "sweep", "--step", "checks", "-j", "1", "-o", "rep"],
                            tmp_path, _env())
    assert rc == 0, text[-2000:]
    lines = text.splitlines()
    assert "\r" not in text and len(lines) <= 60, text
    assert sum(line.startswith("sweep: ") for line in lines) <= 11  # at most one line per 10 %
    assert lines[-1].startswith("wrote rep/index.html; checks:")


@pytest.mark.slow
def test_whole_quick_reproduce_into_a_log_file(tmp_path):
    """Every step of ``neurovariety reproduce --quick > log 2>&1`` (about a minute): a few dozen lines."""
    rc, text = _command_log(["reproduce", "--quick", "-o", "rep"], tmp_path, _env())
    assert rc == 0, text[-2000:]
    assert "\r" not in text and len(text.splitlines()) <= 200, text


def test_a_command_on_a_pipe_is_silent_and_quiet_is_silent_in_a_log(tmp_path):
    env = _env()
    out = subprocess.run([sys.executable, "-m", "neurovariety", "learn", "2,2,3", "--runs", "100", "--seed", "0"],
                         cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0 and out.stderr == "", out.stderr[:2000]
    rc, text = _command_log(["learn", "2,2,3", "--runs", "100", "--seed", "0", "-q"], tmp_path, env)
    assert rc == 0 and not any(line.startswith("training ") for line in text.splitlines()), text
    rc, text = _command_log(["learn", "2,2,3", "--runs", "100", "--seed", "0"], tmp_path, env)
    training = [line for line in text.splitlines() if line.startswith("training 100 runs")]
    assert rc == 0 and 1 <= len(training) <= 11, text
