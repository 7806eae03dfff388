//! A cell's ink into the text lines the recogniser reads: the cell's inside, its bands of ink
//! (touching lines cut apart, specks and dust left out) and each line's crop.

use image::{GrayImage, Luma};

use super::grid::{Binary, Grid, GridCell};
use super::CROP_MARGIN;

/// One text line of a cell: its ink box in image coordinates.
#[derive(Debug, Clone, Copy)]
pub(super) struct InkBox {
    pub(super) x0: u32,
    pub(super) y0: u32,
    pub(super) x1: u32,
    pub(super) y1: u32,
}

/// The inside of a cell, rules excluded (plus one pixel of anti-aliasing).
pub(super) fn interior(grid: &Grid, c: &GridCell) -> Option<InkBox> {
    let x0 = grid.cols[c.col].end + 2;
    let x1 = grid.cols[c.col + c.colspan].start.checked_sub(2)?;
    let y0 = grid.rows[c.row].end + 2;
    let y1 = grid.rows[c.row + c.rowspan].start.checked_sub(2)?;
    (x1 >= x0 && y1 >= y0).then_some(InkBox { x0, y0, x1, y1 })
}

/// Bands of inked rows of a cell (empty when the cell has next to no ink).
pub(super) fn ink_bands(bin: &Binary, inside: InkBox) -> Vec<(u32, u32)> {
    let row_ink: Vec<u32> = (inside.y0..=inside.y1)
        .map(|y| (inside.x0..=inside.x1).filter(|&x| bin.at(x, y)).count() as u32)
        .collect();
    if row_ink.iter().sum::<u32>() < 3 {
        return Vec::new();
    }
    let mut bands: Vec<(u32, u32)> = Vec::new();
    for (i, &n) in row_ink.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let y = inside.y0 + i as u32;
        match bands.last_mut() {
            Some((_, e)) if *e + 1 == y => *e = y,
            _ => bands.push((y, y)),
        }
    }
    bands
}

/// The typical height of a line of text in a table: the median over inked cells of their
/// tallest band. Most cells hold one line of digits, so this is about the height of a digit.
pub(super) fn table_line_height(bands: &[Vec<(u32, u32)>]) -> u32 {
    let mut tallest: Vec<u32> = bands
        .iter()
        .filter_map(|b| b.iter().map(|(s, e)| e - s + 1).max())
        .collect();
    tallest.sort_unstable();
    tallest.get(tallest.len() / 2).copied().unwrap_or(1)
}

/// A band of ink two lines high or more, cut at its valleys: lines of text a blurred scan
/// made touch (their strokes smeared into the gap, a speck left in it) are read one by one,
/// not as one tall line the recogniser makes nothing of. A valley is a row with next to no ink
/// (a sixth of the band's median row or less) at least most of a line from either end; inside
/// a line of text no row is that empty.
fn split_touching_lines(
    bin: &Binary,
    inside: InkBox,
    (s, e): (u32, u32),
    table_line_h: u32,
) -> Vec<(u32, u32)> {
    if e + 1 - s < 2 * table_line_h || table_line_h < 4 {
        return vec![(s, e)];
    }
    let row_ink: Vec<usize> = (s..=e)
        .map(|y| (inside.x0..=inside.x1).filter(|&x| bin.at(x, y)).count())
        .collect();
    let ink = |y: u32| row_ink[(y - s) as usize];
    let keep = (table_line_h * 3).div_ceil(5);
    let valley = (s + keep..=e - keep).min_by_key(|&y| ink(y));
    let mut sorted = row_ink.clone();
    sorted.sort_unstable();
    let typical = sorted[sorted.len() / 2];
    match valley {
        Some(y) if ink(y) * 6 <= typical => {
            let mut parts = split_touching_lines(bin, inside, (s, y - 1), table_line_h);
            parts.extend(split_touching_lines(bin, inside, (y + 1, e), table_line_h));
            parts
        }
        _ => vec![(s, e)],
    }
}

