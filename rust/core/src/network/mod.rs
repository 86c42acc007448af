//! Polynomial neural networks over F_p: forward and backward passes, pointwise
//! ([`pointwise`]: the evaluation route) and in the monomial basis ([`coefficient`]: the
//! paper's Algorithm 1).
//!
//! Layout conventions (shared with the Python package):
//! * weights: `W_1` row-major, then `W_2`, …; `W_i` has shape `d_i × d_{i-1}`;
//! * coefficient vectors: output-major, entry `j * M + m` is the coefficient of monomial `m`
//!   (lexicographic descending order, see [`crate::poly`]) in output `j`;
//! * Jacobians are row-major `Vec<u64>` with one column per weight.
//!
//! ```
//! use neurovariety_core::network::{Network, Route};
//!
//! // (3,2,1), r = 2 is defective: the Jacobian rank is 5 < edim 6
//! let net = Network::build(vec![3, 2, 1], vec![2], 1_048_583, None, 1).unwrap();
//! assert_eq!(net.jacobian_rank(Route::Evaluation, 12, 1).unwrap(), 5);
//! assert_eq!(net.jacobian_rank(Route::Monomial, 0, 1).unwrap(), 5);
//! ```

pub mod coefficient;
pub mod pointwise;

use crate::arch::Architecture;
use crate::error::CoreError;
use crate::field::PrimeField;
use crate::linalg;
use crate::rng::SplitMix64;

/// A network with fixed weights over a prime field.
#[derive(Debug, Clone)]
pub struct Network {
    pub arch: Architecture,
    pub field: PrimeField,
    /// `weights[i]` is `W_{i+1}`, row-major, shape `widths[i+1] × widths[i]`.
    pub weights: Vec<Vec<u64>>,
}

/// Which Jacobian a rank is taken of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Stacked gradients of random output combinations at random points (`rows × N`).
    Evaluation,
    /// The coefficient Jacobian JΨ (`dL·M × N`).
    Monomial,
}

impl Network {
    /// Uniformly random weights from a seed.
    pub fn random(arch: Architecture, field: PrimeField, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let weights = arch.widths.windows(2).map(|w| (0..w[0] * w[1]).map(|_| rng.residue(&field)).collect()).collect();
        Network { arch, field, weights }
    }

    /// Given weights (reduced mod p here), checked for shape.
    pub fn from_weights(arch: Architecture, field: PrimeField, weights: Vec<Vec<u64>>) -> Result<Self, CoreError> {
        if weights.len() != arch.depth() {
            return Err(CoreError::invalid(format!("expected {} weight matrices, got {}", arch.depth(), weights.len())));
        }
        for (i, (w, dims)) in weights.iter().zip(arch.widths.windows(2)).enumerate() {
            if w.len() != dims[0] * dims[1] {
                return Err(CoreError::invalid(format!("W_{} must have shape ({}, {}), got {} entries", i + 1, dims[1], dims[0], w.len())));
            }
        }
        let weights = weights.into_iter().map(|w| w.into_iter().map(|x| field.reduce(x)).collect()).collect();
        Ok(Network { arch, field, weights })
    }

    /// Validate everything at once: the architecture, the prime, and the given weights (or
    /// random weights from `seed` when `weights` is `None`).
    pub fn build(widths: Vec<usize>, exponents: Vec<u32>, prime: u64, weights: Option<Vec<Vec<u64>>>, seed: u64) -> Result<Self, CoreError> {
        let field = PrimeField::new(prime)?;
        let arch = Architecture::new(widths, exponents)?;
        match weights {
            Some(w) => Network::from_weights(arch, field, w),
            None => Ok(Network::random(arch, field, seed)),
        }
    }

    /// Rank of the Jacobian of this network mod p along `route`: for [`Route::Evaluation`] at
    /// `rows` random points drawn from [`point_seed`]`(seed)`; `rows` is ignored by
    /// [`Route::Monomial`]. A lower bound of `dim V`.
    pub fn jacobian_rank(&self, route: Route, rows: usize, seed: u64) -> Result<usize, CoreError> {
        self.jacobian_rank_bounded(route, rows, seed, usize::MAX)
    }

    /// [`Self::jacobian_rank`] when the rank is known to be at most `bound` (a proved upper bound
    /// of the dimension): the elimination stops at `bound` pivots; returns `min(rank, bound)`.
    pub fn jacobian_rank_bounded(&self, route: Route, rows: usize, seed: u64, bound: usize) -> Result<usize, CoreError> {
        let n = self.arch.num_params();
        match route {
            Route::Evaluation => Ok(linalg::rank_bounded(self.field, rows, n, self.evaluation_jacobian_unreduced(rows, point_seed(seed)), bound)),
            Route::Monomial => {
                let jac = self.coefficient_jacobian()?;
                let amb = jac.len() / n.max(1);
                Ok(linalg::rank_bounded(self.field, amb, n, jac, bound))
            }
        }
    }
}

