//! numbering.xml: list definitions, counters, and labels rendered as Word prints them.

use rustc_hash::FxHashMap;

use super::super::ReadError;
use super::styles::Styles;
use super::xml::{attr, qname, val, val_bool, val_int, Ev, Xml};

const LEVELS: usize = 9;

#[derive(Debug, Default, Clone)]
pub(crate) struct Level {
    pub start: Option<i64>,
    pub fmt: Option<String>,
    /// `w:numFmt w:format` for `custom` formats (e.g. `001, 002, 003`).
    pub custom: Option<String>,
    pub text: Option<String>,
    pub is_lgl: bool,
    pub restart: Option<i64>,
    /// `w:pStyle`: the paragraph style linked to this level (heading numbering).
    pub style: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct AbstractNum {
    pub levels: [Option<Level>; LEVELS],
    pub num_style_link: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Override {
    pub start: Option<i64>,
    pub level: Option<Level>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Num {
    pub abstract_id: Option<i64>,
    pub overrides: [Option<Override>; LEVELS],
}

#[derive(Debug, Default)]
pub(crate) struct Numbering {
    pub abstracts: FxHashMap<i64, AbstractNum>,
    pub nums: FxHashMap<i64, Num>,
}

impl Numbering {
    pub(crate) fn parse(bytes: &[u8], part: &str, max_depth: usize) -> Result<Self, ReadError> {
        let mut x = Xml::new(bytes, part, max_depth);
        let mut out = Numbering::default();
        let mut stack: Vec<String> = Vec::new();
        let mut abs: Option<(i64, AbstractNum)> = None;
        let mut num: Option<(i64, Num)> = None;
        let mut ovr: Option<(usize, Override)> = None;
        let mut lvl: Option<(usize, Level)> = None;
        loop {
            match x.next()? {
                Ev::Start(e) => {
                    let (_, local) = qname(&e);
                    match local {
                        "abstractNum" => {
                            abs = attr(&e, "abstractNumId")
                                .and_then(|v| v.trim().parse().ok())
                                .map(|id| (id, AbstractNum::default()));
                        }
                        "num" => {
                            num = attr(&e, "numId")
                                .and_then(|v| v.trim().parse().ok())
                                .map(|id| (id, Num::default()));
                        }
                        "abstractNumId" => {
                            if let Some((_, n)) = num.as_mut() {
                                n.abstract_id = val_int(&e);
                            }
                        }
                        "numStyleLink" => {
                            if let Some((_, a)) = abs.as_mut() {
                                a.num_style_link = val(&e);
                            }
                        }
                        "lvlOverride" => {
                            ovr = ilvl_of(&e).map(|i| (i, Override::default()));
                        }
                        "startOverride" => {
                            if let Some((_, o)) = ovr.as_mut() {
                                o.start = val_int(&e);
                            }
                        }
                        "lvl" => lvl = ilvl_of(&e).map(|i| (i, Level::default())),
                        "start" | "numFmt" | "lvlText" | "isLgl" | "lvlRestart" | "pStyle" => {
                            if let Some((_, l)) = lvl.as_mut() {
                                match local {
                                    "start" => l.start = val_int(&e),
                                    "numFmt" => {
                                        l.fmt = val(&e);
                                        l.custom = attr(&e, "format");
                                    }
                                    "lvlText" => l.text = Some(val(&e).unwrap_or_default()),
                                    "isLgl" => l.is_lgl = val_bool(&e),
                                    "pStyle" => l.style = val(&e),
                                    _ => l.restart = val_int(&e),
                                }
                            }
                        }
                        _ => {}
                    }
                    stack.push(local.to_string());
                }
                Ev::End => match stack.pop().as_deref() {
                    Some("lvl") => {
                        if let Some((i, l)) = lvl.take() {
                            if let Some((_, o)) = ovr.as_mut() {
                                o.level = Some(l);
                            } else if let Some((_, a)) = abs.as_mut() {
                                if let Some(slot) = a.levels.get_mut(i) {
                                    *slot = Some(l);
                                }
                            }
                        }
                    }
                    Some("lvlOverride") => {
                        if let (Some((i, o)), Some((_, n))) = (ovr.take(), num.as_mut()) {
                            if let Some(slot) = n.overrides.get_mut(i) {
                                *slot = Some(o);
                            }
                        }
                    }
                    Some("abstractNum") => {
                        if let Some((id, a)) = abs.take() {
                            out.abstracts.entry(id).or_insert(a);
                        }
                    }
                    Some("num") => {
                        if let Some((id, n)) = num.take() {
                            out.nums.entry(id).or_insert(n);
                        }
                    }
                    _ => {}
                },
                Ev::Text(_) => {}
                Ev::Eof => break,
            }
        }
        Ok(out)
    }

    /// The abstract definition (and its id) behind a num, following numStyleLink through a
    /// numbering style.
    fn abstract_for(&self, num_id: i64, styles: &Styles) -> Option<(i64, &AbstractNum)> {
        let mut id = self.nums.get(&num_id)?.abstract_id?;
        let mut a = self.abstracts.get(&id)?;
        for _ in 0..8 {
            let Some(link) = a.num_style_link.as_deref() else {
                break;
            };
            let linked = styles
                .num_id_of(link)
                .and_then(|n| self.nums.get(&n))
                .and_then(|n| n.abstract_id)
                .and_then(|i| Some((i, self.abstracts.get(&i)?)));
            match linked {
                Some((i, l)) if i != id => {
                    id = i;
                    a = l;
                }
                _ => break,
            }
        }
        Some((id, a))
    }

    /// The level of `num_id` linked to paragraph style `style` (`w:lvl/w:pStyle`), if any.
    pub(crate) fn level_of_style(&self, num_id: i64, style: &str, styles: &Styles) -> Option<i64> {
        let (_, a) = self.abstract_for(num_id, styles)?;
        a.levels
            .iter()
            .position(|l| {
                l.as_ref()
                    .and_then(|l| l.style.as_deref())
                    .is_some_and(|s| s == style)
            })
            .map(|i| i as i64)
    }

    /// The effective level definition of `ilvl` in `num_id`, its start value, and the num's
    /// `w:startOverride` for that level.
    fn level(
        &self,
        num_id: i64,
        ilvl: usize,
        styles: &Styles,
    ) -> Option<(&Level, i64, Option<i64>)> {
        let num = self.nums.get(&num_id)?;
        let ovr = num.overrides.get(ilvl).and_then(|o| o.as_ref());
        let level = match ovr.and_then(|o| o.level.as_ref()) {
            Some(l) => l,
            None => self
                .abstract_for(num_id, styles)
                .and_then(|(_, a)| a.levels.get(ilvl))
                .and_then(|l| l.as_ref())?,
        };
        let start_override = ovr.and_then(|o| o.start).or_else(|| {
            // A full w:lvl override restarts the level at its own start.
            ovr.and_then(|o| o.level.as_ref())
                .map(|l| l.start.unwrap_or(1))
        });
        let start = start_override.or(level.start).unwrap_or(1);
        Some((level, start, start_override))
    }
}

fn ilvl_of(e: &quick_xml::events::BytesStart) -> Option<usize> {
    attr(e, "ilvl")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&i| i < LEVELS)
}

static DEFAULT_LEVEL: Level = Level {
    start: None,
    fmt: None,
    custom: None,
    text: None,
    is_lgl: false,
    restart: None,
    style: None,
};

/// List counters of one story.
///
/// As Word prints them: the nums that share an abstract definition share its counters (a list
/// continues across them), and a num with `w:startOverride` restarts the level the first time a
/// paragraph uses it.
#[derive(Default)]
pub(crate) struct Counters {
    by_abstract: FxHashMap<i64, [Option<i64>; LEVELS]>,
    /// (numId, ilvl) pairs already used, for one-time start overrides.
    used: std::collections::HashSet<(i64, usize)>,
}

impl Counters {
    /// Advances the counter of (num_id, ilvl) and renders the label Word prints, or `None`
    /// (numId 0, undefined list, or an empty label). Unknown formats are reported in `warn`.
    pub(crate) fn label(
        &mut self,
        numbering: &Numbering,
        styles: &Styles,
        num_id: i64,
        ilvl: i64,
        warn: &mut dyn FnMut(String),
    ) -> Option<String> {
        if num_id <= 0 {
            return None;
        }
        let ilvl = usize::try_from(ilvl)
            .ok()
            .filter(|&i| i < LEVELS)
            .unwrap_or(0);
        let (Some((level, start, start_override)), Some((abs_id, _))) = (
            numbering.level(num_id, ilvl, styles),
            numbering.abstract_for(num_id, styles),
        ) else {
            warn(format!(
                "paragraph refers to list numId {num_id} level {ilvl}, which numbering.xml does not define"
            ));
            return None;
        };
        let first_use = self.used.insert((num_id, ilvl));
        let counters = self.by_abstract.entry(abs_id).or_insert([None; LEVELS]);
        let value = match (counters.get(ilvl).copied().flatten(), start_override) {
            (_, Some(s)) if first_use => s,
            (Some(v), _) => v.saturating_add(1),
            (None, _) => start,
        };
        if let Some(slot) = counters.get_mut(ilvl) {
            *slot = Some(value);
        }
        // Deeper levels restart unless their lvlRestart says otherwise.
        for (d, slot) in counters.iter_mut().enumerate().skip(ilvl + 1) {
            if slot.is_none() {
                continue;
            }
            let restart = numbering
                .level(num_id, d, styles)
                .and_then(|(l, _, _)| l.restart);
            let reset = match restart {
                None => true,
                Some(0) => false,
                Some(n) => (ilvl as i64) < n,
            };
            if reset {
                *slot = None;
            }
        }
        let snapshot = *counters;
        let text = level.text.as_deref().unwrap_or_default();
        let fmt = level.fmt.as_deref().unwrap_or("decimal");
        if fmt == "bullet" {
            return Some(bullet_text(text)).filter(|t| !t.is_empty());
        }
        let mut out = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%' {
                if let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    chars.next();
                    let k = (d as usize).saturating_sub(1);
                    if d == 0 || k >= LEVELS {
                        continue;
                    }
                    let (klevel, kstart) = if k == ilvl {
                        (level, start)
                    } else {
                        numbering
                            .level(num_id, k, styles)
                            .map(|(l, s, _)| (l, s))
                            .unwrap_or((&DEFAULT_LEVEL, 1))
                    };
                    let v = if k == ilvl {
                        value
                    } else {
                        snapshot.get(k).copied().flatten().unwrap_or(kstart)
                    };
                    let kfmt = if level.is_lgl {
                        "decimal"
                    } else {
                        klevel.fmt.as_deref().unwrap_or("decimal")
                    };
                    match format_number(v, kfmt, klevel.custom.as_deref()) {
                        Some(s) => out.push_str(&s),
                        None => {
                            warn(format!(
                                "list number format {kfmt} is not supported; printed as decimal"
                            ));
                            out.push_str(&v.to_string());
                        }
                    }
                    continue;
                }
            }
            out.push(c);
        }
        Some(out).filter(|t| !t.is_empty())
    }
}

