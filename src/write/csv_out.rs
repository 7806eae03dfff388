//! The CSV files of an `extract` run. Each is written under a temporary name and renamed into
//! place by [`CsvOutput::finish`], so an interrupted run never leaves a CSV that looks whole.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{excel_safe, format_number};
use crate::model::{Block, Document};
use crate::pipeline::{Extracted, FileOutcome};

/// UTF-8 byte-order mark: Excel and WPS on Chinese Windows need it to read UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

const REPORTS: &[&str] = &[
    "source",
    "sha256",
    "format",
    "status",
    "kind",
    "office",
    "year",
    "published",
    "period_start",
    "period_end",
    "address",
    "postcode",
    "phone",
    "fax",
    "email",
    "website",
    "sections",
    "figures",
    "tables",
    "images",
    "checks_failed",
    "warnings",
];
const FIGURES: &[&str] = &[
    "source", "office", "year", "metric", "value", "raw", "semantic", "origin", "location",
];
const SECTIONS: &[&str] = &["source", "section", "heading", "text"];
const TABLES: &[&str] = &[
    "source",
    "table",
    "origin",
    "row",
    "col",
    "rowspan",
    "colspan",
    "text",
    "image",
    "bbox",
    "confidence",
];
const CHECKS: &[&str] = &[
    "source", "office", "year", "check", "scope", "status", "expected", "actual", "metrics",
];
const ERRORS: &[&str] = &["source", "stage", "error"];

struct Sheet {
    tmp: PathBuf,
    dest: PathBuf,
    csv: csv::Writer<BufWriter<File>>,
}

impl Sheet {
    fn create(dir: &Path, name: &str, header: &[&str]) -> std::io::Result<Self> {
        let dest = dir.join(name);
        let tmp = dir.join(format!(".{name}.partial"));
        let mut file = BufWriter::new(File::create(&tmp)?);
        file.write_all(BOM)?;
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(file);
        csv.write_record(header)?;
        Ok(Sheet { tmp, dest, csv })
    }

    fn row<I, S>(&mut self, fields: I) -> std::io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        self.csv.write_record(fields).map_err(std::io::Error::other)
    }

    fn finish(self) -> std::io::Result<()> {
        let file = self
            .csv
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        file.into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?
            .sync_all()?;
        std::fs::rename(&self.tmp, &self.dest)
    }
}

/// All CSV files of one output folder.
pub struct CsvOutput {
    reports: Sheet,
    figures: Sheet,
    sections: Sheet,
    tables: Sheet,
    checks: Sheet,
    errors: Sheet,
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn text(s: &str) -> String {
    excel_safe(s).into_owned()
}

impl CsvOutput {
    pub fn create(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(CsvOutput {
            reports: Sheet::create(dir, "reports.csv", REPORTS)?,
            figures: Sheet::create(dir, "figures.csv", FIGURES)?,
            sections: Sheet::create(dir, "sections.csv", SECTIONS)?,
            tables: Sheet::create(dir, "tables.csv", TABLES)?,
            checks: Sheet::create(dir, "checks.csv", CHECKS)?,
            errors: Sheet::create(dir, "errors.csv", ERRORS)?,
        })
    }

    /// Writes every row of one file's outcome.
    pub fn write(&mut self, outcome: &FileOutcome) -> std::io::Result<()> {
        let source = text(&outcome.source);
        match &outcome.result {
            Err(err) => {
                let mut row = vec![
                    source.clone(),
                    outcome.sha256.clone(),
                    outcome.format.clone(),
                    "failed".to_string(),
                ];
                row.resize(REPORTS.len(), String::new());
                self.reports.row(&row)?;
                self.errors
                    .row([source, err.stage.to_string(), text(&err.message)])?;
            }
            Ok(x) => self.write_extracted(&source, outcome, x)?,
        }
        Ok(())
    }

    fn write_extracted(
        &mut self,
        source: &str,
        outcome: &FileOutcome,
        x: &Extracted,
    ) -> std::io::Result<()> {
        let r = &x.report;
        let office = text(&opt(&r.office));
        let year = opt(&r.year);
        let c = &r.contacts;
        let checks_failed = x
            .checks
            .iter()
            .filter(|c| c.is_hard() && c.status == crate::check::CheckStatus::Fail)
            .count();
        let mut warnings: Vec<&str> = x.document.warnings.iter().map(String::as_str).collect();
        warnings.extend(r.warnings.iter().map(String::as_str));
        self.reports.row([
            source.to_string(),
            outcome.sha256.clone(),
            outcome.format.clone(),
            x.status().to_string(),
            r.kind.as_str().to_string(),
            office.clone(),
            year.clone(),
            opt(&r.published),
            opt(&r.period_start),
            opt(&r.period_end),
            text(&opt(&c.address)),
            opt(&c.postcode),
            text(&c.phones.join("; ")),
            text(&opt(&c.fax)),
            text(&opt(&c.email)),
            text(&opt(&c.website)),
            r.sections.len().to_string(),
            r.figures.len().to_string(),
            x.document.tables().count().to_string(),
            x.document.images.len().to_string(),
            checks_failed.to_string(),
            text(&warnings.join("; ")),
        ])?;
        for f in &r.figures {
            self.figures.row([
                source,
                &office,
                &year,
                &f.metric.0,
                &f.value.map(format_number).unwrap_or_default(),
                &text(&f.raw),
                f.semantic.as_str(),
                &f.origin,
                &text(&f.location),
            ])?;
        }
        for s in &r.sections {
            self.sections
                .row([source, s.id.as_str(), &text(&s.heading), &text(&s.text)])?;
        }
        write_tables(&mut self.tables, source, &x.document)?;
        for ch in &x.checks {
            self.checks.row([
                source,
                &office,
                &year,
                &ch.check,
                &text(&ch.scope),
                ch.status.as_str(),
                &ch.expected.map(format_number).unwrap_or_default(),
                &ch.actual.map(format_number).unwrap_or_default(),
                &ch.metrics.join(" "),
            ])?;
        }
        Ok(())
    }

    /// Renames every file into place. Until this runs, only `.*.partial` files exist.
    pub fn finish(self) -> std::io::Result<()> {
        for sheet in [
            self.reports,
            self.figures,
            self.sections,
            self.tables,
            self.checks,
            self.errors,
        ] {
            sheet.finish()?;
        }
        Ok(())
    }
}

fn write_tables(sheet: &mut Sheet, source: &str, doc: &Document) -> std::io::Result<()> {
    let mut n = 0;
    for block in &doc.body {
        let Block::Table(t) = block else { continue };
        n += 1;
        let image = match &t.origin {
            crate::model::TableOrigin::Image { image }
            | crate::model::TableOrigin::Vector { image } => doc
                .images
                .get(*image)
                .map(|i| i.part.clone())
                .unwrap_or_default(),
            _ => String::new(),
        };
        let table = match &t.origin {
            crate::model::TableOrigin::Sheet { name, .. } => format!("T{n} {name}"),
            _ => format!("T{n}"),
        };
        for cell in &t.cells {
            sheet.row([
                source,
                &text(&table),
                t.origin.as_str(),
                &(cell.row + 1).to_string(),
                &(cell.col + 1).to_string(),
                &cell.rowspan.to_string(),
                &cell.colspan.to_string(),
                &text(&cell.text),
                &image,
                &cell
                    .bbox
                    .map(|b| format!("{},{},{},{}", b[0], b[1], b[2], b[3]))
                    .unwrap_or_default(),
                &cell
                    .confidence
                    .map(|c| format!("{c:.3}"))
                    .unwrap_or_default(),
            ])?;
        }
    }
    Ok(())
}
