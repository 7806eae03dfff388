//! The same report with its three tables as Word tables and as pictures must give the same
//! figures (value and semantic of every metric) and the same check results — the pictures read
//! offline by OCR. Needs the model (`scripts/setup-models`) and the font fonts-wqy-microhei.

mod support;

use nianbao::ocr::render::{Encoding, RenderStyle};
use nianbao::pipeline::{process_bytes, Extracted, Options};
use support::pictures::{pictures_docx, T3Pictures, T3_CUT};
use support::report::{build_standard, ReportSpec, T3_ROWS};

fn options() -> Options {
    Options::with_ocr(None).unwrap_or_else(|e| panic!("{e} — run scripts/setup-models"))
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

/// Figures, checks and status of `pics` are those of `word`, and every figure names its picture.
fn assert_same(name: &str, pics: &Extracted, word: &Extracted) {
    let (got, want) = (figures(pics), figures(word));
    let diff: Vec<_> = got.iter().zip(&want).filter(|(a, b)| a != b).collect();
    assert!(
        diff.is_empty() && got.len() == want.len(),
        "{name}: figures differ ({} read, {} expected): {diff:?}",
        got.len(),
        want.len()
    );
    assert_eq!(checks(pics), checks(word), "{name}: checks differ");
    assert!(
        pics.checks
            .iter()
            .all(|c| c.status != nianbao::check::CheckStatus::Fail),
        "{name}: a check failed"
    );
    assert!(
        pics.report.figures.iter().all(|f| f.origin == "image"
            && f.location.contains(" image ")
            && f.location.contains(" box ")),
        "{name}: every figure traceable to its picture and box"
    );
    assert_eq!(
        pics.status(),
        "ok",
        "{name}: {:?} {:?}",
        pics.document.warnings,
        pics.report.warnings
    );
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
        let pics = process_bytes(&pictures_docx(&spec, &style, T3Pictures::Whole), &opts)
            .expect("pictures read");
        assert_eq!(pics.document.images.len(), 3, "{name}");
        assert_same(name, &pics, &word);
    }
}

/// 表三 cut by a page break into two screenshots, with and without the header repeated on the
/// second: the pictures are joined into one table and give the figures of the Word tables; each
/// figure still names the picture and box it was read from.
#[test]
fn a_table_cut_over_two_pictures_is_joined() {
    let spec = ReportSpec::standard();
    let opts = options();
    let word = process_bytes(&build_standard(&spec), &opts).expect("word tables read");
    for name in ["pictures_t3_split_bare", "pictures_t3_split_header"] {
        let s = support::sample(name);
        let path = support::fixtures_dir().join(format!("samples/{name}.docx"));
        let bytes = std::fs::read(&path).unwrap_or(s.bytes);
        let pics = process_bytes(&bytes, &opts).expect("pictures read");
        assert_eq!(pics.document.images.len(), 4, "{name}");
        assert_same(name, &pics, &word);
        // Data row d of 表三 is grid row d + 3: rows above the cut are in T2 = picture I2, the
        // rest in T3 = picture I3, counted from the top of that picture.
        let repeated = if name.ends_with("header") { 3 } else { 0 };
        for f in &pics.report.figures {
            let Some(rest) = f.metric.0.strip_prefix("t3.") else {
                continue;
            };
            let row = T3_ROWS
                .iter()
                .position(|r| rest.starts_with(&format!("{r}.")))
                .expect("a 表三 row");
            let (table, image, grid_row) = if row + 3 < T3_CUT {
                ("T2", "I2", row + 3)
            } else {
                ("T3", "I3", row + 3 - T3_CUT + repeated)
            };
            let want = format!("{table} r{}c", grid_row + 1);
            assert!(
                f.location.starts_with(&want) && f.location.contains(&format!(" image {image} ")),
                "{name}: {} at {:?}, expected {want}… image {image}",
                f.metric.0,
                f.location
            );
        }
        assert!(
            pics.report.warnings.iter().any(|w| w.contains("T2+T3")),
            "{name}: a note says the tables were joined: {:?}",
            pics.report.warnings
        );
    }
}
