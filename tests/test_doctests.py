"""Every docstring example in the public modules runs and gives the output it shows."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "neurovariety",
    "neurovariety.architecture",
    "neurovariety.dimension",
    "neurovariety.linalg",
    "neurovariety.sweep",
    "neurovariety.analysis",
    "neurovariety.equations",
    "neurovariety.learning",
    "neurovariety.critical",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no runnable examples"
