"""The defect figures of results frames and reports, on one discrete colour scale, as PNG and SVG.

Every defect picture of the report uses :data:`DEFECT_BINS`: the same colour always means the
same defect, in every panel and every figure (white with grey hatching: not computed). Cells
carry their defect as a number unless it is 0 or the cells are too small to hold one.

* :func:`plot_shallow_heatmaps`: ``(d0, d1, dL)``, one figure per ``r``, one ``d0 × d1`` panel per ``dL``;
* :func:`plot_deep_slices`: depth ``L >= 3``, ``d1 × d2`` panels at fixed other widths and ``r``;
* :func:`plot_defect_by_r`: architectures × ``r``, optionally with their activation thresholds marked.

>>> import tempfile, pandas as pd
>>> m = pd.DataFrame({1: [0, 0], 2: [1, 0], 3: [0, 0]}, index=["(3, 2, 1)", "(2, 2, 2)"])
>>> fig = plot_defect_by_r(m, tempfile.mkdtemp(), "by_r", thresholds={"(3, 2, 1)": 2, "(2, 2, 2)": 1})
>>> fig.png, fig.svg
('by_r.png', 'by_r.svg')
>>> [defect_bin(v) for v in (0, 1, 4, 12, 60)]
[0, 1, 4, 6, 8]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from .._resources import atomic_write

__all__ = ["DEFECT_BINS", "DEFECT_COLOURS", "FigureFile", "defect_bin", "write_figure", "plot_shallow_heatmaps", "plot_deep_slices",
           "plot_defect_by_r", "defect_by_r_matrix", "r_label"]

PathLike = Union[str, Path]

#: The discrete defect scale: (lowest, highest, label) of each colour; the last is open-ended.
DEFECT_BINS: tuple[tuple[int, float, str], ...] = (
    (0, 0, "0"), (1, 1, "1"), (2, 2, "2"), (3, 3, "3"), (4, 5, "4–5"), (6, 9, "6–9"), (10, 19, "10–19"),
    (20, 49, "20–49"), (50, math.inf, "≥ 50"),
)
#: One colour per bin of :data:`DEFECT_BINS`: blue-grey for 0, then ColorBrewer's 9-class YlOrRd.
DEFECT_COLOURS = ("#e9eef4", "#fff3b0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026")
_DARK_FROM = 5  # bins from this index on are dark: white numbers
_HATCH: dict[str, Any] = {"facecolor": "white", "edgecolor": "#b8b8b8", "hatch": "////", "linewidth": 0}
_MAX_PANELS = 6
_DPI = 110


@dataclass(frozen=True)
class FigureFile:
    """A figure written as ``png`` and ``svg`` (names relative to the report), with its caption (HTML)."""

    png: str
    svg: str
    caption: str


def defect_bin(value: float) -> int:
    """Index of the bin of :data:`DEFECT_BINS` holding ``value``."""
    for i, (lo, hi, _) in enumerate(DEFECT_BINS):
        if lo <= value <= hi:
            return i
    return len(DEFECT_BINS) - 1


def _scale() -> tuple[ListedColormap, BoundaryNorm]:
    cmap = ListedColormap(list(DEFECT_COLOURS), name="defect")
    return cmap, BoundaryNorm(np.arange(len(DEFECT_BINS) + 1) - 0.5, cmap.N)


def _legend(fig: Figure) -> None:
    cmap, _ = _scale()
    handles = [Patch(facecolor=cmap(i), edgecolor="#888888", linewidth=0.4, label=label)
               for i, (_, _, label) in enumerate(DEFECT_BINS)]
    handles.append(Patch(label="not computed", **_HATCH))
    fig.legend(handles=handles, title="defect", loc="outside right upper", fontsize=8, title_fontsize=9, frameon=False)


def write_figure(fig: Figure, out_dir: PathLike, stem: str) -> tuple[str, str]:
    """Write ``stem.png`` and ``stem.svg`` into ``out_dir`` (atomically, never through a symbolic
    link); returns the two file names."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    def saver(fmt: str, dpi: Union[float, str]) -> Callable[[Path], None]:
        # tight bounding box: a long axis label next to a fixed-aspect panel is never cut off
        return lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.08)

    atomic_write(out / f"{stem}.png", saver("png", _DPI))
    fig.set_layout_engine("none")  # keep the layout just computed: the SVG needs no second pass
    atomic_write(out / f"{stem}.svg", saver("svg", "figure"))
    return f"{stem}.png", f"{stem}.svg"


