//! Element backends for the blocked elimination in `ple.rs`.
//!
//! * [`F64Backend`] (`p < 2^26`): centred residues `|x| <= (p-1)/2` stored as `f64`. A sum of
//!   `k` products of such residues is an integer below 2^53, hence exact in `f64`, as long as
//!   `k <= lazy_limit` (2^15 terms at p ≈ 2^20, 7 near 2^26). Matrix products therefore run on
//!   the `gemm` crate's floating-point kernels and are reduced once per product, not per term;
//!   when the limit is short (p > 2^25) they go through two 13-bit digits (`limbs.rs`).
//! * [`U64Backend`] (any prime `< 2^63`): residues in `[0, p)`. Products of inner dimension
//!   from [`LIMB_MIN_INNER`] go through 16- or 21-bit digits on the same `f64` kernels; shorter
//!   ones accumulate in `u128` (plus a carry word above 2^32) with one reduction per entry.
//!   Row operations use a float-quotient reduction below 2^32 (vectorises) and Shoup's
//!   multiplication above.

use super::limbs::{self, LimbSplit};
use super::simd::multiversion;
use super::view::{par_rows, MatPtr, PAR_MIN_WORK};
use crate::field::PrimeField;
use rayon::prelude::*;

/// Inner dimension from which the integer backend multiplies through `f64` digit products.
pub(crate) const LIMB_MIN_INNER: usize = 32;

/// What the elimination needs from an element type. Values are either *reduced* (canonical
/// enough for `is_zero` and for use as a multiplicand) or *lazy* (the result of at most
/// `lazy_limit` calls of `axpy_lazy` on a reduced value), which `reduce` brings back.
pub(crate) trait Backend: Sync {
    type E: Copy + Send + Sync + PartialEq + Default + 'static;
    fn zero(&self) -> Self::E;
    fn one(&self) -> Self::E;
    fn is_zero(&self, x: Self::E) -> bool;
    fn reduce(&self, x: Self::E) -> Self::E;
    fn mul(&self, a: Self::E, b: Self::E) -> Self::E;
    fn neg(&self, a: Self::E) -> Self::E;
    fn inv(&self, a: Self::E) -> Self::E;
    /// How many `axpy_lazy` a reduced value survives before it must be reduced.
    fn lazy_limit(&self) -> usize;
    /// `dst -= l * src` without reduction (`l`, `src` reduced).
    fn axpy_lazy(&self, dst: &mut [Self::E], l: Self::E, src: &[Self::E]);
    fn reduce_slice(&self, x: &mut [Self::E]);
    /// `x *= s`, reduced (`x`, `s` reduced).
    fn scale_slice(&self, x: &mut [Self::E], s: Self::E);
    /// `C ← C − A·B`, reduced, for `C: m×n`, `A: m×k`, `B: k×n` (all reduced).
    ///
    /// # Safety
    /// * the `m × n` block at `c`, the `m × k` block at `a` and the `k × n` block at `b` lie
    ///   inside live buffers (each row of a block inside its buffer, strides as in the views);
    /// * `C` does not overlap `A` or `B`;
    /// * during the call nothing else reads or writes `C`, and nothing writes `A` or `B`.
    unsafe fn gemm_sub(&self, m: usize, n: usize, k: usize, c: MatPtr<Self::E>, a: MatPtr<Self::E>, b: MatPtr<Self::E>);
    /// A residue in `[0, p)` to an element.
    fn lift(&self, x: u64) -> Self::E;
    /// A reduced element to its residue in `[0, p)`.
    fn residue(&self, x: Self::E) -> u64;
}

/// Reduce the block `rows × cols` at `c`, in a few large row chunks when big.
///
/// # Safety
/// The block must lie inside a live buffer, and nothing else may access it during the call.
pub(crate) unsafe fn reduce_block<B: Backend>(be: &B, rows: usize, cols: usize, c: MatPtr<B::E>) {
    let rows_per_task = par_rows(rows, cols);
    let reduce_rows = |lo: usize, hi: usize| {
        for i in lo..hi {
            // SAFETY: row i < rows of the block, which the caller hands over exclusively;
            // parallel tasks take disjoint row ranges.
            be.reduce_slice(unsafe { c.row_mut(i, 0, cols) });
        }
    };
    if rows_per_task < rows {
        (0..rows.div_ceil(rows_per_task)).into_par_iter().for_each(|t| reduce_rows(t * rows_per_task, ((t + 1) * rows_per_task).min(rows)));
    } else {
        reduce_rows(0, rows);
    }
}

