//! The same report with its three tables as Word tables and as pictures must give the same
//! figures (value and semantic of every metric) and the same check results — the pictures read
//! offline by OCR. Needs the model (`scripts/setup-models`) and the font fonts-wqy-microhei.

mod support;

use std::cell::Cell;

use nianbao::ocr::render::{
    render_table, table2_2021, table3_2021, table4_2021, Encoding, RenderStyle,
};
use nianbao::pipeline::{process_bytes, Extracted, Options};
use support::docx::{self, p_center};
use support::report::{build_standard, standard_docx_with, ReportSpec, V};

fn options() -> Options {
    Options::with_ocr(None).unwrap_or_else(|e| panic!("{e} — run scripts/setup-models"))
}

fn text(v: &V) -> String {
    match v {
        V::N(s) => s.clone(),
        V::Blank => String::new(),
        V::Na => "/".to_string(),
    }
}

/// The standard report with each statistical table pasted in as a picture.
fn pictures_docx(spec: &ReportSpec, style: &RenderStyle) -> Vec<u8> {
    let n = Cell::new(0u32);
    standard_docx_with(spec, &|d, section| {
        let table = match section {
            "active_disclosure" => table2_2021(&spec.t2.iter().map(text).collect::<Vec<_>>()),
            "requests" => table3_2021(&spec.t3.iter().flatten().map(text).collect::<Vec<_>>()),
            "review_litigation" => table4_2021(&spec.t4.iter().map(text).collect::<Vec<_>>()),
            _ => return,
        };
        let picture = render_table(&table, style);
        let (w, h) = image::load_from_memory(&picture)
            .map(|i| (i.width() as u64, i.height() as u64))
            .expect("rendered picture decodes");
        let rid = d.add_png(picture);
        n.set(n.get() + 1);
        d.push(&p_center(&docx::image_run(
            n.get(),
            "表格",
            &rid,
            w * 9525,
            h * 9525,
        )));
    })
    .build()
}

type Reading = Vec<(String, String, &'static str)>;

fn figures(x: &Extracted) -> Reading {
    x.report
        .figures
        .iter()
        .map(|f| {
            (
                f.metric.0.clone(),
                f.value
                    .map(nianbao::write::format_number)
                    .unwrap_or_default(),
                f.semantic.as_str(),
            )
        })
        .collect()
}

fn checks(x: &Extracted) -> Vec<(String, String, &'static str)> {
    x.checks
        .iter()
        .map(|c| (c.check.clone(), c.scope.clone(), c.status.as_str()))
        .collect()
}

#[test]
fn pictures_of_tables_give_the_figures_of_word_tables() {
    let spec = ReportSpec::standard();
    let opts = options();
    let word = process_bytes(&build_standard(&spec), &opts).expect("word tables read");
    assert_eq!(word.report.figures.len(), 200);
    for (name, style) in [
        ("png ×1.0", RenderStyle::default()),
        (
            "jpeg q70 ×1.2, 2 px rules",
            RenderStyle {
                scale: 1.2,
                line_width: 2,
                encoding: Encoding::Jpeg(70),
                ..RenderStyle::default()
            },
        ),
    ] {
        let pics = process_bytes(&pictures_docx(&spec, &style), &opts).expect("pictures read");
        assert_eq!(pics.document.images.len(), 3, "{name}");
        let (got, want) = (figures(&pics), figures(&word));
        let diff: Vec<_> = got.iter().zip(&want).filter(|(a, b)| a != b).collect();
        assert!(
            diff.is_empty() && got.len() == want.len(),
            "{name}: figures differ: {diff:?}"
        );
        assert_eq!(checks(&pics), checks(&word), "{name}: checks differ");
        assert!(
            pics.report.figures.iter().all(|f| f.origin == "image"
                && f.location.contains(" image ")
                && f.location.contains(" box ")),
            "{name}: every figure traceable to its picture and box"
        );
        assert_eq!(pics.status(), "ok", "{name}: {:?}", pics.document.warnings);
    }
}
