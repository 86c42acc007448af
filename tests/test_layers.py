"""The package's import rule, checked from the source (see README, "Layout").

Every module of ``python/neurovariety`` belongs to a layer; a module imports only from lower
layers or from its own subpackage; capabilities (layer 6) never import one another; nothing
imports the package root; outside ``cli/`` no module imports a package module inside a function;
and there are no import cycles.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "python" / "neurovariety"

#: Top-level module or subpackage -> layer. Higher layers may import lower ones only.
LAYERS = {
    "_core": 0,
    "_meta": 0,
    "errors": 0,
    "_validate": 1,
    "_export": 1,
    "_progress": 1,
    "_display": 1,
    "architecture": 2,
    "fields": 2,
    "_resources": 2,
    "theory": 3,
    "linalg": 3,
    "network": 4,
    "loss": 4,
    "dimension": 5,
    "homotopy": 5,
    "equations": 6,
    "critical": 6,
    "learning": 6,
    "geometry": 6,
    "search": 6,
    "interop": 6,
    "sweep": 7,
    "analysis": 8,
    "report": 9,
    "cli": 10,
    "__main__": 11,
}
CAPABILITY = 6


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")} | {"neurovariety._core": PACKAGE / "_core.pyi"}


def _resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = current.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(name: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for every package-internal import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    out = []
    func_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for sub in ast.walk(node):
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    func_lines.add(sub.lineno)
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node)
            for a in node.names:
                sub = f"{base}.{a.name}"
                targets.append(sub if sub in modules else base)
        for t in targets:
            if t == "neurovariety" or t.startswith("neurovariety."):
                out.append((t, node.lineno, node.lineno in func_lines))
    return out


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _edges() -> dict[str, list[tuple[str, int, bool]]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items() if path.suffix == ".py"}


def test_every_module_has_a_layer() -> None:
    missing = sorted({_top(m) for m in _modules()} - set(LAYERS) - {""})
    assert not missing, f"give these modules a layer in tests/test_layers.py and README: {missing}"


def test_imports_go_down_only() -> None:
    bad = []
    for name, imports in _edges().items():
        src = _top(name)
        for target, line, _ in imports:
            dst = _top(target)
            if name == "neurovariety" or dst == src:
                continue
            if dst == "":
                bad.append(f"{name}:{line} imports the package root")
            elif LAYERS[dst] >= LAYERS[src]:
                bad.append(f"{name}:{line} (layer {LAYERS[src]}) imports {target} (layer {LAYERS[dst]})")
    assert not bad, "\n".join(bad)


def test_capabilities_are_independent() -> None:
    bad = [
        f"{name}:{line} imports {target}"
        for name, imports in _edges().items()
        for target, line, _ in imports
        if LAYERS.get(_top(name)) == CAPABILITY == LAYERS.get(_top(target)) and _top(name) != _top(target)
    ]
    assert not bad, "\n".join(bad)


def test_no_function_level_imports_of_the_package_outside_cli() -> None:
    bad = [
        f"{name}:{line} imports {target} inside a function"
        for name, imports in _edges().items()
        for target, line, inside in imports
        if inside and _top(name) not in ("cli", "__main__")
    ]
    assert not bad, "\n".join(bad)


def test_no_import_cycles() -> None:
    graph = {name: {t for t, _, inside in imports if not inside and t != name} for name, imports in _edges().items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == "neurovariety" or (node.startswith(nxt + ".") and nxt in graph):
                continue  # a module importing its own package's __init__ is how subpackages work
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join(stack[stack.index(nxt) :] + [nxt]))
            if state.get(nxt) is None:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if state.get(node) is None:
            visit(node)


# -- sizes a newcomer can read (issue 11) ----------------------------------------------------------

RUST = PACKAGE.parents[1] / "rust"


def _code_lines(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    first = fn.body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    start = first.end_lineno + 1 if has_doc and first.end_lineno is not None else fn.lineno
    return (fn.end_lineno or fn.lineno) - start + 1


def test_modules_and_functions_stay_small() -> None:
    big_modules, big_functions = [], []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 800:
            big_modules.append(str(path.relative_to(PACKAGE)))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _code_lines(node) > 80:
                big_functions.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    assert not big_modules and not big_functions, (big_modules, big_functions)


def test_rust_files_stay_small_and_unsafe_fns_document_their_contract() -> None:
    sources = sorted(RUST.rglob("*.rs"))
    assert sources, "no Rust sources found"
    big = [str(p.relative_to(RUST)) for p in sources if len(p.read_text(encoding="utf-8").splitlines()) > 900]
    undocumented = []
    for path in sources:
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if "unsafe fn " in line and not line.lstrip().startswith("//"):
                doc = []
                j = i - 1
                while j >= 0 and (lines[j].lstrip().startswith(("///", "#["))):
                    doc.append(lines[j])
                    j -= 1
                if not any("# Safety" in d for d in doc):
                    undocumented.append(f"{path.relative_to(RUST)}:{i + 1}")
    assert not big and not undocumented, (big, undocumented)
