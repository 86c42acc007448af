//! The critical equations of the squared loss of a polynomial network, in gauge-fixed weights.

use super::gauge::{self, GaugeChart};
use super::interpolation::{interpolation_grid, interpolation_grid_balls};
use super::tape::Tape;
use crate::arch::Architecture;
use crate::ball::Ball;
use crate::complex::{self, Complex64};
use crate::error::CoreError;
use crate::homotopy::Homotopy;
use crate::scalar::Scalar;
use std::sync::OnceLock;

/// The critical equations `F(θ; b) = J(θ)ᵀ (Q c(θ) − b) = 0` of the loss
/// `ℓ(c) = cᵀ Q c − 2 bᵀ c` pulled back to gauge-fixed weights `θ` (see [`GaugeChart`]).
///
/// `c(θ)` (output-major coefficients, `dL·M`) is obtained from the network's values at an
/// interpolation grid ([`interpolation_grid`]), `J` from forward-mode gradients there. The
/// Jacobian `∂F/∂θ = JᵀQJ + ∇²(gᵀc)` (`g = Qc − b` frozen) needs the Hessian of the scalar
/// `gᵀc(θ) = Σ_s Σ_j w_{js} f_j(x_s)`: backpropagation of `w_{·s}` run on forward-mode duals
/// (forward-over-reverse, `tape.rs`), `O(N·n)` per point. The parameters are
/// `b` (linear), so `∂F/∂b · db = −Jᵀ db`. All products are bilinear (no conjugation): the
/// equations are holomorphic.
#[derive(Debug)]
pub struct CriticalSystem {
    pub(super) widths: Vec<usize>,
    pub(super) exponents: Vec<u32>,
    /// `node_off[i]`: index of the first neuron of layer `i` (0 = inputs) in a [`Tape`].
    pub(super) node_off: Vec<usize>,
    /// `weight_off[i]`: offset of `W_{i+1}` in the weight vector.
    pub(super) weight_off: Vec<usize>,
    pub(super) n: usize,
    pub(super) d0: usize,
    pub(super) dl: usize,
    pub(super) m: usize,
    pub(super) s: usize,
    pub(super) points: Vec<Complex64>,
    pub(super) pinv: Vec<Complex64>,
    pub(super) q: Vec<Complex64>,
    /// The ball versions of `points`, `pinv` and `q` (enclosing the exact grid), built on the
    /// first certification.
    pub(super) balls: OnceLock<BallData>,
}

/// [`CriticalSystem`]'s data as balls: grid points, pseudo-inverse and `Q`.
#[derive(Debug)]
pub(super) struct BallData {
    points: Vec<Ball>,
    pinv: Vec<Ball>,
    q: Vec<Ball>,
}

/// A [`Scalar`] the critical system can be evaluated in: where its grid and `Q` are.
pub(super) trait SystemScalar: Scalar {
    /// `(grid points S × d0, pseudo-inverse M × S, Q)` of `sys` in this scalar type.
    fn data(sys: &CriticalSystem) -> (&[Self], &[Self], &[Self]);
}

impl SystemScalar for Complex64 {
    #[inline]
    fn data(sys: &CriticalSystem) -> (&[Self], &[Self], &[Self]) {
        (&sys.points, &sys.pinv, &sys.q)
    }
}

impl SystemScalar for Ball {
    fn data(sys: &CriticalSystem) -> (&[Self], &[Self], &[Self]) {
        let d = sys.balls.get_or_init(|| {
            let degree: u32 = sys.exponents.iter().product();
            let (points, pinv, _) = interpolation_grid_balls(sys.d0, degree);
            BallData { points, pinv, q: sys.q.iter().map(|&z| Ball::point(z)).collect() }
        });
        (&d.points, &d.pinv, &d.q)
    }
}

/// The full weight vector (package order) for the free weights `theta` of `chart` (fixed
/// weights are exactly 1).
pub(super) fn full_weights_of<S: Scalar>(chart: &GaugeChart, theta: &[S]) -> Vec<S> {
    chart.free.iter().map(|f| f.map_or(S::ONE, |k| theta[k])).collect()
}

/// Largest `grid points × unknowns² × outputs` the solver accepts (the Hessian pass costs that
/// much per evaluation).
const MAX_WORK: usize = 1 << 28;

