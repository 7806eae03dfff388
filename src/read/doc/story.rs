//! A story (main text, header, footnotes …) as a run of CPs → blocks: paragraphs end at 0x0D (and
//! 0x07 cell marks), their properties say whether they sit in a table and whether the mark ends a
//! cell or a row; fields show their result; 0x01 and 0x08 characters are pictures.

use std::collections::HashMap;

use super::super::{Limits, ReadError};
use super::lists::Lists;
use super::ole::{u16_at, u32_at, FcLcb};
use super::pictures::{self, Drawing, Images};
use super::props::{BinTable, CharProps, ParaProps};
use super::styles::Styles;
use super::table::{self, Row};
use super::text::Text;
use crate::model::{Block, Paragraph};

pub(super) struct Reader<'a> {
    pub text: &'a Text,
    pub word: &'a [u8],
    pub data: &'a [u8],
    pub papx: BinTable,
    pub chpx: BinTable,
    pub styles: Styles,
    pub lists: Lists,
    pub drawing: Drawing,
    /// Main-text CP of each floating shape's anchor → shape id.
    pub anchors: HashMap<u32, u32>,
    /// Shape id of each main-text text box → its CPs in the text-box story, until it is placed.
    pub boxes: HashMap<u32, (u32, u32)>,
    /// Text boxes read where their anchor is.
    pub boxes_placed: usize,
    /// The end of the main text: only anchors there place a text box.
    main_end: u32,
    pub images: Images,
    pub warnings: Vec<String>,
    pub limits: &'a Limits,
    /// Open fields: `true` once past the separator (showing the result).
    fields: Vec<bool>,
    pub counts: Counts,
}

/// What was read, for the reader's notes.
#[derive(Default, Debug)]
pub(super) struct Counts {
    pub tables: usize,
    pub rows: usize,
    pub inline_pictures: usize,
    pub floating_pictures: usize,
    pub fields: usize,
    pub labels: usize,
    /// Inline shapes that hold no picture (nor name one).
    pub empty_shapes: usize,
}

/// A table being read, one per nesting depth.
#[derive(Default)]
struct TableBuild {
    rows: Vec<Row>,
    cells: Vec<String>,
    cell: String,
    cell_has_text: bool,
    /// Pictures and nested tables found in the cells: they follow the table.
    after: Vec<Block>,
}

