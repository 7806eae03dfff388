//! Pictures as scanners and phones deliver them, made fit for finding the grid: red seal ink
//! dropped, uneven paper flattened to white, specks erased and the picture turned straight. A
//! clean screenshot passes through unchanged but for stray specks (white paper is not touched,
//! no skew is found), so what read well before reads the same.

use image::{DynamicImage, GrayImage, Luma};
use imageproc::geometric_transformations::{
    rotate_about_center_no_crop, Border, Interpolation, Projection,
};
use imageproc::region_labelling::{connected_components, Connectivity};

/// The largest skew looked for, in degrees (a scanner feeder or a hand-held phone).
pub const MAX_SKEW_DEG: f32 = 5.0;

/// How much lighter a pixel's red channel is than its green and blue for it to be red seal
/// ink (an office seal stamped over the table).
const REDDISH: u32 = 60;
/// Seal ink this much redder still is sure to be ink alone, not ink over black print nor its
/// edge: on it the ink's own colour is measured ([`SealInk::lift`]).
const SURELY_RED: u32 = 100;
/// How far beyond a seal's strokes a JPEG smears their colour, in pixels: there the red
/// channel is the one to read, though the pixel no longer looks red.
const SEAL_HALO: u8 = 2;

/// Where a red seal was stamped on a picture and how red each pixel around it is.
pub struct SealInk {
    /// Per pixel: how much redder than its green and blue its red channel is, as a share of
    /// the red (0–255 for 0–1): 0 for paper and black print, about 0.7 for seal ink.
    red_share: Vec<u8>,
    /// Seal ink surely alone (see [`SURELY_RED`]).
    sure: Vec<bool>,
    /// The ink and its halo ([`SEAL_HALO`]): the pixels read in the red channel.
    near: Vec<bool>,
}

impl SealInk {
    fn median(values: impl Iterator<Item = u8>) -> Option<u32> {
        let mut hist = [0u32; 256];
        for v in values {
            hist[v as usize] += 1;
        }
        let n: u32 = hist.iter().sum();
        let mut seen = 0;
        // Too few pixels to measure the ink on: nothing is changed.
        (n >= 50).then(|| {
            (0..256)
                .find(|&i| {
                    seen += hist[i];
                    seen * 2 >= n
                })
                .unwrap_or(255) as u32
        })
    }

    /// Makes the seal's ink paper in a picture whose paper was flattened to white
    /// ([`flatten_paper_beside`]). Read in the red channel the ink is still a little darker
    /// than the paper (it lets through most, not all, of the red light: 85–90 % for a typical
    /// seal) — light enough to be taken for ink where a scan is faint and its print grey, and
    /// then the recogniser reads the seal's words in a blank cell. How much red light the ink
    /// lets through is measured on the ink itself (its surely red pixels) and divided out of
    /// each pixel in the measure that pixel is inked (its red share against the ink's): the rule
    /// or digit beside a stroke is not lightened, and black print under the seal, dark in the
    /// red channel, stays dark.
    pub fn lift(&self, gray: &mut GrayImage) {
        let sure = || gray.as_raw().iter().zip(&self.sure).filter(|(_, &s)| s);
        let Some(ink) = Self::median(sure().map(|(&v, _)| v)) else {
            return;
        };
        let Some(ink_share) = Self::median(
            self.red_share
                .iter()
                .zip(&self.sure)
                .filter(|(_, &s)| s)
                .map(|(&v, _)| v),
        ) else {
            return;
        };
        // Ink that dark is not a seal's red; ink as light as the paper needs nothing.
        if !(128..250).contains(&ink) || ink_share == 0 {
            return;
        }
        let passed = ink as f32 / 255.0;
        for ((p, &near), &share) in gray.iter_mut().zip(&self.near).zip(&self.red_share) {
            if near {
                let inked = (f32::from(share) / ink_share as f32).min(1.0);
                let through = 1.0 - inked * (1.0 - passed);
                *p = (f32::from(*p) / through).round().min(255.0) as u8;
            }
        }
    }
}

