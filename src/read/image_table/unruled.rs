//! Pictures of tables without a full ruled grid — a 三线表 (a rule above, one under the header,
//! one below), rules between the rows only, or no rules at all — read from the columns their
//! text forms, as PDF pages are ([`crate::read::columns`]).
//!
//! Steps: the long horizontal rules are found and erased; the ink left falls into connected
//! components, which are joined into *pieces*: the parts of one glyph stacked over each other
//! (三, 二), then the glyphs of one line closer than [`WORD_GAP`] of the text's height (a number,
//! a label; two columns are further apart than that). A picture whose pieces form no table by
//! their positions alone is left unread at no OCR cost (prose, a photo). Otherwise each piece is
//! read like a line of a ruled cell ([`super::cell_reading`]), and the pieces and the rules go to
//! [`columns::find_tables`]; its merged-cell grid becomes the picture's [`TableGrid`], boxes in
//! picture pixels.

use image::{GrayImage, Luma};
use imageproc::region_labelling::{connected_components, Connectivity};

use super::grid::Binary;
use super::{cell_reading, crop, ImageTableError, InkBox};
use crate::model::{Cell, TableGrid, TableOrigin};
use crate::ocr::Recogniser;
use crate::read::columns::{self, Piece, Rule};

/// Glyphs of one line closer than this many text heights are one piece: the widest gap inside
/// a label (after a full-width bracket, `）予`) is about half a character; cells of neighbouring
/// columns are set at least two paddings apart.
const WORD_GAP: f32 = 0.7;

/// A piece is one line: joined parts are at most this many text heights tall.
const LINE_TALL: f32 = 1.3;

/// A rule is at least this fraction of the picture wide.
const RULE_SHARE: u32 = 3;

/// At most this many connected components: beyond, the picture is a photo or noise, not text.
const MAX_COMPONENTS: usize = 20_000;

/// A box of ink, inclusive, and the number of ink pixels in it.
#[derive(Debug, Clone, Copy)]
struct Blob {
    b: InkBox,
    ink: u32,
}

impl Blob {
    fn h(&self) -> u32 {
        self.b.y1 - self.b.y0 + 1
    }
    fn w(&self) -> u32 {
        self.b.x1 - self.b.x0 + 1
    }
    fn union(&self, o: &Blob) -> Blob {
        Blob {
            b: InkBox {
                x0: self.b.x0.min(o.b.x0),
                y0: self.b.y0.min(o.b.y0),
                x1: self.b.x1.max(o.b.x1),
                y1: self.b.y1.max(o.b.y1),
            },
            ink: self.ink + o.ink,
        }
    }
}

/// Reads a picture of a table that has no full ruled grid. `Ok(None)` when its text forms no
/// table.
pub fn read_unruled(
    gray: &GrayImage,
    image_index: usize,
    ocr: &Recogniser,
) -> Result<Option<TableGrid>, ImageTableError> {
    let mut bin = Binary::otsu(gray);
    let inked = bin.ink.iter().filter(|&&i| i).count();
    if inked * 2 > bin.ink.len() || bin.width < 16 || bin.height < 16 {
        return Ok(None);
    }
    let rules = erase_rules(&mut bin);
    let Some((pieces, text_h)) = pieces_of(&bin) else {
        return Ok(None);
    };
    let fs = font_size(&pieces);
    // Whether the pieces line up into a table at all, before paying for reading them.
    let shapes: Vec<Piece> = pieces
        .iter()
        .map(|p| Piece {
            rect: rect_of(p.b, fs),
            text: "0".into(),
        })
        .collect();
    if columns::find_tables(&shapes, &rules).is_empty() {
        return Ok(None);
    }
    let crops: Vec<GrayImage> = pieces.iter().map(|p| crop(gray, p.b)).collect();
    let text_like: Vec<bool> = pieces.iter().map(|p| p.h() * 100 > text_h * 115).collect();
    let read = ocr.recognise_lines(&crops, &text_like)?;
    let mut read_pieces: Vec<Piece> = Vec::new();
    let mut confidences: Vec<f32> = Vec::new();
    for (p, line) in pieces.iter().zip(read) {
        let (text, confidence) = cell_reading(gray, &[p.b], std::slice::from_ref(&line));
        if text.trim().is_empty() {
            continue;
        }
        read_pieces.push(Piece {
            rect: rect_of(p.b, fs),
            text,
        });
        confidences.push(confidence);
    }
    let Some(table) = columns::find_tables(&read_pieces, &rules)
        .into_iter()
        .max_by_key(|t| t.rows * t.cols)
    else {
        return Ok(None);
    };
    let cells = table
        .cells
        .into_iter()
        .map(|c| {
            let [x0, y0, x1, y1] = c.rect;
            let inside = |p: &Piece| {
                let (cx, cy) = ((p.rect[0] + p.rect[2]) / 2.0, (p.rect[1] + p.rect[3]) / 2.0);
                (x0..=x1).contains(&cx) && (y0..=y1).contains(&cy)
            };
            let confidence = read_pieces
                .iter()
                .zip(&confidences)
                .filter(|(p, _)| inside(p))
                .map(|(_, &c)| c)
                .fold(1.0f32, f32::min);
            let (x, y) = (x0.max(0.0).floor() as u32, y0.max(0.0).floor() as u32);
            Cell {
                row: c.slot.row,
                col: c.slot.col,
                rowspan: c.slot.rowspan,
                colspan: c.slot.colspan,
                text: c.text,
                bbox: Some([
                    x,
                    y,
                    (x1.ceil() as u32).saturating_sub(x).max(1),
                    (y1.ceil() as u32).saturating_sub(y).max(1),
                ]),
                upright_box: None,
                confidence: Some(confidence),
                page_box: None,
            }
        })
        .collect();
    Ok(Some(TableGrid::from_cells(
        cells,
        TableOrigin::Image { image: image_index },
    )))
}

