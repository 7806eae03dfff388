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
}

impl Extracted {
    /// `partial` when something in the file could not be read (its warnings say what).
    pub fn status(&self) -> &'static str {
        if self.document.warnings.is_empty() && self.report.warnings.is_empty() {
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
    out.sort();
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
    let source = path.to_string_lossy().into_owned();
    let bytes = match read_capped(path, opts.max_file_bytes) {
        Ok(b) => b,
        Err(message) => {
            return FileOutcome {
                source,
                sha256: String::new(),
                format: String::new(),
                result: Err(FileError {
                    stage: Stage::Open,
                    message,
                }),
            }
        }
    };
    let sha256 = hex(&Sha256::digest(&bytes));
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
    FileOutcome {
        source,
        sha256,
        format,
        result,
    }
}

/// The pipeline on bytes already in memory.
pub fn process_bytes(bytes: &[u8], opts: &Options) -> Result<Extracted, FileError> {
    let document = read::read_auto(bytes, &opts.limits).map_err(|e| FileError {
        stage: Stage::Read,
        message: e.to_string(),
    })?;
    let report = recognise(&document);
    let checks = if report.kind == ReportKind::Annual {
        check_report(&report)
    } else {
        Vec::new()
    };
    Ok(Extracted {
        document,
        report,
        checks,
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
    mut sink: impl FnMut(FileOutcome),
) -> Result<(), rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()?;
    let (tx, rx) = mpsc::sync_channel::<(usize, FileOutcome)>(jobs.max(1) * 4);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            pool.install(|| {
                use rayon::prelude::*;
                inputs
                    .par_iter()
                    .enumerate()
                    .for_each_with(tx, |tx, (i, path)| {
                        let _ = tx.send((i, process_file(path, opts)));
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
