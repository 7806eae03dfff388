//! **ocr**: offline text-line recognition with PP-OCRv4 on `rten` (pure Rust, no runtime downloads).
//!
//! The model file `ch_PP-OCRv4_rec_infer.onnx` comes from the PyPI wheel `rapidocr_onnxruntime==1.4.4`
//! (`scripts/setup-models`). Input: one text line, BGR, height 48 keeping the aspect ratio,
//! `(x/255 − 0.5)/0.5`, NCHW. Output: per time step a distribution over classes — 0 is the CTC blank,
//! 1..=N the lines of the model's `character` metadata, N+1 a space — decoded greedily.
//!
//! One forward pass yields two decodings: free (any character) and numeric (argmax restricted to
//! the blank, digits, `.` and `-`, so that a lone `0` never comes out as the letter `o`).
//! Pixel-identical crops of one call are read once: most cells of a statistics table are `0`.
//! The other crops are read several at a time, side by side in one input ("strips", see
//! [`Recogniser::recognise_batch`]): an inference costs about its width, so a short crop read
//! alone (padded to [`MIN_WIDTH`]) cost as much as a long one, plus a fixed share per run.
//!
//! The model runs in rten, except its depthwise and pointwise convolutions and what follows each
//! ([`convs`]), which rten 0.27 computes slowly; `NIANBAO_OCR_PLAIN=1` runs it whole in rten, for
//! comparison.

pub mod convs;
pub mod render;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use convs::Convs;
use image::GrayImage;
use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

/// File name of the recognition model inside the models directory.
pub const REC_MODEL: &str = "ch_PP-OCRv4_rec_infer.onnx";
/// Height of the model input.
pub const LINE_HEIGHT: u32 = 48;
/// Widest strip of lines read in one inference (model-input pixels).
pub const STRIP_WIDTH: usize = 1024;
/// White between two lines of a strip (model-input pixels), besides what is left of their own
/// margins ([`KEEP_MARGIN`]).
pub const STRIP_GAP: usize = 8;
/// White columns of a crop's own side margins kept in a strip (crop pixels). With none, digits
/// next to a strip's gap misread at 0.8× in JPEG (`62570` → `52570`, `1` → `7`, `8` → `日`).
const KEEP_MARGIN: u32 = 2;
/// Short crops are padded on the right with white to this width (2 × the height). Observed on a
/// JPEG q60 表四 header: 尚未 unpadded read as 尚末; padded, right. Costs little: short crops are
/// the cheap ones, and most of them are cache hits.
const MIN_WIDTH: usize = 96;

/// Why OCR could not run.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("OCR models not found in {0} — run scripts/setup-models")]
    ModelsNotFound(String),
    #[error("cannot load OCR model {path}: {message}")]
    Load { path: String, message: String },
    #[error("OCR inference failed: {0}")]
    Run(String),
}

/// Finds the models directory: `explicit` (the `--models` flag), else `$NIANBAO_MODELS`, else
/// `./models`, else `../../models` next to the executable (`target/<profile>/nianbao` → repo root).
/// Returns the first candidate holding the recognition model, or the highest-priority candidate
/// (so that the error names the directory the user asked for).
pub fn models_dir(explicit: Option<&Path>) -> PathBuf {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(env) = std::env::var_os("NIANBAO_MODELS") {
        if !env.is_empty() {
            return PathBuf::from(env);
        }
    }
    candidates.push(PathBuf::from("models"));
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            candidates.push(dir.join("../../models"));
            // Test and bench binaries live one level deeper (target/<profile>/deps).
            candidates.push(dir.join("../../../models"));
        }
    }
    candidates
        .iter()
        .find(|d| d.join(REC_MODEL).is_file())
        .cloned()
        .unwrap_or_else(|| candidates.swap_remove(0))
}

/// How a line is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Any character of the model.
    Free,
    /// Digits, `.` and `-` only (value cells).
    Numeric,
}

/// One recognised line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Free decoding.
    pub text: String,
    /// Mean probability of the emitted characters (1.0 when nothing was emitted).
    pub confidence: f32,
    /// Numeric decoding of the same forward pass.
    pub numeric: String,
    pub numeric_confidence: f32,
}

impl Line {
    pub fn get(&self, mode: Mode) -> (&str, f32) {
        match mode {
            Mode::Free => (&self.text, self.confidence),
            Mode::Numeric => (&self.numeric, self.numeric_confidence),
        }
    }
}

