//! Recursive PLE (row-echelon) decomposition over a [`Backend`], and the triangular solves it
//! and the reduced echelon form need. Everything above the base cases is a matrix product.
//!
//! `ple` factors the rows `r0..m`, columns `c0..c1` of a row-major matrix as `P·L·E`: a row
//! permutation (applied in place by swapping whole rows), a unit lower-triangular `L` and an
//! echelon `E` whose pivot columns are the greedy (leftmost) ones, so rank deficiency is handled
//! by simply skipping columns without a pivot. In place, afterwards:
//! * rows `r0..r0+k` hold `E` at and right of their pivot (left of it: scratch, treated as 0);
//! * `L` is *compacted*: its column `t` sits in column `c0 + t` (strictly below row `r0 + t`), so
//!   the trailing update is one product with `L` as a plain strided block, whatever columns
//!   were skipped.
//!
//! Recursion on columns: factor the left half, solve `U12 = L11⁻¹ A12`, update
//! `A22 -= L21 · U12` (one `gemm_sub`), factor the right half, and move its `L` next to the left
//! one. Work is `O(m · n · rank)` and almost all of it is in `gemm_sub`.

use super::backend::{par_rows, Backend, MatPtr, PAR_MIN_WORK};
use rayon::prelude::*;

/// Column width below which `ple` eliminates column by column.
pub(crate) const PLE_BASE: usize = 32;
/// Order below which triangular solves substitute row by row.
const TRSM_BASE: usize = 32;

/// One elimination: the matrix (`m × ncols`, row-major at `a`) and what is wanted of it.
pub(crate) struct Elim<'a, B: Backend> {
    pub be: &'a B,
    pub a: MatPtr<B::E>,
    pub m: usize,
    pub ncols: usize,
    /// Skip the work only `E` needs (solving for pivot rows with no row left below them).
    pub rank_only: bool,
}

