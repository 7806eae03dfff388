//! Lines → paragraphs, and the page furniture (running headers, footers, page numbers) kept out
//! of them. A paragraph starts where a line is indented, where the line before it stopped short
//! of the right margin, after a gap larger than the line pitch, or where the font size changes.

use std::sync::LazyLock;

use regex::Regex;

use super::lines::{join, Line};

/// A paragraph of a page, with the box of its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct PageParagraph {
    pub text: String,
    /// `[x0, y0, x1, y1]`.
    pub bbox: [f32; 4],
    /// The first line starts at the left margin, as the rest of a paragraph that began on the
    /// page before does.
    pub flush_start: bool,
    /// The last line runs to the right margin: the paragraph may go on on the next page.
    pub open_end: bool,
}

/// Page numbers as offices print them: `- 3 -`, `—3—`, `-3-`, `第3页`, `第 3 页 共 6 页`, `3`,
/// `3/6`, `Page 3`.
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:[-—–－]\s*[0-9]+\s*[-—–－]|第\s*[0-9]+\s*页(?:\s*[,，]?\s*共\s*[0-9]+\s*页)?|[0-9]+(?:\s*/\s*[0-9]+)?|(?i:page)\s*[0-9]+(?:\s*of\s*[0-9]+)?)\s*$",
    )
    .expect("page number pattern")
});

/// Whether a line is a page number.
pub fn is_page_number(text: &str) -> bool {
    PAGE_NUMBER.is_match(text)
}

/// The margins of the text block: the left edge most lines start at and the right edge most
/// full lines reach.
pub struct Margins {
    pub left: f32,
    pub right: f32,
    /// The font size of most body lines.
    pub body_size: f32,
}

impl Margins {
    /// From all body lines of the document: the left margin is the smallest start shared by
    /// several lines; the right margin the largest end shared by several lines.
    pub fn of(lines: &[&Line]) -> Margins {
        let mut starts: Vec<f32> = lines.iter().map(|l| l.x0()).collect();
        let mut ends: Vec<f32> = lines.iter().map(|l| l.x1()).collect();
        starts.sort_by(f32::total_cmp);
        ends.sort_by(f32::total_cmp);
        let shared = |v: &[f32], from_end: bool| -> f32 {
            // The first value (from the chosen end) that at least two other lines share within
            // 2 pt; a single outlier (a wide table caption) does not move the margin.
            let n = v.len();
            for k in 0..n {
                let a = if from_end { v[n - 1 - k] } else { v[k] };
                if v.iter().filter(|&&b| (b - a).abs() <= 2.0).count() >= 3.min(n) {
                    return a;
                }
            }
            if from_end {
                v.last().copied().unwrap_or(0.0)
            } else {
                v.first().copied().unwrap_or(0.0)
            }
        };
        let mut sizes: Vec<f32> = lines.iter().map(|l| l.size).collect();
        sizes.sort_by(f32::total_cmp);
        Margins {
            left: shared(&starts, false),
            right: shared(&ends, true),
            body_size: sizes.get(sizes.len() / 2).copied().unwrap_or(0.0),
        }
    }
}

/// Paragraphs from a page's body lines, top to bottom.
pub fn paragraphs(lines: &[Line], margins: &Margins) -> Vec<PageParagraph> {
    let mut out: Vec<PageParagraph> = Vec::new();
    let mut prev: Option<&Line> = None;
    for l in lines {
        let starts_new = match prev {
            None => true,
            Some(p) => {
                let em = p.size.max(l.size);
                let pitch = l.y - p.y;
                let indented = l.x0() > margins.left + em * 0.8;
                let prev_short = p.x1() < margins.right - em * 1.5;
                let gap = pitch > em * 2.1 || pitch < 0.0;
                let resized = (l.size - p.size).abs() > em * 0.15;
                // A title (larger than the body text, centred) wrapped over lines stays one
                // paragraph: its first line may fill the width, the next ones are centred.
                let centred = |x: &Line| {
                    let mid = (margins.left + margins.right) / 2.0;
                    ((x.x0() + x.x1()) / 2.0 - mid).abs() < em && x.x0() > margins.left + em
                };
                let full = p.x1() >= margins.right - em;
                let wrapped_title = l.size > margins.body_size * 1.1
                    && (l.size - p.size).abs() < 0.5
                    && centred(l)
                    && (centred(p) || full);
                gap || resized
                    || starts_like_a_heading(&l.text)
                    || (!wrapped_title && (indented || prev_short))
            }
        };
        let em = l.size;
        let open_end = l.x1() >= margins.right - em * 1.5;
        if starts_new {
            out.push(PageParagraph {
                text: l.text.trim().to_string(),
                bbox: l.bbox,
                flush_start: l.x0() <= margins.left + em * 0.8 && !starts_like_a_heading(&l.text),
                open_end,
            });
        } else if let Some(p) = out.last_mut() {
            p.open_end = open_end;
            join(&mut p.text, l.text.trim());
            p.bbox = [
                p.bbox[0].min(l.bbox[0]),
                p.bbox[1].min(l.bbox[1]),
                p.bbox[2].max(l.bbox[2]),
                p.bbox[3].max(l.bbox[3]),
            ];
        }
        prev = Some(l);
    }
    out
}

