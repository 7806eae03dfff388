//! EMF pictures of tables: no OCR — the text is in the records. `EMR_EXTTEXTOUTW` (84) holds a
//! UTF-16LE string with its reference point; strings are grouped into rows by y and into columns
//! by overlapping x extents (widths from the `Dx` advance arrays, alignment from
//! `EMR_SETTEXTALIGN`), as Apache Tika's EMFParser does. Glyph-index strings (`ETO_GLYPH_INDEX`)
//! and ANSI strings other than ASCII are skipped. The result is a [`TableOrigin::Vector`] grid.

use crate::model::{Cell, TableGrid, TableOrigin};

use super::ImageTableError;

const EMR_HEADER: u32 = 1;
const EMR_EOF: u32 = 14;
const EMR_SETTEXTALIGN: u32 = 22;
const EMR_EXTTEXTOUTA: u32 = 83;
const EMR_EXTTEXTOUTW: u32 = 84;
const ETO_GLYPH_INDEX: u32 = 0x10;
const ETO_PDY: u32 = 0x2000;
const TA_RIGHT: u32 = 2;
const TA_CENTER: u32 = 6;
/// More records than any table picture has.
const MAX_RECORDS: usize = 2_000_000;

/// Whether the bytes are an EMF file (`EMR_HEADER` with the `" EMF"` signature at offset 40).
pub fn is_emf(bytes: &[u8]) -> bool {
    bytes.len() >= 88 && u32_at(bytes, 0) == Some(EMR_HEADER) && &bytes[40..44] == b" EMF"
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    u32_at(b, at).map(|v| v as i32)
}

/// One positioned string.
#[derive(Debug, Clone)]
struct Text {
    left: i64,
    right: i64,
    y: i64,
    text: String,
}

fn corrupt(what: &str) -> ImageTableError {
    ImageTableError::Decode(format!("corrupt EMF: {what}"))
}

/// Positioned strings of an EMF file.
fn texts(bytes: &[u8]) -> Result<Vec<Text>, ImageTableError> {
    let mut out = Vec::new();
    let mut align = 0u32;
    let mut at = 0usize;
    let mut n = 0usize;
    while at + 8 <= bytes.len() {
        n += 1;
        if n > MAX_RECORDS {
            return Err(corrupt("too many records"));
        }
        let kind = u32_at(bytes, at).ok_or_else(|| corrupt("record type"))?;
        let size = u32_at(bytes, at + 4).ok_or_else(|| corrupt("record size"))? as usize;
        if size < 8 || at.checked_add(size).is_none_or(|end| end > bytes.len()) {
            return Err(corrupt(&format!("record at {at} has size {size}")));
        }
        let rec = &bytes[at..at + size];
        match kind {
            EMR_EOF => break,
            EMR_SETTEXTALIGN => align = u32_at(rec, 8).unwrap_or(0),
            EMR_EXTTEXTOUTW | EMR_EXTTEXTOUTA => {
                if let Some(t) = text_record(rec, kind == EMR_EXTTEXTOUTW, align) {
                    out.push(t);
                }
            }
            _ => {}
        }
        at += size;
    }
    Ok(out)
}

fn text_record(rec: &[u8], wide: bool, align: u32) -> Option<Text> {
    let x = i32_at(rec, 36)? as i64;
    let y = i32_at(rec, 40)? as i64;
    let nchars = u32_at(rec, 44)? as usize;
    let off = u32_at(rec, 48)? as usize;
    let options = u32_at(rec, 52)?;
    let off_dx = u32_at(rec, 72).unwrap_or(0) as usize;
    if options & ETO_GLYPH_INDEX != 0 || nchars == 0 || nchars > 100_000 {
        return None;
    }
    let text = if wide {
        let raw = rec.get(off..off.checked_add(nchars * 2)?)?;
        let units: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        let raw = rec.get(off..off.checked_add(nchars)?)?;
        if !raw.is_ascii() {
            return None; // ANSI code page (GBK in Chinese files): not decoded.
        }
        String::from_utf8_lossy(raw).into_owned()
    };
    let text = text
        .trim_matches(|c: char| c.is_whitespace() || c == '\0')
        .to_string();
    if text.is_empty() {
        return None;
    }
    // Advance widths: one i32 per character (two with ETO_PDY: dx, dy).
    let step = if options & ETO_PDY != 0 { 8 } else { 4 };
    let width: i64 = if off_dx >= 8 {
        (0..nchars)
            .filter_map(|i| i32_at(rec, off_dx + i * step))
            .map(|v| v as i64)
            .sum()
    } else {
        0
    };
    let width = width.max(1);
    let left = match align & TA_CENTER {
        TA_CENTER => x - width / 2,
        TA_RIGHT => x - width,
        _ => x,
    };
    Some(Text {
        left,
        right: left + width,
        y,
        text,
    })
}

