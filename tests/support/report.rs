//! One annual report as data ([`ReportSpec`]) and the builders that render it into .docx files of
//! different shapes. The expectations the e2e tests check come from the spec, never from the
//! code under test.

use super::docx::{self, esc, p, p_bold, p_center, p_right, p_style, p_xml, run, Docx, Tc, Tr};

/// A published cell: a number as printed, a blank cell, or `/` (not applicable).
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    N(String),
    Blank,
    Na,
}

impl V {
    pub fn n(v: impl ToString) -> V {
        V::N(v.to_string())
    }
    /// The numeric value a blank or number stands for (`/` counts as 0 in sums).
    pub fn num(&self) -> f64 {
        match self {
            V::N(s) => s.parse().expect("numeric fixture value"),
            V::Blank | V::Na => 0.0,
        }
    }
}

/// What one figure must come out as: metric id, value (as text; empty for `na`), semantic.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpFigure {
    pub metric: String,
    pub value: Option<String>,
    pub semantic: &'static str,
    /// The figure's own origin when it differs from the fixture's (`text` for 表四 from prose).
    pub origin: Option<&'static str>,
}

/// Which national format a spec's 表二 / 表三 follow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fmt {
    /// 国办公开办函〔2021〕30号
    F2021,
    /// The trial format 国办公开办函〔2019〕60号
    F2019,
}

/// 表二 of the 2019 trial format: 22 figures in printed order.
pub const T2_IDS_2019: [&str; 22] = [
    "t2.regulations.made_new",
    "t2.regulations.published_new",
    "t2.regulations.total_public",
    "t2.normative_docs.made_new",
    "t2.normative_docs.published_new",
    "t2.normative_docs.total_public",
    "t2.licensing.prev_items",
    "t2.licensing.change",
    "t2.licensing.decisions",
    "t2.other_services.prev_items",
    "t2.other_services.change",
    "t2.other_services.decisions",
    "t2.penalty.prev_items",
    "t2.penalty.change",
    "t2.penalty.decisions",
    "t2.coercion.prev_items",
    "t2.coercion.change",
    "t2.coercion.decisions",
    "t2.fees.prev_items",
    "t2.fees.change",
    "t2.procurement.items",
    "t2.procurement.amount_wan",
];

/// 表三 rows of the 2019 trial format: （六）其他处理 is one row.
pub const T3_ROWS_2019: [&str; 23] = [
    "new",
    "carried_in",
    "granted",
    "partial",
    "denied.state_secret",
    "denied.law_prohibited",
    "denied.three_safety",
    "denied.third_party",
    "denied.internal_affairs",
    "denied.process_info",
    "denied.enforcement_file",
    "denied.query_matter",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.unclear",
    "unprocessed.petition",
    "unprocessed.repeat",
    "unprocessed.publication",
    "unprocessed.excessive",
    "unprocessed.confirm_existing",
    "other",
    "total",
    "carried_out",
];

pub const T2_IDS: [&str; 10] = [
    "t2.regulations.issued",
    "t2.regulations.repealed",
    "t2.regulations.in_force",
    "t2.normative_docs.issued",
    "t2.normative_docs.repealed",
    "t2.normative_docs.in_force",
    "t2.licensing.decisions",
    "t2.penalty.decisions",
    "t2.coercion.decisions",
    "t2.fees.amount_wan",
];

/// Row ids of 表三 in printed order.
pub const T3_ROWS: [&str; 25] = [
    "new",
    "carried_in",
    "granted",
    "partial",
    "denied.state_secret",
    "denied.law_prohibited",
    "denied.three_safety",
    "denied.third_party",
    "denied.internal_affairs",
    "denied.process_info",
    "denied.enforcement_file",
    "denied.query_matter",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.unclear",
    "unprocessed.petition",
    "unprocessed.repeat",
    "unprocessed.publication",
    "unprocessed.excessive",
    "unprocessed.confirm_existing",
    "other.no_correction",
    "other.unpaid_fee",
    "other.other",
    "total",
    "carried_out",
];

pub const T3_COLS: [&str; 7] = [
    "natural_person",
    "business",
    "research",
    "nonprofit",
    "legal_service",
    "other_org",
    "total",
];

pub const T4_BLOCKS: [&str; 3] = ["review", "suit_direct", "suit_after_review"];
pub const T4_COLS: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

pub fn t3_id(row: usize, col: usize) -> String {
    format!("t3.{}.{}", T3_ROWS[row], T3_COLS[col])
}

pub fn t4_id(i: usize) -> String {
    format!("t4.{}.{}", T4_BLOCKS[i / 5], T4_COLS[i % 5])
}

/// Expected figures in a fixed order (t2, t3 row-major, t4) from the three value tables.
pub fn expected_from(t2: &[V], t3: &[[V; 7]], t4: &[V]) -> Vec<ExpFigure> {
    expected_with(&T2_IDS, t2, &T3_ROWS, t3, t4)
}

/// [`expected_from`] with the ids of 表二 and the rows of 表三 given (for the 2019 format).
pub fn expected_with(
    t2_ids: &[&str],
    t2: &[V],
    t3_rows: &[&str],
    t3: &[[V; 7]],
    t4: &[V],
) -> Vec<ExpFigure> {
    assert_eq!(t2_ids.len(), t2.len(), "表二 values");
    assert_eq!(t3_rows.len(), t3.len(), "表三 rows");
    let mut out = Vec::with_capacity(200);
    let mut push = |metric: String, v: &V| {
        let (value, semantic) = match v {
            V::N(s) if s.parse::<f64>().expect("number") == 0.0 => (Some(s.clone()), "zero"),
            // a signed change (`+3`) is the number 3 in figures.csv
            V::N(s) => (Some(s.trim_start_matches('+').to_string()), "number"),
            V::Blank => (Some("0".to_string()), "blank"),
            V::Na => (None, "na"),
        };
        out.push(ExpFigure {
            metric,
            value,
            semantic,
            origin: None,
        });
    };
    for (id, v) in t2_ids.iter().zip(t2) {
        push(id.to_string(), v);
    }
    for (r, row) in t3.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            push(format!("t3.{}.{}", t3_rows[r], T3_COLS[c]), v);
        }
    }
    for (i, v) in t4.iter().enumerate() {
        push(t4_id(i), v);
    }
    out
}

/// One section of the outline.
#[derive(Clone, Debug)]
pub struct SectionSpec {
    pub id: &'static str,
    /// 一 … 六
    pub cn: &'static str,
    pub title: &'static str,
    /// Paragraphs before the sub-items.
    pub intro: Vec<String>,
    /// Sub-items printed as （一）…, stored without their label.
    pub subs: Vec<String>,
    /// Paragraphs after the sub-items (typed as they are).
    pub outro: Vec<String>,
    /// A sentence that must be found (once) in the section's text.
    pub known: String,
}

impl SectionSpec {
    pub fn heading(&self) -> String {
        format!("{}、{}", self.cn, self.title)
    }
}

pub const CN: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// An expected section: id, exact heading, sentences that must occur exactly once in its text,
/// and text that must not appear anywhere (deleted revisions, field instructions…).
#[derive(Clone, Debug)]
pub struct ExpSection {
    pub id: &'static str,
    pub heading: String,
    pub known: Vec<String>,
}

/// Everything an e2e test checks for one fixture.
#[derive(Clone, Debug)]
pub struct Expected {
    pub office: Option<String>,
    pub year: Option<i32>,
    pub published: Option<String>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub sections: Vec<ExpSection>,
    /// Text that must not appear in any section (deleted text, field instructions, bookmarks).
    pub absent: Vec<String>,
    /// Text that must appear exactly once over all sections together (text boxes).
    pub once: Vec<String>,
    pub figures: Vec<ExpFigure>,
    /// The origin every figure must have (`word`, `image`).
    pub origin: &'static str,
    /// Table numbers (1-based, body order) holding 表二, 表三, 表四 — checked against `location`.
    pub table_numbers: Option<[usize; 3]>,
    /// Whether office, year, dates and contacts are checked (not for the bare template).
    pub check_meta: bool,
    /// The exact `location` of every figure (same order as `figures`), when the layout is known.
    pub locations: Option<Vec<String>>,
}

