//! Deterministic pseudo-random numbers from a seed.
//!
//! Random weights and sample points need reproducibility from a seed, not cryptographic
//! strength, so the core has no `rand` dependency.
//!
//! ```
//! use neurovariety_core::{PrimeField, SplitMix64};
//!
//! let f = PrimeField::new(101).unwrap();
//! let mut a = SplitMix64::new(7);
//! let mut b = SplitMix64::new(7);
//! assert_eq!(a.residue(&f), b.residue(&f));
//! assert!(a.nonzero_residue(&f) < 101);
//! ```

use crate::field::PrimeField;

/// SplitMix64: a tiny, well-mixed deterministic generator. Random weights and sample points
/// need reproducibility from a seed, not cryptographic strength, so no `rand` dependency.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// An independent stream for `(seed, index)`, so parallel workers stay deterministic.
    pub fn stream(seed: u64, index: u64) -> Self {
        let mut g = SplitMix64(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        g.next_u64();
        g
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform residue in `[0, p)` by rejection (no modulo bias).
    #[inline]
    pub fn residue(&mut self, field: &PrimeField) -> u64 {
        let p = field.modulus();
        let zone = u64::MAX - (u64::MAX % p);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % p;
            }
        }
    }

    /// Uniform non-zero residue.
    #[inline]
    pub fn nonzero_residue(&mut self, field: &PrimeField) -> u64 {
        loop {
            let x = self.residue(field);
            if x != 0 {
                return x;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let (mut a, mut b) = (SplitMix64::stream(3, 0), SplitMix64::stream(3, 0));
        let (x, y) = (a.next_u64(), b.next_u64());
        assert_eq!(x, y);
        assert_ne!(SplitMix64::stream(3, 1).next_u64(), x);
        let f = PrimeField::new(2).unwrap();
        let mut g = SplitMix64::new(1);
        assert!((0..100).all(|_| g.nonzero_residue(&f) == 1));
    }
}
