//! **page_image**: a picture of a whole page (a scan) → its paragraphs, read by OCR.
//!
//! Beside [`super::image_table`], and like it called by the pipeline rather than by
//! `read_auto` (reading needs the OCR models, which only the pipeline has): it produces the
//! document model's paragraphs from pixels, a reader's job, and looks at layout only — never at
//! what the text means.
//!
//! Steps: a photographed sheet is found on its desk and put upright ([`super::image_table::photo`]);
//! the page is cleaned as a table picture is ([`decode_page`]: red seal ink dropped —
//! black print under a seal stays black in it —, grey paper made white, dust erased, the page
//! turned straight, once); its text lines are found by the PP-OCR detector
//! ([`crate::ocr::detect`]); lines inside a ruled table (found by [`find_table`], the
//! table-picture reader's grid) are left to the table reader; lines that are faint (what is
//! left of a seal's words, show-through from the back of the sheet) are dropped; the others are
//! read by the recogniser, side by side
//! in strips like table cells, ordered top to bottom and left to right within a row, and joined
//! into paragraphs. A line starts a new paragraph when it is indented (or centred, or set right),
//! after a gap larger than the page's line spacing, when it starts with a heading number
//! (`一、`, `（二）`), or when the line before it stopped short of the right margin. A page
//! number (`- 3 -`, `第3页`, `3/12`) in the top or bottom tenth of the page is dropped.
//!
//! Every paragraph keeps its page and box and the mean confidence of its lines, which marks it
//! as read by OCR ([`Paragraph::confidence`]). The box is found in the cleaned page's pixels and
//! given in the page picture's pixels as stored (the picture in the output's `images/`): the
//! turn and the perspective taken out are put back ([`PictureFrame`]).

use image::{DynamicImage, GrayImage, Luma};

use crate::model::{PageBox, Paragraph};
use crate::ocr::detect::{Detector, TextBox};
use crate::ocr::{OcrError, Recogniser};
use crate::read::image_table::frame::PictureFrame;
use crate::read::image_table::grid::{self, Binary, Grid};
use crate::read::image_table::{Cleaned, ImageTableError};
use crate::read::Limits;

/// White kept around a detected line when it is cropped for the recogniser, as a share of its
/// height: the detector's boxes hug the ink.
const CROP_MARGIN: f32 = 0.15;
/// A line whose darkest ink (its 5th percentile) is lighter than this is show-through or a
/// smudge, not print.
const FAINT: u8 = 170;

/// Decodes a page picture (its declared size checked against the limit first) and cleans it
/// as a table picture is cleaned ([`clean::clean`]): red seal ink dropped, grey or uneven paper
/// made white, dust erased, and the page turned straight — its skew measured on its text lines
/// and rules, once for the page, so the text and the table on it are read from the same
/// straightened pixels (and the table reader's second look at a doubted digit finds them again).
///
/// A photographed page is first mapped onto an upright rectangle ([`super::image_table::photo::unwarp_sheet`]): the
/// sheet found on its darker ground, the perspective taken out. The frame of the result maps
/// its pixels back onto the stored picture's.
pub fn decode_page(bytes: &[u8], limits: &Limits) -> Result<Cleaned, ImageTableError> {
    crate::read::image_table::decode_clean(bytes, limits)
}

/// The ruled table on a cleaned page, if there is one (see [`grid::detect`]).
pub fn find_table(page: &GrayImage) -> Option<Grid> {
    grid::detect(&Binary::rules(page))
}

/// Whether a picture is shaped like a page of a report: upright, between the proportions of
/// US Letter landscape-cut and a long A4, and large enough to carry text at a readable size.
pub fn page_shaped(width: u32, height: u32) -> bool {
    let ratio = height as f32 / width.max(1) as f32;
    (1.2..=1.6).contains(&ratio) && height >= 800
}

/// One line of the page, read.
#[derive(Debug, Clone)]
struct PageLine {
    text: String,
    confidence: f32,
    /// `[x0, y0, x1, y1]` in page pixels.
    bbox: [u32; 4],
}

