//! Gaussian elimination over F_p: rank, reduced row echelon form and nullspace.
//!
//! Matrices are dense, row-major `Vec<u64>`. The work is a recursive PLE decomposition
//! (`linalg/ple.rs`): column-recursive, tolerant of any rank profile (columns without a pivot
//! are skipped), with every update above 32-column strips done as one matrix product. The
//! products run on the `gemm` crate's `f64` kernels (AVX-512/AVX2, rayon threads) through one
//! of two element backends (`linalg/backend.rs`):
//! * `p < 2^26` ([`F64_EXACT_PRIME_LIMIT`]): centred residues (`|x| <= p/2`) held as `f64`.
//!   A product of inner dimension `k` is exact while `k·(p/2)^2 < 2^53` (`k` up to 2^15 at the
//!   default p ≈ 2^20), so it is reduced once, not per multiply-add (delayed reduction). Near
//!   2^26, where that depth shrinks to a handful of terms, products go through two 13-bit
//!   digits instead (`linalg/limbs.rs`). The input buffer is converted in place: no second copy.
//! * any other prime `< 2^63`: `u64` residues; products split residues into two 16-bit or
//!   three 21-bit digits and run as 4 or 9 exact `f64` products, folded back mod p.
//!
//! [`rank`] eliminates a tall matrix as its transpose and stops once every row has a pivot;
//! [`rref`] and [`nullspace`] finish with a triangular solve, again by matrix products.
//!
//! Module layering (no cycles): `view` (raw 2-D views, thresholds) and `simd` (run-time
//! dispatch) at the bottom; `limbs` (digit products) uses `view`; `backend` (element types)
//! uses `limbs`; `ple` (the elimination) uses `backend`; this module uses `ple`.
//!
//! ```
//! use neurovariety_core::{linalg, PrimeField};
//!
//! let f = PrimeField::new(7).unwrap();
//! // [[1, 2, 3], [2, 4, 6]] has rank 1 mod 7; its kernel is spanned by (5, 1, 0) and (4, 0, 1)
//! assert_eq!(linalg::rank(f, 2, 3, vec![1, 2, 3, 2, 4, 6]), 1);
//! assert_eq!(linalg::nullspace(f, 2, 3, vec![1, 2, 3, 2, 4, 6]), (2, vec![5, 1, 0, 4, 0, 1]));
//! ```

mod backend;
mod limbs;
mod ple;
pub(crate) mod simd;
mod view;

use crate::field::{PrimeField, F64_EXACT_PRIME_LIMIT};
use crate::rng::SplitMix64;
use backend::{Backend, F64Backend, U64Backend};
use rayon::prelude::*;

/// Reinterpret a `Vec<u64>` as a `Vec<f64>` holding the centred residues, in place.
fn into_f64(be: &F64Backend, field: PrimeField, mut data: Vec<u64>) -> Vec<f64> {
    data.par_chunks_mut(1 << 16).for_each(|c| c.iter_mut().for_each(|x| *x = be.lift(field.reduce(*x)).to_bits()));
    let mut data = std::mem::ManuallyDrop::new(data);
    // SAFETY: the pointer, length and capacity come from a live Vec<u64> that is never dropped
    // (ManuallyDrop), so the allocation passes to the new Vec; u64 and f64 have the same size
    // and alignment (same layout of the allocation), and every bit pattern is a valid f64.
    unsafe { Vec::from_raw_parts(data.as_mut_ptr().cast::<f64>(), data.len(), data.capacity()) }
}

/// The inverse of [`into_f64`]: reduced `f64` elements back to residues, in place.
fn from_f64(be: &F64Backend, data: Vec<f64>) -> Vec<u64> {
    let mut data = std::mem::ManuallyDrop::new(data);
    // SAFETY: as in `into_f64` (the allocation passes from a never-dropped Vec<f64> to a
    // Vec<u64> of the same layout; every bit pattern is a valid u64).
    let mut out = unsafe { Vec::from_raw_parts(data.as_mut_ptr().cast::<u64>(), data.len(), data.capacity()) };
    out.par_chunks_mut(1 << 16).for_each(|c| c.iter_mut().for_each(|x| *x = be.residue(f64::from_bits(*x))));
    out
}

