//! Rigorous complex ball arithmetic in double precision.
//!
//! A [`Ball`] `(m, r)` is the closed disc `{z ∈ C : |z − m| ≤ r}`. Every operation returns a
//! ball that contains every result of the exact operation on points of the operand balls,
//! although it is computed in floating point with the default round-to-nearest mode (no
//! rounding-mode switches, no `unsafe`):
//!
//! **Error model.** The midpoint is the plain floating-point result of the operation on the
//! midpoints (the same formula as `Complex64`'s); its rounding error is bounded a priori by
//! `γ·(L1 magnitudes)` (`u = 2⁻⁵³`; `γ = u` for `±` and real scaling, `3u` for `×`, `4u` for
//! `z·a + b`, where the standard bounds are `u`, `2.01u`, `3.01u`) plus `2⁻¹⁰²²`, which covers
//! gradual underflow; the radius is the exact propagation bound (`|a|r_b + |b|r_a + r_a r_b` for
//! a product, with `|z| ≤ |Re z| + |Im z|`) plus that error bound, evaluated in round-to-nearest
//! from non-negative terms with at most 16 operations and then multiplied by `1 + 2⁻⁴⁷`, which
//! exceeds the accumulated relative rounding `(1 − u)⁻¹⁸` of those operations, so the stored
//! radius is an upper bound of the exact one. Overflow is not modelled: it produces infinite or
//! NaN values, which every consumer treats as "no enclosure" ([`Ball::is_finite`]).
//!
//! ```
//! use neurovariety_core::ball::Ball;
//! use neurovariety_core::complex::Complex64;
//!
//! let third = Ball::point(Complex64::new(1.0 / 3.0, 0.0));
//! let x = third * Ball::point(Complex64::new(3.0, 0.0)) - Ball::ONE; // 1/3 is inexact
//! assert!(x.contains(Complex64::new(0.0, 0.0)) && x.rad() < 1e-15);
//! ```

use crate::complex::{self, Complex64};
use std::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// Unit roundoff of `f64` (round to nearest): `2⁻⁵³`.
pub const UNIT_ROUNDOFF: f64 = f64::EPSILON / 2.0;
/// Absolute term of every radius: bounds the underflow errors of one operation.
const ETA: f64 = f64::MIN_POSITIVE;
/// `1 + 2⁻⁴⁷`: lifts a radius computed in round-to-nearest above its exact value.
const UP: f64 = 1.0 + 32.0 * f64::EPSILON;

/// An upper bound of the exact value of a radius expression `s` computed in round-to-nearest
/// from non-negative terms with at most 16 operations (see the module's error model).
#[inline]
fn up(s: f64) -> f64 {
    (s + ETA) * UP
}

/// `|Re z| + |Im z| ≥ |z|` (one rounding, counted in the radius budgets).
#[inline]
fn l1(z: Complex64) -> f64 {
    z.re.abs() + z.im.abs()
}

/// The closed disc `{z : |z − mid| ≤ rad}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ball {
    mid: Complex64,
    rad: f64,
}

impl Ball {
    /// `{0}`.
    pub const ZERO: Ball = Ball { mid: complex::ZERO, rad: 0.0 };
    /// `{1}`.
    pub const ONE: Ball = Ball { mid: complex::ONE, rad: 0.0 };

    /// The disc of centre `mid` and radius `rad` (`rad` is taken as exact; a negative or NaN
    /// radius gives a non-finite ball).
    pub fn new(mid: Complex64, rad: f64) -> Ball {
        Ball { mid, rad: if rad >= 0.0 { rad } else { f64::NAN } }
    }

    /// The exact point `z` (radius 0).
    pub const fn point(z: Complex64) -> Ball {
        Ball { mid: z, rad: 0.0 }
    }

    /// The centre.
    pub fn mid(self) -> Complex64 {
        self.mid
    }

    /// The radius.
    pub fn rad(self) -> f64 {
        self.rad
    }

    /// Centre and radius are finite numbers.
    pub fn is_finite(self) -> bool {
        self.mid.is_finite() && self.rad.is_finite()
    }

