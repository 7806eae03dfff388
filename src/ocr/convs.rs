//! The recogniser's convolutions, computed here instead of by rten.
//!
//! Profiled with `RTEN_TIMING` (rten 0.27, one thread, a 48 × 512 line): the 14 depthwise
//! convolutions (one filter per channel, 3 × 3 and 5 × 5) were 56 % of the whole forward pass —
//! rten runs them through a generic kernel that indexes its input with a run-time stride and is
//! compiled for the baseline x86-64 instruction set, ≈ 16 ns per input element for a 5 × 5
//! filter against ≈ 3 ns for a 1 × 1 convolution that does ten times the arithmetic. Every
//! convolution of the backbone (PP-LCNetV3 as exported by paddle2onnx) is also followed by eight
//! elementwise ops — a learnable affine (multiply, add a scalar), a hard-swish spelt out as Add,
//! Clip, Mul, Div, another affine — eight passes over its output that rten does not fuse: 17 %
//! of a picture's CPU time once the depthwise convolutions were fast (perf).
//!
//! rten 0.27 has no way to register an operator of one's own, so the model is run in segments.
//! This module computes the depthwise convolutions (a zero-padded plane per channel split into
//! stride phases so that each filter tap reads a contiguous slice; all taps summed in registers;
//! AVX-512 or AVX2 + FMA chosen at run time, a portable version otherwise) and the pointwise (1 × 1)
//! convolutions (rten's own matrix multiplication, `rten-gemm`, weights packed once), each with
//! the elementwise chain that follows it applied to the output while it is hot. rten computes
//! the rest (the first convolution, the squeeze-and-excitation blocks, the neck and head): it
//! accepts an intermediate value as a run input and plans only what is still needed, its plans
//! cached per input/output set; where one of our convolutions feeds the next, rten is not
//! called in between.
//!
//! The weights are read from the ONNX file itself (`rten-onnx`, the parser rten uses); segment
//! boundaries are the value names of the ONNX graph. Anything unexpected (a weight that is not a
//! constant, a name rten does not know, a segment rten cannot plan) leaves the plan unused:
//! [`Convs::from_onnx`] returns `None` and the model runs whole, as before.
//!
//! With [`Precision::Int8`] the pointwise convolutions are int8 matrix products ([`int8`]),
//! used only if the plan then reads a rendered line as rten running the model whole does.

mod int8;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use rten::{Model, NodeId, Value};
use rten_gemm::{
    BiasVector, GemmExecutor, GemmInputA, GemmInputB, GemmUninitOptions, PackedAMatrix,
};
use rten_onnx::onnx::{ModelProto, NodeProto, TensorProto};
use rten_tensor::prelude::*;
use rten_tensor::{NdTensor, NdTensorView};

/// One depthwise convolution: `input` and `output` are value nodes of the rten graph.
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
    fn apply(self, x: f32) -> f32 {
        match self {
            Step::Mul(c) => c * x,
            Step::Add(c) => x + c,
            Step::Affine(m, a) => x * m + a,
            Step::HardSwish { add, lo, hi, div } => x * (x + add).max(lo).min(hi) / div,
        }
    }
}

/// A pointwise (1 × 1, stride 1, no padding, one group) convolution: a matrix product.
struct PwConv {
    input: NodeId,
    output: NodeId,
    cin: usize,
    cout: usize,
    /// The `cout × cin` weights, packed for rten-gemm.
    weights: PackedAMatrix<f32>,
    /// The same quantised, where int8 is used for this convolution (see [`Precision`]).
    int8: Option<int8::QuantWeights>,
    bias: Vec<f32>,
    epilogue: Vec<Step>,
}

/// How the pointwise convolutions are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    F32,
    /// int8 matrix products where the processor has a kernel for them that cannot saturate
    /// (see [`int8`]), and where the model's check passes; f32 otherwise.
    Int8,
}

impl Precision {
    /// The environment variable that selects f32 everywhere. int8 is the default: it meets the
    /// 1 s target for a 表三 picture with every figure and identity of the benchmark; f32 reads
    /// 2 labels of 3160 more right there (near-ties; see `docs/ocr-bench.md`).
    pub const F32_VAR: &'static str = "NIANBAO_OCR_F32";