/// Run `f(i0, rows)` over row blocks of an `m × n × k` product: one call when small, otherwise
/// several blocks per thread through rayon's work stealing. Static halves (what `gemm` does with
/// its own threads) stall whenever another process holds one of the cores.
pub(crate) fn par_row_blocks(m: usize, n: usize, k: usize, f: impl Fn(usize, usize) + Sync) {
    let threads = rayon::current_num_threads();
    if threads <= 1 || m * n * k < (1 << 22) || m < 2 * 64 {
        return f(0, m);
    }
    let block = m.div_ceil(4 * threads).max(64);
    (0..m.div_ceil(block)).into_par_iter().for_each(|b| {
        let i0 = b * block;
        f(i0, block.min(m - i0));
    });
}

/// 1.5 · 2^52: adding and subtracting it rounds an `|x| < 2^51` to the nearest integer with
/// plain SIMD adds (`f64::round` is a libm call on baseline x86-64).
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;

/// Constants of the centred reduction, `Copy` so the SIMD loops can take them by value.
#[derive(Debug, Clone, Copy)]
struct Centred {
    p: f64,
    pinv: f64,
    half: f64,
}

impl Centred {
    /// The representative of `x` (an integer, `|x| < 2^52`) in `[-half, half]`.
    #[inline(always)]
    fn reduce(self, x: f64) -> f64 {
        let q = (x * self.pinv + ROUND_MAGIC) - ROUND_MAGIC;
        // q is within one of the nearest quotient, so one conditional step each way suffices.
        let r = x - q * self.p;
        let r = if r > self.half { r - self.p } else { r };
        if r < -self.half {
            r + self.p
        } else {
            r
        }
    }
}

multiversion! {
    fn f64_reduce_slice(c: Centred, x: &mut [f64]) {
        for v in x.iter_mut() {
            *v = c.reduce(*v);
        }
    }
}

multiversion! {
    fn f64_axpy_lazy(dst: &mut [f64], l: f64, src: &[f64]) {
        for (d, &s) in dst.iter_mut().zip(src) {
            *d -= l * s;
        }
    }
}

multiversion! {
    fn f64_scale_slice(c: Centred, x: &mut [f64], s: f64) {
        for v in x.iter_mut() {
            *v = c.reduce(*v * s);
        }
    }
}

multiversion! {
    fn f64_fold2(c: Centred, beta2: f64, x: &mut [f64], d0: &[f64], d1: &[f64], d2: &[f64]) {
        // |d1 β| <= 2^38 and |d2 β²| <= 2^50 after reduction: the sum is exact.
        for (((x, &a), &b), &e) in x.iter_mut().zip(d0).zip(d1).zip(d2) {
            let (a, b, e) = (c.reduce(a), c.reduce(b), c.reduce(e));
            *x = c.reduce(*x - (a + b * LIMB13 + e * beta2));
        }
    }
}

/// The floating-point backend, for primes below [`crate::field::F64_EXACT_PRIME_LIMIT`].
#[derive(Debug, Clone)]
pub(crate) struct F64Backend {
    field: PrimeField,
    c: Centred,
    limit: usize,
}

impl F64Backend {
    pub fn new(field: PrimeField) -> Self {
        let p = field.modulus();
        assert!(p < crate::field::F64_EXACT_PRIME_LIMIT, "F64Backend needs p < 2^26");
        let half = (p / 2) as f64;
        // |x| <= h after reduction; h + k h^2 < 2^53 keeps k lazy products exact. The cap keeps
        // |x / p| below 2^51 for the rounding trick when p is tiny.
        let h = half.max(1.0);
        let limit = (((1u64 << 53) as f64 - h) / (h * h)).floor().clamp(1.0, (1u64 << 20) as f64) as usize;
        F64Backend { field, c: Centred { p: p as f64, pinv: 1.0 / p as f64, half }, limit }
    }
}

