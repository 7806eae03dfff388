//! Pointwise convolutions as int8 matrix products (rten-gemm's `u8 × i8 → i32` kernel).
//!
//! The pointwise convolutions are most of the recogniser's arithmetic, and rten-gemm's AVX-512
//! VNNI kernel does four times as many multiply-adds per instruction in int8 as its f32 kernel
//! does. Post-training quantisation, computed here:
//!
//! * weights once at load, per output channel (row of A), symmetric: `w ≈ sw[r] · q` with
//!   `q ∈ [−127, 127]`, stored as `q + 128` (A is `u8` for the kernel);
//! * activations at each inference, per pixel (column of B: its `cin` values), asymmetric:
//!   `x ≈ sx[c] · (q − z[c])` with `q ∈ [−128, 127]`. A pixel's channels share a range, and
//!   pixels differ a lot (white margins against ink), so a scale per pixel keeps the resolution
//!   that a scale per tensor would spend on the largest pixel of the strip.
//!
//! Zero points are not given to the kernel: a prepacked A carries none, and rten-gemm 0.27's
//! packing of B gives every full panel of 32 columns the zero points of the column block's first
//! 32 columns (`pack_b_impl` indexes them by the column within the panel), so per-column zero
//! points came out wrong past column 32. The kernel computes `acc = Σk (qw + 128) · q`; with `R[r] = Σk qw[r, k]`,
//! `Σk qw · (q − z) = acc − 128 · Σk q[k, c] − z[c] · R[r]`, exact in i32, so that
//! `y = sw[r] · sx[c] · (acc − 128 · Σk q[k, c] − z[c] · R[r]) + bias[r]`, followed by the
//! convolution's elementwise tail while the row is in cache.
//!
//! The integer product is exact, so the result does not depend on how rten-gemm splits the work
//! between threads. The kernel without VNNI (`vpmaddubsw`) saturates sums of pairs to i16:
//! `GemmExecutor::may_saturate`; then, and on the generic kernel, [`available`] is false and the
//! convolutions stay in f32.

use std::mem::MaybeUninit;

use rten_gemm::{GemmExecutor, GemmInputA, GemmInputB, GemmUninitOptions, PackedAMatrix};
use rten_tensor::NdTensorView;

use super::steps::{apply_steps, Step};

type Int8Gemm = GemmExecutor<u8, i8, i32>;

/// rten-gemm's int8 executor, one per thread (see `super::pointwise::with_gemm`).
fn with_gemm<R>(f: impl FnOnce(&Int8Gemm) -> R) -> R {
    thread_local! {
        static GEMM: Int8Gemm = Int8Gemm::default();
    }
    GEMM.with(f)
}

/// Whether int8 products are both exact and fast here: a SIMD kernel that cannot saturate.
pub(super) fn available() -> bool {
    with_gemm(|g| !g.may_saturate() && !g.kernel_name().starts_with("generic"))
}

/// The weights of one pointwise convolution, quantised.
pub(super) struct QuantWeights {
    cout: usize,
    cin: usize,
    /// `cout × cin`, each weight + 128, packed for rten-gemm.
    packed: PackedAMatrix<u8>,
    /// Per output channel: the scale, and the sum of the quantised weights.
    scale: Vec<f32>,
    sums: Vec<i32>,
}

impl QuantWeights {
    /// Quantises `weights` (`cout × cin`, row-major).
    pub(super) fn new(weights: &[f32], cout: usize, cin: usize) -> QuantWeights {
        assert_eq!(weights.len(), cout * cin);
        let mut scale = Vec::with_capacity(cout);
        let mut sums = Vec::with_capacity(cout);
        let mut q: Vec<u8> = Vec::with_capacity(cout * cin);
        for row in weights.chunks_exact(cin) {
            let max = row.iter().fold(0.0f32, |m, w| m.max(w.abs()));
            let s = if max > 0.0 { max / 127.0 } else { 1.0 };
            scale.push(s);
            let start = q.len();
            q.extend(
                row.iter()
                    .map(|w| ((w / s).round_ties_even().clamp(-127.0, 127.0) as i32 + 128) as u8),
            );
            sums.push(q[start..].iter().map(|&v| v as i32 - 128).sum());
        }
        let a = NdTensorView::from_data([cout, cin], q.as_slice());
        QuantWeights {
            cout,
            cin,
            packed: with_gemm(|g| g.prepack_a(a)),
            scale,
            sums,
        }
    }