/// Grayscale with transparency composited onto white and red ink turned into paper, and where
/// that ink is. In a red pixel the red channel is nearly as light as the paper, while black
/// digits under the seal stay dark in every channel: around the seal's ink the red channel is
/// read instead of the luma.
pub fn without_red(img: &DynamicImage) -> (GrayImage, Option<SealInk>) {
    if !img.color().has_color() {
        return (flatten_on_white(img), None);
    }
    let rgba = img.to_rgba8();
    let (w, h) = rgba.dimensions();
    let redness = |[r, g, b, _]: [u8; 4]| u32::from(r).saturating_sub(u32::from(g.max(b)));
    let ink = GrayImage::from_fn(w, h, |x, y| {
        Luma([if redness(rgba.get_pixel(x, y).0) > REDDISH {
            255
        } else {
            0
        }])
    });
    let seal = ink.as_raw().contains(&255).then(|| {
        let near = imageproc::morphology::dilate(
            &ink,
            imageproc::distance_transform::Norm::LInf,
            SEAL_HALO,
        );
        SealInk {
            red_share: rgba
                .pixels()
                .map(|p| (redness(p.0) * 255 / u32::from(p.0[0]).max(1)) as u8)
                .collect(),
            sure: rgba.pixels().map(|p| redness(p.0) > SURELY_RED).collect(),
            near: near.as_raw().iter().map(|&v| v != 0).collect(),
        }
    });
    let gray = GrayImage::from_fn(w, h, |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0.map(u32::from);
        let red = seal.as_ref().is_some_and(|s| s.near[(y * w + x) as usize]);
        let v = if red {
            r
        } else {
            (r * 299 + g * 587 + b * 114 + 500) / 1000
        };
        Luma([((v * a + 255 * (255 - a)) / 255) as u8])
    });
    (gray, seal)
}

/// [`without_red`]'s picture alone.
pub fn gray_without_red(img: &DynamicImage) -> GrayImage {
    without_red(img).0
}

/// Grayscale with transparency composited onto white (screenshots with a transparent ground
/// would otherwise turn black).
pub fn flatten_on_white(img: &DynamicImage) -> GrayImage {
    if !img.color().has_alpha() {
        return img.to_luma8();
    }
    let la = img.to_luma_alpha8();
    GrayImage::from_fn(la.width(), la.height(), |x, y| {
        let [l, a] = la.get_pixel(x, y).0;
        let v = (l as u32 * a as u32 + 255 * (255 - a as u32)) / 255;
        Luma([v as u8])
    })
}

/// Side of the blocks the paper level is estimated in, in pixels.
const PAPER_BLOCK: u32 = 16;

/// Divides out the paper: its level is the light end (the 90th percentile) of each block, widened over the
/// neighbouring blocks (so no block lies wholly inside a glyph or a filled cell) and
/// interpolated; each pixel is scaled so that paper becomes white. Grey recycled paper, a
/// scanner's uneven lighting and light cell fills go; ink keeps its contrast. A picture whose
/// paper is white everywhere is returned as it is.
pub fn flatten_paper(gray: &mut GrayImage) {
    flatten_paper_beside(gray, None);
}

/// [`flatten_paper`], the paper measured beside a seal's ink, not on it: read in the red
/// channel, the ink is nearly paper and the JPEG's edges around it lighter than the paper, which
/// would make the paper seem lighter than it is there and leave the ink grey.
fn flatten_paper_beside(gray: &mut GrayImage, seal: Option<&SealInk>) {
    let (w, h) = gray.dimensions();
    if w < PAPER_BLOCK * 2 || h < PAPER_BLOCK * 2 {
        return;
    }
    let (bw, bh) = (w.div_ceil(PAPER_BLOCK), h.div_ceil(PAPER_BLOCK));
    // Not the very lightest pixel: JPEG ringing and light specks are lighter than the paper.
    let mut values: Vec<Vec<u8>> = vec![Vec::new(); (bw * bh) as usize];
    for (i, (x, y, p)) in gray.enumerate_pixels().enumerate() {
        if seal.is_some_and(|s| s.near[i]) {
            continue;
        }
        values[((y / PAPER_BLOCK) * bw + x / PAPER_BLOCK) as usize].push(p.0[0]);
    }
    let lightest: Vec<Option<u8>> = values
        .into_iter()
        .map(|mut v| {
            let k = (v.len() * 9 / 10).min(v.len().checked_sub(1)?);
            Some(*v.select_nth_unstable(k).1)
        })
        .collect();
    // Widen by two blocks each way: a block inside a wide stroke or a dark fill takes the paper
    // of its neighbours. A block with no paper seen around it (all seal) is left as it is.
    let widened: Vec<u8> = (0..bh)
        .flat_map(|by| (0..bw).map(move |bx| (bx, by)))
        .map(|(bx, by)| {
            let mut m = None;
            for yy in by.saturating_sub(2)..(by + 3).min(bh) {
                for xx in bx.saturating_sub(2)..(bx + 3).min(bw) {
                    m = m.max(lightest[(yy * bw + xx) as usize]);
                }
            }
            m.unwrap_or(255)
        })
        .collect();
    // Paper a little off white (JPEG noise around dense text, a light scan) reads as it is:
    // rescaling it would only move the edges of glyphs the recogniser reads well.
    if widened.iter().all(|&v| v >= 232) {
        return;
    }
    let level = |bx: f32, by: f32| -> f32 {
        let x0 = (bx.floor().max(0.0) as u32).min(bw - 1);
        let y0 = (by.floor().max(0.0) as u32).min(bh - 1);
        let (x1, y1) = ((x0 + 1).min(bw - 1), (y0 + 1).min(bh - 1));
        let (fx, fy) = (
            (bx - x0 as f32).clamp(0.0, 1.0),
            (by - y0 as f32).clamp(0.0, 1.0),
        );
        let at = |x: u32, y: u32| widened[(y * bw + x) as usize] as f32;
        let top = at(x0, y0) * (1.0 - fx) + at(x1, y0) * fx;
        let bottom = at(x0, y1) * (1.0 - fx) + at(x1, y1) * fx;
        top * (1.0 - fy) + bottom * fy
    };
    let half = PAPER_BLOCK as f32 / 2.0;
    for (x, y, p) in gray.enumerate_pixels_mut() {
        let paper = level(
            (x as f32 - half) / PAPER_BLOCK as f32,
            (y as f32 - half) / PAPER_BLOCK as f32,
        )
        .max(32.0);
        p.0[0] = (p.0[0] as f32 * 255.0 / paper).round().min(255.0) as u8;
    }
}