/// A line that opens a numbered heading (`一、`, `（二）`) starts a paragraph even when the
/// layout gives no other sign (no indent, the line before full).
fn starts_like_a_heading(text: &str) -> bool {
    static HEADING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])")
            .expect("heading pattern")
    });
    HEADING.is_match(text)
}

/// Running headers and footers: lines in the top or bottom band of a page that are page
/// numbers, or whose text (digits aside) recurs in that band on other pages.
pub fn furniture_lines(pages: &[(f32, Vec<Line>)]) -> Vec<Vec<bool>> {
    let band = |h: f32, l: &Line| l.bbox[3] < h * 0.1 || l.bbox[1] > h * 0.9;
    let key = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for (h, lines) in pages {
        let mut on_page: std::collections::HashSet<String> = Default::default();
        for l in lines.iter().filter(|l| band(*h, l)) {
            on_page.insert(key(&l.text));
        }
        for k in on_page {
            *seen.entry(k).or_default() += 1;
        }
    }
    let recurring =
        |k: &String| pages.len() >= 3 && seen.get(k).copied().unwrap_or(0) * 2 > pages.len();
    pages
        .iter()
        .map(|(h, lines)| {
            lines
                .iter()
                .map(|l| {
                    let in_band = band(*h, l);
                    let low = l.bbox[1] > h * 0.8;
                    (in_band && recurring(&key(&l.text)))
                        || ((in_band || low) && is_page_number(&l.text))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, x0: f32, x1: f32, y: f32) -> Line {
        Line {
            text: text.into(),
            bbox: [x0, y - 12.0, x1, y + 3.0],
            y,
            size: 15.0,
            glyphs: text.chars().count(),
        }
    }

    #[test]
    fn page_numbers() {
        for t in [
            "- 3 -",
            "-1-",
            "—12—",
            "第3页",
            "第 3 页 共 6 页",
            "3",
            "3/6",
            "Page 3",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["2024年", "一、总体情况", "3件"] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn indents_short_lines_and_headings_start_paragraphs() {
        let lines = vec![
            line("一、总体情况", 90.0, 190.0, 100.0),
            line(
                "本报告由办公室根据条例编制，数据统计期限自",
                120.0,
                500.0,
                125.0,
            ),
            line("2024年1月1日起至12月31日止。", 90.0, 300.0, 150.0),
            line(
                "（一）主动公开情况。主要通过网站公开。",
                120.0,
                500.0,
                175.0,
            ),
            line("二、主动公开政府信息情况", 90.0, 500.0, 200.0),
        ];
        let margins = Margins::of(&lines.iter().collect::<Vec<_>>());
        assert_eq!((margins.left, margins.right), (90.0, 500.0));
        let got: Vec<String> = paragraphs(&lines, &margins)
            .into_iter()
            .map(|p| p.text)
            .collect();
        assert_eq!(
            got,
            vec![
                "一、总体情况",
                "本报告由办公室根据条例编制，数据统计期限自2024年1月1日起至12月31日止。",
                "（一）主动公开情况。主要通过网站公开。",
                "二、主动公开政府信息情况",
            ]
        );
    }

    #[test]
    fn page_numbers_and_running_headers_are_furniture() {
        let page = |n: usize| {
            (
                800.0,
                vec![
                    line("淮安市人民政府公报", 90.0, 300.0, 40.0),
                    line("正文", 90.0, 300.0, 300.0),
                    line(&format!("- {n} -"), 280.0, 310.0, 780.0),
                ],
            )
        };
        let got = furniture_lines(&[page(1), page(2), page(3)]);
        assert_eq!(got, vec![vec![true, false, true]; 3]);
    }
}
