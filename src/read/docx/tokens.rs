//! The raw XML tokens of a part: a scanner of our own for the usual markup, quick-xml for the rest.
//!
//! quick-xml 0.42 checks the UTF-8 of every event and runs its general state machine for each of
//! a report's ~5,000 events (≈ 530 instructions an event, a quarter of a report's work). A
//! WordprocessingML part is a few kinds of token: start, empty and end tags, text and the odd
//! entity reference. `Tokens` checks the part's UTF-8 once and scans those with `memchr`,
//! borrowing every slice, and produces the very events quick-xml would for them — the same
//! `BytesStart` (quick-xml's attribute parser still reads the attributes), the same text with its
//! line ends normalised, the same references, the same positions. At anything else (comments,
//! CDATA, DOCTYPE, an end tag that does not close the open element, an unclosed tag or reference,
//! a part that is not UTF-8) it hands the part to quick-xml, which first re-reads the tokens
//! already handed out (they are the same, so its state is ours) and then goes on from there: the
//! events, the errors and their messages (with `near byte N`) are quick-xml's, as before.

use std::borrow::Cow;

use memchr::{memchr, memchr2, memchr3, memchr_iter};
use quick_xml::events::{BytesRef, BytesStart, Event};

/// One token, as the filtering layer (`xml.rs`) needs it.
pub(super) enum Raw<'a> {
    Start(BytesStart<'a>),
    Empty(BytesStart<'a>),
    End,
    /// Character data or a CDATA section, line ends normalised as XML 1.0 says.
    Text(Cow<'a, str>),
    Ref(BytesRef<'a>),
    Eof,
    /// Declarations, processing instructions, comments, DOCTYPE: nothing a reader uses.
    Other,
}

pub(super) struct Tokens<'a> {
    /// The part as given (quick-xml strips a byte-order mark itself).
    bytes: &'a [u8],
    mode: Mode<'a>,
}

enum Mode<'a> {
    Fast(Scanner<'a>),
    Slow(Box<quick_xml::Reader<&'a [u8]>>),
}

impl<'a> Tokens<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        // quick-xml strips a UTF-16 byte-order mark and reads on as UTF-8: leave those to it.
        let utf16 = bytes.starts_with(&[0xFE, 0xFF]) || bytes.starts_with(&[0xFF, 0xFE]);
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // The whole part checked at once, with SIMD: with the standard library's check this was
        // 1–2 % of a report's reading (CJK text has no ASCII fast path).
        let mode = match simdutf8::basic::from_utf8(body) {
            Ok(text) if !utf16 => Mode::Fast(Scanner {
                text,
                pos: 0,
                open: Vec::new(),
            }),
            _ => Mode::Slow(Box::new(slow_reader(bytes))),
        };
        Tokens { bytes, mode }
    }

    /// The next token from our own scanner, `None` where it would hand over to quick-xml (or
    /// has already): nothing is consumed then, and the next [`Tokens::next`] reads it.
    pub(super) fn scan(&mut self) -> Option<Raw<'a>> {
        match &mut self.mode {
            Mode::Fast(scanner) => scanner.next(),
            Mode::Slow(_) => None,
        }
    }

    /// Where the scanner is, to come back to with [`Tokens::rewind`].
    pub(super) fn mark(&self) -> Option<(usize, usize)> {
        match &self.mode {
            Mode::Fast(scanner) => Some((scanner.pos, scanner.open.len())),
            Mode::Slow(_) => None,
        }
    }

    /// Back to a [`Tokens::mark`]: the tokens since are read again. The elements opened since are
    /// closed again; none that was open at the mark may have been closed since.
    pub(super) fn rewind(&mut self, (pos, open): (usize, usize)) {
        if let Mode::Fast(scanner) = &mut self.mode {
            scanner.pos = pos;
            scanner.open.truncate(open);
        }
    }

    /// Bytes consumed, after a byte-order mark (quick-xml's `buffer_position`).
    pub(super) fn position(&self) -> u64 {
        match &self.mode {
            Mode::Fast(s) => s.pos as u64,
            Mode::Slow(r) => r.buffer_position(),
        }
    }

    pub(super) fn next(&mut self) -> Result<Raw<'a>, quick_xml::Error> {
        if let Mode::Fast(scanner) = &mut self.mode {
            if let Some(raw) = scanner.next() {
                return Ok(raw);
            }
            let at = scanner.pos as u64;
            self.mode = Mode::Slow(Box::new(slow_reader(self.bytes)));
            let Mode::Slow(reader) = &mut self.mode else {
                unreachable!()
            };
            // quick-xml reads the tokens already handed out again; they end where ours did.
            while reader.buffer_position() < at {
                if let Event::Eof = reader.read_event()? {
                    break;
                }
            }
            debug_assert_eq!(reader.buffer_position(), at);
        }
        let Mode::Slow(reader) = &mut self.mode else {
            unreachable!()
        };
        Ok(match reader.read_event()? {
            Event::Start(e) => Raw::Start(e),
            Event::Empty(e) => Raw::Empty(e),
            Event::End(_) => Raw::End,
            Event::Text(t) => Raw::Text(t.xml10_content()),
            Event::CData(t) => Raw::Text(t.xml10_content()),
            Event::GeneralRef(r) => Raw::Ref(r),
            Event::Eof => Raw::Eof,
            _ => Raw::Other,
        })
    }
}

