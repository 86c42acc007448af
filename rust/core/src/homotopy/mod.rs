//! Homotopy continuation in complex double precision: the generic part.
//!
//! * [`Homotopy`]: a square polynomial system `F(x; p) = 0` whose parameters `p` move along
//!   straight segments `p(t) = p_a + t (p_b - p_a)`, `t ∈ [0, 1]`;
//! * [`tracker`]: a predictor–corrector path tracker — classical RK4 predictor on the Davidenko
//!   equation `F_x ẋ = -F_p ṗ`, Newton corrector, adaptive step size — run through a chain of
//!   parameter nodes (a monodromy loop is the chain `p0 → p1 → p2 → p0`), in parallel over
//!   paths with rayon, and stoppable from outside through a [`Cancel`] token;
//! * [`dense`]: the LU solve and norms it needs.
//!
//! The critical equations of a network's loss, the system this crate tracks, live in
//! [`crate::critical`].

pub mod dense;
pub mod tracker;

pub use dense::{lu_solve, norm2, norm_inf};
pub use tracker::{track_all, track_segments, Cancel};

use crate::complex::{self, Complex64};
use crate::error::CoreError;

/// A square system `F(x; p) = 0` (`dim()` equations in `dim()` unknowns) with parameters `p`,
/// written in local coordinates `x` of a chart (`Chart = ()` for one global chart).
pub trait Homotopy: Sync {
    /// The local coordinate system a path is currently written in.
    type Chart: Clone + Send + Sync;

    /// Number of unknowns and of equations.
    fn dim(&self) -> usize;

    /// Number of parameters.
    fn num_params(&self) -> usize;

    /// `F(x; p)` into `f` (length `dim`) and `∂F/∂x` into `jac` (row-major `dim × dim`).
    fn evaluate(&self, chart: &Self::Chart, x: &[Complex64], p: &[Complex64], f: &mut [Complex64], jac: &mut [Complex64]);

    /// `F(x; p)` only.
    fn residual(&self, chart: &Self::Chart, x: &[Complex64], p: &[Complex64], f: &mut [Complex64]) {
        let n = self.dim();
        let mut jac = vec![complex::ZERO; n * n];
        self.evaluate(chart, x, p, f, &mut jac);
    }

    /// The parameter derivative `(∂F/∂p) · dp` into `out` (length `dim`).
    fn param_derivative(&self, chart: &Self::Chart, x: &[Complex64], p: &[Complex64], dp: &[Complex64], out: &mut [Complex64]);

    /// `F`, `∂F/∂x` and `(∂F/∂p) · dp` at once (override to share work).
    #[allow(clippy::too_many_arguments)]
    fn evaluate_with_param_derivative(
        &self,
        chart: &Self::Chart,
        x: &[Complex64],
        p: &[Complex64],
        dp: &[Complex64],
        f: &mut [Complex64],
        jac: &mut [Complex64],
        out: &mut [Complex64],
    ) {
        self.evaluate(chart, x, p, f, jac);
        self.param_derivative(chart, x, p, dp, out);
    }

    /// Called after every accepted step: switch to better-conditioned coordinates (rewriting
    /// `x`) when the current chart degenerates. The default keeps the chart.
    fn rechart(&self, _chart: &mut Self::Chart, _x: &mut Vec<Complex64>) {}
}

/// Settings of the path tracker. `Default` suits well-scaled problems (solutions of size ~1).
#[derive(Debug, Clone)]
pub struct TrackerOptions {
    /// First step length in the segment parameter `t ∈ [0, 1]`.
    pub initial_step: f64,
    /// Largest step length.
    pub max_step: f64,
    /// A path fails when the step length drops below this.
    pub min_step: f64,
    /// A path fails after this many attempted steps per segment.
    pub max_steps: usize,
    /// Newton iterations per corrector call.
    pub newton_iters: usize,
    /// Relative accuracy `‖Δx‖ ≤ tol (1 + ‖x‖)` at which the corrector stops.
    pub newton_tol: f64,
    /// The first Newton update may be at most this fraction of the predictor's move: a
    /// larger correction means the predictor was inaccurate and risks jumping to another path.
    pub predictor_trust: f64,
    /// Relative predictor error (first Newton update over `1 + ‖x‖`) the step-size control
    /// aims at.
    pub target_error: f64,
    /// A path *diverges* when `‖x‖∞` exceeds this (solutions heading to infinity).
    pub max_norm: f64,
}

