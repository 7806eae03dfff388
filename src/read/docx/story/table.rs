//! Tables: `w:tbl` rows and cells, with `w:gridSpan`, `w:vMerge`, `w:hMerge`, `w:gridBefore` and
//! `w:gridAfter`, placed into a merged-cell `TableGrid` within `Limits::max_table_slots`.

use quick_xml::events::BytesStart;
use rustc_hash::FxHashMap;

use super::super::xml::{qname, val_int, val_ref, Ev, Xml};
use super::Story;
use crate::model::{Block, Cell, TableGrid, TableOrigin};
use crate::read::{Limits, ReadError};

/// One `w:tc` as read, before placement in the grid.
struct TcData {
    span: usize,
    vmerge: Option<bool>, // Some(true) = restart, Some(false) = continue
    hmerge_continue: bool,
    text: String,
    after: Vec<Block>,
}

impl Story<'_> {
    /// A table, through its End: the table, then its nested tables and pictures.
    pub(super) fn table(&mut self, x: &mut Xml) -> Result<Vec<Block>, ReadError> {
        let mut grid = GridBuilder::new(self.limits, x.part());
        let mut after = Vec::new();
        let mut nest = 0usize;
        let mut in_grid = false;
        loop {
            match x.next()? {
                Ev::Start(e) => {
                    let (_, local) = qname(&e);
                    match local {
                        "tblGrid" if nest == 0 => in_grid = true,
                        "gridCol" if in_grid => grid.grid_cols += 1,
                        "tr" => {
                            self.row(x, &mut grid, &mut after)?;
                            continue;
                        }
                        "tblPr" => {
                            x.skip()?;
                            continue;
                        }
                        _ => {}
                    }
                    nest += 1;
                }
                Ev::End => {
                    if nest == 0 {
                        break;
                    }
                    nest -= 1;
                    if nest == 0 {
                        in_grid = false;
                    }
                }
                Ev::Text(_) => {}
                Ev::Eof => return Err(x.unexpected_eof()),
            }
        }
        let mut blocks = Vec::with_capacity(1 + after.len());
        if let Some(t) = grid.finish()? {
            blocks.push(Block::Table(t));
        }
        blocks.extend(after);
        Ok(blocks)
    }

    /// A table row, through its End.
    fn row(
        &mut self,
        x: &mut Xml,
        grid: &mut GridBuilder,
        after: &mut Vec<Block>,
    ) -> Result<(), ReadError> {
        grid.start_row()?;
        x.each_start(|x, e, _| {
            match qname(&e).1 {
                "gridBefore" => grid.grid_before(val_int(&e).unwrap_or(0))?,
                "gridAfter" => grid.grid_after(val_int(&e).unwrap_or(0))?,
                "tc" => {
                    let tc = self.cell(x)?;
                    grid.place(tc, after)?;
                    return Ok(true);
                }
                "tblPrEx" => {
                    x.skip()?;
                    return Ok(true);
                }
                _ => {}
            }
            Ok(false)
        })?;
        grid.end_row()
    }

    /// A table cell, through its End.
    fn cell(&mut self, x: &mut Xml) -> Result<TcData, ReadError> {
        let mut tc = TcData {
            span: 1,
            vmerge: None,
            hmerge_continue: false,
            text: String::new(),
            after: Vec::new(),
        };
        // One buffer for the blocks of every cell (a nested table's cells take their own).
        let mut blocks = std::mem::take(&mut self.cell_blocks);
        x.each_start(|x, e, nest| {
            if qname(&e).1 == "tcPr" && nest == 0 {
                self.tcpr(x, &mut tc)?;
                return Ok(true);
            }
            self.block_start(x, &e, &mut blocks)
        })?;
        let mut chars = 0usize;
        let mut first = true;
        for b in blocks.drain(..) {
            match b {
                Block::Paragraph(p) => {
                    // The text itself when there is no list label: no copy.
                    let printed = match p.label {
                        None => p.text,
                        Some(_) => p.printed(),
                    };
                    chars += printed.chars().count();
                    if first {
                        tc.text = printed;
                    } else {
                        tc.text.push('\n');
                        tc.text.push_str(&printed);
                    }
                    first = false;
                    if chars > self.limits.max_cell_chars {
                        return Err(ReadError::Limit(format!(
                            "a table cell in {} holds more than {} characters \
                             (Limits::max_cell_chars)",
                            x.part(),
                            self.limits.max_cell_chars
                        )));
                    }
                }
                other => tc.after.push(other),
            }
        }
        self.cell_blocks = blocks;
        if let Some(cap) = self.drop_cap.take() {
            append_text(&mut tc.text, &cap);
        }
        Ok(tc)
    }

    /// `w:tcPr`, through its End.
    fn tcpr(&mut self, x: &mut Xml, tc: &mut TcData) -> Result<(), ReadError> {
        let mut property = |e: &BytesStart| match qname(e).1 {
            "gridSpan" => {
                tc.span = val_int(e)
                    .and_then(|v| usize::try_from(v).ok())
                    .unwrap_or(1)
                    .max(1)
            }
            "vMerge" => tc.vmerge = Some(val_ref(e).is_some_and(|v| v == "restart")),
            "hMerge" => tc.hmerge_continue = val_ref(e).is_none_or(|v| v != "restart"),
            _ => {}
        };
        if x.flat_children(&mut property)? {
            return Ok(());
        }
        x.each_start(|_, e, _| {
            property(&e);
            Ok(false)
        })
    }
}

