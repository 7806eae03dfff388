//! Splits the body into the six sections of the national outline, by meaning.
//!
//! A heading is a short paragraph (≤ 40 characters after its number) naming a section; it may be
//! numbered `一、`, `1、`, `3、`, `（三）`, `三.`, by a Word list label, or not at all. Full titles
//! (主动公开政府信息情况, 收到和处理…申请情况, 行政复议…诉讼, 存在的…问题…改进, 其他需(要)报告的事项,
//! 总体情况) are headings whatever their number; short ones (主动公开情况, 依申请公开) only with the
//! section's own number. Sections must come in order, so a later mention never reopens an earlier
//! section.

use super::text::{compact, split_numbering, Numbering};
use super::{Section, SectionId};
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
        SectionId::Preamble | SectionId::Body => 0,
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

/// Whether a paragraph is a section heading, and of which section.
pub fn heading_of(p: &Paragraph) -> Option<SectionId> {
    let t = compact(&p.printed());
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
    let ok = match num {
        None => strong || styled,
        Some(Numbering::Chinese(n) | Numbering::Arabic(n)) => strong || n == ordinal(id),
        Some(Numbering::Paren(n)) => n == ordinal(id) && (strong || styled),
    };
    ok.then_some(id)
}

/// A numbered heading run into its paragraph (`二、主动公开政府信息情况。本年度…`): the heading
/// and the rest of the text.
fn run_in_heading(printed: &str) -> Option<(SectionId, String, String)> {
    let t = printed.trim();
    let (pos, sep) = t
        .char_indices()
        .take(MAX_HEADING + 8)
        .find(|(_, c)| matches!(c, '。' | '：' | ':'))?;
    let head = &t[..pos];
    let (num, _) = split_numbering(&compact(head));
    if !matches!(num, Some(Numbering::Chinese(_) | Numbering::Arabic(_))) {
        return None;
    }
    let id = heading_of(&Paragraph {
        text: head.to_string(),
        ..Default::default()
    })?;
    let rest = t[pos + sep.len_utf8()..].trim().to_string();
    Some((id, head.trim().to_string(), rest))
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
    let mut out = vec![Section {
        id: SectionId::Preamble,
        heading: String::new(),
        text: String::new(),
    }];
    for b in &doc.body {
        let Block::Paragraph(p) = b else { continue };
        let current = out.last().map_or(SectionId::Preamble, |s| s.id);
        let printed = p.printed();
        let (heading, rest) = match heading_of(p) {
            Some(id) if id > current => (Some((id, printed.trim().to_string())), None),
            _ => match run_in_heading(&printed) {
                Some((id, h, rest)) if id > current => (Some((id, h)), Some(rest)),
                _ => (None, None),
            },
        };
        match heading {
            Some((id, heading)) => {
                let mut text = String::new();
                if let Some(rest) = rest {
                    push_line(&mut text, &rest);
                }
                out.push(Section { id, heading, text });
            }
            None => {
                if let Some(s) = out.last_mut() {
                    push_line(&mut s.text, &printed);
                }
            }
        }
    }
    if out[0].text.is_empty() && out.len() > 1 {
        out.remove(0);
    }
    out
}

/// The text of a document that is not an annual report, as one `Body` section.
pub fn as_body(doc: &Document) -> Vec<Section> {
    let mut text = String::new();
    for b in &doc.body {
        if let Block::Paragraph(p) = b {
            push_line(&mut text, &p.printed());
        }
    }
    vec![Section {
        id: SectionId::Body,
        heading: String::new(),
        text,
    }]
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
        let s = split_sections(&d);
        assert_eq!(ids(&s), vec![Overview, ActiveDisclosure]);
        assert_eq!(s[0].heading, "一、总体情况");
        assert_eq!(
            s[0].text,
            "本机关认真落实条例。\n（一）主动公开方面。本机关坚持公开为原则。"
        );
        assert_eq!(s[1].heading, "二、主动公开政府信息情况");
        assert_eq!(s[1].text, "本年度主动公开信息100条。");
    }

    #[test]
    fn body_of_other_documents() {
        let s = as_body(&doc(vec![para("预算说明"), para(""), para(" 一、收入 ")]));
        assert_eq!(
            s,
            vec![Section {
                id: Body,
                heading: String::new(),
                text: "预算说明\n一、收入".into()
            }]
        );
    }
}
