//! Bindings of `neurovariety_core::critical` and the tracker: a stateful `CriticalSystem`
//! (built once per architecture and weight matrix, then called many times by a monodromy run),
//! `TrackerOptions`, `TrackResult` and the gauge convention.

use crate::convert::{complex_array, read_complex_matrix, read_complex_vector};
use crate::errors::{panic_message, run_detached, Error, Result};
use neurovariety_core::complex::Complex64;
use neurovariety_core::critical::{self, gauge, TrackedBatch};
use neurovariety_core::homotopy::{Cancel, PathStatus, TrackerOptions as CoreOptions};
use neurovariety_core::CoreError;
use numpy::{PyArray1, PyArray2, PyArrayDyn, PyArrayMethods, PyReadonlyArray2, PyReadonlyArrayDyn};
use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::Duration;

/// How often the calling thread wakes up to run Python's signal handlers while paths are
/// tracked (Ctrl-C is answered within this plus one tracker step per path).
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Settings of the path tracker; every keyword defaults to the Rust `TrackerOptions::default()`.
#[pyclass(frozen, module = "neurovariety._core", name = "TrackerOptions")]
#[derive(Debug, Clone)]
pub(crate) struct PyTrackerOptions {
    pub(crate) inner: CoreOptions,
}

#[pymethods]
impl PyTrackerOptions {
    #[new]
    #[pyo3(signature = (
        *,
        initial_step = CoreOptions::default().initial_step,
        max_step = CoreOptions::default().max_step,
        min_step = CoreOptions::default().min_step,
        max_steps = CoreOptions::default().max_steps,
        newton_iters = CoreOptions::default().newton_iters,
        newton_tol = CoreOptions::default().newton_tol,
        predictor_trust = CoreOptions::default().predictor_trust,
        target_error = CoreOptions::default().target_error,
        max_norm = CoreOptions::default().max_norm,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        initial_step: f64,
        max_step: f64,
        min_step: f64,
        max_steps: usize,
        newton_iters: usize,
        newton_tol: f64,
        predictor_trust: f64,
        target_error: f64,
        max_norm: f64,
    ) -> Result<Self> {
        let inner = CoreOptions { initial_step, max_step, min_step, max_steps, newton_iters, newton_tol, predictor_trust, target_error, max_norm };
        inner.validate()?;
        Ok(PyTrackerOptions { inner })
    }

    /// First step length in the segment parameter `t ∈ [0, 1]`.
    #[getter]
    fn initial_step(&self) -> f64 {
        self.inner.initial_step
    }
    /// Largest step length.
    #[getter]
    fn max_step(&self) -> f64 {
        self.inner.max_step
    }
    /// A path fails when the step length drops below this.
    #[getter]
    fn min_step(&self) -> f64 {
        self.inner.min_step
    }
    /// A path fails after this many attempted steps per segment.
    #[getter]
    fn max_steps(&self) -> usize {
        self.inner.max_steps
    }
    /// Newton iterations per corrector call.
    #[getter]
    fn newton_iters(&self) -> usize {
        self.inner.newton_iters
    }
    /// Relative accuracy at which the corrector stops.
    #[getter]
    fn newton_tol(&self) -> f64 {
        self.inner.newton_tol
    }
    /// Largest first Newton update, as a fraction of the predictor's move.
    #[getter]
    fn predictor_trust(&self) -> f64 {
        self.inner.predictor_trust
    }
    /// Relative predictor error the step-size control aims at.
    #[getter]
    fn target_error(&self) -> f64 {
        self.inner.target_error
    }
    /// A path diverges when its max-norm exceeds this.
    #[getter]
    fn max_norm(&self) -> f64 {
        self.inner.max_norm
    }

    fn __repr__(&self) -> String {
        let o = &self.inner;
        format!(
            "TrackerOptions(initial_step={:?}, max_step={:?}, min_step={:?}, max_steps={}, newton_iters={}, newton_tol={:?}, predictor_trust={:?}, target_error={:?}, max_norm={:?})",
            o.initial_step, o.max_step, o.min_step, o.max_steps, o.newton_iters, o.newton_tol, o.predictor_trust, o.target_error, o.max_norm
        )
    }
}

