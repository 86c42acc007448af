//! Certified critical points: the Krawczyk test in ball arithmetic.
//!
//! For an approximate root `θ̃` of the critical equations `F(θ; b) = 0` (in a gauge chart), let
//! `Y ≈ F'(θ̃)⁻¹` (floating point) and `X = θ̃ + ρ·D^n` the product of the discs of radius `ρ`
//! around the coordinates of `θ̃`. The Krawczyk operator
//!
//! `K(X) = θ̃ − Y F(θ̃) + (I − Y F'(X)) (X − θ̃)`
//!
//! is evaluated in [`Ball`] arithmetic (`F(θ̃)` as an enclosure at the exact centre, `F'(X)` an
//! enclosure of the Jacobian over the whole box, from the same code as the floating-point
//! evaluation). If `K(X) ⊂ int X`, then `‖I − Y A‖_∞ < 1` for every matrix `A` between Jacobians
//! on `X` (the radius part of `K` alone is below `ρ`), so `θ ↦ θ − Y F(θ)` is a contraction of
//! `X` into itself: `F` has exactly one zero in `X`, and it is non-singular (the mean-value
//! form `F(θ) − F(θ̃) = ∫ F'(θ̃ + t(θ − θ̃)) dt · (θ − θ̃)`, whose integral lies in the convex
//! enclosure `F'(X)`). The grid of roots of unity and `1/S` are enclosed too
//! ([`interpolation_grid_balls`](super::interpolation::interpolation_grid_balls)), so the
//! certified zero is one of the exact polynomial system, not of its floating-point model.
//!
//! **Real roots.** For real data (`Q` and `b` real) the system has real coefficients,
//! `F(θ̄) = conj F(θ)`; a box centred at a *real* point is conjugation-symmetric, so the unique
//! zero in it equals its conjugate: it is real. A real *function* may need complex weights
//! (`x² + y² = ((x + iy)² + (x − iy)²)/2`): then conjugation followed by a permutation `π` of
//! hidden neurons fixes the zero. `Φ = π ∘ conj` maps zeros to zeros (the loss is invariant
//! under `π` and has real coefficients) and is an isometry of the max-norm on the chart, so if
//! the certified box around `c` of radius `ρ + ‖Φ(c) − c‖_∞` holds a unique zero `θ*`, then
//! `Φ(θ*) = θ*` and `c(θ*) = conj c(θ*)` is real.
//!
//! **Distinct functions.** Each certificate carries an enclosure of the coefficient vector
//! `c(X)`; two certified points whose enclosures are disjoint in some coordinate are different
//! functions ([`certify_weight_vectors`] marks the others).
//!
//! ```
//! use neurovariety_core::complex::{self, Complex64, ComplexMatrix};
//! use neurovariety_core::critical::{certify_weight_vectors, CriticalSystem};
//!
//! // (2,1,1), r = 2, Q = I: f = a (x0 + t x1)^2, coefficients a (1, 2t, t^2). With b = c(θ0)
//! // the loss vanishes at θ0 = (t, a) = (0.5, 2), an exact (real) critical point.
//! let mut q = vec![complex::ZERO; 9];
//! (0..3).for_each(|i| q[i * 4] = complex::ONE);
//! let sys = CriticalSystem::new(vec![2, 1, 1], vec![2], q)?;
//! let b = [complex::real(2.0), complex::real(2.0), complex::real(0.5)];
//! let thetas = ComplexMatrix::new(2, 3, vec![
//!     complex::ONE, Complex64::new(0.5, 1e-12), complex::real(2.0), // the root, slightly off
//!     complex::ONE, complex::real(0.7), complex::real(2.0),         // not a root
//! ])?;
//! let out = certify_weight_vectors(&sys, &thetas, &b)?;
//! assert_eq!((out.certified, out.real, out.distinct), (vec![true, false], vec![true, false], vec![true, false]));
//! assert!(out.radius[0] > 0.0 && out.radius[0] < 1e-6);
//! # Ok::<(), neurovariety_core::CoreError>(())
//! ```

use super::gauge::GaugeChart;
use super::system::CriticalSystem;
use crate::ball::Ball;
use crate::complex::{self, Complex64, ComplexMatrix};
use crate::error::CoreError;
use crate::homotopy::{lu_solve, norm_inf, Homotopy};
use rayon::prelude::*;