/// What a page picture gave.
#[derive(Debug, Clone, Default)]
pub struct PageText {
    /// The paragraphs outside the ruled table, in reading order: first those above the table
    /// (whose lines were left to the table-picture reader), then those below it. Their boxes are
    /// in the stored page picture's pixels.
    pub paragraphs: Vec<Paragraph>,
    /// How many of the paragraphs lie above the page's ruled table: all of them when the page
    /// has none. Told in the cleaned page's pixels, where the page is upright.
    pub above_table: usize,
    /// The first line starts at the left margin, not as a heading: the paragraph may go on
    /// from the page before.
    pub starts_flush: bool,
    /// The last line runs to the right margin: its paragraph may go on on the next page.
    pub ends_open: bool,
}

/// The paragraphs of a cleaned page picture ([`decode_page`]), in reading order, leaving out
/// the lines inside `table` (found by [`find_table`]). `page` is the page number (1-based);
/// lines and paragraphs are found in the cleaned page's pixels, and the paragraphs' boxes given
/// in the stored picture's.
pub fn read_page(
    cleaned: &Cleaned,
    table: Option<&Grid>,
    page: u32,
    detector: &Detector,
    recogniser: &Recogniser,
) -> Result<PageText, OcrError> {
    let gray = &cleaned.gray;
    let (w, h) = gray.dimensions();
    let table = table.map(|g| {
        let x0 = g.cols.first().map_or(0, |r| r.start);
        let x1 = g.cols.last().map_or(w, |r| r.end);
        let y0 = g.rows.first().map_or(0, |r| r.start);
        let y1 = g.rows.last().map_or(h, |r| r.end);
        [x0, y0, x1, y1]
    });
    let paper = paper_level(gray);
    // The detector sees the page as the recogniser will: a seal must not join the lines it
    // covers into one region.
    let seen = DynamicImage::ImageLuma8(gray.clone());
    let mut boxes: Vec<[u32; 4]> = Vec::new();
    for TextBox {
        rect: [x, y, bw, bh],
        ..
    } in detector.detect(&seen)?
    {
        let b = [x, y, x + bw, y + bh];
        let (cx, cy) = (x + bw / 2, y + bh / 2);
        if table.is_some_and(|[tx0, ty0, tx1, ty1]| {
            (tx0..=tx1).contains(&cx) && (ty0..=ty1).contains(&cy)
        }) {
            continue;
        }
        if is_faint(gray, b, paper) {
            continue;
        }
        boxes.push(b);
    }
    let crops: Vec<GrayImage> = boxes.iter().map(|&b| crop(gray, b, paper)).collect();
    let read = recogniser.recognise_text_lines(&crops)?;
    let mut lines: Vec<PageLine> = boxes
        .into_iter()
        .zip(read)
        .map(|(bbox, l)| PageLine {
            text: normalise(&l.text),
            confidence: l.confidence,
            bbox,
        })
        .filter(|l| !l.text.is_empty())
        .collect();
    lines = rows(lines);
    lines.retain(|l| !is_page_number(l, h));
    let layout = Layout::of(&lines);
    // Above or below the table, told while the page is upright.
    let (mut paragraphs, below): (Vec<_>, Vec<_>) =
        paragraphs(&lines, page).into_iter().partition(|p| {
            let top = p.page_box.map_or(0.0, |b| b.rect[1]);
            table.is_none_or(|t| top < t[1] as f32)
        });
    let above_table = paragraphs.len();
    paragraphs.extend(below);
    boxes_as_stored(&mut paragraphs, &cleaned.frame);
    Ok(PageText {
        paragraphs,
        above_table,
        starts_flush: lines
            .first()
            .is_some_and(|l| !layout.indented(l) && !starts_heading(&l.text)),
        ends_open: lines.last().is_some_and(|l| !layout.short(l)),
    })
}

/// The paragraphs' boxes, found in the cleaned page's pixels, in the stored picture's.
fn boxes_as_stored(paragraphs: &mut [Paragraph], frame: &PictureFrame) {
    for b in paragraphs.iter_mut().filter_map(|p| p.page_box.as_mut()) {
        b.rect = frame.stored_rect(b.rect);
    }
}

