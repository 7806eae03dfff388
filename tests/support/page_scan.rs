//! Scanned reports: the standard report's text laid out on A4 pages at 150 dpi in grey (as a
//! scanner's feeder gives them), then packed one picture per page into a `.docx` or a PDF.
//!
//! Layout as Chinese government documents print it: body text about 16 pt (30 px at 150 dpi),
//! 1.5 line spacing, every paragraph's first line indented by two characters, headings 一、… on
//! a line of their own (indented too), the office and date at the right, the page number
//! `- n -` centred at the foot. The three tables are drawn as the report prints them, or left
//! out (pages of narrative only).

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::{DynamicImage, GrayImage, Luma, Rgb, RgbImage};
use imageproc::drawing::{draw_hollow_circle_mut, draw_text_mut};

use super::docx::{image_run, p_xml, Docx};
use super::pdf::{pdf, stream, zlib};
use super::render::{
    render_gray, table2_2021, table3_2021, table4_2021, RenderStyle, TableSpec, DEFAULT_FONT,
};
use super::report::{ReportSpec, CN, V};
use super::scan::{encode, scan_pixels, Scan};

/// A4 at 150 dpi.
pub const PAGE_W: u32 = 1240;
pub const PAGE_H: u32 = 1754;
/// Side margins and the top and bottom of the text area.
const MARGIN_X: u32 = 150;
const TEXT_TOP: u32 = 170;
const TEXT_BOTTOM: u32 = 1560;
/// Top of the page number.
const FOOT: u32 = 1640;
/// Body font size and line pitch (1.5 lines).
const FONT_PX: f32 = 30.0;
const PITCH: u32 = 46;
/// Grey of the ink and of the paper (a scan is never pure black on pure white).
const INK: u8 = 30;
const PAPER: u8 = 238;

/// How a paragraph is placed.
#[derive(Clone, Copy, PartialEq)]
enum Align {
    /// First line indented by two characters, the rest flush left.
    Body,
    Centre,
    Right,
}

/// What goes on the pages, in reading order.
enum Item {
    Text(String, Align),
    /// A table drawn as the report prints it (a picture of it, pasted into the page).
    Table(GrayImage),
}

fn value_text(v: &V) -> String {
    match v {
        V::N(s) => s.clone(),
        V::Blank => String::new(),
        V::Na => "/".to_string(),
    }
}

/// The standard report in reading order (as `standard_docx_with` writes it), its tables drawn
/// when `with_tables`.
fn items(spec: &ReportSpec, with_tables: bool) -> Vec<Item> {
    let mut out = vec![Item::Text(
        format!("{}{}年政府信息公开工作年度报告", spec.office, spec.year),
        Align::Centre,
    )];
    let body = |t: &str| Item::Text(t.to_string(), Align::Body);
    for p in spec.preamble_paras() {
        out.push(body(&p));
    }
    out.push(body(&spec.contacts_para()));
    for s in &spec.sections {
        out.push(body(&s.heading()));
        out.extend(s.intro.iter().map(|p| body(p)));
        for (i, t) in s.subs.iter().enumerate() {
            out.push(body(&format!("（{}）{t}", CN[i])));
        }
        out.extend(s.outro.iter().map(|p| body(p)));
        let values = |v: &mut dyn Iterator<Item = &V>| v.map(value_text).collect::<Vec<_>>();
        let table = match s.id {
            "active_disclosure" => table2_2021(&values(&mut spec.t2.iter())),
            "requests" => table3_2021(&values(&mut spec.t3.iter().flatten())),
            "review_litigation" => table4_2021(&values(&mut spec.t4.iter())),
            _ => continue,
        };
        if with_tables {
            out.push(Item::Table(draw_table(&table)));
        }
    }
    out.push(Item::Text(spec.office.clone(), Align::Right));
    out.push(Item::Text(spec.date_cn(), Align::Right));
    out
}

