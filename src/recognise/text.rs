//! Shared text helpers: body lines, width folding, label normalisation, Chinese numerals,
//! edit distance. Every other recogniser module uses these instead of its own copies.

use crate::model::{Block, Document};

/// Printed paragraphs of the body, in reading order.
pub fn body_lines(doc: &Document) -> Vec<String> {
    doc.body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.printed()),
            _ => None,
        })
        .collect()
}

/// Printed paragraphs of the page furniture (headers, footers), in order.
pub fn furniture_lines(doc: &Document) -> Vec<String> {
    doc.furniture
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.printed()),
            _ => None,
        })
        .collect()
}

/// Folds one character: full-width ASCII forms to ASCII, ideographic space to a space,
/// the common dash and bracket variants to their ASCII forms.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' => ' ',
        '〔' | '【' | '〖' => '[',
        '〕' | '】' | '〗' => ']',
        '—' | '–' | '‐' | '‑' | '‒' | '―' | '─' | '−' => '-',
        _ => c,
    }
}

/// Folds every character with [`fold_char`] (keeps whitespace).
pub fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Whitespace in the Unicode sense plus the zero-width characters Word leaves behind.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}')
}

/// Folds and removes all whitespace (incl. `\n` and the full-width space).
pub fn compact(s: &str) -> String {
    // Reserved at once: collecting grew the string three or four times per call.
    let mut out = String::with_capacity(s.len());
    // Runs of characters that stay as they are (nearly all of a Chinese text) are copied as
    // bytes; only an ASCII space or a character whose first byte may start a folded or space
    // character is looked at (see `may_fold_or_space`).
    let bytes = s.as_bytes();
    let mut kept = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b == b' ' || (0x09..=0x0D).contains(&b) {
                out.push_str(&s[kept..i]);
                kept = i + 1;
            }
            i += 1;
        } else if !may_fold_or_space(b) {
            i += if b >= 0xF0 {
                4
            } else if b >= 0xE0 {
                3
            } else {
                2
            };
        } else {
            let c = s[i..].chars().next().unwrap_or_default();
            let folded = fold_char(c);
            let next = i + c.len_utf8();
            if folded != c || is_space(folded) {
                out.push_str(&s[kept..i]);
                if !is_space(folded) {
                    out.push(folded);
                }
                kept = next;
            }
            i = next;
        }
    }
    out.push_str(&s[kept..]);
    out
}

/// Whether a non-ASCII character whose UTF-8 encoding starts with `lead` may be changed by
/// [`fold_char`] or be [`is_space`]: U+0080–U+00BF (NEL, no-break space), U+1000–U+1FFF (the
/// Ogham space), U+2000–U+2FFF (spaces, dashes, box-drawing), U+3000–U+3FFF (ideographic space,
/// brackets), U+F000–U+FFFF (full-width forms, BOM). A test checks every other character.
fn may_fold_or_space(lead: u8) -> bool {
    matches!(lead, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
}

/// Normalises a table label for matching: [`compact`], quotes dropped, `1、`/`1．` → `1.`,
/// `、` after a Chinese numeral kept (that is a section number, `一、`).
pub fn normalise_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalise_label_into(s, &mut out);
    out
}

/// [`normalise_label`] appended to `out`.
pub fn normalise_label_into(s: &str, out: &mut String) {
    // Most cells are counts: ASCII digits are kept as they are.
    if s.bytes().all(|b| b.is_ascii_digit()) {
        out.push_str(s);
        return;
    }
    // One pass: this runs for every cell of every table.
    let mut after_digit = false;
    for ch in s.chars().map(fold_char) {
        if is_space(ch) || matches!(ch, '“' | '”' | '"' | '\'' | '‘' | '’' | '「' | '」')
        {
            continue;
        }
        out.push(if ch == '、' && after_digit { '.' } else { ch });
        after_digit = ch.is_ascii_digit();
    }
}

/// Value of one Chinese digit (`〇○零一二两三…九`, also `元` as in 元月 = 1).
pub fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' | 'O' | 'Ｏ' | '0' => 0,
        '一' | '元' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Parses a number written in Chinese numerals or ASCII/full-width digits:
