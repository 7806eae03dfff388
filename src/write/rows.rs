//! The records of every output table, as strings, before any file format is chosen.
//!
//! CSV and the database are written from the same [`Rows`], and `export` reads them back into
//! [`Rows`], which is what makes `export` reproduce `extract`'s CSV byte for byte.

use super::write_number;
use crate::check::CheckStatus;
use crate::model::{Block, Document, TableOrigin};
use crate::pipeline::{Extracted, FileOutcome};

/// The output tables, in the order their files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    Reports,
    Figures,
    Sections,
    Tables,
    Checks,
    Images,
    Errors,
}

impl Table {
    pub const ALL: [Table; 7] = [
        Table::Reports,
        Table::Figures,
        Table::Sections,
        Table::Tables,
        Table::Checks,
        Table::Images,
        Table::Errors,
    ];

    /// File stem and SQL table name.
    pub fn name(self) -> &'static str {
        match self {
            Table::Reports => "reports",
            Table::Figures => "figures",
            Table::Sections => "sections",
            Table::Tables => "tables",
            Table::Checks => "checks",
            Table::Images => "images",
            Table::Errors => "errors",
        }
    }

    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Reports => &[
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
                "province",
                "city",
                "county",
                "township",
                "table_format",
            ],
            Table::Figures => &[
                "source", "office", "year", "metric", "value", "raw", "semantic", "origin",
                "location",
            ],
            Table::Sections => &["source", "section", "heading", "text", "origin"],
            Table::Tables => &[
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
                "page",
                "page_box",
            ],
            Table::Checks => &[
                "source", "office", "year", "check", "scope", "status", "expected", "actual",
                "metrics",
            ],
            Table::Images => &[
                "source",
                "image",
                "part",
                "content_type",
                "width",
                "height",
                "bytes",
                "sha256",
                "section",
                "saved_as",
                "description",
            ],
            Table::Errors => &["source", "stage", "error"],
        }
    }

    /// Columns that hold numbers and are written as they are; every other column is text and is
    /// guarded against formula injection when written to CSV.
    pub fn is_numeric_column(self, column: usize) -> bool {
        let name = self.columns()[column];
        matches!(
            name,
            "year"
                | "value"
                | "expected"
                | "actual"
                | "row"
                | "col"
                | "rowspan"
                | "colspan"
                | "confidence"
                | "page"
                | "width"
                | "height"
                | "bytes"
                | "sections"
                | "figures"
                | "tables"
                | "images"
                | "checks_failed"
        )
    }
}

/// Every output record of one input file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub reports: Vec<Vec<String>>,
    pub figures: Vec<Vec<String>>,
    pub sections: Vec<Vec<String>>,
    pub tables: Vec<Vec<String>>,
    pub checks: Vec<Vec<String>>,
    pub images: Vec<Vec<String>>,
    pub errors: Vec<Vec<String>>,
}

impl Rows {
    pub fn get(&self, table: Table) -> &Vec<Vec<String>> {
        match table {
            Table::Reports => &self.reports,
            Table::Figures => &self.figures,
            Table::Sections => &self.sections,
            Table::Tables => &self.tables,
            Table::Checks => &self.checks,
            Table::Images => &self.images,
            Table::Errors => &self.errors,
        }
    }

    pub fn get_mut(&mut self, table: Table) -> &mut Vec<Vec<String>> {
        match table {
            Table::Reports => &mut self.reports,
            Table::Figures => &mut self.figures,
            Table::Sections => &mut self.sections,
            Table::Tables => &mut self.tables,
            Table::Checks => &mut self.checks,
            Table::Images => &mut self.images,
            Table::Errors => &mut self.errors,
        }
    }
}

/// `2021`, `2019`, `mixed` or `none`: the national format(s) the statistical tables follow.
fn table_format(formats: &[crate::recognise::TableFormat]) -> &'static str {
    use crate::recognise::TableFormat;
    let has = |f| formats.contains(&f);
    match (has(TableFormat::F2021), has(TableFormat::F2019)) {
        (true, true) => "mixed",
        (true, false) => "2021",
        (false, true) => "2019",
        (false, false) => "none",
    }
}

/// Longest warnings field: Excel and WPS hold at most 32,767 characters in a cell.
const MAX_WARNINGS_CHARS: usize = 30_000;

