//! Complex numbers in double precision: [`Complex64`] from `num-complex` (the type the `numpy`
//! crate uses too, so arrays cross the Python boundary without conversion), plus the few
//! operations whose generic `num-complex` versions do not fit a path tracker:
//!
//! * [`div`] — Smith's algorithm. `num-complex`'s `/` divides by `|o|²`, which overflows for
//!   `|o| > 1e154` and underflows below `1e-154`;
//! * [`mul_add`] — `z·a + b` with plain (unfused) operations: `num_traits::MulAdd` on `f64` is
//!   a fused `f64::mul_add`, a libm call on the baseline x86-64 the wheel is built for;
//! * [`real`] and the constants [`ZERO`], [`ONE`].
//!
//! Everything else (`+`, `-`, `*`, `norm_sqr`, `norm`, `conj`, `scale`, `powu`, `cis`,
//! `is_finite`) is `num-complex`'s own.
//!
//! ```
//! use neurovariety_core::complex::{self, Complex64};
//!
//! let z = Complex64::new(1.0, 2.0);
//! assert_eq!(complex::mul_add(z, z, complex::ONE), Complex64::new(-2.0, 4.0));
//! let tiny = complex::div(complex::ONE, Complex64::new(1e200, 1e200));
//! assert!((tiny.re - 0.5e-200).abs() < 1e-214);
//! ```

pub use num_complex::Complex64;

use crate::error::CoreError;

/// `0`.
pub const ZERO: Complex64 = Complex64::new(0.0, 0.0);
/// `1`.
pub const ONE: Complex64 = Complex64::new(1.0, 0.0);

/// The real number `re` as a complex number.
#[inline]
pub const fn real(re: f64) -> Complex64 {
    Complex64::new(re, 0.0)
}

/// `a / b` by Smith's algorithm: no overflow or underflow of `|b|²` for large or small `|b|`.
#[inline]
pub fn div(a: Complex64, b: Complex64) -> Complex64 {
    if b.re.abs() >= b.im.abs() {
        let r = b.im / b.re;
        let d = b.re + b.im * r;
        Complex64::new((a.re + a.im * r) / d, (a.im - a.re * r) / d)
    } else {
        let r = b.re / b.im;
        let d = b.re * r + b.im;
        Complex64::new((a.re * r + a.im) / d, (a.im * r - a.re) / d)
    }
}

/// `1 / b` (Smith's algorithm).
#[inline]
pub fn inv(b: Complex64) -> Complex64 {
    div(ONE, b)
}

/// `z * a + b`, the inner-loop operation, with unfused multiplications and additions.
#[inline]
pub fn mul_add(z: Complex64, a: Complex64, b: Complex64) -> Complex64 {
    Complex64::new(z.re * a.re - z.im * a.im + b.re, z.re * a.im + z.im * a.re + b.im)
}

/// A dense row-major complex matrix (`rows × cols`): the shape in which batches of weight
/// vectors and parameter nodes cross the Python boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplexMatrix {
    rows: usize,
    cols: usize,
    data: Vec<Complex64>,
}

impl ComplexMatrix {
    /// The matrix with the given row-major entries; fails unless `data.len() == rows * cols`.
    pub fn new(rows: usize, cols: usize, data: Vec<Complex64>) -> Result<Self, CoreError> {
        if rows.checked_mul(cols) != Some(data.len()) {
            return Err(CoreError::invalid(format!("a {rows} x {cols} matrix needs {} entries, got {}", rows.saturating_mul(cols), data.len())));
        }
        Ok(ComplexMatrix { rows, cols, data })
    }

    /// The matrix whose rows are `rows` (all of length `cols`).
    pub fn from_rows(cols: usize, rows: &[Vec<Complex64>]) -> Result<Self, CoreError> {
        if let Some(bad) = rows.iter().find(|r| r.len() != cols) {
            return Err(CoreError::invalid(format!("every row must have {cols} entries, got one with {}", bad.len())));
        }
        Ok(ComplexMatrix { rows: rows.len(), cols, data: rows.concat() })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[Complex64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// The rows in order.
    pub fn iter_rows(&self) -> impl ExactSizeIterator<Item = &[Complex64]> + '_ {
        (0..self.rows).map(|i| self.row(i))
    }

    /// The entries, row-major.
    pub fn as_slice(&self) -> &[Complex64] {
        &self.data
    }

    /// The entries, row-major.
    pub fn into_vec(self) -> Vec<Complex64> {
        self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: Complex64, b: Complex64, tol: f64) -> bool {
        (a - b).norm() <= tol * (1.0 + a.norm().max(b.norm()))
    }

    #[test]
    fn complex_arithmetic() {
        let a = Complex64::new(1.0, 2.0);
        let b = Complex64::new(-3.0, 0.5);
        assert_eq!(a * b, Complex64::new(-4.0, -5.5));
        assert!(close(div(a, b) * b, a, 1e-15));
        assert!(close(a.powu(5), a * a * a * a * a, 1e-15));
        assert_eq!(a.powu(0), ONE);
        assert!(close(Complex64::cis(std::f64::consts::PI), real(-1.0), 1e-15));
        assert_eq!(Complex64::new(3.0, 4.0).norm(), 5.0);
        assert!(close(div(ONE, Complex64::new(1e200, 1e200)), Complex64::new(0.5e-200, -0.5e-200), 1e-15));
        assert_eq!(mul_add(a, b, ONE), a * b + ONE);
        assert_eq!(inv(Complex64::new(0.0, 2.0)), Complex64::new(0.0, -0.5));
    }

    #[test]
    fn matrices_check_their_shape() {
        let m = ComplexMatrix::new(2, 3, vec![ONE; 6]).unwrap();
        assert_eq!((m.rows(), m.cols(), m.iter_rows().len(), m.row(1).len()), (2, 3, 2, 3));
        assert!(ComplexMatrix::new(2, 3, vec![ONE; 5]).unwrap_err().is_invalid_input());
        let empty = ComplexMatrix::new(4, 0, vec![]).unwrap();
        assert!(empty.iter_rows().all(|r| r.is_empty()));
        let r = ComplexMatrix::from_rows(2, &[vec![ONE, ZERO], vec![ZERO, ONE]]).unwrap();
        assert_eq!(r.as_slice(), &[ONE, ZERO, ZERO, ONE]);
        assert!(ComplexMatrix::from_rows(2, &[vec![ONE]]).is_err());
        assert_eq!(r.into_vec().len(), 4);
    }

    proptest! {
        #[test]
        fn smith_division_inverts_multiplication(re in -1e3f64..1e3, im in -1e3f64..1e3, sre in -1e3f64..1e3, sim in -1e3f64..1e3, e in -150i32..150) {
            let b = Complex64::new(sre, sim).scale(10f64.powi(e));
            prop_assume!(b.norm() > 0.0);
            let a = Complex64::new(re, im);
            let q = div(a, b);
            prop_assert!(q.is_finite());
            prop_assert!(close(q * b, a, 1e-12), "{a} / {b} = {q}");
        }
    }
}
