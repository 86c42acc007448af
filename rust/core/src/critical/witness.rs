//! Witness systems: the points of a neurovariety on an affine-linear slice of its ambient space.
//!
//! [`WitnessSystem`]: `F(θ; b) = A c(θ) − b` in gauge-fixed weights `θ` (the chart convention of
//! [`gauge`](super::gauge)), `A` a complex `k × amb` matrix with `k` the number of unknowns, the
//! parameters `b ∈ Cᵏ`; `∂F/∂θ = A J(θ)`, `∂F/∂b = −I`. For generic `(A, b)` its solutions are
//! the weights over the `deg V` points of `V ∩ {A c = b}` — a pseudo-witness set. With a
//! [`WeightSlice`] `θ = p + S t` (`m = dim V` unknowns `t`, `A` then `m × amb`) defective
//! architectures, whose gauge-fixed fibres are positive-dimensional, become square too; the
//! chart is then fixed.
//!
//! `c(θ)` and `J(θ)` are those of [`CriticalSystem::coefficients_and_jacobian`] (with `Q = 0`:
//! only the coefficient map is used).
//!
//! ```
//! use neurovariety_core::complex::{Complex64, ComplexMatrix};
//! use neurovariety_core::critical::WitnessSystem;
//!
//! // (2,1,1), r=2: two unknowns, coefficients in C^3
//! let a = ComplexMatrix::new(2, 3, vec![Complex64::new(1.0, 0.0); 6])?;
//! let sys = WitnessSystem::new(vec![2, 1, 1], vec![2], a, None)?;
//! assert_eq!((sys.num_unknowns(), sys.num_weights(), sys.ambient()), (2, 3, 3));
//! # Ok::<(), neurovariety_core::CoreError>(())
//! ```

use super::batch::{evaluate_rows, map_rows, track_rows};
use super::gauge::{self, GaugeChart};
use super::slice::{Sliced, WeightSlice};
use super::{CriticalSystem, CriticalValues, TrackedBatch};
use crate::arch::Architecture;
use crate::complex::{self, mul_add, Complex64, ComplexMatrix};
use crate::error::CoreError;
use crate::homotopy::{Cancel, Homotopy, TrackerOptions};

/// `F(θ; b) = A c(θ) − b` (see the module documentation).
#[derive(Debug)]
pub struct WitnessSystem {
    map: CriticalSystem,
    /// `A`, row-major `k × amb`.
    a: Vec<Complex64>,
    k: usize,
    slice: Option<WeightSlice<GaugeChart>>,
}

/// A weight slice `θ = p + S t` in the default (first-column) gauge chart of `widths`: `p` has
/// one entry per gauge-fixed weight, `s` is `n × m`.
pub fn default_chart_slice(widths: &[usize], p: Vec<Complex64>, s: ComplexMatrix) -> Result<WeightSlice<GaugeChart>, CoreError> {
    let chart = GaugeChart::first_column(widths);
    if s.rows() != chart.num_free() {
        return Err(CoreError::invalid(format!("the slice matrix S must have {} rows (gauge-fixed weights), got {}", chart.num_free(), s.rows())));
    }
    WeightSlice::new(chart, p, s)
}

/// The coefficient map alone: a [`CriticalSystem`] with `Q = 0`.
fn coefficient_map(widths: Vec<usize>, exponents: Vec<u32>) -> Result<CriticalSystem, CoreError> {
    let arch = Architecture::new(widths.clone(), exponents.clone())?;
    let amb = arch.output_monomials().and_then(|m| (m as usize).checked_mul(arch.outputs()));
    let amb = amb.filter(|&a| a <= 1 << 11).ok_or_else(|| CoreError::ResourceLimit(format!("too many coefficients for the witness system: {widths:?}")))?;
    CriticalSystem::new(widths, exponents, vec![complex::ZERO; amb * amb])
}

