//! Splits the body into the six sections of the national outline, by meaning.
//!
//! A heading is a short paragraph (≤ 40 characters after its number) naming a section; it may be
//! numbered `一、`, `1、`, `3、`, `（三）`, `三.`, by a Word list label, or not at all. Full titles
//! (主动公开政府信息情况, 收到和处理…申请情况, 行政复议…诉讼, 存在的…问题…改进, 其他需(要)报告的事项,
//! 总体情况) are headings whatever their number; short ones (主动公开情况, 依申请公开) only with the
//! section's own number. Sections must come in order, so a later mention never reopens an earlier
//! section.

use super::text::{compact, split_numbering, Numbering};
use super::{Section, SectionId, ORIGIN_OCR, ORIGIN_TEXT};
use crate::model::{Block, Document, Paragraph};

/// The longest heading, in characters after its number.
const MAX_HEADING: usize = 40;

fn ordinal(id: SectionId) -> u32 {
    match id {
        SectionId::Overview => 1,
        SectionId::ActiveDisclosure => 2,
        SectionId::Requests => 3,
        SectionId::ReviewLitigation => 4,
        SectionId::Problems => 5,
        SectionId::Other => 6,
        SectionId::Preamble | SectionId::Body | SectionId::Notes | SectionId::Pictures => 0,
    }
}

/// Which section a heading text (number removed) names, and whether the naming is strong
/// (a full title) or weak (a short form that needs the right number).
fn section_words(t: &str) -> Option<(SectionId, bool)> {
    use SectionId::*;
    let has = |w: &str| t.contains(w);
    let strong = if has("总体情况") {
        Some(Overview)
    } else if has("主动公开政府信息") {
        Some(ActiveDisclosure)
    } else if has("收到和处理") || has("政府信息公开申请情况") || has("依申请公开政府信息情况")
    {
        Some(Requests)
    } else if has("复议") && has("诉讼") {
        Some(ReviewLitigation)
    } else if has("问题") && (has("改进") || has("整改") || has("措施")) {
        Some(Problems)
    } else if has("其他需要报告") || has("其他需报告") || has("其他事项") {
        Some(Other)
    } else {
        None
    };
    if let Some(id) = strong {
        return Some((id, true));
    }
    let weak = if has("概述") || has("基本情况") {
        Overview
    } else if has("主动公开") {
        ActiveDisclosure
    } else if has("申请") {
        Requests
    } else if has("复议") || has("诉讼") {
        ReviewLitigation
    } else if has("问题") {
        Problems
    } else if has("其他") {
        Other
    } else {
        return None;
    };
    Some((weak, false))
}

