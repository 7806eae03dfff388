//! Runs read → recognise → check for one file, and for a batch in parallel with results
//! delivered in a stable order.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::check::{check_report, CheckResult};
use crate::model::{Block, Document};
use crate::ocr::{OcrError, Recogniser};
use crate::read::image_table::{self, emf};
use crate::read::{self, Limits};
use crate::recognise::{recognise, AnnualReport, ReportKind};

mod reread;

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
        })
    }

    pub fn get(&self) -> Result<&Recogniser, &OcrError> {
        self.loaded
            .get_or_init(|| Recogniser::load(&self.dir))
            .as_ref()
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
    process_within(path, opts, known, None).0
}

/// [`process_file_unless`] that first waits for the file's share of `budget`, and returns the
/// permit so the caller can hold it while it prepares the outcome for writing.
fn process_within<'b>(
    path: &Path,
    opts: &Options,
    known: &(dyn Fn(&str) -> bool + Sync),
    budget: Option<&'b MemoryBudget>,
) -> (BatchItem, Option<Permit<'b>>) {
    let source = path.to_string_lossy().into_owned();
    // Taken before the file is read: a file waiting for its turn holds nothing yet.
    let permit = budget.map(|b| b.acquire(read::memory_estimate(path)));
    let bytes = match read_capped(path, opts.max_file_bytes) {
        Ok(b) => b,
        Err(message) => {
            let failed = BatchItem::Processed(Box::new(FileOutcome {
                source,
                sha256: String::new(),
                format: String::new(),
                result: Err(FileError {
                    stage: Stage::Open,
                    message,
                }),
            }));
            return (failed, permit);
        }
    };
    let sha256 = hex(&Sha256::digest(&bytes));
    if known(&sha256) {
        return (BatchItem::Unchanged { source, sha256 }, permit);
    }
    let format = read::sniff(&bytes).name().to_string();
    // The recogniser's counters are behind a Mutex that tolerates poisoning, so unwinding is safe.
    // The file's bytes are dropped as soon as the document is read: for a report of 50 MB of
    // photos they are as large as the document's own copies of the pictures.
    let run = std::panic::AssertUnwindSafe(move || {
        let document = read_document(&bytes, opts)?;
        drop(bytes);
        Ok(finish_document(document, opts))
    });
    let result = std::panic::catch_unwind(run).unwrap_or_else(|p| {
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
    let outcome = BatchItem::Processed(Box::new(FileOutcome {
        source,
        sha256,
        format,
        result,
    }));
    (outcome, permit)
}

/// Bytes of estimated memory that the files being read may take together.
struct MemoryBudget {
    total: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// A file's share of the [`MemoryBudget`], given back when dropped.
struct Permit<'b> {
    budget: &'b MemoryBudget,
    amount: u64,
}

impl MemoryBudget {
    fn new(total: u64) -> Self {
        MemoryBudget {
            total,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until `amount` fits beside what is in use; a file over the whole budget waits until
    /// nothing else is being read, then goes alone.
    fn acquire(&self, amount: u64) -> Permit<'_> {
        let amount = amount.min(self.total);
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while !fits(*used, amount, self.total) {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += amount;
        Permit {
            budget: self,
            amount,
        }
    }
}

/// Whether a file of `amount` may start beside `used`: when it fits, or when nothing else runs.
fn fits(used: u64, amount: u64, total: u64) -> bool {
    used == 0 || used + amount <= total
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        // glibc keeps the memory a large file's document was freed into, spread over its heaps;
        // the next large file then adds to it instead of reusing it. Hand it back to the system.
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        if self.amount > self.budget.total / 4 {
            // SAFETY: malloc_trim only releases free memory; it has no preconditions.
            unsafe {
                libc::malloc_trim(0);
            }
        }
        let mut used = self.budget.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.amount;
        self.budget.freed.notify_all();
    }
}

/// The pipeline on bytes already in memory.
pub fn process_bytes(bytes: &[u8], opts: &Options) -> Result<Extracted, FileError> {
    Ok(finish_document(read_document(bytes, opts)?, opts))
}

fn read_document(bytes: &[u8], opts: &Options) -> Result<Document, FileError> {
    read::read_auto(bytes, &opts.limits).map_err(|e| FileError {
        stage: Stage::Read,
        message: name_limit_flags(&e.to_string()),
    })
}

/// Everything after reading: the tables in pictures, recognition, checks.
fn finish_document(mut document: Document, opts: &Options) -> Extracted {
    read_picture_tables(&mut document, opts);
    let mut report = recognise(&document);
    let mut checks = if report.kind == ReportKind::Annual {
        check_report(&report)
    } else {
        Vec::new()
    };
    // Only digits read by OCR are read again; asking for the recogniser loads it.
    let read_by_ocr = document
        .tables()
        .any(|t| matches!(t.origin, crate::model::TableOrigin::Image { .. }));
    let reader = opts.ocr.as_ref().filter(|_| read_by_ocr).map(|o| o.get());
    if let Some(Ok(reader)) = reader {
        if reread::reread_doubted_digits(&mut document, &report, &checks, reader, &opts.limits) {
            report = recognise(&document);
            checks = check_report(&report);
        }
    }
    let images = describe_images(&document, &report);
    // With OCR, an oversized picture was already reported when its table was to be read.
    if opts.ocr.is_none() {
        document
            .warnings
            .extend(oversized_images(&images, opts.limits.max_image_pixels));
    }
    Extracted {
        document,
        report,
        checks,
        images,
    }
}

/// Reads the tables in the document's pictures and puts each right after its picture, where
/// the recogniser finds it like any other table. EMF pictures are read from their text records
/// and need no OCR.
fn read_picture_tables(doc: &mut Document, opts: &Options) {
    let anchored: Vec<(usize, usize)> = doc
        .body
        .iter()
        .enumerate()
        .filter_map(|(pos, b)| match b {
            Block::Image(i) => Some((pos, *i)),
            _ => None,
        })
        .collect();
    let mut unread = 0;
    let mut why_unread = "no OCR models (run scripts/setup-models)".to_string();
    // From the end, so inserting a table does not move the positions still to visit.
    for (pos, index) in anchored.into_iter().rev() {
        let Some(image) = doc.images.get(index) else {
            continue;
        };
        let ocr = match opts.ocr.as_ref().map(|o| o.get()) {
            Some(Ok(ocr)) => Some(ocr),
            Some(Err(e)) => {
                why_unread = e.to_string();
                None
            }
            None => None,
        };
        let result = match ocr {
            Some(ocr) => image_table::read_table_image(&image.data, index, ocr, &opts.limits),
            None if emf::is_emf(&image.data) => emf::read_emf_table(&image.data, index),
            None => {
                unread += 1;
                continue;
            }
        };
        match result {
            Ok(Some(grid)) => doc.body.insert(pos + 1, Block::Table(grid)),
            Ok(None) => {}
            Err(e) => {
                let part = image.part.clone();
                doc.warnings.push(format!("picture {part} skipped: {e}"));
            }
        }
    }
    if unread > 0 {
        doc.warnings.push(format!(
            "{unread} picture(s) not read for tables: {why_unread}"
        ));
    }
}

fn describe_images(doc: &Document, report: &AnnualReport) -> Vec<ImageInfo> {
    let sections = image_sections(doc, report);
    doc.images
        .iter()
        .enumerate()
        .map(|(i, img)| {
            let content_type = read::sniff::image_type(&img.data)
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
                description: img.description.clone().unwrap_or_default(),
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
///
/// `prepare` runs on the worker right after a file is read: whatever can be done per file
/// (rendering its CSV, saving its images) is done in parallel there, and the document is dropped
/// before the outcome waits for its turn, so the one thread that writes only appends.
///
/// Workers take the next input from a shared counter and may run at most `jobs * 8` files ahead
/// of the one the sink waits for. (A rayon `par_iter` over the list split it into contiguous
/// halves, so with two threads the outcomes of the second half waited in memory until the first
/// half was done: 380 MB for 5,000 reports.)
pub fn run_batch<T: Send>(
    inputs: &[PathBuf],
    opts: &Options,
    jobs: usize,
    known: &(dyn Fn(&str) -> bool + Sync),
    prepare: &(dyn Fn(BatchItem) -> T + Sync),
    mut sink: impl FnMut(T),
) -> Result<(), rayon::ThreadPoolBuildError> {
    let jobs = jobs.max(1);
    let window = jobs * 8;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    let (tx, rx) = mpsc::sync_channel::<(usize, T)>(window);
    let next_input = AtomicUsize::new(0);
    // How many outcomes the sink has had; workers wait while they are `window` ahead of it.
    let delivered = Delivered::default();
    let budget = MemoryBudget::new(opts.memory_budget);
    std::thread::scope(|scope| {
        let (next_input, delivered, budget) = (&next_input, &delivered, &budget);
        scope.spawn(move || {
            pool.scope(|s| {
                for _ in 0..jobs {
                    let tx = tx.clone();
                    s.spawn(move |_| loop {
                        let i = next_input.fetch_add(1, Ordering::Relaxed);
                        if i >= inputs.len() || !delivered.wait_below(i, window) {
                            break;
                        }
                        let (item, permit) = process_within(&inputs[i], opts, known, Some(budget));
                        let prepared = prepare(item);
                        // The share is held through `prepare`, which renders the whole file.
                        drop(permit);
                        if tx.send((i, prepared)).is_err() {
                            break;
                        }
                    });
                }
                drop(tx);
            });
        });
        // Wakes blocked workers for good if the sink panics, so the scope can end.
        let _close = CloseOnDrop(delivered);
        let mut pending = BTreeMap::new();
        let mut next = 0;
        for (i, outcome) in rx {
            pending.insert(i, outcome);
            while let Some(o) = pending.remove(&next) {
                sink(o);
                next += 1;
                delivered.set(next);
            }
        }
    });
    Ok(())
}

/// The count of outcomes handed to the sink, shared with the workers.
#[derive(Default)]
struct Delivered {
    /// (delivered, closed)
    state: Mutex<(usize, bool)>,
    changed: Condvar,
}

impl Delivered {
    fn set(&self, n: usize) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0 = n;
        self.changed.notify_all();
    }
    fn close(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
        self.changed.notify_all();
    }
    /// Waits until input `i` is less than `window` ahead of the sink; false once closed.
    fn wait_below(&self, i: usize, window: usize) -> bool {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !st.1 && i >= st.0 + window {
            st = self.changed.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        !st.1
    }
}

struct CloseOnDrop<'a>(&'a Delivered);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// A deterministic slice of the inputs: `index` of `count` (0-based), chosen by a hash of the
/// path as given, so every machine of a cluster computes the same split without talking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` with K counted from 1, as people number shards.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("--shard {text}: expected K/N, e.g. 2/8"))?;
        let (k, n): (u64, u64) = (
            k.trim()
                .parse()
                .map_err(|_| format!("--shard {text}: K is not a number"))?,
            n.trim()
                .parse()
                .map_err(|_| format!("--shard {text}: N is not a number"))?,
        );
        if n == 0 || k == 0 || k > n {
            return Err(format!("--shard {text}: K must be between 1 and N"));
        }
        Ok(Shard {
            index: k - 1,
            count: n,
        })
    }

    /// The slice from a scheduler's variables: `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job,
    /// 0-based) or `SLURM_ARRAY_TASK_ID` (minus `SLURM_ARRAY_TASK_MIN`, so arrays may start at 1).
    pub fn from_env(count: u64, env: &dyn Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let num = |name: &str| env(name).and_then(|v| v.trim().parse::<u64>().ok());
        let index = if let Some(i) = num("JOB_COMPLETION_INDEX") {
            i
        } else if let Some(i) = num("SLURM_ARRAY_TASK_ID") {
            i.checked_sub(num("SLURM_ARRAY_TASK_MIN").unwrap_or(0))
                .ok_or("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")?
        } else {
            return Err(
                "--shard without K/N needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID".into(),
            );
        };
        if count == 0 || index >= count {
            return Err(format!(
                "shard index {index} is not below the shard count {count}"
            ));
        }
        Ok(Shard { index, count })
    }

    pub fn contains(&self, path: &Path) -> bool {
        // FNV-1a: stable across platforms and releases, unlike std's hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in path.to_string_lossy().as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h % self.count == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_share_the_memory_budget_and_a_larger_one_goes_alone() {
        assert!(fits(0, 500, 128), "over the budget, alone");
        assert!(
            !fits(1, 500, 128),
            "over the budget waits for every other file"
        );
        assert!(fits(100, 28, 128));
        assert!(!fits(100, 29, 128));
        let budget = MemoryBudget::new(128);
        let a = budget.acquire(100);
        let b = budget.acquire(20);
        assert_eq!(*budget.used.lock().unwrap(), 120);
        drop((a, b));
        assert_eq!(*budget.used.lock().unwrap(), 0);
        // a share is capped at the whole budget, so it is given back whole
        let big = budget.acquire(1 << 40);
        assert_eq!(*budget.used.lock().unwrap(), 128);
        drop(big);
        assert_eq!(*budget.used.lock().unwrap(), 0);
    }

    #[test]
    fn shards_partition_the_inputs() {
        let paths: Vec<PathBuf> = (0..100)
            .map(|i| PathBuf::from(format!("r/{i}.docx")))
            .collect();
        let shards: Vec<Shard> = (1..=3)
            .map(|k| Shard::parse(&format!("{k}/3")).unwrap())
            .collect();
        for p in &paths {
            assert_eq!(shards.iter().filter(|s| s.contains(p)).count(), 1);
        }
        assert!(shards.iter().all(|s| paths.iter().any(|p| s.contains(p))));
        assert!(Shard::parse("0/3").is_err());
        assert!(Shard::parse("4/3").is_err());
    }

    #[test]
    fn shard_index_comes_from_the_scheduler() {
        let k8s = |n: &str| (n == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
        assert_eq!(Shard::from_env(4, &k8s), Ok(Shard { index: 2, count: 4 }));
        let slurm = |n: &str| match n {
            "SLURM_ARRAY_TASK_ID" => Some("4".to_string()),
            "SLURM_ARRAY_TASK_MIN" => Some("1".to_string()),
            _ => None,
        };
        assert_eq!(Shard::from_env(4, &slurm), Ok(Shard { index: 3, count: 4 }));
        assert!(Shard::from_env(4, &|_| None).is_err());
    }
}
