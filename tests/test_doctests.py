"""Every docstring example in the package runs and gives the output it shows.

Modules are discovered from the source tree, so a new module is covered without editing this
file; every public module (name without a leading underscore, outside ``cli``) must show at
least one runnable example.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "python" / "neurovariety"


def _module_names() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if "cli" in parts or parts[-1] == "__main__":
            continue
        names.append(".".join(parts))
    return names


def _public(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split(".")[1:])


@pytest.mark.parametrize("name", _module_names())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if _public(name):
        assert result.attempted > 0, f"{name} has no runnable examples"
