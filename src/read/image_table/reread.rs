//! Reading digit cells of a table picture again, when the table's arithmetic says one of them may
//! be misread.
//!
//! The first reading of a cell is one crop through the recogniser. A digit thinned or smudged by
//! JPEG, or two `1`s run together, can come out wrong from that crop and right from another. So the
//! cells of a failed identity are cropped again in other ways — a wider margin, scaled up, stretched
//! sideways, the whole cell instead of its ink, binarised at two thresholds — and read again.
//!
//! What is kept is what the picture supports best: the readings vote with their confidence, and a
//! new text replaces the first only when its readings outweigh those of the first. The identity
//! that sent the cell here plays no part in the choice — a number is never chosen because it makes
//! a sum balance.

use image::{imageops, GrayImage, Luma};

use super::grid::{self, Binary};
use super::{
    cell_lines, crop, decode_clean, ink_bands, interior, table_line_height, without_speck_lines,
    without_specks, ImageTableError, InkBox, CROP_MARGIN,
};
use crate::ocr::{Line, OcrError, Recogniser};
use crate::read::Limits;

/// Reads text lines — the PP-OCR [`Recogniser`], or a stand-in in tests.
pub trait LineReader {
    /// One [`Line`] per crop, in order.
    fn read_lines(&self, crops: &[GrayImage]) -> Result<Vec<Line>, OcrError>;
}

impl LineReader for Recogniser {
    fn read_lines(&self, crops: &[GrayImage]) -> Result<Vec<Line>, OcrError> {
        self.recognise_batch(crops)
    }
}

/// A digit cell to read again: its slot in the picture's grid and what the first reading gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Doubt {
    pub row: usize,
    pub col: usize,
    pub text: String,
    pub confidence: f32,
}

/// One reading of a cell: the digits, the recogniser's confidence, and the crop it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub text: String,
    pub confidence: f32,
    /// `first` for the first reading, else the preprocessing ([`VARIANTS`]).
    pub how: &'static str,
}

/// The outcome for one cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Reread {
    pub row: usize,
    pub col: usize,
    /// The first reading.
    pub first: Reading,
    /// The text kept, with the highest confidence any reading gave it.
    pub kept: Reading,
    /// How many readings, the first included, gave the kept text; out of how many.
    pub agree: usize,
    pub readings: usize,
}

impl Reread {
    pub fn changed(&self) -> bool {
        self.kept.text != self.first.text
    }
}

/// The crops a cell is read from again, besides the first (its ink, 4 px of margin).
pub const VARIANTS: [&str; 7] = [
    "margin",
    "scale×1.5",
    "scale×2",
    "wide×1.6",
    "whole cell",
    "binary",
    "binary light",
];

/// Reads the `doubts` of one table picture again (see the module documentation). Cells the grid
/// no longer has are left out of the result.
pub fn reread_digits(
    bytes: &[u8],
    limits: &Limits,
    doubts: &[Doubt],
    reader: &dyn LineReader,
) -> Result<Vec<Reread>, ImageTableError> {
    // Cells are cut again from the cleaned pixels, where the first reading cut them; they are
    // matched by row and column, so no box is handed out here.
    let gray = decode_clean(bytes, limits)?.gray;
    let Some(grid) = grid::detect(&Binary::rules(&gray)) else {
        return Ok(Vec::new());
    };
    let bin = Binary::otsu(&gray);
    // Lines are cut as the first reading cut them: against the whole table's line height.
    let all_bands: Vec<Vec<(u32, u32)>> = grid
        .cells
        .iter()
        .filter_map(|c| interior(&grid, c))
        .map(|i| ink_bands(&bin, i))
        .collect();
    let table_line_h = table_line_height(&all_bands);
    // Every variant of every line of every cell, read in one batch.
    let mut crops: Vec<GrayImage> = Vec::new();
    let mut plan: Vec<(&Doubt, usize)> = Vec::new();
    for d in doubts {
        let Some(inside) = grid
            .cells
            .iter()
            .find(|c| c.row == d.row && c.col == d.col)
            .and_then(|c| interior(&grid, c))
        else {
            continue;
        };
        let lines = without_speck_lines(
            &gray,
            cell_lines(&bin, inside, ink_bands(&bin, inside), table_line_h),
            table_line_h,
        );
        if lines.is_empty() {
            continue;
        }
        for how in VARIANTS {
            for &line in &lines {
                crops.push(variant(&gray, line, inside, lines.len(), how));
            }
        }
        plan.push((d, lines.len()));
    }
    let read = reader.read_lines(&crops)?;
    let mut read = read.into_iter();
    let mut out = Vec::with_capacity(plan.len());
    for (d, n) in plan {
        let first = Reading {
            text: d.text.clone(),
            confidence: d.confidence,
            how: "first",
        };
        let again: Vec<Reading> = VARIANTS
            .iter()
            .map(|how| {
                let lines: Vec<Line> = read.by_ref().take(n).collect();
                // Dust marks at the ends trimmed, as from the first reading ([`cell_reading`]):
                // a speck beside a digit is no decimal point in any crop.
                let text: String = lines.iter().map(|l| l.numeric.as_str()).collect();
                Reading {
                    text: without_specks(&text).to_string(),
                    confidence: lines
                        .iter()
                        .map(|l| l.numeric_confidence)
                        .fold(1.0f32, f32::min),
                    how,
                }
            })
            .collect();
        let (kept, agree, readings) = choose(&first, &again);
        out.push(Reread {
            row: d.row,
            col: d.col,
            first,
            kept,
            agree,
            readings,
        });
    }
    Ok(out)
}

