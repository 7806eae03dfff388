//! **pdf**: a PDF → the one [`Document`] model. hayro parses the file (repairing a broken xref
//! table by scanning objects, honouring incremental updates, opening files encrypted with an
//! empty user password) and interprets each page into [`device::Collector`], which keeps every
//! glyph with its position, every rule and every picture. From those: tables from the drawn
//! rules ([`tables`]), lines and paragraphs from the other glyphs ([`lines`], [`text`]),
//! running headers, footers and page numbers set apart as furniture, and the blocks of each page
//! in reading order, pages in order.

mod device;
mod guard;
mod images;
mod lines;
mod tables;
mod text;

use hayro_interpret::hayro_syntax::object::{Dict, Name};
use hayro_interpret::hayro_syntax::page::Page;
use hayro_interpret::hayro_syntax::{DecryptionError, LoadPdfError, Pdf};
use hayro_interpret::{interpret_page, Context, InterpreterCache, InterpreterSettings};

use crate::model::{Block, Document, ImagePart, PageBox, Paragraph, TableGrid, TableOrigin};
use crate::read::columns;
use device::{Collector, PageInk, PlacedGlyph, PlacedImage};
use lines::Line;
use tables::RuledTable;

use super::{Limits, ReadError};

/// What one page gave before the document-wide steps (furniture, margins, joined tables).
struct PageRead {
    number: u32,
    height: f32,
    /// Lines outside tables, top to bottom.
    lines: Vec<Line>,
    tables: Vec<(RuledTable, Vec<PlacedGlyph>)>,
    /// Tables without rules (or with horizontal rules only), read from their text's columns:
    /// top edge and grid.
    text_tables: Vec<(f32, TableGrid)>,
    images: Vec<PlacedImage>,
    glyphs: usize,
    painted_paths: usize,
}

