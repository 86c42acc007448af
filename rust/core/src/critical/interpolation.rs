//! The interpolation grid that turns network values into monomial coefficients.

use crate::ball::Ball;
use crate::complex::{self, Complex64};
use crate::poly;

/// A bound of `|ω̃ − ω|` for the computed roots of unity `ω̃ = cis(2πk/(D+1))`: the angle is
/// computed with three roundings (relative error `≤ 3.01u`, so `≤ 2.1e-15` for angles below
/// 2π) and `cos`, `sin` with an error below 1 ulp each (`≤ 4.5e-16` together) — `2.6e-15`, with
/// a margin of four.
pub const ROOT_OF_UNITY_ERROR: f64 = 1e-14;

/// Sample points for interpolation: `x0 = 1` and the other coordinates running over the
/// `(D+1)`-th roots of unity. The monomials of degree `D` become distinct characters of this
/// grid, so the evaluation matrix `E` (`S × M`) has orthogonal columns, `Eᴴ E = S·I`, and
/// `E⁺ = Eᴴ / S` — perfectly conditioned interpolation. Returns `(points S × d0, pinv M × S, S)`.
pub fn interpolation_grid(d0: usize, degree: u32) -> (Vec<Complex64>, Vec<Complex64>, usize) {
    let base = degree as usize + 1;
    let s = base.pow(d0.saturating_sub(1) as u32);
    let omega = |k: usize| Complex64::cis(2.0 * std::f64::consts::PI * k as f64 / base as f64);
    let mut points = Vec::with_capacity(s * d0);
    for idx in 0..s {
        points.push(complex::ONE);
        let mut rest = idx;
        for _ in 1..d0 {
            points.push(omega(rest % base));
            rest /= base;
        }
    }
    let exps = poly::exponents(d0, degree);
    let m = exps.len();
    let mut pinv = vec![complex::ZERO; m * s];
    for (mi, e) in exps.iter().enumerate() {
        for si in 0..s {
            let mut v = complex::ONE;
            for (var, &ev) in e.iter().enumerate().skip(1) {
                v *= points[si * d0 + var].powu(ev);
            }
            pinv[mi * s + si] = v.conj().scale(1.0 / s as f64);
        }
    }
    (points, pinv, s)
}

/// Enclosures of the *exact* grid and pseudo-inverse of [`interpolation_grid`]: its points
/// within [`ROOT_OF_UNITY_ERROR`] of the computed ones (`x0 = 1` exactly) and the entries of
/// `E⁺ = Eᴴ / S` computed from them in ball arithmetic, so that network values at the ball
/// points interpolate to enclosures of the exact coefficients. Same layout as the grid.
pub fn interpolation_grid_balls(d0: usize, degree: u32) -> (Vec<Ball>, Vec<Ball>, usize) {
    let (points, _, s) = interpolation_grid(d0, degree);
    let balls: Vec<Ball> = points.iter().enumerate().map(|(i, &z)| if i % d0 == 0 { Ball::point(z) } else { Ball::new(z, ROOT_OF_UNITY_ERROR) }).collect();
    let inv_s = Ball::reciprocal(s as f64);
    let exps = poly::exponents(d0, degree);
    let mut pinv = Vec::with_capacity(exps.len() * s);
    for e in &exps {
        for si in 0..s {
            let mut v = Ball::ONE;
            for (var, &ev) in e.iter().enumerate().skip(1) {
                v *= balls[si * d0 + var].powu(ev);
            }
            pinv.push(v.conj() * inv_s);
        }
    }
    (balls, pinv, s)
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;
    use crate::testing::close;

    #[test]
    fn pseudo_inverse_inverts_the_evaluation_matrix() {
        for (d0, deg) in [(2usize, 3u32), (3, 2), (3, 4)] {
            let (pts, pinv, s) = interpolation_grid(d0, deg);
            let exps = poly::exponents(d0, deg);
            let m = exps.len();
            // pinv · E = I
            for a in 0..m {
                for b in 0..m {
                    let mut acc = complex::ZERO;
                    for si in 0..s {
                        let mut v = complex::ONE;
                        for var in 0..d0 {
                            v *= pts[si * d0 + var].powu(exps[b][var]);
                        }
                        acc += pinv[a * s + si] * v;
                    }
                    assert!(close(acc, complex::real(if a == b { 1.0 } else { 0.0 }), 1e-13), "d0={d0} deg={deg}");
                }
            }
            // the ball version encloses the floating-point one and is tight
            let (bp, bpinv, bs) = interpolation_grid_balls(d0, deg);
            assert_eq!(bs, s);
            assert!(bp.iter().zip(&pts).all(|(b, &z)| b.contains(z) && b.rad() <= ROOT_OF_UNITY_ERROR));
            assert!(bpinv.iter().zip(&pinv).all(|(b, &z)| b.contains(z) && b.rad() < 1e-13));
        }
        // the exact roots of unity are inside: ω = i for D + 1 = 4
        let (bp, _, _) = interpolation_grid_balls(2, 3);
        assert!(bp[3].contains(Complex64::new(0.0, 1.0)) && bp[5].contains(complex::real(-1.0)));
    }
}
