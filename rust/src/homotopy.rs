//! Homotopy continuation in complex double precision, and the critical equations of the
//! squared loss of a polynomial neural network in weight space.
//!
//! * [`C64`]: a minimal complex number (the pure-Rust core needs no `num-complex`).
//! * [`Homotopy`]: a square polynomial system `F(x; p) = 0` whose parameters `p` move along
//!   straight segments `p(t) = p_a + t (p_b - p_a)`, `t ∈ [0, 1]`.
//! * [`track_segments`] / [`track_all`]: a predictor–corrector path tracker — classical RK4
//!   predictor on the Davidenko equation `F_x ẋ = -F_p ṗ`, Newton corrector, adaptive step
//!   size — run through a chain of parameter nodes (a monodromy loop is the chain
//!   `p0 → p1 → p2 → p0`), in parallel over paths with rayon.
//! * [`CriticalSystem`]: `F(θ; b) = J(θ)ᵀ (Q c(θ) − b)`, the gradient (up to a factor 2) of the
//!   loss `c(θ)ᵀ Q c(θ) − 2 bᵀ c(θ)` with `c(θ)` the coefficient vector of the network and the
//!   rescaling symmetry fixed by a gauge (one incoming weight of each hidden neuron is 1,
//!   [`GaugeChart`]).
//!
//! Charts and diverging paths: the gauge fixes one incoming weight per hidden neuron to 1, and
//! a path switches to the incoming weight of largest modulus whenever another one exceeds 2
//! ([`Homotopy::rechart`], [`CriticalSystem::normalize`]) — the standard charts of projective
//! space — so a neuron turning towards a fixed coordinate hyperplane costs nothing. What can
//! still diverge are outgoing weights (two neurons merging, the function reaching the boundary
//! of the neuromanifold). The parameter nodes of monodromy loops are random complex points, so
//! a path meets such a point only with probability zero; a path whose max-norm exceeds
//! `max_norm`, whose step size underflows, or whose corrector cannot converge is reported with a
//! failure status and dropped by the caller (monodromy simply re-finds it in a later loop).

use rayon::prelude::*;
use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

// ------------------------------------------------------------------------------------------------
// complex numbers
// ------------------------------------------------------------------------------------------------

/// A complex number in double precision.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct C64 {
    pub re: f64,
    pub im: f64,
}

impl C64 {
    pub const ZERO: C64 = C64 { re: 0.0, im: 0.0 };
    pub const ONE: C64 = C64 { re: 1.0, im: 0.0 };

    #[inline]
    pub const fn new(re: f64, im: f64) -> Self {
        C64 { re, im }
    }

    #[inline]
    pub fn real(re: f64) -> Self {
        C64 { re, im: 0.0 }
    }

    /// `exp(i φ)`.
    #[inline]
    pub fn cis(phi: f64) -> Self {
        C64 { re: phi.cos(), im: phi.sin() }
    }

    #[inline]
    pub fn norm_sqr(self) -> f64 {
        self.re * self.re + self.im * self.im
    }

    #[inline]
    pub fn abs(self) -> f64 {
        self.re.hypot(self.im)
    }

    #[inline]
    pub fn conj(self) -> Self {
        C64 { re: self.re, im: -self.im }
    }

    #[inline]
    pub fn scale(self, s: f64) -> Self {
        C64 { re: self.re * s, im: self.im * s }
    }

    #[inline]
    pub fn is_finite(self) -> bool {
        self.re.is_finite() && self.im.is_finite()
    }

    /// `self^e` by repeated squaring.
    pub fn powi(self, mut e: u32) -> Self {
        let mut acc = C64::ONE;
        let mut base = self;
        while e > 0 {
            if e & 1 == 1 {
                acc *= base;
            }
            base *= base;
            e >>= 1;
        }
        acc
    }

    /// `self * a + b`, the inner-loop operation.
    #[inline]
    pub fn mul_add(self, a: C64, b: C64) -> C64 {
        C64 { re: self.re * a.re - self.im * a.im + b.re, im: self.re * a.im + self.im * a.re + b.im }
    }
}

impl Add for C64 {
    type Output = C64;
    #[inline]
    fn add(self, o: C64) -> C64 {
        C64 { re: self.re + o.re, im: self.im + o.im }
    }
}

impl Sub for C64 {
    type Output = C64;
    #[inline]
    fn sub(self, o: C64) -> C64 {
        C64 { re: self.re - o.re, im: self.im - o.im }
    }
}

impl Mul for C64 {
    type Output = C64;
    #[inline]
    fn mul(self, o: C64) -> C64 {
        C64 { re: self.re * o.re - self.im * o.im, im: self.re * o.im + self.im * o.re }
    }
}

impl Mul<f64> for C64 {
    type Output = C64;
    #[inline]
    fn mul(self, s: f64) -> C64 {
        self.scale(s)
    }
}

impl Div for C64 {
    type Output = C64;
    #[inline]
    fn div(self, o: C64) -> C64 {
        // Smith's algorithm: no overflow for large |o|.
        if o.re.abs() >= o.im.abs() {
            let r = o.im / o.re;
            let d = o.re + o.im * r;
            C64 { re: (self.re + self.im * r) / d, im: (self.im - self.re * r) / d }
        } else {
            let r = o.re / o.im;
            let d = o.re * r + o.im;
            C64 { re: (self.re * r + self.im) / d, im: (self.im * r - self.re) / d }
        }
    }
}

impl Neg for C64 {
    type Output = C64;
    #[inline]
    fn neg(self) -> C64 {
        C64 { re: -self.re, im: -self.im }
    }
}

impl AddAssign for C64 {
    #[inline]
    fn add_assign(&mut self, o: C64) {
        self.re += o.re;
        self.im += o.im;
    }
}

impl SubAssign for C64 {
    #[inline]
    fn sub_assign(&mut self, o: C64) {
        self.re -= o.re;
        self.im -= o.im;
    }
}

impl MulAssign for C64 {
    #[inline]
    fn mul_assign(&mut self, o: C64) {
        *self = *self * o;
    }
}

/// Euclidean norm of a complex vector.
pub fn norm2(v: &[C64]) -> f64 {
    v.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt()
}

/// Max-norm (largest modulus) of a complex vector.
pub fn norm_inf(v: &[C64]) -> f64 {
    v.iter().fold(0.0f64, |m, z| m.max(z.norm_sqr())).sqrt()
}

// ------------------------------------------------------------------------------------------------
// dense complex linear algebra
// ------------------------------------------------------------------------------------------------

/// Solve `A x = b` in place (`A` row-major `n × n`, overwritten by its LU factors; `b` becomes
/// `x`) by Gaussian elimination with partial pivoting. Returns `false` for a (numerically)
/// singular or non-finite matrix.
pub fn lu_solve(a: &mut [C64], n: usize, b: &mut [C64]) -> bool {
    debug_assert_eq!(a.len(), n * n);
    debug_assert_eq!(b.len(), n);
    // squared moduli throughout: no hypot in the pivot search
    let scale2 = a.iter().fold(0.0f64, |m, z| m.max(z.norm_sqr()));
    if !scale2.is_finite() || scale2 == 0.0 {
        return n == 0;
    }
    for k in 0..n {
        let (mut piv, mut best) = (k, a[k * n + k].norm_sqr());
        for i in k + 1..n {
            let v = a[i * n + k].norm_sqr();
            if v > best {
                piv = i;
                best = v;
            }
        }
        // A pivot at rounding level relative to the matrix means the Jacobian is singular.
        if best <= scale2 * 1e-30 {
            return false;
        }
        if piv != k {
            for j in 0..n {
                a.swap(k * n + j, piv * n + j);
            }
            b.swap(k, piv);
        }
        let inv = C64::ONE / a[k * n + k];
        for i in k + 1..n {
            let factor = a[i * n + k] * inv;
            if factor == C64::ZERO {
                continue;
            }
            a[i * n + k] = factor;
            for j in k + 1..n {
                let u = a[k * n + j];
                a[i * n + j] -= factor * u;
            }
            let bk = b[k];
            b[i] -= factor * bk;
        }
    }
    for k in (0..n).rev() {
        let mut s = b[k];
        for j in k + 1..n {
            s -= a[k * n + j] * b[j];
        }
        b[k] = s / a[k * n + k];
    }
    b.iter().all(|z| z.is_finite())
}