/// The level of the paper: the most common grey (a scan's white is rarely 255).
fn paper_level(gray: &GrayImage) -> u8 {
    let mut hist = [0u32; 256];
    for &p in gray.as_raw() {
        hist[p as usize] += 1;
    }
    (0..256).max_by_key(|&i| hist[i]).unwrap_or(255) as u8
}

/// Pixels of a box clearly darker than the paper.
fn ink_pixels(gray: &GrayImage, [x0, y0, x1, y1]: [u32; 4], paper: u8) -> Vec<(u32, u32, u8)> {
    let level = paper.saturating_sub(60);
    let mut out = Vec::new();
    for y in y0..y1.min(gray.height()) {
        for x in x0..x1.min(gray.width()) {
            let v = gray.get_pixel(x, y).0[0];
            if v < level {
                out.push((x, y, v));
            }
        }
    }
    out
}

fn is_faint(gray: &GrayImage, b: [u32; 4], paper: u8) -> bool {
    let mut ink: Vec<u8> = ink_pixels(gray, b, paper)
        .into_iter()
        .map(|(_, _, v)| v)
        .collect();
    if ink.len() < 8 {
        return true;
    }
    ink.sort_unstable();
    ink[ink.len() / 20] > FAINT
}

/// A line's crop for the recogniser: its box with a margin, the paper made white.
fn crop(gray: &GrayImage, [x0, y0, x1, y1]: [u32; 4], paper: u8) -> GrayImage {
    let m = ((y1 - y0) as f32 * CROP_MARGIN).round() as u32;
    let (x0, y0) = (x0.saturating_sub(m), y0.saturating_sub(m));
    let (x1, y1) = ((x1 + m).min(gray.width()), (y1 + m).min(gray.height()));
    let scale = 255.0 / f32::from(paper.max(1));
    GrayImage::from_fn(x1 - x0, y1 - y0, |x, y| {
        let v = f32::from(gray.get_pixel(x0 + x, y0 + y).0[0]) * scale;
        Luma([v.min(255.0) as u8])
    })
}

/// In a Chinese line, the ASCII punctuation the recogniser sometimes gives for the full-width
/// forms the page printed (a colon stays ASCII before `//`, as in `http://`).
fn normalise(text: &str) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    if !chars.iter().any(|&c| is_han(c)) {
        return chars.into_iter().collect();
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| match c {
            ',' => '，',
            ';' => '；',
            '(' => '（',
            ')' => '）',
            ':' if chars.get(i + 1) != Some(&'/') => '：',
            _ => c,
        })
        .collect()
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Lines top to bottom; boxes that share most of their height are one row, read left to right
/// and joined.
fn rows(mut lines: Vec<PageLine>) -> Vec<PageLine> {
    lines.sort_by_key(|l| (l.bbox[1] + l.bbox[3], l.bbox[0]));
    let mut out: Vec<Vec<PageLine>> = Vec::new();
    for l in lines {
        let same_row = out.last().is_some_and(|row| {
            let last = &row[row.len() - 1];
            let overlap = last.bbox[3]
                .min(l.bbox[3])
                .saturating_sub(last.bbox[1].max(l.bbox[1]));
            let shorter = (last.bbox[3] - last.bbox[1]).min(l.bbox[3] - l.bbox[1]);
            overlap * 2 > shorter
        });
        match out.last_mut() {
            Some(row) if same_row => row.push(l),
            _ => out.push(vec![l]),
        }
    }
    out.into_iter()
        .map(|mut row| {
            row.sort_by_key(|l| l.bbox[0]);
            let mut it = row.into_iter();
            let mut first = it.next().expect("a row has a line");
            let mut n = 1.0;
            for l in it {
                join(&mut first.text, &l.text);
                first.confidence += l.confidence;
                n += 1.0;
                first.bbox = union(first.bbox, l.bbox);
            }
            first.confidence /= n;
            first
        })
        .collect()
}

