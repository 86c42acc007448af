//! Python bindings for the neurovariety core. This file only converts types, releases the GIL
//! around heavy calls and turns Rust errors and panics into Python exceptions; the mathematics
//! lives in the pure-Rust modules below, each with its own unit tests.

pub mod field;
pub mod monomial;
pub mod network;
pub mod rank;

use field::PrimeField;
use network::{Architecture, Network};
use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Run `work` without the GIL; a Rust panic becomes a `RuntimeError` instead of an abort.
fn run_detached<T: Send>(py: Python<'_>, work: impl FnOnce() -> T + Send) -> PyResult<T> {
    py.detach(|| catch_unwind(AssertUnwindSafe(work))).map_err(|panic| {
        let msg = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        PyRuntimeError::new_err(format!("internal error in the Rust core: {msg}"))
    })
}

fn make_field(prime: u64) -> PyResult<PrimeField> {
    PrimeField::new(prime).map_err(|e| PyValueError::new_err(e.to_string()))
}

fn make_network(widths: Vec<usize>, exponents: Vec<u32>, prime: u64, weights: Option<Vec<Vec<u64>>>, seed: u64) -> PyResult<Network> {
    let field = make_field(prime)?;
    let arch = Architecture::new(widths, exponents).map_err(PyValueError::new_err)?;
    match weights {
        Some(w) => Network::from_weights(arch, field, w).map_err(PyValueError::new_err),
        None => Ok(Network::random(arch, field, seed)),
    }
}

fn to_matrix<'py>(py: Python<'py>, rows: usize, cols: usize, data: Vec<u64>) -> PyResult<Bound<'py, PyArray2<u64>>> {
    PyArray1::from_vec(py, data).reshape([rows, cols])
}

fn read_matrix(a: &PyReadonlyArray2<'_, u64>) -> PyResult<(usize, usize, Vec<u64>)> {
    let shape = a.shape();
    let data = a.as_slice().map_err(|_| PyValueError::new_err("matrix must be C-contiguous"))?.to_vec();
    Ok((shape[0], shape[1], data))
}

/// Rank of the Jacobian at random weights: `method` is "evaluation" (stacked gradients at
/// `rows` random points) or "monomial" (the coefficient Jacobian JΨ).
#[pyfunction]
#[pyo3(signature = (widths, exponents, prime, seed, method, rows))]
fn jacobian_rank(py: Python<'_>, widths: Vec<usize>, exponents: Vec<u32>, prime: u64, seed: u64, method: &str, rows: usize) -> PyResult<usize> {
    let net = make_network(widths, exponents, prime, None, seed)?;
    let n = net.arch.num_params();
    let field = net.field;
    // Weights and sample points come from independent streams of the same seed.
    let point_seed = seed ^ 0x5EED_0F_F00D;
    match method {
        "evaluation" => run_detached(py, move || rank::rank(field, rows, n, net.evaluation_jacobian(rows, point_seed))),
        "monomial" => run_detached(py, move || {
            let jac = net.coefficient_jacobian();
            let amb = jac.len() / n.max(1);
            rank::rank(field, amb, n, jac)
        }),
        other => Err(PyValueError::new_err(format!("unknown method {other:?}: use 'evaluation' or 'monomial'"))),
    }
}

/// The coefficient Jacobian JΨ (`dL·M × N`) mod `prime` at the given or random weights.
#[pyfunction]
#[pyo3(signature = (widths, exponents, prime, weights=None, seed=0))]
fn coefficient_jacobian<'py>(py: Python<'py>, widths: Vec<usize>, exponents: Vec<u32>, prime: u64, weights: Option<Vec<Vec<u64>>>, seed: u64) -> PyResult<Bound<'py, PyArray2<u64>>> {
    let net = make_network(widths, exponents, prime, weights, seed)?;
    let n = net.arch.num_params();
    let jac = run_detached(py, move || net.coefficient_jacobian())?;
    let rows = jac.len() / n.max(1);
    to_matrix(py, rows, n, jac)
}

/// Stacked gradients of random output combinations at `rows` random points (the evaluation
/// route), mod `prime`.
#[pyfunction]
#[pyo3(signature = (widths, exponents, prime, rows, weights=None, seed=0))]
fn evaluation_jacobian<'py>(py: Python<'py>, widths: Vec<usize>, exponents: Vec<u32>, prime: u64, rows: usize, weights: Option<Vec<Vec<u64>>>, seed: u64) -> PyResult<Bound<'py, PyArray2<u64>>> {
    let net = make_network(widths, exponents, prime, weights, seed)?;
    let n = net.arch.num_params();
    let point_seed = seed ^ 0x5EED_0F_F00D;
    let jac = run_detached(py, move || net.evaluation_jacobian(rows, point_seed))?;
    to_matrix(py, rows, n, jac)
}

/// Coefficients of the network's outputs (`dL × M`) mod `prime`.
#[pyfunction]
#[pyo3(signature = (widths, exponents, prime, weights=None, seed=0))]
fn network_coefficients<'py>(py: Python<'py>, widths: Vec<usize>, exponents: Vec<u32>, prime: u64, weights: Option<Vec<Vec<u64>>>, seed: u64) -> PyResult<Bound<'py, PyArray2<u64>>> {
    let net = make_network(widths, exponents, prime, weights, seed)?;
    let dl = *net.arch.widths.last().unwrap();
    let coeffs = run_detached(py, move || net.coefficients())?;
    let m = coeffs.len() / dl;
    to_matrix(py, dl, m, coeffs)
}

/// Rank of a matrix (entries reduced mod `prime`) over F_prime.
#[pyfunction]
fn matrix_rank(py: Python<'_>, a: PyReadonlyArray2<'_, u64>, prime: u64) -> PyResult<usize> {
    let field = make_field(prime)?;
    let (rows, cols, data) = read_matrix(&a)?;
    run_detached(py, move || rank::rank(field, rows, cols, data))
}

/// Canonical nullspace basis (rows) of a matrix over F_prime.
#[pyfunction]
fn matrix_nullspace<'py>(py: Python<'py>, a: PyReadonlyArray2<'py, u64>, prime: u64) -> PyResult<Bound<'py, PyArray2<u64>>> {
    let field = make_field(prime)?;
    let (rows, cols, data) = read_matrix(&a)?;
    let (k, basis) = run_detached(py, move || rank::nullspace(field, rows, cols, data))?;
    to_matrix(py, k, cols, basis)
}

/// Deterministic primality test for `u64`.
#[pyfunction]
fn is_prime(n: u64) -> bool {
    field::is_prime(n)
}

#[pymodule]
#[pyo3(name = "_core")]
fn core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("DEFAULT_PRIMES", field::DEFAULT_PRIMES.to_vec())?;
    m.add("F64_EXACT_PRIME_LIMIT", field::F64_EXACT_PRIME_LIMIT)?;
    m.add_function(wrap_pyfunction!(jacobian_rank, m)?)?;
    m.add_function(wrap_pyfunction!(coefficient_jacobian, m)?)?;
    m.add_function(wrap_pyfunction!(evaluation_jacobian, m)?)?;
    m.add_function(wrap_pyfunction!(network_coefficients, m)?)?;
    m.add_function(wrap_pyfunction!(matrix_rank, m)?)?;
    m.add_function(wrap_pyfunction!(matrix_nullspace, m)?)?;
    m.add_function(wrap_pyfunction!(is_prime, m)?)?;
    Ok(())
}
