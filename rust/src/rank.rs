//! Gaussian elimination over F_p: rank, reduced row echelon form and nullspace.
//!
//! Matrices are dense, row-major `Vec<u64>` with entries in `[0, p)`. Two kernels share one
//! elimination loop through the [`Kernel`] trait:
//! * [`F64Kernel`] for `p < 2^26`: entries as `f64`, `row - f * pivot` is exact below 2^53 and is
//!   reduced with a floating-point quotient, so the inner loop vectorises;
//! * [`U64Kernel`] for any prime `< 2^63`, through [`PrimeField`].
//! Rows below the pivot are updated in parallel with rayon.

use crate::field::{PrimeField, F64_EXACT_PRIME_LIMIT};
use rayon::prelude::*;

/// Below this many entries in the trailing block the rayon split costs more than it saves.
const PARALLEL_MIN_WORK: usize = 1 << 15;

/// Element operations the elimination loop needs.
trait Kernel: Sync {
    type E: Copy + Send + Sync + PartialEq;
    fn zero(&self) -> Self::E;
    fn from_u64(&self, x: u64) -> Self::E;
    fn to_u64(&self, x: Self::E) -> u64;
    /// `row[k] -= f * pivot[k]` for all k.
    fn axpy(&self, row: &mut [Self::E], f: Self::E, pivot: &[Self::E]);
    /// `row[k] *= s` for all k.
    fn scale(&self, row: &mut [Self::E], s: Self::E);
    fn inv(&self, x: Self::E) -> Self::E;
}

struct U64Kernel(PrimeField);

impl Kernel for U64Kernel {
    type E = u64;
    fn zero(&self) -> u64 {
        0
    }
    fn from_u64(&self, x: u64) -> u64 {
        self.0.reduce(x)
    }
    fn to_u64(&self, x: u64) -> u64 {
        x
    }
    fn axpy(&self, row: &mut [u64], f: u64, pivot: &[u64]) {
        let nf = self.0.neg(f);
        for (r, &p) in row.iter_mut().zip(pivot) {
            *r = self.0.mul_add(nf, p, *r);
        }
    }
    fn scale(&self, row: &mut [u64], s: u64) {
        for r in row.iter_mut() {
            *r = self.0.mul(*r, s);
        }
    }
    fn inv(&self, x: u64) -> u64 {
        self.0.inv(x).expect("pivot is non-zero")
    }
}

struct F64Kernel {
    field: PrimeField,
    p: f64,
    p_inv: f64,
}

impl F64Kernel {
    fn new(field: PrimeField) -> Self {
        let p = field.modulus() as f64;
        F64Kernel { field, p, p_inv: 1.0 / p }
    }

    /// Reduce an exact integer-valued `x` with `|x| < 2^53` into `[0, p)`.
    #[inline(always)]
    fn reduce(&self, x: f64) -> f64 {
        let q = (x * self.p_inv).floor();
        let r = x - q * self.p;
        // The float quotient can be off by one either way; branch-free fix-ups keep SIMD.
        let r = if r < 0.0 { r + self.p } else { r };
        if r >= self.p {
            r - self.p
        } else {
            r
        }
    }
}

impl Kernel for F64Kernel {
    type E = f64;
    fn zero(&self) -> f64 {
        0.0
    }
    fn from_u64(&self, x: u64) -> f64 {
        self.field.reduce(x) as f64
    }
    fn to_u64(&self, x: f64) -> u64 {
        x as u64
    }
    fn axpy(&self, row: &mut [f64], f: f64, pivot: &[f64]) {
        for (r, &p) in row.iter_mut().zip(pivot) {
            *r = self.reduce(*r - f * p);
        }
    }
    fn scale(&self, row: &mut [f64], s: f64) {
        for r in row.iter_mut() {
            *r = self.reduce(*r * s);
        }
    }
    fn inv(&self, x: f64) -> f64 {
        self.field.inv(x as u64).expect("pivot is non-zero") as f64
    }
}