/// Reads a PDF's pages into a document.
pub fn read_pdf(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let pdf = Pdf::new(bytes.to_vec()).map_err(|e| match e {
        LoadPdfError::Decryption(DecryptionError::PasswordProtected) => ReadError::Encrypted,
        LoadPdfError::Decryption(other) => {
            ReadError::Unsupported(format!("PDF encryption that cannot be opened ({other:?})"))
        }
        LoadPdfError::Invalid => ReadError::Other(
            "broken PDF: no cross-reference table or page tree could be read or rebuilt".into(),
        ),
    })?;
    let page_count = pdf.pages().len();
    if page_count == 0 {
        return Err(ReadError::Other("PDF without pages".into()));
    }
    if page_count > limits.max_pdf_pages {
        return Err(ReadError::Limit(format!(
            "{page_count} pages, over the limit of {} (--max-pdf-pages)",
            limits.max_pdf_pages
        )));
    }
    guard::inflated_streams(&pdf, limits)?;

    let mut warnings = Vec::new();
    let mut notes = Vec::new();
    let cache = InterpreterCache::new();
    let mut pages = Vec::with_capacity(page_count);
    for (i, page) in pdf.pages().iter().enumerate() {
        let number = i as u32 + 1;
        guard::operators(page, number, limits)?;
        let ink = interpret(page, &pdf, &cache, limits);
        if ink.unmapped_glyphs > 0 {
            let fonts = unmapped_fonts(page);
            warnings.push(format!(
                "page {number}: {} glyphs have no Unicode mapping and were not read (font{} {} without a usable ToUnicode map)",
                ink.unmapped_glyphs,
                if fonts.len() == 1 { "" } else { "s" },
                fonts.join(", ")
            ));
        }
        for why in &ink.skipped_images {
            warnings.push(format!("page {number}: {why}"));
        }
        pages.push(layout(number, page.render_dimensions().1, ink));
    }
    let continues = join_cut_tables(&mut pages);

    let bands: Vec<(f32, Vec<Line>)> = pages.iter().map(|p| (p.height, p.lines.clone())).collect();
    let furniture_marks = text::furniture_lines(&bands);
    let body_lines: Vec<&Line> = pages
        .iter()
        .zip(&furniture_marks)
        .flat_map(|(p, marks)| {
            p.lines
                .iter()
                .zip(marks)
                .filter(|(_, &f)| !f)
                .map(|(l, _)| l)
        })
        .collect();
    let margins = text::Margins::of(&body_lines);

    let mut doc = Document::default();
    // Whether the body's last paragraph ran to the right margin of the last line on its page.
    let mut open_end = false;
    for ((page, marks), continues) in pages.into_iter().zip(furniture_marks).zip(continues) {
        let PageRead {
            number,
            lines,
            tables,
            text_tables,
            images,
            glyphs,
            painted_paths,
            ..
        } = page;
        let mut body: Vec<Line> = Vec::with_capacity(lines.len());
        for (l, furniture) in lines.into_iter().zip(marks) {
            if furniture {
                doc.furniture.push(Block::Paragraph(Paragraph {
                    text: l.text,
                    ..Default::default()
                }));
            } else {
                body.push(l);
            }
        }
        // Blocks of the page by their top edge: paragraphs, tables and pictures interleave.
        let mut placed: Vec<(f32, Block, bool)> = Vec::new();
        let mut paragraphs = text::paragraphs(&body, &margins).into_iter().peekable();
        // A paragraph that fills the last line of a page and goes on at the left margin of the
        // next is one paragraph (the page break is not a paragraph break).
        if let (Some(Block::Paragraph(before)), Some(first)) =
            (doc.body.last_mut(), paragraphs.peek())
        {
            let first_block = tables
                .first()
                .is_none_or(|(t, _)| t.frame[1] > first.bbox[1]);
            if open_end && first.flush_start && first_block {
                if let Some(first) = paragraphs.next() {
                    lines::join(&mut before.text, &first.text);
                }
            }
        }
        for p in paragraphs {
            let [x0, y0, x1, y1] = p.bbox;
            placed.push((
                y0,
                Block::Paragraph(Paragraph {
                    text: p.text,
                    page_box: Some(PageBox {
                        page: number,
                        rect: [x0, y0, x1 - x0, y1 - y0],
                    }),
                    ..Default::default()
                }),
                p.open_end,
            ));
        }
        let table_count = tables.len();
        for (i, (t, glyphs)) in tables.into_iter().enumerate() {
            let refs: Vec<&PlacedGlyph> = glyphs.iter().collect();
            let grid = tables::fill(&t, &refs, number);
            match doc.body.last_mut() {
                Some(Block::Table(before)) if i == 0 && continues => {
                    tables::append_piece(before, grid)
                }
                _ => placed.push((t.frame[1], Block::Table(grid), false)),
            }
        }
        for (top, grid) in text_tables {
            placed.push((top, Block::Table(grid), false));
        }
        let image_count = images.len();
        let covered = images.iter().any(|im| {
            let [x0, y0, x1, y1] = im.placed;
            (x1 - x0) * (y1 - y0) > 0.5 * 595.0 * 842.0
        });
        for im in images {
            let index = doc.images.len();
            doc.images.push(ImagePart {
                part: format!("page{number}/image{}", index + 1),
                content_type: im.content_type.to_string(),
                data: im.data,
                description: None,
            });
            placed.push((im.placed[1], Block::Image(index), false));
        }
        placed.sort_by(|a, b| a.0.total_cmp(&b.0));
        open_end = placed.last().is_some_and(|p| p.2);
        doc.body.extend(placed.into_iter().map(|(_, b, _)| b));
        if glyphs == 0 && covered {
            warnings.push(format!(
                "page {number} has no text layer (a scan): its picture is listed in images.csv, but the text of scanned pages is not read"
            ));
        } else if glyphs == 0 && image_count == 0 && painted_paths > 0 {
            warnings.push(format!(
                "page {number} has no text and no picture, only {painted_paths} drawn shapes (text drawn as outlines is not read)"
            ));
        } else if glyphs == 0 && image_count == 0 {
            // Blank paper (a separator page, the back of a printed sheet): nothing is lost.
            notes.push(format!("page {number} is blank"));
        }
        notes.push(format!(
            "page {number}: {glyphs} glyphs, {table_count} ruled table{}, {image_count} picture{}",
            if table_count == 1 { "" } else { "s" },
            if image_count == 1 { "" } else { "s" },
        ));
    }
    doc.warnings = warnings;
    doc.reader_notes = notes;
    Ok(doc)
}

