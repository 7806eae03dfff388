//! Pointwise (1 × 1) convolutions: rten-gemm matrix products with packed weights, in f32 or
//! int8 (see `int8`), the elementwise tail applied while the output is hot.

use rten::NodeId;
use rten_gemm::{
    BiasVector, GemmExecutor, GemmInputA, GemmInputB, GemmUninitOptions, PackedAMatrix,
};
use rten_tensor::prelude::*;
use rten_tensor::{NdTensor, NdTensorView};

use super::int8;
use super::steps::{apply_steps, Step};

/// A pointwise (1 × 1, stride 1, no padding, one group) convolution: a matrix product.
pub(super) struct PwConv {
    pub(super) input: NodeId,
    pub(super) output: NodeId,
    pub(super) cin: usize,
    pub(super) cout: usize,
    /// The `cout × cin` weights, packed for rten-gemm.
    pub(super) weights: PackedAMatrix<f32>,
    /// The same quantised, where int8 is used for this convolution (see [`super::Precision`]).
    pub(super) int8: Option<int8::QuantWeights>,
    pub(super) bias: Vec<f32>,
    pub(super) epilogue: Vec<Step>,
}

impl PwConv {
    /// The convolution; its elementwise tail too unless `tail` is false (the caller applies it).
    /// With `int8`, quantised (always with its tail).
    pub(super) fn apply(
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

/// rten-gemm's executor (not `Send`: one per thread; it picks the same kernel on every thread,
/// so weights packed on one are read right on another).
pub(super) fn with_gemm<R>(f: impl FnOnce(&GemmExecutor<f32>) -> R) -> R {
    thread_local! {
        static GEMM: GemmExecutor<f32> = GemmExecutor::default();
    }
    GEMM.with(f)
}