/// The reading the picture supports best: every reading votes for its text with its confidence;
/// the first reading is replaced only by a text whose votes weigh more. Readings that found no
/// digit do not vote. Returns the kept text (with the best confidence it was read with), how many
/// readings gave it and how many voted.
pub fn choose(first: &Reading, again: &[Reading]) -> (Reading, usize, usize) {
    let voters: Vec<&Reading> = std::iter::once(first)
        .chain(again)
        .filter(|r| !r.text.is_empty())
        .collect();
    // (text, summed confidence, count, best reading), in order of first appearance: the first
    // reading leads, so it wins a tie.
    let mut tally: Vec<(&str, f32, usize, &Reading)> = Vec::new();
    for r in &voters {
        match tally.iter_mut().find(|(t, ..)| *t == r.text) {
            Some((_, weight, count, best)) => {
                *weight += r.confidence;
                *count += 1;
                if r.confidence > best.confidence {
                    *best = r;
                }
            }
            None => tally.push((&r.text, r.confidence, 1, r)),
        }
    }
    let mut winner: Option<&(&str, f32, usize, &Reading)> = None;
    for t in &tally {
        if winner.is_none_or(|w| t.1 > w.1) {
            winner = Some(t);
        }
    }
    match winner {
        Some((_, _, count, best)) => ((*best).clone(), *count, voters.len()),
        None => (first.clone(), 0, 0),
    }
}

/// One way of cropping a line of a cell for another reading.
fn variant(gray: &GrayImage, line: InkBox, cell: InkBox, lines: usize, how: &str) -> GrayImage {
    let ink = || crop_margin(gray, line, 0);
    match how {
        "margin" => crop_margin(gray, line, (line.y1 - line.y0).div_ceil(2).max(CROP_MARGIN)),
        "scale×1.5" => pad(&scaled(&ink(), 1.5, 1.5)),
        "scale×2" => pad(&scaled(&ink(), 2.0, 2.0)),
        "wide×1.6" => pad(&scaled(&ink(), 1.6, 1.0)),
        // The whole inside of the cell: no decision about where its ink ends.
        "whole cell" if lines == 1 => crop_margin(gray, cell, 0),
        "whole cell" => crop(gray, line),
        "binary" => threshold(&crop(gray, line), false),
        "binary light" => threshold(&crop(gray, line), true),
        _ => crop(gray, line),
    }
}

/// The box's pixels with `margin` pixels of white around.
fn crop_margin(gray: &GrayImage, b: InkBox, margin: u32) -> GrayImage {
    let (w, h) = (b.x1 - b.x0 + 1, b.y1 - b.y0 + 1);
    let mut out = GrayImage::from_pixel(w + 2 * margin, h + 2 * margin, Luma([255]));
    imageops::replace(
        &mut out,
        &imageops::crop_imm(gray, b.x0, b.y0, w, h).to_image(),
        i64::from(margin),
        i64::from(margin),
    );
    out
}

/// The standard margin around an already cut image.
fn pad(img: &GrayImage) -> GrayImage {
    let mut out = GrayImage::from_pixel(
        img.width() + 2 * CROP_MARGIN,
        img.height() + 2 * CROP_MARGIN,
        Luma([255]),
    );
    imageops::replace(
        &mut out,
        img,
        i64::from(CROP_MARGIN),
        i64::from(CROP_MARGIN),
    );
    out
}

fn scaled(img: &GrayImage, fx: f32, fy: f32) -> GrayImage {
    let w = ((img.width() as f32 * fx).round() as u32).max(1);
    let h = ((img.height() as f32 * fy).round() as u32).max(1);
    imageops::resize(img, w, h, imageops::FilterType::CatmullRom)
}