// ------------------------------------------------------------------------------------------------
// homotopies and the path tracker
// ------------------------------------------------------------------------------------------------

/// A square system `F(x; p) = 0` (`dim()` equations in `dim()` unknowns) with parameters `p`,
/// written in local coordinates `x` of a chart (`Chart = ()` for one global chart).
pub trait Homotopy: Sync {
    /// The local coordinate system a path is currently written in.
    type Chart: Clone + Send + Sync;

    /// Number of unknowns and of equations.
    fn dim(&self) -> usize;

    /// Number of parameters.
    fn num_params(&self) -> usize;

    /// `F(x; p)` into `f` (length `dim`) and `∂F/∂x` into `jac` (row-major `dim × dim`).
    fn evaluate(&self, chart: &Self::Chart, x: &[C64], p: &[C64], f: &mut [C64], jac: &mut [C64]);

    /// `F(x; p)` only.
    fn residual(&self, chart: &Self::Chart, x: &[C64], p: &[C64], f: &mut [C64]) {
        let n = self.dim();
        let mut jac = vec![C64::ZERO; n * n];
        self.evaluate(chart, x, p, f, &mut jac);
    }

    /// The parameter derivative `(∂F/∂p) · dp` into `out` (length `dim`).
    fn param_derivative(&self, chart: &Self::Chart, x: &[C64], p: &[C64], dp: &[C64], out: &mut [C64]);

    /// `F`, `∂F/∂x` and `(∂F/∂p) · dp` at once (override to share work).
    #[allow(clippy::too_many_arguments)]
    fn evaluate_with_param_derivative(&self, chart: &Self::Chart, x: &[C64], p: &[C64], dp: &[C64], f: &mut [C64], jac: &mut [C64], out: &mut [C64]) {
        self.evaluate(chart, x, p, f, jac);
        self.param_derivative(chart, x, p, dp, out);
    }

    /// Called after every accepted step: switch to better-conditioned coordinates (rewriting
    /// `x`) when the current chart degenerates. The default keeps the chart.
    fn rechart(&self, _chart: &mut Self::Chart, _x: &mut Vec<C64>) {}
}

/// Settings of the path tracker. `Default` suits well-scaled problems (solutions of size ~1).
#[derive(Debug, Clone)]
pub struct TrackerOptions {
    /// First step length in the segment parameter `t ∈ [0, 1]`.
    pub initial_step: f64,
    /// Largest step length.
    pub max_step: f64,
    /// A path fails when the step length drops below this.
    pub min_step: f64,
    /// A path fails after this many attempted steps per segment.
    pub max_steps: usize,
    /// Newton iterations per corrector call.
    pub newton_iters: usize,
    /// Relative accuracy `‖Δx‖ ≤ tol (1 + ‖x‖)` at which the corrector stops.
    pub newton_tol: f64,
    /// The first Newton update may be at most this fraction of the predictor's move: a
    /// larger correction means the predictor was inaccurate and risks jumping to another path.
    pub predictor_trust: f64,
    /// Relative predictor error (first Newton update over `1 + ‖x‖`) the step-size control
    /// aims at.
    pub target_error: f64,
    /// A path *diverges* when `‖x‖∞` exceeds this (solutions heading to infinity).
    pub max_norm: f64,
}

impl Default for TrackerOptions {
    fn default() -> Self {
        TrackerOptions {
            initial_step: 0.05,
            max_step: 0.25,
            min_step: 1e-13,
            max_steps: 5_000,
            newton_iters: 3,
            // loose while tracking (the path only has to stay in its basin); the end point is
            // polished to full precision
            newton_tol: 1e-8,
            predictor_trust: 0.1,
            target_error: 1e-4,
            max_norm: 1e8,
        }
    }
}

/// How a path ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PathStatus {
    /// Reached the last node; `x` is a refined solution there.
    Success = 0,
    /// `‖x‖∞` exceeded `max_norm`: the solution heads to infinity.
    Diverged = 1,
    /// The step size fell below `min_step` (a near-singular point or path crossing).
    StepSizeTooSmall = 2,
    /// More than `max_steps` steps on one segment.
    MaxSteps = 3,
    /// The Jacobian was singular at the start or a value was not finite.
    Singular = 4,
}

/// The end of one tracked path.
#[derive(Debug, Clone)]
pub struct PathResult<C> {
    pub chart: C,
    pub x: Vec<C64>,
    pub status: PathStatus,
    /// Accepted plus rejected steps over all segments.
    pub steps: usize,
    /// `‖F(x; p_end)‖` at the returned point.
    pub residual: f64,
}

struct Workspace {
    f: Vec<C64>,
    jac: Vec<C64>,
    rhs: Vec<C64>,
    p: Vec<C64>,
}

impl Workspace {
    fn new(n: usize, np: usize) -> Self {
        Workspace { f: vec![C64::ZERO; n], jac: vec![C64::ZERO; n * n], rhs: vec![C64::ZERO; n], p: vec![C64::ZERO; np] }
    }
}

fn lerp(pa: &[C64], dp: &[C64], t: f64, out: &mut [C64]) {
    for ((o, &a), &d) in out.iter_mut().zip(pa).zip(dp) {
        *o = a + d.scale(t);
    }
}

/// Tangent `ẋ = -F_x⁻¹ (F_p · dp)` at `(x, p(t))` into `k`; `false` where `F_x` is singular.
#[allow(clippy::too_many_arguments)]
fn velocity<H: Homotopy + ?Sized>(h: &H, chart: &H::Chart, x: &[C64], pa: &[C64], dp: &[C64], t: f64, ws: &mut Workspace, k: &mut [C64]) -> bool {
    let n = h.dim();
    lerp(pa, dp, t, &mut ws.p);
    h.evaluate_with_param_derivative(chart, x, &ws.p, dp, &mut ws.f, &mut ws.jac, &mut ws.rhs);
    for v in ws.rhs.iter_mut() {
        *v = -*v;
    }
    let ok = lu_solve(&mut ws.jac, n, &mut ws.rhs);
    k.copy_from_slice(&ws.rhs);
    ok
}

/// Newton's method at fixed parameters. Returns the norms of the updates if it converged to
/// `tol (1 + ‖x‖)` within `iters` iterations while contracting, `None` otherwise.
fn newton<H: Homotopy + ?Sized>(h: &H, chart: &H::Chart, x: &mut [C64], p: &[C64], iters: usize, tol: f64, ws: &mut Workspace) -> Option<(f64, f64)> {
    let n = h.dim();
    let mut prev = f64::INFINITY;
    let mut first = f64::NAN;
    for it in 0..iters {
        h.evaluate(chart, x, p, &mut ws.f, &mut ws.jac);
        for (r, &f) in ws.rhs.iter_mut().zip(ws.f.iter()) {
            *r = -f;
        }
        if !lu_solve(&mut ws.jac, n, &mut ws.rhs) {
            return None;
        }
        let dn = norm2(&ws.rhs);
        if it == 0 {
            first = dn;
        }
        for (xi, &d) in x.iter_mut().zip(ws.rhs.iter()) {
            *xi += d;
        }
        let xn = norm2(x);
        if !xn.is_finite() {
            return None;
        }
        if dn <= tol * (1.0 + xn) {
            return Some((first, dn));
        }
        // Newton near a regular solution contracts quadratically; a slow or growing update
        // means the predictor left the basin of the path (risk of path jumping).
        if dn > 0.25 * prev {
            return None;
        }
        prev = dn;
    }
    None
}