/// `T{n} r{row}c{col}` of every figure for the template layout of the three tables (tables 1–3),
/// with the 28 × 8 variant of 表三 and a `gridBefore` shift of 表四 as options.
pub fn template_locations(subtotals: bool, t4_shift: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (r, c) in [
        (3, 2),
        (3, 3),
        (3, 4),
        (4, 2),
        (4, 3),
        (4, 4),
        (7, 2),
        (10, 2),
        (11, 2),
        (14, 2),
    ] {
        out.push(format!("T1 r{r}c{c}"));
    }
    for r in 0..25 {
        // Grid rows: 3 header rows; the variant adds a 小计 row after （三）, （四） and （五）.
        let extra = if subtotals {
            match r {
                0..=11 => 0,
                12..=14 => 1,
                15..=19 => 2,
                _ => 3,
            }
        } else {
            0
        };
        for c in 0..7 {
            let col = 4 + c + usize::from(subtotals && c == 6);
            out.push(format!("T2 r{}c{}", r + 4 + extra, col));
        }
    }
    for i in 0..15 {
        out.push(format!("T3 r4c{}", i + 1 + t4_shift));
    }
    out
}

/// The data of one report.
#[derive(Clone, Debug)]
pub struct ReportSpec {
    pub office: String,
    pub year: i32,
    pub published: (i32, u32, u32),
    pub address: String,
    pub postcode: String,
    pub phones: Vec<String>,
    pub email: String,
    pub website: String,
    pub sections: Vec<SectionSpec>,
    /// 表二's format: 10 values (2021) or 22 ([`T2_IDS_2019`]).
    pub t2_format: Fmt,
    pub t2: Vec<V>,
    /// 表三's format: 25 rows (2021) or 23 ([`T3_ROWS_2019`]).
    pub t3_format: Fmt,
    pub t3: Vec<[V; 7]>,
    pub t4: Vec<V>,
}

/// 表三 of the 2019 format from a 2021 one: （六）'s three rows summed into one (blank when all
/// three are blank).
pub fn collapse_other(t3: &[[V; 7]]) -> Vec<[V; 7]> {
    let mut out: Vec<[V; 7]> = t3[..20].to_vec();
    out.push(std::array::from_fn(|c| {
        let cells = [&t3[20][c], &t3[21][c], &t3[22][c]];
        if cells.iter().all(|v| **v == V::Blank) {
            V::Blank
        } else {
            V::n(cells.iter().map(|v| v.num()).sum::<f64>())
        }
    }));
    out.extend_from_slice(&t3[23..]);
    out
}

/// 表二 of the 2019 trial format with signed 本年增/减 and a decimal procurement amount.
pub fn t2_2019_values() -> Vec<V> {
    [
        "0", "0", "0", "2", "2", "15", "120", "+3", "5000", "10", "0", "3", "300", "-253", "40",
        "20", "", "0", "5", "0", "12", "96171.6",
    ]
    .iter()
    .map(|s| if s.is_empty() { V::Blank } else { V::n(s) })
    .collect()
}

fn ymd(d: (i32, u32, u32)) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

/// 表三 of the standard spec: the 21 result rows per applicant column, then totals derived so the
/// hard identities hold (一 + 二 = （七） + 四, （七） = Σ results, 总计 = Σ columns).
fn standard_t3() -> Vec<[V; 7]> {
    t3_with_carry([5, 2, 0, 0, 1, 0], [7, 3, 0, 1, 0, 0])
}

/// The standard 表三 with other carry-over rows (二、上年结转 and 四、结转下年度), 一、本年新收
/// adjusted so the in-year identities still hold.
pub fn t3_with_carry(carried_in: [u32; 6], carried_out: [u32; 6]) -> Vec<[V; 7]> {
    // 21 result rows × 6 applicant columns; `None` = printed blank (stands for 0).
    let results: [[u32; 21]; 6] = [
        [
            40, 12, 1, 0, 2, 3, 0, 4, 1, 0, 9, 2, 1, 3, 2, 0, 1, 0, 2, 0, 1,
        ],
        [
            15, 6, 0, 1, 0, 2, 0, 1, 0, 0, 3, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0,
        ],
        [
            2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ],
        [
            3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ],
        [
            4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
        ],
        [
            1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ],
    ];
    // The research column (科研机构) prints its zeros as blank cells.
    let cell = |col: usize, v: u32| {
        if col == 2 && v == 0 {
            V::Blank
        } else {
            V::n(v)
        }
    };
    let mut rows: Vec<[V; 7]> = Vec::new();
    let mut grid = vec![[0u32; 7]; 25];
    for c in 0..6 {
        let total: u32 = results[c].iter().sum();
        grid[0][c] = total + carried_out[c] - carried_in[c];
        grid[1][c] = carried_in[c];
        for (r, v) in results[c].iter().enumerate() {
            grid[2 + r][c] = *v;
        }
        grid[23][c] = total;
        grid[24][c] = carried_out[c];
    }
    for row in grid.iter_mut() {
        row[6] = row[..6].iter().sum();
    }
    for row in &grid {
        rows.push(std::array::from_fn(|c| {
            if c < 6 {
                cell(c, row[c])
            } else {
                V::n(row[c])
            }
        }));
    }
    rows
}

impl ReportSpec {
    /// The report every generated shape renders.
    pub fn standard() -> ReportSpec {
        let t3 = standard_t3();
        let new_total = t3[0][6].num();
        let sections = vec![
            SectionSpec {
                id: "overview",
                cn: "一",
                title: "总体情况",
                intro: vec!["2023年，青川市东湖区人民政府办公室坚持以人民为中心的发展思想，深入贯彻落实《条例》，政务公开工作水平得到明显提升。".into()],
                subs: vec![
                    "主动公开方面。全年主动公开政府信息1532条，其中通过政府门户网站发布1208条。".into(),
                    format!("依申请公开方面。全年新收政府信息公开申请{new_total}件，均在法定期限内答复。"),
                    "政府信息管理方面。严格落实信息发布“三审制”，全年清理过时信息46条。".into(),
                    "平台建设方面。优化政府门户网站政务公开专栏，规范运维“东湖发布”微信公众号。".into(),
                    "监督保障方面。将政务公开纳入年度绩效考核，全年组织业务培训3次。".into(),
                ],
                outro: vec![],
                known: "全年清理过时信息46条".into(),
            },
            SectionSpec {
                id: "active_disclosure",
                cn: "二",
                title: "主动公开政府信息情况",
                intro: vec!["本年度主动公开政府信息的统计数据见下表。".into()],
                subs: vec![],
                outro: vec![],
                known: "本年度主动公开政府信息的统计数据见下表".into(),
            },
            SectionSpec {
                id: "requests",
                cn: "三",
                title: "收到和处理政府信息公开申请情况",
                intro: vec!["本年度收到和处理政府信息公开申请的统计数据见下表。".into()],
                subs: vec![],
                outro: vec![],
                known: "收到和处理政府信息公开申请的统计数据见下表".into(),
            },
            SectionSpec {
                id: "review_litigation",
                cn: "四",
                title: "政府信息公开行政复议、行政诉讼情况",
                intro: vec!["本年度因政府信息公开被申请行政复议、提起行政诉讼的统计数据见下表。".into()],
                subs: vec![],
                outro: vec![],
                known: "被申请行政复议、提起行政诉讼的统计数据见下表".into(),
            },
            SectionSpec {
                id: "problems",
                cn: "五",
                title: "存在的主要问题及改进情况",
                intro: vec![
                    "存在的主要问题：一是主动公开的深度和广度有待拓展；二是政策解读形式较为单一。".into(),
                    "改进措施：一是加强重点领域信息公开；二是丰富图表、视频等解读形式。".into(),
                ],
                subs: vec![],
                outro: vec![],
                known: "二是政策解读形式较为单一".into(),
            },
            SectionSpec {
                id: "other",
                cn: "六",
                title: "其他需要报告的事项",
                intro: vec![],
                subs: vec![],
                outro: vec![
                    "（一）收取信息处理费情况：本年度未收取政府信息公开信息处理费。".into(),
                    "（二）人大代表建议和政协委员提案办理情况：本年度共办理人大代表建议12件、政协委员提案9件。".into(),
                ],
                known: "本年度未收取政府信息公开信息处理费".into(),
            },
        ];
        ReportSpec {
            office: "青川市东湖区人民政府办公室".into(),
            year: 2023,
            published: (2024, 1, 26),
            address: "青川市东湖区人民路88号".into(),
            postcode: "266100".into(),
            phones: vec!["0532-88886666".into(), "0532-88886667".into()],
            email: "dhzwgk@163.com".into(),
            website: "http://www.dhq.gov.cn".into(),
            sections,
            t2_format: Fmt::F2021,
            t3_format: Fmt::F2021,
            t2: vec![
                V::Na,
                V::Na,
                V::Na,
                V::n(5),
                V::n(2),
                V::n(37),
                V::n(1286),
                V::n(342),
                V::Blank,
                V::n("103.3879"),
            ],
            t3,
            t4: vec![
                V::n(2),
                V::n(1),
                V::n(0),
                V::n(1),
                V::n(4),
                V::n(1),
                V::n(0),
                V::n(0),
                V::n(1),
                V::n(2),
                V::Blank,
                V::Blank,
                V::Blank,
                V::Blank,
                V::n(0),
            ],
        }
    }

