//! Reading the plan from the ONNX graph: which convolutions are computed here, their weights,
//! the elementwise steps after each, and where rten takes over between them.

use std::collections::{HashMap, HashSet};

use rten::Model;
use rten_onnx::onnx::{ModelProto, NodeProto, TensorProto};
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

use super::depthwise::DwConv;
use super::int8;
use super::pointwise::{with_gemm, PwConv};
use super::steps::Step;
use super::{Conv, Convs, Precision};

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
}
