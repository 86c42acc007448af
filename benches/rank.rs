//! Criterion benchmarks of the F_p linear algebra kernel (`cargo bench --bench rank`).
//!
//! * `rank_square`: random N × N at the default prime (full rank);
//! * `rank_jacobian_shape`: (N - 56) × N of rank N - 60, the shape of an evaluation Jacobian;
//! * `nullspace`: the canonical nullspace basis of the same shape;
//! * `rank_large_prime`: the integer backend (p ≥ 2^26);
//! * `product_kernel`: the design choice — a 1024³ product as `f64` through `gemm` (what the
//!   elimination uses, exact with delayed reduction below 2^53) against an integer-SIMD product
//!   of the same residues (i32 widened to i64 lanes, register-blocked, AVX-512 `vpmuldq`).
//!
//! Quick run: `cargo bench --bench rank -- --quick` (add `--features gemm/x86-v4` until it is in
//! Cargo.toml, or the f64 products run on AVX2 only).
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use neurovariety_core::field::{PrimeField, DEFAULT_PRIMES};
use neurovariety_core::linalg;
use neurovariety_core::rng::SplitMix64;
use std::hint::black_box;

fn random_matrix(rows: usize, cols: usize, field: &PrimeField, seed: u64) -> Vec<u64> {
    let mut g = SplitMix64::new(seed);
    (0..rows * cols).map(|_| g.residue(field)).collect()
}

/// `rows` × `n` matrix of rank `n - defect` when `rows >= n - defect`: random rows, then rows
/// that are random combinations of the first `n - defect`.
fn jacobian_like(rows: usize, n: usize, defect: usize, field: &PrimeField, seed: u64) -> Vec<u64> {
    let k = n - defect;
    let mut a = random_matrix(k.min(rows), n, field, seed);
    let mut g = SplitMix64::new(seed ^ 1);
    for _ in k..rows {
        let coef: Vec<u64> = (0..k).map(|_| g.residue(field)).collect();
        let row: Vec<u64> = (0..n).map(|j| coef.iter().enumerate().fold(0, |acc, (t, &c)| field.mul_add(c, a[t * n + j], acc))).collect();
        a.extend(row);
    }
    a
}

fn bench_rank_square(c: &mut Criterion) {
    let field = PrimeField::new(DEFAULT_PRIMES[0]).unwrap();
    let mut group = c.benchmark_group("rank_square");
    group.sample_size(10);
    for &n in &[500usize, 1000, 2000] {
        let m = random_matrix(n, n, &field, n as u64);
        group.bench_with_input(BenchmarkId::from_parameter(n), &m, |b, m| b.iter(|| linalg::rank(field, n, n, m.clone())));
    }
    group.finish();
}

fn bench_jacobian_shape(c: &mut Criterion) {
    let field = PrimeField::new(DEFAULT_PRIMES[0]).unwrap();
    let mut group = c.benchmark_group("rank_jacobian_shape");
    group.sample_size(10);
    for &n in &[1000usize, 2000] {
        let rows = n - 56;
        let m = jacobian_like(rows, n, 60, &field, 7);
        group.bench_with_input(BenchmarkId::from_parameter(n), &m, |b, m| b.iter(|| linalg::rank(field, rows, n, m.clone())));
    }
    group.finish();
    let mut group = c.benchmark_group("nullspace");
    group.sample_size(10);
    for &n in &[1000usize, 2000] {
        let rows = n - 56;
        let m = jacobian_like(rows, n, 60, &field, 7);
        group.bench_with_input(BenchmarkId::from_parameter(n), &m, |b, m| b.iter(|| linalg::nullspace(field, rows, n, m.clone())));
    }
    group.finish();
}

fn bench_large_prime(c: &mut Criterion) {
    let mut group = c.benchmark_group("rank_large_prime");
    group.sample_size(10);
    let n = 500;
    for &p in &[67_108_879u64, 4_294_967_291, (1 << 61) - 1] {
        let field = PrimeField::new(p).unwrap();
        let m = random_matrix(n, n, &field, p);
        group.bench_with_input(BenchmarkId::from_parameter(p), &m, |b, m| b.iter(|| linalg::rank(field, n, n, m.clone())));
    }
    group.finish();
}

