"""Architectures of polynomial neural networks: the one parser, validator and normaliser.

An architecture is a width vector ``d = (d0, d1, ..., dL)`` (``L`` weight matrices, ``W_i`` of
shape ``d_i x d_{i-1}``, no biases) and an activation exponent ``r``: one int for every hidden
layer, or one per hidden layer ``(r_1, ..., r_{L-1})``. The network computes ``dL`` homogeneous
polynomials of degree ``D = r_1 * ... * r_{L-1}`` in ``d0`` variables.

Everything else in the package receives a validated :class:`Architecture`; text is parsed only
here (:meth:`Architecture.parse`, :func:`parse_architecture_line`).

Conventions used throughout the package (and by the Rust core):

* **Monomial order**: exponent vectors of degree ``D`` in ``n`` variables in lexicographic
  descending order, ``x0^D`` first; see :func:`monomial_exponents`.
* **Coefficient vector** of a network: output-major, entry ``j * M + m`` holds the coefficient of
  monomial ``m`` in output ``j`` (``M`` = number of monomials).
* **Weight vector**: ``W_1`` row-major, then ``W_2``, ..., ``W_L``; column ``k`` of the Jacobian
  is the derivative with respect to weight ``k`` in this order.

>>> a = Architecture((3, 3, 3), 2)
>>> (a.num_params, a.degree, a.num_monomials, a.ambient_dim, a.expected_dim)
(18, 2, 6, 18, 15)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from math import comb, prod
from typing import Any, Callable, Generic, Optional, Sequence, TypeVar, Union, overload

import numpy as np

from ._validate import INT_FIELD, nonnegative_int, positive_int, sequence
from .errors import InvalidInputError, ResourceLimitError

__all__ = [
    "Architecture",
    "ArchitectureLike",
    "RSpec",
    "monomial_exponents",
    "parse_widths",
    "parse_r",
    "parse_architecture_line",
    "MAX_WIDTH",
    "MAX_EXPONENT",
]

#: An activation exponent: one int for every hidden layer, or one int per hidden layer.
RSpec = Union[int, Sequence[int]]

#: Widths above this are refused (no dense computation could handle them anyway).
MAX_WIDTH = 2**31 - 1
#: Per-layer exponents must fit the Rust core's ``u32`` exponents.
MAX_EXPONENT = 2**32 - 1

_OPEN_CLOSE = {"[": "]", "(": ")", "{": "}"}

_T = TypeVar("_T")


class _cached(Generic[_T]):
    """``functools.cached_property`` without its lock: before Python 3.12 that takes an ``RLock`` on
    every first access, which was the largest cost of ordering and reading back a large sweep.
    A frozen architecture's values never change, so a racing recomputation is harmless."""

    def __init__(self, func: Callable[[Any], _T]):
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    @overload
    def __get__(self, obj: None, owner: Optional[type] = None) -> "_cached[_T]": ...

    @overload
    def __get__(self, obj: object, owner: Optional[type] = None) -> _T: ...

    def __get__(self, obj: object, owner: Optional[type] = None) -> Union[_T, "_cached[_T]"]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)  # the instance attribute shadows us from now on
        return value