/// Floating-point Newton steps applied to a start before the test.
const NEWTON_STEPS: usize = 4;
/// A start whose imaginary parts are below this (relative to its size) is tried with a real centre.
const REAL_TOLERANCE: f64 = 1e-6;
/// Newton refinement may move a start by at most this (relative to its size): a certificate is
/// for a zero within this distance of the given point, not for one found from far away.
const MOVE_TOLERANCE: f64 = 1e-6;
/// Box radii tried: `ρ_k = ρ_0 · GROWTH^k`, `k < TRIES`, with `ρ_0` four Newton steps.
const GROWTH: f64 = 16.0;
const TRIES: usize = 6;

/// The outcome of the Krawczyk test at one approximate root.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// A unique non-singular zero of `F` lies in the box.
    pub certified: bool,
    /// ... and its function (coefficient vector) is real: real data and either real weights
    /// or weights whose conjugate is a hidden-neuron permutation of them (see the module doc).
    pub real: bool,
    /// ... and the zero itself is real (real data, a box centred at a real point).
    pub real_weights: bool,
    /// Radius `ρ` of the certified box (NaN if not certified).
    pub radius: f64,
    /// The certified chart and box centre (the refined approximation).
    pub center: Vec<Complex64>,
    /// An enclosure of the coefficients `c(θ)` over the box (empty if not certified).
    pub coefficients: Vec<Ball>,
}

impl Certificate {
    fn failed(center: Vec<Complex64>) -> Self {
        Certificate { certified: false, real: false, real_weights: false, radius: f64::NAN, center, coefficients: Vec::new() }
    }
}

/// `Y = A⁻¹` (row-major `n × n`) in floating point, `None` if `A` is numerically singular.
fn inverse(a: &[Complex64], n: usize) -> Option<Vec<Complex64>> {
    let mut y = vec![complex::ZERO; n * n];
    let mut lu = a.to_vec();
    for col in 0..n {
        lu.copy_from_slice(a);
        let mut e = vec![complex::ZERO; n];
        e[col] = complex::ONE;
        if !lu_solve(&mut lu, n, &mut e) {
            return None;
        }
        for (row, v) in e.into_iter().enumerate() {
            y[row * n + col] = v;
        }
    }
    Some(y)
}

/// Floating-point Newton refinement of `x` (at most [`NEWTON_STEPS`] steps, stopping when the
/// step stalls); `false` if the Jacobian is singular or values are not finite.
fn refine(sys: &CriticalSystem, chart: &GaugeChart, x: &mut [Complex64], b: &[Complex64], real: bool) -> bool {
    let n = x.len();
    let (mut f, mut jac) = (vec![complex::ZERO; n], vec![complex::ZERO; n * n]);
    let mut last = f64::INFINITY;
    for _ in 0..NEWTON_STEPS {
        sys.evaluate(chart, x, b, &mut f, &mut jac);
        if !lu_solve(&mut jac, n, &mut f) {
            return false;
        }
        let step = norm_inf(&f);
        for (xi, d) in x.iter_mut().zip(&f) {
            *xi -= *d;
            if real {
                xi.im = 0.0;
            }
        }
        if step <= 1e-15 * (1.0 + norm_inf(x)) || step >= 0.5 * last {
            break;
        }
        last = step;
    }
    x.iter().all(|z| z.is_finite())
}

/// The Krawczyk test for the box of radius `rho` around `c`, given `y ≈ F'(c)⁻¹` and the
/// enclosure `yf ⊇ Y F(c)`: is `K(X) ⊂ int X`?
fn krawczyk_contains(sys: &CriticalSystem, chart: &GaugeChart, c: &[Complex64], b: &[Complex64], y: &[Complex64], yf: &[Ball], rho: f64) -> bool {
    let n = c.len();
    let boxes: Vec<Ball> = c.iter().map(|&z| Ball::new(z, rho)).collect();
    let mut f = vec![Ball::ZERO; n];
    let mut jac = vec![Ball::ZERO; n * n];
    sys.evaluate_balls(chart, &boxes, b, &mut f, Some(&mut jac));
    let disc = Ball::new(complex::ZERO, rho);
    for i in 0..n {
        // K_i − c_i = −(Y F(c))_i + Σ_j (I − Y F'(X))_ij · (X_j − c_j)
        let mut acc = -yf[i];
        for j in 0..n {
            let mut m = if i == j { Ball::ONE } else { Ball::ZERO };
            for k in 0..n {
                m -= Ball::point(y[i * n + k]) * jac[k * n + j];
            }
            acc = m.mul_add(disc, acc);
        }
        if !acc.is_finite() || acc.abs_upper() >= rho {
            return false;
        }
    }
    true
}

