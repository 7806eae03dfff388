//! Depthwise convolutions (one filter per channel): a zero-padded plane per channel split into
//! stride phases so that each filter tap reads a contiguous slice, all taps summed in registers.

use rayon::prelude::*;
use rten::NodeId;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

use super::steps::{apply_steps, Isa, Step};
#[cfg(target_arch = "x86_64")]
use super::steps::{finish_avx2, finish_avx512};

/// One depthwise convolution: `input` and `output` are value nodes of the rten graph.
pub(super) struct DwConv {
    pub(super) input: NodeId,
    pub(super) output: NodeId,
    pub(super) channels: usize,
    pub(super) kernel: [usize; 2],
    pub(super) stride: [usize; 2],
    /// top, left, bottom, right
    pub(super) pads: [usize; 4],
    /// `channels × kh × kw`
    pub(super) weights: Vec<f32>,
    pub(super) bias: Vec<f32>,
    /// Elementwise steps applied to the convolution's output before it is handed back.
    pub(super) epilogue: Vec<Step>,
}

impl DwConv {
    /// The convolution of `x` with `prologue` applied to it first.
    pub(super) fn apply(&self, x: NdTensor<f32, 4>, prologue: &[Step]) -> NdTensor<f32, 4> {
        self.apply_with(x, prologue, Isa::detect())
    }

    fn apply_with(&self, x: NdTensor<f32, 4>, prologue: &[Step], isa: Isa) -> NdTensor<f32, 4> {
        let [n, c, h, w] = x.shape();
        assert_eq!(c, self.channels, "depthwise input channels");
        let [kh, kw] = self.kernel;
        let [sh, sw] = self.stride;
        let [pt, pl, pb, pr] = self.pads;
        let (ph, pw) = (h + pt + pb, w + pl + pr);
        let oh = if ph >= kh { (ph - kh) / sh + 1 } else { 0 };
        let ow = if pw >= kw { (pw - kw) / sw + 1 } else { 0 };
        let x = x.to_contiguous();
        let data = x.data();
        let mut out = vec![0.0f32; n * c * oh * ow];
        if oh > 0 && ow > 0 {
            let plane = |out: &mut [f32], i: usize| {
                let ch = i % c;
                let k = &self.weights[ch * kh * kw..(ch + 1) * kh * kw];
                channel(
                    isa,
                    prologue,
                    &data[i * h * w..(i + 1) * h * w],
                    [h, w],
                    k,
                    self.bias[ch],
                    self.kernel,
                    self.stride,
                    [pt, pl, pb, pr],
                    &self.epilogue,
                    out,
                    [oh, ow],
                );
            };
            rten::thread_pool().run(|| {
                out.par_chunks_mut(oh * ow)
                    .enumerate()
                    .for_each(|(i, o)| plane(o, i))
            });
        }
        NdTensor::from_data([n, c, oh, ow], out)
    }
}

/// Widest chunk of outputs a row kernel computes at once (slack needed right of each row).
const MAX_CHUNK: usize = 64;

