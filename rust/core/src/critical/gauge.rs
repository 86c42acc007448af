//! The gauge: which incoming weight of each hidden neuron is fixed to 1.
//!
//! Scaling the incoming row of a hidden neuron by `λ` and its outgoing column by `λ^{-r}`
//! leaves the network's function unchanged. Fixing one incoming weight per hidden
//! neuron to 1 kills this symmetry (only `λ = 1` keeps the entry 1), so the unknowns of the
//! critical equations are the `N − Σ hidden widths` other weights. This module is the one home
//! of that convention (the Python package asks it through `_core.gauge_free_mask`):
//!
//! * the **default chart** fixes the *first* incoming weight (column 0) of every hidden neuron
//!   ([`GaugeChart::first_column`], [`free_mask`]);
//! * a **chart switch** ([`normalize`]) rescales every hidden neuron so that its incoming weight
//!   of *largest* modulus is 1 and fixes that one — the standard charts of projective space, so
//!   incoming weights stay bounded;
//! * a path switches charts when a free incoming weight outgrows the fixed one by a factor
//!   [`SWITCH_RATIO`] ([`needs_switch`]).
//!
//! Weight order is the package's: `W_1` row-major, then `W_2`, …
//!
//! ```
//! use neurovariety_core::critical::gauge;
//!
//! // (2,2,3): W1[0,0] and W1[1,0] are fixed, the other 8 weights are free
//! let mask = gauge::free_mask(&[2, 2, 3]).unwrap();
//! assert_eq!(mask.iter().filter(|&&free| !free).count(), 2);
//! assert_eq!(&mask[..4], &[false, true, false, true]);
//! ```

use crate::arch::check_widths;
use crate::complex::{self, Complex64};
use crate::error::CoreError;

/// A path changes charts when a free incoming weight exceeds the fixed one (1) by this factor.
pub const SWITCH_RATIO: f64 = 2.0;

/// Which weights are fixed by the gauge: for every hidden neuron (layers in order) the column
/// of its incoming row that is set to 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GaugeChart {
    /// Gauge column per hidden neuron.
    pub cols: Vec<usize>,
    /// Per weight (package order): its index among the unknowns, or `None` if fixed to 1.
    pub free: Vec<Option<usize>>,
}

impl GaugeChart {
    /// The chart with the given gauge columns (one per hidden neuron, `< d_{i-1}`).
    pub fn new(widths: &[usize], cols: Vec<usize>) -> Self {
        let depth = widths.len().saturating_sub(1);
        let mut free = Vec::new();
        let mut next = 0usize;
        let mut neuron = 0usize;
        for i in 0..depth {
            let (d_in, d_out) = (widths[i], widths[i + 1]);
            for _row in 0..d_out {
                let fixed = if i + 1 < depth {
                    neuron += 1;
                    Some(cols[neuron - 1])
                } else {
                    None
                };
                for col in 0..d_in {
                    if fixed == Some(col) {
                        free.push(None);
                    } else {
                        free.push(Some(next));
                        next += 1;
                    }
                }
            }
        }
        GaugeChart { cols, free }
    }

    /// The default chart: the first incoming weight of every hidden neuron is 1.
    pub fn first_column(widths: &[usize]) -> Self {
        let hidden: usize = if widths.len() > 2 { widths[1..widths.len() - 1].iter().sum() } else { 0 };
        Self::new(widths, vec![0; hidden])
    }

    /// Number of free weights (unknowns).
    pub fn num_free(&self) -> usize {
        self.free.iter().filter(|f| f.is_some()).count()
    }

    /// The full weight vector (package order) for the free weights `theta` of this chart.
    pub fn full_weights(&self, theta: &[Complex64]) -> Vec<Complex64> {
        self.free.iter().map(|f| f.map_or(complex::ONE, |k| theta[k])).collect()
    }
}

/// The free weights of the default chart, in package order: `true` for free, `false` for the
/// first incoming weight of each hidden neuron (fixed to 1). Fails for invalid widths.
pub fn free_mask(widths: &[usize]) -> Result<Vec<bool>, CoreError> {
    check_widths(widths)?;
    Ok(GaugeChart::first_column(widths).free.iter().map(Option::is_some).collect())
}

/// Rescale every hidden neuron (incoming row × λ, outgoing column × λ^{-r}; the function is
/// unchanged) so that its incoming weight of largest modulus is 1, layer by layer (a later
/// layer's rows see the earlier rescaling of their columns), and return that chart and the
/// free weights. `None` if a neuron has an all-zero incoming row, values are not finite or
/// `full` does not have one entry per weight.
pub fn normalize(widths: &[usize], exponents: &[u32], full: &[Complex64]) -> Option<(GaugeChart, Vec<Complex64>)> {
    let mut w = full.to_vec();
    let num_weights: usize = widths.windows(2).map(|w| w[0] * w[1]).sum();
    if w.len() != num_weights || w.iter().any(|z| !z.is_finite()) {
        return None;
    }
    let depth = widths.len() - 1;
    let mut cols = Vec::new();
    let mut off = 0usize;
    for i in 0..depth.saturating_sub(1) {
        let (d_in, d_out, d_next) = (widths[i], widths[i + 1], widths[i + 2]);
        let next_off = off + d_in * d_out;
        let r = exponents[i];
        for k in 0..d_out {
            let row = &mut w[off + k * d_in..off + (k + 1) * d_in];
            let (jmax, vmax) = row.iter().enumerate().fold((0, 0.0f64), |(bj, bv), (j, z)| if z.norm() > bv { (j, z.norm()) } else { (bj, bv) });
            if vmax == 0.0 {
                return None;
            }
            let lambda = complex::inv(row[jmax]);
            for z in row.iter_mut() {
                *z *= lambda;
            }
            row[jmax] = complex::ONE; // exactly
            let back = row_power_inverse(lambda, r);
            for a in 0..d_next {
                w[next_off + a * d_out + k] *= back;
            }
            cols.push(jmax);
        }
        off = next_off;
    }
    let chart = GaugeChart::new(widths, cols);
    let theta: Vec<Complex64> = chart.free.iter().zip(&w).filter_map(|(f, &z)| f.map(|_| z)).collect();
    if theta.iter().any(|z| !z.is_finite()) {
        return None;
    }
    Some((chart, theta))
}

