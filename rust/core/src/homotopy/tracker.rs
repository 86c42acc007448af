//! The predictor–corrector path tracker and its cancellation token.

use super::dense::{lu_solve, norm2, norm_inf};
use super::{Homotopy, PathResult, PathStatus, TrackerOptions};
use crate::complex::{self, Complex64};
use crate::error::CoreError;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Stops a tracking run from outside: [`Cancel::cancel`] (e.g. on Ctrl-C, from another thread)
/// or a deadline. Paths check it before every step, so a run ends within one step per path.
///
/// ```
/// use neurovariety_core::homotopy::Cancel;
///
/// let c = Cancel::new();
/// assert!(!c.is_cancelled());
/// c.cancel();
/// assert!(c.is_cancelled() && c.flagged() && !c.deadline_passed());
/// assert!(Cancel::with_timeout(Some(0.0)).unwrap().deadline_passed());
/// assert!(Cancel::with_timeout(Some(-1.0)).is_err());
/// ```
#[derive(Debug, Default)]
pub struct Cancel {
    flag: AtomicBool,
    deadline: Option<Instant>,
}

impl Cancel {
    /// A token that fires only when [`Cancel::cancel`] is called.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// A token that also fires at `deadline`.
    pub fn with_deadline(deadline: Instant) -> Self {
        Cancel { flag: AtomicBool::new(false), deadline: Some(deadline) }
    }

    /// A token that also fires `seconds` from now (`None` or `+inf`: no deadline).
    pub fn with_timeout(seconds: Option<f64>) -> Result<Self, CoreError> {
        let Some(s) = seconds else { return Ok(Cancel::new()) };
        if s.is_nan() || s < 0.0 {
            return Err(CoreError::invalid(format!("timeout must be a non-negative number of seconds, got {s}")));
        }
        // a timeout too large to represent is no deadline at all
        let deadline = Duration::try_from_secs_f64(s).ok().and_then(|d| Instant::now().checked_add(d));
        Ok(Cancel { flag: AtomicBool::new(false), deadline })
    }

