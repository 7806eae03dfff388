use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use nianbao::pipeline::{collect_inputs, run_batch, Options};
use nianbao::write::{save_images, CsvOutput, Rows};

#[derive(clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively for .docx, .xlsx, … files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output folder for the CSV files.
    #[arg(long, short)]
    out: PathBuf,
    /// Files read in parallel (default: the number of cores).
    #[arg(long, short)]
    jobs: Option<usize>,
    /// Largest input file read, in MiB.
    #[arg(long, default_value_t = 512)]
    max_file_mb: u64,
    /// Largest number of bytes inflated from one file, in MiB (zip bomb guard).
    #[arg(long, default_value_t = 1024)]
    max_inflated_mb: u64,
    /// List images in images.csv but do not save them under OUT/images/.
    #[arg(long)]
    no_images: bool,
    /// Largest number of entries in one zip package.
    #[arg(long, default_value_t = 20_000)]
    max_entries: usize,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let inputs = collect_inputs(&args.paths).context("cannot list the input files")?;
    let mut opts = Options {
        max_file_bytes: args.max_file_mb << 20,
        ..Options::default()
    };
    opts.limits.max_total_inflated = args.max_inflated_mb << 20;
    opts.limits.max_entry_inflated = opts
        .limits
        .max_entry_inflated
        .min(opts.limits.max_total_inflated);
    opts.limits.max_entries = args.max_entries;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));

    let mut out = CsvOutput::create(&args.out)
        .with_context(|| format!("cannot write to {}", args.out.display()))?;
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(inputs.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files  {per_sec}  ETA {eta}  {msg}")
                .expect("static template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };

    let (mut reports, mut figures, mut failed) = (0usize, 0usize, 0usize);
    let mut write_error = None;
    run_batch(&inputs, &opts, jobs, |outcome| {
        match &outcome.result {
            Ok(x) => {
                reports += usize::from(x.report.kind == nianbao::recognise::ReportKind::Annual);
                figures += x.report.figures.len();
            }
            Err(_) => failed += 1,
        }
        if write_error.is_none() {
            let mut result = out.write(&Rows::from_outcome(&outcome));
            if let (Ok(x), false, Ok(())) = (&outcome.result, args.no_images, &result) {
                result = save_images(&args.out, x);
            }
            if let Err(e) = result {
                write_error = Some(e);
            }
        }
        bar.inc(1);
        bar.set_message(format!("{failed} failed"));
    })
    .context("cannot start worker threads")?;
    bar.finish_and_clear();
    if let Some(e) = write_error {
        return Err(e).context("cannot write the CSV files");
    }
    out.finish().context("cannot finish the CSV files")?;
    eprintln!(
        "nianbao: {} files, {} annual reports, {} figures, {} failed in {:.2} s → {}",
        inputs.len(),
        reports,
        figures,
        failed,
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
