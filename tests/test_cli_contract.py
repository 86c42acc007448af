"""The one CLI contract: short help for every command, the shared options, and every ``Example:``
line of every command's help runs as printed (JSON examples print one object, ``r`` never text).

The examples run in order in one directory through a shell, with ``neurovariety`` resolving to
this interpreter's package, so that e.g. the ``analyze`` example reads the ``results.csv`` the
``sweep`` example wrote.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest

from neurovariety.cli import COMMANDS, cli

#: Examples too slow for the test suite, with the reason.
SLOW = {
    "reproduce": "multi-minute: the whole pipeline (sweep of ~8,800 architectures, checks, Example 4.4, learning); "
                 "tests/test_analysis.py runs its --quick form",
}

_HEADER = re.compile(r"^\s*Examples?:\s*$")


def _help(*args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "neurovariety", *args], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "COLUMNS": "100"})
    assert out.returncode == 0, out.stderr
    return out.stdout


def _examples(help_text: str) -> list[str]:
    lines, out, inside = help_text.splitlines(), [], False
    for line in lines:
        if _HEADER.match(line):
            inside = True
            continue
        if inside and not line.strip():
            inside = False
        if inside and line.strip().startswith("neurovariety "):
            out.append(line.strip())
    return out


def _command(name: str) -> click.Command:
    cmd = cli.get_command(click.Context(cli), name)
    assert cmd is not None, name
    return cmd


def _flags(cmd: click.Command) -> set[str]:
    return {opt for p in cmd.params for opt in (*p.opts, *p.secondary_opts)}


def test_every_command_has_a_short_help_and_the_overview_cuts_none():
    missing = [name for name in COMMANDS if not _command(name).short_help]
    assert not missing, f"give these commands a short_help: {missing}"
    overview = _help("--help")
    commands = overview[overview.index("Commands:"):]
    assert "..." not in commands, commands


@pytest.mark.parametrize("name", list(COMMANDS))
def test_shared_options(name):
    cmd = _command(name)
    flags = _flags(cmd)
    assert {"--json", "-q", "--quiet"} <= flags, f"{name}: every command takes --json and -q/--quiet"
    if "--out" in flags:
        assert "-o" in flags, f"{name}: --out needs the short form -o"
    exponent = [p for p in cmd.params if p.name in ("r", "r_values")]
    for p in exponent:
        assert "-r" in p.opts, f"{name}: the exponent option is -r"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A directory for the examples and an environment whose ``neurovariety`` is this interpreter's."""
    root = tmp_path_factory.mktemp("examples")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "neurovariety"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m neurovariety "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "NEUROVARIETY_PROGRESS": "0"}
    work = root / "work"
    work.mkdir()
    return work, env


def _check_r(value: object, where: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "r":
                ok = isinstance(item, int) or (isinstance(item, list) and all(isinstance(x, int) for x in item))
                assert ok and not isinstance(item, bool), f"{where}: r must be an int or a list of ints, got {item!r}"
            _check_r(item, where)
    elif isinstance(value, list):
        for item in value:
            _check_r(item, where)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_examples_run_as_printed(name, workdir):
    examples = _examples(_help(name, "--help"))
    assert examples, f"neurovariety {name} --help shows no 'Example:' line"
    if name in SLOW:
        pytest.skip(f"{name}: {SLOW[name]}")
    work, env = workdir
    if name == "analyze" and not (work / "results.csv").exists():  # run alone: the sweep example's output
        subprocess.run(["neurovariety", "sweep", "--arch", "3,2,1 2", "-o", "results.csv"], cwd=work, env=env,
                       check=True, capture_output=True, timeout=120)
    for line in examples:
        out = subprocess.run(line, shell=True, cwd=work, env=env, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, f"{line}\n{out.stderr[-2000:]}"
        assert "Traceback" not in out.stderr, f"{line}\n{out.stderr[-2000:]}"
        if "--json" in line.split():
            doc = json.loads(out.stdout)
            assert isinstance(doc, dict) and doc["schema"] == "neurovariety/1", line
            _check_r(doc, line)
