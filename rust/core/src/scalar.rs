//! The scalar type of the network evaluator: [`Complex64`] for tracking, [`Ball`] for
//! certification.
//!
//! The tapes, the coefficient interpolation and the Hessian pass of [`crate::critical`] are
//! written once, generic over [`Scalar`]: with `Complex64` they are the plain floating-point
//! evaluation the path tracker uses (bit-for-bit the operations it always used), with [`Ball`]
//! the same code returns rigorous enclosures (the Krawczyk test of
//! [`crate::critical::certify`]). Only the ring operations appear: `+ − ×`, `z·a + b`, integer
//! powers and multiplication by an exact real.
//!
//! ```
//! use neurovariety_core::ball::Ball;
//! use neurovariety_core::complex::Complex64;
//! use neurovariety_core::scalar::Scalar;
//!
//! fn cube_plus_one<S: Scalar>(x: S) -> S {
//!     x.powu(3) + S::ONE
//! }
//! let z = Complex64::new(0.5, -1.0);
//! let exact = cube_plus_one(z);
//! let ball = cube_plus_one(Ball::new(z, 1e-3));
//! assert!(ball.contains(exact) && ball.rad() < 1e-2);
//! ```

use crate::ball::Ball;
use crate::complex::{self, Complex64};
use std::fmt::Debug;
use std::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A commutative ring of complex numbers or of enclosures of them.
pub trait Scalar:
    Copy
    + Send
    + Sync
    + Debug
    + PartialEq
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
{
    /// `0`.
    const ZERO: Self;
    /// `1`.
    const ONE: Self;

    /// The complex number `z`, taken as exact.
    fn exact(z: Complex64) -> Self;

    /// `self · a + b`.
    fn mul_add(self, a: Self, b: Self) -> Self;

    /// `self^e` (`self^0 = 1`).
    fn powu(self, e: u32) -> Self;

    /// `self · s` for an exact real `s`.
    fn scale(self, s: f64) -> Self;

    /// The (approximate) midpoint.
    fn mid(self) -> Complex64;
}

impl Scalar for Complex64 {
    const ZERO: Self = complex::ZERO;
    const ONE: Self = complex::ONE;

    #[inline]
    fn exact(z: Complex64) -> Self {
        z
    }

    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        complex::mul_add(self, a, b)
    }

    #[inline]
    fn powu(self, e: u32) -> Self {
        Complex64::powu(&self, e)
    }

    #[inline]
    fn scale(self, s: f64) -> Self {
        Complex64::scale(&self, s)
    }

    #[inline]
    fn mid(self) -> Complex64 {
        self
    }
}

impl Scalar for Ball {
    const ZERO: Self = Ball::ZERO;
    const ONE: Self = Ball::ONE;

    #[inline]
    fn exact(z: Complex64) -> Self {
        Ball::point(z)
    }

    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Ball::mul_add(self, a, b)
    }

    #[inline]
    fn powu(self, e: u32) -> Self {
        Ball::powu(self, e)
    }

    #[inline]
    fn scale(self, s: f64) -> Self {
        Ball::scale(self, s)
    }

    #[inline]
    fn mid(self) -> Complex64 {
        Ball::mid(self)
    }
}

/// `Σ_i a_i b_i` (left to right with [`Scalar::mul_add`]).
pub fn dot<S: Scalar>(a: &[S], b: &[S]) -> S {
    a.iter().zip(b).fold(S::ZERO, |acc, (&x, &y)| x.mul_add(y, acc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poly<S: Scalar>(x: S, y: S) -> S {
        // (x y − 2)^2 · 3 + x^4 − y
        ((x * y - S::exact(complex::real(2.0))).powu(2)).scale(3.0) + x.powu(4) - y
    }

    #[test]
    fn complex_and_ball_evaluations_agree() {
        let (x, y) = (Complex64::new(0.3, 1.2), Complex64::new(-2.0, 0.25));
        let v = poly(x, y);
        let b = poly(Ball::point(x), Ball::point(y));
        assert!(b.contains(v) && b.rad() < 1e-12 && b.rad() > 0.0, "{b:?} {v:?}");
        assert!((b.mid() - v).norm() < 1e-14);
        assert_eq!(dot(&[x, y], &[y, x]), complex::mul_add(y, x, complex::mul_add(x, y, complex::ZERO)));
        assert_eq!(<Complex64 as Scalar>::powu(x, 0), complex::ONE);
    }
}
