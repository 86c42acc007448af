"""Jobs of a sweep: one :class:`~neurovariety.architecture.Architecture` each, with its CSV labels,
its identity and its own seed.

A job *is* an architecture. Its identity (:func:`job_key`) is the widths and the per-layer
exponents, so ``"3,3,3 2"`` and ``"3,3,3 [2]"`` are the same job; its CSV labels are the Python
list reprs the published harness wrote, with the exponent normalised by
:attr:`Architecture.activation` (an int when every hidden layer shares it).

>>> a = Architecture((3, 4, 5, 6), (2, 3))
>>> (widths_label(a), activation_label(a), job_label(a), arch_line(a))
('[3, 4, 5, 6]', '[2, 3]', '[3, 4, 5, 6] r=[2, 3]', '3,4,5,6 2,3')
>>> activation_label(Architecture((3, 3, 3, 3), (2, 2)))
'2'
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Iterator, Sequence, Union

from ..architecture import Architecture, RSpec, parse_architecture_line
from ..errors import InvalidInputError

__all__ = [
    "Key",
    "ArchLike",
    "job_key",
    "widths_label",
    "activation_label",
    "job_label",
    "arch_line",
    "list_label",
    "job_seed",
    "as_architectures",
    "dedupe",
]

#: Identity of a job: ``(widths, per-layer exponents)``.
Key = tuple[tuple[int, ...], tuple[int, ...]]
#: What a sweep accepts as one item: an Architecture, a ``"WIDTHS R"`` line or a ``(widths, r)`` pair.
ArchLike = Union[Architecture, str, tuple[Sequence[int], RSpec]]


def job_key(arch: Architecture) -> Key:
    """``(widths, per-layer exponents)``: two jobs with the same key are the same computation.

    >>> job_key(Architecture((2, 2, 3), 2))
    ((2, 2, 3), (2,))
    """
    return (arch.widths, arch.r)


def _list_label(values: Sequence[int]) -> str:
    # The published harness wrote Python list reprs: "[3, 3, 3]".
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


def widths_label(arch: Architecture) -> str:
    """The ``Widths`` cell: ``"[3, 3, 3]"``."""
    return _list_label(arch.widths)


def activation_label(arch: Architecture) -> str:
    """The ``Activation`` cell: ``"2"`` for a uniform exponent, ``"[2, 3]"`` per layer."""
    act = arch.activation
    return str(act) if isinstance(act, int) else _list_label(act)


def list_label(values: Sequence[int]) -> str:
    """A list cell such as ``Primes``: ``"[101, 103]"``."""
    return _list_label(values)


def job_label(arch: Architecture) -> str:
    """``"[3, 3, 3] r=2"``: how progress lines and messages name a job."""
    return f"{widths_label(arch)} r={activation_label(arch)}"


def arch_line(arch: Architecture) -> str:
    """``"3,4,5,6 2,3"``: the architecture-file line of a job (what ``--dry-run`` prints).

    Per-layer exponents are written with one entry per hidden layer, so the line parses back to
    the same job (:func:`~neurovariety.architecture.parse_architecture_line`).
    """
    act = arch.activation
    r = str(act) if isinstance(act, int) else ",".join(map(str, act))
    return f"{','.join(map(str, arch.widths))} {r}"


def job_seed(seed: int, arch: Architecture) -> int:
    """The seed of one job, derived from the base seed and the architecture alone.

    A job gets the same seed however it is scheduled (local or Dask, first run or resume).

    >>> job_seed(7, Architecture((2, 2, 3), 2)) == job_seed(7, Architecture((2, 2, 3), [2]))
    True
    """
    digest = hashlib.sha256(f"{seed}|{job_key(arch)}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


def as_architectures(item: object) -> list[Architecture]:
    """The architecture(s) of one sweep item (a ``"WIDTHS R"`` line may stand for several).

    >>> [job_label(a) for a in as_architectures("3,4,5 2,3")]
    ['[3, 4, 5] r=2', '[3, 4, 5] r=3']
    """
    if isinstance(item, Architecture):
        return [item]
    if isinstance(item, str):
        return parse_architecture_line(item)
    if isinstance(item, (tuple, list)) and len(item) == 2:
        return [Architecture(item[0], item[1])]
    raise InvalidInputError(
        f"cannot interpret {item!r} as an architecture: use Architecture, 'WIDTHS R' "
        "(e.g. '3,3,3 2') or a (widths, r) pair"
    )


def dedupe(archs: Iterable[Architecture]) -> Iterator[Architecture]:
    """``archs`` without repeated jobs (first occurrence kept), lazily."""
    seen: set[Key] = set()
    for a in archs:
        key = job_key(a)
        if key not in seen:
            seen.add(key)
            yield a