    /// [`Precision::F32`] when `NIANBAO_OCR_F32` is set to anything but `0` or nothing,
    /// [`Precision::Int8`] otherwise; `var` reads the environment.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Precision {
        match var(Self::F32_VAR) {
            Some(v) if !v.is_empty() && v != "0" => Precision::F32,
            _ => Precision::Int8,
        }
    }
}

enum Conv {
    Depthwise(DwConv),
    Pointwise(PwConv),
}

impl Conv {
    fn input(&self) -> NodeId {
        match self {
            Conv::Depthwise(c) => c.input,
            Conv::Pointwise(c) => c.input,
        }
    }
    fn output(&self) -> NodeId {
        match self {
            Conv::Depthwise(c) => c.output,
            Conv::Pointwise(c) => c.output,
        }
    }
}

/// Largest difference of a probability allowed between the int8 plan and rten on the check
/// line ([`Convs::agrees_quantised`]): 0.11 measured (at the space, 0.51 against 0.63).
const INT8_MAX_DIFF: f32 = 0.25;

/// Rendered text (`examples/gen_check_line.rs`) read at load by the int8 plan and by rten.
const CHECK_LINE: &[u8] = include_bytes!("convs/check_line.png");

/// The model's convolutions computed here, in graph order, and how to run around them.
pub struct Convs {
    convs: Vec<Conv>,
    /// Whether the pointwise convolutions that have int8 weights use them.
    int8: bool,
    model_input: NodeId,
    model_output: NodeId,
}

impl std::fmt::Debug for Convs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
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
    (merge_affine(best.0), best.1)
}

/// Mul(m) then Add(a) → Affine(m, a).
fn merge_affine(steps: Vec<Step>) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::with_capacity(steps.len());
    for s in steps {
        match (out.last(), s) {
            (Some(&Step::Mul(m)), Step::Add(a)) => {
                *out.last_mut().expect("non-empty") = Step::Affine(m, a);
            }
            _ => out.push(s),
        }
    }
    out
}

/// Whether the value `target` can be computed from the value `source` and constants alone.
/// `producers`: value name → the node computing it.
fn depends_only_on(
    producers: &HashMap<&str, &NodeProto>,
    target: &str,
    source: &str,
    constant: &Constants,
) -> bool {
    let mut seen = HashSet::new();
    let mut todo = vec![target];
    while let Some(v) = todo.pop() {
        if v.is_empty() || v == source || !seen.insert(v) {
            continue;
        }
        match producers.get(v) {
            Some(n) if n.op_type.as_deref() == Some("Constant") => {}
            Some(n) => todo.extend(n.input.iter().map(|s| s.as_str())),
            // Not computed by a node: an initializer, or an input of the graph.
            None if constant(v).is_some() => {}
            None => return false,
        }
    }
    true
}

