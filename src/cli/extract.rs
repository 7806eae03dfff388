use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use nianbao::check::office_key;
use nianbao::pipeline::FileOutcome;
use nianbao::pipeline::{collect_inputs, run_batch, BatchItem, Options, Shard};
use nianbao::recognise::ReportKind;
use nianbao::write::csv_out::{CsvRecords, RenderedCsv};
use nianbao::write::rows::visit_outcome;
use nianbao::write::{save_images, CsvOutput, Rows, Store};

#[derive(clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively for .docx, .xlsx, … files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output folder for the CSV files (and images/).
    #[arg(long, short, required_unless_present = "db")]
    out: Option<PathBuf>,
    /// SQLite database that accumulates every run; files already stored are not read again.
    #[arg(long)]
    db: Option<PathBuf>,
    /// With --db: read every file again, even when its content is already stored.
    #[arg(long)]
    force: bool,
    /// Read only slice K of N (K from 1), chosen by a hash of each path. Without a value, the
    /// slice comes from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm) and
    /// --shard-count.
    #[arg(long, num_args = 0..=1, default_missing_value = "env")]
    shard: Option<String>,
    /// Number of slices when --shard takes its index from the scheduler.
    #[arg(long)]
    shard_count: Option<u64>,
    /// Files read in parallel (default: the number of cores).
    #[arg(long, short)]
    jobs: Option<usize>,
    /// List images in images.csv but do not save them under OUT/images/.
    #[arg(long)]
    no_images: bool,
    /// Flush every output file to the disk (fsync) before it takes its final name: the outputs
    /// survive a power cut right after the run, at the cost of waiting for the disk.
    #[arg(long)]
    fsync: bool,
    /// Folder of the OCR models (default: $NIANBAO_MODELS, ./models, or next to the binary).
    #[arg(long)]
    models: Option<PathBuf>,
    /// Do not read tables in pictures (pictures are still listed and saved).
    #[arg(long)]
    no_ocr: bool,
    /// Largest input file read, in MiB.
    #[arg(long, default_value_t = 512)]
    max_file_mb: u64,
    /// Largest number of bytes inflated from one file, in MiB (zip bomb guard).
    #[arg(long, default_value_t = 1024)]
    max_inflated_mb: u64,
    /// Largest number of bytes inflated from one zip entry, in MiB (at most --max-inflated-mb).
    #[arg(long, default_value_t = 512)]
    max_entry_mb: u64,
    /// Largest number of entries in one zip package.
    #[arg(long, default_value_t = 20_000)]
    max_entries: usize,
    /// Deepest element nesting in one XML part (at most 1000).
    #[arg(long, default_value_t = 256)]
    max_xml_depth: usize,
    /// Largest number of XML elements in one part (XML bomb guard).
    #[arg(long, default_value_t = 4_000_000)]
    max_xml_elements: usize,
    /// Largest table, in cells (rows × columns).
    #[arg(long, default_value_t = 1_000_000)]
    max_table_cells: usize,
    /// Longest text of one table cell, in characters.
    #[arg(long, default_value_t = 100_000)]
    max_cell_chars: usize,
    /// Largest image read, in megapixels (decompression bomb guard).
    #[arg(long, default_value_t = 40)]
    max_image_mp: u64,
    /// Most pages read from one PDF.
    #[arg(long, default_value_t = 5_000)]
    max_pdf_pages: usize,
    /// Most operators in one PDF page's content stream.
    #[arg(long, default_value_t = 5_000_000)]
    max_pdf_operators: usize,
    /// Most pieces in the piece table of a Word 97-2003 .doc/.wps (a real one has a few hundred).
    #[arg(long, default_value_t = 100_000)]
    max_doc_pieces: usize,
    /// Files are read in parallel only while their estimated memory (file + XML parts twice +
    /// other parts) adds up to at most this many MiB; a larger file is read alone.
    #[arg(long, default_value_t = 128)]
    memory_budget_mb: u64,
}