/// Row echelon form in place; returns the pivot columns. With `reduced`, pivots are scaled to 1
/// and cleared above as well (RREF). Without it only the rank (the pivot count) is meaningful.
fn echelon<K: Kernel>(k: &K, rows: usize, cols: usize, data: &mut [K::E], reduced: bool) -> Vec<usize> {
    let mut pivots = Vec::new();
    for c in 0..cols {
        let r = pivots.len();
        if r == rows {
            break;
        }
        let Some(found) = (r..rows).find(|&i| data[i * cols + c] != k.zero()) else {
            continue;
        };
        if found != r {
            for j in c..cols {
                data.swap(found * cols + j, r * cols + j);
            }
        }
        let (head, tail) = data.split_at_mut((r + 1) * cols);
        let pivot = &mut head[r * cols + c..];
        let s = k.inv(pivot[0]);
        k.scale(pivot, s);
        let pivot = &*pivot;
        let work = (rows - r - 1) * (cols - c);
        eliminate_rows(k, tail, cols, c, pivot, work);
        pivots.push(c);
    }
    if reduced {
        // Back substitution: clear each pivot column above its pivot, last pivot first.
        for (t, &c) in pivots.iter().enumerate().rev() {
            let (head, rest) = data.split_at_mut(t * cols);
            let pivot = &rest[c..cols];
            eliminate_rows(k, head, cols, c, pivot, t * (cols - c));
        }
    }
    pivots
}

/// `row -= row[c] * pivot` (on columns `c..`) for every row in `block`.
fn eliminate_rows<K: Kernel>(k: &K, block: &mut [K::E], cols: usize, c: usize, pivot: &[K::E], work: usize) {
    let update = |row: &mut [K::E]| {
        let f = row[c];
        if f != k.zero() {
            k.axpy(&mut row[c..], f, pivot);
        }
    };
    if work >= PARALLEL_MIN_WORK {
        block.par_chunks_mut(cols).for_each(update);
    } else {
        block.chunks_mut(cols).for_each(update);
    }
}

/// Reduced row echelon form of a `rows × cols` matrix; returns `(rref, pivot columns)`.
pub fn rref(field: PrimeField, rows: usize, cols: usize, data: Vec<u64>) -> (Vec<u64>, Vec<usize>) {
    assert_eq!(data.len(), rows * cols, "matrix data does not match its shape");
    if field.modulus() < F64_EXACT_PRIME_LIMIT {
        let k = F64Kernel::new(field);
        let mut m: Vec<f64> = data.into_iter().map(|x| k.from_u64(x)).collect();
        let piv = echelon(&k, rows, cols, &mut m, true);
        (m.into_iter().map(|x| k.to_u64(x)).collect(), piv)
    } else {
        let k = U64Kernel(field);
        let mut m: Vec<u64> = data.into_iter().map(|x| k.from_u64(x)).collect();
        let piv = echelon(&k, rows, cols, &mut m, true);
        (m, piv)
    }
}

/// Rank of a `rows × cols` matrix over F_p. Entries need not be reduced.
pub fn rank(field: PrimeField, rows: usize, cols: usize, data: Vec<u64>) -> usize {
    assert_eq!(data.len(), rows * cols, "matrix data does not match its shape");
    if rows == 0 || cols == 0 {
        return 0;
    }
    // Eliminating along the shorter side bounds the pivot search and the row swaps.
    let (rows, cols, data) = if rows > cols { (cols, rows, transpose(rows, cols, &data)) } else { (rows, cols, data) };
    if field.modulus() < F64_EXACT_PRIME_LIMIT {
        let k = F64Kernel::new(field);
        let mut m: Vec<f64> = data.into_iter().map(|x| k.from_u64(x)).collect();
        echelon(&k, rows, cols, &mut m, false).len()
    } else {
        let k = U64Kernel(field);
        let mut m: Vec<u64> = data.into_iter().map(|x| k.from_u64(x)).collect();
        echelon(&k, rows, cols, &mut m, false).len()
    }
}

/// A basis of `{x : A x = 0}` as the rows of a `k × cols` matrix, in canonical form: with free
/// columns `f_1 < … < f_k`, row `i` has a 1 at `f_i` and 0 at the other free columns. The basis
/// is unique for a given `A`, so bases mod different primes can be combined by CRT.
pub fn nullspace(field: PrimeField, rows: usize, cols: usize, data: Vec<u64>) -> (usize, Vec<u64>) {
    let (r, pivots) = rref(field, rows, cols, data);
    let mut is_pivot = vec![false; cols];
    for &c in &pivots {
        is_pivot[c] = true;
    }
    let free: Vec<usize> = (0..cols).filter(|&c| !is_pivot[c]).collect();
    let mut basis = vec![0u64; free.len() * cols];
    for (i, &fc) in free.iter().enumerate() {
        let v = &mut basis[i * cols..(i + 1) * cols];
        v[fc] = 1;
        for (t, &pc) in pivots.iter().enumerate() {
            // x_pc = -rref[t, fc]
            v[pc] = field.neg(r[t * cols + fc]);
        }
    }
    (free.len(), basis)
}