impl Convs {
    /// Finds the depthwise and pointwise convolutions of the ONNX model `bytes` that `model`
    /// was loaded from. `None` when the model has none, or anything about them is unexpected.
    pub fn from_onnx(bytes: &[u8], model: &Model, precision: Precision) -> Option<Convs> {
        let int8 = precision == Precision::Int8 && int8::available();
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
        let graph_input = graph.input.first()?.name.clone()?;
        let graph_output = graph.output.first()?.name.clone()?;
        let producers: HashMap<&str, &NodeProto> = graph
            .node
            .iter()
            .flat_map(|n| n.output.iter().map(move |o| (o.as_str(), n)))
            .collect();
        // Value where rten takes over after the last convolution taken (name), for each taken.
        let mut convs: Vec<(Conv, String)> = Vec::new();
        for n in &graph.node {
            if n.op_type.as_deref() != Some("Conv") {
                continue;
            }
            let group = attr_int(n, "group").unwrap_or(1) as usize;
            let Some((wdims, weights)) = n.input.get(1).and_then(|w| constant(w)) else {
                continue;
            };
            if wdims.len() != 4 || wdims.iter().any(|&d| d <= 0) {
                continue;
            }
            let [cout, cin_g, kh, kw] = [0, 1, 2, 3].map(|i| wdims[i] as usize);
            if let Some(k) = attr_ints(n, "kernel_shape") {
                if k.iter().map(|&v| v as usize).ne([kh, kw]) {
                    continue;
                }
            }
            if attr_ints(n, "dilations").is_some_and(|d| d.iter().any(|&v| v != 1))
                || n.attribute.iter().any(|a| {
                    a.name.as_deref() == Some("auto_pad")
                        && a.s.as_deref().is_some_and(|s| s != "NOTSET")
                })
            {
                continue;
            }
            let stride = match attr_ints(n, "strides").as_deref() {
                None => [1, 1],
                Some([a, b]) => [*a as usize, *b as usize],
                _ => continue,
            };
            let pads = match attr_ints(n, "pads").as_deref() {
                None => [0; 4],
                // ONNX order: top, left, bottom, right.
                Some([t, l, b, r]) => [*t as usize, *l as usize, *b as usize, *r as usize],
                _ => continue,
            };
            let bias = match n.input.get(2).filter(|s| !s.is_empty()) {
                Some(name) => match constant(name) {
                    Some((_, b)) => b,
                    None => continue,
                },
                None => vec![0.0; cout],
            };
            if weights.len() != cout * cin_g * kh * kw || bias.len() != cout {
                continue;
            }
            let (Some(input), Some(out)) = (n.input.first(), n.output.first()) else {
                continue;
            };
            // rten must be able to compute this convolution's input from where the previous one
            // left off, and the rest of the model from where this one leaves off: no value from
            // before may be needed after it (a convolution inside a squeeze-and-excitation block
            // or a shortcut is left to rten).
            let boundary = convs.last().map_or(&graph_input, |(_, b)| b);
            let (epilogue, last) = epilogue(graph, &constant, out, model);
            // A batch normalisation after the convolution is fused into it by rten, so the value
            // in between does not exist for rten.
            let normalised = epilogue.is_empty()
                && graph.node.iter().any(|m| {
                    m.op_type.as_deref() == Some("BatchNormalization")
                        && m.input.first() == Some(&last)
                });
            if normalised
                || !depends_only_on(&producers, input, boundary, &constant)
                || !depends_only_on(&producers, &graph_output, &last, &constant)
            {
                continue;
            }
            let (Some(input), Some(output)) = (model.find_node(input), model.find_node(&last))
            else {
                continue;
            };
            // A scale and shift right after the convolution go into its weights and bias.
            let (mut weights, mut bias, mut epilogue) = (weights, bias, epilogue);
            if let Some(&Step::Affine(m, a)) = epilogue.first() {
                weights.iter_mut().for_each(|w| *w *= m);
                bias.iter_mut().for_each(|b| *b = *b * m + a);
                epilogue.remove(0);
            }
            // Depthwise: one input channel per filter, as many filters as groups.
            if group > 1 && group == cout && cin_g == 1 {
                convs.push((
                    Conv::Depthwise(DwConv {
                        input,
                        output,
                        channels: group,
                        kernel: [kh, kw],
                        stride,
                        pads,
                        weights,
                        bias,
                        epilogue,
                    }),
                    last,
                ));
            } else if group == 1 && [kh, kw] == [1, 1] && stride == [1, 1] && pads == [0; 4] {
                let quantised = int8.then(|| int8::QuantWeights::new(&weights, cout, cin_g));
                let w = NdTensor::from_data([cout, cin_g], weights);
                convs.push((
                    Conv::Pointwise(PwConv {
                        input,
                        output,
                        cin: cin_g,
                        cout,
                        weights: with_gemm(|g| g.prepack_a(w.view())),
                        int8: quantised,
                        bias,
                        epilogue,
                    }),
                    last,
                ));
            }
        }
        let mut plan = Convs {
            convs: convs.into_iter().map(|(c, _)| c).collect(),
            int8: false,
            model_input: *model.input_ids().first()?,
            model_output: *model.output_ids().first()?,
        };
        // rten's optimiser may have fused a value away that the graph shows (a convolution
        // followed by a batch normalisation): check the plan once, dropping convolutions from
        // the end until it agrees with rten.
        while !plan.convs.is_empty() {
            if plan.agrees(model) {
                // The int8 check costs two inferences at load: only where int8 can be used.
                if int8 {
                    plan.int8 = true;
                    if !plan.agrees_quantised(model) {
                        plan.int8 = false;
                        for c in &mut plan.convs {
                            if let Conv::Pointwise(c) = c {
                                c.int8 = None;
                            }
                        }
                    }
                }
                return Some(plan);
            }
            plan.convs.pop();
        }
        None
    }

