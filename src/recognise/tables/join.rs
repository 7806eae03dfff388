//! One table cut by a page break into two body tables — two Word tables, or two screenshots pasted
//! one after the other — is joined again before it is mapped.
//!
//! Two tables are one when the second follows the first with nothing but blank paragraphs,
//! pictures or a `续表` caption between them; the first is 表二, 表三 or 表四 but lacks rows of its
//! template; the second has the same columns (the same number, and for pictures the same rule
//! positions relative to the table's width — a page break cuts rows, it never moves columns); and
//! the second either has no header or repeats the first's header, which is dropped. A merged cell
//! crossing the break stays two cells: the label text is printed in one of them only, and the
//! mapper carries a group label from one row to the next anyway.
//!
//! Each cell keeps where it was printed — the piece's table number, its row there, and its picture
//! and pixel box — so figures point at the right picture and at the row tables.csv lists.

use std::borrow::Cow;

use super::cells::{parse_value, View};
use super::classify::{classify, kind_of_labels, labels_of, t4_by_caption};
use super::t2::map_t2;
use super::t3::{map_t3, t3_header};
use super::t4::{map_t4, t4_header_end};
use super::Kind;
use crate::model::{Block, Document, TableGrid, TableOrigin};
use crate::recognise::metrics;
use crate::recognise::text::{edit_distance, normalise_label};
use crate::recognise::{Semantic, TableFormat};

/// A table as the mapper reads it: one body table, or the pieces of one cut at page breaks.
pub(in crate::recognise) struct Unit<'a> {
    /// The cells of every piece, one grid.
    pub grid: Cow<'a, TableGrid>,
    /// The short paragraph just before the first piece.
    pub caption: Option<&'a str>,
    pieces: Vec<Piece<'a>>,
}

/// One body table of a [`Unit`].
struct Piece<'a> {
    /// Body table number (1-based), `T{n}` in tables.csv and in locations.
    n: usize,
    grid: &'a TableGrid,
    /// The first row of the joined grid that comes from this piece.
    at: usize,
    /// Rows dropped at the top of the piece: its repeated header.
    skip: usize,
}

impl<'a> Unit<'a> {
    pub fn single(n: usize, grid: &'a TableGrid, caption: Option<&'a str>) -> Unit<'a> {
        Unit {
            grid: Cow::Borrowed(grid),
            caption,
            pieces: vec![Piece {
                n,
                grid,
                at: 0,
                skip: 0,
            }],
        }
    }

    /// `T2`, or `T2+T3` for a joined table: how warnings name it.
    pub fn name(&self) -> String {
        self.pieces
            .iter()
            .map(|p| format!("T{}", p.n))
            .collect::<Vec<_>>()
            .join("+")
    }

    /// Where row `row` of the joined grid was printed: the table number, the row in that table,
    /// and that table's origin (its picture).
    pub fn source(&self, row: usize) -> (usize, usize, &'a TableOrigin) {
        let p = self
            .pieces
            .iter()
            .rev()
            .find(|p| p.at <= row)
            .unwrap_or(&self.pieces[0]);
        (p.n, row - p.at + p.skip, &p.grid.origin)
    }

    /// Replaces the grid the mapper reads (a sheet table moved to its first cell).
    pub fn with_grid(mut self, grid: TableGrid) -> Unit<'a> {
        self.grid = Cow::Owned(grid);
        self
    }

    pub fn is_joined(&self) -> bool {
        self.pieces.len() > 1
    }

    /// What joining dropped, for the note.
    pub fn dropped_headers(&self) -> usize {
        self.pieces.iter().filter(|p| p.skip > 0).count()
    }

    /// Appends `g` below, its first `skip` rows (a repeated header) dropped.
    fn push(&mut self, n: usize, g: &'a TableGrid, skip: usize) {
        let at = self.grid.rows;
        let mut cells = self.grid.cells.clone();
        for c in &g.cells {
            let end = c.row + c.rowspan.max(1);
            if end <= skip {
                continue;
            }
            let mut c = c.clone();
            let top = c.row.max(skip);
            c.rowspan = end - top;
            c.row = top - skip + at;
            cells.push(c);
        }
        self.grid = Cow::Owned(TableGrid::from_cells(cells, self.grid.origin.clone()));
        self.pieces.push(Piece {
            n,
            grid: g,
            at,
            skip,
        });
    }
}

