//! Where the columns are: the x-ranges the lines of a block leave clear, cut in the middle of
//! their least crossed part.

use super::{is_figure, median, Line, Piece};

/// far (`(lines crossing, from, to)`) and the part being walked (`(lines crossing, from)`).
pub(super) struct ClearRange {
    start: f32,
    best: (usize, f32, f32),
    run: Option<(usize, f32)>,
}

/// Column boundaries: the middles of the x-ranges that most lines of the block leave clear.
pub(super) fn column_edges(pieces: &[Piece], lines: &[Line], em: f32) -> Vec<f32> {
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
pub(super) fn covered(edges: &[f32], r: [f32; 4], em: f32) -> (usize, usize) {
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
