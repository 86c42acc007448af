//! Arithmetic in the prime field F_p with residues stored as `u64` in `[0, p)`.
//!
//! Any prime `p < 2^63` is allowed. Primes below 2^32 take a Barrett-reduction fast path (the
//! product of two residues fits in a `u64`); larger primes multiply through `u128`. The rank
//! kernel additionally has a floating-point path for primes below [`F64_EXACT_PRIME_LIMIT`]
//! (see `linalg`), which is why the default primes sit just above 2^20.

use crate::error::CoreError;

/// Default primes: the two smallest primes above 2^20. Large enough that a random point is
/// unlucky with probability ~deg/2^20 per trial, small enough that dot products of centred
/// residues (|x| <= 2^19) accumulate exactly in f64 for 2^15 terms.
pub const DEFAULT_PRIMES: [u64; 2] = [1_048_583, 1_048_589];

/// Largest modulus (exclusive) handled by the f64 kernels: `a*b + c` stays below 2^53.
pub const F64_EXACT_PRIME_LIMIT: u64 = 1 << 26;

/// Largest modulus (exclusive) accepted at all: sums of two residues must not overflow `u64`.
pub const MAX_PRIME: u64 = 1 << 63;

/// The prime field F_p. Cheap to copy; all operations take and return reduced residues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrimeField {
    p: u64,
    /// floor(2^64 / p) for Barrett reduction; only meaningful when `p < 2^32`.
    barrett: u64,
}

impl PrimeField {
    /// A field for the prime `p`, checked with a deterministic Miller–Rabin test.
    ///
    /// ```
    /// use neurovariety_core::PrimeField;
    ///
    /// let f = PrimeField::new(101).unwrap();
    /// assert_eq!(f.mul(50, f.inv(50).unwrap()), 1);
    /// assert!(PrimeField::new(100).is_err());
    /// ```
    pub fn new(p: u64) -> Result<Self, CoreError> {
        if !(2..MAX_PRIME).contains(&p) {
            return Err(CoreError::PrimeOutOfRange(p));
        }
        if !is_prime(p) {
            return Err(CoreError::NotPrime(p));
        }
        Ok(Self::new_unchecked(p))
    }

    /// A field for `p` without the primality test (callers that already validated `p`).
    pub fn new_unchecked(p: u64) -> Self {
        let barrett = if p < (1 << 32) { ((1u128 << 64) / p as u128) as u64 } else { 0 };
        PrimeField { p, barrett }
    }

    #[inline]
    pub fn modulus(&self) -> u64 {
        self.p
    }

    /// Reduce any `u64` (not necessarily `< p`).
    #[inline]
    pub fn reduce(&self, x: u64) -> u64 {
        if self.p < (1 << 32) {
            self.barrett_reduce(x)
        } else {
            x % self.p
        }
    }

    /// How many products of two residues a `u64` sum holds without overflow (0 when `p >= 2^32`,
    /// where one product may not fit): dot products of that many terms need one reduction.
    #[inline]
    pub fn lazy_terms(&self) -> usize {
        if self.p < (1 << 32) {
            let max_product = (self.p - 1).max(1) * (self.p - 1).max(1);
            (u64::MAX / max_product) as usize
        } else {
            0
        }
    }

    /// `sum_k a_k b_k` of residues, reduced once per [`Self::lazy_terms`] terms.
    ///
    /// ```
    /// use neurovariety_core::PrimeField;
    ///
    /// let f = PrimeField::new(101).unwrap();
    /// assert_eq!(f.dot(&[100, 2, 3], &[100, 5, 0]), (100 * 100 + 10) % 101);
    /// ```
    pub fn dot(&self, a: &[u64], b: &[u64]) -> u64 {
        let terms = self.lazy_terms();
        if terms < 2 {
            return a.iter().zip(b).fold(0, |acc, (&x, &y)| self.mul_add(x, y, acc));
        }
        // one slot is left for the running reduced total
        a.chunks(terms - 1).zip(b.chunks(terms - 1)).fold(0, |acc, (xa, xb)| self.reduce(xa.iter().zip(xb).fold(acc, |s, (&x, &y)| s + x * y)))
    }

    /// Reduce a signed integer into `[0, p)`.
    #[inline]
    pub fn from_i64(&self, x: i64) -> u64 {
        let r = (x as i128).rem_euclid(self.p as i128);
        r as u64
    }

    #[inline]
    fn barrett_reduce(&self, x: u64) -> u64 {
        // q underestimates floor(x / p) by at most one, so one conditional subtraction suffices.
        let q = ((x as u128 * self.barrett as u128) >> 64) as u64;
        let r = x - q * self.p;
        if r >= self.p {
            r - self.p
        } else {
            r
        }
    }

    #[inline]
    pub fn add(&self, a: u64, b: u64) -> u64 {
        let s = a + b;
        if s >= self.p {
            s - self.p
        } else {
            s
        }
    }

    #[inline]
    pub fn sub(&self, a: u64, b: u64) -> u64 {
        if a >= b {
            a - b
        } else {
            a + self.p - b
        }
    }

