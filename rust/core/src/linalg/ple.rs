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

use super::backend::Backend;
use super::view::{par_rows, MatPtr, PAR_MIN_WORK};
use rayon::prelude::*;

/// Column width below which `ple` eliminates column by column.
pub(crate) const PLE_BASE: usize = 32;
/// Order below which triangular solves substitute row by row.
const TRSM_BASE: usize = 32;

/// One elimination: the matrix (`m × ncols`, row-major) and what is wanted of it.
pub(crate) struct Elim<'a, B: Backend> {
    be: &'a B,
    data: &'a mut [B::E],
    m: usize,
    ncols: usize,
    /// Skip the work only `E` needs (solving for pivot rows with no row left below them).
    rank_only: bool,
    /// With `rank_only`: stop once this many pivots are found (a known upper bound of the rank,
    /// so the columns after them cannot add any).
    target: usize,
}

impl<'a, B: Backend> Elim<'a, B> {
    /// The elimination of `data`, an `m × ncols` row-major matrix of reduced values.
    pub(crate) fn new(be: &'a B, data: &'a mut [B::E], m: usize, ncols: usize, rank_only: bool) -> Self {
        assert_eq!(data.len(), m * ncols, "matrix data does not match its shape");
        Elim { be, data, m, ncols, rank_only, target: usize::MAX }
    }

    /// Factor rows `r0..m`, columns `c0..c1` (see the module docs); returns the number of
    /// pivots found, whose columns are appended to `pivots`.
    pub(crate) fn ple(&mut self, (r0, c0, c1): (usize, usize, usize), pivots: &mut Vec<usize>, scratch: &mut Vec<B::E>) -> usize {
        let (be, m, ncols) = (self.be, self.m, self.ncols);
        assert!(c1 <= ncols, "column range {c0}..{c1} outside a matrix of {ncols} columns");
        if r0 >= m || c0 >= c1 {
            return 0;
        }
        if c1 - c0 <= PLE_BASE {
            return self.base((r0, c0, c1), pivots, scratch);
        }
        let cm = self.split_column((r0, c0, c1), pivots.len());
        let k1 = self.ple((r0, c0, cm), pivots, scratch);
        let below = r0 + k1;
        if self.rank_only && (below == m || pivots.len() >= self.target) {
            return k1;
        }
        if k1 > 0 {
            // U12 = L11⁻¹ A12, then A22 -= L21 · U12. The view is made from `self.data` here
            // and is the only access to the buffer until the recursive call below.
            let a = MatPtr::new(self.data, ncols);
            // SAFETY: L11 = rows r0..below × columns c0..c0+k1 (strictly lower part) and
            // A12 = rows r0..below × columns cm..c1 lie in the m × ncols buffer (below <= m,
            // c1 <= ncols) and are disjoint (c0 + k1 <= cm).
            unsafe { trsm_lower_unit(be, a.sub(r0, c0), k1, a.sub(r0, cm), c1 - cm) };
            // SAFETY: C = A22 = rows below..m × columns cm..c1, A = L21 = rows below..m ×
            // columns c0..c0+k1, B = U12 = rows r0..below × columns cm..c1, all in the buffer;
            // C is disjoint from A (columns) and from B (rows); no other access meanwhile.
            unsafe { be.gemm_sub(m - below, c1 - cm, k1, a.sub(below, cm), a.sub(below, c0), a.sub(r0, cm)) };
        }
        let k2 = self.ple((below, cm, c1), pivots, scratch);
        let dest = c0 + k1;
        if k2 > 0 && dest < cm {
            // Compact L: row below+s carries min(s, k2) multipliers of the right half.
            let rows = m - below - 1;
            let per = par_rows(rows, k2);
            let shift = |first: usize, chunk: &mut [B::E]| {
                for (ii, row) in chunk.chunks_exact_mut(ncols).enumerate() {
                    let s = (first + ii + 1).min(k2);
                    row.copy_within(cm..cm + s, dest);
                }
            };
            let tail = &mut self.data[(below + 1) * ncols..];
            if per < rows {
                tail.par_chunks_mut(per * ncols).enumerate().for_each(|(t, chunk)| shift(t * per, chunk));
            } else {
                shift(0, tail);
            }
        }
        k1 + k2
    }

