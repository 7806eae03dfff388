//! Tables from drawn rules. Rule segments that touch form one table; its row and column rules
//! are the clustered positions of its segments, with the frame closed where a page cut it (the
//! bottom rule of a table cut by a page break is often not drawn); slots whose shared boundary
//! has no segment across its midpoint are one merged cell ([`crate::read::grid`]). Each glyph
//! goes to the cell its centre lies in.

use super::device::{PlacedGlyph, Segment};
use super::lines::{join, lines};
use crate::model::{Cell, PageBox, TableGrid, TableOrigin};
use crate::read::grid::{self, Boundaries, GridCell};

/// Rules closer than this are one (double borders, a stroke and a fill at the same place).
const SAME_RULE: f32 = 1.5;
/// How far a segment may stop short of the rule it meets and still touch it.
const TOUCH: f32 = 2.0;

/// A table found on a page, before its text is filled in.
#[derive(Debug, Clone)]
pub struct RuledTable {
    /// `[x0, y0, x1, y1]` of the frame.
    pub frame: [f32; 4],
    /// Row rules top to bottom and column rules left to right.
    pub rows: Vec<f32>,
    pub cols: Vec<f32>,
    pub cells: Vec<GridCell>,
}

impl RuledTable {
    /// Whether a point is inside the frame.
    pub fn contains(&self, (x, y): (f32, f32)) -> bool {
        let [x0, y0, x1, y1] = self.frame;
        x >= x0 && x <= x1 && y >= y0 && y <= y1
    }
}

/// Finds the ruled tables among a page's segments, top to bottom.
pub fn find(segments: &[Segment]) -> Vec<RuledTable> {
    let segments = merge_collinear(segments);
    let groups = touching_groups(&segments);
    let mut tables: Vec<RuledTable> = groups
        .into_iter()
        .filter_map(|g| table_of(&g.iter().map(|&i| segments[i]).collect::<Vec<_>>()))
        .collect();
    tables.sort_by(|a, b| a.frame[1].total_cmp(&b.frame[1]));
    tables
}

/// Segments on the same line that overlap or nearly meet become one.
fn merge_collinear(segments: &[Segment]) -> Vec<Segment> {
    let mut sorted: Vec<Segment> = segments.to_vec();
    sorted.sort_by(|a, b| {
        (a.horizontal.cmp(&b.horizontal))
            .then(a.at.total_cmp(&b.at))
            .then(a.from.total_cmp(&b.from))
    });
    let mut out: Vec<Segment> = Vec::new();
    for s in sorted {
        // Look back over the segments on this line (they are sorted by position, then start).
        let mut merged = false;
        for o in out.iter_mut().rev() {
            if o.horizontal != s.horizontal || (s.at - o.at).abs() > SAME_RULE {
                break;
            }
            if s.from <= o.to + TOUCH && s.to >= o.from - TOUCH {
                o.from = o.from.min(s.from);
                o.to = o.to.max(s.to);
                merged = true;
                break;
            }
        }
        if !merged {
            out.push(s);
        }
    }
    out
}

