"""Resumable monodromy: the state of a :func:`~neurovariety.homotopy.run_loops` run in an ``.npz`` file.

A monodromy run with tens of thousands of solutions takes hours. Given a checkpoint directory,
its state — the known solutions, the loop nodes, how far each loop's queue has been tracked, the
last trace-test result, the path counts, the random generator and the caller's start data — is
written atomically (a temporary file, then :func:`os.replace`) at most every
:data:`SAVE_EVERY` seconds, when the run stops (Ctrl-C, timeout) and when it ends. A later run
of the same problem resumes where the last one stopped; a finished run is returned as saved.

The file is named by a hash of the problem's *key arrays* (for critical points: architecture,
weight matrix, slice, loop settings), and the arrays are stored and compared on loading, so a
checkpoint is never applied to another problem: different problems simply use different files in
the same directory. Floating-point keys are hashed rounded to :data:`KEY_DIGITS` decimals and
compared to ``10**-KEY_DIGITS``: they are drawn from the seed through LAPACK, whose builds differ in
the last bits (a numpy upgrade moved the (3,3,3) weight matrix by 3e-17), and such a difference
must not orphan hours of monodromy.

Only the weights of the solutions are stored (compressed); their keys (coefficient vectors) are
recomputed on loading by the caller's ``keys_of``, which halves the file: (3,3,3), r = 2 with
30,000 solutions needs about 8 MB.

>>> import tempfile, numpy as np
>>> from neurovariety.homotopy import LoopState, SolutionSet
>>> d = tempfile.mkdtemp()
>>> known = SolutionSet(N=1, amb=1)
>>> _ = known.add(np.array([[2.0 + 0j]]), np.array([[1.0 + 0j]]))
>>> double = lambda theta: 2 * theta      # the keys (coefficients) of weights
>>> ck = LoopCheckpoint(d, "demo", {"Q": np.eye(1)}, N=1, amb=1, keys_of=double)
>>> ck.save(LoopState(known, cursors=[1, 0]), {0: [np.ones(1)]}, {"b": np.ones(1)},
...         np.random.default_rng(0), finished=False, force=True)
>>> saved = LoopCheckpoint(d, "demo", {"Q": np.eye(1)}, N=1, amb=1, keys_of=double).load(np.random.default_rng(1))
>>> len(saved.state.known), saved.state.cursors, saved.finished
(1, [1, 0], False)
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Union

import numpy as np

from ..errors import InvalidInputError
from .monodromy import LoopState
from .solutions import SolutionSet

__all__ = ["CheckpointFile", "LoopCheckpoint", "Saved", "SAVE_EVERY", "KEY_DIGITS"]

#: Seconds between two saves of a running monodromy.
SAVE_EVERY = 60.0

#: Decimals to which floating-point key arrays are hashed and compared.
KEY_DIGITS = 9

_FORMAT = 2
_STATE_FIELDS = ("loops", "stable", "closed", "batches", "paths", "failed", "trace_residual", "history",
                 "cursors", "drawn_at", "tested_at")

PathLike = Union[str, "os.PathLike[str]"]


@dataclass
class Saved:
    """A loaded checkpoint: the loop state, the loop nodes, the caller's arrays, whether the run
    had ended (``finished``) and the seconds spent in all runs so far."""

    state: LoopState
    nodes: dict[int, list[np.ndarray]]
    extra: dict[str, np.ndarray]
    finished: bool
    seconds: float


def _problem_hash(label: str, key: dict[str, np.ndarray]) -> str:
    digest = hashlib.sha256(label.encode())
    for name in sorted(key):
        a = np.ascontiguousarray(key[name])
        digest.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        if np.issubdtype(a.dtype, np.inexact):
            # + 0.0 turns the -0.0 that rounding may leave into 0.0, which hashes the same
            a = np.ascontiguousarray(np.round(a, KEY_DIGITS) + 0.0)
        digest.update(a.tobytes())
    return digest.hexdigest()[:16]


def _same_key(saved: np.ndarray, current: np.ndarray) -> bool:
    if saved.shape != current.shape or saved.dtype != current.dtype:
        return False
    if np.issubdtype(current.dtype, np.inexact):
        return bool(np.all(np.abs(saved - current) <= 10.0 ** -KEY_DIGITS))
    return bool(np.array_equal(saved, current))


class CheckpointFile:
    """The ``.npz`` file of one problem (``label`` + ``key`` arrays) in ``directory``: named by the
    key's hash, checked against the key and the ``version`` of its layout on reading, written
    atomically with the random generator's state (restored on reading), and the seconds spent on
    the problem summed over runs."""

    def __init__(self, directory: PathLike, label: str, key: dict[str, np.ndarray], version: int):
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise InvalidInputError(f"checkpoint must be a directory, got the file {self.directory}")
        self.key = {name: np.ascontiguousarray(a) for name, a in key.items()}
        self.path = self.directory / f"{label}-{_problem_hash(label, self.key)}.npz"
        self.version = version
        self._started = time.monotonic()
        self._seconds_before = 0.0

    @property
    def seconds(self) -> float:
        """Seconds spent on this problem in all runs, this one included."""
        return self._seconds_before + time.monotonic() - self._started

    def entry(self, stage: str, resumed_from: Optional[int], finished_before: bool) -> dict[str, Any]:
        """The log entry of a run of this problem: the stage, the file, what was loaded (``resumed_from``
        solutions, ``None``: nothing) and the seconds spent over all runs (updated by the caller)."""
        earlier = round(self._seconds_before, 1)
        return {"stage": stage, "file": str(self.path), "resumed_from": resumed_from,
                "finished_before": finished_before, "seconds_all_runs": earlier, "seconds_earlier": earlier}

    def read(self, rng: np.random.Generator) -> Optional[tuple[dict[str, Any], dict[str, np.ndarray]]]:
        """``(meta, arrays)`` as saved (the key arrays removed; ``rng`` set to its saved state), or
        ``None`` if there is no file."""
        if not self.path.exists():
            return None
        try:
            with np.load(self.path, allow_pickle=False) as z:
                arrays = {name: z[name] for name in z.files}
        except (OSError, ValueError) as exc:
            raise InvalidInputError(f"{self.path}: unreadable checkpoint ({exc}); remove it to start afresh") from None
        meta = json.loads(str(arrays.pop("meta")))
        if meta.get("format") != self.version or not all(
                f"key_{name}" in arrays and _same_key(arrays.pop(f"key_{name}"), a) for name, a in self.key.items()):
            raise InvalidInputError(f"{self.path} belongs to another problem or format; remove it to start afresh")
        self._seconds_before = float(meta["seconds"])
        self._started = time.monotonic()
        rng.bit_generator.state = meta["rng"]
        return meta, arrays

    def write(self, meta: dict[str, Any], arrays: dict[str, Any], rng: np.random.Generator) -> None:
        """Replace the file by ``meta`` (JSON; the format, the seconds and ``rng``'s state are added)
        and ``arrays``."""
        meta = {**meta, "format": self.version, "seconds": self.seconds, "rng": rng.bit_generator.state}
        arrays = {**arrays, **{f"key_{name}": a for name, a in self.key.items()}}
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, meta=np.array(json.dumps(meta, default=_plain)), **arrays)
        os.replace(tmp, self.path)


class LoopCheckpoint:
    """The checkpoint of one monodromy problem (``label`` + ``key`` arrays) in ``directory``;
    ``keys_of`` maps weight vectors (``k x N``) to their keys (``k x amb``, the deduplication keys
    of the run's :class:`~neurovariety.homotopy.SolutionSet`)."""

    def __init__(self, directory: PathLike, label: str, key: dict[str, np.ndarray], *, N: int, amb: int,
                 keys_of: Callable[[np.ndarray], np.ndarray]):
        self.file = CheckpointFile(directory, label, key, _FORMAT)
        self.N, self.amb, self.keys_of = N, amb, keys_of
        self._last_save = -float("inf")

    @property
    def path(self) -> Path:
        """The checkpoint file."""
        return self.file.path

    @property
    def seconds(self) -> float:
        """Seconds spent on this problem in all runs, this one included."""
        return self.file.seconds

    def load(self, rng: np.random.Generator) -> Optional[Saved]:
        """The saved run (and ``rng`` set to its saved state), or ``None`` if there is none."""
        saved = self.file.read(rng)
        if saved is None:
            return None
        meta, arrays = saved
        known = SolutionSet(self.N, self.amb)
        theta = arrays.pop("theta")
        if known.add(self.keys_of(theta) if len(theta) else np.zeros((0, self.amb), complex), theta) != meta["count"]:
            raise InvalidInputError(f"{self.path}: its solutions no longer deduplicate to {meta['count']}")
        state = LoopState(known, **{name: meta[name] for name in _STATE_FIELDS})
        nodes = {int(i): list(arrays.pop(f"nodes_{i}")) for i in meta["node_loops"]}
        extra = {name[len("extra_"):]: a for name, a in arrays.items() if name.startswith("extra_")}
        return Saved(state, nodes, extra, bool(meta["finished"]), float(meta["seconds"]))

    def save(self, state: LoopState, nodes: dict[int, list[np.ndarray]], extra: dict[str, np.ndarray],
             rng: np.random.Generator, *, finished: bool, force: bool = False) -> None:
        """Write the state (at most every :data:`SAVE_EVERY` seconds unless ``force``)."""
        now = time.monotonic()
        if not force and now - self._last_save < SAVE_EVERY:
            return
        meta: dict[str, Any] = {name: getattr(state, name) for name in _STATE_FIELDS}
        meta.update(count=len(state.known), finished=finished, node_loops=sorted(nodes))
        arrays: dict[str, Any] = {f"extra_{name}": np.asarray(a) for name, a in extra.items()}
        arrays.update({f"nodes_{i}": np.array(v) for i, v in nodes.items()})
        self.file.write(meta, {"theta": state.known.theta, **arrays}, rng)
        self._last_save = now


def _plain(value: Any) -> Any:
    """numpy scalars in the random generator's state, as JSON numbers."""
    if isinstance(value, np.integer):
        return int(value)
    raise TypeError(f"cannot save {type(value).__name__} in a checkpoint")