impl Backend for F64Backend {
    type E = f64;
    #[inline(always)]
    fn zero(&self) -> f64 {
        0.0
    }
    #[inline(always)]
    fn one(&self) -> f64 {
        self.c.reduce(1.0)
    }
    #[inline(always)]
    fn is_zero(&self, x: f64) -> bool {
        x == 0.0
    }
    #[inline(always)]
    fn reduce(&self, x: f64) -> f64 {
        self.c.reduce(x)
    }
    #[inline(always)]
    fn mul(&self, a: f64, b: f64) -> f64 {
        self.c.reduce(a * b)
    }
    #[inline(always)]
    fn neg(&self, a: f64) -> f64 {
        self.c.reduce(-a)
    }
    fn inv(&self, a: f64) -> f64 {
        let r = self.residue(a);
        self.lift(self.field.inv(r).expect("pivot is non-zero"))
    }
    fn lazy_limit(&self) -> usize {
        self.limit
    }
    fn axpy_lazy(&self, dst: &mut [f64], l: f64, src: &[f64]) {
        f64_axpy_lazy(dst, l, src)
    }
    fn reduce_slice(&self, x: &mut [f64]) {
        f64_reduce_slice(self.c, x)
    }
    fn scale_slice(&self, x: &mut [f64], s: f64) {
        f64_scale_slice(self.c, x, s)
    }
    /// # Safety
    /// As for [`Backend::gemm_sub`].
    unsafe fn gemm_sub(&self, m: usize, n: usize, k: usize, c: MatPtr<f64>, a: MatPtr<f64>, b: MatPtr<f64>) {
        if m == 0 || n == 0 || k == 0 {
            return;
        }
        if k > self.limit && self.limit < SINGLE_LIMB_MIN_INNER {
            // p close to 2^26: exact products only `limit` terms deep would mean a reduction
            // pass per few terms; two 13-bit digits keep whole products exact instead.
            let split = F64Limbs2 { c: self.c, beta2: self.c.reduce(LIMB13 * LIMB13) };
            // SAFETY: the same blocks and the same guarantees as this call's.
            return unsafe { limbs::gemm_sub(&split, m, n, k, c, a, b) };
        }
        // Split the inner dimension so every partial sum stays exact, reducing in between.
        let mut t = 0;
        while t < k {
            let kk = self.limit.min(k - t);
            par_row_blocks(m, n, kk, |i0, rows| {
                // SAFETY: rows i0..i0+rows of C and A and rows t..t+kk of B are inside the
                // blocks the caller vouches for (i0 + rows <= m, t + kk <= k); `par_row_blocks`
                // hands out disjoint row ranges, so the written parts of C are disjoint, and C
                // overlaps neither A nor B.
                unsafe {
                    gemm::gemm(
                        rows,
                        n,
                        kk,
                        c.ptr_at(i0, 0),
                        1,
                        c.ld() as isize,
                        true,
                        a.ptr_at(i0, t),
                        1,
                        a.ld() as isize,
                        b.ptr_at(t, 0),
                        1,
                        b.ld() as isize,
                        1.0,
                        -1.0,
                        false,
                        false,
                        false,
                        gemm::Parallelism::None,
                    )
                }
            });
            // SAFETY: C is the caller's m × n block, which nothing else accesses meanwhile.
            unsafe { reduce_block(self, m, n, c) };
            t += kk;
        }
    }
    #[inline]
    fn lift(&self, x: u64) -> f64 {
        self.field.centered(x) as f64
    }
    #[inline]
    fn residue(&self, x: f64) -> u64 {
        self.field.from_i64(x as i64)
    }
}

/// Below this many exact terms per `f64` product, [`F64Backend`] multiplies through digits.
pub(crate) const SINGLE_LIMB_MIN_INNER: usize = 64;

/// The digit base of [`F64Limbs2`]: 2^13, so digits of centred residues below 2^25 are at most
/// 2^12 + 1 and digit products 2^24 — exact for any practical inner dimension.
const LIMB13: f64 = 8192.0;

