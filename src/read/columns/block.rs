//! Which lines are a table: pieces grouped into lines, a core of aligned lines, grown over
//! its header above and its wrapped labels below.

use super::{height, median, Line, Piece, Rule};

/// Pieces whose vertical middles lie within half a height of each other are one line.
pub(super) fn lines_of(pieces: &[Piece]) -> Vec<Line> {
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
pub(super) fn gaps(pieces: &[Piece], l: &Line) -> Vec<(f32, f32)> {
    l.pieces
        .windows(2)
        .map(|w| (pieces[w[0]].rect[2], pieces[w[1]].rect[0]))
        .collect()
}

pub(super) fn shared_gaps(a: &[(f32, f32)], b: &[(f32, f32)]) -> usize {
    a.iter()
        .filter(|(a0, a1)| b.iter().any(|(b0, b1)| a0.max(*b0) < a1.min(*b1)))
        .count()
}

pub(super) fn line_em(pieces: &[Piece], l: &Line) -> f32 {
    median(l.pieces.iter().map(|&i| height(&pieces[i])).collect())
}

/// The next block of at least three lines of three or more pieces, close together, each
/// sharing at least two gaps with the one before: `(first, last)` line indices.
pub(super) fn next_core(pieces: &[Piece], lines: &[Line], from: usize) -> Option<(usize, usize)> {
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
pub(super) fn interleaved(pieces: &[Piece], a: &Line, b: &Line) -> bool {
    a.pieces.iter().all(|&i| {
        b.pieces.iter().all(|&j| {
            pieces[i].rect[2] <= pieces[j].rect[0] || pieces[j].rect[2] <= pieces[i].rect[0]
        })
    })
}

/// Grows a core over the lines above (header) and below (wrapped labels) that keep its size and
/// pitch, stay within its width, are not prose, and are not cut off by a rule spanning it.
pub(super) fn grow(
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