    /// `out = steps(W · x + bias)` for one image: `x` is `cin × hw`, `out` `cout × hw`, both
    /// row-major; every element of `out` is written. Runs in the current rayon pool.
    pub(super) fn apply<'a>(
        &self,
        x: &[f32],
        hw: usize,
        bias: &[f32],
        steps: &[Step],
        out: &'a mut [MaybeUninit<f32>],
    ) -> Result<&'a mut [f32], String> {
        assert_eq!(x.len(), self.cin * hw);
        assert_eq!(out.len(), self.cout * hw);
        // Taken out of the thread's cell for the call rather than borrowed: while this thread
        // waits for the parallel parts of the matrix product, rayon may have it run another
        // inference's convolution (work stealing), which then finds the cell empty and uses a
        // new one ("RefCell already borrowed" with `--jobs 2` otherwise).
        let mut scratch = SCRATCH.take();
        let result = (|| {
            let s = &mut scratch;
            quantise_columns(x, self.cin, hw, s);
            let b = NdTensorView::from_data([self.cin, hw], &s.q[..self.cin * hw]);
            // SAFETY: i32 and f32 have the same size and alignment; the buffer is uninitialised
            // either way.
            let out_i32: &mut [MaybeUninit<i32>] =
                unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr().cast(), out.len()) };
            let acc = with_gemm(|g| {
                g.gemm_uninit(
                    out_i32,
                    GemmInputA::Packed(&self.packed),
                    GemmInputB::Unpacked(b),
                    GemmUninitOptions::default(),
                )
            })
            .map_err(|e| e.to_string())?;
            // SAFETY: as above; every element is initialised (an i32 whose bits are read back
            // below before being replaced by the f32 result).
            let out: &mut [f32] =
                unsafe { std::slice::from_raw_parts_mut(acc.as_mut_ptr().cast(), acc.len()) };
            dequantise(out, hw, self, bias, s, steps);
            Ok(out)
        })();
        SCRATCH.set(scratch);
        result
    }
}

/// Per-thread buffers of the activations' quantisation.
#[derive(Default)]
struct Scratch {
    /// `cin × hw` quantised activations.
    q: Vec<i8>,
    /// Per column: zero point, scale, and `128 · Σk q` (see the module comment).
    zero: Vec<i32>,
    col_scale: Vec<f32>,
    col_shift: Vec<i32>,
    lo: Vec<f32>,
    hi: Vec<f32>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Quantises `x` (`cin × hw`) per column into `s`.
fn quantise_columns(x: &[f32], cin: usize, hw: usize, s: &mut Scratch) {
    assert!(cin > 0 && x.len() == cin * hw);
    // The range of each column, zero included (so that zero is exact: padding, ReLU-like tails).
    s.lo.clear();
    s.lo.resize(hw, 0.0);
    s.hi.clear();
    s.hi.resize(hw, 0.0);
    let avx512 = avx512();
    for row in x.chunks_exact(hw) {
        match avx512 {
            // SAFETY: the features were detected at run time.
            #[cfg(target_arch = "x86_64")]
            true => unsafe { range_avx512(row, &mut s.lo, &mut s.hi) },
            _ => {
                for ((lo, hi), &v) in s.lo.iter_mut().zip(s.hi.iter_mut()).zip(row) {
                    *lo = lo.min(v);
                    *hi = hi.max(v);
                }
            }
        }
    }
    s.col_scale.clear();
    s.zero.clear();
    // `lo` now holds 1 / scale, `hi` the zero point (as f32).
    for (lo, hi) in s.lo.iter_mut().zip(s.hi.iter_mut()) {
        let range = *hi - *lo;
        let scale = if range > 0.0 { range / 255.0 } else { 1.0 };
        let zero = (-128.0 - *lo / scale)
            .round_ties_even()
            .clamp(-128.0, 127.0);
        s.col_scale.push(scale);
        s.zero.push(zero as i32);
        *lo = 1.0 / scale;
        *hi = zero;
    }
    // Every element is written below: grown, not cleared.
    if s.q.len() < cin * hw {
        s.q.resize(cin * hw, 0);
    }
    s.col_shift.clear();
    s.col_shift.resize(hw, 0);
    let (inv, zero, sums) = (&s.lo, &s.hi, &mut s.col_shift);
    for (row, q) in x.chunks_exact(hw).zip(s.q.chunks_exact_mut(hw)) {
        match avx512 {
            // SAFETY: the features were detected at run time.
            #[cfg(target_arch = "x86_64")]
            true => unsafe { quantise_row_avx512(row, inv, zero, q, sums) },
            _ => {
                for ((((q, &v), &inv), &zero), sum) in q
                    .iter_mut()
                    .zip(row)
                    .zip(inv)
                    .zip(zero)
                    .zip(sums.iter_mut())
                {
                    let v = v.mul_add(inv, zero).round_ties_even().clamp(-128.0, 127.0) as i32;
                    *q = v as i8;
                    *sum += v;
                }
            }
        }
    }
    sums.iter_mut().for_each(|s| *s *= 128);
}

/// Whether the AVX-512 versions below can run (always so where the int8 kernel is VNNI's).
fn avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        super::steps::Isa::detect() == super::steps::Isa::Avx512
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `lo = min(lo, row)`, `hi = max(hi, row)`.
///
/// # Safety
/// AVX-512F must be available.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn range_avx512(row: &[f32], lo: &mut [f32], hi: &mut [f32]) {
    use std::arch::x86_64::*;
    let n = row.len();
    assert!(lo.len() == n && hi.len() == n);
    let (r, l, h) = (row.as_ptr(), lo.as_mut_ptr(), hi.as_mut_ptr());
    let mut i = 0;
    while i + 16 <= n {
        let v = _mm512_loadu_ps(r.add(i));
        _mm512_storeu_ps(l.add(i), _mm512_min_ps(_mm512_loadu_ps(l.add(i)), v));
        _mm512_storeu_ps(h.add(i), _mm512_max_ps(_mm512_loadu_ps(h.add(i)), v));
        i += 16;
    }
    for ((lo, hi), &v) in lo[i..].iter_mut().zip(&mut hi[i..]).zip(&row[i..]) {
        *lo = lo.min(v);
        *hi = hi.max(v);
    }
}

