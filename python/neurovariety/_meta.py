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

from importlib import metadata
from typing import Any

__all__ = ["VERSION", "SCHEMA", "document"]

try:
    VERSION: str = metadata.version("neurovariety")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    VERSION = "0+unknown"

#: Name and major version of the JSON layout.
SCHEMA = "neurovariety/1"


def document(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` wrapped with ``schema``, ``kind`` and ``version`` (payload keys win on clashes)."""
    return {"schema": SCHEMA, "kind": kind, "version": VERSION, **payload}
