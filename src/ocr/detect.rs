//! Text-line detection on a page image with the PP-OCRv4 detection model (DB, "differentiable
//! binarisation"), run on `rten` like the recogniser.
//!
//! The model file `ch_PP-OCRv4_det_infer.onnx` ships in the same wheel as the recognition model
//! (`rapidocr_onnxruntime==1.4.4`, `scripts/setup-models`). Pre- and post-processing follow that
//! wheel's `ch_ppocr_det` (`DetPreProcess`, `DBPostProcess`, `config.yaml`):
//! - input: BGR, `(x/255 − 0.5)/0.5` per channel (the wheel's configured mean and std are both
//!   0.5, not ImageNet's), NCHW, both sides multiples of 32;
//! - output: a probability map of text, one value per input pixel;
//! - DB post-processing: map > 0.3, dilated by a 2 × 2 square, connected regions; a region's
//!   score is its box's mean probability, kept when ≥ 0.5; the box is grown by
//!   `area × 1.6 / perimeter` on every side ("unclip", the model predicts shrunk text cores)
//!   and mapped back to page pixels.
//!
//! Unlike the wheel (which keeps the short side ≥ 736 px), the page is scaled so that its long
//! side is at most [`MAX_SIDE`]: a 150 dpi A4 page (1240 × 1754) then costs a third of the
//! work, and body text (≈ 30 px high at 150 dpi) stays ≈ 16 px high in the model's input, well
//! within what it finds. Boxes are axis-aligned: pages are straight or straightened first.

use std::path::Path;

use image::{DynamicImage, GrayImage, Luma};
use imageproc::region_labelling::{connected_components, Connectivity};
use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

use super::OcrError;

/// File name of the detection model inside the models directory.
pub const DET_MODEL: &str = "ch_PP-OCRv4_det_infer.onnx";
/// Longest side of the model's input (a multiple of 32).
pub const MAX_SIDE: u32 = 960;
/// Probability above which a pixel is text (the wheel's `thresh`).
const PIXEL_THRESHOLD: f32 = 0.3;
/// Mean probability a region's box needs (the wheel's `box_thresh`).
const BOX_THRESHOLD: f32 = 0.5;
/// How far a region's box is grown: `area × ratio / perimeter` (the wheel's `unclip_ratio`).
const UNCLIP_RATIO: f32 = 1.6;
/// Regions whose short side is below this many map pixels are noise (the wheel's `min_size`).
const MIN_SIZE: u32 = 3;
/// At most this many regions per page (the wheel's `max_candidates`).
const MAX_CANDIDATES: usize = 1000;

/// A detected text line: `[x, y, width, height]` in page pixels, and the mean probability of text
/// over the region's box in the model's map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBox {
    pub rect: [u32; 4],
    pub score: f32,
}

/// The PP-OCR text detector. Thread-safe (`&self`).
pub struct Detector {
    model: Model,
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector").finish_non_exhaustive()
    }
}

impl Detector {
    /// Loads the detection model from `dir` (see [`super::models_dir`]).
    pub fn load(dir: &Path) -> Result<Detector, OcrError> {
        let path = dir.join(DET_MODEL);
        if !path.is_file() {
            return Err(OcrError::ModelsNotFound(dir.display().to_string()));
        }
        let load_err = |message: String| OcrError::Load {
            path: path.display().to_string(),
            message,
        };
        let bytes = std::fs::read(&path).map_err(|e| load_err(e.to_string()))?;
        let model = Model::load(bytes).map_err(|e| load_err(e.to_string()))?;
        Ok(Detector { model })
    }

    /// The text lines of a page (dark text on a light ground, grey or colour), top to bottom as
    /// the regions were found (callers order them).
    pub fn detect(&self, page: &DynamicImage) -> Result<Vec<TextBox>, OcrError> {
        let (w, h) = (page.width(), page.height());
        if w < 8 || h < 8 {
            return Ok(Vec::new());
        }
        let (mw, mh) = input_size(w, h);
        let rgb = page.to_rgb8();
        let small = image::imageops::resize(&rgb, mw, mh, image::imageops::FilterType::Triangle);
        let (mwu, mhu) = (mw as usize, mh as usize);
        let mut data = vec![0.0f32; 3 * mwu * mhu];
        for (x, y, p) in small.enumerate_pixels() {
            let at = y as usize * mwu + x as usize;
            // BGR, as the wheel feeds OpenCV's images.
            for (c, &v) in [p.0[2], p.0[1], p.0[0]].iter().enumerate() {
                data[c * mwu * mhu + at] = (f32::from(v) / 255.0 - 0.5) / 0.5;
            }
        }
        let input = NdTensor::from_data([1, 3, mhu, mwu], data);
        let output = self
            .model
            .run_one(input.into(), None)
            .map_err(|e| OcrError::Run(e.to_string()))?;
        let map: NdTensor<f32, 4> = output
            .try_into()
            .map_err(|e: rten::TryFromValueError| OcrError::Run(e.to_string()))?;
        let [n, c, oh, ow] = map.shape();
        if n != 1 || c != 1 || oh != mhu || ow != mwu {
            return Err(OcrError::Run(format!(
                "unexpected detection output shape [{n}, {c}, {oh}, {ow}] for input {mw} × {mh}"
            )));
        }
        let map = map.to_contiguous();
        Ok(boxes_from_map(map.data(), mw, mh, w, h))
    }
}