/// The text lines of a cell: its ink bands merged into lines, each cut to its ink box.
/// `table_line_h` ([`table_line_height`]) keeps a glyph whose middle rows lost their ink (a thin
/// `0` in a small JPEG reads as `n` over `u`) in one line.
pub(super) fn cell_lines(
    bin: &Binary,
    inside: InkBox,
    bands: Vec<(u32, u32)>,
    table_line_h: u32,
) -> Vec<InkBox> {
    if bands.is_empty() {
        return Vec::new();
    }
    let mut bands: Vec<(u32, u32)> = bands
        .into_iter()
        .flat_map(|b| split_touching_lines(bin, inside, b, table_line_h))
        .collect();
    let line_h = bands
        .iter()
        .map(|(s, e)| e - s + 1)
        .max()
        .unwrap_or(1)
        .max(table_line_h);
    // Dust apart from the text (a speck a few rows under or over a digit, or in the gap between
    // two lines) is no part of any line: joined to one, it makes the recogniser read `201` for
    // `2`, or nothing for `1`. What is more than dust (a stray row of a stroke) and a dot close
    // to its glyph (六, 文) stay.
    let short = |(s, e): (u32, u32)| e - s + 1 < line_h / 3;
    let dust_ink = |(s, e): (u32, u32)| {
        (s..=e)
            .flat_map(|y| (inside.x0..=inside.x1).map(move |x| (x, y)))
            .filter(|&(x, y)| bin.at(x, y))
            .count()
            <= SPECK_INK
    };
    let apart = line_h.div_ceil(4);
    let lone_dust: Vec<bool> = (0..bands.len())
        .map(|i| {
            let gap_before = i.checked_sub(1).map(|j| bands[i].0 - bands[j].1 - 1);
            let gap_after = bands.get(i + 1).map(|n| n.0 - bands[i].1 - 1);
            short(bands[i])
                && [gap_before, gap_after]
                    .iter()
                    .all(|g| g.is_none_or(|g| g >= apart))
                && dust_ink(bands[i])
        })
        .collect();
    if lone_dust.iter().zip(&bands).any(|(&d, &b)| !d && !short(b)) {
        let mut keep = lone_dust.iter().map(|&d| !d);
        bands.retain(|_| keep.next().unwrap_or(true));
    }
    // Glyphs like 三 and 二 have gaps: merge bands while the result stays one line high.
    let mut lines: Vec<(u32, u32)> = Vec::new();
    for (s, e) in bands {
        match lines.last_mut() {
            Some((ls, le)) if e + 1 - *ls <= line_h + line_h / 4 => *le = e,
            _ => lines.push((s, e)),
        }
    }
    // Specks (a dot, a stray pixel row) join the nearest line.
    let mut merged: Vec<(u32, u32)> = Vec::new();
    for (s, e) in lines {
        if e - s + 1 < line_h / 3 && !merged.is_empty() {
            merged.last_mut().expect("non-empty").1 = e;
        } else {
            merged.push((s, e));
        }
    }
    if merged.len() > 1 && merged[0].1 - merged[0].0 + 1 < line_h / 3 {
        let first = merged.remove(0);
        merged[0].0 = first.0;
    }
    merged
        .into_iter()
        .filter_map(|(y0, y1)| {
            let cols: Vec<u32> = (inside.x0..=inside.x1)
                .filter(|&x| (y0..=y1).any(|y| bin.at(x, y)))
                .collect();
            let (x0, x1) = without_lone_specks(bin, &cols, y0, y1, line_h)?;
            // Rows inked between the kept columns: a speck dropped at the side no longer
            // stretches the line up or down.
            let inked = |y: u32| (x0..=x1).any(|x| bin.at(x, y));
            let (y0, y1) = match (y0..=y1).find(|&y| inked(y)) {
                Some(top) => (top, (top..=y1).rev().find(|&y| inked(y)).unwrap_or(top)),
                None => (y0, y1),
            };
            Some(InkBox { x0, x1, y0, y1 })
        })
        .collect()
}

/// The most grey (darker than 224) a speck of dust leaves around it, in pixels.
pub(super) const DUST_GREY: usize = 16;

/// A cell's lines without the specks left on their own (dust touching a rule, which the
/// cleaning keeps): read alone one comes out as `—` or `-` in a blank cell. Every glyph, a dash
/// included, is larger than a third of the table's line height one way or the other; a
/// smudged digit can be as small once binarised, but leaves far more grey around it than dust.
pub(super) fn without_speck_lines(
    gray: &GrayImage,
    lines: Vec<InkBox>,
    table_line_h: u32,
) -> Vec<InkBox> {
    let small = |span: u32| span * 3 < table_line_h;
    let speck = |b: &InkBox| {
        small(b.x1 - b.x0 + 1) && small(b.y1 - b.y0 + 1) && grey_around(gray, b, 2) <= DUST_GREY
    };
    lines.into_iter().filter(|b| !speck(b)).collect()
}