/// Counts for the closing summary line.
#[derive(Default)]
struct Tally {
    reports: usize,
    figures: usize,
    failed: usize,
    unchanged: usize,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut inputs = collect_inputs(&args.paths).context("cannot list the input files")?;
    if let Some(spec) = &args.shard {
        let shard = if spec == "env" {
            let count = args
                .shard_count
                .context("--shard without K/N needs --shard-count N")?;
            Shard::from_env(count, &|name| std::env::var(name).ok())
        } else {
            Shard::parse(spec)
        }
        .map_err(anyhow::Error::msg)?;
        inputs.retain(|p| shard.contains(p));
    }
    let mut opts = Options {
        max_file_bytes: args.max_file_mb << 20,
        memory_budget: args.memory_budget_mb << 20,
        ..super::options_with_ocr(args.models.as_deref(), args.no_ocr)
    };
    opts.limits.max_total_inflated = args.max_inflated_mb << 20;
    opts.limits.max_entry_inflated = (args.max_entry_mb << 20).min(opts.limits.max_total_inflated);
    opts.limits.max_entries = args.max_entries;
    opts.limits.max_xml_depth = args.max_xml_depth;
    opts.limits.max_xml_elements = args.max_xml_elements;
    opts.limits.max_table_slots = args.max_table_cells;
    opts.limits.max_cell_chars = args.max_cell_chars;
    opts.limits.max_image_pixels = args.max_image_mp * 1_000_000;
    opts.limits.max_pdf_pages = args.max_pdf_pages;
    opts.limits.max_pdf_operators = args.max_pdf_operators;
    opts.limits.max_doc_pieces = args.max_doc_pieces;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));

    let mut store = match &args.db {
        Some(path) => Some(
            Store::open(path)
                .with_context(|| format!("cannot open database {}", path.display()))?,
        ),
        None => None,
    };
    let known: HashSet<String> = match (&store, args.force) {
        (Some(s), false) => s.known_documents()?,
        _ => HashSet::new(),
    };
    let mut out = match &args.out {
        Some(dir) => Some(
            CsvOutput::create(dir)
                .with_context(|| format!("cannot write to {}", dir.display()))?
                .with_durability(super::durability(args.fsync)),
        ),
        None => None,
    };
    let bar = progress_bar(inputs.len());

    let mut tally = Tally::default();
    let mut error: Option<anyhow::Error> = None;
    let with_db = store.is_some();
    let prepare = |item| prepare(item, &args, with_db);
    run_batch(
        &inputs,
        &opts,
        jobs,
        &|sha| known.contains(sha),
        &prepare,
        |item| {
            if error.is_none() {
                if let Err(e) = handle(item, &args, &mut store, &mut out, &mut tally) {
                    error = Some(e);
                }
            }
            bar.inc(1);
            bar.set_message(format!("{} failed", tally.failed));
        },
    )
    .context("cannot start worker threads")?;
    bar.finish_and_clear();
    if let Some(e) = error {
        return Err(e);
    }
    if let Some(out) = out {
        out.finish().context("cannot finish the CSV files")?;
    }
    eprintln!(
        "nianbao: {} files ({} unchanged), {} annual reports, {} figures, {} failed in {:.2} s{}{}",
        inputs.len(),
        tally.unchanged,
        tally.reports,
        tally.figures,
        tally.failed,
        started.elapsed().as_secs_f64(),
        args.out
            .as_ref()
            .map(|d| format!(" → {}", d.display()))
            .unwrap_or_default(),
        args.db
            .as_ref()
            .map(|d| format!(" → {}", d.display()))
            .unwrap_or_default(),
    );
    Ok(if tally.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn progress_bar(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files  {per_sec}  ETA {eta}  {msg}")
            .expect("static template"),
    );
    bar
}

/// What the writer needs of one file, made on the worker thread that read it.
enum Prepared {
    Unchanged {
        source: String,
        sha256: String,
    },
    Processed {
        annual: bool,
        figures: usize,
        failed: bool,
        csv: Option<RenderedCsv>,
        db: Option<Box<ForDb>>,
        saved_images: anyhow::Result<()>,
    },
}

