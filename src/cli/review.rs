use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Args)]
pub struct Args {
    /// Outputs to review: `extract` output folders, databases, or shards to merge.
    inputs: Vec<PathBuf>,
    /// The database written by `extract --db`.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Output folder for the site (index.html, r/, o/).
    #[arg(long, short)]
    out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut inputs = args.inputs;
    if let Some(db) = args.db {
        if !db.is_file() {
            anyhow::bail!("no database at {}", db.display());
        }
        inputs.push(db);
    }
    if inputs.is_empty() {
        anyhow::bail!("give extract output folders or --db FILE");
    }
    let started = std::time::Instant::now();
    let summary = nianbao::write::review::write_site(&inputs, &args.out)
        .with_context(|| format!("cannot write the review site to {}", args.out.display()))?;
    eprintln!(
        "nianbao: review of {} files ({} annual reports, {} offices with several years) in {:.2} s → {}",
        summary.files,
        summary.reports,
        summary.office_pages,
        started.elapsed().as_secs_f64(),
        args.out.join("index.html").display()
    );
    Ok(ExitCode::SUCCESS)
}
