"""Training many networks at once: the vectorised loss, its gradient and the optimisers.

All runs are trained in one numpy computation (batched matmul; no Python loop over runs or
samples). Each run stops on its own when its gradient norm drops below ``tol``; runs that
overflow are frozen at their last finite weights and marked ``diverged``.

>>> from neurovariety.loss import make_data
>>> X, Y = make_data((2, 2, 3), 2, seed=3)
>>> res = train((2, 2, 3), 2, X, Y, runs=8, steps=500, seed=0, progress=False)
>>> res.coefficients.shape, res.losses.shape
((8, 3, 3), (8,))
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np

from .._progress import progress_bar
from .._validate import choice, flag, nonnegative_int, optional_positive_float, positive_float, positive_int
from .._validate import seed as validate_seed
from ..architecture import Architecture, ArchitectureLike, RSpec
from ..errors import InvalidInputError
from ..loss import check_data
from ..network import as_weight_arrays, balance_weights, coefficient_matrix, flatten_weights, layer_shapes, split_weights

__all__ = ["TrainResult", "train", "loss_and_gradient", "OPTIMIZERS"]

#: The optimisers of :func:`train`.
OPTIMIZERS = ("gd", "adam")

#: Adam's moment decay rates and denominator guard.
_BETA1, _BETA2, _EPS = 0.9, 0.999, 1e-12

#: The progress bar advances in chunks of this many steps (updating it every step costs time).
_PROGRESS_CHUNK = 200


@dataclass
class TrainResult:
    """Output of :func:`train` for ``R`` runs (all arrays have leading dimension ``R``).

    Weights, coefficients and losses are in the units of the given data; gradient norms and the
    tolerance refer to the internally normalised problem (data scaled to unit RMS), so that one
    tolerance means the same for any data scale. ``converged`` = the gradient norm fell below
    ``tol``; ``diverged`` = overflow / NaN (the last finite weights are kept). ``loss_history``
    and ``norm_history`` (balanced weight norm) are sampled at ``history_steps`` (NaN after a run
    stopped), with the weights there (normalised units, flat) in ``weight_history``; boundary
    detection looks at them.
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

    @property
    def runs(self) -> int:
        """Number of runs ``R``."""
        return len(self.losses)

    def data_for_run(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """The data set run ``i`` was trained on."""
        k = int(self.data_index[i])
        return self.X[k], self.Y[k]


def loss_and_gradient(arch: Architecture, theta: np.ndarray, Xt: np.ndarray, Yt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean squared loss and its weight gradient for every run, by backpropagation.

    ``theta`` (R, N); data transposed, ``Xt`` (R, d0, n), ``Yt`` (R, dL, n): with samples last,
    every product is ``W @ activations`` with small contiguous matrices, which numpy's batched
    matmul handles about twice as fast as the (n, d) layout.

    >>> arch = Architecture((1, 1, 1), 2)
    >>> loss, grad = loss_and_gradient(arch, np.array([[1.0, 2.0]]), np.ones((1, 1, 1)), np.zeros((1, 1, 1)))
    >>> loss.tolist(), grad.tolist()   # f = w2 (w1 x)^2 = 2 at x = 1
    ([4.0], [[16.0, 4.0]])
    """
    Ws = split_weights(arch, theta)
    rs = arch.r
    L = len(Ws)
    acts, zs = [Xt], []
    a = Xt
    for i in range(L - 1):
        z = Ws[i] @ a
        zs.append(z)
        a = z * z if rs[i] == 2 else z ** rs[i]
        acts.append(a)
    E = Ws[-1] @ a - Yt
    n = Xt.shape[-1]
    loss = np.einsum("rjn,rjn->r", E, E) / n
    delta = (2.0 / n) * E
    grads: list[np.ndarray] = [np.empty(0)] * L
    for i in range(L - 1, -1, -1):
        grads[i] = (delta @ np.swapaxes(acts[i], -1, -2)).reshape(len(theta), -1)
        if i > 0:
            e = rs[i - 1]
            back = np.swapaxes(Ws[i], -1, -2) @ delta
            delta = back * (e * zs[i - 1] ** (e - 1)) if e > 1 else back
    return loss, np.concatenate(grads, axis=1)


def _balanced_norm(arch: Architecture, theta: np.ndarray) -> np.ndarray:
    ws = balance_weights(arch, None, split_weights(arch, theta))
    squares: np.ndarray = sum((w * w).sum(axis=(-1, -2)) for w in ws)
    return np.asarray(np.sqrt(squares))


# ------------------------------------------------------------------------------------------------
# the pieces of a training call: settings, data, initial weights
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    """The validated optimiser settings of one :func:`train` call."""

    optimizer: str
    runs: int
    steps: int
    lr: float
    tol: float
    line_search: bool
    history: int

    @classmethod
    def validated(
        cls, optimizer: str, runs: int, steps: int, lr: Optional[float], tol: float, line_search: bool, history: int
    ) -> "_Settings":
        optimizer = choice(optimizer, "optimizer", OPTIMIZERS)
        lr = optional_positive_float(lr, "lr")
        return cls(
            optimizer=optimizer,
            runs=positive_int(runs, "runs"),
            steps=nonnegative_int(steps, "steps"),
            lr=(0.05 if optimizer == "gd" else 1e-2) if lr is None else lr,
            tol=positive_float(tol, "tol"),
            line_search=flag(line_search, "line_search"),
            history=positive_int(history, "history"),
        )

    def history_steps(self) -> np.ndarray:
        """The steps at which the loss, norm and weights are recorded."""
        n_hist = max(2, min(self.history, self.steps + 1)) if self.steps > 0 else 1
        return np.unique(np.linspace(0, self.steps, n_hist).round().astype(int))


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

    def per_run(self) -> tuple[np.ndarray, np.ndarray]:
        """Normalised data of every run, samples last (see :func:`loss_and_gradient`)."""
        Xn = self.X / self.sx[:, None, None]
        Yn = self.Y / self.sy[:, None, None]
        # one contiguous copy per run keeps the batched matmuls fast
        Xa = np.ascontiguousarray(np.swapaxes(Xn, 1, 2)[self.data_index])
        Ya = np.ascontiguousarray(np.swapaxes(Yn, 1, 2)[self.data_index])
        return Xa, Ya


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


# ------------------------------------------------------------------------------------------------
# the state of the runs still training, and one optimiser step
# ------------------------------------------------------------------------------------------------


@dataclass
class _Runs:
    """The training state: per-run outputs (all R runs) and the arrays of the active runs.

    Active arrays (``idx``, ``th``, ``loss``, ``g``, ``eta``, ``m1``, ``m2``, ``Xa``, ``Ya``) shrink
    as runs finish, so every step works only on runs that are still moving.
    """

    arch: Architecture
    hist_steps: np.ndarray
    # per run, all R runs
    theta: np.ndarray  # (R, N): final weights, normalised units
    converged: np.ndarray
    diverged: np.ndarray
    steps_taken: np.ndarray
    final_loss: np.ndarray
    final_gn: np.ndarray
    loss_hist: np.ndarray
    norm_hist: np.ndarray
    theta_hist: np.ndarray
    # active runs only
    idx: np.ndarray
    th: np.ndarray
    loss: np.ndarray
    g: np.ndarray
    eta: np.ndarray
    m1: np.ndarray
    m2: np.ndarray
    Xa: np.ndarray
    Ya: np.ndarray

    @classmethod
    def start(
        cls, arch: Architecture, theta: np.ndarray, data: tuple[np.ndarray, np.ndarray], hist_steps: np.ndarray, lr: float, steps: int
    ) -> "_Runs":
        """Every run active at ``theta``, with its loss and gradient there."""
        runs, N = theta.shape
        Xa, Ya = data
        loss, g = loss_and_gradient(arch, theta, Xa, Ya)
        H = len(hist_steps)
        return cls(
            arch=arch,
            hist_steps=hist_steps,
            theta=theta,
            converged=np.zeros(runs, dtype=bool),
            diverged=np.zeros(runs, dtype=bool),
            steps_taken=np.full(runs, steps, dtype=np.int64),
            final_loss=np.full(runs, np.nan),
            final_gn=np.full(runs, np.nan),
            loss_hist=np.full((runs, H), np.nan),
            norm_hist=np.full((runs, H), np.nan),
            theta_hist=np.full((runs, H, N), np.nan),
            idx=np.arange(runs),
            th=theta.copy(),
            loss=loss,
            g=g,
            eta=np.full(runs, float(lr)),
            m1=np.zeros_like(theta),
            m2=np.zeros_like(theta),
            Xa=Xa,
            Ya=Ya,
        )

    def record(self, pos: int) -> None:
        """Store loss, balanced norm and weights of the active runs at history position ``pos``."""
        self.loss_hist[self.idx, pos] = self.loss
        self.norm_hist[self.idx, pos] = _balanced_norm(self.arch, self.th)
        self.theta_hist[self.idx, pos] = self.th

    def finish(self, mask: np.ndarray, step: int) -> None:
        """Stop the active runs in ``mask`` at ``step`` and drop them from the active arrays."""
        done = self.idx[mask]
        self.theta[done] = self.th[mask]
        self.final_loss[done] = self.loss[mask]
        self.final_gn[done] = np.linalg.norm(self.g[mask], axis=1)
        self.steps_taken[done] = step
        keep = ~mask
        self.idx, self.th, self.loss, self.g = self.idx[keep], self.th[keep], self.loss[keep], self.g[keep]
        self.eta, self.m1, self.m2 = self.eta[keep], self.m1[keep], self.m2[keep]
        self.Xa, self.Ya = self.Xa[keep], self.Ya[keep]

    def stop_finished(self, step: int, tol: float) -> np.ndarray:
        """Stop runs that are non-finite or below ``tol``; the gradient norms of the others."""
        gn: np.ndarray = np.linalg.norm(self.g, axis=1)
        bad = ~(np.isfinite(self.loss) & np.isfinite(gn))
        if bad.any():  # only reachable at step 0 (later bad steps are rejected)
            self.diverged[self.idx[bad]] = True
            self.finish(bad, step)
            gn = gn[~bad]
        done = gn < tol
        if done.any():
            self.converged[self.idx[done]] = True
            self.finish(done, step)
            gn = gn[~done]
        return gn


def _line_search_step(state: _Runs, gn: np.ndarray, step: int) -> None:
    """Gradient descent with a step size per run: Armijo, halved on failure, +20% on success."""
    trial = state.th - state.eta[:, None] * state.g
    lt, gt = loss_and_gradient(state.arch, trial, state.Xa, state.Ya)
    gtn = np.linalg.norm(gt, axis=1)
    # Armijo; near a critical point the decrease drops below the rounding error of the loss, so
    # there a step is also accepted when it reduces the gradient norm
    loss = state.loss
    ok = np.isfinite(lt) & np.isfinite(gtn) & (
        (lt <= loss - 1e-4 * state.eta * gn * gn) | ((lt <= loss + 1e-14 * np.abs(loss)) & (gtn < gn))
    )
    state.th[ok], state.loss[ok], state.g[ok] = trial[ok], lt[ok], gt[ok]
    state.eta = np.where(ok, state.eta * 1.2, state.eta * 0.5)
    stuck = state.eta < 1e-300  # no descent step exists in floating point
    if stuck.any():
        state.finish(stuck, step + 1)


def _adam_update(state: _Runs, lr: float, step: int) -> np.ndarray:
    t = step + 1
    state.m1 = _BETA1 * state.m1 + (1 - _BETA1) * state.g
    state.m2 = _BETA2 * state.m2 + (1 - _BETA2) * state.g * state.g
    return lr * (state.m1 / (1 - _BETA1**t)) / (np.sqrt(state.m2 / (1 - _BETA2**t)) + _EPS)


def _fixed_step(state: _Runs, update: np.ndarray, step: int) -> None:
    """Take ``th - update``; runs whose step overflows keep their last finite state and stop."""
    trial = state.th - update
    lt, gt = loss_and_gradient(state.arch, trial, state.Xa, state.Ya)
    ok = np.isfinite(lt) & np.isfinite(gt).all(axis=1) & np.isfinite(trial).all(axis=1)
    state.th[ok], state.loss[ok], state.g[ok] = trial[ok], lt[ok], gt[ok]
    if not ok.all():
        state.diverged[state.idx[~ok]] = True
        state.finish(~ok, step + 1)


def _optimise(state: _Runs, settings: _Settings, progress: Optional[bool]) -> None:
    """Run the optimiser until every run has stopped or ``settings.steps`` steps are done."""
    hist_pos = 0
    with progress_bar(settings.steps, f"training {settings.runs} runs", unit="step", progress=progress) as bar:
        for step in range(settings.steps + 1):
            if hist_pos < len(state.hist_steps) and step == state.hist_steps[hist_pos]:
                state.record(hist_pos)
                hist_pos += 1
            gn = state.stop_finished(step, settings.tol)
            if len(state.idx) == 0 or step == settings.steps:
                break
            if settings.optimizer == "gd" and settings.line_search:
                _line_search_step(state, gn, step)
            elif settings.optimizer == "gd":
                _fixed_step(state, settings.lr * state.g, step)
            else:
                _fixed_step(state, _adam_update(state, settings.lr, step), step)
            if (step + 1) % _PROGRESS_CHUNK == 0:
                bar.update(_PROGRESS_CHUNK)
                bar.set_postfix(active=len(state.idx))
        if len(state.idx):
            state.finish(np.ones(len(state.idx), dtype=bool), settings.steps)


def train(
    widths: ArchitectureLike,
    r: Optional[RSpec],
    X: Any,
    Y: Any,
    *,
    runs: int = 1000,
    steps: int = 20000,
    optimizer: str = "gd",
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

    Everything is vectorised over runs (batched matmul); each run stops when its gradient norm
    drops below ``tol`` (normalised units), or after ``steps`` iterations. Data are scaled to unit
    RMS internally and results mapped back (a symmetry of the problem: ``x -> x/s`` and
    ``y -> y/t`` rescale ``C`` by a constant).

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
    arrays, data units) is given. ``progress``: see :mod:`neurovariety._progress`.

    >>> from neurovariety.loss import make_data
    >>> X, Y = make_data((2, 2, 3), 2, seed=3)
    >>> res = train((2, 2, 3), 2, X, Y, runs=4, steps=200, seed=0, progress=False)
    >>> res.runs, bool((res.losses > 0).all())
    (4, True)
    """
    arch = Architecture.coerce(widths, r)
    settings = _Settings.validated(optimizer, runs, steps, lr, tol, line_search, history)
    seed = validate_seed(seed)
    init_scale = positive_float(init_scale, "init_scale")
    data = _Data.prepare(arch, X, Y, data_index, settings.runs)
    theta = _initial_weights(arch, data, settings.runs, seed, init_scale, init)
    t0 = time.perf_counter()
    per_run = data.per_run()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        state = _Runs.start(arch, theta, per_run, settings.history_steps(), settings.lr, settings.steps)
        _optimise(state, settings, progress)
    return _result(arch, data, state, settings, seed, time.perf_counter() - t0)


def _result(arch: Architecture, data: _Data, state: _Runs, settings: _Settings, seed: Optional[int], seconds: float) -> TrainResult:
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
    )
