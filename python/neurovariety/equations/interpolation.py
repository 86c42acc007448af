"""Interpolation: a basis of every requested part of I(V), lifted to Z and exactly verified.

For a part ``α``: evaluate its monomials at ``S > #monomials`` exact points of V reduced mod
``p``, take the canonical nullspace of this evaluation matrix, lift it by rational
reconstruction (CRT over more primes only when one does not suffice), clear denominators and
verify every form exactly at fresh points of V — the verification is the certificate; a
reconstruction that fails it just takes another prime, a sample that fails it twice raises
:class:`~neurovariety.errors.VerificationError`. Parts differing by a permutation of the outputs
are computed once. Generators are the forms not in the ideal of the lower-degree ones (ranks mod
``p`` of their monomial multiples).

>>> from neurovariety.equations.request import ideal_request
>>> [str(g) for g in by_interpolation(ideal_request((2, 1, 1), 2, degree=2)).generators]
['4*c_1_x0x0*c_1_x1x1 - c_1_x0x1**2']
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

from .._progress import progress_bar
from .._resources import check_memory
from .._resources.memory import nullspace_memory
from ..architecture import Architecture
from ..errors import VerificationError
from ..linalg import nullspace
from ..network.coordinates import coordinate_symbols
from ..network.modular import trusted_coefficients
from .exact import SparseForm, random_integer_weights, verification_points, verification_stream, verify_forms
from .grading import Grading, Multidegree, Part, orbit_representative, permuted_part
from .modular import canonical_basis, crt_reconstruct, independent_rows, prime_sequence, primitive
from .request import IdealRequest, check_deadline, check_part_memory, sample_count
from .result import VanishingIdeal, to_generator
from .statement import interpolation_statement, schwartz_zippel_error

__all__ = [
    "SAMPLE_BOUND",
    "MAX_PRIMES",
    "Sampler",
    "interpolate_part",
    "verified_part",
    "new_generators",
    "by_interpolation",
]

#: Weights of interpolation sample points (any range works; exact values are reduced mod p).
SAMPLE_BOUND = 2**15
#: Give up after this many primes without a stable rational reconstruction.
MAX_PRIMES = 12


class Sampler:
    """Sample points of V (shared by all parts): random integer weights, and the network's
    coefficients at them mod each prime (Rust evaluator; the same points over Q for every
    prime, so kernels mod different primes combine by CRT). Verification points are separate
    and exact (:mod:`~.exact`).

    >>> Sampler(Architecture((2, 1, 1), 2), seed=0).residues(5, 7).shape   # 5 points, 3 coordinates
    (5, 3)
    """

    def __init__(self, arch: Architecture, seed: Optional[int]):
        self.arch = arch
        self.rng = random.Random(seed)
        self.verify_rng = verification_stream(seed)
        self.weights: list[list[list[list[int]]]] = []
        self._residues: dict[int, np.ndarray] = {}

    def fresh_points(self, count: int) -> list[list[int]]:
        """Points never used for interpolation (own random stream, wide weight range)."""
        return verification_points(self.arch, self.verify_rng, count)

    def ensure(self, count: int) -> None:
        """Make at least ``count`` sample points (their weights)."""
        while len(self.weights) < count:
            self.weights.append(random_integer_weights(self.arch, self.rng, SAMPLE_BOUND))

    def discard(self) -> None:
        """Forget all sample points (a retry must not reuse a possibly special sample)."""
        self.weights.clear()
        self._residues.clear()

    def residues(self, count: int, p: int) -> np.ndarray:
        """The first ``count`` sample points mod ``p``, one per row."""
        self.ensure(count)
        R = self._residues.get(p)
        if R is None or R.shape[0] < count:
            R = np.empty((count, self.arch.ambient_dim), dtype=np.int64)
            for i, w in enumerate(self.weights[:count]):
                R[i] = trusted_coefficients(self.arch, w, p)
            self._residues[p] = R
        return R[:count]


class _BadSample(Exception):
    """A reconstruction that is stable across primes fails exact verification: the sample points
    do not cut out the part (kernel too big), so new points are needed."""


def interpolate_part(
    grading: Grading,
    sampler: Sampler,
    alpha: Multidegree,
    deadline: Optional[float],
    npoints: int,
    oversample: float = 1.0,
    memory_limit: Optional[int] = None,
) -> Part:
    """A basis of all forms of (multi)degree alpha vanishing on V, lifted to Z and verified.

    The nullspace mod the first prime usually reconstructs already (small coefficients); the
    exact verification at fresh points is the certificate, so further primes are only taken when
    reconstruction fails or the reconstructed forms do not verify.

    >>> g = Grading(Architecture((2, 1, 1), 2), multigraded=False)
    >>> interpolate_part(g, Sampler(g.arch, 0), (2,), None, 4).forms   # 4 c_1_x0x0 c_1_x1x1 - c_1_x0x1^2
    [{2: 4, 3: -1}]
    """
    monos = grading.monomials(alpha)
    K = len(monos)
    S = sample_count(K, oversample)  # margin: more equations than unknowns
    check_part_memory(grading, alpha, next(prime_sequence()), oversample, memory_limit)
    groups: dict[tuple[int, ...], list[tuple[int, np.ndarray]]] = {}
    best_k: Optional[int] = None
    used: list[int] = []
    failed: Optional[list[dict[int, int]]] = None
    verify_at: Optional[list[list[int]]] = None
    for p in prime_sequence():
        if len(used) >= MAX_PRIMES:
            break
        check_deadline(deadline, f"interpolating part {alpha}")
        used.append(p)
        E = grading.evaluate(sampler.residues(S, p), alpha, p)
        kernel = nullspace(E, p, memory_limit=memory_limit)
        del E  # the next prime's matrix must not coexist with this one
        N, free = canonical_basis(kernel, p)
        del kernel
        k = len(free)
        if k == 0:  # full column rank mod p => full rank over Q: nothing vanishes (rigorous)
            return Part(alpha, monos, [], tuple(used), S)
        if best_k is not None and k > best_k:
            continue  # rank drop mod p: an unlucky prime
        if best_k is None or k < best_k:
            best_k, groups = k, {}
        members = groups.setdefault(free, [])
        members.append((p, N))
        lifted = crt_reconstruct(members, free)
        if lifted is None:
            continue  # coefficients too large for the modulus so far
        forms = [primitive(row) for row in lifted]
        if verify_at is None:
            verify_at = sampler.fresh_points(npoints)
        if verify_forms([{monos[c]: v for c, v in f.items()} for f in forms], verify_at) is None:
            return Part(alpha, monos, forms, tuple(used), S)
        if forms == failed:
            raise _BadSample(alpha)  # same answer from more primes: the points are to blame
        failed = forms
    raise VerificationError(
        f"no verified rational reconstruction for part {alpha} after {len(used)} primes "
        "(coefficients too large?); refusing to return unverified equations"
    )


def verified_part(
    grading: Grading,
    sampler: Sampler,
    alpha: Multidegree,
    deadline: Optional[float],
    npoints: int,
    memory_limit: Optional[int] = None,
) -> Part:
    """Interpolate one part; if the sample was bad, retry once with fresh and twice as many points.

    >>> g = Grading(Architecture((2, 2, 1), 2), multigraded=False)
    >>> verified_part(g, Sampler(g.arch, 0), (2,), None, 4).forms   # V fills its ambient space
    []
    """
    for attempt in range(2):
        try:
            return interpolate_part(grading, sampler, alpha, deadline, npoints, 1.0 + attempt, memory_limit)
        except _BadSample:
            sampler.discard()
    raise VerificationError(
        f"interpolated forms of part {alpha} do not vanish at exact points of V (twice); "
        "refusing to return unverified equations"
    )


def new_generators(
    grading: Grading,
    part: Part,
    lower: Sequence[tuple[Multidegree, SparseForm]],
    p: int,
    memory_limit: Optional[int] = None,
) -> list[int]:
    """Indices of ``part.forms`` not in the ideal generated by the lower-degree generators.

    >>> g = Grading(Architecture((2, 1, 1), 2), multigraded=False)
    >>> cubics = verified_part(g, Sampler(g.arch, 0), (3,), None, 4)
    >>> len(cubics.forms), new_generators(g, cubics, [((2,), {(1, 0, 1): 4, (0, 2, 0): -1})], 1048583)
    (3, [])
    """
    if not part.forms:
        return []
    products = grading.multiples(part.alpha, lower)
    if not products:
        return list(range(len(part.forms)))
    rows = products + part.forms
    K = len(part.monomials)
    check_memory(f"selecting generators of part {part.alpha} ({len(rows)} forms x {K} monomials)",
                 nullspace_memory(K, len(rows), p, held=2.0), memory_limit)
    A = np.zeros((len(rows), len(part.monomials)), dtype=np.int64)
    for i, row in enumerate(rows):
        for c, v in row.items():
            A[i, c] = v % p
    chosen = independent_rows(A, p)
    return [i - len(products) for i in chosen if i >= len(products)]


@dataclass
class _Collected:
    """What the loop over the parts gathers."""

    dims: dict[Multidegree, int] = field(default_factory=dict)
    chosen: list[tuple[Multidegree, SparseForm]] = field(default_factory=list)
    primes: set[int] = field(default_factory=set)
    top_degree: int = 0  # highest total degree with a nonzero part
    permuted: bool = False


def _part(
    request: IdealRequest, sampler: Sampler, computed: dict[Multidegree, Part], alpha: Multidegree
) -> tuple[Part, bool]:
    """The part alpha, and whether it was mapped from its orbit representative (then verified
    again) instead of interpolated."""
    grading, npoints = request.grading, request.verification_points
    rep, order = orbit_representative(alpha) if grading.multigraded else (alpha, [0])
    if rep not in computed:
        computed[rep] = verified_part(grading, sampler, rep, request.deadline, npoints, request.memory_limit)
    if rep == alpha:
        return computed[rep], False
    if not computed[rep].forms:
        return Part(alpha, grading.monomials(alpha), [], computed[rep].primes, computed[rep].points), True
    points = sampler.fresh_points(npoints)
    part = permuted_part(grading, computed[rep], alpha, order, accept=lambda forms: verify_forms(forms, points) is None)
    return part, True


def _collect(request: IdealRequest, sampler: Sampler) -> _Collected:
    found = _Collected()
    computed: dict[Multidegree, Part] = {}
    todo = request.todo
    with progress_bar(len(todo), "equations", unit="part", progress=request.progress) as bar:
        for alpha in todo:
            bar.set_postfix(part=alpha, monomials=request.grading.part_size(alpha))
            part, permuted = _part(request, sampler, computed, alpha)
            found.permuted |= permuted
            found.primes.update(part.primes)
            found.dims[alpha] = len(part.forms)
            forms = part.exponent_forms()
            if forms:
                found.top_degree = max(found.top_degree, sum(alpha))
            if request.mode == "part":
                found.chosen.extend((alpha, f) for f in forms)
            else:
                check_deadline(request.deadline, "selecting generators")
                new = new_generators(request.grading, part, found.chosen, next(prime_sequence()), request.memory_limit)
                found.chosen.extend((alpha, forms[i]) for i in new)
            bar.update()
    return found


def by_interpolation(request: IdealRequest) -> VanishingIdeal:
    """The result of :func:`~neurovariety.equations.vanishing_ideal` by interpolation.

    >>> from neurovariety.equations.request import ideal_request
    >>> by_interpolation(ideal_request((2, 2, 3), 2, max_degree=3)).counts
    {3: 1}
    """
    arch, grading = request.arch, request.grading
    found = _collect(request, Sampler(arch, request.seed))
    symbols = coordinate_symbols(arch)
    error = schwartz_zippel_error(arch, max(found.top_degree, 1), request.verification_points)
    statement = interpolation_statement(request, found.dims, [a for a, _ in found.chosen], error, found.permuted)
    return VanishingIdeal(
        architecture=arch,
        coordinates=tuple(str(g) for g in symbols),
        generators=[to_generator(grading, f, symbols) for _, f in found.chosen],
        part_dimensions=found.dims,
        multigraded=grading.multigraded,
        method="interpolation",
        mode=request.mode,
        degree_bound=None if request.mode == "part" else request.max_degree,
        verified=True,
        statement=statement,
        primes=tuple(sorted(found.primes)),
        extra={"verification_points": request.verification_points, "error_bound": error},
    )
