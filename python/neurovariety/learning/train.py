"""Training many networks at once (vectorised over runs) on the mean squared loss.

All runs are trained in one numpy computation (batched matmul and batched small solves; no
Python loop over runs or samples); the optimisers are in
:mod:`~neurovariety.learning.optimizers` (default: Levenberg–Marquardt). Each run stops on its
own when its gradient norm drops below ``tol``; runs that overflow are frozen at their last
finite weights and marked ``diverged``; ``stop_reason`` says why every run stopped.

>>> from neurovariety.loss import make_data
>>> X, Y = make_data((2, 2, 3), 2, seed=3)
>>> res = train((2, 2, 3), 2, X, Y, runs=8, seed=0, progress=False)
>>> res.coefficients.shape, res.losses.shape, res.optimizer, res.steps
((8, 3, 3), (8,), 'lm', 400)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np

from .._display import Displayable, Table
from .._resources import check_memory
from .._validate import positive_float
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..errors import InvalidInputError
from ..loss import check_data, loss_matrices
from ..network import as_weight_arrays, coefficient_matrix, flatten_weights, layer_shapes, split_weights
from .optimizers import DEFAULT_STEPS, OPTIMIZERS, STOP_REASONS, Runs, Settings, loss_and_gradient, optimise

__all__ = ["TrainResult", "train", "loss_and_gradient", "OPTIMIZERS", "DEFAULT_STEPS", "STOP_REASONS"]


@dataclass(repr=False)
class TrainResult(Displayable):
    """Output of :func:`train` for ``R`` runs (all arrays have leading dimension ``R``).

    Weights, coefficients and losses are in the units of the given data; gradient norms and the
    tolerance refer to the internally normalised problem (data scaled to unit RMS), so that one
    tolerance means the same for any data scale. ``converged`` = the gradient norm fell below
    ``tol``; ``diverged`` = overflow / NaN (the last finite weights are kept). ``loss_history``
    and ``norm_history`` (balanced weight norm) are sampled at ``history_steps`` (NaN after a run
    stopped), with the weights there (normalised units, flat) in ``weight_history``; the boundary
    certificate looks at them. ``stop_reason`` (one of
    :data:`~neurovariety.learning.optimizers.STOP_REASONS`) says why each run stopped; ``steps``
    is the step budget, ``lr`` the step size (gd, adam) or initial damping (lm).
    """

    arch: Architecture
    X: np.ndarray
    Y: np.ndarray
    data_index: np.ndarray
    weights: list[np.ndarray]
    coefficients: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    converged: np.ndarray
    diverged: np.ndarray
    steps_taken: np.ndarray
    history_steps: np.ndarray
    loss_history: np.ndarray
    norm_history: np.ndarray
    weight_history: np.ndarray
    optimizer: str
    lr: float
    tol: float
    steps: int
    seed: Optional[int]
    seconds: float
    x_scale: np.ndarray
    y_scale: np.ndarray
    stop_reason: np.ndarray

    @property
    def runs(self) -> int:
        """Number of runs ``R``."""
        return len(self.losses)

    def stop_reasons(self) -> dict[str, int]:
        """How many runs stopped for each reason, most frequent first."""
        reasons, counts = np.unique(np.asarray(self.stop_reason).astype(str), return_counts=True)
        return {str(k): int(v) for k, v in sorted(zip(reasons, counts), key=lambda kv: -kv[1])}

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types: the settings and per-outcome counts (per-run values: :meth:`to_dataframe`)."""
        finite = self.losses[np.isfinite(self.losses)]
        return {**self.arch.to_dict(), "runs": self.runs, "datasets": int(self.X.shape[0]), "n_points": int(self.X.shape[1]),
                "optimizer": self.optimizer, "lr": float(self.lr), "tol": float(self.tol), "steps": int(self.steps),
                "seed": self.seed, "converged": int(np.sum(self.converged)), "diverged": int(np.sum(self.diverged)),
                "best_loss": float(finite.min()) if len(finite) else None, "stop_reasons": self.stop_reasons(),
                "seconds": float(self.seconds)}

    def _display_title(self) -> str:
        return f"Training of {self.arch}: {self.runs} runs"

    def _display_rows(self) -> list[tuple[str, Any]]:
        d = {**self.to_dict(), "widths": self.arch.widths, "r": self.arch.activation}
        return [(k, d[k]) for k in ("widths", "r", "runs", "optimizer", "steps", "tol", "converged", "diverged", "best_loss",
                                    "stop_reasons", "seconds")]

    def _display_table(self) -> Table:
        """One row per run: ``run, dataset, loss, grad_norm, converged, diverged, steps, stop_reason``."""
        rows = [[i, int(self.data_index[i]), float(self.losses[i]), float(self.grad_norms[i]), bool(self.converged[i]),
                 bool(self.diverged[i]), int(self.steps_taken[i]), str(self.stop_reason[i])] for i in range(self.runs)]
        return ("run", "dataset", "loss", "grad_norm", "converged", "diverged", "steps", "stop_reason"), rows

    def data_for_run(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """The data set run ``i`` was trained on."""
        k = int(self.data_index[i])
        return self.X[k], self.Y[k]

    def normalised_data(self, runs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The data of each of ``runs`` in the normalised units of training, ``(r, n, d)``."""
        k = self.data_index[runs]
        return self.X[k] / self.x_scale[k, None, None], self.Y[k] / self.y_scale[k, None, None]

    def normalised_weights(self, runs: np.ndarray) -> list[np.ndarray]:
        """The final weight matrices of ``runs`` in the normalised units of training (those of the histories)."""
        k = self.data_index[runs]
        ws = [w[runs].copy() for w in self.weights]
        ws[0] = ws[0] * self.x_scale[k, None, None]
        ws[-1] = ws[-1] / self.y_scale[k, None, None]
        return ws


# ------------------------------------------------------------------------------------------------
# the pieces of a training call: settings, data, initial weights
# ------------------------------------------------------------------------------------------------


@dataclass
class _Data:
    """The data sets (stacked ``K``), which set each run uses, and the scales of the sets to unit RMS."""

    X: np.ndarray  # (K, n, d0), data units
    Y: np.ndarray  # (K, n, dL)
    data_index: np.ndarray  # (R,)
    sx: np.ndarray  # (K,)
    sy: np.ndarray  # (K,)

    @classmethod
    def prepare(cls, arch: Architecture, X: Any, Y: Any, data_index: Optional[np.ndarray], runs: int) -> "_Data":
        X, Y = check_data(arch, X, Y)
        Xs = X if X.ndim == 3 else X[None]
        Ys = Y if Y.ndim == 3 else Y[None]
        if Xs.shape[0] != Ys.shape[0]:
            raise InvalidInputError(f"X and Y stacks differ in length: {Xs.shape[0]} and {Ys.shape[0]}")
        K = Xs.shape[0]
        if data_index is None:
            if K != 1:
                raise InvalidInputError("a stack of data sets needs data_index (which set each run uses)")
            data_index = np.zeros(runs, dtype=np.int64)
        data_index = np.asarray(data_index, dtype=np.int64)
        if data_index.shape != (runs,) or data_index.min() < 0 or data_index.max() >= K:
            raise InvalidInputError(f"data_index must be {runs} integers in [0, {K})")
        # scale each data set to unit RMS: one tolerance and one step size fit all data sets
        sx = np.sqrt((Xs * Xs).mean(axis=(1, 2)))
        sy = np.sqrt((Ys * Ys).mean(axis=(1, 2)))
        if (sx == 0).any() or (sy == 0).any():
            raise InvalidInputError("data X, Y must not be identically zero")
        return cls(Xs, Ys, data_index, sx, sy)

    def per_run(self, arch: Architecture, optimizer: str) -> dict[str, np.ndarray]:
        """Normalised data of every run: samples last (see :func:`loss_and_gradient`) for gd and adam,
        the loss matrices ``A, B, c0`` (:func:`~neurovariety.loss.loss_matrices`) for lm."""
        Xn = self.X / self.sx[:, None, None]
        Yn = self.Y / self.sy[:, None, None]
        k = self.data_index
        if optimizer == "lm":
            A, B, c0 = loss_matrices(arch, None, Xn, Yn)
            return {"A": A[k], "B": B[k], "c0": np.asarray(c0)[k]}
        # one contiguous copy per run keeps the batched matmuls fast
        return {"Xa": np.ascontiguousarray(np.swapaxes(Xn, 1, 2)[k]), "Ya": np.ascontiguousarray(np.swapaxes(Yn, 1, 2)[k])}


def _initial_weights(
    arch: Architecture, data: _Data, runs: int, seed: Optional[int], init_scale: float, init: Optional[Sequence[Any]]
) -> np.ndarray:
    """Flat weights (R, N) in normalised units: i.i.d. normal, variance ``init_scale^2 / d_{i-1}``."""
    shapes = layer_shapes(arch)
    if init is not None:
        ws, _ = as_weight_arrays(arch, init)
        ws = [np.broadcast_to(np.asarray(w, dtype=np.float64), (runs,) + s).copy() for w, s in zip(ws, shapes)]
        ws[0] = ws[0] * data.sx[data.data_index, None, None]  # data units -> normalised units
        ws[-1] = ws[-1] / data.sy[data.data_index, None, None]
        return flatten_weights(ws)
    rng = np.random.default_rng(seed)
    theta = np.empty((runs, arch.num_params))
    off = 0
    for rows, cols in shapes:
        theta[:, off : off + rows * cols] = rng.standard_normal((runs, rows * cols)) * (init_scale / math.sqrt(cols))
        off += rows * cols
    return theta


def train(
    widths: ArchitectureLike,
    r: Optional[RSpec],
    X: Any,
    Y: Any,
    *,
    runs: int = 1000,
    steps: Optional[int] = None,
    optimizer: str = "lm",
    lr: Optional[float] = None,
    tol: float = 1e-10,
    seed: Optional[int] = None,
    init_scale: float = 1.0,
    line_search: bool = True,
    init: Optional[Sequence[np.ndarray]] = None,
    data_index: Optional[np.ndarray] = None,
    history: int = 40,
    progress: Optional[bool] = None,
) -> TrainResult:
    """Train ``runs`` networks from random initialisations at once on the mean squared loss.

    Everything is vectorised over runs; each run stops when its gradient norm drops below ``tol``
    (normalised units), or after ``steps`` iterations (default
    :data:`~neurovariety.learning.optimizers.DEFAULT_STEPS`: 400 for lm, 20000 for gd and adam).
    Data are scaled to unit RMS internally and results mapped back (a symmetry of the problem:
    ``x -> x/s`` and ``y -> y/t`` rescale ``C`` by a constant).

    * ``optimizer="lm"`` (default): Levenberg–Marquardt in weight space on the Gauss–Newton model
      of the loss (one batched ``N x N`` solve per step), initial damping ``lr`` (default 1e-3),
      with Newton steps near critical points (:mod:`~neurovariety.learning.optimizers`). Typical
      runs reach ``tol`` in tens of steps; runs heading for the boundary of the neuromanifold use
      the whole budget (or stop as ``stalled`` once no step lowers the loss in floating point).
    * ``optimizer="gd"``: gradient descent. With ``line_search=True`` (default) each run has its own
      step size, halved when a step fails the Armijo condition and grown by 20% after a success, so
      runs whose weights diverge towards the boundary keep descending instead of blowing up. With
      ``line_search=False`` it is plain GD with step ``lr``.
    * ``optimizer="adam"``: Adam with step ``lr`` (default 1e-2); it does not settle to tight
      tolerances without a schedule, so expect ``unconverged`` runs for small ``tol``.

    Runs that overflow or produce NaN are marked ``diverged`` and frozen at their last finite
    weights; the batch goes on. ``X``/``Y`` may also be stacks ``(K, n, d)`` of ``K`` data sets with
    ``data_index`` (``runs`` ints) saying which set each run uses (used by
    :func:`~neurovariety.learning.experiment.sweep_datasets`). Initial weights are i.i.d. normal
    with variance ``init_scale^2 / d_{i-1}`` unless ``init`` (a list of ``(runs, d_i, d_{i-1})``
    arrays, data units) is given. ``history`` records (evenly spaced over the budget) feed the
    boundary certificate of :func:`~neurovariety.learning.classify.classify_runs`, which needs at
    least three in the second half of a run. ``progress``: see :mod:`neurovariety._progress`.

    >>> from neurovariety.loss import make_data
    >>> X, Y = make_data((2, 2, 3), 2, seed=3)
    >>> res = train((2, 2, 3), 2, X, Y, runs=4, seed=0, progress=False)
    >>> res.runs, bool((res.losses > 0).all()), set(res.stop_reason) <= set(STOP_REASONS)
    (4, True, True)
    """
    arch = Architecture.coerce(widths, r)
    settings = Settings.validated(optimizer, runs, steps, lr, tol, line_search, history)
    seed = validate_seed(seed)
    init_scale = positive_float(init_scale, "init_scale")
    # weights, gradients and the optimiser's per-run matrices: a few N x N blocks per run
    check_memory(f"training {settings.runs:,} runs", 8.0 * settings.runs * (arch.num_params + 4) ** 2 * 4)
    data = _Data.prepare(arch, X, Y, data_index, settings.runs)
    theta = _initial_weights(arch, data, settings.runs, seed, init_scale, init)
    t0 = time.perf_counter()
    per_run = data.per_run(arch, settings.optimizer)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        state = Runs.start(arch, theta, per_run, settings.history_steps(), settings)
        optimise(state, settings, progress)
    return _result(arch, data, state, settings, seed, time.perf_counter() - t0)


def _result(arch: Architecture, data: _Data, state: Runs, settings: Settings, seed: Optional[int], seconds: float) -> TrainResult:
    """Map the finished state back to data units."""
    k = data.data_index
    ws = [w.copy() for w in split_weights(arch, state.theta)]
    ws[0] = ws[0] / data.sx[k, None, None]  # back to data units
    ws[-1] = ws[-1] * data.sy[k, None, None]
    with np.errstate(over="ignore", invalid="ignore"):
        coeffs = coefficient_matrix(arch, None, ws)
    return TrainResult(
        arch=arch,
        X=data.X,
        Y=data.Y,
        data_index=k,
        weights=ws,
        coefficients=coeffs,
        losses=state.final_loss * data.sy[k] ** 2,
        grad_norms=state.final_gn,
        converged=state.converged,
        diverged=state.diverged,
        steps_taken=state.steps_taken,
        history_steps=state.hist_steps,
        loss_history=state.loss_hist * (data.sy[k, None] ** 2),
        norm_history=state.norm_hist,
        weight_history=state.theta_hist,
        optimizer=settings.optimizer,
        lr=float(settings.lr),
        tol=float(settings.tol),
        steps=settings.steps,
        seed=seed,
        seconds=seconds,
        x_scale=data.sx,
        y_scale=data.sy,
        stop_reason=state.stop_reason.astype(str),
    )
