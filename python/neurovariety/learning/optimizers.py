"""The optimisers of :func:`~neurovariety.learning.train.train`, vectorised over runs.

The state of all runs still training lives in one :class:`Runs` object; each optimiser step works
on the active runs only (they shrink as runs stop). Three optimisers:

* ``"lm"`` (default): Levenberg–Marquardt in weight space. The loss depends on the weights only
  through the coefficient matrix, ``loss = tr(C A C^T) - 2 tr(C B) + c0``, so with the coefficient
  Jacobian ``J`` the Gauss–Newton matrix is ``2 J^T (I (x) A) J`` and the gradient
  ``2 J^T vec(C A - B^T)``: one batched ``N x N`` solve per step (``N`` weights). Damping
  ``lam * diag`` (Marquardt), updated by the gain ratio (Nielsen's rule). Gauss–Newton converges
  only linearly where the residual is large, and below a gradient norm of ``1e-4`` the loss barely
  resolves progress, so there (every 10 steps, and after every rejected step) a Newton step is
  tried, with the Hessian from central differences of the gradient and the rescaling directions
  (along which it vanishes) removed; it is kept if it lowers the gradient norm without raising the
  loss beyond rounding. Typical runs reach a gradient norm of ``1e-10`` in tens of steps.
* ``"gd"``: gradient descent, with an Armijo step size per run (``line_search``) or a fixed one;
* ``"adam"``: Adam with a fixed step.

A step is accepted only if it lowers the loss -- or, within rounding of the loss, lowers the
gradient norm (near a critical point the decrease falls below the rounding error of the loss).

>>> from neurovariety.architecture import Architecture
>>> arch = Architecture((1, 1, 1), 2)
>>> loss, grad = loss_and_gradient(arch, np.array([[1.0, 2.0]]), np.ones((1, 1, 1)), np.zeros((1, 1, 1)))
>>> loss.tolist(), grad.tolist()   # f = w2 (w1 x)^2 = 2 at x = 1
([4.0], [[16.0, 4.0]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .._progress import progress_bar
from .._validate import choice, flag, nonnegative_int, optional_positive_float, positive_float, positive_int
from ..architecture import Architecture
from ..network import balance_weights, coefficients_and_jacobian, split_weights

__all__ = ["OPTIMIZERS", "DEFAULT_STEPS", "STOP_REASONS", "Settings", "Runs", "loss_and_gradient", "gauss_newton",
           "balanced_norm", "gauge_directions", "optimise"]

#: The optimisers of :func:`~neurovariety.learning.train.train`.
OPTIMIZERS = ("lm", "gd", "adam")

#: Default step budget of each optimiser.
DEFAULT_STEPS = {"lm": 400, "gd": 20000, "adam": 20000}

#: Why a run stopped: gradient tolerance reached, step budget used up, overflow/NaN, no step
#: lowers the loss any more (step size / damping at its limit).
STOP_REASONS = ("tolerance", "budget", "overflow", "stalled")

#: Adam's moment decay rates and denominator guard.
_BETA1, _BETA2, _EPS = 0.9, 0.999, 1e-12

#: Levenberg–Marquardt: initial damping, its range, and the floor added to the Marquardt scaling.
_LM_LAMBDA0, _LM_LAMBDA_MIN, _LM_LAMBDA_MAX, _LM_FLOOR = 1e-3, 1e-12, 1e12, 1e-12

#: Below this gradient norm (normalised units) a rejected Levenberg–Marquardt step is followed by
#: a Newton step: there the loss changes by little more than its rounding error.
_NEWTON_GN = 1e-4

#: ... and every this many steps (Gauss–Newton converges only linearly where the residual is large).
_NEWTON_EVERY = 10

#: The progress bar advances in chunks of this many steps (updating it every step costs time).
_PROGRESS_CHUNK = 50


@dataclass(frozen=True)
class Settings:
    """The validated optimiser settings of one training call."""

    optimizer: str
    runs: int
    steps: int
    lr: float
    tol: float
    line_search: bool
    history: int

    @classmethod
    def validated(
        cls, optimizer: str, runs: int, steps: Optional[int], lr: Optional[float], tol: float, line_search: bool, history: int
    ) -> "Settings":
        """Check every setting; ``steps=None`` / ``lr=None`` pick the optimiser's defaults.

        >>> Settings.validated("lm", 10, None, None, 1e-10, True, 40).steps
        400
        """
        optimizer = choice(optimizer, "optimizer", OPTIMIZERS)
        lr = optional_positive_float(lr, "lr")
        default_lr = {"lm": _LM_LAMBDA0, "gd": 0.05, "adam": 1e-2}[optimizer]
        return cls(
            optimizer=optimizer,
            runs=positive_int(runs, "runs"),
            steps=DEFAULT_STEPS[optimizer] if steps is None else nonnegative_int(steps, "steps"),
            lr=default_lr if lr is None else lr,
            tol=positive_float(tol, "tol"),
            line_search=flag(line_search, "line_search"),
            history=positive_int(history, "history"),
        )

    def history_steps(self) -> np.ndarray:
        """The steps at which the loss, norm and weights are recorded (evenly spaced, both ends)."""
        n_hist = max(2, min(self.history, self.steps + 1)) if self.steps > 0 else 1
        return np.unique(np.linspace(0, self.steps, n_hist).round().astype(int))


def loss_and_gradient(arch: Architecture, theta: np.ndarray, Xt: np.ndarray, Yt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean squared loss and its weight gradient for every run, by backpropagation.

    ``theta`` (R, N); data transposed, ``Xt`` (R, d0, n), ``Yt`` (R, dL, n): with samples last,
    every product is ``W @ activations`` with small contiguous matrices, which numpy's batched
    matmul handles about twice as fast as the (n, d) layout.

    >>> arch = Architecture((1, 1), 1)
    >>> loss_and_gradient(arch, np.array([[3.0]]), np.ones((1, 1, 1)), np.ones((1, 1, 1)))[0].tolist()
    [4.0]
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


def gauss_newton(
    arch: Architecture, theta: np.ndarray, A: np.ndarray, B: np.ndarray, c0: np.ndarray, *, matrix: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Loss, gradient and Gauss–Newton matrix of ``tr(C A C^T) - 2 tr(C B) + c0`` at weights ``theta`` (R, N).

    ``A`` (R, M, M), ``B`` (R, M, dL), ``c0`` (R,) from :func:`~neurovariety.loss.loss_matrices`.
    ``matrix=False`` skips the Gauss–Newton matrix (an empty array is returned in its place).

    >>> arch = Architecture((1, 1, 1), 2)     # C = w2 w1^2, loss (C - 1)^2 at x = y = 1
    >>> ones = np.ones((1, 1, 1))
    >>> loss, g, H = gauss_newton(arch, np.array([[1.0, 2.0]]), ones, ones, np.ones(1))
    >>> loss.tolist(), g.tolist(), H.tolist()
    ([1.0], [[8.0, 2.0]], [[[32.0, 8.0], [8.0, 2.0]]])
    """
    R, N = theta.shape
    C, J = coefficients_and_jacobian(arch, None, split_weights(arch, theta))
    J4 = J.reshape(R, arch.dL, arch.num_monomials, N)
    CA = C @ A
    loss = np.einsum("rjm,rjm->r", CA, C) - 2.0 * np.einsum("rjm,rmj->r", C, B) + c0
    g = 2.0 * np.einsum("rjmn,rjm->rn", J4, CA - np.swapaxes(B, -1, -2))
    if not matrix:
        return loss, g, np.zeros(0)
    H = 2.0 * np.einsum("rjmn,rjmp->rnp", J4, np.einsum("rmk,rjkn->rjmn", A, J4))
    return loss, g, H