/// The pixels darker than paper (< 224) in a box grown by `reach` on every side: how a smudged
/// digit (a cloud of grey around its dark core) is told from dust (its JPEG ringing alone).
pub(super) fn grey_around(gray: &GrayImage, b: &InkBox, reach: u32) -> usize {
    let (w, h) = gray.dimensions();
    (b.y0.saturating_sub(reach)..=(b.y1 + reach).min(h - 1))
        .flat_map(|y| (b.x0.saturating_sub(reach)..=(b.x1 + reach).min(w - 1)).map(move |x| (x, y)))
        .filter(|&(x, y)| gray.get_pixel(x, y).0[0] < 224)
        .count()
}

/// The most ink a speck of dust left by the cleaning has, in pixels of the binarised picture.
const SPECK_INK: usize = 6;

/// The first and last inked column of a line once a speck at either end is left out: a run of
/// at most two columns and `SPECK_INK` pixels, a third of a line's height or more away from the
/// rest. Dust that touches a cell's rule survives the cleaning (it is part of the rule's blob)
/// and would widen the crop: the recogniser then reads a lone `2` as nothing, or `0` as `〇、`.
fn without_lone_specks(
    bin: &Binary,
    cols: &[u32],
    y0: u32,
    y1: u32,
    line_h: u32,
) -> Option<(u32, u32)> {
    // Runs of consecutive inked columns.
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &x in cols {
        match runs.last_mut() {
            Some((_, e)) if *e + 1 == x => *e = x,
            _ => runs.push((x, x)),
        }
    }
    let speck = |(s, e): (u32, u32)| {
        e - s < 2
            && (s..=e)
                .flat_map(|x| (y0..=y1).map(move |y| (x, y)))
                .filter(|&(x, y)| bin.at(x, y))
                .count()
                <= SPECK_INK
    };
    let far = line_h.div_ceil(3);
    while runs.len() > 1 && speck(runs[0]) && runs[1].0 - runs[0].1 > far {
        runs.remove(0);
    }
    while runs.len() > 1 && speck(runs[runs.len() - 1]) && {
        let n = runs.len();
        runs[n - 1].0 - runs[n - 2].1 > far
    } {
        runs.pop();
    }
    Some((runs.first()?.0, runs.last()?.1))
}