/// The box a piece of ink stands for, as [`columns`] expects it from a PDF's glyphs: one font
/// size `fs` tall, a fifth of it below the baseline. Ink is shorter than its line (a digit is
/// about 0.7 of the font size): a short piece stands on its baseline, a full-height one (Chinese
/// characters, brackets) is centred.
fn rect_of(b: InkBox, fs: f32) -> [f32; 4] {
    let (top, bottom) = (b.y0 as f32, (b.y1 + 1) as f32);
    let (y0, y1) = if bottom - top >= 0.8 * fs {
        let mid = (top + bottom) / 2.0;
        (mid - fs / 2.0, mid + fs / 2.0)
    } else {
        (bottom - 0.8 * fs, bottom + 0.2 * fs)
    };
    [b.x0 as f32, y0, (b.x1 + 1) as f32, y1]
}

/// The font size of the pieces: their tall ones (a Chinese character's ink is about 0.9 of it).
fn font_size(pieces: &[Blob]) -> f32 {
    let mut hs: Vec<u32> = pieces.iter().map(Blob::h).collect();
    hs.sort_unstable();
    hs.get(hs.len() * 9 / 10).map_or(1.0, |&h| h as f32 / 0.9)
}

/// Finds the long horizontal rules (runs of ink, gaps of up to 2 px bridged, over at least a
/// [`RULE_SHARE`]th of the width, in bands a few pixels thick), erases them from `bin`, and
/// returns them.
fn erase_rules(bin: &mut Binary) -> Vec<Rule> {
    let (w, h) = (bin.width, bin.height);
    let min_len = (w / RULE_SHARE).max(16);
    // For each row, its long runs (x0, x1 inclusive).
    let runs_of = |bin: &Binary, y: u32| -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut start: Option<u32> = None;
        let mut last = 0u32;
        for x in 0..w {
            if bin.at(x, y) {
                if start.is_none() || x > last + 3 {
                    if let Some(s) = start {
                        if last + 1 - s >= min_len {
                            out.push((s, last));
                        }
                    }
                    start = Some(x);
                }
                last = x;
            }
        }
        if let Some(s) = start {
            if last + 1 - s >= min_len {
                out.push((s, last));
            }
        }
        out
    };
    let per_row: Vec<Vec<(u32, u32)>> = (0..h).map(|y| runs_of(bin, y)).collect();
    let max_thick = (h / 60).max(6);
    let mut rules = Vec::new();
    let mut y = 0;
    while y < h {
        if per_row[y as usize].is_empty() {
            y += 1;
            continue;
        }
        let start = y;
        while y < h && !per_row[y as usize].is_empty() {
            y += 1;
        }
        let end = y - 1;
        if end - start >= max_thick {
            continue;
        }
        let x0 = (start..=end)
            .flat_map(|r| per_row[r as usize].iter().map(|s| s.0))
            .min()
            .unwrap_or(0);
        let x1 = (start..=end)
            .flat_map(|r| per_row[r as usize].iter().map(|s| s.1))
            .max()
            .unwrap_or(0);
        // The rule and its anti-aliased edge rows.
        for yy in start.saturating_sub(1)..=(end + 1).min(h - 1) {
            for x in x0..=x1 {
                bin.ink[(yy * w + x) as usize] = false;
            }
        }
        rules.push(Rule {
            y: (start + end + 1) as f32 / 2.0,
            x0: x0 as f32,
            x1: (x1 + 1) as f32,
        });
    }
    rules
}