/// The body tables in reading order, pieces of one table joined.
pub(in crate::recognise) fn units(doc: &Document) -> Vec<Unit<'_>> {
    let mut out: Vec<Unit> = Vec::new();
    let mut caption: Option<(&str, usize)> = None;
    // Only blank paragraphs, pictures and 续表 captions since the last table.
    let mut adjacent = false;
    let mut n = 0;
    for (i, b) in doc.body.iter().enumerate() {
        match b {
            Block::Paragraph(p) if !p.text.trim().is_empty() => {
                caption = (p.text.chars().count() <= 40).then_some((p.text.as_str(), i));
                // Only while a table was just read: the test folds the paragraph's text.
                adjacent = adjacent && is_continuation_caption(&p.text);
            }
            Block::Table(g) => {
                n += 1;
                let cap = caption.filter(|(_, at)| i - at <= 2).map(|(t, _)| t);
                caption = None;
                let joined = match out.last_mut() {
                    Some(last) if adjacent => match continues(last, g) {
                        Some(skip) => {
                            last.push(n, g, skip);
                            true
                        }
                        None => false,
                    },
                    _ => false,
                };
                if !joined {
                    out.push(Unit::single(n, g, cap));
                }
                adjacent = true;
            }
            _ => {}
        }
    }
    out
}

/// `续表`, `表三（续）`, `（续上表）`: a caption that says a table goes on.
fn is_continuation_caption(text: &str) -> bool {
    let t = normalise_label(text);
    t.chars().count() <= 12 && t.contains('续')
}

/// Whether `b` goes on where the table `u` was cut, and how many header rows it repeats.
fn continues(u: &Unit, b: &TableGrid) -> Option<usize> {
    let a = u.grid.as_ref();
    // Pages cut Word tables and the screenshots of them; a sheet has no pages.
    let paged = |o: &TableOrigin| match o {
        TableOrigin::Word | TableOrigin::Pdf { .. } => Some(false),
        TableOrigin::Image { .. } | TableOrigin::Vector { .. } => Some(true),
        TableOrigin::Sheet { .. } | TableOrigin::Html => None,
    };
    if paged(&a.origin)? != paged(&b.origin)? || a.cols != b.cols {
        return None;
    }
    let slots = |g: &TableGrid| g.rows.saturating_mul(g.cols);
    if slots(a).saturating_add(slots(b)) > super::MAX_SLOTS {
        return None;
    }
    let labels = labels_of(a);
    let kind = kind_of_labels(&labels).or_else(|| t4_by_caption(&labels, u.caption))?;
    if classify(b).is_some_and(|k| k != kind) {
        return None;
    }
    let last = u.pieces.last()?.grid;
    if !same_columns(last, b) || complete(u, kind) {
        return None;
    }
    let header = header_rows(kind, b);
    if header == 0 {
        // Without a header it starts with a row of values; a row of text only is a header
        // the mapper does not know, so another table.
        let first_row_values = b
            .cells
            .iter()
            .any(|c| c.row == 0 && parse_value(&c.text).1 != Semantic::Text);
        return first_row_values.then_some(0);
    }
    (header_rows(kind, a) == header && same_rows(a, b, header)).then_some(header)
}

/// Whether the mapper finds every figure of the table's template in `u` alone.
fn complete(u: &Unit, kind: Kind) -> bool {
    let mut notes = Vec::new();
    let v = View::new(u.grid.as_ref());
    let (found, format) = match kind {
        Kind::T3 => map_t3(u, &v, &mut None, &mut notes),
        Kind::T2 => map_t2(u, &v, &mut None, &mut notes),
        Kind::T4 => (map_t4(u, &v, u.caption, &mut notes), TableFormat::F2021),
    };
    let table = match kind {
        Kind::T2 => 2,
        Kind::T3 => 3,
        Kind::T4 => 4,
    };
    let catalogue = match format {
        TableFormat::F2021 => metrics::catalogue_2021(),
        TableFormat::F2019 => metrics::catalogue_2019(),
    };
    catalogue
        .iter()
        .filter(|m| m.table == table)
        .all(|m| found.iter().any(|f| f.metric() == m.id.0))
}