/// Erases specks: blobs of ink of at most `SPECK_AREA` pixels with little other ink around
/// them (within `NEAR` pixels, rules not counted), unless the blob sits like a decimal point or
/// a `、` — between two glyphs, on their baseline — or lies in line with ink on both sides, a
/// piece of a rule between two holes. The dots of 氵 and 主 and the fragments of a blurred digit
/// have ink around them; dust has not. Only a dusty picture is touched. Dust in an empty cell
/// would otherwise become a text line of its own, and dust beside a number a `.` in it.
pub fn erase_specks(gray: &mut GrayImage, ink_level: u8) {
    const SPECK_AREA: u32 = 6;
    // How far to the side and how high a point's neighbouring glyphs are looked for.
    const SIDE: u32 = 8;
    const GLYPH: u32 = 16;
    const NEAR: u32 = 4;
    // How far a piece of a rule lies from the rest of it, across a hole.
    const IN_LINE: u32 = 3;
    let (w, h) = gray.dimensions();
    let ink = GrayImage::from_fn(w, h, |x, y| {
        Luma([u8::from(gray.get_pixel(x, y).0[0] <= ink_level)])
    });
    let labels = connected_components(&ink, Connectivity::Eight, Luma([0u8]));
    let n = labels.pixels().map(|p| p.0[0]).max().unwrap_or(0) as usize;
    // area, x0, y0, x1, y1 per label
    let mut boxes = vec![(0u32, u32::MAX, u32::MAX, 0u32, 0u32); n + 1];
    for (x, y, l) in labels.enumerate_pixels() {
        let b = &mut boxes[l.0[0] as usize];
        b.0 += 1;
        b.1 = b.1.min(x);
        b.2 = b.2.min(y);
        b.3 = b.3.max(x);
        b.4 = b.4.max(y);
    }
    // A glyph: more than a speck, less than a rule (rules are long and join up into one blob).
    let glyph = |&(area, x0, y0, x1, y1): &(u32, u32, u32, u32, u32)| {
        area > SPECK_AREA && x1 - x0 < 4 * GLYPH && y1 - y0 < 4 * GLYPH
    };
    let inked = |x: u32, y: u32| {
        let l = labels.get_pixel(x, y).0[0] as usize;
        l != 0 && (boxes[l].0 <= SPECK_AREA || glyph(&boxes[l]))
    };
    let big = |x: u32, y: u32| {
        let l = labels.get_pixel(x, y).0[0] as usize;
        l != 0 && glyph(&boxes[l])
    };
    // The lowest row of a glyph in columns xs, rows y0 - GLYPH ..= y1 + 2: a point's neighbours
    // end on the point's own bottom row.
    let glyph_bottom = |xs: std::ops::RangeInclusive<u32>, y0: u32, y1: u32| {
        let rows = y0.saturating_sub(GLYPH)..=(y1 + 2).min(h - 1);
        rows.rev().find(|&y| xs.clone().any(|x| big(x, y)))
    };
    let on_baseline = |bottom: Option<u32>, y1: u32| bottom.is_some_and(|b| b.abs_diff(y1) <= 2);
    let mut erase = Vec::new();
    for (label, &(area, x0, y0, x1, y1)) in boxes.iter().enumerate().skip(1) {
        if area == 0 || area > SPECK_AREA {
            continue;
        }
        let left = (x0 > 0).then(|| glyph_bottom(x0.saturating_sub(SIDE)..=x0 - 1, y0, y1));
        let right = (x1 + 1 < w).then(|| glyph_bottom(x1 + 1..=(x1 + SIDE).min(w - 1), y0, y1));
        let point = on_baseline(left.flatten(), y1) && on_baseline(right.flatten(), y1);
        // A piece of a rule cut out of it by two holes (specks of paper on the rule, one at a
        // crossing): ink in line with it on both sides, a hole's width away.
        let solid = |x: u32, y: u32| {
            let l = labels.get_pixel(x, y).0[0] as usize;
            l != 0 && boxes[l].0 > SPECK_AREA
        };
        let above = |x: u32| (y0.saturating_sub(IN_LINE)..y0).any(|y| solid(x, y));
        let below = |x: u32| (y1 + 1..=(y1 + IN_LINE).min(h - 1)).any(|y| solid(x, y));
        let before = |y: u32| (x0.saturating_sub(IN_LINE)..x0).any(|x| solid(x, y));
        let after = |y: u32| (x1 + 1..=(x1 + IN_LINE).min(w - 1)).any(|x| solid(x, y));
        let in_rule =
            (x0..=x1).any(|x| above(x) && below(x)) || (y0..=y1).any(|y| before(y) && after(y));
        if in_rule {
            continue;
        }
        let around = (y0.saturating_sub(NEAR)..=(y1 + NEAR).min(h - 1))
            .flat_map(|y| (x0.saturating_sub(NEAR)..=(x1 + NEAR).min(w - 1)).map(move |x| (x, y)))
            .filter(|&(x, y)| inked(x, y))
            .count() as u32;
        if !point && around <= 2 * SPECK_AREA {
            erase.push((label, x0, y0, x1, y1));
        }
    }
    // A screenshot has a few lone dots of its own (the fragments of a smudged digit, JPEG
    // noise: up to 27 in a 表三 picture, measured); dust comes by the hundred. Below 40, or one
    // in 20,000 pixels, nothing is erased.
    if erase.len() < (w as usize * h as usize / 20_000).max(40) {
        return;
    }
    for (label, x0, y0, x1, y1) in erase {
        for y in y0..=y1 {
            for x in x0..=x1 {
                if labels.get_pixel(x, y).0[0] as usize == label {
                    gray.put_pixel(x, y, Luma([255]));
                }
            }
        }
    }
}