/// The crop the recogniser reads: the line's pixels on a white canvas with a fixed margin.
pub(super) fn crop(gray: &GrayImage, b: InkBox) -> GrayImage {
    let (w, h) = (b.x1 - b.x0 + 1, b.y1 - b.y0 + 1);
    let mut out = GrayImage::from_pixel(w + 2 * CROP_MARGIN, h + 2 * CROP_MARGIN, Luma([255]));
    for y in 0..h {
        for x in 0..w {
            out.put_pixel(
                x + CROP_MARGIN,
                y + CROP_MARGIN,
                *gray.get_pixel(b.x0 + x, b.y0 + y),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `2` drawn as a 6 × 10 block at x 40..46, y 10..20 of a cell, and one dust pixel.
    fn digit_and_speck(speck: (u32, u32)) -> Binary {
        let gray = GrayImage::from_fn(80, 30, |x, y| {
            let digit = (40..46).contains(&x) && (10..20).contains(&y);
            Luma([if digit || (x, y) == speck { 0 } else { 255 }])
        });
        Binary::otsu(&gray)
    }

    #[test]
    fn a_speck_beside_a_number_does_not_widen_its_line() {
        let inside = InkBox {
            x0: 2,
            y0: 2,
            x1: 77,
            y1: 27,
        };
        for speck in [(3, 25), (70, 4), (3, 12)] {
            let bin = digit_and_speck(speck);
            let bands = ink_bands(&bin, inside);
            let lines = cell_lines(&bin, inside, bands, 10);
            assert_eq!(lines.len(), 1, "{speck:?}");
            let b = lines[0];
            assert_eq!((b.x0, b.x1, b.y0, b.y1), (40, 45, 10, 19), "{speck:?}");
        }
        // A point next to the digit is part of the number (`5.`), not dust.
        let bin = digit_and_speck((48, 19));
        let lines = cell_lines(&bin, inside, ink_bands(&bin, inside), 10);
        assert_eq!((lines[0].x0, lines[0].x1), (40, 48));
    }

    /// A `0` whose sides lost their ink (bands: top arc, bottom arc) stays one line; two lines of
    /// text stay two.
    #[test]
    fn bands_of_one_glyph_make_one_line() {
        // Rows 0–2 and 7–9 inked (a 10-row 0 without its sides), in a table of 10-row digits.
        let (w, h) = (6u32, 10u32);
        let ink = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| (y <= 2 || y >= 7) && (1..5).contains(&x))
            .collect();
        let bin = Binary {
            width: w,
            height: h,
            ink,
        };
        let inside = InkBox {
            x0: 0,
            y0: 0,
            x1: w - 1,
            y1: h - 1,
        };
        let bands = ink_bands(&bin, inside);
        assert_eq!(bands, vec![(0, 2), (7, 9)]);
        assert_eq!(cell_lines(&bin, inside, bands.clone(), 10).len(), 1);
        // Alone, as two short bands, it would be split.
        assert_eq!(cell_lines(&bin, inside, bands, 1).len(), 2);
        assert_eq!(
            table_line_height(&[vec![(0, 9)], vec![(0, 2), (7, 9)], vec![]]),
            10
        );
    }

    /// A 2 × 2 speck alone in a cell (dust touching a rule) is no line of text; a dash is.
    #[test]
    fn a_speck_alone_in_a_cell_is_no_line() {
        let (w, h) = (30u32, 20u32);
        let bin = |inked: &dyn Fn(u32, u32) -> bool| Binary {
            width: w,
            height: h,
            ink: (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .map(|(x, y)| inked(x, y))
                .collect(),
        };
        let inside = InkBox {
            x0: 0,
            y0: 0,
            x1: w - 1,
            y1: h - 1,
        };
        let lines = |inked: &dyn Fn(u32, u32) -> bool| {
            let b = bin(inked);
            let gray = GrayImage::from_fn(w, h, |x, y| Luma([if inked(x, y) { 0 } else { 255 }]));
            without_speck_lines(&gray, cell_lines(&b, inside, ink_bands(&b, inside), 14), 14)
        };
        assert!(lines(&|x, y| (3..5).contains(&x) && (2..4).contains(&y)).is_empty());
        assert_eq!(
            lines(&|x, y| (8..20).contains(&x) && (9..11).contains(&y)).len(),
            1
        );
        // A digit smudged to a few dark pixels in a cloud of grey is read, not dropped.
        let smudged = GrayImage::from_fn(w, h, |x, y| {
            let d = (x as i32 - 10).abs().max((y as i32 - 10).abs());
            Luma([match d {
                _ if y == 10 && (9..=11).contains(&x) => 0,
                0..=3 => 180,
                _ => 255,
            }])
        });
        let b = bin(&|x, y| y == 10 && (9..=11).contains(&x));
        let kept = without_speck_lines(
            &smudged,
            cell_lines(&b, inside, ink_bands(&b, inside), 14),
            14,
        );
        assert_eq!(kept.len(), 1);
    }

    /// Rows of a cell: two lines of text 12 rows high that a blurred scan made touch (a few
    /// inked pixels in the rows between), a speck four rows under the second line.
    fn two_touching_lines() -> Binary {
        let (w, h) = (60u32, 40u32);
        let ink = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| match y {
                // Text: every other column inked.
                4..=15 | 18..=29 => (5..55).contains(&x) && x % 2 == 0,
                16 | 17 => x == 20,
                34 => x == 50 || x == 51,
                _ => false,
            })
            .collect();
        Binary {
            width: w,
            height: h,
            ink,
        }
    }

    #[test]
    fn touching_lines_of_text_are_read_one_by_one() {
        let bin = two_touching_lines();
        let inside = InkBox {
            x0: 0,
            y0: 0,
            x1: 59,
            y1: 39,
        };
        let bands = ink_bands(&bin, inside);
        assert_eq!(bands, vec![(4, 29), (34, 34)]);
        let lines = cell_lines(&bin, inside, bands, 10);
        let rows: Vec<(u32, u32)> = lines.iter().map(|b| (b.y0, b.y1)).collect();
        // The speck under the second line is no part of it.
        assert_eq!(rows, vec![(4, 15), (17, 29)]);
        // One line of text as tall as the table's lines is not cut.
        assert_eq!(
            split_touching_lines(&bin, inside, (4, 15), 10),
            vec![(4, 15)]
        );
    }
}
