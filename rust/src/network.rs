//! Polynomial neural networks over F_p: forward and backward passes, pointwise and in the
//! monomial basis.
//!
//! Layout conventions (shared with the Python package):
//! * weights: `W_1` row-major, then `W_2`, …; `W_i` has shape `d_i × d_{i-1}`;
//! * coefficient vectors: output-major, entry `j * M + m` is the coefficient of monomial `m`
//!   (lexicographic descending order, see `monomial.rs`) in output `j`;
//! * Jacobians are row-major `Vec<u64>` with one column per weight.

use crate::field::{PrimeField, SplitMix64};
use crate::monomial::{self, mul_with_table, PolyRing};
use rayon::prelude::*;

/// Widths `(d0, …, dL)` and one activation exponent per hidden layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Architecture {
    pub widths: Vec<usize>,
    pub exponents: Vec<u32>,
}

impl Architecture {
    pub fn new(widths: Vec<usize>, exponents: Vec<u32>) -> Result<Self, String> {
        if widths.len() < 2 {
            return Err(format!("an architecture needs at least 2 widths, got {widths:?}"));
        }
        if let Some(w) = widths.iter().find(|&&w| w == 0) {
            return Err(format!("widths must be positive, got {w} in {widths:?}"));
        }
        if exponents.len() != widths.len() - 2 {
            return Err(format!(
                "need one exponent per hidden layer ({}), got {exponents:?}",
                widths.len() - 2
            ));
        }
        if exponents.contains(&0) {
            return Err(format!("exponents must be positive, got {exponents:?}"));
        }
        Ok(Architecture { widths, exponents })
    }

    /// Number of weight matrices `L`.
    pub fn depth(&self) -> usize {
        self.widths.len() - 1
    }

    pub fn num_params(&self) -> usize {
        self.widths.windows(2).map(|w| w[0] * w[1]).sum()
    }

    /// Offset of `W_i` (1-based `i`) in the weight vector.
    pub fn layer_offset(&self, i: usize) -> usize {
        self.widths[..i].windows(2).map(|w| w[0] * w[1]).sum()
    }

    /// Degree of the output polynomials; `None` if it overflows `u32`.
    pub fn degree(&self) -> Option<u32> {
        self.exponents.iter().try_fold(1u32, |acc, &r| acc.checked_mul(r))
    }

    /// Degree of the inputs `a_{i-1}` of layer `i` (1-based): the product of `r_1..r_{i-1}`.
    fn input_degree(&self, i: usize) -> u32 {
        self.exponents[..i - 1].iter().product()
    }
}

/// A network with fixed weights over a prime field.
#[derive(Debug, Clone)]
pub struct Network {
    pub arch: Architecture,
    pub field: PrimeField,
    /// `weights[i]` is `W_{i+1}`, row-major, shape `widths[i+1] × widths[i]`.
    pub weights: Vec<Vec<u64>>,
}

impl Network {
    /// Uniformly random weights from a seed.
    pub fn random(arch: Architecture, field: PrimeField, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let weights = arch
            .widths
            .windows(2)
            .map(|w| (0..w[0] * w[1]).map(|_| rng.residue(&field)).collect())
            .collect();
        Network { arch, field, weights }
    }

    /// Given weights (already reduced mod p), checked for shape.
    pub fn from_weights(arch: Architecture, field: PrimeField, weights: Vec<Vec<u64>>) -> Result<Self, String> {
        if weights.len() != arch.depth() {
            return Err(format!("expected {} weight matrices, got {}", arch.depth(), weights.len()));
        }
        for (i, (w, dims)) in weights.iter().zip(arch.widths.windows(2)).enumerate() {
            if w.len() != dims[0] * dims[1] {
                return Err(format!(
                    "W_{} must have shape ({}, {}), got {} entries",
                    i + 1,
                    dims[1],
                    dims[0],
                    w.len()
                ));
            }
        }
        let weights = weights.into_iter().map(|w| w.into_iter().map(|x| field.reduce(x)).collect()).collect();
        Ok(Network { arch, field, weights })
    }