/// The skew of the picture's rules and text lines, in degrees (positive = turned clockwise):
/// the angle at which the ink, projected onto the vertical axis, gives the sharpest profile
/// (rules and lines of text fall into single rows). 0 when no angle stands out.
pub fn skew_deg(gray: &GrayImage, ink_level: u8) -> f32 {
    let (w, h) = gray.dimensions();
    // Every other pixel of each row is plenty to find the angle (every row, though: sampling
    // rows would make 0° look sharpest).
    let points: Vec<(f32, f32)> = (0..h)
        .flat_map(|y| (0..w).step_by(2).map(move |x| (x, y)))
        .filter(|&(x, y)| gray.get_pixel(x, y).0[0] <= ink_level)
        .map(|(x, y)| (x as f32 - w as f32 / 2.0, y as f32))
        .collect();
    if points.len() < 50 {
        return 0.0;
    }
    let rows = (h as f32 + w as f32 * MAX_SKEW_DEG.to_radians().tan() + 2.0) as usize;
    let offset = w as f32 * MAX_SKEW_DEG.to_radians().tan() / 2.0 + 1.0;
    let mut hist = vec![0u32; rows + 1];
    let mut sharpness = |deg: f32| -> f64 {
        hist.iter_mut().for_each(|v| *v = 0);
        let t = deg.to_radians().tan();
        for &(x, y) in &points {
            let yy = (y - x * t + offset).round();
            if yy >= 0.0 && (yy as usize) < hist.len() {
                hist[yy as usize] += 1;
            }
        }
        hist.iter().map(|&v| (v as f64) * (v as f64)).sum()
    };
    let level = sharpness(0.0);
    let coarse = (-50..=50)
        .map(|i| i as f32 / 10.0)
        .map(|d| (d, sharpness(d)))
        .fold(
            (0.0f32, level),
            |best, (d, s)| if s > best.1 { (d, s) } else { best },
        );
    let fine = (-10..=10)
        .map(|i| coarse.0 + i as f32 / 100.0)
        .map(|d| (d, sharpness(d)))
        .fold(
            coarse,
            |best, (d, s)| if s > best.1 { (d, s) } else { best },
        );
    // Under a twentieth of a degree nothing moves by a pixel over 1,000 pixels; an angle that
    // sharpens the profile by less than 5 % is noise, not a skew.
    if fine.0.abs() < 0.05 || fine.1 < level * 1.05 {
        0.0
    } else {
        fine.0
    }
}

