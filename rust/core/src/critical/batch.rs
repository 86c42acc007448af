//! Batches of points tracked or evaluated for the bindings, for any [`Homotopy`]: each input
//! row is put in a chart (or refused), tracked, and written back in the caller's coordinates.

use super::{CriticalValues, TrackedBatch};
use crate::complex::{Complex64, ComplexMatrix};
use crate::error::CoreError;
use crate::homotopy::{track_all, Cancel, Homotopy, PathStatus, TrackerOptions};

/// Check `nodes` (`K >= 2` rows of `num_params` entries) and return them as vectors.
pub(crate) fn node_rows(nodes: &ComplexMatrix, num_params: usize) -> Result<Vec<Vec<Complex64>>, CoreError> {
    if nodes.cols() != num_params || nodes.rows() < 2 {
        return Err(CoreError::invalid(format!("nodes must be (K >= 2) x {num_params} parameter vectors, got {} x {}", nodes.rows(), nodes.cols())));
    }
    Ok(nodes.iter_rows().map(<[Complex64]>::to_vec).collect())
}

/// Track the rows of `starts` (`k × cols`): `chart_of(row)` gives the chart and local
/// coordinates of a row (`None`: not trackable, returned unchanged as `Singular` with 0 steps),
/// `back(chart, x)` the row of an end point. Cancelled paths come back unchanged.
pub(crate) fn track_rows<H: Homotopy>(
    h: &H,
    starts: &ComplexMatrix,
    nodes: &ComplexMatrix,
    opts: &TrackerOptions,
    cancel: &Cancel,
    chart_of: impl Fn(&[Complex64]) -> Option<(H::Chart, Vec<Complex64>)>,
    back: impl Fn(&H::Chart, &[Complex64]) -> Vec<Complex64>,
) -> Result<TrackedBatch, CoreError> {
    let node_rows = node_rows(nodes, h.num_params())?;
    opts.validate()?;
    let charts: Vec<Option<(H::Chart, Vec<Complex64>)>> = starts.iter_rows().map(chart_of).collect();
    let good: Vec<(H::Chart, Vec<Complex64>)> = charts.iter().flatten().cloned().collect();
    let mut tracked = track_all(h, &good, &node_rows, opts, cancel).into_iter();
    let k = starts.rows();
    let mut ends = Vec::with_capacity(starts.as_slice().len());
    let (mut status, mut steps, mut residual) = (Vec::with_capacity(k), Vec::with_capacity(k), Vec::with_capacity(k));
    for (w, c) in starts.iter_rows().zip(&charts) {
        let (end, st, s, r) = match c {
            Some(_) => {
                let Some(r) = tracked.next() else {
                    return Err(CoreError::Internal("the tracker returned fewer paths than it was given".into()));
                };
                let end = if r.status == PathStatus::Cancelled { w.to_vec() } else { back(&r.chart, &r.x) };
                (end, r.status, r.steps as u64, r.residual)
            }
            None => (w.to_vec(), PathStatus::Singular, 0, f64::NAN),
        };
        ends.extend(end);
        status.push(st);
        steps.push(s);
        residual.push(r);
    }
    Ok(TrackedBatch { ends: ComplexMatrix::new(k, starts.cols(), ends)?, status, steps, residual })
}

/// Evaluate `values(row) -> Some((F, c, J))` at every row (`None`: NaN row) into flat
/// row-major arrays of `n` equations, `amb` coefficients and an `amb × n` Jacobian each.
pub(crate) fn evaluate_rows(
    rows: &ComplexMatrix,
    n: usize,
    amb: usize,
    values: impl Fn(&[Complex64]) -> Option<(Vec<Complex64>, Vec<Complex64>, Vec<Complex64>)>,
) -> CriticalValues {
    let k = rows.rows();
    let nan = Complex64::new(f64::NAN, f64::NAN);
    let (mut f, mut c, mut j) = (vec![nan; k * n], vec![nan; k * amb], vec![nan; k * amb * n]);
    for (i, row) in rows.iter_rows().enumerate() {
        if let Some((fi, ci, ji)) = values(row) {
            f[i * n..(i + 1) * n].copy_from_slice(&fi);
            c[i * amb..(i + 1) * amb].copy_from_slice(&ci);
            j[i * amb * n..(i + 1) * amb * n].copy_from_slice(&ji);
        }
    }
    CriticalValues { f, c, jacobian: j }
}

/// The rows of `rows` mapped by `f`, as a `k × cols` matrix.
pub(crate) fn map_rows(rows: &ComplexMatrix, cols: usize, f: impl Fn(&[Complex64]) -> Vec<Complex64>) -> Result<ComplexMatrix, CoreError> {
    let data: Vec<Complex64> = rows.iter_rows().flat_map(f).collect();
    ComplexMatrix::new(rows.rows(), cols, data)
}
