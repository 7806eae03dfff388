//! **image_table**: a picture of a ruled table → [`TableGrid`] with [`TableOrigin::Image`].
//!
//! Steps: check the declared dimensions against [`Limits::max_image_pixels`] before decoding;
//! decode to grayscale; find the grid ([`grid`]); crop each cell to its ink box, split wrapped
//! cells into lines, and read every line with the PP-OCR recogniser ([`crate::ocr`]) — pixel-
//! identical crops are read once, the others side by side in strips, one inference per strip. A
//! cell whose free reading is number-like is re-decoded with digits only (the same forward
//! pass), so a lone `0` never becomes the letter `o`.

pub mod clean;
pub mod emf;
pub mod grid;
pub mod reread;
pub mod unruled;

use std::io::Cursor;

use image::{GrayImage, ImageReader, Luma};

use crate::model::{Cell, TableGrid, TableOrigin};
use crate::ocr::{OcrError, Recogniser};
use crate::read::Limits;
use grid::{Binary, Grid, GridCell};

/// Why a picture could not be read as a table.
#[derive(Debug, thiserror::Error)]
pub enum ImageTableError {
    #[error("image of {width} × {height} pixels exceeds the limit of {max} pixels (raise --max-image-pixels)")]
    TooLarge { width: u32, height: u32, max: u64 },
    #[error("cannot decode image: {0}")]
    Decode(String),
    #[error(transparent)]
    Ocr(#[from] OcrError),
}

/// White margin around each line crop, in pixels.
const CROP_MARGIN: u32 = 4;

/// Reads a picture of a table: by its grid when it is ruled, else from the columns of its text
/// ([`unruled`]). `Ok(None)` when the picture is not a table.
/// EMF pictures are read from their text records instead ([`emf`], [`TableOrigin::Vector`]).
pub fn read_table_image(
    bytes: &[u8],
    image_index: usize,
    ocr: &Recogniser,
    limits: &Limits,
) -> Result<Option<TableGrid>, ImageTableError> {
    if emf::is_emf(bytes) {
        return emf::read_emf_table(bytes, image_index);
    }
    let gray = decode_clean(bytes, limits)?;
    let Some(grid) = grid::detect(&Binary::rules(&gray)) else {
        // No full grid: a 三线表 or a table with no rules, read from its columns of text.
        return unruled::read_unruled(&gray, image_index, ocr);
    };
    let bin = Binary::otsu(&gray);
    read_cells(&gray, &bin, &grid, image_index, ocr).map(Some)
}

/// Decodes image bytes and cleans the picture for reading ([`clean::clean`]: red seal ink
/// dropped, paper flattened, specks erased, skew straightened).
pub fn decode_clean(bytes: &[u8], limits: &Limits) -> Result<GrayImage, ImageTableError> {
    Ok(clean::clean(&decode(bytes, limits)?))
}

/// Decodes image bytes, checking the declared size first.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<image::DynamicImage, ImageTableError> {
    let reader = || {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| ImageTableError::Decode(e.to_string()))
    };
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(|e| ImageTableError::Decode(e.to_string()))?;
    if width as u64 * height as u64 > limits.max_image_pixels {
        return Err(ImageTableError::TooLarge {
            width,
            height,
            max: limits.max_image_pixels,
        });
    }
    let mut r = reader()?;
    let mut il = image::Limits::default();
    il.max_image_width = Some(width);
    il.max_image_height = Some(height);
    il.max_alloc = Some(limits.max_image_pixels.saturating_mul(8));
    r.limits(il);
    // Decoders return errors on corrupt data; the catch is a last line of defence.
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.decode()))
        .map_err(|_| ImageTableError::Decode("decoder panicked".into()))?
        .map_err(|e| ImageTableError::Decode(e.to_string()))?;
    Ok(decoded)
}

/// One text line of a cell: its ink box in image coordinates.
#[derive(Debug, Clone, Copy)]
struct InkBox {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
}

/// The inside of a cell, rules excluded (plus one pixel of anti-aliasing).
fn interior(grid: &Grid, c: &GridCell) -> Option<InkBox> {
    let x0 = grid.cols[c.col].end + 2;
    let x1 = grid.cols[c.col + c.colspan].start.checked_sub(2)?;
    let y0 = grid.rows[c.row].end + 2;
    let y1 = grid.rows[c.row + c.rowspan].start.checked_sub(2)?;
    (x1 >= x0 && y1 >= y0).then_some(InkBox { x0, y0, x1, y1 })
}