/// What a successful Krawczyk test at a centre leaves: the radius, `Y` and `Y F(c)`.
struct Success {
    rho: f64,
    y: Vec<Complex64>,
    yf: Vec<Ball>,
}

/// Try to certify the zero near `c` (already refined): boxes of growing radius.
fn certify_at(sys: &CriticalSystem, chart: &GaugeChart, c: &[Complex64], b: &[Complex64]) -> Option<Success> {
    let n = c.len();
    let (mut f, mut jac) = (vec![complex::ZERO; n], vec![complex::ZERO; n * n]);
    sys.evaluate(chart, c, b, &mut f, &mut jac);
    let y = inverse(&jac, n)?;
    let center: Vec<Ball> = c.iter().map(|&z| Ball::point(z)).collect();
    let mut fb = vec![Ball::ZERO; n];
    sys.evaluate_balls(chart, &center, b, &mut fb, None);
    let yf: Vec<Ball> = (0..n).map(|i| (0..n).fold(Ball::ZERO, |acc, k| Ball::point(y[i * n + k]).mul_add(fb[k], acc))).collect();
    let step = yf.iter().map(|z| z.abs_upper()).fold(0.0f64, f64::max);
    if !step.is_finite() {
        return None;
    }
    let floor = 1e-13 * (1.0 + norm_inf(c));
    let mut rho = (4.0 * step).max(floor);
    for _ in 0..TRIES {
        if krawczyk_contains(sys, chart, c, b, &y, &yf, rho) {
            return Some(Success { rho, y, yf });
        }
        rho *= GROWTH;
    }
    None
}

/// The weight-index map `σ` of the hidden-neuron permutation `π` that carries `conj(full)` to
/// (approximately) `full` — `π(conj w)[σ(i)] = conj(w[i])` — if one matches every incoming row
/// within `tol` and maps the fixed weights of `chart` onto fixed weights (so `π ∘ conj` acts on
/// the chart's free weights as a coordinate permutation with conjugation).
fn conjugation_symmetry(widths: &[usize], chart: &GaugeChart, full: &[Complex64], tol: f64) -> Option<Vec<usize>> {
    let depth = widths.len() - 1;
    let mut sigma = vec![0usize; full.len()];
    let mut prev: Vec<usize> = (0..widths[0]).collect(); // the permutation of the previous layer
    let mut off = 0usize;
    for i in 0..depth {
        let (d_in, d_out) = (widths[i], widths[i + 1]);
        let mut perm: Vec<usize> = (0..d_out).collect();
        if i + 1 < depth {
            // old neuron j goes to the neuron k whose row matches conj(row j), columns moved by `prev`
            let dist =
                |j: usize, k: usize| (0..d_in).map(|col| (full[off + j * d_in + col].conj() - full[off + k * d_in + prev[col]]).norm()).fold(0.0f64, f64::max);
            let mut used = vec![false; d_out];
            for (j, pj) in perm.iter_mut().enumerate() {
                let k = (0..d_out).min_by(|&a, &b| dist(j, a).total_cmp(&dist(j, b)))?;
                if used[k] || dist(j, k) > tol {
                    return None;
                }
                used[k] = true;
                *pj = k;
            }
        }
        for j in 0..d_out {
            for col in 0..d_in {
                sigma[off + j * d_in + col] = off + perm[j] * d_in + prev[col];
            }
        }
        prev = perm;
        off += d_in * d_out;
    }
    let fixed_to_fixed = (0..full.len()).all(|i| chart.free[i].is_none() == chart.free[sigma[i]].is_none());
    fixed_to_fixed.then_some(sigma)
}

