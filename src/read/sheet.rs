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
        let origin = TableOrigin::Sheet {
            name: sheet.name.clone(),
            hidden,
        };
        doc.body.extend(split_sheet(cells, &origin));
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
                description: None,
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

/// What one sheet row holds, for cutting a sheet into tables and text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum RowShape {
    /// No text in any cell covering the row.
    Empty,
    /// Exactly one non-numeric text cell, one row high: a title, a heading or a note.
    Line(usize),
    /// Anything else: part of a table.
    Table,
}

/// Cuts one sheet into blocks in row order: a sheet often holds several tables stacked
/// vertically, with blank rows or heading rows (`二、主动公开政府信息情况`, `表三 …`) between
/// them, and a title above. Each run of table rows becomes its own [`TableGrid`] (cells keep the
/// sheet's absolute row and column); title, heading and note rows become paragraphs, so the
/// recogniser finds the office, the year and the sections the way it does in a document.
fn split_sheet(mut cells: Vec<Cell>, origin: &TableOrigin) -> Vec<Block> {
    cells.sort_by_key(|c| (c.row, c.col));
    let Some(last) = cells.iter().map(|c| c.row + c.rowspan.max(1)).max() else {
        return Vec::new();
    };
    // For every row, the non-empty cells covering it and those starting in it.
    let mut covering = vec![0usize; last];
    let mut starting: Vec<Vec<usize>> = vec![Vec::new(); last];
    for (i, c) in cells.iter().enumerate() {
        if c.text.trim().is_empty() {
            continue;
        }
        for n in covering.iter_mut().skip(c.row).take(c.rowspan.max(1)) {
            *n += 1;
        }
        starting[c.row].push(i);
    }
    let shape: Vec<RowShape> = (0..last)
        .map(|r| match (covering[r], starting[r].as_slice()) {
            (0, _) => RowShape::Empty,
            (1, [i])
                if cells[*i].rowspan.max(1) == 1
                    && cells[*i].text.trim().parse::<f64>().is_err() =>
            {
                RowShape::Line(*i)
            }
            _ => RowShape::Table,
        })
        .collect();
    let numeric = |r: usize| {
        starting[r]
            .iter()
            .any(|&i| cells[i].text.trim().parse::<f64>().is_ok())
    };
    let opens = |r: usize| {
        starting
            .get(r)
            .is_some_and(|s| opens_table(s.iter().map(|&i| cells[i].text.as_str())))
    };
    let mut out = Vec::new();
    let mut band: Vec<usize> = Vec::new();
    for r in 0..=last {
        // a table printed right under the previous one, without a blank or heading row
        if shape.get(r) == Some(&RowShape::Table)
            && r > 0
            && band.last() == Some(&(r - 1))
            && numeric(r - 1)
            && opens(r)
        {
            emit_band(&cells, &shape, &band, origin, &mut out);
            band.clear();
            band.push(r);
            continue;
        }
        let cut = match shape.get(r) {
            None | Some(RowShape::Empty) => true,
            Some(RowShape::Line(i)) => is_heading(&cells[*i].text),
            Some(RowShape::Table) => false,
        };
        if !cut {
            band.push(r);
            continue;
        }
        emit_band(&cells, &shape, &band, origin, &mut out);
        band.clear();
        if let Some(RowShape::Line(i)) = shape.get(r) {
            out.push(paragraph(&cells[*i].text));
        }
    }
    out
}

/// One run of rows between cuts: leading and trailing text lines as paragraphs, the rest a table.
fn emit_band(
    cells: &[Cell],
    shape: &[RowShape],
    band: &[usize],
    origin: &TableOrigin,
    out: &mut Vec<Block>,
) {
    let line = |r: usize| match shape[r] {
        // a 表二 block title (第二十条第（一）项) belongs to its table
        RowShape::Line(i) if !is_table_line(&cells[i].text) => Some(i),
        _ => None,
    };
    let lead = band.iter().take_while(|&&r| line(r).is_some()).count();
    let trail = band[lead..]
        .iter()
        .rev()
        .take_while(|&&r| line(r).is_some())
        .count();
    let body = &band[lead..band.len() - trail];
    for &r in &band[..lead] {
        out.extend(line(r).map(|i| paragraph(&cells[i].text)));
    }
    if let (Some(&first), Some(&end)) = (body.first(), body.last()) {
        // cells are sorted by row: take the band's slice (a sheet may have thousands of bands)
        let from = cells.partition_point(|c| c.row < first);
        let to = cells.partition_point(|c| c.row <= end);
        let table: Vec<Cell> = cells[from..to]
            .iter()
            .filter(|c| !(c.text.trim().is_empty() && c.row + c.rowspan.max(1) > end + 1))
            .map(|c| {
                let mut c = c.clone();
                c.rowspan = c.rowspan.max(1).min(end + 1 - c.row);
                c
            })
            .collect();
        if !table.is_empty() {
            out.push(Block::Table(TableGrid::from_cells(table, origin.clone())));
        }
    }
    for &r in &band[band.len() - trail..] {
        out.extend(line(r).map(|i| paragraph(&cells[i].text)));
    }
}