    /// `W_{i} x` for 1-based layer `i`.
    fn apply(&self, i: usize, x: &[u64], out: &mut Vec<u64>) {
        let f = &self.field;
        let cols = self.arch.widths[i - 1];
        out.clear();
        out.extend(self.weights[i - 1].chunks_exact(cols).map(|row| {
            row.iter().zip(x).fold(0u64, |acc, (&w, &v)| f.mul_add(w, v, acc))
        }));
    }

    /// Gradient of `c · f(x)` with respect to all weights, written into `grad` (length N).
    ///
    /// Ordinary backpropagation: forward `z_i = W_i a_{i-1}`, `a_i = z_i^r`; backward
    /// `δ_L = c`, `∇W_i = δ_i a_{i-1}^T`, `δ_{i-1} = (W_i^T δ_i) ∘ r z_{i-1}^{r-1}`.
    pub fn gradient_at(&self, x: &[u64], c: &[u64], grad: &mut [u64]) {
        let f = &self.field;
        let arch = &self.arch;
        let depth = arch.depth();
        // activations[i] = a_i (a_0 = x); pre_powers[i] = r_i * z_i^(r_i - 1) for hidden i.
        let mut activations: Vec<Vec<u64>> = Vec::with_capacity(depth);
        let mut pre_powers: Vec<Vec<u64>> = Vec::with_capacity(depth);
        activations.push(x.to_vec());
        pre_powers.push(Vec::new());
        let mut z = Vec::new();
        for i in 1..depth {
            self.apply(i, &activations[i - 1], &mut z);
            let r = arch.exponents[i - 1] as u64;
            let pw: Vec<u64> = z.iter().map(|&v| f.mul(f.reduce(r), f.pow(v, r - 1))).collect();
            let a: Vec<u64> = z.iter().map(|&v| f.pow(v, r)).collect();
            pre_powers.push(pw);
            activations.push(a);
        }
        let mut delta = c.to_vec();
        for i in (1..=depth).rev() {
            let off = arch.layer_offset(i);
            let input = &activations[i - 1];
            let cols = input.len();
            for (a, &da) in delta.iter().enumerate() {
                let row = &mut grad[off + a * cols..off + (a + 1) * cols];
                for (g, &v) in row.iter_mut().zip(input) {
                    *g = f.mul(da, v);
                }
            }
            if i > 1 {
                let w = &self.weights[i - 1];
                let mut back = vec![0u64; cols];
                for (a, &da) in delta.iter().enumerate() {
                    if da == 0 {
                        continue;
                    }
                    for (bk, &wv) in back.iter_mut().zip(&w[a * cols..(a + 1) * cols]) {
                        *bk = f.mul_add(wv, da, *bk);
                    }
                }
                delta = back.iter().zip(&pre_powers[i - 1]).map(|(&b, &p)| f.mul(b, p)).collect();
            }
        }
    }

    /// The evaluated Jacobian: row `s` is the gradient of `c_s · f` at a random point `x_s`
    /// with a random output combination `c_s` (SPEC §2, the evaluation shortcut). Its rank
    /// equals the rank of the coefficient Jacobian for generic points once `rows >= rank`.
    pub fn evaluation_jacobian(&self, rows: usize, seed: u64) -> Vec<u64> {
        let n = self.arch.num_params();
        let d0 = self.arch.widths[0];
        let dl = *self.arch.widths.last().unwrap();
        let mut out = vec![0u64; rows * n];
        out.par_chunks_mut(n.max(1)).enumerate().for_each(|(s, row)| {
            let mut rng = SplitMix64::stream(seed, s as u64);
            let x: Vec<u64> = (0..d0).map(|_| rng.residue(&self.field)).collect();
            let c: Vec<u64> = (0..dl).map(|_| rng.residue(&self.field)).collect();
            self.gradient_at(&x, &c, row);
        });
        out
    }

