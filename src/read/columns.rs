//! Tables that have no rules, or only horizontal ones (a 三线表: a rule above, one under the
//! header, one below), rebuilt from the columns their text forms. Format-independent: the
//! input is positioned pieces of text — a box `[x0, y0, x1, y1]` in any unit with y growing
//! down, one piece per run of text separated from the next by a wide gap — plus any horizontal
//! rules; the output is merged-cell grids in slot units ([`GridCell`], the shape
//! [`crate::read::grid`] gives ruled tables). A PDF page gives its pieces from glyph runs; a
//! picture of a table with no rules gives them from the OCR'd words and their pixel boxes.
//!
//! How: the pieces are grouped into lines; a table is a block of at least three lines of three
//! or more pieces that share at least two column gaps (rows of a label then numbers), grown up
//! over its header lines and down over wrapped labels while the lines keep the block's size and
//! pitch (and stay between the rules above and below, when there are rules). Its columns are
//! the x-ranges that stay clear of text over most lines of the block (a header cell or a label
//! spanning several columns may cross a gap). A line with a figure starts the data rows; above
//! it each header line spanning several columns is a row of its own, and the header lines
//! between are one row (a header wrapped over lines). A data row is one line, or several when a
//! label fills its column and wraps onto the next line (its figures on any of those lines).
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
        let joins = run.last().is_some_and(|&last| {
            let em = line_em(pieces, &lines[last]);
            lines[s].y0 - lines[last].y1 <= 4.0 * em
                && shared_gaps(&gaps(pieces, &lines[last]), &gaps(pieces, &lines[s])) >= 2
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

/// Column boundaries: the middles of the x-ranges that most lines of the block leave clear.
fn column_edges(pieces: &[Piece], lines: &[Line], em: f32) -> Vec<f32> {
    let spans: Vec<(f32, f32)> = lines
        .iter()
        .flat_map(|l| &l.pieces)
        .map(|&i| (pieces[i].rect[0], pieces[i].rect[2]))
        .collect();
    let x0 = spans.iter().map(|s| s.0).fold(f32::MAX, f32::min);
    let x1 = spans.iter().map(|s| s.1).fold(f32::MIN, f32::max);
    // The gaps are those of the lines of three or more pieces (the rows of figures); a cell
    // alone on its line (a header or a single value spanning columns) may cross them, and so
    // may a few of those lines (labels spanning the label columns).
    let rows: Vec<&Line> = lines.iter().filter(|l| l.pieces.len() >= 3).collect();
    let tolerance = rows.len() / 4;
    let mut xs: Vec<f32> = spans.iter().flat_map(|s| [s.0, s.1]).collect();
    xs.sort_by(f32::total_cmp);
    xs.dedup();
    let mut edges = vec![x0];
    let mut open: Option<f32> = None;
    for w in xs.windows(2) {
        let (a, b) = (w[0], w[1]);
        let m = (a + b) / 2.0;
        let crossing = rows
            .iter()
            .filter(|l| {
                l.pieces
                    .iter()
                    .any(|&i| pieces[i].rect[0] < m && pieces[i].rect[2] > m)
            })
            .count();
        if crossing <= tolerance {
            open.get_or_insert(a);
        } else if let Some(start) = open.take() {
            // A clear range at the block's edge (a line starting a little further in) is no gap.
            if a - start >= 0.4 * em && start - x0 > 0.5 * em {
                edges.push((start + a) / 2.0);
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
    header: bool,
}

fn build(pieces: &[Piece], lines: &[Line]) -> Option<ColumnTable> {
    let em = median(lines.iter().map(|l| line_em(pieces, l)).collect());
    let edges = column_edges(pieces, lines, em);
    let ncols = edges.len() - 1;
    if ncols < 2 {
        return None;
    }
    let span = |i: usize| covered(&edges, pieces[i].rect, em);
    // The first column holding figures: the columns before it are labels.
    let first_value = lines
        .iter()
        .flat_map(|l| &l.pieces)
        .filter(|&&i| is_figure(&pieces[i].text))
        .map(|&i| span(i).0)
        .filter(|&c| c > 0)
        .min()?;
    let first_data = lines.iter().position(|l| {
        l.pieces
            .iter()
            .any(|&i| is_figure(&pieces[i].text) && span(i).0 >= first_value)
    })?;
    let spans_columns = |l: &Line| {
        l.pieces
            .iter()
            .any(|&i| span(i).0 >= first_value && span(i).1 > span(i).0)
    };
    let has_values = |l: &Line| l.pieces.iter().any(|&i| span(i).1 >= first_value);
    let has_label = |l: &Line| l.pieces.iter().any(|&i| span(i).0 < first_value);
    // A label piece that reaches the right of the widest label ending in its column in a row of
    // figures wraps on; one that runs past it is a title spanning the table.
    let reach: Vec<f32> = (0..ncols)
        .map(|c| {
            lines
                .iter()
                .filter(|l| l.pieces.len() >= 3)
                .flat_map(|l| &l.pieces)
                .filter(|&&i| span(i).1 == c)
                .map(|&i| pieces[i].rect[2])
                .fold(f32::MIN, f32::max)
        })
        .collect();
    let full = |l: &Line| {
        l.pieces
            .iter()
            .filter(|&&i| span(i).0 < first_value)
            .any(|&i| (pieces[i].rect[2] - reach[span(i).1]).abs() <= 1.5 * em)
    };

    let mut rows: Vec<Row> = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        let header = k < first_data;
        let joins = match rows.last() {
            None => false,
            Some(row) if header => {
                // A header label wrapped over lines in the value columns.
                let first = &lines[row.lines[0]];
                row.header
                    && !spans_columns(l)
                    && !spans_columns(first)
                    && has_values(l)
                    && has_values(first)
            }
            Some(row) if row.header => false,
            Some(row) => {
                let rl: Vec<&Line> = row.lines.iter().map(|&j| &lines[j]).collect();
                let last_label = rl.iter().rev().find(|x| has_label(x));
                let wraps = last_label.is_some_and(|x| full(x));
                let row_values = rl.iter().any(|x| has_values(x));
                (wraps && (!has_values(l) || !row_values))
                    || (!has_label(l) && !row_values && last_label.is_some())
            }
        };
        match rows.last_mut() {
            Some(row) if joins => row.lines.push(k),
            _ => rows.push(Row {
                lines: vec![k],
                header,
            }),
        }
    }

    let mut cells: Vec<ColumnCell> = Vec::new();
    let mut used = Vec::new();
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
    for (ri, row) in rows.iter().enumerate() {
        // Each column's owner: (first, last, text, the line its text ends on).
        let mut owned: Vec<(usize, usize, String, usize)> = Vec::new();
        for &k in &row.lines {
            for &i in &lines[k].pieces {
                used.push(i);
                let (a, b) = span(i);
                let text = pieces[i].text.trim();
                match owned.iter_mut().find(|o| o.0 <= b && a <= o.1) {
                    Some(o) => {
                        o.2.push(if o.3 == k { ' ' } else { '\n' });
                        o.2.push_str(text);
                        o.0 = o.0.min(a);
                        o.1 = o.1.max(b);
                        o.3 = k;
                    }
                    None => owned.push((a, b, text.to_string(), k)),
                }
            }
        }
        owned.sort_by_key(|o| o.0);
        if row.header {
            centred_spans(&mut owned, ncols);
        }
        let top = if ri == 0 {
            bounds[0].0
        } else {
            (bounds[ri - 1].1 + bounds[ri].0) / 2.0
        };
        let bottom = if ri + 1 == rows.len() {
            bounds[ri].1
        } else {
            (bounds[ri].1 + bounds[ri + 1].0) / 2.0
        };
        let mut c = 0;
        let mut push = |a: usize, b: usize, text: String| {
            cells.push(ColumnCell {
                slot: GridCell {
                    row: ri,
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
    used.sort_unstable();
    Some(ColumnTable {
        rect: [
            edges[0],
            bounds[0].0,
            edges[ncols],
            bounds[bounds.len() - 1].1,
        ],
        rows: rows.len(),
        cols: ncols,
        cells,
        pieces: used,
    })
}

/// A header cell centred over several columns covers only the middle ones with its text: it
/// grows one column to each side at a time while both are free in its row.
fn centred_spans(owned: &mut [(usize, usize, String, usize)], ncols: usize) {
    loop {
        let mut grew = false;
        for i in 0..owned.len() {
            let (a, b) = (owned[i].0, owned[i].1);
            if a == 0 || b + 1 >= ncols {
                continue;
            }
            let free = |c: usize| {
                owned
                    .iter()
                    .enumerate()
                    .all(|(j, o)| j == i || c < o.0 || c > o.1)
            };
            if free(a - 1) && free(b + 1) {
                owned[i].0 -= 1;
                owned[i].1 += 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
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
}
