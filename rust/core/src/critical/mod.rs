//! Critical points of the squared loss of a polynomial network, in weight space.
//!
//! * [`CriticalSystem`] (`system.rs`): `F(θ; b) = J(θ)ᵀ (Q c(θ) − b)`, the gradient (up to a
//!   factor 2) of the loss `c(θ)ᵀ Q c(θ) − 2 bᵀ c(θ)` with `c(θ)` the coefficient vector of
//!   the network, as a [`Homotopy`](crate::homotopy::Homotopy) in the parameters `b`;
//! * [`WeightFamily`] (`family.rs`): the same equations with the weight `Q` moving too,
//!   parameters `(b, vec Q)`: from a generic weight to a special one;
//! * [`gauge`]: the rescaling symmetry fixed by one incoming weight of each hidden neuron
//!   (the one home of that convention);
//! * `tape.rs`: forward-mode tapes and the forward-over-reverse Hessian pass;
//! * [`interpolation`]: the grid turning network values into monomial coefficients (and its
//!   ball enclosure);
//! * `certify.rs`: the Krawczyk test in ball arithmetic ([`certify_root`],
//!   [`certify_weight_vectors`]): certified, real and distinct critical points;
//! * [`track_weight_vectors`], [`evaluate_weight_vectors`]: batches of *full* weight vectors
//!   (package order), each put into its best chart — what the Python bindings call.
//!
//! Charts and diverging paths: the gauge fixes one incoming weight per hidden neuron to 1, and
//! a path switches to the incoming weight of largest modulus whenever another one exceeds 2
//! ([`gauge::needs_switch`], [`gauge::normalize`]) — the standard charts of projective space —
//! so a neuron turning towards a fixed coordinate hyperplane costs nothing. What can still
//! diverge are outgoing weights (two neurons merging, the function reaching the boundary of the
//! neuromanifold). The parameter nodes of monodromy loops are random complex points, so a path
//! meets such a point only with probability zero; a path whose max-norm exceeds `max_norm`,
//! whose step size underflows, or whose corrector cannot converge is reported with a failure
//! status and dropped by the caller (monodromy simply re-finds it in a later loop).

mod batch;
mod certify;
mod family;
pub mod gauge;
pub mod interpolation;
pub mod slice;
mod system;
mod tape;
pub mod witness;

pub use certify::{certify_root, certify_weight_vectors, Certificate, CertifiedBatch};
pub use family::WeightFamily;
pub use gauge::GaugeChart;
pub use interpolation::interpolation_grid;
pub use slice::{Sliced, WeightSlice};
pub use system::CriticalSystem;
pub use witness::{SlicedCriticalSystem, WitnessSystem};

use crate::complex::{Complex64, ComplexMatrix};
use crate::error::CoreError;
use crate::homotopy::{Cancel, Homotopy, PathStatus, TrackerOptions};

/// The ends of a batch of tracked weight vectors, one entry per start.
#[derive(Debug, Clone)]
pub struct TrackedBatch {
    /// End weights (`k × N`, package order). A start that was not tracked to the end
    /// ([`PathStatus::Cancelled`]) or had no chart ([`PathStatus::Singular`] with 0 steps) is
    /// returned unchanged, so it can be tracked again.
    pub ends: ComplexMatrix,
    pub status: Vec<PathStatus>,
    /// Accepted plus rejected steps.
    pub steps: Vec<u64>,
    /// `‖F‖` at the end (NaN unless the path succeeded).
    pub residual: Vec<f64>,
}

/// Track full weight vectors `starts` (`k × N`, package order) through the parameter `nodes`
/// (`K >= 2` rows): values of `b` (`dL·M` entries; the weight is the system's `Q`) or of
/// `(b, vec Q)` (`dL·M + (dL·M)²` entries: the weight moves too, [`WeightFamily`]). Each start
/// is put in its best gauge chart, tracked, and mapped back to full weights. Starts with a dead
/// hidden neuron come back unchanged as `Singular`; once `cancel` fires, unfinished paths come
/// back unchanged as `Cancelled`.
pub fn track_weight_vectors(
    sys: &CriticalSystem,
    starts: &ComplexMatrix,
    nodes: &ComplexMatrix,
    opts: &TrackerOptions,
    cancel: &Cancel,
) -> Result<TrackedBatch, CoreError> {
    if starts.cols() != sys.num_weights() {
        return Err(CoreError::invalid(format!("starts must have {} columns (all weights), got {}", sys.num_weights(), starts.cols())));
    }
    let (chart_of, back) = (|w: &[Complex64]| sys.normalize(w), |chart: &GaugeChart, x: &[Complex64]| sys.full_weights(chart, x));
    let family = WeightFamily::new(sys);
    if nodes.cols() == family.num_params() {
        return batch::track_rows(&family, starts, nodes, opts, cancel, chart_of, back);
    }
    batch::track_rows(sys, starts, nodes, opts, cancel, chart_of, back)
}