/// Two base-2^13 digits of a centred `f64` residue (`p < 2^26`).
struct F64Limbs2 {
    c: Centred,
    /// 2^26 mod p, centred.
    beta2: f64,
}

impl LimbSplit for F64Limbs2 {
    type E = f64;
    const L: usize = 2;
    #[inline(always)]
    fn split(&self, x: f64, out: &mut [f64]) {
        let hi = (x * (1.0 / LIMB13) + ROUND_MAGIC) - ROUND_MAGIC;
        out[0] = x - hi * LIMB13;
        out[1] = hi;
    }
    fn fold_row(&self, c: &mut [f64], d: &[f64], stride: usize) {
        let n = c.len();
        f64_fold2(self.c, self.beta2, c, &d[..n], &d[stride..stride + n], &d[2 * stride..2 * stride + n]);
    }
    fn max_inner(&self) -> usize {
        1 << 27
    }
}

/// `L` balanced base-2^BITS digits of a residue of a prime below 2^63: `L = 2, BITS = 16` for
/// p < 2^32, `L = 3, BITS = 21` above. The last digit takes what is left (at most
/// 2^(BITS-1) + 1), so no carry is lost.
struct IntLimbs<const L: usize, const BITS: u32> {
    field: PrimeField,
    p: u64,
    small: Option<Small>,
    /// β^s mod p and their Shoup constants, for s < 2L - 1.
    pow: [u64; 5],
    pow_shoup: [u64; 5],
}

impl<const L: usize, const BITS: u32> IntLimbs<L, BITS> {
    fn new(be: &U64Backend) -> Self {
        let f = be.field;
        let beta = f.reduce(1u64 << BITS);
        let mut pow = [0u64; 5];
        let mut acc = 1 % be.p;
        for x in pow.iter_mut() {
            *x = acc;
            acc = f.mul(acc, beta);
        }
        let pow_shoup = pow.map(|w| be.shoup(w));
        IntLimbs { field: f, p: be.p, small: be.small, pow, pow_shoup }
    }
}

impl<const L: usize, const BITS: u32> LimbSplit for IntLimbs<L, BITS> {
    type E = u64;
    const L: usize = L;
    #[inline(always)]
    fn split(&self, x: u64, out: &mut [f64]) {
        let mut v = if x > self.p / 2 { x as i64 - self.p as i64 } else { x as i64 };
        let half = 1i64 << (BITS - 1);
        for o in out.iter_mut().take(L - 1) {
            let d = ((v + half) & ((1i64 << BITS) - 1)) - half;
            *o = d as f64;
            v = (v - d) >> BITS;
        }
        out[L - 1] = v as f64;
    }
    fn fold_row(&self, c: &mut [u64], d: &[f64], stride: usize) {
        if let (2, Some(sm)) = (L, self.small) {
            let n = c.len();
            let pow = [self.pow[0], self.pow[1], self.pow[2]];
            return u64_fold2_small(sm, pow, c, &d[..n], &d[stride..stride + n], &d[2 * stride..2 * stride + n]);
        }
        let p = self.p as i64;
        // Digit sums are exact integers below 2^53 in magnitude; a float quotient brings them
        // to [0, p) with one fix-up (no integer division).
        let pinv = 1.0 / self.p as f64;
        for (j, x) in c.iter_mut().enumerate() {
            let mut acc = 0u64;
            for s in 0..2 * L - 1 {
                let v = d[s * stride + j];
                let q = ((v * pinv + ROUND_MAGIC) - ROUND_MAGIC) as i64;
                let mut r = v as i64 - q.wrapping_mul(p);
                if r < 0 {
                    r += p;
                }
                if r >= p {
                    r -= p;
                }
                let r = r as u64;
                let q = ((self.pow_shoup[s] as u128 * r as u128) >> 64) as u64;
                let mut t = self.pow[s].wrapping_mul(r).wrapping_sub(q.wrapping_mul(self.p));
                if t >= self.p {
                    t -= self.p;
                }
                acc = self.field.add(acc, t);
            }
            *x = self.field.sub(*x, acc);
        }
    }
    fn max_inner(&self) -> usize {
        let digit = (1u64 << (BITS - 1)) as f64 + 1.0;
        ((((1u64 << 53) - 1) as f64) / (L as f64 * digit * digit)).floor() as usize
    }
}