impl<B: Backend> Elim<'_, B> {
    /// Factor rows `r0..m`, columns `c0..c1` (see the module docs); returns the number of
    /// pivots found, whose columns are appended to `pivots`.
    ///
    /// # Safety
    /// `a` must view an `m × ncols` buffer, `c1 <= ncols`, and the block must hold reduced
    /// values.
    pub(crate) unsafe fn ple(&self, (r0, c0, c1): (usize, usize, usize), pivots: &mut Vec<usize>, scratch: &mut Vec<B::E>) -> usize {
        let (be, a, m, ncols) = (self.be, self.a, self.m, self.ncols);
        if r0 >= m || c0 >= c1 {
            return 0;
        }
        if c1 - c0 <= PLE_BASE {
            return self.base((r0, c0, c1), pivots, scratch);
        }
        let cm = c0 + (c1 - c0) / 2;
        let k1 = self.ple((r0, c0, cm), pivots, scratch);
        let below = r0 + k1;
        if self.rank_only && below == m {
            return k1;
        }
        if k1 > 0 {
            // U12 = L11⁻¹ A12, then A22 -= L21 · U12.
            trsm_lower_unit(be, a.sub(r0, c0), k1, a.sub(r0, cm), c1 - cm);
            be.gemm_sub(m - below, c1 - cm, k1, a.sub(below, cm), a.sub(below, c0), a.sub(r0, cm));
        }
        let k2 = self.ple((below, cm, c1), pivots, scratch);
        let dest = c0 + k1;
        if k2 > 0 && dest < cm {
            // Compact L: row below+s carries min(s, k2) multipliers of the right half.
            let shift = |i: usize| {
                let s = (i - below).min(k2);
                let row = a.row(i, 0, ncols);
                row.copy_within(cm..cm + s, dest);
            };
            let rows = m - below - 1;
            let per = par_rows(rows, k2);
            if per < rows {
                (0..rows.div_ceil(per))
                    .into_par_iter()
                    .for_each(|t| (below + 1 + t * per..(below + 1 + (t + 1) * per).min(m)).for_each(shift));
            } else {
                (below + 1..m).for_each(shift);
            }
        }
        k1 + k2
    }

    /// Column-by-column elimination of a strip at most [`PLE_BASE`] wide.
    ///
    /// The strip is packed column-major into `scratch` so the pivot search, the multipliers
    /// and the rank-one updates all run on contiguous columns; updates are lazy (no reduction)
    /// for up to `lazy_limit` pivots, and a column is reduced just before its pivot search. Row
    /// swaps apply at once to the rest of the row, outside the strip.
    unsafe fn base(&self, (r0, c0, c1): (usize, usize, usize), pivots: &mut Vec<usize>, scratch: &mut Vec<B::E>) -> usize {
        let (be, a, m, ncols) = (self.be, self.a, self.m, self.ncols);
        let (h, w) = (m - r0, c1 - c0);
        scratch.clear();
        scratch.resize(h * w, be.zero());
        let buf = scratch.as_mut_slice();
        // Pack: buf[j * h + i] = A[r0 + i, c0 + j], in tiles so both sides stay in cache.
        for i0 in (0..h).step_by(64) {
            for j in 0..w {
                for i in i0..(i0 + 64).min(h) {
                    buf[j * h + i] = *a.at(r0 + i, c0 + j);
                }
            }
        }
        let limit = be.lazy_limit();
        let mut pending = 0;
        let mut piv_local: Vec<usize> = Vec::with_capacity(w);
        for j in 0..w {
            let k = piv_local.len();
            if k == h {
                break;
            }
            // Pivot search: reduce column j from row k until a non-zero shows up.
            let col = &mut buf[j * h..(j + 1) * h];
            let mut found = None;
            for (i, x) in col.iter_mut().enumerate().skip(k) {
                *x = be.reduce(*x);
                if !be.is_zero(*x) {
                    found = Some(i);
                    break;
                }
            }
            let Some(i) = found else { continue };
            if i != k {
                for jj in 0..w {
                    buf.swap(jj * h + i, jj * h + k);
                }
                let (ri, rk) = (r0 + i, r0 + k);
                std::ptr::swap_nonoverlapping(a.at(ri, 0), a.at(rk, 0), c0);
                std::ptr::swap_nonoverlapping(a.at(ri, c1), a.at(rk, c1), ncols - c1);
            }
            // The pivot row becomes a row of E: reduce it right of the pivot.
            let mut urow: Vec<B::E> = Vec::with_capacity(w - j - 1);
            for jj in j + 1..w {
                let x = &mut buf[jj * h + k];
                if pending > 0 {
                    *x = be.reduce(*x);
                }
                urow.push(*x);
            }
            let inv = be.inv(buf[j * h + k]);
            // Rows below: multipliers into column j, then the lazy rank-one update of columns > j.
            let (left, right) = buf.split_at_mut((j + 1) * h);
            let mult = &mut left[j * h + k + 1..];
            // Column jj of the strip right of j is rest.row(jj - j - 1, ..) with ld = h.
            let rest = MatPtr { ptr: right.as_mut_ptr(), ld: h };
            let step = |lo: usize, mult: &mut [B::E]| {
                // `mult` holds rows k+1+lo.. of column j.
                for x in mult.iter_mut() {
                    *x = be.mul(be.reduce(*x), inv);
                }
                let (r_lo, r_hi) = (k + 1 + lo, k + 1 + lo + mult.len());
                for (jj, &u) in urow.iter().enumerate() {
                    if !be.is_zero(u) {
                        // SAFETY: rows r_lo..r_hi of column jj belong to this call alone.
                        be.axpy_lazy(rest.row(jj, r_lo, r_hi), u, mult);
                    }
                }
            };
            let below = h - k - 1;
            if below * (w - j) >= 4 * PAR_MIN_WORK && below >= 1024 {
                let chunk = below.div_ceil(rayon::current_num_threads().max(1) * 2).max(256);
                mult.par_chunks_mut(chunk).enumerate().for_each(|(ci, mc)| step(ci * chunk, mc));
            } else {
                step(0, mult);
            }
            pending += 1;
            if pending >= limit {
                for jj in j + 1..w {
                    be.reduce_slice(&mut buf[jj * h + k + 1..(jj + 1) * h]);
                }
                pending = 0;
            }
            piv_local.push(j);
        }
        let k = piv_local.len();
        // Unpack: E rows and scratch in place, then the multipliers of pivot t into column c0 + t.
        for i0 in (0..h).step_by(64) {
            for i in i0..(i0 + 64).min(h) {
                let row = a.row(r0 + i, c0, c1);
                for (j, x) in row.iter_mut().enumerate() {
                    *x = buf[j * h + i];
                }
                for (t, &pj) in piv_local.iter().enumerate().take(i.min(k)) {
                    row[t] = buf[pj * h + i];
                }
            }
        }
        pivots.extend(piv_local.iter().map(|&j| c0 + j));
        k
    }
}

/// `B ← L⁻¹ B` for `L` (`k × k`, unit lower triangular, entries strictly below the diagonal
/// read) and `B` (`k × w`), both reduced; `B` disjoint from `L`.
pub(crate) unsafe fn trsm_lower_unit<B: Backend>(be: &B, l: MatPtr<B::E>, k: usize, b: MatPtr<B::E>, w: usize) {
    if k == 0 || w == 0 {
        return;
    }
    if k <= TRSM_BASE {
        substitute(be, k, w, b, |s, t| (t < s).then(|| *l.at(s, t)), false);
        return;
    }
    let k1 = k / 2;
    trsm_lower_unit(be, l, k1, b, w);
    be.gemm_sub(k - k1, w, k1, b.sub(k1, 0), l.sub(k1, 0), b);
    trsm_lower_unit(be, l.sub(k1, k1), k - k1, b.sub(k1, 0), w);
}

