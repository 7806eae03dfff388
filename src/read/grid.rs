//! From rules to a merged-cell grid: the one step that a table picture (rules found in pixels)
//! and a PDF page (rules drawn as vector strokes) share. The caller knows where its row and
//! column rules are and can say, for each boundary between two neighbouring slots, whether a
//! rule is drawn there; this module drops rules that are never drawn between any two slots (a
//! long stroke of text, a rule of another table) and merges slots whose shared boundary is not
//! drawn into one cell.

/// A cell of the grid, in slot units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridCell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
}

/// Which slot boundaries are drawn: `right[r][c]` between slots (r, c) and (r, c+1),
/// `below[r][c]` between (r, c) and (r+1, c). The frame counts as drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boundaries {
    pub right: Vec<Vec<bool>>,
    pub below: Vec<Vec<bool>>,
}

impl Boundaries {
    /// Asks `drawn_right(r, c)` for every inner vertical boundary and `drawn_below(r, c)` for
    /// every inner horizontal one.
    pub fn probe(
        rows: usize,
        cols: usize,
        drawn_right: impl Fn(usize, usize) -> bool,
        drawn_below: impl Fn(usize, usize) -> bool,
    ) -> Self {
        let right = (0..rows)
            .map(|r| {
                (0..cols)
                    .map(|c| c + 1 == cols || drawn_right(r, c))
                    .collect()
            })
            .collect();
        let below = (0..rows)
            .map(|r| {
                (0..cols)
                    .map(|c| r + 1 == rows || drawn_below(r, c))
                    .collect()
            })
            .collect();
        Boundaries { right, below }
    }
}

/// Builds the grid from rule positions (top to bottom, left to right; `rows.len() - 1` slot
/// rows). `probe(rows, cols)` reports the drawn boundaries for the rules kept so far; rules none
/// of whose segments is drawn are removed and the boundaries probed again. Returns the rules kept
/// and the cells, or `None` when fewer than two cells remain.
pub fn build<R: Copy>(
    mut rows: Vec<R>,
    mut cols: Vec<R>,
    probe: impl Fn(&[R], &[R]) -> Boundaries,
) -> Option<(Vec<R>, Vec<R>, Vec<GridCell>)> {
    if rows.len() < 2 || cols.len() < 2 {
        return None;
    }
    let edges = loop {
        let edges = probe(&rows, &cols);
        let nr = rows.len() - 1;
        let nc = cols.len() - 1;
        let dead_col = (1..nc).find(|&j| (0..nr).all(|r| !edges.right[r][j - 1]));
        let dead_row = (1..nr).find(|&i| (0..nc).all(|c| !edges.below[i - 1][c]));
        match (dead_row, dead_col) {
            (Some(i), _) => {
                rows.remove(i);
            }
            (None, Some(j)) => {
                cols.remove(j);
            }
            (None, None) => break edges,
        }
    };
    let cells = merge(&edges);
    (cells.len() >= 2).then_some((rows, cols, cells))
}

/// Slots joined into cells wherever the boundary between them is not drawn: a cell grows right
/// while the boundary is open, then down while the whole row below is open under it and open
/// inside.
pub fn merge(edges: &Boundaries) -> Vec<GridCell> {
    let Boundaries { right, below } = edges;
    let nr = right.len();
    let nc = right.first().map_or(0, Vec::len);
    let mut taken = vec![vec![false; nc]; nr];
    let mut cells = Vec::new();
    for r in 0..nr {
        for c in 0..nc {
            if taken[r][c] {
                continue;
            }
            let mut cs = 1;
            while c + cs < nc && !right[r][c + cs - 1] && !taken[r][c + cs] {
                cs += 1;
            }
            let mut rs = 1;
            while r + rs < nr
                && (c..c + cs).all(|cc| !below[r + rs - 1][cc] && !taken[r + rs][cc])
                && (c..c + cs - 1).all(|cc| !right[r + rs][cc])
            {
                rs += 1;
            }
            for row in taken.iter_mut().skip(r).take(rs) {
                for t in row.iter_mut().skip(c).take(cs) {
                    *t = true;
                }
            }
            cells.push(GridCell {
                row: r,
                col: c,
                rowspan: rs,
                colspan: cs,
            });
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(row: usize, col: usize, rowspan: usize, colspan: usize) -> GridCell {
        GridCell {
            row,
            col,
            rowspan,
            colspan,
        }
    }

    #[test]
    fn open_boundaries_merge_slots() {
        // 3 × 3 slots: (0,0)-(0,1) open → one cell over two columns; (1,2)-(2,2) open → two rows.
        let edges = Boundaries::probe(3, 3, |r, c| !(r == 0 && c == 0), |r, c| !(r == 1 && c == 2));
        assert_eq!(
            merge(&edges),
            vec![
                cell(0, 0, 1, 2),
                cell(0, 2, 1, 1),
                cell(1, 0, 1, 1),
                cell(1, 1, 1, 1),
                cell(1, 2, 2, 1),
                cell(2, 0, 1, 1),
                cell(2, 1, 1, 1),
            ]
        );
    }

    #[test]
    fn a_rule_never_drawn_is_dropped() {
        // Column rule 1 (at x=5) is drawn nowhere: it is removed, leaving a 2 × 2 grid.
        let rows = vec![0.0, 10.0, 20.0];
        let cols = vec![0.0, 5.0, 10.0, 20.0];
        let (rows, cols, cells) = build(rows, cols, |rows: &[f32], cols: &[f32]| {
            Boundaries::probe(
                rows.len() - 1,
                cols.len() - 1,
                |_, c| cols[c + 1] != 5.0,
                |_, _| true,
            )
        })
        .unwrap();
        assert_eq!(rows, vec![0.0, 10.0, 20.0]);
        assert_eq!(cols, vec![0.0, 10.0, 20.0]);
        assert_eq!(cells.len(), 4);
    }

    #[test]
    fn one_cell_is_no_table() {
        let got = build(vec![0.0, 1.0], vec![0.0, 1.0], |r: &[f32], c: &[f32]| {
            Boundaries::probe(r.len() - 1, c.len() - 1, |_, _| true, |_, _| true)
        });
        assert!(got.is_none());
    }
}
