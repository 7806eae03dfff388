//! The template mapper: body tables → standard figures.
//!
//! Every body table is numbered `T1`, `T2`… in body order (the numbering of tables.csv). Each
//! table is recognised as 表二, 表三 or 表四 from its own labels (never from the year), its
//! column headers and row labels are matched to the catalogue by normalised labels (tolerating
//! spaces, bracket and digit widths, `1、`, years in headers, old names and small typos), and
//! each data cell becomes a [`Figure`]. A table cut at a page break into two body tables (or two
//! pictures) is joined first ([`join`]); a table without a header that continues an earlier table
//! of the same kind further away borrows that table's column layout.
//!
//! One file per job: `classify` (which table a grid is), `labels` (the label dictionaries and
//! the matcher), `t2`, `t3`, `t4` (each table's headers and rows), `cells` (a cell → a figure),
//! `join` (pieces cut at page breaks), `prose` (表四 from lines and text), `explain` (why a table
//! gave nothing, for `inspect`), `memo` (the classifiers' answers kept across a batch's reports). This file runs them over a document and keeps one reading per
//! metric.

mod cells;
mod classify;
mod explain;
mod join;
mod labels;
mod memo;
mod prose;
mod t2;
mod t3;
mod t4;

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::sync::LazyLock;

use regex::Regex;

pub use cells::parse_value;
pub use classify::classify;
pub use explain::explain_unmatched;
pub use prose::{t4_from_prose, t4_from_text, t4_unlabelled};

use super::metrics;

use super::{Figure, TableFormat};
use crate::model::{Cell, Document, TableGrid, TableOrigin};
use cells::Found;
use cells::View;
use classify::{kind_of_labels, t4_by_caption};
use t2::map_t2;
use t3::{map_t3, T3Layout};
use t4::map_t4;

#[derive(Debug, Default)]
pub struct MappedTables {
    pub figures: Vec<Figure>,
    pub formats: Vec<TableFormat>,
}

/// Which standard table a grid is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    T2,
    T3,
    T4,
}

/// A sheet table not starting at A1, moved there (with its offset), so the mapper's grids and
/// limits are about the table and not about where it sits on its sheet.
fn at_origin(g: &TableGrid) -> Option<(TableGrid, (usize, usize))> {
    if !matches!(g.origin, TableOrigin::Sheet { .. }) {
        return None;
    }
    let r0 = g.cells.iter().map(|c| c.row).min()?;
    let c0 = g.cells.iter().map(|c| c.col).min()?;
    if (r0, c0) == (0, 0) {
        return None;
    }
    let cells = g
        .cells
        .iter()
        .map(|c| Cell {
            row: c.row - r0,
            col: c.col - c0,
            ..c.clone()
        })
        .collect();
    Some((TableGrid::from_cells(cells, g.origin.clone()), (r0, c0)))
}

/// Compiles the tables' patterns now rather than at the first report (see
/// [`super::compile_patterns`]).
pub(super) fn compile_patterns() {
    t2::compile_patterns();
}

/// `T{n} r{row}c{col}` of a moved table back in sheet coordinates.
fn shift_location(location: &str, (dr, dc): (usize, usize)) -> String {
    static LOC: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(T\d+) r(\d+)c(\d+)(.*)$").expect("valid regex"));
    match LOC.captures(location) {
        Some(m) => {
            let row: usize = m[2].parse().unwrap_or(0);
            let col: usize = m[3].parse().unwrap_or(0);
            format!("{} r{}c{}{}", &m[1], row + dr, col + dc, &m[4])
        }
        None => location.to_string(),
    }
}

/// Tables larger than this (rows × columns) are never mapped: no standard table comes close.
const MAX_SLOTS: usize = 100_000;

