"""What :func:`~neurovariety.search.minimal_filling` returns: the architectures, their certificates, the regions.

Every architecture listed is **filling by proof**: a rank over F_p equal to the ambient
dimension is a proved lower bound that meets the trivial upper bound. Its **minimality** is
proved when each lower neighbour (one hidden width lowered by one) has a proved upper bound below
the ambient dimension (:func:`neurovariety.theory.upper_bound`, applied to the neighbour or to its
saturated form); otherwise that neighbour's non-filling is probabilistic, with the Schwartz–Zippel
bound of its :func:`~neurovariety.dimension.dimension` call. **Completeness inside the box**
rests on the maximal non-filling points of the box: those not proved by the splitting bound were
each confirmed by a rank at the prime ``2^61 - 1`` (error bounds summed). **Completeness beyond
the box** is the list of regions (:mod:`~.regions`): closed ones are proofs, open ones are named.

>>> n = NeighbourCheck((2, 1, 1), 2, "Alexander–Hirschowitz theorem", True, None, 0.0)
>>> n.status
'not filling: proved (upper bound 2, Alexander–Hirschowitz theorem)'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .._display import Displayable, Table
from .regions import Region, summarise
from .space import FillingProblem

__all__ = ["NeighbourCheck", "FillingArchitecture", "MFAResult"]


@dataclass(frozen=True, repr=False)
class NeighbourCheck(Displayable):
    """One lower neighbour of a minimal architecture and why it is not filling.

    ``certified``: a proved upper bound below the ambient dimension. Otherwise ``dimension`` is the
    maximum rank over the trials of a :func:`~neurovariety.dimension.dimension` call (a proved
    lower bound, below the ambient dimension) and ``error_bound`` the probability bound that it
    under-counts. A width lowered to 0 is trivially not filling (``upper_bound`` 0).
    """

    widths: tuple[int, ...]
    upper_bound: int
    bound: str
    certified: bool
    dimension: Optional[int]
    error_bound: float

    @property
    def status(self) -> str:
        """One line: proved, or probabilistic with its bound."""
        if self.certified:
            return f"not filling: proved (upper bound {self.upper_bound}, {self.bound})"
        return (f"not filling: probabilistic (rank {self.dimension} below the ambient dimension at every trial; "
                f"error <= {self.error_bound:.1e})")

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types."""
        return {"widths": list(self.widths), "upper_bound": self.upper_bound, "bound": self.bound,
                "certified": self.certified, "dimension": self.dimension, "error_bound": self.error_bound,
                "status": self.status}

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("widths", self.widths), ("upper_bound", self.upper_bound), ("bound", self.bound),
                ("certified", self.certified), ("dimension", self.dimension), ("error_bound", self.error_bound)]

    def _display_statement(self) -> str:
        return self.status