/// Arithmetic mod `p < 2^32` with a floating-point quotient: products of residues fit in a
/// `u64` and the float quotient is within one of the true one, so the loops vectorise (no
/// 128-bit multiply, unlike Shoup's method which the integer backend uses above 2^32).
#[derive(Debug, Clone, Copy)]
struct Small {
    p: u64,
    pinv: f64,
}

impl Small {
    #[inline(always)]
    fn fix(self, r: i64) -> u64 {
        let p = self.p as i64;
        let r = if r < 0 { r + p } else { r };
        (if r >= p { r - p } else { r }) as u64
    }
    /// `a · b mod p` for residues `a, b`.
    #[inline(always)]
    fn mulmod(self, a: u64, b: u64) -> u64 {
        // The quotient is off by at most one either way: r lies in [-p, 2p).
        let q = ((a as f64) * (b as f64) * self.pinv) as u64;
        self.fix(a.wrapping_mul(b).wrapping_sub(q.wrapping_mul(self.p)) as i64)
    }
    /// An exact integer `|v| < 2^53` held in an `f64`, mod p.
    #[inline(always)]
    fn of_f64(self, v: f64) -> u64 {
        let q = ((v * self.pinv + ROUND_MAGIC) - ROUND_MAGIC) as i64;
        self.fix((v as i64).wrapping_sub(q.wrapping_mul(self.p as i64)))
    }
    #[inline(always)]
    fn sub(self, a: u64, b: u64) -> u64 {
        let t = a + self.p - b;
        if t >= self.p {
            t - self.p
        } else {
            t
        }
    }
}

multiversion! {
    fn u64_axpy_small(sm: Small, dst: &mut [u64], l: u64, src: &[u64]) {
        for (d, &s) in dst.iter_mut().zip(src) {
            *d = sm.sub(*d, sm.mulmod(l, s));
        }
    }
}

multiversion! {
    fn u64_scale_small(sm: Small, x: &mut [u64], w: u64) {
        for v in x.iter_mut() {
            *v = sm.mulmod(w, *v);
        }
    }
}

multiversion! {
    fn u64_fold2_small(sm: Small, pow: [u64; 3], c: &mut [u64], d0: &[f64], d1: &[f64], d2: &[f64]) {
        for (((x, &a), &b), &e) in c.iter_mut().zip(d0).zip(d1).zip(d2) {
            let t0 = sm.of_f64(a);
            let t1 = sm.mulmod(pow[1], sm.of_f64(b));
            let t2 = sm.mulmod(pow[2], sm.of_f64(e));
            let acc = sm.sub(t0, sm.p - t1); // t0 + t1 mod p (t1 < p, so p - t1 > 0)
            let acc = sm.sub(acc, sm.p - t2);
            *x = sm.sub(*x, acc);
        }
    }
}

/// The integer backend, for any prime below 2^63.
#[derive(Debug, Clone)]
pub(crate) struct U64Backend {
    field: PrimeField,
    p: u64,
    /// Products of two residues a `u128` accumulator holds on top of a residue.
    acc_limit: usize,
    /// 2^128 mod p, to fold the carry word of the 192-bit accumulators.
    two128: u64,
    /// Vectorisable arithmetic when p < 2^32.
    small: Option<Small>,
}

impl U64Backend {
    pub fn new(field: PrimeField) -> Self {
        let p = field.modulus();
        let sq = (p as u128 - 1) * (p as u128 - 1);
        let acc_limit = (u128::MAX - p as u128).checked_div(sq).map_or(usize::MAX, |l| l.min(usize::MAX as u128) as usize);
        let two64 = ((1u128 << 64) % p as u128) as u64;
        let two128 = field.mul(two64, two64);
        let small = (p < (1 << 32)).then(|| Small { p, pinv: 1.0 / p as f64 });
        U64Backend { field, p, acc_limit, two128, small }
    }