/// Turns the picture back by `deg` degrees on a white page large enough for its corners.
pub fn straighten(gray: &GrayImage, deg: f32) -> GrayImage {
    rotate_about_center_no_crop(
        gray,
        -deg.to_radians(),
        Interpolation::Bilinear,
        Border::Constant(Luma([255])),
    )
}

/// All of the above, in order: red dropped, paper flattened (and the seal's ink with it),
/// specks erased, straightened. With the picture, the turn it took (pixels before → after, for
/// [`super::frame::PictureFrame`]); `None` when it was not turned.
pub fn clean(img: &DynamicImage) -> (GrayImage, Option<Projection>) {
    let (mut gray, seal) = without_red(img);
    flatten_paper_beside(&mut gray, seal.as_ref());
    if let Some(seal) = seal {
        seal.lift(&mut gray);
    }
    let level = imageproc::contrast::otsu_level(&gray);
    erase_specks(&mut gray, level);
    match skew_deg(&gray, level) {
        0.0 => (gray, None),
        deg => {
            let turned = straighten(&gray, deg);
            let turn = super::frame::straightening(gray.dimensions(), turned.dimensions(), deg);
            (turned, Some(turn))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    /// A ruled 4 × 3 grid of 1-px black rules on white.
    fn ruled(w: u32, h: u32) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| {
            let rule = (x >= 20 && x <= w - 20 && y >= 20 && y <= h - 20)
                && ((y - 20) % 40 == 0 || (x - 20) % 80 == 0);
            Luma([if rule { 0 } else { 255 }])
        })
    }

    #[test]
    fn skew_is_found_and_straightened() {
        let straight = ruled(420, 180);
        assert_eq!(skew_deg(&straight, 128), 0.0);
        for deg in [-3.0f32, -0.8, 1.5, 4.0] {
            let turned = imageproc::geometric_transformations::rotate_about_center(
                &straight,
                deg.to_radians(),
                Interpolation::Bilinear,
                Border::Constant(Luma([255])),
            );
            let found = skew_deg(&turned, 160);
            assert!((found - deg).abs() <= 0.1, "turned {deg}°, found {found}°");
            // Straightened, the top rule lies in at most three pixel rows again.
            let back = straighten(&turned, found);
            let rows_with_long_ink = (0..back.height())
                .filter(|&y| {
                    (0..back.width())
                        .filter(|&x| back.get_pixel(x, y)[0] < 160)
                        .count()
                        > 300
                })
                .count();
            assert!(
                (4..=12).contains(&rows_with_long_ink),
                "{deg}°: {rows_with_long_ink} rows"
            );
        }
    }

    #[test]
    fn red_seal_ink_becomes_paper_and_black_stays_black() {
        let img = RgbImage::from_fn(3, 1, |x, _| match x {
            0 => Rgb([225, 35, 45]), // seal ink on paper
            1 => Rgb([0, 0, 0]),     // a digit under the seal (ink multiplies)
            _ => Rgb([255, 255, 255]),
        });
        let g = gray_without_red(&DynamicImage::ImageRgb8(img));
        assert!(g.get_pixel(0, 0)[0] >= 220);
        assert_eq!(g.get_pixel(1, 0)[0], 0);
        assert_eq!(g.get_pixel(2, 0)[0], 255);
    }

    /// A seal's stroke over grey paper, a dark digit under it and a grey rule just beside it:
    /// the stroke becomes paper, the digit stays dark, the rule keeps its grey.
    #[test]
    fn seal_ink_is_divided_out_where_it_inks() {
        const PAPER: f32 = 220.0;
        let ink = [0.9f32, 0.27, 0.28];
        let img = RgbImage::from_fn(80, 40, |x, y| {
            let print = match x {
                14..=16 if (10..30).contains(&y) => 40.0,
                23 => 150.0,
                _ => PAPER,
            };
            let inked = (10..20).contains(&x);
            Rgb(ink.map(|t| (print * if inked { t } else { 1.0 }).round() as u8))
        });
        let (mut g, seal) = without_red(&DynamicImage::ImageRgb8(img));
        let seal = seal.expect("a seal");
        flatten_paper_beside(&mut g, Some(&seal));
        seal.lift(&mut g);
        let at = |x: u32, y: u32| g.get_pixel(x, y)[0];
        assert!(at(12, 5) >= 250, "seal ink {}", at(12, 5));
        assert!(at(15, 20) <= 60, "digit under the seal {}", at(15, 20));
        let rule = (150.0 * 255.0 / PAPER) as u8;
        assert!(
            at(23, 20).abs_diff(rule) <= 4,
            "rule {} ≠ {rule}",
            at(23, 20)
        );
        assert!(at(40, 20) >= 250, "paper {}", at(40, 20));
    }

    #[test]
    fn uneven_paper_is_flattened_and_ink_kept() {
        let mut g = GrayImage::from_fn(200, 100, |x, y| {
            let paper = 250 - (x + y) as u8 / 5;
            Luma([if (40..60).contains(&x) && (40..44).contains(&y) {
                30
            } else {
                paper
            }])
        });
        flatten_paper(&mut g);
        assert!(
            g.get_pixel(190, 90)[0] >= 245,
            "{}",
            g.get_pixel(190, 90)[0]
        );
        assert!(g.get_pixel(5, 5)[0] >= 245);
        assert!(g.get_pixel(50, 42)[0] <= 50);
    }

    #[test]
    fn a_speck_goes_and_a_decimal_point_stays() {
        // Two 10 × 14 "digits" with a 2 × 2 point between them on their baseline, and dust:
        // 2 × 2 specks all over the empty part of the picture.
        let mut g = GrayImage::from_pixel(400, 200, Luma([255]));
        let mut fill = |x0: u32, y0: u32, w: u32, h: u32| {
            for y in y0..y0 + h {
                for x in x0..x0 + w {
                    g.put_pixel(x, y, Luma([0]));
                }
            }
        };
        fill(10, 10, 10, 14);
        fill(22, 22, 2, 2);
        fill(26, 10, 10, 14);
        for i in 0..40 {
            fill(80 + (i % 10) * 30, 40 + (i / 10) * 40, 2, 2);
        }
        let clean_but_for_one = {
            let mut one = GrayImage::from_pixel(400, 200, Luma([255]));
            one.put_pixel(90, 40, Luma([0]));
            erase_specks(&mut one, 128);
            one
        };
        erase_specks(&mut g, 128);
        assert_eq!(g.get_pixel(22, 22)[0], 0, "the decimal point stays");
        assert_eq!(g.get_pixel(80, 40)[0], 255, "the dust goes");
        assert_eq!(g.get_pixel(350, 160)[0], 255, "the dust goes");
        assert_eq!(g.get_pixel(12, 12)[0], 0);
        assert_eq!(
            clean_but_for_one.get_pixel(90, 40)[0],
            0,
            "a lone dot in a clean picture is left alone"
        );
    }

    /// A dusty picture where two specks of paper cut a 4-px piece out of a 1-px rule: the piece
    /// is part of the rule, not dust, and stays.
    #[test]
    fn a_piece_of_a_rule_between_two_holes_stays() {
        let mut g = GrayImage::from_pixel(400, 200, Luma([255]));
        for y in 10..190 {
            if !(100..102).contains(&y) && !(106..108).contains(&y) {
                g.put_pixel(50, y, Luma([0]));
            }
        }
        // Dust all over the rest of the picture, enough for the cleaning to erase it.
        for i in 0..60 {
            g.put_pixel(100 + (i % 10) * 25, 20 + (i / 10) * 30, Luma([0]));
        }
        erase_specks(&mut g, 128);
        assert_eq!(g.get_pixel(300, 20)[0], 255, "the dust goes");
        for y in 102..106 {
            assert_eq!(g.get_pixel(50, y)[0], 0, "the rule's piece at {y} stays");
        }
    }
}