/// Black and white at the crop's own Otsu level, or (`light`) halfway between it and white, which
/// keeps faint and thin strokes and thickens them.
fn threshold(img: &GrayImage, light: bool) -> GrayImage {
    let otsu = imageproc::contrast::otsu_level(img);
    let level = if light {
        ((u16::from(otsu) + 255) / 2) as u8
    } else {
        otsu
    };
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        Luma([if img.get_pixel(x, y)[0] <= level {
            0
        } else {
            255
        }])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str, confidence: f32, how: &'static str) -> Reading {
        Reading {
            text: text.into(),
            confidence,
            how,
        }
    }

    #[test]
    fn agreement_weighted_by_confidence_decides() {
        let first = r("8", 0.55, "first");
        // most readings see a 3, surely
        let again = [
            r("3", 0.93, "margin"),
            r("3", 0.95, "scale×1.5"),
            r("8", 0.60, "scale×2"),
            r("3", 0.90, "wide×1.6"),
        ];
        let (kept, agree, of) = choose(&first, &again);
        assert_eq!(
            (kept.text.as_str(), kept.how, agree, of),
            ("3", "scale×1.5", 3, 5)
        );
        // one surer reading of another digit does not outweigh the first and its agreement
        let again = [r("3", 0.99, "binary"), r("8", 0.7, "margin")];
        let (kept, agree, of) = choose(&first, &again);
        assert_eq!((kept.text.as_str(), agree, of), ("8", 2, 3));
        // a tie keeps the first reading
        let (kept, ..) = choose(&r("8", 0.5, "first"), &[r("3", 0.5, "binary")]);
        assert_eq!(kept.text, "8");
        // readings that found no digit do not vote
        let (kept, agree, of) = choose(&r("12", 0.4, "first"), &[r("", 1.0, "binary")]);
        assert_eq!((kept.text.as_str(), agree, of), ("12", 1, 1));
    }

    /// A recogniser reading the crops it is given as scripted, in turn.
    struct Script {
        readings: Vec<(&'static str, f32)>,
        crops: std::cell::Cell<usize>,
    }

    impl Script {
        fn new(readings: &[(&'static str, f32)]) -> Script {
            Script {
                readings: readings.to_vec(),
                crops: Default::default(),
            }
        }
    }

    impl LineReader for Script {
        fn read_lines(&self, crops: &[GrayImage]) -> Result<Vec<Line>, OcrError> {
            Ok(crops
                .iter()
                .map(|c| {
                    assert!(
                        c.width() >= 12 && c.height() >= 20,
                        "the cell's ink is in the crop"
                    );
                    let n = self.crops.get();
                    self.crops.set(n + 1);
                    let (text, conf) = self.readings[n % self.readings.len()];
                    Line {
                        text: text.into(),
                        confidence: conf,
                        numeric: text.into(),
                        numeric_confidence: conf,
                    }
                })
                .collect())
        }
    }

    /// A 2 × 2 ruled table, 100 × 40 px cells, a 20 px high blot of ink in cell (1, 1).
    fn picture() -> Vec<u8> {
        let mut img = GrayImage::from_pixel(220, 100, Luma([255]));
        for y in [10u32, 50, 90] {
            for x in 10..=210 {
                img.put_pixel(x, y, Luma([0]));
            }
        }
        for x in [10u32, 110, 210] {
            for y in 10..=90 {
                img.put_pixel(x, y, Luma([0]));
            }
        }
        for y in 60..80 {
            for x in 150..162 {
                img.put_pixel(x, y, Luma([0]));
            }
        }
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png)
            .expect("png");
        png.into_inner()
    }

    fn doubt() -> Doubt {
        Doubt {
            row: 1,
            col: 1,
            text: "8".into(),
            confidence: 0.55,
        }
    }

    #[test]
    fn other_crops_that_agree_replace_an_unsure_first_reading() {
        let fake = Script::new(&[("3", 0.9)]);
        let out = reread_digits(&picture(), &Limits::default(), &[doubt()], &fake).expect("read");
        assert_eq!(fake.crops.get(), VARIANTS.len());
        assert_eq!(out.len(), 1);
        let r = &out[0];
        assert!(r.changed());
        assert_eq!((r.first.text.as_str(), r.kept.text.as_str()), ("8", "3"));
        assert_eq!((r.agree, r.readings), (VARIANTS.len(), VARIANTS.len() + 1));
    }

    #[test]
    fn a_sure_first_reading_stays_when_the_others_disagree_among_themselves() {
        let fake = Script::new(&[("3", 0.6), ("5", 0.6), ("8", 0.6)]);
        let mut d = doubt();
        d.confidence = 0.99;
        let out = reread_digits(&picture(), &Limits::default(), &[d], &fake).expect("read");
        // 3, 5, 8, 3, 5, 8, 3: the 3s weigh 1.8, the 8s 0.99 + 1.2
        assert!(!out[0].changed(), "{out:?}");
        assert_eq!((out[0].agree, out[0].readings), (3, 8));
    }

    #[test]
    fn a_cell_the_grid_does_not_have_is_left_out() {
        let fake = Script::new(&[("3", 0.9)]);
        let mut d = doubt();
        d.row = 7;
        let out = reread_digits(&picture(), &Limits::default(), &[d], &fake).expect("read");
        assert!(out.is_empty());
        assert_eq!(fake.crops.get(), 0);
    }
}
