"""The documentation site and the package metadata: every code block of ``docs/`` runs, the
version has one source, and nothing the user reads points at internal documents.

Code blocks of ``docs/*.md`` by fence language:

* ``python`` runs, the blocks of one page in order in one namespace (like a reader pasting them
  into one session), in a fresh working directory;
* ``console`` lines ``$ neurovariety ...`` run as commands and must exit with status 0;
* ``m2`` runs in Macaulay2 (``M2 --script``) when it is installed, and is skipped otherwise;
* ``shell`` (installation and build commands), ``text``, ``sage``, ``julia`` and ``pycon``
  are shown, not run: ``sage`` and ``julia`` quote other systems' code for comparison.

A block preceded by ``<!-- docs-test: needs NAME -->`` is skipped (with the reason) when the
compiled core lacks ``NAME`` (features whose Rust side lands separately).

``mkdocs build --strict`` itself runs in ``.ci/run``.
"""

from __future__ import annotations

import ast
import doctest
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

import neurovariety as nv
from neurovariety import _core

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
RUN = {"python", "console", "m2"}
SHOWN = {"shell", "text", "sage", "julia", "pycon"}
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
NEEDS = re.compile(r"<!--\s*docs-test:\s*needs\s+(\w+)\s*-->\s*$")


@dataclass
class Block:
    page: str
    line: int
    lang: str
    code: str
    needs: str = ""


def _blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        before = text[: m.start()].rstrip().splitlines()
        needs = NEEDS.search(before[-1]) if before else None
        indent = m.group("indent")
        body = "\n".join(line[len(indent):] if line.startswith(indent) else line for line in m.group("body").splitlines())
        out.append(Block(path.relative_to(DOCS).as_posix(), text.count("\n", 0, m.start()) + 1, m.group("lang"), body,
                         needs.group(1) if needs else ""))
    return out


PAGES = sorted(p for p in DOCS.rglob("*.md"))


def test_every_block_has_a_known_language():
    for page in PAGES:
        for b in _blocks(page):
            assert b.lang in RUN | SHOWN, f"{b.page}:{b.line}: code block language {b.lang!r} (use one of {sorted(RUN | SHOWN)})"


def _run_console(b: Block, cwd: Path) -> None:
    for line in b.code.splitlines():
        if not line.startswith("$ "):
            continue  # output shown after a command
        args = shlex.split(line[2:])
        assert args[0] == "neurovariety", f"{b.page}:{b.line}: console blocks run neurovariety commands only: {line}"
        exe = shutil.which("neurovariety")
        cmd = [exe, *args[1:]] if exe else [sys.executable, "-m", "neurovariety", *args[1:]]
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600,
                              env={**os.environ, "NEUROVARIETY_PROGRESS": "0"})
        assert proc.returncode == 0, f"{b.page}:{b.line}: `{line[2:]}` exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"


def _run_m2(b: Block, cwd: Path) -> None:
    m2 = shutil.which("M2")
    if m2 is None:
        return
    script = cwd / f"block_{b.line}.m2"
    script.write_text(b.code + "\nexit 0\n", encoding="utf-8")
    proc = subprocess.run([m2, "--script", str(script)], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{b.page}:{b.line}: Macaulay2 failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"


@pytest.mark.parametrize("page", [p.relative_to(DOCS).as_posix() for p in PAGES
                                  if any(b.lang in RUN for b in _blocks(p))])
def test_code_blocks_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEUROVARIETY_PROGRESS", "0")
    namespace: dict = {"__name__": "__docs__"}
    skipped = []
    for b in _blocks(DOCS / page):
        if b.lang not in RUN:
            continue
        if b.needs and not hasattr(_core, b.needs):
            skipped.append(f"line {b.line} (needs _core.{b.needs})")
            continue
        if b.lang == "python":
            try:
                exec(compile(b.code, f"{page}:{b.line}", "exec"), namespace)
            except Exception as exc:
                raise AssertionError(f"{page}:{b.line}: the code block raised {exc!r}:\n{b.code}") from exc
        elif b.lang == "console":
            _run_console(b, tmp_path)
        else:
            _run_m2(b, tmp_path)
    if skipped:
        pytest.skip(f"{page}: blocks skipped: {', '.join(skipped)}")


# ---------------------------------------------------------------------------------------------
# metadata
# ---------------------------------------------------------------------------------------------
def _cargo_version() -> str:
    cargo = tomllib.loads((REPO / "Cargo.toml").read_text())
    return str(cargo["workspace"]["package"]["version"])


def test_version_has_one_source():
    version = _cargo_version()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    bindings = tomllib.loads((REPO / "rust" / "python" / "Cargo.toml").read_text())
    assert bindings["package"]["version"] == {"workspace": True}  # maturin reads the workspace version
    assert nv.__version__ == metadata.version("neurovariety") == version
    citation = (REPO / "CITATION.cff").read_text()
    assert re.search(rf"^version: {re.escape(version)}$", citation, re.M)


def test_license_changelog_and_citation():
    assert (REPO / "LICENSE").read_text().startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in (REPO / "LICENSE").read_text()
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert "Keep a Changelog" in changelog and f"## [{_cargo_version()}]" in changelog
    yaml = pytest.importorskip("yaml")
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software" and cff["license"] == "MIT"
    arxiv = {i["value"] for ref in cff["references"] for i in ref.get("identifiers", [])}
    assert {"arXiv:2402.00949", "arXiv:2408.04569"} <= arxiv
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "License :: OSI Approved :: MIT License" in pyproject["project"]["classifiers"]
    assert {"Reference paper", "Activation thresholds"} <= set(pyproject["project"]["urls"])  # no repository URL until one is public
    assert "docs" in pyproject["project"]["optional-dependencies"]


# ---------------------------------------------------------------------------------------------
# no internal references
# ---------------------------------------------------------------------------------------------
INTERNAL = re.compile(r"\bSPEC\b|SPEC\.md|DESIGN\.md|\bDESIGN §")


def _docstrings(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield getattr(node, "lineno", 1), doc


def test_no_docstring_refers_to_internal_documents():
    found = []
    for path in sorted((REPO / "python" / "neurovariety").rglob("*.py*")):
        if path.suffix not in (".py", ".pyi"):
            continue
        found += [f"{path.relative_to(REPO)}:{line}" for line, doc in _docstrings(path) if INTERNAL.search(doc)]
    for path in sorted((REPO / "rust").rglob("*.rs")):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith(("//!", "///")) and INTERNAL.search(line):
                found.append(f"{path.relative_to(REPO)}:{i}")
    for page in PAGES:
        if INTERNAL.search(page.read_text(encoding="utf-8")):
            found.append(str(page.relative_to(REPO)))
    assert not found, "user-facing text refers to internal documents: " + ", ".join(found)


def test_docstring_markdown_extension():
    """The griffe extension that renders the docstrings' reST as Markdown (its own examples)."""
    spec = importlib.util.spec_from_file_location("_griffe_rst", DOCS / "_griffe_rst.py")
    pytest.importorskip("griffe")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert doctest.testmod(module).failed == 0
    md = module.to_markdown("Shape::\n\n    a/b\n    c\n\nafter ``x``")
    assert md.splitlines() == ["Shape:", "", "```text", "a/b", "c", "```", "", "after `x`"]
