//! Scanned reports (issue 14): text lines found on rendered pages by the PP-OCR detection model,
//! and the narrative of a report that is only page pictures (.docx, PDF) read end to end.
//! Needs the OCR models (`scripts/setup-models`) and the font `fonts-wqy-microhei`.

mod support;

use std::time::Instant;

use image::DynamicImage;
use nianbao::model::{Block, Paragraph};
use nianbao::ocr::detect::Detector;
use nianbao::ocr::models_dir;
use nianbao::pipeline::{process_bytes, Options};
use nianbao::recognise::text::compact;
use nianbao::recognise::ReportKind;
use support::expect::figure_problems;
use support::page_scan::{
    damage_pages, layout, png_rgb, render_pages, scan_docx, scan_docx_of, scan_pdf, scan_pdf_jpeg,
    stamp_seal, table_centre, ScanPage,
};
use support::report::ReportSpec;
use support::scan::{encode, Scan};

fn detector() -> Detector {
    Detector::load(&models_dir(None))
        .unwrap_or_else(|e| panic!("{e} (CI: run scripts/setup-models before cargo test)"))
}

/// Every printed line of every page is found as one box around it, and nothing else is.
#[test]
fn every_printed_line_is_one_box() {
    let spec = ReportSpec::standard();
    let pages = render_pages(&spec, false);
    let printed = layout(&spec, false);
    let det = detector();
    for (n, (page, ScanPage { lines, .. })) in pages.iter().zip(&printed).enumerate() {
        let t0 = Instant::now();
        let boxes = det.detect(&DynamicImage::ImageLuma8(page.clone())).unwrap();
        eprintln!(
            "page {}: {} boxes in {:?}",
            n + 1,
            boxes.len(),
            t0.elapsed()
        );
        assert_eq!(boxes.len(), lines.len(), "page {}: {boxes:?}", n + 1);
        for l in lines {
            // The glyphs of a 30 px font drawn at y sit within about y + 4 .. y + 28.
            let mid = l.y + 15;
            let around: Vec<_> = boxes
                .iter()
                .filter(|b| b.rect[1] <= mid && mid < b.rect[1] + b.rect[3])
                .collect();
            assert_eq!(
                around.len(),
                1,
                "page {} line {:?}: {around:?}",
                n + 1,
                l.text
            );
            let [x, y, _, h] = around[0].rect;
            assert!(
                x.abs_diff(l.x) <= 12,
                "{:?} starts at {x}, drawn at {}",
                l.text,
                l.x
            );
            assert!(
                y <= l.y + 8 && y + h >= l.y + 24,
                "{:?}: {:?}",
                l.text,
                around[0]
            );
        }
    }
}

fn ocr_options() -> Options {
    Options::with_ocr(None).unwrap_or_else(|e| panic!("{e} — run scripts/setup-models"))
}

/// Reads a scanned report end to end and scores what came out against the spec it was rendered
/// from: the section probes (every sentence the spec expects in each section) and the dates and
/// contacts.
/// For `score_scan`: the figures are counted and printed, not judged.
const FIGURES_NOT_JUDGED: usize = usize::MAX;