/// Bands of inked rows of a cell (empty when the cell has next to no ink).
fn ink_bands(bin: &Binary, inside: InkBox) -> Vec<(u32, u32)> {
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
fn table_line_height(bands: &[Vec<(u32, u32)>]) -> u32 {
    let mut tallest: Vec<u32> = bands
        .iter()
        .filter_map(|b| b.iter().map(|(s, e)| e - s + 1).max())
        .collect();
    tallest.sort_unstable();
    tallest.get(tallest.len() / 2).copied().unwrap_or(1)
}

/// The text lines of a cell: its ink bands merged into lines, each cut to its ink box.
/// `table_line_h` ([`table_line_height`]) keeps a glyph whose middle rows lost their ink (a thin
/// `0` in a small JPEG reads as `n` over `u`) in one line.
fn cell_lines(
    bin: &Binary,
    inside: InkBox,
    bands: Vec<(u32, u32)>,
    table_line_h: u32,
) -> Vec<InkBox> {
    if bands.is_empty() {
        return Vec::new();
    }
    // Glyphs like 三 and 二 have gaps: merge bands while the result stays one line high.
    let line_h = bands
        .iter()
        .map(|(s, e)| e - s + 1)
        .max()
        .unwrap_or(1)
        .max(table_line_h);
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
            Some(InkBox {
                x0: *cols.first()?,
                x1: *cols.last()?,
                y0,
                y1,
            })
        })
        .collect()
}

/// The crop the recogniser reads: the line's pixels on a white canvas with a fixed margin.
fn crop(gray: &GrayImage, b: InkBox) -> GrayImage {
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

/// Whether a free reading may be a misread number: a short run of Latin letters, digits and
/// number punctuation, no Chinese (`o`, `D`, `l` for 0 and 1 at small sizes). Such cells take the
/// digit-only decoding of the same forward pass.
fn number_like(s: &str) -> bool {
    // A lone glyph the recogniser takes for a Chinese character when it is a digit in a small
    // or blurred picture: 口 or 囗 for 0, 日 for 8, 】 for 1.
    if matches!(s, "口" | "囗" | "日" | "曰" | "】" | "〗") {
        return true;
    }
    !s.is_empty()
        && s.chars().count() <= 16
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || "|.-,，。·—－〇%％０１２３４５６７８９ ".contains(c)
        })
}

/// What a speck of dust beside a number is read as. Trimmed from the ends of a reading before
/// it is judged number-like, and from the ends of a number: reports print no number that starts
/// or ends with a point or a quote.
const SPECK_MARKS: &[char] = &[
    '“', '”', '‘', '’', '＇', '\'', '"', '·', '.', '．', ',', '，', '、', '。', '°', '：', ':',
    '′', '`',
];

/// A reading with the speck marks at its ends trimmed ([`SPECK_MARKS`]).
fn without_specks(s: &str) -> &str {
    s.trim_matches(SPECK_MARKS)
}

/// Single-stroke readings a lone `/` or `—` comes out as: the recogniser, trained on text lines,
/// reads such a cell as `1`, `一` or nothing at all.
const ONE_STROKE: &[&str] = &[
    "", "1", "l", "I", "|", "丨", "一", "-", "—", "－", "/", "ー", "，", ",", "、", "'", "‘", "’",
];

/// `/` and `—` are what reports print for "nothing to report". Their shapes tell them apart from
/// any digit: a dash is much wider than tall; a slash leans right (the ink of its top quarter sits
/// right of the ink of its bottom quarter), where a `1` stands upright or leans left.
fn placeholder_mark(gray: &GrayImage, b: InkBox) -> Option<&'static str> {
    let (w, h) = (b.x1 - b.x0 + 1, b.y1 - b.y0 + 1);
    if w >= 2 * h {
        return Some("—");
    }
    if h < 6 {
        return None;
    }
    let band = (h / 4).max(1);
    let centroid = |y0: u32, y1: u32| -> Option<f32> {
        let (mut sum, mut n) = (0u64, 0u64);
        for y in y0..y1 {
            for x in b.x0..=b.x1 {
                if gray.get_pixel(x, y)[0] < 128 {
                    sum += u64::from(x);
                    n += 1;
                }
            }
        }
        (n > 0).then(|| sum as f32 / n as f32)
    };
    let top = centroid(b.y0, b.y0 + band)?;
    let bottom = centroid(b.y1 + 1 - band, b.y1 + 1)?;
    (top - bottom > 0.1 * h as f32).then_some("/")
}

