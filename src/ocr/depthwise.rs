//! Depthwise convolutions of the recognition model, computed here instead of by rten.
//!
//! Profiled with `RTEN_TIMING` (rten 0.27, one thread, a 48 × 512 line): the 14 depthwise
//! convolutions (one filter per channel, 3 × 3 and 5 × 5) were 56 % of the whole forward pass —
//! rten runs them through a generic kernel that indexes its input with a run-time stride and is
//! compiled for the baseline x86-64 instruction set, ≈ 16 ns per input element for a 5 × 5
//! filter against ≈ 3 ns for a 1 × 1 convolution that does ten times the arithmetic. rten 0.27
//! has no way to register an operator of one's own, so the model is run in segments: rten
//! computes up to the input of a depthwise convolution, this module computes the convolution
//! (a zero-padded plane per channel, one multiply-add sweep over a row per filter tap: contiguous
//! slices the compiler vectorises, with an AVX2 + FMA version chosen at run time), and rten
//! carries on from its output. rten accepts an intermediate value as a run input and plans only
//! what is still needed (its plans are cached per input/output set).
//!
//! The weights are read from the ONNX file itself (`rten-onnx`, the parser rten uses); the
//! segment boundaries are the value names of the ONNX graph. Anything unexpected (a grouped
//! convolution that is not depthwise, a weight that is not a constant, a name rten does not
//! know, a segment rten cannot plan) leaves the plan unused: [`Depthwise::from_onnx`] returns
//! `None` and the model runs whole, as before.

use rayon::prelude::*;
use rten::{Model, NodeId, Value};
use rten_onnx::onnx::{ModelProto, NodeProto, TensorProto};
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

/// One depthwise convolution: `input` and `output` are value nodes of the rten graph.
#[derive(Debug, Clone)]
struct DwConv {
    input: NodeId,
    output: NodeId,
    channels: usize,
    kernel: [usize; 2],
    stride: [usize; 2],
    /// top, left, bottom, right
    pads: [usize; 4],
    /// `channels × kh × kw`
    weights: Vec<f32>,
    bias: Vec<f32>,
    /// Elementwise steps applied to the convolution's output before it is handed back.
    epilogue: Vec<Step>,
}

/// An elementwise operation by a scalar constant, fused into the convolution.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Mul(f32),
    Add(f32),
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
    fn apply(self, x: f32) -> f32 {
        match self {
            Step::Mul(c) => c * x,
            Step::Add(c) => x + c,
            Step::HardSwish { add, lo, hi, div } => x * (x + add).max(lo).min(hi) / div,
        }
    }
}

/// The model's depthwise convolutions in graph order, and how to run around them.
#[derive(Debug, Clone)]
pub struct Depthwise {
    convs: Vec<DwConv>,
    model_input: NodeId,
    model_output: NodeId,
}

fn attr_ints(n: &NodeProto, name: &str) -> Option<Vec<i64>> {
    n.attribute
        .iter()
        .find(|a| a.name.as_deref() == Some(name))
        .map(|a| a.ints.clone())
}

fn attr_int(n: &NodeProto, name: &str) -> Option<i64> {
    n.attribute
        .iter()
        .find(|a| a.name.as_deref() == Some(name))
        .and_then(|a| a.i)
}

/// f32 data of a tensor proto (raw little-endian bytes or `float_data`).
fn floats(t: &TensorProto) -> Option<Vec<f32>> {
    if t.data_type.map(|d| d.0) != Some(1) {
        return None;
    }
    if let Some(raw) = &t.raw_data {
        let raw = raw.borrow();
        if raw.len() % 4 != 0 {
            return None;
        }
        return Some(
            raw.chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
        );
    }
    (!t.float_data.is_empty()).then(|| t.float_data.clone())
}

/// Looks up a constant of the graph by value name: its dimensions and data.
type Constants<'a> = dyn Fn(&str) -> Option<(Vec<i64>, Vec<f32>)> + 'a;

fn op(n: &NodeProto) -> &str {
    n.op_type.as_deref().unwrap_or("")
}

/// A scalar constant.
fn scalar(constant: &Constants, name: &str) -> Option<f32> {
    match constant(name)? {
        (_, v) if v.len() == 1 => Some(v[0]),
        _ => None,
    }
}

