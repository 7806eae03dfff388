//! Reading cells: a grid seen through its normalised texts ([`View`]), a printed value parsed
//! ([`parse_value`]: number, zero, blank, not applicable or text), and a cell turned into a
//! [`Figure`] that remembers the table, row, picture and box it was printed in.

use std::borrow::Cow;
use std::cell::RefCell;

use super::join::Unit;
use super::memo::LabelMemo;
use crate::model::{Cell, TableGrid, TableOrigin};
use crate::recognise::metrics::MetricId;
use crate::recognise::text::normalise_label_into;
use crate::recognise::{CellRef, Figure, Semantic};

/// Parses a published cell: number, zero, blank (value 0), not applicable, or text.
pub fn parse_value(raw: &str) -> (Option<f64>, Semantic) {
    if let Some(parsed) = plain_count(raw) {
        return parsed;
    }
    // The usual 不适用 marks as printed, without the folded copy.
    if is_na_mark(raw.trim()) {
        return (None, Semantic::Na);
    }
    // What is left is mostly label cells (表二's rows are told from their values this way),
    // the same in every report of a batch.
    thread_local! {
        static SEEN: RefCell<LabelMemo<(Option<f64>, Semantic)>> = RefCell::default();
    }
    SEEN.with_borrow_mut(|memo| *memo.get_or_insert_with(None, raw, || parse_general(raw)))
}

/// [`parse_value`] of a cell that is not a plain count or a 不适用 mark as printed.
fn parse_general(raw: &str) -> (Option<f64>, Semantic) {
    let s = crate::recognise::text::compact(raw);
    if s.is_empty() {
        return (Some(0.0), Semantic::Blank);
    }
    if is_na_mark(&s) || s.chars().all(|c| c == '-') {
        return (None, Semantic::Na);
    }
    let mut t: String = s.chars().filter(|c| !matches!(c, ',' | '，')).collect();
    for unit in ["(万元)", "万元", "元", "件", "个", "条", "项", "次"] {
        if let Some(x) = t.strip_suffix(unit) {
            t = x.to_string();
            break;
        }
    }
    let body = t.strip_prefix(['+', '-']).unwrap_or(&t);
    let numeric = !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.chars().filter(|&c| c == '.').count() <= 1
        && !body.starts_with('.')
        && !body.ends_with('.');
    if !numeric {
        return (None, Semantic::Text);
    }
    match t.parse::<f64>() {
        Ok(0.0) => (Some(0.0), Semantic::Zero),
        Ok(v) => (Some(v), Semantic::Number),
        Err(_) => (None, Semantic::Text),
    }
}

/// A cell that says its figure does not apply (`/`, `—`, `无`, …).
fn is_na_mark(s: &str) -> bool {
    matches!(
        s,
        "/" | "-" | "--" | "---" | "——" | "无" | "\\" | "—" | "／" | "、" | "-/-" | "×"
    )
}

/// [`parse_value`] of the cells most tables are made of — empty, or ASCII digits between ASCII
/// spaces — without the general path's folded copies; `None` for anything else.
fn plain_count(raw: &str) -> Option<(Option<f64>, Semantic)> {
    let t = raw.trim_ascii();
    if t.is_empty() {
        return raw.is_ascii().then_some((Some(0.0), Semantic::Blank));
    }
    // Up to 15 digits a count is exact in an f64, as the general path reads it.
    if t.len() > 15 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v = t.parse::<u64>().ok()? as f64;
    Some(if v == 0.0 {
        (Some(0.0), Semantic::Zero)
    } else {
        (Some(v), Semantic::Number)
    })
}

/// A grid with its normalised cell texts and slot map.
/// Every cell's text of a table as [`normalise_label`](crate::recognise::text::normalise_label) makes it, in cell order, in one buffer
/// (a table's few hundred labels were as many allocations); `labels[i]` is cell `i`'s.
pub(super) struct Labels {
    text: String,
    ends: Vec<usize>,
}