fn slow_reader(bytes: &[u8]) -> quick_xml::Reader<&[u8]> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    reader
}

/// quick-xml's reading of well-formed markup, over a part that is valid UTF-8.
struct Scanner<'a> {
    text: &'a str,
    /// Start of the next token.
    pos: usize,
    /// Names of the open elements (quick-xml's `check_end_names`).
    open: Vec<&'a str>,
}

impl<'a> Scanner<'a> {
    /// The next token, or `None` (nothing consumed) where quick-xml must take over.
    fn next(&mut self) -> Option<Raw<'a>> {
        let text = self.text;
        let b = text.as_bytes();
        let start = self.pos;
        if start >= b.len() {
            return Some(Raw::Eof);
        }
        match b[start] {
            b'<' => match *b.get(start + 1)? {
                b'!' => None,
                b'?' => {
                    // quick-xml's `PiParser`: the first `>` after a `?`, counted from the `<`.
                    let rest = &b[start..];
                    let gt = memchr_iter(b'>', rest).find(|&i| i > 0 && rest[i - 1] == b'?')?;
                    // `<?>` (three bytes) is an error there.
                    if gt < 3 {
                        return None;
                    }
                    self.pos = start + gt + 1;
                    Some(Raw::Other)
                }
                b'/' => {
                    // The usual `</name>` of the element open: quick-xml's scan for the tag's end
                    // stops at the same `>` (no quote comes before it), so the name is not
                    // searched for and compared again.
                    let open = *self.open.last()?;
                    if closes(&b[start + 2..], open.as_bytes()) {
                        self.open.pop();
                        self.pos = start + 2 + open.len() + 1;
                        return Some(Raw::End);
                    }
                    let gt = start + tag_end(&b[start..])?;
                    let content = &text[start + 2..gt];
                    // Whitespace after the name is allowed (unless there is nothing else).
                    let name = match content.bytes().rposition(|c| !is_whitespace(c)) {
                        Some(last) => &content[..last + 1],
                        None => content,
                    };
                    if *self.open.last()? != name {
                        return None;
                    }
                    self.open.pop();
                    self.pos = gt + 1;
                    Some(Raw::End)
                }
                _ => {
                    let gt = start + tag_end(&b[start..])?;
                    self.pos = gt + 1;
                    let content = &text[start + 1..gt + 1];
                    if let Some(inner) = content.strip_suffix("/>") {
                        return Some(Raw::Empty(BytesStart::from_content(inner, name_len(inner))));
                    }
                    let inner = &content[..content.len() - 1];
                    let len = name_len(inner);
                    self.open.push(&inner[..len]);
                    Some(Raw::Start(BytesStart::from_content(inner, len)))
                }
            },
            b'&' => {
                let rest = &b[start + 1..];
                let end = memchr3(b';', b'&', b'<', rest)?;
                if rest[end] != b';' {
                    return None;
                }
                self.pos = start + 1 + end + 1;
                Some(Raw::Ref(BytesRef::new(&text[start + 1..start + 1 + end])))
            }
            _ => {
                let end = memchr2(b'<', b'&', &b[start..]).map_or(b.len(), |i| start + i);
                self.pos = end;
                Some(Raw::Text(normalize_eols(&text[start..end])))
            }
        }
    }
}

