//! Dense complex linear algebra for the path tracker: norms and an LU solve.

use crate::complex::{self, Complex64};

/// Euclidean norm of a complex vector.
pub fn norm2(v: &[Complex64]) -> f64 {
    v.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt()
}

/// Max-norm (largest modulus) of a complex vector.
pub fn norm_inf(v: &[Complex64]) -> f64 {
    v.iter().fold(0.0f64, |m, z| m.max(z.norm_sqr())).sqrt()
}

/// Solve `A x = b` in place (`A` row-major `n × n`, overwritten by its LU factors; `b` becomes
/// `x`) by Gaussian elimination with partial pivoting. Returns `false` for a (numerically)
/// singular or non-finite matrix.
///
/// ```
/// use neurovariety_core::complex::Complex64;
/// use neurovariety_core::homotopy::lu_solve;
///
/// let c = |re| Complex64::new(re, 0.0);
/// let mut a = vec![c(2.0), c(1.0), c(1.0), c(3.0)];
/// let mut b = vec![c(3.0), c(5.0)];
/// assert!(lu_solve(&mut a, 2, &mut b));
/// assert!((b[0] - c(0.8)).norm() < 1e-15 && (b[1] - c(1.4)).norm() < 1e-15);
/// ```
pub fn lu_solve(a: &mut [Complex64], n: usize, b: &mut [Complex64]) -> bool {
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
        let inv = complex::inv(a[k * n + k]);
        for i in k + 1..n {
            let factor = a[i * n + k] * inv;
            if factor == complex::ZERO {
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
        b[k] = complex::div(s, a[k * n + k]);
    }
    b.iter().all(|z| z.is_finite())
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;
    use crate::testing::{close, rand_c};

    #[test]
    fn lu_solves_random_systems() {
        let mut rng = SplitMix64::new(7);
        for n in [1usize, 2, 5, 12] {
            let a: Vec<Complex64> = (0..n * n).map(|_| rand_c(&mut rng)).collect();
            let x: Vec<Complex64> = (0..n).map(|_| rand_c(&mut rng)).collect();
            let mut b = vec![complex::ZERO; n];
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
        let mut sing = vec![complex::ONE; 4];
        let mut b = vec![complex::ONE; 2];
        assert!(!lu_solve(&mut sing, 2, &mut b));
    }

    #[test]
    fn norms() {
        let v = [Complex64::new(3.0, 4.0), Complex64::new(0.0, -12.0)];
        assert_eq!((norm2(&v), norm_inf(&v)), (13.0, 12.0));
        assert_eq!(norm2(&[]), 0.0);
    }
}
