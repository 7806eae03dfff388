//! Elementwise steps by scalar constants (affine, hard-swish) fused into the convolutions, and
//! which of the processor's kernels (AVX-512, AVX2 + FMA, portable) they and the depthwise
//! convolutions use.

use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

/// An elementwise operation by a scalar constant, fused into the convolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Step {
    Mul(f32),
    Add(f32),
    /// `x · m + a`: a Mul followed by an Add (one fused multiply-add).
    Affine(f32, f32),
    /// `x * clip(x + add, lo, hi) / div`: the hard-swish activation as ONNX exporters spell it
    /// (Add, Clip, Mul, Div).
    HardSwish {
        add: f32,
        lo: f32,
        hi: f32,
        div: f32,
    },
}

impl Step {
    #[inline(always)]
    pub(super) fn apply(self, x: f32) -> f32 {
        match self {
            Step::Mul(c) => c * x,
            Step::Add(c) => x + c,
            Step::Affine(m, a) => x * m + a,
            Step::HardSwish { add, lo, hi, div } => x * (x + add).max(lo).min(hi) / div,
        }
    }
}

/// `apply_steps` over a whole tensor.
pub(super) fn apply_steps_tensor(x: NdTensor<f32, 4>, steps: &[Step]) -> NdTensor<f32, 4> {
    let shape = x.shape();
    let mut data = x.into_data();
    apply_steps(&mut data, steps);
    NdTensor::from_data(shape, data)
}

/// Applies elementwise steps to a slice (vectorised, with AVX-512 or AVX2 when available).
pub(super) fn apply_steps(xs: &mut [f32], steps: &[Step]) {
    apply_steps_with(xs, steps, Isa::detect());
}

/// [`apply_steps`] with the kernels of `isa`, which must be one of [`Isa::available`].
fn apply_steps_with(xs: &mut [f32], steps: &[Step], isa: Isa) {
    if steps.is_empty() {
        return;
    }
    match isa {
        // SAFETY (both): the features were detected at run time (`Isa::available`).
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { apply_steps_avx512(xs, steps) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { apply_steps_avx2(xs, steps) },
        Isa::Portable => {
            for &step in steps {
                match step {
                    Step::Mul(c) => xs.iter_mut().for_each(|x| *x *= c),
                    Step::Add(c) => xs.iter_mut().for_each(|x| *x += c),
                    _ => xs.iter_mut().for_each(|x| *x = step.apply(*x)),
                }
            }
        }
    }
}

/// # Safety
/// AVX-512F must be available.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn apply_steps_avx512(xs: &mut [f32], steps: &[Step]) {
    use std::arch::x86_64::*;
    let mut chunks = xs.chunks_exact_mut(16);
    for ch in chunks.by_ref() {
        let p = ch.as_mut_ptr();
        _mm512_storeu_ps(p, finish_avx512(_mm512_loadu_ps(p), steps));
    }
    for x in chunks.into_remainder() {
        *x = steps.iter().fold(*x, |v, s| s.apply(v));
    }
}

/// Applies elementwise steps to sixteen values in a register.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
pub(super) unsafe fn finish_avx512(
    mut v: std::arch::x86_64::__m512,
    steps: &[Step],
) -> std::arch::x86_64::__m512 {
    use std::arch::x86_64::*;
    for &step in steps {
        v = match step {
            Step::Mul(c) => _mm512_mul_ps(v, _mm512_set1_ps(c)),
            Step::Add(c) => _mm512_add_ps(v, _mm512_set1_ps(c)),
            Step::Affine(m, a) => _mm512_fmadd_ps(v, _mm512_set1_ps(m), _mm512_set1_ps(a)),
            Step::HardSwish { add, lo, hi, div } => {
                let t = _mm512_add_ps(v, _mm512_set1_ps(add));
                let t = _mm512_min_ps(_mm512_max_ps(t, _mm512_set1_ps(lo)), _mm512_set1_ps(hi));
                _mm512_mul_ps(_mm512_mul_ps(v, t), _mm512_set1_ps(1.0 / div))
            }
        };
    }
    v
}

/// # Safety
/// AVX2 and FMA must be available.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn apply_steps_avx2(xs: &mut [f32], steps: &[Step]) {
    use std::arch::x86_64::*;
    let mut chunks = xs.chunks_exact_mut(8);
    for ch in chunks.by_ref() {
        let p = ch.as_mut_ptr();
        _mm256_storeu_ps(p, finish_avx2(_mm256_loadu_ps(p), steps));
    }
    for x in chunks.into_remainder() {
        *x = steps.iter().fold(*x, |v, s| s.apply(v));
    }
}

/// Applies elementwise steps to eight values in a register.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
pub(super) unsafe fn finish_avx2(
    mut v: std::arch::x86_64::__m256,
    steps: &[Step],
) -> std::arch::x86_64::__m256 {
    use std::arch::x86_64::*;
    for &step in steps {
        v = match step {
            Step::Mul(c) => _mm256_mul_ps(v, _mm256_set1_ps(c)),
            Step::Add(c) => _mm256_add_ps(v, _mm256_set1_ps(c)),
            Step::Affine(m, a) => _mm256_fmadd_ps(v, _mm256_set1_ps(m), _mm256_set1_ps(a)),
            Step::HardSwish { add, lo, hi, div } => {
                let t = _mm256_add_ps(v, _mm256_set1_ps(add));
                let t = _mm256_min_ps(_mm256_max_ps(t, _mm256_set1_ps(lo)), _mm256_set1_ps(hi));
                // × 1/div rather than ÷ div: a division is several times slower, and the
                // difference is one rounding.
                _mm256_mul_ps(_mm256_mul_ps(v, t), _mm256_set1_ps(1.0 / div))
            }
        };
    }
    v
}

/// Which kernels the depthwise convolutions and the elementwise steps use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Isa {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Isa {
    /// The best the processor has, detected once.
    pub(super) fn detect() -> Isa {
        static ISA: std::sync::OnceLock<Isa> = std::sync::OnceLock::new();
        *ISA.get_or_init(|| Isa::available().pop().unwrap_or(Isa::Portable))
    }

    /// Every kernel this processor can run, worst first.
    pub(super) fn available() -> Vec<Isa> {
        #[allow(unused_mut)]
        let mut isas = vec![Isa::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                isas.push(Isa::Avx2);
            }
            if std::is_x86_feature_detected!("avx512f") {
                isas.push(Isa::Avx512);
            }
        }
        isas
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_kernels_agree() {
        let steps = [
            Step::HardSwish {
                add: 3.0,
                lo: 0.0,
                hi: 6.0,
                div: 6.0,
            },
            Step::Affine(0.7, -0.1),
            Step::Mul(1.5),
            Step::Add(0.25),
        ];
        let xs: Vec<f32> = (0..37).map(|i| i as f32 * 0.5 - 9.0).collect();
        let want: Vec<f32> = xs
            .iter()
            .map(|&x| steps.iter().fold(x, |v, s| s.apply(v)))
            .collect();
        for isa in Isa::available() {
            let mut got = xs.clone();
            apply_steps_with(&mut got, &steps, isa);
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() < 1e-5, "{isa:?}: {g} vs {w}");
            }
        }
    }
}
