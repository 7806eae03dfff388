//! Runs read → recognise → check for one file, and for a batch in parallel with results
//! delivered in a stable order.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use sha2::{Digest, Sha256};

use crate::check::{check_report, CheckResult};
use crate::model::Document;
use crate::read::{self, Limits};
use crate::recognise::{recognise, AnnualReport, ReportKind};

/// Settings of one run.
#[derive(Debug, Clone)]
pub struct Options {
    pub limits: Limits,
    /// Largest input file read at all, in bytes.
    pub max_file_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            max_file_bytes: 512 << 20,
        }
    }
}

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
}

impl Extracted {
    /// `partial` when something in the file could not be read (its warnings say what).
    /// Notes on how a label was matched (fuzzy matches) inform; they do not make a file partial.
    pub fn status(&self) -> &'static str {
        let lost = self
            .report
            .warnings
            .iter()
            .any(|w| !crate::recognise::is_matching_note(w));
        if self.document.warnings.is_empty() && !lost {
            "ok"
        } else {
            "partial"
        }
    }
}

/// Extensions picked up when walking a folder; files named on the command line are always read.
const DOCUMENT_EXTENSIONS: &[&str] = &[
    "docx", "docm", "dotx", "xlsx", "xlsm", "xls", "doc", "wps", "et", "pdf", "htm", "html", "rtf",
];

/// Expands files and folders (recursively, following links once) into a sorted list of inputs.
pub fn collect_inputs(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut seen_dirs = HashSet::new();
    for p in paths {
        let meta = std::fs::metadata(p)?;
        if meta.is_dir() {
            walk(p, &mut out, &mut seen_dirs)?;
        } else {
            out.push(p.clone());
        }
    }
    // Sorted by the path as text, the order `export` reproduces from the database.
    out.sort_by_key(|p| p.to_string_lossy().into_owned());
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut HashSet<PathBuf>) -> std::io::Result<()> {
    // A symlink loop would revisit a folder: canonical paths catch it.
    let canon = std::fs::canonicalize(dir)?;
    if !seen.insert(canon) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Office lock files (~$report.docx) and hidden files are not documents.
        if name.starts_with("~$") || name.starts_with('.') {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, out, seen)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.to_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads, recognises and checks one file. Never panics: a panic inside becomes an error row.
pub fn process_file(path: &Path, opts: &Options) -> FileOutcome {
    match process_file_unless(path, opts, &|_| false) {
        BatchItem::Processed(o) => *o,
        BatchItem::Unchanged { .. } => unreachable!("nothing is skipped"),
    }
}

/// One result of a batch: a file processed now, or one whose content is already stored.
#[derive(Debug)]
pub enum BatchItem {
    Processed(Box<FileOutcome>),
    Unchanged { source: String, sha256: String },
}

/// Like [`process_file`], but a file whose sha256 satisfies `known` is not read any further.
pub fn process_file_unless(
    path: &Path,
    opts: &Options,
    known: &(dyn Fn(&str) -> bool + Sync),
) -> BatchItem {
    let source = path.to_string_lossy().into_owned();
    let bytes = match read_capped(path, opts.max_file_bytes) {
        Ok(b) => b,
        Err(message) => {
            return BatchItem::Processed(Box::new(FileOutcome {
                source,
                sha256: String::new(),
                format: String::new(),
                result: Err(FileError {
                    stage: Stage::Open,
                    message,
                }),
            }))
        }
    };
    let sha256 = hex(&Sha256::digest(&bytes));
    if known(&sha256) {
        return BatchItem::Unchanged { source, sha256 };
    }
    let format = read::sniff(&bytes).name().to_string();
    let result = std::panic::catch_unwind(|| process_bytes(&bytes, opts)).unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(FileError {
            stage: Stage::Internal,
            message: format!("internal error while reading this file (please report it): {what}"),
        })
    });
    BatchItem::Processed(Box::new(FileOutcome {
        source,
        sha256,
        format,
        result,
    }))
}

/// The pipeline on bytes already in memory.
pub fn process_bytes(bytes: &[u8], opts: &Options) -> Result<Extracted, FileError> {
    let document = read::read_auto(bytes, &opts.limits).map_err(|e| FileError {
        stage: Stage::Read,
        message: name_limit_flags(&e.to_string()),
    })?;
    let report = recognise(&document);
    let checks = if report.kind == ReportKind::Annual {
        check_report(&report)
    } else {
        Vec::new()
    };
    let images = describe_images(&document, &report);
    let mut document = document;
    document
        .warnings
        .extend(oversized_images(&images, opts.limits.max_image_pixels));
    Ok(Extracted {
        document,
        report,
        checks,
        images,
    })
}

