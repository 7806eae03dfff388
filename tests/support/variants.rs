//! Variants seen in the wild, as .docx files built from the standard spec: 表四 without its
//! labels, split into its three blocks or only in prose; placeholders, units and years in cells
//! and headers; the Shanghai outline with the tables in an appendix. Unlike `samples/`, some of
//! these legitimately lose something (their warnings say what), so they live in `variants/`.

use super::docx::{self, p, p_center, p_style, run, Docx, Tc, Tr};
use super::report::{
    expected_with, push_table, standard_docx_with, t4_id, table2, table3, ExpFigure, ExpSection,
    Expected, Look, ReportSpec, V,
};

/// One generated variant with what it must give.
pub struct Variant {
    /// The file is `fixtures/variants/{name}.docx`.
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub expected: Expected,
    /// Text one of the report's warnings must contain.
    pub warning: Option<&'static str>,
}

fn value_cell(v: &V) -> Tc {
    Tc::xml(super::report::plain_cell("", v))
}

/// 表四 as one row of 15 value cells, no header.
fn t4_flat_row(spec: &ReportSpec) -> String {
    docx::table(
        &[560; 15],
        &[Tr::new(spec.t4.iter().map(value_cell).collect())],
    )
}

/// 表四 as three 5-column tables: 行政复议 named by a caption paragraph, the two 行政诉讼
/// blocks by a merged title row.
fn t4_three_tables(d: &mut Docx, spec: &ReportSpec) {
    let results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let block = |title: Option<&str>, b: usize| {
        let mut rows = Vec::new();
        if let Some(t) = title {
            rows.push(Tr::new(vec![Tc::text(t).span(5)]));
        }
        rows.push(Tr::new(results.iter().map(|h| Tc::text(h)).collect()));
        rows.push(Tr::new(
            (0..5).map(|i| value_cell(&spec.t4[b * 5 + i])).collect(),
        ));
        docx::table(&[900; 5], &rows)
    };
    d.push(&p_center(&run("行政复议")));
    d.push(&block(None, 0));
    d.push(&block(Some("行政诉讼（未经复议直接起诉）"), 1));
    d.push(&block(Some("行政诉讼（复议后起诉）"), 2));
}

/// A value cell with placeholders and units as some offices print them.
fn placeholder_cell(metric: &str, v: &V) -> String {
    let text = match metric {
        "t2.regulations.issued" => "—",
        "t2.regulations.repealed" => "无",
        "t2.fees.amount_wan" => "103.3879万元",
        "t4.suit_after_review.upheld" => "—",
        "t4.suit_after_review.corrected" => "无",
        _ => return super::report::plain_cell(metric, v),
    };
    p_center(&run(text))
}

fn na(e: &mut Expected, metrics: &[&str]) {
    for f in e.figures.iter_mut() {
        if metrics.contains(&f.metric.as_str()) {
            f.value = None;
            f.semantic = "na";
        }
    }
}

fn no_locations(mut e: Expected) -> Expected {
    e.locations = None;
    e.table_numbers = None;
    e
}

