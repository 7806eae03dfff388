use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use nianbao::write::{CsvOutput, Store};

#[derive(clap::Args)]
pub struct Args {
    /// The database written by `extract --db`.
    #[arg(long)]
    db: PathBuf,
    /// Output folder: the same CSV files (and images/) as `extract` writes.
    #[arg(long, short)]
    out: PathBuf,
    /// Do not write the images under OUT/images/.
    #[arg(long)]
    no_images: bool,
    /// Flush every output file to the disk (fsync) before it takes its final name: the outputs
    /// survive a power cut right after the run, at the cost of waiting for the disk.
    #[arg(long)]
    fsync: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !args.db.exists() {
        anyhow::bail!("no database at {}", args.db.display());
    }
    let store =
        Store::open(&args.db).with_context(|| format!("cannot open {}", args.db.display()))?;
    let durability = super::durability(args.fsync);
    let mut out = CsvOutput::create(&args.out)
        .with_context(|| format!("cannot write to {}", args.out.display()))?
        .with_durability(durability);
    let sources = store.sources()?;
    for (source, sha256) in &sources {
        let rows = store.load_rows(sha256, source)?;
        out.write(&rows)?;
        if !args.no_images {
            for img in &rows.images {
                if let Some(data) = store.image_data(&img[7])? {
                    nianbao::write::images::save_image_bytes(
                        &args.out, &img[7], &img[3], &data, durability,
                    )?;
                }
            }
        }
    }
    out.finish()?;
    eprintln!(
        "nianbao: exported {} files from {} → {}",
        sources.len(),
        args.db.display(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