/// Rows of a table's header: 表三's rows down to its first data row, 表四's down to its last
/// label row. 表二 has none to repeat: the 信息内容 rows head its blocks.
fn header_rows(kind: Kind, g: &TableGrid) -> usize {
    let v = View::new(g);
    match kind {
        Kind::T3 => t3_header(&v).map_or(0, |(_, _, start)| start),
        Kind::T4 => t4_header_end(&v).map_or(0, |end| end + 1),
        Kind::T2 => 0,
    }
}

/// Whether the first `k` rows of `a` and `b` are the same header: the same cells, with the same
/// text give or take a misread character (one in four).
fn same_rows(a: &TableGrid, b: &TableGrid, k: usize) -> bool {
    let head = |g: &TableGrid| -> Vec<(usize, usize, usize, usize, String)> {
        g.cells
            .iter()
            .filter(|c| c.row < k)
            .map(|c| {
                let span = c.rowspan.max(1).min(k - c.row);
                (c.row, c.col, span, c.colspan, normalise_label(&c.text))
            })
            .collect()
    };
    let (ha, hb) = (head(a), head(b));
    ha.len() == hb.len()
        && ha.iter().zip(&hb).all(|(x, y)| {
            (x.0, x.1, x.2, x.3) == (y.0, y.1, y.2, y.3)
                && edit_distance(&x.4, &y.4) <= (x.4.chars().count() / 4).max(1)
        })
}

/// Whether two pictures' tables have their column rules at the same places, relative to the
/// table's width (two screenshots of one page may differ in scale and margins). Word tables keep
/// no geometry: their column count has to do.
fn same_columns(a: &TableGrid, b: &TableGrid) -> bool {
    match (column_rules(a), column_rules(b)) {
        (Some(x), Some(y)) => x.iter().zip(&y).all(|(p, q)| match (p, q) {
            (Some(p), Some(q)) => (p - q).abs() <= 0.02,
            _ => true,
        }),
        (None, None) => true,
        _ => false,
    }
}