fn union(a: [u32; 4], b: [u32; 4]) -> [u32; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// Appends a line to the text before it: directly (Chinese has no spaces between lines), with a
/// space only between two words of Latin letters.
fn join(text: &mut String, next: &str) {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
    if word(text.chars().next_back()) && word(next.chars().next()) {
        text.push(' ');
    }
    text.push_str(next);
}

/// A page number alone on a line in the top or bottom tenth of the page.
fn is_page_number(l: &PageLine, page_height: u32) -> bool {
    let edge = l.bbox[3] < page_height / 10 || l.bbox[1] > page_height - page_height / 10;
    if !edge {
        return false;
    }
    let t: String = l
        .text
        .chars()
        .filter(|c| !c.is_whitespace() && !"-—–－一_·.".contains(*c))
        .collect();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if digits(&t) {
        return true;
    }
    if let Some(rest) = t.strip_prefix('第') {
        // 第3页, 第3页共12页
        let n = rest.split('页').next().unwrap_or("");
        return digits(n) && rest.contains('页');
    }
    match t.split_once('/') {
        Some((a, b)) => digits(a) && digits(b),
        None => false,
    }
}

/// Whether a line starts with a heading number: `一、`, `十二、`, `（三）`, `(三)`.
fn starts_heading(text: &str) -> bool {
    const NUMERALS: &str = "一二三四五六七八九十";
    let t = text.trim_start();
    let n = t.chars().take_while(|c| NUMERALS.contains(*c)).count();
    if n > 0 && t.chars().nth(n) == Some('、') {
        return true;
    }
    let mut it = t.chars();
    if matches!(it.next(), Some('（' | '(')) {
        let n = it.clone().take_while(|c| NUMERALS.contains(*c)).count();
        return n > 0 && matches!(it.nth(n), Some('）' | ')'));
    }
    false
}

/// The text block of a page: the height of its lines, its margins and its line spacing.
struct Layout {
    line_h: u32,
    /// Where most lines start and end.
    left: u32,
    right: u32,
    /// The usual distance from one line's top to the next one's.
    pitch: u32,
}

impl Layout {
    fn of(lines: &[PageLine]) -> Layout {
        let median = |mut v: Vec<u32>| -> u32 {
            v.sort_unstable();
            v.get(v.len() / 2).copied().unwrap_or(0)
        };
        let line_h = median(lines.iter().map(|l| l.bbox[3] - l.bbox[1]).collect()).max(1);
        let left = median(lines.iter().map(|l| l.bbox[0]).collect())
            .min(lines.iter().map(|l| l.bbox[0]).min().unwrap_or(0) + line_h);
        let right = {
            let mut ends: Vec<u32> = lines.iter().map(|l| l.bbox[2]).collect();
            ends.sort_unstable();
            ends.get(ends.len() * 9 / 10).copied().unwrap_or(0)
        };
        let pitch = median(
            lines
                .windows(2)
                .map(|p| p[1].bbox[1].saturating_sub(p[0].bbox[1]))
                .chain(std::iter::once(line_h * 3 / 2))
                .collect(),
        );
        Layout {
            line_h,
            left,
            right,
            pitch,
        }
    }

    /// Starts right of the left margin: a first line, or centred or set right.
    fn indented(&self, l: &PageLine) -> bool {
        l.bbox[0] > self.left + self.line_h * 4 / 5
    }

    /// Stops short of the right margin: the last line of a paragraph.
    fn short(&self, l: &PageLine) -> bool {
        l.bbox[2] + self.line_h * 2 < self.right
    }
}

/// Lines (in reading order) joined into paragraphs.
fn paragraphs(lines: &[PageLine], page: u32) -> Vec<Paragraph> {
    let layout = Layout::of(lines);
    let mut out: Vec<(PageLine, usize)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let starts_new = match i.checked_sub(1).map(|j| &lines[j]) {
            None => true,
            Some(prev) => {
                let gap =
                    l.bbox[1].saturating_sub(prev.bbox[1]) > layout.pitch + layout.line_h * 2 / 3;
                layout.indented(l) || gap || layout.short(prev) || starts_heading(&l.text)
            }
        };
        match out.last_mut() {
            Some((p, n)) if !starts_new => {
                join(&mut p.text, &l.text);
                p.confidence += l.confidence;
                *n += 1;
                p.bbox = union(p.bbox, l.bbox);
            }
            _ => out.push((l.clone(), 1)),
        }
    }
    out.into_iter()
        .map(|(p, n)| {
            let [x0, y0, x1, y1] = p.bbox;
            Paragraph {
                text: p.text,
                page_box: Some(PageBox {
                    page,
                    rect: [x0 as f32, y0 as f32, (x1 - x0) as f32, (y1 - y0) as f32],
                }),
                confidence: Some(p.confidence / n as f32),
                ..Default::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, bbox: [u32; 4]) -> PageLine {
        PageLine {
            text: text.into(),
            confidence: 0.9,
            bbox,
        }
    }

    #[test]
    fn paragraphs_start_at_indents_headings_and_short_lines() {
        let lines = [
            line("一、总体情况", [210, 100, 400, 130]),
            line("本年度，某某局坚持以人民为中心，", [210, 146, 1090, 176]),
            line("深入贯彻落实《条例》。", [150, 192, 600, 222]),
            line("（一）主动公开方面。全年主动公", [210, 238, 1090, 268]),
            line("开政府信息1532条，其中通过政府门户", [150, 284, 1088, 314]),
            line("网站发布1208条。", [150, 330, 500, 360]),
            line("二、主动公开政府信息情况", [150, 376, 700, 406]),
            line("统计数据见下表。", [150, 422, 600, 452]),
        ];
        let ps = paragraphs(&lines, 2);
        let texts: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "一、总体情况",
                "本年度，某某局坚持以人民为中心，深入贯彻落实《条例》。",
                "（一）主动公开方面。全年主动公开政府信息1532条，其中通过政府门户网站发布1208条。",
                "二、主动公开政府信息情况",
                "统计数据见下表。",
            ]
        );
        let b = ps[1].page_box.unwrap();
        assert_eq!((b.page, b.rect), (2, [150.0, 146.0, 940.0, 76.0]));
        assert!(ps
            .iter()
            .all(|p| p.confidence.is_some_and(|c| (c - 0.9).abs() < 1e-6)));
    }

    #[test]
    fn a_larger_gap_ends_a_paragraph() {
        let lines = [
            line(
                "第一段的第一行，写到了右边的边距为止",
                [150, 100, 1090, 130],
            ),
            line(
                "第二段的第一行，写到了右边的边距为止",
                [150, 220, 1090, 250],
            ),
            line(
                "第二段的第二行，写到了右边的边距为止",
                [150, 266, 1090, 296],
            ),
            line(
                "第二段的第三行，写到了右边的边距为止",
                [150, 312, 1090, 342],
            ),
        ];
        let ps = paragraphs(&lines, 1);
        assert_eq!(ps.len(), 2, "{ps:?}");
    }

    #[test]
    fn page_numbers_at_the_foot_are_recognised() {
        let foot = |t: &str| line(t, [600, 1640, 650, 1670]);
        for t in [
            "- 3 -",
            "—3—",
            "－3 －",
            "第3页",
            "第 3 页 共 12 页",
            "3/12",
            "3",
        ] {
            assert!(is_page_number(&foot(t), 1754), "{t}");
        }
        for t in ["2023年", "- 3 - 附件"] {
            assert!(!is_page_number(&foot(t), 1754), "{t}");
        }
        // Not at the edge of the page: text.
        assert!(!is_page_number(&line("3", [600, 800, 620, 830]), 1754));
    }

    #[test]
    fn rows_join_boxes_side_by_side() {
        let lines = vec![
            line("联系电话：", [150, 100, 400, 130]),
            line("第二行", [150, 146, 300, 176]),
            line("0532-88886666", [420, 102, 700, 131]),
        ];
        let r = rows(lines);
        let texts: Vec<&str> = r.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["联系电话：0532-88886666", "第二行"]);
    }

    #[test]
    fn ascii_punctuation_in_chinese_is_full_width_but_urls_keep_their_colon() {
        assert_eq!(normalise("地址:人民路(东)"), "地址：人民路（东）");
        assert_eq!(
            normalise("网站(http://www.a.cn)查阅"),
            "网站（http://www.a.cn）查阅"
        );
        assert_eq!(normalise("a, b: c"), "a, b: c");
    }

    #[test]
    fn heading_numbers() {
        assert!(starts_heading("一、总体情况"));
        assert!(starts_heading("十二、其他"));
        assert!(starts_heading("（三）平台建设"));
        assert!(!starts_heading("一是加强"));
        assert!(!starts_heading("本年度"));
    }
}