/// The outcome of `CriticalSystem.track`: one row / entry per start.
#[pyclass(frozen, module = "neurovariety._core", name = "TrackResult")]
#[derive(Debug)]
pub(crate) struct PyTrackResult {
    /// End weights (`k × N`, complex); untracked starts (status 4 without steps, 5) unchanged.
    #[pyo3(get)]
    ends: Py<PyArray2<Complex64>>,
    /// Per path: 0 success, 1 diverged, 2 step size too small, 3 max steps, 4 singular,
    /// 5 not tracked because the run was cancelled.
    #[pyo3(get)]
    status: Py<PyArray1<u8>>,
    /// Accepted plus rejected steps per path.
    #[pyo3(get)]
    steps: Py<PyArray1<u64>>,
    /// `‖F‖` at each end (NaN unless the path succeeded).
    #[pyo3(get)]
    residual: Py<PyArray1<f64>>,
    /// The run was stopped by Ctrl-C (the KeyboardInterrupt was consumed by the call).
    #[pyo3(get)]
    interrupted: bool,
    /// The run was stopped by its timeout before every path finished.
    #[pyo3(get)]
    timed_out: bool,
    paths: usize,
    succeeded: usize,
}

#[pymethods]
impl PyTrackResult {
    fn __repr__(&self) -> String {
        format!(
            "TrackResult(paths={}, succeeded={}, interrupted={}, timed_out={})",
            self.paths,
            self.succeeded,
            if self.interrupted { "True" } else { "False" },
            if self.timed_out { "True" } else { "False" }
        )
    }
}

impl PyTrackResult {
    fn new(py: Python<'_>, batch: TrackedBatch, interrupted: bool, timed_out: bool) -> Result<Self> {
        let (k, n) = (batch.ends.rows(), batch.ends.cols());
        let status: Vec<u8> = batch.status.iter().map(|&s| s as u8).collect();
        let succeeded = batch.status.iter().filter(|&&s| s == PathStatus::Success).count();
        let ends = PyArray1::from_vec(py, batch.ends.into_vec()).reshape([k, n])?;
        Ok(PyTrackResult {
            ends: ends.unbind(),
            status: PyArray1::from_vec(py, status).unbind(),
            steps: PyArray1::from_vec(py, batch.steps).unbind(),
            residual: PyArray1::from_vec(py, batch.residual).unbind(),
            interrupted,
            timed_out,
            paths: k,
            succeeded,
        })
    }
}

/// What the calling thread found when it ran Python's signal handlers.
enum Signal {
    None,
    Interrupt,
    Raised(PyErr),
}

/// The critical equations `J(θ)ᵀ (Q c(θ) − b) = 0` of one architecture and weight matrix `q`
/// (`amb × amb`, `amb = dL·M`), in gauge-fixed weights; weight vectors in and out are full
/// (`N` entries, package order).
#[pyclass(frozen, module = "neurovariety._core", name = "CriticalSystem")]
#[derive(Debug)]
pub(crate) struct PyCriticalSystem {
    inner: critical::CriticalSystem,
}

#[pymethods]
impl PyCriticalSystem {
    #[new]
    fn new(widths: Vec<usize>, exponents: Vec<u32>, q: PyReadonlyArray2<'_, Complex64>) -> Result<Self> {
        let q = read_complex_matrix(&q)?;
        if q.rows() != q.cols() {
            return Err(CoreError::invalid(format!("weight matrix must be square, got {} x {}", q.rows(), q.cols())).into());
        }
        Ok(PyCriticalSystem { inner: critical::CriticalSystem::new(widths, exponents, q.into_vec())? })
    }