/// Track one solution `x0` (in `chart`) of `F(x; nodes[0]) = 0` along the straight segments
/// `nodes[0] → nodes[1] → … → nodes[last]`.
pub fn track_segments<H: Homotopy + ?Sized>(h: &H, chart: H::Chart, x0: &[C64], nodes: &[Vec<C64>], opts: &TrackerOptions) -> PathResult<H::Chart> {
    let n = h.dim();
    let np = h.num_params();
    let mut chart = chart;
    let mut ws = Workspace::new(n, np);
    let mut x = x0.to_vec();
    let mut steps = 0usize;
    if x.len() != n || nodes.iter().any(|p| p.len() != np) {
        return PathResult { chart, x, status: PathStatus::Singular, steps, residual: f64::NAN };
    }
    let mut xp = vec![C64::ZERO; n];
    let mut k_sum = vec![C64::ZERO; n];
    let mut k = vec![C64::ZERO; n];
    let mut x_stage = vec![C64::ZERO; n];
    let mut dp = vec![C64::ZERO; np];
    let mut p_end = vec![C64::ZERO; np];
    let mut status = PathStatus::Success;
    'segments: for seg in nodes.windows(2) {
        let (pa, pb) = (&seg[0], &seg[1]);
        for ((d, &a), &b) in dp.iter_mut().zip(pa.iter()).zip(pb.iter()) {
            *d = b - a;
        }
        let mut t = 0.0f64;
        let mut step = opts.initial_step;
        let mut seg_steps = 0usize;
        while t < 1.0 {
            if seg_steps >= opts.max_steps {
                status = PathStatus::MaxSteps;
                break 'segments;
            }
            seg_steps += 1;
            steps += 1;
            let hstep = step.min(1.0 - t);
            let mut predictor_error = 0.0f64;
            // classical RK4 on ẋ = -F_x⁻¹ F_p dp
            let mut ok = true;
            for v in k_sum.iter_mut() {
                *v = C64::ZERO;
            }
            for (stage, &(ct, w)) in [(0.0, 1.0), (0.5, 2.0), (0.5, 2.0), (1.0, 1.0)].iter().enumerate() {
                // stage s starts from x + c_s h k_{s-1} (k may hold garbage before stage 0)
                if stage == 0 {
                    x_stage.copy_from_slice(&x);
                } else {
                    for i in 0..n {
                        x_stage[i] = x[i] + k[i].scale(ct * hstep);
                    }
                }
                if !velocity(h, &chart, &x_stage, pa, &dp, t + ct * hstep, &mut ws, &mut k) {
                    ok = false;
                    break;
                }
                for i in 0..n {
                    k_sum[i] += k[i].scale(w);
                }
            }
            if ok {
                for i in 0..n {
                    xp[i] = x[i] + k_sum[i].scale(hstep / 6.0);
                }
                let moved = k_sum.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt() * hstep / 6.0;
                lerp(pa, &dp, t + hstep, &mut p_end);
                ok = match newton(h, &chart, &mut xp, &p_end, opts.newton_iters, opts.newton_tol, &mut ws) {
                    Some((first, _)) => {
                        predictor_error = first / (1.0 + norm2(&xp));
                        first <= opts.predictor_trust * moved + opts.newton_tol * (1.0 + norm2(&xp))
                    }
                    None => false,
                };
            }
            if ok {
                x.copy_from_slice(&xp);
                t = if hstep >= 1.0 - t { 1.0 } else { t + hstep };
                // RK4's local error is O(h^5): aim the next step at a predictor error of
                // `target_error`, growing at most 3× per step
                let factor = if predictor_error > 0.0 { 0.8 * (opts.target_error / predictor_error).powf(0.2) } else { 3.0 };
                step = (step * factor.clamp(0.5, 3.0)).min(opts.max_step);
                h.rechart(&mut chart, &mut x);
                if x.len() != n || norm_inf(&x) > opts.max_norm {
                    status = PathStatus::Diverged;
                    break 'segments;
                }
            } else {
                step *= 0.5;
                if step < opts.min_step {
                    status = if norm_inf(&x) > opts.max_norm.sqrt() { PathStatus::Diverged } else { PathStatus::StepSizeTooSmall };
                    break 'segments;
                }
            }
        }
    }
    if status != PathStatus::Success {
        return PathResult { chart, x, status, steps, residual: f64::NAN };
    }
    // Polish at the last node: a few extra Newton steps to full double precision.
    let p_last = nodes.last().cloned().unwrap_or_default();
    let _ = newton(h, &chart, &mut x, &p_last, 3, 1e-15, &mut ws);
    let mut f = vec![C64::ZERO; n];
    h.residual(&chart, &x, &p_last, &mut f);
    let residual = norm2(&f);
    if !residual.is_finite() || x.iter().any(|z| !z.is_finite()) {
        return PathResult { chart, x, status: PathStatus::Singular, steps, residual };
    }
    PathResult { chart, x, status: PathStatus::Success, steps, residual }
}

/// Track every start point `(chart, x)` through the chain of parameter nodes, in parallel.
pub fn track_all<H: Homotopy + ?Sized>(h: &H, starts: &[(H::Chart, Vec<C64>)], nodes: &[Vec<C64>], opts: &TrackerOptions) -> Vec<PathResult<H::Chart>> {
    starts.par_iter().map(|(c, x0)| track_segments(h, c.clone(), x0, nodes, opts)).collect()
}

// ------------------------------------------------------------------------------------------------
// the critical equations of a polynomial network
// ------------------------------------------------------------------------------------------------

/// Which weights are fixed by the gauge: for every hidden neuron (layers in order) the column
/// of its incoming row that is set to 1. Fixing one incoming weight kills the rescaling
/// symmetry `row × λ, column × λ^{-r}` (only `λ = 1` keeps the entry 1), so the unknowns are the
/// `N − Σ hidden widths` other weights. The charts are those of projective space: a path
/// switches to the column of largest modulus when the fixed one becomes small
/// ([`CriticalSystem::normalize`]), so incoming weights stay bounded by 2 in modulus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GaugeChart {
    /// Gauge column per hidden neuron.
    pub cols: Vec<usize>,
    /// Per weight (package order): its index among the unknowns, or `None` if fixed to 1.
    pub free: Vec<Option<usize>>,
}

impl GaugeChart {
    /// The chart with the given gauge columns (one per hidden neuron, `< d_{i-1}`).
    pub fn new(widths: &[usize], cols: Vec<usize>) -> Self {
        let depth = widths.len().saturating_sub(1);
        let mut free = Vec::new();
        let mut next = 0usize;
        let mut neuron = 0usize;
        for i in 0..depth {
            let (d_in, d_out) = (widths[i], widths[i + 1]);
            for _row in 0..d_out {
                let fixed = if i + 1 < depth {
                    neuron += 1;
                    Some(cols[neuron - 1])
                } else {
                    None
                };
                for col in 0..d_in {
                    if fixed == Some(col) {
                        free.push(None);
                    } else {
                        free.push(Some(next));
                        next += 1;
                    }
                }
            }
        }
        GaugeChart { cols, free }
    }

    /// The default chart: the first incoming weight of every hidden neuron is 1.
    pub fn first_column(widths: &[usize]) -> Self {
        let hidden: usize = if widths.len() > 2 { widths[1..widths.len() - 1].iter().sum() } else { 0 };
        Self::new(widths, vec![0; hidden])
    }
}

