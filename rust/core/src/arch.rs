//! Architectures of polynomial neural networks: widths `(d0, …, dL)` and one activation
//! exponent per hidden layer, validated once here.
//!
//! ```
//! use neurovariety_core::Architecture;
//!
//! let arch = Architecture::new(vec![3, 2, 1], vec![2]).unwrap();
//! assert_eq!((arch.num_params(), arch.hidden_neurons(), arch.degree()), (8, 2, Some(2)));
//! assert_eq!(arch.output_monomials(), Some(6));
//! assert!(Architecture::new(vec![3, 0, 1], vec![2]).is_err());
//! ```

use crate::error::CoreError;
use crate::poly;

/// Widths `(d0, …, dL)` and one activation exponent per hidden layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Architecture {
    pub widths: Vec<usize>,
    pub exponents: Vec<u32>,
}

impl Architecture {
    pub fn new(widths: Vec<usize>, exponents: Vec<u32>) -> Result<Self, CoreError> {
        check_widths(&widths)?;
        if exponents.len() != widths.len() - 2 {
            return Err(CoreError::invalid(format!("need one exponent per hidden layer ({}), got {exponents:?}", widths.len() - 2)));
        }
        if exponents.contains(&0) {
            return Err(CoreError::invalid(format!("exponents must be positive, got {exponents:?}")));
        }
        Ok(Architecture { widths, exponents })
    }

    /// Number of weight matrices `L`.
    pub fn depth(&self) -> usize {
        self.widths.len() - 1
    }

    /// Number of weights `N = Σ d_{i-1} d_i`.
    pub fn num_params(&self) -> usize {
        self.widths.windows(2).map(|w| w[0] * w[1]).sum()
    }

    /// Number of hidden neurons `Σ_{i=1}^{L-1} d_i` (one rescaling symmetry each).
    pub fn hidden_neurons(&self) -> usize {
        self.widths[1..self.widths.len() - 1].iter().sum()
    }

    /// Number of outputs `dL`.
    pub fn outputs(&self) -> usize {
        self.widths[self.depth()]
    }

    /// Offset of `W_i` (1-based `i`) in the weight vector.
    pub fn layer_offset(&self, i: usize) -> usize {
        self.widths[..i].windows(2).map(|w| w[0] * w[1]).sum()
    }

    /// Degree of the output polynomials; `None` if it overflows `u32`.
    pub fn degree(&self) -> Option<u32> {
        self.exponents.iter().try_fold(1u32, |acc, &r| acc.checked_mul(r))
    }

    /// The degree, or an error naming the architecture when it overflows `u32`.
    pub fn checked_degree(&self) -> Result<u32, CoreError> {
        self.degree()
            .ok_or_else(|| CoreError::ResourceLimit(format!("the output degree of {:?} with exponents {:?} overflows u32", self.widths, self.exponents)))
    }

    /// Degree of the inputs `a_{i-1}` of layer `i` (1-based): the product of `r_1..r_{i-1}`.
    pub(crate) fn input_degree(&self, i: usize) -> u32 {
        self.exponents[..i - 1].iter().product()
    }

    /// Number of monomials `M` of the output degree, if it fits in a `u64`.
    pub fn output_monomials(&self) -> Option<u64> {
        poly::num_monomials(self.widths[0], self.degree()? as u64)
    }
}

/// Widths must be at least two positive integers.
pub fn check_widths(widths: &[usize]) -> Result<(), CoreError> {
    if widths.len() < 2 {
        return Err(CoreError::invalid(format!("an architecture needs at least 2 widths, got {widths:?}")));
    }
    if let Some(w) = widths.iter().find(|&&w| w == 0) {
        return Err(CoreError::invalid(format!("widths must be positive, got {w} in {widths:?}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_architectures() {
        assert!(Architecture::new(vec![3], vec![]).is_err());
        assert!(Architecture::new(vec![3, 0, 1], vec![2]).is_err());
        assert!(Architecture::new(vec![3, 3, 1], vec![]).is_err());
        assert!(Architecture::new(vec![3, 3, 1], vec![0]).is_err());
    }

    #[test]
    fn counts_and_offsets() {
        let a = Architecture::new(vec![2, 3, 2, 2], vec![2, 3]).unwrap();
        assert_eq!((a.depth(), a.num_params(), a.hidden_neurons(), a.outputs()), (3, 16, 5, 2));
        assert_eq!((a.layer_offset(1), a.layer_offset(2), a.layer_offset(3)), (0, 6, 12));
        assert_eq!((a.input_degree(1), a.input_degree(3)), (1, 6));
        assert_eq!(a.output_monomials(), Some(7));
        let big = Architecture::new(vec![2, 2, 2, 1], vec![1 << 20, 1 << 20]).unwrap();
        assert!(matches!(big.checked_degree(), Err(CoreError::ResourceLimit(_))));
    }
}
