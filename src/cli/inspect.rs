use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use nianbao::model::{Block, TableGrid};
use nianbao::pipeline::{process_file, Options};
use nianbao::write::format_number;

#[derive(clap::Args)]
pub struct Args {
    /// The file to explain.
    file: PathBuf,
    /// Folder of the OCR models (default: $NIANBAO_MODELS, ./models, or next to the binary).
    #[arg(long)]
    models: Option<PathBuf>,
    /// Print every cell of every table, not only the first rows.
    #[arg(long)]
    all_rows: bool,
}

/// Prints what was found where in one file: the first thing to run when a number looks wrong.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let opts: Options = super::options_with_ocr(args.models.as_deref(), false);
    let outcome = process_file(&args.file, &opts);
    println!("file     {}", outcome.source);
    println!("format   {}   sha256 {}", outcome.format, outcome.sha256);
    let x = match &outcome.result {
        Ok(x) => x,
        Err(e) => {
            println!("error    [{}] {}", e.stage, e.message);
            return Ok(ExitCode::from(1));
        }
    };
    let r = &x.report;
    let show = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    println!("kind     {}   status {}", r.kind.as_str(), x.status());
    println!(
        "office   {}   year {}",
        show(r.office.clone()),
        show(r.year.map(|y| y.to_string()))
    );
    println!(
        "dates    published {}   period {} – {}",
        show(r.published.map(|d| d.to_string())),
        show(r.period_start.map(|d| d.to_string())),
        show(r.period_end.map(|d| d.to_string()))
    );
    let c = &r.contacts;
    println!(
        "contacts address {} | postcode {} | phone {} | fax {} | email {} | website {}",
        show(c.address.clone()),
        show(c.postcode.clone()),
        if c.phones.is_empty() {
            "—".into()
        } else {
            c.phones.join(", ")
        },
        show(c.fax.clone()),
        show(c.email.clone()),
        show(c.website.clone())
    );
    for w in x.document.warnings.iter().chain(&r.warnings) {
        println!("warning  {w}");
    }
    // How the reader found the content (a web page's article, its layout tables …).
    for note in &x.document.reader_notes {
        println!("reader   {note}");
    }

    println!("\nOutline");
    for s in r.sections.iter().chain(&r.notes).chain(&r.pictures) {
        let first: String = s.text.chars().take(40).collect();
        println!(
            "  {:<18} {:<36} {} chars  «{}»",
            s.id.as_str(),
            s.heading,
            s.text.chars().count(),
            first.replace('\n', " ")
        );
    }

    // Figures grouped by the table they came from (location starts with "T{n} ").
    let mut by_table: BTreeMap<String, Vec<&nianbao::recognise::Figure>> = BTreeMap::new();
    for f in &r.figures {
        let table = f
            .location
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string();
        by_table.entry(table).or_default().push(f);
    }

    println!("\nTables");
    let mut n = 0;
    for block in &x.document.body {
        match block {
            Block::Table(t) => {
                n += 1;
                let id = format!("T{n}");
                let figs = by_table.get(&id).map_or(&[][..], Vec::as_slice);
                let templates: Vec<&str> = {
                    let mut v: Vec<&str> = figs
                        .iter()
                        .filter_map(|f| f.metric.0.split('.').next())
                        .collect();
                    v.dedup();
                    v
                };
                let matched = if figs.is_empty() {
                    format!(
                        "no template: {}",
                        nianbao::recognise::tables::explain_unmatched(t)
                    )
                } else {
                    format!("matched {} ({} figures)", templates.join("+"), figs.len())
                };
                let origin = match &t.origin {
                    nianbao::model::TableOrigin::Sheet { name, hidden } => {
                        format!("sheet «{name}»{}", if *hidden { " (hidden)" } else { "" })
                    }
                    o => o.as_str().to_string(),
                };
                println!("  {id} {origin} {}×{} — {matched}", t.rows, t.cols);
                print_grid(t, if args.all_rows { usize::MAX } else { 8 });
            }
            Block::Image(i) => {
                if let Some(img) = x.document.images.get(*i) {
                    println!(
                        "  image {} {} ({} bytes)",
                        img.part,
                        img.content_type,
                        img.data.len()
                    );
                }
            }
            Block::Paragraph(_) => {}
        }
    }

    println!("\nFigures ({})", r.figures.len());
    for f in &r.figures {
        println!(
            "  {:<44} {:>10} {:<7} ← {} {}  raw «{}»",
            f.metric.0,
            f.value.map(format_number).unwrap_or_default(),
            f.semantic.as_str(),
            f.origin,
            f.location,
            f.raw
        );
    }

    let findings: Vec<_> = x
        .checks
        .iter()
        .filter(|c| c.status != nianbao::check::CheckStatus::Pass)
        .collect();
    println!(
        "\nChecks   {} run, {} not passed",
        x.checks.len(),
        findings.len()
    );
    for c in findings {
        println!(
            "  {:<9} {:<24} {}  expected {} actual {}",
            c.status.as_str(),
            c.check,
            c.scope,
            c.expected.map(format_number).unwrap_or_default(),
            c.actual.map(format_number).unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_grid(t: &TableGrid, max_rows: usize) {
    let slots = t.slots();
    // a table cut from a sheet keeps the sheet's rows and columns: start at its first cell
    let first_row = t.cells.iter().map(|c| c.row).min().unwrap_or(0);
    let first_col = t.cells.iter().map(|c| c.col).min().unwrap_or(0);
    if first_row > 0 || first_col > 0 {
        println!("    (from row {} column {})", first_row + 1, first_col + 1);
    }
    for (r, row) in slots.iter().enumerate().skip(first_row).take(max_rows) {
        let mut line = String::from("    |");
        for (c, slot) in row.iter().enumerate().skip(first_col) {
            let text = match slot.map(|i| &t.cells[i]) {
                Some(cell) if cell.row == r && cell.col == c => {
                    let mut s: String = cell.text.replace('\n', "⏎").chars().take(10).collect();
                    if cell.rowspan > 1 || cell.colspan > 1 {
                        s.push_str(&format!("[{}×{}]", cell.rowspan, cell.colspan));
                    }
                    s
                }
                Some(_) => "〃".to_string(),
                None => String::new(),
            };
            line.push_str(&format!(" {text} |"));
        }
        println!("{line}");
    }
    if slots.len() - first_row > max_rows {
        println!(
            "    … {} more rows (--all-rows)",
            slots.len() - first_row - max_rows
        );
    }
}
