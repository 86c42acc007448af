//! Python bindings of `neurovariety-core`: the extension module `neurovariety._core`.
//!
//! This crate only converts types (`convert`), releases the GIL around heavy calls, and turns
//! core errors and Rust panics into the exceptions of `neurovariety.errors` (`errors`, the one
//! place of that mapping). The modules mirror the core's: `network` (Jacobians and ranks, the
//! typed `Route`), `linalg` (rank and nullspace over F_p), `critical` (the stateful
//! `CriticalSystem`, `TrackerOptions`, `TrackResult`, the gauge), `witness` (`WitnessSystem`,
//! `SlicedCriticalSystem`). The stubs are
//! `python/neurovariety/_core.pyi`, checked by `python -m mypy.stubtest neurovariety._core`.

mod convert;
mod critical;
mod errors;
mod linalg;
mod network;
mod witness;

use neurovariety_core::field;
use pyo3::prelude::*;

/// The Rust core of neurovariety (see `rust/python/src/lib.rs`).
#[pymodule]
#[pyo3(name = "_core")]
fn core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("DEFAULT_PRIMES", field::DEFAULT_PRIMES.to_vec())?;
    m.add("F64_EXACT_PRIME_LIMIT", field::F64_EXACT_PRIME_LIMIT)?;
    m.add_class::<network::PyRoute>()?;
    m.add_function(wrap_pyfunction!(network::jacobian_rank, m)?)?;
    m.add_function(wrap_pyfunction!(network::coefficient_jacobian, m)?)?;
    m.add_function(wrap_pyfunction!(network::evaluation_jacobian, m)?)?;
    m.add_function(wrap_pyfunction!(network::last_hidden_values, m)?)?;
    m.add_function(wrap_pyfunction!(network::network_coefficients, m)?)?;
    m.add_function(wrap_pyfunction!(linalg::matrix_rank, m)?)?;
    m.add_function(wrap_pyfunction!(linalg::matrix_nullspace, m)?)?;
    m.add_function(wrap_pyfunction!(linalg::matrix_rref, m)?)?;
    m.add_function(wrap_pyfunction!(linalg::is_prime, m)?)?;
    m.add_class::<critical::PyCriticalSystem>()?;
    m.add_class::<critical::PyTrackerOptions>()?;
    m.add_class::<critical::PyTrackResult>()?;
    m.add_function(wrap_pyfunction!(critical::gauge_free_mask, m)?)?;
    m.add_class::<witness::PyWitnessSystem>()?;
    m.add_class::<witness::PySlicedCriticalSystem>()?;
    Ok(())
}