/// Runs the page's content through the collector.
fn interpret<'a>(
    page: &Page<'a>,
    pdf: &'a Pdf,
    cache: &InterpreterCache<'a>,
    limits: &Limits,
) -> PageInk {
    let mut collector = Collector::new(limits.max_image_pixels);
    let (w, h) = page.render_dimensions();
    let mut context = Context::new(
        hayro_interpret::kurbo::Affine::new(page.initial_transform(true).as_coeffs()),
        hayro_interpret::kurbo::Rect::new(0.0, 0.0, f64::from(w), f64::from(h)),
        cache,
        pdf.xref(),
        InterpreterSettings::default(),
    );
    interpret_page(page, &mut context, &mut collector);
    collector.ink
}

/// Splits the page's ink into ruled tables (with the glyphs inside them), tables read from the
/// columns of the text outside them, and lines of text.
fn layout(number: u32, height: f32, ink: PageInk) -> PageRead {
    let found = tables::find(&ink.segments);
    let glyph_count = ink.glyphs.len();
    let mut in_table: Vec<Vec<PlacedGlyph>> = vec![Vec::new(); found.len()];
    let mut flow: Vec<PlacedGlyph> = Vec::new();
    for g in drawn_once(ink.glyphs) {
        match found.iter().position(|t| t.contains(g.centre())) {
            Some(i) => in_table[i].push(g),
            None => flow.push(g),
        }
    }
    let refs: Vec<&PlacedGlyph> = flow.iter().collect();
    // Horizontal rules outside the ruled tables bound a 三线表.
    let rules: Vec<columns::Rule> = ink
        .segments
        .iter()
        .filter(|s| s.horizontal && !found.iter().any(|t| t.contains((s.from, s.at))))
        .map(|s| columns::Rule {
            y: s.at,
            x0: s.from,
            x1: s.to,
        })
        .collect();
    let (text_tables, refs) = column_tables(number, refs, &rules);
    PageRead {
        number,
        height,
        lines: lines::lines(&refs),
        tables: found.into_iter().zip(in_table).collect(),
        text_tables,
        images: ink.images,
        glyphs: glyph_count,
        painted_paths: ink.painted_paths,
    }
}

/// Tables of aligned text among the flow glyphs ([`columns`]); returns them with the glyphs
/// left for the text.
fn column_tables<'g>(
    page: u32,
    glyphs: Vec<&'g PlacedGlyph>,
    rules: &[columns::Rule],
) -> (Vec<(f32, TableGrid)>, Vec<&'g PlacedGlyph>) {
    let runs = lines::runs(&glyphs);
    let pieces: Vec<columns::Piece> = runs
        .iter()
        .map(|(l, _)| columns::Piece {
            rect: l.bbox,
            text: l.text.clone(),
        })
        .collect();
    let found = columns::find_tables(&pieces, rules);
    if found.is_empty() {
        return (Vec::new(), glyphs);
    }
    let mut taken = vec![false; runs.len()];
    let mut grids = Vec::with_capacity(found.len());
    for t in found {
        for &i in &t.pieces {
            taken[i] = true;
        }
        let cells = t
            .cells
            .into_iter()
            .map(|c| tables::page_cell(c.slot, c.text, page, c.rect))
            .collect();
        grids.push((
            t.rect[1],
            TableGrid::from_cells(cells, TableOrigin::Pdf { page }),
        ));
    }
    let rest = runs
        .into_iter()
        .zip(taken)
        .filter(|(_, t)| !t)
        .flat_map(|((_, g), _)| g)
        .collect();
    (grids, rest)
}