impl WitnessSystem {
    /// The witness system of an architecture for the slicing matrix `a` (`k × amb`); with
    /// `slice = Some((p, S))` (default chart, [`default_chart_slice`]) `k` must be the number
    /// of columns of `S`, otherwise the number of gauge-fixed weights.
    pub fn new(widths: Vec<usize>, exponents: Vec<u32>, a: ComplexMatrix, slice: Option<(Vec<Complex64>, ComplexMatrix)>) -> Result<Self, CoreError> {
        let map = coefficient_map(widths, exponents)?;
        let slice = slice.map(|(p, s)| default_chart_slice(map.widths(), p, s)).transpose()?;
        let k = slice.as_ref().map_or(map.num_unknowns(), WeightSlice::dim);
        if a.rows() != k || a.cols() != map.ambient() {
            let what = if slice.is_some() { "the slice's dimension m" } else { "gauge-fixed weights" };
            return Err(CoreError::invalid(format!("slicing matrix A must be {k} x {} ({what} x dL*M), got {} x {}", map.ambient(), a.rows(), a.cols())));
        }
        if a.as_slice().iter().any(|z| !z.is_finite()) {
            return Err(CoreError::invalid("slicing matrix A must be finite"));
        }
        Ok(WitnessSystem { map, a: a.into_vec(), k, slice })
    }

    /// Number of unknowns `k` (gauge-fixed weights, or `m` with a slice) and of equations.
    pub fn num_unknowns(&self) -> usize {
        self.k
    }

    /// Number of weights `N`.
    pub fn num_weights(&self) -> usize {
        self.map.num_weights()
    }

    /// Length `dL·M` of the coefficient vector.
    pub fn ambient(&self) -> usize {
        self.map.ambient()
    }

    /// The widths `(d0, …, dL)`.
    pub fn widths(&self) -> &[usize] {
        self.map.widths()
    }

    /// The weight slice, if any.
    pub fn slice(&self) -> Option<&WeightSlice<GaugeChart>> {
        self.slice.as_ref()
    }

    /// Length of a point as the batch functions take it: `N` full weights, or `m` without.
    pub fn point_len(&self) -> usize {
        self.slice.as_ref().map_or(self.num_weights(), WeightSlice::dim)
    }

    /// `c` and its Jacobian with respect to the unknowns (`amb × k`) at `x` in `chart`.
    pub fn coefficients_and_jacobian(&self, chart: &GaugeChart, x: &[Complex64]) -> (Vec<Complex64>, Vec<Complex64>) {
        match &self.slice {
            Some(s) => {
                let (c, j) = self.map.coefficients_and_jacobian(&s.chart, &s.point(x));
                let js = s.right(&j, self.ambient());
                (c, js)
            }
            None => self.map.coefficients_and_jacobian(chart, x),
        }
    }

    /// The full weights (package order) of the unknowns `x` in `chart`.
    pub fn full_weights(&self, chart: &GaugeChart, x: &[Complex64]) -> Vec<Complex64> {
        match &self.slice {
            Some(s) => s.chart.full_weights(&s.point(x)),
            None => chart.full_weights(x),
        }
    }

    fn eval(&self, chart: &GaugeChart, x: &[Complex64], b: &[Complex64], f: &mut [Complex64], jac: Option<&mut [Complex64]>) {
        let (amb, k) = (self.ambient(), self.k);
        let (c, j) = self.coefficients_and_jacobian(chart, x);
        for (i, fv) in f.iter_mut().enumerate() {
            let row = &self.a[i * amb..(i + 1) * amb];
            *fv = row.iter().zip(&c).fold(-b[i], |acc, (&av, &cv)| mul_add(av, cv, acc));
        }
        if let Some(h) = jac {
            h.iter_mut().for_each(|v| *v = complex::ZERO);
            for i in 0..k {
                let out = &mut h[i * k..(i + 1) * k];
                for (l, &av) in self.a[i * amb..(i + 1) * amb].iter().enumerate() {
                    for (o, &jv) in out.iter_mut().zip(&j[l * k..(l + 1) * k]) {
                        *o = mul_add(av, jv, *o);
                    }
                }
            }
        }
    }
}

