//! One story part (document body, header, footer, notes) → blocks, in one streaming pass.
//!
//! Recursive descent over the filtered event stream: a block container (body, cell, text box,
//! note) loops over its children; paragraphs collect text and the blocks they anchor (text
//! boxes, pictures), tables build a merged-cell grid. Every recursion step consumes at least one
//! element level, so recursion depth is bounded by `Limits::max_xml_depth`.

use std::collections::{HashMap, HashSet};

use quick_xml::events::BytesStart;

use super::super::package::Relationship;
use super::super::{Limits, ReadError};
use super::numbering::{Counters, Numbering};
use super::styles::{self, Styles};
use super::xml::{attr, qname, rel_attr, val, val_bool, val_int, Ev, Xml};
use crate::model::{Block, Cell, Paragraph, TableGrid, TableOrigin};

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
}

/// Paragraph properties as read from `w:pPr`.
#[derive(Default)]
struct PProps {
    style: Option<String>,
    num_id: Option<i64>,
    ilvl: Option<i64>,
    outline: Option<i64>,
    drop_cap: bool,
}

/// One `w:tc` as read, before placement in the grid.
struct TcData {
    span: usize,
    vmerge: Option<bool>, // Some(true) = restart, Some(false) = continue
    hmerge_continue: bool,
    text: String,
    after: Vec<Block>,
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

