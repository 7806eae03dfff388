//! 表二 (主动公开): `信息内容` header rows name the columns (2021: 制发/废止/现行有效/处理决定/
//! 收费金额; 2019: 新制作/新公开/公开总数/上一年项目数量/增减/采购), labelled rows give the values.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::LazyLock;

use regex::Regex;

use super::cells::{figure, metric_id, parse_value, Found, View};
use super::join::Unit;
use super::labels::{match_label, T2_ROWS};
use super::memo::LabelMemo;
use crate::recognise::metrics;
use crate::recognise::text::split_numbering;
use crate::recognise::{Semantic, TableFormat};

/// A year in a column header: `(2023)`, `2023年度`.
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(?\d{4}年?度?\)?").expect("valid regex"));
/// The article a block heading cites (`第二十条第(一)项`), dropped before the row label is matched.
static BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"第二十条(?:第)?\(?[一二三四五六七八九十0-9]+\)?项?").expect("valid regex")
});

/// Compiles the patterns now rather than at the first report (see
/// [`crate::recognise::compile_patterns`]).
pub(super) fn compile_patterns() {
    LazyLock::force(&YEAR);
    LazyLock::force(&BLOCK);
}

/// 表二 column key from a header cell (years such as `(2023)` removed).
pub(super) fn t2_col(h: &str) -> Option<&'static str> {
    thread_local! {
        static COLUMNS: RefCell<LabelMemo<Option<&'static str>>> = RefCell::default();
    }
    COLUMNS.with_borrow_mut(|memo| *memo.get_or_insert_with(None, h, || classify_col(h)))
}

/// [`t2_col`] itself.
fn classify_col(h: &str) -> Option<&'static str> {
    let s = YEAR.replace_all(h, "");
    let s = s.as_ref();
    Some(if s.contains("制发") {
        "issued"
    } else if s.contains("废止") {
        "repealed"
    } else if s.contains("现行有效") || s.contains("有效件数") {
        "in_force"
    } else if s.contains("处理决定") || s.contains("决定数量") {
        "decisions"
    } else if s.contains("新制作") {
        "made_new"
    } else if s.contains("新公开") {
        "published_new"
    } else if s.contains("公开总数") || s.contains("对外公开总") {
        "total_public"
    } else if s.contains("上一年") || s.contains("上年项目") {
        "prev_items"
    } else if s.contains("增/减") || s.contains("增减") || s.contains("增(减)") {
        "change"
    } else if s.contains("采购项目") {
        "items"
    } else if s.contains("金额") {
        "amount_wan"
    } else {
        return None;
    })
}