/// `2023`, `二〇二三` (digit by digit), `十二`, `二十二`, `三十一`, `一百零五`, `两千`, `元`.
pub fn parse_cn_number(s: &str) -> Option<u32> {
    // The compacted characters, read as often as needed without a copy (this runs for every
    // paragraph's date and heading candidates).
    let chars = || s.chars().map(fold_char).filter(|c| !is_space(*c));
    // Nothing left once compacted: not a number.
    chars().next()?;
    if chars().all(|c| c.is_ascii_digit()) {
        // As `str::parse::<u32>` reads them: `None` past u32::MAX.
        return chars().try_fold(0u32, |v, c| v.checked_mul(10)?.checked_add(c.to_digit(10)?));
    }
    let positional = chars().any(|c| matches!(c, '十' | '百' | '千' | '拾' | '佰' | '仟'));
    if !positional {
        // digit by digit: 二〇二三
        let mut v: u32 = 0;
        for c in chars() {
            let d = c.to_digit(10).or_else(|| cn_digit(c))?;
            v = v.checked_mul(10)?.checked_add(d)?;
        }
        return Some(v);
    }
    let mut total: u32 = 0;
    let mut digit: Option<u32> = None;
    for c in chars() {
        let unit = match c {
            '十' | '拾' => 10,
            '百' | '佰' => 100,
            '千' | '仟' => 1000,
            _ => {
                let d = c.to_digit(10).or_else(|| cn_digit(c))?;
                digit = Some(d);
                continue;
            }
        };
        total = total.saturating_add(digit.unwrap_or(1).saturating_mul(unit));
        digit = None;
    }
    Some(total.saturating_add(digit.unwrap_or(0)))
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    // Labels are short: their two rows of the table live on the stack (this runs for every
    // candidate name of every row label; the four vectors it allocated were 3 % of a report's
    // allocations).
    const ON_STACK: usize = 48;
    let nb = b.chars().count();
    if nb < ON_STACK {
        levenshtein(a, b, &mut [0; ON_STACK], &mut [0; ON_STACK])
    } else {
        levenshtein(a, b, &mut vec![0; nb + 1], &mut vec![0; nb + 1])
    }
}

/// Levenshtein distance with two rows of at least `b`'s length + 1.
fn levenshtein<'r>(a: &str, b: &str, mut prev: &'r mut [usize], mut cur: &'r mut [usize]) -> usize {
    let nb = b.chars().count();
    for (j, p) in prev.iter_mut().enumerate().take(nb + 1) {
        *p = j;
    }
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.chars().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[nb]
}

/// The numbering prefix of a heading or label, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// `一、` `一.` `第一部分`
    Chinese(u32),
    /// `1、` `1.` `1)`
    Arabic(u32),
    /// `（一）` `(1)`
    Paren(u32),
}