/// For real data: is the function of the unique zero `θ*` in the certified box `X` (centre `c`)
/// real although its weights are not? `Φ = π ∘ conj` (a hidden-neuron permutation after
/// conjugation, [`conjugation_symmetry`]) maps zeros to zeros and is a max-norm isometry of the
/// chart, so `Φ(θ*)` lies within `ρ + d` of `c` (`d = ‖Φ(c) − c‖_∞`). If the box of that radius
/// is certified too, it holds one zero: `Φ(θ*) = θ*`, and `c(θ*) = c(Φ(θ*)) = conj c(θ*)`.
fn real_function(sys: &CriticalSystem, chart: &GaugeChart, c: &[Complex64], b: &[Complex64], ok: &Success) -> bool {
    let full = chart.full_weights(c);
    let tol = REAL_TOLERANCE * (1.0 + norm_inf(&full));
    let Some(sigma) = conjugation_symmetry(sys.widths(), chart, &full, tol) else {
        return false;
    };
    let mut image = vec![complex::ZERO; full.len()];
    for (i, &z) in full.iter().enumerate() {
        image[sigma[i]] = z.conj();
    }
    // |x − y| of doubles: the differences round by u, hypot by 1 ulp; (1 + 8u) covers both
    let d = chart.free.iter().zip(&image).zip(&full).filter(|((f, _), _)| f.is_some()).map(|((_, &x), &y)| (x - y).norm()).fold(0.0f64, f64::max);
    let rho = (ok.rho + d * (1.0 + 8.0 * crate::ball::UNIT_ROUNDOFF)) * (1.0 + 1e-12);
    [rho, 4.0 * rho].iter().any(|&r| krawczyk_contains(sys, chart, c, b, &ok.y, &ok.yf, r))
}

/// Certify the approximate root `theta` (free weights of `chart`) of `F(·; b)`: Newton
/// refinement, then the Krawczyk test — first around the real part when the data are real and
/// `theta` nearly real (a success there certifies *real weights*), else around the complex
/// point (for real data its function may still be certified real, [`real_function`]).
pub fn certify_root(sys: &CriticalSystem, chart: &GaugeChart, theta: &[Complex64], b: &[Complex64]) -> Certificate {
    let real_data = sys.q().iter().chain(b).all(|z| z.im == 0.0);
    let size = 1.0 + norm_inf(theta);
    let nearly_real = theta.iter().all(|z| z.im.abs() <= REAL_TOLERANCE * size);
    let mut tries: Vec<(Vec<Complex64>, bool)> = Vec::with_capacity(2);
    if real_data && nearly_real {
        tries.push((theta.iter().map(|z| complex::real(z.re)).collect(), true));
    }
    tries.push((theta.to_vec(), false));
    let mut last = theta.to_vec();
    for (mut c, real_weights) in tries {
        if !refine(sys, chart, &mut c, b, real_weights) {
            continue;
        }
        let moved = c.iter().zip(theta).map(|(&x, &y)| (x - y).norm()).fold(0.0f64, f64::max);
        if moved > MOVE_TOLERANCE * size {
            continue;
        }
        if let Some(ok) = certify_at(sys, chart, &c, b) {
            let real = real_weights || (real_data && real_function(sys, chart, &c, b, &ok));
            let boxes: Vec<Ball> = c.iter().map(|&z| Ball::new(z, ok.rho)).collect();
            let (coefficients, _) = sys.coefficients_and_jacobian_balls(chart, &boxes);
            return Certificate { certified: true, real, real_weights, radius: ok.rho, center: c, coefficients };
        }
        last = c;
    }
    Certificate::failed(last)
}

/// [`certify_weight_vectors`] for `k` weight vectors.
#[derive(Debug, Clone)]
pub struct CertifiedBatch {
    /// The Krawczyk test certified a unique zero near the row (in its best chart).
    pub certified: Vec<bool>,
    /// ... and its function is real ([`Certificate::real`]).
    pub real: Vec<bool>,
    /// Radius of the certified box (max-norm, in the chart's free weights; NaN if not certified).
    pub radius: Vec<f64>,
    /// Certified, and its coefficient enclosure is disjoint from every other certified row's:
    /// a function different from all the others.
    pub distinct: Vec<bool>,
}