    /// The standard report with 表二 and 表三 in the 2019 trial format (22 + 161 + 15 figures).
    pub fn trial_2019() -> ReportSpec {
        let mut s = ReportSpec::standard();
        s.t2_format = Fmt::F2019;
        s.t2 = t2_2019_values();
        s.t3_format = Fmt::F2019;
        s.t3 = collapse_other(&s.t3);
        s
    }

    /// A 2021 report still carrying the 2019 表二 (22 + 175 + 15 figures).
    pub fn mixed() -> ReportSpec {
        let mut s = ReportSpec::standard();
        s.t2_format = Fmt::F2019;
        s.t2 = t2_2019_values();
        s
    }

    pub fn t2_ids(&self) -> &'static [&'static str] {
        match self.t2_format {
            Fmt::F2021 => &T2_IDS,
            Fmt::F2019 => &T2_IDS_2019,
        }
    }

    pub fn t3_rows(&self) -> &'static [&'static str] {
        match self.t3_format {
            Fmt::F2021 => &T3_ROWS,
            Fmt::F2019 => &T3_ROWS_2019,
        }
    }

    pub fn expected_figures(&self) -> Vec<ExpFigure> {
        expected_with(self.t2_ids(), &self.t2, self.t3_rows(), &self.t3, &self.t4)
    }

    /// The expectations of the `standard` shape; other shapes adjust headings.
    pub fn expected(&self) -> Expected {
        let mut sections = vec![ExpSection {
            id: "preamble",
            heading: String::new(),
            known: vec![self.period_sentence()],
        }];
        for s in &self.sections {
            let mut known = vec![s.known.clone()];
            known.extend(s.subs.iter().cloned());
            known.extend(s.intro.iter().cloned());
            known.extend(s.outro.iter().cloned());
            sections.push(ExpSection {
                id: s.id,
                heading: s.heading(),
                known,
            });
        }
        Expected {
            office: Some(self.office.clone()),
            year: Some(self.year),
            published: Some(ymd(self.published)),
            period_start: Some(format!("{}-01-01", self.year)),
            period_end: Some(format!("{}-12-31", self.year)),
            address: Some(self.address.clone()),
            postcode: Some(self.postcode.clone()),
            phones: self.phones.clone(),
            email: Some(self.email.clone()),
            website: Some(self.website.clone()),
            sections,
            absent: vec![],
            once: vec![],
            figures: self.expected_figures(),
            origin: "word",
            table_numbers: Some([1, 2, 3]),
            check_meta: true,
            locations: Some(template_locations(false, 0)),
        }
    }

    pub fn period_sentence(&self) -> String {
        format!(
            "本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止",
            y = self.year
        )
    }

    pub fn preamble_paras(&self) -> [String; 2] {
        [
            "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）要求，编制本报告。".into(),
            format!(
                "{}。本报告电子版可在青川市东湖区人民政府门户网站（{}）查阅或下载。",
                self.period_sentence(),
                self.website
            ),
        ]
    }

    pub fn contacts_para(&self) -> String {
        format!(
            "如对本报告有疑问，请与{}联系（地址：{}；邮编：{}；电话：{}；电子邮箱：{}）。",
            self.office,
            self.address,
            self.postcode,
            self.phones.join("、"),
            self.email
        )
    }

    pub fn date_cn(&self) -> String {
        let (y, m, d) = self.published;
        format!("{y}年{m}月{d}日")
    }
}

// ---------------------------------------------------------------------------------------------
// Tables

/// How a shape prints the labels and cells of the three tables.
pub struct Look<'a> {
    /// `(三)` instead of `（三）` in 表三's labels.
    pub ascii_brackets: bool,
    /// `1、` instead of `1.` in 表三's sub-items.
    pub dot_comma: bool,
    /// 其他法律行政止公开 (a real typo).
    pub typo: bool,
    /// Line breaks and spaces inside header labels (`商业\n企业`, `总 计`).
    pub broken_labels: bool,
    /// 表三 with a 法人或其他组织 subtotal column and subtotal rows (28 × 8).
    pub subtotals: bool,
    /// 表四 rows shifted by `w:gridBefore` (a phantom first grid column).
    pub t4_grid_before: bool,
    /// 表二 rows ending early with `w:gridAfter` (a phantom last grid column).
    pub t2_grid_after: bool,
    /// 表二 headers with the year inside (`本年(2023)制发件数`).
    pub year_headers: Option<i32>,
    /// The paragraph XML of a value cell.
    pub cell: &'a dyn Fn(&str, &V) -> String,
}

/// A value cell as Word writes it: a number or `/` in one run, an empty paragraph for a blank.
pub fn plain_cell(_metric: &str, v: &V) -> String {
    match v {
        V::N(s) => p_center(&run(s)),
        V::Blank => "<w:p/>".into(),
        V::Na => p_center(&run("/")),
    }
}

impl Look<'_> {
    pub fn plain() -> Look<'static> {
        Look {
            ascii_brackets: false,
            dot_comma: false,
            typo: false,
            broken_labels: false,
            subtotals: false,
            t4_grid_before: false,
            t2_grid_after: false,
            year_headers: None,
            cell: &plain_cell,
        }
    }

    fn label(&self, s: &str) -> String {
        let mut s = s.to_string();
        if self.ascii_brackets {
            s = s.replace('（', "(").replace('）', ")");
        }
        if self.dot_comma {
            for d in 1..=8 {
                s = s.replace(&format!("{d}."), &format!("{d}、"));
            }
        }
        if self.typo {
            s = s.replace("其他法律行政法规禁止公开", "其他法律行政止公开");
        }
        s
    }

    fn hdr(&self, plain: &str, broken: &str) -> Tc {
        Tc::text(if self.broken_labels { broken } else { plain })
    }

    fn val(&self, metric: &str, v: &V) -> Tc {
        Tc::xml((self.cell)(metric, v))
    }
}

