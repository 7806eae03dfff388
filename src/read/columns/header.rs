//! The header above the first row of figures, as merged cells: wrapped cells, group headers
//! spanning their columns, the other cells reaching down to the header's bottom.

use super::{join_on_line, overlap, union, ColumnCell, GridCell, Line, Piece};

/// `\n`), its box and the last line it took.
#[derive(Debug, Clone)]
pub(super) struct Head {
    a: usize,
    b: usize,
    text: String,
    rect: [f32; 4],
    last: usize,
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
pub(super) fn header(
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