/// Certify every row of `thetas` (`k × N` full weight vectors, each put into its best gauge
/// chart) as an approximate critical point for the parameter `b` (`dL·M`), in parallel, and
/// check that the certified points are pairwise different functions.
pub fn certify_weight_vectors(sys: &CriticalSystem, thetas: &ComplexMatrix, b: &[Complex64]) -> Result<CertifiedBatch, CoreError> {
    if b.len() != sys.ambient() {
        return Err(CoreError::invalid(format!("b must have {} entries (dL*M), got {}", sys.ambient(), b.len())));
    }
    if thetas.cols() != sys.num_weights() {
        return Err(CoreError::invalid(format!("thetas must have {} columns (all weights), got {}", sys.num_weights(), thetas.cols())));
    }
    let rows: Vec<&[Complex64]> = thetas.iter_rows().collect();
    let certs: Vec<Option<Certificate>> = rows.par_iter().map(|w| sys.normalize(w).map(|(chart, th)| certify_root(sys, &chart, &th, b))).collect();
    let certified: Vec<bool> = certs.iter().map(|c| c.as_ref().is_some_and(|c| c.certified)).collect();
    let real = certs.iter().map(|c| c.as_ref().is_some_and(|c| c.real)).collect();
    let radius = certs.iter().map(|c| c.as_ref().map_or(f64::NAN, |c| c.radius)).collect();
    let enclosures: Vec<&[Ball]> = certs.iter().map(|c| c.as_ref().map_or(&[][..], |c| &c.coefficients[..])).collect();
    let distinct = (0..rows.len())
        .into_par_iter()
        .map(|i| certified[i] && (0..rows.len()).all(|j| j == i || !certified[j] || disjoint(enclosures[i], enclosures[j])))
        .collect();
    Ok(CertifiedBatch { certified, real, radius, distinct })
}

