//! Errors at the boundary: the one conversion of [`CoreError`] into the Python exceptions of
//! `neurovariety.errors`, and the panic guard around work done without the GIL.

use neurovariety_core::CoreError;
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

pyo3::import_exception!(neurovariety.errors, InvalidInputError);
pyo3::import_exception!(neurovariety.errors, ResourceLimitError);
pyo3::import_exception!(neurovariety.errors, InternalError);

/// The error of every binding call: a [`CoreError`] (converted below, in the one place that
/// maps core errors to Python classes) or an exception pyo3 or Python already raised (argument
/// extraction, signal handlers), passed through unchanged.
#[derive(Debug)]
pub(crate) enum Error {
    Core(CoreError),
    Python(PyErr),
}

impl From<CoreError> for Error {
    fn from(e: CoreError) -> Self {
        Error::Core(e)
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error::Python(e)
    }
}

impl From<Error> for PyErr {
    fn from(e: Error) -> PyErr {
        let e = match e {
            Error::Python(e) => return e,
            Error::Core(e) => e,
        };
        let msg = e.to_string();
        match e {
            CoreError::InvalidInput(_) | CoreError::NotPrime(_) | CoreError::PrimeOutOfRange(_) => InvalidInputError::new_err(msg),
            CoreError::ResourceLimit(_) => ResourceLimitError::new_err(msg),
            CoreError::Internal(_) => InternalError::new_err(msg),
        }
    }
}

/// `Result` of the bindings.
pub(crate) type Result<T> = std::result::Result<T, Error>;

/// The message of a caught panic.
pub(crate) fn panic_message(panic: Box<dyn std::any::Any + Send>) -> CoreError {
    let msg = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_else(|| "unknown panic".into());
    CoreError::Internal(msg)
}

/// Run `work` without the GIL; a Rust panic becomes an `InternalError` instead of an abort.
pub(crate) fn run_detached<T: Send>(py: Python<'_>, work: impl FnOnce() -> T + Send) -> Result<T> {
    py.detach(|| catch_unwind(AssertUnwindSafe(work))).map_err(|panic| Error::Core(panic_message(panic)))
}