/// 表二 as the national template lays it out: four blocks, each with a `第二十条第（…）项` title
/// row spanning 4 columns and a repeated `信息内容` header row; single-value rows span 3 columns.
pub fn table2(spec: &ReportSpec, look: &Look) -> String {
    if spec.t2_format == Fmt::F2019 {
        return table2_2019(spec, look);
    }
    let t2 = &spec.t2;
    let title = |s: &str| Tr::new(vec![Tc::text(s).span(4)]);
    let single =
        |label: &str, i: usize| Tr::new(vec![Tc::text(label), look.val(T2_IDS[i], &t2[i]).span(3)]);
    let single_hdr = |h: &str| Tr::new(vec![Tc::text("信息内容"), Tc::text(h).span(3)]);
    let triple = |label: &str, i: usize| {
        Tr::new(vec![
            Tc::text(label),
            look.val(T2_IDS[i], &t2[i]),
            look.val(T2_IDS[i + 1], &t2[i + 1]),
            look.val(T2_IDS[i + 2], &t2[i + 2]),
        ])
    };
    let mut head = Tr::new(vec![
        Tc::text("信息内容"),
        look.hdr("本年制发件数", "本年制发\n件数"),
        look.hdr("本年废止件数", "本年废止\n件数"),
        look.hdr("现行有效件数", "现行有效\n件数"),
    ]);
    if let Some(y) = look.year_headers {
        head.cells[1] = Tc::text(&format!("本年({y})制发件数"));
        head.cells[2] = Tc::text(&format!("本年({y})废止件数"));
    }
    head.header = true;
    let rows = vec![
        title("第二十条第（一）项"),
        head,
        triple("规章", 0),
        triple("行政规范性文件", 3),
        title("第二十条第（五）项"),
        single_hdr("本年处理决定数量"),
        single("行政许可", 6),
        title("第二十条第（六）项"),
        single_hdr("本年处理决定数量"),
        single("行政处罚", 7),
        single("行政强制", 8),
        title("第二十条第（八）项"),
        single_hdr("本年收费金额（单位：万元）"),
        single("行政事业性收费", 9),
    ];
    let mut rows = rows;
    let mut grid = vec![2600, 2100, 2100, 2100];
    if look.t2_grid_after {
        grid.push(300);
        for r in &mut rows {
            r.grid_after = 1;
        }
    }
    docx::table(&grid, &rows)
}

/// 表二 of the 2019 trial format: five blocks (第二十条第（一）（五）（六）（八）（九）项), each
/// with its own `信息内容` header; two-value rows span the last value over two columns.
pub fn table2_2019(spec: &ReportSpec, look: &Look) -> String {
    let t2 = &spec.t2;
    let ids = T2_IDS_2019;
    let title = |s: &str| Tr::new(vec![Tc::text(s).span(4)]);
    let header = |h: [&str; 3]| {
        let mut cells = vec![Tc::text("信息内容"), Tc::text(h[0]), Tc::text(h[1])];
        if h[2].is_empty() {
            cells[2] = Tc::text(h[1]).span(2);
        } else {
            cells.push(Tc::text(h[2]));
        }
        let mut tr = Tr::new(cells);
        tr.header = true;
        tr
    };
    let triple = |label: &str, i: usize| {
        Tr::new(vec![
            Tc::text(label),
            look.val(ids[i], &t2[i]),
            look.val(ids[i + 1], &t2[i + 1]),
            look.val(ids[i + 2], &t2[i + 2]),
        ])
    };
    let double = |label: &str, i: usize| {
        Tr::new(vec![
            Tc::text(label),
            look.val(ids[i], &t2[i]),
            look.val(ids[i + 1], &t2[i + 1]).span(2),
        ])
    };
    let items = ["上一年项目数量", "本年增/减", "处理决定数量"];
    let rows = vec![
        title("第二十条第（一）项"),
        header(["本年新制作数量", "本年新公开数量", "对外公开总数量"]),
        triple("规章", 0),
        triple("规范性文件", 3),
        title("第二十条第（五）项"),
        header(items),
        triple("行政许可", 6),
        triple("其他对外管理服务事项", 9),
        title("第二十条第（六）项"),
        header(items),
        triple("行政处罚", 12),
        triple("行政强制", 15),
        title("第二十条第（八）项"),
        header(["上一年项目数量", "本年增/减", ""]),
        double("行政事业性收费", 18),
        title("第二十条第（九）项"),
        header(["采购项目数量", "采购总金额", ""]),
        double("政府集中采购", 20),
    ];
    docx::table(&[2600, 2100, 2100, 2100], &rows)
}

/// The 表三 row labels below 三、本年度办理结果: group label (vertically merged) and items.
const T3_GROUPS: [(&str, &[&str]); 4] = [
    (
        "（三）不予公开",
        &[
            "1.属于国家秘密",
            "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”",
            "4.保护第三方合法权益",
            "5.属于三类内部事务信息",
            "6.属于四类过程性信息",
            "7.属于行政执法案卷",
            "8.属于行政查询事项",
        ],
    ),
    (
        "（四）无法提供",
        &[
            "1.本机关不掌握相关政府信息",
            "2.没有现成信息需要另行制作",
            "3.补正后申请内容仍不明确",
        ],
    ),
    (
        "（五）不予处理",
        &[
            "1.信访举报投诉类申请",
            "2.重复申请",
            "3.要求提供公开出版物",
            "4.无正当理由大量反复申请",
            "5.要求行政机关确认或重新出具已获取信息",
        ],
    ),
    (
        "（六）其他处理",
        &[
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3.其他",
        ],
    ),
];

