//! Dense homogeneous polynomials over F_p in the monomial basis.
//!
//! A homogeneous polynomial of degree `d` in `n` variables is a coefficient vector indexed by the
//! monomials of degree `d` in **lexicographic descending order** (`x0^d` first) — the order of
//! Python's `itertools.combinations_with_replacement(range(n), d)`. Products go through
//! precomputed index tables so the inner loop is a plain multiply-accumulate.

use crate::field::PrimeField;
use std::collections::HashMap;
use std::sync::Arc;

/// `C(n + d - 1, d)`, the number of monomials of degree `d` in `n` variables; `None` on overflow.
///
/// ```
/// use neurovariety_core::poly::{exponents, num_monomials};
///
/// assert_eq!(num_monomials(3, 2), Some(6));
/// assert_eq!(exponents(2, 2), vec![vec![2, 0], vec![1, 1], vec![0, 2]]);
/// ```
pub fn num_monomials(n: usize, d: u64) -> Option<u64> {
    if n == 0 {
        return Some(if d == 0 { 1 } else { 0 });
    }
    // C(n - 1 + d, n - 1) computed incrementally; every prefix is itself a binomial, so exact.
    let k = (n - 1) as u64;
    let mut acc: u128 = 1;
    for i in 1..=k {
        acc = acc * (d as u128 + i as u128) / i as u128;
        if acc > u64::MAX as u128 {
            return None;
        }
    }
    Some(acc as u64)
}

/// All exponent vectors of degree `d` in `n` variables, lexicographic descending.
pub fn exponents(n: usize, d: u32) -> Vec<Vec<u32>> {
    fn rec(n: usize, d: u32, prefix: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
        if prefix.len() + 1 == n {
            prefix.push(d);
            out.push(prefix.clone());
            prefix.pop();
            return;
        }
        for e in (0..=d).rev() {
            prefix.push(e);
            rec(n, d - e, prefix, out);
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    if n == 0 {
        if d == 0 {
            out.push(Vec::new());
        }
        return out;
    }
    rec(n, d, &mut Vec::with_capacity(n), &mut out);
    out
}

/// Polynomial arithmetic in `n` variables with cached monomial lists and product tables.
#[derive(Debug)]
pub struct PolyRing {
    n: usize,
    field: PrimeField,
    bases: HashMap<u32, Arc<Vec<Vec<u32>>>>,
    tables: HashMap<(u32, u32), Arc<Vec<u32>>>,
}

impl PolyRing {
    pub fn new(n: usize, field: PrimeField) -> Self {
        PolyRing { n, field, bases: HashMap::new(), tables: HashMap::new() }
    }

    pub fn field(&self) -> PrimeField {
        self.field
    }

    pub fn num_vars(&self) -> usize {
        self.n
    }

    /// Number of coefficients of a degree-`d` polynomial.
    pub fn len(&mut self, d: u32) -> usize {
        self.basis(d).len()
    }

    pub fn basis(&mut self, d: u32) -> Arc<Vec<Vec<u32>>> {
        let n = self.n;
        self.bases.entry(d).or_insert_with(|| Arc::new(exponents(n, d))).clone()
    }

    /// Table `t` with `t[i * len(db) + j]` = index of (monomial i of degree da) * (monomial j of
    /// degree db) among the monomials of degree da + db.
    pub fn product_table(&mut self, da: u32, db: u32) -> Arc<Vec<u32>> {
        if let Some(t) = self.tables.get(&(da, db)) {
            return t.clone();
        }
        let (ba, bb, bc) = (self.basis(da), self.basis(db), self.basis(da + db));
        let index: HashMap<&[u32], u32> = bc.iter().enumerate().map(|(i, e)| (e.as_slice(), i as u32)).collect();
        let mut table = Vec::with_capacity(ba.len() * bb.len());
        let mut sum = vec![0u32; self.n];
        for ea in ba.iter() {
            for eb in bb.iter() {
                for k in 0..self.n {
                    sum[k] = ea[k] + eb[k];
                }
                table.push(index[sum.as_slice()]);
            }
        }
        let table = Arc::new(table);
        self.tables.insert((da, db), table.clone());
        table
    }

    /// Product of `a` (degree `da`) and `b` (degree `db`).
    pub fn mul(&mut self, a: &[u64], da: u32, b: &[u64], db: u32) -> Vec<u64> {
        let table = self.product_table(da, db);
        let mut out = vec![0u64; self.len(da + db)];
        mul_with_table(&self.field, &table, a, b, &mut out);
        out
    }

    /// `a^e` for a polynomial `a` of degree `d` (e >= 0), by repeated multiplication: the
    /// exponents of PNN activations are small, and square-and-multiply would need more tables.
    pub fn pow(&mut self, a: &[u64], d: u32, e: u32) -> Vec<u64> {
        let mut acc = vec![1 % self.field.modulus()];
        let mut deg = 0;
        for _ in 0..e {
            acc = self.mul(&acc, deg, a, d);
            deg += d;
        }
        acc
    }
}

/// `out += a * b` using a product table from [`PolyRing::product_table`].
#[inline]
pub fn mul_with_table(field: &PrimeField, table: &[u32], a: &[u64], b: &[u64], out: &mut [u64]) {
    let nb = b.len();
    for (i, &ai) in a.iter().enumerate() {
        if ai == 0 {
            continue;
        }
        let row = &table[i * nb..(i + 1) * nb];
        for (&t, &bj) in row.iter().zip(b) {
            let slot = &mut out[t as usize];
            *slot = field.mul_add(ai, bj, *slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_binomials() {
        assert_eq!(num_monomials(3, 2), Some(6));
        assert_eq!(num_monomials(2, 32), Some(33));
        assert_eq!(num_monomials(10, 4), Some(715));
        assert_eq!(num_monomials(1, 7), Some(1));
        for n in 1..6 {
            for d in 0..7 {
                assert_eq!(exponents(n, d).len() as u64, num_monomials(n, d as u64).unwrap());
            }
        }
        assert_eq!(num_monomials(200, 200), None);
    }

    #[test]
    fn order_is_lex_descending() {
        let e = exponents(3, 2);
        assert_eq!(e, vec![vec![2, 0, 0], vec![1, 1, 0], vec![1, 0, 1], vec![0, 2, 0], vec![0, 1, 1], vec![0, 0, 2]]);
    }

    #[test]
    fn binomial_square() {
        // (x0 + 2 x1)^2 = x0^2 + 4 x0 x1 + 4 x1^2
        let f = PrimeField::new(101).unwrap();
        let mut ring = PolyRing::new(2, f);
        assert_eq!(ring.pow(&[1, 2], 1, 2), vec![1, 4, 4]);
        // (x0 - x1)^3 = x0^3 - 3 x0^2 x1 + 3 x0 x1^2 - x1^3
        assert_eq!(ring.pow(&[1, 100], 1, 3), vec![1, 98, 3, 100]);
    }

    #[test]
    fn product_is_commutative_and_degree_additive() {
        let f = PrimeField::new(1_048_583).unwrap();
        let mut ring = PolyRing::new(3, f);
        let a: Vec<u64> = (1..=6).collect(); // degree 2
        let b: Vec<u64> = (7..=9).collect(); // degree 1
        let ab = ring.mul(&a, 2, &b, 1);
        let ba = ring.mul(&b, 1, &a, 2);
        assert_eq!(ab, ba);
        assert_eq!(ab.len(), 10);
    }
}