/// Glyphs drawn twice at (almost) the same place count once: WPS prints fake-bold text as two
/// identical runs, and some producers fill and then stroke the same text.
fn drawn_once(glyphs: Vec<PlacedGlyph>) -> Vec<PlacedGlyph> {
    use std::collections::HashMap;
    const CELL: f32 = 2.0;
    let key = |x: f32, y: f32| ((x / CELL).floor() as i64, (y / CELL).floor() as i64);
    let mut seen: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    let mut kept: Vec<PlacedGlyph> = Vec::with_capacity(glyphs.len());
    for g in glyphs {
        let (kx, ky) = key(g.x, g.y);
        let near = g.size * 0.3;
        let twice = (-1..=1).any(|dx| {
            (-1..=1).any(|dy| {
                seen.get(&(kx + dx, ky + dy)).is_some_and(|ids| {
                    ids.iter().any(|&i| {
                        let k = &kept[i];
                        k.text == g.text && (k.x - g.x).abs() < near && (k.y - g.y).abs() < near
                    })
                })
            })
        });
        if !twice {
            seen.entry((kx, ky)).or_default().push(kept.len());
            kept.push(g);
        }
    }
    kept
}

/// A table that runs to the end of one page and on from the top of the next, in the same frame
/// width, is one table cut by the page: its pieces get the same column rules, and the page's
/// first table is marked to be appended to the last one before it. One flag per page.
fn join_cut_tables(pages: &mut [PageRead]) -> Vec<bool> {
    let mut continues = vec![false; pages.len()];
    for i in 1..pages.len() {
        let (before, after) = pages.split_at_mut(i);
        let (prev, next) = (&mut before[i - 1], &mut after[0]);
        let Some((a, _)) = prev.tables.last_mut() else {
            continue;
        };
        let Some((b, _)) = next.tables.first_mut() else {
            continue;
        };
        // Nothing of the body after the first piece or before the second.
        let text_after = prev.lines.iter().any(|l| {
            l.y > a.frame[3] && !text::is_page_number(&l.text) && l.bbox[1] < prev.height * 0.9
        });
        let text_before = next.lines.iter().any(|l| {
            l.y < b.frame[1] && !text::is_page_number(&l.text) && l.bbox[3] > next.height * 0.1
        });
        let same_width =
            (a.frame[0] - b.frame[0]).abs() < 3.0 && (a.frame[2] - b.frame[2]).abs() < 3.0;
        if text_after || text_before || !same_width {
            continue;
        }
        tables::share_columns(a, b);
        continues[i] = true;
    }
    continues
}

/// Fonts of the page that may have left glyphs unread, by their base font names: those with no
/// ToUnicode map, less the simple fonts whose named standard encoding (WinAnsi, MacRoman…)
/// gives every code its character anyway. A composite (Type0) font has no Unicode but its
/// ToUnicode map; a simple font with its own encoding has only its glyph names.
fn unmapped_fonts(page: &Page<'_>) -> Vec<String> {
    let fonts: &Dict<'_> = &page.resources().fonts;
    let without_map: Vec<Dict<'_>> = fonts
        .keys()
        .filter_map(|k| fonts.get::<Dict<'_>>(k.as_ref()))
        .filter(|f| !f.contains_key(b"ToUnicode".as_slice()))
        .collect();
    let name = |f: &Dict<'_>| {
        f.get::<Name<'_>>(b"BaseFont".as_slice())
            .map(|n| String::from_utf8_lossy(n.as_ref()).into_owned())
            .unwrap_or_else(|| "(unnamed)".into())
    };
    let standard_encoding = |f: &Dict<'_>| {
        let composite = f
            .get::<Name<'_>>(b"Subtype".as_slice())
            .is_some_and(|n| n.as_ref() == b"Type0");
        !composite && f.get::<Name<'_>>(b"Encoding".as_slice()).is_some()
    };
    let mut names: Vec<String> = without_map
        .iter()
        .filter(|f| !standard_encoding(f))
        .map(name)
        .collect();
    if names.is_empty() {
        names = without_map.iter().map(name).collect();
    }
    names.sort();
    names.dedup();
    if names.is_empty() {
        names.push("(fonts whose encoding gives no Unicode)".into());
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_bold_glyphs_count_once() {
        let g = |text: &str, x: f32| PlacedGlyph {
            text: text.into(),
            x,
            y: 100.0,
            size: 10.0,
            vertical: false,
            ink: None,
        };
        let kept = drawn_once(vec![
            g("公", 0.0),
            g("公", 0.2),
            g("开", 10.0),
            g("开", 10.2),
            g("开", 20.0),
        ]);
        let text: String = kept.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "公开开");
    }
}