/// A table at the largest scale up to 1.2 (19 px text) that fits the text width, on the page's
/// paper.
fn draw_table(table: &TableSpec) -> GrayImage {
    let width = PAGE_W - 2 * MARGIN_X;
    let mut style = RenderStyle {
        scale: 1.2,
        margin: 0,
        ..RenderStyle::default()
    };
    let mut img = render_gray(table, &style).expect("render");
    if img.width() > width {
        style.scale *= width as f32 / img.width() as f32;
        img = render_gray(table, &style).expect("render");
    }
    for p in img.pixels_mut() {
        // White → paper, black → ink.
        p.0[0] = (u32::from(INK) + u32::from(p.0[0]) * u32::from(PAPER - INK) / 255) as u8;
    }
    img
}

/// One printed line: its text and where it was drawn (left edge and top of the font's box).
#[derive(Debug, Clone)]
pub struct PrintedLine {
    pub text: String,
    pub x: u32,
    pub y: u32,
}

/// One page: its lines of text (the page number last) and its tables (top-left corner, picture).
#[derive(Default)]
pub struct ScanPage {
    pub lines: Vec<PrintedLine>,
    pub tables: Vec<(u32, u32, GrayImage)>,
}

fn load_font() -> FontVec {
    let data = std::fs::read(DEFAULT_FONT)
        .unwrap_or_else(|_| panic!("font {DEFAULT_FONT} (apt-get install fonts-wqy-microhei)"));
    FontVec::try_from_vec_and_index(data, 0).expect("font")
}

/// The report laid out on pages; a table starts a new page when the page has one already or
/// when it does not fit (so a page has at most one table).
pub fn layout(spec: &ReportSpec, with_tables: bool) -> Vec<ScanPage> {
    let font = load_font();
    let scaled = font.as_scaled(PxScale::from(FONT_PX));
    let advance = |s: &str| -> f32 {
        s.chars()
            .map(|c| scaled.h_advance(font.glyph_id(c)))
            .sum::<f32>()
    };
    let width = (PAGE_W - 2 * MARGIN_X) as f32;
    let mut pages: Vec<ScanPage> = Vec::new();
    let mut page = ScanPage::default();
    let mut y = TEXT_TOP;
    let mut finish = |page: &mut ScanPage, y: &mut u32| {
        let number = format!("- {} -", pages.len() + 1);
        let x = (PAGE_W as f32 - advance(&number)) / 2.0;
        let mut done = std::mem::take(page);
        done.lines.push(PrintedLine {
            text: number,
            x: x as u32,
            y: FOOT,
        });
        pages.push(done);
        *y = TEXT_TOP;
    };
    for item in items(spec, with_tables) {
        let (text, align) = match item {
            Item::Table(img) => {
                if !page.tables.is_empty() || y + img.height() > TEXT_BOTTOM {
                    finish(&mut page, &mut y);
                }
                let h = img.height();
                page.tables.push(((PAGE_W - img.width()) / 2, y, img));
                y += h + PITCH / 2;
                continue;
            }
            Item::Text(text, align) => (text, align),
        };
        // The item's lines: text and left edge.
        let mut lines: Vec<(String, f32)> = Vec::new();
        match align {
            Align::Centre | Align::Right => {
                let w = advance(&text);
                let x = if align == Align::Centre {
                    (width - w) / 2.0
                } else {
                    width - w - FONT_PX
                };
                lines.push((text, MARGIN_X as f32 + x.max(0.0)));
            }
            Align::Body => {
                let indent = 2.0 * FONT_PX;
                let mut line = String::new();
                let mut x = indent;
                let mut first = true;
                for c in text.chars() {
                    let a = advance(&c.to_string());
                    // Closing punctuation never starts a line (it hangs in the margin).
                    let closing = "，。；：、）》”".contains(c);
                    if x + a > width && !line.is_empty() && !closing {
                        let at = if first { indent } else { 0.0 };
                        lines.push((std::mem::take(&mut line), MARGIN_X as f32 + at));
                        first = false;
                        x = 0.0;
                    }
                    line.push(c);
                    x += a;
                }
                let at = if first { indent } else { 0.0 };
                lines.push((line, MARGIN_X as f32 + at));
            }
        }
        for (text, x) in lines {
            if y + FONT_PX as u32 > TEXT_BOTTOM {
                finish(&mut page, &mut y);
            }
            page.lines.push(PrintedLine {
                text,
                x: x as u32,
                y,
            });
            y += PITCH;
        }
    }
    finish(&mut page, &mut y);
    pages
}