/// Builds the merged-cell grid of one table, row by row.
struct GridBuilder<'l> {
    limits: &'l Limits,
    part: String,
    grid_cols: usize,
    rows: usize,
    /// Column cursor in the current row.
    cursor: usize,
    /// Widest extent seen.
    cols: usize,
    cells: Vec<Cell>,
    /// Per starting column: the index of the last cell placed there (for vMerge continue).
    column_top: FxHashMap<usize, usize>,
    /// Index of the last cell placed in the current row (for hMerge continue).
    last_in_row: Option<usize>,
    /// `w:gridAfter` of the current row.
    pending_after: usize,
}

impl<'l> GridBuilder<'l> {
    fn new(limits: &'l Limits, part: &str) -> Self {
        GridBuilder {
            limits,
            part: part.to_string(),
            grid_cols: 0,
            rows: 0,
            cursor: 0,
            cols: 0,
            cells: Vec::new(),
            column_top: FxHashMap::default(),
            last_in_row: None,
            pending_after: 0,
        }
    }

    fn check(&self, rows: usize, cols: usize) -> Result<(), ReadError> {
        let slots = rows.saturating_mul(cols.max(self.grid_cols));
        if slots > self.limits.max_table_slots {
            return Err(ReadError::Limit(format!(
                "a table in {} has more than {} slots (rows × columns; Limits::max_table_slots)",
                self.part, self.limits.max_table_slots
            )));
        }
        Ok(())
    }

    fn start_row(&mut self) -> Result<(), ReadError> {
        self.rows += 1;
        self.cursor = 0;
        self.last_in_row = None;
        self.check(self.rows, self.cols.max(1))
    }

    fn widen(&mut self, to: usize) -> Result<(), ReadError> {
        self.check(self.rows.max(1), to)?;
        self.cols = self.cols.max(to);
        Ok(())
    }

    fn grid_before(&mut self, n: i64) -> Result<(), ReadError> {
        let n = usize::try_from(n).unwrap_or(0);
        self.cursor = self.cursor.saturating_add(n);
        self.widen(self.cursor)
    }

    fn grid_after(&mut self, n: i64) -> Result<(), ReadError> {
        // gridAfter comes in trPr, before the cells: applied when the row ends.
        self.pending_after = usize::try_from(n).unwrap_or(0);
        Ok(())
    }

    fn end_row(&mut self) -> Result<(), ReadError> {
        let n = std::mem::take(&mut self.pending_after);
        if n > 0 {
            self.widen(self.cursor.saturating_add(n))?;
        }
        Ok(())
    }

    fn place(&mut self, tc: TcData, after: &mut Vec<Block>) -> Result<(), ReadError> {
        after.extend(tc.after);
        let row = self.rows.saturating_sub(1);
        let col = self.cursor;
        let end = col.saturating_add(tc.span);
        self.widen(end)?;
        self.cursor = end;
        if tc.hmerge_continue {
            if let Some(c) = self.last_in_row.and_then(|i| self.cells.get_mut(i)) {
                c.colspan = end - c.col;
                append_text(&mut c.text, &tc.text);
                return Ok(());
            }
        }
        if tc.vmerge == Some(false) {
            if let Some(&i) = self.column_top.get(&col) {
                if let Some(c) = self.cells.get_mut(i) {
                    if c.row + c.rowspan == row {
                        c.rowspan += 1;
                        append_text(&mut c.text, &tc.text);
                        self.last_in_row = Some(i);
                        return Ok(());
                    }
                }
            }
        }
        let i = self.cells.len();
        self.cells.push(Cell {
            row,
            col,
            rowspan: 1,
            colspan: tc.span,
            text: tc.text,
            bbox: None,
            upright_box: None,
            confidence: None,
            page_box: None,
        });
        self.column_top.insert(col, i);
        self.last_in_row = Some(i);
        Ok(())
    }

    fn finish(self) -> Result<Option<TableGrid>, ReadError> {
        if self.rows == 0 {
            return Ok(None);
        }
        let cols = self.cols.max(self.grid_cols);
        let mut cells = self.cells;
        cells.sort_by_key(|c| (c.row, c.col));
        Ok(Some(TableGrid {
            rows: self.rows,
            cols,
            cells,
            origin: TableOrigin::Word,
        }))
    }
}

fn append_text(dst: &mut String, extra: &str) {
    if extra.is_empty() {
        return;
    }
    if !dst.is_empty() {
        dst.push('\n');
    }
    dst.push_str(extra);
}