impl<'a> Reader<'a> {
    pub fn new(
        text: &'a Text,
        word: &'a [u8],
        data: &'a [u8],
        table_stream: &'a [u8],
        fib: &super::ole::Fib,
        limits: &'a Limits,
    ) -> Reader<'a> {
        let anchors = spa_anchors(table_stream, fib.plc_spa_mom);
        let boxes = text_boxes(table_stream, fib.plcf_txbx_txt)
            .into_iter()
            .map(|b| (b.spid, b.cps(fib)))
            .collect();
        let drawing = fib
            .dgg_info
            .slice(table_stream)
            .map(|d| Drawing::read(d, word, limits.max_entry_inflated))
            .unwrap_or_default();
        Reader {
            text,
            word,
            data,
            papx: BinTable::read(table_stream, fib.plcf_bte_papx),
            chpx: BinTable::read(table_stream, fib.plcf_bte_chpx),
            styles: fib
                .stshf
                .slice(table_stream)
                .map(Styles::parse)
                .unwrap_or_default(),
            lists: Lists::parse(
                fib.plf_lst
                    .slice(table_stream)
                    .and_then(|_| table_stream.get(fib.plf_lst.fc as usize..)),
                fib.plf_lfo.slice(table_stream),
            ),
            drawing,
            anchors,
            boxes,
            boxes_placed: 0,
            main_end: fib.ccp[0],
            images: Images::default(),
            warnings: Vec::new(),
            limits,
            fields: Vec::new(),
            counts: Counts::default(),
        }
    }

    fn warn(&mut self, w: String) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }

    /// Paragraph properties of the paragraph whose mark is at `cp`.
    fn para_props(&self, cp: u32) -> ParaProps {
        let mut p = ParaProps::default();
        if let Some(fc) = self.text.fc(cp) {
            if let Some((istd, grpprl)) = self.papx.papx(self.word, fc) {
                p.istd = istd;
                p.apply(grpprl);
                // sprmPHugePapx: a paragraph's properties too large for its FKP (a wide table
                // row's definition) live in the Data stream, as a 2-byte size and a grpprl (PrcData).
                if let Some(at) = super::props::huge_papx(grpprl) {
                    let at = at as usize;
                    let cb = u16_at(self.data, at).unwrap_or(0) as usize;
                    if let Some(huge) = self.data.get(at + 2..at + 2 + cb) {
                        p.apply(huge);
                    }
                }
            }
        }
        // A piece's Prm can carry properties too (Word's fast saves).
        if let Some(piece) = self.text.piece(cp) {
            if piece.prm & 1 == 1 {
                if let Some(grpprl) = self.text.prcs.get(usize::from(piece.prm >> 1)) {
                    p.apply(grpprl);
                }
            }
        }
        p
    }

    fn char_props(&self, cp: u32) -> CharProps {
        let mut c = CharProps::default();
        if let Some(grpprl) = self
            .text
            .fc(cp)
            .and_then(|fc| self.chpx.chpx(self.word, fc))
        {
            c.apply(grpprl);
        }
        c
    }

    /// Reads CPs `start..end` of one story into blocks.
    pub fn story(&mut self, start: u32, end: u32) -> Result<Vec<Block>, ReadError> {
        let end = end.min(self.text.chars.len() as u32);
        let mut out = Vec::new();
        let mut stack: Vec<TableBuild> = Vec::new();
        let mut units: Vec<u16> = Vec::new();
        let mut extras: Vec<Block> = Vec::new();
        self.fields.clear();
        // The character run of the last character looked at: hidden text (sprmCFVanish) and
        // tracked deletions (sprmCFRMarkDel) are not printed.
        let mut run: (u32, u32) = (1, 0);
        let mut run_hidden = false;
        let mut cp = start;
        while cp < end {
            let u = self.text.chars[cp as usize];
            if !matches!(u, 0x0D | 0x07 | 0x0C | 0x13 | 0x14 | 0x15) {
                let fc = self.text.fc(cp).unwrap_or(0);
                if fc < run.0 || fc >= run.1 {
                    match self.chpx.chpx_run(self.word, fc) {
                        Some((grpprl, span)) => {
                            let mut c = CharProps::default();
                            c.apply(grpprl);
                            run_hidden = c.vanish || c.deleted;
                            run = span;
                        }
                        None => {
                            run_hidden = false;
                            run = (fc, fc + 1);
                        }
                    }
                }
                if run_hidden {
                    cp += 1;
                    continue;
                }
            }
            match u {
                0x0D | 0x07 | 0x0C => {
                    let text = String::from_utf16_lossy(&units);
                    units.clear();
                    // A field never spans a paragraph mark in its instruction; one left open
                    // here is broken and must not hide the rest of the story.
                    for f in self.fields.iter_mut() {
                        *f = true;
                    }
                    self.paragraph(
                        cp,
                        u,
                        text,
                        std::mem::take(&mut extras),
                        &mut stack,
                        &mut out,
                    )?;
                }
                0x13 => {
                    self.fields.push(false);
                    self.counts.fields += 1;
                }
                0x14 => {
                    if let Some(f) = self.fields.last_mut() {
                        *f = true;
                    }
                }
                0x15 => {
                    self.fields.pop();
                }
                _ if !self.fields.iter().all(|&f| f) => {}
                0x01 => {
                    if let Some(i) = self.inline_picture(cp) {
                        extras.push(Block::Image(i));
                    }
                }
                0x08 => {
                    if let Some(i) = self.floating_picture(cp) {
                        extras.push(Block::Image(i));
                    }
                    extras.extend(self.anchored_text_box(cp)?);
                }
                0x09 => units.push(u),
                0x0B => units.push(u16::from(b'\n')),
                0x1E => units.push(u16::from(b'-')),
                0x00..=0x1F => {}
                _ => units.push(u),
            }
            cp += 1;
        }
        if !units.is_empty() || !extras.is_empty() {
            let text = String::from_utf16_lossy(&units);
            self.paragraph(end, 0x0D, text, extras, &mut stack, &mut out)?;
        }
        while let Some(t) = stack.pop() {
            let blocks = self.finish_table(t)?;
            match stack.last_mut() {
                Some(parent) => parent.after.extend(blocks),
                None => out.extend(blocks),
            }
        }
        Ok(out)
    }

    fn paragraph(
        &mut self,
        cp: u32,
        mark: u16,
        text: String,
        extras: Vec<Block>,
        stack: &mut Vec<TableBuild>,
        out: &mut Vec<Block>,
    ) -> Result<(), ReadError> {
        let props = self.para_props(cp);
        let depth = props.depth().clamp(0, 64) as usize;
        while stack.len() > depth {
            let t = stack.pop().unwrap_or_default();
            let blocks = self.finish_table(t)?;
            match stack.last_mut() {
                Some(parent) => parent.after.extend(blocks),
                None => out.extend(blocks),
            }
        }
        while stack.len() < depth {
            stack.push(TableBuild::default());
        }
        let para = self.make_paragraph(&props, text);
        let Some(t) = stack.last_mut() else {
            out.push(Block::Paragraph(para));
            out.extend(extras);
            return Ok(());
        };
        t.after.extend(extras);
        let (cell_end, row_end) = if depth == 1 {
            // A TTP (row end) is a paragraph of its own, ended by 0x07 in Word and by 0x0D
            // in some writers: fTtp decides.
            (mark == 0x07 && !props.ttp, props.ttp)
        } else {
            (props.inner_cell, props.inner_ttp)
        };
        if row_end {
            // The row-end mark's paragraph holds no cell text; a stray one is kept in the row.
            if t.cell_has_text || !t.cell.is_empty() {
                t.cells.push(std::mem::take(&mut t.cell));
            }
            t.cell_has_text = false;
            let cells = std::mem::take(&mut t.cells);
            t.rows.push(Row {
                cells,
                def: props.row,
            });
            self.counts.rows += 1;
            return Ok(());
        }
        if t.cell_has_text {
            t.cell.push('\n');
        }
        t.cell.push_str(&para.printed());
        t.cell_has_text = true;
        if t.cell.len() > self.limits.max_cell_chars.saturating_mul(4) {
            return Err(ReadError::Limit(format!(
                "a table cell holds more than {} characters (Limits::max_cell_chars)",
                self.limits.max_cell_chars
            )));
        }
        if cell_end {
            t.cells.push(std::mem::take(&mut t.cell));
            t.cell_has_text = false;
        }
        Ok(())
    }

    fn make_paragraph(&mut self, props: &ParaProps, text: String) -> Paragraph {
        let (s_outline, s_ilfo, s_ilvl) = self.styles.inherited(props.istd);
        let ilfo = props.ilfo.or(s_ilfo).filter(|&i| i > 0 && i < 0x07FF);
        let label =
            ilfo.and_then(|ilfo| self.lists.label(ilfo, props.ilvl.or(s_ilvl).unwrap_or(0)));
        if label.is_some() {
            self.counts.labels += 1;
        }
        Paragraph {
            label,
            text,
            style: self.styles.name(props.istd),
            outline_level: props.outline.or(s_outline).filter(|&l| l < 9),
            page_box: None,
            confidence: None,
        }
    }

    fn finish_table(&mut self, mut t: TableBuild) -> Result<Vec<Block>, ReadError> {
        // Cells left open (a table cut short): close them into a last row.
        if t.cell_has_text {
            t.cells.push(std::mem::take(&mut t.cell));
        }
        if !t.cells.is_empty() {
            t.rows.push(Row {
                cells: std::mem::take(&mut t.cells),
                def: None,
            });
        }
        let mut blocks = Vec::with_capacity(1 + t.after.len());
        if let Some(grid) = table::build(t.rows, self.limits)? {
            self.counts.tables += 1;
            blocks.push(Block::Table(grid));
        }
        blocks.extend(t.after);
        Ok(blocks)
    }

    fn inline_picture(&mut self, cp: u32) -> Option<usize> {
        let props = self.char_props(cp);
        let at = props.pic_location?;
        if props.data {
            return None;
        }
        let blip = match pictures::inline_picture(self.data, at, self.limits.max_entry_inflated) {
            pictures::Inline::Blips(blips) => {
                let first = blips.into_iter().next();
                if first.is_none() {
                    self.warn(format!(
                        "an inline picture at Data offset {at} holds no picture this reader knows"
                    ));
                }
                first
            }
            pictures::Inline::Store(pib) => self.store_blip(pib),
            // A shape without a picture of its own (LibreOffice writes one beside a floating
            // picture, which is read from the drawing): nothing is lost.
            pictures::Inline::Shape(spid) => {
                let pib = self.drawing.shape_pib.get(&spid).copied();
                match pib.and_then(|pib| self.store_blip(pib)) {
                    Some(b) => Some(b),
                    None => {
                        self.counts.empty_shapes += 1;
                        None
                    }
                }
            }
        };
        let blip = blip?;
        if props.ole2 {
            self.warn("an embedded OLE object was not read; only its picture is kept".to_string());
        }
        self.counts.inline_pictures += 1;
        Some(self.images.register(blip, &format!("Data/picture@{at}")))
    }

    /// A copy of BLIP store entry `pib` (1-based).
    fn store_blip(&self, pib: u32) -> Option<pictures::Blip> {
        let b = self
            .drawing
            .store
            .get(usize::try_from(pib).ok()?.checked_sub(1)?)?
            .as_ref()?;
        Some(pictures::Blip {
            content_type: b.content_type,
            ext: b.ext,
            data: b.data.clone(),
        })
    }

    fn floating_picture(&mut self, cp: u32) -> Option<usize> {
        let spid = *self.anchors.get(&cp)?;
        let pib = *self.drawing.shape_pib.get(&spid)?;
        let blip = self.store_blip(pib)?;
        self.counts.floating_pictures += 1;
        Some(self.images.register(blip, &format!("BStore/blip{pib}")))
    }

    /// The text box whose shape is anchored at main-text CP `cp`, read once: its blocks follow
    /// the anchor's paragraph, as a .docx text box follows the paragraph holding it.
    fn anchored_text_box(&mut self, cp: u32) -> Result<Vec<Block>, ReadError> {
        if cp >= self.main_end {
            return Ok(Vec::new());
        }
        let Some((start, end)) = self
            .anchors
            .get(&cp)
            .and_then(|spid| self.boxes.remove(spid))
        else {
            return Ok(Vec::new());
        };
        // The box is a story of its own, read in the middle of the main text's: the main
        // text's open fields wait.
        let open = std::mem::take(&mut self.fields);
        let blocks = self.story(start, end);
        self.fields = open;
        let blocks = blocks?;
        // LibreOffice writes an empty shape beside each text frame: only boxes with something
        // in them are counted.
        if blocks
            .iter()
            .any(|b| !matches!(b, Block::Paragraph(p) if p.printed().trim().is_empty()))
        {
            self.boxes_placed += 1;
        }
        Ok(blocks)
    }

    /// The text boxes no anchor in the main text placed, in story order (CP ranges).
    pub fn unplaced_text_boxes(&mut self) -> Vec<(u32, u32)> {
        let mut left: Vec<(u32, u32)> = self.boxes.drain().map(|(_, r)| r).collect();
        left.sort_unstable();
        left
    }

    /// BLIP store pictures that no shape anchored in the text refers to: still the document's.
    pub fn unreferenced_store(&mut self) {
        let store = std::mem::take(&mut self.drawing.store);
        for (i, blip) in store.into_iter().enumerate() {
            if let Some(b) = blip {
                self.images.register(b, &format!("BStore/blip{}", i + 1));
            }
        }
    }
}