/// One row of `x`: `q = clamp(round(x · inv + zero), −128, 127)`, `sums += q`.
///
/// # Safety
/// AVX-512F must be available.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn quantise_row_avx512(
    row: &[f32],
    inv: &[f32],
    zero: &[f32],
    q: &mut [i8],
    sums: &mut [i32],
) {
    use std::arch::x86_64::*;
    let n = row.len();
    assert!(inv.len() == n && zero.len() == n && q.len() == n && sums.len() == n);
    let (lo, hi) = (_mm512_set1_epi32(-128), _mm512_set1_epi32(127));
    let mut i = 0;
    while i + 16 <= n {
        let v = _mm512_fmadd_ps(
            _mm512_loadu_ps(row.as_ptr().add(i)),
            _mm512_loadu_ps(inv.as_ptr().add(i)),
            _mm512_loadu_ps(zero.as_ptr().add(i)),
        );
        let v = _mm512_cvt_roundps_epi32::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(v);
        let v = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
        _mm_storeu_si128(q.as_mut_ptr().add(i).cast(), _mm512_cvtepi32_epi8(v));
        let sp = sums.as_mut_ptr().add(i).cast();
        _mm512_storeu_si512(sp, _mm512_add_epi32(_mm512_loadu_si512(sp), v));
        i += 16;
    }
    let tail = q[i..].iter_mut().zip(&mut sums[i..]);
    for (((q, sum), &v), (&inv, &zero)) in tail.zip(&row[i..]).zip(inv[i..].iter().zip(&zero[i..]))
    {
        let v = v.mul_add(inv, zero).round_ties_even().clamp(-128.0, 127.0) as i32;
        *q = v as i8;
        *sum += v;
    }
}

/// Replaces the integer products (stored as the bits of `out`) by the real results, the
/// convolution's tail applied.
fn dequantise(
    out: &mut [f32],
    hw: usize,
    w: &QuantWeights,
    bias: &[f32],
    s: &Scratch,
    steps: &[Step],
) {
    assert!(s.col_scale.len() == hw && s.col_shift.len() == hw && s.zero.len() == hw);
    let rows = out
        .chunks_exact_mut(hw)
        .zip(&w.scale)
        .zip(&w.sums)
        .zip(bias);
    let avx512 = avx512();
    for (((row, &sw), &sum_w), &b) in rows {
        if avx512 {
            // SAFETY: AVX-512F was detected at run time; the lengths were asserted above.
            #[cfg(target_arch = "x86_64")]
            unsafe {
                dequantise_row_avx512(row, [sw, b], sum_w, s, steps)
            };
            continue;
        }
        let cols = row
            .iter_mut()
            .zip(&s.col_scale)
            .zip(&s.col_shift)
            .zip(&s.zero);
        for (((y, &sx), &shift), &zero) in cols {
            let acc = y.to_bits() as i32 - shift - zero * sum_w;
            *y = (acc as f32).mul_add(sx * sw, b);
        }
        apply_steps(row, steps);
    }
}

