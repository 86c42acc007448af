//! Weight slices: restricting a system in gauge-fixed weights to an affine-linear subspace.
//!
//! For a defective architecture the gauge-fixed fibres of the parameter map are
//! positive-dimensional, so the systems of [`crate::critical`] are not generically finite. A
//! generic affine slice `θ = p + S t` (`p ∈ Cⁿ`, `S ∈ Cⁿˣᵐ`, `m = dim V`) of the `n` gauge-fixed
//! weights meets the generic fibre in finitely many points, and the parametrisation restricted
//! to it is generically finite onto `V`. The chart of the weights is fixed (no recharting: the
//! slice lives in one chart).
//!
//! * [`WeightSlice`]: the slice itself, `t ↦ p + S t`, and the chain rule `J ↦ J S`;
//! * [`Sliced`]: any square system `F(θ; b)` ([`Homotopy`]) pulled back to `t` as
//!   `G(t; b) = Sᵀ F(p + S t; b)` with `∂G/∂t = Sᵀ (∂F/∂θ) S` and `∂G/∂b = Sᵀ ∂F/∂b` — for a
//!   gradient system such as [`CriticalSystem`](super::CriticalSystem), `G` is the gradient of
//!   the loss restricted to the slice (transposes are bilinear: everything stays holomorphic).
//!
//! ```
//! use neurovariety_core::complex::{Complex64, ComplexMatrix};
//! use neurovariety_core::critical::WeightSlice;
//!
//! let one = Complex64::new(1.0, 0.0);
//! // θ = (1, 0) + (1, 2)ᵀ t in a chart with two unknowns
//! let s = WeightSlice::new((), vec![one, 0.0 * one], ComplexMatrix::new(2, 1, vec![one, 2.0 * one])?)?;
//! assert_eq!(s.point(&[3.0 * one]), vec![4.0 * one, 6.0 * one]);
//! # Ok::<(), neurovariety_core::CoreError>(())
//! ```

use crate::complex::{self, mul_add, Complex64, ComplexMatrix};
use crate::error::CoreError;
use crate::homotopy::Homotopy;

/// The affine slice `θ = p + S t` of `n` weights (in the fixed `chart`) by `m` new unknowns.
#[derive(Debug, Clone)]
pub struct WeightSlice<C> {
    /// The chart the weights `θ` are written in.
    pub chart: C,
    p: Vec<Complex64>,
    /// `S`, row-major `n × m`.
    s: Vec<Complex64>,
    n: usize,
    m: usize,
}

impl<C> WeightSlice<C> {
    /// The slice through `p` (`n` entries) spanned by the columns of `s` (`n × m`, `1 <= m <= n`).
    pub fn new(chart: C, p: Vec<Complex64>, s: ComplexMatrix) -> Result<Self, CoreError> {
        let (n, m) = (s.rows(), s.cols());
        if p.len() != n {
            return Err(CoreError::invalid(format!("the slice point p must have {n} entries (the rows of S), got {}", p.len())));
        }
        if m == 0 || m > n {
            return Err(CoreError::invalid(format!("the slice matrix S must be n x m with 1 <= m <= n, got {n} x {m}")));
        }
        if p.iter().chain(s.as_slice()).any(|z| !z.is_finite()) {
            return Err(CoreError::invalid("the slice (p, S) must be finite"));
        }
        Ok(WeightSlice { chart, p, s: s.into_vec(), n, m })
    }

    /// Number `m` of unknowns `t`.
    pub fn dim(&self) -> usize {
        self.m
    }

    /// Number `n` of sliced weights `θ`.
    pub fn weights(&self) -> usize {
        self.n
    }

    /// `θ = p + S t`.
    pub fn point(&self, t: &[Complex64]) -> Vec<Complex64> {
        let mut out = self.p.clone();
        for (i, o) in out.iter_mut().enumerate() {
            for (&sv, &tv) in self.s[i * self.m..(i + 1) * self.m].iter().zip(t) {
                *o = mul_add(sv, tv, *o);
            }
        }
        out
    }

    /// `J S` for `J` row-major `rows × n`: the Jacobian with respect to `t` (`rows × m`).
    pub fn right(&self, jac: &[Complex64], rows: usize) -> Vec<Complex64> {
        let (n, m) = (self.n, self.m);
        let mut out = vec![complex::ZERO; rows * m];
        for r in 0..rows {
            let o = &mut out[r * m..(r + 1) * m];
            for (i, &jv) in jac[r * n..(r + 1) * n].iter().enumerate() {
                if jv == complex::ZERO {
                    continue;
                }
                for (ov, &sv) in o.iter_mut().zip(&self.s[i * m..(i + 1) * m]) {
                    *ov = mul_add(jv, sv, *ov);
                }
            }
        }
        out
    }

