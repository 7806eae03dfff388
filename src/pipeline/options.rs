//! The settings of a run, and the OCR recogniser loaded once — when the first picture needs it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::ocr::detect::Detector;
use crate::ocr::{OcrError, Recogniser};
use crate::read::Limits;

/// Settings of one run.
#[derive(Debug, Clone)]
pub struct Options {
    pub limits: Limits,
    /// Largest input file read at all, in bytes.
    pub max_file_bytes: u64,
    /// The OCR recogniser for pictures of tables, loaded once per run — when the first picture
    /// needs it — and shared by the threads; `None` reads no pictures (they are still listed
    /// and saved) and marks such files partial.
    pub ocr: Option<Arc<LazyRecogniser>>,
    /// In a batch, files are read at the same time only while their
    /// [`memory_estimate`](read::memory_estimate)s add up to at most this many bytes; a file
    /// larger than the budget is read alone.
    pub memory_budget: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            max_file_bytes: 512 << 20,
            ocr: None,
            memory_budget: 128 << 20,
        }
    }
}

impl Options {
    /// Default options with the OCR models from `dir` (or where [`crate::ocr::models_dir`]
    /// finds them).
    pub fn with_ocr(dir: Option<&Path>) -> Result<Options, OcrError> {
        let ocr = LazyRecogniser::new(&crate::ocr::models_dir(dir))?;
        Ok(Options {
            ocr: Some(Arc::new(ocr)),
            ..Options::default()
        })
    }
}

/// The recogniser of a run, loaded the first time a picture needs it: a batch without
/// pictures never pays for parsing and checking the model (≈ 0.2 s of CPU and 17 MB, about
/// half the CPU time of 200 reports).
#[derive(Debug)]
pub struct LazyRecogniser {
    dir: PathBuf,
    loaded: OnceLock<Result<Recogniser, OcrError>>,
    /// The text detector, for pictures of whole pages; loaded the first time a scanned page
    /// needs it (a run without scans never loads it, and a models directory without it still
    /// reads table pictures).
    detector: OnceLock<Result<Detector, OcrError>>,
}

impl LazyRecogniser {
    /// Fails at once when the model file is missing, so a run warns before it starts.
    pub fn new(dir: &Path) -> Result<Self, OcrError> {
        if !dir.join(crate::ocr::REC_MODEL).is_file() {
            return Err(OcrError::ModelsNotFound(dir.display().to_string()));
        }
        Ok(LazyRecogniser {
            dir: dir.to_path_buf(),
            loaded: OnceLock::new(),
            detector: OnceLock::new(),
        })
    }

    pub fn get(&self) -> Result<&Recogniser, &OcrError> {
        self.loaded
            .get_or_init(|| Recogniser::load(&self.dir))
            .as_ref()
    }

    pub fn detector(&self) -> Result<&Detector, &OcrError> {
        self.detector
            .get_or_init(|| Detector::load(&self.dir))
            .as_ref()
    }
}
