//! .xlsx / .xlsm / .xls reader over calamine: every sheet becomes a [`TableGrid`] with its merged
//! regions; rows that hold a single text cell (titles, notes) are also given as paragraphs, so
//! the recogniser finds the office and year in a sheet's title the way it does in a document.

use std::io::Cursor;

use calamine::{Data, Reader, Sheets};

use super::{Limits, ReadError};
use crate::model::{Block, Cell, Document, ImagePart, Paragraph, TableGrid, TableOrigin};

/// Reads a workbook (.xlsx, .xlsm or .xls) from its bytes.
pub fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    if bytes.starts_with(b"PK") {
        // calamine inflates with its own zip reader: prove first that no entry exceeds the caps.
        super::Package::open(bytes, limits)?.check_inflated_sizes()?;
    }
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ReadError::Other(format!("cannot read the workbook: {e}")))?;
    let mut doc = Document::default();
    let sheets = book.sheets_metadata().to_vec();
    for sheet in sheets {
        let hidden = sheet.visible != calamine::SheetVisible::Visible;
        let range = match book.worksheet_range(&sheet.name) {
            Ok(r) => r,
            Err(e) => {
                doc.warnings
                    .push(format!("sheet {}: cannot be read ({e})", sheet.name));
                continue;
            }
        };
        if range.is_empty() {
            continue;
        }
        let formulas = book.worksheet_formula(&sheet.name).ok();
        let merges = match &mut book {
            Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&sheet.name).unwrap_or_default(),
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&sheet.name).unwrap_or_default(),
            _ => Vec::new(),
        };
        let (start, end) = match (range.start(), range.end()) {
            (Some(s), Some(e)) => (s, e),
            _ => continue,
        };
        // Grid coordinates are the sheet's own (A1 = 0,0), so a table at an offset keeps it.
        let rows = end.0 as usize + 1;
        let cols = end.1 as usize + 1;
        if rows.saturating_mul(cols) > limits.max_table_slots {
            return Err(ReadError::Limit(format!(
                "sheet {} has {rows} × {cols} cells (limit {} slots)",
                sheet.name, limits.max_table_slots
            )));
        }
        let mut covered = vec![false; rows * cols];
        let mut cells = Vec::new();
        let mut formula_warnings = 0usize;
        let merge_at = |r: u32, c: u32| merges.iter().find(|d| d.start == (r, c));
        for (r, c, value) in range
            .used_cells()
            .map(|(r, c, v)| (r as u32 + start.0, c as u32 + start.1, v))
        {
            let idx = r as usize * cols + c as usize;
            if covered.get(idx).copied().unwrap_or(true) {
                continue;
            }
            let mut text = cell_text(value);
            if text.is_empty() {
                if let Some(f) = formulas.as_ref().and_then(|f| f.get_value((r, c))) {
                    if !f.is_empty() {
                        text = format!("={f}");
                        formula_warnings += 1;
                    }
                }
            }
            if text.chars().count() > limits.max_cell_chars {
                return Err(ReadError::Limit(format!(
                    "a cell of sheet {} holds more than {} characters",
                    sheet.name, limits.max_cell_chars
                )));
            }
            let (rowspan, colspan) = merge_at(r, c).map_or((1, 1), |d| {
                (
                    (d.end.0 - d.start.0 + 1) as usize,
                    (d.end.1 - d.start.1 + 1) as usize,
                )
            });
            mark(&mut covered, cols, r as usize, c as usize, rowspan, colspan);
            cells.push(Cell {
                row: r as usize,
                col: c as usize,
                rowspan,
                colspan,
                text,
                ..Cell::default()
            });
        }
        // Merged regions whose top-left cell is empty still exist as (empty) cells.
        for d in &merges {
            let (r, c) = (d.start.0 as usize, d.start.1 as usize);
            if r < rows && c < cols && !covered[r * cols + c] {
                let (rowspan, colspan) = (
                    (d.end.0 - d.start.0 + 1) as usize,
                    (d.end.1 - d.start.1 + 1) as usize,
                );
                mark(&mut covered, cols, r, c, rowspan, colspan);
                cells.push(Cell {
                    row: r,
                    col: c,
                    rowspan,
                    colspan,
                    ..Cell::default()
                });
            }
        }
        if formula_warnings > 0 {
            doc.warnings.push(format!(
                "sheet {}: {formula_warnings} formula cell(s) have no cached value (formula text kept)",
                sheet.name
            ));
        }
        cells.sort_by_key(|c| (c.row, c.col));
        for p in title_rows(&cells) {
            doc.body.push(Block::Paragraph(Paragraph {
                text: p,
                ..Paragraph::default()
            }));
        }
        let mut grid = TableGrid::from_cells(
            cells,
            TableOrigin::Sheet {
                name: sheet.name.clone(),
                hidden,
            },
        );
        grid.rows = grid.rows.max(rows);
        grid.cols = grid.cols.max(cols);
        doc.body.push(Block::Table(grid));
    }
    if let Some(pictures) = book.pictures() {
        for (i, (ext, data)) in pictures.into_iter().enumerate() {
            let index = doc.images.len();
            doc.images.push(ImagePart {
                part: format!("picture{}.{ext}", i + 1),
                content_type: format!("image/{}", if ext == "jpg" { "jpeg" } else { &ext }),
                data,
            });
            doc.body.push(Block::Image(index));
        }
    }
    Ok(doc)
}

fn mark(covered: &mut [bool], cols: usize, r: usize, c: usize, rowspan: usize, colspan: usize) {
    for rr in r..r + rowspan {
        for cc in c..(c + colspan).min(cols) {
            if let Some(slot) = covered.get_mut(rr * cols + cc) {
                *slot = true;
            }
        }
    }
}

/// Text of rows that hold exactly one non-numeric cell: a sheet's title and notes.
fn title_rows(cells: &[Cell]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        let row = cells[i].row;
        let in_row: Vec<&Cell> = cells[i..]
            .iter()
            .take_while(|c| c.row == row)
            .filter(|c| !c.text.trim().is_empty())
            .collect();
        let n = cells[i..].iter().take_while(|c| c.row == row).count();
        if let [only] = in_row.as_slice() {
            if only.text.trim().parse::<f64>().is_err() {
                out.push(only.text.trim().to_string());
            }
        }
        i += n;
    }
    out
}

/// A cell's value as text: numbers as people write them, dates as YYYY-MM-DD.
fn cell_text(value: &Data) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => crate::write::format_number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) => {
                let s = dt.to_string();
                s.strip_suffix(" 00:00:00").map(str::to_string).unwrap_or(s)
            }
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