/// Maps every body table to standard figures.
pub fn map_tables(doc: &Document, warnings: &mut Vec<String>) -> MappedTables {
    // Each table's figures are kept or set aside as it is mapped, so a report that repeats its
    // tables a thousand times never holds a thousand tables' worth of figures.
    let mut by_id: FxHashMap<Cow<'static, str>, Figure> = FxHashMap::default();
    // Figures read again with another value, grouped by the table they were read again in: a
    // report that repeats its tables (or a whole copy of itself) gets one warning per table.
    let mut again: Vec<(String, usize, String)> = Vec::new();
    let mut formats = Vec::new();
    let mut t3_layout: Option<T3Layout> = None;
    let mut t2_header: Option<Vec<Option<&'static str>>> = None;
    let mut last_format = None;
    // the kind of the table just before, for a continuation without recognisable labels
    let mut prev_kind: Option<Kind> = None;
    // The tables read from pictures, and their format: their figures are counted at the end.
    let mut pictured: Vec<(Kind, TableFormat)> = Vec::new();
    for unit in join::units(doc) {
        let n = unit.name();
        let g = unit.grid.as_ref();
        let caption = unit.caption;
        // each cell normalised once: for classifying, then for mapping
        let norm = cells::Labels::of(g);
        let labels = norm.joined();
        let classified = kind_of_labels(labels).or_else(|| t4_by_caption(labels, caption));
        let continued = prev_kind.filter(|k| *k != Kind::T4);
        prev_kind = None;
        let Some(kind) = classified.or(continued) else {
            continue;
        };
        // a table cut from a sheet keeps the sheet's coordinates: map it from its first cell
        let (unit, offset, norm) = match at_origin(g) {
            Some((grid, offset)) => (unit.with_grid(grid), offset, None),
            None => (unit, (0, 0), Some(norm)),
        };
        let g = unit.grid.as_ref();
        if g.rows.saturating_mul(g.cols) > MAX_SLOTS {
            warnings.push(format!(
                "{n}: {}×{} table too large to map as a statistical table",
                g.rows, g.cols
            ));
            continue;
        }
        // a guessed continuation only counts if it maps: work on copies until then
        let mut w = Vec::new();
        if unit.is_joined() {
            let dropped = match unit.dropped_headers() {
                0 => "",
                _ => ", the header repeated after the break dropped",
            };
            w.push(format!(
                "{n}: joined as one table cut at a page break{dropped}"
            ));
        }
        let mut layout = t3_layout.clone();
        let mut header = t2_header.clone();
        // (a table moved to A1 has its cells sorted anew: normalised again, in its own order)
        let v = match norm {
            Some(norm) => View::with_norm(g, norm),
            None => View::new(g),
        };
        let (figs, format) = match kind {
            Kind::T3 => map_t3(&unit, &v, &mut layout, &mut w),
            Kind::T2 => map_t2(&unit, &v, &mut header, &mut w),
            Kind::T4 => (
                map_t4(&unit, &v, caption, &mut w),
                last_format.unwrap_or(TableFormat::F2021),
            ),
        };
        if figs.is_empty() {
            if classified.is_some() {
                let name = match kind {
                    Kind::T2 => "表二",
                    Kind::T3 => "表三",
                    Kind::T4 => "表四",
                };
                warnings.extend(w);
                warnings.push(format!("{n}: looks like {name} but no figure was mapped"));
            }
            continue;
        }
        warnings.extend(w);
        t3_layout = layout;
        t2_header = header;
        prev_kind = Some(kind);
        if kind != Kind::T4 {
            last_format = Some(format);
        }
        formats.push(format);
        if figs.iter().any(|f| f.figure.origin == "image") && !pictured.contains(&(kind, format)) {
            pictured.push((kind, format));
        }
        for mut f in figs {
            if offset != (0, 0) {
                f.figure.location = shift_location(&f.figure.location, offset);
                if let Some(at) = f.figure.cell.as_mut() {
                    at.row += offset.0;
                    at.col += offset.1;
                }
            }
            keep_first(f, &mut by_id, &mut again);
        }
    }
    for (table, n, first) in again {
        warnings.push(if n == 1 {
            format!("{first}: read twice, the first kept")
        } else {
            format!(
                "{table}: {n} figures read again with other values ({first}, …), the first kept"
            )
        });
    }
    warnings.extend(unread_in_pictures(&pictured, &by_id));
    let figures = metrics::ids_ordered()
        .iter()
        .filter_map(|id| by_id.remove(id.0.as_str()))
        .collect();
    MappedTables { figures, formats }
}