/// Formats a list number; `None` for an unknown format.
pub(crate) fn format_number(n: i64, fmt: &str, custom: Option<&str>) -> Option<String> {
    let s = match fmt {
        "decimal" | "decimalHalfWidth" => n.to_string(),
        "none" => String::new(),
        "decimalZero" => {
            if (0..10).contains(&n) {
                format!("0{n}")
            } else {
                n.to_string()
            }
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0xFF10 + d).unwrap_or(c),
                None => c,
            })
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => enclosed_circle(n),
        "decimalEnclosedParen" => enclosed(n, 0x2474),
        "decimalEnclosedFullstop" => enclosed(n, 0x2488),
        "chineseCounting"
        | "chineseCountingThousand"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseCounting"
        | "koreanCounting" => chinese(n, &SIMPLE_DIGITS, &SIMPLE_UNITS, false),
        "chineseLegalSimplified" => chinese(n, &LEGAL_DIGITS, &LEGAL_UNITS, true),
        "ideographLegalTraditional" => chinese(n, &LEGAL_TRAD_DIGITS, &LEGAL_TRAD_UNITS, true),
        "ideographTraditional" => cyclic(
            n,
            &['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'],
        ),
        "ideographZodiac" => cyclic(
            n,
            &[
                '子', '丑', '寅', '卯', '辰', '巳', '午', '未', '申', '酉', '戌', '亥',
            ],
        ),
        "ideographDigital" | "taiwaneseDigital" | "chineseDigital" => n
            .to_string()
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(0) => '〇',
                Some(d) => SIMPLE_DIGITS[d as usize],
                None => c,
            })
            .collect(),
        "upperLetter" => letters(n, b'A'),
        "lowerLetter" => letters(n, b'a'),
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        "ordinal" | "cardinalText" | "ordinalText" => n.to_string(),
        "custom" => {
            let width = custom
                .map(|c| {
                    c.split([',', '，'])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_digit())
                        .count()
                })
                .unwrap_or(0);
            format!("{n:0width$}")
        }
        _ => return None,
    };
    Some(s)
}

