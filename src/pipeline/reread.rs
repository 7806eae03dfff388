//! Digits that break an identity are read again: after the checks, the picture cells of every
//! failed 表三/表四 identity go back to [`crate::read::image_table::reread`], the reading the
//! picture supports best goes into the document, and the caller recognises and checks again.
//! The check only chooses which cells to doubt; what is kept is decided by the readings alone.

use crate::check::{CheckResult, CheckStatus};
use crate::model::{Block, Document, TableOrigin};
use crate::read::image_table::reread::{reread_digits, Doubt, LineReader};
use crate::read::Limits;
use crate::recognise::{AnnualReport, CellRef, Figure, Semantic};

/// The identities whose failure sends the digit cells they add up to be read again.
const REREAD_IDENTITIES: [&str; 4] = [
    "t3.column_balance",
    "t3.column_total",
    "t3.row_total",
    "t4.block_total",
];

/// At most this many cells of one file are read again (those in the most failed identities
/// first): a table misread throughout is not saved by re-reading, and each cell costs seven more
/// readings.
const MAX_REREAD_CELLS: usize = 64;

/// Reads again, with other preprocessing, the digit cells read from pictures that take part in a
/// failed identity ([`crate::read::image_table::reread`]), and puts the reading the picture
/// supports best into the document. The identities only choose which cells to doubt: the
/// reading kept is decided by the readings alone. Every cell read again is named in a warning
/// with its first and its kept reading. Returns whether any cell changed (the document then
/// has to be recognised and checked again).
pub(super) fn reread_doubted_digits(
    doc: &mut Document,
    report: &AnnualReport,
    checks: &[CheckResult],
    reader: &dyn LineReader,
    limits: &Limits,
) -> bool {
    let failed: Vec<&CheckResult> = checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail && REREAD_IDENTITIES.contains(&c.check))
        .collect();
    if failed.is_empty() {
        return false;
    }
    let figures: std::collections::HashMap<&str, &Figure> = report
        .figures
        .iter()
        .map(|f| (f.metric.0.as_str(), f))
        .collect();
    // Each doubted cell once, with the failed identities it takes part in.
    let mut doubted: Vec<(&Figure, CellRef, Vec<&CheckResult>)> = Vec::new();
    for c in &failed {
        for m in &c.metrics {
            let Some(f) = figures.get(m.as_ref()) else {
                continue;
            };
            let Some(at) = f.cell else { continue };
            if f.origin != "image" || !matches!(f.semantic, Semantic::Number | Semantic::Zero) {
                continue;
            }
            match doubted.iter_mut().find(|(_, a, _)| *a == at) {
                Some((_, _, by)) => by.push(c),
                None => doubted.push((f, at, vec![c])),
            }
        }
    }
    if doubted.is_empty() {
        return false;
    }
    doubted.sort_by_key(|(_, _, by)| std::cmp::Reverse(by.len()));
    if doubted.len() > MAX_REREAD_CELLS {
        doc.warnings.push(format!(
            "{} digit cells read from pictures take part in failed identities; only the {} in the \
             most of them were read again",
            doubted.len(),
            MAX_REREAD_CELLS
        ));
        doubted.truncate(MAX_REREAD_CELLS);
    }
    let table_blocks: Vec<usize> = doc
        .body
        .iter()
        .enumerate()
        .filter_map(|(i, b)| matches!(b, Block::Table(_)).then_some(i))
        .collect();
    let mut tables: Vec<usize> = doubted.iter().map(|(_, at, _)| at.table).collect();
    tables.sort_unstable();
    tables.dedup();
    let mut changed = false;
    for t in tables {
        let Some(&pos) = table_blocks.get(t.wrapping_sub(1)) else {
            continue;
        };
        let Block::Table(g) = &doc.body[pos] else {
            continue;
        };
        let TableOrigin::Image { image } = g.origin else {
            continue;
        };
        let here: Vec<&(&Figure, CellRef, Vec<&CheckResult>)> =
            doubted.iter().filter(|(_, at, _)| at.table == t).collect();
        let doubts: Vec<Doubt> = here
            .iter()
            .filter_map(|(_, at, _)| {
                let cell = g
                    .cells
                    .iter()
                    .find(|c| c.row == at.row && c.col == at.col)?;
                Some(Doubt {
                    row: at.row,
                    col: at.col,
                    text: cell.text.clone(),
                    confidence: cell.confidence.unwrap_or(1.0),
                })
            })
            .collect();
        let Some(picture) = doc.images.get(image) else {
            continue;
        };
        let mut because: Vec<String> = here
            .iter()
            .flat_map(|(_, _, by)| by.iter())
            .map(|c| {
                let what = c.scope.split(':').next().unwrap_or_default();
                format!("{} {what}", c.check)
            })
            .collect();
        because.sort();
        because.dedup();
        let results = match reread_digits(&picture.data, limits, &doubts, reader) {
            Ok(r) => r,
            Err(e) => {
                doc.warnings.push(format!(
                    "picture I{}: digit cells of failed identities could not be read again: {e}",
                    image + 1
                ));
                continue;
            }
        };
        let mut said = Vec::new();
        for r in &results {
            let at = CellRef {
                table: t,
                row: r.row,
                col: r.col,
            };
            let location = here
                .iter()
                .find(|(_, a, _)| *a == at)
                .map_or_else(String::new, |(f, _, _)| f.location.clone());
            said.push(if r.changed() {
                format!(
                    "{location}: {:?} → {:?} (confidence {:.2} → {:.2}; {} of {} readings)",
                    r.first.text,
                    r.kept.text,
                    r.first.confidence,
                    r.kept.confidence,
                    r.agree,
                    r.readings
                )
            } else {
                format!(
                    "{location}: {:?} kept (confidence {:.2}; {} of {} readings)",
                    r.first.text, r.first.confidence, r.agree, r.readings
                )
            });
            if r.changed() {
                changed = true;
                if let Some(Block::Table(g)) = doc.body.get_mut(pos) {
                    if let Some(cell) = g
                        .cells
                        .iter_mut()
                        .find(|c| c.row == r.row && c.col == r.col)
                    {
                        cell.text = r.kept.text.clone();
                        cell.confidence = Some(r.kept.confidence);
                    }
                }
            }
        }
        if !said.is_empty() {
            doc.warnings.push(format!(
                "picture I{}: {} digit cell(s) read again with other preprocessing, as {} failed: {}",
                image + 1,
                said.len(),
                because.join(", "),
                said.join("; ")
            ));
        }
    }
    changed
}