/// Sample points for interpolation: `x0 = 1` and the other coordinates running over the
/// `(D+1)`-th roots of unity. The monomials of degree `D` become distinct characters of this
/// grid, so the evaluation matrix `E` (`S × M`) has orthogonal columns, `Eᴴ E = S·I`, and
/// `E⁺ = Eᴴ / S` — perfectly conditioned interpolation. Returns `(points S × d0, pinv M × S, S)`.
pub fn interpolation_grid(d0: usize, degree: u32) -> (Vec<C64>, Vec<C64>, usize) {
    let base = degree as usize + 1;
    let s = base.pow(d0.saturating_sub(1) as u32);
    let omega = |k: usize| C64::cis(2.0 * std::f64::consts::PI * k as f64 / base as f64);
    let mut points = Vec::with_capacity(s * d0);
    for idx in 0..s {
        points.push(C64::ONE);
        let mut rest = idx;
        for _ in 1..d0 {
            points.push(omega(rest % base));
            rest /= base;
        }
    }
    let exps = crate::monomial::exponents(d0, degree);
    let m = exps.len();
    let mut pinv = vec![C64::ZERO; m * s];
    for (mi, e) in exps.iter().enumerate() {
        for si in 0..s {
            let mut v = C64::ONE;
            for (var, &ev) in e.iter().enumerate().skip(1) {
                v *= points[si * d0 + var].powi(ev);
            }
            pinv[mi * s + si] = v.conj().scale(1.0 / s as f64);
        }
    }
    (points, pinv, s)
}

/// Forward-mode record of one network evaluation at one point: for every neuron (inputs,
/// hidden layers, outputs; indexed by `node_off`) the pre-activation `z`, the activation `a`
/// and their gradients with respect to the `n` free weights (`zt`, `at`, row-major `nodes × n`).
struct Tape {
    z: Vec<C64>,
    zt: Vec<C64>,
    a: Vec<C64>,
    at: Vec<C64>,
}

/// The critical equations `F(θ; b) = J(θ)ᵀ (Q c(θ) − b) = 0` of the loss
/// `ℓ(c) = cᵀ Q c − 2 bᵀ c` pulled back to gauge-fixed weights `θ` (see [`GaugeChart`]).
///
/// `c(θ)` (output-major coefficients, `dL·M`) is obtained from the network's values at an
/// interpolation grid ([`interpolation_grid`]), `J` from forward-mode gradients there. The
/// Jacobian `∂F/∂θ = JᵀQJ + ∇²(gᵀc)` (`g = Qc − b` frozen) needs the Hessian of the scalar
/// `gᵀc(θ) = Σ_s Σ_j w_{js} f_j(x_s)`: backpropagation of `w_{·s}` run on forward-mode duals
/// (forward-over-reverse), `O(N·n)` per point. The parameters are
/// `b` (linear), so `∂F/∂b · db = −Jᵀ db`. All products are bilinear (no conjugation): the
/// equations are holomorphic.
pub struct CriticalSystem {
    widths: Vec<usize>,
    exponents: Vec<u32>,
    /// `node_off[i]`: index of the first neuron of layer `i` (0 = inputs) in a [`Tape`].
    node_off: Vec<usize>,
    /// `weight_off[i]`: offset of `W_{i+1}` in the weight vector.
    weight_off: Vec<usize>,
    n: usize,
    d0: usize,
    dl: usize,
    m: usize,
    s: usize,
    points: Vec<C64>,
    pinv: Vec<C64>,
    q: Vec<C64>,
}

impl CriticalSystem {
    /// `q` is the `amb × amb` weight matrix (row-major, symmetric for a true loss; not checked).
    pub fn new(widths: Vec<usize>, exponents: Vec<u32>, q: Vec<C64>) -> Result<Self, String> {
        if widths.len() < 2 || widths.contains(&0) {
            return Err(format!("widths must be at least two positive integers, got {widths:?}"));
        }
        if exponents.len() != widths.len() - 2 || exponents.contains(&0) {
            return Err(format!("need one positive exponent per hidden layer, got {exponents:?} for {widths:?}"));
        }
        let degree: u32 = exponents.iter().try_fold(1u32, |a, &r| a.checked_mul(r)).ok_or("degree overflows")?;
        let d0 = widths[0];
        let dl = *widths.last().unwrap();
        let m = crate::monomial::num_monomials(d0, degree as u64).ok_or("too many monomials")? as usize;
        let amb = dl * m;
        if q.len() != amb * amb {
            return Err(format!("weight matrix must be {amb} x {amb} (dL*M), got {} entries", q.len()));
        }
        let num_weights: usize = widths.windows(2).map(|w| w[0] * w[1]).sum();
        let hidden: usize = widths[1..widths.len() - 1].iter().sum();
        let n = num_weights - hidden;
        let grid_size = (degree as usize + 1).checked_pow(d0.saturating_sub(1) as u32).ok_or("interpolation grid too large")?;
        if grid_size.saturating_mul(n * n).saturating_mul(dl) > 1 << 28 {
            return Err(format!("problem too large for the critical-point solver: {grid_size} grid points, {n} unknowns"));
        }
        let (points, pinv, s) = interpolation_grid(d0, degree);
        let node_off = std::iter::once(0).chain(widths.iter().scan(0, |acc, &w| {
            *acc += w;
            Some(*acc)
        })).collect();
        let weight_off = std::iter::once(0).chain(widths.windows(2).scan(0, |acc, w| {
            *acc += w[0] * w[1];
            Some(*acc)
        })).collect();
        Ok(CriticalSystem { widths, exponents, node_off, weight_off, n, d0, dl, m, s, points, pinv, q })
    }

    /// Number of free (gauge-fixed) weights.
    pub fn num_unknowns(&self) -> usize {
        self.n
    }

    /// Number of weights `N`.
    pub fn num_weights(&self) -> usize {
        self.widths.windows(2).map(|w| w[0] * w[1]).sum()
    }

    /// Length `dL·M` of the coefficient vector.
    pub fn ambient(&self) -> usize {
        self.dl * self.m
    }

    /// The full weight vector (package order) for free weights `theta` in `chart`.
    pub fn full_weights(&self, chart: &GaugeChart, theta: &[C64]) -> Vec<C64> {
        chart.free.iter().map(|f| f.map_or(C64::ONE, |k| theta[k])).collect()
    }

    /// Rescale every hidden neuron (incoming row × λ, outgoing column × λ^{-r}; the function is
    /// unchanged) so that its incoming weight of largest modulus is 1, layer by layer (a later
    /// layer's rows see the earlier rescaling of their columns), and return that chart and the
    /// free weights. `None` if a neuron has an all-zero incoming row or values are not finite.
    pub fn normalize(&self, full: &[C64]) -> Option<(GaugeChart, Vec<C64>)> {
        let mut w = full.to_vec();
        if w.len() != self.num_weights() || w.iter().any(|z| !z.is_finite()) {
            return None;
        }
        let depth = self.widths.len() - 1;
        let mut cols = Vec::new();
        let mut off = 0usize;
        for i in 0..depth.saturating_sub(1) {
            let (d_in, d_out, d_next) = (self.widths[i], self.widths[i + 1], self.widths[i + 2]);
            let next_off = off + d_in * d_out;
            let r = self.exponents[i];
            for k in 0..d_out {
                let row = &mut w[off + k * d_in..off + (k + 1) * d_in];
                let (jmax, vmax) = row.iter().enumerate().fold((0, 0.0f64), |(bj, bv), (j, z)| if z.abs() > bv { (j, z.abs()) } else { (bj, bv) });
                if vmax == 0.0 {
                    return None;
                }
                let lambda = C64::ONE / row[jmax];
                for z in row.iter_mut() {
                    *z *= lambda;
                }
                row[jmax] = C64::ONE; // exactly
                let back = row_power_inverse(lambda, r);
                for a in 0..d_next {
                    w[next_off + a * d_out + k] *= back;
                }
                cols.push(jmax);
            }
            off = next_off;
        }
        let chart = GaugeChart::new(&self.widths, cols);
        let theta: Vec<C64> = chart.free.iter().zip(&w).filter_map(|(f, &z)| f.map(|_| z)).collect();
        if theta.iter().any(|z| !z.is_finite()) {
            return None;
        }
        Some((chart, theta))
    }