fn paragraph(text: &str) -> Block {
    Block::Paragraph(Paragraph {
        text: text.trim().to_string(),
        ..Paragraph::default()
    })
}

/// Whether a row's cells are the first header row of a 表三 (申请人情况, or 自然人 directly) or
/// of a 表四 (行政复议 next to 行政诉讼): below a row of numbers, a new table begins there.
fn opens_table<'a>(texts: impl Iterator<Item = &'a str>) -> bool {
    let texts: Vec<String> = texts
        .map(|t| t.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let any = |w: &str| texts.iter().any(|t| t.contains(w));
    any("申请人情况")
        || texts.iter().any(|t| t == "自然人")
        || texts.iter().any(|t| t.starts_with("行政复议")) && any("行政诉讼")
}

/// A line that is part of a statistical table even when it stands alone in its row: a 表二
/// block title, or a row label whose value cells are empty (and so absent from the sheet).
fn is_table_line(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    t.starts_with("第二十条") || t.starts_with("信息内容") || is_row_label(&t)
}

/// Labels of the rows of 表二 and 表三 (spaces removed).
fn is_row_label(t: &str) -> bool {
    const ROW_LABELS: [&str; 18] = [
        "申请数量",
        "办理结果",
        "结转下年",
        "予以公开",
        "部分公开",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
        "总计",
        "规章",
        "规范性文件",
        "行政许可",
        "行政处罚",
        "行政强制",
        "事业性收费",
        "集中采购",
        "对外管理服务",
    ];
    t.chars().count() <= 40 && ROW_LABELS.iter().any(|l| t.contains(l))
}

/// A line that separates two tables of one sheet: a numbered heading (`二、…`, `（三）…`), a
/// table caption (`表三…`), an appendix mark or a report title — but never a row label of 表三
/// whose data cells happen to be empty (`一、本年新收政府信息公开申请数量`).
fn is_heading(text: &str) -> bool {
    static HEADING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|表[一二三四五六七八九十0-9]|附件|附表)",
        )
        .expect("valid regex")
    });
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if is_row_label(&t) && !t.contains("情况") {
        return false;
    }
    HEADING.is_match(&t) || (t.contains("年度报告") && t.chars().count() >= 8)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn c(row: usize, col: usize, colspan: usize, text: &str) -> Cell {
        Cell {
            row,
            col,
            rowspan: 1,
            colspan,
            text: text.into(),
            ..Cell::default()
        }
    }

    fn shape(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => format!("p:{}", p.text),
                Block::Table(t) => format!("t:{}-{}", t.cells[0].row, t.rows - 1),
                Block::Image(_) => "i".into(),
            })
            .collect()
    }

    #[test]
    fn a_sheet_is_cut_at_blank_and_heading_rows() {
        let origin = TableOrigin::Sheet {
            name: "s".into(),
            hidden: false,
        };
        let cells = vec![
            c(0, 0, 4, "某区政府办公室2023年政府信息公开工作年度报告"),
            c(2, 2, 1, "二、主动公开政府信息情况"),
            c(3, 2, 3, "第二十条第（一）项"),
            c(4, 2, 1, "信息内容"),
            c(4, 3, 1, "本年制发件数"),
            c(5, 2, 1, "规章"),
            c(5, 3, 1, "1"),
            c(6, 2, 1, "三、收到和处理政府信息公开申请情况"),
            c(7, 2, 1, "自然人"),
            c(7, 3, 1, "总计"),
            // a 表三 row whose data cells are all empty stays in its table
            c(8, 2, 1, "一、本年新收政府信息公开申请数量"),
            c(9, 2, 1, "二、上年结转政府信息公开申请数量"),
            c(9, 3, 1, "4"),
            // the last row of a table with its value empty is not a note
            c(10, 2, 1, "四、结转下年度继续办理"),
            c(11, 2, 1, "注：数据截至12月31日"),
        ];
        let blocks = split_sheet(cells, &origin);
        assert_eq!(
            shape(&blocks),
            [
                "p:某区政府办公室2023年政府信息公开工作年度报告",
                "p:二、主动公开政府信息情况",
                "t:3-5",
                "p:三、收到和处理政府信息公开申请情况",
                "t:7-10",
                "p:注：数据截至12月31日",
            ]
        );
        let Block::Table(t) = &blocks[2] else {
            panic!()
        };
        assert_eq!(
            (t.cells[0].row, t.cells[0].col),
            (3, 2),
            "sheet coordinates kept"
        );
        assert_eq!(t.origin, origin);
    }

    #[test]
    fn many_bands_stay_linear() {
        // 30,000 two-row tables separated by blank rows: cut in well under a second
        let mut cells = Vec::new();
        for b in 0..30_000 {
            for r in 0..2 {
                cells.push(c(b * 3 + r, 0, 1, "项目"));
                cells.push(c(b * 3 + r, 1, 1, "5"));
            }
        }
        let origin = TableOrigin::Sheet {
            name: "s".into(),
            hidden: false,
        };
        let start = std::time::Instant::now();
        let blocks = split_sheet(cells, &origin);
        assert_eq!(blocks.len(), 30_000);
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }
}