    /// Forward pass in the monomial basis: `(z, pre_powers, activations)` per layer, each a
    /// vector of polynomials. `activations[0]` is the input `x` (degree-1 unit polynomials).
    fn forward_polys(&self, ring: &mut PolyRing) -> ForwardPolys {
        let f = self.field;
        let arch = &self.arch;
        let d0 = arch.widths[0];
        let depth = arch.depth();
        let mut activations: Vec<Vec<Vec<u64>>> = vec![(0..d0)
            .map(|b| (0..d0).map(|k| u64::from(k == b)).collect())
            .collect()];
        let mut pre_powers: Vec<Vec<Vec<u64>>> = vec![Vec::new()];
        let mut outputs = Vec::new();
        for i in 1..=depth {
            let deg_in = arch.input_degree(i);
            let len = ring.len(deg_in);
            let cols = arch.widths[i - 1];
            let z: Vec<Vec<u64>> = self.weights[i - 1]
                .chunks_exact(cols)
                .map(|row| {
                    let mut acc = vec![0u64; len];
                    for (&w, poly) in row.iter().zip(&activations[i - 1]) {
                        for (s, &c) in acc.iter_mut().zip(poly) {
                            *s = f.mul_add(w, c, *s);
                        }
                    }
                    acc
                })
                .collect();
            if i == depth {
                outputs = z;
                break;
            }
            let r = arch.exponents[i - 1];
            let (mut pw, mut act) = (Vec::new(), Vec::new());
            for zi in &z {
                let p = ring.pow(zi, deg_in, r - 1);
                let scaled: Vec<u64> = p.iter().map(|&v| f.mul(v, f.reduce(r as u64))).collect();
                act.push(ring.mul(&p, deg_in * (r - 1), zi, deg_in));
                pw.push(scaled);
            }
            pre_powers.push(pw);
            activations.push(act);
        }
        ForwardPolys { pre_powers, activations, outputs }
    }

    /// Coefficients of the network's output polynomials, output-major (`dL × M`).
    pub fn coefficients(&self) -> Vec<u64> {
        let mut ring = PolyRing::new(self.arch.widths[0], self.field);
        self.forward_polys(&mut ring).outputs.concat()
    }

    /// The coefficient Jacobian JΨ (`dL·M × N`, row-major) by backpropagation in the monomial
    /// basis — the paper's Algorithm 1 done exactly, with no sampling or interpolation.
    pub fn coefficient_jacobian(&self) -> Vec<u64> {
        let f = self.field;
        let arch = &self.arch;
        let depth = arch.depth();
        let n = arch.num_params();
        let dl = arch.widths[depth];
        let degree = arch.degree().expect("degree checked by caller");
        let mut ring = PolyRing::new(arch.widths[0], f);
        let fwd = self.forward_polys(&mut ring);
        let m = ring.len(degree);
        // Tables for every product the backward pass needs, built up front so the parallel
        // part only reads them.
        let mut col_tables = Vec::new();
        let mut back_tables = Vec::new();
        for i in 1..=depth {
            let deg_in = arch.input_degree(i);
            col_tables.push(ring.product_table(degree - deg_in, deg_in));
            if i > 1 {
                let deg_prev = arch.input_degree(i - 1);
                let r = arch.exponents[i - 2];
                back_tables.push(ring.product_table(degree - deg_in, deg_prev * (r - 1)));
            } else {
                back_tables.push(std::sync::Arc::new(Vec::new()));
            }
        }
        let lens: Vec<usize> = (0..=degree).map(|d| ring.len(d)).collect();
        let mut jac = vec![0u64; dl * m * n];
        jac.par_chunks_mut((m * n).max(1)).enumerate().for_each(|(j, block)| {
            // δ_L = e_j, as degree-0 polynomials.
            let mut delta: Vec<Vec<u64>> = (0..dl).map(|a| vec![u64::from(a == j)]).collect();
            let mut column = vec![0u64; m];
            for i in (1..=depth).rev() {
                let off = arch.layer_offset(i);
                let inputs = &fwd.activations[i - 1];
                let cols = inputs.len();
                for (a, da) in delta.iter().enumerate() {
                    if da.iter().all(|&v| v == 0) {
                        continue;
                    }
                    for (b, ab) in inputs.iter().enumerate() {
                        column.iter_mut().for_each(|v| *v = 0);
                        mul_with_table(&f, &col_tables[i - 1], da, ab, &mut column);
                        let col = off + a * cols + b;
                        for (mono, &v) in column.iter().enumerate() {
                            block[mono * n + col] = v;
                        }
                    }
                }
                if i > 1 {
                    let deg_delta = degree - arch.input_degree(i);
                    let w = &self.weights[i - 1];
                    let next_len = lens[(degree - arch.input_degree(i - 1)) as usize];
                    delta = (0..cols)
                        .map(|b| {
                            let mut back = vec![0u64; lens[deg_delta as usize]];
                            for (a, da) in delta.iter().enumerate() {
                                let wv = w[a * cols + b];
                                for (s, &v) in back.iter_mut().zip(da) {
                                    *s = f.mul_add(wv, v, *s);
                                }
                            }
                            let mut out = vec![0u64; next_len];
                            mul_with_table(&f, &back_tables[i - 1], &back, &fwd.pre_powers[i - 1][b], &mut out);
                            out
                        })
                        .collect();
                }
            }
        });
        jac
    }
}