    /// Notes the alt text of a drawing (`wp:docPr/@descr`) or VML shape (`v:shape/@alt`): it
    /// belongs to the picture the drawing or shape shows next.
    fn describe(&mut self, e: &BytesStart, local: &str) {
        let name = if local == "docPr" { "descr" } else { "alt" };
        // One line per description: line breaks inside one are spaces.
        self.description = attr(e, name)
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|d| !d.is_empty());
    }

    /// Resolves a picture reference to an image index.
    fn image(&mut self, e: &BytesStart, local: &str) -> Option<usize> {
        let i = self.image_index(e, local);
        if let Some(d) = self.description.take() {
            if let Some(i) = i {
                let all = self.images.descriptions.entry(i).or_default();
                if !all.lines().any(|l| l == d) {
                    if !all.is_empty() {
                        all.push('\n');
                    }
                    all.push_str(&d);
                }
            }
        }
        i
    }

    fn image_index(&mut self, e: &BytesStart, local: &str) -> Option<usize> {
        let (rid, linked) = if local == "blip" {
            match rel_attr(e, "embed") {
                Some(r) if !r.is_empty() => (r, false),
                _ => (rel_attr(e, "link")?, true),
            }
        } else {
            (rel_attr(e, "id").or_else(|| attr(e, "relid"))?, false)
        };
        let Some(rel) = self.rels.get(&rid) else {
            self.warnings.push(format!(
                "picture refers to relationship {rid}, which is missing"
            ));
            return None;
        };
        if linked || rel.external {
            self.warnings.push(format!(
                "picture linked to an external file, not embedded: {}",
                rel.target
            ));
            return None;
        }
        let target = rel.target.clone();
        let i = self.images.register(&target);
        if i.is_none() {
            self.warnings
                .push(format!("picture part {target} is missing from the package"));
        }
        i
    }

    /// Notes an embedded object whose content is not read (only its preview picture is).
    fn unread_object(&mut self, e: &BytesStart, local: &str) {
        let rid = if local == "relIds" {
            rel_attr(e, "dm")
        } else {
            rel_attr(e, "id")
        };
        let Some(rel) = rid.and_then(|r| self.rels.get(&r)) else {
            return;
        };
        let what = match local {
            "OLEObject" => "an embedded object",
            "chart" => "a chart",
            _ => "a SmartArt diagram",
        };
        self.warnings.push(format!(
            "{what} ({}) was not read; only its picture, if any, is kept",
            rel.target
        ));
    }

    /// A paragraph, through its End. Pushes the paragraph itself onto `out` and returns the
    /// blocks it anchors (text boxes, pictures), which follow it.
    fn paragraph(&mut self, x: &mut Xml, out: &mut Vec<Block>) -> Result<Vec<Block>, ReadError> {
        let mut text = String::new();
        let mut extras = Vec::new();
        let mut props = PProps::default();
        let mut label: Option<Option<String>> = None;
        let mut nest = 0usize;
        // The nesting level of the current run, and whether its text is hidden (w:vanish).
        let mut run_nest: Option<usize> = None;
        let mut hidden = false;
        loop {
            let e = match x.next()? {
                Ev::Start(e) => e,
                Ev::End => {
                    if nest == 0 {
                        break;
                    }
                    nest -= 1;
                    if run_nest == Some(nest) {
                        run_nest = None;
                        hidden = false;
                    }
                    continue;
                }
                Ev::Text(_) => continue,
                Ev::Eof => return Err(x.unexpected_eof()),
            };
            let (prefix, local) = qname(&e);
            let visible = !hidden && self.visible();
            match local {
                "r" => {
                    run_nest = Some(nest);
                    hidden = false;
                }
                "rPr" if run_nest.is_some() => {
                    hidden = rpr_hidden(x)?;
                    continue;
                }
                "pPr" if nest == 0 && label.is_none() => {
                    self.ppr(x, &mut props)?;
                    label = Some(self.label(&props));
                    continue;
                }
                // Phonetic guide text (ruby) is not part of the printed line; content-control
                // properties hold no printed text.
                "rt" | "sdtPr" | "sdtEndPr" => {
                    x.skip()?;
                    continue;
                }
                "t" if prefix != "a" => {
                    if visible {
                        x.text_content(&mut text)?;
                    } else {
                        x.skip()?;
                    }
                    continue;
                }
                "tab" | "ptab" if visible => text.push('\t'),
                "br" | "cr" if visible => text.push('\n'),
                "noBreakHyphen" if visible => text.push('-'),
                // An Office Math fraction (`m:f`): numerator, then `/` and the denominator, so
                // `a` over `b` reads `a/b`, not one word `ab`.
                "den" if visible && prefix != "w" => text.push('/'),
                // A note reference prints its number (unless a custom mark follows as text).
                "footnoteReference" | "endnoteReference" if visible => {
                    if let Some(id) = attr(&e, "id") {
                        let n = self
                            .note_marks
                            .refer(local == "endnoteReference", id.trim().to_string());
                        if !attr(&e, "customMarkFollows").is_some_and(|v| v == "1" || v == "true") {
                            text.push_str(&format!("[{n}]"));
                        }
                    }
                }
                "footnoteRef" | "endnoteRef" if visible => {
                    if let Some(n) = self.current_note {
                        text.push_str(&format!("[{n}]"));
                    }
                }
                "sym" if visible => {
                    if let Some(c) = attr(&e, "char").and_then(|h| sym_char(&h)) {
                        text.push(c);
                    }
                }
                "fldChar" => match attr(&e, "fldCharType").as_deref() {
                    Some("begin") => self.fields.push(false),
                    Some("separate") => {
                        if let Some(f) = self.fields.last_mut() {
                            *f = true;
                        }
                    }
                    Some("end") => {
                        self.fields.pop();
                    }
                    _ => {}
                },
                "txbxContent" => {
                    self.blocks(x, &mut extras, false)?;
                    continue;
                }
                "blip" | "imagedata" => {
                    if let Some(i) = self.image(&e, local) {
                        extras.push(Block::Image(i));
                    }
                }
                "docPr" | "shape" => self.describe(&e, local),
                "relIds" => {
                    let texts = rel_attr(&e, "dm")
                        .and_then(|r| self.rels.get(&r))
                        .and_then(|rel| self.diagrams.get(&rel.target));
                    match texts {
                        Some(texts) => extras.extend(texts.iter().map(|t| {
                            Block::Paragraph(Paragraph {
                                text: t.clone(),
                                ..Paragraph::default()
                            })
                        })),
                        None => self.unread_object(&e, local),
                    }
                }
                "OLEObject" | "chart" => self.unread_object(&e, local),
                "p" if prefix != "a" => {
                    // A paragraph inside a paragraph outside any text box: malformed, but
                    // keep its text as a following block.
                    let more = self.paragraph(x, &mut extras)?;
                    extras.extend(more);
                    continue;
                }
                "tbl" if prefix != "a" => {
                    let blocks = self.table(x)?;
                    extras.extend(blocks);
                    continue;
                }
                _ => {}
            }
            nest += 1;
        }
        // A field instruction never spans a paragraph mark in practice; a `begin` still without
        // its `separate` here is a broken field, and must not hide the rest of the document.
        for f in self.fields.iter_mut() {
            *f = true;
        }
        // Alt text of a drawing that showed no picture (a text box, a chart) ends with it.
        self.description = None;
        let label = match label {
            Some(l) => l,
            None => self.label(&props),
        };
        let style = props
            .style
            .as_deref()
            .and_then(|id| self.styles.name(id).or(Some(id)))
            .map(str::to_string);
        let style_id = props
            .style
            .as_deref()
            .or(self.styles.default_paragraph.as_deref());
        let outline_level = match props.outline {
            Some(l) => styles::level(l),
            None => style_id.and_then(|id| self.styles.outline_level(id)),
        };
        if props.drop_cap {
            self.drop_cap
                .get_or_insert_with(String::new)
                .push_str(&text);
            return Ok(extras);
        }
        if let Some(cap) = self.drop_cap.take() {
            text.insert_str(0, &cap);
        }
        out.push(Block::Paragraph(Paragraph {
            label,
            text,
            style,
            outline_level,
            page_box: None,
            confidence: None,
        }));
        Ok(extras)
    }

    fn label(&mut self, props: &PProps) -> Option<String> {
        let style_id = props
            .style
            .as_deref()
            .or(self.styles.default_paragraph.as_deref());
        let (s_num, s_ilvl) = style_id
            .map(|id| self.styles.numbering(id))
            .unwrap_or((None, None));
        let num_id = props.num_id.or(s_num)?;
        let ilvl = props
            .ilvl
            .or(s_ilvl)
            .or_else(|| {
                style_id.and_then(|id| self.numbering.level_of_style(num_id, id, self.styles))
            })
            .unwrap_or(0);
        let warnings = &mut *self.warnings;
        self.counters
            .label(self.numbering, self.styles, num_id, ilvl, &mut |w| {
                warnings.push(w)
            })
    }

    /// `w:pPr`, through its End.
    fn ppr(&mut self, x: &mut Xml, props: &mut PProps) -> Result<(), ReadError> {
        let mut nest = 0usize;
        loop {
            match x.next()? {
                Ev::Start(e) => {
                    let (_, local) = qname(&e);
                    match local {
                        "pStyle" => props.style = val(&e),
                        "numId" => props.num_id = val_int(&e),
                        "ilvl" => props.ilvl = val_int(&e),
                        "outlineLvl" => props.outline = val_int(&e),
                        "framePr" => {
                            props.drop_cap = attr(&e, "dropCap").is_some_and(|v| v != "none")
                        }
                        "rPr" | "sectPr" | "tabs" => {
                            x.skip()?;
                            continue;
                        }
                        _ => {}
                    }
                    nest += 1;
                }
                Ev::End => {
                    if nest == 0 {
                        return Ok(());
                    }
                    nest -= 1;
                }
                Ev::Text(_) => {}
                Ev::Eof => return Err(x.unexpected_eof()),
            }
        }
    }

    /// A table, through its End: the table, then its nested tables and pictures.
    fn table(&mut self, x: &mut Xml) -> Result<Vec<Block>, ReadError> {
        let mut grid = GridBuilder::new(self.limits, x.part());
        let mut after = Vec::new();
        let mut nest = 0usize;
        let mut in_grid = false;
        loop {
            match x.next()? {
                Ev::Start(e) => {
                    let (_, local) = qname(&e);
                    match local {
                        "tblGrid" if nest == 0 => in_grid = true,
                        "gridCol" if in_grid => grid.grid_cols += 1,
                        "tr" => {
                            self.row(x, &mut grid, &mut after)?;
                            continue;
                        }
                        "tblPr" => {
                            x.skip()?;
                            continue;
                        }
                        _ => {}
                    }
                    nest += 1;
                }
                Ev::End => {
                    if nest == 0 {
                        break;
                    }
                    nest -= 1;
                    if nest == 0 {
                        in_grid = false;
                    }
                }
                Ev::Text(_) => {}
                Ev::Eof => return Err(x.unexpected_eof()),
            }
        }
        let mut blocks = Vec::with_capacity(1 + after.len());
        if let Some(t) = grid.finish()? {
            blocks.push(Block::Table(t));
        }
        blocks.extend(after);
        Ok(blocks)
    }

    /// A table row, through its End.
    fn row(
        &mut self,
        x: &mut Xml,
        grid: &mut GridBuilder,
        after: &mut Vec<Block>,
    ) -> Result<(), ReadError> {
        grid.start_row()?;
        let mut nest = 0usize;
        loop {
            match x.next()? {
                Ev::Start(e) => {
                    let (_, local) = qname(&e);
                    match local {
                        "gridBefore" => grid.grid_before(val_int(&e).unwrap_or(0))?,
                        "gridAfter" => grid.grid_after(val_int(&e).unwrap_or(0))?,
                        "tc" => {
                            let tc = self.cell(x)?;
                            grid.place(tc, after)?;
                            continue;
                        }
                        "tblPrEx" => {
                            x.skip()?;
                            continue;
                        }
                        _ => {}
                    }
                    nest += 1;
                }
                Ev::End => {
                    if nest == 0 {
                        return grid.end_row();
                    }
                    nest -= 1;
                }
                Ev::Text(_) => {}
                Ev::Eof => return Err(x.unexpected_eof()),
            }
        }
    }

    /// A table cell, through its End.
    fn cell(&mut self, x: &mut Xml) -> Result<TcData, ReadError> {
        let mut tc = TcData {
            span: 1,
            vmerge: None,
            hmerge_continue: false,
            text: String::new(),
            after: Vec::new(),
        };
        let mut blocks = Vec::new();
        let mut nest = 0usize;
        loop {
            match x.next()? {
                Ev::Start(e) => {
                    let (_, local) = qname(&e);
                    if local == "tcPr" && nest == 0 {
                        self.tcpr(x, &mut tc)?;
                        continue;
                    }
                    if !self.block_start(x, &e, &mut blocks)? {
                        nest += 1;
                    }
                }
                Ev::End => {
                    if nest == 0 {
                        break;
                    }
                    nest -= 1;
                }
                Ev::Text(_) => {}
                Ev::Eof => return Err(x.unexpected_eof()),
            }
        }
        let mut chars = 0usize;
        let mut first = true;
        for b in blocks {
            match b {
                Block::Paragraph(p) => {
                    if !first {
                        tc.text.push('\n');
                    }
                    first = false;
                    let printed = p.printed();
                    chars += printed.chars().count();
                    tc.text.push_str(&printed);
                    if chars > self.limits.max_cell_chars {
                        return Err(ReadError::Limit(format!(
                            "a table cell in {} holds more than {} characters \
                             (Limits::max_cell_chars)",
                            x.part(),
                            self.limits.max_cell_chars
                        )));
                    }
                }
                other => tc.after.push(other),
            }
        }
        if let Some(cap) = self.drop_cap.take() {
            append_text(&mut tc.text, &cap);
        }
        Ok(tc)
    }

    /// `w:tcPr`, through its End.
    fn tcpr(&mut self, x: &mut Xml, tc: &mut TcData) -> Result<(), ReadError> {
        let mut nest = 0usize;
        loop {
            match x.next()? {
                Ev::Start(e) => {
                    let (_, local) = qname(&e);
                    match local {
                        "gridSpan" => {
                            tc.span = val_int(&e)
                                .and_then(|v| usize::try_from(v).ok())
                                .unwrap_or(1)
                                .max(1)
                        }
                        "vMerge" => {
                            tc.vmerge = Some(val(&e).is_some_and(|v| v == "restart"));
                        }
                        "hMerge" => {
                            tc.hmerge_continue = val(&e).is_none_or(|v| v != "restart");
                        }
                        _ => {}
                    }
                    nest += 1;
                }
                Ev::End => {
                    if nest == 0 {
                        return Ok(());
                    }
                    nest -= 1;
                }
                Ev::Text(_) => {}
                Ev::Eof => return Err(x.unexpected_eof()),
            }
        }
    }
}

