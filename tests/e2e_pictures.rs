//! The same report with its three tables as Word tables and as pictures must give the same
//! figures (value and semantic of every metric) and the same check results — the pictures read
//! offline by OCR. Needs the model (`scripts/setup-models`) and the font fonts-wqy-microhei.

mod support;

use nianbao::check::CheckStatus;
use nianbao::ocr::Recogniser;
use nianbao::pipeline::{process_bytes, Extracted, Options};
use nianbao::read::image_table::read_table_image;
use nianbao::read::Limits;
use support::pictures::{pictures_docx, t4_picture_docx, T3Pictures, T3_CUT};
use support::render::{Encoding, RenderStyle};
use support::report::{build_standard, ReportSpec, T3_ROWS, V};

fn options() -> Options {
    Options::with_ocr(None).unwrap_or_else(|e| panic!("{e} — run scripts/setup-models"))
}

fn ocr(opts: &Options) -> &Recogniser {
    let lazy = opts.ocr.as_ref().expect("OCR configured");
    lazy.get().unwrap_or_else(|e| panic!("{e}"))
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
        .map(|c| (c.check.to_string(), c.scope.to_string(), c.status.as_str()))
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
        pics.checks.iter().all(|c| c.status != CheckStatus::Fail),
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

/// 表四 whose review block is 9 + 6 + 0 + 1 = 16, its total as printed.
fn t4_spec(total: &str) -> ReportSpec {
    let mut spec = ReportSpec::standard();
    spec.t4 = [
        "9", "6", "0", "1", total, "3", "8", "0", "18", "29", "0", "1", "0", "0", "1",
    ]
    .iter()
    .map(V::n)
    .collect();
    spec
}

fn warnings_about<'a>(x: &'a Extracted, what: &str) -> Vec<&'a String> {
    x.document
        .warnings
        .iter()
        .filter(|w| w.contains(what))
        .collect()
}

/// The 表四 picture at scale 0.8 with its `16` (行政复议 总计) smudged: read from the tight crop of
/// its ink the cell is `1`, so the block does not add up; read again from the whole cell (one of
/// the other crops) it is `16` with far more confidence than the `1`s had, and that is kept.
#[test]
fn a_smudged_digit_that_breaks_a_total_is_read_again() {
    let spec = t4_spec("16");
    let style = RenderStyle {
        scale: 0.8,
        ..RenderStyle::default()
    };
    let bytes = t4_picture_docx(&spec, &style, 4);
    let opts = options();

    // The picture does mislead the first reading (else this test no longer tests the re-read:
    // smudge harder).
    let doc = nianbao::read::read_auto(&bytes, &Limits::default()).expect("docx");
    let grid = read_table_image(&doc.images[0].data, 0, ocr(&opts), &Limits::default())
        .expect("read")
        .expect("a table");
    let first = grid.cell_at(3, 4).expect("the cell");
    assert_ne!(first.text, "16", "first reading of the smudged 16");

    let x = process_bytes(&bytes, &opts).expect("read");
    let f = x
        .report
        .figures
        .iter()
        .find(|f| f.metric.0 == "t4.review.total")
        .expect("figure");
    assert_eq!((f.raw.as_str(), f.value), ("16", Some(16.0)));
    assert!(
        f.location.starts_with("T3 r4c5 image I1 box "),
        "{}",
        f.location
    );
    assert!(
        x.checks.iter().all(|c| c.status != CheckStatus::Fail),
        "{:?}",
        x.checks
    );
    let said = warnings_about(&x, "read again");
    assert_eq!(said.len(), 1, "{:?}", x.document.warnings);
    let w = said[0];
    assert!(w.contains("t4.block_total review failed"), "{w}");
    assert!(
        w.contains(&format!("{}: \"1\" → \"16\"", f.location)),
        "names the cell, the first and the kept reading: {w}"
    );
    // the other cells of the block were read again too, and kept
    assert!(w.contains(": \"9\" kept"), "{w}");
    // tables.csv has the reading kept
    let cell = x
        .document
        .tables()
        .nth(2)
        .and_then(|t| t.cell_at(3, 4))
        .expect("cell");
    assert_eq!(cell.text, "16");
}

/// A picture whose total really is printed wrong (16 parts, 15 printed): the cells are read
/// again, the picture still says 15, and 15 stays — the check fails and names its cells.
#[test]
fn a_total_printed_wrong_is_read_again_and_stays_a_finding() {
    let spec = t4_spec("15");
    let bytes = t4_picture_docx(&spec, &RenderStyle::default(), 99);
    let x = process_bytes(&bytes, &options()).expect("read");
    let f = x
        .report
        .figures
        .iter()
        .find(|f| f.metric.0 == "t4.review.total")
        .expect("figure");
    assert_eq!(f.value, Some(15.0));
    let failed: Vec<_> = x
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    let c = failed[0];
    assert_eq!(
        (c.check, c.expected, c.actual),
        ("t4.block_total", Some(15.0), Some(16.0))
    );
    // the finding names every cell of the identity, with its picture and box
    let cells = c.scope.split_once("; cells ").expect("cells named").1;
    let locations: Vec<&str> = cells.split(", ").collect();
    assert_eq!(locations.len(), 5, "{}", c.scope);
    assert!(
        locations.iter().all(|l| l.contains(" image I1 box ")),
        "{}",
        c.scope
    );
    assert_eq!(locations[0], f.location);
    let said = warnings_about(&x, "read again");
    assert_eq!(said.len(), 1, "{:?}", x.document.warnings);
    assert!(
        said[0].contains(&format!("{}: \"15\" kept", f.location)),
        "{}",
        said[0]
    );
    assert!(!said[0].contains('→'), "nothing changed: {}", said[0]);
}

/// The same pictures in a Word 97–2003 .doc saved by LibreOffice (PICF in the Data stream with
/// PNG BLIPs): the four pictures are read and give the figures of the Word tables.
#[test]
fn doc_table_pictures_give_the_figures_of_word_tables() {
    let spec = ReportSpec::standard();
    let opts = options();
    let word = process_bytes(&build_standard(&spec), &opts).expect("word tables read");
    let bytes = support::doc::doc("pictures_t3_split_header");
    assert_eq!(nianbao::read::sniff(&bytes).name(), "doc");
    let pics = process_bytes(&bytes, &opts).expect("pictures read");
    assert_eq!(pics.document.images.len(), 4);
    assert_same("pictures_t3_split_header.doc", &pics, &word);
}
