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
pub mod frame;
pub mod grid;
mod lines;
pub mod photo;
pub mod reread;
pub mod unruled;

use std::io::Cursor;

use image::{GrayImage, ImageReader};

use crate::model::{Cell, TableGrid, TableOrigin};
use crate::ocr::{OcrError, Recogniser};
use crate::read::Limits;
use frame::PictureFrame;
use grid::{Binary, Grid};
use lines::{
    cell_lines, crop, grey_around, ink_bands, interior, table_line_height, without_speck_lines,
    InkBox, DUST_GREY,
};

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
    let stored = decode(bytes, limits)?;
    if !has_paper(&stored) {
        return Ok(None);
    }
    let picture = clean_decoded(stored);
    let Some(grid) = grid::detect(&Binary::rules(&picture.gray)) else {
        // No full grid: a 三线表 or a table with no rules, read from its columns of text.
        let table = unruled::read_unruled(&picture.gray, image_index, ocr)?;
        return Ok(table.map(|t| boxes_as_stored(t, &picture.frame)));
    };
    read_grid(&picture, &grid, image_index, ocr).map(Some)
}

/// Reads the cells of a grid already found in a cleaned picture ([`decode_clean`]): a scanned
/// page, cleaned and searched for its table once for its text and its table alike. The cells'
/// boxes are in the stored picture's pixels.
pub fn read_grid(
    picture: &Cleaned,
    grid: &Grid,
    image_index: usize,
    ocr: &Recogniser,
) -> Result<TableGrid, ImageTableError> {
    let gray = &picture.gray;
    let table = read_cells(gray, &Binary::otsu(gray), grid, image_index, ocr)?;
    Ok(boxes_as_stored(table, &picture.frame))
}

/// A picture cleaned for reading ([`decode_clean`]), and where its pixels lie in the picture
/// as stored.
pub struct Cleaned {
    /// The upright, straightened, cleaned picture: grids and text lines are found, and cells
    /// cropped and read again ([`reread`]), in its pixels.
    pub gray: GrayImage,
    /// Its pixels → the stored picture's: every box handed out is mapped through it.
    pub frame: PictureFrame,
}

/// Decodes image bytes and cleans the picture for reading: a photographed sheet or screen put
/// upright ([`photo::unwarp_sheet`]), then [`clean::clean`] (red seal ink dropped, paper
/// flattened, specks erased, skew straightened). The frame records the two moves, so boxes
/// found in the cleaned pixels can be given in the stored picture's ([`PictureFrame`]).
pub fn decode_clean(bytes: &[u8], limits: &Limits) -> Result<Cleaned, ImageTableError> {
    Ok(clean_decoded(decode(bytes, limits)?))
}

fn clean_decoded(stored: image::DynamicImage) -> Cleaned {
    let frame = PictureFrame::of(stored.width(), stored.height());
    let (upright, unwarp) = photo::unwarp_sheet(stored);
    let (gray, turn) = clean::clean(&upright);
    Cleaned {
        gray,
        frame: frame.then(unwarp).then(turn),
    }
}

/// Sampled pixels across a picture's longer side when looking for paper.
const PAPER_SAMPLES: u32 = 256;
/// A block of 4×4 samples is flat when its grey levels span at most this much.
const FLAT_SPAN: u8 = 40;
/// At least this share of flat blocks: 63–64 % on table pictures, 2 % on a 6-megapixel photo.
const MIN_FLAT_SHARE: f64 = 0.10;