impl Homotopy for WitnessSystem {
    type Chart = GaugeChart;

    fn dim(&self) -> usize {
        self.k
    }

    fn num_params(&self) -> usize {
        self.k
    }

    fn evaluate(&self, chart: &GaugeChart, x: &[Complex64], b: &[Complex64], f: &mut [Complex64], jac: &mut [Complex64]) {
        self.eval(chart, x, b, f, Some(jac));
    }

    fn residual(&self, chart: &GaugeChart, x: &[Complex64], b: &[Complex64], f: &mut [Complex64]) {
        self.eval(chart, x, b, f, None);
    }

    fn param_derivative(&self, _chart: &GaugeChart, _x: &[Complex64], _b: &[Complex64], db: &[Complex64], out: &mut [Complex64]) {
        for (o, &d) in out.iter_mut().zip(db) {
            *o = -d;
        }
    }

    /// Without a slice, switch gauge charts like the critical system; a slice fixes the chart.
    fn rechart(&self, chart: &mut GaugeChart, x: &mut Vec<Complex64>) {
        if self.slice.is_none() && gauge::needs_switch(self.widths(), chart, x) {
            if let Some((c, t)) = self.map.normalize(&chart.full_weights(x)) {
                *chart = c;
                *x = t;
            }
        }
    }
}

/// A point given as the batch functions take it (full weights, or `t` with a slice) in its
/// chart; `None` for a dead hidden neuron or non-finite values.
fn witness_chart(sys: &WitnessSystem, row: &[Complex64]) -> Option<(GaugeChart, Vec<Complex64>)> {
    match &sys.slice {
        Some(s) => row.iter().all(|z| z.is_finite()).then(|| (s.chart.clone(), row.to_vec())),
        None => sys.map.normalize(row),
    }
}

fn check_points(rows: &ComplexMatrix, cols: usize, what: &str) -> Result<(), CoreError> {
    if rows.cols() != cols {
        return Err(CoreError::invalid(format!("{what} must have {cols} columns, got {}", rows.cols())));
    }
    Ok(())
}

/// Track points (`k × point_len`: full weights, or `t` with a slice) through the parameter
/// `nodes` (`K × k`, `K >= 2`); ends in the same form.
pub fn track_witness(
    sys: &WitnessSystem,
    starts: &ComplexMatrix,
    nodes: &ComplexMatrix,
    opts: &TrackerOptions,
    cancel: &Cancel,
) -> Result<TrackedBatch, CoreError> {
    check_points(starts, sys.point_len(), "starts")?;
    let back = |chart: &GaugeChart, x: &[Complex64]| if sys.slice.is_some() { x.to_vec() } else { chart.full_weights(x) };
    track_rows(sys, starts, nodes, opts, cancel, |row| witness_chart(sys, row), back)
}

/// `F` (`k`), `c` (`amb`) and `∂c/∂x` (`amb × k`) at every point (rows of `points`, as in
/// [`track_witness`]) for the parameter `b` (`k` entries); NaN rows where there is no chart.
pub fn evaluate_witness(sys: &WitnessSystem, points: &ComplexMatrix, b: &[Complex64]) -> Result<CriticalValues, CoreError> {
    check_points(points, sys.point_len(), "points")?;
    if b.len() != sys.k {
        return Err(CoreError::invalid(format!("b must have {} entries (the rows of A), got {}", sys.k, b.len())));
    }
    Ok(evaluate_rows(points, sys.k, sys.ambient(), |row| {
        let (chart, x) = witness_chart(sys, row)?;
        let mut f = vec![complex::ZERO; sys.k];
        sys.residual(&chart, &x, b, &mut f);
        let (c, j) = sys.coefficients_and_jacobian(&chart, &x);
        Some((f, c, j))
    }))
}