/// Should a path in `chart` at free weights `x` switch charts? True when some free incoming
/// weight of a hidden neuron has modulus above [`SWITCH_RATIO`] (the fixed one is 1).
pub fn needs_switch(widths: &[usize], chart: &GaugeChart, x: &[Complex64]) -> bool {
    let depth = widths.len() - 1;
    let mut off = 0usize;
    for i in 0..depth.saturating_sub(1) {
        let (d_in, d_out) = (widths[i], widths[i + 1]);
        for k in 0..d_out {
            for col in 0..d_in {
                if let Some(idx) = chart.free[off + k * d_in + col] {
                    if x[idx].norm_sqr() > SWITCH_RATIO * SWITCH_RATIO {
                        return true;
                    }
                }
            }
        }
        off += d_in * d_out;
    }
    false
}

/// `λ^{-r}` for the outgoing column of a rescaled neuron.
fn row_power_inverse(lambda: Complex64, r: u32) -> Complex64 {
    complex::inv(lambda.powu(r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn gauge_charts() {
        // (2,2,3): W1[0,0] and W1[1,0] fixed, the other 8 weights free
        let f = GaugeChart::first_column(&[2, 2, 3]).free;
        assert_eq!(f.len(), 10);
        assert_eq!(f.iter().filter(|x| x.is_none()).count(), 2);
        assert_eq!((f[0], f[1], f[2], f[3], f[4]), (None, Some(0), None, Some(1), Some(2)));
        let g = GaugeChart::new(&[2, 2, 3], vec![1, 0]).free;
        assert_eq!((g[0], g[1], g[2], g[3]), (Some(0), None, None, Some(1)));
        assert!(GaugeChart::first_column(&[3, 2]).free.iter().all(|x| x.is_some()));
    }

    #[test]
    fn free_mask_matches_the_package_convention() {
        // the doctest of the Python package's `_gauge_mask((2, 2, 3))`
        let m: Vec<u8> = free_mask(&[2, 2, 3]).unwrap().into_iter().map(u8::from).collect();
        assert_eq!(m, vec![0, 1, 0, 1, 1, 1, 1, 1, 1, 1]);
        assert!(free_mask(&[3]).unwrap_err().is_invalid_input());
        assert!(free_mask(&[3, 0, 1]).is_err());
        assert_eq!(free_mask(&[2, 3]).unwrap(), vec![true; 6]);
    }

    #[test]
    fn switch_rule() {
        let widths = [2, 1, 1];
        let chart = GaugeChart::first_column(&widths);
        let small = [Complex64::new(1.9, 0.0), complex::ONE];
        let big = [Complex64::new(1.5, 1.5), complex::ONE];
        assert!(!needs_switch(&widths, &chart, &small));
        assert!(needs_switch(&widths, &chart, &big));
        // outgoing weights never trigger a switch
        assert!(!needs_switch(&widths, &chart, &[complex::ONE, Complex64::new(1e6, 0.0)]));
        let full = chart.full_weights(&big);
        let (c2, t2) = normalize(&widths, &[2], &full).unwrap();
        assert_eq!(c2.cols, vec![1]);
        assert!(!needs_switch(&widths, &c2, &t2));
    }

    proptest! {
        #[test]
        fn charts_number_the_free_weights_consecutively(widths in proptest::collection::vec(1usize..5, 2..6), seed in any::<u64>()) {
            let hidden: Vec<usize> = widths[1..widths.len() - 1].to_vec();
            // a gauge column per hidden neuron, each below its layer's input width
            let mut s = seed;
            let mut cols = Vec::new();
            for (layer, &h) in hidden.iter().enumerate() {
                for _ in 0..h {
                    s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    cols.push((s >> 33) as usize % widths[layer]);
                }
            }
            let chart = GaugeChart::new(&widths, cols);
            let n: usize = widths.windows(2).map(|w| w[0] * w[1]).sum();
            let free: Vec<usize> = chart.free.iter().flatten().copied().collect();
            prop_assert_eq!(chart.free.len(), n);
            prop_assert_eq!(free.len(), n - hidden.iter().sum::<usize>());
            prop_assert_eq!(free, (0..chart.num_free()).collect::<Vec<_>>());
            prop_assert_eq!(free_mask(&widths).unwrap().iter().filter(|&&f| f).count(), chart.num_free());
        }
    }
}
