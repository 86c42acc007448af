"""The checkpoint of a long filling search: one JSON line per finished piece of work, resumable.

``<directory>/frontier.jsonl`` starts with a header naming the problem and the seed; then every
finished prefix search (``f`` and the ranks taken), every confirmation rank and every override
(a point that a confirmation found filling after all) is appended and flushed as it completes.
A run given the same directory skips whatever is recorded; a header that does not match the
problem is refused rather than mixed in. A torn last line (the process was killed while
writing) is ignored.

>>> import tempfile
>>> d = tempfile.mkdtemp()
>>> with Checkpoint(d, {"problem": {"d0": 2}}) as ck:
...     ck.write_prefixes(0, [((3,), 2, ((2, 5),))])
>>> Checkpoint(d, {"problem": {"d0": 2}}).prefixes(0)
{(3,): (2, ((2, 5),))}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any, Optional, Sequence, Union

from .._meta import SCHEMA
from ..errors import InvalidInputError
from .frontier import Result

__all__ = ["Checkpoint", "FILENAME", "recorded_seed"]

FILENAME = "frontier.jsonl"
_KIND = "filling-search-checkpoint"

PathLike = Union[str, "os.PathLike[str]"]


def recorded_seed(directory: PathLike) -> Optional[int]:
    """The seed in the header of the checkpoint in ``directory`` (``None``: no readable checkpoint)."""
    path = Path(directory) / FILENAME
    try:
        with open(path, encoding="utf-8") as fh:
            header = json.loads(fh.readline())
    except (OSError, json.JSONDecodeError):
        return None
    seed = header.get("seed") if isinstance(header, dict) else None
    return seed if isinstance(seed, int) else None


class Checkpoint:
    """Append-only record of a search in ``directory`` (created if missing)."""

    def __init__(self, directory: PathLike, header: dict[str, Any]):
        self.path = Path(directory) / FILENAME
        self.header = json.loads(json.dumps({"schema": SCHEMA, "kind": _KIND, **header}))
        self.records: list[dict[str, Any]] = []
        self._good_bytes: Optional[int] = None  # set when a torn last line must be cut before appending
        if self.path.is_symlink():
            raise InvalidInputError(f"refusing to write through the symlink {self.path}")
        if self.path.exists():
            self._load()
        self._file: Optional[IO[str]] = None

    def _load(self) -> None:
        text = self.path.read_text(encoding="utf-8")
        lines = text.splitlines()
        try:
            found = json.loads(lines[0]) if lines else None
        except json.JSONDecodeError:
            found = None
        if found != self.header:
            raise InvalidInputError(
                f"{self.path} is the checkpoint of another search ({found}); use another directory or remove it"
            )
        for i, line in enumerate(lines[1:], start=2):
            try:
                self.records.append(json.loads(line))
            except json.JSONDecodeError:
                if i != len(lines):
                    raise InvalidInputError(f"{self.path}:{i}: unreadable checkpoint line") from None
                self._good_bytes = len("".join(line + "\n" for line in lines[:-1]).encode("utf-8"))

    def _write(self, records: Sequence[dict[str, Any]]) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._good_bytes is not None:
                os.truncate(self.path, self._good_bytes)
                self._good_bytes = None
            new = not self.path.exists() or self.path.stat().st_size == 0
            self._file = open(self.path, "a", encoding="utf-8")
            if new:
                self._file.write(json.dumps(self.header) + "\n")
        for rec in records:
            self._file.write(json.dumps(rec) + "\n")
            self.records.append(rec)
        self._file.flush()

    # --- what was done ------------------------------------------------------------------------------
    def attempt(self) -> int:
        """The latest attempt recorded (a new attempt starts after an override)."""
        return max((int(r.get("attempt", 0)) for r in self.records), default=0)

    def prefixes(self, attempt: int) -> dict[tuple[int, ...], tuple[Optional[int], tuple[tuple[int, int], ...]]]:
        """Finished prefix searches of ``attempt``: ``prefix -> (f or None, ((w, rank), ...))``."""
        return {tuple(r["prefix"]): (r["f"], tuple((int(w), int(k)) for w, k in r["tests"]))
                for r in self.records if "prefix" in r and r["attempt"] == attempt}

    def ranks(self, attempt: int, kind: str) -> dict[tuple[int, ...], int]:
        """Recorded ranks of one kind (``"confirm"``) in ``attempt``: ``hidden -> rank``."""
        return {tuple(r[kind]): int(r["rank"]) for r in self.records if kind in r and r["attempt"] == attempt}

    def overrides(self) -> tuple[tuple[int, ...], ...]:
        """Points found filling by a confirmation (every attempt)."""
        return tuple(tuple(r["override"]) for r in self.records if "override" in r)

    # --- recording ----------------------------------------------------------------------------------
    def write_prefixes(self, attempt: int, results: Sequence[Result]) -> None:
        """Record finished prefix searches."""
        self._write([{"attempt": attempt, "prefix": list(p), "f": f, "tests": [list(t) for t in tests]}
                     for p, f, tests in results])

    def write_ranks(self, attempt: int, kind: str, ranks: dict[tuple[int, ...], int]) -> None:
        """Record ranks of one kind."""
        self._write([{"attempt": attempt, kind: list(h), "rank": int(k)} for h, k in ranks.items()])

    def write_overrides(self, attempt: int, points: Sequence[tuple[int, ...]]) -> None:
        """Record points found filling; the next attempt starts at ``attempt + 1``."""
        self._write([{"attempt": attempt + 1, "override": list(h)} for h in points])

    def close(self) -> None:
        """Close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> "Checkpoint":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