/// The model's input size for a page of `w` × `h`: long side at most [`MAX_SIDE`], both sides
/// rounded to multiples of 32 (at least 32).
pub fn input_size(w: u32, h: u32) -> (u32, u32) {
    let ratio = (MAX_SIDE as f32 / w.max(h) as f32).min(1.0);
    let round32 = |v: u32| (((v as f32 * ratio) / 32.0).round() as u32).max(1) * 32;
    (round32(w), round32(h))
}

/// DB post-processing of a probability map of `mw` × `mh` into boxes on a page of `pw` × `ph`.
fn boxes_from_map(probs: &[f32], mw: u32, mh: u32, pw: u32, ph: u32) -> Vec<TextBox> {
    let at = |x: u32, y: u32| probs[(y * mw + x) as usize];
    // Threshold, then dilate by a 2 × 2 square (OpenCV's anchor: grows right and down).
    let text = |x: u32, y: u32| at(x, y) > PIXEL_THRESHOLD;
    let mask = GrayImage::from_fn(mw, mh, |x, y| {
        let on = text(x, y)
            || (x > 0 && text(x - 1, y))
            || (y > 0 && text(x, y - 1))
            || (x > 0 && y > 0 && text(x - 1, y - 1));
        Luma([u8::from(on)])
    });
    let labels = connected_components(&mask, Connectivity::Eight, Luma([0]));
    // Bounding box of each region: [x0, y0, x1, y1] inclusive.
    let mut regions: Vec<[u32; 4]> = Vec::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let l = l.0[0] as usize;
        if l == 0 {
            continue;
        }
        if regions.len() < l {
            regions.resize(l, [u32::MAX, u32::MAX, 0, 0]);
        }
        let r = &mut regions[l - 1];
        r[0] = r[0].min(x);
        r[1] = r[1].min(y);
        r[2] = r[2].max(x);
        r[3] = r[3].max(y);
    }
    let (sx, sy) = (pw as f32 / mw as f32, ph as f32 / mh as f32);
    let mut out = Vec::new();
    for [x0, y0, x1, y1] in regions.into_iter().take(MAX_CANDIDATES) {
        let (w, h) = (x1 - x0, y1 - y0);
        if w.min(h) < MIN_SIZE {
            continue;
        }
        let mut sum = 0.0f32;
        for y in y0..=y1 {
            for x in x0..=x1 {
                sum += at(x, y);
            }
        }
        let score = sum / ((w + 1) * (h + 1)) as f32;
        if score < BOX_THRESHOLD {
            continue;
        }
        let (wf, hf) = (w as f32, h as f32);
        let grow = wf * hf * UNCLIP_RATIO / (2.0 * (wf + hf));
        if (wf.min(hf) + 2.0 * grow) < (MIN_SIZE + 2) as f32 {
            continue;
        }
        let left = ((x0 as f32 - grow) * sx).round().clamp(0.0, pw as f32);
        let top = ((y0 as f32 - grow) * sy).round().clamp(0.0, ph as f32);
        let right = ((x1 as f32 + grow) * sx).round().clamp(0.0, pw as f32);
        let bottom = ((y1 as f32 + grow) * sy).round().clamp(0.0, ph as f32);
        // The wheel drops boxes of 3 page pixels or less either way.
        if right - left <= 3.0 || bottom - top <= 3.0 {
            continue;
        }
        out.push(TextBox {
            rect: [
                left as u32,
                top as u32,
                (right - left) as u32,
                (bottom - top) as u32,
            ],
            score,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_a_multiple_of_32_with_the_long_side_capped() {
        assert_eq!(input_size(1240, 1754), (672, 960));
        assert_eq!(input_size(1754, 1240), (960, 672));
        // Small pages are not enlarged.
        assert_eq!(input_size(300, 100), (288, 96));
        assert_eq!(input_size(10, 10), (32, 32));
    }

    #[test]
    fn a_region_of_high_probability_becomes_a_grown_box_in_page_pixels() {
        // A 64 × 32 map with one text core at x 10..=49, y 8..=15 (40 × 8), and a speck.
        let (mw, mh) = (64u32, 32u32);
        let mut map = vec![0.0f32; (mw * mh) as usize];
        for y in 8..=15 {
            for x in 10..=49 {
                map[(y * mw + x) as usize] = 0.9;
            }
        }
        map[(2 * mw + 60) as usize] = 0.9;
        // The page is twice the map's size.
        let boxes = boxes_from_map(&map, mw, mh, 128, 64);
        assert_eq!(boxes.len(), 1, "{boxes:?}");
        let b = boxes[0];
        // The dilated core is 41 × 9 map pixels (x 10..=50, y 8..=16): grown by
        // 40·8·1.6/(2·48) = 5.33 each side.
        let grow = 40.0 * 8.0 * 1.6 / 96.0;
        let expect = |v: f32| (v * 2.0).round() as u32;
        assert_eq!(b.rect[0], expect(10.0 - grow));
        assert_eq!(b.rect[1], expect(8.0 - grow));
        assert_eq!(b.rect[0] + b.rect[2], expect(50.0 + grow));
        assert_eq!(b.rect[1] + b.rect[3], expect(16.0 + grow));
        assert!(b.score > 0.5 && b.score < 0.9, "{}", b.score);
    }

    #[test]
    fn faint_regions_are_not_text() {
        let (mw, mh) = (32u32, 32u32);
        // Above the pixel threshold but below the box threshold on average.
        let map = vec![0.35f32; (mw * mh) as usize];
        assert!(boxes_from_map(&map, mw, mh, 32, 32).is_empty());
    }
}
