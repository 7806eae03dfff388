//! The standard report with its statistical tables pasted in as pictures (rendered by
//! `support::render` with the CJK font of Debian's fonts-wqy-microhei), whole or — as offices
//! screenshot a table that crosses a page — 表三 cut into two pictures.

use std::cell::Cell;

use super::render::{
    cell_boxes, render_gray, render_pieces, render_table, table2_2021, table3_2021, table4_2021,
    RenderStyle,
};
use image::{GrayImage, Luma};

use super::docx::{self, p_center, Docx};
use super::report::{push_table, standard_docx_with, Expected, Look, ReportSpec, V};

/// Where a page break cuts 表三: before this grid row (3 header rows, then the 25 data rows), in
/// the middle of the 22 rows of 三、本年度办理结果 and inside （四）无法提供, so the second picture
/// starts with `2.没有现成信息需要另行制作` under a group cell with no text.
pub const T3_CUT: usize = 16;

/// How 表三 is pasted in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum T3Pictures {
    /// One picture.
    Whole,
    /// Two pictures cut at [`T3_CUT`]; the second repeats the 3 header rows (Word's 重复标题行).
    SplitRepeatedHeader,
    /// Two pictures cut at [`T3_CUT`]; the second starts with the data rows.
    SplitBare,
}

fn text(v: &V) -> String {
    match v {
        V::N(s) => s.clone(),
        V::Blank => String::new(),
        V::Na => "/".to_string(),
    }
}

fn add_picture(d: &mut Docx, n: u32, png: Vec<u8>) {
    let (w, h) = image::load_from_memory(&png)
        .map(|i| (u64::from(i.width()), u64::from(i.height())))
        .expect("rendered picture decodes");
    let rid = if png.starts_with(&[0xFF, 0xD8]) {
        d.add_jpeg(png)
    } else {
        d.add_png(png)
    };
    d.push(&p_center(&docx::image_run(
        n,
        "表格",
        &rid,
        w * 9525,
        h * 9525,
    )));
}

/// The standard report with 表二 and 表三 as Word tables and 表四 as a picture in which the
/// value cell `smudged` (0–14; none if larger) is blurred — a 3 × 3 box blur of its inside, as a
/// screenshot resampled or smudged there looks.
pub fn t4_picture_docx(spec: &ReportSpec, style: &RenderStyle, smudged: usize) -> Vec<u8> {
    let look = Look::plain();
    standard_docx_with(spec, &|d, section| {
        if section != "review_litigation" {
            return push_table(d, spec, section, &look);
        }
        let table = table4_2021(&spec.t4.iter().map(text).collect::<Vec<_>>());
        let mut img = render_gray(&table, style).unwrap_or_else(|e| panic!("render: {e}"));
        let boxes = cell_boxes(&table, style).unwrap_or_else(|e| panic!("render: {e}"));
        // the 15 value cells are the last ones
        if smudged < 15 {
            let [x, y, w, h] = boxes[boxes.len() - 15 + smudged];
            blur(&mut img, x + 3, y + 3, x + w - 3, y + h - 3);
        }
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png)
            .expect("png");
        add_picture(d, 1, png.into_inner());
    })
    .build()
}

/// A 3 × 3 box blur of the pixels in `x0..x1` × `y0..y1`.
fn blur(img: &mut GrayImage, x0: u32, y0: u32, x1: u32, y1: u32) {
    let src = img.clone();
    for y in y0..y1 {
        for x in x0..x1 {
            let mut sum = 0u32;
            for (dx, dy) in (0..9).map(|i| (i % 3, i / 3)) {
                let xx = (x + dx).saturating_sub(1).clamp(x0, x1 - 1);
                let yy = (y + dy).saturating_sub(1).clamp(y0, y1 - 1);
                sum += u32::from(src.get_pixel(xx, yy)[0]);
            }
            img.put_pixel(x, y, Luma([(sum / 9) as u8]));
        }
    }
}

/// The statistical table of a report section, as the renderer draws it.
pub fn section_table(spec: &ReportSpec, section: &str) -> Option<super::render::TableSpec> {
    Some(match section {
        "active_disclosure" => table2_2021(&spec.t2.iter().map(text).collect::<Vec<_>>()),
        "requests" => table3_2021(&spec.t3.iter().flatten().map(text).collect::<Vec<_>>()),
        "review_litigation" => table4_2021(&spec.t4.iter().map(text).collect::<Vec<_>>()),
        _ => return None,
    })
}

