//! Ruled-table grid detection: Otsu binarisation, line masks by opening with long line kernels
//! (done as run lengths: opening a binary image with a 1 × k line keeps exactly the pixels of
//! horizontal runs of length ≥ k), projection bands → row/column rules, then merged cells found
//! from missing rule *segments*, tested per cell boundary (the grid itself is built by
//! [`crate::read::grid`], shared with PDF pages).

use image::GrayImage;

/// A rule: the pixel band `start..=end` it occupies across the other axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub start: u32,
    pub end: u32,
}

use crate::read::grid::Boundaries;
pub use crate::read::grid::GridCell;

/// The detected grid: `rows.len() - 1` rows, `cols.len() - 1` columns.
#[derive(Debug, Clone)]
pub struct Grid {
    /// Horizontal rules, top to bottom.
    pub rows: Vec<Rule>,
    /// Vertical rules, left to right.
    pub cols: Vec<Rule>,
    pub cells: Vec<GridCell>,
}

/// A binarised image: `true` = ink.
pub struct Binary {
    pub width: u32,
    pub height: u32,
    pub ink: Vec<bool>,
}

impl Binary {
    /// Otsu binarisation of a grayscale image (dark ink on light ground).
    pub fn otsu(gray: &GrayImage) -> Binary {
        let level = imageproc::contrast::otsu_level(gray);
        let ink = gray.as_raw().iter().map(|&p| p <= level).collect();
        Binary {
            width: gray.width(),
            height: gray.height(),
            ink,
        }
    }

    /// Binarisation for finding rules: anything clearly darker than the paper (the most common
    /// level), so light gray borders count; never stricter than Otsu.
    pub fn rules(gray: &GrayImage) -> Binary {
        let mut hist = [0u32; 256];
        for &p in gray.as_raw() {
            hist[p as usize] += 1;
        }
        let paper = (0..256).max_by_key(|&i| hist[i]).unwrap_or(255) as u8;
        let otsu = imageproc::contrast::otsu_level(gray);
        let level = paper.saturating_sub(40).max(otsu);
        let ink = gray.as_raw().iter().map(|&p| p <= level).collect();
        Binary {
            width: gray.width(),
            height: gray.height(),
            ink,
        }
    }

    #[inline]
    pub fn at(&self, x: u32, y: u32) -> bool {
        self.ink[(y * self.width + x) as usize]
    }
}

/// Longest gap of paper inside a rule that still counts as one drawn rule: a speck of paper or
/// a JPEG block on a rule does not cut it, nor two specks side by side (dust on 0.3 % of the
/// pixels leaves such holes of 4 px in a 1-px rule).
const RULE_GAP: u32 = 4;

/// Pixels covered by runs of ink of length ≥ `k` along rows (`horizontal`) or columns,
/// projected onto the other axis: `proj[y]` (or `proj[x]`) = number of such pixels. Gaps are not
/// bridged here: strokes of text that a bridge would join must not become candidate rules.
fn line_projection(b: &Binary, horizontal: bool, k: u32) -> Vec<u32> {
    let (outer, inner) = if horizontal {
        (b.height, b.width)
    } else {
        (b.width, b.height)
    };
    let mut proj = vec![0u32; outer as usize];
    for o in 0..outer {
        let cells = (0..inner).map(|i| if horizontal { b.at(i, o) } else { b.at(o, i) });
        proj[o as usize] = runs(cells, 0).filter(|&r| r >= k).sum();
    }
    proj
}

/// Lengths of the runs of `true`, gaps of up to `bridge` pixels bridged (the run counts its ink
/// pixels and the bridged gaps, not the paper after its last pixel).
fn runs(it: impl Iterator<Item = bool>, bridge: u32) -> impl Iterator<Item = u32> {
    let mut it = it.chain(std::iter::repeat_n(false, bridge as usize + 1));
    let (mut run, mut gap) = (0u32, 0u32);
    std::iter::from_fn(move || {
        for ink in it.by_ref() {
            if ink {
                if run > 0 {
                    run += gap;
                }
                run += 1;
                gap = 0;
            } else if run > 0 {
                gap += 1;
                if gap > bridge {
                    let done = run;
                    run = 0;
                    gap = 0;
                    return Some(done);
                }
            }
        }
        None
    })
}

