//! Scanned reports (issue 14): text lines found on rendered pages by the PP-OCR detection model,
//! and the narrative of a report that is only page pictures (.docx, PDF) read end to end.
//! Needs the OCR models (`scripts/setup-models`) and the font `fonts-wqy-microhei`.

mod support;

use std::time::Instant;

use image::DynamicImage;
use nianbao::ocr::detect::Detector;
use nianbao::ocr::models_dir;
use support::report::ReportSpec;
use support::scan::{layout, render_pages};

fn detector() -> Detector {
    Detector::load(&models_dir(None))
        .unwrap_or_else(|e| panic!("{e} (CI: run scripts/setup-models before cargo test)"))
}

/// Every printed line of every page is found as one box around it, and nothing else is.
#[test]
fn every_printed_line_is_one_box() {
    let spec = ReportSpec::standard();
    let pages = render_pages(&spec);
    let printed = layout(&spec);
    let det = detector();
    for (n, (page, lines)) in pages.iter().zip(&printed).enumerate() {
        let t0 = Instant::now();
        let boxes = det.detect(&DynamicImage::ImageLuma8(page.clone())).unwrap();
        eprintln!("page {}: {} boxes in {:?}", n + 1, boxes.len(), t0.elapsed());
        assert_eq!(boxes.len(), lines.len(), "page {}: {boxes:?}", n + 1);
        for l in lines {
            // The glyphs of a 30 px font drawn at y sit within about y + 4 .. y + 28.
            let mid = l.y + 15;
            let around: Vec<_> = boxes
                .iter()
                .filter(|b| b.rect[1] <= mid && mid < b.rect[1] + b.rect[3])
                .collect();
            assert_eq!(around.len(), 1, "page {} line {:?}: {around:?}", n + 1, l.text);
            let [x, y, _, h] = around[0].rect;
            assert!(x.abs_diff(l.x) <= 12, "{:?} starts at {x}, drawn at {}", l.text, l.x);
            assert!(y <= l.y + 8 && y + h >= l.y + 24, "{:?}: {:?}", l.text, around[0]);
        }
    }
}
