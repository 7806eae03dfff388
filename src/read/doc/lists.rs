//! List numbering: the LST/LVL definitions (PlfLst) and the list overrides (PlfLfo) → the label
//! Word prints before a numbered paragraph (`一、`, `（二）`, `3.`), counted as Word counts.

use super::ole::{i32_at, u16_at, u32_at};
use crate::read::docx::numbering::format_number;

#[derive(Debug, Clone, Default)]
struct Level {
    start: i64,
    /// Number format as the OOXML name (`decimal`, `chineseCounting`, …).
    format: &'static str,
    /// The level text: literal characters and level placeholders 0–8.
    text: Vec<u16>,
    legal: bool,
    /// Whether this level restarts after a higher level (fNoRestart clear).
    restart: bool,
}

#[derive(Debug, Clone, Default)]
struct List {
    lsid: i32,
    levels: Vec<Level>,
}

/// An LFO: which list, with per-level start overrides.
#[derive(Debug, Clone, Default)]
struct Override {
    lsid: i32,
    starts: Vec<(u8, i64)>,
}

#[derive(Debug, Default)]
pub(super) struct Lists {
    lists: Vec<List>,
    overrides: Vec<Override>,
    /// Current counters per list, by level.
    counters: std::collections::HashMap<i32, [i64; 9]>,
    started: std::collections::HashMap<i32, [bool; 9]>,
}

impl Lists {
    /// `lst` is the table stream from the PlfLst on: the LVLs follow the PlfLst outside the
    /// length the FIB gives for it.
    pub fn parse(lst: Option<&[u8]>, lfo: Option<&[u8]>) -> Lists {
        let mut out = Lists::default();
        if let Some(lst) = lst {
            let n = (u16_at(lst, 0).unwrap_or(0) as usize).min(lst.len() / 28);
            let mut lvl_at = 2 + 28 * n;
            for i in 0..n {
                let lstf = 2 + 28 * i;
                let lsid = i32_at(lst, lstf).unwrap_or(0);
                let flags = lst.get(lstf + 26).copied().unwrap_or(0);
                let count = if flags & 1 != 0 { 1 } else { 9 };
                let mut levels = Vec::with_capacity(count);
                for _ in 0..count {
                    let Some((level, next)) = parse_lvl(lst, lvl_at) else {
                        break;
                    };
                    levels.push(level);
                    lvl_at = next;
                }
                out.lists.push(List { lsid, levels });
            }
        }
        if let Some(lfo) = lfo {
            let n = (u32_at(lfo, 0).unwrap_or(0) as usize).min(lfo.len() / 16);
            let mut data_at = 4 + 16 * n;
            for i in 0..n {
                let at = 4 + 16 * i;
                let lsid = i32_at(lfo, at).unwrap_or(0);
                let clfolvl = lfo.get(at + 12).copied().unwrap_or(0) as usize;
                let mut ov = Override {
                    lsid,
                    starts: Vec::new(),
                };
                // LFOData: cp, then clfolvl LFOLVLs (iStartAt, flags; an LVL if fFormatting).
                data_at += 4;
                for _ in 0..clfolvl {
                    let start = i32_at(lfo, data_at).unwrap_or(0);
                    let flags = lfo.get(data_at + 4).copied().unwrap_or(0);
                    data_at += 8;
                    let ilvl = flags & 0x0F;
                    if flags & 0x20 != 0 {
                        // fFormatting: a whole LVL follows; its start counts.
                        if let Some((level, next)) = parse_lvl(lfo, data_at) {
                            ov.starts.push((ilvl, level.start));
                            data_at = next;
                        }
                    } else if flags & 0x10 != 0 {
                        ov.starts.push((ilvl, i64::from(start)));
                    }
                }
                out.overrides.push(ov);
            }
        }
        out
    }

    /// The label of a paragraph in list `ilfo` (1-based) at `ilvl`, advancing the counters.
    pub fn label(&mut self, ilfo: u16, ilvl: u8) -> Option<String> {
        let ov = self
            .overrides
            .get(usize::from(ilfo).checked_sub(1)?)?
            .clone();
        let list = self.lists.iter().find(|l| l.lsid == ov.lsid)?;
        let ilvl = (ilvl as usize).min(list.levels.len().checked_sub(1)?);
        let levels = list.levels.clone();
        let start_of = |l: usize| {
            ov.starts
                .iter()
                .find(|(i, _)| *i as usize == l)
                .map(|&(_, s)| s)
                .unwrap_or(levels[l].start)
        };
        let counters = self.counters.entry(ov.lsid).or_insert([0; 9]);
        let started = self.started.entry(ov.lsid).or_insert([false; 9]);
        counters[ilvl] = if started[ilvl] {
            counters[ilvl] + 1
        } else {
            start_of(ilvl)
        };
        started[ilvl] = true;
        for deeper in ilvl + 1..levels.len().min(9) {
            if levels[deeper].restart {
                started[deeper] = false;
            }
        }
        let level = &levels[ilvl];
        let mut out = String::new();
        for &u in &level.text {
            if u < 9 {
                let l = u as usize;
                let n = if started[l] {
                    counters[l]
                } else {
                    start_of(l.min(levels.len() - 1))
                };
                let fmt = if level.legal {
                    "decimal"
                } else {
                    levels.get(l)?.format
                };
                out.push_str(&format_number(n, fmt, None)?);
            } else {
                out.push(char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}'));
            }
        }
        (!out.is_empty() && level.format != "bullet").then_some(out)
    }
}

/// One LVL at `at`: LVLF (28 bytes), grpprlPapx, grpprlChpx, then the number text (Xst).
fn parse_lvl(b: &[u8], at: usize) -> Option<(Level, usize)> {
    let start = i64::from(i32_at(b, at)?);
    let nfc = *b.get(at + 4)?;
    let flags = *b.get(at + 5)?;
    let cb_chpx = *b.get(at + 24)? as usize;
    let cb_papx = *b.get(at + 25)? as usize;
    let xst = at + 28 + cb_papx + cb_chpx;
    let cch = u16_at(b, xst)? as usize;
    let text = b
        .get(xst + 2..xst + 2 + 2 * cch)?
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    Some((
        Level {
            start,
            format: nfc_name(nfc),
            text,
            legal: flags & 0x04 != 0,
            restart: flags & 0x08 == 0,
        },
        xst + 2 + 2 * cch,
    ))
}

/// MSONFC number format codes → the OOXML names the .docx reader formats.
fn nfc_name(nfc: u8) -> &'static str {
    match nfc {
        0 => "decimal",
        1 => "upperRoman",
        2 => "lowerRoman",
        3 => "upperLetter",
        4 => "lowerLetter",
        5 => "ordinal",
        6 => "cardinalText",
        7 => "ordinalText",
        10 | 11 | 33 | 34 | 37 | 39 => "chineseCounting",
        14 | 19 => "decimalFullWidth",
        16 | 35 | 40 => "ideographDigital",
        18 => "decimalEnclosedCircle",
        22 => "decimalZero",
        23 => "bullet",
        26 => "decimalEnclosedFullstop",
        27 => "decimalEnclosedParen",
        28 | 29 => "decimalEnclosedCircleChinese",
        30 => "ideographTraditional",
        31 => "ideographZodiac",
        36 => "ideographLegalTraditional",
        38 => "chineseLegalSimplified",
        255 => "none",
        _ => "decimal",
    }
}