/// The elementwise steps by scalar constants that follow the value `start`, as long as every
/// intermediate value feeds only the next step and the value reached is known to rten. Returns
/// the steps and the name of the value they produce (`start` when there are none).
fn epilogue(
    graph: &rten_onnx::onnx::GraphProto,
    constant: &Constants,
    start: &str,
    model: &Model,
) -> (Vec<Step>, String) {
    let consumers = |v: &str| -> Vec<&NodeProto> {
        graph
            .node
            .iter()
            .filter(|n| n.input.iter().any(|i| i == v))
            .collect()
    };
    let is_graph_output = |v: &str| graph.output.iter().any(|o| o.name.as_deref() == Some(v));
    // The other input of a binary node whose one input is `v`, as a scalar constant.
    let other = |n: &NodeProto, v: &str| -> Option<f32> {
        match n.input.as_slice() {
            [a, b] if a == v && b != v => scalar(constant, b),
            [a, b] if b == v && a != v => scalar(constant, a),
            _ => None,
        }
    };
    let mut steps = Vec::new();
    let mut cur = start.to_string();
    // (steps, value) of the longest chain whose end rten knows.
    let mut best = (Vec::new(), cur.clone());
    loop {
        if is_graph_output(&cur) {
            break;
        }
        let cons = consumers(&cur);
        let next: Option<(Step, String)> = match cons.as_slice() {
            [n] if matches!(op(n), "Mul" | "Add") => other(n, &cur).and_then(|c| {
                let step = if op(n) == "Mul" {
                    Step::Mul(c)
                } else {
                    Step::Add(c)
                };
                Some((step, n.output.first()?.clone()))
            }),
            // Hard swish: `cur` feeds Add(cur, a) → Clip → Mul(cur, clip) → Div(·, d).
            [n1, n2] => (|| {
                let (add, mul) = match (op(n1), op(n2)) {
                    ("Add", "Mul") => (*n1, *n2),
                    ("Mul", "Add") => (*n2, *n1),
                    _ => return None,
                };
                let a = other(add, &cur)?;
                let added = add.output.first()?;
                let [clip] = consumers(added)[..] else {
                    return None;
                };
                if op(clip) != "Clip" || clip.input.first()? != added {
                    return None;
                }
                let lo = scalar(constant, clip.input.get(1)?)?;
                let hi = scalar(constant, clip.input.get(2)?)?;
                let clipped = clip.output.first()?;
                let [m] = consumers(clipped)[..] else {
                    return None;
                };
                if !std::ptr::eq(m, mul) {
                    return None;
                }
                let ok = matches!(mul.input.as_slice(), [x, y] if (x == &cur && y == clipped) || (y == &cur && x == clipped));
                let prod = mul.output.first()?;
                let [div] = consumers(prod)[..] else {
                    return None;
                };
                if !ok || op(div) != "Div" || div.input.first()? != prod {
                    return None;
                }
                let d = scalar(constant, div.input.get(1)?)?;
                Some((
                    Step::HardSwish {
                        add: a,
                        lo,
                        hi,
                        div: d,
                    },
                    div.output.first()?.clone(),
                ))
            })(),
            _ => None,
        };
        let Some((step, out)) = next else { break };
        steps.push(step);
        cur = out;
        if model.find_node(&cur).is_some() {
            best = (steps.clone(), cur.clone());
        }
    }
    best
}