def balanced_norm(arch: Architecture, theta: np.ndarray) -> np.ndarray:
    """Norm of the balanced weights (:func:`~neurovariety.network.balance_weights`) of each run.

    >>> balanced_norm(Architecture((1, 1, 1), 2), np.array([[1.0, 8.0]])).round(6).tolist()   # balanced: (2, 2)
    [2.828427]
    """
    ws = balance_weights(arch, None, split_weights(arch, theta))
    squares: np.ndarray = sum((w * w).sum(axis=(-1, -2)) for w in ws)
    return np.asarray(np.sqrt(squares))


@dataclass
class Runs:
    """The training state: per-run outputs (all R runs) and the arrays of the active runs.

    Active arrays (``idx``, ``th``, ``loss``, ``g``, the optimiser's state, the data) shrink as
    runs finish, so every step works only on runs that are still moving.
    """

    arch: Architecture
    hist_steps: np.ndarray
    # per run, all R runs
    theta: np.ndarray  # (R, N): final weights, normalised units
    converged: np.ndarray
    diverged: np.ndarray
    stop_reason: np.ndarray
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
    opt: dict[str, np.ndarray]  # optimiser state: eta (gd), m1, m2 (adam), lam, nu, H (lm)
    data: dict[str, np.ndarray]  # Xa, Ya (gd, adam) or A, B, c0 (lm)

    @classmethod
    def start(cls, arch: Architecture, theta: np.ndarray, data: dict[str, np.ndarray], hist_steps: np.ndarray,
              settings: Settings) -> "Runs":
        """Every run active at ``theta``, with its loss and gradient (and Gauss–Newton matrix) there."""
        runs, N = theta.shape
        opt: dict[str, np.ndarray] = {}
        if settings.optimizer == "lm":
            loss, g, opt["H"] = gauss_newton(arch, theta, data["A"], data["B"], data["c0"])
            opt["lam"], opt["nu"] = np.full(runs, settings.lr), np.full(runs, 2.0)
        else:
            loss, g = loss_and_gradient(arch, theta, data["Xa"], data["Ya"])
            opt["eta"], opt["m1"], opt["m2"] = np.full(runs, settings.lr), np.zeros_like(theta), np.zeros_like(theta)
        H = len(hist_steps)
        return cls(
            arch=arch, hist_steps=hist_steps, theta=theta,
            converged=np.zeros(runs, dtype=bool), diverged=np.zeros(runs, dtype=bool),
            stop_reason=np.full(runs, "budget", dtype=object), steps_taken=np.full(runs, settings.steps, dtype=np.int64),
            final_loss=np.full(runs, np.nan), final_gn=np.full(runs, np.nan),
            loss_hist=np.full((runs, H), np.nan), norm_hist=np.full((runs, H), np.nan), theta_hist=np.full((runs, H, N), np.nan),
            idx=np.arange(runs), th=theta.copy(), loss=loss, g=g, opt=opt, data=data,
        )

    def record(self, pos: int) -> None:
        """Store loss, balanced norm and weights of the active runs at history position ``pos``."""
        self.loss_hist[self.idx, pos] = self.loss
        self.norm_hist[self.idx, pos] = balanced_norm(self.arch, self.th)
        self.theta_hist[self.idx, pos] = self.th

    def finish(self, mask: np.ndarray, step: int, reason: str) -> None:
        """Stop the active runs in ``mask`` at ``step`` for ``reason`` and drop them from the active arrays."""
        done = self.idx[mask]
        self.theta[done] = self.th[mask]
        self.final_loss[done] = self.loss[mask]
        self.final_gn[done] = np.linalg.norm(self.g[mask], axis=1)
        self.steps_taken[done] = step
        self.stop_reason[done] = reason
        keep = ~mask
        self.idx, self.th, self.loss, self.g = self.idx[keep], self.th[keep], self.loss[keep], self.g[keep]
        self.opt = {k: v[keep] for k, v in self.opt.items()}
        self.data = {k: v[keep] for k, v in self.data.items()}

    def stop_finished(self, step: int, tol: float) -> np.ndarray:
        """Stop runs that are non-finite or below ``tol``; the gradient norms of the others."""
        gn: np.ndarray = np.linalg.norm(self.g, axis=1)
        bad = ~(np.isfinite(self.loss) & np.isfinite(gn))
        if bad.any():  # only reachable at step 0 (later bad steps are rejected)
            self.diverged[self.idx[bad]] = True
            self.finish(bad, step, "overflow")
            gn = gn[~bad]
        done = gn < tol
        if done.any():
            self.converged[self.idx[done]] = True
            self.finish(done, step, "tolerance")
            gn = gn[~done]
        return gn