/// `B ← U⁻¹ B` for `U` (`k × k`, unit upper triangular, entries strictly above the diagonal
/// read) and `B` (`k × w`).
pub(crate) unsafe fn trsm_upper_unit<B: Backend>(be: &B, u: MatPtr<B::E>, k: usize, b: MatPtr<B::E>, w: usize) {
    if k == 0 || w == 0 {
        return;
    }
    if k <= TRSM_BASE {
        substitute(be, k, w, b, |s, t| (t > s).then(|| *u.at(s, t)), true);
        return;
    }
    let k1 = k / 2;
    trsm_upper_unit(be, u.sub(k1, k1), k - k1, b.sub(k1, 0), w);
    be.gemm_sub(k1, w, k - k1, b, u.sub(0, k1), b.sub(k1, 0));
    trsm_upper_unit(be, u, k1, b, w);
}

/// Small triangular solve by substitution: for each source row `t` (top-down, or bottom-up
/// with `upper`), `B[s] -= coef(s, t) · B[t]` for the rows `s` it feeds. Column blocks of `B`
/// are independent and run in parallel.
unsafe fn substitute<B: Backend>(
    be: &B,
    k: usize,
    w: usize,
    b: MatPtr<B::E>,
    coef: impl Fn(usize, usize) -> Option<B::E> + Sync,
    upper: bool,
) {
    let limit = be.lazy_limit();
    let block = |j0: usize| {
        let j1 = (j0 + 256).min(w);
        let mut pending = [0usize; TRSM_BASE];
        let order: Vec<usize> = if upper { (0..k).rev().collect() } else { (0..k).collect() };
        for &t in &order {
            let src = b.row(t, j0, j1);
            if pending[t] > 0 {
                be.reduce_slice(src);
                pending[t] = 0;
            }
            let src: &[B::E] = src;
            for (s, pend) in pending.iter_mut().enumerate().take(k) {
                let Some(f) = coef(s, t) else { continue };
                if be.is_zero(f) {
                    continue;
                }
                be.axpy_lazy(b.row(s, j0, j1), f, src);
                *pend += 1;
                if *pend >= limit {
                    be.reduce_slice(b.row(s, j0, j1));
                    *pend = 0;
                }
            }
        }
    };
    if k * k * w >= 2 * PAR_MIN_WORK && w > 256 {
        (0..w).into_par_iter().step_by(256).for_each(block);
    } else {
        (0..w).step_by(256).for_each(block);
    }
}

/// Rank of the `m × n` matrix in `data` (reduced; destroyed).
pub(crate) fn rank<B: Backend>(be: &B, m: usize, n: usize, data: &mut [B::E]) -> usize {
    assert_eq!(data.len(), m * n);
    let mut pivots = Vec::new();
    // SAFETY: the view covers exactly `data`.
    unsafe { Elim { be, a: MatPtr::new(data, n), m, ncols: n, rank_only: true }.ple((0, 0, n), &mut pivots, &mut Vec::new()) }
}

/// Reduced row echelon form, compacted: returns the pivot columns `p_0 < … < p_{r-1}` and leaves
/// in rows `0..r`, columns `r..n` of `data` the block `X` with `RREF[:, free] = X` (the free
/// columns in increasing order), i.e. `RREF = [I | X]` up to the column permutation.
pub(crate) fn rref_compact<B: Backend>(be: &B, m: usize, n: usize, data: &mut [B::E]) -> Vec<usize> {
    assert_eq!(data.len(), m * n);
    let mut pivots = Vec::new();
    let a = MatPtr::new(data, n);
    // SAFETY: all views lie in `data`; parallel closures touch disjoint rows.
    unsafe {
        let r = Elim { be, a, m, ncols: n, rank_only: false }.ple((0, 0, n), &mut pivots, &mut Vec::new());
        let mut is_pivot = vec![false; n];
        for &c in &pivots {
            is_pivot[c] = true;
        }
        let free: Vec<usize> = (0..n).filter(|&c| !is_pivot[c]).collect();
        // Normalise each pivot row and gather [pivot columns | free columns]; entries left of a
        // row's pivot are scratch and become 0.
        let gather = |t: usize, tmp: &mut Vec<B::E>| {
            let row = a.row(t, 0, n);
            let pc = pivots[t];
            let s = be.inv(row[pc]);
            be.scale_slice(&mut row[pc..], s);
            tmp.clear();
            tmp.extend(pivots.iter().map(|&c| if c >= pc { row[c] } else { be.zero() }));
            tmp.extend(free.iter().map(|&c| if c > pc { row[c] } else { be.zero() }));
            row.copy_from_slice(tmp);
        };
        if r * n >= PAR_MIN_WORK {
            (0..r).into_par_iter().for_each_init(|| Vec::with_capacity(n), |tmp, t| gather(t, tmp));
        } else {
            let mut tmp = Vec::with_capacity(n);
            (0..r).for_each(|t| gather(t, &mut tmp));
        }
        // The solve leaves every row reduced (each is reduced before it serves as a source).
        trsm_upper_unit(be, a, r, a.sub(0, r), n - r);
    }
    pivots
}