    /// Number of unknowns `n` (free weights after fixing the gauge).
    #[getter]
    fn num_unknowns(&self) -> usize {
        self.inner.num_unknowns()
    }

    /// Number of weights `N`.
    #[getter]
    fn num_weights(&self) -> usize {
        self.inner.num_weights()
    }

    /// Length `dL·M` of the coefficient vector (and of the parameter `b`).
    #[getter]
    fn ambient(&self) -> usize {
        self.inner.ambient()
    }

    /// Track the solutions `starts` (`k × N` full weight vectors) of the critical equations
    /// through the straight segments between the rows of `nodes` (`K >= 2`), in parallel,
    /// without the GIL. A row is a value of `b` (`dL·M` entries; the weight is this system's
    /// `Q`) or of `(b, vec Q)` (`dL·M + (dL·M)²` entries, `Q` row-major; the weight moves too).
    ///
    /// Ctrl-C is answered within a fraction of a second: the run stops, and the call *returns*
    /// normally with ``interrupted=True`` (the KeyboardInterrupt is consumed by this call and
    /// reported through that flag, so the caller keeps the paths finished so far and decides
    /// whether to re-raise it). With ``timeout`` (seconds) the run stops at that deadline with
    /// ``timed_out=True``. Paths not finished when a run stops have status 5 and their start as
    /// end. Any other exception raised by a signal handler stops the run and propagates.
    #[pyo3(signature = (starts, nodes, options=None, timeout=None))]
    fn track(
        &self,
        py: Python<'_>,
        starts: PyReadonlyArray2<'_, Complex64>,
        nodes: PyReadonlyArray2<'_, Complex64>,
        options: Option<PyRef<'_, PyTrackerOptions>>,
        timeout: Option<f64>,
    ) -> Result<PyTrackResult> {
        let starts = read_complex_matrix(&starts)?;
        let nodes = read_complex_matrix(&nodes)?;
        let opts = options.as_ref().map_or_else(CoreOptions::default, |o| o.inner.clone());
        drop(options);
        let sys = &self.inner;
        track_interruptibly(py, timeout, |cancel| critical::track_weight_vectors(sys, &starts, &nodes, &opts, cancel))
    }

    /// At each row of `thetas` (`k × N` full weight vectors): the critical equations `F`
    /// (`k × n`, in the best-conditioned gauge chart of that row) for the parameter `b`
    /// (shape `(dL·M,)` or `(1, dL·M)`), the coefficients `c(θ)` (`k × dL·M`) and their
    /// Jacobian with respect to the free weights of that chart (`k × dL·M × n`). Rows with a
    /// dead hidden neuron give NaN.
    #[allow(clippy::type_complexity)]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        b: PyReadonlyArrayDyn<'py, Complex64>,
        thetas: PyReadonlyArray2<'py, Complex64>,
    ) -> Result<(Bound<'py, PyArrayDyn<Complex64>>, Bound<'py, PyArrayDyn<Complex64>>, Bound<'py, PyArrayDyn<Complex64>>)> {
        let b = read_complex_vector(&b, "b")?;
        let thetas = read_complex_matrix(&thetas)?;
        let (k, amb, n) = (thetas.rows(), self.inner.ambient(), self.inner.num_unknowns());
        let sys = &self.inner;
        let v = run_detached(py, || critical::evaluate_weight_vectors(sys, &thetas, &b))??;
        Ok((complex_array(py, &[k, n], v.f)?, complex_array(py, &[k, amb], v.c)?, complex_array(py, &[k, amb, n], v.jacobian)?))
    }

    /// Certify each row of `thetas` (`k × N` full weight vectors) as a critical point for the
    /// parameter `b` by the Krawczyk test in complex ball arithmetic (in the row's best gauge
    /// chart, after at most a few Newton steps that may move it by `1e-6` relative): returns
    /// `(certified, real, radius, distinct)` — a unique non-singular zero of the critical
    /// equations lies in the max-norm box of that radius; it is real (real `Q` and `b`, box
    /// centred at a real point); its coefficient enclosure is disjoint from every other
    /// certified row's (a different function). In parallel, without the GIL.
    #[allow(clippy::type_complexity)]
    fn certify<'py>(
        &self,
        py: Python<'py>,
        thetas: PyReadonlyArray2<'py, Complex64>,
        b: PyReadonlyArrayDyn<'py, Complex64>,
    ) -> Result<(Bound<'py, PyArray1<bool>>, Bound<'py, PyArray1<bool>>, Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<bool>>)> {
        let b = read_complex_vector(&b, "b")?;
        let thetas = read_complex_matrix(&thetas)?;
        let sys = &self.inner;
        let out = run_detached(py, || critical::certify_weight_vectors(sys, &thetas, &b))??;
        Ok((PyArray1::from_vec(py, out.certified), PyArray1::from_vec(py, out.real), PyArray1::from_vec(py, out.radius), PyArray1::from_vec(py, out.distinct)))
    }

    fn __repr__(&self) -> String {
        format!("CriticalSystem(widths={:?}, unknowns={}, ambient={})", self.inner.widths(), self.inner.num_unknowns(), self.inner.ambient())
    }
}

