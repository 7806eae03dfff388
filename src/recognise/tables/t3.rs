//! 表三 (依申请公开): where its row and column labels are matched. The header row holding 自然人
//! names the applicant columns; each row below is read from its label cells (groups such as
//! （三）不予公开 carried across rows, subtotals skipped); the 2019 trial format is told from its
//! single （六）其他处理 row.

use std::cell::RefCell;

use super::cells::{figure, metric_id, parse_value, Found, View};
use super::join::Unit;
use super::labels::{group_subs, match_label, t3_group, T3_GROUPS, T3_TOP};
use super::memo::{joined, LabelMemo};
use crate::recognise::metrics;
use crate::recognise::text::{edit_distance, split_numbering, Numbering};
use crate::recognise::{Semantic, TableFormat};

/// What one row of a 表三 is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum RowKind {
    /// A standard row: key (e.g. `denied.state_secret`), fuzzy flag, the label as read.
    Metric(String, bool, String),
    /// A group head or subtotal row (`（三）不予公开` alone).
    Group(&'static str),
    Skip,
}

/// Classifies a 表三 row from its label cells, carrying the current group across rows.
pub(super) fn t3_row(labels: &[&str], group_ctx: &mut Option<&'static str>) -> RowKind {
    thread_local! {
        static ROWS: RefCell<LabelMemo<(RowKind, Option<&'static str>)>> =
            RefCell::default();
    }
    ROWS.with_borrow_mut(|memo| {
        let (kind, group) = memo.get_or_insert_with(*group_ctx, &joined(labels), || {
            let mut group = *group_ctx;
            (classify_row(labels, &mut group), group)
        });
        *group_ctx = *group;
        kind.clone()
    })
}

/// [`t3_row`] itself.
fn classify_row(labels: &[&str], group_ctx: &mut Option<&'static str>) -> RowKind {
    let mut row_group = None;
    let mut leaf: Option<(Option<Numbering>, &str, &str)> = None;
    // A subtotal row (小计) is one edit away from 总计: it is never a standard row.
    if labels.iter().any(|l| split_numbering(l).1.contains("小计")) {
        return RowKind::Skip;
    }
    for l in labels {
        let (num, rest) = split_numbering(l);
        if rest.contains("办理结果") && rest.chars().count() <= 10 {
            continue;
        }
        if let Some(g) = t3_group(rest) {
            row_group = Some(g);
            continue;
        }
        // group and item in one cell: `（三）不予公开1.属于国家秘密`
        if let Some((g, name)) = T3_GROUPS
            .iter()
            .find(|(_, name)| rest.starts_with(name) && rest.len() > name.len() + 6)
        {
            row_group = Some(g);
            let (num, item) = split_numbering(&rest[name.len()..]);
            leaf = Some((num, item, l));
            continue;
        }
        leaf = Some((num, rest, l));
    }
    let Some((num, rest, raw)) = leaf else {
        if let Some(g) = row_group {
            *group_ctx = Some(g);
            return RowKind::Group(g);
        }
        return RowKind::Skip;
    };
    let group = row_group.or(*group_ctx);
    if let Some(g) = group {
        let subs = group_subs(g);
        if let Some((key, fuzzy)) = match_label(rest, subs) {
            *group_ctx = Some(g);
            return RowKind::Metric(format!("{g}.{key}"), fuzzy, raw.to_string());
        }
    }
    if let Some((key, fuzzy)) = match_label(rest, &T3_TOP) {
        *group_ctx = None;
        return RowKind::Metric(key.to_string(), fuzzy, raw.to_string());
    }
    // an item whose group label is missing (or was left on the previous page)
    for (g, _) in T3_GROUPS {
        if Some(g) == group {
            continue;
        }
        if let Some((key, false)) = match_label(rest, group_subs(g)) {
            if key != "other" {
                *group_ctx = Some(g);
                return RowKind::Metric(format!("{g}.{key}"), false, raw.to_string());
            }
        }
    }
    if let (Some(g), Some(Numbering::Arabic(n))) = (group, num) {
        let subs = group_subs(g);
        if n >= 1 && (n as usize) <= subs.len() {
            *group_ctx = Some(g);
            return RowKind::Metric(
                format!("{g}.{}", subs[n as usize - 1].0),
                true,
                raw.to_string(),
            );
        }
    }
    RowKind::Skip
}

/// 表三 column key from a combined header text.
pub(super) fn t3_col(h: &str) -> Option<(&'static str, bool)> {
    thread_local! {
        static COLUMNS: RefCell<LabelMemo<Option<(&'static str, bool)>>> = RefCell::default();
    }
    COLUMNS.with_borrow_mut(|memo| *memo.get_or_insert_with(None, h, || classify_col(h)))
}

/// [`t3_col`] itself.
fn classify_col(h: &str) -> Option<(&'static str, bool)> {
    let mut s = h.to_string();
    for p in [
        "申请人情况",
        "法人或其他组织",
        "法人和其他组织",
        "法人或者其他组织",
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
    ] {
        s = s.replace(p, "");
    }
    if s.is_empty() || s.contains("小计") || s.contains("合计") {
        return None;
    }
    const COLS: [(&str, &str); 6] = [
        ("natural_person", "自然人"),
        ("business", "商业企业"),
        ("research", "科研机构"),
        ("nonprofit", "社会公益组织"),
        ("legal_service", "法律服务机构"),
        ("total", "总计"),
    ];
    for (key, label) in COLS {
        if s.contains(label) {
            return Some((key, false));
        }
    }
    if s.ends_with("其他") || s == "其他组织" {
        return Some(("other_org", false));
    }
    for (key, label) in COLS {
        if s.chars().count() >= 2 && edit_distance(&s, label) <= 1 {
            return Some((key, true));
        }
    }
    None
}

/// A header cell misread beyond a fuzzy match (`具他` for 其他 in a small picture) leaves its
/// column without a key. When the table has exactly the seven data columns of the format and
/// every column that was read sits where the format puts it, the unread ones are what their
/// position says.
fn fill_by_position(
    col_keys: &mut [Option<&'static str>],
    first: usize,
    table: &str,
    warnings: &mut Vec<String>,
) {
    let first = first.min(col_keys.len());
    let data = &mut col_keys[first..];
    if data.len() != metrics::T3_COLS.len() || data.iter().all(Option::is_some) {
        return;
    }
    let in_place = data
        .iter()
        .zip(metrics::T3_COLS)
        .all(|(k, (key, _))| k.is_none_or(|k| k == key));
    let read = data.iter().filter(|k| k.is_some()).count();
    if !in_place || read * 2 < data.len() {
        return;
    }
    for (k, (key, _)) in data.iter_mut().zip(metrics::T3_COLS) {
        if k.is_none() {
            *k = Some(key);
            warnings.push(format!(
                "{table}: fuzzy column header, {key} read by its position"
            ));
        }
    }
}

/// The column layout of a 表三, kept for a continuation table.
#[derive(Debug, Clone)]
pub(super) struct T3Layout {
    cols: usize,
    first_data: usize,
    col_keys: Vec<Option<&'static str>>,
}

/// A 表三's header: the row and column of 自然人, and the first data row below it (the first
/// row whose label is a 表三 row).
pub(super) fn t3_header(v: &View) -> Option<(usize, usize, usize)> {
    let g = v.g;
    let (hr, hc) = (0..g.rows).find_map(|r| {
        (0..g.cols).find_map(|c| v.text(r, c).contains("自然人").then_some((r, c)))
    })?;
    let mut ctx = None;
    let start = (hr + 1..g.rows)
        .find(|&r| !matches!(t3_row(&v.labels(r, 0..hc), &mut ctx), RowKind::Skip))
        .unwrap_or(g.rows);
    Some((hr, hc, start))
}

/// Maps a 表三. Returns figures and the format, updating the layout for continuations.
pub(super) fn map_t3(
    u: &Unit,
    v: &View,
    prev: &mut Option<T3Layout>,
    warnings: &mut Vec<String>,
) -> (Vec<Found>, TableFormat) {
    let g = u.grid.as_ref();
    let n = u.name();
    let mut data_from = 0;
    let layout = if let Some((_, hc, start)) = t3_header(v) {
        let col_keys: Vec<Option<&'static str>> = (0..g.cols)
            .map(|c| {
                if c < hc {
                    return None;
                }
                let h = v.header(c, 0..start);
                match t3_col(&h) {
                    Some((key, fuzzy)) => {
                        if fuzzy {
                            warnings.push(format!("{n}: fuzzy column label {h:?} read as {key}"));
                        }
                        Some(key)
                    }
                    None => None,
                }
            })
            .collect();
        data_from = start;
        let mut col_keys = col_keys;
        // a 合计 column closing the table stands for 总计 when there is none
        if !col_keys.contains(&Some("total")) && g.cols > hc {
            let last = g.cols - 1;
            if col_keys[last].is_none() && v.header(last, 0..start).ends_with("合计") {
                col_keys[last] = Some("total");
            }
        }
        fill_by_position(&mut col_keys, hc, &n, warnings);
        T3Layout {
            cols: g.cols,
            first_data: hc,
            col_keys,
        }
    } else if let Some(p) = prev.as_ref().filter(|p| p.cols == g.cols) {
        warnings.push(format!(
            "{n}: 表三 without header, read with the columns of the previous 表三"
        ));
        p.clone()
    } else {
        // positional fallback: the first column holding no text in any row starts 7 data columns
        let first = (0..g.cols).find(|&c| {
            (0..g.rows).all(|r| {
                v.top_left(r, c)
                    .is_none_or(|cell| parse_value(&cell.text).1 != Semantic::Text)
            })
        });
        match first {
            Some(f) if g.cols - f == 7 => {
                warnings.push(format!(
                    "{n}: 表三 without header, columns read by position"
                ));
                T3Layout {
                    cols: g.cols,
                    first_data: f,
                    col_keys: (0..g.cols)
                        .map(|c| (c >= f).then(|| metrics::T3_COLS[c - f].0))
                        .collect(),
                }
            }
            _ => {
                warnings.push(format!("{n}: 表三 without a recognisable column header"));
                return (Vec::new(), TableFormat::F2021);
            }
        }
    };
    let mut rows: Vec<(usize, RowKind)> = Vec::new();
    let mut ctx = None;
    for r in data_from..g.rows {
        let kind = t3_row(&v.labels(r, 0..layout.first_data), &mut ctx);
        if let RowKind::Metric(key, true, raw) = &kind {
            warnings.push(format!("{n}: fuzzy row label {raw:?} read as {key}"));
        }
        rows.push((r, kind));
    }
    let has_other_sub = rows
        .iter()
        .any(|(_, k)| matches!(k, RowKind::Metric(key, _, _) if key.starts_with("other.")));
    let has_other_group = rows
        .iter()
        .any(|(_, k)| matches!(k, RowKind::Group("other")));
    let format = if !has_other_sub && has_other_group {
        // the trial format: （六）其他处理 is one row
        for (_, k) in rows.iter_mut() {
            if matches!(k, RowKind::Group("other")) {
                *k = RowKind::Metric("other".into(), false, String::new());
            }
        }
        TableFormat::F2019
    } else {
        TableFormat::F2021
    };
    // A figure is large: growing the list by doubling copied it about twice over.
    let mut out = Vec::with_capacity(rows.len() * layout.col_keys.iter().flatten().count());
    for (r, kind) in &rows {
        let RowKind::Metric(key, _, _) = kind else {
            continue;
        };
        for (c, ck) in layout.col_keys.iter().enumerate() {
            let Some(ck) = ck else { continue };
            if let Some(cell) = v.value_cell(*r, c) {
                out.push(figure(u, &cell, metric_id("t3", key, ck)));
            }
        }
    }
    *prev = Some(layout);
    (out, format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, TableGrid, TableOrigin};
    use crate::recognise::tables::tests::{get, ids_2021_t3, one_table};
    use crate::recognise::testutil::{cell, grid, t3_groups, t3_word};

    #[test]
    fn t3_word_2021_gives_175_figures() {
        let (m, w) = one_table(t3_word());
        let ids: Vec<String> = m.figures.iter().map(|f| f.metric.0.clone()).collect();
        assert_eq!(ids, ids_2021_t3());
        assert_eq!(m.formats, vec![TableFormat::F2021]);
        assert!(w.is_empty(), "{w:?}");
        let f = get(&m, "t3.new.natural_person");
        assert_eq!((f.value, f.semantic), (Some(0.0), Semantic::Zero));
        assert_eq!(f.location, "T1 r4c4");
        assert_eq!(f.origin, "word");
        let f = get(&m, "t3.denied.three_safety.research");
        assert_eq!(f.value, Some(62.0));
        assert_eq!(f.location, "T1 r10c6");
        let f = get(&m, "t3.carried_out.total");
        assert_eq!(f.value, Some(246.0));
        assert_eq!(f.raw, "246");
        assert_eq!(get(&m, "t3.other.other.other_org").value, Some(225.0));
        assert_eq!(get(&m, "t3.total.business").value, Some(231.0));
    }

    /// 28 × 8: a 小计 column under 法人或其他组织, subtotal rows for three groups, one label
    /// column for the items, ASCII brackets, `1、`, a typo and the old name variants.
    fn t3_28x8() -> TableGrid {
        let mut cells = vec![
            cell(0, 0, 2, 2, "项目"),
            cell(0, 2, 2, 1, "自然人"),
            cell(0, 3, 1, 6, "法人或其他组织"),
            cell(0, 9, 2, 1, "总 计"),
            cell(1, 3, 1, 1, "小计"),
            cell(1, 4, 1, 1, "商业企业"),
            cell(1, 5, 1, 1, "科研机构"),
            cell(1, 6, 1, 1, "社会公益组织"),
            cell(1, 7, 1, 1, "法律服务机构"),
            cell(1, 8, 1, 1, "其他"),
        ];
        let mut r = 2;
        let data = |cells: &mut Vec<Cell>, r: usize| {
            for c in 0..8 {
                cells.push(cell(r, 2 + c, 1, 1, if c == 1 { "99" } else { "1" }));
            }
        };
        let top = |cells: &mut Vec<Cell>, r: usize, t: &str| cells.push(cell(r, 0, 1, 2, t));
        top(&mut cells, r, "一、本年新收政府信息公开申请数量");
        data(&mut cells, r);
        r += 1;
        top(&mut cells, r, "二、上年结转政府信息公开申请数量");
        data(&mut cells, r);
        r += 1;
        cells.push(cell(r, 0, 25, 1, "三、本年度办理结果"));
        cells.push(cell(r, 1, 1, 1, "(一)予以公开"));
        data(&mut cells, r);
        r += 1;
        cells.push(cell(
            r,
            1,
            1,
            1,
            "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
        ));
        data(&mut cells, r);
        r += 1;
        for (i, (group, items)) in t3_groups().into_iter().enumerate() {
            if i < 3 {
                // subtotal row
                cells.push(cell(
                    r,
                    1,
                    1,
                    1,
                    &group.replace('（', "(").replace('）', ")"),
                ));
                data(&mut cells, r);
                r += 1;
                for item in items {
                    let item = item
                        .replace('．', "、")
                        .replace("其他法律行政法规禁止公开", "其他法律行政止公开");
                    cells.push(cell(r, 1, 1, 1, &item));
                    data(&mut cells, r);
                    r += 1;
                }
            } else {
                // no group label at all: the items alone
                for item in items {
                    cells.push(cell(r, 1, 1, 1, item));
                    data(&mut cells, r);
                    r += 1;
                }
            }
        }
        cells.push(cell(r, 1, 1, 1, "(七)总计"));
        data(&mut cells, r);
        r += 1;
        top(&mut cells, r, "四、结转下年度继续办理");
        data(&mut cells, r);
        grid(cells)
    }

    #[test]
    fn t3_28x8_gives_the_same_175_ids() {
        let g = t3_28x8();
        assert_eq!((g.rows - 2, g.cols - 2), (28, 8));
        let (m, w) = one_table(g);
        let ids: Vec<String> = m.figures.iter().map(|f| f.metric.0.clone()).collect();
        assert_eq!(ids, ids_2021_t3());
        assert!(
            m.figures.iter().all(|f| f.value == Some(1.0)),
            "小计 column leaked"
        );
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("denied.law_prohibited"), "{w:?}");
        assert_eq!(m.formats, vec![TableFormat::F2021]);
    }

    #[test]
    fn t3_header_variants() {
        let mut g = t3_word();
        for c in g.cells.iter_mut() {
            if c.text == "总计" {
                c.text = "合计".into();
            }
            if c.text == "其他" {
                c.text = "其他组织".into();
            }
        }
        let (m, _) = one_table(g);
        let ids: Vec<String> = m.figures.iter().map(|f| f.metric.0.clone()).collect();
        assert_eq!(ids, ids_2021_t3());
    }

    #[test]
    fn t3_2019_single_other_row() {
        let mut g = t3_word();
        // collapse （六）其他处理 into one row: drop the three item rows' labels and merge
        let other_rows: Vec<usize> = g
            .cells
            .iter()
            .filter(|c| c.text.contains("逾期") || c.text == "3．其他")
            .map(|c| c.row)
            .collect();
        let first = other_rows[0];
        g.cells
            .retain(|c| c.row <= first || !other_rows.contains(&c.row));
        g.cells.retain(|c| !(c.row == first && c.col == 2));
        for c in g.cells.iter_mut() {
            if c.text == "（六）其他处理" {
                c.rowspan = 1;
                c.colspan = 2;
            }
            if c.row > first {
                c.row -= 2;
            }
            if c.text == "三、本年度办理结果" {
                c.rowspan = 20;
            }
        }
        let g = TableGrid::from_cells(g.cells, TableOrigin::Word);
        assert_eq!(g.rows, 26);
        let (m, _) = one_table(g);
        assert_eq!(m.figures.len(), 161);
        assert_eq!(m.formats, vec![TableFormat::F2019]);
        assert_eq!(get(&m, "t3.other.total").value, Some(206.0));
        assert_eq!(get(&m, "t3.total.natural_person").value, Some(230.0));
    }

    #[test]
    fn t3_group_and_item_in_one_cell() {
        let mut ctx = None;
        assert_eq!(
            t3_row(&["(三)不予公开1.属于国家秘密"], &mut ctx),
            RowKind::Metric(
                "denied.state_secret".into(),
                false,
                "(三)不予公开1.属于国家秘密".into()
            )
        );
        assert_eq!(
            t3_row(&["(六)其他处理3.其他"], &mut ctx),
            RowKind::Metric("other.other".into(), false, "(六)其他处理3.其他".into())
        );
        assert_eq!(
            t3_row(&["(七)总计"], &mut ctx),
            RowKind::Metric("total".into(), false, "(七)总计".into())
        );
    }
}
