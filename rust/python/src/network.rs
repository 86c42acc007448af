//! Bindings of `neurovariety_core::network`: Jacobians, coefficients and Jacobian ranks.

use crate::convert::u64_matrix;
use crate::errors::{run_detached, Result};
use neurovariety_core::network::{self, Network};
use numpy::PyArray2;
use pyo3::prelude::*;

/// Which Jacobian `jacobian_rank` takes the rank of: `Route.Evaluation` (stacked gradients at
/// random points) or `Route.Monomial` (the coefficient Jacobian JΨ).
#[pyclass(eq, eq_int, hash, frozen, from_py_object, module = "neurovariety._core", name = "Route")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PyRoute {
    Evaluation,
    Monomial,
}

impl From<PyRoute> for network::Route {
    fn from(r: PyRoute) -> Self {
        match r {
            PyRoute::Evaluation => network::Route::Evaluation,
            PyRoute::Monomial => network::Route::Monomial,
        }
    }
}

/// Rank of the Jacobian at random weights from `seed`, mod `prime`: along `route`
/// (`Route.Evaluation` uses `rows` random points, `Route.Monomial` ignores `rows`). With `bound`
/// (a proved upper bound of the rank) the elimination stops at `bound` pivots.
#[pyfunction]
#[pyo3(signature = (widths, exponents, prime, seed, route, rows, bound=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn jacobian_rank(
    py: Python<'_>,
    widths: Vec<usize>,
    exponents: Vec<u32>,
    prime: u64,
    seed: u64,
    route: PyRoute,
    rows: usize,
    bound: Option<usize>,
) -> Result<usize> {
    let net = Network::build(widths, exponents, prime, None, seed)?;
    let bound = bound.unwrap_or(usize::MAX);
    run_detached(py, move || net.jacobian_rank_bounded(route.into(), rows, seed, bound))?.map_err(Into::into)
}

/// The activations feeding the last layer at `rows` random points (`rows × d_{L-1}`) mod
/// `prime`, at the given or random weights: a forward pass only.
#[pyfunction]
#[pyo3(signature = (widths, exponents, prime, rows, weights=None, seed=0))]
pub(crate) fn last_hidden_values<'py>(
    py: Python<'py>,
    widths: Vec<usize>,
    exponents: Vec<u32>,
    prime: u64,
    rows: usize,
    weights: Option<Vec<Vec<u64>>>,
    seed: u64,
) -> Result<Bound<'py, PyArray2<u64>>> {
    let net = Network::build(widths, exponents, prime, weights, seed)?;
    let width = net.arch.widths[net.arch.depth() - 1];
    let values = run_detached(py, move || net.last_hidden_values(rows, network::point_seed(seed)))?;
    u64_matrix(py, rows, width, values)
}

/// The coefficient Jacobian JΨ (`dL·M × N`) mod `prime` at the given or random weights.
#[pyfunction]
#[pyo3(signature = (widths, exponents, prime, weights=None, seed=0))]
pub(crate) fn coefficient_jacobian<'py>(
    py: Python<'py>,
    widths: Vec<usize>,
    exponents: Vec<u32>,
    prime: u64,
    weights: Option<Vec<Vec<u64>>>,
    seed: u64,
) -> Result<Bound<'py, PyArray2<u64>>> {
    let net = Network::build(widths, exponents, prime, weights, seed)?;
    let n = net.arch.num_params();
    let jac = run_detached(py, move || net.coefficient_jacobian())??;
    let rows = jac.len() / n.max(1);
    u64_matrix(py, rows, n, jac)
}

/// Stacked gradients of random output combinations at `rows` random points (the evaluation
/// route), mod `prime`.
#[pyfunction]
#[pyo3(signature = (widths, exponents, prime, rows, weights=None, seed=0))]
pub(crate) fn evaluation_jacobian<'py>(
    py: Python<'py>,
    widths: Vec<usize>,
    exponents: Vec<u32>,
    prime: u64,
    rows: usize,
    weights: Option<Vec<Vec<u64>>>,
    seed: u64,
) -> Result<Bound<'py, PyArray2<u64>>> {
    let net = Network::build(widths, exponents, prime, weights, seed)?;
    let n = net.arch.num_params();
    let jac = run_detached(py, move || net.evaluation_jacobian(rows, network::point_seed(seed)))?;
    u64_matrix(py, rows, n, jac)
}

/// Coefficients of the network's outputs (`dL × M`) mod `prime`.
#[pyfunction]
#[pyo3(signature = (widths, exponents, prime, weights=None, seed=0))]
pub(crate) fn network_coefficients<'py>(
    py: Python<'py>,
    widths: Vec<usize>,
    exponents: Vec<u32>,
    prime: u64,
    weights: Option<Vec<Vec<u64>>>,
    seed: u64,
) -> Result<Bound<'py, PyArray2<u64>>> {
    let net = Network::build(widths, exponents, prime, weights, seed)?;
    let dl = net.arch.outputs();
    let coeffs = run_detached(py, move || net.coefficients())??;
    let m = coeffs.len() / dl;
    u64_matrix(py, dl, m, coeffs)
}
