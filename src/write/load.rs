//! Reads outputs back for `compare`: an `extract` folder's CSV files or the database.

use std::collections::BTreeMap;
use std::path::Path;

use super::rows::{Rows, Table};
use crate::check::compare::ReportRecord;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {message}")]
    Csv { path: String, message: String },
    #[error(transparent)]
    Db(#[from] super::db::DbError),
}

/// Records of a CSV file written by nianbao, header skipped, BOM and formula guards removed.
pub fn read_csv_records(path: &Path) -> Result<Vec<Vec<String>>, LoadError> {
    Ok(read_csv_with_header(path)?.1)
}

fn read_csv_with_header(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), LoadError> {
    let err = |message: String| LoadError::Csv {
        path: path.display().to_string(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| err(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| err(e.to_string()))?;
        out.push(record.iter().map(unguard).collect());
    }
    Ok((header, out))
}

/// Records of a CSV file by header name.
fn read_csv(path: &Path) -> Result<Vec<BTreeMap<String, String>>, LoadError> {
    let (header, records) = read_csv_with_header(path)?;
    Ok(records
        .into_iter()
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect())
}

/// Undoes [`super::excel_safe`]'s leading apostrophe.
fn unguard(field: &str) -> String {
    match field.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => field.to_string(),
    }
}

/// Annual reports with an office and a year from an `extract` output folder.
pub fn load_folder(dir: &Path) -> Result<Vec<ReportRecord>, LoadError> {
    let reports = read_csv(&dir.join("reports.csv"))?;
    let figures = read_csv(&dir.join("figures.csv"))?;
    let sections = read_csv(&dir.join("sections.csv"))?;
    let mut by_source: BTreeMap<String, ReportRecord> = BTreeMap::new();
    let mut order = Vec::new();
    for r in reports {
        let (Some(year), Some(office)) = (
            r.get("year").and_then(|y| y.parse().ok()),
            r.get("office").filter(|o| !o.is_empty()),
        ) else {
            continue;
        };
        if r.get("kind").map(String::as_str) != Some("annual_report") {
            continue;
        }
        let source = r.get("source").cloned().unwrap_or_default();
        order.push(source.clone());
        by_source.insert(
            source.clone(),
            ReportRecord {
                source,
                office: office.clone(),
                year,
                ..ReportRecord::default()
            },
        );
    }
    for f in figures {
        let source = f.get("source").cloned().unwrap_or_default();
        if let Some(rec) = by_source.get_mut(&source) {
            rec.figures.insert(
                f.get("metric").cloned().unwrap_or_default(),
                (
                    f.get("value").and_then(|v| v.parse().ok()),
                    f.get("semantic").cloned().unwrap_or_default(),
                ),
            );
        }
    }
    for s in sections {
        let source = s.get("source").cloned().unwrap_or_default();
        if let Some(rec) = by_source.get_mut(&source) {
            rec.sections.insert(
                s.get("section").cloned().unwrap_or_default(),
                s.get("text").cloned().unwrap_or_default(),
            );
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|s| by_source.remove(&s))
        .collect())
}

/// Annual reports of the database: current documents, one per path, older versions first.
pub fn load_db(store: &super::Store) -> Result<Vec<ReportRecord>, LoadError> {
    let conn = store.connection();
    let err = |e: rusqlite::Error| LoadError::Db(e.into());
    let mut stmt = conn
        .prepare(
            "SELECT d.sha256, MIN(s.source), r.office, r.year FROM documents d
             JOIN reports r ON r.doc = d.sha256
             JOIN sources s ON s.sha256 = d.sha256
             WHERE r.kind = 'annual_report' AND r.office <> '' AND r.year <> ''
             GROUP BY d.sha256 ORDER BY d.current, d.seq",
        )
        .map_err(err)?;
    let docs: Vec<(String, String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .map_err(err)?
        .collect::<Result<_, _>>()
        .map_err(err)?;
    let mut out = Vec::new();
    for (sha, source, office, year) in docs {
        let rows = store.load_tables(&sha, &source, &[Table::Figures, Table::Sections])?;
        out.push(record_with_rows(source, office, year as i32, &rows));
    }
    Ok(out)
}

/// The record of one file's rows, when it is an annual report with an office and a year.
pub fn record_from_rows(source: &str, rows: &Rows) -> Option<ReportRecord> {
    let report = rows.reports.first()?;
    let (kind, office, year) = (report.get(4)?, report.get(5)?, report.get(6)?);
    if kind != "annual_report" || office.is_empty() {
        return None;
    }
    Some(record_with_rows(
        source.to_string(),
        office.clone(),
        year.parse().ok()?,
        rows,
    ))
}

fn record_with_rows(source: String, office: String, year: i32, rows: &Rows) -> ReportRecord {
    let mut rec = ReportRecord {
        source,
        office,
        year,
        ..ReportRecord::default()
    };
    for f in &rows.figures {
        rec.figures
            .insert(f[3].clone(), (f[4].parse().ok(), f[6].clone()));
    }
    for s in &rows.sections {
        rec.sections.insert(s[1].clone(), s[3].clone());
    }
    rec
}