    /// `Sᵀ A` for `A` row-major `n × cols` (`m × cols`).
    pub fn left(&self, a: &[Complex64], cols: usize) -> Vec<Complex64> {
        let m = self.m;
        let mut out = vec![complex::ZERO; m * cols];
        for i in 0..self.n {
            let ar = &a[i * cols..(i + 1) * cols];
            for (k, &sv) in self.s[i * m..(i + 1) * m].iter().enumerate() {
                for (ov, &av) in out[k * cols..(k + 1) * cols].iter_mut().zip(ar) {
                    *ov = mul_add(sv, av, *ov);
                }
            }
        }
        out
    }
}

/// A square system `F(θ; b)` restricted to a weight slice: `G(t; b) = Sᵀ F(p + S t; b)` (see
/// the module documentation). Its chart is `()`: the slice fixes the chart of `θ`.
#[derive(Debug)]
pub struct Sliced<H: Homotopy> {
    inner: H,
    slice: WeightSlice<H::Chart>,
}

impl<H: Homotopy> Sliced<H> {
    /// `inner` restricted to `slice` (whose `n` must be `inner.dim()`).
    pub fn new(inner: H, slice: WeightSlice<H::Chart>) -> Result<Self, CoreError> {
        if slice.weights() != inner.dim() {
            return Err(CoreError::invalid(format!("the slice must have {} rows (the unknowns of the system), got {}", inner.dim(), slice.weights())));
        }
        Ok(Sliced { inner, slice })
    }

    /// The unsliced system.
    pub fn inner(&self) -> &H {
        &self.inner
    }

    /// The slice.
    pub fn slice(&self) -> &WeightSlice<H::Chart> {
        &self.slice
    }
}

impl<H: Homotopy> Homotopy for Sliced<H>
where
    H::Chart: Sync,
{
    type Chart = ();

    fn dim(&self) -> usize {
        self.slice.dim()
    }

    fn num_params(&self) -> usize {
        self.inner.num_params()
    }

    fn evaluate(&self, _chart: &(), t: &[Complex64], b: &[Complex64], f: &mut [Complex64], jac: &mut [Complex64]) {
        let n = self.inner.dim();
        let (mut fi, mut hi) = (vec![complex::ZERO; n], vec![complex::ZERO; n * n]);
        self.inner.evaluate(&self.slice.chart, &self.slice.point(t), b, &mut fi, &mut hi);
        f.copy_from_slice(&self.slice.left(&fi, 1));
        jac.copy_from_slice(&self.slice.left(&self.slice.right(&hi, n), self.slice.dim()));
    }

    fn residual(&self, _chart: &(), t: &[Complex64], b: &[Complex64], f: &mut [Complex64]) {
        let mut fi = vec![complex::ZERO; self.inner.dim()];
        self.inner.residual(&self.slice.chart, &self.slice.point(t), b, &mut fi);
        f.copy_from_slice(&self.slice.left(&fi, 1));
    }

    fn param_derivative(&self, _chart: &(), t: &[Complex64], b: &[Complex64], db: &[Complex64], out: &mut [Complex64]) {
        let mut oi = vec![complex::ZERO; self.inner.dim()];
        self.inner.param_derivative(&self.slice.chart, &self.slice.point(t), b, db, &mut oi);
        out.copy_from_slice(&self.slice.left(&oi, 1));
    }

    fn evaluate_with_param_derivative(
        &self,
        _chart: &(),
        t: &[Complex64],
        b: &[Complex64],
        db: &[Complex64],
        f: &mut [Complex64],
        jac: &mut [Complex64],
        out: &mut [Complex64],
    ) {
        let n = self.inner.dim();
        let (mut fi, mut hi, mut oi) = (vec![complex::ZERO; n], vec![complex::ZERO; n * n], vec![complex::ZERO; n]);
        self.inner.evaluate_with_param_derivative(&self.slice.chart, &self.slice.point(t), b, db, &mut fi, &mut hi, &mut oi);
        f.copy_from_slice(&self.slice.left(&fi, 1));
        jac.copy_from_slice(&self.slice.left(&self.slice.right(&hi, n), self.slice.dim()));
        out.copy_from_slice(&self.slice.left(&oi, 1));
    }
}
