use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod compare;
mod export;
mod extract;
mod inspect;
mod merge;
mod review;

/// nianbao (年报): annual reports on government information disclosure → comparable data.
#[derive(Parser)]
#[command(name = "nianbao", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read reports (files and folders) and write CSV files to --out.
    Extract(extract::Args),
    /// Write the CSV files of a database, exactly as `extract` wrote them.
    Export(export::Args),
    /// Compare offices and years: yoy.csv, wide.csv, text_similarity.csv, missing.csv.
    Compare(compare::Args),
    /// Merge the outputs of several shards (CSV folders or databases) into one.
    Merge(merge::Args),
    /// Write a static site to look at the outputs: every report, its figures and checks, charts.
    Review(review::Args),
    /// Explain one file: outline, tables and the template each matched, figures, failed checks.
    Inspect(inspect::Args),
}

/// Options with the OCR models loaded, or — when they are missing — a warning, once per run,
/// and options that leave pictures unread.
pub(crate) fn options_with_ocr(
    models: Option<&std::path::Path>,
    no_ocr: bool,
) -> nianbao::pipeline::Options {
    if no_ocr {
        return nianbao::pipeline::Options::default();
    }
    match nianbao::pipeline::Options::with_ocr(models) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("nianbao: warning: {e}; tables in pictures will not be read");
            nianbao::pipeline::Options::default()
        }
    }
}

/// `--fsync` as the writers take it.
fn durability(fsync: bool) -> nianbao::write::Durability {
    if fsync {
        nianbao::write::Durability::Synced
    } else {
        nianbao::write::Durability::Renamed
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // clap exits 0 for --help/--version and 2 for usage errors.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Extract(args) => extract::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Export(args) => export::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Review(args) => review::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("nianbao: {e:#}");
            ExitCode::from(2)
        }
    }
}
