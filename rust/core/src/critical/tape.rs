//! Forward-mode tapes of the network at the grid points, and the forward-over-reverse Hessian
//! pass the critical equations' Jacobian needs.

use super::gauge::GaugeChart;
use super::system::CriticalSystem;
use crate::scalar::Scalar;

/// Forward-mode record of one network evaluation at one point: for every neuron (inputs,
/// hidden layers, outputs; indexed by `node_off`) the pre-activation `z`, the activation `a`
/// and their gradients with respect to the `n` free weights (`zt`, `at`, row-major `nodes × n`).
pub(super) struct Tape<S> {
    pub(super) z: Vec<S>,
    pub(super) zt: Vec<S>,
    pub(super) a: Vec<S>,
    pub(super) at: Vec<S>,
}

impl CriticalSystem {
    /// Forward pass at grid point `si` (of the grid `points`, `S × d0`) with gradients (forward
    /// mode) of every neuron.
    pub(super) fn forward<S: Scalar>(&self, chart: &GaugeChart, full: &[S], points: &[S], si: usize) -> Tape<S> {
        let n = self.n;
        let nodes = *self.node_off.last().unwrap();
        let mut t = Tape { z: vec![S::ZERO; nodes], zt: vec![S::ZERO; nodes * n], a: vec![S::ZERO; nodes], at: vec![S::ZERO; nodes * n] };
        t.a[..self.d0].copy_from_slice(&points[si * self.d0..(si + 1) * self.d0]);
        let depth = self.widths.len() - 1;
        for i in 1..=depth {
            let (d_in, d_out) = (self.widths[i - 1], self.widths[i]);
            let (in_off, out_off, w_off) = (self.node_off[i - 1], self.node_off[i], self.weight_off[i - 1]);
            for k in 0..d_out {
                let node = out_off + k;
                let zt = &mut t.zt[node * n..(node + 1) * n];
                let mut zv = S::ZERO;
                for j in 0..d_in {
                    let src = in_off + j;
                    let widx = w_off + k * d_in + j;
                    let w = full[widx];
                    let av = t.a[src];
                    zv = w.mul_add(av, zv);
                    if i > 1 {
                        // inputs are constants; later layers carry gradients
                        for (o, &g) in zt.iter_mut().zip(&t.at[src * n..(src + 1) * n]) {
                            *o = w.mul_add(g, *o);
                        }
                    }
                    if let Some(idx) = chart.free[widx] {
                        zt[idx] += av;
                    }
                }
                t.z[node] = zv;
                let at = &mut t.at[node * n..(node + 1) * n];
                if i < depth {
                    let r = self.exponents[i - 1];
                    let d1 = zv.powu(r - 1).scale(r as f64);
                    t.a[node] = zv.powu(r);
                    for (o, &g) in at.iter_mut().zip(zt.iter()) {
                        *o = d1 * g;
                    }
                } else {
                    t.a[node] = zv;
                    at.copy_from_slice(zt);
                }
            }
        }
        t
    }

    /// Add to `hess` (`n × n`) the Hessian of `Σ_j w_j f_j(x)` for the point recorded in `tape`:
    /// backpropagation of the constant output weights `w`, with every quantity carrying its
    /// gradient; the gradient of `∂φ/∂W[k, j]` is one Hessian row.
    pub(super) fn add_hessian<S: Scalar>(&self, chart: &GaugeChart, full: &[S], tape: &Tape<S>, w: &[S], hess: &mut [S]) {
        let n = self.n;
        let depth = self.widths.len() - 1;
        let mut dv: Vec<S> = w.to_vec();
        let mut dt: Vec<S> = vec![S::ZERO; w.len() * n];
        for i in (1..=depth).rev() {
            let (d_in, d_out) = (self.widths[i - 1], self.widths[i]);
            let (in_off, w_off) = (self.node_off[i - 1], self.weight_off[i - 1]);
            for k in 0..d_out {
                let (dvk, dtk) = (dv[k], &dt[k * n..(k + 1) * n]);
                for j in 0..d_in {
                    if let Some(idx) = chart.free[w_off + k * d_in + j] {
                        let src = in_off + j;
                        let av = tape.a[src];
                        let row = &mut hess[idx * n..(idx + 1) * n];
                        if i > 1 {
                            for ((h, &ga), &gd) in row.iter_mut().zip(&tape.at[src * n..(src + 1) * n]).zip(dtk) {
                                *h = dvk.mul_add(ga, av.mul_add(gd, *h));
                            }
                        } else {
                            for (h, &gd) in row.iter_mut().zip(dtk) {
                                *h = av.mul_add(gd, *h);
                            }
                        }
                    }
                }
            }
            if i == 1 {
                break;
            }
            // δ_{i-1} = (W_iᵀ δ_i) ∘ r z^{r-1}, on duals
            let r = self.exponents[i - 2];
            let mut nv = vec![S::ZERO; d_in];
            let mut nt = vec![S::ZERO; d_in * n];
            for j in 0..d_in {
                let mut bv = S::ZERO;
                let bt = &mut nt[j * n..(j + 1) * n];
                for k in 0..d_out {
                    let widx = w_off + k * d_in + j;
                    let wv = full[widx];
                    bv = wv.mul_add(dv[k], bv);
                    for (o, &g) in bt.iter_mut().zip(&dt[k * n..(k + 1) * n]) {
                        *o = wv.mul_add(g, *o);
                    }
                    if let Some(idx) = chart.free[widx] {
                        bt[idx] += dv[k];
                    }
                }
                let node = in_off + j;
                let zv = tape.z[node];
                let d1 = zv.powu(r - 1).scale(r as f64);
                let d2 = if r >= 2 { zv.powu(r - 2).scale((r * (r - 1)) as f64) } else { S::ZERO };
                let c2 = bv * d2;
                for (o, &gz) in bt.iter_mut().zip(&tape.zt[node * n..(node + 1) * n]) {
                    *o = d1.mul_add(*o, c2 * gz);
                }
                nv[j] = bv * d1;
            }
            dv = nv;
            dt = nt;
        }
    }
}