/// Row-major transpose.
pub fn transpose(rows: usize, cols: usize, data: &[u64]) -> Vec<u64> {
    let mut out = vec![0u64; rows * cols];
    const B: usize = 64;
    for i0 in (0..rows).step_by(B) {
        for j0 in (0..cols).step_by(B) {
            for i in i0..(i0 + B).min(rows) {
                for j in j0..(j0 + B).min(cols) {
                    out[j * rows + i] = data[i * cols + j];
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::SplitMix64;
    use proptest::prelude::*;

    /// Reference rank: plain elimination with `u128` arithmetic, no shortcuts.
    fn reference_rank(p: u64, rows: usize, cols: usize, data: &[u64]) -> usize {
        let mut m: Vec<Vec<u128>> = (0..rows).map(|i| data[i * cols..(i + 1) * cols].iter().map(|&x| (x % p) as u128).collect()).collect();
        let p = p as u128;
        let inv = |a: u128| -> u128 {
            let (mut b, mut e, mut acc) = (a, p - 2, 1u128);
            while e > 0 {
                if e & 1 == 1 {
                    acc = acc * b % p;
                }
                b = b * b % p;
                e >>= 1;
            }
            acc
        };
        let mut rank = 0;
        for c in 0..cols {
            if let Some(i) = (rank..rows).find(|&i| m[i][c] != 0) {
                m.swap(i, rank);
                let s = inv(m[rank][c]);
                let piv: Vec<u128> = m[rank].iter().map(|&x| x * s % p).collect();
                for row in m.iter_mut().skip(rank + 1) {
                    let f = row[c];
                    for j in 0..cols {
                        row[j] = (row[j] + p * p - f * piv[j] % p) % p;
                    }
                }
                rank += 1;
            }
        }
        rank
    }

    fn low_rank(p: u64, rows: usize, cols: usize, k: usize, seed: u64) -> Vec<u64> {
        let f = PrimeField::new(p).unwrap();
        let mut g = SplitMix64::new(seed);
        let a: Vec<u64> = (0..rows * k).map(|_| g.residue(&f)).collect();
        let b: Vec<u64> = (0..k * cols).map(|_| g.residue(&f)).collect();
        let mut out = vec![0u64; rows * cols];
        for i in 0..rows {
            for j in 0..cols {
                out[i * cols + j] = (0..k).fold(0, |acc, t| f.mul_add(a[i * k + t], b[t * cols + j], acc));
            }
        }
        out
    }

    #[test]
    fn identity_and_zero() {
        let f = PrimeField::new(7).unwrap();
        let eye: Vec<u64> = (0..16).map(|i| u64::from(i % 5 == 0)).collect();
        assert_eq!(rank(f, 4, 4, eye), 4);
        assert_eq!(rank(f, 3, 5, vec![0; 15]), 0);
        assert_eq!(rank(f, 0, 5, vec![]), 0);
    }

    #[test]
    fn low_rank_products_large_matrix() {
        for &p in &[1_048_583u64, (1 << 61) - 1] {
            let f = PrimeField::new(p).unwrap();
            assert_eq!(rank(f, 300, 200, low_rank(p, 300, 200, 37, 3)), 37);
        }
    }

    #[test]
    fn nullspace_is_canonical_kernel() {
        let p = 1_048_583;
        let f = PrimeField::new(p).unwrap();
        let (rows, cols) = (6, 9);
        let a = low_rank(p, rows, cols, 4, 9);
        let (k, basis) = nullspace(f, rows, cols, a.clone());
        assert_eq!(k, 5);
        for v in basis.chunks(cols) {
            for i in 0..rows {
                let dot = (0..cols).fold(0, |acc, j| f.mul_add(a[i * cols + j], v[j], acc));
                assert_eq!(dot, 0);
            }
        }
    }

    proptest! {
        #[test]
        fn rank_matches_reference(rows in 0usize..12, cols in 0usize..12, pi in 0usize..5, seed in any::<u64>(), k in 0usize..12, zero_row in any::<bool>()) {
            let primes = [2u64, 3, 101, 1_048_583, (1 << 61) - 1];
            let p = primes[pi];
            let mut a = low_rank(p, rows, cols, k, seed);
            if zero_row && rows > 0 {
                for j in 0..cols { a[j] = 0; }
            }
            let f = PrimeField::new(p).unwrap();
            prop_assert_eq!(rank(f, rows, cols, a.clone()), reference_rank(p, rows, cols, &a));
            let (dim, _) = nullspace(f, rows, cols, a.clone());
            prop_assert_eq!(dim + reference_rank(p, rows, cols, &a), cols);
        }
    }
}