pub fn variants() -> Vec<Variant> {
    let spec = ReportSpec::standard();
    let plain = Look::plain();
    let mut out = Vec::new();

    // 表四 as one flat row of 15 numbers, no labels
    let bytes = standard_docx_with(&spec, &|d: &mut Docx, s: &str| match s {
        "review_litigation" => d.push(&t4_flat_row(&spec)),
        _ => push_table(d, &spec, s, &plain),
    })
    .build();
    out.push(Variant {
        name: "t4_flat_row",
        bytes,
        expected: no_locations(spec.expected()),
        warning: Some("row of 15 numbers"),
    });

    // 表四 as a line of text: blanks cannot be printed in a line, so they are 0 here
    let mut line_spec = spec.clone();
    for v in line_spec.t4.iter_mut() {
        if *v == V::Blank {
            *v = V::n(0);
        }
    }
    let line: Vec<String> = line_spec
        .t4
        .iter()
        .map(|v| match v {
            V::N(s) => s.clone(),
            _ => "/".into(),
        })
        .collect();
    let bytes = standard_docx_with(&line_spec, &|d: &mut Docx, s: &str| match s {
        "review_litigation" => {
            d.push(&p("行政复议 行政诉讼"));
            d.push(&p(&line.join("  ")));
        }
        _ => push_table(d, &line_spec, s, &plain),
    })
    .build();
    let mut e = no_locations(line_spec.expected());
    for f in e.figures.iter_mut().filter(|f| f.metric.starts_with("t4.")) {
        f.origin = Some("text");
    }
    e.once.push(line.join("  "));
    out.push(Variant {
        name: "t4_line",
        bytes,
        expected: e,
        warning: Some("line of text"),
    });

    // 表四 as three 5-column tables
    let bytes = standard_docx_with(&spec, &|d: &mut Docx, s: &str| match s {
        "review_litigation" => t4_three_tables(d, &spec),
        _ => push_table(d, &spec, s, &plain),
    })
    .build();
    out.push(Variant {
        name: "t4_three_tables",
        bytes,
        expected: no_locations(spec.expected()),
        warning: None,
    });

    // 表四 only in prose
    let mut prose_spec = spec.clone();
    let prose = "本年度共发生政府信息公开行政复议28件、行政诉讼11件，均已依法办结。";
    prose_spec.sections[3].intro = vec![prose.into()];
    prose_spec.sections[3].known = prose.into();
    let bytes = standard_docx_with(&prose_spec, &|d: &mut Docx, s: &str| match s {
        "review_litigation" => {}
        _ => push_table(d, &prose_spec, s, &plain),
    })
    .build();
    let mut e = no_locations(prose_spec.expected());
    e.figures = expected_with(
        prose_spec.t2_ids(),
        &prose_spec.t2,
        prose_spec.t3_rows(),
        &prose_spec.t3,
        &[],
    );
    e.figures.push(ExpFigure {
        metric: "t4.review.total".into(),
        value: Some("28".into()),
        semantic: "number",
        origin: Some("text"),
    });
    out.push(Variant {
        name: "t4_prose",
        bytes,
        expected: e,
        warning: Some("not split"),
    });

    // placeholders, units and years inside headers
    let look = Look {
        year_headers: Some(spec.year),
        cell: &placeholder_cell,
        ..Look::plain()
    };
    let bytes = standard_docx_with(&spec, &|d: &mut Docx, s: &str| {
        push_table(d, &spec, s, &look)
    })
    .build();
    let mut e = spec.expected();
    na(
        &mut e,
        &[
            "t2.regulations.issued",
            "t2.regulations.repealed",
            "t4.suit_after_review.upheld",
            "t4.suit_after_review.corrected",
        ],
    );
    out.push(Variant {
        name: "placeholders_units",
        bytes,
        expected: e,
        warning: None,
    });

    out.push(shanghai(&spec));

    // the tables without a grid (printed to PDF for the column reader)
    for (name, rules) in [
        ("tables_three_line", Rules::ThreeLine),
        ("tables_no_rules", Rules::None),
    ] {
        out.push(Variant {
            name,
            bytes: unruled(rules),
            expected: spec.expected(),
            warning: None,
        });
    }
    out
}