/// The pieces of text of the picture, top to bottom, and the typical height of their text
/// (the median height of the pieces: in a table, of its numbers). `None` when there is no text
/// or too much ink to be text.
fn pieces_of(bin: &Binary) -> Option<(Vec<Blob>, u32)> {
    let mask = GrayImage::from_fn(bin.width, bin.height, |x, y| Luma([u8::from(bin.at(x, y))]));
    let labels = connected_components(&mask, Connectivity::Eight, Luma([0]));
    let mut blobs: Vec<Blob> = Vec::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let l = l.0[0] as usize;
        if l == 0 {
            continue;
        }
        if blobs.len() < l {
            if l > MAX_COMPONENTS {
                return None;
            }
            blobs.resize(
                l,
                Blob {
                    b: InkBox {
                        x0: u32::MAX,
                        y0: u32::MAX,
                        x1: 0,
                        y1: 0,
                    },
                    ink: 0,
                },
            );
        }
        let b = &mut blobs[l - 1];
        b.b.x0 = b.b.x0.min(x);
        b.b.y0 = b.b.y0.min(y);
        b.b.x1 = b.b.x1.max(x);
        b.b.y1 = b.b.y1.max(y);
        b.ink += 1;
    }
    if blobs.is_empty() {
        return None;
    }
    // The height of a line of text: the upper quartile of the components' heights (digits and
    // whole characters; the strokes of a character split into parts are shorter).
    let mut heights: Vec<u32> = blobs.iter().map(Blob::h).filter(|&h| h >= 3).collect();
    if heights.is_empty() {
        return None;
    }
    heights.sort_unstable();
    let line_h = heights[heights.len() * 3 / 4] as f32;
    let tall = (line_h * LINE_TALL).ceil() as u32;
    // Parts of one glyph stacked over each other (三, 二, the dot of 门) make the glyph…
    let stacked = |a: &Blob, b: &Blob| {
        let overlap = a.b.x1.min(b.b.x1) as i64 - a.b.x0.max(b.b.x0) as i64 + 1;
        overlap * 2 >= a.w().min(b.w()) as i64 && a.union(b).h() <= tall
    };
    let glyphs = join_while(blobs, 0, &stacked);
    // …and glyphs of one line close together a piece, in units of the font size now known.
    let fs = font_size(&glyphs);
    let tall = (fs * LINE_TALL).ceil() as u32;
    let gap = (fs * WORD_GAP).round() as u32;
    let beside = |a: &Blob, b: &Blob| {
        let v_overlap = a.b.y1.min(b.b.y1) as i64 - a.b.y0.max(b.b.y0) as i64 + 1;
        let h_gap = a.b.x0.max(b.b.x0) as i64 - a.b.x1.min(b.b.x1) as i64 - 1;
        v_overlap > 0 && h_gap <= gap as i64 && a.union(b).h() <= tall
    };
    let mut pieces = join_while(glyphs, gap, &beside);
    // Dust: a dot far from any text.
    let speck = (fs / 5.0).ceil() as u32;
    pieces.retain(|p| p.w() > speck || p.h() > speck);
    pieces.sort_by_key(|p| (p.b.y0, p.b.x0));
    let mut hs: Vec<u32> = pieces.iter().map(Blob::h).collect();
    hs.sort_unstable();
    let text_h = *hs.get(hs.len() / 2)?;
    Some((pieces, text_h))
}

/// Joins blobs pairwise while `join` holds for two of them (each join makes their union box).
/// `reach`: the widest horizontal gap `join` accepts.
fn join_while(mut blobs: Vec<Blob>, reach: u32, join: &dyn Fn(&Blob, &Blob) -> bool) -> Vec<Blob> {
    loop {
        blobs.sort_by_key(|b| b.b.x0);
        let mut alive = vec![true; blobs.len()];
        let mut joined = false;
        for i in 0..blobs.len() {
            if !alive[i] {
                continue;
            }
            let mut j = i + 1;
            while j < blobs.len() {
                // Sorted by left edge: nothing further right is within reach.
                if blobs[j].b.x0 > blobs[i].b.x1 + reach + 1 {
                    break;
                }
                if alive[j] && join(&blobs[i], &blobs[j]) {
                    blobs[i] = blobs[i].union(&blobs[j]);
                    alive[j] = false;
                    joined = true;
                    // The grown box may now reach blobs already passed.
                    j = i + 1;
                    continue;
                }
                j += 1;
            }
        }
        blobs = blobs
            .into_iter()
            .zip(alive)
            .filter(|(_, a)| *a)
            .map(|(b, _)| b)
            .collect();
        if !joined {
            return blobs;
        }
    }
}