/// Readings of 未 ("not yet") as 末 ("end"), which differ only in which stroke is longer and
/// blur together in small or JPEG pictures; none of these pairs is a word with 末.
const WEI_MO: [(&str, &str); 3] = [("尚末", "尚未"), ("末经", "未经"), ("末按", "未按")];

/// Normalises a label: full-width letters and digits → ASCII; in Chinese text, ASCII brackets
/// and clause punctuation → the full-width forms the reports print (（一）, ：, ，); 末 read for
/// 未 where only 未 makes a word ([`WEI_MO`]); a dash between Chinese characters or their
/// brackets → 一 ([`yi_for_dash`]); no space between Chinese characters ([`drop_spaces`]).
fn fold(s: &str) -> String {
    let mut s = s.to_string();
    for (wrong, right) in WEI_MO {
        if s.contains(wrong) {
            s = s.replace(wrong, right);
        }
    }
    let cjk = s.chars().any(is_han);
    let folded: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '(' if cjk => '（',
            ')' if cjk => '）',
            ',' if cjk => '，',
            ':' if cjk => '：',
            ';' if cjk => '；',
            _ => c,
        })
        .collect();
    if cjk {
        drop_spaces(&yi_for_dash(&folded))
    } else {
        folded
    }
}

/// Chinese text has no spaces between characters: one read between two (`（七） 总计`) is noise.
fn drop_spaces(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let wide = |c: Option<&char>| c.is_some_and(|&c| is_han(c) || "（）、“”，：；。".contains(c));
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            !(c == ' '
                && wide(i.checked_sub(1).and_then(|j| chars.get(j)))
                && wide(chars.get(i + 1)))
        })
        .map(|(_, &c)| c)
        .collect()
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// 一 ("one", a single horizontal stroke) is read as a dash when a line is small or narrowed:
/// `（-）予以公开`, `-、本年新收…`, `三安全-稳定`. Chinese text puts no dash between two characters,
/// or between a character and the brackets and enumeration comma that frame a numeral, so a dash
/// there is 一. A line that is only a dash (the "nothing to report" mark) is left alone.
fn yi_for_dash(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let frame = |c: Option<&char>| c.map(|&c| is_han(c) || "（）、“”".contains(c));
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if !"-－—–".contains(c) {
                return c;
            }
            let before = frame(i.checked_sub(1).and_then(|j| chars.get(j)));
            let after = frame(chars.get(i + 1));
            match (before, after) {
                (Some(true), Some(true)) | (None, Some(true)) | (Some(true), None) => '一',
                _ => c,
            }
        })
        .collect()
}

/// What a cell (or a piece of an unruled table) says, from its lines of ink and their
/// readings: a number read with digits only when the free readings look like one, `/` or `—`
/// told by shape, nothing for dust, else the folded text, lines joined with `\n`.
fn cell_reading(gray: &GrayImage, lines: &[InkBox], got: &[crate::ocr::Line]) -> (String, f32) {
    // Number-like free readings, or nothing read from a speck of ink (a thin `1`, a small `0`).
    let numeric = !got.is_empty()
        && got.iter().all(|l| {
            let core = without_specks(&l.text);
            number_like(core) || core.is_empty()
        })
        && got.iter().any(|l| !without_specks(&l.numeric).is_empty());
    let mark = match (lines, got) {
        ([b], [l]) if ONE_STROKE.contains(&l.text.as_str()) => placeholder_mark(gray, *b),
        _ => None,
    };
    let only_specks = got.iter().all(|l| without_specks(&l.text).is_empty());
    if got.is_empty() {
        (String::new(), 1.0)
    } else if let Some(mark) = mark {
        // Decided by shape, not by the recogniser: as sure as the rule it follows.
        (mark.to_string(), 0.9)
    } else if numeric {
        let t: String = got.iter().map(|l| l.numeric.as_str()).collect();
        let conf = got
            .iter()
            .map(|l| l.numeric_confidence)
            .fold(1.0f32, f32::min);
        (without_specks(&t).to_string(), conf)
    } else if only_specks {
        // Dust the cleaning left (a speck touching a rule): nothing is printed here.
        (String::new(), 0.5)
    } else {
        let t: Vec<String> = got.iter().map(|l| fold(&l.text)).collect();
        let conf = got.iter().map(|l| l.confidence).fold(1.0f32, f32::min);
        (t.join("\n"), conf)
    }
}