/// 表三 as the template lays it out (grid of 10 columns: 3 label columns + 7 values), or the
/// 28 × 8 variant with a subtotal column and subtotal rows.
pub fn table3(spec: &ReportSpec, look: &Look) -> String {
    let t3 = &spec.t3;
    let ids = spec.t3_rows();
    let id = |r: usize, c: usize| format!("t3.{}.{}", ids[r], T3_COLS[c]);
    let (total_row, carried_out_row) = (t3.len() - 2, t3.len() - 1);
    let sub = look.subtotals;
    let ndata = if sub { 8 } else { 7 };
    // Values of one data row; in the variant a 小计 column follows 其他.
    let values = |r: usize| -> Vec<Tc> {
        let mut cells = Vec::new();
        for c in 0..7 {
            if sub && c == 6 {
                let s: f64 = (1..6).map(|k| t3[r][k].num()).sum();
                cells.push(Tc::xml(plain_cell("", &V::n(s))));
            }
            cells.push(look.val(&id(r, c), &t3[r][c]));
        }
        cells
    };
    let subtotal_row = |rows: std::ops::Range<usize>| -> Vec<Tc> {
        let mut cells = Vec::new();
        for c in 0..7 {
            let s = |k: usize| -> f64 { rows.clone().map(|r| t3[r][k].num()).sum() };
            if c == 6 {
                cells.push(Tc::xml(plain_cell("", &V::n((1..6).map(s).sum::<f64>()))));
            }
            cells.push(Tc::xml(plain_cell("", &V::n(s(c)))));
        }
        if !sub {
            unreachable!()
        }
        cells
    };
    let corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
    let mut rows = Vec::new();
    let mut r0 = Tr::new(vec![
        Tc::text(corner).span(3).restart(),
        Tc::text("申请人情况").span(ndata),
    ]);
    r0.header = true;
    rows.push(r0);
    let mut r1 = Tr::new(vec![
        Tc::cont(3),
        look.hdr("自然人", "自然人").restart(),
        Tc::text("法人或其他组织").span(if sub { 6 } else { 5 }),
        look.hdr("总计", "总 计").restart(),
    ]);
    r1.header = true;
    rows.push(r1);
    let mut r2cells = vec![
        Tc::cont(3),
        Tc::cont(1),
        look.hdr("商业企业", "商业\n企业"),
        look.hdr("科研机构", "科研\n机构"),
        look.hdr("社会公益组织", "社会公益\n组织"),
        look.hdr("法律服务机构", "法律服务\n机构"),
        Tc::text("其他"),
    ];
    if sub {
        r2cells.push(Tc::text("小计"));
    }
    r2cells.push(Tc::cont(1));
    let mut r2 = Tr::new(r2cells);
    r2.header = true;
    rows.push(r2);

    let with = |first: Vec<Tc>, r: usize| {
        let mut c = first;
        c.extend(values(r));
        Tr::new(c)
    };
    rows.push(with(
        vec![Tc::text(&look.label("一、本年新收政府信息公开申请数量")).span(3)],
        0,
    ));
    rows.push(with(
        vec![Tc::text(&look.label("二、上年结转政府信息公开申请数量")).span(3)],
        1,
    ));
    rows.push(with(
        vec![
            Tc::text(&look.label("三、本年度办理结果")).restart(),
            Tc::text(&look.label("（一）予以公开")).span(2),
        ],
        2,
    ));
    rows.push(with(
        vec![
            Tc::cont(1),
            Tc::text(&look.label("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"))
                .span(2),
        ],
        3,
    ));
    let mut r = 4;
    for (gi, (group, items)) in T3_GROUPS.iter().enumerate() {
        if gi == 3 && spec.t3_format == Fmt::F2019 {
            // the trial format: （六）其他处理 is one row
            rows.push(with(
                vec![Tc::cont(1), Tc::text(&look.label(group)).span(2)],
                r,
            ));
            r += 1;
            continue;
        }
        let start = r;
        for (i, item) in items.iter().enumerate() {
            let g = if i == 0 {
                Tc::text(&look.label(group)).restart()
            } else {
                Tc::cont(1)
            };
            rows.push(with(vec![Tc::cont(1), g, Tc::text(&look.label(item))], r));
            r += 1;
        }
        if sub && gi < 3 {
            let mut c = vec![Tc::cont(1), Tc::cont(1), Tc::text("小计")];
            c.extend(subtotal_row(start..r));
            rows.push(Tr::new(c));
        }
    }
    rows.push(with(
        vec![
            Tc::cont(1),
            Tc::text(&look.label(if look.broken_labels {
                "（七）总 计"
            } else {
                "（七）总计"
            }))
            .span(2),
        ],
        total_row,
    ));
    rows.push(with(
        vec![Tc::text(&look.label("四、结转下年度继续办理")).span(3)],
        carried_out_row,
    ));
    let mut grid = vec![700, 1200, 2600];
    grid.extend(std::iter::repeat_n(760, ndata as usize));
    docx::table(&grid, &rows)
}

/// 表四 with its three header rows and one data row of 15 values.
pub fn table4(spec: &ReportSpec, look: &Look) -> String {
    let results = ["结果维持", "结果纠正", "其他结果", "尚未审结"];
    let total = if look.broken_labels {
        "总 计"
    } else {
        "总计"
    };
    let mut r0 = Tr::new(vec![
        Tc::text("行政复议").span(5),
        Tc::text("行政诉讼").span(10),
    ]);
    let mut r1cells: Vec<Tc> = results.iter().map(|s| Tc::text(s).restart()).collect();
    r1cells.push(Tc::text(total).restart());
    r1cells.push(Tc::text("未经复议直接起诉").span(5));
    r1cells.push(Tc::text("复议后起诉").span(5));
    let mut r1 = Tr::new(r1cells);
    let mut r2cells: Vec<Tc> = (0..5).map(|_| Tc::cont(1)).collect();
    for _ in 0..2 {
        r2cells.extend(results.iter().map(|s| Tc::text(s)));
        r2cells.push(Tc::text(total));
    }
    let mut r2 = Tr::new(r2cells);
    let mut r3 = Tr::new((0..15).map(|i| look.val(&t4_id(i), &spec.t4[i])).collect());
    let mut grid = vec![560u32; 15];
    if look.t4_grid_before {
        grid.insert(0, 200);
        for r in [&mut r0, &mut r1, &mut r2, &mut r3] {
            r.grid_before = 1;
        }
    }
    docx::table(&grid, &[r0, r1, r2, r3])
}

// ---------------------------------------------------------------------------------------------
// Shapes

/// `standard`: single-line title, typed headings 一、…六、 in `heading 1` style, typed （一）
/// sub-items, the three tables as Word tables exactly as the national template has them.
pub fn build_standard(spec: &ReportSpec) -> Vec<u8> {
    standard_docx(spec).build()
}

/// The expectations of a standard-shape report whose tables follow the 2019 format (whole or
/// in part): the layout of 表二 and 表三 differs, so figures are checked by table, not by cell.
pub fn expected_trial(spec: &ReportSpec) -> Expected {
    let mut e = spec.expected();
    e.locations = None;
    e
}

/// `strict_renamed`: the standard report in Strict OOXML (`http://purl.oclc.org/ooxml/…`
/// namespaces, `w:conformance="strict"`) with its main part at `word/report.xml`, found only
/// through `_rels/.rels`.
pub fn build_strict_renamed(spec: &ReportSpec) -> Vec<u8> {
    let mut d = standard_docx(spec);
    d.strict = true;
    d.main_part = Some("word/report.xml".into());
    d.build()
}

pub fn standard_docx(spec: &ReportSpec) -> Docx {
    let look = Look::plain();
    standard_docx_with(spec, &|d: &mut Docx, section: &str| {
        push_table(d, spec, section, &look)
    })
}

/// The `standard` shape with the tables of each section put by `tables(docx, section id)`.
pub fn standard_docx_with(spec: &ReportSpec, tables: &dyn Fn(&mut Docx, &str)) -> Docx {
    let mut d = Docx::new();
    d.push(&p_style(
        "Title",
        &run(&format!(
            "{}{}年政府信息公开工作年度报告",
            spec.office, spec.year
        )),
    ));
    for para in spec.preamble_paras() {
        d.push(&p(&para));
    }
    d.push(&p(&spec.contacts_para()));
    for s in &spec.sections {
        d.push(&p_style("1", &run(&s.heading())));
        push_section_body(&mut d, s, |i, text| p(&format!("（{}）{text}", CN[i])));
        tables(&mut d, s.id);
    }
    d.push(&p_right(&run(&spec.office)));
    d.push(&p_right(&run(&spec.date_cn())));
    d
}

pub fn push_section_body(d: &mut Docx, s: &SectionSpec, sub: impl Fn(usize, &str) -> String) {
    for para in &s.intro {
        d.push(&p(para));
    }
    for (i, text) in s.subs.iter().enumerate() {
        d.push(&sub(i, text));
    }
    for para in &s.outro {
        d.push(&p(para));
    }
}

pub fn push_table(d: &mut Docx, spec: &ReportSpec, section: &str, look: &Look) {
    match section {
        "active_disclosure" => d.push(&table2(spec, look)),
        "requests" => d.push(&table3(spec, look)),
        "review_litigation" => d.push(&table4(spec, look)),
        _ => {}
    }
}

/// `variant_28x8`: the standard report with 表三 in the 28 × 8 layout (subtotal column and rows).
pub fn build_variant_28x8(spec: &ReportSpec) -> Vec<u8> {
    let mut d = Docx::new();
    d.push(&p_style(
        "Title",
        &run(&format!(
            "{}{}年政府信息公开工作年度报告",
            spec.office, spec.year
        )),
    ));
    for para in spec.preamble_paras() {
        d.push(&p(&para));
    }
    d.push(&p(&spec.contacts_para()));
    let look = Look {
        subtotals: true,
        ..Look::plain()
    };
    for s in &spec.sections {
        d.push(&p_bold(&s.heading()));
        push_section_body(&mut d, s, |i, text| p(&format!("（{}）{text}", CN[i])));
        push_table(&mut d, spec, s.id, &look);
    }
    d.push(&p_right(&run(&spec.office)));
    d.push(&p_right(&run(&spec.date_cn())));
    d.build()
}