impl Depthwise {
    /// Finds the depthwise convolutions of the ONNX model `bytes` that `model` was loaded from.
    /// `None` when the model has none, or anything about them is unexpected.
    pub fn from_onnx(bytes: &[u8], model: &Model) -> Option<Depthwise> {
        let proto = ModelProto::parse_buf(bytes).ok()?;
        let graph = proto.graph.as_ref()?;
        // Constant values by output name: initializers and Constant nodes.
        let constant = |name: &str| -> Option<(Vec<i64>, Vec<f32>)> {
            if let Some(t) = graph
                .initializer
                .iter()
                .find(|t| t.name.as_deref() == Some(name))
            {
                return Some((t.dims.clone(), floats(t)?));
            }
            let node = graph.node.iter().find(|n| {
                n.op_type.as_deref() == Some("Constant") && n.output.iter().any(|o| o == name)
            })?;
            let t = node
                .attribute
                .iter()
                .find(|a| a.name.as_deref() == Some("value"))?
                .t
                .as_ref()?;
            Some((t.dims.clone(), floats(t)?))
        };
        let mut convs = Vec::new();
        for n in &graph.node {
            if n.op_type.as_deref() != Some("Conv") || attr_int(n, "group").unwrap_or(1) == 1 {
                continue;
            }
            let group = attr_int(n, "group")? as usize;
            let (wdims, weights) = constant(n.input.get(1)?)?;
            // Depthwise: one input channel per filter, as many filters as groups.
            if wdims.len() != 4 || wdims[0] as usize != group || wdims[1] != 1 {
                return None;
            }
            let kernel = [wdims[2] as usize, wdims[3] as usize];
            if let Some(k) = attr_ints(n, "kernel_shape") {
                if k.iter().map(|&v| v as usize).ne(kernel) {
                    return None;
                }
            }
            if attr_ints(n, "dilations").is_some_and(|d| d.iter().any(|&v| v != 1))
                || n.attribute.iter().any(|a| {
                    a.name.as_deref() == Some("auto_pad")
                        && a.s.as_deref().is_some_and(|s| s != "NOTSET")
                })
            {
                return None;
            }
            let stride = match attr_ints(n, "strides").as_deref() {
                None => [1, 1],
                Some([a, b]) => [*a as usize, *b as usize],
                _ => return None,
            };
            let pads = match attr_ints(n, "pads").as_deref() {
                None => [0; 4],
                // ONNX order: top, left, bottom, right.
                Some([t, l, b, r]) => [*t as usize, *l as usize, *b as usize, *r as usize],
                _ => return None,
            };
            let bias = match n.input.get(2).filter(|s| !s.is_empty()) {
                Some(name) => constant(name)?.1,
                None => vec![0.0; group],
            };
            if weights.len() != group * kernel[0] * kernel[1] || bias.len() != group {
                return None;
            }
            let (epilogue, last) = epilogue(graph, &constant, n.output.first()?, model);
            convs.push(DwConv {
                input: model.find_node(n.input.first()?)?,
                output: model.find_node(&last)?,
                channels: group,
                kernel,
                stride,
                pads,
                weights,
                bias,
                epilogue,
            });
        }
        if convs.is_empty() {
            return None;
        }
        Some(Depthwise {
            convs,
            model_input: *model.input_ids().first()?,
            model_output: *model.output_ids().first()?,
        })
    }