const SIMPLE_DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const SIMPLE_UNITS: [char; 4] = ['十', '百', '千', '万'];
const LEGAL_DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const LEGAL_UNITS: [char; 4] = ['拾', '佰', '仟', '万'];
const LEGAL_TRAD_DIGITS: [char; 10] = ['零', '壹', '貳', '參', '肆', '伍', '陸', '柒', '捌', '玖'];
const LEGAL_TRAD_UNITS: [char; 4] = ['拾', '佰', '仟', '萬'];

/// Chinese counting: 一 … 十, 十一, 二十, 一百零一, 一千零一十; 10–19 as 十X unless `legal`.
fn chinese(n: i64, digits: &[char; 10], units: &[char; 4], legal: bool) -> String {
    if n <= 0 {
        return if n == 0 {
            digits[0].to_string()
        } else {
            n.to_string()
        };
    }
    if n >= 100_000_000 {
        return n.to_string();
    }
    let mut out = String::new();
    let high = n / 10_000;
    let low = n % 10_000;
    if high > 0 {
        out.push_str(&below_10k(high, digits, units, legal, true));
        out.push(units[3]);
        if low > 0 && low < 1000 {
            out.push(digits[0]);
        }
    }
    if low > 0 {
        out.push_str(&below_10k(low, digits, units, legal || high > 0, high == 0));
    }
    out
}