def _tick_step(n: int, most: int = 14) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100):
        if n / step <= most:
            return step
    return max(1, n // most)


def _cell_inches(ncols: int, nrows: int) -> float:
    return min(0.32, max(0.11, 5.4 / max(ncols, nrows, 1)))


def _heatmap(ax: Any, values: np.ndarray, xs: Sequence[int], ys: Sequence[int], cell: float) -> None:
    """Defects ``values[y, x]`` (NaN: not computed) on integer axes ``xs`` × ``ys``."""
    cmap, norm = _scale()
    extent = (xs[0] - 0.5, xs[-1] + 0.5, ys[0] - 0.5, ys[-1] + 0.5)
    ax.add_patch(Rectangle((extent[0], extent[2]), extent[1] - extent[0], extent[3] - extent[2], zorder=0, **_HATCH))
    bins = np.vectorize(lambda v: np.nan if np.isnan(v) else defect_bin(v), otypes=[float])(values) if values.size else values
    ax.imshow(np.ma.masked_invalid(bins), origin="lower", cmap=cmap, norm=norm, extent=extent, aspect="equal",
              interpolation="nearest", zorder=1)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xticks(list(xs)[::_tick_step(len(xs))])
    ax.set_yticks(list(ys)[::_tick_step(len(ys))])
    # cell borders: two line collections (cheaper to draw than one minor tick per cell)
    ax.vlines([x + 0.5 for x in xs[:-1]], extent[2], extent[3], colors="white", linewidth=0.6, zorder=1.5)
    ax.hlines([y + 0.5 for y in ys[:-1]], extent[0], extent[1], colors="white", linewidth=0.6, zorder=1.5)
    ax.tick_params(labelsize=7)
    size = min(8.0, cell * 72 * 0.5)
    if size < 4.5:
        return
    for (i, j), v in np.ndenumerate(values):
        if not np.isnan(v) and v != 0:
            dark = defect_bin(v) >= _DARK_FROM
            ax.text(xs[j], ys[i], str(int(v)), ha="center", va="center", fontsize=size if v < 100 else size * 0.75,
                    color="white" if dark else "black", zorder=2).set_in_layout(False)  # inside the axes anyway


def r_label(r: object) -> str:
    """``2`` or ``2,3``: an exponent (uniform or per layer) as text."""
    return ",".join(map(str, r)) if isinstance(r, (tuple, list)) else str(r)


def _grid(rows: pd.DataFrame, x: str, y: str, xs: Sequence[int], ys: Sequence[int]) -> np.ndarray:
    # Several rows for one architecture: the smallest defect is the best computation (rank is a lower bound).
    pivot = rows.groupby([y, x])["defect"].min().unstack(x)
    return np.asarray(pivot.reindex(index=list(ys), columns=list(xs)).to_numpy(dtype=float))


def _panels(fig_w_cells: int, fig_h_cells: int, count: int) -> tuple[Figure, list[Any], float]:
    cell = _cell_inches(fig_w_cells, fig_h_cells)
    ncols = min(3, count) if fig_w_cells * cell < 4.2 else min(2, count) if fig_w_cells * cell < 6.5 else 1
    nrows = -(-count // ncols)
    width = ncols * (fig_w_cells * cell + 0.9) + 1.3
    height = nrows * (fig_h_cells * cell + 0.9) + 0.2
    fig = Figure(figsize=(max(width, 4.5), max(height, 2.2)), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel().tolist()
    for ax in axes[count:]:
        ax.set_visible(False)
    return fig, axes[:count], cell


def _span(values: pd.Series) -> list[int]:
    return list(range(int(values.min()), int(values.max()) + 1))


def _pick(groups: dict[Any, pd.DataFrame], limit: int, family: Any = None) -> list[Any]:
    """The groups to draw: mixed defects (some zero, some not) first, then any defect, then the best
    covered; at first one per ``family(key)`` so that the panels differ (e.g. in ``r`` and ``dL``)."""
    def rank(k: Any) -> tuple[int, int, str]:
        d = groups[k]["defect"]
        return (0 if (d > 0).any() and (d == 0).any() else 1 if (d > 0).any() else 2, -len(d), str(k))

    ranked = sorted(groups, key=rank)
    chosen: list[Any] = []
    if family is not None:
        seen = set()
        for k in ranked:
            if family(k) not in seen and len(chosen) < limit:
                seen.add(family(k))
                chosen.append(k)
    chosen += [k for k in ranked if k not in chosen][: limit - len(chosen)]
    return sorted(chosen, key=rank)


def plot_shallow_heatmaps(df: pd.DataFrame, out_dir: PathLike) -> list[FigureFile]:
    """Defects of ``(d0, d1, dL)``: one figure per ``r``, one ``d0 × d1`` panel per ``dL`` (at most 6)."""
    shallow = df[df["depth"] == 2].assign(d1=lambda t: t["widths"].map(lambda w: w[1]), rk=lambda t: t["r"].map(r_label))
    files = []
    for rk in sorted(shallow["rk"].unique(), key=lambda s: (len(s), s)):
        sub = shallow[shallow["rk"] == rk]
        groups = {int(dl): g for dl, g in sub.groupby("dL")}
        chosen = sorted(_pick(groups, _MAX_PANELS))
        xs, ys = _span(sub[sub["dL"].isin(chosen)]["d1"]), _span(sub[sub["dL"].isin(chosen)]["d0"])
        fig, axes, cell = _panels(len(xs), len(ys), len(chosen))
        for ax, dl in zip(axes, chosen):
            _heatmap(ax, _grid(groups[dl], "d1", "d0", xs, ys), xs, ys, cell)
            ax.set_title(f"dL = {dl}", fontsize=9)
            ax.set_xlabel("d1 (hidden width)", fontsize=8)
            ax.set_ylabel("d0 (input width)", fontsize=8)
        _legend(fig)
        png, svg = write_figure(fig, out_dir, f"defect_heatmap_r{rk.replace(',', '-')}")
        left_out = sorted(set(groups) - set(chosen))
        note = f" Not drawn (no room): dL = {', '.join(map(str, left_out))}; their rows are in results.csv." if left_out else ""
        files.append(FigureFile(png, svg, (
            f"Defect of the shallow architectures (d0, d1, dL) with r = {rk}: one panel per output width dL "
            f"({', '.join(map(str, chosen))}), input width d0 up, hidden width d1 across; {len(sub)} computed "
            f"architectures.{note}")))
    return files


def _slice_key(w: tuple[int, ...]) -> tuple[int, ...]:
    return (w[0],) + tuple(w[3:])


def _slice_title(key: tuple[int, ...], rk: str) -> str:
    widths = [str(key[0]), "d1", "d2", *map(str, key[1:])]
    return f"({', '.join(widths)}), r = {rk}"


def plot_deep_slices(df: pd.DataFrame, out_dir: PathLike, *, min_cells: int = 6) -> list[FigureFile]:
    """Defects of depth ``L >= 3``: per depth, ``d1 × d2`` slices at fixed other widths and ``r``
    (at most 6 slices with at least ``min_cells`` computed architectures, those with defects first)."""
    deep = df[(df["depth"] >= 3)].assign(d1=lambda t: t["widths"].map(lambda w: w[1]),
                                         d2=lambda t: t["widths"].map(lambda w: w[2]),
                                         key=lambda t: t["widths"].map(_slice_key), rk=lambda t: t["r"].map(r_label))
    files = []
    for depth in sorted(deep["depth"].unique()):
        groups = {(k, rk): g for (k, rk), g in deep[deep["depth"] == depth].groupby(["key", "rk"]) if len(g) >= min_cells}
        if not groups:
            continue
        chosen = _pick(groups, _MAX_PANELS, family=lambda k: (k[1], k[0][-1]))  # vary r and dL first
        spans = {k: (_span(groups[k]["d2"]), _span(groups[k]["d1"])) for k in chosen}
        box = max(max(len(xs), len(ys)) for xs, ys in spans.values())
        fig, axes, cell = _panels(box, box, len(chosen))
        for ax, (key, rk) in zip(axes, chosen):
            xs, ys = spans[(key, rk)]
            _heatmap(ax, _grid(groups[(key, rk)], "d2", "d1", xs, ys), xs, ys, cell * box / max(len(xs), len(ys)))
            ax.set_title(_slice_title(key, rk), fontsize=9)
            ax.set_xlabel("d2 (second hidden width)", fontsize=8)
            ax.set_ylabel("d1 (first hidden width)", fontsize=8)
        _legend(fig)
        png, svg = write_figure(fig, out_dir, f"defect_slices_L{depth}")
        defective = sum(1 for k in groups if (groups[k]["defect"] > 0).any())
        files.append(FigureFile(png, svg, (
            f"Defect of depth-{depth} architectures: slices d1 × d2 (first hidden width up, second across) at fixed "
            f"input, remaining widths and r. {len(chosen)} of the {len(groups)} slices with at least {min_cells} computed "
            f"architectures ({defective} of them with a defect), those with defects first.")))
    return files


def defect_by_r_matrix(df: pd.DataFrame, *, min_r: int = 3, last_defective: int = 3, limit: int = 60) -> pd.DataFrame:
    """Architectures (rows, labelled ``(3, 2, 1)``) × exponents ``r`` (columns) of their defects.

    Only uniform exponents; only architectures computed at ``min_r`` or more exponents ``r >= 2``
    whose defect persists to ``r >= last_defective``; the ``limit`` whose last defective ``r``
    is largest come first. NaN: not computed.
    """
    if df.empty or "r" not in df:
        empty: pd.DataFrame = pd.DataFrame()
        return empty
    uni = df[df["r"].map(lambda r: isinstance(r, (int, np.integer)))]
    uni = uni.assign(label=uni["widths"].map(lambda w: "(" + ", ".join(map(str, w)) + ")"))
    m = uni.groupby(["label", "r"])["defect"].min().unstack("r")
    m = m.reindex(columns=sorted(m.columns))
    last = m.apply(lambda s: max((c for c, v in s.items() if v > 0), default=0), axis=1)
    high = m[[c for c in m.columns if c >= 2]]
    m = m[(high.notna().sum(axis=1) >= min_r) & (last >= last_defective)]
    order = sorted(m.index, key=lambda k: (-last[k], -float(m.loc[k].fillna(0).sum()), k))
    picked: pd.DataFrame = m.loc[order[:limit]]
    return picked


def plot_defect_by_r(matrix: pd.DataFrame, out_dir: PathLike, stem: str, *,
                     thresholds: Optional[dict[str, Optional[int]]] = None) -> FigureFile:
    """Heatmap of ``matrix`` (architectures × ``r``); a black bar after each architecture's threshold.

    ``thresholds`` maps a row label to its activation degree threshold (``None``: none exists,
    drawn as ``∞`` at the right end). The caption is left to the caller.
    """
    rs = [int(c) for c in matrix.columns]
    xs = list(range(min(rs), max(rs) + 1)) if rs else [1]
    values = matrix.reindex(columns=xs).to_numpy(dtype=float)[::-1]  # first row on top
    labels = list(matrix.index)[::-1]
    cell = 0.2
    fig = Figure(figsize=(max(4.8, len(xs) * 0.32 + 3.6), max(2.2, len(labels) * cell + 1.1)), layout="constrained")
    ax = fig.subplots()
    ys = list(range(len(labels)))
    _heatmap(ax, values, xs, ys, min(cell, 0.32))
    ax.set_aspect("auto")
    ax.set_yticks(ys, labels, fontsize=6.5 if len(labels) > 40 else 7.5)
    ax.set_xticks(xs[::_tick_step(len(xs), 20)])
    ax.set_xlabel("activation exponent r")
    if len(labels) > 25:  # a tall picture: the exponents on top as well
        ax.tick_params(labeltop=True, top=True)
    for y, label in enumerate(labels):
        t = (thresholds or {}).get(label, -1)
        if t is None:
            ax.text(xs[-1] + 0.6, y, "∞", va="center", ha="left", fontsize=8)
        elif t >= 1:
            ax.plot([t + 0.5, t + 0.5], [y - 0.5, y + 0.5], color="black", linewidth=1.6, zorder=3, solid_capstyle="butt")
    _legend(fig)
    png, svg = write_figure(fig, out_dir, stem)
    return FigureFile(png, svg, "")