/// With tables, at most `figure_misses` of the 200 figures may be wrong or missing.
fn score_scan(name: &str, bytes: &[u8], with_tables: bool, figure_misses: usize) {
    let spec = ReportSpec::standard();
    let expected = spec.expected();
    if let Ok(dir) = std::env::var("NIANBAO_SCAN_DIR") {
        std::fs::write(std::path::Path::new(&dir).join(name), bytes).expect("keep the scan");
    }
    let t0 = Instant::now();
    let x = process_bytes(bytes, &ocr_options()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    eprintln!("{name}: read in {:?}", t0.elapsed());
    let r = &x.report;
    if std::env::var_os("DEBUG_PAGES").is_some() {
        for b in &x.document.body {
            if let Block::Paragraph(p) = b {
                eprintln!("{:?} {}", p.page_box, p.text);
            }
        }
    }
    assert_eq!(
        r.kind,
        ReportKind::Annual,
        "{name}: {:?}",
        x.document.warnings
    );

    let mut probes = 0;
    let mut misses: Vec<String> = Vec::new();
    for s in &expected.sections {
        let text = r
            .sections
            .iter()
            .find(|found| found.id.as_str() == s.id)
            .map(|found| compact(&found.text))
            .unwrap_or_default();
        for known in &s.known {
            probes += 1;
            if !text.contains(&compact(known)) {
                misses.push(format!("{}: {known}", s.id));
            }
        }
    }
    let date = |d: &Option<nianbao::recognise::Date>| d.map(|d| d.to_string());
    let c = &r.contacts;
    let mut fields: Vec<(&str, Option<String>, Option<String>)> = vec![
        ("office", r.office.clone(), expected.office.clone()),
        ("published", date(&r.published), expected.published.clone()),
        (
            "period_start",
            date(&r.period_start),
            expected.period_start.clone(),
        ),
        (
            "period_end",
            date(&r.period_end),
            expected.period_end.clone(),
        ),
        ("address", c.address.clone(), expected.address.clone()),
        ("postcode", c.postcode.clone(), expected.postcode.clone()),
        ("email", c.email.clone(), expected.email.clone()),
        ("website", c.website.clone(), expected.website.clone()),
    ];
    for p in &expected.phones {
        let got = c.phones.iter().find(|f| *f == p).cloned();
        fields.push(("phone", got, Some(p.clone())));
    }
    let meta = fields.len();
    let meta_misses: Vec<String> = fields
        .into_iter()
        .filter(|(_, got, want)| got != want)
        .map(|(what, got, want)| format!("{what}: {got:?}, expected {want:?}"))
        .collect();
    eprintln!(
        "{name}: section probes {}/{probes}, dates and contacts {}/{meta}",
        probes - misses.len(),
        meta - meta_misses.len()
    );
    assert!(
        (probes - misses.len()) * 10 >= probes * 9,
        "{name}: section probes missed: {misses:#?}"
    );
    assert!(
        (meta - meta_misses.len()) * 10 >= meta * 9,
        "{name}: {meta_misses:#?}"
    );
    // Every paragraph came from OCR, with its page and box; page numbers were left out.
    let paragraphs: Vec<&Paragraph> = x
        .document
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) if !p.text.is_empty() => Some(p),
            _ => None,
        })
        .collect();
    assert!(paragraphs.len() > 20, "{name}: {paragraphs:?}");
    // sections.csv's origin: every section of a scan was read by OCR.
    for s in &r.sections {
        assert_eq!(s.origin, "ocr", "{name}: {:?}", s.id);
    }

    for p in &paragraphs {
        assert!(p.confidence.is_some() && p.page_box.is_some(), "{p:?}");
        assert!(
            !p.text.contains("- 1 -") && !p.text.contains("- 2 -"),
            "{p:?}"
        );
    }
    // Paragraphs are whole: each paragraph of the spec is one paragraph read, the one cut by
    // the page break (五's first) too.
    let read: Vec<String> = paragraphs.iter().map(|p| compact(&p.text)).collect();
    let whole: Vec<String> = spec
        .sections
        .iter()
        .flat_map(|s| s.intro.iter().chain(&s.outro))
        .map(|t| compact(t))
        .collect();
    let found = whole.iter().filter(|t| read.contains(t)).count();
    eprintln!("{name}: whole paragraphs {found}/{}", whole.len());
    assert!(found * 10 >= whole.len() * 9, "{name}: {read:#?}");
    let pages: Vec<u32> = paragraphs
        .iter()
        .filter_map(|p| p.page_box)
        .map(|b| b.page)
        .collect();
    assert_eq!(pages.first(), Some(&1));
    assert_eq!(
        pages.last(),
        Some(&(layout(&spec, with_tables).len() as u32))
    );
    assert!(pages.windows(2).all(|w| w[0] <= w[1]), "{pages:?}");
    if with_tables {
        // The tables' lines were left to the table reader, which read the page pictures: no
        // cell text in the narrative, and the figures from the tables.
        for p in &paragraphs {
            for label in ["本年制发件数", "法人或其他组织", "未经复议直接起诉"]
            {
                assert!(!p.text.contains(label), "{name}: table text in {p:?}");
            }
        }
        let problems = figure_problems(&r.figures, &expected.figures, "image");
        let n = expected.figures.len();
        eprintln!(
            "{name}: figures {}/{n} without a problem",
            n - problems.len().min(n)
        );
        assert!(problems.len() <= figure_misses, "{name}: {problems:#?}");
    }
    // A page read is not reported as unread.
    assert!(
        !x.document.warnings.iter().any(|w| w.contains("not read")),
        "{name}: {:?}",
        x.document.warnings
    );
}