/// The warnings of one file as one field, cut to what a spreadsheet cell holds with a count of
/// what was left out.
fn join_warnings(warnings: &[&str]) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for (i, w) in warnings.iter().enumerate() {
        let n = w.chars().count() + 2;
        if chars + n > MAX_WARNINGS_CHARS {
            out.push_str(&format!("; … and {} more warnings", warnings.len() - i));
            break;
        }
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(w);
        chars += n;
    }
    out
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// The file name an extracted image is saved under: its content hash, never a name from the file.
pub fn image_file_name(sha256: &str, content_type: &str) -> String {
    let ext = match content_type {
        "image/png" => "png",
        "image/jpeg" | "image/jpg" => "jpg",
        "image/gif" => "gif",
        "image/bmp" => "bmp",
        "image/tiff" => "tif",
        "image/webp" => "webp",
        "image/x-emf" | "image/emf" => "emf",
        "image/x-wmf" | "image/wmf" => "wmf",
        _ => "bin",
    };
    format!("{sha256}.{ext}")
}

/// Receives the records of one file, table by table, as borrowed fields: a writer renders
/// them straight away, so a document with a million cells is never copied into owned rows.
/// `buf` holding the number as [`format_number`](super::format_number) prints it, or nothing.
fn number_or_empty(buf: &mut String, v: Option<f64>) {
    buf.clear();
    if let Some(v) = v {
        write_number(buf, v);
    }
}

pub trait RowSink {
    fn record(&mut self, table: Table, fields: &[&str]);
}

impl RowSink for Rows {
    fn record(&mut self, table: Table, fields: &[&str]) {
        self.get_mut(table)
            .push(fields.iter().map(|f| f.to_string()).collect());
    }
}

impl Rows {
    /// All records of one file's outcome.
    pub fn from_outcome(outcome: &FileOutcome) -> Rows {
        let mut rows = Rows::default();
        visit_outcome(outcome, &mut rows);
        rows
    }

    /// Hands every record to `sink` in table order.
    pub fn visit(&self, sink: &mut impl RowSink) {
        let mut fields: Vec<&str> = Vec::new();
        for t in Table::ALL {
            for record in self.get(t) {
                fields.clear();
                fields.extend(record.iter().map(String::as_str));
                sink.record(t, &fields);
            }
        }
    }
}

/// Hands every record of one file's outcome to `sink`, grouped by table in [`Table::ALL`] order.
pub fn visit_outcome(outcome: &FileOutcome, sink: &mut impl RowSink) {
    let source = outcome.source.as_str();
    match &outcome.result {
        Err(err) => {
            let mut report = vec![""; Table::Reports.columns().len()];
            report[..4].copy_from_slice(&[source, &outcome.sha256, &outcome.format, "failed"]);
            sink.record(Table::Reports, &report);
            let stage = err.stage.to_string();
            sink.record(Table::Errors, &[source, &stage, &err.message]);
        }
        Ok(x) => visit_extracted(source, outcome, x, sink),
    }
}

fn visit_extracted(source: &str, outcome: &FileOutcome, x: &Extracted, sink: &mut impl RowSink) {
    let r = &x.report;
    let office = opt(&r.office);
    let year = opt(&r.year);
    let c = &r.contacts;
    let checks_failed = x
        .checks
        .iter()
        .filter(|c| c.is_hard() && c.status == CheckStatus::Fail)
        .count();
    let mut warnings: Vec<&str> = x.document.warnings.iter().map(String::as_str).collect();
    warnings.extend(r.warnings.iter().map(String::as_str));
    let region = crate::recognise::region::split_region(r.office.as_deref().unwrap_or(""));
    let report = [
        outcome.sha256.clone(),
        outcome.format.clone(),
        x.status().to_string(),
        r.kind.as_str().to_string(),
        office.clone(),
        year.clone(),
        opt(&r.published),
        opt(&r.period_start),
        opt(&r.period_end),
        opt(&c.address),
        opt(&c.postcode),
        c.phones.join("; "),
        opt(&c.fax),
        opt(&c.email),
        opt(&c.website),
        r.sections.len().to_string(),
        r.figures.len().to_string(),
        x.document.tables().count().to_string(),
        x.document.images.len().to_string(),
        checks_failed.to_string(),
        join_warnings(&warnings),
        opt(&region.province),
        opt(&region.city),
        opt(&region.county),
        opt(&region.township),
        table_format(&r.table_formats).to_string(),
    ];
    let mut fields: Vec<&str> = vec![source];
    fields.extend(report.iter().map(String::as_str));
    sink.record(Table::Reports, &fields);
    // One buffer for every row's number (and the checks' below): no allocation per row.
    let mut value = String::new();
    for f in &r.figures {
        number_or_empty(&mut value, f.value);
        sink.record(
            Table::Figures,
            &[
                source,
                &office,
                &year,
                &f.metric.0,
                &value,
                &f.raw,
                f.semantic.as_str(),
                f.origin,
                &f.location,
            ],
        );
    }
    for s in r.sections.iter().chain(&r.notes).chain(&r.pictures) {
        sink.record(
            Table::Sections,
            &[source, s.id.as_str(), &s.heading, &s.text, s.origin],
        );
    }
    visit_tables(source, &x.document, sink);
    let (mut expected, mut actual, mut metrics) = (value, String::new(), String::new());
    for ch in &x.checks {
        number_or_empty(&mut expected, ch.expected);
        number_or_empty(&mut actual, ch.actual);
        metrics.clear();
        for (i, m) in ch.metrics.iter().enumerate() {
            if i > 0 {
                metrics.push(' ');
            }
            metrics.push_str(m);
        }
        sink.record(
            Table::Checks,
            &[
                source,
                &office,
                &year,
                ch.check,
                &ch.scope,
                ch.status.as_str(),
                &expected,
                &actual,
                &metrics,
            ],
        );
    }
    for img in &x.images {
        let (width, height, bytes) = (opt(&img.width), opt(&img.height), img.bytes.to_string());
        let saved_as = image_file_name(&img.sha256, &img.content_type);
        sink.record(
            Table::Images,
            &[
                source,
                &img.id,
                &img.part,
                &img.content_type,
                &width,
                &height,
                &bytes,
                &img.sha256,
                &img.section,
                &saved_as,
                &img.description,
            ],
        );
    }
}