def _accept(loss: np.ndarray, gn: np.ndarray, lt: np.ndarray, gtn: np.ndarray, decrease: np.ndarray) -> np.ndarray:
    """Steps that lower the loss by more than ``decrease`` -- or, within rounding of the loss
    (``1e-14`` relative), lower the gradient norm (near a critical point the decrease of the loss
    falls below its rounding error)."""
    rounding = 1e-14 * np.abs(loss)
    return np.asarray(np.isfinite(lt) & np.isfinite(gtn) & ((lt < loss - decrease) | ((lt <= loss + rounding) & (gtn < gn))))


def _lm_step(state: Runs, gn: np.ndarray, step: int) -> None:
    """One Levenberg–Marquardt step per active run (damping ``lam * (diag H + floor)``)."""
    H, lam, nu = state.opt["H"], state.opt["lam"], state.opt["nu"]
    N = H.shape[-1]
    d = np.einsum("rnn->rn", H)
    D = lam[:, None] * (d + _LM_FLOOR * np.maximum(d.max(axis=1, keepdims=True), 1.0))
    M = H + D[:, :, None] * np.eye(N)
    try:
        delta = -np.linalg.solve(M, state.g[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:  # a singular system in the batch: solve one by one
        delta = -np.stack([np.linalg.lstsq(m, gv, rcond=None)[0] for m, gv in zip(M, state.g)])
    trial = state.th + delta
    lt, gt, Ht = gauss_newton(state.arch, trial, state.data["A"], state.data["B"], state.data["c0"])
    pred = -(np.einsum("rn,rn->r", state.g, delta) + 0.5 * np.einsum("rn,rnp,rp->r", delta, H, delta))
    ok = _accept(state.loss, gn, lt, np.linalg.norm(gt, axis=1), np.zeros_like(lt)) & np.isfinite(trial).all(axis=1)
    ok &= np.isfinite(Ht).all(axis=(1, 2))
    rho = (state.loss - lt) / np.maximum(pred, 1e-300)
    state.th[ok], state.loss[ok], state.g[ok], H[ok] = trial[ok], lt[ok], gt[ok], Ht[ok]
    shrink = np.where(rho > 0, np.maximum(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3), 1.0 / 3.0)
    state.opt["lam"] = np.clip(np.where(ok, lam * shrink, lam * nu), _LM_LAMBDA_MIN, _LM_LAMBDA_MAX)
    state.opt["nu"] = np.where(ok, 2.0, np.minimum(nu * 2.0, 1e6))
    polish = (gn < _NEWTON_GN) & (~ok | (step % _NEWTON_EVERY == 0))
    if polish.any():  # Gauss–Newton converges only linearly at a large residual: Newton steps
        ok[polish] |= _newton_step(state, np.flatnonzero(polish), gn)
    stuck = ~ok & (lam >= _LM_LAMBDA_MAX)  # no damping makes a step lower the loss
    if stuck.any():
        state.finish(stuck, step + 1, "stalled")


def gauge_directions(arch: Architecture, theta: np.ndarray) -> np.ndarray:
    """Tangent vectors ``(R, hidden, N)`` of the rescaling orbits at ``theta``: for each hidden neuron,
    its incoming row times 1 and its outgoing column times ``-r`` (the loss is constant along them).

    >>> gauge_directions(Architecture((1, 1, 1), 2), np.array([[3.0, 5.0]])).tolist()
    [[[3.0, -10.0]]]
    """
    ws = split_weights(arch, theta)
    out = []
    for i in range(arch.depth - 1):
        for k in range(arch.widths[i + 1]):
            parts = [np.zeros_like(w) for w in ws]
            parts[i][..., k, :] = ws[i][..., k, :]
            parts[i + 1][..., :, k] = -arch.r[i] * ws[i + 1][..., :, k]
            out.append(np.concatenate([p.reshape(p.shape[:-2] + (-1,)) for p in parts], axis=-1))
    return np.stack(out, axis=-2)


def _newton_step(state: Runs, runs: np.ndarray, gn: np.ndarray) -> np.ndarray:
    """Try a Newton step (Hessian by central differences of the gradient, made invertible by adding
    the gauge directions, along which it vanishes) for the active ``runs``; keep it where it lowers
    the gradient norm without raising the loss beyond rounding. Which runs moved."""
    th = state.th[runs]
    r, N = th.shape
    data = {k: np.repeat(v[runs], 2 * N, axis=0) for k, v in state.data.items()}
    h = 1e-6 * np.maximum(1.0, np.linalg.norm(th, axis=1))
    shifts = np.einsum("r,kn->rkn", h, np.eye(N))
    pts = np.concatenate([th[:, None] + shifts, th[:, None] - shifts], axis=1).reshape(2 * N * r, N)
    _, gpm, _ = gauss_newton(state.arch, pts, data["A"], data["B"], data["c0"], matrix=False)
    gpm = gpm.reshape(r, 2, N, N)
    H = (gpm[:, 0] - gpm[:, 1]) / (2 * h[:, None, None])
    H = 0.5 * (H + np.swapaxes(H, 1, 2))
    U = np.linalg.qr(np.swapaxes(gauge_directions(state.arch, th), 1, 2))[0]  # (r, N, hidden), orthonormal
    scale = np.abs(H).max(axis=(1, 2))
    P = np.eye(N) - U @ np.swapaxes(U, 1, 2)
    Hp = P @ H @ P + scale[:, None, None] * (U @ np.swapaxes(U, 1, 2))
    try:
        delta = -np.linalg.solve(Hp, (P @ state.g[runs][:, :, None]))[:, :, 0]
    except np.linalg.LinAlgError:
        return np.zeros(len(runs), dtype=bool)
    trial = th + delta
    sub = {k: v[runs] for k, v in state.data.items()}
    lt, gt, Ht = gauss_newton(state.arch, trial, sub["A"], sub["B"], sub["c0"])
    gtn = np.linalg.norm(gt, axis=1)
    loss = state.loss[runs]
    ok = np.isfinite(lt) & np.isfinite(gtn) & (gtn < gn[runs]) & (lt <= loss + 1e-14 * np.abs(loss))
    moved = runs[ok]
    state.th[moved], state.loss[moved], state.g[moved], state.opt["H"][moved] = trial[ok], lt[ok], gt[ok], Ht[ok]
    return np.asarray(ok)


def _line_search_step(state: Runs, gn: np.ndarray, step: int) -> None:
    """Gradient descent with a step size per run: Armijo, halved on failure, +20% on success."""
    eta = state.opt["eta"]
    trial = state.th - eta[:, None] * state.g
    lt, gt = loss_and_gradient(state.arch, trial, state.data["Xa"], state.data["Ya"])
    ok = _accept(state.loss, gn, lt, np.linalg.norm(gt, axis=1), 1e-4 * eta * gn * gn)
    state.th[ok], state.loss[ok], state.g[ok] = trial[ok], lt[ok], gt[ok]
    state.opt["eta"] = np.where(ok, eta * 1.2, eta * 0.5)
    stuck = state.opt["eta"] < 1e-300  # no descent step exists in floating point
    if stuck.any():
        state.finish(stuck, step + 1, "stalled")


def _adam_update(state: Runs, lr: float, step: int) -> np.ndarray:
    t = step + 1
    m1 = state.opt["m1"] = _BETA1 * state.opt["m1"] + (1 - _BETA1) * state.g
    m2 = state.opt["m2"] = _BETA2 * state.opt["m2"] + (1 - _BETA2) * state.g * state.g
    return np.asarray(lr * (m1 / (1 - _BETA1**t)) / (np.sqrt(m2 / (1 - _BETA2**t)) + _EPS))


def _fixed_step(state: Runs, update: np.ndarray, step: int) -> None:
    """Take ``th - update``; runs whose step overflows keep their last finite state and stop."""
    trial = state.th - update
    lt, gt = loss_and_gradient(state.arch, trial, state.data["Xa"], state.data["Ya"])
    ok = np.isfinite(lt) & np.isfinite(gt).all(axis=1) & np.isfinite(trial).all(axis=1)
    state.th[ok], state.loss[ok], state.g[ok] = trial[ok], lt[ok], gt[ok]
    if not ok.all():
        state.diverged[state.idx[~ok]] = True
        state.finish(~ok, step + 1, "overflow")


def _step(state: Runs, settings: Settings, gn: np.ndarray, step: int) -> None:
    if settings.optimizer == "lm":
        _lm_step(state, gn, step)
    elif settings.optimizer == "gd" and settings.line_search:
        _line_search_step(state, gn, step)
    elif settings.optimizer == "gd":
        _fixed_step(state, settings.lr * state.g, step)
    else:
        _fixed_step(state, _adam_update(state, settings.lr, step), step)


def optimise(state: Runs, settings: Settings, progress: Optional[bool]) -> None:
    """Run the optimiser until every run has stopped or ``settings.steps`` steps are done.

    ``progress``: see :mod:`neurovariety._progress`.
    """
    hist_pos = 0
    with progress_bar(settings.steps, f"training {settings.runs} runs ({settings.optimizer})", unit="step",
                      progress=progress) as bar:
        for step in range(settings.steps + 1):
            if hist_pos < len(state.hist_steps) and step == state.hist_steps[hist_pos]:
                state.record(hist_pos)
                hist_pos += 1
            gn = state.stop_finished(step, settings.tol)
            if len(state.idx) == 0 or step == settings.steps:
                break
            _step(state, settings, gn, step)
            if (step + 1) % _PROGRESS_CHUNK == 0:
                bar.update(_PROGRESS_CHUNK)
                bar.set_postfix(active=len(state.idx))
        if len(state.idx):
            state.finish(np.ones(len(state.idx), dtype=bool), settings.steps, "budget")
