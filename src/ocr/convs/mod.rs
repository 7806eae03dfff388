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
//!
//! The rooms: `graph` reads the plan from the ONNX graph, `depthwise` and `pointwise` compute
//! the two kinds of convolution, `steps` the elementwise operations fused into them (and picks
//! the processor's kernels), `int8` the quantised pointwise products; this file runs the plan.

mod depthwise;
mod graph;
mod int8;
mod pointwise;
mod steps;

use rten::{Model, NodeId, Value};
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

use depthwise::DwConv;
use pointwise::PwConv;
use steps::{apply_steps_tensor, Step};

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
const CHECK_LINE: &[u8] = include_bytes!("check_line.png");

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

impl Convs {
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
