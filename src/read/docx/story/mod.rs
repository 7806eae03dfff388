//! One story part (document body, header, footer, notes) → blocks, in one streaming pass.
//!
//! Recursive descent over the filtered event stream: a block container (body, cell, text box,
//! note) loops over its children; paragraphs collect text and the blocks they anchor (text
//! boxes, pictures), tables build a merged-cell grid. Every recursion step consumes at least one
//! element level, so recursion depth is bounded by `Limits::max_xml_depth`.
//!
//! This file holds the story state and the block-container loop; `paragraph` reads paragraphs,
//! `table` tables and their merged-cell grid, `drawing` pictures and embedded objects.

mod drawing;
mod paragraph;
mod table;

use std::collections::{HashMap, HashSet};

use quick_xml::events::BytesStart;

use super::super::package::Relationship;
use super::super::{Limits, ReadError};
use super::numbering::{Counters, Numbering};
use super::styles::Styles;
use super::xml::{attr, qname, Ev, Xml};
use crate::model::{Block, Paragraph};

/// Warnings, each reported once.
#[derive(Default)]
pub(crate) struct Warnings {
    pub list: Vec<String>,
    seen: HashSet<String>,
}

impl Warnings {
    pub(crate) fn push(&mut self, w: String) {
        if self.seen.insert(w.clone()) {
            self.list.push(w);
        }
    }
}

/// Image parts in order of first reference.
#[derive(Default)]
pub(crate) struct Images {
    pub parts: Vec<String>,
    pub index: HashMap<String, usize>,
    /// The descriptions (alt text) of each image index: the distinct ones of its anchors, in
    /// order, one per line (a picture shown twice can be described twice).
    pub descriptions: HashMap<usize, String>,
    /// Lower-cased names of the package's parts.
    pub existing: HashSet<String>,
}

impl Images {
    pub(crate) fn register(&mut self, part: &str) -> Option<usize> {
        let key = part.to_lowercase();
        if !self.existing.contains(&key) {
            return None;
        }
        if let Some(&i) = self.index.get(&key) {
            return Some(i);
        }
        let i = self.parts.len();
        self.parts.push(part.to_string());
        self.index.insert(key, i);
        Some(i)
    }

    pub(crate) fn contains(&self, part: &str) -> bool {
        self.index.contains_key(&part.to_lowercase())
    }
}

/// Footnote and endnote numbers, given in the order the body refers to them (one sequence for
/// both kinds, as plain-text renderings number them): the body prints `[n]` where the reference
/// is, the note starts with the same `[n]`.
#[derive(Default, Clone)]
pub(crate) struct NoteMarks {
    numbers: HashMap<(bool, String), usize>,
}

impl NoteMarks {
    /// The number of a note (`endnote` or footnote, by its `w:id`), given on first reference.
    fn refer(&mut self, endnote: bool, id: String) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry((endnote, id)).or_insert(next)
    }

    fn get(&self, endnote: bool, id: &str) -> Option<usize> {
        self.numbers.get(&(endnote, id.to_string())).copied()
    }
}

pub(crate) struct Story<'c> {
    pub styles: &'c Styles,
    pub numbering: &'c Numbering,
    /// Relationships of this part, by id.
    pub rels: HashMap<String, Relationship>,
    pub images: &'c mut Images,
    pub warnings: &'c mut Warnings,
    pub limits: &'c Limits,
    /// SmartArt text by diagram data part name, read before the story.
    pub diagrams: HashMap<String, Vec<String>>,
    counters: Counters,
    /// Open complex fields: `true` once past `separate` (showing the result).
    fields: Vec<bool>,
    /// The text of a drop cap (`w:framePr w:dropCap`): Word lays the first letter out as a
    /// paragraph of its own, printed as the start of the next one.
    drop_cap: Option<String>,
    /// Note numbers: given out while reading the body, looked up while reading the notes.
    pub note_marks: NoteMarks,
    /// The number of the footnote or endnote being read, for its `w:footnoteRef`.
    current_note: Option<usize>,
    /// Alt text of the drawing or VML shape being read, for the picture it shows.
    description: Option<String>,
    /// The blocks of the table cell being read (kept for the next cell: one allocation).
    cell_blocks: Vec<Block>,
}

