//! styles.xml: style id → name, basedOn chain, outline level and numbering properties.

use rustc_hash::FxHashMap;

use super::super::ReadError;
use super::xml::{attr, qname, val, val_int, Ev, Xml};

#[derive(Debug, Default, Clone)]
pub(crate) struct Style {
    pub name: Option<String>,
    pub based_on: Option<String>,
    pub outline_level: Option<i64>,
    pub num_id: Option<i64>,
    pub ilvl: Option<i64>,
    /// Outline level implied by a `heading N` / `标题 N` name.
    pub heading: Option<u8>,
}

#[derive(Debug, Default)]
pub(crate) struct Styles {
    pub by_id: FxHashMap<String, Style>,
    /// The default paragraph style's id.
    pub default_paragraph: Option<String>,
    /// [`Styles::outline_level`] and [`Styles::numbering`] of the default paragraph style, looked
    /// up once: most paragraphs (every table cell's) name no style of their own.
    default_outline: Option<u8>,
    default_numbering: (Option<i64>, Option<i64>),
}

/// Hops followed along a basedOn chain before giving up (cycles, hostile files).
const MAX_CHAIN: usize = 32;

impl Styles {
    pub(crate) fn parse(bytes: &[u8], part: &str, max_depth: usize) -> Result<Styles, ReadError> {
        let mut x = Xml::new(bytes, part, max_depth);
        let mut out = Styles::default();
        let mut cur: Option<(String, Style)> = None;
        // Whether each open element is a `w:style` (only a style's own children are read).
        let mut stack: Vec<bool> = Vec::new();
        loop {
            match x.next()? {
                Ev::Start(e) => {
                    let (_, local) = qname(&e);
                    match local {
                        // Hundreds of `w:lsdException`s in most real styles parts, none of them
                        // a style: passed over without their events.
                        "latentStyles" => {
                            x.skip()?;
                            continue;
                        }
                        "style" => {
                            let id = attr(&e, "styleId").unwrap_or_default();
                            let is_paragraph = attr(&e, "type").is_none_or(|t| t == "paragraph");
                            if is_paragraph
                                && attr(&e, "default").is_some_and(|d| d == "1" || d == "true")
                            {
                                out.default_paragraph = Some(id.clone());
                            }
                            cur = Some((id, Style::default()));
                        }
                        "name" if stack.last() == Some(&true) => {
                            if let Some((_, s)) = cur.as_mut() {
                                s.name = val(&e);
                                s.heading = s.name.as_deref().and_then(heading_number);
                            }
                        }
                        "basedOn" if stack.last() == Some(&true) => {
                            if let Some((_, s)) = cur.as_mut() {
                                s.based_on = val(&e);
                            }
                        }
                        "outlineLvl" => {
                            if let Some((_, s)) = cur.as_mut() {
                                s.outline_level = val_int(&e);
                            }
                        }
                        "numId" => {
                            if let Some((_, s)) = cur.as_mut() {
                                s.num_id = val_int(&e);
                            }
                        }
                        "ilvl" => {
                            if let Some((_, s)) = cur.as_mut() {
                                s.ilvl = val_int(&e);
                            }
                        }
                        _ => {}
                    }
                    stack.push(local == "style");
                }
                Ev::End => {
                    if stack.pop() == Some(true) {
                        if let Some((id, s)) = cur.take() {
                            out.by_id.entry(id).or_insert(s);
                        }
                    }
                }
                Ev::Text(_) => {}
                Ev::Eof => break,
            }
        }
        if let Some(id) = out.default_paragraph.as_deref() {
            out.default_outline = out.outline_level(id);
            out.default_numbering = out.numbering(id);
        }
        Ok(out)
    }

    /// [`Styles::outline_level`] of a paragraph's style, or of the default style when it names none.
    pub(crate) fn outline_level_or_default(&self, id: Option<&str>) -> Option<u8> {
        match id {
            Some(id) => self.outline_level(id),
            None => self.default_outline,
        }
    }

    /// [`Styles::numbering`] of a paragraph's style, or of the default style when it names none.
    pub(crate) fn numbering_or_default(&self, id: Option<&str>) -> (Option<i64>, Option<i64>) {
        match id {
            Some(id) => self.numbering(id),
            None => self.default_numbering,
        }
    }

    /// The style and its ancestors, nearest first.
    fn chain<'s>(&'s self, id: &str) -> impl Iterator<Item = &'s Style> + 's {
        let mut next = self.by_id.get(id);
        let mut hops = 0;
        std::iter::from_fn(move || {
            let s = next?;
            hops += 1;
            next = if hops >= MAX_CHAIN {
                None
            } else {
                s.based_on.as_deref().and_then(|b| self.by_id.get(b))
            };
            Some(s)
        })
    }

    pub(crate) fn name(&self, id: &str) -> Option<&str> {
        self.by_id.get(id).and_then(|s| s.name.as_deref())
    }

    /// Outline level 0–8 from the chain, or from a `heading N` / `标题 N` name.
    pub(crate) fn outline_level(&self, id: &str) -> Option<u8> {
        for s in self.chain(id) {
            if let Some(l) = s.outline_level {
                return level(l);
            }
            if let Some(n) = s.heading {
                return Some(n);
            }
        }
        None
    }

    /// (numId, ilvl) from the chain: each found independently, nearest wins.
    pub(crate) fn numbering(&self, id: &str) -> (Option<i64>, Option<i64>) {
        let mut num = None;
        let mut ilvl = None;
        for s in self.chain(id) {
            if num.is_none() {
                num = s.num_id;
            }
            if ilvl.is_none() {
                ilvl = s.ilvl;
            }
        }
        (num, ilvl)
    }

    /// The numId a numbering style (`w:numStyleLink` target) points at.
    pub(crate) fn num_id_of(&self, id: &str) -> Option<i64> {
        self.chain(id).find_map(|s| s.num_id)
    }
}

/// An outline level value 0–8; 9 (and anything else) means body text.
pub(crate) fn level(l: i64) -> Option<u8> {
    if (0..=8).contains(&l) {
        Some(l as u8)
    } else {
        None
    }
}

/// `heading 3` / `Heading 3` / `标题 3` / `标题3` → 2.
fn heading_number(name: &str) -> Option<u8> {
    let lower = name.trim().to_lowercase();
    let rest = lower
        .strip_prefix("heading")
        .or_else(|| lower.strip_prefix("标题"))?;
    let n: u8 = rest.trim().parse().ok()?;
    if (1..=9).contains(&n) {
        Some(n - 1)
    } else {
        None
    }
}
