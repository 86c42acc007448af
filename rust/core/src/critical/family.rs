//! The critical equations with the loss weight moving too: parameters `p = (b, vec Q)`.
//!
//! `F(θ; b, Q) = J(θ)ᵀ (Q c(θ) − b)` is linear in `(b, Q)` jointly, so a straight segment in
//! `p` is a parameter homotopy between two losses with different weights. Its purpose: start
//! from the complete critical set of a *generic* weight (whose completeness the trace test can
//! prove) and track it to a special weight (the data's moment matrix, the identity), where the
//! trace test cannot (critical points at infinity for every `b`). Every isolated critical point
//! of the special loss is the end of one of those paths (parameter continuation).

use super::gauge::GaugeChart;
use super::system::CriticalSystem;
use crate::complex::{self, Complex64};
use crate::homotopy::Homotopy;

/// [`CriticalSystem`] as a homotopy in `p = (b, vec Q)` (`amb + amb²` entries, `Q` row-major);
/// the system's own `Q` is not used.
#[derive(Debug)]
pub struct WeightFamily<'a> {
    sys: &'a CriticalSystem,
}

impl<'a> WeightFamily<'a> {
    pub fn new(sys: &'a CriticalSystem) -> Self {
        WeightFamily { sys }
    }

    fn split<'p>(&self, p: &'p [Complex64]) -> (&'p [Complex64], &'p [Complex64]) {
        p.split_at(self.sys.ambient())
    }
}

impl Homotopy for WeightFamily<'_> {
    type Chart = GaugeChart;

    fn dim(&self) -> usize {
        self.sys.num_unknowns()
    }

    fn num_params(&self) -> usize {
        let amb = self.sys.ambient();
        amb + amb * amb
    }

    fn evaluate(&self, chart: &GaugeChart, x: &[Complex64], p: &[Complex64], f: &mut [Complex64], jac: &mut [Complex64]) {
        let (b, q) = self.split(p);
        self.sys.eval_impl(chart, x, b, q, f, Some(jac), None);
    }

    fn residual(&self, chart: &GaugeChart, x: &[Complex64], p: &[Complex64], f: &mut [Complex64]) {
        let (b, q) = self.split(p);
        self.sys.eval_impl(chart, x, b, q, f, None, None);
    }

    fn param_derivative(&self, chart: &GaugeChart, x: &[Complex64], p: &[Complex64], dp: &[Complex64], out: &mut [Complex64]) {
        let (b, q) = self.split(p);
        let mut f = vec![complex::ZERO; self.dim()];
        self.sys.eval_impl(chart, x, b, q, &mut f, None, Some((dp, out)));
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
        let (b, q) = self.split(p);
        self.sys.eval_impl(chart, x, b, q, f, Some(jac), Some((dp, out)));
    }

    fn rechart(&self, chart: &mut GaugeChart, x: &mut Vec<Complex64>) {
        self.sys.rechart(chart, x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::homotopy::{norm2, track_segments, Cancel, PathStatus, TrackerOptions};
    use crate::rng::SplitMix64;
    use crate::testing::{close, rand_c};

    fn symmetric(amb: usize, rng: &mut SplitMix64) -> Vec<Complex64> {
        let mut q = vec![complex::ZERO; amb * amb];
        for i in 0..amb {
            for j in 0..=i {
                let v = rand_c(rng);
                q[i * amb + j] = v;
                q[j * amb + i] = v;
            }
        }
        q
    }

    #[test]
    fn family_agrees_with_the_fixed_weight_system_and_its_derivative() {
        let mut rng = SplitMix64::new(7);
        let (widths, amb) = (vec![2, 2, 3], 9);
        let q = symmetric(amb, &mut rng);
        let sys = CriticalSystem::new(widths.clone(), vec![2], q.clone()).unwrap();
        let fam = WeightFamily::new(&sys);
        let chart = GaugeChart::first_column(&widths);
        let n = sys.num_unknowns();
        let theta: Vec<Complex64> = (0..n).map(|_| rand_c(&mut rng)).collect();
        let b: Vec<Complex64> = (0..amb).map(|_| rand_c(&mut rng)).collect();
        let p: Vec<Complex64> = b.iter().chain(&q).copied().collect();
        let (mut f0, mut j0, mut f1, mut j1) = (vec![complex::ZERO; n], vec![complex::ZERO; n * n], vec![complex::ZERO; n], vec![complex::ZERO; n * n]);
        sys.evaluate(&chart, &theta, &b, &mut f0, &mut j0);
        fam.evaluate(&chart, &theta, &p, &mut f1, &mut j1);
        assert_eq!((f0, j0), (f1.clone(), j1));
        // F is affine in p: F(p + dp) − F(p) = ∂F/∂p · dp exactly (up to rounding)
        let dp: Vec<Complex64> = (0..fam.num_params()).map(|_| rand_c(&mut rng)).collect();
        let mut d = vec![complex::ZERO; n];
        fam.param_derivative(&chart, &theta, &p, &dp, &mut d);
        let p2: Vec<Complex64> = p.iter().zip(&dp).map(|(&a, &e)| a + e).collect();
        let mut f2 = vec![complex::ZERO; n];
        fam.residual(&chart, &theta, &p2, &mut f2);
        for i in 0..n {
            assert!(close(f2[i] - f1[i], d[i], 1e-11), "{i}: {:?} vs {:?}", f2[i] - f1[i], d[i]);
        }
    }

    #[test]
    fn a_critical_point_follows_the_weight_to_another_loss() {
        // (2,1,1), r = 2: start at a critical point for (b0, Q0), move Q and b together
        let mut rng = SplitMix64::new(3);
        let (widths, amb) = (vec![2, 1, 1], 3);
        let (q0, q1) = (symmetric(amb, &mut rng), symmetric(amb, &mut rng));
        let sys = CriticalSystem::new(widths.clone(), vec![2], q0.clone()).unwrap();
        let chart = GaugeChart::first_column(&widths);
        let theta: Vec<Complex64> = (0..2).map(|_| rand_c(&mut rng)).collect();
        // b0 = Q0 c0 − ν with Jᵀν = 0 (ν: cross product of J's columns) makes θ critical
        let (c, j) = sys.coefficients_and_jacobian(&chart, &theta);
        let (u, v) = ([j[0], j[2], j[4]], [j[1], j[3], j[5]]);
        let nu = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
        let b0: Vec<Complex64> = (0..amb).map(|i| (0..amb).fold(-nu[i], |acc, k| acc + q0[i * amb + k] * c[k])).collect();
        let b1: Vec<Complex64> = (0..amb).map(|_| rand_c(&mut rng)).collect();
        let node = |b: &[Complex64], q: &[Complex64]| b.iter().chain(q).copied().collect::<Vec<_>>();
        let fam = WeightFamily::new(&sys);
        let res = track_segments(&fam, chart, &theta, &[node(&b0, &q0), node(&b1, &q1)], &TrackerOptions::default(), &Cancel::new());
        assert_eq!(res.status, PathStatus::Success);
        // the end is critical for the second loss, checked by a system built with Q1
        let sys1 = CriticalSystem::new(widths, vec![2], q1).unwrap();
        let mut f = vec![complex::ZERO; 2];
        sys1.residual(&res.chart, &res.x, &b1, &mut f);
        assert!(norm2(&f) < 1e-10, "{f:?}");
    }
}