/// The numbering definitions of the `numbered` shape:
/// - numId 2 → abstract 0: level 0 chineseCounting `%1、`, level 1 chineseCounting `（%2）`;
/// - numId 3 → abstract 1 (decimal `%1、`) with startOverride 3 → prints `3、`;
/// - numId 4 → abstract 0 with startOverride 4, reached only through the paragraph style
///   `ReportHeading` (四、) and the style `ReportHeadingB` based on it (五、, 六、);
/// - numId 5 → abstract 2, which only has `numStyleLink` to the numbering style `ReportList`,
///   whose numPr is numId 6 → abstract 3 (`styleLink` ReportList, chineseCountingThousand `（%1）`);
/// - numId 7 → abstract 4: decimalEnclosedCircle `%1` (①, ②).
pub fn numbered_numbering() -> String {
    let a0 = docx::abstract_num(
        0,
        &[
            docx::num_lvl(0, "chineseCounting", "%1、", 1),
            docx::num_lvl(1, "chineseCounting", "（%2）", 1),
        ],
    );
    let a1 = docx::abstract_num(1, &[docx::num_lvl(0, "decimal", "%1、", 1)]);
    let a2 = "<w:abstractNum w:abstractNumId=\"2\"><w:multiLevelType w:val=\"multilevel\"/>\
<w:numStyleLink w:val=\"ReportList\"/></w:abstractNum>"
        .to_string();
    let a3 = format!(
        "<w:abstractNum w:abstractNumId=\"3\"><w:multiLevelType w:val=\"multilevel\"/>\
<w:styleLink w:val=\"ReportList\"/>{}</w:abstractNum>",
        docx::num_lvl(0, "chineseCountingThousand", "（%1）", 1)
    );
    let a4 = docx::abstract_num(4, &[docx::num_lvl(0, "decimalEnclosedCircle", "%1", 1)]);
    docx::numbering_xml(
        &[a0, a1, a2, a3, a4],
        &[
            docx::num(2, 0, &[]),
            docx::num(3, 1, &[(0, 3)]),
            docx::num(4, 0, &[(0, 4)]),
            docx::num(5, 2, &[]),
            docx::num(6, 3, &[]),
            docx::num(7, 4, &[]),
        ],
    )
}

/// Strips a typed `（一）` label.
fn strip_cn_label(t: &str) -> &str {
    match t.strip_prefix('（').and_then(|r| r.split_once('）')) {
        Some((n, rest)) if CN.contains(&n) => rest,
        _ => t,
    }
}

/// `numbered`: title over two lines (office / year), section numbers and （一） labels from
/// numbering.xml (not in the text), date in Chinese numerals (二〇二四年一月二十六日).
pub fn build_numbered(spec: &ReportSpec) -> Vec<u8> {
    let mut d = Docx::new();
    d.numbering = Some(numbered_numbering());
    d.extra_styles =
        "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"ReportHeading\">\
<w:name w:val=\"年报一级标题\"/><w:basedOn w:val=\"a\"/><w:qFormat/>\
<w:pPr><w:numPr><w:numId w:val=\"4\"/></w:numPr><w:outlineLvl w:val=\"0\"/></w:pPr>\
<w:rPr><w:rFonts w:eastAsia=\"黑体\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"ReportHeadingB\">\
<w:name w:val=\"年报一级标题（续）\"/><w:basedOn w:val=\"ReportHeading\"/><w:qFormat/></w:style>\
<w:style w:type=\"numbering\" w:customStyle=\"1\" w:styleId=\"ReportList\">\
<w:name w:val=\"年报列表\"/><w:pPr><w:numPr><w:numId w:val=\"6\"/></w:numPr></w:pPr></w:style>"
            .into();
    d.push(&p_style("Title", &run(&spec.office)));
    d.push(&p_style(
        "Title",
        &run(&format!("{}年政府信息公开工作年度报告", spec.year)),
    ));
    for para in spec.preamble_paras() {
        d.push(&p(&para));
    }
    d.push(&p(&spec.contacts_para()));
    let look = Look::plain();
    for s in &spec.sections {
        let heading = match s.id {
            "overview" | "active_disclosure" => docx::p_num(2, 0, &run(s.title)),
            "requests" => docx::p_num(3, 0, &run(s.title)),
            "review_litigation" => p_style("ReportHeading", &run(s.title)),
            _ => p_style("ReportHeadingB", &run(s.title)),
        };
        d.push(&heading);
        match s.id {
            "problems" => {
                for para in &s.intro {
                    d.push(&docx::p_num(7, 0, &run(para)));
                }
            }
            "other" => {
                for para in &s.outro {
                    d.push(&docx::p_num(5, 0, &run(strip_cn_label(para))));
                }
            }
            _ => push_section_body(&mut d, s, |_, text| docx::p_num(2, 1, &run(text))),
        }
        push_table(&mut d, spec, s.id, &look);
    }
    d.push(&p_right(&run(&spec.office)));
    d.push(&p_right(&run(&cn_date(spec.published))));
    d.build()
}

/// 2024, 1, 26 → 二〇二四年一月二十六日
pub fn cn_date((y, m, d): (i32, u32, u32)) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let year: String = y
        .to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).expect("digit") as usize])
        .collect();
    let small = |n: u32| -> String {
        match n {
            1..=9 => DIGITS[n as usize].to_string(),
            10 => "十".into(),
            11..=19 => format!("十{}", DIGITS[(n - 10) as usize]),
            _ if n.is_multiple_of(10) => format!("{}十", DIGITS[(n / 10) as usize]),
            _ => format!(
                "{}十{}",
                DIGITS[(n / 10) as usize],
                DIGITS[(n % 10) as usize]
            ),
        }
    };
    format!("{year}年{}月{}日", small(m), small(d))
}

/// The expectations of the `numbered` shape: 三 is printed `3、` by its decimal numbering.
pub fn expected_numbered(spec: &ReportSpec) -> Expected {
    let mut e = spec.expected();
    for s in &mut e.sections {
        if s.id == "requests" {
            s.heading = "3、收到和处理政府信息公开申请情况".into();
        }
        if s.id == "other" {
            // The （一）/（二） of 六's items come from numbering, not from the text.
            for k in &mut s.known {
                *k = strip_cn_label(k).to_string();
            }
        }
    }
    e
}

/// Full-width digits: ２０２４.
pub fn full_width_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32(0xFF10 + d).expect("full-width"),
            _ => c,
        })
        .collect()
}

const REV: &str = "w:author=\"审核人\" w:date=\"2024-01-20T09:00:00Z\"";

/// A value cell of the `tricky` shape: every number split into one run per character; one
/// cell of 表三 and one of 表四 carry a tracked deletion of an old number.
fn tricky_cell(metric: &str, v: &V) -> String {
    match v {
        V::N(s) => {
            let mut inner = String::new();
            if metric == "t3.granted.natural_person" || metric == "t4.review.upheld" {
                inner.push_str(&format!(
                    "<w:del w:id=\"90\" {REV}><w:r><w:delText>97</w:delText></w:r></w:del>"
                ));
            }
            let runs: String = s.chars().map(|c| run(&c.to_string())).collect();
            if metric == "t3.granted.natural_person" {
                inner.push_str(&format!("<w:ins w:id=\"91\" {REV}>{runs}</w:ins>"));
            } else {
                inner.push_str(&runs);
            }
            p_center(&inner)
        }
        V::Blank => "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr></w:p>".into(),
        V::Na => p_center(&run("/")),
    }
}