    /// Forward pass at grid point `si` with gradients (forward mode) of every neuron.
    fn forward(&self, chart: &GaugeChart, full: &[C64], si: usize) -> Tape {
        let n = self.n;
        let nodes = *self.node_off.last().unwrap();
        let mut t = Tape { z: vec![C64::ZERO; nodes], zt: vec![C64::ZERO; nodes * n], a: vec![C64::ZERO; nodes], at: vec![C64::ZERO; nodes * n] };
        t.a[..self.d0].copy_from_slice(&self.points[si * self.d0..(si + 1) * self.d0]);
        let depth = self.widths.len() - 1;
        for i in 1..=depth {
            let (d_in, d_out) = (self.widths[i - 1], self.widths[i]);
            let (in_off, out_off, w_off) = (self.node_off[i - 1], self.node_off[i], self.weight_off[i - 1]);
            for k in 0..d_out {
                let node = out_off + k;
                let zt = &mut t.zt[node * n..(node + 1) * n];
                let mut zv = C64::ZERO;
                for j in 0..d_in {
                    let src = in_off + j;
                    let widx = w_off + k * d_in + j;
                    let w = full[widx];
                    let av = t.a[src];
                    zv = w.mul_add(av, zv);
                    if i > 1 {
                        // inputs are constants; later layers carry gradients
                        for (o, &g) in zt.iter_mut().zip(&t.at[src * n..(src + 1) * n]) {
                            *o = w.mul_add(g, *o);
                        }
                    }
                    if let Some(idx) = chart.free[widx] {
                        zt[idx] += av;
                    }
                }
                t.z[node] = zv;
                let at = &mut t.at[node * n..(node + 1) * n];
                if i < depth {
                    let r = self.exponents[i - 1];
                    let d1 = zv.powi(r - 1).scale(r as f64);
                    t.a[node] = zv.powi(r);
                    for (o, &g) in at.iter_mut().zip(zt.iter()) {
                        *o = d1 * g;
                    }
                } else {
                    t.a[node] = zv;
                    at.copy_from_slice(zt);
                }
            }
        }
        t
    }

    /// Add to `hess` (`n × n`) the Hessian of `Σ_j w_j f_j(x)` for the point recorded in `tape`:
    /// backpropagation of the constant output weights `w`, with every quantity carrying its
    /// gradient; the gradient of `∂φ/∂W[k, j]` is one Hessian row.
    fn add_hessian(&self, chart: &GaugeChart, full: &[C64], tape: &Tape, w: &[C64], hess: &mut [C64]) {
        let n = self.n;
        let depth = self.widths.len() - 1;
        let mut dv: Vec<C64> = w.to_vec();
        let mut dt: Vec<C64> = vec![C64::ZERO; w.len() * n];
        for i in (1..=depth).rev() {
            let (d_in, d_out) = (self.widths[i - 1], self.widths[i]);
            let (in_off, w_off) = (self.node_off[i - 1], self.weight_off[i - 1]);
            for k in 0..d_out {
                let (dvk, dtk) = (dv[k], &dt[k * n..(k + 1) * n]);
                for j in 0..d_in {
                    if let Some(idx) = chart.free[w_off + k * d_in + j] {
                        let src = in_off + j;
                        let av = tape.a[src];
                        let row = &mut hess[idx * n..(idx + 1) * n];
                        if i > 1 {
                            for ((h, &ga), &gd) in row.iter_mut().zip(&tape.at[src * n..(src + 1) * n]).zip(dtk) {
                                *h = dvk.mul_add(ga, av.mul_add(gd, *h));
                            }
                        } else {
                            for (h, &gd) in row.iter_mut().zip(dtk) {
                                *h = av.mul_add(gd, *h);
                            }
                        }
                    }
                }
            }
            if i == 1 {
                break;
            }
            // δ_{i-1} = (W_iᵀ δ_i) ∘ r z^{r-1}, on duals
            let r = self.exponents[i - 2];
            let mut nv = vec![C64::ZERO; d_in];
            let mut nt = vec![C64::ZERO; d_in * n];
            for j in 0..d_in {
                let mut bv = C64::ZERO;
                let bt = &mut nt[j * n..(j + 1) * n];
                for k in 0..d_out {
                    let widx = w_off + k * d_in + j;
                    let wv = full[widx];
                    bv = wv.mul_add(dv[k], bv);
                    for (o, &g) in bt.iter_mut().zip(&dt[k * n..(k + 1) * n]) {
                        *o = wv.mul_add(g, *o);
                    }
                    if let Some(idx) = chart.free[widx] {
                        bt[idx] += dv[k];
                    }
                }
                let node = in_off + j;
                let zv = tape.z[node];
                let d1 = zv.powi(r - 1).scale(r as f64);
                let d2 = if r >= 2 { zv.powi(r - 2).scale((r * (r - 1)) as f64) } else { C64::ZERO };
                let c2 = bv * d2;
                for (o, &gz) in bt.iter_mut().zip(&tape.zt[node * n..(node + 1) * n]) {
                    *o = d1.mul_add(*o, c2 * gz);
                }
                nv[j] = bv * d1;
            }
            dv = nv;
            dt = nt;
        }
    }

    /// Coefficients `c(θ)` (`dL·M`), their Jacobian `J` (row-major `dL·M × n`) and the tapes.
    fn coefficients_tapes(&self, chart: &GaugeChart, theta: &[C64]) -> (Vec<C64>, Vec<C64>, Vec<Tape>, Vec<C64>) {
        let full = self.full_weights(chart, theta);
        let (n, m, s, dl) = (self.n, self.m, self.s, self.dl);
        let tapes: Vec<Tape> = (0..s).map(|si| self.forward(chart, &full, si)).collect();
        let out_off = self.node_off[self.widths.len() - 1];
        let mut c = vec![C64::ZERO; dl * m];
        let mut jac = vec![C64::ZERO; dl * m * n];
        for j in 0..dl {
            let node = out_off + j;
            for mi in 0..m {
                let row = j * m + mi;
                let jr = &mut jac[row * n..(row + 1) * n];
                for (si, t) in tapes.iter().enumerate() {
                    let w = self.pinv[mi * s + si];
                    c[row] = w.mul_add(t.a[node], c[row]);
                    for (x, &g) in jr.iter_mut().zip(&t.at[node * n..(node + 1) * n]) {
                        *x = w.mul_add(g, *x);
                    }
                }
            }
        }
        (c, jac, tapes, full)
    }