/// Seed of the sample points and output combinations of the evaluation route, derived from the
/// weight seed so that weights and points come from independent streams of one user seed.
pub fn point_seed(seed: u64) -> u64 {
    seed ^ 0x0000_005E_ED0F_F00D
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poly::PolyRing;

    fn field() -> PrimeField {
        PrimeField::new(1_048_583).unwrap()
    }

    #[test]
    fn gradient_matches_coefficient_jacobian_at_a_point() {
        // Row x-evaluation of JΨ equals the pointwise gradient: E · JΨ = J_eval.
        let arch = Architecture::new(vec![2, 3, 2, 2], vec![2, 3]).unwrap();
        let f = field();
        let net = Network::random(arch.clone(), f, 7);
        let jac = net.coefficient_jacobian().unwrap();
        let n = arch.num_params();
        let mut ring = PolyRing::new(2, f);
        let basis = ring.basis(6);
        let m = basis.len();
        let x = [12345u64, 678];
        let c = [3u64, 11];
        let mut grad = vec![0u64; n];
        net.gradient_at(&x, &c, &mut grad);
        for col in 0..n {
            let mut acc = 0u64;
            for j in 0..2 {
                for (mono, e) in basis.iter().enumerate() {
                    let xv = f.mul(f.pow(x[0], e[0] as u64), f.pow(x[1], e[1] as u64));
                    acc = f.add(acc, f.mul(c[j], f.mul(xv, jac[(j * m + mono) * n + col])));
                }
            }
            assert_eq!(acc, grad[col], "column {col}");
        }
    }

    #[test]
    fn evaluation_and_monomial_ranks_agree() {
        let f = field();
        for (widths, exps, want) in [(vec![3, 3, 3], vec![2], 15), (vec![2, 2, 3], vec![2], 8), (vec![3, 2, 1], vec![2], 5), (vec![2, 1, 2, 1], vec![2, 2], 2)]
        {
            let arch = Architecture::new(widths, exps).unwrap();
            let net = Network::random(arch.clone(), f, 1);
            let n = arch.num_params();
            let amb = net.coefficients().unwrap().len();
            let r1 = linalg::rank(f, amb, n, net.coefficient_jacobian().unwrap());
            let rows = n + 4;
            let r2 = linalg::rank(f, rows, n, net.evaluation_jacobian(rows, 2));
            assert_eq!((r1, r2), (want, want), "{:?}", arch);
            // the same through the route API
            assert_eq!(net.jacobian_rank(Route::Monomial, 0, 1).unwrap(), want);
        }
    }

    #[test]
    fn last_hidden_values_are_the_last_layer_gradient_columns() {
        // ∇W_L[0, i] of c · f at x is c_0 a_i(x): the evaluated Jacobian's last-layer block of
        // output 0, divided by c_0, is the forward pass at the same points.
        let f = field();
        let arch = Architecture::new(vec![2, 3, 4, 2], vec![2, 3]).unwrap();
        let net = Network::random(arch.clone(), f, 5);
        let (rows, n, width) = (6, arch.num_params(), 4);
        let jac = net.evaluation_jacobian(rows, 9);
        let values = net.last_hidden_values(rows, 9);
        let offset = n - 2 * width;
        for s in 0..rows {
            let mut rng = crate::rng::SplitMix64::stream(9, s as u64);
            let _x: Vec<u64> = (0..2).map(|_| rng.residue(&f)).collect();
            let c0 = rng.residue(&f);
            for i in 0..width {
                assert_eq!(jac[s * n + offset + i], f.mul(c0, values[s * width + i]), "row {s} column {i}");
            }
        }
    }

    #[test]
    fn bounded_jacobian_rank_stops_at_a_bound_that_holds() {
        let f = field();
        let net = Network::random(Architecture::new(vec![3, 3, 3], vec![2]).unwrap(), f, 3);
        assert_eq!(net.jacobian_rank(Route::Evaluation, 23, 4).unwrap(), 15);
        assert_eq!(net.jacobian_rank_bounded(Route::Evaluation, 23, 4, 15).unwrap(), 15);
        assert_eq!(net.jacobian_rank_bounded(Route::Evaluation, 23, 4, 40).unwrap(), 15);
        assert_eq!(net.jacobian_rank_bounded(Route::Monomial, 0, 4, 15).unwrap(), 15);
    }

    #[test]
    fn rejects_bad_architectures() {
        assert!(Architecture::new(vec![3], vec![]).is_err());
        assert!(Architecture::new(vec![3, 0, 1], vec![2]).is_err());
        assert!(Architecture::new(vec![3, 3, 1], vec![]).is_err());
        let arch = Architecture::new(vec![2, 2], vec![]).unwrap();
        assert!(Network::from_weights(arch, field(), vec![vec![1, 2, 3]]).is_err());
    }

    #[test]
    fn build_validates_everything() {
        assert_eq!(Network::build(vec![2, 2], vec![], 100, None, 0).unwrap_err(), CoreError::NotPrime(100));
        assert!(Network::build(vec![2, 0], vec![], 101, None, 0).unwrap_err().is_invalid_input());
        let err = Network::build(vec![2, 2, 1], vec![2], 101, Some(vec![vec![1; 4], vec![1; 3]]), 0).unwrap_err();
        assert_eq!(err.to_string(), "W_2 must have shape (1, 2), got 3 entries");
        let net = Network::build(vec![2, 1], vec![], 7, Some(vec![vec![8, 13]]), 0).unwrap();
        assert_eq!(net.weights, vec![vec![1, 6]]);
    }
}