/// One row of [`dequantise`], the tail applied in registers.
///
/// # Safety
/// AVX-512F must be available; the scratch's per-column vectors as long as `row`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn dequantise_row_avx512(
    row: &mut [f32],
    [sw, b]: [f32; 2],
    sum_w: i32,
    s: &Scratch,
    steps: &[Step],
) {
    use std::arch::x86_64::*;
    let n = row.len();
    let (sw_v, b_v, sum_v) = (
        _mm512_set1_ps(sw),
        _mm512_set1_ps(b),
        _mm512_set1_epi32(sum_w),
    );
    let p = row.as_mut_ptr();
    let mut i = 0;
    while i + 16 <= n {
        let acc = _mm512_loadu_si512(p.add(i).cast());
        let shift = _mm512_loadu_si512(s.col_shift.as_ptr().add(i).cast());
        let zero = _mm512_loadu_si512(s.zero.as_ptr().add(i).cast());
        let acc = _mm512_sub_epi32(
            _mm512_sub_epi32(acc, shift),
            _mm512_mullo_epi32(zero, sum_v),
        );
        let scale = _mm512_mul_ps(_mm512_loadu_ps(s.col_scale.as_ptr().add(i)), sw_v);
        let y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc), scale, b_v);
        _mm512_storeu_ps(p.add(i), super::steps::finish_avx512(y, steps));
        i += 16;
    }
    let cols = s.col_scale.iter().zip(&s.col_shift).zip(&s.zero).skip(i);
    for (y, ((&sx, &shift), &zero)) in row[i..].iter_mut().zip(cols) {
        let acc = y.to_bits() as i32 - shift - zero * sum_w;
        let v = (acc as f32).mul_add(sx * sw, b);
        *y = steps.iter().fold(v, |v, st| st.apply(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rnd(seed: &mut u64) -> f32 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((*seed >> 40) as f32 / (1u64 << 24) as f32) - 0.5
    }

    /// The quantised product against the f32 one: the error of each output is bounded by what
    /// rounding both operands allows, `Σk |w|·sx/2 + |x|·sw/2 + sw·sx/4` (half a step of each).
    #[test]
    fn quantised_product_within_rounding_bound() {
        if !available() {
            eprintln!("no int8 kernel without saturation here: skipped");
            return;
        }
        let mut seed = 3u64;
        for (cout, cin, hw) in [(5, 3, 7), (24, 64, 100), (240, 240, 150), (33, 480, 37)] {
            let w: Vec<f32> = (0..cout * cin).map(|_| rnd(&mut seed)).collect();
            let bias: Vec<f32> = (0..cout).map(|_| rnd(&mut seed)).collect();
            // Activations after a hard swish: mostly positive, a few slightly negative, some
            // columns all zero, and one column much larger than the others.
            let x: Vec<f32> = (0..cin * hw)
                .map(|i| {
                    let c = i % hw;
                    let v = (rnd(&mut seed) + 0.3) * if c == 1 { 40.0 } else { 3.0 };
                    if c % 5 == 4 {
                        0.0
                    } else {
                        v.max(-0.3)
                    }
                })
                .collect();
            let qw = QuantWeights::new(&w, cout, cin);
            let mut out = Vec::with_capacity(cout * hw);
            let got = qw
                .apply(
                    &x,
                    hw,
                    &bias,
                    &[],
                    &mut out.spare_capacity_mut()[..cout * hw],
                )
                .unwrap()
                .to_vec();
            for r in 0..cout {
                let sw = qw.scale[r];
                for c in 0..hw {
                    let col = (0..cin).map(|k| x[k * hw + c]);
                    let (lo, hi) = col
                        .clone()
                        .fold((0.0f32, 0.0f32), |(l, h), v| (l.min(v), h.max(v)));
                    let sx = if hi > lo { (hi - lo) / 255.0 } else { 1.0 };
                    let want: f32 = bias[r]
                        + col
                            .clone()
                            .enumerate()
                            .map(|(k, v)| w[r * cin + k] * v)
                            .sum::<f32>();
                    let bound: f32 = col
                        .enumerate()
                        .map(|(k, v)| {
                            w[r * cin + k].abs() * sx / 2.0 + v.abs() * sw / 2.0 + sw * sx / 4.0
                        })
                        .sum::<f32>()
                        + 1e-4 * want.abs().max(1.0);
                    let g = got[r * hw + c];
                    assert!(
                        (g - want).abs() <= bound,
                        "{cout}×{cin}×{hw} [{r}, {c}]: {g} vs {want} (bound {bound})"
                    );
                }
            }
        }
    }

    /// Same input, same output, whatever the number of threads (the integer product is exact).
    #[test]
    fn independent_of_threads() {
        if !available() {
            return;
        }
        let mut seed = 9u64;
        let (cout, cin, hw) = (96, 120, 700);
        let w: Vec<f32> = (0..cout * cin).map(|_| rnd(&mut seed)).collect();
        let x: Vec<f32> = (0..cin * hw).map(|_| rnd(&mut seed)).collect();
        let bias = vec![0.1; cout];
        let qw = QuantWeights::new(&w, cout, cin);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut out = Vec::with_capacity(cout * hw);
                qw.apply(
                    &x,
                    hw,
                    &bias,
                    &[],
                    &mut out.spare_capacity_mut()[..cout * hw],
                )
                .unwrap()
                .to_vec()
            })
        };
        let one = run(1);
        assert!(one
            .iter()
            .zip(&run(2))
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}