fn describe_images(doc: &Document, report: &AnnualReport) -> Vec<ImageInfo> {
    let sections = image_sections(doc, report);
    doc.images
        .iter()
        .enumerate()
        .map(|(i, img)| {
            let content_type = sniff_image_type(&img.data)
                .map(str::to_string)
                .unwrap_or_else(|| img.content_type.clone());
            let (width, height) = image::ImageReader::new(std::io::Cursor::new(&img.data))
                .with_guessed_format()
                .ok()
                .and_then(|r| r.into_dimensions().ok())
                .map_or((None, None), |(w, h)| (Some(w), Some(h)));
            ImageInfo {
                id: format!("I{}", i + 1),
                part: img.part.clone(),
                content_type,
                width,
                height,
                bytes: img.data.len(),
                sha256: hex(&Sha256::digest(&img.data)),
                section: sections.get(&i).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// Readers name a limit by its `Limits` field; the person reading errors.csv needs the flag.
fn name_limit_flags(message: &str) -> String {
    const FLAGS: [(&str, &str); 4] = [
        ("Limits::max_xml_depth", "--max-xml-depth raises the limit"),
        (
            "Limits::max_table_slots",
            "--max-table-cells raises the limit",
        ),
        (
            "Limits::max_cell_chars",
            "--max-cell-chars raises the limit",
        ),
        (
            "Limits::max_image_pixels",
            "--max-image-mp raises the limit",
        ),
    ];
    let mut out = message.to_string();
    for (field, flag) in FLAGS {
        out = out.replace(field, flag);
    }
    out
}

/// Warnings for pictures whose header declares more pixels than the limit: they are listed but
/// never decoded (a few bytes of PNG can declare 60000 × 60000 pixels, 10 GB once decoded).
fn oversized_images(images: &[ImageInfo], max_pixels: u64) -> Vec<String> {
    images
        .iter()
        .filter_map(|i| {
            let (w, h) = (u64::from(i.width?), u64::from(i.height?));
            (w * h > max_pixels).then(|| {
                format!(
                    "image {} ({}) declares {w} × {h} pixels, more than the limit of {} pixels \
                     (--max-image-mp raises it): skipped, not decoded",
                    i.id, i.part, max_pixels
                )
            })
        })
        .collect()
}

/// The section each anchored image sits in: the body is walked, switching section at each
/// paragraph that prints as one of the recognised section headings.
fn image_sections(
    doc: &Document,
    report: &AnnualReport,
) -> std::collections::HashMap<usize, String> {
    use crate::model::Block;
    let mut current = if report.kind == ReportKind::Annual {
        "preamble"
    } else {
        "body"
    };
    let mut out = std::collections::HashMap::new();
    for block in &doc.body {
        match block {
            Block::Paragraph(p) => {
                let printed = p.printed();
                let printed = printed.trim();
                if let Some(s) = report
                    .sections
                    .iter()
                    .find(|s| !s.heading.is_empty() && s.heading.trim() == printed)
                {
                    current = s.id.as_str();
                }
            }
            Block::Image(i) => {
                out.entry(*i).or_insert_with(|| current.to_string());
            }
            Block::Table(_) => {}
        }
    }
    out
}

/// The image type from its first bytes (a part's declared type is often generic or wrong).
pub fn sniff_image_type(data: &[u8]) -> Option<&'static str> {
    Some(if data.starts_with(b"\x89PNG") {
        "image/png"
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if data.starts_with(b"GIF8") {
        "image/gif"
    } else if data.starts_with(b"BM") {
        "image/bmp"
    } else if data.starts_with(b"II*\0") || data.starts_with(b"MM\0*") {
        "image/tiff"
    } else if data.len() > 44 && &data[40..44] == b" EMF" {
        "image/x-emf"
    } else if data.starts_with(&[0xD7, 0xCD, 0xC6, 0x9A]) {
        "image/x-wmf"
    } else if data.len() > 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP" {
        "image/webp"
    } else {
        return None;
    })
}

fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(format!(
            "limit exceeded: file is larger than {cap} bytes (--max-file-mb raises it)"
        ));
    }
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Processes `inputs` on `jobs` threads and hands each outcome to `sink` in input order, as soon
/// as all earlier ones are done — so memory holds only the files in flight, not the batch.
pub fn run_batch(
    inputs: &[PathBuf],
    opts: &Options,
    jobs: usize,
    known: &(dyn Fn(&str) -> bool + Sync),
    mut sink: impl FnMut(BatchItem),
) -> Result<(), rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()?;
    let (tx, rx) = mpsc::sync_channel::<(usize, BatchItem)>(jobs.max(1) * 4);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            pool.install(|| {
                use rayon::prelude::*;
                inputs
                    .par_iter()
                    .enumerate()
                    .for_each_with(tx, |tx, (i, path)| {
                        let _ = tx.send((i, process_file_unless(path, opts, known)));
                    });
            });
        });
        let mut pending = BTreeMap::new();
        let mut next = 0;
        for (i, outcome) in rx {
            pending.insert(i, outcome);
            while let Some(o) = pending.remove(&next) {
                sink(o);
                next += 1;
            }
        }
    });
    Ok(())
}
