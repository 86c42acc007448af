//! Bindings of `neurovariety_core::critical::witness`: the stateful `WitnessSystem` (points of
//! V on an affine-linear slice, optionally in a weight slice) and `SlicedCriticalSystem` (the
//! critical equations restricted to a weight slice), tracked like `CriticalSystem`.

use crate::convert::{complex_array, read_complex_matrix, read_complex_vector};
use crate::critical::{track_interruptibly, PyTrackResult, PyTrackerOptions};
use crate::errors::{run_detached, Result};
use neurovariety_core::complex::{Complex64, ComplexMatrix};
use neurovariety_core::critical::{witness, CriticalSystem, CriticalValues, Sliced};
use neurovariety_core::homotopy::{Homotopy, TrackerOptions as CoreOptions};
use neurovariety_core::CoreError;
use numpy::{PyArrayDyn, PyReadonlyArray2, PyReadonlyArrayDyn};
use pyo3::prelude::*;

/// A weight slice `(p, S)` as Python passes it.
type SliceArg<'py> = (PyReadonlyArrayDyn<'py, Complex64>, PyReadonlyArray2<'py, Complex64>);

fn read_slice(slice: &SliceArg<'_>) -> Result<(Vec<Complex64>, ComplexMatrix)> {
    Ok((read_complex_vector(&slice.0, "p")?, read_complex_matrix(&slice.1)?))
}

fn options(options: Option<PyRef<'_, PyTrackerOptions>>) -> CoreOptions {
    options.as_ref().map_or_else(CoreOptions::default, |o| o.inner.clone())
}

type Evaluated<'py> = (Bound<'py, PyArrayDyn<Complex64>>, Bound<'py, PyArrayDyn<Complex64>>, Bound<'py, PyArrayDyn<Complex64>>);

fn values_to_arrays<'py>(py: Python<'py>, v: CriticalValues, k: usize, n: usize, amb: usize) -> Result<Evaluated<'py>> {
    Ok((complex_array(py, &[k, n], v.f)?, complex_array(py, &[k, amb], v.c)?, complex_array(py, &[k, amb, n], v.jacobian)?))
}

fn matrix_to_array(py: Python<'_>, m: ComplexMatrix) -> Result<Bound<'_, PyArrayDyn<Complex64>>> {
    let (k, n) = (m.rows(), m.cols());
    complex_array(py, &[k, n], m.into_vec())
}

/// `F(θ; b) = A c(θ) − b` in gauge-fixed weights (`A`: `k × dL·M`, `k` the number of
/// gauge-fixed weights), or with ``slice=(p, S)`` in the weight slice `θ = p + S t` of the
/// default gauge chart (`A`: `m × dL·M`, `S`: `n × m`). Points in and out are full weight
/// vectors (`N` entries) without a slice and slice coordinates `t` (`m` entries) with one.
#[pyclass(frozen, module = "neurovariety._core", name = "WitnessSystem")]
#[derive(Debug)]
pub(crate) struct PyWitnessSystem {
    inner: witness::WitnessSystem,
}

#[pymethods]
impl PyWitnessSystem {
    #[new]
    #[pyo3(signature = (widths, exponents, a, slice=None))]
    fn new(widths: Vec<usize>, exponents: Vec<u32>, a: PyReadonlyArray2<'_, Complex64>, slice: Option<SliceArg<'_>>) -> Result<Self> {
        let a = read_complex_matrix(&a)?;
        let slice = slice.as_ref().map(read_slice).transpose()?;
        Ok(PyWitnessSystem { inner: witness::WitnessSystem::new(widths, exponents, a, slice)? })
    }

    /// Number of unknowns and equations `k` (gauge-fixed weights, or `m` with a slice).
    #[getter]
    fn num_unknowns(&self) -> usize {
        self.inner.num_unknowns()
    }

    /// Number of weights `N`.
    #[getter]
    fn num_weights(&self) -> usize {
        self.inner.num_weights()
    }

    /// Length `dL·M` of the coefficient vector.
    #[getter]
    fn ambient(&self) -> usize {
        self.inner.ambient()
    }

    /// Entries of a point: `N` (full weights) without a slice, `m` with one.
    #[getter]
    fn point_len(&self) -> usize {
        self.inner.point_len()
    }

    /// Track `starts` (`k × point_len`) through the segments between the rows of `nodes`
    /// (`K × num_unknowns` values of `b`); interruptible exactly like `CriticalSystem.track`.
    #[pyo3(signature = (starts, nodes, options=None, timeout=None))]
    fn track(
        &self,
        py: Python<'_>,
        starts: PyReadonlyArray2<'_, Complex64>,
        nodes: PyReadonlyArray2<'_, Complex64>,
        options: Option<PyRef<'_, PyTrackerOptions>>,
        timeout: Option<f64>,
    ) -> Result<PyTrackResult> {
        let (starts, nodes, opts) = (read_complex_matrix(&starts)?, read_complex_matrix(&nodes)?, self::options(options));
        let sys = &self.inner;
        track_interruptibly(py, timeout, |cancel| witness::track_witness(sys, &starts, &nodes, &opts, cancel))
    }

    /// At each point (row of `points`): `F` (`k × n`) for the parameter `b`, the coefficients
    /// (`k × dL·M`) and their Jacobian with respect to the unknowns (`k × dL·M × n`; `J S` with
    /// a slice). Rows without a chart (dead hidden neuron, non-finite) are NaN.
    fn evaluate<'py>(&self, py: Python<'py>, b: PyReadonlyArrayDyn<'py, Complex64>, points: PyReadonlyArray2<'py, Complex64>) -> Result<Evaluated<'py>> {
        let (b, points) = (read_complex_vector(&b, "b")?, read_complex_matrix(&points)?);
        let (k, n, amb) = (points.rows(), self.inner.num_unknowns(), self.inner.ambient());
        let sys = &self.inner;
        let v = run_detached(py, || witness::evaluate_witness(sys, &points, &b))??;
        values_to_arrays(py, v, k, n, amb)
    }

    /// The full weight vectors (`k × N`, package order) of the points.
    fn weights<'py>(&self, py: Python<'py>, points: PyReadonlyArray2<'py, Complex64>) -> Result<Bound<'py, PyArrayDyn<Complex64>>> {
        matrix_to_array(py, witness::witness_weights(&self.inner, &read_complex_matrix(&points)?)?)
    }

    fn __repr__(&self) -> String {
        let sliced = if self.inner.slice().is_some() { ", sliced" } else { "" };
        format!("WitnessSystem(widths={:?}, unknowns={}, ambient={}{sliced})", self.inner.widths(), self.inner.num_unknowns(), self.inner.ambient())
    }
}