    /// Whether int8 products are used.
    pub fn precision(&self) -> Precision {
        let quantised = self
            .convs
            .iter()
            .any(|c| matches!(c, Conv::Pointwise(PwConv { int8: Some(_), .. })));
        if self.int8 && quantised {
            Precision::Int8
        } else {
            Precision::F32
        }
    }

    /// Convolutions and the elementwise steps fused into each, for diagnostics.
    pub fn describe(&self) -> String {
        self.convs
            .iter()
            .map(|c| match c {
                Conv::Depthwise(c) => format!(
                    "dw {}×{}×{} /{:?} +{}",
                    c.channels,
                    c.kernel[0],
                    c.kernel[1],
                    c.stride,
                    c.epilogue.len()
                ),
                Conv::Pointwise(c) => format!(
                    "pw {}→{}{} +{}",
                    c.cin,
                    c.cout,
                    if self.int8 && c.int8.is_some() {
                        " int8"
                    } else {
                        ""
                    },
                    c.epilogue.len()
                ),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Runs `model` on `input` (NCHW), computing the convolutions here.
    pub fn run(&self, model: &Model, input: NdTensor<f32, 4>) -> Result<Value, String> {
        let segment =
            |from: NodeId, value: NdTensor<f32, 4>, to: NodeId| -> Result<Value, String> {
                let [out] = model
                    .run_n(vec![(from, value.into())], [to], None)
                    .map_err(|e| e.to_string())?;
                Ok(out)
            };
        let mut from = self.model_input;
        let mut value = input;
        // Steps of a pointwise convolution's tail not yet applied: a depthwise convolution right
        // after applies them as it copies its input (one pass over the data fewer).
        let mut pending: &[Step] = &[];
        for (i, conv) in self.convs.iter().enumerate() {
            if from != conv.input() {
                if !pending.is_empty() {
                    value = apply_steps_tensor(value, pending);
                    pending = &[];
                }
                value = segment(from, value, conv.input())?
                    .try_into()
                    .map_err(|e: rten::TryFromValueError| e.to_string())?;
            }
            value = match conv {
                Conv::Depthwise(c) => c.apply(value, std::mem::take(&mut pending)),
                Conv::Pointwise(c) => {
                    let quantised = c.int8.as_ref().filter(|_| self.int8);
                    // The int8 product applies the tail as it dequantises, in cache anyway.
                    let next_dw = quantised.is_none()
                        && matches!(self.convs.get(i + 1), Some(Conv::Depthwise(d)) if d.input == c.output);
                    if next_dw {
                        pending = &c.epilogue;
                    }
                    c.apply(value, !next_dw, quantised)?
                }
            };
            from = conv.output();
        }
        if !pending.is_empty() {
            value = apply_steps_tensor(value, pending);
        }
        segment(from, value, self.model_output)
    }

    /// The model's output on `input`, run whole by rten and split by this plan.
    fn outputs(
        &self,
        model: &Model,
        input: NdTensor<f32, 4>,
    ) -> Option<(NdTensor<f32, 3>, NdTensor<f32, 3>)> {
        let whole: NdTensor<f32, 3> = model
            .run_one(input.view().into(), None)
            .ok()?
            .try_into()
            .ok()?;
        let split: NdTensor<f32, 3> = self.run(model, input).ok()?.try_into().ok()?;
        (whole.shape() == split.shape()).then_some((whole, split))
    }

    /// Whether the split run works and gives what rten gives running the model whole, on a
    /// line of noise.
    fn agrees(&self, model: &Model) -> bool {
        let (h, w) = (48, 64);
        let mut x = 12345u32;
        let data: Vec<f32> = (0..3 * h * w)
            .map(|_| {
                x = x.wrapping_mul(1103515245).wrapping_add(12345);
                (x >> 16) as f32 / 32768.0 - 1.0
            })
            .collect();
        let input = NdTensor::from_data([1, 3, h, w], data);
        self.outputs(model, input)
            .is_some_and(|(a, b)| a.iter().zip(b.iter()).all(|(p, q)| (p - q).abs() < 1e-3))
    }

    /// Whether the run with int8 products reads a line of text as rten running the model whole
    /// does: the same characters (spaces aside) and every probability within
    /// [`INT8_MAX_DIFF`]. The line ([`CHECK_LINE`]) is rendered text, 492 × 48: on noise the
    /// model is unsure everywhere, so a correct quantised run differed there as much as a wrong
    /// one (0.24 against 0.38 for per-column zero points applied to the wrong columns).
    fn agrees_quantised(&self, model: &Model) -> bool {
        let Ok(line) = image::load_from_memory(CHECK_LINE) else {
            return false;
        };
        let line = line.to_luma8();
        let (h, w) = (line.height() as usize, line.width() as usize);
        let plane = line.pixels().map(|p| (p.0[0] as f32 / 255.0 - 0.5) / 0.5);
        let data: Vec<f32> = plane.clone().chain(plane.clone()).chain(plane).collect();
        let Some((whole, split)) = self.outputs(model, NdTensor::from_data([1, 3, h, w], data))
        else {
            return false;
        };
        let max_diff = whole
            .iter()
            .zip(split.iter())
            .fold(0.0f32, |m, (p, q)| m.max((p - q).abs()));
        let (a, b) = (greedy(&whole), greedy(&split));
        if std::env::var_os("NIANBAO_OCR_TRACE").is_some() {
            eprintln!(
                "int8 check: {} classes read, {}; largest probability difference {max_diff:.3}",
                a.len(),
                if a == b { "the same" } else { "different" }
            );
        }
        !a.is_empty() && a == b && max_diff <= INT8_MAX_DIFF
    }
}

/// Greedy CTC decoding of one output (`1 × steps × classes`): the classes read, repeats
/// collapsed, blanks (class 0) and spaces (the last class) dropped. A space is where the model
/// is least sure (0.51 on the check line).
fn greedy(out: &NdTensor<f32, 3>) -> Vec<usize> {
    let [_, steps, classes] = out.shape();
    let mut read = Vec::new();
    let mut prev = 0;
    for t in 0..steps {
        let p = out.slice((0, t));
        let best = (0..classes)
            .max_by(|&a, &b| p[[a]].total_cmp(&p[[b]]))
            .unwrap_or(0);
        if best != prev && best != 0 && best != classes - 1 {
            read.push(best);
        }
        prev = best;
    }
    read
}

impl PwConv {
    /// The convolution; its elementwise tail too unless `tail` is false (the caller applies it).
    /// With `int8`, quantised (always with its tail).
    fn apply(
        &self,
        x: NdTensor<f32, 4>,
        tail: bool,
        int8: Option<&int8::QuantWeights>,
    ) -> Result<NdTensor<f32, 4>, String> {
        let [n, c, h, w] = x.shape();
        if c != self.cin {
            return Err(format!(
                "pointwise input has {c} channels, not {}",
                self.cin
            ));
        }
        let x = x.to_contiguous();
        let hw = h * w;
        let len = n * self.cout * hw;
        let mut out: Vec<f32> = Vec::with_capacity(len);
        // The matrix product writes every element: no need to zero the buffer first.
        for (b, o) in out.spare_capacity_mut()[..len]
            .chunks_mut(self.cout * hw)
            .enumerate()
        {
            let xb = &x.data()[b * c * hw..(b + 1) * c * hw];
            if let Some(q) = int8 {
                rten::thread_pool().run(|| q.apply(xb, hw, &self.bias, &self.epilogue, o))?;
                continue;
            }
            let rhs = NdTensorView::from_data([self.cin, hw], xb);
            let o = rten::thread_pool()
                .run(|| {
                    with_gemm(|gemm| {
                        gemm.gemm_uninit(
                            o,
                            GemmInputA::Packed(&self.weights),
                            GemmInputB::Unpacked(rhs),
                            GemmUninitOptions {
                                bias: Some(BiasVector::Column(&self.bias)),
                                ..GemmUninitOptions::default()
                            },
                        )
                    })
                })
                .map_err(|e| e.to_string())?;
            if tail {
                apply_steps(o, &self.epilogue);
            }
        }
        // SAFETY: `gemm_uninit` (f32) or `QuantWeights::apply` (int8) initialised every chunk
        // of the first `len` elements (each returns the initialised slice; any error returned
        // early above).
        unsafe { out.set_len(len) };
        Ok(NdTensor::from_data([n, self.cout, h, w], out))
    }
}

/// `apply_steps` over a whole tensor.
fn apply_steps_tensor(x: NdTensor<f32, 4>, steps: &[Step]) -> NdTensor<f32, 4> {
    let shape = x.shape();
    let mut data = x.into_data();
    apply_steps(&mut data, steps);
    NdTensor::from_data(shape, data)
}

/// rten-gemm's executor (not `Send`: one per thread; it picks the same kernel on every thread,
/// so weights packed on one are read right on another).
fn with_gemm<R>(f: impl FnOnce(&GemmExecutor<f32>) -> R) -> R {
    thread_local! {
        static GEMM: GemmExecutor<f32> = GemmExecutor::default();
    }
    GEMM.with(f)
}

/// Applies elementwise steps to a slice (vectorised, with AVX-512 or AVX2 when available).
fn apply_steps(xs: &mut [f32], steps: &[Step]) {
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
unsafe fn finish_avx512(
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
unsafe fn finish_avx2(
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

impl DwConv {
    /// The convolution of `x` with `prologue` applied to it first.
    fn apply(&self, x: NdTensor<f32, 4>, prologue: &[Step]) -> NdTensor<f32, 4> {
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

/// Which kernels the depthwise convolutions and the elementwise steps use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Isa {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Isa {
    /// The best the processor has, detected once.
    fn detect() -> Isa {
        static ISA: std::sync::OnceLock<Isa> = std::sync::OnceLock::new();
        *ISA.get_or_init(|| Isa::available().pop().unwrap_or(Isa::Portable))
    }

    /// Every kernel this processor can run, worst first.
    fn available() -> Vec<Isa> {
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

/// One output row with AVX-512: 64 outputs at a time in four accumulators (independent chains
/// hide the FMA latency), then 16 at a time with the taps split over four accumulators.
///
/// # Safety
/// AVX-512F must be available, and `row0 + max tap offset + max(64, out.len() rounded up to
/// 16)` must not exceed `phases.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn row_avx512(
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
    let finish = |v: __m512| finish_avx512(v, epilogue);
    let mut x0 = 0;
    while x0 + 64 <= ow {
        let b = _mm512_set1_ps(bias);
        let (mut a0, mut a1, mut a2, mut a3) = (b, b, b, b);
        for &(off, w) in taps {
            let s = p.add(off + x0);
            let w = _mm512_set1_ps(w);
            a0 = _mm512_fmadd_ps(_mm512_loadu_ps(s), w, a0);
            a1 = _mm512_fmadd_ps(_mm512_loadu_ps(s.add(16)), w, a1);
            a2 = _mm512_fmadd_ps(_mm512_loadu_ps(s.add(32)), w, a2);
            a3 = _mm512_fmadd_ps(_mm512_loadu_ps(s.add(48)), w, a3);
        }
        let o = out.as_mut_ptr().add(x0);
        _mm512_storeu_ps(o, finish(a0));
        _mm512_storeu_ps(o.add(16), finish(a1));
        _mm512_storeu_ps(o.add(32), finish(a2));
        _mm512_storeu_ps(o.add(48), finish(a3));
        x0 += 64;
    }
    while x0 < ow {
        let z = _mm512_setzero_ps();
        let (mut a0, mut a1, mut a2, mut a3) = (_mm512_set1_ps(bias), z, z, z);
        let mut quads = taps.chunks_exact(4);
        for q in quads.by_ref() {
            a0 = _mm512_fmadd_ps(
                _mm512_loadu_ps(p.add(q[0].0 + x0)),
                _mm512_set1_ps(q[0].1),
                a0,
            );
            a1 = _mm512_fmadd_ps(
                _mm512_loadu_ps(p.add(q[1].0 + x0)),
                _mm512_set1_ps(q[1].1),
                a1,
            );
            a2 = _mm512_fmadd_ps(
                _mm512_loadu_ps(p.add(q[2].0 + x0)),
                _mm512_set1_ps(q[2].1),
                a2,
            );
            a3 = _mm512_fmadd_ps(
                _mm512_loadu_ps(p.add(q[3].0 + x0)),
                _mm512_set1_ps(q[3].1),
                a3,
            );
        }
        for &(off, w) in quads.remainder() {
            a0 = _mm512_fmadd_ps(_mm512_loadu_ps(p.add(off + x0)), _mm512_set1_ps(w), a0);
        }
        let a = _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3));
        let mut tmp = [0.0f32; 16];
        _mm512_storeu_ps(tmp.as_mut_ptr(), finish(a));
        let n = 16.min(ow - x0);
        out[x0..x0 + n].copy_from_slice(&tmp[..n]);
        x0 += 16;
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
    let finish = |v: __m256| finish_avx2(v, epilogue);
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
