"""Plots of a tidy results frame (matplotlib, Agg backend; written atomically, never through a symbolic link).

>>> import pandas as pd
>>> from neurovariety.analysis.load import tidy_results
>>> raw = pd.DataFrame({"h": [2], "exponent": [2], "architecture": ["[2, 2, 2]"],
...     "num_parameters": [8], "dimension_computed": [6], "ambient_dimension": [6]})
>>> filling_frontier(tidy_results(raw))[["depth", "ambient", "min_params"]].values.tolist()
[[2, 6, 8]]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Union

import matplotlib
import numpy as np
import pandas as pd

from .._resources import save_figure
from .figures import plot_shallow_heatmaps
from .load import PathLike

__all__ = ["plot_defect_heatmaps", "plot_dimension_vs_expected", "plot_time_vs_weights", "plot_filling_frontier",
           "filling_frontier", "r_key"]

def _pyplot() -> Any:
    # Headless: never try to open a window (also keeps CI and worker processes happy).
    if matplotlib.get_backend().lower() != "agg":
        matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt  # noqa: PLC0415 - only after the backend is fixed

    return plt


def r_key(r: object) -> str:
    """``"2"`` or ``"2,3"``: the exponent as a grouping key."""
    return ",".join(map(str, r)) if isinstance(r, tuple) else str(r)


def plot_defect_heatmaps(df: pd.DataFrame, out_dir: PathLike) -> list[Path]:
    """Defect heatmaps of shallow architectures ``(d0, d1, dL)`` on the one discrete defect scale
    of :mod:`~neurovariety.analysis.figures`: per ``r`` one PNG (and SVG) with a ``d0 × d1`` panel
    per ``dL`` (at most 6). Returns the PNG files written."""
    out = Path(out_dir)
    return [out / f.png for f in plot_shallow_heatmaps(df, out)]


def plot_dimension_vs_expected(df: pd.DataFrame, path: PathLike) -> Path:
    """Scatter of computed dimension against expected dimension (diagonal = non-defective)."""
    plt = _pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 5))
    defective = df["defect"] > 0
    for mask, label, color in ((~defective, "non-defective", "tab:blue"), (defective, "defective", "tab:red")):
        s = df[mask]
        if len(s):
            ax.scatter(s["expected"], s["dimension"], s=9, alpha=0.5, label=f"{label} ({len(s)})", color=color)
    hi = max(2, int(df["expected"].max()) if len(df) else 2)
    ax.plot([1, hi], [1, hi], color="black", lw=0.8, label="dimension = expected")
    if hi > 100:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("expected dimension")
    ax.set_ylabel("computed dimension")
    ax.set_title(f"dimension vs expected ({len(df)} rows)")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    save_figure(fig, path, dpi=90)
    plt.close(fig)
    return path


def plot_time_vs_weights(df: pd.DataFrame, path: PathLike) -> Union[Path, None]:
    """Log-log computing time against number of weights; ``None`` when no timings are known."""
    s = df[df["seconds"].notna() & (df["seconds"] > 0)] if "seconds" in df else df.iloc[:0]
    if s.empty:
        return None
    plt = _pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 5))
    for depth, g in s.groupby("depth"):
        ax.scatter(g["num_params"], g["seconds"], s=12, alpha=0.7, label=f"L = {depth}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of weights N")
    ax.set_ylabel("time (seconds)")
    ax.set_title("computing time vs number of weights")
    ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, path, dpi=90)
    plt.close(fig)
    return path


def filling_frontier(df: pd.DataFrame) -> pd.DataFrame:
    """Per ``(d0, dL, r, depth)``: the ambient dimension and the fewest weights (and the smallest
    ``N - Σ hidden``) among filling architectures, with the architecture attaining it.

    A filling architecture needs ``N - Σ hidden >= ambient``; the frontier shows how far above
    that count the cheapest filling architecture of each depth sits.
    """
    f: pd.DataFrame = df[df["filling"]].copy()
    if f.empty:
        empty: pd.DataFrame = pd.DataFrame(columns=["d0", "dL", "r", "depth", "ambient", "min_params",
                                                    "min_free_params", "architecture", "count"])
        return empty
    f["free_params"] = f["num_params"] - f["widths"].map(lambda w: sum(w[1:-1]))
    f["r_key"] = f["r"].map(r_key)
    rows = []
    for (d0, dl, r, depth), g in f.groupby(["d0", "dL", "r_key", "depth"]):
        best = g.iloc[int(np.argmin(g["free_params"].to_numpy()))]
        rows.append({"d0": d0, "dL": dl, "r": r, "depth": depth, "ambient": int(g["ambient"].iloc[0]),
                     "min_params": int(g["num_params"].min()),
                     "min_free_params": int(g["free_params"].min()),
                     "architecture": best["widths"], "count": len(g)})
    frontier: pd.DataFrame = pd.DataFrame(rows)
    return frontier


def plot_filling_frontier(df: pd.DataFrame, path: PathLike, *, min_depths: int = 3,
                          max_families: int = 8) -> Union[Path, None]:
    """Filling frontier: for each family ``(d0, dL, r)`` and depth, the smallest ``N − Σ hidden``
    of a filling architecture against the ambient dimension (the diagonal is the parameter-count
    lower bound), and its ratio to the ambient dimension by depth. Only families with filling
    architectures at ``min_depths`` depths or more (at most ``max_families``, most rows first);
    ``None`` when there is none (the mfa data is the intended input).
    """
    fr = filling_frontier(df[df["d0"] >= 2])  # d0 = 1: one monomial, nothing to see
    # A frontier needs several depths; keep the best-covered families so the plot stays legible.
    depths = fr.groupby(["d0", "dL", "r"])["depth"].transform("nunique") if len(fr) else fr["depth"]
    fr = fr[depths >= min_depths]
    if fr.empty:
        return None
    families = fr.groupby(["d0", "dL", "r"])["count"].sum().sort_values(ascending=False).index[:max_families]
    fr = fr.set_index(["d0", "dL", "r"]).loc[list(families)].reset_index()
    plt = _pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.6))
    for (d0, dl, r), g in fr.groupby(["d0", "dL", "r"]):
        g = g.sort_values("ambient")
        label = f"d0={d0}, dL={dl}, r={r}"
        ax.plot(g["ambient"], g["min_free_params"], marker="o", label=label)
        ax2.plot(g["depth"], g["min_free_params"] / g["ambient"], marker="o", label=label)
    lo = max(1, int(fr["ambient"].min()))
    hi = int(max(fr["ambient"].max(), fr["min_free_params"].max()))
    ax.plot([lo, hi], [lo, hi], color="black", lw=0.8, ls="--", label="N − Σ hidden = ambient")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("ambient dimension")
    ax.set_ylabel("min N − Σ hidden over filling architectures")
    ax.legend(fontsize=7)
    ax2.axhline(1.0, color="black", lw=0.8, ls="--")
    ax2.set_xlabel("depth L")
    ax2.set_ylabel("min (N − Σ hidden) / ambient")
    ax2.set_title("excess of the cheapest filling architecture")
    ax2.xaxis.get_major_locator().set_params(integer=True)
    ax2.legend(fontsize=7)
    ax.set_title("filling frontier")
    fig.tight_layout()
    save_figure(fig, path, dpi=90)
    plt.close(fig)
    return path
