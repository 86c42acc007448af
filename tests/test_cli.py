"""The installed `neurovariety` command: summaries, JSON, help, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

COMMANDS = ["dim", "sweep", "analyze", "reproduce", "equations", "learn", "learn-sweep", "learning-degree", "ed-degree",
            "threshold", "filling", "degree", "member", "identifiability", "hilbert"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from neurovariety.cli import main; main()", *args],
        capture_output=True, text=True, timeout=120,
    )


def test_dim_summary():
    out = run("dim", "3,3,3", "-r", "2", "--seed", "0")
    assert out.returncode == 0, out.stderr
    assert "dimension           15" in out.stdout
    assert "certified" in out.stdout


def test_dim_json_keys_and_values():
    out = run("dim", "2,1,2,1", "-r", "2", "--json", "--seed", "0")
    data = json.loads(out.stdout)
    for key in ("widths", "r", "ambient", "expected", "dimension", "defect", "certified", "method", "seconds"):
        assert key in data
    assert (data["widths"], data["r"], data["expected"], data["dimension"], data["certified"]) == ([2, 1, 2, 1], 2, 3, 2, True)


def test_dim_per_layer_exponents():
    data = json.loads(run("dim", "3,3,3,2", "-r", "2,3", "--json").stdout)
    assert data["r"] == [2, 3] and data["ambient"] == 2 * 28


def test_help_lists_every_command():
    from click.testing import CliRunner

    from neurovariety.cli import cli

    out = run("--help")  # the installed entry point, once
    assert out.returncode == 0
    runner = CliRunner()
    for command in COMMANDS:  # each command's help in-process (a subprocess each costs ~1 s)
        assert command in out.stdout
        res = runner.invoke(cli, [command, "--help"])
        assert res.exit_code == 0 and "Usage:" in res.output, (command, res.output)


@pytest.mark.parametrize(
    "args,needle",
    [
        (["dim", "3,x,3"], "could not parse widths"),
        (["dim", "3,0,3"], "width d1"),
        (["dim", "3,4,5", "-r", "2,3"], "one entry per hidden layer"),
        (["dim", "3,3,3", "--primes", "100"], "not prime"),
        (["dim", "3,3,3", "--method", "magic"], "magic"),
        (["nonsense"], "No such command"),
    ],
)
def test_invalid_input_is_one_line_without_traceback(args, needle):
    out = run(*args)
    assert out.returncode != 0
    assert needle in out.stderr
    assert "Traceback" not in out.stderr
    assert len([line for line in out.stderr.splitlines() if line.strip().startswith("Error")]) == 1
