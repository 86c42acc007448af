"""Running the optional steps of ``reproduce``, each in a killable child process, and showing their results.

A step is a module-level function returning a JSON-ready dict (the step modules
:mod:`~.step_equations`, :mod:`~.step_learning`, :mod:`~.step_search`, :mod:`~.step_geometry`);
:func:`run_step` runs one in a child process killed at its timeout and turns the outcome into a
payload ``{"status": "ok"|"failed"|"skipped", "result"|"note": ..., "seconds": ...}``;
:func:`section_from_step` turns a payload into a report section. A step's result may list
``plots`` (files it wrote), ``figures`` (``{"png", "svg", "caption"}``) and ``files``
(``{"path", "description"}`` of data files it wrote), all relative to the report directory.

>>> run_step("math.factorial", {"n": 4}, timeout=60)["result"]   # doctest: +SKIP
24
>>> run_step("neurovariety_no_such_module.f", {}, timeout=60)["status"]
'skipped'
>>> kv_table([("rows", 3)], "t")[:9]
'<table id'
"""

from __future__ import annotations

import importlib.util
import json
import time
from typing import Any, Callable, Iterable

import pandas as pd

from .._resources import exception_reason, run_isolated
from ..errors import ComputationTimeout
from .html import Section, esc, figure_html, json_default, table_html

__all__ = ["run_step", "section_from_step", "kv_table", "figures_html", "STEP_JSON_LIMIT"]

#: The raw JSON shown in a step's section is cut after this many characters (the file has it all).
STEP_JSON_LIMIT = 20000


def run_step(target: str, kwargs: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run ``target`` (``"package.module.function"``) with ``kwargs`` in a killable child process."""
    module, _, func = target.rpartition(".")
    start = time.perf_counter()
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        payload: dict[str, Any] = {"status": "skipped", "note": f"module not available: {module.split('.')[0]}"}
    else:
        try:
            payload = {"status": "ok", "result": run_isolated(f"{module}:{func}", (), kwargs, timeout=timeout)}
        except ComputationTimeout:
            payload = {"status": "failed", "note": f"timed out after {timeout:g} s"}
        except Exception as exc:  # noqa: BLE001 - the step's failure is reported in the report, not raised
            payload = {"status": "failed", "note": exception_reason(exc)}
    payload["seconds"] = round(time.perf_counter() - start, 3)
    return payload


def kv_table(rows: Iterable[tuple[str, object]], table_id: str) -> str:
    """A two-column ``quantity | value`` table."""
    frame = pd.DataFrame([(k, "" if v is None else str(v)) for k, v in rows], columns=["quantity", "value"])
    return table_html(frame, table_id=table_id)


def figures_html(result: dict[str, Any]) -> str:
    """The figures a step result lists under ``figures``."""
    return "".join(figure_html(f["png"], esc(f.get("caption", "")), svg=f.get("svg", ""))
                   for f in result.get("figures") or [])


def section_from_step(title: str, payload: dict[str, Any], render: Callable[[Any], str], *, json_file: str = "") -> Section:
    """A report section for a step payload (rendered result, raw JSON, notes, timing)."""
    status = payload.get("status", "failed")
    body = [f"<p>{esc(payload['note'])}</p>"] if payload.get("note") else []
    if status == "ok":
        try:
            body.append(render(payload.get("result")))
        except Exception as exc:  # noqa: BLE001 - a rendering problem must not lose the report
            body.append(f"<p>could not render the result: {esc(type(exc).__name__)}: {esc(exc)}</p>")
        raw = json.dumps(payload.get("result"), indent=1, default=json_default)
        if len(raw) > STEP_JSON_LIMIT:
            raw = raw[:STEP_JSON_LIMIT] + "\n... (cut here; the step's JSON file has all of it)"
        link = f' (the file: <a href="{esc(json_file)}">{esc(json_file)}</a>)' if json_file else ""
        body.append(f"<details><summary>raw result as JSON{link}</summary><pre>{esc(raw)}</pre></details>")
    if payload.get("seconds") is not None:
        body.append(f'<p class="muted">computed in {payload["seconds"]:.1f} s'
                    + (" (cached result, reused)" if payload.get("reused") else "") + "</p>")
    return Section(title, status, "".join(body))