/// The report's pages as grey images (its tables drawn when `with_tables`).
pub fn render_pages(spec: &ReportSpec, with_tables: bool) -> Vec<GrayImage> {
    let font = load_font();
    let px = PxScale::from(FONT_PX);
    layout(spec, with_tables)
        .into_iter()
        .map(|page| {
            let mut img = GrayImage::from_pixel(PAGE_W, PAGE_H, Luma([PAPER]));
            for l in page.lines {
                draw_text_mut(
                    &mut img,
                    Luma([INK]),
                    l.x as i32,
                    l.y as i32,
                    px,
                    &font,
                    &l.text,
                );
            }
            for (x, y, t) in page.tables {
                image::imageops::replace(&mut img, &t, i64::from(x), i64::from(y));
            }
            img
        })
        .collect()
}

/// PNG bytes of a grey page.
pub fn png(img: &GrayImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// A `.docx` whose body is the pages as pictures, one per paragraph, each the size of the page's
/// text area — what a scanner's "save to Word" gives.
pub fn scan_docx(pages: &[GrayImage]) -> Vec<u8> {
    scan_docx_of(pages.iter().map(png).collect())
}

/// A PDF of A4 pages, each showing one page picture over the whole page and no text.
pub fn scan_pdf(pages: &[GrayImage]) -> Vec<u8> {
    let pictures = pages.iter().map(|page| {
        let dict = format!(
            "/Width {} /Height {} /ColorSpace /DeviceGray /Filter /FlateDecode",
            page.width(),
            page.height()
        );
        (dict, zlib(page.as_raw()))
    });
    pdf_of_pictures(pictures.collect())
}

/// A PDF of A4 pages, each a JPEG as a scanner saves it (`/DCTDecode`, grey or colour),
/// page `i` at quality `quality(i)`.
pub fn scan_pdf_jpeg(pages: &[DynamicImage], quality: impl Fn(usize) -> u8) -> Vec<u8> {
    let pictures = pages.iter().enumerate().map(|(i, page)| {
        let space = if page.color().has_color() {
            "DeviceRGB"
        } else {
            "DeviceGray"
        };
        let dict = format!(
            "/Width {} /Height {} /ColorSpace /{space} /Filter /DCTDecode",
            page.width(),
            page.height()
        );
        (dict, encode(page, Some(quality(i))))
    });
    pdf_of_pictures(pictures.collect())
}

/// One A4 page per picture (its image dictionary's own entries and its encoded data), the
/// picture over the whole page.
fn pdf_of_pictures(pictures: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    let n = pictures.len();
    // 1 catalog, 2 page tree, then per page: page, content, image.
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes(),
    ];
    for (i, (dict, data)) in pictures.into_iter().enumerate() {
        let (content, image) = (4 + 3 * i, 5 + 3 * i);
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R \
                 /Resources << /XObject << /Im1 {image} 0 R >> >> >>"
            )
            .into_bytes(),
        );
        objects.push(stream("", b"q 595 0 0 842 0 0 cm /Im1 Do Q"));
        objects.push(stream(
            &format!("/Type /XObject /Subtype /Image /BitsPerComponent 8 {dict}"),
            &data,
        ));
    }
    pdf(&objects, 1)
}

/// The page (index into [`layout`]) that holds the report's `n`-th table (0 = 表二), and the
/// table's centre as a fraction of the page's width and height.
pub fn table_centre(spec: &ReportSpec, n: usize) -> (usize, f32, f32) {
    layout(spec, true)
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.tables.iter().map(move |t| (i, t)))
        .nth(n)
        .map(|(i, (x, y, t))| {
            let cx = (x + t.width() / 2) as f32 / PAGE_W as f32;
            let cy = (y + t.height() / 2) as f32 / PAGE_H as f32;
            (i, cx, cy)
        })
        .expect("the report has that table")
}