/// The full weights (`k × N`, package order) of points given as in [`track_witness`].
pub fn witness_weights(sys: &WitnessSystem, points: &ComplexMatrix) -> Result<ComplexMatrix, CoreError> {
    check_points(points, sys.point_len(), "points")?;
    map_rows(points, sys.num_weights(), |row| match &sys.slice {
        Some(s) => s.chart.full_weights(&s.point(row)),
        None => row.to_vec(),
    })
}

/// The critical equations restricted to a weight slice in the default chart (`Sᵀ F(p + S t)`).
pub type SlicedCriticalSystem = Sliced<CriticalSystem>;

/// Track slice coordinates `t` (rows of `starts`, `k × m`) of a sliced critical system.
pub fn track_sliced(
    sys: &SlicedCriticalSystem,
    starts: &ComplexMatrix,
    nodes: &ComplexMatrix,
    opts: &TrackerOptions,
    cancel: &Cancel,
) -> Result<TrackedBatch, CoreError> {
    check_points(starts, sys.dim(), "starts")?;
    let chart_of = |row: &[Complex64]| row.iter().all(|z| z.is_finite()).then(|| ((), row.to_vec()));
    track_rows(sys, starts, nodes, opts, cancel, chart_of, |_, x| x.to_vec())
}

/// `G = Sᵀ F` (`m`), `c` (`amb`) and `∂c/∂t = J S` (`amb × m`) at slice coordinates `t`.
pub fn evaluate_sliced(sys: &SlicedCriticalSystem, points: &ComplexMatrix, b: &[Complex64]) -> Result<CriticalValues, CoreError> {
    let (m, amb) = (sys.dim(), sys.inner().ambient());
    check_points(points, m, "points")?;
    if b.len() != amb {
        return Err(CoreError::invalid(format!("b must have {amb} entries (dL*M), got {}", b.len())));
    }
    Ok(evaluate_rows(points, m, amb, |t| {
        if !t.iter().all(|z| z.is_finite()) {
            return None;
        }
        let mut g = vec![complex::ZERO; m];
        sys.residual(&(), t, b, &mut g);
        let s = sys.slice();
        let (c, j) = sys.inner().coefficients_and_jacobian(&s.chart, &s.point(t));
        Some((g, c, s.right(&j, amb)))
    }))
}