/// Bands of consecutive non-zero projection (gaps of ≤ 1 px bridged), with their peak value.
fn bands(proj: &[u32]) -> Vec<(Rule, u32)> {
    let mut out: Vec<(Rule, u32)> = Vec::new();
    for (i, &v) in proj.iter().enumerate() {
        if v == 0 {
            continue;
        }
        let i = i as u32;
        match out.last_mut() {
            Some((r, peak)) if i <= r.end + 2 => {
                r.end = i;
                *peak = (*peak).max(v);
            }
            _ => out.push((Rule { start: i, end: i }, v)),
        }
    }
    out
}

fn rules(b: &Binary, horizontal: bool) -> Vec<Rule> {
    let (along, across) = if horizontal {
        (b.width, b.height)
    } else {
        (b.height, b.width)
    };
    let k = (along / 20).max(8);
    let proj = line_projection(b, horizontal, k);
    // A band is the rule plus any short strokes of text touching it: keep only the rows (or
    // columns) carrying at least half of the band's peak, i.e. the rule itself. Strong rows
    // apart from each other are apart in the band too: a blurred rule between two columns of
    // text (尚未 | 审结, their strokes as tall as a third of the rule) is not one thick band
    // with the strokes on either side, which is no rule at all.
    let found: Vec<(Rule, u32)> = bands(&proj)
        .into_iter()
        .flat_map(|(r, peak)| strong_parts(&proj, r, peak))
        .collect();
    let top = found.iter().map(|(_, p)| *p).max().unwrap_or(0);
    // A rule is thin; a thick dark band is a picture region, not a rule.
    let max_thick = (across / 60).max(6);
    found
        .into_iter()
        .filter(|(r, p)| (*p >= 2 * k || *p * 4 >= top) && r.end - r.start < max_thick)
        .map(|(r, _)| r)
        .collect()
}

/// The runs of a band's rows (or columns) carrying at least half of its peak (a gap of one
/// weaker row bridged, as [`bands`] does), each with its own peak.
fn strong_parts(proj: &[u32], band: Rule, peak: u32) -> Vec<(Rule, u32)> {
    let mut parts: Vec<(Rule, u32)> = Vec::new();
    for i in band.start..=band.end {
        let v = proj[i as usize];
        if v * 2 < peak {
            continue;
        }
        match parts.last_mut() {
            Some((r, p)) if i <= r.end + 2 => {
                r.end = i;
                *p = (*p).max(v);
            }
            _ => parts.push((Rule { start: i, end: i }, v)),
        }
    }
    parts
}

/// The longest run of `true`, gaps of up to `bridge` pixels bridged.
fn longest_run(it: impl Iterator<Item = bool>, bridge: u32) -> u32 {
    runs(it, bridge).max().unwrap_or(0)
}

/// Whether a line of pixels is drawn over at least 90 % of its length: in one unbroken run
/// (text in a merged cell that happens to lie where a rule would be is never one run), or — a
/// rule a speck of paper or a JPEG block cut — in a run with gaps of up to [`RULE_GAP`] pixels
/// whose ink is mostly thin, with paper `clear` pixels above and below it (a rule; the strokes
/// of a line of text have ink around them). Mostly: where another rule crosses, or dust sits
/// beside the rule, its ink is not thin, and a hole in the rule next to it must not cut it.
fn drawn(len: u32, at: impl Fn(u32) -> (bool, bool)) -> bool {
    let enough = |run: u32| run * 100 >= len * 90;
    enough(longest_run((0..len).map(|i| at(i).0), 0)) || enough(longest_thin_run(len, at))
}