/// One record per cell. The number fields are formatted into buffers reused from cell to
/// cell: this is the bulk of the output, a million records for the largest documents.
fn visit_tables(source: &str, doc: &Document, sink: &mut impl RowSink) {
    use std::fmt::Write;
    let mut n = 0;
    let mut buf: [String; 4] = Default::default();
    let mut ints: [itoa::Buffer; 4] = Default::default();
    for block in &doc.body {
        let Block::Table(t) = block else { continue };
        n += 1;
        let image = match &t.origin {
            TableOrigin::Image { image } | TableOrigin::Vector { image } => doc
                .images
                .get(*image)
                .map(|i| i.part.as_str())
                .unwrap_or_default(),
            _ => "",
        };
        let table = match &t.origin {
            TableOrigin::Sheet { name, hidden } => {
                format!("T{n} {name}{}", if *hidden { " (hidden)" } else { "" })
            }
            _ => format!("T{n}"),
        };
        for cell in &t.cells {
            buf.iter_mut().for_each(String::clear);
            let [bbox, confidence, page, page_box] = &mut buf;
            let [row, col, rowspan, colspan] = &mut ints;
            let row = row.format(cell.row + 1);
            let col = col.format(cell.col + 1);
            let rowspan = rowspan.format(cell.rowspan);
            let colspan = colspan.format(cell.colspan);
            // Writing to a String cannot fail.
            if let Some(b) = cell.bbox {
                let _ = write!(bbox, "{},{},{},{}", b[0], b[1], b[2], b[3]);
            }
            if let Some(c) = cell.confidence {
                let _ = write!(confidence, "{c:.3}");
            }
            // A cell printed on a page (PDF): where an auditor finds it.
            if let Some(b) = cell.page_box {
                let _ = write!(page, "{}", b.page);
                let _ = b.write_rect(page_box);
            }
            sink.record(
                Table::Tables,
                &[
                    source,
                    &table,
                    t.origin.as_str(),
                    row,
                    col,
                    rowspan,
                    colspan,
                    &cell.text,
                    image,
                    bbox,
                    confidence,
                    page,
                    page_box,
                ],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_joined_and_cut_to_what_a_spreadsheet_cell_holds() {
        assert_eq!(join_warnings(&["a", "b"]), "a; b");
        let long = "警告".repeat(1000);
        let many: Vec<&str> = vec![long.as_str(); 40];
        let joined = join_warnings(&many);
        assert!(
            joined.chars().count() <= 32_767,
            "{}",
            joined.chars().count()
        );
        // 2,002 characters per warning: 14 fit in 30,000, the other 26 are counted.
        assert!(
            joined.ends_with("; … and 26 more warnings"),
            "{}",
            &joined[joined.len() - 40..]
        );
        assert_eq!(joined.matches(&long).count(), 14);
    }
}