/// PlcSpaMom: the main-text CP of each floating shape's anchor and the shape id it shows.
fn spa_anchors(table: &[u8], at: FcLcb) -> HashMap<u32, u32> {
    let mut out = HashMap::new();
    let Some(plc) = at.slice(table) else {
        return out;
    };
    // (n+1) CPs of 4 bytes, then n SPAs of 26 bytes.
    let n = plc.len().saturating_sub(4) / 30;
    for i in 0..n {
        if let (Some(cp), Some(spid)) = (u32_at(plc, 4 * i), u32_at(plc, 4 * (n + 1) + 26 * i)) {
            out.insert(cp, spid);
        }
    }
    out
}

/// One main-text text box: its shape id and its CPs relative to the text-box story.
pub(super) struct TextBox {
    pub spid: u32,
    pub start: u32,
    pub end: u32,
}

impl TextBox {
    /// Its CPs in the whole text (the text-box story follows main text, footnotes, headers,
    /// macros, comments and endnotes), clamped to the story.
    fn cps(&self, fib: &super::ole::Fib) -> (u32, u32) {
        let base = fib.story_start(6);
        let story_end = fib.story_start(7);
        let at = |cp: u32| base.saturating_add(cp).min(story_end);
        (at(self.start), at(self.end))
    }
}

/// PlcftxbxTxt: (n+1) CPs into the text-box story, then n FTXBXS of 22 bytes (reusable slot
/// flag at 8, the shape id `lid` at 14). The last entry is Word's end marker, and reusable slots
/// belong to deleted text boxes: neither is shown.
pub(super) fn text_boxes(table: &[u8], at: FcLcb) -> Vec<TextBox> {
    let Some(plc) = at.slice(table) else {
        return Vec::new();
    };
    let n = plc.len().saturating_sub(4) / 26;
    let mut out = Vec::new();
    for i in 0..n.saturating_sub(1) {
        let entry = 4 * (n + 1) + 22 * i;
        let (Some(start), Some(end), Some(reusable), Some(spid)) = (
            u32_at(plc, 4 * i),
            u32_at(plc, 4 * (i + 1)),
            u16_at(plc, entry + 8),
            u32_at(plc, entry + 14),
        ) else {
            continue;
        };
        if reusable == 0 && start < end {
            out.push(TextBox { spid, start, end });
        }
    }
    out
}
