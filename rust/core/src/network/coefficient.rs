//! The monomial route: the network's coefficients and the coefficient Jacobian JΨ by forward
//! and backward passes on polynomials (the paper's Algorithm 1, exactly, without sampling).

use super::Network;
use crate::error::CoreError;
use crate::poly::{mul_with_table, num_monomials, PolyRing};
use rayon::prelude::*;

impl Network {
    /// Forward pass in the monomial basis: `(z, pre_powers, activations)` per layer, each a
    /// vector of polynomials. `activations[0]` is the input `x` (degree-1 unit polynomials).
    fn forward_polys(&self, ring: &mut PolyRing) -> ForwardPolys {
        let f = self.field;
        let arch = &self.arch;
        let d0 = arch.widths[0];
        let depth = arch.depth();
        let mut activations: Vec<Vec<Vec<u64>>> = vec![(0..d0).map(|b| (0..d0).map(|k| u64::from(k == b)).collect()).collect()];
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

    /// Coefficients of the network's output polynomials, output-major (`dL × M`). Fails when
    /// the output degree overflows `u32`.
    pub fn coefficients(&self) -> Result<Vec<u64>, CoreError> {
        self.arch.checked_degree()?;
        let mut ring = PolyRing::new(self.arch.widths[0], self.field);
        Ok(self.forward_polys(&mut ring).outputs.concat())
    }

    /// The coefficient Jacobian JΨ (`dL·M × N`, row-major) by backpropagation in the monomial
    /// basis — the paper's Algorithm 1 done exactly, with no sampling or interpolation. Fails
    /// when the output degree overflows `u32`.
    pub fn coefficient_jacobian(&self) -> Result<Vec<u64>, CoreError> {
        let f = self.field;
        let arch = &self.arch;
        let depth = arch.depth();
        let n = arch.num_params();
        let dl = arch.widths[depth];
        let degree = arch.checked_degree()?;
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
        // Lengths by formula: building every basis of degree 0..=D here would hold
        // C(n + D, n) exponent vectors for nothing (a 1.3 GB detour at (3,)*11, r = 2).
        let len_of = |d: u32| num_monomials(arch.widths[0], u64::from(d)).map_or(usize::MAX, |v| v as usize);
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
                    let next_len = len_of(degree - arch.input_degree(i - 1));
                    delta = (0..cols)
                        .map(|b| {
                            let mut back = vec![0u64; len_of(deg_delta)];
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
        Ok(jac)
    }
}

struct ForwardPolys {
    pre_powers: Vec<Vec<Vec<u64>>>,
    activations: Vec<Vec<Vec<u64>>>,
    outputs: Vec<Vec<u64>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::Architecture;
    use crate::field::PrimeField;

    #[test]
    fn shallow_coefficients_by_hand() {
        // f = w2 * (w1 · x)^2 with x in 2 variables: w2 (a x0 + b x1)^2.
        let arch = Architecture::new(vec![2, 1, 1], vec![2]).unwrap();
        let net = Network::from_weights(arch, PrimeField::new(1_048_583).unwrap(), vec![vec![3, 5], vec![7]]).unwrap();
        assert_eq!(net.coefficients().unwrap(), vec![7 * 9, 7 * 30, 7 * 25]);
    }

    #[test]
    fn degree_overflow_is_an_error() {
        let arch = Architecture::new(vec![2, 2, 2, 1], vec![1 << 20, 1 << 20]).unwrap();
        let net = Network::random(arch, PrimeField::new(101).unwrap(), 0);
        assert!(matches!(net.coefficients(), Err(CoreError::ResourceLimit(_))));
        assert!(matches!(net.coefficient_jacobian(), Err(CoreError::ResourceLimit(_))));
    }
}