fn below_10k(n: i64, digits: &[char; 10], units: &[char; 4], legal: bool, leading: bool) -> String {
    let ds = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let unit = [Some(units[2]), Some(units[1]), Some(units[0]), None];
    let mut out = String::new();
    let mut zero_pending = false;
    let mut started = false;
    for (i, &d) in ds.iter().enumerate() {
        if d == 0 {
            if started {
                zero_pending = true;
            }
            continue;
        }
        if zero_pending {
            out.push(digits[0]);
            zero_pending = false;
        }
        // 十一 rather than 一十一 when the number starts at the tens.
        let skip_one = i == 2 && d == 1 && !started && leading && !legal;
        if !skip_one {
            out.push(digits[d as usize]);
        }
        if let Some(u) = unit[i] {
            out.push(u);
        }
        started = true;
    }
    out
}

fn cyclic(n: i64, set: &[char]) -> String {
    if n <= 0 {
        return n.to_string();
    }
    let len = set.len() as i64;
    set.get(((n - 1) % len) as usize)
        .map(|c| c.to_string())
        .unwrap_or_default()
}

fn enclosed_circle(n: i64) -> String {
    let cp = match n {
        1..=20 => 0x2460 + (n - 1) as u32,
        21..=35 => 0x3251 + (n - 21) as u32,
        36..=50 => 0x32B1 + (n - 36) as u32,
        _ => return n.to_string(),
    };
    char::from_u32(cp)
        .map(String::from)
        .unwrap_or_else(|| n.to_string())
}

fn enclosed(n: i64, base: u32) -> String {
    match n {
        1..=20 => char::from_u32(base + (n - 1) as u32)
            .map(String::from)
            .unwrap_or_else(|| n.to_string()),
        _ => n.to_string(),
    }
}

/// A … Z, AA … ZZ, AAA … (Word repeats the letter).
fn letters(n: i64, base: u8) -> String {
    if n <= 0 || n > 780 {
        return n.to_string();
    }
    let i = ((n - 1) % 26) as u8;
    let count = ((n - 1) / 26 + 1) as usize;
    std::iter::repeat_n((base + i) as char, count).collect()
}

fn roman(n: i64) -> String {
    if n <= 0 || n >= 4000 {
        return n.to_string();
    }
    const TABLE: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// Bullet text as printed: Symbol/Wingdings private-use codes (U+F0xx) become the glyph they
/// show — the common bullets by table, printable ASCII by dropping the 0xF000 offset.
pub(crate) fn bullet_text(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0xF0B7 => '•',
            0xF0A7 => '▪',
            0xF06C => '●',
            0xF06E => '■',
            0xF075 => '◆',
            0xF076 => '❖',
            0xF0D8 => '➢',
            0xF0FC => '✓',
            0xF0A8 => '□',
            0xF06F => '□',
            cp @ 0xF020..=0xF07E => char::from_u32(cp - 0xF000).unwrap_or(c),
            _ => c,
        })
        .collect()
}