    /// Shoup's precomputation for multiplying by the fixed residue `w`: floor(w · 2^64 / p).
    #[inline(always)]
    fn shoup(&self, w: u64) -> u64 {
        (((w as u128) << 64) / self.p as u128) as u64
    }

    /// `w · x mod p` with `ws = shoup(w)`: two multiplications, no division (needs p < 2^63).
    #[inline(always)]
    fn mul_shoup(&self, w: u64, ws: u64, x: u64) -> u64 {
        let q = ((ws as u128 * x as u128) >> 64) as u64;
        let r = w.wrapping_mul(x).wrapping_sub(q.wrapping_mul(self.p));
        if r >= self.p {
            r - self.p
        } else {
            r
        }
    }

    /// `C ← C − A·B` in tiles: `RB` rows of `A` share each row of `B`, and `RB × CB`
    /// accumulators (plus carry words when `WIDE`) stay in L1/L2.
    ///
    /// # Safety
    /// As for [`Backend::gemm_sub`].
    unsafe fn gemm_sub_tiled<const WIDE: bool>(&self, m: usize, n: usize, k: usize, c: MatPtr<u64>, a: MatPtr<u64>, b: MatPtr<u64>) {
        const RB: usize = 8;
        const CB: usize = 128;
        let p = self.p as u128;
        let f = self.field;
        let tile = |ib: usize| {
            let i0 = ib * RB;
            let i1 = (i0 + RB).min(m);
            let mut acc = [[0u128; CB]; RB];
            let mut carry = [[0u64; CB]; RB];
            for j0 in (0..n).step_by(CB) {
                let w = CB.min(n - j0);
                for (row, cr) in acc.iter_mut().zip(carry.iter_mut()) {
                    row[..w].fill(0);
                    if WIDE {
                        cr[..w].fill(0);
                    }
                }
                for t in 0..k {
                    // SAFETY: row t < k, columns j0..j0+w <= n of B: inside B, which nobody writes.
                    let brow = unsafe { b.row_ref(t, j0, j0 + w) };
                    for (ii, i) in (i0..i1).enumerate() {
                        // SAFETY: (i, t) with i < m, t < k is inside A, which nobody writes.
                        let av = unsafe { a.get(i, t) } as u128;
                        if av == 0 {
                            continue;
                        }
                        if WIDE {
                            for ((s, cy), &bv) in acc[ii][..w].iter_mut().zip(carry[ii][..w].iter_mut()).zip(brow.iter()) {
                                let (sum, over) = s.overflowing_add(av * bv as u128);
                                *s = sum;
                                *cy += over as u64;
                            }
                        } else {
                            for (s, &bv) in acc[ii][..w].iter_mut().zip(brow.iter()) {
                                *s += av * bv as u128;
                            }
                        }
                    }
                }
                for (ii, i) in (i0..i1).enumerate() {
                    // SAFETY: row i < m, columns j0..j0+w <= n of C; this tile alone owns rows
                    // i0..i1 of C, and C overlaps neither A nor B.
                    let dst = unsafe { c.row_mut(i, j0, j0 + w) };
                    for j in 0..w {
                        let v = if WIDE { self.fold192(carry[ii][j], acc[ii][j]) } else { (acc[ii][j] % p) as u64 };
                        dst[j] = f.sub(dst[j], v);
                    }
                }
            }
        };
        let blocks = m.div_ceil(RB);
        if m * n * k >= PAR_MIN_WORK {
            (0..blocks).into_par_iter().for_each(tile);
        } else {
            (0..blocks).for_each(tile);
        }
    }

    /// `hi · 2^128 + lo mod p`.
    #[inline]
    fn fold192(&self, hi: u64, lo: u128) -> u64 {
        let lo = (lo % self.p as u128) as u64;
        if hi == 0 {
            lo
        } else {
            self.field.add(self.field.mul(self.field.reduce(hi), self.two128), lo)
        }
    }
}

