//! Rows of a Word binary table → the merged-cell grid the .docx reader builds. A .doc row has
//! no grid of its own: each cell is a span between two boundaries (rgdxaCenter, in twips), so
//! the table's columns are the distinct boundaries of all its rows, a cell wider than one column
//! spans several, and merge flags (fMerged, fVertMerge/fVertRestart, sprmTVertMerge) join cells.

use std::collections::HashMap;

use super::super::{Limits, ReadError};
use super::props::RowDef;
use crate::model::{Cell, TableGrid, TableOrigin};

/// One row as read: its cells' texts and the TTP's row definition.
#[derive(Clone)]
pub(crate) struct Row {
    pub cells: Vec<String>,
    pub def: Option<RowDef>,
}

/// Boundaries closer than this (in twips) are one column edge (rounding between rows).
const SAME_EDGE: i32 = 8;

pub(crate) fn build(rows: Vec<Row>, limits: &Limits) -> Result<Option<TableGrid>, ReadError> {
    if rows.is_empty() {
        return Ok(None);
    }
    let mut edges: Vec<i32> = rows
        .iter()
        .filter_map(|r| r.def.as_ref())
        .flat_map(|d| d.centers.iter().map(|&c| i32::from(c)))
        .collect();
    edges.sort_unstable();
    edges.dedup_by(|b, a| *b - *a < SAME_EDGE);
    let column_of = |x: i32| -> usize { edges.partition_point(|&e| e + SAME_EDGE / 2 <= x) };

    let n_rows = rows.len();
    let mut cells: Vec<Cell> = Vec::new();
    // Per starting column: the last cell placed there (for vertical merges).
    let mut column_top: HashMap<usize, usize> = HashMap::new();
    let mut cols = 0usize;
    for (r, row) in rows.into_iter().enumerate() {
        let mut cursor = 0usize;
        let mut last_in_row: Option<usize> = None;
        for (i, text) in row.cells.into_iter().enumerate() {
            let def = row.def.as_ref();
            let span = def.and_then(|d| Some((*d.centers.get(i)?, *d.centers.get(i + 1)?)));
            let (col, end) = match span {
                Some((left, right)) if right > left => {
                    let c = column_of(i32::from(left));
                    (c, column_of(i32::from(right)).max(c + 1))
                }
                _ => (cursor, cursor + 1),
            };
            let flags = def
                .and_then(|d| d.cells.get(i))
                .copied()
                .unwrap_or_default();
            cursor = end;
            cols = cols.max(end);
            if slots(n_rows, cols) > limits.max_table_slots {
                return Err(ReadError::Limit(format!(
                    "a table has more than {} slots (rows × columns; Limits::max_table_slots)",
                    limits.max_table_slots
                )));
            }
            if text.chars().count() > limits.max_cell_chars {
                return Err(ReadError::Limit(format!(
                    "a table cell holds more than {} characters (Limits::max_cell_chars)",
                    limits.max_cell_chars
                )));
            }
            if flags.h_merged {
                if let Some(c) = last_in_row.and_then(|k| cells.get_mut(k)) {
                    c.colspan = end.saturating_sub(c.col).max(1);
                    append(&mut c.text, &text);
                    continue;
                }
            }
            if flags.v_merged && !flags.v_restart {
                if let Some(&k) = column_top.get(&col) {
                    let c = &mut cells[k];
                    if c.row + c.rowspan == r && c.col + c.colspan == end {
                        c.rowspan += 1;
                        append(&mut c.text, &text);
                        last_in_row = Some(k);
                        continue;
                    }
                }
            }
            let k = cells.len();
            cells.push(Cell {
                row: r,
                col,
                rowspan: 1,
                colspan: end - col,
                text,
                bbox: None,
                upright_box: None,
                confidence: None,
                page_box: None,
            });
            column_top.insert(col, k);
            last_in_row = Some(k);
        }
    }
    cells.sort_by_key(|c| (c.row, c.col));
    Ok(Some(TableGrid {
        rows: n_rows,
        cols,
        cells,
        origin: TableOrigin::Word,
    }))
}

fn slots(rows: usize, cols: usize) -> usize {
    rows.saturating_mul(cols)
}

fn append(dst: &mut String, extra: &str) {
    if extra.is_empty() {
        return;
    }
    if !dst.is_empty() {
        dst.push('\n');
    }
    dst.push_str(extra);
}
