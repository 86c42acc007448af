//! Python bindings for the neurovariety core. This file only converts types, releases the GIL
//! around heavy calls and turns Rust errors and panics into Python exceptions; the mathematics
//! lives in the pure-Rust modules below, each with its own unit tests.

pub mod field;
pub mod homotopy;
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
    let point_seed = network::point_seed(seed);
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
    let point_seed = network::point_seed(seed);
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

// ---- critical points by homotopy continuation (rust/src/homotopy.rs) ----------------------------

fn read_complex(a: &PyReadonlyArray2<'_, numpy::Complex64>, what: &str) -> PyResult<(usize, usize, Vec<homotopy::C64>)> {
    let shape = a.shape();
    let data = a.as_slice().map_err(|_| PyValueError::new_err(format!("{what} must be C-contiguous")))?;
    Ok((shape[0], shape[1], data.iter().map(|z| homotopy::C64::new(z.re, z.im)).collect()))
}

fn to_complex<'py>(py: Python<'py>, shape: &[usize], data: Vec<homotopy::C64>) -> PyResult<Bound<'py, numpy::PyArrayDyn<numpy::Complex64>>> {
    let v: Vec<numpy::Complex64> = data.into_iter().map(|z| numpy::Complex64::new(z.re, z.im)).collect();
    PyArray1::from_vec(py, v).reshape(shape.to_vec())
}

fn critical_system(widths: Vec<usize>, exponents: Vec<u32>, q: &PyReadonlyArray2<'_, numpy::Complex64>) -> PyResult<homotopy::CriticalSystem> {
    let (_, _, qv) = read_complex(q, "q")?;
    homotopy::CriticalSystem::new(widths, exponents, qv).map_err(PyValueError::new_err)
}

fn complex_rows(rows: usize, cols: usize, data: Vec<homotopy::C64>) -> Vec<Vec<homotopy::C64>> {
    if cols == 0 {
        return vec![Vec::new(); rows];
    }
    data.chunks_exact(cols).map(|c| c.to_vec()).collect()
}

/// Track solutions `starts` (k × N full weight vectors, package order) of the critical
/// equations `J(θ)ᵀ (Q c(θ) − b) = 0` (gauge-fixed, see `homotopy::GaugeChart`) through the
/// straight segments between the rows of `nodes` (values of `b`). Returns
/// `(ends k × N, status k (0 = success), steps k, residual k)`. The remaining arguments are
/// `homotopy::TrackerOptions` fields.
#[pyfunction]
#[pyo3(signature = (widths, exponents, q, starts, nodes, max_norm=1e8, max_steps=5000, max_step=0.25, predictor_trust=0.1, newton_tol=1e-8, target_error=1e-4))]
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
fn critical_track<'py>(
    py: Python<'py>,
    widths: Vec<usize>,
    exponents: Vec<u32>,
    q: PyReadonlyArray2<'py, numpy::Complex64>,
    starts: PyReadonlyArray2<'py, numpy::Complex64>,
    nodes: PyReadonlyArray2<'py, numpy::Complex64>,
    max_norm: f64,
    max_steps: usize,
    max_step: f64,
    predictor_trust: f64,
    newton_tol: f64,
    target_error: f64,
) -> PyResult<(Bound<'py, numpy::PyArrayDyn<numpy::Complex64>>, Bound<'py, PyArray1<u8>>, Bound<'py, PyArray1<u64>>, Bound<'py, PyArray1<f64>>)> {
    let sys = critical_system(widths, exponents, &q)?;
    let (k, nw, sv) = read_complex(&starts, "starts")?;
    let (kn, np, nv) = read_complex(&nodes, "nodes")?;
    if nw != sys.num_weights() {
        return Err(PyValueError::new_err(format!("starts must have {} columns (all weights), got {nw}", sys.num_weights())));
    }
    if np != sys.ambient() || kn < 2 {
        return Err(PyValueError::new_err(format!("nodes must be (K >= 2) x {} parameter vectors, got {kn} x {np}", sys.ambient())));
    }
    if !(max_step > 0.0 && max_step <= 1.0 && predictor_trust > 0.0 && max_norm > 1.0 && target_error > 0.0 && newton_tol > 0.0) {
        return Err(PyValueError::new_err("need 0 < max_step <= 1, max_norm > 1 and positive predictor_trust, newton_tol, target_error"));
    }
    let opts = homotopy::TrackerOptions { max_norm, max_steps, max_step, predictor_trust, newton_tol, target_error, ..Default::default() };
    let starts = complex_rows(k, nw, sv);
    let nodes = complex_rows(kn, np, nv);
    let out = run_detached(py, move || homotopy::track_weight_vectors(&sys, &starts, &nodes, &opts))?;
    let mut ends = Vec::with_capacity(k * nw);
    let (mut status, mut steps, mut resid) = (Vec::with_capacity(k), Vec::with_capacity(k), Vec::with_capacity(k));
    for (w, st, s, r) in out {
        ends.extend(w);
        status.push(st);
        steps.push(s);
        resid.push(r);
    }
    Ok((to_complex(py, &[k, nw], ends)?, PyArray1::from_vec(py, status), PyArray1::from_vec(py, steps), PyArray1::from_vec(py, resid)))
}

/// At each row of `thetas` (k × N full weight vectors): the critical equations `F` (k × n, in
/// the best-conditioned gauge chart, see `CriticalSystem::normalize`) for parameter `b`
/// (shape 1 × dL·M), the coefficients `c(θ)` (k × dL·M) and their Jacobian with respect to the
/// free weights of that chart (k × dL·M × n). Rows with a dead hidden neuron give NaN.
#[pyfunction]
#[allow(clippy::type_complexity)]
fn critical_evaluate<'py>(
    py: Python<'py>,
    widths: Vec<usize>,
    exponents: Vec<u32>,
    q: PyReadonlyArray2<'py, numpy::Complex64>,
    b: PyReadonlyArray2<'py, numpy::Complex64>,
    thetas: PyReadonlyArray2<'py, numpy::Complex64>,
) -> PyResult<(Bound<'py, numpy::PyArrayDyn<numpy::Complex64>>, Bound<'py, numpy::PyArrayDyn<numpy::Complex64>>, Bound<'py, numpy::PyArrayDyn<numpy::Complex64>>)> {
    let sys = critical_system(widths, exponents, &q)?;
    let (_, nb, bv) = read_complex(&b, "b")?;
    let (k, nw, tv) = read_complex(&thetas, "thetas")?;
    let (amb, n) = (sys.ambient(), sys.num_unknowns());
    if nb != amb || b.shape()[0] != 1 {
        return Err(PyValueError::new_err(format!("b must have shape (1, {amb}), got {:?}", b.shape())));
    }
    if nw != sys.num_weights() {
        return Err(PyValueError::new_err(format!("thetas must have {} columns (all weights), got {nw}", sys.num_weights())));
    }
    let rows = complex_rows(k, nw, tv);
    let (f, c, j) = run_detached(py, move || homotopy::evaluate_weight_vectors(&sys, &rows, &bv))?;
    Ok((to_complex(py, &[k, n], f)?, to_complex(py, &[k, amb], c)?, to_complex(py, &[k, amb, n], j)?))
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
    m.add_function(wrap_pyfunction!(critical_track, m)?)?;
    m.add_function(wrap_pyfunction!(critical_evaluate, m)?)?;
    Ok(())
}