/// One channel: zero-pads the input plane (split into `stride` phases across, so that every
/// filter tap reads a contiguous slice), then computes each output row: all filter taps summed
/// in registers a chunk of outputs at a time, `epilogue` applied before storing.
#[allow(clippy::too_many_arguments)]
fn channel(
    isa: Isa,
    prologue: &[Step],
    input: &[f32],
    [h, w]: [usize; 2],
    k: &[f32],
    bias: f32,
    [kh, kw]: [usize; 2],
    [sh, sw]: [usize; 2],
    [pt, pl, pb, pr]: [usize; 4],
    epilogue: &[Step],
    out: &mut [f32],
    [oh, ow]: [usize; 2],
) {
    let (pw, ph) = (w + pl + pr, h + pt + pb);
    // Phase p holds the padded columns p, p + sw, p + 2 sw, …; slack on the right so that the
    // last chunk reads zeros instead of running off the row.
    let qw = pw.div_ceil(sw) + kw + MAX_CHUNK;
    // The padded plane is kept per thread and reused while the geometry is the same: every
    // channel writes the same interior positions, so the zeros around them stay.
    thread_local! {
        static PLANE: std::cell::RefCell<(Geometry, Vec<f32>, Vec<f32>)> =
            const { std::cell::RefCell::new(([0; 7], Vec::new(), Vec::new())) };
    }
    PLANE.with(|plane| {
        let mut plane = plane.borrow_mut();
        let (geometry, phases, row_buf) = &mut *plane;
        let key = [sw, ph, qw, pt, pl, h, w];
        if *geometry != key || phases.len() != sw * ph * qw {
            phases.clear();
            phases.resize(sw * ph * qw, 0.0);
            *geometry = key;
        }
        for y in 0..h {
            let row = &input[y * w..][..w];
            if sw == 1 {
                let dst = &mut phases[(y + pt) * qw + pl..][..w];
                dst.copy_from_slice(row);
                apply_steps(dst, prologue);
            } else {
                row_buf.clear();
                row_buf.extend_from_slice(row);
                apply_steps(row_buf, prologue);
                for (x, &v) in row_buf.iter().enumerate() {
                    let px = x + pl;
                    phases[((px % sw) * ph + y + pt) * qw + px / sw] = v;
                }
            }
        }
        rows(
            isa,
            phases,
            k,
            bias,
            [kh, kw],
            [sh, sw],
            ph,
            qw,
            epilogue,
            out,
            [oh, ow],
        );
    });
}

/// What makes two channels' padded planes the same positions: stride across, padded height,
/// phase width, top and left padding, height and width.
type Geometry = [usize; 7];

/// The output rows of one channel from its padded plane (see [`channel`]).
#[allow(clippy::too_many_arguments)]
fn rows(
    isa: Isa,
    phases: &[f32],
    k: &[f32],
    bias: f32,
    [kh, kw]: [usize; 2],
    [sh, sw]: [usize; 2],
    ph: usize,
    qw: usize,
    epilogue: &[Step],
    out: &mut [f32],
    [oh, ow]: [usize; 2],
) {
    // Offset of each filter tap in `phases` (output row 0, column 0) and its weight.
    let taps: Vec<(usize, f32)> = (0..kh)
        .flat_map(|ky| (0..kw).map(move |kx| (ky, kx)))
        .map(|(ky, kx)| (((kx % sw) * ph + ky) * qw + kx / sw, k[ky * kw + kx]))
        .collect();
    let max_off = taps.iter().map(|t| t.0).max().unwrap_or(0);
    for oy in 0..oh {
        let row0 = oy * sh * qw;
        let out_row = &mut out[oy * ow..][..ow];
        // Every read of the row kernels stays below this (checked here, once per row).
        assert!(row0 + max_off + ow.next_multiple_of(16).max(MAX_CHUNK) <= phases.len());
        match isa {
            // SAFETY (both): the features were detected at run time (`Isa::available`); the
            // bound was asserted above.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { row_avx512(phases, &taps, row0, bias, epilogue, out_row) },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { row_avx2(phases, &taps, row0, bias, epilogue, out_row) },
            Isa::Portable => row_portable(phases, &taps, row0, bias, epilogue, out_row),
        }
    }
}

fn row_portable(
    phases: &[f32],
    taps: &[(usize, f32)],
    row0: usize,
    bias: f32,
    epilogue: &[Step],
    out: &mut [f32],
) {
    const CH: usize = 16;
    for x0 in (0..out.len()).step_by(CH) {
        let mut acc = [bias; CH];
        for &(off, a) in taps {
            let base = row0 + off + x0;
            let src: &[f32; CH] = phases[base..base + CH].try_into().expect("chunk in bounds");
            for i in 0..CH {
                acc[i] += src[i] * a;
            }
        }
        for x in acc.iter_mut() {
            *x = epilogue.iter().fold(*x, |v, s| s.apply(v));
        }
        let n = CH.min(out.len() - x0);
        out[x0..x0 + n].copy_from_slice(&acc[..n]);
    }
}