    /// `c(θ)` and `J(θ)` (row-major `dL·M × n`) in `chart`.
    pub fn coefficients_and_jacobian(&self, chart: &GaugeChart, theta: &[C64]) -> (Vec<C64>, Vec<C64>) {
        let (c, j, _, _) = self.coefficients_tapes(chart, theta);
        (c, j)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_impl(&self, chart: &GaugeChart, theta: &[C64], b: &[C64], f: &mut [C64], jac_out: Option<&mut [C64]>, dp: Option<(&[C64], &mut [C64])>) {
        let (n, m, s, dl) = (self.n, self.m, self.s, self.dl);
        let amb = dl * m;
        let (c, jc, tapes, full) = self.coefficients_tapes(chart, theta);
        // g = Q c − b
        let mut g = vec![C64::ZERO; amb];
        for (i, gi) in g.iter_mut().enumerate() {
            let mut acc = -b[i];
            for (&qv, &cv) in self.q[i * amb..(i + 1) * amb].iter().zip(&c) {
                acc = qv.mul_add(cv, acc);
            }
            *gi = acc;
        }
        for v in f.iter_mut() {
            *v = C64::ZERO;
        }
        for (row, &gv) in g.iter().enumerate() {
            for (fv, &jv) in f.iter_mut().zip(&jc[row * n..(row + 1) * n]) {
                *fv = jv.mul_add(gv, *fv);
            }
        }
        if let Some((dpv, out)) = dp {
            // ∂F/∂b · db = −Jᵀ db
            for v in out.iter_mut() {
                *v = C64::ZERO;
            }
            for (row, &d) in dpv.iter().enumerate() {
                for (o, &jv) in out.iter_mut().zip(&jc[row * n..(row + 1) * n]) {
                    *o -= jv * d;
                }
            }
        }
        if let Some(h) = jac_out {
            // Q J
            let mut qj = vec![C64::ZERO; amb * n];
            for i in 0..amb {
                let out = &mut qj[i * n..(i + 1) * n];
                for (k, &qv) in self.q[i * amb..(i + 1) * amb].iter().enumerate() {
                    if qv == C64::ZERO {
                        continue;
                    }
                    for (o, &jv) in out.iter_mut().zip(&jc[k * n..(k + 1) * n]) {
                        *o = qv.mul_add(jv, *o);
                    }
                }
            }
            for v in h.iter_mut() {
                *v = C64::ZERO;
            }
            // Jᵀ (Q J)
            for i in 0..amb {
                let jr = &jc[i * n..(i + 1) * n];
                let qr = &qj[i * n..(i + 1) * n];
                for (a, &ja) in jr.iter().enumerate() {
                    let hr = &mut h[a * n..(a + 1) * n];
                    for (hv, &qv) in hr.iter_mut().zip(qr) {
                        *hv = ja.mul_add(qv, *hv);
                    }
                }
            }
            // ∇²(gᵀc) = Σ_s ∇² Σ_j w_{js} f_j(x_s), with w_{js} = Σ_m pinv[m, s] g[j, m]
            let mut w = vec![C64::ZERO; dl];
            for (si, tape) in tapes.iter().enumerate() {
                for (j, wj) in w.iter_mut().enumerate() {
                    let mut acc = C64::ZERO;
                    for mi in 0..m {
                        acc = self.pinv[mi * s + si].mul_add(g[j * m + mi], acc);
                    }
                    *wj = acc;
                }
                self.add_hessian(chart, &full, tape, &w, h);
            }
        }
    }
}

/// `λ^{-r}` for the outgoing column of a rescaled neuron.
fn row_power_inverse(lambda: C64, r: u32) -> C64 {
    C64::ONE / lambda.powi(r)
}

impl Homotopy for CriticalSystem {
    type Chart = GaugeChart;

    fn dim(&self) -> usize {
        self.n
    }

    fn num_params(&self) -> usize {
        self.dl * self.m
    }

    fn evaluate(&self, chart: &GaugeChart, x: &[C64], p: &[C64], f: &mut [C64], jac: &mut [C64]) {
        self.eval_impl(chart, x, p, f, Some(jac), None);
    }

    fn residual(&self, chart: &GaugeChart, x: &[C64], p: &[C64], f: &mut [C64]) {
        self.eval_impl(chart, x, p, f, None, None);
    }

    fn param_derivative(&self, chart: &GaugeChart, x: &[C64], p: &[C64], dp: &[C64], out: &mut [C64]) {
        let mut f = vec![C64::ZERO; self.n];
        self.eval_impl(chart, x, p, &mut f, None, Some((dp, out)));
    }

    fn evaluate_with_param_derivative(&self, chart: &GaugeChart, x: &[C64], p: &[C64], dp: &[C64], f: &mut [C64], jac: &mut [C64], out: &mut [C64]) {
        self.eval_impl(chart, x, p, f, Some(jac), Some((dp, out)));
    }

    /// Switch gauge columns when an incoming weight outgrows the fixed one by a factor 2.
    fn rechart(&self, chart: &mut GaugeChart, x: &mut Vec<C64>) {
        let depth = self.widths.len() - 1;
        let mut off = 0usize;
        let mut degenerate = false;
        'layers: for i in 0..depth.saturating_sub(1) {
            let (d_in, d_out) = (self.widths[i], self.widths[i + 1]);
            for k in 0..d_out {
                for col in 0..d_in {
                    if let Some(idx) = chart.free[off + k * d_in + col] {
                        if x[idx].norm_sqr() > 4.0 {
                            degenerate = true;
                            break 'layers;
                        }
                    }
                }
            }
            off += d_in * d_out;
        }
        if degenerate {
            let full = self.full_weights(chart, x);
            if let Some((c, t)) = self.normalize(&full) {
                *chart = c;
                *x = t;
            }
        }
    }
}

/// Track full weight vectors (package order) through the parameter `nodes`: each start is put in
/// its best gauge chart, tracked, and mapped back to full weights. Starts with a dead hidden
/// neuron are returned unchanged as `Singular`. Returns `(end weights, status, steps, residual)`.
pub fn track_weight_vectors(
    sys: &CriticalSystem,
    starts: &[Vec<C64>],
    nodes: &[Vec<C64>],
    opts: &TrackerOptions,
) -> Vec<(Vec<C64>, u8, u64, f64)> {
    let charts: Vec<Option<(GaugeChart, Vec<C64>)>> = starts.iter().map(|w| sys.normalize(w)).collect();
    let good: Vec<(GaugeChart, Vec<C64>)> = charts.iter().flatten().cloned().collect();
    let mut tracked = track_all(sys, &good, nodes, opts).into_iter();
    starts
        .iter()
        .zip(&charts)
        .map(|(w, c)| match c {
            Some(_) => {
                let r = tracked.next().expect("one result per start");
                (sys.full_weights(&r.chart, &r.x), r.status as u8, r.steps as u64, r.residual)
            }
            None => (w.clone(), PathStatus::Singular as u8, 0, f64::NAN),
        })
        .collect()
}