    /// Where `ple` splits columns `c0..c1`: in half, except when only the rank is wanted of a
    /// fat block: then the left part takes about as many columns as there are rows left (plus a
    /// little slack) as it still needs pivots, because a generic block of that shape already
    /// has them all (a pivot in every row, or the target) and the elimination stops there,
    /// before any work on the columns to its right (with halves it would first have to update
    /// all of those).
    fn split_column(&self, (r0, c0, c1): (usize, usize, usize), found: usize) -> usize {
        let half = c0 + (c1 - c0) / 2;
        if !self.rank_only {
            return half;
        }
        // the pivots still possible: one per row left, and no more than the target allows
        let rows = (self.m - r0).min(self.target.saturating_sub(found));
        let wanted = (rows + rows / 16 + PLE_BASE).next_multiple_of(PLE_BASE);
        if c0 + wanted > half && c0 + wanted < c1 {
            c0 + wanted
        } else {
            half
        }
    }

    /// Column-by-column elimination of a strip at most [`PLE_BASE`] wide.
    ///
    /// The strip is packed column-major into `scratch` so the pivot search, the multipliers
    /// and the rank-one updates all run on contiguous columns; updates are lazy (no reduction)
    /// for up to `lazy_limit` pivots, and a column is reduced just before its pivot search. Row
    /// swaps apply at once to the rest of the row, outside the strip.
    fn base(&mut self, (r0, c0, c1): (usize, usize, usize), pivots: &mut Vec<usize>, scratch: &mut Vec<B::E>) -> usize {
        let (be, m, ncols) = (self.be, self.m, self.ncols);
        let (h, w) = (m - r0, c1 - c0);
        // rows r0..m of the matrix, all columns: this strip's rows
        let rows = &mut self.data[r0 * ncols..];
        scratch.clear();
        scratch.resize(h * w, be.zero());
        let buf = scratch.as_mut_slice();
        // Pack: buf[j * h + i] = A[r0 + i, c0 + j], in tiles so both sides stay in cache.
        for i0 in (0..h).step_by(64) {
            for j in 0..w {
                for i in i0..(i0 + 64).min(h) {
                    buf[j * h + i] = rows[i * ncols + c0 + j];
                }
            }
        }
        let limit = be.lazy_limit();
        let mut pending = 0;
        let mut piv_local: Vec<usize> = Vec::with_capacity(w);
        let wanted = if self.rank_only { self.target.saturating_sub(pivots.len()) } else { usize::MAX };
        for j in 0..w {
            let k = piv_local.len();
            if k == h || k >= wanted {
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
                // the parts of rows k < i outside the strip
                let (top, bottom) = rows.split_at_mut(i * ncols);
                let (rk, ri) = (&mut top[k * ncols..(k + 1) * ncols], &mut bottom[..ncols]);
                rk[..c0].swap_with_slice(&mut ri[..c0]);
                rk[c1..].swap_with_slice(&mut ri[c1..]);
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
            // Rows below: multipliers into column j, then the lazy rank-one update of the
            // columns right of j (each a contiguous column of the packed strip).
            let (left, right) = buf.split_at_mut((j + 1) * h);
            let mult = &mut left[j * h + k + 1..];
            let scale = |mc: &mut [B::E]| {
                for x in mc.iter_mut() {
                    *x = be.mul(be.reduce(*x), inv);
                }
            };
            let below = h - k - 1;
            if below * (w - j) >= 4 * PAR_MIN_WORK && below >= 1024 {
                let chunk = below.div_ceil(rayon::current_num_threads().max(1) * 2).max(256);
                mult.par_chunks_mut(chunk).for_each(scale);
                let mult: &[B::E] = mult;
                right.par_chunks_mut(h).zip(urow.par_iter()).for_each(|(col, &u)| {
                    if !be.is_zero(u) {
                        be.axpy_lazy(&mut col[k + 1..], u, mult);
                    }
                });
            } else {
                scale(mult);
                let mult: &[B::E] = mult;
                for (col, &u) in right.chunks_mut(h).zip(&urow) {
                    if !be.is_zero(u) {
                        be.axpy_lazy(&mut col[k + 1..], u, mult);
                    }
                }
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
        for (i, full_row) in rows.chunks_exact_mut(ncols).enumerate() {
            let row = &mut full_row[c0..c1];
            for (j, x) in row.iter_mut().enumerate() {
                *x = buf[j * h + i];
            }
            for (t, &pj) in piv_local.iter().enumerate().take(i.min(k)) {
                row[t] = buf[pj * h + i];
            }
        }
        pivots.extend(piv_local.iter().map(|&j| c0 + j));
        k
    }
}

/// `B ← L⁻¹ B` for `L` (`k × k`, unit lower triangular, entries strictly below the diagonal
/// read) and `B` (`k × w`), both reduced.
///
/// # Safety
/// Both blocks lie inside live buffers; `B` does not overlap the entries of `L` strictly below
/// its diagonal; during the call nothing else accesses `B` and nothing writes `L`.
pub(crate) unsafe fn trsm_lower_unit<B: Backend>(be: &B, l: MatPtr<B::E>, k: usize, b: MatPtr<B::E>, w: usize) {
    if k == 0 || w == 0 {
        return;
    }
    if k <= TRSM_BASE {
        // SAFETY: (s, t) with t < s < k is an entry of L strictly below the diagonal, which
        // nobody writes; `substitute` gets the caller's k × w block B.
        let coef = |s: usize, t: usize| (t < s).then(|| unsafe { l.get(s, t) });
        // SAFETY: B is the caller's k × w block, handed over exclusively; `coef` reads only L.
        unsafe { substitute(be, k, w, b, coef, false) };
        return;
    }
    let k1 = k / 2;
    // SAFETY: the top k1 rows of B and the leading k1 × k1 part of L: sub-blocks of the
    // caller's blocks, with the same guarantees.
    unsafe { trsm_lower_unit(be, l, k1, b, w) };
    // SAFETY: C = rows k1..k of B, A = rows k1..k × columns 0..k1 of L (strictly lower part),
    // B = rows 0..k1 of B: inside the caller's blocks; C is disjoint from the rows 0..k1 of B
    // and, like all of B, from L.
    unsafe { be.gemm_sub(k - k1, w, k1, b.sub(k1, 0), l.sub(k1, 0), b) };
    // SAFETY: the bottom k - k1 rows of B and the trailing part of L, as for the first half.
    unsafe { trsm_lower_unit(be, l.sub(k1, k1), k - k1, b.sub(k1, 0), w) };
}

/// `B ← U⁻¹ B` for `U` (`k × k`, unit upper triangular, entries strictly above the diagonal
/// read) and `B` (`k × w`), both reduced.
///
/// # Safety
/// Both blocks lie inside live buffers; `B` does not overlap the entries of `U` strictly above
/// its diagonal; during the call nothing else accesses `B` and nothing writes `U`.
pub(crate) unsafe fn trsm_upper_unit<B: Backend>(be: &B, u: MatPtr<B::E>, k: usize, b: MatPtr<B::E>, w: usize) {
    if k == 0 || w == 0 {
        return;
    }
    if k <= TRSM_BASE {
        // SAFETY: (s, t) with s < t < k is an entry of U strictly above the diagonal, which
        // nobody writes.
        let coef = |s: usize, t: usize| (t > s).then(|| unsafe { u.get(s, t) });
        // SAFETY: B is the caller's k × w block, handed over exclusively; `coef` reads only U.
        unsafe { substitute(be, k, w, b, coef, true) };
        return;
    }
    let k1 = k / 2;
    // SAFETY: the bottom k - k1 rows of B and the trailing part of U: sub-blocks of the
    // caller's blocks, with the same guarantees.
    unsafe { trsm_upper_unit(be, u.sub(k1, k1), k - k1, b.sub(k1, 0), w) };
    // SAFETY: C = rows 0..k1 of B, A = rows 0..k1 × columns k1..k of U (strictly upper part),
    // B = rows k1..k of B: inside the caller's blocks; C is disjoint from rows k1..k of B and
    // from U.
    unsafe { be.gemm_sub(k1, w, k - k1, b, u.sub(0, k1), b.sub(k1, 0)) };
    // SAFETY: the top k1 rows of B and the leading part of U, as for the second half.
    unsafe { trsm_upper_unit(be, u, k1, b, w) };
}

/// Small triangular solve by substitution: for each source row `t` (top-down, or bottom-up
/// with `upper`), `B[s] -= coef(s, t) · B[t]` for the rows `s` it feeds. Column blocks of `B`
/// are independent and run in parallel.
///
/// # Safety
/// `b` views a `k × w` block (`k <= TRSM_BASE`) inside a live buffer that nothing else accesses
/// during the call; `coef` must not access that block.
unsafe fn substitute<B: Backend>(be: &B, k: usize, w: usize, b: MatPtr<B::E>, coef: impl Fn(usize, usize) -> Option<B::E> + Sync, upper: bool) {
    let limit = be.lazy_limit();
    let block = |j0: usize| {
        let j1 = (j0 + 256).min(w);
        let mut pending = [0usize; TRSM_BASE];
        let order: Vec<usize> = if upper { (0..k).rev().collect() } else { (0..k).collect() };
        for &t in &order {
            // SAFETY: row t < k, columns j0..j1 <= w of the block; this task alone owns the
            // column range j0..j1, and the mutable slice ends before row t is read again.
            let src = unsafe { b.row_mut(t, j0, j1) };
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
                // SAFETY: row s != t (coef(t, t) is None) of this task's columns: disjoint from
                // `src`, and the slice dies within this statement.
                be.axpy_lazy(unsafe { b.row_mut(s, j0, j1) }, f, src);
                *pend += 1;
                if *pend >= limit {
                    // SAFETY: as above.
                    be.reduce_slice(unsafe { b.row_mut(s, j0, j1) });
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

/// Rank of the `m × n` matrix in `data` (reduced; destroyed), or `bound` as soon as that many
/// pivots are found (the caller knows the rank cannot exceed it).
pub(crate) fn rank<B: Backend>(be: &B, m: usize, n: usize, data: &mut [B::E], bound: usize) -> usize {
    let mut pivots = Vec::new();
    let mut elim = Elim::new(be, data, m, n, true);
    elim.target = bound;
    elim.ple((0, 0, n), &mut pivots, &mut Vec::new())
}

/// Reduced row echelon form, compacted: returns the pivot columns `p_0 < … < p_{r-1}` and leaves
/// in rows `0..r`, columns `r..n` of `data` the block `X` with `RREF[:, free] = X` (the free
/// columns in increasing order), i.e. `RREF = [I | X]` up to the column permutation.
pub(crate) fn rref_compact<B: Backend>(be: &B, m: usize, n: usize, data: &mut [B::E]) -> Vec<usize> {
    let mut pivots = Vec::new();
    let r = Elim::new(be, data, m, n, false).ple((0, 0, n), &mut pivots, &mut Vec::new());
    let mut is_pivot = vec![false; n];
    for &c in &pivots {
        is_pivot[c] = true;
    }
    let free: Vec<usize> = (0..n).filter(|&c| !is_pivot[c]).collect();
    // Normalise each pivot row and gather [pivot columns | free columns]; entries left of a
    // row's pivot are scratch and become 0.
    let gather = |t: usize, row: &mut [B::E], tmp: &mut Vec<B::E>| {
        let pc = pivots[t];
        let s = be.inv(row[pc]);
        be.scale_slice(&mut row[pc..], s);
        tmp.clear();
        tmp.extend(pivots.iter().map(|&c| if c >= pc { row[c] } else { be.zero() }));
        tmp.extend(free.iter().map(|&c| if c > pc { row[c] } else { be.zero() }));
        row.copy_from_slice(tmp);
    };
    if r == 0 {
        return pivots;
    }
    let top = &mut data[..r * n];
    if r * n >= PAR_MIN_WORK {
        top.par_chunks_mut(n).enumerate().for_each_init(|| Vec::with_capacity(n), |tmp, (t, row)| gather(t, row, tmp));
    } else {
        let mut tmp = Vec::with_capacity(n);
        top.chunks_mut(n).enumerate().for_each(|(t, row)| gather(t, row, &mut tmp));
    }
    // The solve leaves every row reduced (each is reduced before it serves as a source).
    let a = MatPtr::new(data, n);
    // SAFETY: U = rows 0..r × columns 0..r (strictly upper part read) and B = rows 0..r ×
    // columns r..n lie in `data` (r <= m, and r <= n pivots) and are disjoint; the view was just
    // made from `data`, which is not touched otherwise until the solve returns.
    unsafe { trsm_upper_unit(be, a, r, a.sub(0, r), n - r) };
    pivots
}