/// Whether a paragraph is a section heading, and of which section, with a score: a full title
/// with its own number 5, a full title 3, a short form with its own Chinese number (or a heading
/// style) 2, with its own Arabic number 1.
pub fn heading_score(p: &Paragraph) -> Option<(SectionId, u32)> {
    let printed = p.printed();
    // A sentence's full stop is never part of a heading nor of its number, and folding leaves
    // it as it is: a paragraph of running text is turned away before it is folded.
    if printed.contains('。') {
        return None;
    }
    // table-of-contents lines: dot leaders or a page number after a tab
    if printed.contains('…') || printed.contains("...") || printed.contains("··") {
        return None;
    }
    if let Some((_, after)) = printed.trim_end().rsplit_once('\t') {
        if !after.is_empty() && after.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let t = compact(&printed);
    let t = t.trim_end_matches([':', '：']);
    let (num, rest) = split_numbering(t);
    if rest.is_empty() || rest.chars().count() > MAX_HEADING || rest.contains('。') {
        return None;
    }
    let (id, strong) = section_words(rest)?;
    let styled = p.outline_level.is_some_and(|l| l <= 1)
        || p.style.as_deref().is_some_and(|s| {
            let s = s.to_lowercase();
            s.contains("heading") || s.contains("标题")
        });
    let own = ordinal(id);
    let score = match (num, strong) {
        (Some(Numbering::Chinese(n) | Numbering::Arabic(n)), true) if n == own => 5,
        (Some(Numbering::Paren(n)), true) if n == own => 3,
        (Some(Numbering::Paren(_)), true) if styled => 2,
        (Some(Numbering::Paren(_)), true) => return None,
        (_, true) => 3,
        (Some(Numbering::Chinese(n)), false) if n == own => 2,
        (Some(Numbering::Arabic(n)), false) if n == own => 1,
        (_, false) if styled => 2,
        _ => return None,
    };
    Some((id, score))
}

/// Whether a paragraph is a section heading, and of which section.
pub fn heading_of(p: &Paragraph) -> Option<SectionId> {
    heading_score(p).map(|(id, _)| id)
}

/// A numbered heading run into its paragraph (`二、主动公开政府信息情况。本年度…`): the heading,
/// its score and the rest of the text.
fn run_in_heading(printed: &str) -> Option<(SectionId, u32, String, String)> {
    let t = printed.trim();
    let (pos, sep) = t
        .char_indices()
        .take(MAX_HEADING + 8)
        .find(|(_, c)| matches!(c, '。' | '：' | ':' | '\n'))?;
    let head = &t[..pos];
    let (num, _) = split_numbering(&compact(head));
    if !matches!(num, Some(Numbering::Chinese(_) | Numbering::Arabic(_))) {
        return None;
    }
    let (id, score) = heading_score(&Paragraph {
        text: head.to_string(),
        ..Default::default()
    })?;
    let rest = t[pos + sep.len_utf8()..].trim().to_string();
    Some((id, score, head.trim().to_string(), rest))
}

/// A heading candidate: paragraph index, section, score, heading as printed, run-in text.
struct Candidate {
    para: usize,
    id: SectionId,
    score: u32,
    heading: String,
    rest: Option<String>,
}

/// The chain of candidates with strictly increasing sections and the highest total score.
fn best_chain(c: &[Candidate]) -> Vec<usize> {
    let mut best: Vec<(u32, Option<usize>)> = Vec::with_capacity(c.len());
    for i in 0..c.len() {
        let mut b = (c[i].score, None);
        for j in 0..i {
            if c[j].id < c[i].id && best[j].0 + c[i].score > b.0 {
                b = (best[j].0 + c[i].score, Some(j));
            }
        }
        best.push(b);
    }
    let mut end = None;
    for (i, b) in best.iter().enumerate() {
        if end.is_none_or(|e: usize| b.0 > best[e].0) {
            end = Some(i);
        }
    }
    let mut chain = Vec::new();
    while let Some(i) = end {
        chain.push(i);
        end = best[i].1;
    }
    chain.reverse();
    chain
}

fn push_line(text: &mut String, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(line);
}

/// Splits the body paragraphs into the preamble and the sections found, in order.
pub fn split_sections(doc: &Document) -> Vec<Section> {
    let paras: Vec<String> = doc
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.printed()),
            _ => None,
        })
        .collect();
    let read_by_ocr: Vec<bool> = doc
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(is_ocr(p)),
            _ => None,
        })
        .collect();
    let mut cands = Vec::new();
    for (i, p) in doc
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p),
            _ => None,
        })
        .enumerate()
    {
        if let Some((id, score)) = heading_score(p) {
            cands.push(Candidate {
                para: i,
                id,
                score,
                heading: paras[i].trim().to_string(),
                rest: None,
            });
        } else if let Some((id, score, heading, rest)) = run_in_heading(&paras[i]) {
            cands.push(Candidate {
                para: i,
                id,
                score,
                heading,
                rest: Some(rest),
            });
        }
    }
    let chain = best_chain(&cands);
    let mut out = vec![Section {
        id: SectionId::Preamble,
        heading: String::new(),
        text: String::new(),
        origin: ORIGIN_TEXT,
    }];
    let mut next = chain.iter().map(|&k| &cands[k]).peekable();
    for (i, printed) in paras.iter().enumerate() {
        if let Some(c) = next.next_if(|c| c.para == i) {
            let mut text = String::new();
            if let Some(rest) = &c.rest {
                push_line(&mut text, rest);
            }
            out.push(Section {
                id: c.id,
                heading: c.heading.clone(),
                text,
                origin: origin(read_by_ocr[i]),
            });
        } else if let Some(s) = out.last_mut() {
            push_line(&mut s.text, printed);
            if read_by_ocr[i] && !printed.trim().is_empty() {
                s.origin = ORIGIN_OCR;
            }
        }
    }
    if out[0].text.is_empty() && out.len() > 1 {
        out.remove(0);
    }
    out
}

/// Footnotes, endnotes and comments as one `Notes` section (`None` when there are none): their
/// paragraphs as printed, a table's rows as lines of tab-separated cells.
pub fn notes(doc: &Document) -> Option<Section> {
    let mut text = String::new();
    for b in &doc.notes {
        match b {
            Block::Paragraph(p) => push_line(&mut text, &p.printed()),
            Block::Table(t) => {
                for row in 0..t.rows {
                    let cells: Vec<&str> = t
                        .cells
                        .iter()
                        .filter(|c| c.row == row)
                        .map(|c| c.text.as_str())
                        .collect();
                    push_line(&mut text, &cells.join("\t"));
                }
            }
            Block::Image(_) => {}
        }
    }
    (!text.is_empty()).then(|| Section {
        id: SectionId::Notes,
        heading: String::new(),
        text,
        origin: ORIGIN_TEXT,
    })
}