/// One output row in vector registers of `$lanes` floats: `4 × $lanes` outputs at a time in four
/// accumulators (independent chains hide the FMA latency), then `$lanes` at a time with the taps
/// split over four accumulators, again for independent chains. AVX-512 and AVX2 differ only in
/// the register width and the intrinsics' names, so both are written once here.
macro_rules! simd_row {
    (
        $(#[$doc:meta])*
        $name:ident, $feature:literal, $vec:ident, $lanes:literal,
        $set1:ident, $setzero:ident, $load:ident, $store:ident, $fmadd:ident, $add:ident, $finish:ident
    ) => {
        $(#[$doc])*
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $feature)]
        unsafe fn $name(
            phases: &[f32],
            taps: &[(usize, f32)],
            row0: usize,
            bias: f32,
            epilogue: &[Step],
            out: &mut [f32],
        ) {
            use std::arch::x86_64::*;
            const L: usize = $lanes;
            let ow = out.len();
            let p = phases.as_ptr().add(row0);
            let finish = |v: $vec| $finish(v, epilogue);
            let mut x0 = 0;
            while x0 + 4 * L <= ow {
                let b = $set1(bias);
                let (mut a0, mut a1, mut a2, mut a3) = (b, b, b, b);
                for &(off, w) in taps {
                    let s = p.add(off + x0);
                    let w = $set1(w);
                    a0 = $fmadd($load(s), w, a0);
                    a1 = $fmadd($load(s.add(L)), w, a1);
                    a2 = $fmadd($load(s.add(2 * L)), w, a2);
                    a3 = $fmadd($load(s.add(3 * L)), w, a3);
                }
                let o = out.as_mut_ptr().add(x0);
                $store(o, finish(a0));
                $store(o.add(L), finish(a1));
                $store(o.add(2 * L), finish(a2));
                $store(o.add(3 * L), finish(a3));
                x0 += 4 * L;
            }
            while x0 < ow {
                let z = $setzero();
                let (mut a0, mut a1, mut a2, mut a3) = ($set1(bias), z, z, z);
                let tap = |(off, w): (usize, f32)| ($load(p.add(off + x0)), $set1(w));
                let mut quads = taps.chunks_exact(4);
                for q in quads.by_ref() {
                    let (s, w) = tap(q[0]);
                    a0 = $fmadd(s, w, a0);
                    let (s, w) = tap(q[1]);
                    a1 = $fmadd(s, w, a1);
                    let (s, w) = tap(q[2]);
                    a2 = $fmadd(s, w, a2);
                    let (s, w) = tap(q[3]);
                    a3 = $fmadd(s, w, a3);
                }
                for &t in quads.remainder() {
                    let (s, w) = tap(t);
                    a0 = $fmadd(s, w, a0);
                }
                let a = $add($add(a0, a1), $add(a2, a3));
                let mut tmp = [0.0f32; L];
                $store(tmp.as_mut_ptr(), finish(a));
                let n = L.min(ow - x0);
                out[x0..x0 + n].copy_from_slice(&tmp[..n]);
                x0 += L;
            }
        }
    };
}

simd_row!(
    /// One output row with AVX-512.
    ///
    /// # Safety
    /// AVX-512F must be available, and `row0 + max tap offset + max(64, out.len() rounded up to
    /// 16)` must not exceed `phases.len()`.
    row_avx512, "avx512f", __m512, 16,
    _mm512_set1_ps, _mm512_setzero_ps, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_fmadd_ps,
    _mm512_add_ps, finish_avx512
);