/// The 2021 header row `信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数` with one of its three
/// column headers misread (a blurred scan: `本年廉止件数`), the two others read: the missing one
/// is the one the layout puts there. `None` unless exactly one is missing.
fn header_by_position(keys: &[Option<&'static str>]) -> Option<[Option<&'static str>; 4]> {
    const LAYOUT: [Option<&str>; 4] = [None, Some("issued"), Some("repealed"), Some("in_force")];
    if keys.len() != LAYOUT.len() || keys[0].is_some() {
        return None;
    }
    let agree = (1..4).filter(|&c| keys[c] == LAYOUT[c]).count();
    let missing = (1..4).filter(|&c| keys[c].is_none()).count();
    (agree == 2 && missing == 1).then_some(LAYOUT)
}

/// Maps a 表二, row by row: `信息内容` header rows set the column keys, data rows use them.
pub(super) fn map_t2(
    u: &Unit,
    v: &View,
    header: &mut Option<Vec<Option<&'static str>>>,
    warnings: &mut Vec<String>,
) -> (Vec<Found>, TableFormat) {
    let g = u.grid.as_ref();
    let n = u.name();
    let mut cand: Vec<Found> = Vec::new();
    let mut f2019 = false;
    for r in 0..g.rows {
        // distinct cells starting in this row or covering it
        let mut cells: Vec<(usize, usize)> = Vec::new(); // (col, cell index)
        for c in 0..g.cols {
            if let Some(i) = v.idx(r, c) {
                if !cells.iter().any(|&(_, j)| j == i) {
                    cells.push((c, i));
                }
            }
        }
        let mut keys: Vec<Option<&'static str>> =
            cells.iter().map(|&(_, i)| t2_col(&v.norm[i])).collect();
        if let Some(read) = header_by_position(&keys) {
            for (k, (&(_, i), &key)) in keys.iter_mut().zip(cells.iter().zip(&read)) {
                if k.is_none() && key.is_some() {
                    warnings.push(format!(
                        "{n}: fuzzy column header {:?} read as {} by its position",
                        &v.norm[i],
                        key.unwrap_or_default()
                    ));
                    *k = key;
                }
            }
        }
        let numeric = cells.iter().any(|&(_, i)| {
            matches!(
                parse_value(&g.cells[i].text).1,
                Semantic::Number | Semantic::Zero
            )
        });
        if keys.iter().any(Option::is_some) && !numeric {
            let mut h = vec![None; g.cols];
            for (&(c, i), k) in cells.iter().zip(&keys) {
                let span = g.cells[i].colspan.max(1);
                for slot in h.iter_mut().skip(c).take(span) {
                    *slot = *k;
                }
                if matches!(
                    k,
                    Some(
                        "made_new"
                            | "published_new"
                            | "total_public"
                            | "prev_items"
                            | "change"
                            | "items"
                    )
                ) {
                    f2019 = true;
                }
            }
            *header = Some(h);
            continue;
        }
        // label: text cells that are not under a value column
        let mut label = String::new();
        let mut values: Vec<(usize, usize)> = Vec::new();
        for &(c, i) in &cells {
            let under_value = header
                .as_ref()
                .is_some_and(|h| h.get(c).copied().flatten().is_some());
            let sem = parse_value(&g.cells[i].text).1;
            if !under_value && (sem == Semantic::Text || c == 0) {
                label.push_str(&v.norm[i]);
            } else {
                values.push((c, i));
            }
        }
        // (the article's words tested first: most rows cite none, and the pattern needs them)
        let label = if label.contains("第二十条") {
            BLOCK.replace_all(&label, "")
        } else {
            Cow::Borrowed(label.as_str())
        };
        if label.is_empty() || label.contains("信息内容") {
            continue;
        }
        let (_, rest) = split_numbering(&label);
        let Some((row, fuzzy)) = match_label(rest, &T2_ROWS) else {
            continue;
        };
        if fuzzy {
            warnings.push(format!("{n}: fuzzy row label {label:?} read as {row}"));
        }
        let mut row_cand: Vec<Found> = Vec::new();
        for (pos, &(c, i)) in values.iter().enumerate() {
            let col = match header.as_ref() {
                Some(h) => h.get(c).copied().flatten(),
                // no header seen: the 2021 layout by position
                None => match (row, pos) {
                    ("regulations" | "normative_docs", 0) => Some("issued"),
                    ("regulations" | "normative_docs", 1) => Some("repealed"),
                    ("regulations" | "normative_docs", 2) => Some("in_force"),
                    ("licensing" | "penalty" | "coercion", 0) => Some("decisions"),
                    ("fees", 0) => Some("amount_wan"),
                    _ => None,
                },
            };
            if let Some(col) = col {
                let cell = &g.cells[i];
                if cell.row != r {
                    continue;
                }
                let f = figure(u, cell, metric_id("t2", row, col));
                // one value under a merged header split into cells: the first non-blank wins
                match row_cand.iter_mut().find(|x| x.metric() == f.metric()) {
                    Some(x) if x.figure.semantic == Semantic::Blank => *x = f,
                    Some(_) => {}
                    None => row_cand.push(f),
                }
            }
        }
        // a sheet does not store empty cells: a column of the header with no cell is blank
        if let Some(h) = header.as_ref() {
            for (c, key) in h.iter().enumerate() {
                let Some(col) = key else { continue };
                let metric = metric_id("t2", row, col);
                if row_cand.iter().any(|x| x.metric() == metric) || v.idx(r, c).is_some() {
                    continue;
                }
                if let Some(cell) = v.value_cell(r, c) {
                    row_cand.push(figure(u, &cell, metric));
                }
            }
        }
        cand.append(&mut row_cand);
    }
    let format = if f2019 {
        TableFormat::F2019
    } else {
        TableFormat::F2021
    };
    let f19 = format == TableFormat::F2019;
    let known: Vec<Found> = cand
        .into_iter()
        .filter(|f| metrics::is_known(f.metric(), f19))
        .collect();
    (known, format)
}

#[cfg(test)]
mod tests {
    use crate::recognise::metrics;
    use crate::recognise::tables::tests::{get, one_table};
    use crate::recognise::testutil::{cell, grid, simple_grid, t2_word};
    use crate::recognise::{Semantic, TableFormat};

    #[test]
    fn t2_value_under_split_header() {
        let g = simple_grid(&[
            &["第二十条第（五）项", "", "", ""],
            &[
                "信息内容",
                "本年处理决定数量",
                "本年处理决定数量",
                "本年处理决定数量",
            ],
            &["行政许可", "", "5", ""],
        ]);
        let (m, w) = one_table(g);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(m.figures.len(), 1);
        assert_eq!(get(&m, "t2.licensing.decisions").value, Some(5.0));
        assert_eq!(get(&m, "t2.licensing.decisions").location, "T1 r3c3");
    }

    /// A misread column header of the 2021 layout (`废` read as `廉` in a blurred scan) takes
    /// its column from its position between the two headers read, with a reading note.
    #[test]
    fn t2_misread_header_takes_its_position() {
        let g = simple_grid(&[
            &["第二十条第（一）项", "", "", ""],
            &["信息内容", "本年制发件数", "本年廉止件数", "现行有效件数"],
            &["规章", "1", "2", "3"],
        ]);
        let (m, w) = one_table(g);
        assert_eq!(get(&m, "t2.regulations.repealed").value, Some(2.0));
        assert_eq!(get(&m, "t2.regulations.in_force").value, Some(3.0));
        assert!(
            w.len() == 1 && w[0].contains("fuzzy column header \"本年廉止件数\" read as repealed"),
            "{w:?}"
        );
        // Two headers misread: no guess.
        let g = simple_grid(&[
            &["信息内容", "本年制发件数", "本年廉止件数", "现行有数"],
            &["规章", "1", "2", "3"],
        ]);
        let (m, _) = one_table(g);
        assert!(m
            .figures
            .iter()
            .all(|f| f.metric.0 != "t2.regulations.repealed"));
    }

    #[test]
    fn t2_ten_figures() {
        for year_header in [false, true] {
            let (m, w) = one_table(t2_word(year_header));
            assert!(w.is_empty(), "{w:?}");
            let ids: Vec<String> = m.figures.iter().map(|f| f.metric.0.clone()).collect();
            let want: Vec<String> = metrics::T2_2021.iter().map(|t| t.0.to_string()).collect();
            assert_eq!(ids, want);
            assert_eq!(get(&m, "t2.normative_docs.in_force").value, Some(12.0));
            assert_eq!(get(&m, "t2.licensing.decisions").value, Some(1024.0));
            assert_eq!(get(&m, "t2.licensing.decisions").location, "T1 r7c2");
            assert_eq!(get(&m, "t2.coercion.decisions").semantic, Semantic::Na);
            assert_eq!(get(&m, "t2.fees.amount_wan").value, Some(103.3879));
            assert_eq!(m.formats, vec![TableFormat::F2021]);
        }
    }

    #[test]
    fn t2_2019_trial_format() {
        let g = simple_grid(&[
            &["第二十条第（一）项", "", "", ""],
            &[
                "信息内容",
                "本年新制作数量",
                "本年新公开数量",
                "对外公开总数量",
            ],
            &["规章", "0", "0", "0"],
            &["规范性文件", "2", "2", "15"],
            &["第二十条第（五）项", "", "", ""],
            &["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
            &["行政许可", "120", "+3", "5000"],
            &["其他对外管理服务事项", "10", "0", "3"],
            &["第二十条第（六）项", "", "", ""],
            &["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
            &["行政处罚", "300", "-253", "40"],
            &["行政强制", "20", "0", "0"],
            &["第二十条第（八）项", "", "", ""],
            &["信息内容", "上一年项目数量", "本年增/减", ""],
            &["行政事业性收费", "5", "0", ""],
            &["第二十条第（九）项", "", "", ""],
            &["信息内容", "采购项目数量", "采购总金额", ""],
            &["政府集中采购", "12", "96171.6", ""],
        ]);
        let (m, w) = one_table(g);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(m.formats, vec![TableFormat::F2019]);
        let mut ids: Vec<String> = m.figures.iter().map(|f| f.metric.0.clone()).collect();
        ids.sort();
        let mut want: Vec<String> = metrics::T2_2019.iter().map(|t| t.0.to_string()).collect();
        want.sort();
        assert_eq!(ids, want);
        assert_eq!(get(&m, "t2.penalty.change").value, Some(-253.0));
        assert_eq!(get(&m, "t2.licensing.change").value, Some(3.0));
        assert_eq!(get(&m, "t2.procurement.amount_wan").value, Some(96171.6));
    }

    #[test]
    fn t2_block_label_in_its_own_column() {
        let g = grid(vec![
            cell(0, 0, 4, 1, "第二十条第（一）项"),
            cell(0, 1, 1, 1, "信息内容"),
            cell(0, 2, 1, 1, "本年制发件数"),
            cell(0, 3, 1, 1, "本年废止件数"),
            cell(0, 4, 1, 1, "现行有效件数"),
            cell(1, 1, 1, 1, "规章"),
            cell(1, 2, 1, 1, "1"),
            cell(1, 3, 1, 1, "2"),
            cell(1, 4, 1, 1, "3"),
            cell(2, 1, 1, 1, "行政规范性文件"),
            cell(2, 2, 1, 1, "4"),
            cell(2, 3, 1, 1, "5"),
            cell(2, 4, 1, 1, "6"),
        ]);
        let (m, w) = one_table(g);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(m.figures.len(), 6);
        assert_eq!(get(&m, "t2.normative_docs.in_force").value, Some(6.0));
    }
}