/// The left edge of each column, as a fraction of the table's width from its left edge; `None`
/// for a column no cell starts in. `None` for a table without pixel boxes. Measured on the
/// picture made upright (a turned or photographed picture's stored pixels skew its columns).
fn column_rules(g: &TableGrid) -> Option<Vec<Option<f32>>> {
    let boxes: Vec<(usize, [u32; 4])> = g
        .cells
        .iter()
        .filter_map(|c| Some((c.col, c.upright_box.or(c.bbox)?)))
        .collect();
    let left = boxes.iter().map(|(_, b)| b[0]).min()?;
    let right = boxes.iter().map(|(_, b)| b[0] + b[2]).max()?;
    let width = right.checked_sub(left).filter(|w| *w > 0)? as f32;
    Some(
        (0..g.cols)
            .map(|c| {
                boxes
                    .iter()
                    .filter(|(col, _)| *col == c)
                    .map(|(_, b)| b[0])
                    .min()
                    .map(|x| (x - left) as f32 / width)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Cell;
    use crate::recognise::tables::tests::{get, ids_2021_t3};
    use crate::recognise::tables::{map_tables, MappedTables};
    use crate::recognise::testutil::{cell, doc, grid, para, t3_word, t4_grid};
    use crate::recognise::CellRef;

    /// 表三 cut before grid row 16 into two pictures whose column rules sit at `xs` (pixels, the
    /// last the right edge), 30 px a row.
    fn pictures(xs_top: &[u32], xs_bottom: &[u32]) -> Vec<Block> {
        let g = t3_word();
        let boxed = |cells: Vec<crate::model::Cell>, xs: &[u32], image| {
            let cells = cells
                .into_iter()
                .map(|mut c| {
                    let (x0, x1) = (xs[c.col], xs[c.col + c.colspan]);
                    c.bbox = Some([x0, 10 + 30 * c.row as u32, x1 - x0, 30 * c.rowspan as u32]);
                    c
                })
                .collect();
            TableGrid::from_cells(cells, TableOrigin::Image { image })
        };
        let top = g.cells.iter().filter(|c| c.row < 16).cloned().map(|mut c| {
            c.rowspan = c.rowspan.min(16 - c.row);
            c
        });
        let bottom = g
            .cells
            .iter()
            .filter(|c| c.row + c.rowspan > 16)
            .cloned()
            .map(|mut c| {
                let top = c.row.max(16);
                c.rowspan = c.row + c.rowspan - top;
                c.row = top - 16;
                c
            });
        vec![
            Block::Image(0),
            Block::Table(boxed(top.collect(), xs_top, 0)),
            para(""),
            Block::Image(1),
            Block::Table(boxed(bottom.collect(), xs_bottom, 1)),
        ]
    }

    const XS: [u32; 11] = [10, 60, 110, 300, 360, 420, 480, 560, 640, 700, 760];

    #[test]
    fn pictures_with_the_same_rules_are_joined_whatever_their_scale() {
        // the second screenshot at 1.5 × the size, with a wider margin
        let scaled: Vec<u32> = XS.iter().map(|x| 40 + x * 3 / 2).collect();
        let d = doc(pictures(&XS, &scaled));
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        assert_eq!(m.figures.len(), 175, "{w:?}");
        assert_eq!(w, ["T1+T2: joined as one table cut at a page break"]);
        let f = m
            .figures
            .iter()
            .find(|f| f.metric.0 == "t3.carried_out.total")
            .expect("read");
        // the bottom picture's own box, not the top one's
        assert_eq!(f.location, "T2 r12c10 image I2 box 1090,340,90,30");
        let f = m
            .figures
            .iter()
            .find(|f| f.metric.0 == "t3.new.total")
            .expect("read");
        assert_eq!(f.location, "T1 r4c10 image I1 box 700,100,60,30");
    }

    #[test]
    fn pictures_with_other_columns_are_not_joined() {
        let mut moved = XS;
        moved[4] = 390; // 商业企业 wider by 30 px of 750
        let d = doc(pictures(&XS, &moved));
        let mut w = Vec::new();
        map_tables(&d, &mut w);
        assert!(w.iter().all(|w| !w.contains("joined")), "{w:?}");
    }

    /// `g` cut before grid row `cut` as a page break cuts a Word table: the merged cells crossing
    /// the break go on as empty cells below; the first `repeat` rows (the header) again on top.
    fn cut(g: &TableGrid, cut: usize, repeat: usize) -> (TableGrid, TableGrid) {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for c in &g.cells {
            let end = c.row + c.rowspan;
            if c.row < cut {
                a.push(Cell {
                    rowspan: end.min(cut) - c.row,
                    ..c.clone()
                });
            }
            if c.row < repeat {
                b.push(c.clone());
            }
            if end > cut {
                let top = c.row.max(cut);
                b.push(Cell {
                    row: top - cut + repeat,
                    rowspan: end - top,
                    text: if c.row < cut {
                        String::new()
                    } else {
                        c.text.clone()
                    },
                    ..c.clone()
                });
            }
        }
        (grid(a), grid(b))
    }

    fn ids(m: &MappedTables) -> Vec<String> {
        m.figures.iter().map(|f| f.metric.0.clone()).collect()
    }

    #[test]
    fn t3_split_over_two_tables() {
        // cut after data row 10 (grid row 13), inside （三）不予公开: second part without header
        let (ga, mut gb) = cut(&t3_word(), 13, 0);
        // the merged label cells go on on the second page, here with their text printed again
        gb.cells[0].text = "三、本年度办理结果".into();
        gb.cells[1].text = "（三）不予公开".into();
        assert_eq!(gb.cols, 10);
        let d = doc(vec![
            Block::Table(ga.clone()),
            para("续表"),
            Block::Table(gb.clone()),
        ]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        assert_eq!(ids(&m), ids_2021_t3());
        let f = get(&m, "t3.denied.enforcement_file.natural_person");
        assert_eq!(f.location, "T2 r1c4");
        assert_eq!(
            f.cell,
            Some(CellRef {
                table: 2,
                row: 0,
                col: 3
            })
        );
        assert_eq!(get(&m, "t3.carried_out.total").value, Some(246.0));
        assert_eq!(
            get(&m, "t3.denied.process_info.total").location,
            "T1 r13c10"
        );
        assert_eq!(m.formats.len(), 1, "one table");
        assert_eq!(w, ["T1+T2: joined as one table cut at a page break"]);

        // Text between the two is not a page break: the second borrows the first's columns.
        let d = doc(vec![
            Block::Table(ga),
            para("注：本表数据截至2023年12月31日。"),
            Block::Table(gb),
        ]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        assert_eq!(ids(&m), ids_2021_t3());
        assert_eq!(m.formats.len(), 2);
        assert_eq!(
            w,
            ["T2: 表三 without header, read with the columns of the previous 表三"]
        );
    }

    /// Cut inside （六）其他处理: `3．其他` below the break means nothing without its group, which
    /// only the joined table has.
    #[test]
    fn a_cut_inside_a_group_keeps_the_group() {
        let (ga, gb) = cut(&t3_word(), 24, 0);
        assert!(gb.cells.iter().any(|c| c.row == 0
            && c.text
                == "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"));
        let d = doc(vec![Block::Table(ga), para(""), Block::Table(gb)]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        assert_eq!(ids(&m), ids_2021_t3());
        let f = get(&m, "t3.other.other.other_org");
        assert_eq!((f.value, f.location.as_str()), (Some(225.0), "T2 r2c9"));
    }

    /// The second piece repeats the header: it is dropped, and rows are counted in the piece.
    #[test]
    fn a_repeated_header_is_dropped() {
        let (ga, mut gb) = cut(&t3_word(), 16, 3);
        // misread once in the repeat
        gb.cells[1].text = "申请入情况".into();
        let d = doc(vec![Block::Table(ga), Block::Table(gb)]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        assert_eq!(ids(&m), ids_2021_t3());
        assert_eq!(m.formats.len(), 1);
        assert_eq!(
            w,
            ["T1+T2: joined as one table cut at a page break, the header repeated after the break dropped"]
        );
        // data row 13 (grid row 16) is the first row under the repeated header of T2
        let f = get(&m, "t3.unavailable.needs_creation.natural_person");
        assert_eq!((f.value, f.location.as_str()), (Some(130.0), "T2 r4c4"));
        assert_eq!(
            get(&m, "t3.unavailable.not_held.total").location,
            "T1 r16c10"
        );
    }

    /// What is not one table stays two: a complete first table, another header, other columns.
    #[test]
    fn tables_that_only_follow_each_other_are_not_joined() {
        let mut w = Vec::new();
        let d = doc(vec![Block::Table(t3_word()), Block::Table(t3_word())]);
        let m = map_tables(&d, &mut w);
        assert_eq!(m.formats.len(), 2);
        assert!(w.iter().all(|w| !w.contains("joined")), "{w:?}");

        // below the break, a header of other columns
        let (ga, mut gb) = cut(&t3_word(), 16, 3);
        gb.cells.retain(|c| c.row >= 3);
        gb.cells.push(cell(0, 0, 3, 3, "项目"));
        gb.cells.push(cell(0, 3, 3, 7, "2022年"));
        let gb = grid(gb.cells);
        let mut w = Vec::new();
        map_tables(&doc(vec![Block::Table(ga), Block::Table(gb)]), &mut w);
        assert!(w.iter().all(|w| !w.contains("joined")), "{w:?}");

        let (ga, gb) = cut(&t3_word(), 16, 0);
        let narrower = grid(gb.cells.into_iter().filter(|c| c.col < 9).collect());
        let mut w = Vec::new();
        map_tables(&doc(vec![Block::Table(ga), Block::Table(narrower)]), &mut w);
        assert!(w.iter().all(|w| !w.contains("joined")), "{w:?}");
    }

    /// 表四's header on one page, its row of numbers on the next.
    #[test]
    fn t4_header_and_values_on_two_pages() {
        let vals = [
            "1", "2", "3", "4", "10", "0", "0", "0", "1", "1", "", "/", "0", "0", "0",
        ];
        let (ga, gb) = cut(&t4_grid(vals), 3, 0);
        let d = doc(vec![Block::Table(ga), Block::Table(gb)]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        assert_eq!(m.figures.len(), 15, "{w:?}");
        assert_eq!(get(&m, "t4.review.total").location, "T2 r1c5");
        assert_eq!(w, ["T1+T2: joined as one table cut at a page break"]);
    }
}