/// What the database stores of one file.
struct ForDb {
    rows: Rows,
    office_key: Option<String>,
    /// The images' bytes by content hash.
    images: Vec<(String, Vec<u8>)>,
}

fn prepare(item: BatchItem, args: &Args, with_db: bool) -> Prepared {
    let outcome: FileOutcome = match item {
        BatchItem::Unchanged { source, sha256 } => return Prepared::Unchanged { source, sha256 },
        BatchItem::Processed(outcome) => *outcome,
    };
    let x = outcome.result.as_ref().ok();
    let saved_images = match (x, &args.out, args.no_images) {
        (Some(x), Some(dir), false) => {
            save_images(dir, x, super::durability(args.fsync)).context("cannot save images")
        }
        _ => Ok(()),
    };
    let csv = args.out.as_ref().map(|_| {
        let mut records = CsvRecords::default();
        visit_outcome(&outcome, &mut records);
        records.finish()
    });
    let annual = x.is_some_and(|x| x.report.kind == ReportKind::Annual);
    let figures = x.map_or(0, |x| x.report.figures.len());
    let failed = x.is_none();
    let db = if with_db {
        let rows = Rows::from_outcome(&outcome);
        let office_key = x.and_then(|x| x.report.office.as_deref()).map(office_key);
        // The outcome is done with: its pictures' bytes move to the database, uncopied.
        let images = match outcome.result {
            Ok(x) => x
                .images
                .into_iter()
                .zip(x.document.images)
                .map(|(info, part)| (info.sha256, part.data))
                .collect(),
            Err(_) => Vec::new(),
        };
        Some(Box::new(ForDb {
            rows,
            office_key,
            images,
        }))
    } else {
        None
    };
    Prepared::Processed {
        annual,
        figures,
        failed,
        csv,
        db,
        saved_images,
    }
}

/// Writes one result to the database and the CSV folder.
fn handle(
    item: Prepared,
    args: &Args,
    store: &mut Option<Store>,
    out: &mut Option<CsvOutput>,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let csv = match item {
        Prepared::Unchanged { source, sha256 } => {
            tally.unchanged += 1;
            let store = store
                .as_mut()
                .context("internal: unchanged file without a database")?;
            store.add_source(&source, &sha256)?;
            let rows = store.load_rows(&sha256, &source)?;
            if rows.reports.first().is_some_and(|r| r[3] == "failed") {
                tally.failed += 1;
            }
            if let (Some(dir), false) = (&args.out, args.no_images) {
                for img in &rows.images {
                    if let Some(data) = store.image_data(&img[7])? {
                        nianbao::write::images::save_image_bytes(
                            dir,
                            &img[7],
                            &img[3],
                            &data,
                            super::durability(args.fsync),
                        )?;
                    }
                }
            }
            out.is_some().then(|| RenderedCsv::of_rows(&rows))
        }
        Prepared::Processed {
            annual,
            figures,
            failed,
            csv,
            db,
            saved_images,
        } => {
            saved_images?;
            tally.reports += usize::from(annual);
            tally.figures += figures;
            tally.failed += usize::from(failed);
            if let (Some(store), Some(db)) = (store.as_mut(), db) {
                let ForDb {
                    rows,
                    office_key,
                    images,
                } = *db;
                let images: Vec<(&str, &[u8])> = images
                    .iter()
                    .map(|(sha, data)| (sha.as_str(), data.as_slice()))
                    .collect();
                let source = rows
                    .reports
                    .first()
                    .map(|r| r[0].clone())
                    .unwrap_or_default();
                store
                    .store(&rows, office_key.as_deref(), &images)
                    .with_context(|| format!("cannot store {source}"))?;
            }
            csv
        }
    };
    if let (Some(out), Some(csv)) = (out.as_mut(), csv) {
        out.append(&csv).context("cannot write the CSV files")?;
    }
    Ok(())
}