fn reduce_u64(field: PrimeField, mut data: Vec<u64>) -> Vec<u64> {
    data.par_chunks_mut(1 << 16).for_each(|c| c.iter_mut().for_each(|x| *x = field.reduce(*x)));
    data
}

/// Rank of a `rows × cols` matrix over F_p. Entries need not be reduced.
pub fn rank(field: PrimeField, rows: usize, cols: usize, data: Vec<u64>) -> usize {
    rank_bounded(field, rows, cols, data, usize::MAX)
}

/// [`rank`] of a matrix whose rank is known to be at most `bound`: the elimination stops as soon
/// as `bound` pivots are found (a certified dimension needs only those), and returns
/// `min(rank, bound)`.
pub fn rank_bounded(field: PrimeField, rows: usize, cols: usize, data: Vec<u64>, bound: usize) -> usize {
    assert_eq!(data.len(), rows * cols, "matrix data does not match its shape");
    if rows == 0 || cols == 0 || bound == 0 {
        return 0;
    }
    // A tall matrix is eliminated as its (fat) transpose: with rank = #rows the elimination
    // stops after the first ~rank columns, and otherwise the work is the same.
    let tall = rows > cols;
    if field.modulus() < F64_EXACT_PRIME_LIMIT {
        let be = F64Backend::new(field);
        if tall {
            let mut m = transpose_map(rows, cols, &data, |x| be.lift(field.reduce(x)));
            drop(data);
            ple::rank(&be, cols, rows, &mut m, bound)
        } else {
            let mut m = into_f64(&be, field, shuffle_columns(cols, data));
            ple::rank(&be, rows, cols, &mut m, bound)
        }
    } else {
        let m = if tall { transpose_map(rows, cols, &data, |x| x) } else { shuffle_columns(cols, data) };
        let (r, c) = if tall { (cols, rows) } else { (rows, cols) };
        let be = U64Backend::new(field);
        let mut m = reduce_u64(field, m);
        ple::rank(&be, r, c, &mut m, bound)
    }
}

/// Matrices with fewer rows keep their column order (see [`shuffle_columns`]).
const SHUFFLE_MIN_ROWS: usize = 128;

/// The columns of a row-major matrix with `cols` columns in a fixed pseudo-random order, in
/// place (one row of scratch per thread). The rank does not change, but where it stops does:
/// the elimination ends once every row has a pivot (or at the caller's bound), and structured
/// matrices such as a network's Jacobian keep their dependent columns together (a wide middle
/// layer's parameters), so in their own order the last pivots sit far right and every column is
/// eliminated; shuffled, the pivots come within about the first `rank` columns, as in a random
/// matrix (half the work on the deep third-party rows). Skipped below [`SHUFFLE_MIN_ROWS`] rows,
/// where the elimination does a few passes over the data and a gather would cost as much.
fn shuffle_columns(cols: usize, mut data: Vec<u64>) -> Vec<u64> {
    if cols < 2 || data.len() < SHUFFLE_MIN_ROWS * cols {
        return data;
    }
    let mut order: Vec<usize> = (0..cols).collect();
    let mut rng = SplitMix64::new(0x005E_EDC0_u64);
    for j in (1..cols).rev() {
        order.swap(j, (rng.next_u64() % (j as u64 + 1)) as usize);
    }
    data.par_chunks_mut(cols).for_each_init(
        || vec![0u64; cols],
        |scratch, row| {
            scratch.iter_mut().zip(&order).for_each(|(s, &j)| *s = row[j]);
            row.copy_from_slice(scratch);
        },
    );
    data
}

/// `out[j][i] = f(data[i][j])` for a row-major `rows × cols` input, blocked and parallel.
fn transpose_map<T: Copy + Send + Sync, U: Copy + Send + Default>(rows: usize, cols: usize, data: &[T], f: impl Fn(T) -> U + Sync) -> Vec<U> {
    let mut out = vec![U::default(); rows * cols];
    const B: usize = 32;
    if rows == 0 || cols == 0 {
        return out;
    }
    out.par_chunks_mut(B * rows).enumerate().for_each(|(jb, block)| {
        let j0 = jb * B;
        let nj = block.len() / rows;
        for i0 in (0..rows).step_by(B) {
            for i in i0..(i0 + B).min(rows) {
                let src = &data[i * cols + j0..i * cols + j0 + nj];
                for (jj, &x) in src.iter().enumerate() {
                    block[jj * rows + i] = f(x);
                }
            }
        }
    });
    out
}