/// Index of the `>` closing the tag that starts `tag`, outside quoted attribute values (quick-xml's
/// `ElementParser`).
fn tag_end(tag: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        i += find_any(&tag[i..], [b'>', b'"', b'\''])?;
        let quote = tag[i];
        if quote == b'>' {
            return Some(i);
        }
        i += 1;
        i += find_any(&tag[i..], [quote])? + 1;
    }
}

/// Whether `rest` starts with `name` and a `>`, and `name` holds no quote (which would start a
/// quoted value for quick-xml). A byte loop: names are a few bytes, and a `memcmp` call costs more.
fn closes(rest: &[u8], name: &[u8]) -> bool {
    if rest.len() <= name.len() || rest[name.len()] != b'>' {
        return false;
    }
    for (&r, &n) in rest.iter().zip(name) {
        if r != n || n == b'"' || n == b'\'' {
            return false;
        }
    }
    true
}

const ONES: u64 = u64::from_le_bytes([1; 8]);
const HIGHS: u64 = ONES << 7;

/// Index of the first of `needles` in `hay`, eight bytes at a time. Tags and attribute values
/// are a few dozen bytes: a `memchr` call's set-up cost more than this whole scan, and a byte
/// loop three times as much.
fn find_any<const N: usize>(hay: &[u8], needles: [u8; N]) -> Option<usize> {
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // A byte equal to a needle becomes 0 after the xor; subtracting 1 from each byte sets
        // the high bit of a 0 byte (and, by the borrow, maybe of bytes above it: only the lowest
        // bit found is exact, and only it is used).
        let mut hits = 0;
        for n in needles {
            let x = word ^ (ONES * u64::from(n));
            hits |= x.wrapping_sub(ONES) & !x & HIGHS;
        }
        if hits != 0 {
            return Some(base + (hits.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    let rest = chunks.remainder();
    rest.iter()
        .position(|b| needles.contains(b))
        .map(|i| base + i)
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\r' | b'\n' | b'\t')
}

/// Length of an element's name: up to the first whitespace.
fn name_len(content: &str) -> usize {
    content
        .bytes()
        .position(is_whitespace)
        .unwrap_or(content.len())
}

/// XML 1.0 line ends: `\r\n` and a lone `\r` read as `\n`.
fn normalize_eols(text: &str) -> Cow<'_, str> {
    if memchr(b'\r', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token of `xml` as quick-xml gives it and as `Tokens` does, with positions.
    fn both(xml: &str) -> (Vec<String>, Vec<String>) {
        let show = |r: Result<Raw, quick_xml::Error>, pos: u64| match r {
            Ok(Raw::Start(e)) => format!("S({}|{}) {pos}", &*e, e.name().into_inner()),
            Ok(Raw::Empty(e)) => format!("E({}|{}) {pos}", &*e, e.name().into_inner()),
            Ok(Raw::End) => format!("/ {pos}"),
            Ok(Raw::Text(t)) => format!("T({t}) {pos}"),
            Ok(Raw::Ref(r)) => format!("R({}) {pos}", &*r),
            Ok(Raw::Eof) => format!("EOF {pos}"),
            Ok(Raw::Other) => format!("O {pos}"),
            Err(e) => format!("ERR {e} {pos}"),
        };
        let mut fast = Tokens::new(xml.as_bytes());
        let mut slow = Tokens {
            bytes: xml.as_bytes(),
            mode: Mode::Slow(Box::new(slow_reader(xml.as_bytes()))),
        };
        let run = |t: &mut Tokens| {
            let mut out = Vec::new();
            for _ in 0..100 {
                let r = t.next();
                let stop = matches!(r, Ok(Raw::Eof) | Err(_));
                out.push(show(r, t.position()));
                if stop {
                    break;
                }
            }
            out
        };
        (run(&mut fast), run(&mut slow))
    }

    #[test]
    fn the_same_tokens_as_quick_xml() {
        for xml in [
            "<?xml version=\"1.0\"?>\r\n<w:document a='1>2' b=\"x\"><w:p><w:r><w:t xml:space=\"preserve\"> a\r\nb\rc </w:t></w:r></w:p><w:jc w:val=\"left\"/></w:document>",
            "\u{FEFF}<a>x &amp; y &#x4E2D;&unknown;&;</a >",
            "<a><b/ ><c/></a>",
            "<a>text<!-- a comment --><b/>more</a>",
            "<a><![CDATA[ <raw> ]]></a>",
            "<a><b></a>",
            "<a></b>",
            "</a>",
            "<a>unclosed & ref</a>",
            "<a>&amp",
            "<a><b attr='never closed></a>",
            "<a><",
            "<?>",
            "<a>x</a>trailing",
            "<a>x</a><b/>",
            "<>x</>",
            "<a>\u{4E2D}\u{6587}</a>",
        ] {
            let (fast, slow) = both(xml);
            assert_eq!(fast, slow, "{xml}");
        }
    }

    /// Broken variants of a part: every position given one of XML's special bytes, or losing
    /// its byte; the tokens, the errors and the positions must be quick-xml's for each.
    #[test]
    fn the_same_tokens_for_broken_markup() {
        let xml =
            "<?xml version=\"1.0\" standalone=\"yes\"?>\r\n<w:document xmlns:w=\"u\"><w:body>\
                   <w:p><w:pPr><w:pStyle w:val='a3'/></w:pPr><w:r><w:t xml:space=\"preserve\">\
                   \u{4E2D} &lt;x&gt; &#20013;</w:t></w:r></w:p></w:body></w:document >";
        let specials = [
            b'<', b'>', b'&', b';', b'/', b'"', b'\'', b'!', b'?', b' ', b'\r',
        ];
        let mut cases = 0;
        for i in 0..xml.len() {
            if !xml.is_char_boundary(i) || !xml.is_char_boundary(i + 1) {
                continue;
            }
            let mut variants: Vec<Vec<u8>> = specials
                .iter()
                .map(|&c| {
                    let mut v = xml.as_bytes().to_vec();
                    v[i] = c;
                    v
                })
                .collect();
            let mut shorter = xml.as_bytes().to_vec();
            shorter.remove(i);
            variants.push(shorter);
            for v in variants {
                let v = String::from_utf8(v).unwrap();
                let (fast, slow) = both(&v);
                assert_eq!(fast, slow, "{v}");
                cases += 1;
            }
        }
        assert!(cases > 2000);
    }

    #[test]
    fn find_any_finds_the_first_needle() {
        let hay = b"abcdefgh\"ij>kl'mnop>qrstuvwxyz";
        for start in 0..hay.len() {
            let expected = hay[start..].iter().position(|&b| b == b'>' || b == b'\'');
            assert_eq!(find_any(&hay[start..], [b'>', b'\'']), expected);
        }
        // A needle after a byte one below it (the borrow of the word trick).
        assert_eq!(
            find_any(b"\x01\x00\x01\x01\x01\x01\x01\x01\x01", [1]),
            Some(0)
        );
        assert_eq!(find_any(b"\x02\x02\x02\x00\x01\x02\x02\x02", [1]), Some(4));
        assert_eq!(find_any(b"\x3d\x3e\x3e", [b'>']), Some(1));
        assert_eq!(find_any(b"", [b'>']), None);
    }

    #[test]
    fn not_utf8_is_left_to_quick_xml() {
        let xml = b"<a>\xFF</a>";
        let mut t = Tokens::new(xml);
        assert!(matches!(t.mode, Mode::Slow(_)));
        assert!(matches!(t.next(), Ok(Raw::Start(_))));
        assert!(t.next().is_err());
    }
}