/// The Shanghai outline: ten headings in a heading style, several with no national section of
/// their own, and the three tables in an appendix (附件) under their own captions.
fn shanghai(spec: &ReportSpec) -> Variant {
    let requests = format!(
        "全年新收政府信息公开申请{}件，均在法定期限内答复，详见附件表三。",
        spec.t3[0][6].num()
    );
    let paras: [(&str, &str, Option<&'static str>); 10] = [
        (
            "一、总体情况",
            "2023年，区政府办公室持续深化政务公开，全年主动公开政府信息1532条。",
            Some("overview"),
        ),
        (
            "二、工作机制保障",
            "健全政务公开领导小组，明确分管领导和专职人员，落实公开属性源头认定机制。",
            None,
        ),
        (
            "三、主动公开工作情况",
            "围绕重点领域信息公开，全年发布政策解读材料58篇，组织政府开放活动6场。",
            Some("active_disclosure"),
        ),
        ("四、依申请公开工作情况", &requests, Some("requests")),
        (
            "五、政府信息管理工作情况",
            "开展规范性文件清理，公开行政规范性文件目录，动态更新现行有效文件。",
            None,
        ),
        (
            "六、政府信息公开平台建设情况",
            "优化区政府门户网站政府信息公开专栏，推进政务新媒体规范化建设。",
            None,
        ),
        (
            "七、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "本年度因政府信息公开被申请行政复议和提起行政诉讼的情况见附件表四。",
            Some("review_litigation"),
        ),
        (
            "八、存在的主要问题及改进情况",
            "主要问题是政策解读的针对性仍需加强；下一步将丰富解读形式。",
            Some("problems"),
        ),
        (
            "九、其他需要报告的事项",
            "本年度未收取政府信息公开信息处理费。",
            Some("other"),
        ),
        ("附件", "政府信息公开情况统计表", None),
    ];
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
    for (h, text, _) in &paras {
        d.push(&p_style("1", &run(h)));
        d.push(&p(text));
    }
    let look = Look::plain();
    d.push(&p_center(&run("表二 主动公开政府信息情况")));
    d.push(&table2(spec, &look));
    d.push(&p_center(&run("表三 收到和处理政府信息公开申请情况")));
    d.push(&table3(spec, &look));
    d.push(&p_center(&run("表四 政府信息公开行政复议、行政诉讼情况")));
    d.push(&super::report::table4(spec, &look));
    let mut e = spec.expected();
    e.check_meta = false;
    e.locations = None;
    e.table_numbers = Some([1, 2, 3]);
    e.sections = paras
        .iter()
        .filter_map(|(h, text, id)| {
            id.map(|id| ExpSection {
                id,
                heading: h.to_string(),
                known: vec![text.to_string()],
            })
        })
        .collect();
    // the text under headings with no national section is kept, once, somewhere
    e.once = paras
        .iter()
        .filter(|(_, _, id)| id.is_none())
        .map(|(_, text, _)| text.to_string())
        .collect();
    Variant {
        name: "shanghai_outline",
        bytes: d.build(),
        expected: e,
        warning: None,
    }
}

/// Variants whose tables break an identity on purpose, so a check must fail (kept out of
/// [`variants`], where every identity holds).
pub fn failing_variants() -> Vec<Variant> {
    vec![t4_blank_totals()]
}

/// 表四 as offices fill it in, with zeros left blank: 行政复议 prints 总计 `2` over four blank
/// cells (0 + 0 + 0 + 0 ≠ 2), 未经复议直接起诉 prints `1` once and leaves the rest blank (adds
/// up), 复议后起诉 has a `/`.
pub fn t4_blank_totals_spec() -> ReportSpec {
    let mut spec = ReportSpec::standard();
    spec.t4 = vec![
        V::Blank,
        V::Blank,
        V::Blank,
        V::Blank,
        V::n(2),
        V::n(1),
        V::Blank,
        V::Blank,
        V::Blank,
        V::n(1),
        V::Na,
        V::Blank,
        V::n(0),
        V::Blank,
        V::n(0),
    ];
    spec
}

fn t4_blank_totals() -> Variant {
    let spec = t4_blank_totals_spec();
    let bytes = standard_docx_with(&spec, &|d: &mut Docx, s: &str| {
        push_table(d, &spec, s, &Look::plain())
    })
    .build();
    Variant {
        name: "t4_blank_totals",
        bytes,
        expected: spec.expected(),
        warning: None,
    }
}

/// What `t4.block_total` must say for each 表四 block of `t4` (15 values in template order),
/// worked out from the values alone: a `/` leaves the block `uncertain`; otherwise blanks count
/// as 0 and the block passes or fails, naming its blank cells (total first, then the parts).
pub struct BlockCheck {
    pub block: &'static str,
    pub status: &'static str,
    pub expected: f64,
    pub actual: f64,
    pub blanks: Vec<String>,
}

pub fn t4_block_checks(t4: &[V]) -> Vec<BlockCheck> {
    let blocks = ["review", "suit_direct", "suit_after_review"];
    blocks
        .iter()
        .enumerate()
        .map(|(b, block)| {
            let values = &t4[b * 5..b * 5 + 5];
            // the total is the fifth value and the left side of the identity
            let order = [4, 0, 1, 2, 3];
            let blanks = order
                .iter()
                .filter(|&&i| values[i] == V::Blank)
                .map(|&i| t4_id(b * 5 + i))
                .collect();
            let expected = values[4].num();
            let actual: f64 = values[..4].iter().map(V::num).sum();
            let status = if values.contains(&V::Na) {
                "uncertain"
            } else if expected == actual {
                "pass"
            } else {
                "fail"
            };
            BlockCheck {
                block,
                status,
                expected,
                actual,
                blanks,
            }
        })
        .collect()
}

/// How the three tables of [`unruled`] are ruled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rules {
    /// A 三线表: a rule above the table, one under its header, one below it; no vertical rule.
    ThreeLine,
    /// No rule at all: the table is only aligned text.
    None,
}

