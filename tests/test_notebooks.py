"""The executed example notebooks are re-executed here: every cell runs without error and every
result shown is a table (``text/html``).

Needs ``nbclient``/``nbformat`` and ``ipykernel`` (the ``test`` extra); skipped with the reason
otherwise. Refresh the checked-in outputs after a change with ``python tests/test_notebooks.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def _execute(path: Path):  # -> nbformat.NotebookNode
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def _missing() -> str:
    for module in ("nbclient", "nbformat", "ipykernel"):
        try:
            __import__(module)
        except ImportError:
            return module
    return ""


def test_the_tour_is_checked_in_executed():
    import json

    nb = json.loads((EXAMPLES / "tour.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["execution_count"] for c in code), "run `python tests/test_notebooks.py` to execute it"
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_shows_tables(path: Path):
    missing = _missing()
    if missing:
        print(f"skipping {path.name}: {missing} is not installed (pip install '.[test]')")
        pytest.skip(f"{missing} is not installed (pip install '.[test]')")
    nb = _execute(path)  # raises CellExecutionError on the first failing cell
    results = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "execute_result"]
    assert results
    for out in results:
        data = out["data"]
        plain = data.get("text/plain", "")
        if plain.startswith(("'", '"')) or plain.lstrip("-").replace(".", "").isdigit():
            continue  # a plain string or number
        assert "<table" in data.get("text/html", ""), plain[:200]
    stderr = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "stream" and o.get("name") == "stderr"]
    assert sum(len(o["text"]) for o in stderr) < 2048, "library calls in the notebook wrote to stderr"


if __name__ == "__main__":  # refresh the checked-in outputs
    import nbformat

    for notebook in NOTEBOOKS:
        executed = _execute(notebook)
        for cell in executed.cells:
            cell.metadata.pop("execution", None)  # timestamps: noise in diffs
        nbformat.write(executed, notebook)
        print(f"executed {notebook}", file=sys.stderr)
