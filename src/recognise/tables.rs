//! The template mapper: body tables → standard figures.
//!
//! Every body table is numbered `T1`, `T2`… in body order (the numbering of tables.csv). Each
//! table is recognised as 表二, 表三 or 表四 from its own labels (never from the year), its
//! column headers and row labels are matched to the catalogue by normalised labels (tolerating
//! spaces, bracket and digit widths, `1、`, years in headers, old names and small typos), and
//! each data cell becomes a [`Figure`]. A table cut at a page break into two body tables (or two
//! pictures) is joined first ([`join`]); a table without a header that continues an earlier table
//! of the same kind further away borrows that table's column layout.

mod join;

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::metrics::{self, MetricId};
use super::text::{edit_distance, normalise_label, split_numbering, Numbering};
use super::{CellRef, Figure, Semantic, TableFormat};
use crate::model::{Cell, Document, TableGrid, TableOrigin};
use join::Unit;

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

/// Parses a published cell: number, zero, blank (value 0), not applicable, or text.
pub fn parse_value(raw: &str) -> (Option<f64>, Semantic) {
    let s = super::text::compact(raw);
    if s.is_empty() {
        return (Some(0.0), Semantic::Blank);
    }
    if matches!(
        s.as_str(),
        "/" | "-" | "--" | "---" | "——" | "无" | "\\" | "—" | "／" | "、" | "-/-" | "×"
    ) || s.chars().all(|c| c == '-')
    {
        return (None, Semantic::Na);
    }
    let mut t: String = s.chars().filter(|c| !matches!(c, ',' | '，')).collect();
    for unit in ["(万元)", "万元", "元", "件", "个", "条", "项", "次"] {
        if let Some(x) = t.strip_suffix(unit) {
            t = x.to_string();
            break;
        }
    }
    let body = t.strip_prefix(['+', '-']).unwrap_or(&t);
    let numeric = !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.chars().filter(|&c| c == '.').count() <= 1
        && !body.starts_with('.')
        && !body.ends_with('.');
    if !numeric {
        return (None, Semantic::Text);
    }
    match t.parse::<f64>() {
        Ok(0.0) => (Some(0.0), Semantic::Zero),
        Ok(v) => (Some(v), Semantic::Number),
        Err(_) => (None, Semantic::Text),
    }
}

/// A grid with its normalised cell texts and slot map.
struct View<'a> {
    g: &'a TableGrid,
    slots: Vec<Vec<Option<usize>>>,
    norm: Vec<String>,
}

impl<'a> View<'a> {
    fn new(g: &'a TableGrid) -> Self {
        View {
            g,
            slots: g.slots(),
            norm: g.cells.iter().map(|c| normalise_label(&c.text)).collect(),
        }
    }
    fn idx(&self, r: usize, c: usize) -> Option<usize> {
        self.slots
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .flatten()
    }
    fn text(&self, r: usize, c: usize) -> &str {
        self.idx(r, c).map_or("", |i| self.norm[i].as_str())
    }
    /// The cell whose top-left slot is exactly (r, c).
    fn top_left(&self, r: usize, c: usize) -> Option<&'a Cell> {
        let i = self.idx(r, c)?;
        let cell = &self.g.cells[i];
        (cell.row == r && cell.col == c).then_some(cell)
    }
    /// The cell a figure at slot (r, c) is read from: the cell starting there or, in a sheet
    /// (where empty cells are not stored), a blank cell when no cell covers the slot.
    fn value_cell(&self, r: usize, c: usize) -> Option<Cell> {
        if let Some(cell) = self.top_left(r, c) {
            return Some(cell.clone());
        }
        (self.idx(r, c).is_none() && matches!(self.g.origin, TableOrigin::Sheet { .. })).then(
            || Cell {
                row: r,
                col: c,
                rowspan: 1,
                colspan: 1,
                ..Cell::default()
            },
        )
    }
    /// Distinct non-empty texts of the cells covering row r in columns `cols`, left to right.
    fn labels(&self, r: usize, cols: std::ops::Range<usize>) -> Vec<&str> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for c in cols {
            if let Some(i) = self.idx(r, c) {
                if !seen.contains(&i) {
                    seen.push(i);
                    if !self.norm[i].is_empty() {
                        out.push(self.norm[i].as_str());
                    }
                }
            }
        }
        out
    }
    /// Column header: distinct texts of the cells covering column c in `rows`, top to bottom.
    fn header(&self, c: usize, rows: std::ops::Range<usize>) -> String {
        let mut seen = Vec::new();
        let mut out = String::new();
        for r in rows {
            if let Some(i) = self.idx(r, c) {
                if !seen.contains(&i) {
                    seen.push(i);
                    out.push_str(&self.norm[i]);
                }
            }
        }
        out
    }
}

/// Labels only 表三 prints; three of them make a table 表三. The first eleven are the ones
/// `explain_unmatched` reports.
const T3_WORDS: [&str; 18] = [
    "本年新收",
    "上年结转",
    "予以公开",
    "部分公开",
    "不予公开",
    "无法提供",
    "不予处理",
    "其他处理",
    "结转下年",
    "自然人",
    "商业企业",
    "国家秘密",
    "第三方",
    "不掌握",
    "另行制作",
    "信访举报",
    "重复申请",
    "出版物",
];