    /// An upper bound of `max{|z| : z in the ball}` (infinite or NaN for a non-finite ball).
    pub fn abs_upper(self) -> f64 {
        up(l1(self.mid) + self.rad)
    }

    /// Does the ball certainly contain `z`? (Conservative: rounding in the test can only make
    /// it answer `false`.)
    pub fn contains(self, z: Complex64) -> bool {
        // a difference of doubles is rounded by at most u relative (exact when subnormal),
        // `hypot` (no underflow) by about 1 ulp and the product by u: (1 + 8u) covers them
        let (dr, di) = ((z.re - self.mid.re).abs(), (z.im - self.mid.im).abs());
        dr.hypot(di) * (1.0 + 8.0 * UNIT_ROUNDOFF) <= self.rad
    }

    /// The complex conjugate (exact).
    pub fn conj(self) -> Ball {
        Ball { mid: self.mid.conj(), rad: self.rad }
    }

    /// `self · s` for an exact real `s`.
    pub fn scale(self, s: f64) -> Ball {
        let mid = self.mid.scale(s);
        // per component |err| ≤ u |computed| + 2^-1075
        Ball { mid, rad: up(s.abs() * self.rad + UNIT_ROUNDOFF * l1(mid)) }
    }

    /// `self · a + b` (the unfused [`complex::mul_add`] on the midpoints).
    pub fn mul_add(self, a: Ball, b: Ball) -> Ball {
        let mid = complex::mul_add(self.mid, a.mid, b.mid);
        let (lz, la) = (l1(self.mid), l1(a.mid));
        let prop = lz * a.rad + la * self.rad + self.rad * a.rad + b.rad;
        Ball { mid, rad: up(prop + 4.0 * UNIT_ROUNDOFF * (lz * la + l1(b.mid))) }
    }

    /// `self^e` by binary powering (`self^0 = 1`).
    pub fn powu(self, e: u32) -> Ball {
        let (mut acc, mut base, mut e) = (Ball::ONE, self, e);
        let mut first = true;
        while e > 0 {
            if e & 1 == 1 {
                acc = if first { base } else { acc * base };
                first = false;
            }
            e >>= 1;
            if e > 0 {
                base = base * base;
            }
        }
        acc
    }

    /// The real ball `[x − r, x + r]` as a disc.
    pub fn real(x: f64, r: f64) -> Ball {
        Ball::new(complex::real(x), r)
    }

    /// An enclosure of `1 / s` for an integer-valued `s > 0`.
    pub fn reciprocal(s: f64) -> Ball {
        let q = 1.0 / s;
        // |1/s − q| ≤ u |q| (one rounding)
        Ball::real(q, up(UNIT_ROUNDOFF * q.abs()))
    }
}

impl Add for Ball {
    type Output = Ball;
    #[inline]
    fn add(self, o: Ball) -> Ball {
        let mid = self.mid + o.mid;
        Ball { mid, rad: up(self.rad + o.rad + UNIT_ROUNDOFF * l1(mid)) }
    }
}

impl Sub for Ball {
    type Output = Ball;
    #[inline]
    fn sub(self, o: Ball) -> Ball {
        let mid = self.mid - o.mid;
        Ball { mid, rad: up(self.rad + o.rad + UNIT_ROUNDOFF * l1(mid)) }
    }
}

impl Mul for Ball {
    type Output = Ball;
    #[inline]
    fn mul(self, o: Ball) -> Ball {
        let mid = self.mid * o.mid;
        let (la, lb) = (l1(self.mid), l1(o.mid));
        let prop = la * o.rad + lb * self.rad + self.rad * o.rad;
        Ball { mid, rad: up(prop + 3.0 * UNIT_ROUNDOFF * (la * lb)) }
    }
}

impl Neg for Ball {
    type Output = Ball;
    #[inline]
    fn neg(self) -> Ball {
        Ball { mid: -self.mid, rad: self.rad }
    }
}

impl AddAssign for Ball {
    #[inline]
    fn add_assign(&mut self, o: Ball) {
        *self = *self + o;
    }
}

impl SubAssign for Ball {
    #[inline]
    fn sub_assign(&mut self, o: Ball) {
        *self = *self - o;
    }
}