pub const TRICKY_HEADER: &str = "政务公开专栏排版页眉";
pub const TRICKY_FOOTER: &str = "排版页脚文字";
pub const TRICKY_FOOTNOTE: &str = "脚注：数据来源于政务公开工作台账。";
pub const TRICKY_COMMENT: &str = "批注：请再核对一次数据。";
pub const TRICKY_ENDNOTE: &str = "尾注：申请数量以登记台账为准。";
pub const TRICKY_GROUP_BOXES: [&str; 2] =
    ["整改责任单位：区政务公开办公室", "整改时限：2024年6月底前"];

/// `tricky`: the pitfalls of the prior-art checklist in one file (see the comments inline).
pub fn build_tricky(spec: &ReportSpec) -> Vec<u8> {
    let mut d = Docx::new();
    d.track_revisions = true;
    let ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.";
    let sep = "<w:footnote w:type=\"separator\" w:id=\"0\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>\
<w:footnote w:type=\"continuationSeparator\" w:id=\"1\"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>";
    d.parts = vec![
        docx::Part {
            name: "header1.xml".into(),
            content_type: format!("{ct}header+xml"),
            rel_type: "header".into(),
            rid: "rIdHeader1".into(),
            xml: docx::part_xml("w:hdr", &p_center(&run(TRICKY_HEADER))),
        },
        docx::Part {
            name: "footer1.xml".into(),
            content_type: format!("{ct}footer+xml"),
            rel_type: "footer".into(),
            rid: "rIdFooter1".into(),
            xml: docx::part_xml(
                "w:ftr",
                &p_center(&format!(
                    "{}<w:fldSimple w:instr=\" PAGE \">{}</w:fldSimple>{}",
                    run("第"),
                    run("1"),
                    run(&format!("页 {TRICKY_FOOTER}"))
                )),
            ),
        },
        docx::Part {
            name: "footnotes.xml".into(),
            content_type: format!("{ct}footnotes+xml"),
            rel_type: "footnotes".into(),
            rid: "rIdFootnotes".into(),
            xml: docx::part_xml(
                "w:footnotes",
                &format!(
                    "{sep}<w:footnote w:id=\"2\">{}</w:footnote>",
                    p(TRICKY_FOOTNOTE)
                ),
            ),
        },
        docx::Part {
            name: "comments.xml".into(),
            content_type: format!("{ct}comments+xml"),
            rel_type: "comments".into(),
            rid: "rIdComments".into(),
            xml: docx::part_xml(
                "w:comments",
                &format!(
                    "<w:comment w:id=\"0\" w:author=\"审核人\" w:date=\"2024-01-20T09:00:00Z\" w:initials=\"审\">{}</w:comment>",
                    p(TRICKY_COMMENT)
                ),
            ),
        },
        docx::Part {
            name: "endnotes.xml".into(),
            content_type: format!("{ct}endnotes+xml"),
            rel_type: "endnotes".into(),
            rid: "rIdEndnotes".into(),
            xml: docx::part_xml(
                "w:endnotes",
                &format!(
                    "{}<w:endnote w:id=\"2\">{}</w:endnote>",
                    sep.replace("footnote", "endnote"),
                    p(TRICKY_ENDNOTE)
                ),
            ),
        },
    ];
    d.sect_extra = "<w:headerReference w:type=\"default\" r:id=\"rIdHeader1\"/>\
<w:footerReference w:type=\"default\" r:id=\"rIdFooter1\"/>"
        .into();
    // Title with the year split over runs, and a bookmark in between.
    d.push(&p_style(
        "Title",
        &format!(
            "{}<w:bookmarkStart w:id=\"0\" w:name=\"_GoBack\"/>{}<w:bookmarkEnd w:id=\"0\"/>{}{}",
            run(&spec.office),
            run(&spec.year.to_string()[..2]),
            run(&spec.year.to_string()[2..]),
            run("年政府信息公开工作年度报告")
        ),
    ));
    let [pre1, _] = spec.preamble_paras();
    // A block-level content control around the first paragraph.
    d.push(&format!(
        "<w:sdt><w:sdtPr><w:alias w:val=\"依据\"/><w:id w:val=\"1001\"/></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt>",
        p(&pre1)
    ));
    // Period sentence: year split mid-number, a smartTag around the date, the website as a
    // complex field whose instruction names another address.
    let y = spec.year.to_string();
    let smart = |t: &str| {
        format!(
            "<w:smartTag w:uri=\"urn:schemas-microsoft-com:office:smarttags\" w:element=\"chmetcnv\">\
<w:smartTagPr><w:attr w:name=\"UnitName\" w:val=\"日\"/></w:smartTagPr>{}</w:smartTag>",
            run(t)
        )
    };
    let period = [
        run("本报告中所列数据的统计期限自"),
        run(&y[..1]),
        run(&y[1..3]),
        run(&y[3..]),
        run("年"),
        smart("1月1日"),
        run(&format!("起至{y}年")),
        smart("12月31日"),
        run("止。本报告电子版可在青川市东湖区人民政府门户网站（"),
    ]
    .concat();
    let field = format!(
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
<w:r><w:instrText xml:space=\"preserve\"> HYPERLINK \"http://old.example.org/instr\" \\o \"门户网站\" </w:instrText></w:r>\
<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>{}<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
        run(&spec.website)
    );
    d.push(&p_xml(
        "",
        &format!("{period}{field}{}", run("）查阅或下载。")),
    ));
    // Contact block in a text box (wps + VML fallback holding the same paragraphs).
    let (a, b) = spec.phones[0].split_once('-').expect("phone");
    let (c, e) = spec.phones[1].split_once('-').expect("phone");
    let box_paras = [
        format!("联系单位：{}", spec.office),
        format!("地址：{}", spec.address),
        format!("邮编：{}", spec.postcode),
        format!("电话：（{a}）{b}、{c}—{e}"),
        format!("电子邮箱：{}", spec.email.replace('@', "＠")),
    ]
    .iter()
    .map(|t| p(t))
    .collect::<String>();
    d.push(&p_xml(
        "",
        &format!(
            "{}{}",
            run("公众如需进一步咨询，请联系："),
            docx::text_box_run(1, &box_paras)
        ),
    ));
    let look = Look {
        ascii_brackets: true,
        dot_comma: true,
        typo: true,
        broken_labels: true,
        subtotals: false,
        t4_grid_before: true,
        t2_grid_after: true,
        year_headers: None,
        cell: &tricky_cell,
    };
    for s in &spec.sections {
        d.push(&p_bold(&s.heading()));
        match s.id {
            "overview" => {
                // Tracked insertion (kept) and deletion (dropped) inside the intro.
                let intro = &s.intro[0];
                let (head, tail) = intro.split_at(intro.find("得到明显提升").expect("intro"));
                d.push(&p_xml(
                    "",
                    &format!(
                        "{}<w:del w:id=\"10\" {REV}><w:r><w:delText>有所下降，</w:delText></w:r></w:del>\
<w:ins w:id=\"11\" {REV}>{}</w:ins>",
                        run(head),
                        run(tail)
                    ),
                ));
                for (i, text) in s.subs.iter().enumerate() {
                    // One sub-item in a hyperlink, one inside a run-level content control.
                    let inner = match i {
                        1 => format!(
                            "<w:hyperlink w:anchor=\"_Toc2\" w:history=\"1\">{}</w:hyperlink>",
                            run(&format!("（{}）{text}", CN[i]))
                        ),
                        3 => format!(
                            "<w:sdt><w:sdtPr><w:id w:val=\"1002\"/></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt>",
                            run(&format!("（{}）{text}", CN[i]))
                        ),
                        _ => run(&format!("（{}）{text}", CN[i])),
                    };
                    d.push(&p_xml("", &inner));
                }
            }
            "problems" => {
                // A group shape with two text boxes (wpg + VML v:group fallback).
                d.push(&p_xml(
                    "",
                    &docx::group_text_boxes_run(
                        20,
                        &[p(TRICKY_GROUP_BOXES[0]), p(TRICKY_GROUP_BOXES[1])],
                    ),
                ));
                // Character references: 一 written as &#x4E00;, plus a literal ampersand.
                for para in &s.intro {
                    let xml = esc(para).replace('一', "&#x4E00;");
                    d.push(&format!(
                        "<w:p><w:r><w:t xml:space=\"preserve\">{xml}</w:t></w:r></w:p>"
                    ));
                }
                d.push(&p_xml(
                    "",
                    &format!(
                        "<w:commentRangeStart w:id=\"0\"/>{}<w:commentRangeEnd w:id=\"0\"/>\
<w:r><w:commentReference w:id=\"0\"/></w:r>",
                        run("下一步将统筹推进政务公开&政务服务标准化建设。")
                    ),
                ));
            }
            "active_disclosure" => {
                // A block-level customXml wrapper, and a footnote reference after the sentence.
                d.push(&format!(
                    "<w:customXml w:uri=\"urn:nianbao:fixture\" w:element=\"intro\">{}</w:customXml>",
                    p_xml(
                        "",
                        &format!(
                            "{}<w:r><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr><w:footnoteReference w:id=\"2\"/></w:r>",
                            run(&s.intro[0])
                        )
                    )
                ));
            }
            "requests" => {
                // The last character comes from a simple field (its result is kept).
                let t = &s.intro[0];
                let (head, _) = t.split_at(t.find("表。").expect("表。"));
                d.push(&p_xml(
                    "",
                    &format!(
                        "{}<w:fldSimple w:instr=\" REF _Ref1 \\h \">{}</w:fldSimple>{}\
<w:r><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr><w:endnoteReference w:id=\"2\"/></w:r>",
                        run(head),
                        run("表"),
                        run("。")
                    ),
                ));
            }
            "review_litigation" => {
                // A move (moveFrom dropped, moveTo kept) and a run-level customXml.
                let t = &s.intro[0];
                let a = t.find("提起行政诉讼").expect("提起");
                let b = t.find("的统计数据").expect("的统计数据");
                let c = t.find("见下表").expect("见下表");
                d.push(&p_xml(
                    "",
                    &format!(
                        "{}<w:moveFromRangeStart w:id=\"20\" w:name=\"move1\" {REV}/>\
<w:moveFrom w:id=\"21\" {REV}>{}</w:moveFrom><w:moveFromRangeEnd w:id=\"20\"/>\
<w:customXml w:element=\"kind\">{}</w:customXml>{}\
<w:moveToRangeStart w:id=\"22\" w:name=\"move1\" {REV}/><w:moveTo w:id=\"23\" {REV}>{}</w:moveTo>\
<w:moveToRangeEnd w:id=\"22\"/>{}",
                        run(&t[..a]),
                        run("见下表"),
                        run(&t[a..b]),
                        run(&t[b..c]),
                        run("见下表"),
                        run(&t[c + "见下表".len()..]),
                    ),
                ));
            }
            "other" => {
                let [fee, proposals] = [&s.outro[0], &s.outro[1]];
                d.push(&p(fee));
                // 12 as the result of a nested field: the inner field's result (7) belongs to the
                // outer field's instruction and is never printed.
                let (head, tail) = proposals.split_at(proposals.find("12件").expect("12件"));
                let tail = &tail[2..];
                let fld = |t: &str| format!("<w:r><w:fldChar w:fldCharType=\"{t}\"/></w:r>");
                let instr = |t: &str| {
                    format!(
                        "<w:r><w:instrText xml:space=\"preserve\">{}</w:instrText></w:r>",
                        esc(t)
                    )
                };
                d.push(&p_xml(
                    "",
                    &[
                        run(head),
                        fld("begin"),
                        instr(" = "),
                        fld("begin"),
                        instr(" DOCPROPERTY 建议数 "),
                        fld("separate"),
                        run("7"),
                        fld("end"),
                        instr(" + 5 "),
                        fld("separate"),
                        run("12"),
                        fld("end"),
                        run(tail),
                    ]
                    .concat(),
                ));
                // dir / bdo wrappers (kept), then a symbol, a carriage return, a no-break hyphen.
                d.push(&p_xml(
                    "",
                    &format!(
                        "{}<w:dir w:val=\"ltr\">{}</w:dir><w:bdo w:val=\"ltr\">{}</w:bdo>{}\
<w:r><w:sym w:font=\"Wingdings\" w:char=\"F0FC\"/></w:r><w:r><w:cr/></w:r>{}\
<w:r><w:t>附表编号A</w:t><w:noBreakHyphen/><w:t>1。</w:t></w:r>",
                        run("（三）其他："),
                        run("本报告"),
                        run("以中文"),
                        run("发布"),
                        run("另附")
                    ),
                ));
                // A VML-only text box (as WPS writes them), read once.
                d.push(&p_xml(
                    "",
                    &format!(
                        "<w:r><w:pict><v:shape id=\"文本框 9\" o:spid=\"_x0000_s1090\" type=\"#_x0000_t202\" \
style=\"position:absolute;width:400pt;height:40pt\"><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>",
                        p("（四）本年度无其他需要报告的事项。")
                    ),
                ));
                // A layout table: legacy hMerge in the first row, a nested table in the second.
                let mut first = Tc::text("附件说明");
                first.extra_pr = "<w:hMerge w:val=\"restart\"/>".into();
                let mut covered = Tc::empty();
                covered.extra_pr = "<w:hMerge/>".into();
                let nested = docx::table(
                    &[1800, 1800],
                    &[Tr::new(vec![Tc::text("联系人"), Tc::text("王某")])],
                );
                d.push(&docx::table(
                    &[1800, 1800, 3600],
                    &[
                        Tr::new(vec![first, covered, Tc::text("本报告附统计表三张")]),
                        Tr::new(vec![Tc::xml(format!("{nested}<w:p/>")).span(3)]),
                    ],
                ));
            }
            _ => push_section_body(&mut d, s, |i, text| p(&format!("（{}）{text}", CN[i]))),
        }
        push_table(&mut d, spec, s.id, &look);
    }
    d.push(&p_right(&run(&spec.office)));
    d.push(&p_right(&run(&full_width_digits(&spec.date_cn()))));
    d.build()
}