/// The pictures' descriptions, each after the id the picture has in images.csv (`I` + its
/// position among the document's images).
pub fn picture_descriptions(doc: &Document) -> Option<Section> {
    let mut text = String::new();
    for (i, img) in doc.images.iter().enumerate() {
        for line in img.description.iter().flat_map(|d| d.lines()) {
            push_line(&mut text, &format!("[I{}] {line}", i + 1));
        }
    }
    (!text.is_empty()).then(|| Section {
        id: SectionId::Pictures,
        heading: String::new(),
        text,
        origin: ORIGIN_TEXT,
    })
}

/// The text of a document that is not an annual report, as one `Body` section.
pub fn as_body(doc: &Document) -> Vec<Section> {
    let mut text = String::new();
    let mut ocr = false;
    for b in &doc.body {
        if let Block::Paragraph(p) = b {
            push_line(&mut text, &p.printed());
            ocr |= is_ocr(p) && !p.text.trim().is_empty();
        }
    }
    vec![Section {
        id: SectionId::Body,
        heading: String::new(),
        text,
        origin: origin(ocr),
    }]
}

/// A paragraph read by OCR from a picture of a page: only those carry a confidence.
fn is_ocr(p: &Paragraph) -> bool {
    p.confidence.is_some()
}

fn origin(ocr: bool) -> &'static str {
    if ocr {
        ORIGIN_OCR
    } else {
        ORIGIN_TEXT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognise::testutil::{doc, labelled, lines_doc, para, SEED};
    use SectionId::*;

    fn ids(s: &[Section]) -> Vec<SectionId> {
        s.iter().map(|s| s.id).collect()
    }

    #[test]
    fn seed_sections() {
        let s = split_sections(&lines_doc(SEED));
        assert_eq!(
            ids(&s),
            vec![
                Preamble,
                Overview,
                ActiveDisclosure,
                Requests,
                ReviewLitigation,
                Problems,
                Other
            ]
        );
        let h: Vec<&str> = s.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            h,
            vec![
                "",
                "一、总体情况",
                "二、主动公开政府信息情况",
                "3、 收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况",
                "5、 存在的主要问题及改进情况",
                "六、其他需要报告的事项"
            ]
        );
        assert!(s[0]
            .text
            .starts_with("威海市文登区天福街道办事处\n2023年政府信息公开工作年度报告\n根据"));
        assert_eq!(s[1].text.lines().count(), 6);
        assert!(s[1].text.contains("（五）监督保障方面"));
        assert_eq!(s[2].text, "[image: 图片4]");
        assert_eq!(s[3].text, "[image: 图片3]");
        assert!(s[5].text.starts_with("存在问题：") && s[5].text.contains("\n整改措施："));
        assert!(s[6]
            .text
            .ends_with("威海市文登区天福街道办事处\n2024年1月22日"));
    }

    #[test]
    fn numbering_variants_and_titles() {
        let d = doc(vec![
            para("某某局2023年政府信息公开工作年度报告"),
            labelled("一、", "总体情况"),
            para("（一）主动公开情况"),
            para("本机关主动公开政府信息情况良好，行政复议和行政诉讼均为零。"),
            para("（二）主动公开政府信息情况"),
            para("三.收到和处理政府信息公开申请情况"),
            para("（四）因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
            para("存在的问题和改进措施"),
            para("六、其他需报告的事项"),
            para("无。"),
        ]);
        let s = split_sections(&d);
        assert_eq!(
            ids(&s),
            vec![
                Preamble,
                Overview,
                ActiveDisclosure,
                Requests,
                ReviewLitigation,
                Problems,
                Other
            ]
        );
        assert_eq!(s[1].heading, "一、总体情况");
        assert_eq!(
            s[1].text,
            "（一）主动公开情况\n本机关主动公开政府信息情况良好，行政复议和行政诉讼均为零。"
        );
        assert_eq!(s[2].heading, "（二）主动公开政府信息情况");
        assert_eq!(s[6].text, "无。");
    }

    #[test]
    fn unnumbered_and_alternative_titles() {
        let d = lines_doc(
            "报告\n总体情况\n正文\n主动公开政府信息情况\n收到和处理政府信息公开申请情况\n\
             政府信息公开行政复议及行政诉讼情况\n存在的问题及改进情况\n其他需要报告的事项\n",
        );
        assert_eq!(
            ids(&split_sections(&d)),
            vec![
                Preamble,
                Overview,
                ActiveDisclosure,
                Requests,
                ReviewLitigation,
                Problems,
                Other
            ]
        );
    }

    #[test]
    fn body_mentions_are_not_headings() {
        assert_eq!(heading_of(&Paragraph {
            text: "本报告内容包括：总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议及行政诉讼情况。".into(),
            ..Default::default()
        }), None);
        assert_eq!(
            heading_of(&Paragraph {
                text: "（一）主动公开方面。本机关坚持公开为原则。".into(),
                ..Default::default()
            }),
            None
        );
        // a weak title needs its own number
        assert_eq!(
            heading_of(&Paragraph {
                text: "（一）主动公开情况".into(),
                ..Default::default()
            }),
            None
        );
        assert_eq!(
            heading_of(&Paragraph {
                text: "二、主动公开情况".into(),
                ..Default::default()
            }),
            Some(ActiveDisclosure)
        );
    }

    #[test]
    fn heading_run_into_text() {
        let d = lines_doc(
            "一、总体情况：本机关认真落实条例。\n（一）主动公开方面。本机关坚持公开为原则。\n\
             二、主动公开政府信息情况。本年度主动公开信息100条。",
        );
        let mut d = d;
        d.body.push(para(
            "三、收到和处理政府信息公开申请情况\n本年度未收到申请。",
        ));
        let s = split_sections(&d);
        assert_eq!(ids(&s), vec![Overview, ActiveDisclosure, Requests]);
        assert_eq!(s[2].heading, "三、收到和处理政府信息公开申请情况");
        assert_eq!(s[2].text, "本年度未收到申请。");
        assert_eq!(s[0].heading, "一、总体情况");
        assert_eq!(
            s[0].text,
            "本机关认真落实条例。\n（一）主动公开方面。本机关坚持公开为原则。"
        );
        assert_eq!(s[1].heading, "二、主动公开政府信息情况");
        assert_eq!(s[1].text, "本年度主动公开信息100条。");
    }

    #[test]
    fn numbered_subitems_do_not_steal_sections() {
        let d = lines_doc(
            "一、总体情况\n1.主动公开情况\n正文。\n3.依申请公开情况\n正文。\n\
             二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n正文。",
        );
        let s = split_sections(&d);
        assert_eq!(ids(&s), vec![Overview, ActiveDisclosure, Requests]);
        assert_eq!(
            s[0].text,
            "1.主动公开情况\n正文。\n3.依申请公开情况\n正文。"
        );
        // 2. and 3. under 总体情况 numbered like the sections: the full titles still win
        let d = lines_doc(
            "一、总体情况\n2.主动公开\n3.依申请公开\n二、主动公开政府信息情况\n\
             三、收到和处理政府信息公开申请情况",
        );
        let s = split_sections(&d);
        assert_eq!(s[1].heading, "二、主动公开政府信息情况");
        assert_eq!(s[2].heading, "三、收到和处理政府信息公开申请情况");
    }

    #[test]
    fn table_of_contents_is_not_headings() {
        let d = lines_doc(
            "目录\n一、总体情况……………1\n二、主动公开政府信息情况\t2\n一、总体情况\n正文。\n\
             二、主动公开政府信息情况",
        );
        let s = split_sections(&d);
        assert_eq!(ids(&s), vec![Preamble, Overview, ActiveDisclosure]);
        assert!(s[0].text.contains("目录"));
        assert_eq!(s[1].text, "正文。");
    }

    #[test]
    fn body_of_other_documents() {
        let s = as_body(&doc(vec![para("预算说明"), para(""), para(" 一、收入 ")]));
        assert_eq!(
            s,
            vec![Section {
                id: Body,
                heading: String::new(),
                text: "预算说明\n一、收入".into(),
                origin: ORIGIN_TEXT,
            }]
        );
    }

    /// A section is `ocr` when any of its text was read from a page picture (its paragraphs
    /// carry a confidence), `text` otherwise; the heading counts.
    #[test]
    fn sections_read_by_ocr_say_so() {
        let ocr = |t: &str| {
            let Block::Paragraph(mut p) = para(t) else {
                unreachable!()
            };
            p.confidence = Some(0.9);
            Block::Paragraph(p)
        };
        let d = doc(vec![
            para("某某局2023年政府信息公开工作年度报告"),
            para("一、总体情况"),
            ocr("2023年，某某局坚持以人民为中心。"),
            para("二、主动公开政府信息情况"),
            para("统计数据见下表。"),
            ocr("三、收到和处理政府信息公开申请情况"),
        ]);
        let origins: Vec<(SectionId, &str)> = split_sections(&d)
            .iter()
            .map(|s| (s.id, s.origin))
            .collect();
        assert_eq!(
            origins,
            [
                (Preamble, "text"),
                (Overview, "ocr"),
                (ActiveDisclosure, "text"),
                (Requests, "ocr")
            ]
        );
    }
}