/// The longest run of ink, gaps of up to [`RULE_GAP`] pixels bridged, of which at least three
/// quarters of the ink is thin.
fn longest_thin_run(len: u32, at: impl Fn(u32) -> (bool, bool)) -> u32 {
    // (length up to the last ink, ink, thin ink) of the run being followed.
    let (mut run, mut ink, mut thin, mut gap) = (0u32, 0u32, 0u32, 0u32);
    let mut best = 0;
    let mut close = |run: u32, ink: u32, thin: u32| {
        if thin * 4 >= ink * 3 {
            best = best.max(run);
        }
    };
    for i in 0..len {
        match at(i) {
            (true, t) => {
                if run > 0 {
                    run += gap;
                }
                run += 1;
                ink += 1;
                thin += u32::from(t);
                gap = 0;
            }
            (false, _) if run > 0 => {
                gap += 1;
                if gap > RULE_GAP {
                    close(run, ink, thin);
                    (run, ink, thin, gap) = (0, 0, 0, 0);
                }
            }
            _ => {}
        }
    }
    close(run, ink, thin);
    best
}

/// How far from a rule's band the paper must be for [`drawn`]'s thin ink.
const CLEAR: u32 = 3;

/// Whether the vertical rule `rule` is drawn between y0 and y1 (exclusive of the crossings).
fn vertical_segment(b: &Binary, rule: Rule, y0: u32, y1: u32) -> bool {
    let (ya, yb) = (y0 + 2, y1.saturating_sub(2));
    if yb <= ya {
        return true;
    }
    let xa = rule.start.saturating_sub(1);
    let xb = (rule.end + 1).min(b.width - 1);
    let clear = |x: Option<u32>, y: u32| x.is_none_or(|x| x >= b.width || !b.at(x, y));
    (xa..=xb).any(|x| {
        drawn(yb - ya, |i| {
            let y = ya + i;
            let thin = clear(rule.start.checked_sub(CLEAR), y) && clear(Some(rule.end + CLEAR), y);
            (b.at(x, y), thin)
        })
    })
}

/// Whether the horizontal rule `rule` is drawn between x0 and x1.
fn horizontal_segment(b: &Binary, rule: Rule, x0: u32, x1: u32) -> bool {
    let (xa, xb) = (x0 + 2, x1.saturating_sub(2));
    if xb <= xa {
        return true;
    }
    let ya = rule.start.saturating_sub(1);
    let yb = (rule.end + 1).min(b.height - 1);
    let clear = |y: Option<u32>, x: u32| y.is_none_or(|y| y >= b.height || !b.at(x, y));
    (ya..=yb).any(|y| {
        drawn(xb - xa, |i| {
            let x = xa + i;
            let thin = clear(rule.start.checked_sub(CLEAR), x) && clear(Some(rule.end + CLEAR), x);
            (b.at(x, y), thin)
        })
    })
}

/// Detects a ruled table; `None` when the picture does not look like one.
pub fn detect(b: &Binary) -> Option<Grid> {
    if b.width < 16 || b.height < 16 {
        return None;
    }
    let ink = b.ink.iter().filter(|&&i| i).count();
    if ink * 2 > b.ink.len() {
        return None;
    }
    let rows = rules(b, true);
    let cols = rules(b, false);
    if rows.len() < 2 || cols.len() < 2 || (rows.len() - 1) * (cols.len() - 1) < 2 {
        return None;
    }
    let nr = rows.len() - 1;
    let nc = cols.len() - 1;
    // The frame must be there: outer rules drawn along (almost) their whole length.
    let (first_c, last_c) = (cols[0], cols[nc]);
    let (first_r, last_r) = (rows[0], rows[nr]);
    let h_ok = |r: Rule| horizontal_segment(b, r, first_c.end, last_c.start);
    let v_ok = |c: Rule| vertical_segment(b, c, first_r.end, last_r.start);
    if !(h_ok(first_r) && h_ok(last_r) && v_ok(first_c) && v_ok(last_c)) {
        return None;
    }
    // A table that fills a small part of the picture (a table on a scanned page): the rule
    // length asked for grows with the picture, so the table's short inner rules were missed.
    // Its rules are looked for again inside its frame.
    let frame = [first_c.start, first_r.start, last_c.end, last_r.end];
    let small = |span: u32, of: u32| span * 4 < of * 3;
    if small(frame[2] - frame[0] + 1, b.width) || small(frame[3] - frame[1] + 1, b.height) {
        if let Some(g) = detect_within(b, frame) {
            return Some(g);
        }
    }
    let (rows, cols, cells) = crate::read::grid::build(rows, cols, |rows, cols| {
        Boundaries::probe(
            rows.len() - 1,
            cols.len() - 1,
            |r, c| vertical_segment(b, cols[c + 1], rows[r].end, rows[r + 1].start),
            |r, c| horizontal_segment(b, rows[r + 1], cols[c].end, cols[c + 1].start),
        )
    })?;
    Some(Grid { rows, cols, cells })
}