/// The standard report with each statistical table pasted in as a picture in its section.
pub fn pictures_docx(spec: &ReportSpec, style: &RenderStyle, t3: T3Pictures) -> Vec<u8> {
    pictures_docx_through(spec, style, t3, &|_, png| png)
}

/// [`pictures_docx`] with each picture's PNG bytes put through `damage(n, png)` (`n`: the
/// picture's number, 1-based) before it is pasted in.
pub fn pictures_docx_through(
    spec: &ReportSpec,
    style: &RenderStyle,
    t3: T3Pictures,
    damage: &dyn Fn(u32, Vec<u8>) -> Vec<u8>,
) -> Vec<u8> {
    let n = Cell::new(0u32);
    let picture = |d: &mut Docx, png: Vec<u8>| {
        n.set(n.get() + 1);
        add_picture(d, n.get(), damage(n.get(), png));
    };
    standard_docx_with(spec, &|d, section| {
        let Some(table) = section_table(spec, section) else {
            return;
        };
        let repeat = match (section, t3) {
            ("requests", T3Pictures::SplitRepeatedHeader) => 3,
            ("requests", T3Pictures::SplitBare) => 0,
            _ => return picture(d, render_table(&table, style)),
        };
        let (top, bottom) = table.split_at(T3_CUT, repeat);
        let pieces = render_pieces(&table, &[top, bottom], style)
            .unwrap_or_else(|e| panic!("render_pieces: {e}"));
        let [top, bottom]: [Vec<u8>; 2] = pieces.try_into().expect("two pieces");
        picture(d, top);
        // The page break between the two screenshots, as an empty paragraph.
        d.push("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
        picture(d, bottom);
    })
    .build()
}

/// The standard report with each statistical table pasted in as one picture that went through
/// `scan_of(section)` (see [`super::scan`]): the rendered table, turned, blurred, stamped…
pub fn scanned_docx(
    spec: &ReportSpec,
    style: &RenderStyle,
    scan_of: &dyn Fn(&str) -> super::scan::Scan,
) -> Vec<u8> {
    scanned_docx_styled(spec, &|_| style.clone(), scan_of)
}

/// The header rows of a section's statistical table as [`section_table`] draws it (the rows
/// above the first figures; 表二 repeats its header lower down).
pub fn header_rows(section: &str) -> usize {
    match section {
        "active_disclosure" => 2,
        _ => 3,
    }
}

/// [`scanned_docx`] with each section's table drawn in its own style (a 三线表 rules off its
/// own header rows, [`header_rows`]).
pub fn scanned_docx_styled(
    spec: &ReportSpec,
    style_of: &dyn Fn(&str) -> RenderStyle,
    scan_of: &dyn Fn(&str) -> super::scan::Scan,
) -> Vec<u8> {
    let font =
        super::render::load_font(&style_of("active_disclosure")).unwrap_or_else(|e| panic!("{e}"));
    pictured_docx(spec, style_of, &|section, clean| {
        super::scan::scan(clean, &scan_of(section), Some(&font))
    })
}

/// The standard report with each section's table drawn in `style_of(section)` and turned into
/// the picture's bytes by `picture_of(section, drawn)` (scanned, photographed, …).
pub fn pictured_docx(
    spec: &ReportSpec,
    style_of: &dyn Fn(&str) -> RenderStyle,
    picture_of: &dyn Fn(&str, &GrayImage) -> Vec<u8>,
) -> Vec<u8> {
    let n = Cell::new(0u32);
    standard_docx_with(spec, &|d, section| {
        let Some(table) = section_table(spec, section) else {
            return;
        };
        let clean =
            render_gray(&table, &style_of(section)).unwrap_or_else(|e| panic!("render: {e}"));
        let bytes = picture_of(section, &clean);
        n.set(n.get() + 1);
        add_picture(d, n.get(), bytes);
    })
    .build()
}

/// What the standard report with 表三 cut into two pictures must give: the figures of the
/// standard report, read from pictures; 表三's rows above the cut from table T2 (picture I2),
/// the rows below it from T3 (picture I3); 表四 in T4.
pub fn expected_split(spec: &ReportSpec) -> Expected {
    let mut e = spec.expected();
    e.origin = "image";
    e.locations = None;
    e.table_numbers = None;
    e
}