impl Backend for U64Backend {
    type E = u64;
    fn zero(&self) -> u64 {
        0
    }
    fn one(&self) -> u64 {
        1 % self.p
    }
    #[inline(always)]
    fn is_zero(&self, x: u64) -> bool {
        x == 0
    }
    #[inline(always)]
    fn reduce(&self, x: u64) -> u64 {
        x
    }
    #[inline(always)]
    fn mul(&self, a: u64, b: u64) -> u64 {
        self.field.mul(a, b)
    }
    fn neg(&self, a: u64) -> u64 {
        self.field.neg(a)
    }
    fn inv(&self, a: u64) -> u64 {
        self.field.inv(a).expect("pivot is non-zero")
    }
    fn lazy_limit(&self) -> usize {
        usize::MAX
    }
    fn axpy_lazy(&self, dst: &mut [u64], l: u64, src: &[u64]) {
        if let Some(sm) = self.small {
            return u64_axpy_small(sm, dst, l, src);
        }
        let ls = self.shoup(l);
        for (d, &s) in dst.iter_mut().zip(src) {
            *d = self.field.sub(*d, self.mul_shoup(l, ls, s));
        }
    }
    fn reduce_slice(&self, _x: &mut [u64]) {}
    fn scale_slice(&self, x: &mut [u64], s: u64) {
        if let Some(sm) = self.small {
            return u64_scale_small(sm, x, s);
        }
        let ss = self.shoup(s);
        for v in x.iter_mut() {
            *v = self.mul_shoup(s, ss, *v);
        }
    }
    /// # Safety
    /// As for [`Backend::gemm_sub`].
    unsafe fn gemm_sub(&self, m: usize, n: usize, k: usize, c: MatPtr<u64>, a: MatPtr<u64>, b: MatPtr<u64>) {
        if m == 0 || n == 0 || k == 0 {
            return;
        }
        if k >= LIMB_MIN_INNER {
            // Digit products on the f64 kernels: several times the scalar u128 speed.
            return if self.p < (1 << 32) {
                // SAFETY: the same blocks and the same guarantees as this call's.
                unsafe { limbs::gemm_sub(&IntLimbs::<2, 16>::new(self), m, n, k, c, a, b) }
            } else {
                // SAFETY: the same blocks and the same guarantees as this call's.
                unsafe { limbs::gemm_sub(&IntLimbs::<3, 21>::new(self), m, n, k, c, a, b) }
            };
        }
        // Short products: scalar. Below 2^32 a u128 accumulator never overflows (k < 2^64
        // products); above, a carry word makes it 192 bits. One reduction per entry either way.
        if self.acc_limit >= k {
            // SAFETY: the same blocks and the same guarantees as this call's.
            unsafe { self.gemm_sub_tiled::<false>(m, n, k, c, a, b) }
        } else {
            // SAFETY: the same blocks and the same guarantees as this call's.
            unsafe { self.gemm_sub_tiled::<true>(m, n, k, c, a, b) }
        }
    }
    fn lift(&self, x: u64) -> u64 {
        x
    }
    fn residue(&self, x: u64) -> u64 {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn random(f: &PrimeField, len: usize, seed: u64) -> Vec<u64> {
        let mut g = SplitMix64::new(seed);
        (0..len).map(|_| g.residue(f)).collect()
    }

    /// `C - A·B` entry by entry with `u128` products, for spot checks.
    fn naive_entry(f: &PrimeField, c: &[u64], a: &[u64], b: &[u64], (n, k): (usize, usize), (i, j): (usize, usize)) -> u64 {
        let dot = (0..k).fold(0u64, |acc, t| f.add(acc, f.mul(a[i * k + t], b[t * n + j])));
        f.sub(c[i * n + j], dot)
    }

    /// Digit products (several tiles, inner dimension split into folded chunks) against the
    /// scalar u128 kernel and spot checks by hand.
    #[test]
    fn u64_digit_products_match_scalar() {
        let (m, n, k) = (300, 270, 1500);
        for p in [67_108_879u64, 4_294_967_291, (1 << 61) - 1, 9_223_372_036_854_775_783] {
            let f = PrimeField::new(p).unwrap();
            let be = U64Backend::new(f);
            let (a, b, c) = (random(&f, m * k, 1), random(&f, k * n, 2), random(&f, m * n, 3));
            let (mut a1, mut b1, mut got) = (a.clone(), b.clone(), c.clone());
            let (mut want, mut a2, mut b2) = (c.clone(), a.clone(), b.clone());
            // SAFETY: each view covers a whole separate buffer of the stated
            // shape, and nothing else touches the buffers during the calls.
            unsafe { be.gemm_sub(m, n, k, MatPtr::new(&mut got, n), MatPtr::new(&mut a1, k), MatPtr::new(&mut b1, n)) };
            let (cw, aw, bw) = (MatPtr::new(&mut want, n), MatPtr::new(&mut a2, k), MatPtr::new(&mut b2, n));
            if be.acc_limit >= k {
                // SAFETY: as above.
                unsafe { be.gemm_sub_tiled::<false>(m, n, k, cw, aw, bw) };
            } else {
                // SAFETY: as above.
                unsafe { be.gemm_sub_tiled::<true>(m, n, k, cw, aw, bw) };
            }
            assert!(got == want, "p = {p}");
            for (i, j) in [(0, 0), (299, 269), (137, 5), (256, 256), (12, 255)] {
                assert_eq!(got[i * n + j], naive_entry(&f, &c, &a, &b, (n, k), (i, j)), "p = {p}");
            }
        }
    }

    /// The f64 backend near 2^26 (two-digit products) and at the default prime (one exact
    /// product, inner dimension within the lazy limit or split) against the integer backend.
    #[test]
    fn f64_products_match_integer_backend() {
        let (m, n, k) = (280, 300, 700);
        // Two-digit products, one chunked product (lazy limit 128 < k), one exact product.
        for p in [67_108_859u64, 33_554_393, 16_777_259, 1_048_583, 3] {
            let f = PrimeField::new(p).unwrap();
            let (fb, ub) = (F64Backend::new(f), U64Backend::new(f));
            let (a, b, c) = (random(&f, m * k, 4), random(&f, k * n, 5), random(&f, m * n, 6));
            let lift = |v: &[u64]| v.iter().map(|&x| fb.lift(x)).collect::<Vec<f64>>();
            let (mut af, mut bf, mut cf) = (lift(&a), lift(&b), lift(&c));
            let (mut au, mut bu, mut cu) = (a.clone(), b.clone(), c.clone());
            // SAFETY: each view covers a whole separate buffer of the stated shape, and nothing
            // else touches the buffers during the call.
            unsafe { fb.gemm_sub(m, n, k, MatPtr::new(&mut cf, n), MatPtr::new(&mut af, k), MatPtr::new(&mut bf, n)) };
            // SAFETY: as above.
            unsafe { ub.gemm_sub(m, n, k, MatPtr::new(&mut cu, n), MatPtr::new(&mut au, k), MatPtr::new(&mut bu, n)) };
            let got: Vec<u64> = cf.iter().map(|&x| fb.residue(x)).collect();
            assert!(got == cu, "p = {p}");
            assert!(cf.iter().all(|&x| x.abs() <= (p / 2) as f64), "p = {p}: result not reduced");
            assert_eq!(cu[17 * n + 123], naive_entry(&f, &c, &a, &b, (n, k), (17, 123)));
        }
    }

    #[test]
    fn centred_reduction_is_exact_near_the_limits() {
        for p in [2u64, 3, 1_048_583, 67_108_859] {
            let f = PrimeField::new(p).unwrap();
            let fb = F64Backend::new(f);
            let h = (p / 2).max(1) as i64;
            let big = h + (fb.lazy_limit() as i64) * h * h; // the largest lazy magnitude
            for x in [0i64, 1, -1, h, -h, h + 1, -h - 1, big, -big, big - 1, (1 << 40) + 12345] {
                if x.unsigned_abs() > big as u64 {
                    continue;
                }
                let r = fb.reduce(x as f64);
                assert!(r.abs() <= h as f64, "p = {p}, x = {x}: {r}");
                assert_eq!(fb.residue(r), f.from_i64(x), "p = {p}, x = {x}");
            }
        }
    }
}