@dataclass(frozen=True, repr=False)
class FillingArchitecture(Displayable):
    """A minimal filling architecture with its certificates."""

    widths: tuple[int, ...]
    neighbours: tuple[NeighbourCheck, ...]
    unimodal: bool
    filling_certified: bool = True

    @property
    def minimality_certified(self) -> bool:
        """Every lower neighbour is proved not filling."""
        return all(n.certified for n in self.neighbours)

    @property
    def minimality_error_bound(self) -> float:
        """Probability bound that some lower neighbour fills after all (0 when certified)."""
        return min(1.0, sum(n.error_bound for n in self.neighbours))

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types."""
        return {"widths": list(self.widths), "filling_certified": self.filling_certified,
                "minimality_certified": self.minimality_certified, "minimality_error_bound": self.minimality_error_bound,
                "unimodal": self.unimodal, "neighbours": [n.to_dict() for n in self.neighbours]}

    def _display_rows(self) -> list[tuple[str, Any]]:
        return [("widths", self.widths), ("unimodal", self.unimodal), ("filling_certified", self.filling_certified),
                ("minimality_certified", self.minimality_certified),
                ("minimality_error_bound", self.minimality_error_bound), ("neighbours", len(self.neighbours))]

    def _display_table(self) -> Table:
        """One row per lower neighbour: ``widths, upper_bound, bound, certified, dimension, error_bound``."""
        rows = [[n.widths, n.upper_bound, n.bound, n.certified, n.dimension, n.error_bound] for n in self.neighbours]
        return ("widths", "upper_bound", "bound", "certified", "dimension", "error_bound"), rows

    def __str__(self) -> str:
        tag = "proved" if self.minimality_certified else f"minimality error <= {self.minimality_error_bound:.1e}"
        return f"({','.join(map(str, self.widths))}) [{tag}{'' if self.unimodal else ', not unimodal'}]"


@dataclass(frozen=True, repr=False)
class MFAResult(Displayable):
    """Outcome of :func:`~neurovariety.search.minimal_filling` (see the module docstring for what is proved).

    ``border`` counts the maximal non-filling points of the box, ``border_confirmed`` those that
    needed a confirmation rank at ``2^61 - 1`` (the rest are proved by the splitting bound), and
    ``border_error_bound`` sums the Schwartz–Zippel bounds of those confirmations: the probability
    that the box classification, hence the list, is wrong. ``regions`` is empty when not
    requested (then nothing is claimed beyond the box).
    """

    problem: FillingProblem
    architectures: tuple[FillingArchitecture, ...]
    regions: tuple[Region, ...]
    regions_computed: bool
    ranks: dict[str, int]
    border: int
    border_confirmed: int
    border_error_bound: float
    workers: int
    seconds: float
    seed: int
    overrides: tuple[tuple[int, ...], ...] = field(default=())

    # --- views ----------------------------------------------------------------------------------
    @property
    def ambient(self) -> int:
        """The ambient dimension every architecture here reaches."""
        return self.problem.ambient

    @property
    def widths(self) -> list[tuple[int, ...]]:
        """The minimal filling architectures as width tuples ``(d0, ..., dL)``."""
        return [a.widths for a in self.architectures]

    @property
    def unimodal(self) -> bool:
        """Whether every minimal filling architecture found is unimodal."""
        return all(a.unimodal for a in self.architectures)

    @property
    def non_unimodal(self) -> list[tuple[int, ...]]:
        """The minimal filling architectures that are not unimodal."""
        return [a.widths for a in self.architectures if not a.unimodal]

    @property
    def open_regions(self) -> tuple[Region, ...]:
        """Regions beyond the box that no argument closes."""
        return tuple(r for r in self.regions if not r.closed)

    @property
    def complete(self) -> bool:
        """The regions were computed and all are closed: no minimal filling architecture lies beyond the box."""
        return self.regions_computed and not self.open_regions

    @property
    def error_bound(self) -> float:
        """Probability bound for the whole list (box classification and every minimality), by the union bound."""
        return min(1.0, self.border_error_bound + sum(a.minimality_error_bound for a in self.architectures))

    @property
    def statement(self) -> str:
        """What is proved and what is probabilistic, in full."""
        p, n = self.problem, len(self.architectures)
        if p.empty:
            return f"No minimal filling architecture for (d0, dL, r) = ({p.d0}, {p.dL}, {p.r}) at depth {p.depth}: {self._beyond()}"
        box = f"hidden widths in [{p.min_width}, {max(p.max_widths)}]" if len(set(p.max_widths)) == 1 else (
            f"hidden widths from {p.min_width} up to {list(p.max_widths)}")
        proved = sum(a.minimality_certified for a in self.architectures)
        parts = [
            f"{n} minimal filling architecture(s) for (d0, dL, r) = ({p.d0}, {p.dL}, {p.r}) at depth {p.depth} with {box} "
            f"(ambient dimension {p.ambient}). Each is filling by proof (rank = ambient dimension); minimality is proved "
            f"for {proved} and probabilistic for {n - proved} (lower neighbours not filling by rank, summed error <= "
            f"{sum(a.minimality_error_bound for a in self.architectures):.1e}).",
            f"The list is every minimal filling architecture in the box unless a 'not filling' judgement is wrong: of the "
            f"{self.border} maximal non-filling points of the box, {self.border - self.border_confirmed} are proved by the "
            f"splitting bound and {self.border_confirmed} confirmed at 2^61-1 (error <= {self.border_error_bound:.1e}).",
            self._beyond(),
        ]
        return " ".join(parts)

    def _beyond(self) -> str:
        lo = self.problem.min_width
        among = f" among those with hidden widths >= {lo}" if lo > 1 else ""
        if self.problem.empty:
            return (f"min_width {lo} exceeds a saturation width M_k, so every architecture{among} is saturated (lowering "
                    "that layer keeps V) and none is minimal: the empty list is complete (a proof).")
        if not self.regions_computed:
            return "Nothing is claimed about wider architectures (regions not computed)."
        counts = summarise(self.regions)
        closed = f"{counts['saturation']} by saturation, {counts['bound']} by the splitting bound, " \
                 f"{counts['monotonicity']} by monotonicity"
        if self.complete:
            return (f"Beyond the box: all {len(self.regions)} regions are closed ({closed}), so no minimal filling "
                    f"architecture{among} has a wider hidden layer: the list is complete (a proof, given the box "
                    "classification).")
        return (f"Beyond the box: {len(self.regions) - len(self.open_regions)} regions are closed ({closed}) and "
                f"{len(self.open_regions)} are open (see open_regions): minimal filling architectures wider than the box "
                "may exist there.")

    def _display_title(self) -> str:
        p = self.problem
        return f"Minimal filling architectures, (d0, dL, r) = ({p.d0}, {p.dL}, {p.r}), depth {p.depth}"

    def _display_rows(self) -> list[tuple[str, Any]]:
        p = self.problem
        return [("d0", p.d0), ("dL", p.dL), ("r", p.r), ("depth", p.depth), ("max_widths", p.max_widths),
                ("ambient", self.ambient), ("architectures", len(self.architectures)), ("complete", self.complete),
                ("open_regions", len(self.open_regions)), ("error_bound", self.error_bound), ("seconds", self.seconds)]

    def _display_table(self) -> Table:
        """One row per minimal filling architecture: ``widths, unimodal, minimality_certified, minimality_error_bound``."""
        rows = [[a.widths, a.unimodal, a.minimality_certified, a.minimality_error_bound] for a in self.architectures]
        return ("widths", "unimodal", "minimality_certified", "minimality_error_bound"), rows

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (the JSON of ``neurovariety filling --json``)."""
        return {
            "problem": self.problem.to_dict(), "ambient": self.ambient,
            "architectures": [a.to_dict() for a in self.architectures],
            "non_unimodal": [list(w) for w in self.non_unimodal],
            "regions_computed": self.regions_computed, "complete": self.complete,
            "region_counts": summarise(self.regions) if self.regions_computed else None,
            "regions": [r.to_dict() for r in self.regions],
            "ranks": dict(self.ranks), "border": self.border, "border_confirmed": self.border_confirmed,
            "border_error_bound": self.border_error_bound, "error_bound": self.error_bound,
            "overrides": [list(o) for o in self.overrides],
            "workers": self.workers, "seconds": self.seconds, "seed": self.seed, "statement": self.statement,
        }
