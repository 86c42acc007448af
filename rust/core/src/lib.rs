//! `neurovariety-core`: the mathematics of neurovariety in pure Rust (no Python dependency).
//!
//! Polynomial neural networks `f_θ(x) = W_L σ(W_{L-1} σ(… σ(W_1 x)))` with `σ(t) = t^r` and the
//! algebraic geometry of their images:
//!
//! | module | what |
//! |---|---|
//! | [`error`] | [`CoreError`], the one error type of every fallible function |
//! | [`field`], [`rng`] | arithmetic in F_p; seeded pseudo-random numbers |
//! | [`arch`], [`poly`] | validated architectures; homogeneous polynomials in the monomial basis |
//! | [`network`] | networks over F_p: pointwise gradients and the coefficient Jacobian JΨ |
//! | [`linalg`] | rank, RREF and nullspace over F_p (blocked PLE on `f64` matrix products) |
//! | [`complex`] | [`Complex64`](complex::Complex64) helpers and batches of complex vectors |
//! | [`ball`], [`scalar`] | rigorous complex ball arithmetic; the [`Scalar`](scalar::Scalar) trait the evaluator is generic over |
//! | [`homotopy`] | the generic path tracker (a [`Homotopy`](homotopy::Homotopy) trait, RK4 + Newton, cancellation) |
//! | [`critical`] | the critical equations of the squared loss in gauge-fixed weights |
//!
//! The dimension of `V_{(3,2,1),2}` (defective: 5 < expected 6), as a rank lower bound at
//! random weights that the expected dimension does not certify here:
//!
//! ```
//! use neurovariety_core::network::{Network, Route};
//!
//! let net = Network::build(vec![3, 2, 1], vec![2], neurovariety_core::field::DEFAULT_PRIMES[0], None, 7)?;
//! assert_eq!(net.jacobian_rank(Route::Evaluation, 10, 7)?, 5);
//! # Ok::<(), neurovariety_core::CoreError>(())
//! ```

#![deny(unsafe_op_in_unsafe_fn)]

pub mod arch;
pub mod ball;
pub mod complex;
pub mod critical;
pub mod error;
pub mod field;
pub mod homotopy;
pub mod linalg;
pub mod network;
pub mod poly;
pub mod rng;
pub mod scalar;

#[cfg(test)]
mod testing;

pub use arch::Architecture;
pub use error::{CoreError, CoreResult};
pub use field::PrimeField;
pub use rng::SplitMix64;
