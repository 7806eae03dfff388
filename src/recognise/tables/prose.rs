//! 表四 without a table of labels: a line or row of 15 numbers in section 四, or counts written in
//! the prose (`行政复议28件`). Origin `text` for what is read from paragraphs.

use std::sync::LazyLock;

use regex::Regex;

use super::cells::{figure, parse_value};
use super::join::Unit;
use crate::model::{Cell, Document, Paragraph, TableOrigin};
use crate::recognise::metrics::{self, MetricId};
use crate::recognise::{Figure, Semantic};

/// The folded text of paragraph `p` when it is body text of the section on 行政复议/行政诉讼;
/// a section heading updates `in_section` and is not body text.
fn review_text(p: &Paragraph, in_section: &mut bool) -> Option<String> {
    match crate::recognise::sections::heading_of(p) {
        Some(id) => {
            *in_section = id == crate::recognise::SectionId::ReviewLitigation;
            None
        }
        None if !*in_section => None,
        None => Some(crate::recognise::text::fold(&p.printed())),
    }
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
        let Some(text) = review_text(p, &mut in_section) else {
            continue;
        };
        let tokens: Vec<&str> = text
            .split(|c: char| crate::recognise::text::is_space(c) || c == '|')
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
                    origin: text_origin(p),
                    location: format!("text p{n} item {}", k + 1),
                    cell: None,
                }
            })
            .collect();
        return Some((figs, "表四 read from a line of text"));
    }
    None
}

/// `text`, or `ocr` for a paragraph read from a picture of a page.
fn text_origin(p: &crate::model::Paragraph) -> &'static str {
    if p.confidence.is_some() {
        "ocr"
    } else {
        "text"
    }
}

/// 表四 only in prose (`行政复议28件、行政诉讼11件`) in the section on 行政复议/行政诉讼:
/// `t4.review.total` and, when the text splits the suits, `t4.suit_direct.total` and
/// `t4.suit_after_review.total`. A litigation total without the split has no metric of its own:
/// it is reported as a warning, never divided. Origin `text` (`ocr` from a scanned page),
/// location `text p{n}`.
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
    let mut found: [Option<(f64, String, usize, &'static str)>; 4] = Default::default();
    for b in &doc.body {
        let Block::Paragraph(p) = b else { continue };
        n += 1;
        let Some(text) = review_text(p, &mut in_section) else {
            continue;
        };
        for (slot, re) in found.iter_mut().zip(COUNT.iter()) {
            if slot.is_some() {
                continue;
            }
            if let Some(m) = re.captures(&text) {
                if let Ok(v) = m[1].parse::<f64>() {
                    *slot = Some((v, m[0].to_string(), n, text_origin(p)));
                }
            }
        }
    }
    let mut figs = Vec::new();
    let mut warnings = Vec::new();
    let mut push = |metric: &str, (v, raw, n, origin): &(f64, String, usize, &'static str)| {
        figs.push(Figure {
            metric: MetricId(metric.to_string()),
            value: Some(*v),
            raw: raw.clone(),
            semantic: if *v == 0.0 {
                Semantic::Zero
            } else {
                Semantic::Number
            },
            origin,
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
        (Some((_, raw, _, _)), _, _) => warnings.push(format!(
            "表四 only in the text: {raw:?} is not split into 未经复议直接起诉 and 复议后起诉, so no 行政诉讼 figure was read"
        )),
        _ => {}
    }
    if !figs.is_empty() {
        warnings.insert(0, "表四 read from the text (no table)".to_string());
    }
    (figs, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn figures_from_paragraphs_read_by_ocr_have_origin_ocr() {
        let mut d = crate::recognise::testutil::lines_doc(
            "四、政府信息公开行政复议、行政诉讼情况\n\
             本年度发生行政复议28件、行政诉讼11件。",
        );
        for b in &mut d.body {
            if let crate::model::Block::Paragraph(p) = b {
                p.confidence = Some(0.98);
            }
        }
        let (f, _) = t4_from_prose(&d);
        assert_eq!((f[0].value, f[0].origin), (Some(28.0), "ocr"));
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
        assert_eq!((f[0].value, f[0].origin), (Some(28.0), "text"));
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
}