/// Connected groups of segments: a horizontal and a vertical segment touch where they cross or
/// where one ends on the other.
fn touching_groups(segments: &[Segment]) -> Vec<Vec<usize>> {
    let n = segments.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let (hs, vs): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| segments[i].horizontal);
    for &h in &hs {
        for &v in &vs {
            let (a, b) = (segments[h], segments[v]);
            let touch = b.at >= a.from - TOUCH
                && b.at <= a.to + TOUCH
                && a.at >= b.from - TOUCH
                && a.at <= b.to + TOUCH;
            if touch {
                let (ra, rb) = (root(&mut parent, h), root(&mut parent, v));
                parent[ra] = rb;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..n {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    groups.into_values().collect()
}

/// Positions within [`SAME_RULE`] of each other as one, averaged.
fn cluster(mut at: Vec<f32>) -> Vec<f32> {
    at.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, usize)> = Vec::new();
    for a in at {
        match out.last_mut() {
            Some((sum, n)) if a - *sum / *n as f32 <= SAME_RULE => {
                *sum += a;
                *n += 1;
            }
            _ => out.push((a, 1)),
        }
    }
    out.into_iter().map(|(s, n)| s / n as f32).collect()
}

fn table_of(segments: &[Segment]) -> Option<RuledTable> {
    let hs: Vec<&Segment> = segments.iter().filter(|s| s.horizontal).collect();
    let vs: Vec<&Segment> = segments.iter().filter(|s| !s.horizontal).collect();
    if hs.is_empty() || vs.is_empty() {
        return None;
    }
    let x0 = segments
        .iter()
        .map(|s| if s.horizontal { s.from } else { s.at })
        .fold(f32::MAX, f32::min);
    let x1 = segments
        .iter()
        .map(|s| if s.horizontal { s.to } else { s.at })
        .fold(f32::MIN, f32::max);
    let y0 = segments
        .iter()
        .map(|s| if s.horizontal { s.at } else { s.from })
        .fold(f32::MAX, f32::min);
    let y1 = segments
        .iter()
        .map(|s| if s.horizontal { s.at } else { s.to })
        .fold(f32::MIN, f32::max);
    // The frame is closed: a page cut leaves the last row without its bottom rule.
    let rows = cluster(hs.iter().map(|s| s.at).chain([y0, y1]).collect());
    let cols = cluster(vs.iter().map(|s| s.at).chain([x0, x1]).collect());
    let covers = |horizontal: bool, at: f32, mid: f32| {
        segments.iter().any(|s| {
            s.horizontal == horizontal
                && (s.at - at).abs() <= SAME_RULE
                && s.from - TOUCH <= mid
                && s.to + TOUCH >= mid
        })
    };
    let (rows, cols, cells) = grid::build(rows, cols, |rows, cols| {
        Boundaries::probe(
            rows.len() - 1,
            cols.len() - 1,
            |r, c| covers(false, cols[c + 1], (rows[r] + rows[r + 1]) / 2.0),
            |r, c| covers(true, rows[r + 1], (cols[c] + cols[c + 1]) / 2.0),
        )
    })?;
    Some(RuledTable {
        frame: [x0, y0, x1, y1],
        rows,
        cols,
        cells,
    })
}

/// Gives two pieces of one table (cut by a page) the union of their column rules: each cell
/// keeps its edges and spans the columns between them, so both pieces have the same columns.
pub fn share_columns(a: &mut RuledTable, b: &mut RuledTable) {
    let union = cluster(a.cols.iter().chain(&b.cols).copied().collect());
    for t in [a, b] {
        if t.cols.len() == union.len() {
            continue;
        }
        let nearest = |x: f32| {
            (0..union.len())
                .min_by(|&i, &j| (union[i] - x).abs().total_cmp(&(union[j] - x).abs()))
                .unwrap_or(0)
        };
        for c in &mut t.cells {
            let (l, r) = (nearest(t.cols[c.col]), nearest(t.cols[c.col + c.colspan]));
            c.col = l;
            c.colspan = r.saturating_sub(l).max(1);
        }
        t.cols.clone_from(&union);
    }
}

/// Fills a table's cells with the glyphs whose centres lie in them; returns the grid.
pub fn fill(table: &RuledTable, glyphs: &[&PlacedGlyph], page: u32) -> TableGrid {
    let slot = |v: f32, rules: &[f32]| -> Option<usize> {
        let i = rules.partition_point(|&r| r <= v);
        (i >= 1 && i < rules.len()).then(|| i - 1)
    };
    let nc = table.cols.len() - 1;
    let mut owner = vec![usize::MAX; (table.rows.len() - 1) * nc];
    for (i, c) in table.cells.iter().enumerate() {
        for r in c.row..c.row + c.rowspan {
            for k in c.col..c.col + c.colspan {
                owner[r * nc + k] = i;
            }
        }
    }
    let mut inside: Vec<Vec<&PlacedGlyph>> = vec![Vec::new(); table.cells.len()];
    for g in glyphs {
        let (x, y) = g.centre();
        if let (Some(r), Some(c)) = (slot(y, &table.rows), slot(x, &table.cols)) {
            if let Some(i) = owner.get(r * nc + c).filter(|&&i| i != usize::MAX) {
                inside[*i].push(g);
            }
        }
    }
    let cells = table
        .cells
        .iter()
        .zip(inside)
        .map(|(c, glyphs)| {
            let (x0, x1) = (table.cols[c.col], table.cols[c.col + c.colspan]);
            let (y0, y1) = (table.rows[c.row], table.rows[c.row + c.rowspan]);
            page_cell(*c, cell_text(&glyphs), page, [x0, y0, x1, y1])
        })
        .collect();
    TableGrid::from_cells(cells, TableOrigin::Pdf { page })
}

/// A cell printed on a page, in the box `[x0, y0, x1, y1]`.
pub fn page_cell(c: GridCell, text: String, page: u32, [x0, y0, x1, y1]: [f32; 4]) -> Cell {
    Cell {
        row: c.row,
        col: c.col,
        rowspan: c.rowspan,
        colspan: c.colspan,
        text,
        bbox: None,
        upright_box: None,
        confidence: None,
        page_box: Some(PageBox {
            page,
            rect: [x0, y0, x1 - x0, y1 - y0],
        }),
    }
}

/// Appends the piece of a table that a page break cut off (`b`, from the top of the next page)
/// to the piece before it (`a`), both with the same columns ([`share_columns`]):
/// - header rows that `b` repeats from the top of `a` are dropped;
/// - a merged cell that runs across the cut (an empty cell under a merged one, in the same
///   columns) continues the cell above;
/// - a row that the break split in two (the top row of `b` has no figure where the bottom row of
///   `a` has some) is one row: its cells' text joins the text above.
///
/// Cells keep the page and box where they were printed.
pub fn append_piece(a: &mut TableGrid, b: TableGrid) {
    let repeated = repeated_header_rows(a, &b);
    let mut cells: Vec<Cell> = b.cells.into_iter().filter(|c| c.row >= repeated).collect();
    for c in &mut cells {
        c.row -= repeated;
    }
    let bottom = a.rows;
    let numeric =
        |c: &Cell| !c.text.is_empty() && c.text.chars().all(|ch| ch.is_ascii_digit() || ch == '.');
    let a_last_has_figures = a
        .cells
        .iter()
        .any(|c| c.row + c.rowspan == bottom && c.row == bottom - 1 && numeric(c));
    // The rest of a split row lies in the same columns as the row above it: every cell of
    // it with text sits under a cell of the same columns at the bottom of `a`.
    let under_a_cell = |c: &Cell| {
        a.cells
            .iter()
            .any(|x| x.row + x.rowspan == bottom && x.col == c.col && x.colspan == c.colspan)
    };
    let top: Vec<&Cell> = cells.iter().filter(|c| c.row == 0).collect();
    let split_row = a_last_has_figures
        && top.iter().any(|c| !c.text.is_empty())
        && top
            .iter()
            .all(|c| !numeric(c) && (c.text.is_empty() || under_a_cell(c)));
    let mut kept: Vec<Cell> = Vec::with_capacity(cells.len());
    for c in cells {
        let above = (c.row == 0)
            .then(|| {
                a.cells.iter_mut().find(|x| {
                    x.row + x.rowspan == bottom && x.col == c.col && x.colspan == c.colspan
                })
            })
            .flatten();
        match above {
            Some(x) if split_row => {
                join(&mut x.text, &c.text);
                x.rowspan += c.rowspan - 1;
            }
            Some(x) if c.text.is_empty() && (x.rowspan > 1 || c.rowspan > 1) => {
                x.rowspan += c.rowspan;
            }
            _ if split_row && c.row == 0 && c.text.is_empty() && c.rowspan == 1 => {}
            _ => kept.push(c),
        }
    }
    let shift = if split_row { bottom - 1 } else { bottom };
    for mut c in kept {
        if split_row && c.row == 0 {
            // A cell of the split row with nothing above it: it stays on the row it belongs to.
            c.rowspan = c.rowspan.max(1);
        }
        c.row += shift;
        a.cells.push(c);
    }
    let cells = std::mem::take(&mut a.cells);
    let origin = a.origin.clone();
    *a = TableGrid::from_cells(cells, origin);
}

/// How many rows at the top of `b` repeat the top rows of `a` (the header printed again).
fn repeated_header_rows(a: &TableGrid, b: &TableGrid) -> usize {
    let row = |g: &TableGrid, r: usize| -> Vec<(usize, usize, usize, String)> {
        g.cells
            .iter()
            .filter(|c| c.row == r)
            .map(|c| (c.col, c.colspan, c.rowspan, c.text.clone()))
            .collect()
    };
    let mut k = 0;
    while k < a.rows.min(b.rows).saturating_sub(1) {
        let (ra, rb) = (row(a, k), row(b, k));
        if ra != rb || ra.iter().all(|(.., t)| t.is_empty()) {
            break;
        }
        k += 1;
    }
    // A header is whole: the rows a merged header cell spans all repeat, or none is counted.
    let spans_past = |g: &TableGrid| g.cells.iter().any(|c| c.row < k && c.row + c.rowspan > k);
    if spans_past(a) || spans_past(b) {
        return 0;
    }
    k
}

/// A cell's text: its lines top to bottom joined with `\n`, as a Word cell's paragraphs are.
/// A label set one character per line (a vertical label) reads as one word.
fn cell_text(glyphs: &[&PlacedGlyph]) -> String {
    let lines = lines(glyphs);
    let vertical = lines.len() >= 2 && lines.iter().all(|l| l.glyphs == 1);
    let mut text = String::new();
    for l in &lines {
        if vertical {
            join(&mut text, l.text.trim());
        } else {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(l.text.trim());
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(at: f32, from: f32, to: f32) -> Segment {
        Segment {
            horizontal: true,
            at,
            from,
            to,
        }
    }
    fn v(at: f32, from: f32, to: f32) -> Segment {
        Segment {
            horizontal: false,
            at,
            from,
            to,
        }
    }

    #[test]
    fn a_ruled_grid_with_a_merged_cell_and_no_bottom_rule() {
        // Two columns, three rows; the left cell of rows 2–3 is merged (no rule between them on
        // the left), and the bottom rule is missing (page cut): the frame is closed.
        let segs = [
            h(100.0, 50.0, 250.0),
            h(120.0, 50.0, 250.0),
            h(140.0, 150.0, 250.0),
            v(50.0, 100.0, 160.0),
            v(150.0, 100.0, 160.0),
            v(250.0, 100.0, 160.0),
        ];
        let t = find(&segs);
        assert_eq!(t.len(), 1);
        let t = &t[0];
        assert_eq!(t.rows, vec![100.0, 120.0, 140.0, 160.0]);
        assert_eq!(t.cols, vec![50.0, 150.0, 250.0]);
        let spans: Vec<(usize, usize, usize, usize)> = t
            .cells
            .iter()
            .map(|c| (c.row, c.col, c.rowspan, c.colspan))
            .collect();
        assert_eq!(
            spans,
            vec![
                (0, 0, 1, 1),
                (0, 1, 1, 1),
                (1, 0, 2, 1),
                (1, 1, 1, 1),
                (2, 1, 1, 1)
            ]
        );
    }

    #[test]
    fn separate_frames_are_separate_tables_and_a_box_is_none() {
        let segs = [
            // table 1: 2 cells side by side
            h(10.0, 0.0, 100.0),
            h(30.0, 0.0, 100.0),
            v(0.0, 10.0, 30.0),
            v(50.0, 10.0, 30.0),
            v(100.0, 10.0, 30.0),
            // a box around a caption: one cell
            h(60.0, 0.0, 100.0),
            h(80.0, 0.0, 100.0),
            v(0.0, 60.0, 80.0),
            v(100.0, 60.0, 80.0),
        ];
        assert_eq!(find(&segs).len(), 1);
    }

    #[test]
    fn glyphs_go_to_their_cells_and_vertical_labels_read_as_words() {
        let segs = [
            h(0.0, 0.0, 200.0),
            h(100.0, 0.0, 200.0),
            v(0.0, 0.0, 100.0),
            v(20.0, 0.0, 100.0),
            v(200.0, 0.0, 100.0),
        ];
        let t = &find(&segs)[0];
        let g = |text: &str, x: f32, y: f32| PlacedGlyph {
            text: text.into(),
            x,
            y,
            size: 10.0,
            vertical: false,
            ink: None,
        };
        let glyphs = [
            g("办", 5.0, 20.0),
            g("理", 5.0, 34.0),
            g("结", 5.0, 48.0),
            g("予", 30.0, 20.0),
            g("以", 40.0, 20.0),
            g("公", 30.0, 34.0),
            g("开", 40.0, 34.0),
        ];
        let refs: Vec<&PlacedGlyph> = glyphs.iter().collect();
        let grid = fill(t, &refs, 2);
        assert_eq!(grid.cells[0].text, "办理结");
        assert_eq!(grid.cells[1].text, "予以\n公开");
        assert_eq!(grid.origin, TableOrigin::Pdf { page: 2 });
        assert_eq!(
            grid.cells[1].page_box,
            Some(PageBox {
                page: 2,
                rect: [20.0, 0.0, 180.0, 100.0]
            })
        );
    }
}