    /// Fire the token.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Has [`Cancel::cancel`] been called?
    pub fn flagged(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// Has the deadline (if any) passed?
    pub fn deadline_passed(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Should work stop now?
    pub fn is_cancelled(&self) -> bool {
        self.flagged() || self.deadline_passed()
    }
}

struct Workspace {
    f: Vec<Complex64>,
    jac: Vec<Complex64>,
    rhs: Vec<Complex64>,
    p: Vec<Complex64>,
}

impl Workspace {
    fn new(n: usize, np: usize) -> Self {
        Workspace { f: vec![complex::ZERO; n], jac: vec![complex::ZERO; n * n], rhs: vec![complex::ZERO; n], p: vec![complex::ZERO; np] }
    }
}

fn lerp(pa: &[Complex64], dp: &[Complex64], t: f64, out: &mut [Complex64]) {
    for ((o, &a), &d) in out.iter_mut().zip(pa).zip(dp) {
        *o = a + d.scale(t);
    }
}

/// Tangent `ẋ = -F_x⁻¹ (F_p · dp)` at `(x, p(t))` into `k`; `false` where `F_x` is singular.
#[allow(clippy::too_many_arguments)]
fn velocity<H: Homotopy + ?Sized>(
    h: &H,
    chart: &H::Chart,
    x: &[Complex64],
    pa: &[Complex64],
    dp: &[Complex64],
    t: f64,
    ws: &mut Workspace,
    k: &mut [Complex64],
) -> bool {
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
fn newton<H: Homotopy + ?Sized>(
    h: &H,
    chart: &H::Chart,
    x: &mut [Complex64],
    p: &[Complex64],
    iters: usize,
    tol: f64,
    ws: &mut Workspace,
) -> Option<(f64, f64)> {
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
/// `nodes[0] → nodes[1] → … → nodes[last]`. `cancel` is checked before every step: once it
/// fires the path stops with [`PathStatus::Cancelled`].
pub fn track_segments<H: Homotopy + ?Sized>(
    h: &H,
    chart: H::Chart,
    x0: &[Complex64],
    nodes: &[Vec<Complex64>],
    opts: &TrackerOptions,
    cancel: &Cancel,
) -> PathResult<H::Chart> {
    let n = h.dim();
    let np = h.num_params();
    let mut chart = chart;
    let mut ws = Workspace::new(n, np);
    let mut x = x0.to_vec();
    let mut steps = 0usize;
    if x.len() != n || nodes.iter().any(|p| p.len() != np) {
        return PathResult { chart, x, status: PathStatus::Singular, steps, residual: f64::NAN };
    }
    let mut xp = vec![complex::ZERO; n];
    let mut k_sum = vec![complex::ZERO; n];
    let mut k = vec![complex::ZERO; n];
    let mut x_stage = vec![complex::ZERO; n];
    let mut dp = vec![complex::ZERO; np];
    let mut p_end = vec![complex::ZERO; np];
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
            if cancel.is_cancelled() {
                status = PathStatus::Cancelled;
                break 'segments;
            }
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
                *v = complex::ZERO;
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
    let mut f = vec![complex::ZERO; n];
    h.residual(&chart, &x, &p_last, &mut f);
    let residual = norm2(&f);
    if !residual.is_finite() || x.iter().any(|z| !z.is_finite()) {
        return PathResult { chart, x, status: PathStatus::Singular, steps, residual };
    }
    PathResult { chart, x, status: PathStatus::Success, steps, residual }
}

/// Track every start point `(chart, x)` through the chain of parameter nodes, in parallel.
/// Once `cancel` fires, running paths stop at their next step and the others do not start
/// (all with [`PathStatus::Cancelled`]).
pub fn track_all<H: Homotopy + ?Sized>(
    h: &H,
    starts: &[(H::Chart, Vec<Complex64>)],
    nodes: &[Vec<Complex64>],
    opts: &TrackerOptions,
    cancel: &Cancel,
) -> Vec<PathResult<H::Chart>> {
    starts.par_iter().map(|(c, x0)| track_segments(h, c.clone(), x0, nodes, opts, cancel)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::close;

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
        fn evaluate(&self, _c: &(), x: &[Complex64], p: &[Complex64], f: &mut [Complex64], jac: &mut [Complex64]) {
            f[0] = x[0] * x[0] - p[0];
            jac[0] = x[0].scale(2.0);
        }
        fn param_derivative(&self, _c: &(), _x: &[Complex64], _p: &[Complex64], dp: &[Complex64], out: &mut [Complex64]) {
            out[0] = -dp[0];
        }
    }

    #[test]
    fn monodromy_of_square_root_swaps_branches() {
        // A loop around p = 0 exchanges the two square roots; a loop that does not encircle 0
        // returns each root to itself.
        let opts = TrackerOptions::default();
        let around: Vec<Vec<Complex64>> =
            [complex::ONE, Complex64::new(0.0, 1.0), complex::real(-1.0), Complex64::new(0.0, -1.0), complex::ONE].iter().map(|&p| vec![p]).collect();
        let res = track_segments(&Sqrt, (), &[complex::ONE], &around, &opts, &Cancel::new());
        assert_eq!(res.status, PathStatus::Success);
        assert!(close(res.x[0], complex::real(-1.0), 1e-12), "{:?}", res.x);
        assert!(res.residual < 1e-14);
        let beside: Vec<Vec<Complex64>> = [complex::ONE, Complex64::new(2.0, 1.0), Complex64::new(2.0, -1.0), complex::ONE].iter().map(|&p| vec![p]).collect();
        let res = track_all(&Sqrt, &[((), vec![complex::ONE]), ((), vec![complex::real(-1.0)])], &beside, &opts, &Cancel::new());
        assert!(close(res[0].x[0], complex::ONE, 1e-12) && close(res[1].x[0], complex::real(-1.0), 1e-12));
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
        fn evaluate(&self, _c: &(), x: &[Complex64], p: &[Complex64], f: &mut [Complex64], jac: &mut [Complex64]) {
            f[0] = p[0] * x[0] - complex::ONE;
            jac[0] = p[0];
        }
        fn param_derivative(&self, _c: &(), x: &[Complex64], _p: &[Complex64], dp: &[Complex64], out: &mut [Complex64]) {
            out[0] = x[0] * dp[0];
        }
    }

    #[test]
    fn diverging_path_is_reported() {
        let nodes = vec![vec![complex::ONE], vec![complex::ZERO]];
        let res = track_segments(&Reciprocal, (), &[complex::ONE], &nodes, &TrackerOptions::default(), &Cancel::new());
        assert_eq!(res.status, PathStatus::Diverged, "{res:?}");
        // and a regular segment is tracked accurately
        let nodes = vec![vec![complex::ONE], vec![Complex64::new(0.3, -2.0)]];
        let res = track_segments(&Reciprocal, (), &[complex::ONE], &nodes, &TrackerOptions::default(), &Cancel::new());
        assert_eq!(res.status, PathStatus::Success);
        assert!(close(res.x[0], complex::inv(Complex64::new(0.3, -2.0)), 1e-13));
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
        fn evaluate(&self, _c: &(), x: &[Complex64], p: &[Complex64], f: &mut [Complex64], jac: &mut [Complex64]) {
            f[0] = x[0].powu(3) - p[0];
            f[1] = x[0] * x[1] - p[1];
            jac[0] = x[0].powu(2).scale(3.0);
            jac[1] = complex::ZERO;
            jac[2] = x[1];
            jac[3] = x[0];
        }
        fn param_derivative(&self, _c: &(), _x: &[Complex64], _p: &[Complex64], dp: &[Complex64], out: &mut [Complex64]) {
            out[0] = -dp[0];
            out[1] = -dp[1];
        }
    }

    #[test]
    fn tracks_a_two_dimensional_system() {
        let p0 = vec![complex::ONE, Complex64::new(2.0, 0.0)];
        let p1 = vec![Complex64::new(0.7, 0.4), Complex64::new(-1.0, 3.0)];
        let res = track_segments(&Cubic, (), &[complex::ONE, complex::real(2.0)], &[p0, p1.clone()], &TrackerOptions::default(), &Cancel::new());
        assert_eq!(res.status, PathStatus::Success);
        let x = res.x[0];
        assert!(close(x.powu(3), p1[0], 1e-13));
        assert!(close(x * res.x[1], p1[1], 1e-13));
        // the branch of the cube root continued from 1 along a short segment is the principal one
        let r = p1[0].norm().cbrt();
        let phi = p1[0].im.atan2(p1[0].re) / 3.0;
        assert!(close(x, Complex64::cis(phi).scale(r), 1e-12));
    }

    #[test]
    fn cancelled_runs_stop_and_report_it() {
        let nodes = vec![vec![complex::ONE], vec![Complex64::new(0.0, 1.0)], vec![complex::real(-1.0)]];
        let starts: Vec<((), Vec<Complex64>)> = (0..100).map(|_| ((), vec![complex::ONE])).collect();
        let opts = TrackerOptions::default();
        let fired = Cancel::new();
        fired.cancel();
        let res = track_all(&Sqrt, &starts, &nodes, &opts, &fired);
        assert!(res.iter().all(|r| r.status == PathStatus::Cancelled && r.residual.is_nan() && r.steps == 0));
        let expired = Cancel::with_timeout(Some(0.0)).unwrap();
        assert!(track_all(&Sqrt, &starts, &nodes, &opts, &expired).iter().all(|r| r.status == PathStatus::Cancelled));
        // a generous deadline changes nothing
        let later = Cancel::with_timeout(Some(3600.0)).unwrap();
        let res = track_segments(&Sqrt, (), &[complex::ONE], &nodes, &opts, &later);
        assert_eq!(res.status, PathStatus::Success);
        assert!(Cancel::with_timeout(Some(f64::INFINITY)).unwrap().deadline.is_none());
        assert!(Cancel::with_timeout(Some(f64::NAN)).is_err());
    }
}