impl Labels {
    pub fn of(g: &TableGrid) -> Labels {
        let mut text = String::with_capacity(g.cells.iter().map(|c| c.text.len()).sum());
        let ends = g
            .cells
            .iter()
            .map(|c| {
                normalise_label_into(&c.text, &mut text);
                text.len()
            })
            .collect();
        Labels { text, ends }
    }

    /// All labels one after another.
    pub fn joined(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }
}

impl std::ops::Index<usize> for Labels {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

pub(super) struct View<'a> {
    pub g: &'a TableGrid,
    slots: Vec<Vec<Option<usize>>>,
    pub norm: Labels,
}

impl<'a> View<'a> {
    pub fn new(g: &'a TableGrid) -> Self {
        Self::with_norm(g, Labels::of(g))
    }
    /// A view over cell texts normalised already (one per cell of `g`, in order).
    pub fn with_norm(g: &'a TableGrid, norm: Labels) -> Self {
        debug_assert_eq!(norm.len(), g.cells.len());
        View {
            g,
            slots: g.slots(),
            norm,
        }
    }
    pub fn idx(&self, r: usize, c: usize) -> Option<usize> {
        self.slots
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .flatten()
    }
    pub fn text(&self, r: usize, c: usize) -> &str {
        self.idx(r, c).map_or("", |i| &self.norm[i])
    }
    /// The cell whose top-left slot is exactly (r, c).
    pub fn top_left(&self, r: usize, c: usize) -> Option<&'a Cell> {
        let i = self.idx(r, c)?;
        let cell = &self.g.cells[i];
        (cell.row == r && cell.col == c).then_some(cell)
    }
    /// The cell a figure at slot (r, c) is read from: the cell starting there or, in a sheet
    /// (where empty cells are not stored), a blank cell when no cell covers the slot.
    pub fn value_cell(&self, r: usize, c: usize) -> Option<Cow<'a, Cell>> {
        if let Some(cell) = self.top_left(r, c) {
            return Some(Cow::Borrowed(cell));
        }
        (self.idx(r, c).is_none() && matches!(self.g.origin, TableOrigin::Sheet { .. })).then(
            || {
                Cow::Owned(Cell {
                    row: r,
                    col: c,
                    rowspan: 1,
                    colspan: 1,
                    ..Cell::default()
                })
            },
        )
    }
    /// Distinct non-empty texts of the cells covering row r in columns `cols`, left to right.
    pub fn labels(&self, r: usize, cols: std::ops::Range<usize>) -> Vec<&str> {
        self.distinct(cols.map(|c| (r, c)))
            .map(|i| &self.norm[i])
            .filter(|t| !t.is_empty())
            .collect()
    }
    /// Column header: distinct texts of the cells covering column c in `rows`, top to bottom.
    pub fn header(&self, c: usize, rows: std::ops::Range<usize>) -> String {
        self.distinct(rows.map(|r| (r, c)))
            .map(|i| &self.norm[i])
            .collect()
    }
    /// The cells covering the slots `at` (row, column), each once, in the order first met.
    fn distinct<'s>(
        &'s self,
        at: impl Iterator<Item = (usize, usize)> + 's,
    ) -> impl Iterator<Item = usize> + 's {
        let mut seen = Vec::new();
        at.filter_map(|(r, c)| self.idx(r, c)).filter(move |&i| {
            let new = !seen.contains(&i);
            if new {
                seen.push(i);
            }
            new
        })
    }
}

/// A figure candidate before de-duplication.
pub(super) struct Found {
    pub figure: Figure,
}

impl Found {
    pub fn metric(&self) -> &str {
        &self.figure.metric.0
    }
}

/// Where a cell of `u` was printed: its own table and row (a joined table's pieces keep theirs).
pub(super) fn cell_ref(u: &Unit, cell: &Cell) -> (CellRef, &'static str, Option<usize>) {
    let (table, row, origin) = u.source(cell.row);
    let image = match origin {
        TableOrigin::Image { image } | TableOrigin::Vector { image } => Some(*image),
        _ => None,
    };
    (
        CellRef {
            table,
            row,
            col: cell.col,
        },
        origin.as_str(),
        image,
    )
}

