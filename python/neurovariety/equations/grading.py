"""The (multi)grading of the ambient coordinates: parts, their monomials, evaluation mod p.

The ideal of V is homogeneous, and multihomogeneous in the multigraded view: each output's
coefficient vector is a separate projective factor, so V lives in ``(P^{M-1})^{dL}`` and every
form has a multidegree ``(a_1, ..., a_dL)``. Permuting the rows of ``W_L`` permutes the outputs,
so V and I(V) are invariant under permuting the output blocks: a part is the image of the part
with the sorted multidegree (:func:`orbit_representative`, :func:`permuted_part`).

>>> g = Grading(Architecture((2, 2, 3), 2), multigraded=True)
>>> g.parts(3)[:3], g.part_size((1, 1, 1))
([(3, 0, 0), (2, 1, 0), (2, 0, 1)], 27)
>>> orbit_representative((0, 2, 1))
((2, 1, 0), [1, 2, 0])
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

from ..architecture import Architecture, monomial_exponents
from ..errors import VerificationError
from .exact import Exponent, SparseForm
from .modular import lifted_canonical_basis, rational_canonical_basis

__all__ = ["Multidegree", "Grading", "Part", "orbit_representative", "permuted_part"]

#: The (multi)degree of a part: one entry per block of coordinates.
Multidegree = tuple[int, ...]


@dataclass(frozen=True)
class Grading:
    """Blocks of coordinates: one per output (multigraded) or a single block of all of them.

    >>> g = Grading(Architecture((2, 1, 2), 2), multigraded=True)
    >>> g.blocks, g.monomials((1, 1))[:2], g.multidegree((1, 0, 0, 0, 2, 0))
    ([range(0, 3), range(3, 6)], [(1, 0, 0, 1, 0, 0), (1, 0, 0, 0, 1, 0)], (1, 2))
    """

    arch: Architecture
    multigraded: bool

    @property
    def n(self) -> int:
        """Number of ambient coordinates."""
        return self.arch.ambient_dim

    @property
    def blocks(self) -> list[range]:
        """Coordinate indices of each block."""
        M = self.arch.num_monomials
        if self.multigraded:
            return [range(j * M, (j + 1) * M) for j in range(self.arch.dL)]
        return [range(self.n)]

    @property
    def block_sizes(self) -> list[int]:
        """Number of coordinates of each block."""
        return [len(b) for b in self.blocks]

    @property
    def what(self) -> str:
        """``"multidegree"`` or ``"degree"``, for statements."""
        return "multidegree" if self.multigraded else "degree"

    def parts(self, degree: int) -> list[Multidegree]:
        """All (multi)degrees of the given total degree, lex descending."""
        return monomial_exponents(len(self.blocks), degree)

    def parts_up_to(self, max_degree: int) -> list[Multidegree]:
        """All (multi)degrees of total degree ``1..max_degree``, by increasing total degree."""
        return [a for d in range(1, max_degree + 1) for a in self.parts(d)]

    def part_size(self, alpha: Sequence[int]) -> int:
        """Number of monomials of the part."""
        return math.prod(math.comb(len(b) + a - 1, a) for b, a in zip(self.blocks, alpha))

    def monomials(self, alpha: Sequence[int]) -> list[Exponent]:
        """Full exponent vectors of the part, in the order of the row-wise Kronecker product."""
        factors = [monomial_exponents(len(b), a) for b, a in zip(self.blocks, alpha)]
        return [tuple(itertools.chain.from_iterable(combo)) for combo in itertools.product(*factors)]

    def evaluate(self, P: np.ndarray, alpha: Sequence[int], p: int) -> np.ndarray:
        """Evaluation matrix mod p: rows = points (rows of P, reduced mod p), columns = monomials."""
        S = P.shape[0]
        E = np.ones((S, 1), dtype=np.int64)
        for b, a in zip(self.blocks, alpha):
            if a == 0:
                continue
            Pb = P[:, b.start : b.stop]
            combos = np.array(list(itertools.combinations_with_replacement(range(len(b)), a)), dtype=np.int64)
            B = Pb[:, combos[:, 0]] % p
            for t in range(1, a):
                B = B * Pb[:, combos[:, t]] % p
            if E.shape[1] == 1 and E.base is None and not np.any(E != 1):
                E = B
                continue
            # residues < 2^21, so products < 2^42 fit in int64; in place: one S x K array.
            out = np.empty((S, E.shape[1], B.shape[1]), dtype=np.int64)
            np.multiply(E[:, :, None], B[:, None, :], out=out)
            np.remainder(out, p, out=out)
            E = out.reshape(S, -1)
        return E

    def multidegree(self, exps: Exponent) -> Multidegree:
        """(Multi)degree of a monomial of the coordinates."""
        return tuple(sum(exps[i] for i in b) for b in self.blocks)

    def multiples(self, alpha: Multidegree, forms: Iterable[tuple[Multidegree, SparseForm]]) -> list[dict[int, int]]:
        """All products of the forms (each given with its multidegree) by monomials that land in
        the part ``alpha``, as sparse rows over the monomials of ``alpha``: they span the part
        ``alpha`` of the ideal the forms generate."""
        index = {m: i for i, m in enumerate(self.monomials(alpha))}
        rows = []
        for beta, form in forms:
            gap = tuple(a - b for a, b in zip(alpha, beta))
            if min(gap) < 0:
                continue
            for mono in self.monomials(gap):
                rows.append({index[tuple(x + y for x, y in zip(e, mono))]: c for e, c in form.items()})
        return rows


@dataclass
class Part:
    """A basis of one part of I(V): sparse integer vectors over the part's monomials.

    >>> Part((2,), [(2, 0), (1, 1), (0, 2)], [{0: 1, 2: -1}], (1048583,), 13).exponent_forms()
    [{(2, 0): 1, (0, 2): -1}]
    """

    alpha: Multidegree
    monomials: list[Exponent]
    forms: list[dict[int, int]]  # sparse integer coefficient vectors, keyed by monomial column
    primes: tuple[int, ...]
    points: int

    def exponent_forms(self) -> list[SparseForm]:
        """The forms keyed by exponent vectors instead of columns."""
        return [{self.monomials[c]: v for c, v in f.items()} for f in self.forms]


def orbit_representative(alpha: Multidegree) -> tuple[Multidegree, list[int]]:
    """Sorted (descending) multidegree and the block permutation taking it to alpha.

    Permuting the rows of W_L permutes the outputs, so V and I(V) are invariant under permuting
    the output blocks: I(V)_alpha is the image of I(V)_rep under the permutation.

    >>> orbit_representative((1, 2, 1))
    ((2, 1, 1), [1, 0, 2])
    """
    order = sorted(range(len(alpha)), key=lambda j: (-alpha[j], j))
    rep = tuple(alpha[j] for j in order)
    return rep, order  # block order[i] of alpha plays the role of block i of rep


def permuted_part(
    grading: Grading,
    rep_part: Part,
    alpha: Multidegree,
    order: list[int],
    accept: Optional[Callable[[list[SparseForm]], bool]] = None,
) -> Part:
    """The part alpha from the part rep by relabelling output blocks, in canonical form.

    Without ``accept`` the canonical form is an exact rational elimination (small parts only);
    with it, the canonical form is lifted from primes (:func:`~.modular.lifted_canonical_basis`)
    and taken once ``accept`` (exact vanishing at fresh points of V) certifies it.

    >>> g = Grading(Architecture((1, 1, 2), 2), multigraded=True)   # one coordinate per output
    >>> rep = Part((2, 1), g.monomials((2, 1)), [{0: 1}], (), 0)
    >>> permuted_part(g, rep, (1, 2), [1, 0]).exponent_forms()
    [{(1, 2): 1}]
    """
    M = grading.arch.num_monomials
    forms = []
    for f in rep_part.forms:
        g: SparseForm = {}
        for c, v in f.items():
            e = rep_part.monomials[c]
            new = [0] * len(e)
            for i, j in enumerate(order):
                new[j * M : (j + 1) * M] = e[i * M : (i + 1) * M]
            g[tuple(new)] = v
        forms.append(g)
    monos = grading.monomials(alpha)
    index = {m: i for i, m in enumerate(monos)}
    rows = [{index[e]: v for e, v in g.items()} for g in forms]
    if accept is None:
        return Part(alpha, monos, rational_canonical_basis(len(monos), rows), rep_part.primes, rep_part.points)
    check = accept
    lifted = lifted_canonical_basis(len(monos), rows, lambda cand: check([{monos[c]: v for c, v in f.items()} for f in cand]))
    if lifted is None:
        raise VerificationError(f"permuted forms of part {alpha} do not vanish on V (bug)")
    return Part(alpha, monos, lifted[0], tuple(sorted(set(rep_part.primes) | set(lifted[1]))), rep_part.points)