/// [`rank`] through the integer backend whatever the prime (for cross-checks and benchmarks).
pub fn rank_u64(field: PrimeField, rows: usize, cols: usize, data: Vec<u64>) -> usize {
    assert_eq!(data.len(), rows * cols, "matrix data does not match its shape");
    let be = U64Backend::new(field);
    let mut m = reduce_u64(field, data);
    ple::rank(&be, rows, cols, &mut m, usize::MAX)
}

/// Reduced row echelon form of a `rows × cols` matrix; returns `(rref, pivot columns)`.
pub fn rref(field: PrimeField, rows: usize, cols: usize, data: Vec<u64>) -> (Vec<u64>, Vec<usize>) {
    assert_eq!(data.len(), rows * cols, "matrix data does not match its shape");
    if field.modulus() < F64_EXACT_PRIME_LIMIT {
        let be = F64Backend::new(field);
        let mut m = into_f64(&be, field, data);
        let pivots = ple::rref_compact(&be, rows, cols, &mut m);
        expand_rref(&be, cols, &mut m, &pivots);
        (from_f64(&be, m), pivots)
    } else {
        let be = U64Backend::new(field);
        let mut m = reduce_u64(field, data);
        let pivots = ple::rref_compact(&be, rows, cols, &mut m);
        expand_rref(&be, cols, &mut m, &pivots);
        (m, pivots)
    }
}

/// Columns not in the sorted list `pivots`.
fn free_columns(cols: usize, pivots: &[usize]) -> Vec<usize> {
    let mut is_pivot = vec![false; cols];
    for &c in pivots {
        is_pivot[c] = true;
    }
    (0..cols).filter(|&c| !is_pivot[c]).collect()
}

/// Turn the compacted `[I | X]` of `ple::rref_compact` into the RREF in the original columns.
fn expand_rref<B: Backend>(be: &B, cols: usize, m: &mut [B::E], pivots: &[usize]) {
    let r = pivots.len();
    let free = free_columns(cols, pivots);
    let (top, bottom) = m.split_at_mut(r * cols);
    top.par_chunks_mut(cols.max(1)).enumerate().for_each_init(
        || Vec::with_capacity(cols),
        |tmp, (t, row)| {
            tmp.clear();
            tmp.extend_from_slice(&row[r..]);
            row.fill(be.zero());
            row[pivots[t]] = be.one();
            for (&c, &x) in free.iter().zip(tmp.iter()) {
                row[c] = x;
            }
        },
    );
    bottom.par_chunks_mut(1 << 16).for_each(|c| c.fill(be.zero()));
}

/// A basis of `{x : A x = 0}` as the rows of a `k × cols` matrix, in canonical form: with free
/// columns `f_1 < … < f_k`, row `i` has a 1 at `f_i` and 0 at the other free columns. The basis
/// is unique for a given `A`, so bases mod different primes can be combined by CRT.
pub fn nullspace(field: PrimeField, rows: usize, cols: usize, data: Vec<u64>) -> (usize, Vec<u64>) {
    assert_eq!(data.len(), rows * cols, "matrix data does not match its shape");
    if field.modulus() < F64_EXACT_PRIME_LIMIT {
        let be = F64Backend::new(field);
        let mut m = into_f64(&be, field, data);
        let pivots = ple::rref_compact(&be, rows, cols, &mut m);
        basis_from_compact(&be, cols, &m, &pivots)
    } else {
        let be = U64Backend::new(field);
        let mut m = reduce_u64(field, data);
        let pivots = ple::rref_compact(&be, rows, cols, &mut m);
        basis_from_compact(&be, cols, &m, &pivots)
    }
}