/// The pages as an office scanner gives them: each put through `damage(i)` (turned, blurred,
/// speckled, on grey paper, a red seal stamped; see [`Scan`]), as pixels.
pub fn damage_pages(pages: &[GrayImage], damage: impl Fn(usize) -> Scan) -> Vec<DynamicImage> {
    let font = load_font();
    pages
        .iter()
        .enumerate()
        .map(|(i, page)| scan_pixels(page, &damage(i), Some(&font)))
        .collect()
}

/// The page with a red seal stamped on it, centred at `(cx, cy)`: a ring and the seal's words,
/// multiplied into the page like ink (the black print under it stays black).
pub fn stamp_seal(page: &GrayImage, cx: u32, cy: u32) -> RgbImage {
    let font = load_font();
    let mut seal = RgbImage::from_pixel(page.width(), page.height(), Rgb([255, 255, 255]));
    let red = Rgb([210, 40, 40]);
    for r in 132..142 {
        draw_hollow_circle_mut(&mut seal, (cx as i32, cy as i32), r, red);
    }
    let words = "政务公开专用章";
    let px = PxScale::from(34.0);
    let w = words.chars().count() as i32 * 34;
    draw_text_mut(
        &mut seal,
        red,
        cx as i32 - w / 2,
        cy as i32 - 17,
        px,
        &font,
        words,
    );
    RgbImage::from_fn(page.width(), page.height(), |x, y| {
        let g = u32::from(page.get_pixel(x, y).0[0]);
        let s = seal.get_pixel(x, y).0;
        Rgb(s.map(|c| (g * u32::from(c) / 255) as u8))
    })
}

/// PNG bytes of a colour page.
pub fn png_rgb(img: &RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// A `.docx` of page pictures given as PNG or JPEG bytes (see [`scan_docx`]).
pub fn scan_docx_of(pages: Vec<Vec<u8>>) -> Vec<u8> {
    let mut d = Docx::new();
    for (i, picture) in pages.into_iter().enumerate() {
        let rid = if picture.starts_with(&[0xFF, 0xD8]) {
            d.add_jpeg(picture)
        } else {
            d.add_png(picture)
        };
        let run = image_run(
            i as u32 + 1,
            &format!("page{}", i + 1),
            &rid,
            5_724_000,
            8_096_000,
        );
        d.push(&p_xml("", &run));
    }
    d.build()
}

/// A cover page, as many offices print one before the report: the title on two lines in a
/// large font at a third of the height, the office and the date centred below.
pub fn cover_page(spec: &ReportSpec) -> GrayImage {
    let font = load_font();
    let mut img = GrayImage::from_pixel(PAGE_W, PAGE_H, Luma([PAPER]));
    let mut centred = |text: &str, px: f32, y: u32| {
        let scaled = font.as_scaled(PxScale::from(px));
        let w: f32 = text
            .chars()
            .map(|c| scaled.h_advance(font.glyph_id(c)))
            .sum();
        let x = ((PAGE_W as f32 - w) / 2.0).max(0.0) as i32;
        draw_text_mut(
            &mut img,
            Luma([INK]),
            x,
            y as i32,
            PxScale::from(px),
            &font,
            text,
        );
    };
    centred(&spec.office, 56.0, 560);
    centred(
        &format!("{}年政府信息公开工作年度报告", spec.year),
        56.0,
        650,
    );
    centred(&spec.office, FONT_PX, 1200);
    centred(&spec.date_cn(), FONT_PX, 1250);
    img
}

/// A scanned report for benchmarks: a cover page and the report's pages with its tables (5
/// pages for the standard report), each turned by ±1.5° in turn, blurred (σ 0.6 px) on grey
/// paper, in a PDF of JPEG pages of quality 75 — what an office scanner's "scan to PDF" gives.
pub fn scanned_report_pdf(spec: &ReportSpec) -> Vec<u8> {
    let mut pages = vec![cover_page(spec)];
    pages.extend(render_pages(spec, true));
    let damaged = damage_pages(&pages, |i| Scan {
        angle_deg: if i % 2 == 0 { 1.5 } else { -1.5 },
        blur: 0.6,
        paper: (245, 225),
        seed: i as u64 + 1,
        ..Scan::default()
    });
    scan_pdf_jpeg(&damaged, |_| 75)
}
