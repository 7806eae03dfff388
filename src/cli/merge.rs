use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use nianbao::write::merge::Merged;
use nianbao::write::Store;

#[derive(clap::Args)]
pub struct Args {
    /// Outputs of `extract` to merge: CSV folders and/or databases.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output folder for the merged CSV files.
    #[arg(long, short, required_unless_present = "db")]
    out: Option<PathBuf>,
    /// Database to merge into (created if missing).
    #[arg(long)]
    db: Option<PathBuf>,
    /// Do not copy images.
    #[arg(long)]
    no_images: bool,
    /// Flush every output file to the disk (fsync) before it takes its final name: the outputs
    /// survive a power cut right after the run, at the cost of waiting for the disk.
    #[arg(long)]
    fsync: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let merged = Merged::load(&args.inputs).context("cannot read the outputs to merge")?;
    if let Some(out) = &args.out {
        merged
            .write_csv(out, !args.no_images, super::durability(args.fsync))
            .with_context(|| format!("cannot write to {}", out.display()))?;
    }
    if let Some(db) = &args.db {
        let mut store = Store::open(db).with_context(|| format!("cannot open {}", db.display()))?;
        merged.write_db(&mut store)?;
    }
    eprintln!(
        "nianbao: merged {} files from {} outputs",
        merged.len(),
        args.inputs.len()
    );
    Ok(ExitCode::SUCCESS)
}