    /// Convolutions and the elementwise steps fused into each, for diagnostics.
    pub fn describe(&self) -> String {
        self.convs
            .iter()
            .map(|c| {
                format!(
                    "{}×{}×{} /{:?} +{} steps",
                    c.channels,
                    c.kernel[0],
                    c.kernel[1],
                    c.stride,
                    c.epilogue.len()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Runs `model` on `input` (NCHW), computing the depthwise convolutions here.
    pub fn run(&self, model: &Model, input: NdTensor<f32, 4>) -> Result<Value, String> {
        let mut from = self.model_input;
        let mut value: Value = input.into();
        for conv in &self.convs {
            let [x] = model
                .run_n(vec![(from, value.into())], [conv.input], None)
                .map_err(|e| e.to_string())?;
            let x: NdTensor<f32, 4> = x
                .try_into()
                .map_err(|e: rten::TryFromValueError| e.to_string())?;
            value = conv.apply(x).into();
            from = conv.output;
        }
        let [out] = model
            .run_n(vec![(from, value.into())], [self.model_output], None)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }
}

impl DwConv {
    fn apply(&self, x: NdTensor<f32, 4>) -> NdTensor<f32, 4> {
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
const MAX_CHUNK: usize = 32;

/// One channel: zero-pads the input plane (split into `stride` phases across, so that every
/// filter tap reads a contiguous slice), then computes each output row: all filter taps summed
/// in registers a chunk of outputs at a time, `epilogue` applied before storing.
#[allow(clippy::too_many_arguments)]
fn channel(
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
    let mut phases = vec![0.0f32; sw * ph * qw];
    for y in 0..h {
        let row = &input[y * w..][..w];
        if sw == 1 {
            phases[(y + pt) * qw + pl..][..w].copy_from_slice(row);
        } else {
            for (x, &v) in row.iter().enumerate() {
                let px = x + pl;
                phases[((px % sw) * ph + y + pt) * qw + px / sw] = v;
            }
        }
    }
    // Offset of each filter tap in `phases` (output row 0, column 0) and its weight.
    let taps: Vec<(usize, f32)> = (0..kh)
        .flat_map(|ky| (0..kw).map(move |kx| (ky, kx)))
        .map(|(ky, kx)| (((kx % sw) * ph + ky) * qw + kx / sw, k[ky * kw + kx]))
        .collect();
    let max_off = taps.iter().map(|t| t.0).max().unwrap_or(0);
    #[cfg(target_arch = "x86_64")]
    let avx2 = std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
    for oy in 0..oh {
        let row0 = oy * sh * qw;
        let out_row = &mut out[oy * ow..][..ow];
        // Every read of the row kernels stays below this (checked here, once per row).
        assert!(row0 + max_off + ow.next_multiple_of(8).max(MAX_CHUNK) <= phases.len());
        #[cfg(target_arch = "x86_64")]
        if avx2 {
            // SAFETY: the features were detected at run time; the bound was asserted above.
            unsafe { row_avx2(&phases, &taps, row0, bias, epilogue, out_row) };
            continue;
        }
        row_portable(&phases, &taps, row0, bias, epilogue, out_row);
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

/// One output row with AVX2 + FMA: 32 outputs at a time in four accumulators (independent
/// chains hide the FMA latency), then 8 at a time.
///
/// # Safety
/// AVX2 and FMA must be available, and `row0 + max tap offset + max(32, out.len() rounded up
/// to 8)` must not exceed `phases.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn row_avx2(
    phases: &[f32],
    taps: &[(usize, f32)],
    row0: usize,
    bias: f32,
    epilogue: &[Step],
    out: &mut [f32],
) {
    use std::arch::x86_64::*;
    let ow = out.len();
    let p = phases.as_ptr().add(row0);
    let finish = |mut v: __m256| -> __m256 {
        for &step in epilogue {
            v = match step {
                Step::Mul(c) => _mm256_mul_ps(v, _mm256_set1_ps(c)),
                Step::Add(c) => _mm256_add_ps(v, _mm256_set1_ps(c)),
                Step::HardSwish { add, lo, hi, div } => {
                    let t = _mm256_add_ps(v, _mm256_set1_ps(add));
                    let t = _mm256_min_ps(_mm256_max_ps(t, _mm256_set1_ps(lo)), _mm256_set1_ps(hi));
                    _mm256_div_ps(_mm256_mul_ps(v, t), _mm256_set1_ps(div))
                }
            };
        }
        v
    };
    let mut x0 = 0;
    while x0 + 32 <= ow {
        let b = _mm256_set1_ps(bias);
        let (mut a0, mut a1, mut a2, mut a3) = (b, b, b, b);
        for &(off, w) in taps {
            let s = p.add(off + x0);
            let w = _mm256_set1_ps(w);
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(s), w, a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(s.add(8)), w, a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(s.add(16)), w, a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(s.add(24)), w, a3);
        }
        let o = out.as_mut_ptr().add(x0);
        _mm256_storeu_ps(o, finish(a0));
        _mm256_storeu_ps(o.add(8), finish(a1));
        _mm256_storeu_ps(o.add(16), finish(a2));
        _mm256_storeu_ps(o.add(24), finish(a3));
        x0 += 32;
    }
    while x0 < ow {
        // Eight outputs: the taps split over four accumulators, again for independent chains.
        let z = _mm256_setzero_ps();
        let (mut a0, mut a1, mut a2, mut a3) = (_mm256_set1_ps(bias), z, z, z);
        let mut quads = taps.chunks_exact(4);
        for q in quads.by_ref() {
            a0 = _mm256_fmadd_ps(
                _mm256_loadu_ps(p.add(q[0].0 + x0)),
                _mm256_set1_ps(q[0].1),
                a0,
            );
            a1 = _mm256_fmadd_ps(
                _mm256_loadu_ps(p.add(q[1].0 + x0)),
                _mm256_set1_ps(q[1].1),
                a1,
            );
            a2 = _mm256_fmadd_ps(
                _mm256_loadu_ps(p.add(q[2].0 + x0)),
                _mm256_set1_ps(q[2].1),
                a2,
            );
            a3 = _mm256_fmadd_ps(
                _mm256_loadu_ps(p.add(q[3].0 + x0)),
                _mm256_set1_ps(q[3].1),
                a3,
            );
        }
        for &(off, w) in quads.remainder() {
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(p.add(off + x0)), _mm256_set1_ps(w), a0);
        }
        let a = _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3));
        let mut tmp = [0.0f32; 8];
        _mm256_storeu_ps(tmp.as_mut_ptr(), finish(a));
        let n = 8.min(ow - x0);
        out[x0..x0 + n].copy_from_slice(&tmp[..n]);
        x0 += 8;
    }
}

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
            let (c, h, w) = (3, 7, 11);
            let conv = DwConv {
                input: NodeId::from_u32(0),
                output: NodeId::from_u32(0),
                channels: c,
                kernel: [k, k],
                stride,
                pads,
                weights: (0..c * k * k).map(|_| rnd()).collect(),
                bias: (0..c).map(|_| rnd()).collect(),
                epilogue: Vec::new(),
            };
            let x: Vec<f32> = (0..c * h * w).map(|_| rnd()).collect();
            let (want, [oh, ow]) = reference(&x, [c, h, w], &conv);
            let got = conv.apply(NdTensor::from_data([1, c, h, w], x));
            assert_eq!(got.shape(), [1, c, oh, ow]);
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() < 1e-5, "{k} {stride:?} {pads:?}: {g} vs {w}");
            }
        }
    }
}
