"""Package metadata and the one versioned JSON schema of every result the package writes.

Every JSON object neurovariety prints or writes (``--json`` output, ``summary.json`` files,
``to_dict()`` of results written by the CLI) is a :func:`document`: ``schema`` (this format's
name and major version), ``kind`` (what it describes), the package ``version``, then the payload.
Widths are lists of ints and ``r`` is an int or a list of ints, never a string.

>>> doc = document("dimension", {"widths": [3, 3, 3], "r": 2})
>>> doc["schema"], doc["kind"], doc["widths"]
('neurovariety/1', 'dimension', [3, 3, 3])
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["SCHEMA", "document", "version"]


@functools.cache
def version() -> str:
    """The installed package's version (read once, on first use: ``importlib.metadata`` costs
    about 10 ms of start-up that the dimension path does not need)."""
    from importlib import metadata  # noqa: PLC0415 - standard library, deferred for start-up time

    try:
        return metadata.version("neurovariety")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "0+unknown"


#: Name and major version of the JSON layout.
SCHEMA = "neurovariety/1"


def document(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` wrapped with ``schema``, ``kind`` and ``version`` (payload keys win on clashes)."""
    return {"schema": SCHEMA, "kind": kind, "version": version(), **payload}