impl<'c> Story<'c> {
    pub(crate) fn new(
        styles: &'c Styles,
        numbering: &'c Numbering,
        rels: Vec<Relationship>,
        images: &'c mut Images,
        warnings: &'c mut Warnings,
        limits: &'c Limits,
    ) -> Self {
        Story {
            styles,
            numbering,
            rels: rels.into_iter().map(|r| (r.id.clone(), r)).collect(),
            images,
            warnings,
            limits,
            diagrams: HashMap::new(),
            counters: Counters::default(),
            fields: Vec::new(),
            drop_cap: None,
            note_marks: NoteMarks::default(),
            current_note: None,
            description: None,
            cell_blocks: Vec::new(),
        }
    }

    /// Reads a whole part.
    pub(crate) fn read_part(&mut self, x: &mut Xml) -> Result<Vec<Block>, ReadError> {
        let mut out = Vec::new();
        self.blocks(x, &mut out, true)?;
        self.flush_drop_cap(&mut out);
        Ok(out)
    }

    /// A drop cap with no paragraph after it in its container stays a paragraph of its own.
    fn flush_drop_cap(&mut self, out: &mut Vec<Block>) {
        if let Some(text) = self.drop_cap.take() {
            out.push(Block::Paragraph(Paragraph {
                text,
                ..Paragraph::default()
            }));
        }
    }

    fn visible(&self) -> bool {
        self.fields.iter().all(|&r| r)
    }

    /// Children of a block container, through its End (or Eof at the root).
    fn blocks(&mut self, x: &mut Xml, out: &mut Vec<Block>, root: bool) -> Result<(), ReadError> {
        let mut nest = 0usize;
        loop {
            match x.next()? {
                Ev::Start(e) => {
                    if !self.block_start(x, &e, out)? {
                        nest += 1;
                    }
                }
                Ev::End => {
                    if nest == 0 {
                        if root {
                            continue;
                        }
                        return Ok(());
                    }
                    nest -= 1;
                }
                Ev::Text(_) => {}
                Ev::Eof => {
                    return if root {
                        Ok(())
                    } else {
                        Err(x.unexpected_eof())
                    }
                }
            }
        }
    }

    /// Handles a start tag met among blocks; `true` when the element was consumed.
    fn block_start(
        &mut self,
        x: &mut Xml,
        e: &BytesStart,
        out: &mut Vec<Block>,
    ) -> Result<bool, ReadError> {
        let (prefix, local) = qname(e);
        match local {
            // DrawingML (`a:`) paragraphs and tables are shape internals, not Word blocks.
            "p" if prefix != "a" => {
                let extras = self.paragraph(x, out)?;
                out.extend(extras);
                Ok(true)
            }
            "tbl" if prefix != "a" => {
                let blocks = self.table(x)?;
                out.extend(blocks);
                Ok(true)
            }
            "footnote" | "endnote"
                if attr(e, "type").is_some_and(|t| {
                    matches!(
                        t.as_str(),
                        "separator" | "continuationSeparator" | "continuationNotice"
                    )
                }) =>
            {
                x.skip()?;
                Ok(true)
            }
            "footnote" | "endnote" => {
                self.current_note =
                    attr(e, "id").and_then(|id| self.note_marks.get(local == "endnote", id.trim()));
                Ok(false)
            }
            "sdtPr" | "sdtEndPr" | "background" => {
                x.skip()?;
                Ok(true)
            }
            "altChunk" => {
                self.warnings.push(format!(
                    "{}: an embedded alternative-format chunk (w:altChunk) was not read",
                    x.part()
                ));
                Ok(false)
            }
            "blip" | "imagedata" => {
                if let Some(i) = self.image(e, local) {
                    out.push(Block::Image(i));
                }
                Ok(false)
            }
            "docPr" | "shape" => {
                self.describe(e, local);
                Ok(false)
            }
            _ => Ok(false),
        }
    }
}