/// Decides which standard table a grid is, from its own labels.
pub fn classify(g: &TableGrid) -> Option<Kind> {
    let all: String = g.cells.iter().map(|c| normalise_label(&c.text)).collect();
    let t3 = T3_WORDS.iter().filter(|w| all.contains(*w)).count();
    if t3 >= 3 {
        return Some(Kind::T3);
    }
    // 表四, whole or one of its three blocks printed as a table of its own
    if (all.contains("复议") || all.contains("诉讼") || all.contains("起诉")) && t4_results(&all)
    {
        return Some(Kind::T4);
    }
    const T2_WORDS: [&str; 12] = [
        "规章",
        "规范性文件",
        "行政许可",
        "行政处罚",
        "行政强制",
        "行政事业性收费",
        "制发",
        "废止",
        "现行有效",
        "处理决定",
        "集中采购",
        "对外管理服务",
    ];
    let t2 = T2_WORDS.iter().filter(|w| all.contains(*w)).count();
    if all.contains("第二十条") || t2 >= 2 {
        return Some(Kind::T2);
    }
    None
}

/// Whether a text holds 表四's result columns (结果维持, 结果纠正, 尚未审结).
fn t4_results(all: &str) -> bool {
    all.contains("维持") || all.contains("纠正") || all.contains("审结")
}

/// A candidate label: key, canonical text, distinctive keywords.
type Cand = (&'static str, &'static str, &'static [&'static str]);

/// `normalise_label` of a candidate's canonical text, computed once per thread: `match_label`
/// runs for every label cell against every candidate, and normalising the same constants again
/// each time was a tenth of the time spent mapping tables.
fn normalised_canon(canon: &'static str) -> &'static str {
    use std::cell::RefCell;
    // Keyed by the constant's address, hashed by one multiplication: SipHash of the whole
    // string cost more than the lookup saved.
    #[derive(Default)]
    struct AddressHasher(u64);
    impl std::hash::Hasher for AddressHasher {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            }
        }
        fn write_usize(&mut self, n: usize) {
            self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    type ByAddress = HashMap<usize, &'static str, std::hash::BuildHasherDefault<AddressHasher>>;
    thread_local! {
        static CACHE: RefCell<ByAddress> = RefCell::new(ByAddress::default());
    }
    CACHE.with(|cache| {
        *cache
            .borrow_mut()
            .entry(canon.as_ptr() as usize ^ (canon.len() << 48))
            // The candidates are a fixed set of constants, so what is leaked is bounded.
            .or_insert_with(|| Box::leak(normalise_label(canon).into_boxed_str()))
    })
}

/// Matches a label (numbering already stripped) against candidates: exact, then keyword, then
/// bounded edit distance. Returns the key and whether the match was fuzzy.
fn match_label(text: &str, cands: &[Cand]) -> Option<(&'static str, bool)> {
    if text.is_empty() {
        return None;
    }
    for (key, canon, _) in cands {
        if text == normalised_canon(canon) {
            return Some((key, false));
        }
    }
    for (key, _, kws) in cands {
        if kws.iter().any(|k| text.contains(k)) {
            return Some((key, false));
        }
    }
    let mut best: Option<(usize, &'static str)> = None;
    let mut tie = false;
    let m = text.chars().count();
    for (key, canon, _) in cands {
        let canon = normalised_canon(canon);
        let n = canon.chars().count();
        let bound = (n / 4).max(1);
        // The distance is at least the difference in length: most candidates stop here.
        if n.abs_diff(m) > bound {
            continue;
        }
        let d = edit_distance(text, canon);
        if d <= bound {
            match best {
                Some((bd, _)) if bd < d => {}
                Some((bd, _)) if bd == d => tie = true,
                _ => {
                    best = Some((d, key));
                    tie = false;
                }
            }
        }
    }
    match best {
        Some((_, key)) if !tie => Some((key, true)),
        _ => None,
    }
}

const T3_TOP: [Cand; 6] = [
    (
        "new",
        "本年新收政府信息公开申请数量",
        &["本年新收", "新收政府信息"],
    ),
    ("carried_in", "上年结转政府信息公开申请数量", &["上年结转"]),
    ("granted", "予以公开", &["予以公开"]),
    (
        "partial",
        "部分公开(区分处理的,只计这一情形,不计其他情形)",
        &["部分公开"],
    ),
    ("total", "总计", &[]),
    (
        "carried_out",
        "结转下年度继续办理",
        &["结转下年", "下年度继续"],
    ),
];

const T3_GROUPS: [(&str, &str); 4] = [
    ("denied", "不予公开"),
    ("unavailable", "无法提供"),
    ("unprocessed", "不予处理"),
    ("other", "其他处理"),
];

const T3_DENIED: [Cand; 8] = [
    ("state_secret", "属于国家秘密", &["国家秘密"]),
    ("law_prohibited", "其他法律行政法规禁止公开", &["禁止公开"]),
    ("three_safety", "危及三安全一稳定", &["三安全", "一稳定"]),
    ("third_party", "保护第三方合法权益", &["第三方"]),
    ("internal_affairs", "属于三类内部事务信息", &["内部事务"]),
    ("process_info", "属于四类过程性信息", &["过程性"]),
    ("enforcement_file", "属于行政执法案卷", &["执法案卷"]),
    ("query_matter", "属于行政查询事项", &["查询事项"]),
];
const T3_UNAVAILABLE: [Cand; 3] = [
    ("not_held", "本机关不掌握相关政府信息", &["不掌握"]),
    (
        "needs_creation",
        "没有现成信息需要另行制作",
        &["另行制作", "没有现成"],
    ),
    ("unclear", "补正后申请内容仍不明确", &["不明确"]),
];
const T3_UNPROCESSED: [Cand; 5] = [
    ("petition", "信访举报投诉类申请", &["信访", "举报投诉"]),
    ("repeat", "重复申请", &["重复申请"]),
    ("publication", "要求提供公开出版物", &["出版物"]),
    ("excessive", "无正当理由大量反复申请", &["大量反复"]),
    (
        "confirm_existing",
        "要求行政机关确认或重新出具已获取信息",
        &["重新出具", "确认或"],
    ),
];
const T3_OTHER: [Cand; 3] = [
    (
        "no_correction",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        &["不补正"],
    ),
    (
        "unpaid_fee",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        &["缴纳费用", "收费通知"],
    ),
    ("other", "其他", &[]),
];

fn group_subs(group: &str) -> &'static [Cand] {
    match group {
        "denied" => &T3_DENIED,
        "unavailable" => &T3_UNAVAILABLE,
        "unprocessed" => &T3_UNPROCESSED,
        _ => &T3_OTHER,
    }
}

fn t3_group(rest: &str) -> Option<&'static str> {
    T3_GROUPS.iter().find_map(|(key, name)| {
        let n = name.chars().count();
        let len = rest.chars().count();
        (rest == *name
            || (rest.starts_with(name) && len <= n + 2)
            || (len >= 3 && len <= n + 1 && edit_distance(rest, name) <= 1))
            .then_some(*key)
    })
}

