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
        let mut pkg = super::Package::open(bytes, limits)?;
        pkg.check_inflated_sizes()?;
        // calamine allocates every sheet densely (rows × columns from its used range): two cells
        // at A1 and XFD1048576 would ask for 17 billion slots. Measure the sheets first.
        check_sheet_extents(&mut pkg, limits)?;
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
                "sheet {} has {rows} rows × {cols} columns = more than {} cells \
                 (--max-table-cells raises the limit)",
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
                    "a cell of sheet {} holds more than {} characters of text \
                     (--max-cell-chars raises the limit)",
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
    if doc.body.is_empty() {
        doc.warnings
            .push("the workbook holds no sheet with cells: nothing to read".into());
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
    // A merged region may reach far beyond the used range (A1:XFD1048576): clamp it.
    let rows = covered.len() / cols.max(1);
    for rr in r..(r.saturating_add(rowspan)).min(rows) {
        for cc in c..(c.saturating_add(colspan)).min(cols) {
            if let Some(slot) = covered.get_mut(rr * cols + cc) {
                *slot = true;
            }
        }
    }
}

/// Fails when a worksheet of the package reaches beyond `max_table_slots` cells counted from A1,
/// reading cell references the way calamine places cells (a cell without `r` follows the
/// previous one; a row without `r` follows the previous row).
fn check_sheet_extents(pkg: &mut super::Package, limits: &Limits) -> Result<(), ReadError> {
    use quick_xml::events::Event;
    let Some(main) = pkg.main_part()? else {
        return Ok(());
    };
    let sheets: Vec<String> = pkg
        .relationships(&main)?
        .into_iter()
        .filter(|r| r.kind == "worksheet" && !r.external)
        .map(|r| r.target)
        .collect();
    for part in sheets {
        let Some(xml) = pkg.read_part_opt(&part)? else {
            continue;
        };
        let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
        let (mut row, mut col) = (0u64, 0u64);
        let (mut max_row, mut max_col) = (0u64, 0u64);
        loop {
            let e = match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => e,
                Ok(Event::Eof) | Err(_) => break,
                _ => continue,
            };
            match super::package::local_name(e.name().as_ref()) {
                "row" => {
                    row = super::package::attr(&e, "r")
                        .and_then(|r| r.trim().parse::<u64>().ok())
                        .unwrap_or(row + 1);
                    col = 0;
                }
                "mergeCell" | "dimension" => {
                    // Parsed by calamine with the same overflowing reference parser.
                    if let Some(r) = super::package::attr(&e, "ref") {
                        let ends: Vec<_> = r.split(':').map(cell_ref).collect();
                        // A reversed range (E1:A2) underflows calamine's span arithmetic.
                        let reversed = matches!(ends.as_slice(),
                            [Some(a), Some(b)] if a.0 > b.0 || a.1 > b.1);
                        if reversed || ends.len() > 2 || ends.iter().any(Option::is_none) {
                            return Err(ReadError::Other(format!(
                                "worksheet {part}: invalid cell reference {r:?}"
                            )));
                        }
                    }
                }
                "c" => {
                    match super::package::attr(&e, "r") {
                        Some(r) => {
                            // calamine's own parser overflows (panics, or wraps to a huge
                            // column in release builds) on references like `inlineStr`.
                            let (rr, cc) = cell_ref(&r).ok_or_else(|| {
                                ReadError::Other(format!(
                                    "worksheet {part}: invalid cell reference {r:?}"
                                ))
                            })?;
                            row = rr;
                            col = cc;
                        }
                        None => col += 1,
                    }
                    max_row = max_row.max(row);
                    max_col = max_col.max(col);
                    if max_row.saturating_mul(max_col) > limits.max_table_slots as u64 {
                        return Err(ReadError::Limit(format!(
                            "worksheet {part} reaches row {max_row} and column {max_col}: more than \
                             {} cells (rows × columns; --max-table-cells raises the limit)",
                            limits.max_table_slots
                        )));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// `B12` → (12, 2): 1-based row and column of an A1 reference within Excel's grid
/// (XFD1048576 at most).
fn cell_ref(r: &str) -> Option<(u64, u64)> {
    let r = r.trim().trim_start_matches('$');
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = r[..letters].bytes().fold(0u64, |n, b| {
        n * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row = r[letters..].trim_start_matches('$').parse::<u64>().ok()?;
    ((1..=1_048_576).contains(&row) && col <= 16_384).then_some((row, col))
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