impl TrackerOptions {
    /// Check the settings: `0 < max_step <= 1`, `max_norm > 1`, positive `initial_step`,
    /// `min_step`, `predictor_trust`, `newton_tol` and `target_error` (NaN fails every check).
    pub fn validate(&self) -> Result<(), CoreError> {
        let positive = [
            ("initial_step", self.initial_step),
            ("min_step", self.min_step),
            ("predictor_trust", self.predictor_trust),
            ("newton_tol", self.newton_tol),
            ("target_error", self.target_error),
        ];
        for (name, v) in positive {
            if v.is_nan() || v <= 0.0 {
                return Err(CoreError::invalid(format!("tracker option {name} must be positive, got {v}")));
            }
        }
        if self.max_step.is_nan() || self.max_step <= 0.0 || self.max_step > 1.0 {
            return Err(CoreError::invalid(format!("tracker option max_step must satisfy 0 < max_step <= 1, got {}", self.max_step)));
        }
        if self.max_norm.is_nan() || self.max_norm <= 1.0 {
            return Err(CoreError::invalid(format!("tracker option max_norm must exceed 1, got {}", self.max_norm)));
        }
        Ok(())
    }
}

/// The one place the tracker's defaults are written (the Python `TrackerOptions()` reads them).
impl Default for TrackerOptions {
    fn default() -> Self {
        TrackerOptions {
            initial_step: 0.05,
            max_step: 0.25,
            min_step: 1e-13,
            max_steps: 5_000,
            newton_iters: 3,
            // loose while tracking (the path only has to stay in its basin); the end point is
            // polished to full precision
            newton_tol: 1e-8,
            predictor_trust: 0.1,
            target_error: 1e-4,
            max_norm: 1e8,
        }
    }
}

/// How a path ended (the numeric codes are part of the Python API: `TrackResult.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PathStatus {
    /// Reached the last node; `x` is a refined solution there.
    Success = 0,
    /// `‖x‖∞` exceeded `max_norm`: the solution heads to infinity.
    Diverged = 1,
    /// The step size fell below `min_step` (a near-singular point or path crossing).
    StepSizeTooSmall = 2,
    /// More than `max_steps` steps on one segment.
    MaxSteps = 3,
    /// The Jacobian was singular at the start or a value was not finite.
    Singular = 4,
    /// Not (completely) tracked: the run was cancelled (interrupt or deadline, see [`Cancel`]).
    Cancelled = 5,
}

/// The end of one tracked path.
#[derive(Debug, Clone)]
pub struct PathResult<C> {
    pub chart: C,
    /// The end point; for [`PathStatus::Cancelled`] the point the path had reached (no
    /// solution of anything), for other failures the last accepted point.
    pub x: Vec<Complex64>,
    pub status: PathStatus,
    /// Accepted plus rejected steps over all segments.
    pub steps: usize,
    /// `‖F(x; p_end)‖` at the returned point (NaN unless the path succeeded).
    pub residual: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_options_are_valid_and_bad_ones_are_named() {
        assert!(TrackerOptions::default().validate().is_ok());
        let bad = TrackerOptions { max_step: 1.5, ..Default::default() };
        assert!(bad.validate().unwrap_err().to_string().contains("max_step"));
        let bad = TrackerOptions { newton_tol: f64::NAN, ..Default::default() };
        assert!(bad.validate().unwrap_err().to_string().contains("newton_tol"));
        let bad = TrackerOptions { max_norm: 1.0, ..Default::default() };
        assert!(bad.validate().unwrap_err().is_invalid_input());
        assert_eq!(PathStatus::Cancelled as u8, 5);
    }
}
