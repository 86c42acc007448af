//! Runtime SIMD dispatch for the kernels' own loops.
//!
//! The wheel is built for baseline x86-64 (SSE2), where these loops would run two lanes wide;
//! [`multiversion!`] compiles a loop body three times (AVX-512, AVX2 + FMA, baseline) and picks
//! the best one the CPU supports at run time. (`gemm` dispatches its kernels itself.)

/// The SIMD level of this CPU: 2 = AVX-512 F/DQ/VL (+ AVX2, FMA), 1 = AVX2 + FMA, 0 = baseline.
#[cfg(target_arch = "x86_64")]
pub(crate) fn level() -> u8 {
    use std::sync::atomic::{AtomicU8, Ordering};
    static LEVEL: AtomicU8 = AtomicU8::new(u8::MAX);
    let l = LEVEL.load(Ordering::Relaxed);
    if l != u8::MAX {
        return l;
    }
    let l = if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512dq") && is_x86_feature_detected!("avx512vl") {
        2
    } else if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        1
    } else {
        0
    };
    LEVEL.store(l, Ordering::Relaxed);
    l
}

/// Defines `fn $name(args)` that runs `$body` compiled for AVX-512, AVX2 or baseline,
/// whichever the CPU supports ([`level`]). The variants are safe functions with
/// `#[target_feature]`; only calling them needs the run-time check.
macro_rules! multiversion {
    ($vis:vis fn $name:ident($($arg:ident : $ty:ty),* $(,)?) $body:block) => {
        $vis fn $name($($arg: $ty),*) {
            #[inline(always)]
            fn body($($arg: $ty),*) $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
                fn v4($($arg: $ty),*) { body($($arg),*) }
                #[target_feature(enable = "avx2,fma")]
                fn v3($($arg: $ty),*) { body($($arg),*) }
                match $crate::linalg::simd::level() {
                    // SAFETY: level 2 means AVX-512 F/DQ/VL, AVX2 and FMA were detected at run time.
                    2 => unsafe { v4($($arg),*) },
                    // SAFETY: level 1 means AVX2 and FMA were detected at run time.
                    1 => unsafe { v3($($arg),*) },
                    _ => body($($arg),*),
                }
            }
            #[cfg(not(target_arch = "x86_64"))]
            body($($arg),*)
        }
    };
}
pub(crate) use multiversion;

#[cfg(test)]
mod tests {
    multiversion! {
        fn double_all(x: &mut [f64]) {
            for v in x.iter_mut() {
                *v *= 2.0;
            }
        }
    }

    #[test]
    fn every_level_computes_the_same() {
        let mut x = vec![1.0, -2.5, 3.0];
        double_all(&mut x);
        assert_eq!(x, vec![2.0, -5.0, 6.0]);
        #[cfg(target_arch = "x86_64")]
        assert!(super::level() <= 2);
    }
}