/// At each full weight vector: the critical equations `F` (in its best gauge chart) for the
/// parameter `b`, the coefficients `c(θ)` and their Jacobian with respect to the chart's free
/// weights, flattened row-major (`k × n`, `k × amb`, `k × amb × n`). Rows with a dead hidden
/// neuron are NaN.
pub fn evaluate_weight_vectors(sys: &CriticalSystem, rows: &[Vec<C64>], b: &[C64]) -> (Vec<C64>, Vec<C64>, Vec<C64>) {
    let (k, amb, n) = (rows.len(), sys.ambient(), sys.num_unknowns());
    let nan = C64::new(f64::NAN, f64::NAN);
    let mut f = vec![nan; k * n];
    let mut c = vec![nan; k * amb];
    let mut j = vec![nan; k * amb * n];
    for (i, w) in rows.iter().enumerate() {
        if let Some((chart, th)) = sys.normalize(w) {
            sys.residual(&chart, &th, b, &mut f[i * n..(i + 1) * n]);
            let (ci, ji) = sys.coefficients_and_jacobian(&chart, &th);
            c[i * amb..(i + 1) * amb].copy_from_slice(&ci);
            j[i * amb * n..(i + 1) * amb * n].copy_from_slice(&ji);
        }
    }
    (f, c, j)
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;
    use crate::field::SplitMix64;

    fn rand_c(rng: &mut SplitMix64) -> C64 {
        let u = |r: &mut SplitMix64| (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
        C64::new(u(rng), u(rng))
    }

    fn close(a: C64, b: C64, tol: f64) -> bool {
        (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn complex_arithmetic() {
        let a = C64::new(1.0, 2.0);
        let b = C64::new(-3.0, 0.5);
        assert_eq!(a * b, C64::new(-4.0, -5.5));
        assert!(close((a / b) * b, a, 1e-15));
        assert!(close(a.powi(5), a * a * a * a * a, 1e-15));
        assert_eq!(a.powi(0), C64::ONE);
        assert!(close(C64::cis(std::f64::consts::PI), C64::real(-1.0), 1e-15));
        assert_eq!(C64::new(3.0, 4.0).abs(), 5.0);
        assert!(close(C64::ONE / C64::new(1e200, 1e200), C64::new(0.5e-200, -0.5e-200), 1e-15));
    }

    #[test]
    fn lu_solves_random_systems() {
        let mut rng = SplitMix64::new(7);
        for n in [1usize, 2, 5, 12] {
            let a: Vec<C64> = (0..n * n).map(|_| rand_c(&mut rng)).collect();
            let x: Vec<C64> = (0..n).map(|_| rand_c(&mut rng)).collect();
            let mut b = vec![C64::ZERO; n];
            for i in 0..n {
                for j in 0..n {
                    b[i] += a[i * n + j] * x[j];
                }
            }
            let mut f = a.clone();
            assert!(lu_solve(&mut f, n, &mut b));
            for i in 0..n {
                assert!(close(b[i], x[i], 1e-10), "n={n}");
            }
        }
        let mut sing = vec![C64::ONE; 4];
        let mut b = vec![C64::ONE; 2];
        assert!(!lu_solve(&mut sing, 2, &mut b));
    }

    /// `x^2 - p = 0` (one unknown, one parameter).
    struct Sqrt;
    impl Homotopy for Sqrt {
        type Chart = ();
        fn dim(&self) -> usize {
            1
        }
        fn num_params(&self) -> usize {
            1
        }
        fn evaluate(&self, _c: &(), x: &[C64], p: &[C64], f: &mut [C64], jac: &mut [C64]) {
            f[0] = x[0] * x[0] - p[0];
            jac[0] = x[0].scale(2.0);
        }
        fn param_derivative(&self, _c: &(), _x: &[C64], _p: &[C64], dp: &[C64], out: &mut [C64]) {
            out[0] = -dp[0];
        }
    }

    #[test]
    fn monodromy_of_square_root_swaps_branches() {
        // A loop around p = 0 exchanges the two square roots; a loop that does not encircle 0
        // returns each root to itself.
        let opts = TrackerOptions::default();
        let around: Vec<Vec<C64>> = [C64::ONE, C64::new(0.0, 1.0), C64::real(-1.0), C64::new(0.0, -1.0), C64::ONE]
            .iter()
            .map(|&p| vec![p])
            .collect();
        let res = track_segments(&Sqrt, (), &[C64::ONE], &around, &opts);
        assert_eq!(res.status, PathStatus::Success);
        assert!(close(res.x[0], C64::real(-1.0), 1e-12), "{:?}", res.x);
        assert!(res.residual < 1e-14);
        let beside: Vec<Vec<C64>> = [C64::ONE, C64::new(2.0, 1.0), C64::new(2.0, -1.0), C64::ONE].iter().map(|&p| vec![p]).collect();
        let res = track_all(&Sqrt, &[((), vec![C64::ONE]), ((), vec![C64::real(-1.0)])], &beside, &opts);
        assert!(close(res[0].x[0], C64::ONE, 1e-12) && close(res[1].x[0], C64::real(-1.0), 1e-12));
    }

    /// `p x - 1 = 0`: the solution `1/p` goes to infinity as `p → 0`.
    struct Reciprocal;
    impl Homotopy for Reciprocal {
        type Chart = ();
        fn dim(&self) -> usize {
            1
        }
        fn num_params(&self) -> usize {
            1
        }
        fn evaluate(&self, _c: &(), x: &[C64], p: &[C64], f: &mut [C64], jac: &mut [C64]) {
            f[0] = p[0] * x[0] - C64::ONE;
            jac[0] = p[0];
        }
        fn param_derivative(&self, _c: &(), x: &[C64], _p: &[C64], dp: &[C64], out: &mut [C64]) {
            out[0] = x[0] * dp[0];
        }
    }

    #[test]
    fn diverging_path_is_reported() {
        let nodes = vec![vec![C64::ONE], vec![C64::ZERO]];
        let res = track_segments(&Reciprocal, (), &[C64::ONE], &nodes, &TrackerOptions::default());
        assert_eq!(res.status, PathStatus::Diverged, "{res:?}");
        // and a regular segment is tracked accurately
        let nodes = vec![vec![C64::ONE], vec![C64::new(0.3, -2.0)]];
        let res = track_segments(&Reciprocal, (), &[C64::ONE], &nodes, &TrackerOptions::default());
        assert_eq!(res.status, PathStatus::Success);
        assert!(close(res.x[0], C64::ONE / C64::new(0.3, -2.0), 1e-13));
    }

    /// Two unknowns: `x^3 - p0 = 0`, `x y - p1 = 0`; exact solutions for comparison.
    struct Cubic;
    impl Homotopy for Cubic {
        type Chart = ();
        fn dim(&self) -> usize {
            2
        }
        fn num_params(&self) -> usize {
            2
        }
        fn evaluate(&self, _c: &(), x: &[C64], p: &[C64], f: &mut [C64], jac: &mut [C64]) {
            f[0] = x[0].powi(3) - p[0];
            f[1] = x[0] * x[1] - p[1];
            jac[0] = x[0].powi(2).scale(3.0);
            jac[1] = C64::ZERO;
            jac[2] = x[1];
            jac[3] = x[0];
        }
        fn param_derivative(&self, _c: &(), _x: &[C64], _p: &[C64], dp: &[C64], out: &mut [C64]) {
            out[0] = -dp[0];
            out[1] = -dp[1];
        }
    }

    #[test]
    fn tracks_a_two_dimensional_system() {
        let p0 = vec![C64::ONE, C64::new(2.0, 0.0)];
        let p1 = vec![C64::new(0.7, 0.4), C64::new(-1.0, 3.0)];
        let res = track_segments(&Cubic, (), &[C64::ONE, C64::real(2.0)], &[p0, p1.clone()], &TrackerOptions::default());
        assert_eq!(res.status, PathStatus::Success);
        let x = res.x[0];
        assert!(close(x.powi(3), p1[0], 1e-13));
        assert!(close(x * res.x[1], p1[1], 1e-13));
        // the branch of the cube root continued from 1 along a short segment is the principal one
        let r = p1[0].abs().cbrt();
        let phi = p1[0].im.atan2(p1[0].re) / 3.0;
        assert!(close(x, C64::cis(phi).scale(r), 1e-12));
    }

    fn random_system(widths: Vec<usize>, exps: Vec<u32>, seed: u64) -> (CriticalSystem, GaugeChart, Vec<C64>, Vec<C64>) {
        let mut rng = SplitMix64::new(seed);
        let degree: u32 = exps.iter().product();
        let amb = widths.last().unwrap() * crate::monomial::num_monomials(widths[0], degree as u64).unwrap() as usize;
        let mut q = vec![C64::ZERO; amb * amb];
        for i in 0..amb {
            for j in 0..=i {
                let v = rand_c(&mut rng);
                q[i * amb + j] = v;
                q[j * amb + i] = v;
            }
        }
        let chart = GaugeChart::first_column(&widths);
        let sys = CriticalSystem::new(widths, exps, q).unwrap();
        let theta: Vec<C64> = (0..sys.num_unknowns()).map(|_| rand_c(&mut rng)).collect();
        let b: Vec<C64> = (0..amb).map(|_| rand_c(&mut rng)).collect();
        (sys, chart, theta, b)
    }

    #[test]
    fn gauge_charts_and_interpolation() {
        // (2,2,3): W1[0,0] and W1[1,0] fixed, the other 8 weights free
        let f = GaugeChart::first_column(&[2, 2, 3]).free;
        assert_eq!(f.len(), 10);
        assert_eq!(f.iter().filter(|x| x.is_none()).count(), 2);
        assert_eq!((f[0], f[1], f[2], f[3], f[4]), (None, Some(0), None, Some(1), Some(2)));
        let g = GaugeChart::new(&[2, 2, 3], vec![1, 0]).free;
        assert_eq!((g[0], g[1], g[2], g[3]), (Some(0), None, None, Some(1)));
        assert!(GaugeChart::first_column(&[3, 2]).free.iter().all(|x| x.is_some()));
        for (d0, deg) in [(2usize, 3u32), (3, 2), (3, 4)] {
            let (pts, pinv, s) = interpolation_grid(d0, deg);
            let exps = crate::monomial::exponents(d0, deg);
            let m = exps.len();
            // pinv · E = I
            for a in 0..m {
                for b in 0..m {
                    let mut acc = C64::ZERO;
                    for si in 0..s {
                        let mut v = C64::ONE;
                        for var in 0..d0 {
                            v *= pts[si * d0 + var].powi(exps[b][var]);
                        }
                        acc += pinv[a * s + si] * v;
                    }
                    assert!(close(acc, C64::real(if a == b { 1.0 } else { 0.0 }), 1e-13), "d0={d0} deg={deg}");
                }
            }
        }
    }

    #[test]
    fn coefficients_of_a_shallow_network() {
        // (2,1,1), r=3: f = a (x0 + t x1)^3 → coefficients a·(1, 3t, 3t², t³); θ = (t, a).
        let sys = CriticalSystem::new(vec![2, 1, 1], vec![3], vec![C64::ZERO; 16]).unwrap();
        let chart = GaugeChart::first_column(&[2, 1, 1]);
        let (t, a) = (C64::new(0.3, -1.1), C64::new(2.0, 0.5));
        let (c, j) = sys.coefficients_and_jacobian(&chart, &[t, a]);
        let want = [a, a * t.scale(3.0), a * t * t.scale(3.0), a * t.powi(3)];
        for k in 0..4 {
            assert!(close(c[k], want[k], 1e-13), "{c:?}");
        }
        // ∂c/∂a in column 1
        assert!(close(j[2 * 2 + 1], t * t.scale(3.0), 1e-13));
        assert!(close(j[3 * 2], a * t * t.scale(3.0), 1e-13));
    }

    #[test]
    fn normalize_keeps_the_function_and_bounds_incoming_weights() {
        for (widths, exps, seed) in [(vec![2, 2, 3], vec![2], 4u64), (vec![3, 2, 2, 2], vec![2, 3], 5)] {
            let (sys, chart, mut theta, _) = random_system(widths.clone(), exps, seed);
            theta[0] = C64::new(40.0, -3.0); // an incoming weight far outside the chart's comfort zone
            let (c0, _) = sys.coefficients_and_jacobian(&chart, &theta);
            let full = sys.full_weights(&chart, &theta);
            let (chart2, theta2) = sys.normalize(&full).unwrap();
            assert_ne!(chart2, chart);
            let (c1, _) = sys.coefficients_and_jacobian(&chart2, &theta2);
            let diff: Vec<C64> = c0.iter().zip(&c1).map(|(a, b)| *a - *b).collect();
            assert!(norm2(&diff) <= 1e-12 * norm2(&c0), "{widths:?}: {c0:?} vs {c1:?}");
            // every incoming weight of a hidden neuron now has modulus <= 1
            let full2 = sys.full_weights(&chart2, &theta2);
            let hidden_weights: usize = widths.windows(2).take(widths.len() - 2).map(|w| w[0] * w[1]).sum();
            assert!(full2[..hidden_weights].iter().all(|z| z.abs() <= 1.0 + 1e-12));
            // rechart does the same when needed and nothing otherwise
            let (mut ch, mut th) = (chart.clone(), theta.clone());
            sys.rechart(&mut ch, &mut th);
            assert_eq!((ch.clone(), th.clone()), (chart2.clone(), theta2.clone()));
            sys.rechart(&mut ch, &mut th);
            assert_eq!((ch, th), (chart2, theta2));
        }
        let sys = CriticalSystem::new(vec![2, 1, 1], vec![2], vec![C64::ZERO; 9]).unwrap();
        assert!(sys.normalize(&[C64::ZERO, C64::ZERO, C64::ONE]).is_none()); // dead neuron
    }

    #[test]
    fn jacobian_matches_finite_differences() {
        for (widths, exps, seed) in [(vec![2, 2, 3], vec![2], 1u64), (vec![2, 2, 2, 1], vec![2, 3], 2), (vec![3, 2, 2], vec![3], 3)] {
            let (sys, chart, theta, b) = random_system(widths.clone(), exps, seed);
            let n = sys.num_unknowns();
            let mut f0 = vec![C64::ZERO; n];
            let mut jac = vec![C64::ZERO; n * n];
            sys.evaluate(&chart, &theta, &b, &mut f0, &mut jac);
            let eps = 1e-6;
            for k in 0..n {
                let mut tp = theta.clone();
                let mut tm = theta.clone();
                tp[k] += C64::real(eps);
                tm[k] -= C64::real(eps);
                let (mut fp, mut fm) = (vec![C64::ZERO; n], vec![C64::ZERO; n]);
                sys.residual(&chart, &tp, &b, &mut fp);
                sys.residual(&chart, &tm, &b, &mut fm);
                for i in 0..n {
                    let fd = (fp[i] - fm[i]).scale(0.5 / eps);
                    assert!(close(fd, jac[i * n + k], 1e-6), "{widths:?} entry ({i},{k}): {fd:?} vs {:?}", jac[i * n + k]);
                }
            }
            // the Hessian of a gradient is symmetric
            for i in 0..n {
                for k in 0..n {
                    assert!(close(jac[i * n + k], jac[k * n + i], 1e-10));
                }
            }
            // ∂F/∂b = −Jᵀ, also through the combined evaluation
            let db: Vec<C64> = (0..b.len()).map(|i| C64::new(0.1 * i as f64, 1.0)).collect();
            let mut dfb = vec![C64::ZERO; n];
            sys.param_derivative(&chart, &theta, &b, &db, &mut dfb);
            let b2: Vec<C64> = b.iter().zip(&db).map(|(&x, &d)| x + d).collect();
            let mut f2 = vec![C64::ZERO; n];
            sys.residual(&chart, &theta, &b2, &mut f2);
            let (mut f3, mut j3, mut d3) = (vec![C64::ZERO; n], vec![C64::ZERO; n * n], vec![C64::ZERO; n]);
            sys.evaluate_with_param_derivative(&chart, &theta, &b, &db, &mut f3, &mut j3, &mut d3);
            assert_eq!((f3, j3, d3.clone()), (f0.clone(), jac.clone(), dfb.clone()));
            for i in 0..n {
                assert!(close(f2[i] - f0[i], dfb[i], 1e-12));
            }
        }
    }

    #[test]
    fn critical_point_survives_a_loop() {
        // Choose b so that θ0 is critical: b = Q c0 − ν with Jᵀ ν = 0. For (2,1,1) J is 3 × 2,
        // so ν is the cross product of J's columns (a bilinear null vector of Jᵀ).
        let (sys, chart, theta, _) = random_system(vec![2, 1, 1], vec![2], 11);
        let amb = sys.ambient();
        let (c, j) = sys.coefficients_and_jacobian(&chart, &theta);
        let col = |k: usize| [j[k], j[2 + k], j[4 + k]];
        let (u, v) = (col(0), col(1));
        let nu = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
        let mut b0 = vec![C64::ZERO; amb];
        for i in 0..amb {
            for k in 0..amb {
                b0[i] += sys.q[i * amb + k] * c[k];
            }
            b0[i] -= nu[i];
        }
        let mut f = vec![C64::ZERO; 2];
        sys.residual(&chart, &theta, &b0, &mut f);
        assert!(norm2(&f) < 1e-12);
        let mut rng = SplitMix64::new(5);
        let b1: Vec<C64> = (0..amb).map(|_| rand_c(&mut rng)).collect();
        let b2: Vec<C64> = (0..amb).map(|_| rand_c(&mut rng)).collect();
        let res = track_segments(&sys, chart, &theta, &[b0.clone(), b1, b2, b0.clone()], &TrackerOptions::default());
        assert_eq!(res.status, PathStatus::Success);
        sys.residual(&res.chart, &res.x, &b0, &mut f);
        assert!(norm2(&f) < 1e-10 && res.residual < 1e-10);
        // the loop ends at a critical point of the same loss (maybe another one): same b, rank 2
        let (c_end, _) = sys.coefficients_and_jacobian(&res.chart, &res.x);
        assert!(c_end.iter().all(|z| z.is_finite()));
    }
}