impl CriticalSystem {
    /// `q` is the `amb × amb` weight matrix (row-major, symmetric for a true loss; not checked).
    pub fn new(widths: Vec<usize>, exponents: Vec<u32>, q: Vec<Complex64>) -> Result<Self, CoreError> {
        let arch = Architecture::new(widths, exponents)?;
        let too_large = |what: &str| CoreError::ResourceLimit(format!("{what} for the critical-point solver: {:?}", arch.widths));
        let degree = arch.checked_degree()?;
        let m = arch.output_monomials().ok_or_else(|| too_large("too many monomials"))? as usize;
        let (d0, dl) = (arch.widths[0], arch.outputs());
        let amb = dl.checked_mul(m).ok_or_else(|| too_large("too many coefficients"))?;
        if amb.checked_mul(amb) != Some(q.len()) {
            return Err(CoreError::invalid(format!("weight matrix must be {amb} x {amb} (dL*M), got {} entries", q.len())));
        }
        let n = arch.num_params() - arch.hidden_neurons();
        let grid_size = (degree as usize + 1).checked_pow(d0.saturating_sub(1) as u32).ok_or_else(|| too_large("interpolation grid too large"))?;
        if grid_size.saturating_mul(n * n).saturating_mul(dl) > MAX_WORK {
            return Err(CoreError::ResourceLimit(format!("problem too large for the critical-point solver: {grid_size} grid points, {n} unknowns")));
        }
        let (points, pinv, s) = interpolation_grid(d0, degree);
        let Architecture { widths, exponents } = arch;
        let node_off = std::iter::once(0)
            .chain(widths.iter().scan(0, |acc, &w| {
                *acc += w;
                Some(*acc)
            }))
            .collect();
        let weight_off = std::iter::once(0)
            .chain(widths.windows(2).scan(0, |acc, w| {
                *acc += w[0] * w[1];
                Some(*acc)
            }))
            .collect();
        Ok(CriticalSystem { widths, exponents, node_off, weight_off, n, d0, dl, m, s, points, pinv, q, balls: OnceLock::new() })
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

    /// The widths `(d0, …, dL)`.
    pub fn widths(&self) -> &[usize] {
        &self.widths
    }

    /// The weight matrix `Q` (row-major `amb × amb`).
    pub fn q(&self) -> &[Complex64] {
        &self.q
    }

    /// The full weight vector (package order) for free weights `theta` in `chart`.
    pub fn full_weights(&self, chart: &GaugeChart, theta: &[Complex64]) -> Vec<Complex64> {
        chart.full_weights(theta)
    }

    /// The best-conditioned chart for the full weights `full` and the free weights there
    /// ([`gauge::normalize`]); `None` for a dead hidden neuron or non-finite values.
    pub fn normalize(&self, full: &[Complex64]) -> Option<(GaugeChart, Vec<Complex64>)> {
        gauge::normalize(&self.widths, &self.exponents, full)
    }

    /// Coefficients `c(θ)` (`dL·M`), their Jacobian `J` (row-major `dL·M × n`), the tapes and
    /// the full weights, in the scalar type `S`.
    #[allow(clippy::type_complexity)]
    pub(super) fn coefficients_tapes<S: SystemScalar>(&self, chart: &GaugeChart, theta: &[S]) -> (Vec<S>, Vec<S>, Vec<Tape<S>>, Vec<S>) {
        let full = full_weights_of(chart, theta);
        let (points, pinv, _) = S::data(self);
        let (n, m, s, dl) = (self.n, self.m, self.s, self.dl);
        let tapes: Vec<Tape<S>> = (0..s).map(|si| self.forward(chart, &full, points, si)).collect();
        let out_off = self.node_off[self.widths.len() - 1];
        let mut c = vec![S::ZERO; dl * m];
        let mut jac = vec![S::ZERO; dl * m * n];
        for j in 0..dl {
            let node = out_off + j;
            for mi in 0..m {
                let row = j * m + mi;
                let jr = &mut jac[row * n..(row + 1) * n];
                for (si, t) in tapes.iter().enumerate() {
                    let w = pinv[mi * s + si];
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
    pub fn coefficients_and_jacobian(&self, chart: &GaugeChart, theta: &[Complex64]) -> (Vec<Complex64>, Vec<Complex64>) {
        let (c, j, _, _) = self.coefficients_tapes(chart, theta);
        (c, j)
    }

    /// Enclosures of `c(θ)` and `J(θ)` for every `θ` in the boxes `theta` (one complex ball per
    /// free weight of `chart`), in rigorous ball arithmetic.
    pub fn coefficients_and_jacobian_balls(&self, chart: &GaugeChart, theta: &[Ball]) -> (Vec<Ball>, Vec<Ball>) {
        let (c, j, _, _) = self.coefficients_tapes(chart, theta);
        (c, j)
    }

    /// Enclosures of `F(θ; b)` and, with `jac_out`, of `∂F/∂θ` (row-major `n × n`) for every `θ`
    /// in the boxes `theta`, for the exact parameter `b` (the same code as the floating-point
    /// evaluation, in [`Ball`] arithmetic).
    pub fn evaluate_balls(&self, chart: &GaugeChart, theta: &[Ball], b: &[Complex64], f: &mut [Ball], jac_out: Option<&mut [Ball]>) {
        let b: Vec<Ball> = b.iter().map(|&z| Ball::point(z)).collect();
        let (_, _, q) = Ball::data(self);
        self.eval_impl(chart, theta, &b, q, f, jac_out, None);
    }

    /// `F(θ; b, Q)` into `f`, optionally `∂F/∂θ` into `jac_out` and `(∂F/∂p) · dp` into `dp.1`.
    /// `dp.0` is `db` (`amb` entries) or `(db, vec dQ)` (`amb + amb²`, the weight moving too):
    /// `∂F/∂p · dp = Jᵀ (dQ c − db)`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn eval_impl<S: SystemScalar>(
        &self,
        chart: &GaugeChart,
        theta: &[S],
        b: &[S],
        q: &[S],
        f: &mut [S],
        jac_out: Option<&mut [S]>,
        dp: Option<(&[S], &mut [S])>,
    ) {
        let (n, m, s, dl) = (self.n, self.m, self.s, self.dl);
        let amb = dl * m;
        let (_, pinv, _) = S::data(self);
        let (c, jc, tapes, full) = self.coefficients_tapes(chart, theta);
        // g = Q c − b
        let mut g = vec![S::ZERO; amb];
        for (i, gi) in g.iter_mut().enumerate() {
            let mut acc = -b[i];
            for (&qv, &cv) in q[i * amb..(i + 1) * amb].iter().zip(&c) {
                acc = qv.mul_add(cv, acc);
            }
            *gi = acc;
        }
        for v in f.iter_mut() {
            *v = S::ZERO;
        }
        for (row, &gv) in g.iter().enumerate() {
            for (fv, &jv) in f.iter_mut().zip(&jc[row * n..(row + 1) * n]) {
                *fv = jv.mul_add(gv, *fv);
            }
        }
        if let Some((dpv, out)) = dp {
            // ∂F/∂p · dp = Jᵀ dg with dg = dQ c − db
            let (db, dq) = dpv.split_at(amb);
            let mut dg: Vec<S> = db.iter().map(|&d| -d).collect();
            if !dq.is_empty() {
                for (i, dgi) in dg.iter_mut().enumerate() {
                    for (&qv, &cv) in dq[i * amb..(i + 1) * amb].iter().zip(&c) {
                        *dgi = qv.mul_add(cv, *dgi);
                    }
                }
            }
            for v in out.iter_mut() {
                *v = S::ZERO;
            }
            for (row, &d) in dg.iter().enumerate() {
                for (o, &jv) in out.iter_mut().zip(&jc[row * n..(row + 1) * n]) {
                    *o = jv.mul_add(d, *o);
                }
            }
        }
        if let Some(h) = jac_out {
            self.gauss_newton_part(q, &jc, h);
            // ∇²(gᵀc) = Σ_s ∇² Σ_j w_{js} f_j(x_s), with w_{js} = Σ_m pinv[m, s] g[j, m]
            let mut w = vec![S::ZERO; dl];
            for (si, tape) in tapes.iter().enumerate() {
                for (j, wj) in w.iter_mut().enumerate() {
                    let mut acc = S::ZERO;
                    for mi in 0..m {
                        acc = pinv[mi * s + si].mul_add(g[j * m + mi], acc);
                    }
                    *wj = acc;
                }
                self.add_hessian(chart, &full, tape, &w, h);
            }
        }
    }

    /// `h = Jᵀ Q J` (`n × n`) for `J` = `jc` (`amb × n`).
    fn gauss_newton_part<S: Scalar>(&self, q: &[S], jc: &[S], h: &mut [S]) {
        let (n, amb) = (self.n, self.dl * self.m);
        // Q J
        let mut qj = vec![S::ZERO; amb * n];
        for i in 0..amb {
            let out = &mut qj[i * n..(i + 1) * n];
            for (k, &qv) in q[i * amb..(i + 1) * amb].iter().enumerate() {
                if qv == S::ZERO {
                    continue;
                }
                for (o, &jv) in out.iter_mut().zip(&jc[k * n..(k + 1) * n]) {
                    *o = qv.mul_add(jv, *o);
                }
            }
        }
        for v in h.iter_mut() {
            *v = S::ZERO;
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
    }
}

impl Homotopy for CriticalSystem {
    type Chart = GaugeChart;

    fn dim(&self) -> usize {
        self.n
    }

    fn num_params(&self) -> usize {
        self.dl * self.m
    }

    fn evaluate(&self, chart: &GaugeChart, x: &[Complex64], p: &[Complex64], f: &mut [Complex64], jac: &mut [Complex64]) {
        self.eval_impl(chart, x, p, &self.q, f, Some(jac), None);
    }

    fn residual(&self, chart: &GaugeChart, x: &[Complex64], p: &[Complex64], f: &mut [Complex64]) {
        self.eval_impl(chart, x, p, &self.q, f, None, None);
    }

    fn param_derivative(&self, chart: &GaugeChart, x: &[Complex64], p: &[Complex64], dp: &[Complex64], out: &mut [Complex64]) {
        let mut f = vec![complex::ZERO; self.n];
        self.eval_impl(chart, x, p, &self.q, &mut f, None, Some((dp, out)));
    }

    fn evaluate_with_param_derivative(
        &self,
        chart: &GaugeChart,
        x: &[Complex64],
        p: &[Complex64],
        dp: &[Complex64],
        f: &mut [Complex64],
        jac: &mut [Complex64],
        out: &mut [Complex64],
    ) {
        self.eval_impl(chart, x, p, &self.q, f, Some(jac), Some((dp, out)));
    }

    /// Switch gauge charts when an incoming weight outgrows the fixed one ([`gauge::needs_switch`]).
    fn rechart(&self, chart: &mut GaugeChart, x: &mut Vec<Complex64>) {
        if gauge::needs_switch(&self.widths, chart, x) {
            let full = self.full_weights(chart, x);
            if let Some((c, t)) = self.normalize(&full) {
                *chart = c;
                *x = t;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;
    use crate::homotopy::{norm2, track_segments, Cancel, PathStatus, TrackerOptions};
    use crate::rng::SplitMix64;
    use crate::testing::{close, rand_c};

    fn random_system(widths: Vec<usize>, exps: Vec<u32>, seed: u64) -> (CriticalSystem, GaugeChart, Vec<Complex64>, Vec<Complex64>) {
        let mut rng = SplitMix64::new(seed);
        let degree: u32 = exps.iter().product();
        let amb = widths.last().unwrap() * crate::poly::num_monomials(widths[0], degree as u64).unwrap() as usize;
        let mut q = vec![complex::ZERO; amb * amb];
        for i in 0..amb {
            for j in 0..=i {
                let v = rand_c(&mut rng);
                q[i * amb + j] = v;
                q[j * amb + i] = v;
            }
        }
        let chart = GaugeChart::first_column(&widths);
        let sys = CriticalSystem::new(widths, exps, q).unwrap();
        let theta: Vec<Complex64> = (0..sys.num_unknowns()).map(|_| rand_c(&mut rng)).collect();
        let b: Vec<Complex64> = (0..amb).map(|_| rand_c(&mut rng)).collect();
        (sys, chart, theta, b)
    }

    #[test]
    fn coefficients_of_a_shallow_network() {
        // (2,1,1), r=3: f = a (x0 + t x1)^3 → coefficients a·(1, 3t, 3t², t³); θ = (t, a).
        let sys = CriticalSystem::new(vec![2, 1, 1], vec![3], vec![complex::ZERO; 16]).unwrap();
        let chart = GaugeChart::first_column(&[2, 1, 1]);
        let (t, a) = (Complex64::new(0.3, -1.1), Complex64::new(2.0, 0.5));
        let (c, j) = sys.coefficients_and_jacobian(&chart, &[t, a]);
        let want = [a, a * t.scale(3.0), a * t * t.scale(3.0), a * t.powu(3)];
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
            theta[0] = Complex64::new(40.0, -3.0); // an incoming weight far outside the chart's comfort zone
            let (c0, _) = sys.coefficients_and_jacobian(&chart, &theta);
            let full = sys.full_weights(&chart, &theta);
            let (chart2, theta2) = sys.normalize(&full).unwrap();
            assert_ne!(chart2, chart);
            let (c1, _) = sys.coefficients_and_jacobian(&chart2, &theta2);
            let diff: Vec<Complex64> = c0.iter().zip(&c1).map(|(a, b)| *a - *b).collect();
            assert!(norm2(&diff) <= 1e-12 * norm2(&c0), "{widths:?}: {c0:?} vs {c1:?}");
            // every incoming weight of a hidden neuron now has modulus <= 1
            let full2 = sys.full_weights(&chart2, &theta2);
            let hidden_weights: usize = widths.windows(2).take(widths.len() - 2).map(|w| w[0] * w[1]).sum();
            assert!(full2[..hidden_weights].iter().all(|z| z.norm() <= 1.0 + 1e-12));
            // rechart does the same when needed and nothing otherwise
            let (mut ch, mut th) = (chart.clone(), theta.clone());
            sys.rechart(&mut ch, &mut th);
            assert_eq!((ch.clone(), th.clone()), (chart2.clone(), theta2.clone()));
            sys.rechart(&mut ch, &mut th);
            assert_eq!((ch, th), (chart2, theta2));
        }
        let sys = CriticalSystem::new(vec![2, 1, 1], vec![2], vec![complex::ZERO; 9]).unwrap();
        assert!(sys.normalize(&[complex::ZERO, complex::ZERO, complex::ONE]).is_none());
        // dead neuron
    }

    #[test]
    fn jacobian_matches_finite_differences() {
        for (widths, exps, seed) in [(vec![2, 2, 3], vec![2], 1u64), (vec![2, 2, 2, 1], vec![2, 3], 2), (vec![3, 2, 2], vec![3], 3)] {
            let (sys, chart, theta, b) = random_system(widths.clone(), exps, seed);
            let n = sys.num_unknowns();
            let mut f0 = vec![complex::ZERO; n];
            let mut jac = vec![complex::ZERO; n * n];
            sys.evaluate(&chart, &theta, &b, &mut f0, &mut jac);
            let eps = 1e-6;
            for k in 0..n {
                let mut tp = theta.clone();
                let mut tm = theta.clone();
                tp[k] += complex::real(eps);
                tm[k] -= complex::real(eps);
                let (mut fp, mut fm) = (vec![complex::ZERO; n], vec![complex::ZERO; n]);
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
            let db: Vec<Complex64> = (0..b.len()).map(|i| Complex64::new(0.1 * i as f64, 1.0)).collect();
            let mut dfb = vec![complex::ZERO; n];
            sys.param_derivative(&chart, &theta, &b, &db, &mut dfb);
            let b2: Vec<Complex64> = b.iter().zip(&db).map(|(&x, &d)| x + d).collect();
            let mut f2 = vec![complex::ZERO; n];
            sys.residual(&chart, &theta, &b2, &mut f2);
            let (mut f3, mut j3, mut d3) = (vec![complex::ZERO; n], vec![complex::ZERO; n * n], vec![complex::ZERO; n]);
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
        let mut b0 = vec![complex::ZERO; amb];
        for i in 0..amb {
            for k in 0..amb {
                b0[i] += sys.q[i * amb + k] * c[k];
            }
            b0[i] -= nu[i];
        }
        let mut f = vec![complex::ZERO; 2];
        sys.residual(&chart, &theta, &b0, &mut f);
        assert!(norm2(&f) < 1e-12);
        let mut rng = SplitMix64::new(5);
        let b1: Vec<Complex64> = (0..amb).map(|_| rand_c(&mut rng)).collect();
        let b2: Vec<Complex64> = (0..amb).map(|_| rand_c(&mut rng)).collect();
        let res = track_segments(&sys, chart, &theta, &[b0.clone(), b1, b2, b0.clone()], &TrackerOptions::default(), &Cancel::new());
        assert_eq!(res.status, PathStatus::Success);
        sys.residual(&res.chart, &res.x, &b0, &mut f);
        assert!(norm2(&f) < 1e-10 && res.residual < 1e-10);
        // the loop ends at a critical point of the same loss (maybe another one): same b, rank 2
        let (c_end, _) = sys.coefficients_and_jacobian(&res.chart, &res.x);
        assert!(c_end.iter().all(|z| z.is_finite()));
    }

    #[test]
    fn bad_systems_are_rejected_by_kind() {
        assert!(CriticalSystem::new(vec![2, 2, 3], vec![2], vec![complex::ZERO; 9]).unwrap_err().to_string().contains("weight matrix"));
        assert!(CriticalSystem::new(vec![2, 0, 3], vec![2], vec![]).unwrap_err().is_invalid_input());
        assert!(CriticalSystem::new(vec![2, 2, 3], vec![], vec![]).unwrap_err().is_invalid_input());
        // degree 25: M = 351 coefficients, 676 grid points, 960 unknowns
        let huge = CriticalSystem::new(vec![3, 30, 30, 1], vec![5, 5], vec![complex::ZERO; 351 * 351]);
        assert!(matches!(huge, Err(CoreError::ResourceLimit(_))), "{huge:?}");
    }
}
