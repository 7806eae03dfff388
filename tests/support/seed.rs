//! The `seed` fixture: the real report the project started from (威海市文登区天福街道办事处 2023,
//! text in `seed.txt`, copied from `/work/shared/corpus/seed/`), rebuilt as a .docx the way the
//! original was made: 三 and 五 numbered by Word (decimal numbering → `3、`, `5、`), a `_GoBack`
//! bookmark, the em-dash phone, and the three statistical tables as PNG pictures (two DrawingML
//! `a:blip`, one VML `v:imagedata`).
//!
//! The pictures are [`seed_tables`] drawn by the table renderer (`support::render`, with the
//! CJK font of Debian's fonts-wqy-microhei), so the figures read back from them are known.

use super::docx::{self, p, p_bold, p_center, p_right, p_style, p_xml, run, Docx};
use super::render::{render_table, table2_2021, table3_2021, table4_2021, RenderStyle};
use super::report::{expected_from, ExpSection, Expected, V};

pub const SEED_TEXT: &str = include_str!("seed.txt");

/// The values of the seed's three tables: no applications, no reviews or suits (as its text says).
/// 表二's values are not in the text; these are the ones the table pictures are rendered from.
pub fn seed_tables() -> (Vec<V>, Vec<[V; 7]>, Vec<V>) {
    let t2 = vec![
        V::n(0),
        V::n(0),
        V::n(0),
        V::n(0),
        V::n(0),
        V::n(1),
        V::n(0),
        V::n(12),
        V::n(0),
        V::n(0),
    ];
    let t3 = vec![std::array::from_fn(|_| V::n(0)); 25];
    let t4 = vec![V::n(0); 15];
    (t2, t3, t4)
}

/// Numbering: decimal `%1、` on one abstract, two nums restarting at 3 and at 5.
fn seed_numbering() -> String {
    let a0 = docx::abstract_num(0, &[docx::num_lvl(0, "decimal", "%1、", 1)]);
    docx::numbering_xml(
        &[a0],
        &[docx::num(2, 0, &[(0, 3)]), docx::num(3, 0, &[(0, 5)])],
    )
}

pub fn build_seed() -> Vec<u8> {
    let mut d = Docx::new();
    d.numbering = Some(seed_numbering());
    let lines: Vec<&str> = SEED_TEXT.lines().filter(|l| !l.trim().is_empty()).collect();
    let n = lines.len();
    // Title over two lines: office, then year + document title.
    d.push(&p_style("Title", &run(lines[0].trim())));
    d.push(&p_style("Title", &run(lines[1].trim())));
    let mut image_no = 0u32;
    for line in &lines[2..n - 2] {
        let line = *line;
        if let Some(name) = line.trim().strip_prefix("[image: ") {
            let name = name.trim_end_matches(']');
            image_no += 1;
            let (t2, t3, t4) = seed_tables();
            let text = |v: &V| match v {
                V::N(s) => s.clone(),
                V::Blank => String::new(),
                V::Na => "/".to_string(),
            };
            let spec = match name {
                "图片4" => table2_2021(&t2.iter().map(text).collect::<Vec<_>>()),
                "图片3" => table3_2021(&t3.iter().flatten().map(text).collect::<Vec<_>>()),
                _ => table4_2021(&t4.iter().map(text).collect::<Vec<_>>()),
            };
            let picture = render_table(&spec, &RenderStyle::default());
            let (w, h) = image::load_from_memory(&picture)
                .map(|i| (i.width(), i.height()))
                .expect("rendered picture decodes");
            let rid = d.add_png(picture);
            let emu = 9525u64;
            // 图片2 (表四) is a VML picture, the others DrawingML.
            let pic = if name == "图片2" {
                docx::vml_image_run(image_no, name, &rid, w * 3 / 4, h * 3 / 4)
            } else {
                docx::image_run(image_no, name, &rid, u64::from(w) * emu, u64::from(h) * emu)
            };
            d.push(&p_center(&pic));
            continue;
        }
        if let Some(rest) = line.strip_prefix("[bookmark: _GoBack]") {
            d.push(&p_xml(
                "",
                &format!(
                    "<w:bookmarkStart w:id=\"0\" w:name=\"_GoBack\"/><w:bookmarkEnd w:id=\"0\"/>{}",
                    run(rest)
                ),
            ));
            continue;
        }
        if let Some(title) = line.strip_prefix("3、 ") {
            d.push(&docx::p_num(2, 0, &docx::run_b(title)));
            continue;
        }
        if let Some(title) = line.strip_prefix("5、 ") {
            d.push(&docx::p_num(3, 0, &docx::run_b(title)));
            continue;
        }
        let t = line.trim();
        if ["一、", "二、", "四、", "六、"]
            .iter()
            .any(|h| t.starts_with(h))
        {
            // Typed headings; 二 keeps the leading space the original has.
            d.push(&p_bold(line));
            continue;
        }
        d.push(&p(line));
    }
    // The closing office name and date, right-aligned.
    for t in &lines[n - 2..] {
        d.push(&p_right(&run(t.trim())));
    }
    d.build()
}

pub fn expected_seed() -> Expected {
    let (t2, t3, t4) = seed_tables();
    let s = |id, heading: &str, known: &[&str]| ExpSection {
        id,
        heading: heading.to_string(),
        known: known.iter().map(|k| k.to_string()).collect(),
    };
    Expected {
        office: Some("威海市文登区天福街道办事处".into()),
        year: Some(2023),
        published: Some("2024-01-22".into()),
        period_start: Some("2023-01-01".into()),
        period_end: Some("2023-12-31".into()),
        address: Some("威海市文登区天福路218号".into()),
        postcode: None,
        phones: vec!["0631-8985998".into()],
        email: None,
        website: Some("http://www.wendeng.gov.cn".into()),
        sections: vec![
            s(
                "preamble",
                "",
                &["报告中所列数据统计期限从2023年1月1日到12月31日止"],
            ),
            s(
                "overview",
                "一、总体情况",
                &[
                    "着力提升公开属性认定准确率",
                    "2023年，未收到政务信息公开申请事项，同去年相比没有变化。",
                    "（四）平台建设方面。威海市文登区天福街道办事处进一步加强对政府信息公开平台的建设",
                ],
            ),
            s("active_disclosure", "二、主动公开政府信息情况", &[]),
            s("requests", "3、收到和处理政府信息公开申请情况", &[]),
            s(
                "review_litigation",
                "四、政府信息公开行政复议、行政诉讼情况",
                &[],
            ),
            s(
                "problems",
                "5、存在的主要问题及改进情况",
                &["二是政务公开工作人员专业性有待加强", "三是强化工作创新，优化公开质量"],
            ),
            s(
                "other",
                "六、其他需要报告的事项",
                &["未承办人大代表建议、政协委员提案"],
            ),
        ],
        absent: vec!["_GoBack".into(), "[bookmark".into(), "[image".into()],
        once: vec!["地址：威海市文登区天福路218号".into()],
        figures: expected_from(&t2, &t3, &t4),
        origin: "image",
        table_numbers: None,
        check_meta: true,
        locations: None,
    }
}