fn read_cells(
    gray: &GrayImage,
    bin: &Binary,
    grid: &Grid,
    image_index: usize,
    ocr: &Recogniser,
) -> Result<TableGrid, ImageTableError> {
    // Lines of every cell, then one batched recognition for all of them.
    let insides: Vec<Option<InkBox>> = grid.cells.iter().map(|c| interior(grid, c)).collect();
    let bands: Vec<Vec<(u32, u32)>> = insides
        .iter()
        .map(|i| i.map(|i| ink_bands(bin, i)).unwrap_or_default())
        .collect();
    let table_line_h = table_line_height(&bands);
    let per_cell: Vec<Vec<InkBox>> = insides
        .into_iter()
        .zip(bands)
        .map(|(inside, bands)| match inside {
            Some(i) => cell_lines(bin, i, bands, table_line_h),
            None => Vec::new(),
        })
        .collect();
    let crops: Vec<GrayImage> = per_cell.iter().flatten().map(|&b| crop(gray, b)).collect();
    // Lines of ink taller than the table's digits are text: the recogniser reads them narrowed.
    let text_like: Vec<bool> = per_cell
        .iter()
        .flatten()
        .map(|b| (b.y1 - b.y0 + 1) * 100 > table_line_h * 115)
        .collect();
    let read = ocr.recognise_lines(&crops, &text_like)?;
    let mut read = read.into_iter();
    let mut cells = Vec::with_capacity(grid.cells.len());
    for (gc, lines) in grid.cells.iter().zip(&per_cell) {
        let got: Vec<_> = read.by_ref().take(lines.len()).collect();
        let (text, confidence) = cell_reading(gray, lines, &got);
        let x = grid.cols[gc.col].start;
        let y = grid.rows[gc.row].start;
        let w = grid.cols[gc.col + gc.colspan].end + 1 - x;
        let h = grid.rows[gc.row + gc.rowspan].end + 1 - y;
        cells.push(Cell {
            row: gc.row,
            col: gc.col,
            rowspan: gc.rowspan,
            colspan: gc.colspan,
            text,
            bbox: Some([x, y, w, h]),
            confidence: Some(confidence),
            page_box: None,
        });
    }
    Ok(TableGrid::from_cells(
        cells,
        TableOrigin::Image { image: image_index },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wei_read_as_mo_is_folded_back() {
        assert_eq!(fold("尚末"), "尚未");
        assert_eq!(fold("末经复议直接起诉"), "未经复议直接起诉");
        assert_eq!(fold("年末"), "年末");
    }

    #[test]
    fn dash_between_characters_is_yi() {
        assert_eq!(fold("（-）予以公开"), "（一）予以公开");
        assert_eq!(
            fold("－、本年新收政府信息公开申请数量"),
            "一、本年新收政府信息公开申请数量"
        );
        assert_eq!(fold("3.危及“三安全-稳定”"), "3.危及“三安全一稳定”");
        assert_eq!(fold("第二十条第(-)项"), "第二十条第（一）项");
        for kept in ["—", "-", "2020-2021", "12-3"] {
            assert_eq!(fold(kept), kept);
        }
        assert_eq!(fold("（七） 总计"), "（七）总计");
        assert_eq!(fold("PP OCR 总计"), "PP OCR 总计");
    }

    #[test]
    fn digit_look_alikes_are_number_like() {
        for s in ["口", "日", "】", "0", "12"] {
            assert!(number_like(s), "{s}");
        }
        assert!(!number_like("口径"));
        assert!(!number_like("总计"));
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
}