/// Run a tracking `job` without the GIL on a worker thread while the calling thread answers
/// Ctrl-C (see `CriticalSystem.track`): an interrupt cancels the job and is reported as
/// ``interrupted=True``, ``timeout`` seconds set a deadline (``timed_out=True``), any other
/// exception raised by a signal handler stops the job and propagates.
pub(crate) fn track_interruptibly(
    py: Python<'_>,
    timeout: Option<f64>,
    job: impl FnOnce(&Cancel) -> std::result::Result<TrackedBatch, CoreError> + Send,
) -> Result<PyTrackResult> {
    let cancel = Cancel::with_timeout(timeout)?;
    let (outcome, interrupted, raised) = py.detach(|| {
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::sync_channel(1);
            let cancel = &cancel;
            scope.spawn(move || {
                let out = catch_unwind(AssertUnwindSafe(|| job(cancel)));
                // the receiver waits for this message, so the send cannot fail
                let _ = tx.send(out.unwrap_or_else(|panic| Err(panic_message(panic))));
            });
            let (mut interrupted, mut raised) = (false, None);
            loop {
                match rx.recv_timeout(SIGNAL_POLL) {
                    Ok(out) => return (out, interrupted, raised),
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        return (Err(CoreError::Internal("the tracking thread ended without a result".into())), interrupted, raised)
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) if !cancel.flagged() => {
                        let signal = Python::attach(|py| match py.check_signals() {
                            Ok(()) => Signal::None,
                            Err(e) if e.is_instance_of::<PyKeyboardInterrupt>(py) => Signal::Interrupt,
                            Err(e) => Signal::Raised(e),
                        });
                        match signal {
                            Signal::None => {}
                            Signal::Interrupt => {
                                interrupted = true;
                                cancel.cancel();
                            }
                            Signal::Raised(e) => {
                                raised = Some(e);
                                cancel.cancel();
                            }
                        }
                    }
                    // cancelled: the workers stop within a step; wait for them
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                }
            }
        })
    });
    if let Some(e) = raised {
        return Err(Error::Python(e));
    }
    let batch = outcome?;
    let timed_out = cancel.deadline_passed() && batch.status.contains(&PathStatus::Cancelled);
    PyTrackResult::new(py, batch, interrupted, timed_out)
}

/// The free weights of the default gauge, in package order (`W_1` row-major, then `W_2`, …):
/// `False` for the first incoming weight of each hidden neuron (fixed to 1), `True` otherwise.
#[pyfunction]
pub(crate) fn gauge_free_mask(widths: Vec<usize>) -> Result<Vec<bool>> {
    Ok(gauge::free_mask(&widths)?)
}