/// The integer-SIMD alternative to the f64 products: `C += A·B` on centred residues held as
/// i32, widened to i64 lanes (exact for |x| < 2^20 and up to 2^24 terms), 4 × 16 register
/// block over a packed panel of B. LLVM turns the inner loops into AVX-512 `vpmuldq`/`vpaddq`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
fn int_simd_product(n: usize, a: &[i32], b: &[i32], c: &mut [i64]) {
    const MR: usize = 4;
    const NR: usize = 16;
    const KC: usize = 256;
    let mut packed = vec![0i32; KC * NR];
    for j0 in (0..n).step_by(NR) {
        for k0 in (0..n).step_by(KC) {
            let kc = KC.min(n - k0);
            for t in 0..kc {
                packed[t * NR..(t + 1) * NR].copy_from_slice(&b[(k0 + t) * n + j0..(k0 + t) * n + j0 + NR]);
            }
            for i0 in (0..n).step_by(MR) {
                let mut acc = [[0i64; NR]; MR];
                for t in 0..kc {
                    let brow: &[i32; NR] = packed[t * NR..(t + 1) * NR].try_into().unwrap();
                    for (r, acc_r) in acc.iter_mut().enumerate() {
                        let av = a[(i0 + r) * n + k0 + t] as i64;
                        for q in 0..NR {
                            acc_r[q] += av * brow[q] as i64;
                        }
                    }
                }
                for (r, acc_r) in acc.iter().enumerate() {
                    for q in 0..NR {
                        c[(i0 + r) * n + j0 + q] += acc_r[q];
                    }
                }
            }
        }
    }
}

fn bench_product_kernel(c: &mut Criterion) {
    #[cfg(target_arch = "x86_64")]
    if !(is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512dq") && is_x86_feature_detected!("avx512vl")) {
        return;
    }
    let n = 1024usize;
    let p = DEFAULT_PRIMES[0] as i64;
    let mut g = SplitMix64::new(3);
    let mut centred = || ((g.next_u64() % p as u64) as i64 - p / 2) as i32;
    let a32: Vec<i32> = (0..n * n).map(|_| centred()).collect();
    let b32: Vec<i32> = (0..n * n).map(|_| centred()).collect();
    let af: Vec<f64> = a32.iter().map(|&x| x as f64).collect();
    let bf: Vec<f64> = b32.iter().map(|&x| x as f64).collect();
    let mut group = c.benchmark_group("product_kernel");
    group.sample_size(10);
    group.throughput(Throughput::Elements((n * n * n) as u64)); // multiply-adds
    group.bench_function("f64_gemm_1thread", |bch| {
        let mut cf = vec![0f64; n * n];
        bch.iter(|| {
            // SAFETY: the three buffers are n × n row-major (strides n, 1) and distinct.
            unsafe {
                gemm::gemm(
                    n,
                    n,
                    n,
                    cf.as_mut_ptr(),
                    1,
                    n as isize,
                    false,
                    af.as_ptr(),
                    1,
                    n as isize,
                    bf.as_ptr(),
                    1,
                    n as isize,
                    0.0,
                    1.0,
                    false,
                    false,
                    false,
                    gemm::Parallelism::None,
                )
            };
            black_box(&cf);
        })
    });
    #[cfg(target_arch = "x86_64")]
    group.bench_function("i64_simd_1thread", |bch| {
        let mut ci = vec![0i64; n * n];
        bch.iter(|| {
            ci.fill(0);
            // SAFETY: the target features of `int_simd_product` were detected above.
            unsafe { int_simd_product(n, &a32, &b32, &mut ci) };
            black_box(&ci);
        })
    });
    group.finish();
}

criterion_group!(benches, bench_rank_square, bench_jacobian_shape, bench_large_prime, bench_product_kernel);
criterion_main!(benches);
