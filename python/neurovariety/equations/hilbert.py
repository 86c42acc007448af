"""The Hilbert function of a neurovariety: dimensions of the graded pieces of its coordinate ring.

For every (multi)degree part ``α`` up to ``max_degree``: ``ring`` is the number of monomials of
the part, ``ideal`` the dimension of ``I(V)_α``, ``quotient = ring - ideal`` (the Hilbert
function of ``V``). ``ideal`` is computed as ``ring`` minus the rank mod ``p`` of the evaluation
matrix of the part's monomials at points of ``V`` (reductions of integer points, from random
weights). A rank mod ``p`` never exceeds the rank over Q, so ``ideal`` is a **proved upper bound**
and ``quotient`` a **proved lower bound**; both are exact unless the random points were special
(probability bounded by Schwartz–Zippel, see :mod:`neurovariety.equations`).

>>> df = hilbert_function((2, 2, 3), 2, max_degree=3)
>>> df[df["degree"] == (1, 1, 1)][["ring", "ideal", "quotient"]].values.tolist()   # det C = 0
[[27, 1, 26]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np

from .._progress import progress_bar
from .._resources import check_memory
from .._validate import flag, positive_int
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..errors import ResourceLimitError
from ..fields import DEFAULT_PRIMES, seed_sequence
from ..linalg import rank
from ..network.modular import network_coefficients
from .grading import Grading, Multidegree, orbit_representative

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["hilbert_function", "MAX_HILBERT_MONOMIALS"]

#: Parts with more monomials are refused (the evaluation matrix is dense: 8 bytes per entry).
MAX_HILBERT_MONOMIALS = 20_000

#: Extra sample points beyond the number of monomials of a part.
_MARGIN = 16


def _points(arch: Architecture, count: int, p: int, seed: Optional[int]) -> np.ndarray:
    """``count`` points of V mod p (flat coordinate vectors, package order), from random weights."""
    rows = [network_coefficients(arch, None, None, p, seed=s).reshape(-1) for s in seed_sequence(seed, count)]
    return np.array(rows, dtype=np.int64).reshape(count, arch.ambient_dim)


def _ideal_dimension(grading: Grading, points: np.ndarray, alpha: Multidegree, p: int) -> int:
    size = grading.part_size(alpha)
    E = grading.evaluate(points[: size + _MARGIN], alpha, p)
    return size - rank(E, p)


def hilbert_function(
    widths: ArchitectureLike,
    r: Optional[RSpec] = None,
    *,
    max_degree: int = 4,
    multigraded: Optional[bool] = None,
    seed: Optional[int] = 0,
    memory_limit: Optional[int] = None,
    progress: Optional[bool] = None,
) -> "pd.DataFrame":
    """The Hilbert function of ``V`` up to total degree ``max_degree`` as a DataFrame.

    Columns ``degree`` (the multidegree tuple when multigraded, default for ``dL > 1``; else the
    total degree), ``ring``, ``ideal`` (a proved upper bound for ``dim I(V)`` in that part),
    ``quotient`` (a proved lower bound for the Hilbert function), one row per part, by increasing
    total degree (degree 0 first). ``df.attrs["statement"]`` says what is proved.
    """
    arch = Architecture.coerce(widths, r)
    max_degree = positive_int(max_degree, "max_degree", maximum=64)
    grading = Grading(arch, arch.dL > 1 if multigraded is None else flag(multigraded, "multigraded"))
    parts = grading.parts_up_to(max_degree)
    biggest = max(grading.part_size(a) for a in parts)
    if biggest > MAX_HILBERT_MONOMIALS:
        raise _too_big(grading, biggest)
    check_memory(f"the Hilbert function of {arch} up to degree {max_degree}",
                 8.0 * (biggest + _MARGIN) * biggest * 2.5, memory_limit)
    p = DEFAULT_PRIMES[0]
    points = _points(arch, biggest + _MARGIN, p, validate_seed(seed))
    ideal: dict[Multidegree, int] = {}
    bar = progress_bar(len(parts), f"Hilbert function of {arch}", unit="part", progress=progress)
    with bar:
        for alpha in parts:
            rep = orbit_representative(alpha)[0] if grading.multigraded else alpha
            if rep not in ideal:
                ideal[rep] = _ideal_dimension(grading, points, rep, p)
            ideal[alpha] = ideal[rep]
            bar.update(1)
    zero: Multidegree = (0,) * len(grading.blocks)
    rows = [(zero if grading.multigraded else 0, 1, 0, 1)]
    for alpha in parts:
        size = grading.part_size(alpha)
        rows.append((alpha if grading.multigraded else sum(alpha), size, ideal[alpha], size - ideal[alpha]))
    import pandas as pd  # noqa: PLC0415 - pandas is heavy; `import neurovariety.equations` must stay light

    df: pd.DataFrame = pd.DataFrame(rows, columns=["degree", "ring", "ideal", "quotient"])
    df.attrs["statement"] = (
        f"Hilbert function of V_{{{arch}}} up to total degree {max_degree}: 'ideal' is a proved upper bound for "
        f"dim I(V) in each part (ring minus a rank mod {p} of monomials evaluated at points of V) and 'quotient' a "
        "proved lower bound for the Hilbert function; equality holds unless the random points were special."
    )
    return df


def _too_big(grading: Grading, size: int) -> ResourceLimitError:
    return ResourceLimitError(
        f"a {grading.what} part has {size} monomials (limit {MAX_HILBERT_MONOMIALS}); lower max_degree"
    )
