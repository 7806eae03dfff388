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
    let lines = lines_of(pieces);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some((first, last)) = next_core(pieces, &lines, from) {
        let (top, bottom) = grow(pieces, &lines, rules, first, last);
        if let Some(t) = build(pieces, &lines[top..=bottom]) {
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

/// Pieces whose vertical middles lie within half a height of each other are one line.
fn lines_of(pieces: &[Piece]) -> Vec<Line> {
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    let mid = |i: usize| (pieces[i].rect[1] + pieces[i].rect[3]) / 2.0;
    order.sort_by(|&a, &b| mid(a).total_cmp(&mid(b)));
    let mut lines: Vec<Line> = Vec::new();
    for i in order {
        let p = &pieces[i];
        match lines.last_mut() {
            Some(l) if (mid(i) - l.mid()).abs() < height(p).min(l.y1 - l.y0) / 2.0 => {
                l.pieces.push(i);
                l.y0 = l.y0.min(p.rect[1]);
                l.y1 = l.y1.max(p.rect[3]);
            }
            _ => lines.push(Line {
                pieces: vec![i],
                y0: p.rect[1],
                y1: p.rect[3],
            }),
        }
    }
    for l in &mut lines {
        l.pieces
            .sort_by(|&a, &b| pieces[a].rect[0].total_cmp(&pieces[b].rect[0]));
    }
    lines
}

/// The gaps between neighbouring pieces of a line.
fn gaps(pieces: &[Piece], l: &Line) -> Vec<(f32, f32)> {
    l.pieces
        .windows(2)
        .map(|w| (pieces[w[0]].rect[2], pieces[w[1]].rect[0]))
        .collect()
}

fn shared_gaps(a: &[(f32, f32)], b: &[(f32, f32)]) -> usize {
    a.iter()
        .filter(|(a0, a1)| b.iter().any(|(b0, b1)| a0.max(*b0) < a1.min(*b1)))
        .count()
}

fn line_em(pieces: &[Piece], l: &Line) -> f32 {
    median(l.pieces.iter().map(|&i| height(&pieces[i])).collect())
}

/// The next block of at least three lines of three or more pieces, close together, each
/// sharing at least two gaps with the one before: `(first, last)` line indices.
fn next_core(pieces: &[Piece], lines: &[Line], from: usize) -> Option<(usize, usize)> {
    let seeds: Vec<usize> = (from..lines.len())
        .filter(|&i| lines[i].pieces.len() >= 3)
        .collect();
    let mut run: Vec<usize> = Vec::new();
    for &s in &seeds {
        let joins =
            run.last().is_some_and(|&last| {
                let em = line_em(pieces, &lines[last]);
                let near = lines[s].y0 - lines[last].y1;
                near <= 4.0 * em
                    && (run.iter().rev().take(3).any(|&r| {
                        shared_gaps(&gaps(pieces, &lines[r]), &gaps(pieces, &lines[s])) >= 2
                    }) || (near <= 1.5 * em && interleaved(pieces, &lines[last], &lines[s])))
            });
        if !joins {
            if run.len() >= 3 {
                break;
            }
            run.clear();
        }
        run.push(s);
    }
    (run.len() >= 3).then(|| (run[0], run[run.len() - 1]))
}

/// Two lines whose pieces sit in different columns: the cells of one row band set at different
/// heights (a header of one character per line, centred over one or two rows).
fn interleaved(pieces: &[Piece], a: &Line, b: &Line) -> bool {
    a.pieces.iter().all(|&i| {
        b.pieces.iter().all(|&j| {
            pieces[i].rect[2] <= pieces[j].rect[0] || pieces[j].rect[2] <= pieces[i].rect[0]
        })
    })
}

/// Grows a core over the lines above (header) and below (wrapped labels) that keep its size and
/// pitch, stay within its width, are not prose, and are not cut off by a rule spanning it.
fn grow(
    pieces: &[Piece],
    lines: &[Line],
    rules: &[Rule],
    first: usize,
    last: usize,
) -> (usize, usize) {
    let block = &lines[first..=last];
    let em = median(block.iter().map(|l| line_em(pieces, l)).collect());
    let x0 = block
        .iter()
        .flat_map(|l| &l.pieces)
        .map(|&i| pieces[i].rect[0])
        .fold(f32::MAX, f32::min);
    let x1 = block
        .iter()
        .flat_map(|l| &l.pieces)
        .map(|&i| pieces[i].rect[2])
        .fold(f32::MIN, f32::max);
    let width = x1 - x0;
    let rule_between = |a: f32, b: f32| {
        rules
            .iter()
            .any(|r| r.y > a && r.y < b && r.x1 - r.x0 >= 0.8 * width && r.x0 <= x0 + em)
    };
    let fits = |l: &Line, neighbour: &Line| {
        let size = line_em(pieces, l);
        let gap = if l.y0 > neighbour.y0 {
            l.y0 - neighbour.y1
        } else {
            neighbour.y0 - l.y1
        };
        let inside = l
            .pieces
            .iter()
            .all(|&i| pieces[i].rect[0] >= x0 - em && pieces[i].rect[2] <= x1 + em);
        let text: String = l.pieces.iter().map(|&i| pieces[i].text.as_str()).collect();
        let prose = text.trim_end().ends_with(['。', '：', ':'])
            || (l.pieces.len() == 1
                && pieces[l.pieces[0]].rect[2] - pieces[l.pieces[0]].rect[0] > 0.75 * width);
        (size - em).abs() <= 0.2 * em
            && gap <= 1.5 * em
            && inside
            && !prose
            && !rule_between(l.y1.min(neighbour.y1), l.y0.max(neighbour.y0))
    };
    let mut top = first;
    while top > 0 && first - top < 12 && fits(&lines[top - 1], &lines[top]) {
        top -= 1;
    }
    let mut bottom = last;
    while bottom + 1 < lines.len() && fits(&lines[bottom + 1], &lines[bottom]) {
        bottom += 1;
    }
    (top, bottom)
}

/// A figure: digits with their separators, a `/` or a dash for none.
fn is_figure(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && (t.chars().all(|c| c.is_ascii_digit() || ".,-+%".contains(c))
            && t.chars().any(|c| c.is_ascii_digit())
            || matches!(t, "/" | "-" | "—" | "／"))
}

/// A range of x that most lines leave clear: where it starts, and its least crossed part so
/// far (`(lines crossing, from, to)`) and the part being walked (`(lines crossing, from)`).
struct ClearRange {
    start: f32,
    best: (usize, f32, f32),
    run: Option<(usize, f32)>,
}

/// Column boundaries: the middles of the x-ranges that most lines of the block leave clear.
fn column_edges(pieces: &[Piece], lines: &[Line], em: f32) -> Vec<f32> {
    let spans: Vec<(f32, f32)> = lines
        .iter()
        .flat_map(|l| &l.pieces)
        .map(|&i| (pieces[i].rect[0], pieces[i].rect[2]))
        .collect();
    let x0 = spans.iter().map(|s| s.0).fold(f32::MAX, f32::min);
    let x1 = spans.iter().map(|s| s.1).fold(f32::MIN, f32::max);
    // The gaps are those of the lines of three or more pieces (rows of figures). The text of a
    // few of them may cross a gap (labels spanning the label columns), and so may a few lines
    // of any kind (a title or header spanning columns); a figure or a short piece of text (a
    // character of a header set one per line) may not, twice: a column of figures that are
    // mostly blank, or of a header alone, is still a column.
    let rows: Vec<&Line> = lines.iter().filter(|l| l.pieces.len() >= 3).collect();
    let tolerance = rows.len() / 4;
    let all_tolerance = lines.len() / 3;
    let solid =
        |i: usize| is_figure(&pieces[i].text) || pieces[i].rect[2] - pieces[i].rect[0] <= 2.0 * em;
    // A line of one piece right of the labels (a title over the value columns, 第二十条第（五）项
    // centred between the blocks of 表二) spans the columns and says nothing of where they part;
    // a lone piece starting among the labels (a long label) does.
    let label_end = median(rows.iter().map(|l| pieces[l.pieces[0]].rect[2]).collect());
    let spoken = |l: &Line| l.pieces.len() > 1 || pieces[l.pieces[0]].rect[0] <= label_end;
    let mut xs: Vec<f32> = spans.iter().flat_map(|s| [s.0, s.1]).collect();
    xs.sort_by(f32::total_cmp);
    xs.dedup();
    let mut edges = vec![x0];
    let mut open: Option<ClearRange> = None;
    for w in xs.windows(2) {
        let (a, b) = (w[0], w[1]);
        let m = (a + b) / 2.0;
        let crosses = |i: usize| pieces[i].rect[0] < m && pieces[i].rect[2] > m;
        let text = rows
            .iter()
            .filter(|l| l.pieces.iter().any(|&i| crosses(i) && !solid(i)))
            .count();
        let any = lines
            .iter()
            .filter(|l| spoken(l) && l.pieces.iter().any(|&i| crosses(i)))
            .count();
        let figures = lines
            .iter()
            .flat_map(|l| &l.pieces)
            .filter(|&&i| crosses(i) && solid(i))
            .count();
        if text <= tolerance && any <= all_tolerance && figures < 2 {
            // The edge goes to the middle of the part of the range that the fewest lines cross
            // (the widest, of equals), not into the end of the labels that cross it.
            let o = open.get_or_insert(ClearRange {
                start: a,
                best: (usize::MAX, a, a),
                run: None,
            });
            let cost = any + figures;
            match o.run {
                Some((c, from)) if c == cost => o.run = Some((c, from)),
                _ => o.run = Some((cost, a)),
            }
            let (c, from) = o.run.unwrap_or((cost, a));
            if c < o.best.0 || (c == o.best.0 && b - from > o.best.2 - o.best.1) {
                o.best = (c, from, b);
            }
        } else if let Some(range) = open.take() {
            // A clear range at the block's edge (a line starting a little further in) is no gap.
            if a - range.start >= 0.4 * em && range.start - x0 > 0.5 * em {
                edges.push((range.best.1 + range.best.2) / 2.0);
            }
        }
    }
    edges.push(x1);
    edges
}

/// The columns a piece covers (by more than a fifth of an em), `(first, last)`.
fn covered(edges: &[f32], r: [f32; 4], em: f32) -> (usize, usize) {
    let n = edges.len() - 1;
    let over: Vec<usize> = (0..n)
        .filter(|&c| r[2].min(edges[c + 1]) - r[0].max(edges[c]) > 0.2 * em)
        .collect();
    match (over.first(), over.last()) {
        (Some(&a), Some(&b)) => (a, b),
        _ => {
            let mid = (r[0] + r[2]) / 2.0;
            let c = edges.partition_point(|&e| e <= mid).clamp(1, n) - 1;
            (c, c)
        }
    }
}

/// One row of the grid under construction: its lines.
struct Row {
    lines: Vec<usize>,
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

/// A cell of the header under construction: the columns it covers, its text (lines joined with
/// `\n`), its box and the last line it took.
#[derive(Debug, Clone)]
struct Head {
    a: usize,
    b: usize,
    text: String,
    rect: [f32; 4],
    last: usize,
}

fn overlap(a: usize, b: usize, c: usize, d: usize) -> bool {
    a <= d && c <= b
}

/// The header: the lines above the first row of figures as merged cells, `(rows, cells)`.
///
/// - Leading lines of one label alone are titles spanning the table (第二十条第（一）项).
/// - On each line, pieces over the same columns are one piece of a cell; the pieces of the
///   lines below that cover exactly the same columns, with no other cell between them, are
///   the same cell wrapped (自然 / 人; 结 / 果 / 维 / 持, one character per line).
/// - A cell spanning several columns with cells below it is a group header, one row per
///   height; it spans the columns its text covers, grown to the right over free columns when
///   its text starts where a cell below starts (left-aligned), or to both sides while both
///   are free (centred) — never past the group above it nor over a cell beside it.
/// - The other cells start below the lowest group above them and reach the header's bottom.
fn header(
    pieces: &[Piece],
    lines: &[Line],
    span: &dyn Fn(usize) -> (usize, usize),
    first_value: usize,
    edges: &[f32],
    em: f32,
) -> (usize, Vec<ColumnCell>) {
    let ncols = edges.len() - 1;
    if lines.is_empty() {
        return (0, Vec::new());
    }
    let titles = lines
        .iter()
        .take_while(|l| l.pieces.len() == 1 && span(l.pieces[0]).1 < first_value)
        .count()
        .min(lines.len() - 1);
    let mut heads: Vec<Head> = Vec::new();
    for (k, l) in lines.iter().enumerate().skip(titles) {
        let mut on_line: Vec<Head> = Vec::new();
        for &i in &l.pieces {
            let (a, b) = span(i);
            let r = pieces[i].rect;
            let text = pieces[i].text.trim();
            match on_line.iter_mut().find(|h| overlap(h.a, h.b, a, b)) {
                Some(h) => {
                    join_on_line(&mut h.text, text);
                    h.a = h.a.min(a);
                    h.b = h.b.max(b);
                    h.rect = union(h.rect, r);
                }
                None => on_line.push(Head {
                    a,
                    b,
                    text: text.to_string(),
                    rect: r,
                    last: k,
                }),
            }
        }
        for x in on_line {
            let above = heads
                .iter()
                .rposition(|c| c.a == x.a && c.b == x.b && x.rect[1] - c.rect[3] <= 0.8 * em);
            let between = above.is_some_and(|ci| {
                let c = &heads[ci];
                heads
                    .iter()
                    .enumerate()
                    .any(|(j, d)| j != ci && d.last > c.last && overlap(d.a, d.b, x.a, x.b))
            });
            match above {
                Some(ci) if !between => {
                    let c = &mut heads[ci];
                    c.text.push('\n');
                    c.text.push_str(&x.text);
                    c.rect = union(c.rect, x.rect);
                    c.last = k;
                }
                _ => heads.push(x),
            }
        }
    }

    // Group headers: cells over several columns with cells below them, one row per height.
    let below =
        |g: &Head, h: &Head| h.rect[1] >= g.rect[3] - 0.2 * em && overlap(g.a, g.b, h.a, h.b);
    let mut groups: Vec<usize> = (0..heads.len())
        .filter(|&g| {
            let h = &heads[g];
            h.b > h.a && h.b >= first_value && heads.iter().any(|x| below(h, x))
        })
        .collect();
    groups.sort_by(|&x, &y| heads[x].rect[1].total_cmp(&heads[y].rect[1]));
    // The group row of each group header; `None` for the other cells.
    let mut level: Vec<Option<usize>> = vec![None; heads.len()];
    let mut levels = 0;
    let mut level_top = f32::MIN;
    for &g in &groups {
        if levels == 0 || heads[g].rect[1] > level_top + 0.5 * em {
            levels += 1;
            level_top = heads[g].rect[1];
        }
        level[g] = Some(levels - 1);
    }
    for &g in &groups {
        let lv = level[g];
        let parent = groups
            .iter()
            .filter(|&&p| level[p] < lv && heads[p].a <= heads[g].a && heads[g].a <= heads[p].b)
            .max_by_key(|&&p| level[p]);
        let (lo, hi) = match parent {
            Some(&p) => (heads[p].a, heads[p].b),
            None if heads[g].a >= first_value => (first_value, ncols - 1),
            None => (0, ncols - 1),
        };
        let free = |heads: &[Head], c: usize| {
            lo <= c
                && c <= hi
                && heads.iter().enumerate().all(|(j, h)| {
                    j == g
                        || c < h.a
                        || c > h.b
                        || (level[j] != lv && (level[j].is_some() || h.rect[1] >= heads[g].rect[3]))
                })
        };
        let left_aligned = heads
            .iter()
            .any(|h| below(&heads[g], h) && (h.rect[0] - heads[g].rect[0]).abs() <= 0.5 * em);
        // Text centred over the columns it covers grows to both sides (未经复议直接起诉 over its
        // five columns, its first character by chance over the start of a cell below); when it
        // cannot, the centring was chance and a left-aligned one grows to the right.
        let centred = ((heads[g].rect[0] + heads[g].rect[2]) / 2.0
            - (edges[heads[g].a] + edges[heads[g].b + 1]) / 2.0)
            .abs()
            <= 0.15 * em;
        let mut grown = false;
        while (centred || !left_aligned)
            && heads[g].a > 0
            && heads[g].b + 1 < ncols
            && free(&heads, heads[g].a - 1)
            && free(&heads, heads[g].b + 1)
        {
            heads[g].a -= 1;
            heads[g].b += 1;
            grown = true;
        }
        if left_aligned && !grown {
            while heads[g].b + 1 < ncols && free(&heads, heads[g].b + 1) {
                heads[g].b += 1;
            }
        }
    }
    let leaves = level.contains(&None);
    let rows = titles + levels + usize::from(leaves);

    // Place titles, groups, then the other cells; a cell that finds its slots taken joins
    // the cell holding them.
    let y0 = lines[0].y0;
    let y1 = lines.iter().map(|l| l.y1).fold(f32::MIN, f32::max);
    let mut slots: Vec<Option<usize>> = vec![None; rows * ncols];
    let mut cells: Vec<ColumnCell> = Vec::new();
    let mut place = |cells: &mut Vec<ColumnCell>,
                     row: usize,
                     rowspan: usize,
                     a: usize,
                     b: usize,
                     text: String,
                     rect: [f32; 4]| {
        let taken = (row..row + rowspan)
            .flat_map(|r| (a..=b).map(move |c| (r, c)))
            .find_map(|(r, c)| slots[r * ncols + c]);
        if let Some(j) = taken {
            let cell: &mut ColumnCell = &mut cells[j];
            cell.text.push('\n');
            cell.text.push_str(&text);
            return;
        }
        for r in row..row + rowspan {
            for c in a..=b {
                slots[r * ncols + c] = Some(cells.len());
            }
        }
        cells.push(ColumnCell {
            slot: GridCell {
                row,
                col: a,
                rowspan,
                colspan: b - a + 1,
            },
            text,
            rect,
        });
    };
    for (r, l) in lines.iter().take(titles).enumerate() {
        let p = &pieces[l.pieces[0]];
        place(
            &mut cells,
            r,
            1,
            0,
            ncols - 1,
            p.text.trim().to_string(),
            p.rect,
        );
    }
    for &g in &groups {
        let h = &heads[g];
        place(
            &mut cells,
            titles + level[g].unwrap_or(0),
            1,
            h.a,
            h.b,
            h.text.clone(),
            h.rect,
        );
    }
    for (j, h) in heads.iter().enumerate() {
        if level[j].is_some() {
            continue;
        }
        let start = groups
            .iter()
            .filter(|&&g| below(&heads[g], h))
            .map(|&g| titles + level[g].unwrap_or(0) + 1)
            .max()
            .unwrap_or(titles)
            .min(rows - 1);
        place(
            &mut cells,
            start,
            rows - start,
            h.a,
            h.b,
            h.text.clone(),
            h.rect,
        );
    }
    for r in 0..rows {
        for c in 0..ncols {
            if slots[r * ncols + c].is_none() {
                slots[r * ncols + c] = Some(cells.len());
                cells.push(ColumnCell {
                    slot: GridCell {
                        row: r,
                        col: c,
                        rowspan: 1,
                        colspan: 1,
                    },
                    text: String::new(),
                    rect: [0.0, y0, 0.0, y1],
                });
            }
        }
    }
    (rows, cells)
}

fn union(a: [f32; 4], b: [f32; 4]) -> [f32; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

fn build(pieces: &[Piece], lines: &[Line]) -> Option<ColumnTable> {
    let em = median(lines.iter().map(|l| line_em(pieces, l)).collect());
    let edges = column_edges(pieces, lines, em);
    let ncols = edges.len() - 1;
    if ncols < 2 {
        return None;
    }
    let span = |i: usize| covered(&edges, pieces[i].rect, em);
    // The first column holding figures: the columns before it are labels. A table of figures
    // only (表四: one row of 15) has figures in its first column and no label beside them.
    let figure_top = lines
        .iter()
        .flat_map(|l| &l.pieces)
        .filter(|&&i| is_figure(&pieces[i].text) && span(i).0 == 0)
        .map(|&i| pieces[i].rect[1])
        .fold(f32::MAX, f32::min);
    let labelled = lines
        .iter()
        .flat_map(|l| &l.pieces)
        .any(|&i| span(i).0 == 0 && !is_figure(&pieces[i].text) && pieces[i].rect[3] > figure_top);
    let first_value = if figure_top < f32::MAX && !labelled {
        0
    } else {
        lines
            .iter()
            .flat_map(|l| &l.pieces)
            .filter(|&&i| is_figure(&pieces[i].text))
            .map(|&i| span(i).0)
            .filter(|&c| c > 0)
            .min()?
    };
    let mut first_data = lines.iter().position(|l| {
        l.pieces
            .iter()
            .any(|&i| is_figure(&pieces[i].text) && span(i).0 >= first_value)
    })?;
    let has_values = |l: &Line| l.pieces.iter().any(|&i| span(i).1 >= first_value);
    let has_label = |l: &Line| l.pieces.iter().any(|&i| span(i).0 < first_value);
    // The figures of a label wrapped over lines sit between its lines: a label line that
    // reaches down into the first line of figures starts the data.
    while first_data > 0 && {
        let (above, l) = (&lines[first_data - 1], &lines[first_data]);
        !has_values(above) && above.y1 > l.y0
    } {
        first_data -= 1;
    }
    // A label fills its column when it ends less than a character before the longest label
    // ending in that column; only such a label wraps onto the next line.
    let reach: Vec<f32> = (0..ncols)
        .map(|c| {
            lines
                .iter()
                .flat_map(|l| &l.pieces)
                .filter(|&&i| span(i).1 == c && span(i).0 < first_value)
                .map(|&i| pieces[i].rect[2])
                .fold(f32::MIN, f32::max)
        })
        .collect();
    let full = |i: usize| (pieces[i].rect[2] - reach[span(i).1]).abs() < em;
    // A line continues the labels of the line above when each of its labels sits under a label
    // that fills its column.
    let wraps_under = |above: &Line, l: &Line| {
        let mut labels = l
            .pieces
            .iter()
            .filter(|&&i| span(i).0 < first_value)
            .peekable();
        labels.peek().is_some()
            && labels.all(|&i| {
                let (a, b) = span(i);
                above.pieces.iter().any(|&j| {
                    let (c, d) = span(j);
                    c < first_value && overlap(a, b, c, d) && full(j)
                })
            })
    };

    let (head_rows, mut cells) =
        header(pieces, &lines[..first_data], &span, first_value, &edges, em);
    for c in &mut cells {
        if c.rect[0] == 0.0 && c.rect[2] == 0.0 {
            c.rect[0] = edges[c.slot.col];
            c.rect[2] = edges[c.slot.col + c.slot.colspan];
        }
    }

    let mut rows: Vec<Row> = Vec::new();
    for (k, l) in lines.iter().enumerate().skip(first_data) {
        let joins = rows.last().is_some_and(|row| {
            let rl: Vec<&Line> = row.lines.iter().map(|&j| &lines[j]).collect();
            let last_label = rl.iter().rev().find(|x| has_label(x));
            let row_values = rl.iter().any(|x| has_values(x));
            // A lone text over several value columns is a heading of its own (第二十条第（八）项
            // under a 行政强制 left blank), not the values of the label above.
            let heading = matches!(l.pieces.as_slice(), [i]
                if !is_figure(&pieces[*i].text) && span(*i).1 > span(*i).0);
            (last_label.is_some_and(|x| wraps_under(x, l)) && (!has_values(l) || !row_values))
                || (!has_label(l) && !row_values && last_label.is_some() && !heading)
        });
        match rows.last_mut() {
            Some(row) if joins => row.lines.push(k),
            _ => rows.push(Row { lines: vec![k] }),
        }
    }

    let bounds: Vec<(f32, f32)> = rows
        .iter()
        .map(|r| {
            let y0 = r
                .lines
                .iter()
                .map(|&k| lines[k].y0)
                .fold(f32::MAX, f32::min);
            let y1 = r
                .lines
                .iter()
                .map(|&k| lines[k].y1)
                .fold(f32::MIN, f32::max);
            (y0, y1)
        })
        .collect();
    let head_bottom = lines[..first_data]
        .iter()
        .map(|l| l.y1)
        .fold(f32::MIN, f32::max);
    // The value cells of the row before: a lone value under a lone text cell spanning several
    // columns (a merged 本年处理决定数量 over 行政许可's 1286) takes its span.
    let mut prev_values: Vec<(usize, usize, bool)> = Vec::new();
    for (ri, row) in rows.iter().enumerate() {
        // Each column's owner: (first, last, text, the line its text ends on).
        let mut owned: Vec<(usize, usize, String, usize)> = Vec::new();
        for &k in &row.lines {
            for &i in &lines[k].pieces {
                let (a, b) = span(i);
                let text = pieces[i].text.trim();
                match owned.iter_mut().find(|o| o.0 <= b && a <= o.1) {
                    Some(o) => {
                        if o.3 == k {
                            join_on_line(&mut o.2, text);
                        } else {
                            o.2.push('\n');
                            o.2.push_str(text);
                        }
                        o.0 = o.0.min(a);
                        o.1 = o.1.max(b);
                        o.3 = k;
                    }
                    None => owned.push((a, b, text.to_string(), k)),
                }
            }
        }
        owned.sort_by_key(|o| o.0);
        let values: Vec<usize> = (0..owned.len())
            .filter(|&j| owned[j].0 >= first_value)
            .collect();
        // A text in the value columns (a header inside the table) spans the free columns to its
        // right.
        for &j in &values {
            if !is_figure(&owned[j].2) {
                let next = owned.get(j + 1).map_or(ncols, |o| o.0);
                owned[j].1 = owned[j].1.max(next - 1);
            }
        }
        if let ([j], [(a, b, false)]) = (values.as_slice(), prev_values.as_slice()) {
            if is_figure(&owned[*j].2) && *a <= owned[*j].0 && owned[*j].1 <= *b {
                owned[*j].0 = *a;
                owned[*j].1 = *b;
            }
        }
        prev_values = values
            .iter()
            .map(|&j| (owned[j].0, owned[j].1, is_figure(&owned[j].2)))
            .collect();
        let top = if ri == 0 {
            if head_rows == 0 {
                bounds[0].0
            } else {
                (head_bottom + bounds[0].0) / 2.0
            }
        } else {
            (bounds[ri - 1].1 + bounds[ri].0) / 2.0
        };
        let bottom = if ri + 1 == rows.len() {
            bounds[ri].1
        } else {
            (bounds[ri].1 + bounds[ri + 1].0) / 2.0
        };
        let r = head_rows + ri;
        let mut c = 0;
        let mut push = |a: usize, b: usize, text: String| {
            cells.push(ColumnCell {
                slot: GridCell {
                    row: r,
                    col: a,
                    rowspan: 1,
                    colspan: b - a + 1,
                },
                text,
                rect: [edges[a], top, edges[b + 1], bottom],
            })
        };
        for (a, b, text, _) in owned {
            while c < a {
                push(c, c, String::new());
                c += 1;
            }
            push(a, b, text);
            c = b + 1;
        }
        while c < ncols {
            push(c, c, String::new());
            c += 1;
        }
    }
    cells.sort_by_key(|c| (c.slot.row, c.slot.col));
    let mut used: Vec<usize> = lines
        .iter()
        .flat_map(|l| l.pieces.iter().copied())
        .collect();
    used.sort_unstable();
    Some(ColumnTable {
        rect: [
            edges[0],
            lines[0].y0,
            edges[ncols],
            bounds[bounds.len() - 1].1,
        ],
        rows: head_rows + rows.len(),
        cols: ncols,
        cells,
        pieces: used,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A piece of text at `x` on the line at `y`, 10 units high, 10 wide per character.
    fn piece(text: &str, x: f32, y: f32) -> Piece {
        let w = text.chars().count() as f32 * 10.0;
        Piece {
            rect: [x, y, x + w, y + 10.0],
            text: text.into(),
        }
    }

    fn row(y: f32, cells: &[(&str, f32)]) -> Vec<Piece> {
        cells.iter().map(|(t, x)| piece(t, *x, y)).collect()
    }

    fn grid_text(t: &ColumnTable) -> Vec<Vec<String>> {
        let mut out = vec![vec![String::new(); t.cols]; t.rows];
        for c in &t.cells {
            out[c.slot.row][c.slot.col] = c.text.clone();
        }
        out
    }

    #[test]
    fn a_table_of_aligned_text_between_paragraphs() {
        let mut pieces = vec![piece(
            "本年度主动公开政府信息的统计数据见下表，以及更多的文字说明。",
            0.0,
            0.0,
        )];
        pieces.extend(row(
            20.0,
            &[
                ("信息内容", 0.0),
                ("制发", 120.0),
                ("废止", 180.0),
                ("有效", 240.0),
            ],
        ));
        pieces.extend(row(
            34.0,
            &[("规章", 0.0), ("/", 125.0), ("/", 185.0), ("/", 245.0)],
        ));
        // a label wrapped over two lines, its figures on the first
        pieces.extend(row(
            48.0,
            &[
                ("行政规范性文件数", 0.0),
                ("5", 125.0),
                ("2", 185.0),
                ("37", 245.0),
            ],
        ));
        pieces.extend(row(62.0, &[("量", 0.0)]));
        pieces.extend(row(76.0, &[("行政强制", 0.0)]));
        pieces.push(piece("三、收到和处理政府信息公开申请情况", 0.0, 110.0));
        let tables = find_tables(&pieces, &[]);
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        assert_eq!(
            grid_text(t),
            vec![
                vec!["信息内容", "制发", "废止", "有效"],
                vec!["规章", "/", "/", "/"],
                vec!["行政规范性文件数\n量", "5", "2", "37"],
                vec!["行政强制", "", "", ""],
            ]
        );
        assert!(!t.pieces.contains(&0) && !t.pieces.contains(&(pieces.len() - 1)));
    }

    #[test]
    fn a_header_centred_over_columns_spans_them() {
        let mut pieces = row(0.0, &[("行政复议情况", 80.0), ("行政诉讼情况", 200.0)]);
        pieces.extend(row(
            14.0,
            &[
                ("维持", 60.0),
                ("纠正", 100.0),
                ("总计", 140.0),
                ("维持", 180.0),
                ("纠正", 220.0),
                ("总计", 260.0),
            ],
        ));
        for y in [28.0, 42.0, 56.0] {
            pieces.extend(row(
                y,
                &[
                    ("1", 65.0),
                    ("2", 105.0),
                    ("3", 145.0),
                    ("4", 185.0),
                    ("5", 225.0),
                    ("9", 265.0),
                ],
            ));
        }
        let t = &find_tables(&pieces, &[])[0];
        assert_eq!(t.cols, 6);
        let head: Vec<(usize, usize, &str)> = t
            .cells
            .iter()
            .filter(|c| c.slot.row == 0)
            .map(|c| (c.slot.col, c.slot.colspan, c.text.as_str()))
            .collect();
        assert_eq!(head, vec![(0, 3, "行政复议情况"), (3, 3, "行政诉讼情况")]);
    }

    #[test]
    fn a_header_wrapped_per_column_under_group_headers() {
        let mut pieces = row(0.0, &[("申请人情况", 100.0)]);
        pieces.extend(row(14.0, &[("法人或其他组织", 140.0)]));
        // 自然 spaced out over its column splits into two pieces
        pieces.extend(row(
            28.0,
            &[
                ("项目", 0.0),
                ("自", 100.0),
                ("然", 115.0),
                ("商业", 140.0),
                ("科研", 180.0),
                ("总计", 220.0),
            ],
        ));
        pieces.extend(row(
            42.0,
            &[("人", 100.0), ("企业", 140.0), ("机构", 180.0)],
        ));
        // the 科研 column is mostly blank
        pieces.extend(row(
            60.0,
            &[
                ("一", 0.0),
                ("1", 105.0),
                ("2", 145.0),
                ("3", 185.0),
                ("6", 225.0),
            ],
        ));
        pieces.extend(row(
            74.0,
            &[("二", 0.0), ("5", 105.0), ("6", 145.0), ("11", 225.0)],
        ));
        pieces.extend(row(
            88.0,
            &[
                ("三", 0.0),
                ("8", 105.0),
                ("9", 145.0),
                ("1", 185.0),
                ("18", 225.0),
            ],
        ));
        let t = &find_tables(&pieces, &[])[0];
        assert_eq!((t.rows, t.cols), (6, 5));
        let head: Vec<(usize, usize, usize, usize, &str)> = t
            .cells
            .iter()
            .filter(|c| c.slot.row < 3 && !c.text.is_empty())
            .map(|c| {
                let s = &c.slot;
                (s.row, s.col, s.rowspan, s.colspan, c.text.as_str())
            })
            .collect();
        assert_eq!(
            head,
            vec![
                (0, 0, 3, 1, "项目"),
                (0, 1, 1, 4, "申请人情况"),
                (1, 1, 2, 1, "自然\n人"),
                (1, 2, 1, 3, "法人或其他组织"),
                (2, 2, 1, 1, "商业\n企业"),
                (2, 3, 1, 1, "科研\n机构"),
                (2, 4, 1, 1, "总计"),
            ]
        );
        assert_eq!(grid_text(t)[4], vec!["二", "5", "6", "", "11"]);
    }

    #[test]
    fn a_label_wrapped_around_its_figures_starts_the_data() {
        let mut pieces = row(
            0.0,
            &[("项目", 0.0), ("甲", 100.0), ("乙", 140.0), ("丙", 180.0)],
        );
        pieces.extend(row(14.0, &[("一、很长的标签", 0.0)]));
        pieces.extend(row(21.0, &[("1", 100.0), ("2", 140.0), ("3", 180.0)]));
        pieces.extend(row(28.0, &[("续", 0.0)]));
        pieces.extend(row(
            42.0,
            &[("二", 0.0), ("4", 100.0), ("5", 140.0), ("6", 180.0)],
        ));
        pieces.extend(row(
            56.0,
            &[("三", 0.0), ("7", 100.0), ("8", 140.0), ("9", 180.0)],
        ));
        let t = &find_tables(&pieces, &[])[0];
        assert_eq!(
            grid_text(t),
            vec![
                vec!["项目", "甲", "乙", "丙"],
                vec!["一、很长的标签\n续", "1", "2", "3"],
                vec!["二", "4", "5", "6"],
                vec!["三", "7", "8", "9"],
            ]
        );
    }

    #[test]
    fn prose_and_a_signature_line_are_no_table() {
        let mut pieces = Vec::new();
        for i in 0..8 {
            pieces.push(piece(
                "本报告中所列数据的统计期限自2023年1月1日起至12月31日止。",
                0.0,
                i as f32 * 14.0,
            ));
        }
        pieces.extend(row(
            130.0,
            &[
                ("青川市东湖区人民政府办公室", 0.0),
                ("2024年1月26日", 300.0),
            ],
        ));
        pieces.extend(row(
            144.0,
            &[("联系人：张三", 0.0), ("电话：0532-88886666", 300.0)],
        ));
        assert!(find_tables(&pieces, &[]).is_empty());
    }

    #[test]
    fn rules_bound_a_three_line_table() {
        // A line of the same size just above the top rule is not the table's.
        let mut pieces = row(0.0, &[("表二", 0.0)]);
        pieces.extend(row(20.0, &[("项目", 0.0), ("甲", 100.0), ("乙", 150.0)]));
        pieces.extend(row(34.0, &[("一", 0.0), ("1", 100.0), ("2", 150.0)]));
        pieces.extend(row(48.0, &[("二", 0.0), ("3", 100.0), ("4", 150.0)]));
        let rules = [
            Rule {
                y: 16.0,
                x0: 0.0,
                x1: 170.0,
            },
            Rule {
                y: 32.0,
                x0: 0.0,
                x1: 170.0,
            },
            Rule {
                y: 62.0,
                x0: 0.0,
                x1: 170.0,
            },
        ];
        let t = &find_tables(&pieces, &rules)[0];
        assert_eq!(t.rows, 3);
        assert_eq!(grid_text(t)[0], vec!["项目", "甲", "乙"]);
    }

    /// 表二's shape: blocks under titles centred over the value columns, which cross the gaps
    /// between them on most lines; a label left without a figure (强制) stays a row of its own.
    #[test]
    fn titles_over_the_value_columns_keep_the_columns() {
        let mut pieces = Vec::new();
        let mut y = 0.0;
        let mut line = |cells: &[(&str, f32)]| {
            pieces.extend(row(y, cells));
            y += 14.0;
        };
        line(&[("第二十条第一项", 115.0)]);
        line(&[
            ("信息内容", 0.0),
            ("制发件数", 100.0),
            ("废止件数", 160.0),
            ("有效件数", 220.0),
        ]);
        line(&[("规章", 0.0), ("1", 118.0), ("2", 178.0), ("3", 238.0)]);
        line(&[("文件", 0.0), ("4", 118.0), ("5", 178.0), ("6", 238.0)]);
        line(&[("第二十条第五项", 115.0)]);
        line(&[("信息内容", 0.0), ("处理决定数量", 130.0)]);
        line(&[("许可", 0.0), ("7", 178.0)]);
        line(&[("第二十条第六项", 115.0)]);
        line(&[("信息内容", 0.0), ("处理决定数量", 130.0)]);
        line(&[("处罚", 0.0), ("8", 178.0)]);
        line(&[("强制", 0.0)]);
        line(&[("第二十条第八项", 115.0)]);
        line(&[("信息内容", 0.0), ("收费金额", 150.0)]);
        line(&[("收费", 0.0), ("9.5", 170.0)]);
        let t = &find_tables(&pieces, &[])[0];
        assert_eq!(t.cols, 4);
        let g = grid_text(t);
        assert!(g.contains(&vec![
            "规章".to_string(),
            "1".into(),
            "2".into(),
            "3".into()
        ]));
        let coercion = g
            .iter()
            .position(|r| r[0] == "强制")
            .unwrap_or_else(|| panic!("{g:?}"));
        assert!(g[coercion][1..].iter().all(String::is_empty), "{g:?}");
        assert!(
            g[coercion + 1].contains(&"第二十条第八项".to_string()),
            "{g:?}"
        );
    }

    /// 表四's shape: figures only, no label column, and a group header centred over its five
    /// columns whose first character happens to sit over the start of the second cell below.
    #[test]
    fn a_centred_group_header_over_a_table_of_figures_spans_its_columns() {
        let leaf = |c: usize| c as f32 * 40.0 + 10.0;
        let mut pieces = row(0.0, &[("一二三四五六七八九十", 50.0)]);
        pieces.extend((0..5).map(|c| piece("结果", leaf(c), 14.0)));
        for y in [28.0, 42.0] {
            pieces.extend((0..5).map(|c| piece(&c.to_string(), leaf(c) + 5.0, y)));
        }
        let t = &find_tables(&pieces, &[])[0];
        assert_eq!(t.cols, 5);
        let group = t
            .cells
            .iter()
            .find(|c| c.text == "一二三四五六七八九十")
            .unwrap_or_else(|| panic!("{:?}", grid_text(t)));
        assert_eq!((group.slot.col, group.slot.colspan), (0, 5));
        assert_eq!(grid_text(t)[t.rows - 1], vec!["0", "1", "2", "3", "4"]);
    }
}