struct ForwardPolys {
    pre_powers: Vec<Vec<Vec<u64>>>,
    activations: Vec<Vec<Vec<u64>>>,
    outputs: Vec<Vec<u64>>,
}

/// Seed of the sample points and output combinations of the evaluation route, derived from the
/// weight seed so that weights and points come from independent streams of one user seed.
pub fn point_seed(seed: u64) -> u64 {
    seed ^ 0x0000_005E_ED0F_F00D
}

/// Number of monomials of the output degree, if it fits in a `u64`.
pub fn output_monomials(arch: &Architecture) -> Option<u64> {
    monomial::num_monomials(arch.widths[0], arch.degree()? as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank;

    fn field() -> PrimeField {
        PrimeField::new(1_048_583).unwrap()
    }

    #[test]
    fn shallow_coefficients_by_hand() {
        // f = w2 * (w1 · x)^2 with x in 2 variables: w2 (a x0 + b x1)^2.
        let arch = Architecture::new(vec![2, 1, 1], vec![2]).unwrap();
        let net = Network::from_weights(arch, field(), vec![vec![3, 5], vec![7]]).unwrap();
        assert_eq!(net.coefficients(), vec![7 * 9, 7 * 30, 7 * 25]);
    }

    #[test]
    fn gradient_matches_coefficient_jacobian_at_a_point() {
        // Row x-evaluation of JΨ equals the pointwise gradient: E · JΨ = J_eval.
        let arch = Architecture::new(vec![2, 3, 2, 2], vec![2, 3]).unwrap();
        let f = field();
        let net = Network::random(arch.clone(), f, 7);
        let jac = net.coefficient_jacobian();
        let n = arch.num_params();
        let mut ring = PolyRing::new(2, f);
        let basis = ring.basis(6);
        let m = basis.len();
        let x = [12345u64, 678];
        let c = [3u64, 11];
        let mut grad = vec![0u64; n];
        net.gradient_at(&x, &c, &mut grad);
        for col in 0..n {
            let mut acc = 0u64;
            for j in 0..2 {
                for (mono, e) in basis.iter().enumerate() {
                    let xv = f.mul(f.pow(x[0], e[0] as u64), f.pow(x[1], e[1] as u64));
                    acc = f.add(acc, f.mul(c[j], f.mul(xv, jac[(j * m + mono) * n + col])));
                }
            }
            assert_eq!(acc, grad[col], "column {col}");
        }
    }

    #[test]
    fn evaluation_and_monomial_ranks_agree() {
        let f = field();
        for (widths, exps, want) in [
            (vec![3, 3, 3], vec![2], 15),
            (vec![2, 2, 3], vec![2], 8),
            (vec![3, 2, 1], vec![2], 5),
            (vec![2, 1, 2, 1], vec![2, 2], 2),
        ] {
            let arch = Architecture::new(widths, exps).unwrap();
            let net = Network::random(arch.clone(), f, 1);
            let n = arch.num_params();
            let amb = net.coefficients().len();
            let r1 = rank::rank(f, amb, n, net.coefficient_jacobian());
            let rows = n + 4;
            let r2 = rank::rank(f, rows, n, net.evaluation_jacobian(rows, 2));
            assert_eq!((r1, r2), (want, want), "{:?}", arch);
        }
    }

    #[test]
    fn rejects_bad_architectures() {
        assert!(Architecture::new(vec![3], vec![]).is_err());
        assert!(Architecture::new(vec![3, 0, 1], vec![2]).is_err());
        assert!(Architecture::new(vec![3, 3, 1], vec![]).is_err());
        let arch = Architecture::new(vec![2, 2], vec![]).unwrap();
        assert!(Network::from_weights(arch, field(), vec![vec![1, 2, 3]]).is_err());
    }
}
