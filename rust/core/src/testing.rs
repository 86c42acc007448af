//! Helpers shared by the unit tests of several modules.

use crate::complex::Complex64;
use crate::rng::SplitMix64;

/// A random complex number with real and imaginary parts uniform in `[-1, 1)`.
pub(crate) fn rand_c(rng: &mut SplitMix64) -> Complex64 {
    let u = |r: &mut SplitMix64| (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
    Complex64::new(u(rng), u(rng))
}

/// `|a - b| <= tol (1 + max(|a|, |b|))`.
pub(crate) fn close(a: Complex64, b: Complex64, tol: f64) -> bool {
    (a - b).norm() <= tol * (1.0 + a.norm().max(b.norm()))
}
