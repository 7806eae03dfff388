use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use nianbao::check::compare::{compare, Aliases, MISSING_COLUMNS, SIMILARITY_COLUMNS, YOY_COLUMNS};
use nianbao::recognise::metrics::{all_ids_ordered, catalogue_2019, catalogue_2021};
use nianbao::write::load::{load_db, load_folder};
use nianbao::write::{CsvFile, Store};

#[derive(clap::Args)]
pub struct Args {
    /// `extract` output folders to compare (instead of, or besides, --db).
    inputs: Vec<PathBuf>,
    /// The database written by `extract --db`.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Output folder for yoy.csv, wide.csv, text_similarity.csv and missing.csv.
    #[arg(long, short)]
    out: PathBuf,
    /// Head wide.csv's metric columns with the Chinese row/column labels.
    #[arg(long)]
    zh: bool,
    /// CSV of renamed offices: `old name,new name` per line.
    #[arg(long)]
    aliases: Option<PathBuf>,
    /// Offices expected to publish, one name per line (for missing.csv).
    #[arg(long)]
    offices: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.inputs.is_empty() && args.db.is_none() {
        anyhow::bail!("give extract output folders or --db FILE");
    }
    let mut records = Vec::new();
    if let Some(db) = &args.db {
        let store = Store::open(db).with_context(|| format!("cannot open {}", db.display()))?;
        records.extend(load_db(&store)?);
    }
    for dir in &args.inputs {
        records.extend(load_folder(dir)?);
    }
    let read = |p: &Option<PathBuf>| -> anyhow::Result<String> {
        match p {
            Some(p) => {
                std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
            }
            None => Ok(String::new()),
        }
    };
    let aliases = Aliases::parse(&read(&args.aliases)?);
    let offices: Vec<String> = read(&args.offices)?
        .lines()
        .map(|l| l.trim_start_matches('\u{feff}').trim().to_string())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let order: HashMap<String, usize> = all_ids_ordered()
        .into_iter()
        .enumerate()
        .map(|(i, m)| (m.0, i))
        .collect();
    let cmp = compare(&records, &aliases, &offices, &|m| {
        order.get(m).copied().unwrap_or(usize::MAX)
    });

    std::fs::create_dir_all(&args.out)?;
    let numeric = |cols: &[&str], names: &[&str]| -> Vec<bool> {
        cols.iter().map(|c| names.contains(c)).collect()
    };
    let write = |name: &str,
                 header: &[&str],
                 numeric: Vec<bool>,
                 rows: &[Vec<String>]|
     -> anyhow::Result<()> {
        let mut f = CsvFile::create(&args.out, name, header, numeric)?;
        for r in rows {
            f.write(r)?;
        }
        f.finish()?;
        Ok(())
    };
    write(
        "yoy",
        YOY_COLUMNS,
        numeric(
            YOY_COLUMNS,
            &["year_prev", "year", "value_prev", "value", "change"],
        ),
        &cmp.yoy,
    )?;
    let labels: HashMap<String, String> = catalogue_2021()
        .into_iter()
        .chain(catalogue_2019())
        .map(|m| {
            (
                m.id.0,
                format!("表{} {} | {}", zh_table(m.table), m.row_label, m.col_label),
            )
        })
        .collect();
    let header: Vec<String> = cmp
        .wide_header
        .iter()
        .map(|h| match (args.zh, labels.get(h)) {
            (true, Some(l)) => l.clone(),
            _ => h.clone(),
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let wide_numeric = (0..header.len()).map(|i| i >= 2).collect();
    write("wide", &header, wide_numeric, &cmp.wide)?;
    write(
        "text_similarity",
        SIMILARITY_COLUMNS,
        numeric(
            SIMILARITY_COLUMNS,
            &["year_prev", "year", "similarity", "shingles"],
        ),
        &cmp.similarity,
    )?;
    write(
        "missing",
        MISSING_COLUMNS,
        numeric(MISSING_COLUMNS, &["year"]),
        &cmp.missing,
    )?;
    let failed = cmp.yoy.iter().filter(|r| r[8] == "fail").count();
    let copied = cmp.similarity.iter().filter(|r| r[6] == "yes").count();
    eprintln!(
        "nianbao: {} reports compared; {} cross-year checks failed, {} sections mostly copied, {} office-years missing → {}",
        records.len(),
        failed,
        copied,
        cmp.missing.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn zh_table(n: u8) -> &'static str {
    match n {
        2 => "二",
        3 => "三",
        _ => "四",
    }
}