/// Nullspace basis from `[I | X]`: basis row `i` is `e_{f_i}` minus column `i` of `X` spread on
/// the pivot columns.
fn basis_from_compact<B: Backend>(be: &B, cols: usize, m: &[B::E], pivots: &[usize]) -> (usize, Vec<u64>) {
    let r = pivots.len();
    let free = free_columns(cols, pivots);
    let k = free.len();
    let mut basis = vec![0u64; k * cols];
    // Blocks of 64 basis rows read 64 contiguous entries of each row of X (a blocked transpose).
    const B: usize = 64;
    basis.par_chunks_mut((B * cols).max(1)).enumerate().for_each(|(blk, out)| {
        let i0 = blk * B;
        let nb = out.len() / cols;
        for t in 0..r {
            let xrow = &m[t * cols + r + i0..t * cols + r + i0 + nb];
            for (ii, &x) in xrow.iter().enumerate() {
                out[ii * cols + pivots[t]] = be.residue(be.neg(x));
            }
        }
        for ii in 0..nb {
            out[ii * cols + free[i0 + ii]] = 1;
        }
    });
    (k, basis)
}

/// Row-major transpose.
pub fn transpose(rows: usize, cols: usize, data: &[u64]) -> Vec<u64> {
    transpose_map(rows, cols, data, |x| x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;
    use proptest::prelude::*;

    /// Primes covering every path: tiny, the default (one exact f64 product), near the f64 limit
    /// (two-digit products), just above it (integer backend, two 16-bit digits), above 2^32
    /// (three 21-bit digits) and just below 2^63.
    const PRIMES: [u64; 9] = [2, 3, 101, 1_048_583, 33_554_393, 67_108_859, 67_108_879, 4_294_967_291, 9_223_372_036_854_775_783];

    /// Reference RREF: plain elimination with `u128` arithmetic, no shortcuts.
    fn reference_rref(p: u64, rows: usize, cols: usize, data: &[u64]) -> (Vec<Vec<u128>>, Vec<usize>) {
        let mut m: Vec<Vec<u128>> = (0..rows).map(|i| data[i * cols..(i + 1) * cols].iter().map(|&x| (x % p) as u128).collect()).collect();
        let p = p as u128;
        let mulm = |a: u128, b: u128| -> u128 {
            // a, b < p < 2^63: the product fits in u128.
            a * b % p
        };
        let inv = |a: u128| -> u128 {
            let (mut b, mut e, mut acc) = (a, p - 2, 1u128);
            while e > 0 {
                if e & 1 == 1 {
                    acc = mulm(acc, b);
                }
                b = mulm(b, b);
                e >>= 1;
            }
            acc
        };
        let mut pivots = Vec::new();
        for c in 0..cols {
            let r = pivots.len();
            if let Some(i) = (r..rows).find(|&i| m[i][c] != 0) {
                m.swap(i, r);
                let s = inv(m[r][c]);
                for x in m[r].iter_mut() {
                    *x = mulm(*x, s);
                }
                let piv = m[r].clone();
                for (i, row) in m.iter_mut().enumerate() {
                    if i == r || row[c] == 0 {
                        continue;
                    }
                    let f = row[c];
                    for j in 0..cols {
                        row[j] = (row[j] + p - mulm(f, piv[j])) % p;
                    }
                }
                pivots.push(c);
            }
        }
        (m, pivots)
    }

    fn reference_rank(p: u64, rows: usize, cols: usize, data: &[u64]) -> usize {
        reference_rref(p, rows, cols, data).1.len()
    }

    fn random(p: u64, rows: usize, cols: usize, seed: u64) -> Vec<u64> {
        let f = PrimeField::new(p).unwrap();
        let mut g = SplitMix64::new(seed);
        (0..rows * cols).map(|_| g.residue(&f)).collect()
    }

    /// A rank-`k` product `A·B`, with some columns of the result zeroed and some duplicated so
    /// pivots are skipped in irregular places.
    fn low_rank(p: u64, rows: usize, cols: usize, k: usize, seed: u64) -> Vec<u64> {
        let f = PrimeField::new(p).unwrap();
        let a = random(p, rows, k, seed);
        let b = random(p, k, cols, seed ^ 0xABCD);
        let mut out = vec![0u64; rows * cols];
        for i in 0..rows {
            for j in 0..cols {
                out[i * cols + j] = (0..k).fold(0, |acc, t| f.mul_add(a[i * k + t], b[t * cols + j], acc));
            }
        }
        out
    }

    fn zero_columns(data: &mut [u64], cols: usize, every: usize) {
        for (idx, x) in data.iter_mut().enumerate() {
            if (idx % cols) % every == 1 {
                *x = 0;
            }
        }
    }

    #[test]
    fn identity_and_zero() {
        let f = PrimeField::new(7).unwrap();
        let eye: Vec<u64> = (0..16).map(|i| u64::from(i % 5 == 0)).collect();
        assert_eq!(rank(f, 4, 4, eye), 4);
        assert_eq!(rank(f, 3, 5, vec![0; 15]), 0);
        assert_eq!(rank(f, 0, 5, vec![]), 0);
        assert_eq!(rank(f, 5, 0, vec![]), 0);
        assert_eq!(nullspace(f, 0, 3, vec![]), (3, vec![1, 0, 0, 0, 1, 0, 0, 0, 1]));
        assert_eq!(nullspace(f, 2, 2, vec![1, 2, 3, 4]), (0, vec![]));
        // Unreduced entries are reduced: 7 ≡ 0, 8 ≡ 1.
        assert_eq!(rank(f, 2, 2, vec![7, 14, 8, 1]), 1);
    }

    #[test]
    fn small_hand_example() {
        // [[1,2,3],[2,4,6]] mod 7: rank 1, x0 = -2 x1 - 3 x2.
        let f = PrimeField::new(7).unwrap();
        let (r, piv) = rref(f, 2, 3, vec![1, 2, 3, 2, 4, 6]);
        assert_eq!((r, piv), (vec![1, 2, 3, 0, 0, 0], vec![0]));
        assert_eq!(nullspace(f, 2, 3, vec![1, 2, 3, 2, 4, 6]), (2, vec![5, 1, 0, 4, 0, 1]));
    }

    /// Sizes above the base widths so the recursion, the compaction of L and the split of the
    /// inner dimension (p near 2^26) all run, against the reference.
    #[test]
    fn recursive_paths_match_reference() {
        for (pi, &p) in PRIMES.iter().enumerate() {
            for (rows, cols, k) in [(150usize, 170usize, 150usize), (170, 150, 90), (90, 200, 37), (200, 70, 70)] {
                let seed = (pi * 1000 + rows + cols) as u64;
                let mut a = low_rank(p, rows, cols, k, seed);
                zero_columns(&mut a, cols, 7);
                let f = PrimeField::new(p).unwrap();
                let (want_rref, want_piv) = reference_rref(p, rows, cols, &a);
                assert_eq!(rank(f, rows, cols, a.clone()), want_piv.len(), "rank p={p} {rows}x{cols}");
                assert_eq!(rank_u64(f, rows, cols, a.clone()), want_piv.len(), "rank_u64 p={p} {rows}x{cols}");
                let (got, piv) = rref(f, rows, cols, a.clone());
                assert_eq!(piv, want_piv, "pivots p={p} {rows}x{cols}");
                let want: Vec<u64> = want_rref.concat().into_iter().map(|x| x as u64).collect();
                assert!(got == want, "rref p={p} {rows}x{cols}");
            }
        }
    }

    #[test]
    fn f64_and_u64_backends_agree_on_large_matrices() {
        let p = 1_048_583;
        let f = PrimeField::new(p).unwrap();
        for (rows, cols, k) in [(700usize, 700usize, 700usize), (640, 900, 555), (1100, 300, 290)] {
            let mut a = low_rank(p, rows, cols, k.min(rows).min(cols), rows as u64);
            zero_columns(&mut a, cols, 13);
            let r64 = rank(f, rows, cols, a.clone());
            assert_eq!(r64, rank_u64(f, rows, cols, a.clone()));
            let (k_null, basis) = nullspace(f, rows, cols, a.clone());
            assert_eq!(k_null + r64, cols);
            assert_kernel(f, rows, cols, &a, &basis);
        }
        // Full rank random square matrix: rank n.
        let a = random(p, 600, 600, 5);
        assert_eq!(rank(f, 600, 600, a), 600);
    }

    /// Tall enough (5000 rows, columns processed without transposing) for the row-parallel
    /// path of the base case, in both backends.
    #[test]
    fn tall_nullspace_uses_parallel_base_case() {
        for p in [1_048_583u64, (1 << 61) - 1] {
            let f = PrimeField::new(p).unwrap();
            let (rows, cols) = (5000, 70);
            let mut a = low_rank(p, rows, cols, 50, 21);
            zero_columns(&mut a, cols, 9);
            let r = rank_u64(f, rows, cols, a.clone());
            assert_eq!(rank(f, rows, cols, a.clone()), r);
            let (k, basis) = nullspace(f, rows, cols, a.clone());
            assert_eq!(k + r, cols);
            assert_kernel(f, rows, cols, &a, &basis);
            let (_, piv) = rref(f, rows, cols, a.clone());
            assert_eq!(piv.len(), r);
        }
    }

    fn assert_kernel(f: PrimeField, rows: usize, cols: usize, a: &[u64], basis: &[u64]) {
        for v in basis.chunks(cols) {
            for i in 0..rows {
                let dot = (0..cols).fold(0, |acc, j| f.mul_add(f.reduce(a[i * cols + j]), v[j], acc));
                assert_eq!(dot, 0);
            }
        }
    }

    #[test]
    fn nullspace_is_canonical_kernel() {
        for &p in &PRIMES {
            let f = PrimeField::new(p).unwrap();
            let (rows, cols) = (40, 75);
            let a = low_rank(p, rows, cols, 33, p);
            let (k, basis) = nullspace(f, rows, cols, a.clone());
            let (rr, piv) = reference_rref(p, rows, cols, &a);
            assert_eq!(k, cols - piv.len());
            assert_kernel(f, rows, cols, &a, &basis);
            // Canonical: 1 at its own free column, 0 at the other free ones, -rref at pivots.
            let free: Vec<usize> = (0..cols).filter(|c| !piv.contains(c)).collect();
            for (i, v) in basis.chunks(cols).enumerate() {
                for (j, &fc) in free.iter().enumerate() {
                    assert_eq!(v[fc], u64::from(i == j));
                }
                for (t, &pc) in piv.iter().enumerate() {
                    assert_eq!(v[pc], f.neg(rr[t][free[i]] as u64));
                }
            }
        }
    }

    proptest! {
        #[test]
        fn rank_matches_reference(rows in 0usize..12, cols in 0usize..12, pi in 0usize..9, seed in any::<u64>(), k in 0usize..12, zero_row in any::<bool>()) {
            let p = PRIMES[pi];
            let mut a = low_rank(p, rows, cols, k, seed);
            if zero_row && rows > 0 {
                a[..cols].fill(0);
            }
            let f = PrimeField::new(p).unwrap();
            let (want_rref, want_piv) = reference_rref(p, rows, cols, &a);
            prop_assert_eq!(rank(f, rows, cols, a.clone()), want_piv.len());
            let (got, piv) = rref(f, rows, cols, a.clone());
            prop_assert_eq!(&piv, &want_piv);
            let want: Vec<u64> = want_rref.concat().into_iter().map(|x| x as u64).collect();
            prop_assert_eq!(got, want);
            let (dim, _) = nullspace(f, rows, cols, a.clone());
            prop_assert_eq!(dim + want_piv.len(), cols);
        }

        #[test]
        fn medium_random_shapes(rows in 30usize..110, cols in 30usize..110, pi in 0usize..9, seed in any::<u64>(), k in 0usize..110) {
            let p = PRIMES[pi];
            let a = low_rank(p, rows, cols, k, seed);
            let f = PrimeField::new(p).unwrap();
            prop_assert_eq!(rank(f, rows, cols, a.clone()), reference_rank(p, rows, cols, &a));
        }

        #[test]
        fn bounded_rank_is_the_rank_capped_at_the_bound(rows in 1usize..140, cols in 1usize..140, pi in 0usize..9, seed in any::<u64>(), k in 0usize..140, bound in 0usize..150) {
            // Shapes across the 32-column strips and both tall and fat, with bounds above, at
            // and below the rank: the early stop never miscounts.
            let p = PRIMES[pi];
            let a = low_rank(p, rows, cols, k, seed);
            let f = PrimeField::new(p).unwrap();
            let want = reference_rank(p, rows, cols, &a);
            prop_assert_eq!(rank_bounded(f, rows, cols, a, bound), want.min(bound));
        }
    }
}