#[test]
fn a_docx_of_page_pictures_is_read() {
    let pages = render_pages(&ReportSpec::standard(), false);
    score_scan("scan.docx", &scan_docx(&pages), false, 0);
}

#[test]
fn a_pdf_of_page_pictures_is_read() {
    let pages = render_pages(&ReportSpec::standard(), false);
    score_scan("scan.pdf", &scan_pdf(&pages), false, 0);
}

/// The whole report scanned, its three tables included: the narrative as above, and the
/// figures read from the tables of the page pictures.
#[test]
fn a_pdf_of_page_pictures_with_tables_is_read() {
    let pages = render_pages(&ReportSpec::standard(), true);
    score_scan("scan_tables.pdf", &scan_pdf(&pages), true, 0);
}

/// Each page turned by a different angle, up to 2° either way.
const TURNS: [f32; 8] = [2.0, -2.0, 1.5, -1.0, 0.6, -1.6, 1.2, -0.4];

/// The whole report with its tables as an office scanner gives it: every page turned (up to 2°
/// either way), blurred (σ 1 px), speckled, on grey paper that darkens down the page, saved as
/// JPEG of quality 60–80 in a PDF; with `seal`, a red seal stamped over 表二.
fn damaged_report(seal: bool) -> Vec<u8> {
    let spec = ReportSpec::standard();
    let pages = render_pages(&spec, true);
    let (t2_page, fx, fy) = table_centre(&spec, 0);
    let damaged = damage_pages(&pages, |i| Scan {
        angle_deg: TURNS[i % TURNS.len()],
        blur: 1.0,
        speckle: 0.0005,
        paper: (245, 215),
        seal: (seal && i == t2_page).then_some((fx + 0.1, fy)),
        seed: i as u64 + 1,
        ..Scan::default()
    });
    assert_eq!(damaged[t2_page].color().has_color(), seal);
    scan_pdf_jpeg(&damaged, |i| 60 + (i as u8 * 7) % 21)
}

/// The page is cleaned and straightened once, then its text and its table are read: ≥ 90 % of
/// the section probes and of the dates and contacts (issue 14's bar; measured 20/20 and 9/10,
/// the website's `.` read as `：`), a seal over 表二 included. The figures are judged below.
#[test]
fn a_damaged_scanned_pdf_gives_its_narrative() {
    score_scan(
        "damaged_tables.pdf",
        &damaged_report(true),
        true,
        FIGURES_NOT_JUDGED,
    );
}

/// Issue 14's bar for the figures of damaged whole pages: ≥ 99 % exact. A blurred column header
/// (表二's 本年廉止件数, 表四's 结果料正) takes its column from its position among the ones read.
#[test]
fn damaged_scanned_tables_give_99_percent_of_their_figures() {
    score_scan("damaged_tables.pdf", &damaged_report(false), true, 2);
}

/// As above with a red seal over 表二: the seal's ink, a little darker than the paper even in
/// the red channel, once left the ghost of its ring and words on the faint page (194/200: its
/// words read in 表二's cells, the right rule broken); now 199/200, as without the seal.
#[test]
fn damaged_sealed_scanned_tables_give_99_percent_of_their_figures() {
    score_scan("sealed_tables.pdf", &damaged_report(true), true, 2);
}

/// A `.docx` of JPEG pages turned the other way, blurred and speckled, at quality 60: the
/// narrative is read as from the clean pages.
#[test]
fn a_docx_of_turned_jpeg_pages_is_read() {
    let spec = ReportSpec::standard();
    let pages = render_pages(&spec, false);
    let damaged = damage_pages(&pages, |i| Scan {
        angle_deg: -TURNS[i % TURNS.len()],
        blur: 1.0,
        speckle: 0.001,
        paper: (235, 225),
        seed: 100 + i as u64,
        ..Scan::default()
    });
    let jpegs = damaged.iter().map(|p| encode(p, Some(60))).collect();
    score_scan("damaged.docx", &scan_docx_of(jpegs), false, 0);
}