/// The PP-OCR text-line recogniser. Thread-safe (`&self` everywhere).
pub struct Recogniser {
    model: Model,
    /// The model's convolutions computed outside rten (see [`convs`]).
    convs: Option<Convs>,
    /// Class index → text; index 0 (blank) is "".
    classes: Vec<String>,
    /// Classes allowed in numeric decoding (besides the blank).
    numeric_classes: Vec<usize>,
    stats: Mutex<Stats>,
    strip_width: usize,
}

/// Counters, for benchmarks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub lines: usize,
    pub cache_hits: usize,
    pub inferences: usize,
    /// Model-input columns over all inferences: the work done (the cost of an inference grows
    /// with its width), a measure that does not depend on the machine's load.
    pub columns: usize,
}

impl std::fmt::Debug for Recogniser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recogniser")
            .field("classes", &self.classes.len())
            .finish()
    }
}

impl Recogniser {
    /// Loads the recognition model from `dir` (see [`models_dir`]).
    pub fn load(dir: &Path) -> Result<Recogniser, OcrError> {
        let path = dir.join(REC_MODEL);
        if !path.is_file() {
            return Err(OcrError::ModelsNotFound(dir.display().to_string()));
        }
        let load_err = |message: String| OcrError::Load {
            path: path.display().to_string(),
            message,
        };
        let bytes = std::fs::read(&path).map_err(|e| load_err(e.to_string()))?;
        let model = Model::load(bytes.clone()).map_err(|e| load_err(e.to_string()))?;
        // `NIANBAO_OCR_PLAIN` runs the model whole in rten (for comparison).
        let convs = if std::env::var_os("NIANBAO_OCR_PLAIN").is_some() {
            None
        } else {
            Convs::from_onnx(&bytes, &model)
        };
        if std::env::var_os("NIANBAO_OCR_TRACE").is_some() {
            match &convs {
                Some(c) => eprintln!("convolutions outside rten: {}", c.describe()),
                None => eprintln!("model runs whole in rten"),
            }
        }
        let chars = model
            .metadata()
            .get("character")
            .ok_or_else(|| load_err("no `character` metadata in the model".into()))?;
        let mut classes = vec![String::new()];
        classes.extend(chars.lines().map(|l| l.to_string()));
        classes.push(" ".to_string());
        let numeric_classes = classes
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                let mut it = c.chars();
                matches!((it.next(), it.next()), (Some(ch), None) if ch.is_ascii_digit() || ch == '.' || ch == '-')
            })
            .map(|(i, _)| i)
            .collect::<Vec<_>>();
        if numeric_classes.len() < 12 {
            return Err(load_err("the character list lacks digits".into()));
        }
        Ok(Recogniser {
            model,
            convs,
            classes,
            numeric_classes,
            stats: Mutex::new(Stats::default()),
            strip_width: STRIP_WIDTH,
        })
    }

    /// Loads from the directory found by [`models_dir`] with no explicit flag.
    pub fn load_default() -> Result<Recogniser, OcrError> {
        Recogniser::load(&models_dir(None))
    }

    /// Number of output classes (blank and space included).
    pub fn num_classes(&self) -> usize {
        self.classes.len()
    }

    pub fn stats(&self) -> Stats {
        *self.stats.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Widest strip of lines read in one inference, in model-input pixels (0: one line per
    /// inference, as before strips; see [`recognise_batch`](Self::recognise_batch)).
    pub fn set_strip_width(&mut self, px: usize) {
        self.strip_width = px;
    }

    /// Recognises one text line (dark text on a light ground, cropped with a small margin).
    pub fn recognise(&self, crop: &GrayImage) -> Result<Line, OcrError> {
        Ok(self
            .recognise_batch(std::slice::from_ref(crop))?
            .pop()
            .expect("one result per crop"))
    }

    /// Recognises several text lines; pixel-identical crops are read once.
    ///
    /// Lines are scaled to the model's height and read side by side, [`STRIP_GAP`] pixels of
    /// white apart, in strips of up to [`STRIP_WIDTH`] pixels: one inference per strip instead
    /// of one per line. The model is convolutional with one output step per 8 input columns, so
    /// each line is decoded from the steps over its own columns (and half the gaps either side).
    pub fn recognise_batch(&self, crops: &[GrayImage]) -> Result<Vec<Line>, OcrError> {
        let mut out: Vec<Option<Line>> = vec![None; crops.len()];
        // Deduplicate by pixel content within the batch. Not against earlier calls: a line is
        // read in the context of the strip it shares, so a reading remembered from another
        // picture would make the output depend on which picture another thread read first.
        let mut todo: Vec<(Vec<u8>, Vec<usize>)> = Vec::new();
        {
            let mut pos: HashMap<Vec<u8>, usize> = HashMap::new();
            for (i, crop) in crops.iter().enumerate() {
                let key = cache_key(crop);
                match pos.get(&key) {
                    Some(&j) => todo[j].1.push(i),
                    None => {
                        pos.insert(key.clone(), todo.len());
                        todo.push((key, vec![i]));
                    }
                }
            }
        }
        {
            let mut s = self.stats.lock().unwrap_or_else(|e| e.into_inner());
            s.lines += crops.len();
            s.cache_hits += crops.len() - todo.len();
        }
        let prepared: Vec<GrayImage> = todo
            .iter()
            .map(|(_, idx)| strip_line(&crops[idx[0]]))
            .collect();
        // Pack the lines into strips, in order.
        let gap = STRIP_GAP;
        let mut strips: Vec<Vec<usize>> = Vec::new();
        let mut width = 0;
        for (t, img) in prepared.iter().enumerate() {
            let w = img.width() as usize;
            match strips.last_mut() {
                Some(strip) if width + gap + w <= self.strip_width => {
                    strip.push(t);
                    width += gap + w;
                }
                _ => {
                    strips.push(vec![t]);
                    width = gap + w;
                }
            }
        }
        for strip in strips {
            let lines: Vec<&GrayImage> = strip.iter().map(|&t| &prepared[t]).collect();
            let read = self.infer_strip(&lines)?;
            for (&t, line) in strip.iter().zip(read) {
                for &i in &todo[t].1 {
                    out[i] = Some(line.clone());
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|l| l.expect("every crop recognised"))
            .collect())
    }

    /// One forward pass over line images already scaled to [`LINE_HEIGHT`], laid side by side
    /// [`STRIP_GAP`] apart (a single line is padded on the right to [`MIN_WIDTH`]).
    fn infer_strip(&self, lines: &[&GrayImage]) -> Result<Vec<Line>, OcrError> {
        let h = LINE_HEIGHT as usize;
        // Half a gap of white before the first line and after the last.
        let mut spans = Vec::with_capacity(lines.len());
        let mut x = STRIP_GAP / 2;
        for im in lines {
            let w = im.width() as usize;
            spans.push(x..x + w);
            x += w + STRIP_GAP;
        }
        let w = (x - STRIP_GAP / 2).max(MIN_WIDTH);
        {
            let mut s = self.stats.lock().unwrap_or_else(|e| e.into_inner());
            s.inferences += 1;
            s.columns += w;
        }
        // White ground: normalised white is 1.0.
        let mut data = vec![1.0f32; 3 * h * w];
        for (im, span) in lines.iter().zip(&spans) {
            for (px, py, p) in im.enumerate_pixels() {
                let v = (p.0[0] as f32 / 255.0 - 0.5) / 0.5;
                for c in 0..3 {
                    data[(c * h + py as usize) * w + span.start + px as usize] = v;
                }
            }
        }
        let input = NdTensor::from_data([1, 3, h, w], data);
        let t0 = std::time::Instant::now();
        let output = match &self.convs {
            Some(c) => c.run(&self.model, input).map_err(OcrError::Run)?,
            None => self
                .model
                .run_one(input.into(), None)
                .map_err(|e| OcrError::Run(e.to_string()))?,
        };
        if std::env::var_os("NIANBAO_OCR_TRACE").is_some() {
            eprintln!(
                "infer lines={} w={w}: {:.1} ms",
                lines.len(),
                t0.elapsed().as_secs_f64() * 1e3
            );
        }
        let probs: NdTensor<f32, 3> = output
            .try_into()
            .map_err(|e: rten::TryFromValueError| OcrError::Run(e.to_string()))?;
        let [bn, steps, classes] = probs.shape();
        if bn != 1 || classes != self.classes.len() || steps == 0 {
            return Err(OcrError::Run(format!(
                "unexpected output shape [{bn}, {steps}, {classes}] (model has {} classes)",
                self.classes.len()
            )));
        }
        let probs = probs.to_contiguous();
        let rows: Vec<&[f32]> = probs.data().chunks_exact(classes).collect();
        // Input columns per output step (8 for PP-OCRv4).
        let per_step = w as f32 / steps as f32;
        let half_gap = STRIP_GAP as f32 / 2.0;
        Ok(spans
            .iter()
            .map(|span| {
                let (x0, x1) = (span.start as f32 - half_gap, span.end as f32 + half_gap);
                let own: Vec<&[f32]> = rows
                    .iter()
                    .enumerate()
                    .filter(|(t, _)| {
                        let c = (*t as f32 + 0.5) * per_step;
                        c >= x0 && c < x1
                    })
                    .map(|(_, r)| *r)
                    .collect();
                self.decode(&own)
            })
            .collect())
    }

    /// Free and numeric decodings of one line's output steps.
    fn decode(&self, rows: &[&[f32]]) -> Line {
        let mut free = Vec::with_capacity(rows.len());
        let mut numeric = Vec::with_capacity(rows.len());
        for row in rows {
            let (mut best, mut bp) = (0usize, f32::MIN);
            for (c, &p) in row.iter().enumerate() {
                if p > bp {
                    best = c;
                    bp = p;
                }
            }
            free.push((best, bp));
            let (mut nb, mut np) = (0usize, row[0]);
            for &c in &self.numeric_classes {
                if row[c] > np {
                    nb = c;
                    np = row[c];
                }
            }
            numeric.push((nb, np));
        }
        let (text, confidence) = self.ctc(&free);
        let (mut numeric, mut numeric_confidence) = self.ctc(&numeric);
        if numeric.is_empty() {
            // There is ink (crops are cut to ink), so some digit is there: take the digit
            // with the highest probability at any step, at that (low) confidence.
            let mut best = (0usize, 0.0f32);
            for row in rows {
                for &c in &self.numeric_classes {
                    let p = row[c];
                    if self.classes[c].as_bytes()[0].is_ascii_digit() && p > best.1 {
                        best = (c, p);
                    }
                }
            }
            if best.0 != 0 {
                numeric = self.classes[best.0].clone();
                numeric_confidence = best.1;
            }
        }
        Line {
            text,
            confidence,
            numeric,
            numeric_confidence,
        }
    }

    /// CTC greedy decoding: collapse repeats, drop blanks.
    fn ctc(&self, steps: &[(usize, f32)]) -> (String, f32) {
        let mut text = String::new();
        let mut probs = Vec::new();
        let mut prev = 0usize;
        for &(c, p) in steps {
            if c != 0 && c != prev {
                text.push_str(&self.classes[c]);
                probs.push(p);
            }
            prev = c;
        }
        let conf = if probs.is_empty() {
            1.0
        } else {
            probs.iter().sum::<f32>() / probs.len() as f32
        };
        (text.trim().to_string(), conf)
    }
}

fn cache_key(img: &GrayImage) -> Vec<u8> {
    let mut key = Vec::with_capacity(8 + img.as_raw().len());
    key.extend_from_slice(&img.width().to_le_bytes());
    key.extend_from_slice(&img.height().to_le_bytes());
    key.extend_from_slice(img.as_raw());
    key
}

/// Scales a crop to the model's line height, keeping the aspect ratio.
pub fn to_line_height(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    if h == 0 || w == 0 {
        return GrayImage::from_pixel(8, LINE_HEIGHT, image::Luma([255]));
    }
    let nw = ((w as f32 * LINE_HEIGHT as f32 / h as f32).round() as u32).clamp(8, 4096);
    image::imageops::resize(img, nw, LINE_HEIGHT, image::imageops::FilterType::Triangle)
}

/// A line for a strip: scaled to the model's height by its full height (its top and bottom
/// margins included, so the text keeps its size relative to the height), with the white
/// columns at either end dropped but [`KEEP_MARGIN`]: the strip's gaps separate lines.
fn strip_line(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let white_col = |x: u32| (0..h).all(|y| img.get_pixel(x, y).0[0] == 255);
    let x0 = (0..w).find(|&x| !white_col(x)).unwrap_or(0);
    let x1 = (0..w).rev().find(|&x| !white_col(x)).map_or(w, |x| x + 1);
    let (x0, x1) = (x0.saturating_sub(KEEP_MARGIN), (x1 + KEEP_MARGIN).min(w));
    if h == 0 || x1 <= x0 {
        return GrayImage::from_pixel(8, LINE_HEIGHT, image::Luma([255]));
    }
    let nw = ((x1 - x0) as f32 * LINE_HEIGHT as f32 / h as f32).round() as u32;
    let sub = image::imageops::crop_imm(img, x0, 0, x1 - x0, h).to_image();
    image::imageops::resize(
        &sub,
        nw.clamp(4, 4096),
        LINE_HEIGHT,
        image::imageops::FilterType::Triangle,
    )
}
