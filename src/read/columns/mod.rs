//! Tables that have no rules, or only horizontal ones (a 三线表: a rule above, one under the
//! header, one below), rebuilt from the columns their text forms. Format-independent: the
//! input is positioned pieces of text — a box `[x0, y0, x1, y1]` in any unit with y growing
//! down, one piece per run of text separated from the next by a wide gap — plus any horizontal
//! rules; the output is merged-cell grids in slot units ([`GridCell`], the shape
//! [`crate::read::grid`] gives ruled tables). A PDF page gives its pieces from glyph runs; a
//! picture of a table with no rules gives them from the OCR'd words and their pixel boxes.
//!
//! How: the pieces are grouped into lines; a table is a block of at least three lines of three
//! or more pieces that share at least two column gaps with one of the lines just above (rows of
//! a label then numbers), or sit beside it in other columns (a header set at two heights),
//! grown up over its header lines and down over wrapped labels while the lines keep the block's
//! size and pitch (and stay between the rules above and below, when there are rules). Its
//! columns are the x-ranges that stay clear of text over most lines of the block (a header cell
//! or a label spanning several columns may cross a gap; two figures or two short pieces may
//! not), each cut in the middle of its least crossed part. A line with a figure starts the data
//! rows (or the label line just above it that reaches down into it). Above it, the lines of a
//! column that cover the same columns are one header cell wrapped over lines, a cell over
//! several columns with cells below it is a group header spanning them, and the other cells
//! reach down to the header's bottom ([`header`]). A data row is one line, or several when each
//! label of the next line sits under a label that fills its column (its figures on any of those
//! lines). A text in the value columns of a data row (a header repeated inside the table) spans
//! the empty columns to its right, and a lone figure under it takes the same span.
//! Ordinary prose, a heading beside a date, or two lines of pieces are never a table.
//!
//! The steps, one file each: [`block`] finds which lines form a table, [`edges`] where its
//! columns are, [`header`] the merged cells above its figures, [`build`] the whole grid.

mod block;
mod build;
mod edges;
mod header;
#[cfg(test)]
mod tests;

use super::grid::GridCell;

/// A run of text and its box.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// `[x0, y0, x1, y1]`, y growing down.
    pub rect: [f32; 4],
    pub text: String,
}

/// A horizontal rule: its height and its extent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub y: f32,
    pub x0: f32,
    pub x1: f32,
}

/// A cell of a rebuilt table: its slots, its text (lines joined with `\n`) and its box.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnCell {
    pub slot: GridCell,
    pub text: String,
    pub rect: [f32; 4],
}

/// A table rebuilt from the columns of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnTable {
    /// The box of the whole table.
    pub rect: [f32; 4],
    pub rows: usize,
    pub cols: usize,
    /// Every slot belongs to exactly one cell, row by row.
    pub cells: Vec<ColumnCell>,
    /// Indices (into the input) of the pieces the table took.
    pub pieces: Vec<usize>,
}

/// A line: pieces (indices) left to right, and its vertical extent.
#[derive(Debug, Clone)]
struct Line {
    pieces: Vec<usize>,
    y0: f32,
    y1: f32,
}

impl Line {
    fn mid(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
}

/// Finds the tables formed by aligned text among `pieces`, top to bottom.
pub fn find_tables(pieces: &[Piece], rules: &[Rule]) -> Vec<ColumnTable> {
    let lines = block::lines_of(pieces);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some((first, last)) = block::next_core(pieces, &lines, from) {
        let (top, bottom) = block::grow(pieces, &lines, rules, first, last);
        if let Some(t) = build::build(pieces, &lines[top..=bottom]) {
            out.push(t);
        }
        from = bottom + 1;
    }
    out
}

fn height(p: &Piece) -> f32 {
    (p.rect[3] - p.rect[1]).max(0.1)
}

fn median(mut v: Vec<f32>) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

/// A figure: digits with their separators, a `/` or a dash for none.
fn is_figure(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && (t.chars().all(|c| c.is_ascii_digit() || ".,-+%".contains(c))
            && t.chars().any(|c| c.is_ascii_digit())
            || matches!(t, "/" | "-" | "—" | "／"))
}

/// Appends a piece of text to a cell's text on the same line: with a space, except between
/// two CJK characters (a word spaced out over its cell, 自 然, splits into pieces).
fn join_on_line(text: &mut String, next: &str) {
    let wide = |c: Option<char>| c.is_some_and(|c| !c.is_ascii());
    if !(text.is_empty() || wide(text.chars().last()) && wide(next.chars().next())) {
        text.push(' ');
    }
    text.push_str(next);
}

fn overlap(a: usize, b: usize, c: usize, d: usize) -> bool {
    a <= d && c <= b
}

fn union(a: [f32; 4], b: [f32; 4]) -> [f32; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}
