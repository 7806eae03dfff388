//! Runs read → recognise → check for one file, and for a batch in parallel with results
//! delivered in a stable order.
//!
//! `options` (settings, the OCR model loaded on first use), `inputs` (the files of a run),
//! `file` (one file end to end), `pages` (the text of scanned pages read by OCR), `images` (what images.csv lists), `reread` (digits of failed
//! identities read again), `budget` (memory shared by the files in flight), `batch` (the
//! parallel run in input order), `shard` (a run split over machines). This file holds what a
//! run hands out.

mod batch;
mod budget;
mod file;
mod images;
mod inputs;
mod options;
mod pages;
mod reread;
mod shard;

pub use batch::{run_batch, BatchItem};
pub use file::{process_bytes, process_file, process_file_unless};
pub use inputs::collect_inputs;
pub use options::{LazyRecogniser, Options};
pub use shard::Shard;

use crate::check::CheckResult;
use crate::model::Document;
use crate::recognise::AnnualReport;

/// The stage at which a file failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Open,
    Read,
    Internal,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Open => "open",
            Stage::Read => "read",
            Stage::Internal => "internal",
        })
    }
}

#[derive(Debug, Clone)]
pub struct FileError {
    pub stage: Stage,
    pub message: String,
}

/// What one input file produced.
#[derive(Debug)]
pub struct FileOutcome {
    /// The path as found (as given on the command line, or below a given folder).
    pub source: String,
    pub sha256: String,
    /// The format detected from the content (not the extension).
    pub format: String,
    pub result: Result<Extracted, FileError>,
}

#[derive(Debug)]
pub struct Extracted {
    pub document: Document,
    pub report: AnnualReport,
    pub checks: Vec<CheckResult>,
    /// One entry per [`Document::images`] entry, same order.
    pub images: Vec<ImageInfo>,
}

/// What is listed about an embedded image (its bytes stay in the document).
#[derive(Debug, Clone, PartialEq)]
pub struct ImageInfo {
    /// `I1`, `I2`, … in document order.
    pub id: String,
    pub part: String,
    pub content_type: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub bytes: usize,
    pub sha256: String,
    /// The report section the image is anchored in (`preamble`, `requests`, …), if anchored.
    pub section: String,
    /// The picture's alt text, if the document gives one.
    pub description: String,
}

impl Extracted {
    /// `partial` when something in the file could not be read (its warnings say what).
    /// Notes on how the tables were read (fuzzy label matches, joined pieces) inform; they do
    /// not make a file partial.
    pub fn status(&self) -> &'static str {
        let lost = self
            .report
            .warnings
            .iter()
            .any(|w| !crate::recognise::is_reading_note(w));
        if self.document.warnings.is_empty() && !lost {
            "ok"
        } else {
            "partial"
        }
    }
}