/// [`evaluate_weight_vectors`] at `k` weight vectors, flattened row-major.
#[derive(Debug, Clone)]
pub struct CriticalValues {
    /// The critical equations `F` (`k × n`).
    pub f: Vec<Complex64>,
    /// The coefficients `c(θ)` (`k × amb`).
    pub c: Vec<Complex64>,
    /// Their Jacobian with respect to the free weights of each row's chart (`k × amb × n`).
    pub jacobian: Vec<Complex64>,
}

/// At each full weight vector (row of `thetas`, `k × N`): the critical equations `F` (in its
/// best gauge chart) for the parameter `b` (`dL·M` entries), the coefficients `c(θ)` and their
/// Jacobian with respect to the chart's free weights. Rows with a dead hidden neuron are NaN.
pub fn evaluate_weight_vectors(sys: &CriticalSystem, thetas: &ComplexMatrix, b: &[Complex64]) -> Result<CriticalValues, CoreError> {
    let (k, amb, n) = (thetas.rows(), sys.ambient(), sys.num_unknowns());
    if b.len() != amb {
        return Err(CoreError::invalid(format!("b must have {amb} entries (dL*M), got {}", b.len())));
    }
    if thetas.cols() != sys.num_weights() {
        return Err(CoreError::invalid(format!("thetas must have {} columns (all weights), got {}", sys.num_weights(), thetas.cols())));
    }
    let nan = Complex64::new(f64::NAN, f64::NAN);
    let mut f = vec![nan; k * n];
    let mut c = vec![nan; k * amb];
    let mut j = vec![nan; k * amb * n];
    for (i, w) in thetas.iter_rows().enumerate() {
        if let Some((chart, th)) = sys.normalize(w) {
            sys.residual(&chart, &th, b, &mut f[i * n..(i + 1) * n]);
            let (ci, ji) = sys.coefficients_and_jacobian(&chart, &th);
            c[i * amb..(i + 1) * amb].copy_from_slice(&ci);
            j[i * amb * n..(i + 1) * amb * n].copy_from_slice(&ji);
        }
    }
    Ok(CriticalValues { f, c, jacobian: j })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complex;

    fn system_223() -> CriticalSystem {
        let mut q = vec![complex::ZERO; 81];
        for i in 0..9 {
            q[i * 9 + i] = complex::ONE;
        }
        CriticalSystem::new(vec![2, 2, 3], vec![2], q).unwrap()
    }

    #[test]
    fn batches_check_shapes_and_keep_untracked_starts() {
        let sys = system_223();
        let opts = TrackerOptions::default();
        let nodes = ComplexMatrix::new(2, 9, vec![complex::ONE; 18]).unwrap();
        let bad = ComplexMatrix::new(1, 3, vec![complex::ZERO; 3]).unwrap();
        let err = track_weight_vectors(&sys, &bad, &nodes, &opts, &Cancel::new()).unwrap_err();
        assert!(err.to_string().contains("columns"));
        let starts = ComplexMatrix::new(1, 10, vec![complex::ONE; 10]).unwrap();
        let one_node = ComplexMatrix::new(1, 9, vec![complex::ZERO; 9]).unwrap();
        assert!(track_weight_vectors(&sys, &starts, &one_node, &opts, &Cancel::new()).unwrap_err().to_string().contains("nodes"));
        // a dead hidden neuron (zero incoming row) has no chart: Singular, returned unchanged
        let mut dead = vec![complex::ONE; 10];
        dead[0] = complex::ZERO;
        dead[1] = complex::ZERO;
        let dead = ComplexMatrix::new(1, 10, dead).unwrap();
        let out = track_weight_vectors(&sys, &dead, &nodes, &opts, &Cancel::new()).unwrap();
        assert_eq!((out.status[0], out.steps[0], &out.ends), (PathStatus::Singular, 0, &dead));
        // a cancelled run returns the starts as they were
        let cancel = Cancel::new();
        cancel.cancel();
        let out = track_weight_vectors(&sys, &starts, &nodes, &opts, &cancel).unwrap();
        assert_eq!((out.status[0], &out.ends), (PathStatus::Cancelled, &starts));
        let v = evaluate_weight_vectors(&sys, &dead, &[complex::ZERO; 9]).unwrap();
        assert!(v.f.iter().chain(&v.c).chain(&v.jacobian).all(|z| z.re.is_nan()));
        assert!(evaluate_weight_vectors(&sys, &starts, &[complex::ZERO; 3]).is_err());
    }
}