/// Are the two enclosures of coefficient vectors certainly disjoint (in some coordinate)?
fn disjoint(a: &[Ball], b: &[Ball]) -> bool {
    a.iter().zip(b).any(|(&x, &y)| {
        let d = x - y;
        // |x − y| > r_x + r_y for every pair of points: the midpoint distance's lower bound
        let lower = (d.mid().re.abs().max(d.mid().im.abs())) * (1.0 - 1e-15) - d.rad();
        lower > 0.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;
    use crate::testing::rand_c;

    /// (2,2,3), r = 2 with `Q = I` and `b = c(θ0)` for a random real θ0: θ0 is a real zero of
    /// the critical equations (the loss is zero there).
    fn planted(seed: u64, real: bool) -> (CriticalSystem, GaugeChart, Vec<Complex64>, Vec<Complex64>) {
        let mut q = vec![complex::ZERO; 81];
        (0..9).for_each(|i| q[i * 10] = complex::ONE);
        let sys = CriticalSystem::new(vec![2, 2, 3], vec![2], q).unwrap();
        let chart = GaugeChart::first_column(&[2, 2, 3]);
        let mut rng = SplitMix64::new(seed);
        let theta: Vec<Complex64> = (0..8).map(|_| if real { complex::real(rand_c(&mut rng).re) } else { rand_c(&mut rng) }).collect();
        let (c, _) = sys.coefficients_and_jacobian(&chart, &theta);
        // real data are exactly real (the grid of roots of unity leaves rounding-level imaginary parts)
        let c = if real { c.iter().map(|z| complex::real(z.re)).collect() } else { c };
        (sys, chart, theta, c)
    }

    #[test]
    fn a_planted_root_is_certified_and_real() {
        // (seed 2 draws a nearly singular Jacobian, ‖F'⁻¹‖ ≈ 1e8: not certifiable in double precision)
        for seed in [0, 1, 3, 4, 5, 6] {
            let (sys, chart, theta, b) = planted(seed, true);
            let noisy: Vec<Complex64> = theta.iter().map(|&z| z + Complex64::new(1e-9, -1e-9)).collect();
            let cert = certify_root(&sys, &chart, &noisy, &b);
            assert!(cert.certified && cert.real && cert.real_weights, "seed {seed}: {cert:?}");
            // the box contains the planted root, and the coefficient enclosure its coefficients
            assert!(cert.center.iter().zip(&theta).all(|(c, t)| (*c - *t).norm() <= cert.radius));
            assert!(cert.coefficients.iter().zip(&b).all(|(e, &z)| e.contains(z) && e.rad() < 1e-7), "{cert:?}");
        }
        // complex data: certified, not real
        let (sys, chart, theta, b) = planted(7, false);
        let cert = certify_root(&sys, &chart, &theta, &b);
        assert!(cert.certified && !cert.real, "{cert:?}");
        // a real function of conjugate neurons: W1 rows (1, t), (1, t̄), W2 columns p, p̄ — complex
        // weights, real coefficients; b = c(θ) (rounded to real). Certified real function, not real weights.
        let mut rng = SplitMix64::new(9);
        let t = rand_c(&mut rng);
        let mut conj_theta = vec![t, t.conj()];
        for _ in 0..3 {
            let p = rand_c(&mut rng);
            conj_theta.extend([p, p.conj()]);
        }
        let (c, _) = sys.coefficients_and_jacobian(&chart, &conj_theta);
        assert!(c.iter().all(|z| z.im.abs() < 1e-14));
        let b: Vec<Complex64> = c.iter().map(|z| complex::real(z.re)).collect();
        let cert = certify_root(&sys, &chart, &conj_theta, &b);
        assert!(cert.certified && cert.real && !cert.real_weights, "{cert:?}");
        // with the data made complex the same point is certified, but not real
        let mut bc = b.clone();
        bc[0] += Complex64::new(0.0, 1e-300);
        let cert = certify_root(&sys, &chart, &conj_theta, &bc);
        assert!(cert.certified && !cert.real, "{cert:?}");
    }

    #[test]
    fn non_roots_and_boxes_with_two_roots_are_refused() {
        let (sys, chart, theta, b) = planted(1, true);
        // a far point: Newton does not converge in a few steps to a certifiable box
        let far: Vec<Complex64> = theta.iter().map(|&z| z + complex::real(0.4)).collect();
        let n = far.len();
        let (mut f, mut j) = (vec![complex::ZERO; n], vec![complex::ZERO; n * n]);
        sys.evaluate(&chart, &far, &b, &mut f, &mut j);
        let y = inverse(&j, n).unwrap();
        let center: Vec<Ball> = far.iter().map(|&z| Ball::point(z)).collect();
        let mut fb = vec![Ball::ZERO; n];
        sys.evaluate_balls(&chart, &center, &b, &mut fb, None);
        let yf: Vec<Ball> = (0..n).map(|i| (0..n).fold(Ball::ZERO, |acc, k| Ball::point(y[i * n + k]).mul_add(fb[k], acc))).collect();
        for rho in [1e-12, 1e-8, 1e-4, 1e-2] {
            assert!(!krawczyk_contains(&sys, &chart, &far, &b, &y, &yf, rho), "rho {rho}");
        }
        // a box holding two zeros: θ0 and θ0 with the hidden neurons swapped (the same function,
        // another point of the same chart), around their midpoint
        let mut swapped = theta.clone();
        swapped.swap(0, 1);
        for a in 0..3 {
            swapped.swap(2 + 2 * a, 3 + 2 * a);
        }
        let mid: Vec<Complex64> = theta.iter().zip(&swapped).map(|(&x, &y)| (x + y).scale(0.5)).collect();
        let half = theta.iter().zip(&swapped).map(|(&x, &y)| (x - y).norm()).fold(0.0f64, f64::max) * 0.5;
        assert!(half > 1e-3);
        sys.evaluate(&chart, &mid, &b, &mut f, &mut j);
        if let Some(y) = inverse(&j, n) {
            let center: Vec<Ball> = mid.iter().map(|&z| Ball::point(z)).collect();
            sys.evaluate_balls(&chart, &center, &b, &mut fb, None);
            let yf: Vec<Ball> = (0..n).map(|i| (0..n).fold(Ball::ZERO, |acc, k| Ball::point(y[i * n + k]).mul_add(fb[k], acc))).collect();
            for rho in [1.01 * half, 2.0 * half, 4.0 * half] {
                assert!(!krawczyk_contains(&sys, &chart, &mid, &b, &y, &yf, rho), "rho {rho}");
            }
        }
        // a non-root is not certified (Newton would have to move it too far)
        assert!(!certify_root(&sys, &chart, &far, &b).certified);
        // the batch: a duplicated root is certified twice but not distinct; a dead neuron is not
        let full = chart.full_weights(&theta);
        let mut rows = full.clone();
        rows.extend(full.iter().map(|z| *z * complex::real(1.0 + 1e-11)));
        rows.extend(vec![complex::ZERO; full.len()]);
        let out = certify_weight_vectors(&sys, &ComplexMatrix::new(3, full.len(), rows).unwrap(), &b).unwrap();
        assert_eq!(out.certified, vec![true, true, false]);
        assert_eq!(out.distinct, vec![false, false, false]);
        assert!(out.radius[2].is_nan());
        assert!(certify_weight_vectors(&sys, &ComplexMatrix::new(1, 3, vec![complex::ZERO; 3]).unwrap(), &b).is_err());
    }
}