/// Builds the merged-cell grid of one table, row by row.
struct GridBuilder<'l> {
    limits: &'l Limits,
    part: String,
    grid_cols: usize,
    rows: usize,
    /// Column cursor in the current row.
    cursor: usize,
    /// Widest extent seen.
    cols: usize,
    cells: Vec<Cell>,
    /// Per starting column: the index of the last cell placed there (for vMerge continue).
    column_top: HashMap<usize, usize>,
    /// Index of the last cell placed in the current row (for hMerge continue).
    last_in_row: Option<usize>,
    /// `w:gridAfter` of the current row.
    pending_after: usize,
}

impl<'l> GridBuilder<'l> {
    fn new(limits: &'l Limits, part: &str) -> Self {
        GridBuilder {
            limits,
            part: part.to_string(),
            grid_cols: 0,
            rows: 0,
            cursor: 0,
            cols: 0,
            cells: Vec::new(),
            column_top: HashMap::new(),
            last_in_row: None,
            pending_after: 0,
        }
    }

    fn check(&self, rows: usize, cols: usize) -> Result<(), ReadError> {
        let slots = rows.saturating_mul(cols.max(self.grid_cols));
        if slots > self.limits.max_table_slots {
            return Err(ReadError::Limit(format!(
                "a table in {} has more than {} slots (rows × columns; Limits::max_table_slots)",
                self.part, self.limits.max_table_slots
            )));
        }
        Ok(())
    }

