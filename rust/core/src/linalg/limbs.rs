//! Matrix products mod a prime too large for one exact `f64` product, through the same `f64`
//! `gemm` kernels: split every residue into `L` balanced base-β digits (`|digit| <= β/2`), form
//! the `L²` digit products `A_i · B_j` (each entry an exact integer below 2^53) summed into
//! `D_s = Σ_{i+j=s} A_i B_j`, and fold `Σ_s D_s β^s` back mod p once per entry and inner chunk.
//!
//! Measured on one core (rank of a random 2000 × 2000 matrix): p = 2^61 − 1 (L = 3) takes 1.7 s
//! with digit products against 3.6 s with the scalar `u128` kernel (FLINT: 1.9 s), and
//! p = 2^31 − 1 (L = 2) 0.71 s (FLINT: 1.4 s).

use super::view::{MatPtr, PAR_MIN_WORK};
use rayon::prelude::*;

/// Rows and columns of `C` per parallel tile.
const TILE: usize = 256;
/// Inner dimension per digit product (measured: 256 is ~15% slower, 2048 no faster).
const KC: usize = 1024;

thread_local! {
    /// Digit buffers live as long as the thread (rayon's workers), so the many products of one
    /// elimination allocate them once.
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::new(Buffers::default());
}

/// How residues are cut into digits and the digit sums folded back.
pub(crate) trait LimbSplit: Sync {
    type E: Copy + Send + Sync;
    /// Digits per residue.
    const L: usize;
    /// The `L` balanced digits of `x`, least significant first, as exact `f64`.
    fn split(&self, x: Self::E, out: &mut [f64]);
    /// `c[j] ← c[j] − Σ_s d_s[j] β^s mod p` for the exact integer digit sums `d_s`
    /// (`d[s * stride + j]`, `s < 2L - 1`).
    fn fold_row(&self, c: &mut [Self::E], d: &[f64], stride: usize);
    /// Largest inner dimension whose digit sums stay below 2^53.
    fn max_inner(&self) -> usize;
}

/// `C ← C − A·B` (`C: m×n`, `A: m×k`, `B: k×n`) through digit products.
///
/// # Safety
/// As for `Backend::gemm_sub`: the three blocks lie inside live buffers, `C` overlaps neither
/// `A` nor `B`, and during the call nothing else accesses `C` and nothing writes `A` or `B`.
pub(crate) unsafe fn gemm_sub<S: LimbSplit>(s: &S, m: usize, n: usize, k: usize, c: MatPtr<S::E>, a: MatPtr<S::E>, b: MatPtr<S::E>) {
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    let l = S::L;
    // Inner chunks of at most KC bound the digit buffers (under 16 MB per thread at L = 3) and
    // spread each fold over KC terms.
    let kc = s.max_inner().min(KC).min(k).max(1);
    let (ti, tj) = (m.div_ceil(TILE), n.div_ceil(TILE));
    let work = |tile: usize, buf: &mut Buffers| {
        let (i0, j0) = ((tile / tj) * TILE, (tile % tj) * TILE);
        let (rb, cb) = (TILE.min(m - i0), TILE.min(n - j0));
        buf.resize(l, rb, cb, kc);
        let mut digits = [0f64; 3];
        let digits = &mut digits[..l];
        let mut t0 = 0;
        while t0 < k {
            let kk = kc.min(k - t0);
            // Digits of the A block (rb × kk per digit) and of the B block (kk × cb per digit).
            for i in 0..rb {
                // SAFETY: row i0 + i < m, columns t0..t0+kk <= k of A, which nobody writes.
                let arow = unsafe { a.row_ref(i0 + i, t0, t0 + kk) };
                for (t, &x) in arow.iter().enumerate() {
                    s.split(x, digits);
                    for (d, &x) in digits.iter().enumerate() {
                        buf.a[d * rb * kk + i * kk + t] = x;
                    }
                }
            }
            for t in 0..kk {
                // SAFETY: row t0 + t < k, columns j0..j0+cb <= n of B, which nobody writes.
                let brow = unsafe { b.row_ref(t0 + t, j0, j0 + cb) };
                for (j, &x) in brow.iter().enumerate() {
                    s.split(x, digits);
                    for (d, &x) in digits.iter().enumerate() {
                        buf.b[d * kk * cb + t * cb + j] = x;
                    }
                }
            }
            buf.d.iter_mut().for_each(|x| *x = 0.0);
            for da in 0..l {
                for db in 0..l {
                    let dst = buf.d[(da + db) * rb * cb..].as_mut_ptr();
                    // SAFETY: the digit blocks are this thread's own buffers, sized by
                    // `Buffers::resize` for rb × kk (A digits), kk × cb (B digits) and
                    // rb × cb (each digit sum) row-major blocks, which the strides describe;
                    // the destination does not overlap the sources.
                    unsafe {
                        gemm::gemm(
                            rb,
                            cb,
                            kk,
                            dst,
                            1,
                            cb as isize,
                            true,
                            buf.a[da * rb * kk..].as_ptr(),
                            1,
                            kk as isize,
                            buf.b[db * kk * cb..].as_ptr(),
                            1,
                            cb as isize,
                            1.0,
                            1.0,
                            false,
                            false,
                            false,
                            gemm::Parallelism::None,
                        )
                    };
                }
            }
            for i in 0..rb {
                // SAFETY: row i0 + i < m, columns j0..j0+cb <= n of C; tiles partition C, so
                // no other task touches these elements, and C overlaps neither A nor B.
                let crow = unsafe { c.row_mut(i0 + i, j0, j0 + cb) };
                s.fold_row(crow, &buf.d[i * cb..], rb * cb);
            }
            t0 += kk;
        }
    };
    let tiles = ti * tj;
    let run = |t: usize| BUFFERS.with(|cell| work(t, &mut cell.borrow_mut()));
    if tiles > 1 && m * n * k >= PAR_MIN_WORK {
        (0..tiles).into_par_iter().for_each(run);
    } else {
        (0..tiles).for_each(run);
    }
}

/// Per-thread digit blocks and digit-sum blocks, reused across tiles.
#[derive(Default)]
struct Buffers {
    a: Vec<f64>,
    b: Vec<f64>,
    d: Vec<f64>,
}

impl Buffers {
    fn resize(&mut self, l: usize, rb: usize, cb: usize, kc: usize) {
        self.a.resize(l * rb * kc, 0.0);
        self.b.resize(l * kc * cb, 0.0);
        self.d.resize((2 * l - 1) * rb * cb, 0.0);
    }
}