/// The critical equations `J(θ)ᵀ (Q c(θ) − b)` restricted to the weight slice `θ = p + S t` of
/// the default gauge chart: `G(t; b) = Sᵀ F(p + S t; b)` (`S`: `n × m`). Points are slice
/// coordinates `t` (`m` entries).
#[pyclass(frozen, module = "neurovariety._core", name = "SlicedCriticalSystem")]
#[derive(Debug)]
pub(crate) struct PySlicedCriticalSystem {
    inner: witness::SlicedCriticalSystem,
}

#[pymethods]
impl PySlicedCriticalSystem {
    #[new]
    fn new(
        widths: Vec<usize>,
        exponents: Vec<u32>,
        q: PyReadonlyArray2<'_, Complex64>,
        p: PyReadonlyArrayDyn<'_, Complex64>,
        s: PyReadonlyArray2<'_, Complex64>,
    ) -> Result<Self> {
        let q = read_complex_matrix(&q)?;
        if q.rows() != q.cols() {
            return Err(CoreError::invalid(format!("weight matrix must be square, got {} x {}", q.rows(), q.cols())).into());
        }
        let (p, s) = (read_complex_vector(&p, "p")?, read_complex_matrix(&s)?);
        let slice = witness::default_chart_slice(&widths, p, s)?;
        let inner = CriticalSystem::new(widths, exponents, q.into_vec())?;
        Ok(PySlicedCriticalSystem { inner: Sliced::new(inner, slice)? })
    }

    /// Number of unknowns `m` (slice coordinates).
    #[getter]
    fn num_unknowns(&self) -> usize {
        self.inner.dim()
    }

    /// Number of weights `N`.
    #[getter]
    fn num_weights(&self) -> usize {
        self.inner.inner().num_weights()
    }

    /// Length `dL·M` of the coefficient vector (and of `b`).
    #[getter]
    fn ambient(&self) -> usize {
        self.inner.inner().ambient()
    }

    /// Track slice coordinates `starts` (`k × m`) through the rows of `nodes` (`K × dL·M`);
    /// interruptible exactly like `CriticalSystem.track`.
    #[pyo3(signature = (starts, nodes, options=None, timeout=None))]
    fn track(
        &self,
        py: Python<'_>,
        starts: PyReadonlyArray2<'_, Complex64>,
        nodes: PyReadonlyArray2<'_, Complex64>,
        options: Option<PyRef<'_, PyTrackerOptions>>,
        timeout: Option<f64>,
    ) -> Result<PyTrackResult> {
        let (starts, nodes, opts) = (read_complex_matrix(&starts)?, read_complex_matrix(&nodes)?, self::options(options));
        let sys = &self.inner;
        track_interruptibly(py, timeout, |cancel| witness::track_sliced(sys, &starts, &nodes, &opts, cancel))
    }

    /// At each row of `points` (`k × m`): `G` (`k × m`), the coefficients (`k × dL·M`) and
    /// `∂c/∂t = J S` (`k × dL·M × m`).
    fn evaluate<'py>(&self, py: Python<'py>, b: PyReadonlyArrayDyn<'py, Complex64>, points: PyReadonlyArray2<'py, Complex64>) -> Result<Evaluated<'py>> {
        let (b, points) = (read_complex_vector(&b, "b")?, read_complex_matrix(&points)?);
        let (k, n, amb) = (points.rows(), self.inner.dim(), self.inner.inner().ambient());
        let sys = &self.inner;
        let v = run_detached(py, || witness::evaluate_sliced(sys, &points, &b))??;
        values_to_arrays(py, v, k, n, amb)
    }

    /// The full weight vectors (`k × N`, package order) of slice coordinates.
    fn weights<'py>(&self, py: Python<'py>, points: PyReadonlyArray2<'py, Complex64>) -> Result<Bound<'py, PyArrayDyn<Complex64>>> {
        matrix_to_array(py, witness::sliced_weights(&self.inner, &read_complex_matrix(&points)?)?)
    }

    fn __repr__(&self) -> String {
        format!("SlicedCriticalSystem(widths={:?}, unknowns={}, ambient={})", self.inner.inner().widths(), self.inner.dim(), self.inner.inner().ambient())
    }
}