/// A table read from a picture that gives fewer figures than its format prints lost the others
/// to the picture — a row or a column not found, cells merged by a broken rule —, since an
/// office that leaves a figure out still prints its cell: a warning names what is missing, and
/// the file is `partial`. (A Word table is read as it is; one without a row has none to lose.)
fn unread_in_pictures(
    pictured: &[(Kind, TableFormat)],
    by_id: &FxHashMap<Cow<'static, str>, Figure>,
) -> Vec<String> {
    let mut out = Vec::new();
    for &(kind, format) in pictured {
        let (table, name) = match kind {
            Kind::T2 => (2, "表二"),
            Kind::T3 => (3, "表三"),
            Kind::T4 => (4, "表四"),
        };
        let catalogue = match format {
            TableFormat::F2019 => metrics::catalogue_2019(),
            _ => metrics::catalogue_2021(),
        };
        let expected: Vec<String> = catalogue
            .into_iter()
            .filter(|m| m.table == table)
            .map(|m| m.id.0)
            .collect();
        let missing: Vec<&str> = expected
            .iter()
            .filter(|id| !by_id.contains_key(id.as_str()))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let shown = missing
            .iter()
            .take(5)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        let more = if missing.len() > 5 { ", …" } else { "" };
        out.push(format!(
            "{name} read from a picture: {} of its {} figures not found in it ({shown}{more})",
            missing.len(),
            expected.len()
        ));
    }
    out
}