/// The grid of the part of the picture inside `[x0, y0, x1, y1]` (widened by a few pixels so
/// the frame's rules are wholly inside), in the whole picture's coordinates.
fn detect_within(b: &Binary, [x0, y0, x1, y1]: [u32; 4]) -> Option<Grid> {
    const PAD: u32 = 4;
    let (x0, y0) = (x0.saturating_sub(PAD), y0.saturating_sub(PAD));
    let (x1, y1) = ((x1 + PAD).min(b.width - 1), (y1 + PAD).min(b.height - 1));
    let (width, height) = (x1 - x0 + 1, y1 - y0 + 1);
    let ink = (y0..=y1)
        .flat_map(|y| (x0..=x1).map(move |x| (x, y)))
        .map(|(x, y)| b.at(x, y))
        .collect();
    let inner = detect(&Binary { width, height, ink })?;
    let shift = |r: Rule, by: u32| Rule {
        start: r.start + by,
        end: r.end + by,
    };
    Some(Grid {
        rows: inner.rows.into_iter().map(|r| shift(r, y0)).collect(),
        cols: inner.cols.into_iter().map(|r| shift(r, x0)).collect(),
        cells: inner.cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vertical rule at x = 100 between two columns of text whose strokes are as tall, all
    /// told as much as half the rule, with short strokes joining them to the rule: the
    /// rule is found, one or two pixels wide, and the text beside it is no rule of its own width.
    #[test]
    fn a_rule_between_tall_strokes_of_text_is_found() {
        let (width, height) = (200u32, 100u32);
        let ink = (0..height)
            .flat_map(|y| (0..width).map(move |x| (x, y)))
            .map(|(x, y)| match x {
                100 => (10..90).contains(&y),
                // Five lines of text, each with a 10-px stroke in these columns.
                94 | 95 | 105 | 106 => (0..5).any(|l| (12 + l * 16..22 + l * 16).contains(&y)),
                // Short strokes (8 px) in the columns between.
                96..=99 | 101..=104 => (30..38).contains(&y),
                _ => false,
            })
            .collect();
        let b = Binary { width, height, ink };
        let cols = rules(&b, false);
        assert!(
            cols.iter()
                .any(|r| r.start <= 100 && r.end >= 100 && r.end - r.start <= 1),
            "{cols:?}"
        );
    }

    /// A rule segment with a hole of four pixels (two specks of paper side by side) next to a
    /// crossing rule and dust beside it: still drawn. A line of text lying where a rule would
    /// be (ink above and below it all along) is not.
    #[test]
    fn a_rule_with_holes_beside_a_crossing_is_drawn() {
        // (ink, thin) per pixel along 40 px: a hole at 30..34, the crossing at 34, dust beside
        // the rule at 10 and 11.
        let rule = |i: u32| match i {
            30..=33 => (false, true),
            34 | 10 | 11 => (true, false),
            _ => (true, true),
        };
        assert!(drawn(40, rule));
        // Without the thin pixels, the same ink is text.
        assert!(!drawn(40, |i| (rule(i).0, i % 8 == 0)));
    }
}
