//! Word 97–2003 binary documents (.doc) and WPS Office's .wps (the same binary format in an OLE
//! file with a few streams of its own) → [`Document`].
//!
//! `cfb` opens the compound file; the FIB at the start of the WordDocument stream points into
//! the table stream (`0Table`/`1Table`) for everything else. The text comes from the piece table,
//! paragraph and table structure from the paragraph properties (FKPs), pictures from the Data
//! stream and the OfficeArt BLIP store. Stories are read one by one: the main text into `body`,
//! headers and footers into `furniture`, footnotes, endnotes and comments into `notes`.

mod lists;
mod ole;
mod pictures;
pub(super) mod props;
mod story;
mod styles;
pub(super) mod table;
mod text;

#[cfg(test)]
mod tests;

use super::{Limits, ReadError};
use crate::model::{Block, Document};
use ole::u32_at;
use story::Reader;
use text::Text;

/// Reads a Word 97–2003 binary document (or a WPS .wps file) from its bytes.
pub fn read_doc(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let (streams, fib) = ole::open(bytes, limits)?;
    let clx = fib.clx.slice(&streams.table).ok_or_else(|| {
        ReadError::Doc("the FIB's piece table (CLX) lies outside the table stream".into())
    })?;
    let text = Text::read(clx, &streams.word, limits)?;
    let mut r = Reader::new(
        &text,
        &streams.word,
        &streams.data,
        &streams.table,
        &fib,
        limits,
    );

    // Stories follow one another in CP order: main, footnotes, headers, macros, comments,
    // endnotes, text boxes, header text boxes.
    let start = |i: usize| fib.story_start(i);
    let body_end = fib.ccp[0];
    let mut body = r.story(0, body_end)?;
    let mut notes = r.story(start(1), start(2))?;
    // Comments (4) and endnotes (5).
    notes.extend(r.story(start(4), start(5))?);
    notes.extend(r.story(start(5), start(6))?);
    // Main-text text boxes were read where their shape is anchored (PlcSpaMom's CP → shape id
    // → PlcftxbxTxt's range). Those no anchor placed follow the body (a contact block in a text
    // box is still part of the report's text); without a PlcftxbxTxt, the whole story does.
    let placed = r.boxes_placed;
    let unplaced = if fib.plcf_txbx_txt.lcb == 0 {
        vec![(start(6), start(7))]
    } else {
        r.unplaced_text_boxes()
    };
    let mut box_paragraphs = 0;
    for (a, b) in unplaced {
        let boxes = r.story(a, b)?;
        box_paragraphs += boxes
            .iter()
            .filter(|b| matches!(b, Block::Paragraph(p) if !p.text.trim().is_empty()))
            .count();
        body.extend(boxes);
    }
    let furniture = headers(&mut r, &streams.table, &fib)?;
    r.unreferenced_store();

    let counts = &r.counts;
    let mut notes_out = vec![format!(
        "Word binary document: {} FIB (nFib 0x{:04X}){}, streams {}",
        fib.version(),
        fib.n_fib,
        match fib.created_by {
            0x6A62 => ", created by Microsoft Word".to_string(),
            0 => String::new(),
            m => format!(", creator magic 0x{m:04X}"),
        },
        streams.names.join(", ")
    )];
    notes_out.push(format!(
        "{} characters in {} pieces; {} tables ({} rows) from cell and row marks; {} fields \
         shown by their result; {} list labels generated",
        text.chars.len(),
        text.pieces.len(),
        counts.tables,
        counts.rows,
        counts.fields,
        counts.labels
    ));
    notes_out.push(format!(
        "{} inline pictures (Data stream), {} floating pictures (BLIP store), {} images in all; \
         {} inline shapes without a picture",
        counts.inline_pictures,
        counts.floating_pictures,
        r.images.parts.len(),
        counts.empty_shapes
    ));
    if placed > 0 {
        notes_out.push(format!("{placed} text boxes read at their anchors"));
    }
    if box_paragraphs > 0 {
        notes_out.push(format!(
            "{box_paragraphs} text-box paragraphs placed after the body (no anchor in the main \
             text names their shape)"
        ));
    }
    let Reader {
        images, warnings, ..
    } = r;
    Ok(Document {
        body,
        furniture,
        notes,
        images: images.parts,
        warnings,
        reader_notes: notes_out,
    })
}

/// Headers and footers: PlcfHdd splits the header story; its first six entries are the note
/// separators, then six stories per section (even/odd header, even/odd footer, first header,
/// first footer). Each non-empty story is read once.
fn headers(r: &mut Reader, table: &[u8], fib: &ole::Fib) -> Result<Vec<Block>, ReadError> {
    let mut out = Vec::new();
    let Some(plc) = fib.plcf_hdd.slice(table) else {
        return Ok(out);
    };
    let base = fib.story_start(2);
    let cps: Vec<u32> = (0..plc.len() / 4)
        .filter_map(|i| u32_at(plc, 4 * i))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for w in cps.windows(2).skip(6) {
        let (a, b) = (w[0], w[1]);
        if b <= a || !seen.insert((a, b)) {
            continue;
        }
        let end = base.saturating_add(b).min(base.saturating_add(fib.ccp[2]));
        out.extend(
            r.story(base.saturating_add(a), end)?
                .into_iter()
                .filter(|b| !matches!(b, Block::Paragraph(p) if p.printed().trim().is_empty())),
        );
    }
    Ok(out)
}