/// Keeps the first reading of a metric; a later one with another value is noted in `again`.
fn keep_first(
    f: Found,
    by_id: &mut FxHashMap<Cow<'static, str>, Figure>,
    again: &mut Vec<(String, usize, String)>,
) {
    // Two lookups: the catalogue's copy of the id (the map then holds no copy), then the entry.
    let id = match metrics::catalogued(f.metric()) {
        Some(id) => Cow::Borrowed(id),
        None => Cow::Owned(f.metric().to_string()),
    };
    match by_id.entry(id) {
        Entry::Occupied(prev) => {
            let prev = prev.get();
            if prev.raw.trim() != f.figure.raw.trim() {
                let table = f
                    .figure
                    .location
                    .split(' ')
                    .next()
                    .unwrap_or("")
                    .to_string();
                match again.last_mut() {
                    Some((t, n, _)) if *t == table => *n += 1,
                    _ => again.push((
                        table,
                        1,
                        format!(
                            "{} {:?} at {}, {:?} at {}",
                            f.metric(),
                            prev.raw,
                            prev.location,
                            f.figure.raw,
                            f.figure.location
                        ),
                    )),
                }
            }
        }
        Entry::Vacant(slot) => {
            slot.insert(f.figure);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Block;
    use crate::recognise::testutil::{doc, para, simple_grid, t3_word, t4_grid};

    pub(super) fn ids_2021_t3() -> Vec<String> {
        metrics::catalogue_2021()
            .into_iter()
            .filter(|m| m.table == 3)
            .map(|m| m.id.0)
            .collect()
    }

    pub(super) fn one_table(g: TableGrid) -> (MappedTables, Vec<String>) {
        let d = doc(vec![para("表"), Block::Table(g)]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        (m, w)
    }

    /// 表三 with its row （二）部分公开 lost (a rule under it not found merges it away), read
    /// from a picture: a warning names the 7 figures; the whole table gives none; from Word,
    /// the same table is read as it is, without one.
    #[test]
    fn a_row_lost_in_a_picture_is_named_and_a_word_table_is_taken_as_it_is() {
        let picture =
            |g: TableGrid| TableGrid::from_cells(g.cells, TableOrigin::Image { image: 0 });
        let without_partial = || {
            let g = t3_word();
            let row = g
                .cells
                .iter()
                .find(|c| c.text.contains("部分公开"))
                .expect("the row")
                .row;
            let cells = g
                .cells
                .into_iter()
                .filter(|c| c.row != row)
                .map(|mut c| {
                    if c.row > row {
                        c.row -= 1;
                    } else if c.row + c.rowspan > row {
                        c.rowspan -= 1;
                    }
                    c
                })
                .collect();
            TableGrid::from_cells(cells, TableOrigin::Word)
        };
        let (m, w) = one_table(picture(without_partial()));
        assert_eq!(m.figures.len(), 168, "{w:#?}");
        let lost: Vec<&String> = w.iter().filter(|w| w.contains("not found")).collect();
        assert_eq!(lost.len(), 1, "{w:#?}");
        assert!(
            lost[0].starts_with("表三 read from a picture: 7 of its 175 figures not found in it (t3.partial.natural_person,"),
            "{}",
            lost[0]
        );
        assert!(!crate::recognise::is_reading_note(lost[0]));
        let (m, w) = one_table(picture(t3_word()));
        assert_eq!(m.figures.len(), 175);
        assert!(!w.iter().any(|w| w.contains("not found")), "{w:#?}");
        let (m, w) = one_table(without_partial());
        assert_eq!(m.figures.len(), 168);
        assert!(!w.iter().any(|w| w.contains("not found")), "{w:#?}");
    }

    #[test]
    fn a_repeated_table_gives_one_warning_per_table_and_the_first_reading() {
        let first = t3_word();
        let mut second = t3_word();
        for c in second.cells.iter_mut().filter(|c| c.row >= 3 && c.col >= 3) {
            c.text = format!("{}9", c.text);
        }
        let same = t3_word();
        let d = doc(vec![
            para("表"),
            Block::Table(first),
            para("表"),
            Block::Table(second),
            para("表"),
            Block::Table(same),
        ]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        assert_eq!(get(&m, "t3.new.natural_person").raw, "0");
        let again: Vec<&String> = w.iter().filter(|w| w.contains("read again")).collect();
        assert_eq!(again.len(), 1, "{w:#?}");
        assert!(
            again[0].starts_with("T2: 175 figures read again with other values (t3.new.natural_person \"0\" at T1 r4c4, \"09\" at T2 r4c4"),
            "{}",
            again[0]
        );
        // the third table repeats the first exactly: nothing to say
        assert!(!w.iter().any(|w| w.starts_with("T3")), "{w:#?}");
    }

    pub(super) fn get<'a>(m: &'a MappedTables, id: &str) -> &'a Figure {
        m.figures
            .iter()
            .find(|f| f.metric.0 == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    }

    #[test]
    fn image_location_and_numbering_among_tables() {
        let mut g = t4_grid(["1"; 15]);
        g.origin = TableOrigin::Image { image: 2 };
        for c in g.cells.iter_mut() {
            if c.row == 3 && c.col == 0 {
                c.bbox = Some([10, 20, 30, 40]);
            }
        }
        let other = simple_grid(&[&["年份", "金额"], &["2023", "5"]]);
        let d = doc(vec![Block::Table(other), Block::Image(2), Block::Table(g)]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        assert_eq!(m.figures.len(), 15);
        let f = get(&m, "t4.review.upheld");
        assert_eq!(f.origin, "image");
        assert_eq!(f.location, "T2 r4c1 image I3 box 10,20,30,40");
        assert_eq!(get(&m, "t4.review.corrected").location, "T2 r4c2 image I3");
    }

    #[test]
    fn duplicate_ids_first_wins_with_warning() {
        let d = doc(vec![
            Block::Table(t4_grid(["1"; 15])),
            Block::Table(t4_grid(["2"; 15])),
        ]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        assert_eq!(m.figures.len(), 15);
        assert_eq!(get(&m, "t4.review.total").value, Some(1.0));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(
            w[0].starts_with("T2: 15 figures read again with other values"),
            "{}",
            w[0]
        );
    }

    #[test]
    fn sheet_table_far_down_its_sheet_maps_with_sheet_locations() {
        let mut g = t3_word();
        for c in g.cells.iter_mut() {
            c.row += 8000;
            c.col += 20;
        }
        let g = TableGrid::from_cells(
            g.cells,
            TableOrigin::Sheet {
                name: "s".into(),
                hidden: false,
            },
        );
        assert!(g.rows * g.cols > MAX_SLOTS);
        let (m, w) = one_table(g);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(m.figures.len(), 175);
        assert_eq!(get(&m, "t3.new.natural_person").location, "T1 r8004c24");
        assert_eq!(get(&m, "t3.new.natural_person").origin, "sheet");
    }
}