/// Reads an EMF picture of a table from its text records; `Ok(None)` when it holds no grid of
/// text (fewer than two rows or two columns).
pub fn read_emf_table(
    bytes: &[u8],
    image_index: usize,
) -> Result<Option<TableGrid>, ImageTableError> {
    if !is_emf(bytes) {
        return Err(corrupt("no EMF header"));
    }
    let items = texts(bytes)?;
    if items.len() < 4 {
        return Ok(None);
    }
    // Rows: cluster y with a tolerance of a quarter of the typical gap between lines.
    let mut ys: Vec<i64> = items.iter().map(|t| t.y).collect();
    ys.sort_unstable();
    ys.dedup();
    let mut gaps: Vec<i64> = ys.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_unstable();
    let tol = gaps.get(gaps.len() / 2).copied().unwrap_or(0) / 4;
    let mut row_starts: Vec<i64> = Vec::new();
    for &y in &ys {
        if row_starts.last().is_none_or(|&s| y - s > tol) {
            row_starts.push(y);
        }
    }
    let row_of = |y: i64| row_starts.iter().rposition(|&s| s <= y).unwrap_or(0);
    // Columns: narrow strings first; a string overlapping two columns spans them.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| items[i].right - items[i].left);
    let mut cols: Vec<(i64, i64)> = Vec::new();
    for &i in &order {
        let t = &items[i];
        let hits: Vec<usize> = (0..cols.len())
            .filter(|&c| t.left <= cols[c].1 && t.right >= cols[c].0)
            .collect();
        match hits.len() {
            0 => cols.push((t.left, t.right)),
            1 => {
                let c = &mut cols[hits[0]];
                *c = (c.0.min(t.left), c.1.max(t.right));
            }
            _ => {}
        }
    }
    cols.sort_unstable();
    let col_span = |t: &Text| -> (usize, usize) {
        let hits: Vec<usize> = (0..cols.len())
            .filter(|&c| t.left <= cols[c].1 && t.right >= cols[c].0)
            .collect();
        match (hits.first(), hits.last()) {
            (Some(&a), Some(&b)) => (a, b - a + 1),
            _ => (cols.iter().rposition(|c| c.0 <= t.left).unwrap_or(0), 1),
        }
    };
    if row_starts.len() < 2 || cols.len() < 2 {
        return Ok(None);
    }
    // Cells: strings of one row and column joined left to right.
    let mut placed: Vec<(usize, usize, usize, i64, String)> = items
        .iter()
        .map(|t| {
            let (c, span) = col_span(t);
            (row_of(t.y), c, span, t.left, t.text.clone())
        })
        .collect();
    placed.sort_by_key(|p| (p.0, p.1, p.3));
    let mut cells: Vec<Cell> = Vec::new();
    for (row, col, span, _, text) in placed {
        match cells.last_mut() {
            Some(c) if c.row == row && c.col == col => c.text.push_str(&text),
            _ => cells.push(Cell {
                row,
                col,
                rowspan: 1,
                colspan: span,
                text,
                bbox: None,
                upright_box: None,
                confidence: None,
                page_box: None,
            }),
        }
    }
    Ok(Some(TableGrid::from_cells(
        cells,
        TableOrigin::Vector { image: image_index },
    )))
}
