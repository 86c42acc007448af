//! numpy arrays to core types and back. `numpy::Complex64` is `num_complex::Complex64`, the
//! core's complex type, so complex data is copied once (out of the Python-owned buffer, before
//! the GIL is released) and never converted.

use crate::errors::Result;
use neurovariety_core::complex::{Complex64, ComplexMatrix};
use neurovariety_core::CoreError;
use numpy::{PyArray1, PyArray2, PyArrayDyn, PyArrayMethods, PyReadonlyArray, PyReadonlyArray2, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::prelude::*;

/// The entries of an array in logical row-major order, whatever its memory layout (a plain
/// copy for C-contiguous arrays; `as_slice` alone would also accept Fortran order, in memory
/// order).
fn entries<T: numpy::Element + Copy, D: numpy::ndarray::Dimension>(a: &PyReadonlyArray<'_, T, D>) -> Vec<T> {
    match a.as_slice() {
        Ok(s) if a.is_c_contiguous() => s.to_vec(),
        _ => a.as_array().iter().copied().collect(),
    }
}

/// `(rows, cols, row-major entries)` of a 2-D `uint64` array.
pub(crate) fn read_u64_matrix(a: &PyReadonlyArray2<'_, u64>) -> (usize, usize, Vec<u64>) {
    let shape = a.shape();
    (shape[0], shape[1], entries(a))
}

/// A 2-D complex array as a core matrix.
pub(crate) fn read_complex_matrix(a: &PyReadonlyArray2<'_, Complex64>) -> Result<ComplexMatrix> {
    let shape = a.shape();
    Ok(ComplexMatrix::new(shape[0], shape[1], entries(a))?)
}

/// A complex vector given as shape `(n,)` or `(1, n)`.
pub(crate) fn read_complex_vector(a: &PyReadonlyArrayDyn<'_, Complex64>, what: &str) -> Result<Vec<Complex64>> {
    let shape = a.shape();
    let ok = shape.len() == 1 || (shape.len() == 2 && shape[0] == 1);
    if !ok {
        return Err(CoreError::invalid(format!("{what} must have shape (n,) or (1, n), got {shape:?}")).into());
    }
    Ok(entries(a))
}

/// A row-major `rows × cols` `uint64` array.
pub(crate) fn u64_matrix<'py>(py: Python<'py>, rows: usize, cols: usize, data: Vec<u64>) -> Result<Bound<'py, PyArray2<u64>>> {
    Ok(PyArray1::from_vec(py, data).reshape([rows, cols])?)
}

/// A complex array of the given shape from row-major entries.
pub(crate) fn complex_array<'py>(py: Python<'py>, shape: &[usize], data: Vec<Complex64>) -> Result<Bound<'py, PyArrayDyn<Complex64>>> {
    Ok(PyArray1::from_vec(py, data).reshape(shape.to_vec())?)
}