    #[inline]
    pub fn neg(&self, a: u64) -> u64 {
        if a == 0 {
            0
        } else {
            self.p - a
        }
    }

    #[inline]
    pub fn mul(&self, a: u64, b: u64) -> u64 {
        if self.p < (1 << 32) {
            self.barrett_reduce(a * b)
        } else {
            ((a as u128 * b as u128) % self.p as u128) as u64
        }
    }

    /// `a * b + c`, fused so the small-prime path reduces only once.
    #[inline]
    pub fn mul_add(&self, a: u64, b: u64, c: u64) -> u64 {
        if self.p < (1 << 31) {
            self.barrett_reduce(a * b + c)
        } else {
            self.add(self.mul(a, b), c)
        }
    }

    pub fn pow(&self, mut base: u64, mut exp: u64) -> u64 {
        let mut acc = 1 % self.p;
        base = self.reduce(base);
        while exp > 0 {
            if exp & 1 == 1 {
                acc = self.mul(acc, base);
            }
            base = self.mul(base, base);
            exp >>= 1;
        }
        acc
    }

    /// Multiplicative inverse; `None` for zero.
    pub fn inv(&self, a: u64) -> Option<u64> {
        if a.is_multiple_of(self.p) {
            None
        } else {
            Some(self.pow(a, self.p - 2))
        }
    }

    /// The representative of `a` in `(-p/2, p/2]`, used by the f64 kernels to halve magnitudes.
    #[inline]
    pub fn centered(&self, a: u64) -> i64 {
        if a > self.p / 2 {
            a as i64 - self.p as i64
        } else {
            a as i64
        }
    }
}

fn mul_mod_u64(a: u64, b: u64, m: u64) -> u64 {
    ((a as u128 * b as u128) % m as u128) as u64
}

fn pow_mod_u64(mut base: u64, mut exp: u64, m: u64) -> u64 {
    let mut acc = 1 % m;
    base %= m;
    while exp > 0 {
        if exp & 1 == 1 {
            acc = mul_mod_u64(acc, base, m);
        }
        base = mul_mod_u64(base, base, m);
        exp >>= 1;
    }
    acc
}

/// Deterministic Miller–Rabin for all `u64` (the first 12 primes are a proven witness set).
pub fn is_prime(n: u64) -> bool {
    const WITNESSES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    if n < 2 {
        return false;
    }
    for &w in &WITNESSES {
        if n.is_multiple_of(w) {
            return n == w;
        }
    }
    let mut d = n - 1;
    let mut s = 0;
    while d.is_multiple_of(2) {
        d /= 2;
        s += 1;
    }
    'witness: for &a in &WITNESSES {
        let mut x = pow_mod_u64(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mul_mod_u64(x, x, n);
            if x == n - 1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn default_primes_are_prime_and_fast_path() {
        for p in DEFAULT_PRIMES {
            assert!(is_prime(p));
            assert!((1 << 20..F64_EXACT_PRIME_LIMIT).contains(&p));
        }
    }

    #[test]
    fn primality_matches_trial_division() {
        for n in 0u64..5000 {
            let trial = n >= 2 && (2..n).take_while(|d| d * d <= n).all(|d| n % d != 0);
            assert_eq!(is_prime(n), trial, "n = {n}");
        }
        assert!(is_prime((1 << 61) - 1));
        assert!(!is_prime(3_215_031_751)); // strong pseudoprime to bases 2, 3, 5, 7
    }

    #[test]
    fn rejects_bad_moduli() {
        assert_eq!(PrimeField::new(1), Err(CoreError::PrimeOutOfRange(1)));
        assert_eq!(PrimeField::new(100), Err(CoreError::NotPrime(100)));
        assert!(PrimeField::new(1 << 63).is_err());
    }

    #[test]
    fn inverse_and_centered() {
        let f = PrimeField::new(101).unwrap();
        for a in 1..101 {
            assert_eq!(f.mul(a, f.inv(a).unwrap()), 1);
        }
        assert_eq!(f.inv(0), None);
        assert_eq!(f.centered(100), -1);
        assert_eq!(f.centered(50), 50);
        assert_eq!(f.from_i64(-3), 98);
    }

    proptest! {
        #[test]
        fn mul_matches_u128(a in any::<u64>(), b in any::<u64>(), pi in 0usize..4) {
            let primes = [2u64, 1_048_583, 4_294_967_291, (1 << 61) - 1];
            let f = PrimeField::new(primes[pi]).unwrap();
            let (x, y) = (f.reduce(a), f.reduce(b));
            let want = ((x as u128 * y as u128) % f.modulus() as u128) as u64;
            prop_assert_eq!(f.mul(x, y), want);
            prop_assert_eq!(f.add(x, y), ((x as u128 + y as u128) % f.modulus() as u128) as u64);
            prop_assert_eq!(f.add(f.sub(x, y), y), x);
            prop_assert_eq!(f.reduce(a), a % f.modulus());
        }
    }
}