/// The full weights (`k × N`) of slice coordinates `t`.
pub fn sliced_weights(sys: &SlicedCriticalSystem, points: &ComplexMatrix) -> Result<ComplexMatrix, CoreError> {
    check_points(points, sys.dim(), "points")?;
    let s = sys.slice();
    map_rows(points, sys.inner().num_weights(), |t| s.chart.full_weights(&s.point(t)))
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;
    use crate::homotopy::{norm2, track_segments, PathStatus};
    use crate::rng::SplitMix64;
    use crate::testing::{close, rand_c};

    fn rand_vec(rng: &mut SplitMix64, n: usize) -> Vec<Complex64> {
        (0..n).map(|_| rand_c(rng)).collect()
    }

    fn rand_matrix(rng: &mut SplitMix64, rows: usize, cols: usize) -> ComplexMatrix {
        ComplexMatrix::new(rows, cols, rand_vec(rng, rows * cols)).unwrap()
    }

    fn amb_of(widths: &[usize], exps: &[u32]) -> usize {
        let degree: u32 = exps.iter().product();
        widths.last().unwrap() * crate::poly::num_monomials(widths[0], degree as u64).unwrap() as usize
    }

    /// Central differences of `h` at `x` against its Jacobian and parameter derivative.
    fn check_derivatives<H: Homotopy>(h: &H, chart: &H::Chart, x: &[Complex64], b: &[Complex64], what: &str) {
        let n = h.dim();
        let (mut f0, mut jac) = (vec![complex::ZERO; n], vec![complex::ZERO; n * n]);
        h.evaluate(chart, x, b, &mut f0, &mut jac);
        let eps = 1e-6;
        for k in 0..n {
            let (mut xp, mut xm) = (x.to_vec(), x.to_vec());
            xp[k] += complex::real(eps);
            xm[k] -= complex::real(eps);
            let (mut fp, mut fm) = (vec![complex::ZERO; n], vec![complex::ZERO; n]);
            h.residual(chart, &xp, b, &mut fp);
            h.residual(chart, &xm, b, &mut fm);
            for i in 0..n {
                let fd = (fp[i] - fm[i]).scale(0.5 / eps);
                assert!(close(fd, jac[i * n + k], 1e-6), "{what} entry ({i},{k}): {fd:?} vs {:?}", jac[i * n + k]);
            }
        }
        // F is affine in b: the parameter derivative is exact
        let db: Vec<Complex64> = (0..b.len()).map(|i| Complex64::new(0.1 * i as f64, 1.0)).collect();
        let b2: Vec<Complex64> = b.iter().zip(&db).map(|(&u, &d)| u + d).collect();
        let (mut f2, mut dfb) = (vec![complex::ZERO; n], vec![complex::ZERO; n]);
        h.residual(chart, x, &b2, &mut f2);
        h.param_derivative(chart, x, b, &db, &mut dfb);
        let (mut f3, mut j3, mut d3) = (vec![complex::ZERO; n], vec![complex::ZERO; n * n], vec![complex::ZERO; n]);
        h.evaluate_with_param_derivative(chart, x, b, &db, &mut f3, &mut j3, &mut d3);
        for i in 0..n {
            assert!(close(f2[i] - f0[i], dfb[i], 1e-10), "{what}: parameter derivative {i}");
            assert!(close(f3[i], f0[i], 1e-12) && close(d3[i], dfb[i], 1e-12), "{what}: combined evaluation");
        }
        assert!(j3.iter().zip(&jac).all(|(u, v)| close(*u, *v, 1e-12)));
    }

    #[test]
    fn witness_jacobians_match_finite_differences() {
        for (widths, exps, seed) in [(vec![2, 2, 3], vec![2], 1u64), (vec![2, 2, 2, 1], vec![2, 3], 2), (vec![3, 1, 1], vec![2], 3)] {
            let mut rng = SplitMix64::new(seed);
            let amb = amb_of(&widths, &exps);
            let n = GaugeChart::first_column(&widths).num_free();
            let sys = WitnessSystem::new(widths.clone(), exps.clone(), rand_matrix(&mut rng, n, amb), None).unwrap();
            let chart = GaugeChart::first_column(&widths);
            check_derivatives(&sys, &chart, &rand_vec(&mut rng, n), &rand_vec(&mut rng, n), &format!("{widths:?}"));
            // sliced to m = 2 unknowns
            let m = 2;
            let slice = Some((rand_vec(&mut rng, n), rand_matrix(&mut rng, n, m)));
            let sliced = WitnessSystem::new(widths.clone(), exps, rand_matrix(&mut rng, m, amb), slice).unwrap();
            let chart = sliced.slice().unwrap().chart.clone();
            check_derivatives(&sliced, &chart, &rand_vec(&mut rng, m), &rand_vec(&mut rng, m), &format!("sliced {widths:?}"));
        }
    }

    #[test]
    fn sliced_critical_jacobians_match_finite_differences() {
        for (widths, exps, seed) in [(vec![3, 2, 1], vec![2], 4u64), (vec![2, 1, 2, 1], vec![2, 2], 5)] {
            let mut rng = SplitMix64::new(seed);
            let amb = amb_of(&widths, &exps);
            let mut q = vec![complex::ZERO; amb * amb];
            for i in 0..amb {
                for j in 0..=i {
                    let v = rand_c(&mut rng);
                    q[i * amb + j] = v;
                    q[j * amb + i] = v;
                }
            }
            let inner = CriticalSystem::new(widths.clone(), exps, q).unwrap();
            let n = inner.num_unknowns();
            let m = n - 1;
            let slice = default_chart_slice(&widths, rand_vec(&mut rng, n), rand_matrix(&mut rng, n, m)).unwrap();
            let sys = Sliced::new(inner, slice).unwrap();
            let (t, b) = (rand_vec(&mut rng, m), rand_vec(&mut rng, amb));
            check_derivatives(&sys, &(), &t, &b, &format!("sliced critical {widths:?}"));
            // G = Sᵀ F(p + S t) for the unsliced F, and the Hessian stays symmetric
            let (mut g, mut h) = (vec![complex::ZERO; m], vec![complex::ZERO; m * m]);
            sys.evaluate(&(), &t, &b, &mut g, &mut h);
            let mut f = vec![complex::ZERO; n];
            sys.inner().residual(&sys.slice().chart, &sys.slice().point(&t), &b, &mut f);
            let want = sys.slice().left(&f, 1);
            assert!(g.iter().zip(&want).all(|(u, v)| close(*u, *v, 1e-13)));
            assert!((0..m).all(|i| (0..m).all(|k| close(h[i * m + k], h[k * m + i], 1e-10))));
            let v = evaluate_sliced(&sys, &ComplexMatrix::new(1, m, t.clone()).unwrap(), &b).unwrap();
            assert!(v.f.iter().zip(&g).all(|(u, w)| close(*u, *w, 1e-13)));
            let full = sliced_weights(&sys, &ComplexMatrix::new(1, m, t).unwrap()).unwrap();
            assert_eq!(full.cols(), sys.inner().num_weights());
        }
    }

    /// Monodromy on `(2,1,1)`, r = 2 (the conic of squares, degree 2): loops through random
    /// parameters find exactly two points of `V ∩ {A c = b0}`.
    #[test]
    fn conic_witness_set_has_two_points() {
        let mut rng = SplitMix64::new(9);
        let sys = WitnessSystem::new(vec![2, 1, 1], vec![2], rand_matrix(&mut rng, 2, 3), None).unwrap();
        let chart = GaugeChart::first_column(&[2, 1, 1]);
        let theta0 = rand_vec(&mut rng, 2);
        let (c0, _) = sys.coefficients_and_jacobian(&chart, &theta0);
        let b0: Vec<Complex64> = (0..2).map(|i| (0..3).fold(complex::ZERO, |acc, l| acc + sys.a[i * 3 + l] * c0[l])).collect();
        let mut points: Vec<Vec<Complex64>> = vec![c0];
        let mut starts = vec![(chart, theta0)];
        for _ in 0..10 {
            let nodes = vec![b0.clone(), rand_vec(&mut rng, 2), rand_vec(&mut rng, 2), b0.clone()];
            let mut found = Vec::new();
            for (ch, x) in &starts {
                let res = track_segments(&sys, ch.clone(), x, &nodes, &TrackerOptions::default(), &Cancel::new());
                assert_eq!(res.status, PathStatus::Success);
                let (c, _) = sys.coefficients_and_jacobian(&res.chart, &res.x);
                let mut f = vec![complex::ZERO; 2];
                sys.residual(&res.chart, &res.x, &b0, &mut f);
                assert!(norm2(&f) < 1e-10);
                if points.iter().all(|p| norm2(&p.iter().zip(&c).map(|(u, v)| *u - *v).collect::<Vec<_>>()) > 1e-6 * norm2(&c)) {
                    points.push(c);
                    found.push((res.chart, res.x));
                }
            }
            starts.extend(found);
        }
        assert_eq!(points.len(), 2);
        // both are squares of linear forms: the discriminant c1² − 4 c0 c2 vanishes
        for c in &points {
            assert!((c[1] * c[1] - c[0] * c[2].scale(4.0)).norm() < 1e-9 * norm2(c).powi(2));
        }
        // the same through the batch function, with full weight vectors in and out
        let full: Vec<Complex64> = starts.iter().flat_map(|(ch, x)| ch.full_weights(x)).collect();
        let starts = ComplexMatrix::new(2, 3, full).unwrap();
        let nodes = ComplexMatrix::from_rows(2, &[b0.clone(), rand_vec(&mut rng, 2), b0.clone()]).unwrap();
        let out = track_witness(&sys, &starts, &nodes, &TrackerOptions::default(), &Cancel::new()).unwrap();
        assert!(out.status.iter().all(|&s| s == PathStatus::Success));
        let v = evaluate_witness(&sys, &out.ends, &b0).unwrap();
        assert!(norm2(&v.f) < 1e-9);
    }

    #[test]
    fn bad_shapes_are_rejected() {
        let mut rng = SplitMix64::new(1);
        let w = || vec![2, 2, 3];
        let err = WitnessSystem::new(w(), vec![2], rand_matrix(&mut rng, 7, 9), None).unwrap_err();
        assert!(err.is_invalid_input() && err.to_string().contains("8 x 9"), "{err}");
        assert!(WitnessSystem::new(w(), vec![2], rand_matrix(&mut rng, 8, 8), None).is_err());
        let mut bad = rand_matrix(&mut rng, 8, 9).into_vec();
        bad[3] = Complex64::new(f64::NAN, 0.0);
        assert!(WitnessSystem::new(w(), vec![2], ComplexMatrix::new(8, 9, bad).unwrap(), None).is_err());
        // slices: p of the wrong length, S with too many rows or columns, A not m x amb
        let s = |p: usize, r: usize, c: usize, rng: &mut SplitMix64| Some((rand_vec(rng, p), rand_matrix(rng, r, c)));
        assert!(WitnessSystem::new(w(), vec![2], rand_matrix(&mut rng, 3, 9), s(7, 8, 3, &mut rng)).unwrap_err().to_string().contains("p"));
        assert!(WitnessSystem::new(w(), vec![2], rand_matrix(&mut rng, 3, 9), s(9, 9, 3, &mut rng)).unwrap_err().to_string().contains("8 rows"));
        assert!(WitnessSystem::new(w(), vec![2], rand_matrix(&mut rng, 9, 9), s(8, 8, 9, &mut rng)).is_err());
        assert!(WitnessSystem::new(w(), vec![2], rand_matrix(&mut rng, 4, 9), s(8, 8, 3, &mut rng)).unwrap_err().to_string().contains("3 x 9"));
        assert!(WitnessSystem::new(vec![2, 0, 3], vec![2], rand_matrix(&mut rng, 1, 1), None).unwrap_err().is_invalid_input());
        let huge = WitnessSystem::new(vec![30, 30, 1], vec![3], rand_matrix(&mut rng, 1, 1), None).unwrap_err();
        assert!(matches!(huge, CoreError::ResourceLimit(_)), "{huge:?}");
        // batch shapes
        let sys = WitnessSystem::new(w(), vec![2], rand_matrix(&mut rng, 8, 9), None).unwrap();
        let nodes = rand_matrix(&mut rng, 2, 8);
        assert!(track_witness(&sys, &rand_matrix(&mut rng, 1, 8), &nodes, &TrackerOptions::default(), &Cancel::new())
            .unwrap_err()
            .to_string()
            .contains("10 columns"));
        assert!(track_witness(&sys, &rand_matrix(&mut rng, 1, 10), &rand_matrix(&mut rng, 2, 9), &TrackerOptions::default(), &Cancel::new()).is_err());
        assert!(evaluate_witness(&sys, &rand_matrix(&mut rng, 1, 10), &rand_vec(&mut rng, 9)).is_err());
        let inner = CriticalSystem::new(w(), vec![2], vec![complex::ZERO; 81]).unwrap();
        let slice = default_chart_slice(&[2, 2, 2], rand_vec(&mut rng, 6), rand_matrix(&mut rng, 6, 2)).unwrap();
        assert!(Sliced::new(inner, slice).unwrap_err().to_string().contains("8 rows"));
    }
}