pub(super) fn location(at: CellRef, image: Option<usize>, cell: &Cell) -> String {
    use std::fmt::Write;
    // Written into one buffer: a location is made for every figure.
    let mut s = String::with_capacity(16);
    // `T1 r4c4` by hand: through the formatting machinery it was a percent of a report's time.
    let mut n = itoa::Buffer::new();
    s.push('T');
    s.push_str(n.format(at.table));
    s.push_str(" r");
    s.push_str(n.format(at.row + 1));
    s.push('c');
    s.push_str(n.format(at.col + 1));
    if let Some(image) = image {
        // The same id as images.csv's `image` column.
        let _ = write!(s, " image I{}", image + 1);
        if let Some([x, y, w, h]) = cell.bbox {
            let _ = write!(s, " box {x},{y},{w},{h}");
        }
    }
    if let Some(at) = cell.page_box {
        // A PDF cell: `page 3 box 312.4,210.0,38.5,14.2` in points from the page's top-left.
        s.push_str(&format!(" {at}"));
    }
    s
}

/// `table.row.column`, in one allocation of the right size (`format!` grew it two or three times,
/// for every figure).
pub(super) fn metric_id(table: &str, row: &str, col: &str) -> String {
    let mut id = String::with_capacity(table.len() + row.len() + col.len() + 2);
    for (i, part) in [table, row, col].into_iter().enumerate() {
        if i > 0 {
            id.push('.');
        }
        id.push_str(part);
    }
    id
}

pub(super) fn figure(u: &Unit, cell: &Cell, metric: String) -> Found {
    let (value, semantic) = parse_value(&cell.text);
    let (at, origin, image) = cell_ref(u, cell);
    Found {
        figure: Figure {
            metric: MetricId(metric),
            value,
            raw: cell.text.clone(),
            semantic,
            origin,
            location: location(at, image, cell),
            cell: Some(at),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(parse_value("12"), (Some(12.0), Semantic::Number));
        assert_eq!(parse_value("1,234"), (Some(1234.0), Semantic::Number));
        assert_eq!(parse_value("１２"), (Some(12.0), Semantic::Number));
        assert_eq!(
            parse_value("103.3879万元"),
            (Some(103.3879), Semantic::Number)
        );
        assert_eq!(parse_value("96171.6"), (Some(96171.6), Semantic::Number));
        assert_eq!(parse_value("+3"), (Some(3.0), Semantic::Number));
        assert_eq!(parse_value("-253"), (Some(-253.0), Semantic::Number));
        assert_eq!(parse_value("0"), (Some(0.0), Semantic::Zero));
        assert_eq!(parse_value(" 0 "), (Some(0.0), Semantic::Zero));
        assert_eq!(parse_value(""), (Some(0.0), Semantic::Blank));
        assert_eq!(parse_value(" \n"), (Some(0.0), Semantic::Blank));
        for na in ["/", "-", "—", "--", "无", "／", "——"] {
            assert_eq!(parse_value(na), (None, Semantic::Na), "{na}");
        }
        assert_eq!(parse_value("见附件"), (None, Semantic::Text));
        // the plain-count path and the general one agree where they meet
        for raw in [
            "",
            "  ",
            "0",
            "00",
            " 7 ",
            "123456789012345",
            "1234567890123456",
            "\u{3000}",
        ] {
            let general = {
                let s = crate::recognise::text::compact(raw);
                if s.is_empty() {
                    (Some(0.0), Semantic::Blank)
                } else {
                    match s.parse::<f64>() {
                        Ok(0.0) => (Some(0.0), Semantic::Zero),
                        Ok(v) => (Some(v), Semantic::Number),
                        Err(_) => (None, Semantic::Text),
                    }
                }
            };
            assert_eq!(parse_value(raw), general, "{raw:?}");
        }
        assert_eq!(parse_value("1.2.3"), (None, Semantic::Text));
    }
}