/// Splits a leading number (`一、`, `1、`, `1.`, `（三）`, `(3)`, `三.`, `第三部分`) off a
/// compacted label; returns the number and the rest.
pub fn split_numbering(s: &str) -> (Option<Numbering>, &str) {
    // A numbering prefix is a few characters long: the first 16 decide, kept on the stack
    // (this runs for every label cell and paragraph).
    let mut buf = [(0usize, '\0'); 16];
    let mut n = 0;
    for (slot, ic) in buf.iter_mut().zip(s.char_indices()) {
        *slot = ic;
        n += 1;
    }
    let chars = &buf[..n];
    let is_cn = |c: char| cn_digit(c).is_some_and(|d| d > 0) || c == '十' || c == '〇';
    // （三） / (3)
    if let Some(&(_, '(')) = chars.first() {
        if let Some(close) = chars.iter().position(|&(_, c)| c == ')') {
            if (2..=4).contains(&close) {
                let inner = &s[chars[1].0..chars[close].0];
                if inner.chars().all(|c| c.is_ascii_digit() || is_cn(c)) {
                    if let Some(n) = parse_cn_number(inner) {
                        let rest_at = chars.get(close + 1).map_or(s.len(), |x| x.0);
                        let rest = s[rest_at..].trim_start_matches(['、', '.', ' ']);
                        return (Some(Numbering::Paren(n)), rest);
                    }
                }
            }
        }
        return (None, s);
    }
    // 第三部分 / 第三章
    if s.starts_with('第') {
        let end = chars
            .iter()
            .skip(1)
            .position(|&(_, c)| !is_cn(c) && !c.is_ascii_digit());
        if let Some(e) = end {
            let e = e + 1;
            if e > 1 {
                let num = &s[chars[1].0..chars[e].0];
                let after = &s[chars[e].0..];
                for unit in ["部分", "章", "节"] {
                    if let Some(rest) = after.strip_prefix(unit) {
                        if let Some(n) = parse_cn_number(num) {
                            let rest = rest.trim_start_matches(['、', '.', ':', '：', ' ']);
                            return (Some(Numbering::Chinese(n)), rest);
                        }
                    }
                }
            }
        }
        return (None, s);
    }
    let digits = chars
        .iter()
        .take_while(|&&(_, c)| c.is_ascii_digit())
        .count();
    let cn = chars.iter().take_while(|&&(_, c)| is_cn(c)).count();
    let (len, arabic) = if digits > 0 && digits <= 2 {
        (digits, true)
    } else if cn > 0 && cn <= 3 {
        (cn, false)
    } else {
        return (None, s);
    };
    let Some(&(sep_at, sep)) = chars.get(len) else {
        return (None, s);
    };
    if !matches!(sep, '、' | '.' | ',' | '，' | ')' | '．') {
        return (None, s);
    }
    // `1.5万` is a number, not a label
    if sep == '.' && chars.get(len + 1).is_some_and(|&(_, c)| c.is_ascii_digit()) {
        return (None, s);
    }
    let num = &s[..sep_at];
    let rest = s[sep_at + sep.len_utf8()..].trim_start();
    match parse_cn_number(num) {
        Some(n) if arabic => (Some(Numbering::Arabic(n)), rest),
        Some(n) => (Some(Numbering::Chinese(n)), rest),
        None => (None, s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_compacts() {
        assert_eq!(compact(" 总 计\n"), "总计");
        assert_eq!(compact("（１２３）\u{3000}ａ"), "(123)a");
        assert_eq!(fold("0631—8985998"), "0631-8985998");
        assert_eq!(normalise_label("1、属于\n国家秘密"), "1.属于国家秘密");
        assert_eq!(
            normalise_label("3．危及“三安全一稳定”"),
            "3.危及三安全一稳定"
        );
        assert_eq!(normalise_label("一、本年新收"), "一、本年新收");
    }

    #[test]
    fn compact_reads_every_character_as_folding_then_dropping_spaces_does() {
        let by_char =
            |s: &str| -> String { s.chars().map(fold_char).filter(|c| !is_space(*c)).collect() };
        // Every character not looked at by `compact` is neither folded nor a space …
        let mut all = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            if lead >= 0x80 && !may_fold_or_space(lead) {
                assert_eq!(fold_char(c), c, "U+{:04X}", c as u32);
                assert!(!is_space(c), "U+{:04X}", c as u32);
            }
            all.push(c);
        }
        // … and every character, in runs and alone, comes out as the definition says.
        assert_eq!(compact(&all), by_char(&all));
        for chunk in all.chars().collect::<Vec<_>>().chunks(97) {
            let s: String = chunk.iter().collect();
            assert_eq!(compact(&s), by_char(&s));
        }
        for s in [
            "",
            " ",
            "\u{3000}",
            "a b",
            "\u{FEFF}总 计\u{200B}",
            "（１２３）\u{3000}ａ",
            "—",
            "x\u{00A0}\u{0085}y",
            "〔2021〕30号",
            "\u{1680}\u{2028}\u{205F}z",
        ] {
            assert_eq!(compact(s), by_char(s), "{s:?}");
        }
    }

    #[test]
    fn chinese_numbers() {
        assert_eq!(parse_cn_number("二〇二三"), Some(2023));
        assert_eq!(parse_cn_number("二○二四"), Some(2024));
        assert_eq!(parse_cn_number("十"), Some(10));
        assert_eq!(parse_cn_number("十二"), Some(12));
        assert_eq!(parse_cn_number("二十二"), Some(22));
        assert_eq!(parse_cn_number("三十一"), Some(31));
        assert_eq!(parse_cn_number("一百零五"), Some(105));
        assert_eq!(parse_cn_number("两千"), Some(2000));
        assert_eq!(parse_cn_number("元"), Some(1));
        assert_eq!(parse_cn_number("２０２３"), Some(2023));
        assert_eq!(parse_cn_number("abc"), None);
        assert!(parse_cn_number(&"九千".repeat(10_000)).is_some());
    }

    #[test]
    fn distance() {
        assert_eq!(
            edit_distance("其他法律行政止公开", "其他法律行政法规禁止公开"),
            3
        );
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn numbering() {
        assert_eq!(
            split_numbering("一、总体情况"),
            (Some(Numbering::Chinese(1)), "总体情况")
        );
        assert_eq!(
            split_numbering("3、收到和处理"),
            (Some(Numbering::Arabic(3)), "收到和处理")
        );
        assert_eq!(
            split_numbering("(三)不予公开"),
            (Some(Numbering::Paren(3)), "不予公开")
        );
        assert_eq!(split_numbering("(12)x"), (Some(Numbering::Paren(12)), "x"));
        assert_eq!(
            split_numbering("三.总结"),
            (Some(Numbering::Chinese(3)), "总结")
        );
        assert_eq!(
            split_numbering("1.属于"),
            (Some(Numbering::Arabic(1)), "属于")
        );
        assert_eq!(
            split_numbering("第二部分主动公开"),
            (Some(Numbering::Chinese(2)), "主动公开")
        );
        assert_eq!(split_numbering("1.5万元"), (None, "1.5万元"));
        assert_eq!(split_numbering("总计"), (None, "总计"));
        assert_eq!(split_numbering("(单位:万元)"), (None, "(单位:万元)"));
    }
}
