//! Pictures of tables, end to end: render the 2021 tables with known values, read them back.
//! Needs the OCR model (`scripts/setup-models`) and the font `fonts-wqy-microhei`; fails — never
//! skips — when either is missing.

use std::sync::OnceLock;

use nianbao::model::{TableGrid, TableOrigin};
use nianbao::ocr::{models_dir, Recogniser};
use nianbao::read::image_table::read_table_image;
use nianbao::read::Limits;
use render::{
    render_table, table2_2021, table3_2021, table4_2021, Encoding, RenderStyle, TableSpec,
};

#[path = "support/render.rs"]
#[allow(dead_code)]
mod render;

fn ocr() -> &'static Recogniser {
    static R: OnceLock<Recogniser> = OnceLock::new();
    R.get_or_init(|| {
        Recogniser::load(&models_dir(None))
            .unwrap_or_else(|e| panic!("{e} (CI: run scripts/setup-models before cargo test)"))
    })
}

/// Deterministic values: mostly zeros, some blanks, multi-digit numbers.
fn values(n: usize, seed: u64) -> Vec<String> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (x >> 33) % 100;
            match r {
                0..=49 => "0".to_string(),
                50..=54 => String::new(),
                55..=74 => ((x >> 40) % 10).to_string(),
                75..=89 => ((x >> 40) % 1000).to_string(),
                _ => ((x >> 40) % 100000).to_string(),
            }
        })
        .collect()
}

fn check(spec: &TableSpec, style: &RenderStyle, what: &str) -> TableGrid {
    check_cells(spec, style, what, true)
}

/// Structure always; text of every cell, or (`labels` false) of the value cells only.
fn check_cells(spec: &TableSpec, style: &RenderStyle, what: &str, labels: bool) -> TableGrid {
    let bytes = render_table(spec, style);
    let grid = read_table_image(&bytes, 3, ocr(), &Limits::default())
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .unwrap_or_else(|| panic!("{what}: no table found"));
    let (cells, rows, cols) = spec.placed();
    assert_eq!((grid.rows, grid.cols), (rows, cols), "{what}: grid size");
    assert_eq!(grid.origin, TableOrigin::Image { image: 3 });
    let mut wrong = Vec::new();
    for want in &cells {
        let got = grid
            .cells
            .iter()
            .find(|c| c.row == want.row && c.col == want.col)
            .unwrap_or_else(|| panic!("{what}: no cell at ({}, {})", want.row, want.col));
        assert_eq!(
            (got.rowspan, got.colspan),
            (want.rowspan, want.colspan),
            "{what}: spans of cell ({}, {}) {:?}",
            want.row,
            want.col,
            want.text
        );
        assert!(got.bbox.is_some() && got.confidence.is_some());
        let is_value = want.text.chars().all(|c| c.is_ascii_digit() || c == '.');
        if got.text != want.text && (labels || is_value) {
            wrong.push(format!(
                "({}, {}) want {:?} got {:?}",
                want.row, want.col, want.text, got.text
            ));
        }
    }
    assert_eq!(grid.cells.len(), cells.len(), "{what}: cell count");
    assert!(
        wrong.is_empty(),
        "{what}: {} of {} cells wrong:\n{}",
        wrong.len(),
        cells.len(),
        wrong.join("\n")
    );
    grid
}

#[test]
fn table3_png() {
    check(
        &table3_2021(&values(175, 1)),
        &RenderStyle::default(),
        "表三 PNG",
    );
}

#[test]
fn table3_jpeg_q60() {
    let style = RenderStyle {
        encoding: Encoding::Jpeg(60),
        ..RenderStyle::default()
    };
    check(&table3_2021(&values(175, 2)), &style, "表三 JPEG q60");
}

#[test]
fn table3_jpeg_large_thick() {
    let style = RenderStyle {
        scale: 1.4,
        line_width: 2,
        encoding: Encoding::Jpeg(75),
        ..RenderStyle::default()
    };
    check(&table3_2021(&values(175, 3)), &style, "表三 JPEG q75 ×1.4");
}

#[test]
fn table2_with_decimal() {
    let mut v = values(10, 4);
    v[9] = "12.5".to_string();
    check(&table2_2021(&v), &RenderStyle::default(), "表二");
}

#[test]
fn table4_wrapped_headers() {
    let style = RenderStyle {
        encoding: Encoding::Jpeg(60),
        ..RenderStyle::default()
    };
    check(&table4_2021(&values(15, 5)), &style, "表四");
}

#[test]
fn table4_gray_rules() {
    let style = RenderStyle {
        rule_gray: 200,
        scale: 1.2,
        ..RenderStyle::default()
    };
    check(&table4_2021(&values(15, 6)), &style, "表四 gray rules");
}

/// Small JPEG: every value and the whole structure exact. (Labels: 39/40 — 一、 loses its 、.)
#[test]
fn table3_jpeg_q60_small_values() {
    let style = RenderStyle {
        scale: 0.8,
        encoding: Encoding::Jpeg(60),
        ..RenderStyle::default()
    };
    check_cells(
        &table3_2021(&values(175, 7)),
        &style,
        "表三 JPEG q60 ×0.8",
        false,
    );
}

/// The renderer's own test (it left the library with the renderer).
mod render_tests {
    use super::render::*;

    fn grid(spec: &TableSpec) -> Vec<(usize, usize, usize, usize, String)> {
        let (cells, _, _) = spec.placed();
        cells
            .into_iter()
            .map(|c| (c.row, c.col, c.rowspan, c.colspan, c.text))
            .collect()
    }

    #[test]
    fn a_page_break_cuts_merged_cells_and_may_repeat_the_header() {
        let values: Vec<String> = (0..175).map(|i| i.to_string()).collect();
        let whole = table3_2021(&values);
        let (_, rows, cols) = whole.placed();
        // Before data row 13 (grid row 16): inside 三、本年度办理结果 (grid rows 5–26) and inside
        // （四）无法提供 (grid rows 15–17).
        let (top, bottom) = whole.split_at(16, 3);
        let (_, top_rows, top_cols) = top.placed();
        let (_, bottom_rows, bottom_cols) = bottom.placed();
        assert_eq!((top_rows, top_cols), (16, cols));
        assert_eq!((bottom_rows, bottom_cols), (3 + rows - 16, cols));
        let top = grid(&top);
        let bottom = grid(&bottom);
        assert!(top.contains(&(5, 0, 11, 1, "三、本年度\n办理结果".into())));
        assert!(top.contains(&(15, 1, 1, 1, "（四）无法提供".into())));
        // The header again, then the merged cells continued without their text.
        assert_eq!(&bottom[..9], &grid(&whole)[..9]);
        assert!(bottom.contains(&(3, 0, 11, 1, String::new())));
        assert!(bottom.contains(&(3, 1, 2, 1, String::new())));
        assert!(bottom.contains(&(3, 2, 1, 1, TABLE3_ROWS[13].into())));
        let (_, no_header) = whole.split_at(16, 0);
        assert_eq!(grid(&no_header)[0], (0, 0, 11, 1, String::new()));
    }
}