    fn start_row(&mut self) -> Result<(), ReadError> {
        self.rows += 1;
        self.cursor = 0;
        self.last_in_row = None;
        self.check(self.rows, self.cols.max(1))
    }

    fn widen(&mut self, to: usize) -> Result<(), ReadError> {
        self.check(self.rows.max(1), to)?;
        self.cols = self.cols.max(to);
        Ok(())
    }

    fn grid_before(&mut self, n: i64) -> Result<(), ReadError> {
        let n = usize::try_from(n).unwrap_or(0);
        self.cursor = self.cursor.saturating_add(n);
        self.widen(self.cursor)
    }

    fn grid_after(&mut self, n: i64) -> Result<(), ReadError> {
        // gridAfter comes in trPr, before the cells: applied when the row ends.
        self.pending_after = usize::try_from(n).unwrap_or(0);
        Ok(())
    }

    fn end_row(&mut self) -> Result<(), ReadError> {
        let n = std::mem::take(&mut self.pending_after);
        if n > 0 {
            self.widen(self.cursor.saturating_add(n))?;
        }
        Ok(())
    }

    fn place(&mut self, tc: TcData, after: &mut Vec<Block>) -> Result<(), ReadError> {
        after.extend(tc.after);
        let row = self.rows.saturating_sub(1);
        let col = self.cursor;
        let end = col.saturating_add(tc.span);
        self.widen(end)?;
        self.cursor = end;
        if tc.hmerge_continue {
            if let Some(c) = self.last_in_row.and_then(|i| self.cells.get_mut(i)) {
                c.colspan = end - c.col;
                append_text(&mut c.text, &tc.text);
                return Ok(());
            }
        }
        if tc.vmerge == Some(false) {
            if let Some(&i) = self.column_top.get(&col) {
                if let Some(c) = self.cells.get_mut(i) {
                    if c.row + c.rowspan == row {
                        c.rowspan += 1;
                        append_text(&mut c.text, &tc.text);
                        self.last_in_row = Some(i);
                        return Ok(());
                    }
                }
            }
        }
        let i = self.cells.len();
        self.cells.push(Cell {
            row,
            col,
            rowspan: 1,
            colspan: tc.span,
            text: tc.text,
            bbox: None,
            confidence: None,
            page_box: None,
        });
        self.column_top.insert(col, i);
        self.last_in_row = Some(i);
        Ok(())
    }

