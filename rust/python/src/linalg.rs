//! Bindings of `neurovariety_core::linalg` and of the primality test.

use crate::convert::{read_u64_matrix, u64_matrix};
use crate::errors::{run_detached, Result};
use neurovariety_core::{field, linalg, PrimeField};
use numpy::{PyArray2, PyReadonlyArray2};
use pyo3::prelude::*;

/// Rank of a matrix (entries reduced mod `prime`) over F_prime.
#[pyfunction]
pub(crate) fn matrix_rank(py: Python<'_>, a: PyReadonlyArray2<'_, u64>, prime: u64) -> Result<usize> {
    let field = PrimeField::new(prime)?;
    let (rows, cols, data) = read_u64_matrix(&a);
    run_detached(py, move || linalg::rank(field, rows, cols, data))
}

/// Canonical nullspace basis (rows) of a matrix over F_prime.
#[pyfunction]
pub(crate) fn matrix_nullspace<'py>(py: Python<'py>, a: PyReadonlyArray2<'py, u64>, prime: u64) -> Result<Bound<'py, PyArray2<u64>>> {
    let field = PrimeField::new(prime)?;
    let (rows, cols, data) = read_u64_matrix(&a);
    let (k, basis) = run_detached(py, move || linalg::nullspace(field, rows, cols, data))?;
    u64_matrix(py, k, cols, basis)
}

/// Reduced row echelon form over F_prime: its nonzero rows (`rank × cols`) and the pivot columns.
#[pyfunction]
pub(crate) fn matrix_rref<'py>(py: Python<'py>, a: PyReadonlyArray2<'py, u64>, prime: u64) -> Result<(Bound<'py, PyArray2<u64>>, Vec<usize>)> {
    let field = PrimeField::new(prime)?;
    let (rows, cols, data) = read_u64_matrix(&a);
    let (mut m, pivots) = run_detached(py, move || linalg::rref(field, rows, cols, data))?;
    m.truncate(pivots.len() * cols);
    Ok((u64_matrix(py, pivots.len(), cols, m)?, pivots))
}

/// Deterministic primality test for `u64`.
#[pyfunction]
pub(crate) fn is_prime(n: u64) -> bool {
    field::is_prime(n)
}