impl MulAssign for Ball {
    #[inline]
    fn mul_assign(&mut self, o: Ball) {
        *self = *self * o;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;
    use crate::testing::rand_c;
    use proptest::prelude::*;

    /// A random point of the ball (on its boundary half of the time).
    fn sample(b: Ball, rng: &mut SplitMix64) -> Complex64 {
        let z = rand_c(rng);
        let dir = if z.norm() > 0.0 { z.unscale(z.norm()) } else { complex::ONE };
        let t = if rng.next_u64().is_multiple_of(2) { 1.0 } else { z.norm().min(1.0) };
        // stay inside despite the rounding of this sample (radii here are >= 1e-6 or 0)
        b.mid + dir.scale(b.rad * t * (1.0 - 1e-6))
    }

    #[test]
    fn operations_enclose_sampled_points() {
        let mut rng = SplitMix64::new(3);
        for _ in 0..2000 {
            let a = Ball::new(rand_c(&mut rng).scale(3.0), 1e-3 * (rng.next_u64() % 4) as f64);
            let b = Ball::new(rand_c(&mut rng), 1e-6 * (rng.next_u64() % 3) as f64);
            let c = Ball::new(rand_c(&mut rng), 1e-4);
            for _ in 0..8 {
                let (x, y, z) = (sample(a, &mut rng), sample(b, &mut rng), sample(c, &mut rng));
                assert!((a + b).contains(x + y), "{a:?} {b:?} {x:?} {y:?} {:?}", a + b);
                assert!((a - b).contains(x - y));
                assert!((a * b).contains(x * y));
                assert!(a.mul_add(b, c).contains(x * y + z));
                assert!(a.powu(5).contains(x.powu(5)));
                assert!(a.scale(-3.0).contains(x.scale(-3.0)));
                assert!((-a).contains(-x) && a.conj().contains(x.conj()));
                assert!(a.abs_upper() >= x.norm());
            }
        }
    }

    #[test]
    fn rounding_is_accounted_for() {
        // 0.1 + 0.2 != 0.3 in floating point, but the exact sum of the two doubles is enclosed
        let (a, b) = (Ball::point(complex::real(0.1)), Ball::point(complex::real(0.2)));
        let s = a + b;
        assert!(s.rad() > 0.0 && s.rad() < 1e-16);
        // (1/3)·3 − 1 ≠ 0 exactly; (1 + 2^-52)^2 − 1 − 2^-51 = 2^-104 is lost by doubles
        let e = Ball::point(complex::real(1.0 + f64::EPSILON));
        let sq = e * e - Ball::point(complex::real(1.0 + 2.0 * f64::EPSILON));
        assert!(sq.rad() >= 2f64.powi(-104));
        assert!(Ball::reciprocal(3.0).rad() > 0.0 && Ball::reciprocal(4.0).contains(complex::real(0.25)));
        assert_eq!(Ball::ONE.powu(0), Ball::ONE);
        assert!(!Ball::new(complex::ONE, -1.0).is_finite());
        assert!(!(Ball::point(complex::real(1e300)) * Ball::point(complex::real(1e300))).is_finite());
    }

    proptest! {
        #[test]
        fn products_enclose_the_exact_product_of_doubles(a in -1e3f64..1e3, b in -1e3f64..1e3, c in -1e3f64..1e3, d in -1e3f64..1e3) {
            // the exact real part a c − b d, computed with an error-free product transform
            let (x, y) = (Ball::point(Complex64::new(a, b)), Ball::point(Complex64::new(c, d)));
            let p = x * y;
            let (p1, e1) = two_prod(a, c);
            let (p2, e2) = two_prod(b, d);
            // exact re = (p1 + e1) − (p2 + e2); the ball's real extent must contain it
            let re_mid = p.mid().re;
            let err = ((p1 - re_mid) - p2) + (e1 - e2);
            prop_assert!(err.abs() <= p.rad() * (1.0 + 1e-10));
        }
    }

    fn two_prod(a: f64, b: f64) -> (f64, f64) {
        let p = a * b;
        (p, a.mul_add(b, -p))
    }
}