/// What one row of a 表三 is.
#[derive(Debug, Clone, PartialEq)]
enum RowKind {
    /// A standard row: key (e.g. `denied.state_secret`), fuzzy flag, the label as read.
    Metric(String, bool, String),
    /// A group head or subtotal row (`（三）不予公开` alone).
    Group(&'static str),
    Skip,
}

/// Classifies a 表三 row from its label cells, carrying the current group across rows.
fn t3_row(labels: &[&str], group_ctx: &mut Option<&'static str>) -> RowKind {
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
fn t3_col(h: &str) -> Option<(&'static str, bool)> {
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

/// The column layout of a 表三, kept for a continuation table.
#[derive(Debug, Clone)]
struct T3Layout {
    cols: usize,
    first_data: usize,
    col_keys: Vec<Option<&'static str>>,
}

/// A figure candidate before de-duplication.
struct Found {
    metric: String,
    figure: Figure,
}

/// Where a cell of `u` was printed: its own table and row (a joined table's pieces keep theirs).
fn cell_ref(u: &Unit, cell: &Cell) -> (CellRef, &'static str, Option<usize>) {
    let (table, row, origin) = u.source(cell.row);
    let image = match origin {
        TableOrigin::Image { image } | TableOrigin::Vector { image } => Some(*image),
        _ => None,
    };
    (
        CellRef {
            table,
            row,
            col: cell.col,
        },
        origin.as_str(),
        image,
    )
}

fn location(at: CellRef, image: Option<usize>, cell: &Cell) -> String {
    let mut s = format!("T{} r{}c{}", at.table, at.row + 1, at.col + 1);
    if let Some(image) = image {
        // The same id as images.csv's `image` column.
        s.push_str(&format!(" image I{}", image + 1));
        if let Some([x, y, w, h]) = cell.bbox {
            s.push_str(&format!(" box {x},{y},{w},{h}"));
        }
    }
    s
}

fn figure(u: &Unit, cell: &Cell, metric: String) -> Found {
    let (value, semantic) = parse_value(&cell.text);
    let (at, origin, image) = cell_ref(u, cell);
    Found {
        figure: Figure {
            metric: MetricId(metric.clone()),
            value,
            raw: cell.text.clone(),
            semantic,
            origin: origin.to_string(),
            location: location(at, image, cell),
            cell: Some(at),
        },
        metric,
    }
}

/// Maps a 表三. Returns figures and the format, updating the layout for continuations.
/// A 表三's header: the row and column of 自然人, and the first data row below it (the first
/// row whose label is a 表三 row).
fn t3_header(v: &View) -> Option<(usize, usize, usize)> {
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

fn map_t3(
    u: &Unit,
    prev: &mut Option<T3Layout>,
    warnings: &mut Vec<String>,
) -> (Vec<Found>, TableFormat) {
    let g = u.grid.as_ref();
    let n = u.name();
    let v = View::new(g);
    let mut data_from = 0;
    let layout = if let Some((_, hc, start)) = t3_header(&v) {
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
    let mut out = Vec::new();
    for (r, kind) in &rows {
        let RowKind::Metric(key, _, _) = kind else {
            continue;
        };
        for (c, ck) in layout.col_keys.iter().enumerate() {
            let Some(ck) = ck else { continue };
            if let Some(cell) = v.value_cell(*r, c) {
                out.push(figure(u, &cell, format!("t3.{key}.{ck}")));
            }
        }
    }
    *prev = Some(layout);
    (out, format)
}

/// Maps a 表四: a header of up to three rows, then one data row of 15 figures.
/// The last header row of a 表四: the last row with one of its labels.
fn t4_header_end(v: &View) -> Option<usize> {
    let is_kw = |t: &str| {
        [
            "复议", "诉讼", "起诉", "维持", "纠正", "其他", "审结", "总计", "合计",
        ]
        .iter()
        .any(|k| t.contains(k))
    };
    (0..v.g.rows)
        .rev()
        .find(|&r| (0..v.g.cols).any(|c| is_kw(v.text(r, c))))
}

fn map_t4(u: &Unit, caption: Option<&str>) -> Vec<Found> {
    let g = u.grid.as_ref();
    let v = View::new(g);
    // a block printed as its own table under a caption (行政诉讼（复议后起诉）) names its block there
    let caption = caption.map(normalise_label).unwrap_or_default();
    let Some(header_end) = t4_header_end(&v) else {
        return Vec::new();
    };
    let data = header_end + 1;
    // a sheet does not store empty cells: a data row left empty is not there at all
    if data >= g.rows && !matches!(g.origin, TableOrigin::Sheet { .. }) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in 0..g.cols {
        let mut h = v.header(c, 0..data);
        if !(h.contains("复议") || h.contains("诉讼") || h.contains("起诉")) {
            h = format!("{caption}{h}");
        }
        let block = if h.contains("复议后起诉") || (h.contains("复议后") && h.contains("起诉"))
        {
            "suit_after_review"
        } else if h.contains("未经复议") || h.contains("直接起诉") {
            "suit_direct"
        } else if h.contains("复议") {
            "review"
        } else {
            continue;
        };
        let col = if h.contains("维持") {
            "upheld"
        } else if h.contains("纠正") {
            "corrected"
        } else if h.contains("审结") {
            "pending"
        } else if h.contains("其他") {
            "other"
        } else if h.contains("总计") || h.contains("合计") || h.contains("小计") {
            "total"
        } else {
            continue;
        };
        if let Some(cell) = v.value_cell(data, c) {
            out.push(figure(u, &cell, format!("t4.{block}.{col}")));
        }
    }
    out
}

const T2_ROWS: [Cand; 8] = [
    ("regulations", "规章", &[]),
    ("normative_docs", "行政规范性文件", &["规范性文件"]),
    ("licensing", "行政许可", &["行政许可"]),
    ("other_services", "其他对外管理服务事项", &["对外管理服务"]),
    ("penalty", "行政处罚", &["行政处罚"]),
    ("coercion", "行政强制", &["行政强制"]),
    ("fees", "行政事业性收费", &["行政事业性收费", "事业性收费"]),
    ("procurement", "政府集中采购", &["集中采购"]),
];

/// 表二 column key from a header cell (years such as `(2023)` removed).
fn t2_col(h: &str) -> Option<&'static str> {
    static YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\(?\d{4}年?度?\)?").expect("valid regex"));
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

/// Maps a 表二, row by row: `信息内容` header rows set the column keys, data rows use them.
fn map_t2(
    u: &Unit,
    header: &mut Option<Vec<Option<&'static str>>>,
    warnings: &mut Vec<String>,
) -> (Vec<Found>, TableFormat) {
    let g = u.grid.as_ref();
    let n = u.name();
    let v = View::new(g);
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
        let keys: Vec<Option<&'static str>> =
            cells.iter().map(|&(_, i)| t2_col(&v.norm[i])).collect();
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
        static BLOCK: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"第二十条(?:第)?\(?[一二三四五六七八九十0-9]+\)?项?").expect("valid regex")
        });
        let label = BLOCK.replace_all(&label, "");
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
                let f = figure(u, cell, format!("t2.{row}.{col}"));
                // one value under a merged header split into cells: the first non-blank wins
                match row_cand.iter_mut().find(|x| x.metric == f.metric) {
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
                let metric = format!("t2.{row}.{col}");
                if row_cand.iter().any(|x| x.metric == metric) || v.idx(r, c).is_some() {
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
        .filter(|f| metrics::is_known(&f.metric, f19))
        .collect();
    (known, format)
}

/// 表四 printed as a line of 15 numbers (no table): the last 15 tokens of a line in the
/// section on 行政复议/行政诉讼, all numbers or `/`. Origin `text`, location `text p{n}` (the
/// 1-based body paragraph).
pub fn t4_from_text(doc: &Document) -> Vec<Figure> {
    t4_unlabelled(doc).map_or_else(Vec::new, |(f, _)| f)
}

/// 表四 without its labels, in the section on 行政复议/行政诉讼: a line of text ending in 15
/// numbers, or a table whose one row of values holds exactly 15 cells and no label (the header
/// dropped, or printed as a picture). Returns the figures and what they were read from.
pub fn t4_unlabelled(doc: &Document) -> Option<(Vec<Figure>, &'static str)> {
    use crate::model::Block;
    let ids: Vec<MetricId> = metrics::catalogue_2021()
        .into_iter()
        .filter(|m| m.table == 4)
        .map(|m| m.id)
        .collect();
    let mut in_section = false;
    let mut n = 0;
    let mut tables = 0;
    for b in &doc.body {
        let p = match b {
            Block::Paragraph(p) => p,
            Block::Table(g) => {
                tables += 1;
                if !in_section {
                    continue;
                }
                let cells: Vec<&Cell> = g
                    .cells
                    .iter()
                    .filter(|c| {
                        !matches!(g.origin, TableOrigin::Sheet { .. }) || !c.text.is_empty()
                    })
                    .collect();
                let row_of_15 = cells.len() == 15
                    && cells.iter().all(|c| c.row == cells[0].row)
                    && cells
                        .iter()
                        .all(|c| parse_value(&c.text).1 != Semantic::Text);
                if row_of_15 {
                    let figs = cells
                        .iter()
                        .zip(ids)
                        .map(|(c, metric)| {
                            figure(&Unit::single(tables, g, None), c, metric.0).figure
                        })
                        .collect();
                    return Some((figs, "表四 read from a row of 15 numbers without labels"));
                }
                continue;
            }
            Block::Image(_) => continue,
        };
        n += 1;
        match super::sections::heading_of(p) {
            Some(id) => {
                in_section = id == super::SectionId::ReviewLitigation;
                continue;
            }
            None if !in_section => continue,
            None => {}
        }
        let text = super::text::fold(&p.printed());
        let tokens: Vec<&str> = text
            .split(|c: char| super::text::is_space(c) || c == '|')
            .filter(|t| !t.is_empty())
            .collect();
        let tail = tokens
            .iter()
            .rev()
            .take_while(|t| {
                matches!(
                    parse_value(t).1,
                    Semantic::Number | Semantic::Zero | Semantic::Na
                )
            })
            .count();
        if tail != 15 {
            continue;
        }
        let figs = tokens[tokens.len() - 15..]
            .iter()
            .zip(ids)
            .enumerate()
            .map(|(k, (t, metric))| {
                let (value, semantic) = parse_value(t);
                Figure {
                    metric,
                    value,
                    raw: t.to_string(),
                    semantic,
                    origin: "text".into(),
                    location: format!("text p{n} item {}", k + 1),
                    cell: None,
                }
            })
            .collect();
        return Some((figs, "表四 read from a line of text"));
    }
    None
}

/// 表四 only in prose (`行政复议28件、行政诉讼11件`) in the section on 行政复议/行政诉讼:
/// `t4.review.total` and, when the text splits the suits, `t4.suit_direct.total` and
/// `t4.suit_after_review.total`. A litigation total without the split has no metric of its own:
/// it is reported as a warning, never divided. Origin `text`, location `text p{n}`.
pub fn t4_from_prose(doc: &Document) -> (Vec<Figure>, Vec<String>) {
    use crate::model::Block;
    static COUNT: LazyLock<[Regex; 4]> = LazyLock::new(|| {
        let re = |head: &str| {
            Regex::new(&format!(
                r"{head}[^，。；,;、\d]{{0,8}}?(\d+)\s*(?:件|起|次|宗)"
            ))
            .expect("valid regex")
        };
        [
            re("行政复议"),
            re("行政诉讼"),
            re("(?:未经复议)?直接(?:提起行政诉讼|起诉)"),
            re("复议后(?:提起行政诉讼|起诉)"),
        ]
    });
    let mut in_section = false;
    let mut n = 0;
    let mut found: [Option<(f64, String, usize)>; 4] = Default::default();
    for b in &doc.body {
        let Block::Paragraph(p) = b else { continue };
        n += 1;
        match super::sections::heading_of(p) {
            Some(id) => {
                in_section = id == super::SectionId::ReviewLitigation;
                continue;
            }
            None if !in_section => continue,
            None => {}
        }
        let text = super::text::fold(&p.printed());
        for (slot, re) in found.iter_mut().zip(COUNT.iter()) {
            if slot.is_some() {
                continue;
            }
            if let Some(m) = re.captures(&text) {
                if let Ok(v) = m[1].parse::<f64>() {
                    *slot = Some((v, m[0].to_string(), n));
                }
            }
        }
    }
    let mut figs = Vec::new();
    let mut warnings = Vec::new();
    let mut push = |metric: &str, (v, raw, n): &(f64, String, usize)| {
        figs.push(Figure {
            metric: MetricId(metric.to_string()),
            value: Some(*v),
            raw: raw.clone(),
            semantic: if *v == 0.0 {
                Semantic::Zero
            } else {
                Semantic::Number
            },
            origin: "text".into(),
            location: format!("text p{n}"),
            cell: None,
        })
    };
    if let Some(r) = &found[0] {
        push("t4.review.total", r);
    }
    match (&found[1], &found[2], &found[3]) {
        (_, Some(d), Some(a)) => {
            push("t4.suit_direct.total", d);
            push("t4.suit_after_review.total", a);
        }
        (Some((_, raw, _)), _, _) => warnings.push(format!(
            "表四 only in the text: {raw:?} is not split into 未经复议直接起诉 and 复议后起诉, so no 行政诉讼 figure was read"
        )),
        _ => {}
    }
    if !figs.is_empty() {
        warnings.insert(0, "表四 read from the text (no table)".to_string());
    }
    (figs, warnings)
}

/// Why a table gave no standard figure: which template it came closest to and what it lacked.
/// For `nianbao inspect`; the mapper's own decisions are [`classify`] and [`map_tables`].
pub fn explain_unmatched(g: &TableGrid) -> String {
    if g.rows.saturating_mul(g.cols) > MAX_SLOTS {
        return format!(
            "{}×{} is too large to be a statistical table",
            g.rows, g.cols
        );
    }
    let all: String = g.cells.iter().map(|c| normalise_label(&c.text)).collect();
    let found = |words: &[&'static str]| -> Vec<&'static str> {
        words.iter().copied().filter(|w| all.contains(w)).collect()
    };
    let list = |v: &[&str]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join("/")
        }
    };
    match classify(g) {
        None => {
            let t3 = found(&T3_WORDS[..11]);
            let t4 = found(&["复议", "诉讼", "起诉", "维持", "纠正", "审结"]);
            let t2 = found(&[
                "第二十条",
                "规章",
                "规范性文件",
                "行政许可",
                "行政处罚",
                "行政强制",
                "制发",
                "废止",
                "现行有效",
                "处理决定",
            ]);
            if t3.is_empty() && t4.is_empty() && t2.is_empty() {
                return "no label of 表二, 表三 or 表四 in it".into();
            }
            format!(
                "no 表三 row labels (needs 3 of 本年新收/予以公开/不予公开/自然人…, found {}); \
                 no 表四 header (needs 复议 or 诉讼 with 维持/纠正/审结, found {}); \
                 no 表二 labels (needs 第二十条 or 2 of 规章/行政许可/制发/处理决定…, found {})",
                list(&t3),
                list(&t4),
                list(&t2)
            )
        }
        Some(Kind::T3) => {
            if !all.contains("自然人") {
                "表三 row labels, but a header without 自然人/法人或其他组织 (and no 表三 just \
                 before with the same columns to continue)"
                    .into()
            } else {
                "表三 header with 自然人, but no row below it is a 表三 row label \
                 (一、本年新收…, （一）予以公开, （七）总计…)"
                    .into()
            }
        }
        Some(Kind::T4) => {
            let v = View::new(g);
            let has_block = |c: usize| {
                let h = v.header(c, 0..g.rows);
                h.contains("复议") || h.contains("诉讼") || h.contains("起诉")
            };
            if !(0..g.cols).any(has_block) {
                "表四 result columns (维持/纠正/审结) without 行政复议/行政诉讼 in the header or \
                 a caption just above"
                    .into()
            } else {
                "表四 header, but no row of values below its last header row".into()
            }
        }
        Some(Kind::T2) => "表二 labels, but no 信息内容 header with 制发/废止/现行有效/处理决定/\
             收费金额 columns over a row labelled 规章/行政规范性文件/行政许可/行政处罚/行政强制/\
             行政事业性收费"
            .into(),
    }
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

/// A table of 表四's result columns whose block is named only by its caption.
fn t4_by_caption(g: &TableGrid, caption: Option<&str>) -> Option<Kind> {
    let caption = normalise_label(caption?);
    let named = caption.contains("复议") || caption.contains("诉讼") || caption.contains("起诉");
    let all: String = g.cells.iter().map(|c| normalise_label(&c.text)).collect();
    (named && t4_results(&all)).then_some(Kind::T4)
}

/// Tables larger than this (rows × columns) are never mapped: no standard table comes close.
const MAX_SLOTS: usize = 100_000;

/// Maps every body table to standard figures.
pub fn map_tables(doc: &Document, warnings: &mut Vec<String>) -> MappedTables {
    // Each table's figures are kept or set aside as it is mapped, so a report that repeats its
    // tables a thousand times never holds a thousand tables' worth of figures.
    let mut by_id: HashMap<String, Figure> = HashMap::new();
    // Figures read again with another value, grouped by the table they were read again in: a
    // report that repeats its tables (or a whole copy of itself) gets one warning per table.
    let mut again: Vec<(String, usize, String)> = Vec::new();
    let mut formats = Vec::new();
    let mut t3_layout: Option<T3Layout> = None;
    let mut t2_header: Option<Vec<Option<&'static str>>> = None;
    let mut last_format = None;
    // the kind of the table just before, for a continuation without recognisable labels
    let mut prev_kind: Option<Kind> = None;
    for unit in join::units(doc) {
        let n = unit.name();
        let g = unit.grid.as_ref();
        let caption = unit.caption;
        let classified = classify(g).or_else(|| t4_by_caption(g, caption));
        let continued = prev_kind.filter(|k| *k != Kind::T4);
        prev_kind = None;
        let Some(kind) = classified.or(continued) else {
            continue;
        };
        // a table cut from a sheet keeps the sheet's coordinates: map it from its first cell
        let (unit, offset) = match at_origin(g) {
            Some((grid, offset)) => (unit.with_grid(grid), offset),
            None => (unit, (0, 0)),
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
        let (figs, format) = match kind {
            Kind::T3 => map_t3(&unit, &mut layout, &mut w),
            Kind::T2 => map_t2(&unit, &mut header, &mut w),
            Kind::T4 => (
                map_t4(&unit, caption),
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
    let figures = metrics::ids_ordered()
        .iter()
        .filter_map(|id| by_id.remove(&id.0))
        .collect();
    MappedTables { figures, formats }
}

/// Keeps the first reading of a metric; a later one with another value is noted in `again`.
fn keep_first(
    f: Found,
    by_id: &mut HashMap<String, Figure>,
    again: &mut Vec<(String, usize, String)>,
) {
    match by_id.get(&f.metric) {
        Some(prev) => {
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
                            f.metric, prev.raw, prev.location, f.figure.raw, f.figure.location
                        ),
                    )),
                }
            }
        }
        None => {
            by_id.insert(f.metric, f.figure);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Block;
    use crate::recognise::testutil::{
        cell, doc, grid, para, simple_grid, t2_word, t3_groups, t3_word, t4_grid,
    };

    fn ids_2021_t3() -> Vec<String> {
        metrics::catalogue_2021()
            .into_iter()
            .filter(|m| m.table == 3)
            .map(|m| m.id.0)
            .collect()
    }

    fn one_table(g: TableGrid) -> (MappedTables, Vec<String>) {
        let d = doc(vec![para("表"), Block::Table(g)]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        (m, w)
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

    fn get<'a>(m: &'a MappedTables, id: &str) -> &'a Figure {
        m.figures
            .iter()
            .find(|f| f.metric.0 == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    }

    #[test]
    fn values() {
        assert_eq!(parse_value("12"), (Some(12.0), Semantic::Number));
        assert_eq!(parse_value("1,234"), (Some(1234.0), Semantic::Number));
        assert_eq!(parse_value("１２"), (Some(12.0), Semantic::Number));
        assert_eq!(
            parse_value("103.3879万元"),
            (Some(103.3879), Semantic::Number)
        );
        assert_eq!(parse_value("96171.6"), (Some(96171.6), Semantic::Number));
        assert_eq!(parse_value("+3"), (Some(3.0), Semantic::Number));
        assert_eq!(parse_value("-253"), (Some(-253.0), Semantic::Number));
        assert_eq!(parse_value("0"), (Some(0.0), Semantic::Zero));
        assert_eq!(parse_value(" 0 "), (Some(0.0), Semantic::Zero));
        assert_eq!(parse_value(""), (Some(0.0), Semantic::Blank));
        assert_eq!(parse_value(" \n"), (Some(0.0), Semantic::Blank));
        for na in ["/", "-", "—", "--", "无", "／", "——"] {
            assert_eq!(parse_value(na), (None, Semantic::Na), "{na}");
        }
        assert_eq!(parse_value("见附件"), (None, Semantic::Text));
        assert_eq!(parse_value("1.2.3"), (None, Semantic::Text));
    }

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

    #[test]
    fn t4_fifteen_figures() {
        let vals = [
            "1", "2", "3", "4", "10", "0", "0", "0", "1", "1", "", "/", "0", "0", "0",
        ];
        let (m, w) = one_table(t4_grid(vals));
        assert!(w.is_empty(), "{w:?}");
        let ids: Vec<String> = m.figures.iter().map(|f| f.metric.0.clone()).collect();
        let want: Vec<String> = metrics::catalogue_2021()
            .into_iter()
            .filter(|m| m.table == 4)
            .map(|m| m.id.0)
            .collect();
        assert_eq!(ids, want);
        assert_eq!(get(&m, "t4.review.total").value, Some(10.0));
        assert_eq!(get(&m, "t4.suit_direct.pending").value, Some(1.0));
        assert_eq!(
            get(&m, "t4.suit_after_review.upheld").semantic,
            Semantic::Blank
        );
        assert_eq!(
            get(&m, "t4.suit_after_review.corrected").semantic,
            Semantic::Na
        );
        assert_eq!(
            get(&m, "t4.suit_after_review.corrected").location,
            "T1 r4c12"
        );
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
    fn t4_as_a_line_of_numbers() {
        let d = crate::recognise::testutil::lines_doc(
            "四、政府信息公开行政复议、行政诉讼情况\n\
             行政复议 行政诉讼\n\
             1 0 0 0 1  0 0 0 0 0  0 0 0 0 /\n\
             五、存在的主要问题及改进情况\n\
             1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
        );
        let f = t4_from_text(&d);
        assert_eq!(f.len(), 15);
        assert_eq!(f[0].metric.0, "t4.review.upheld");
        assert_eq!(f[4].value, Some(1.0));
        assert_eq!(f[14].metric.0, "t4.suit_after_review.total");
        assert_eq!(f[14].semantic, Semantic::Na);
        assert_eq!(f[0].origin, "text");
        assert_eq!(f[0].location, "text p3 item 1");
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

    #[test]
    fn explain_says_what_is_missing() {
        let e = explain_unmatched(&simple_grid(&[&["项目", "金额"], &["收入", "5"]]));
        assert_eq!(e, "no label of 表二, 表三 or 表四 in it");
        let e = explain_unmatched(&simple_grid(&[&["自然人", "金额"], &["规章", "5"]]));
        assert!(e.starts_with("no 表三 row labels"), "{e}");
        assert!(e.contains("found 自然人"), "{e}");
        let mut g = t3_word();
        g.cells.retain(|c| !c.text.contains("自然人"));
        assert!(explain_unmatched(&g).contains("without 自然人"));
        let g = simple_grid(&[&["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]]);
        assert_eq!(classify(&g), None);
        let g = simple_grid(&[
            &["行政复议", "", "", "", ""],
            &["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
        ]);
        assert!(explain_unmatched(&g).contains("no row of values"));
    }

    #[test]
    fn sheet_t4_with_an_empty_data_row_is_blank() {
        let mut g = t4_grid(["1"; 15]);
        g.cells.retain(|c| c.row < 3);
        let g = TableGrid::from_cells(
            g.cells,
            TableOrigin::Sheet {
                name: "表四".into(),
                hidden: false,
            },
        );
        let (m, _) = one_table(g.clone());
        assert_eq!(m.figures.len(), 15);
        assert!(m.figures.iter().all(|f| f.semantic == Semantic::Blank));
        assert_eq!(get(&m, "t4.review.upheld").location, "T1 r4c1");
        // a Word table without its data row gives nothing
        let mut g = g;
        g.origin = TableOrigin::Word;
        assert!(one_table(g).0.figures.is_empty());
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

    #[test]
    fn classification() {
        assert_eq!(classify(&t3_word()), Some(Kind::T3));
        assert_eq!(classify(&t4_grid(["0"; 15])), Some(Kind::T4));
        assert_eq!(classify(&t2_word(false)), Some(Kind::T2));
        assert_eq!(
            classify(&simple_grid(&[&["项目", "金额"], &["收入", "5"]])),
            None
        );
    }

    #[test]
    fn t4_from_prose_total_and_split() {
        let d = crate::recognise::testutil::lines_doc(
            "四、政府信息公开行政复议、行政诉讼情况\n\
             本年度发生行政复议28件、行政诉讼11件。",
        );
        let (f, w) = t4_from_prose(&d);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].metric.0, "t4.review.total");
        assert_eq!((f[0].value, f[0].origin.as_str()), (Some(28.0), "text"));
        assert_eq!(f[0].location, "text p2");
        assert!(w.iter().any(|w| w.contains("not split")), "{w:?}");

        let d = crate::recognise::testutil::lines_doc(
            "四、政府信息公开行政复议、行政诉讼情况\n\
             本年度发生行政复议3件；行政诉讼11件，其中未经复议直接起诉8件、复议后起诉3件。",
        );
        let (f, w) = t4_from_prose(&d);
        let ids: Vec<(&str, Option<f64>)> =
            f.iter().map(|f| (f.metric.0.as_str(), f.value)).collect();
        assert_eq!(
            ids,
            [
                ("t4.review.total", Some(3.0)),
                ("t4.suit_direct.total", Some(8.0)),
                ("t4.suit_after_review.total", Some(3.0))
            ]
        );
        assert_eq!(w.len(), 1, "{w:?}");
        // outside section 四 nothing is read, and 行政复议、行政诉讼N件 is not a 复议 count
        let d = crate::recognise::testutil::lines_doc(
            "一、总体情况\n行政复议5件。\n四、政府信息公开行政复议、行政诉讼情况\n行政复议、行政诉讼共2件。",
        );
        assert!(t4_from_prose(&d).0.is_empty());
    }

    #[test]
    fn t4_blocks_as_three_tables() {
        let results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
        let block = |title: Option<&str>, vals: [&str; 5]| {
            let mut rows: Vec<Vec<&str>> = Vec::new();
            if let Some(t) = title {
                rows.push(vec![t; 5]);
            }
            rows.push(results.to_vec());
            rows.push(vals.to_vec());
            let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
            simple_grid(&rows)
        };
        let d = doc(vec![
            para("行政复议"),
            Block::Table(block(None, ["1", "0", "0", "0", "1"])),
            Block::Table(block(
                Some("行政诉讼（未经复议直接起诉）"),
                ["0", "1", "0", "0", "1"],
            )),
            Block::Table(block(
                Some("行政诉讼（复议后起诉）"),
                ["0", "0", "0", "2", "2"],
            )),
        ]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        assert_eq!(m.figures.len(), 15, "{w:?}");
        assert_eq!(get(&m, "t4.review.total").location, "T1 r2c5");
        assert_eq!(get(&m, "t4.suit_direct.corrected").value, Some(1.0));
        assert_eq!(get(&m, "t4.suit_after_review.pending").value, Some(2.0));
        // without the caption the first block is no 表四
        let d = doc(vec![Block::Table(block(None, ["1", "0", "0", "0", "1"]))]);
        assert!(map_tables(&d, &mut w).figures.is_empty());
    }
}