/// The standard report with its three tables drawn without a grid ([`Rules`]) and set in 10.5 pt
/// (五号, as offices set tables), the cells and merges unchanged. Printed to PDF by LibreOffice
/// for `fixtures/pdf/standard_three_line.pdf` and `standard_no_rules.pdf`.
pub fn unruled(rules: Rules) -> Vec<u8> {
    let spec = ReportSpec::standard();
    let plain = Look::plain();
    standard_docx_with(&spec, &|d: &mut Docx, s: &str| {
        let (xml, header_rows) = match s {
            "active_disclosure" => (table2(&spec, &plain), 2),
            "requests" => (table3(&spec, &plain), 3),
            "review_litigation" => (super::report::table4(&spec, &plain), 3),
            _ => return,
        };
        d.push(&restyle(&xml, rules, header_rows));
    })
    .build()
}

/// Rewrites a table of `docx::table`: borders as `rules` say, runs in 10.5 pt.
fn restyle(xml: &str, rules: Rules, header_rows: usize) -> String {
    let nil = |side: &str| format!("<w:{side} w:val=\"nil\"/>");
    let thick = |side: &str| {
        format!("<w:{side} w:val=\"single\" w:sz=\"12\" w:space=\"0\" w:color=\"auto\"/>")
    };
    let outer = |side: &str| match rules {
        Rules::ThreeLine => thick(side),
        Rules::None => nil(side),
    };
    let borders = format!(
        "<w:tblBorders>{}{}{}{}{}{}</w:tblBorders><w:tblLook",
        outer("top"),
        nil("left"),
        outer("bottom"),
        nil("right"),
        nil("insideH"),
        nil("insideV"),
    );
    let xml = xml.replacen("<w:tblLook", &borders, 1);
    let sized = "<w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/>";
    let xml = xml
        .replace("<w:r><w:rPr>", &format!("<w:r><w:rPr>{sized}"))
        .replace("<w:r><w:t", &format!("<w:r><w:rPr>{sized}</w:rPr><w:t"));
    if rules == Rules::None {
        return xml;
    }
    // The header rule: the bottom border of every cell of the last header row.
    let mut out = String::new();
    for (i, row) in xml.split("<w:tr>").enumerate() {
        if i > 0 {
            out.push_str("<w:tr>");
        }
        if i == header_rows {
            let rule = "<w:tcBorders><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"0\" w:color=\"auto\"/></w:tcBorders><w:vAlign";
            out.push_str(&row.replace("<w:vAlign", rule));
        } else {
            out.push_str(row);
        }
    }
    out
}