/// Whether a picture has paper (or a screen) in it: a page, a scan or a sheet photographed on a
/// desk is largely flat between its lines of ink, a photo of a meeting or a landscape is textured
/// everywhere. The test looks at single pixels sampled on a grid (averaging would smooth a
/// photo's texture away) and takes milliseconds; a photo passed over here is not cleaned at full
/// size for a table it cannot hold (2.3 s and a quarter of a gigabyte for 6 megapixels). A
/// picture this lets through is read as before.
fn has_paper(img: &image::DynamicImage) -> bool {
    use image::{GenericImageView, Pixel};
    let (w, h) = img.dimensions();
    let step = (w.max(h) / PAPER_SAMPLES).max(1);
    let (cols, rows) = (w / step / 4, h / step / 4);
    if cols == 0 || rows == 0 {
        return true;
    }
    let mut flat = 0u32;
    for by in 0..rows {
        for bx in 0..cols {
            let (mut lo, mut hi) = (u8::MAX, u8::MIN);
            for y in 0..4 {
                for x in 0..4 {
                    let px = img.get_pixel((bx * 4 + x) * step, (by * 4 + y) * step);
                    let v = px.to_luma().0[0];
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
            if hi - lo <= FLAT_SPAN {
                flat += 1;
            }
        }
    }
    f64::from(flat) >= MIN_FLAT_SHARE * f64::from(cols * rows)
}

/// A table read from a cleaned picture with its cells' boxes in the stored picture's pixels
/// (`bbox`: the box the auditor finds the cell in, in the file as published), and as found in
/// the cleaned picture (`upright_box`: where two pictures' tables are compared).
fn boxes_as_stored(mut table: TableGrid, frame: &PictureFrame) -> TableGrid {
    for cell in &mut table.cells {
        cell.upright_box = cell.bbox;
        cell.bbox = cell.bbox.map(|b| frame.stored_box(b));
    }
    table
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
/// reads such a cell as `1`, `一` or nothing at all, and a small `/` in some company as `7`.
const ONE_STROKE: &[&str] = &[
    "", "1", "l", "I", "|", "丨", "一", "-", "—", "－", "/", "ー", "，", ",", "、", "'", "‘", "’",
    "7",
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
    // Ink is what is darker than halfway from the mark's darkest pixel to white: a blurred,
    // straightened scan leaves a thin slash grey all along (no pixel under 128).
    let darkest = (b.y0..=b.y1)
        .flat_map(|y| (b.x0..=b.x1).map(move |x| (x, y)))
        .map(|(x, y)| gray.get_pixel(x, y)[0])
        .min()
        .unwrap_or(0);
    let ink = darkest / 2 + 128;
    let centroid = |y0: u32, y1: u32| -> Option<f32> {
        let (mut sum, mut n) = (0u64, 0u64);
        for y in y0..y1 {
            for x in b.x0..=b.x1 {
                if gray.get_pixel(x, y)[0] < ink {
                    sum += u64::from(x);
                    n += 1;
                }
            }
        }
        (n > 0).then(|| sum as f32 / n as f32)
    };
    let top = centroid(b.y0, b.y0 + band)?;
    let bottom = centroid(b.y1 + 1 - band, b.y1 + 1)?;
    // A `7` leans right too, but its top is a bar across the whole mark; a slash's top is its
    // one stroke.
    let widest_top_row = (b.y0..b.y0 + band)
        .map(|y| {
            let inked: Vec<u32> = (b.x0..=b.x1)
                .filter(|&x| gray.get_pixel(x, y)[0] < ink)
                .collect();
            inked.last().map_or(0, |l| l - inked[0] + 1)
        })
        .max()
        .unwrap_or(0);
    // A slash crosses each row once; a `0` (or a `4`) that the recogniser read as nothing
    // leans too when dust or JPEG blocks weigh on one side, but crosses its middle rows twice.
    let twice = (b.y0..=b.y1)
        .filter(|&y| {
            let mut runs = 0;
            let mut inside = false;
            for x in b.x0..=b.x1 {
                let inked = gray.get_pixel(x, y)[0] < ink;
                runs += u32::from(inked && !inside);
                inside = inked;
            }
            runs >= 2
        })
        .count() as u32;
    (top - bottom > 0.1 * h as f32 && widest_top_row * 4 <= w * 3 && twice * 4 <= h).then_some("/")
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

/// A line of ink under half the table's line height both ways that the recogniser reads as
/// dust marks and nothing else (`：`, `.`, `'`; [`SPECK_MARKS`]) is dust the cleaning left — a speck
/// whose JPEG ringing (strongest in the red channel under a seal) made it too large to erase.
/// Every digit is about as tall as the table's line height, so no digit is lost; kept, the
/// digits-only decoding would make a digit of the speck (`2` in a blank cell, `52` for `2`).
/// A blob read as nothing at all may be a smudged digit, which the second look at a doubted
/// cell ([`reread`]) exists for: it stays.
fn is_dust(gray: &GrayImage, b: &InkBox, free: &str, table_line_h: u32) -> bool {
    let small = |span: u32| span * 2 < table_line_h;
    let marks = free.trim();
    if !(small(b.x1 - b.x0 + 1)
        && small(b.y1 - b.y0 + 1)
        && !marks.is_empty()
        && without_specks(marks).is_empty())
    {
        return false;
    }
    // A smudged digit leaves a digit-sized cloud of grey around its dark core; dust its ringing
    // alone.
    grey_around(gray, b, table_line_h / 2) <= 2 * DUST_GREY
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
            Some(i) => {
                without_speck_lines(gray, cell_lines(bin, i, bands, table_line_h), table_line_h)
            }
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
        let (lines, got): (Vec<InkBox>, Vec<crate::ocr::Line>) = lines
            .iter()
            .zip(got)
            .filter(|(b, l)| !is_dust(gray, b, &l.text, table_line_h))
            .map(|(b, l)| (*b, l))
            .unzip();
        let lines = &lines[..];
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
            upright_box: None,
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
    use image::Luma;

    #[test]
    fn a_photo_has_no_paper_and_a_ruled_page_has() {
        // A textured photo: every pixel its own grey (a fixed linear congruential sequence).
        let mut seed = 7u32;
        let photo = GrayImage::from_fn(1200, 800, |_, _| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            Luma([(seed >> 16) as u8])
        });
        assert!(!has_paper(&image::DynamicImage::ImageLuma8(photo)));
        // A ruled table on white paper, a little grey noise on it.
        let page = GrayImage::from_fn(1200, 800, |x, y| {
            let rule = x % 150 < 3 || y % 40 < 3;
            Luma([if rule {
                20
            } else {
                245 - ((x * 7 + y * 3) % 9) as u8
            }])
        });
        assert!(has_paper(&image::DynamicImage::ImageLuma8(page)));
        // Too small to judge: read as before.
        assert!(has_paper(&image::DynamicImage::ImageLuma8(GrayImage::new(
            3, 3
        ))));
    }

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

    /// A speck smaller than half a digit read as dust marks is dropped; a digit, a speck the
    /// recogniser reads as a digit or as nothing, and a smudged digit's dark core are not.
    #[test]
    fn dust_is_small_and_read_as_dust_marks() {
        let b = |w: u32, h: u32| InkBox {
            x0: 20,
            y0: 20,
            x1: 20 + w - 1,
            y1: 20 + h - 1,
        };
        let white = GrayImage::from_pixel(50, 50, Luma([255]));
        assert!(is_dust(&white, &b(6, 7), "：", 16));
        assert!(is_dust(&white, &b(3, 3), "'", 16));
        assert!(!is_dust(&white, &b(6, 7), "2", 16));
        assert!(!is_dust(&white, &b(3, 3), "", 16));
        // A thin `1`, as tall as the table's digits.
        assert!(!is_dust(&white, &b(2, 14), "", 16));
        assert!(!is_dust(&white, &b(9, 8), "·", 16));
        // The dark core of a smudged digit, in a digit-sized cloud of grey.
        let smudged = GrayImage::from_fn(50, 50, |x, y| {
            Luma([if (17..25).contains(&x) && (15..29).contains(&y) {
                180
            } else {
                255
            }])
        });
        assert!(!is_dust(&smudged, &b(3, 3), "·", 16));
    }

    /// A `/` and a `7` of the same size, both leaning right: only the slash is the "nothing to
    /// report" mark.
    #[test]
    fn a_seven_is_no_slash() {
        let mark = |inked: &dyn Fn(u32, u32) -> bool| {
            GrayImage::from_fn(8, 12, |x, y| Luma([if inked(x, y) { 0 } else { 255 }]))
        };
        let b = InkBox {
            x0: 0,
            y0: 0,
            x1: 7,
            y1: 11,
        };
        // The slash: from the top right to the bottom left, two pixels thick.
        let slash = mark(&|x, y| {
            let at = 7.0 - y as f32 * 7.0 / 11.0;
            (x as f32 - at).abs() <= 1.0
        });
        assert_eq!(placeholder_mark(&slash, b), Some("/"));
        // The seven: a bar across the top and the same stroke under it.
        let seven = mark(&|x, y| {
            let at = 7.0 - y as f32 * 5.0 / 11.0;
            y <= 1 || (x as f32 - at).abs() <= 1.0
        });
        assert_eq!(placeholder_mark(&seven, b), None);
        // A zero leaning the same way: its two sides in every middle row.
        let zero = mark(&|x, y| {
            let lean = (11 - y) as f32 * 2.0 / 11.0;
            let (dx, dy) = ((x as f32 - 3.0 - lean) / 3.0, (y as f32 - 5.5) / 5.5);
            (0.55..=1.05).contains(&(dx * dx + dy * dy).sqrt())
        });
        assert_eq!(placeholder_mark(&zero, b), None);
    }
}
