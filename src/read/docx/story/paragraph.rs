//! Paragraphs: runs, fields, note marks, symbols and hidden text → one `Paragraph` with its
//! list label, style and outline level, plus the blocks it anchors (text boxes, pictures).

use quick_xml::events::BytesStart;

use super::super::styles;
use super::super::xml::{attr, attr_ref, qname, rel_attr, val, val_bool, val_int, Ev, Xml};
use super::Story;
use crate::model::{Block, Paragraph};
use crate::read::ReadError;

/// Paragraph properties as read from `w:pPr`.
#[derive(Default)]
struct PProps {
    style: Option<String>,
    num_id: Option<i64>,
    ilvl: Option<i64>,
    outline: Option<i64>,
    drop_cap: bool,
}

impl Story<'_> {
    /// A paragraph, through its End. Pushes the paragraph itself onto `out` and returns the
    /// blocks it anchors (text boxes, pictures), which follow it.
    pub(super) fn paragraph(
        &mut self,
        x: &mut Xml,
        out: &mut Vec<Block>,
    ) -> Result<Vec<Block>, ReadError> {
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
                "fldChar" => match attr_ref(&e, "fldCharType").as_deref() {
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
        let outline_level = match props.outline {
            Some(l) => styles::level(l),
            None => self.styles.outline_level_or_default(props.style.as_deref()),
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
        let (s_num, s_ilvl) = self.styles.numbering_or_default(props.style.as_deref());
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
        // `rPr`, `sectPr` and `tabs` are passed over with what they hold (empty, nothing).
        let mut property = |e: &BytesStart| match qname(e).1 {
            "pStyle" => props.style = val(e),
            "numId" => props.num_id = val_int(e),
            "ilvl" => props.ilvl = val_int(e),
            "outlineLvl" => props.outline = val_int(e),
            "framePr" => props.drop_cap = attr_ref(e, "dropCap").is_some_and(|v| v != "none"),
            _ => {}
        };
        if x.flat_children(&mut property)? {
            return Ok(());
        }
        x.each_start(|x, e, _| {
            if matches!(qname(&e).1, "rPr" | "sectPr" | "tabs") {
                x.skip()?;
                return Ok(true);
            }
            property(&e);
            Ok(false)
        })
    }
}

/// A run's `w:rPr`, through its End: whether the run is hidden text (`w:vanish`).
fn rpr_hidden(x: &mut Xml) -> Result<bool, ReadError> {
    let mut hidden = false;
    if x.flat_children(|e| {
        if qname(e).1 == "vanish" {
            hidden = val_bool(e);
        }
    })? {
        return Ok(hidden);
    }
    x.each_start(|_, e, nest| {
        if nest == 0 && qname(&e).1 == "vanish" {
            hidden = val_bool(&e);
        }
        Ok(false)
    })?;
    Ok(hidden)
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
