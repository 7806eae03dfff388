//! The standard report with its statistical tables pasted in as pictures (rendered by
//! `nianbao::ocr::render` with the CJK font of Debian's fonts-wqy-microhei), whole or — as offices
//! screenshot a table that crosses a page — 表三 cut into two pictures.

use std::cell::Cell;

use nianbao::ocr::render::{
    render_pieces, render_table, table2_2021, table3_2021, table4_2021, RenderStyle,
};

use super::docx::{self, p_center, Docx};
use super::report::{standard_docx_with, Expected, ReportSpec, V};

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

/// The standard report with each statistical table pasted in as a picture in its section.
pub fn pictures_docx(spec: &ReportSpec, style: &RenderStyle, t3: T3Pictures) -> Vec<u8> {
    let n = Cell::new(0u32);
    let picture = |d: &mut Docx, png: Vec<u8>| {
        let (w, h) = image::load_from_memory(&png)
            .map(|i| (u64::from(i.width()), u64::from(i.height())))
            .expect("rendered picture decodes");
        let rid = d.add_png(png);
        n.set(n.get() + 1);
        d.push(&p_center(&docx::image_run(
            n.get(),
            "表格",
            &rid,
            w * 9525,
            h * 9525,
        )));
    };
    standard_docx_with(spec, &|d, section| {
        let table = match section {
            "active_disclosure" => table2_2021(&spec.t2.iter().map(text).collect::<Vec<_>>()),
            "requests" => table3_2021(&spec.t3.iter().flatten().map(text).collect::<Vec<_>>()),
            "review_litigation" => table4_2021(&spec.t4.iter().map(text).collect::<Vec<_>>()),
            _ => return,
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