simd_row!(
    /// One output row with AVX2 + FMA.
    ///
    /// # Safety
    /// AVX2 and FMA must be available, and `row0 + max tap offset + max(32, out.len() rounded up
    /// to 8)` must not exceed `phases.len()`.
    row_avx2, "avx2,fma", __m256, 8,
    _mm256_set1_ps, _mm256_setzero_ps, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_fmadd_ps,
    _mm256_add_ps, finish_avx2
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct definition of a depthwise convolution, for comparison.
    fn reference(x: &[f32], [c, h, w]: [usize; 3], conv: &DwConv) -> (Vec<f32>, [usize; 2]) {
        let [kh, kw] = conv.kernel;
        let [sh, sw] = conv.stride;
        let [pt, pl, pb, pr] = conv.pads;
        let oh = (h + pt + pb - kh) / sh + 1;
        let ow = (w + pl + pr - kw) / sw + 1;
        let mut out = vec![0.0; c * oh * ow];
        for ch in 0..c {
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut s = conv.bias[ch];
                    for ky in 0..kh {
                        for kx in 0..kw {
                            let iy = (oy * sh + ky) as isize - pt as isize;
                            let ix = (ox * sw + kx) as isize - pl as isize;
                            if iy >= 0 && ix >= 0 && (iy as usize) < h && (ix as usize) < w {
                                s += conv.weights[(ch * kh + ky) * kw + kx]
                                    * x[(ch * h + iy as usize) * w + ix as usize];
                            }
                        }
                    }
                    out[(ch * oh + oy) * ow + ox] = s;
                }
            }
        }
        (out, [oh, ow])
    }

    /// The padded plane is reused between channels of the same geometry only: a narrower input
    /// after a wider one (same phase width at stride 2) must not see the wider one's columns.
    #[test]
    fn reused_plane_keeps_its_padding() {
        let conv = DwConv {
            input: NodeId::from_u32(0),
            output: NodeId::from_u32(0),
            channels: 1,
            kernel: [3, 3],
            stride: [1, 2],
            pads: [1, 1, 1, 1],
            weights: vec![1.0; 9],
            bias: vec![0.0],
            epilogue: Vec::new(),
        };
        for w in [100, 99, 100, 99] {
            let x: Vec<f32> = (0..4 * w).map(|i| 1.0 + (i % 7) as f32).collect();
            let (want, _) = reference(&x, [1, 4, w], &conv);
            let got = conv.apply(NdTensor::from_data([1, 1, 4, w], x), &[]);
            for (g, v) in got.iter().zip(&want) {
                assert!((g - v).abs() < 1e-4, "w={w}: {g} vs {v}");
            }
        }
    }

    #[test]
    fn matches_the_definition() {
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 40) as f32 / (1u64 << 24) as f32) - 0.5
        };
        for (k, stride, pads) in [
            (3, [1, 1], [1, 1, 1, 1]),
            (3, [2, 1], [1, 1, 1, 1]),
            (3, [1, 2], [1, 1, 1, 1]),
            (5, [1, 1], [2, 2, 2, 2]),
            (5, [2, 1], [2, 2, 2, 2]),
            (3, [1, 1], [0, 1, 2, 0]),
        ] {
            let (c, h, w) = (3, 7, 11 + 70 * (k % 2));
            let conv = DwConv {
                input: NodeId::from_u32(0),
                output: NodeId::from_u32(0),
                channels: c,
                kernel: [k, k],
                stride,
                pads,
                weights: (0..c * k * k).map(|_| rnd()).collect(),
                bias: (0..c).map(|_| rnd()).collect(),
                epilogue: vec![
                    Step::HardSwish {
                        add: 3.0,
                        lo: 0.0,
                        hi: 6.0,
                        div: 6.0,
                    },
                    Step::Affine(0.9, 0.1),
                ],
            };
            let x: Vec<f32> = (0..c * h * w).map(|_| rnd()).collect();
            let (want, [oh, ow]) = reference(&x, [c, h, w], &conv);
            // A prologue applies to the input, not to the zero padding.
            let prologue = [Step::Affine(1.1, -0.2)];
            let shifted: Vec<f32> = x.iter().map(|&v| prologue[0].apply(v)).collect();
            let (want_p, _) = reference(&shifted, [c, h, w], &conv);
            for isa in Isa::available() {
                for (pro, want) in [(&[][..], &want), (&prologue[..], &want_p)] {
                    let got =
                        conv.apply_with(NdTensor::from_data([1, c, h, w], x.clone()), pro, isa);
                    assert_eq!(got.shape(), [1, c, oh, ow]);
                    for (g, w) in got.iter().zip(want) {
                        let w = conv.epilogue.iter().fold(*w, |v, s| s.apply(v));
                        assert!(
                            (g - w).abs() < 1e-5,
                            "{isa:?} {k} {stride:?} {pads:?} {pro:?}: {g} vs {w}"
                        );
                    }
                }
            }
        }
    }
}
