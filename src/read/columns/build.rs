//! The whole grid of a block: its columns, its header, its data rows (one line, or several
//! when labels wrap) and the repeated headers inside it.

use super::block::line_em;
use super::edges::{column_edges, covered};
use super::header::header;
use super::{
    is_figure, join_on_line, median, overlap, ColumnCell, ColumnTable, GridCell, Line, Piece,
};

/// One row of the grid under construction: its lines.
pub(super) struct Row {
    lines: Vec<usize>,
}

pub(super) fn build(pieces: &[Piece], lines: &[Line]) -> Option<ColumnTable> {
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