@dataclass(frozen=True)
class Architecture:
    """A PNN architecture: widths ``(d0, ..., dL)`` and one exponent per hidden layer.

    ``r`` is an int (the same exponent on every hidden layer) or a sequence of ``L - 1`` ints;
    it is stored as the tuple :attr:`r` (empty for a single linear layer). :attr:`activation` is
    the normalised form for output: an int when all hidden exponents agree (also the exponent the
    caller gave for a network without hidden layer), else the tuple.

    >>> Architecture([2, 2, 3], 2).ambient_dim
    9
    >>> Architecture((3, 4, 5, 2), (2, 3)).degree
    6
    >>> Architecture((3, 4), 5).activation   # no hidden layer: the exponent given is kept for labels
    5
    """

    widths: tuple[int, ...]
    r: tuple[int, ...]
    exponent: Optional[int] = field(default=None, compare=False, repr=False)

    def __init__(self, widths: Sequence[int], r: RSpec = 2) -> None:
        ws = _validated_widths(widths)
        rs, exponent = _validated_exponents(r, len(ws) - 2, ws)
        object.__setattr__(self, "widths", ws)
        object.__setattr__(self, "r", rs)
        object.__setattr__(self, "exponent", exponent)

    @classmethod
    def _trusted(cls, widths: tuple[int, ...], r: tuple[int, ...]) -> "Architecture":
        """An architecture from parts of a validated one (no re-validation: hot in bound recursions)."""
        self = object.__new__(cls)
        object.__setattr__(self, "widths", widths)
        object.__setattr__(self, "r", r)
        object.__setattr__(self, "exponent", r[0] if r and len(set(r)) == 1 else None)
        return self

    def __getstate__(self) -> dict[str, Any]:
        # Only the defining fields: the cached values below would double every sweep job's message.
        return {"widths": self.widths, "r": self.r, "exponent": self.exponent}

    # --- construction from other forms ----------------------------------------------------------
    @classmethod
    def parse(cls, widths: str, r: str = "2") -> "Architecture":
        """Parse text: widths ``"3,3,3"`` / ``"[3, 3, 3]"`` / ``"{3,3,3}"``, exponent ``"2"`` or ``"2,3"``.

        >>> Architecture.parse("3,4,5,2", "2,3").r
        (2, 3)
        """
        return cls(parse_widths(widths), parse_r(r))

    @classmethod
    def coerce(cls, widths: "ArchitectureLike", r: Optional[RSpec] = None) -> "Architecture":
        """The one conversion used by every public function: an :class:`Architecture` is returned
        as is (then ``r`` must be ``None`` or agree with it), a sequence of widths is combined with
        ``r`` (default 2).

        >>> Architecture.coerce((2, 2, 3)) == Architecture((2, 2, 3), 2)
        True
        """
        if isinstance(widths, Architecture):
            if r is not None and Architecture(widths.widths, r) != widths:
                raise InvalidInputError(f"r={r!r} contradicts the architecture {widths} that was passed")
            return widths
        if isinstance(widths, str):
            raise InvalidInputError(
                f"widths must be a sequence of integers, got the string {widths!r} "
                "(parse text with Architecture.parse)"
            )
        return cls(widths, 2 if r is None else r)

    # --- basic shape -----------------------------------------------------------------------
    @property
    def depth(self) -> int:
        """Number of weight matrices ``L``."""
        return len(self.widths) - 1

    @property
    def d0(self) -> int:
        """Input width (number of variables)."""
        return self.widths[0]

    @property
    def dL(self) -> int:
        """Output width (number of polynomials)."""
        return self.widths[-1]

    @property
    def hidden_widths(self) -> tuple[int, ...]:
        """``(d1, ..., d_{L-1})``."""
        return self.widths[1:-1]

    @property
    def uniform_r(self) -> Optional[int]:
        """The common exponent if all hidden layers share one (``None`` for mixed or no hidden layer)."""
        return self.r[0] if self.r and len(set(self.r)) == 1 else None

    @property
    def activation(self) -> Union[int, tuple[int, ...]]:
        """``r`` for output and JSON: an int when uniform (or no hidden layer), else the tuple."""
        if self.exponent is not None:
            return self.exponent
        return self.r if self.r else 1

    @property
    def r_label(self) -> str:
        """``"2"`` for a uniform exponent, ``"2,3"`` for per-layer exponents."""
        act = self.activation
        return str(act) if isinstance(act, int) else ",".join(map(str, act))

    # --- combinatorics (cached: a frozen instance's values never change; hot in sweeps) ---------
    @_cached
    def num_params(self) -> int:
        """``N = sum d_{i-1} d_i``."""
        return sum(a * b for a, b in zip(self.widths, self.widths[1:]))

    @_cached
    def num_free_params(self) -> int:
        """``N - sum of hidden widths``: the weights left after fixing one per hidden neuron (the gauge)."""
        return self.num_params - sum(self.hidden_widths)

    @_cached
    def degree(self) -> int:
        """Degree ``D`` of the output polynomials (product of the hidden exponents; a Python int)."""
        return prod(self.r)

    @_cached
    def num_monomials(self) -> int:
        """``M = C(d0 + D - 1, D)``."""
        d = self.degree
        return comb(self.d0 + d - 1, min(d, self.d0 - 1))

    @_cached
    def ambient_dim(self) -> int:
        """Affine ambient dimension ``dL * M``."""
        return self.dL * self.num_monomials

    @_cached
    def expected_dim(self) -> int:
        """``min(N - sum of hidden widths, ambient)``: parameters minus the rescaling symmetries."""
        return min(self.num_free_params, self.ambient_dim)

    @_cached
    def weight_degree(self) -> int:
        """Total degree of the coefficients as polynomials in the weights: ``W_i`` enters with
        degree ``r_i * ... * r_{L-1}`` (``W_L`` linearly)."""
        return sum(prod(self.r[i:]) for i in range(self.depth))

    def split(self, k: int) -> tuple["Architecture", "Architecture"]:
        """The two architectures ``(d0..dk)`` and ``(dk..dL)`` of the splitting bound (0 < k < L).

        The activation after layer ``k`` is absorbed by the composition, so the left part keeps
        ``r_1..r_{k-1}`` and the right part ``r_{k+1}..r_{L-1}``.
        """
        if not 0 < k < self.depth:
            raise InvalidInputError(f"split index must satisfy 0 < k < L={self.depth}, got {k}")
        return (
            Architecture._trusted(self.widths[: k + 1], self.r[: k - 1]),
            Architecture._trusted(self.widths[k:], self.r[k:]),
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"widths": [...], "r": int | [...]}`` with plain Python types."""
        act = self.activation
        return {"widths": list(self.widths), "r": act if isinstance(act, int) else list(act)}

    def __str__(self) -> str:
        return f"({','.join(map(str, self.widths))}), r={self.r_label}"


#: What public functions accept as an architecture.
ArchitectureLike = Union[Architecture, Sequence[int]]


def _validated_widths(widths: object) -> tuple[int, ...]:
    values = sequence(widths, "widths", "a sequence of positive integers")
    if len(values) < 2:
        raise InvalidInputError(f"an architecture needs at least 2 widths (d0, d1), got {values!r}")
    return tuple(positive_int(w, f"width d{i}", maximum=MAX_WIDTH) for i, w in enumerate(values))


def _validated_exponents(r: object, hidden: int, widths: tuple[int, ...]) -> tuple[tuple[int, ...], Optional[int]]:
    """``(per-layer tuple, uniform exponent or None)`` from an int or a sequence."""
    if isinstance(r, (str, bytes)):
        raise InvalidInputError(
            f"r must be an int or a sequence of ints, got the string {r!r} (parse text with Architecture.parse)"
        )
    if isinstance(r, np.ndarray) and r.ndim == 0:
        r = r.item()  # a numpy 0-d array is one exponent, not a sequence
    if hasattr(r, "__iter__"):
        items = sequence(r, "r", "an int or a sequence of ints")
        rs = tuple(positive_int(x, f"exponent r_{i + 1}", maximum=MAX_EXPONENT) for i, x in enumerate(items))
        if len(rs) != hidden:
            raise InvalidInputError(
                f"per-layer exponents must have one entry per hidden layer "
                f"({hidden} for widths {list(widths)}), got {list(rs)}"
            )
        return rs, (rs[0] if rs and len(set(rs)) == 1 else None)
    value = positive_int(r, "exponent r", maximum=MAX_EXPONENT)
    return (value,) * hidden, value


#: Largest number of monomials :func:`monomial_exponents` lists (about 1 GiB of Python tuples);
#: anything that needs more is refused before the enumeration starts.
MAX_LISTED_MONOMIALS = 5_000_000


def monomial_exponents(n: int, degree: int) -> list[tuple[int, ...]]:
    """Exponent vectors of all monomials of ``degree`` in ``n`` variables, in package order.

    >>> monomial_exponents(2, 2)
    [(2, 0), (1, 1), (0, 2)]
    >>> monomial_exponents(2, 10**7)
    Traceback (most recent call last):
    ...
    neurovariety.errors.ResourceLimitError: there are 10,000,001 monomials of degree 10000000 in 2 variables, more than the 5,000,000 this package lists; choose a smaller architecture or degree
    """
    n = positive_int(n, "number of variables n")
    degree = nonnegative_int(degree, "degree")
    count = comb(n + degree - 1, degree)
    if count > MAX_LISTED_MONOMIALS:
        raise ResourceLimitError(
            f"there are {count:,} monomials of degree {degree} in {n} variables, more than the "
            f"{MAX_LISTED_MONOMIALS:,} this package lists; choose a smaller architecture or degree"
        )
    out = []
    for combo in itertools.combinations_with_replacement(range(n), degree):
        e = [0] * n
        for v in combo:
            e[v] += 1
        out.append(tuple(e))
    return out


def _fields(text: str, what: str) -> list[str]:
    """Split ``text`` (one optional outer bracket pair) into non-empty fields; empty fields are errors."""
    if not isinstance(text, str):
        raise InvalidInputError(f"{what} must be text, got {text!r}")
    s = _strip(text)
    if s and s[0] in _OPEN_CLOSE:
        if not s.endswith(_OPEN_CLOSE[s[0]]):
            raise InvalidInputError(f"unbalanced bracket in {what} {text!r}")
        s = s[1:-1].strip()
    if not s:
        raise InvalidInputError(f"empty {what} {text!r}")
    parts = [p.strip() for p in s.split(",")] if "," in s else s.split()
    if any(not p for p in parts):
        raise InvalidInputError(f"empty field in {what} {text!r}: write e.g. 3,3,3")
    return parts




def _strip(text: str) -> str:
    """``text`` without surrounding whitespace and a leading byte-order mark (files from Windows tools)."""
    return text.strip().removeprefix("\ufeff").strip()


def _int_fields(text: str, what: str, example: str) -> tuple[int, ...]:
    parts = _fields(text, what)
    if not all(INT_FIELD.fullmatch(p) for p in parts):
        raise InvalidInputError(f"could not parse {what} from {text!r}: expected integers like {example}")
    return tuple(int(p) for p in parts)


def parse_widths(text: str) -> tuple[int, ...]:
    """Parse ``"3,3,3"``, ``"[3, 3, 3]"``, ``"{3,3,3}"`` or ``"(3 3 3)"`` into a tuple of widths.

    Only the syntax is checked here; :class:`Architecture` checks the values.

    >>> parse_widths("[2, 2, 3]")
    (2, 2, 3)
    """
    return _int_fields(text, "widths", "3,3,3")


def parse_r(text: str) -> RSpec:
    """Parse an activation spec: ``"2"`` -> 2, ``"2,3"`` -> (2, 3), ``"[2, 3]"`` -> (2, 3).

    >>> parse_r("2,3")
    (2, 3)
    """
    values = _int_fields(text, "exponent r", "2 or 2,3")
    return values[0] if len(values) == 1 and _strip(text)[:1] not in _OPEN_CLOSE else values


def parse_architecture_line(text: str) -> list[Architecture]:
    """Parse one architecture line ``WIDTHS R`` into its architecture(s).

    ``R`` is one exponent (``3,3,3 2``), or a comma list: with one entry per hidden layer it is
    per-layer (``3,4,5,6 2,3`` is ``r = (2, 3)``), otherwise each entry is a separate uniform
    exponent (``3,4,5 2,3`` means ``r = 2`` and ``r = 3``). A bracketed list (``[2, 3]``, as in the
    CSV Activation column) is always per-layer. Widths may be bracketed: ``[3, 3, 3] 2``,
    ``{3,3,3} 2``.

    >>> [str(a) for a in parse_architecture_line("3,4,5 2,3")]
    ['(3,4,5), r=2', '(3,4,5), r=3']
    >>> [str(a) for a in parse_architecture_line("{3,4,5,6} 2,3")]
    ['(3,4,5,6), r=2,3']
    """
    s = _strip(text) if isinstance(text, str) else text
    if not isinstance(s, str) or not s:
        raise InvalidInputError(f"empty architecture {text!r}; expected 'WIDTHS R' like '3,3,3 2'")
    if s[0] in _OPEN_CLOSE:
        end = s.find(_OPEN_CLOSE[s[0]])
        if end < 0:
            raise InvalidInputError(f"unbalanced bracket in {s!r}")
        w_text, r_text = s[: end + 1], s[end + 1 :].strip()
    else:
        parts = s.split()
        w_text, r_text = parts[0], " ".join(parts[1:])
        if len(parts) > 2 and r_text[:1] not in _OPEN_CLOSE:
            raise InvalidInputError(
                f"expected 'WIDTHS R' like '3,3,3 2' or '3,4,5 2,3' (no spaces inside a list), got {s!r}"
            )
    if not r_text:
        raise InvalidInputError(f"missing activation exponent in {s!r}; expected e.g. '3,3,3 2'")
    widths = parse_widths(w_text)
    r = parse_r(r_text)
    if isinstance(r, tuple) and r_text[:1] not in _OPEN_CLOSE and len(r) != len(widths) - 2:
        return [Architecture(widths, rv) for rv in r]
    return [Architecture(widths, r)]
