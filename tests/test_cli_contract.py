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


#: Examples that take 10 s or more: run with ``-m slow`` (tests/test_learning.py and tests/test_analysis.py
#: run these commands by default).
HEAVY = {"learn-sweep", "analyze"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in HEAVY else n for n in COMMANDS])
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


#: A quick ``--json`` run of every command (the examples above cover the slow forms); ``{out}``
#: is a fresh directory. Every object carries the whole contract.
JSON_RUNS = {
    "dim": "dim 3,4 -r 5 --json",
    "sweep": "sweep --arch '3,2,1 2' -o {out}/results.csv --seed 3 --json",
    "analyze": None,  # reads the sweep's results.csv: checked in test_json_contract_of_analyze
    "reproduce": None,  # multi-minute, see SLOW
    "equations": "equations 2,2,3 -r 2 --seed 1 --json",
    "learn": "learn 2,2,3 -r 2 --runs 20 --seed 0 -o {out} --json",
    "learn-sweep": "learn-sweep 2,2,3 -r 2 --datasets 3 --runs 2 --seed 0 -o {out} --json",
    "learning-degree": "learning-degree 2,2,3 -r 2 --seed 0 --json",
    "ed-degree": "ed-degree 2,1,1 -r 2 --seed 0 --json",
    "degree": "degree 2,1,1 -r 2 --seed 0 --json",
    "member": "member 2,1,1 '[[1, 4, 4]]' -r 2 --seed 0 --json",
    "identifiability": "identifiability 2,1,1 -r 2 --seed 0 --json",
    "hilbert": "hilbert 2,2,3 -r 2 --max-degree 2 --json",
    "threshold": "threshold 3,2,1 --seed 0 --json",
    "filling": "filling --d0 2 --dL 1 -r 2 --depth 3 --max-width 3 --seed 0 --json",
}


def _check_document(doc: object, where: str) -> None:
    """The shared schema: schema/kind/version/seed/statement, widths lists of ints, r never text."""
    assert isinstance(doc, dict), where
    assert doc["schema"] == "neurovariety/1" and isinstance(doc["kind"], str) and doc["kind"], where
    assert isinstance(doc["version"], str) and doc["version"][0].isdigit(), where
    assert "seed" in doc and (doc["seed"] is None or isinstance(doc["seed"], int)), f"{where}: seed {doc.get('seed')!r}"
    assert isinstance(doc.get("statement"), str) and len(doc["statement"]) > 20, f"{where}: no statement"
    if "widths" in doc:
        assert isinstance(doc["widths"], list) and all(isinstance(w, int) for w in doc["widths"]), where
    _check_r(doc, where)


def test_json_runs_cover_every_command():
    assert set(JSON_RUNS) == set(COMMANDS)


@pytest.mark.parametrize("name", [n for n, line in JSON_RUNS.items() if line])
def test_json_contract(name, workdir, tmp_path):
    _, env = workdir
    line = "neurovariety " + JSON_RUNS[name].format(out=tmp_path)
    out = subprocess.run(line, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"{line}\n{out.stderr[-2000:]}"
    assert out.stdout.count("\n") == 1, f"{line}: one JSON object, one line\n{out.stdout[:500]}"
    doc = json.loads(out.stdout)
    _check_document(doc, line)
    if name == "dim":  # `dim 3,4 -r 5 --json` once printed "r": 2
        assert (doc["widths"], doc["r"], doc["seed"]) == ([3, 4], 5, None)
    if name in ("learn", "learn-sweep"):  # the files written hold the same document
        written = json.loads((tmp_path / ("summary.json" if name == "learn" else "sweep.json")).read_text())
        _check_document(written, f"{line}: file")
        assert written == doc
        assert (doc["widths"], doc["r"], doc["seed"]) == ([2, 2, 3], 2, 0)
    if name == "sweep":
        assert doc["seed"] == 3 and doc["done"] == 1


def test_json_contract_of_analyze(workdir, tmp_path):
    _, env = workdir
    subprocess.run(["neurovariety", "sweep", "--arch", "3,2,1 2", "-o", "results.csv", "-q"], cwd=tmp_path, env=env,
                   check=True, capture_output=True, timeout=120)
    out = subprocess.run(["neurovariety", "analyze", "results.csv", "-o", "rep", "--json"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    doc = json.loads(out.stdout)
    _check_document(doc, "analyze --json")
    assert doc["rows"] == 1 and doc["failing"] == [] and "nonincreasing_dl1" in doc["statement"]


def test_shell_completion_is_documented_and_works(workdir):
    overview = _help("--help")
    assert "_NEUROVARIETY_COMPLETE=bash_source neurovariety" in overview and "zsh_source" in overview
    _, env = workdir
    out = subprocess.run(["neurovariety"], env={**env, "COMP_WORDS": "neurovariety learn", "COMP_CWORD": "1",
                                                "_NEUROVARIETY_COMPLETE": "bash_complete"},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.split() == ["plain,learn", "plain,learn-sweep", "plain,learning-degree"]


def test_python_dash_m_is_the_same_program():
    version = subprocess.run([sys.executable, "-m", "neurovariety", "--version"], capture_output=True, text=True,
                             timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("neurovariety, version ")


def test_dim_json_imports_nothing_heavy():
    """Start-up of ``neurovariety dim ... --json`` stays close to ``python -c "import numpy"`` (at most 2.5x as a
    whole process; timed in benches/, not here): pandas, sympy, tqdm, scipy and matplotlib stay unimported."""
    script = ("import runpy, sys\n"
              "sys.argv = ['neurovariety', 'dim', '3,3,3', '-r', '2', '--json']\n"
              "try:\n    runpy.run_module('neurovariety', run_name='__main__')\n"
              "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
              "heavy = ('pandas', 'sympy', 'tqdm', 'scipy', 'matplotlib', 'IPython', 'flint')\n"
              "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["dimension"] == 15
    assert out.stderr.strip() == "[]", out.stderr
