//! The evaluation route: gradients of the network at points of F_p^{d0} by ordinary
//! backpropagation ("the evaluation shortcut").

use super::Network;
use crate::rng::SplitMix64;
use rayon::prelude::*;

impl Network {
    /// `W_{i} x` for 1-based layer `i`.
    fn apply(&self, i: usize, x: &[u64], out: &mut Vec<u64>) {
        let f = &self.field;
        let cols = self.arch.widths[i - 1];
        out.clear();
        out.extend(self.weights[i - 1].chunks_exact(cols).map(|row| f.dot(row, x)));
    }

    /// Gradient of `c · f(x)` with respect to all weights, written into `grad` (length N).
    ///
    /// Ordinary backpropagation: forward `z_i = W_i a_{i-1}`, `a_i = z_i^r`; backward
    /// `δ_L = c`, `∇W_i = δ_i a_{i-1}^T`, `δ_{i-1} = (W_i^T δ_i) ∘ r z_{i-1}^{r-1}`.
    pub fn gradient_at(&self, x: &[u64], c: &[u64], grad: &mut [u64]) {
        self.gradient_into(x, c, grad, true);
    }

    /// [`Self::gradient_at`]; with `reduced = false` and `p < 2^32` the entries are left as
    /// unreduced products `δ_a · a_b < 2^64` (the rank kernel reduces every entry anyway: this
    /// saves one reduction per entry of the Jacobian, most of its assembly).
    fn gradient_into(&self, x: &[u64], c: &[u64], grad: &mut [u64], reduced: bool) {
        let f = &self.field;
        let arch = &self.arch;
        let lazy = !reduced && f.lazy_terms() >= 1;
        let (activations, pre_powers) = self.forward(x, true);
        let mut delta = c.to_vec();
        for i in (1..=arch.depth()).rev() {
            let off = arch.layer_offset(i);
            let input = &activations[i - 1];
            let cols = input.len();
            for (a, &da) in delta.iter().enumerate() {
                let row = &mut grad[off + a * cols..off + (a + 1) * cols];
                if lazy {
                    row.iter_mut().zip(input).for_each(|(g, &v)| *g = da * v);
                } else {
                    row.iter_mut().zip(input).for_each(|(g, &v)| *g = f.mul(da, v));
                }
            }
            if i > 1 {
                let back = self.transpose_apply(i, &delta);
                delta = back.iter().zip(&pre_powers[i - 1]).map(|(&b, &p)| f.mul(b, p)).collect();
            }
        }
    }

    /// `W_i^T δ` for 1-based layer `i`, accumulated unreduced for [`PrimeField::lazy_terms`]
    /// rows at a time.
    fn transpose_apply(&self, i: usize, delta: &[u64]) -> Vec<u64> {
        let f = &self.field;
        let cols = self.arch.widths[i - 1];
        let w = &self.weights[i - 1];
        let mut back = vec![0u64; cols];
        // one slot of the budget is the reduced running value
        let batch = f.lazy_terms().saturating_sub(1);
        let mut pending = 0;
        for (a, &da) in delta.iter().enumerate() {
            if da == 0 {
                continue;
            }
            let row = &w[a * cols..(a + 1) * cols];
            if batch == 0 {
                back.iter_mut().zip(row).for_each(|(bk, &wv)| *bk = f.mul_add(wv, da, *bk));
                continue;
            }
            back.iter_mut().zip(row).for_each(|(bk, &wv)| *bk += wv * da);
            pending += 1;
            if pending == batch {
                back.iter_mut().for_each(|bk| *bk = f.reduce(*bk));
                pending = 0;
            }
        }
        if batch > 0 {
            back.iter_mut().for_each(|bk| *bk = f.reduce(*bk));
        }
        back
    }

    /// Forward pass at `x`: `activations[i] = a_i` (`a_0 = x`) for `i < L` and, with
    /// `derivatives`, `pre_powers[i] = r_i z_i^(r_i - 1)` for the hidden layers (else empty).
    fn forward(&self, x: &[u64], derivatives: bool) -> (Vec<Vec<u64>>, Vec<Vec<u64>>) {
        let f = &self.field;
        let depth = self.arch.depth();
        let mut activations: Vec<Vec<u64>> = Vec::with_capacity(depth);
        let mut pre_powers: Vec<Vec<u64>> = Vec::with_capacity(depth);
        activations.push(x.to_vec());
        pre_powers.push(Vec::new());
        let mut z = Vec::new();
        for i in 1..depth {
            self.apply(i, &activations[i - 1], &mut z);
            let r = self.arch.exponents[i - 1] as u64;
            if derivatives {
                pre_powers.push(z.iter().map(|&v| f.mul(f.reduce(r), f.pow(v, r - 1))).collect());
            }
            activations.push(z.iter().map(|&v| f.pow(v, r)).collect());
        }
        (activations, pre_powers)
    }

    /// The activations `a_{L-1}` feeding the last layer at `rows` random points (`rows ×
    /// d_{L-1}`, row-major): the last layer's gradient columns up to the output combination,
    /// at the cost of a forward pass (no backward pass, no `rows × N` matrix).
    pub fn last_hidden_values(&self, rows: usize, seed: u64) -> Vec<u64> {
        let d0 = self.arch.widths[0];
        let width = self.arch.widths[self.arch.depth() - 1];
        let mut out = vec![0u64; rows * width];
        out.par_chunks_mut(width.max(1)).enumerate().for_each(|(s, row)| {
            let mut rng = SplitMix64::stream(seed, s as u64);
            let x: Vec<u64> = (0..d0).map(|_| rng.residue(&self.field)).collect();
            let (activations, _) = self.forward(&x, false);
            row.copy_from_slice(&activations[self.arch.depth() - 1]);
        });
        out
    }

    /// The evaluated Jacobian: row `s` is the gradient of `c_s · f` at a random point `x_s`
    /// with a random output combination `c_s` (the evaluation shortcut). Its rank
    /// equals the rank of the coefficient Jacobian for generic points once `rows >= rank`.
    pub fn evaluation_jacobian(&self, rows: usize, seed: u64) -> Vec<u64> {
        self.evaluation_rows(rows, seed, true)
    }

    /// [`Self::evaluation_jacobian`] with entries not necessarily reduced (for the rank kernel,
    /// which reduces them as it loads them).
    pub(crate) fn evaluation_jacobian_unreduced(&self, rows: usize, seed: u64) -> Vec<u64> {
        self.evaluation_rows(rows, seed, false)
    }

    fn evaluation_rows(&self, rows: usize, seed: u64, reduced: bool) -> Vec<u64> {
        let n = self.arch.num_params();
        let d0 = self.arch.widths[0];
        let dl = *self.arch.widths.last().unwrap();
        let mut out = vec![0u64; rows * n];
        out.par_chunks_mut(n.max(1)).enumerate().for_each(|(s, row)| {
            let mut rng = SplitMix64::stream(seed, s as u64);
            let x: Vec<u64> = (0..d0).map(|_| rng.residue(&self.field)).collect();
            let c: Vec<u64> = (0..dl).map(|_| rng.residue(&self.field)).collect();
            self.gradient_into(&x, &c, row, reduced);
        });
        out
    }
}
