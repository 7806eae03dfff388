//! The style sheet (STSH): each style's name, base style, outline level and list numbering, so
//! a paragraph in `heading 1` reads as a heading and a style that carries numbering gets its label.

use super::ole::u16_at;
use super::props::ParaProps;

#[derive(Debug, Clone, Default)]
struct Style {
    name: Option<String>,
    base: Option<u16>,
    /// The style's own paragraph properties (its PAPX UPX).
    props: ParaProps,
    /// Built-in heading level from the style identifier (sti 1–9 = heading 1–9).
    heading: Option<u8>,
}

#[derive(Debug, Default)]
pub(super) struct Styles {
    styles: Vec<Style>,
}

impl Styles {
    pub fn parse(stsh: &[u8]) -> Styles {
        let Some(cb_stshi) = u16_at(stsh, 0) else {
            return Styles::default();
        };
        let stshi = 2usize;
        let cstd = u16_at(stsh, stshi).unwrap_or(0) as usize;
        let cb_base = u16_at(stsh, stshi + 2).unwrap_or(10) as usize;
        let mut at = 2 + cb_stshi as usize;
        let mut styles = Vec::with_capacity(cstd);
        for _ in 0..cstd {
            let Some(cb) = u16_at(stsh, at) else { break };
            let std = stsh.get(at + 2..at + 2 + cb as usize).unwrap_or_default();
            at += 2 + cb as usize;
            styles.push(parse_std(std, cb_base));
        }
        Styles { styles }
    }

    /// The style's name (built-in headings as `heading N`, like Word's English names).
    pub fn name(&self, istd: u16) -> Option<String> {
        let s = self.styles.get(istd as usize)?;
        match s.heading {
            Some(n) => Some(format!("heading {n}")),
            None => s.name.clone(),
        }
    }

    /// Outline level and list (ilfo, ilvl) through the base-style chain.
    pub fn inherited(&self, istd: u16) -> (Option<u8>, Option<u16>, Option<u8>) {
        let (mut outline, mut ilfo, mut ilvl) = (None, None, None);
        let mut cur = Some(istd);
        for _ in 0..16 {
            let Some(s) = cur.and_then(|i| self.styles.get(i as usize)) else {
                break;
            };
            outline = outline.or(s.props.outline).or(s.heading.map(|n| n - 1));
            ilfo = ilfo.or(s.props.ilfo);
            ilvl = ilvl.or(s.props.ilvl);
            cur = s.base;
        }
        (outline, ilfo, ilvl)
    }
}

fn parse_std(std: &[u8], cb_base: usize) -> Style {
    if std.len() < 10 {
        return Style::default();
    }
    let sti = u16_at(std, 0).unwrap_or(0) & 0x0FFF;
    let w2 = u16_at(std, 2).unwrap_or(0);
    let stk = w2 & 0x000F;
    let base = w2 >> 4;
    let cch = u16_at(std, cb_base).unwrap_or(0) as usize;
    let name_bytes = std
        .get(cb_base + 2..cb_base + 2 + 2 * cch)
        .unwrap_or_default();
    let name = String::from_utf16_lossy(
        &name_bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect::<Vec<_>>(),
    );
    let mut props = ParaProps::default();
    // The UPXs follow the name and its terminating zero, each starting at an even offset.
    let mut upx = cb_base + 2 + 2 * cch + 2;
    upx += upx % 2;
    if stk == 1 {
        if let Some(cb) = u16_at(std, upx) {
            if let Some(papx) = std.get(upx + 2..upx + 2 + cb as usize) {
                props.apply(papx.get(2..).unwrap_or_default());
            }
        }
    }
    Style {
        name: (!name.is_empty()).then_some(name),
        base: (base != 0x0FFF).then_some(base),
        props,
        heading: (1..=9).contains(&sti).then_some(sti as u8),
    }
}