/// A red seal stamped over the office, the date and the lines above them: the black print
/// under it is read as before, and the seal's own words are not read.
#[test]
fn a_seal_over_the_text_hides_nothing_and_is_not_read() {
    let spec = ReportSpec::standard();
    let pages = render_pages(&spec, false);
    let last = layout(&spec, false).pop().expect("a page");
    let office = last
        .lines
        .iter()
        .find(|l| l.text == spec.office)
        .expect("the office signs the report");
    let mut pngs: Vec<Vec<u8>> = pages.iter().map(support::page_scan::png).collect();
    let sealed = stamp_seal(&pages[pages.len() - 1], office.x + 180, office.y + 30);
    *pngs.last_mut().expect("a page") = png_rgb(&sealed);
    let bytes = scan_docx_of(pngs);
    score_scan("sealed.docx", &bytes, false, 0);
    let x = process_bytes(&bytes, &ocr_options()).unwrap();
    for b in &x.document.body {
        if let Block::Paragraph(p) = b {
            assert!(
                !p.text.contains("专用") && !p.text.contains("用章"),
                "{p:?}"
            );
        }
    }
}

/// Without the OCR models a scanned report is not read, and the file says so.
#[test]
fn without_models_the_scan_is_a_warning() {
    let pages = render_pages(&ReportSpec::standard(), false);
    let x = process_bytes(&scan_docx(&pages), &Options::default()).unwrap();
    assert!(
        x.document.warnings.iter().any(|w| w.starts_with(&format!(
            "{} page picture(s) (a scan) not read as text",
            pages.len()
        ))),
        "{:?}",
        x.document.warnings
    );
    assert_eq!(x.status(), "partial");
}

/// 表二, a small table (477 × 491 px) at the top of a 1240 × 1754 page: its short inner rules
/// are found (the grid looks for them again inside the table's frame, at the table's scale), so
/// it reads as 14 × 4 with every figure, as the same pixels alone do.
#[test]
fn t2_on_a_whole_page() {
    let spec = ReportSpec::standard();
    let pages = render_pages(&spec, true);
    let x = process_bytes(&scan_pdf(&pages), &ocr_options()).unwrap();
    let problems = figure_problems(&x.report.figures, &spec.expected().figures, "image");
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Each page photographed with a phone on a desk instead of scanned: seen at an angle (tilted
/// up to 12° about either axis, turned up to 3°), lit from one side (down to 70 % of the light
/// at the far corner), slightly out of focus, JPEG q80, the desk around the sheet. The sheet is
/// found and put upright before the page is read: the bars as for scans — ≥ 90 % of
/// the probes and of the dates and contacts, ≥ 99 % of the figures.
#[test]
fn a_docx_of_photographed_pages_is_read() {
    use support::photo::{photo_jpeg, Shot};
    const TILTS: [(f32, f32); 8] = [
        (10.0, 4.0),
        (-8.0, -6.0),
        (12.0, -3.0),
        (-5.0, 9.0),
        (7.0, 0.0),
        (-11.0, 5.0),
        (4.0, -12.0),
        (9.0, 8.0),
    ];
    let pages = render_pages(&ReportSpec::standard(), true);
    let photos = pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let shot = Shot {
                tilt: TILTS[i % TILTS.len()],
                turn: TURNS[i % TURNS.len()] * 1.5,
                light: 0.7,
                blur: 0.8,
                jpeg: 80,
                seed: 40 + i as u64,
            };
            let jpeg = photo_jpeg(page, &shot);
            if let Ok(dir) = std::env::var("NIANBAO_SCAN_DIR") {
                std::fs::write(format!("{dir}/photo{}.jpg", i + 1), &jpeg).expect("write");
            }
            jpeg
        })
        .collect();
    score_scan("photos.docx", &scan_docx_of(photos), true, 2);
}