/// The expectations of the `tricky` shape.
pub fn expected_tricky(spec: &ReportSpec) -> Expected {
    let mut e = spec.expected();
    e.locations = Some(template_locations(false, 1));
    e.absent = vec![
        "有所下降".into(),
        "old.example.org".into(),
        "HYPERLINK".into(),
        "_GoBack".into(),
        "&#x4E00;".into(),
        "&amp;".into(),
    ];
    e.once = vec![
        format!("地址：{}", spec.address),
        format!("邮编：{}", spec.postcode),
        "电子邮箱：".into(),
    ];
    e.absent.extend(
        [
            TRICKY_HEADER,
            TRICKY_FOOTER,
            TRICKY_FOOTNOTE,
            TRICKY_COMMENT,
            TRICKY_ENDNOTE,
            "DOCPROPERTY",
            "REF _Ref1",
            "建议712件",
            "、见下表提起",
            "附件说明",
            "联系人",
        ]
        .map(String::from),
    );
    e.once.push("本年度无其他需要报告的事项".into());
    e.once.extend(TRICKY_GROUP_BOXES.map(String::from));
    for s in &mut e.sections {
        if s.id == "problems" {
            s.known
                .push("下一步将统筹推进政务公开&政务服务标准化建设。".into());
        }
        if s.id == "other" {
            s.known.extend(
                [
                    "（三）其他：本报告以中文发布",
                    "附表编号A",
                    "（四）本年度无其他需要报告的事项。",
                ]
                .map(String::from),
            );
        }
    }
    e
}
