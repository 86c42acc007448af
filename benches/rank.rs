//! Criterion benchmark of the rank kernel on random dense matrices at the default prime.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use neurovariety_core::field::{PrimeField, SplitMix64, DEFAULT_PRIMES};
use neurovariety_core::rank;

fn random_matrix(n: usize, field: &PrimeField, seed: u64) -> Vec<u64> {
    let mut g = SplitMix64::new(seed);
    (0..n * n).map(|_| g.residue(field)).collect()
}

fn bench_rank(c: &mut Criterion) {
    let field = PrimeField::new(DEFAULT_PRIMES[0]).unwrap();
    let mut group = c.benchmark_group("rank_square_default_prime");
    group.sample_size(10);
    for &n in &[250usize, 500, 1000] {
        let m = random_matrix(n, &field, n as u64);
        group.bench_with_input(BenchmarkId::from_parameter(n), &m, |b, m| {
            b.iter(|| rank::rank(field, n, n, m.clone()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_rank);
criterion_main!(benches);