    fn finish(self) -> Result<Option<TableGrid>, ReadError> {
        if self.rows == 0 {
            return Ok(None);
        }
        let cols = self.cols.max(self.grid_cols);
        let mut cells = self.cells;
        cells.sort_by_key(|c| (c.row, c.col));
        Ok(Some(TableGrid {
            rows: self.rows,
            cols,
            cells,
            origin: TableOrigin::Word,
        }))
    }
}

/// A run's `w:rPr`, through its End: whether the run is hidden text (`w:vanish`).
fn rpr_hidden(x: &mut Xml) -> Result<bool, ReadError> {
    let mut nest = 0usize;
    let mut hidden = false;
    loop {
        match x.next()? {
            Ev::Start(e) => {
                if nest == 0 && qname(&e).1 == "vanish" {
                    hidden = val_bool(&e);
                }
                nest += 1;
            }
            Ev::End => {
                if nest == 0 {
                    return Ok(hidden);
                }
                nest -= 1;
            }
            Ev::Text(_) => {}
            Ev::Eof => return Err(x.unexpected_eof()),
        }
    }
}

fn append_text(dst: &mut String, extra: &str) {
    if extra.is_empty() {
        return;
    }
    if !dst.is_empty() {
        dst.push('\n');
    }
    dst.push_str(extra);
}

/// `w:sym w:char="F06C"` → the character; Symbol-font private-use codes F020–F07E map to ASCII.
fn sym_char(hex: &str) -> Option<char> {
    let cp = u32::from_str_radix(hex.trim(), 16).ok()?;
    if (0xF000..=0xF0FF).contains(&cp) {
        let low = cp - 0xF000;
        if (0x20..0x7F).contains(&low) {
            return char::from_u32(low);
        }
    }
    char::from_u32(cp)
}
