//! A thin filtering layer over the XML tokens of WordprocessingML parts (`tokens.rs`).
//!
//! Every element arrives as a `Start` followed by its `End` (an empty element's `End` is made
//! here, without asking quick-xml to expand it: its expansion copies the name on the heap for
//! every `<w:jc/>`), so consumers only count nesting. The layer also does what no consumer should have to think about:
//! it resolves entity and character references into text, enforces the nesting-depth limit,
//! picks one branch of each `mc:AlternateContent` (hiding the wrapper elements), and drops the
//! subtrees that never print: deletions, moved-from text, field instructions, and the old
//! properties of tracked property changes (`w:pPrChange`, …).

use std::borrow::Cow;

use quick_xml::events::BytesStart;

use super::super::package::local_name;
use super::super::ReadError;
use super::tokens::{Raw, Tokens};

/// One filtered event.
pub(crate) enum Ev<'a> {
    Start(BytesStart<'a>),
    End,
    /// Character data (references already resolved), outside or inside `w:t`.
    Text(Cow<'a, str>),
    Eof,
}

/// Namespace prefixes whose `mc:Choice` we can read.
const SUPPORTED_REQUIRES: &[&str] = &[
    "wps", "wpg", "wpc", "wp14", "w14", "w15", "a14", "v", "o", "w10",
];

/// Nesting depth never exceeded, whatever `Limits::max_xml_depth` says (stack safety).
const HARD_MAX_DEPTH: usize = 1000;

pub(crate) struct Xml<'a> {
    tokens: Tokens<'a>,
    part: &'a str,
    max_depth: usize,
    /// Current element depth (number of open elements).
    depth: usize,
    /// Depths of open elements whose Start was hidden (their End must be hidden too).
    hidden: Vec<usize>,
    /// Open `mc:AlternateContent` elements: (depth, a branch was taken).
    alternates: Vec<(usize, bool)>,
    /// The last `Start` handed out was an empty element: its `End` comes next.
    empty_open: bool,
    /// The children [`Xml::flat_children`] reads (kept for the next element: one allocation).
    flat: Vec<BytesStart<'a>>,
}

impl<'a> Xml<'a> {
    pub(crate) fn new(bytes: &'a [u8], part: &'a str, max_depth: usize) -> Self {
        Xml {
            tokens: Tokens::new(bytes),
            part,
            // Parsing recurses once per nesting level at most; keep the stack safe even when the
            // configured limit is raised far beyond any real document.
            max_depth: max_depth.min(HARD_MAX_DEPTH),
            depth: 0,
            hidden: Vec::new(),
            alternates: Vec::new(),
            empty_open: false,
            flat: Vec::new(),
        }
    }

    pub(crate) fn part(&self) -> &str {
        self.part
    }

    fn xml_error(&self, message: String) -> ReadError {
        ReadError::Xml {
            part: self.part.to_string(),
            message: format!("{message} (near byte {})", self.tokens.position()),
        }
    }

    fn raw(&mut self) -> Result<Raw<'a>, ReadError> {
        self.tokens
            .next()
            .map_err(|e| self.xml_error(e.to_string()))
    }

    fn open(&mut self) -> Result<(), ReadError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(ReadError::Limit(format!(
                "XML elements nested more than {} deep in {} (Limits::max_xml_depth; at most 1000)",
                self.max_depth, self.part
            )));
        }
        Ok(())
    }

    /// Skips the rest of the element just opened (its Start was read), through its End.
    fn skip_open(&mut self) -> Result<(), ReadError> {
        if std::mem::take(&mut self.empty_open) {
            self.depth -= 1;
            return Ok(());
        }
        let target = self.depth - 1;
        while self.depth > target {
            match self.raw()? {
                Raw::Start(_) => self.open()?,
                // Its depth counts against the limit, as its expansion's would.
                Raw::Empty(_) => {
                    self.open()?;
                    self.depth -= 1;
                }
                Raw::End => self.depth -= 1,
                Raw::Eof => return Err(self.xml_error("unexpected end of part".into())),
                _ => {}
            }
        }
        Ok(())
    }

    /// The children of the element just handed out, when they are all empty elements that this
    /// layer hands out as they are (text between them is passed over): each given to `child` in
    /// order, the element read through its End, and `true`. Anything else — a nested element, a
    /// reference, a hidden or alternate element, markup our scanner leaves to quick-xml, the
    /// nesting limit — reads nothing and gives `false`, for the general walk (which reports what
    /// is wrong). Property elements (`w:tcPr`, `w:pPr`, `w:rPr`) are mostly a row of empty
    /// elements: the general walk's events and callbacks for them were a tenth of reading a
    /// report's tables.
    pub(crate) fn flat_children(
        &mut self,
        mut child: impl FnMut(&BytesStart<'a>),
    ) -> Result<bool, ReadError> {
        if std::mem::take(&mut self.empty_open) {
            self.depth -= 1;
            return Ok(true);
        }
        if self.depth >= self.max_depth {
            return Ok(false);
        }
        let Some(mark) = self.tokens.mark() else {
            return Ok(false);
        };
        let mut children = std::mem::take(&mut self.flat);
        let flat = loop {
            match self.tokens.scan() {
                Some(Raw::Empty(e)) => {
                    let (prefix, local) = split_name(e.name().into_inner());
                    if !passes(prefix, local) {
                        break false;
                    }
                    children.push(e);
                }
                Some(Raw::Text(_)) => {}
                Some(Raw::End) => break true,
                _ => break false,
            }
        };
        if flat {
            self.depth -= 1;
            for e in &children {
                child(e);
            }
        } else {
            self.tokens.rewind(mark);
        }
        children.clear();
        self.flat = children;
        Ok(flat)
    }

    /// Skips the rest of the element whose Start the consumer just received.
    pub(crate) fn skip(&mut self) -> Result<(), ReadError> {
        self.skip_open()
    }

    pub(crate) fn next(&mut self) -> Result<Ev<'a>, ReadError> {
        if std::mem::take(&mut self.empty_open) {
            self.depth -= 1;
            return Ok(Ev::End);
        }
        loop {
            let (e, empty) = match self.raw()? {
                Raw::Start(e) => (e, false),
                Raw::Empty(e) => (e, true),
                Raw::End => {
                    if self.depth == 0 {
                        return Err(self.xml_error("unmatched end tag".into()));
                    }
                    let d = self.depth;
                    self.depth -= 1;
                    if self.hidden.last() == Some(&d) {
                        self.hidden.pop();
                        if self.alternates.last().is_some_and(|(ad, _)| *ad == d) {
                            self.alternates.pop();
                        }
                        continue;
                    }
                    return Ok(Ev::End);
                }
                Raw::Text(t) => return Ok(Ev::Text(t)),
                Raw::Ref(r) => return self.reference(&r).map(Ev::Text),
                Raw::Eof => {
                    if self.depth != 0 {
                        return Err(self.xml_error(format!(
                            "truncated: {} element(s) left open at the end of the part",
                            self.depth
                        )));
                    }
                    return Ok(Ev::Eof);
                }
                Raw::Other => continue,
            };
            self.open()?;
            let (prefix, local) = split_name(e.name().into_inner());
            if passes(prefix, local) {
                self.empty_open = empty;
                return Ok(Ev::Start(e));
            }
            match local {
                // An empty wrapper hides nothing: it is opened and closed at once.
                "AlternateContent" if empty => self.depth -= 1,
                "AlternateContent" => {
                    self.alternates.push((self.depth, false));
                    self.hidden.push(self.depth);
                }
                "Choice" | "Fallback" => {
                    let parent = self.depth - 1;
                    let take = match self.alternates.last_mut() {
                        Some((d, taken)) if *d == parent => {
                            let ok = !*taken && (local == "Fallback" || requires_supported(&e));
                            if ok {
                                *taken = true;
                            }
                            ok
                        }
                        _ => true,
                    };
                    if take && !empty {
                        self.hidden.push(self.depth);
                    } else {
                        self.close_or_skip(empty)?;
                    }
                }
                // Deletions, moved-from text, field instructions, old properties: never printed.
                _ => self.close_or_skip(empty)?,
            }
        }
    }

    /// Leaves an element just opened and not handed out: an empty one is closed, the rest of
    /// any other skipped.
    fn close_or_skip(&mut self, empty: bool) -> Result<(), ReadError> {
        if empty {
            self.depth -= 1;
            Ok(())
        } else {
            self.skip_open()
        }
    }

    /// An entity or character reference as text.
    fn reference(&self, r: &quick_xml::events::BytesRef<'a>) -> Result<Cow<'a, str>, ReadError> {
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(c)) => Ok(Cow::Owned(c.to_string())),
                _ => Err(self.xml_error(format!("invalid character reference &{};", &**r))),
            };
        }
        Ok(Cow::Borrowed(match &**r {
            "amp" => "&",
            "lt" => "<",
            "gt" => ">",
            "quot" => "\"",
            "apos" => "'",
            other => return Ok(Cow::Owned(format!("&{other};"))),
        }))
    }

    /// Reads the text content of the element just opened, through its End.
    pub(crate) fn text_content(&mut self, out: &mut String) -> Result<(), ReadError> {
        // The usual `<w:t>text</w:t>`: one text token and the End, read by the scanner at once.
        if !self.empty_open {
            if let Some(mark) = self.tokens.mark() {
                let text = match self.tokens.scan() {
                    Some(Raw::Text(t)) => Some(t),
                    Some(Raw::End) => {
                        self.depth -= 1;
                        return Ok(());
                    }
                    _ => None,
                };
                if let Some(t) = text {
                    if let Some(Raw::End) = self.tokens.scan() {
                        out.push_str(&t);
                        self.depth -= 1;
                        return Ok(());
                    }
                }
                self.tokens.rewind(mark);
            }
        }
        let mut nest = 0usize;
        loop {
            match self.next()? {
                Ev::Start(_) => nest += 1,
                Ev::End => {
                    if nest == 0 {
                        return Ok(());
                    }
                    nest -= 1;
                }
                Ev::Text(t) => out.push_str(&t),
                Ev::Eof => return Err(self.xml_error("unexpected end of part".into())),
            }
        }
    }

    /// Reads the element just opened through its End, handing `start` every element inside it
    /// with its level below that element (0 for a child); `start` returns `true` when it read
    /// the element through its End itself (else the element is entered). Text is passed over.
    pub(crate) fn each_start(
        &mut self,
        mut start: impl FnMut(&mut Self, BytesStart<'a>, usize) -> Result<bool, ReadError>,
    ) -> Result<(), ReadError> {
        let mut nest = 0usize;
        loop {
            match self.next()? {
                Ev::Start(e) => {
                    if !start(self, e, nest)? {
                        nest += 1;
                    }
                }
                Ev::End => {
                    if nest == 0 {
                        return Ok(());
                    }
                    nest -= 1;
                }
                Ev::Text(_) => {}
                Ev::Eof => return Err(self.unexpected_eof()),
            }
        }
    }

    pub(crate) fn unexpected_eof(&self) -> ReadError {
        self.xml_error("unexpected end of part".into())
    }
}

/// Whether [`Xml::next`] hands an element out as it is — the one list of the elements it
/// hides, skips or unwraps instead, also used by [`Xml::flat_children`].
fn passes(prefix: &str, local: &str) -> bool {
    !(matches!(
        local,
        "del" | "moveFrom" | "delText" | "instrText" | "delInstrText" | "AlternateContent"
    ) || (local.ends_with("Change") && local.len() > 6)
        || (matches!(local, "Choice" | "Fallback") && prefix != "w"))
}

fn split_name(name: &str) -> (&str, &str) {
    // A byte loop: names are a few bytes long, too short for `str::find`'s searcher to pay off.
    match name.bytes().position(|b| b == b':') {
        Some(i) => (&name[..i], &name[i + 1..]),
        None => ("", name),
    }
}

fn requires_supported(e: &BytesStart) -> bool {
    match attr(e, "Requires") {
        Some(req) => req
            .split_whitespace()
            .all(|p| SUPPORTED_REQUIRES.contains(&p)),
        None => false,
    }
}

/// Value of the attribute with local name `key` (any prefix), unescaped.
pub(crate) fn attr(e: &BytesStart, key: &str) -> Option<String> {
    attr_ref(e, key).map(Cow::into_owned)
}

/// [`attr`] borrowed from the tag where no reference needed resolving. The attributes are read
/// without quick-xml's duplicate check (a list of keys allocated for every tag): the first
/// attribute with the name is the one taken either way.
pub(crate) fn attr_ref<'e>(e: &'e BytesStart, key: &str) -> Option<Cow<'e, str>> {
    let mut attributes = e.attributes();
    attributes.with_checks(false);
    attributes.flatten().find_map(|a| {
        (local_name(a.key.as_ref()) == key).then(|| match a.value {
            // As `package::unescaped_value`: written as is when a reference does not resolve.
            Cow::Borrowed(v) => match quick_xml::escape::unescape(v) {
                Ok(Cow::Owned(s)) => Cow::Owned(s),
                _ => Cow::Borrowed(v),
            },
            Cow::Owned(v) => Cow::Owned(
                quick_xml::escape::unescape(&v)
                    .map(Cow::into_owned)
                    .unwrap_or(v),
            ),
        })
    })
}

/// Value of a relationship-id attribute: local name `key` with a prefix (`r:id`, `r:embed`).
pub(crate) fn rel_attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let k: &str = a.key.as_ref();
        (k.contains(':') && local_name(k) == key)
            .then(|| super::super::package::unescaped_value(&a))
    })
}

/// `w:val` as a string.
pub(crate) fn val(e: &BytesStart) -> Option<String> {
    attr(e, "val")
}

/// `w:val` borrowed (see [`attr_ref`]).
pub(crate) fn val_ref<'e>(e: &'e BytesStart) -> Option<Cow<'e, str>> {
    attr_ref(e, "val")
}

/// `w:val` as an integer (Word writes some as decimal strings with junk; be lenient).
pub(crate) fn val_int(e: &BytesStart) -> Option<i64> {
    val_ref(e).and_then(|v| v.trim().parse::<i64>().ok())
}

/// An on/off property: absent `w:val` means on.
pub(crate) fn val_bool(e: &BytesStart) -> bool {
    match val_ref(e) {
        None => true,
        Some(v) => !matches!(&*v, "0" | "false" | "off"),
    }
}

/// (prefix, local name) of a start tag.
pub(crate) fn qname<'e>(e: &'e BytesStart) -> (&'e str, &'e str) {
    split_name(e.name().into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event left, as text.
    fn rest(x: &mut Xml, seen: &mut Vec<String>) -> Result<(), ReadError> {
        loop {
            match x.next()? {
                Ev::Start(e) => seen.push(format!("start {}", qname(&e).1)),
                Ev::End => seen.push("end".into()),
                Ev::Text(t) => seen.push(format!("text {t}")),
                Ev::Eof => return Ok(()),
            }
        }
    }

    /// What the walk sees from the element `a` on: the names handed to the callback, then every
    /// later event, or the error.
    fn walk(xml: &str, max_depth: usize, flat: bool) -> Vec<String> {
        let mut x = Xml::new(xml.as_bytes(), "test.xml", max_depth);
        let mut seen = Vec::new();
        let mut run = || -> Result<(), ReadError> {
            for _ in 0..2 {
                match x.next()? {
                    Ev::Start(e) => seen.push(format!("open {}", qname(&e).1)),
                    _ => seen.push("not a start".into()),
                }
            }
            let read = flat && {
                let mut names = Vec::new();
                let read = x.flat_children(|e| names.push(format!("child {}", qname(e).1)))?;
                seen.extend(names);
                read
            };
            if !read {
                x.each_start(|_, e, nest| {
                    seen.push(format!("child {}{}", "-".repeat(nest), qname(&e).1));
                    Ok(false)
                })?;
            }
            rest(&mut x, &mut seen)
        };
        if let Err(e) = run() {
            seen.push(format!("error {e}"));
        }
        seen
    }

    /// The text of an element, and the events after it, or the error.
    fn text_of(xml: &str, fast: bool) -> Vec<String> {
        let mut x = Xml::new(xml.as_bytes(), "test.xml", 100);
        let mut seen = Vec::new();
        let mut run = || -> Result<(), ReadError> {
            x.next()?;
            x.next()?;
            let mut text = String::new();
            if fast {
                x.text_content(&mut text)?;
            } else {
                // The general walk, as `text_content` was before its fast path.
                let mut nest = 0usize;
                loop {
                    match x.next()? {
                        Ev::Start(_) => nest += 1,
                        Ev::End if nest == 0 => break,
                        Ev::End => nest -= 1,
                        Ev::Text(t) => text.push_str(&t),
                        Ev::Eof => return Err(x.unexpected_eof()),
                    }
                }
            }
            seen.push(format!("text {text:?}"));
            rest(&mut x, &mut seen)
        };
        if let Err(e) = run() {
            seen.push(format!("error {e}"));
        }
        seen
    }

    #[test]
    fn text_content_reads_as_the_general_walk() {
        for content in [
            "plain 文字",
            "",
            " a\r\nb ",
            "x &amp; y",
            "&#xZZ;",
            "a<w:b/>c",
            "a<!-- c -->b",
            "<w:del>gone</w:del>kept",
            "a</b>",
            "a",
        ] {
            for xml in [
                format!("<r><w:t>{content}</w:t><z>t</z></r>"),
                format!("<r><w:t/>{content}</r>"),
            ] {
                assert_eq!(text_of(&xml, true), text_of(&xml, false), "{xml}");
            }
        }
    }

    #[test]
    fn flat_children_read_as_the_general_walk() {
        let contents = [
            r#"<w:tcW w:w="2600" w:type="dxa"/><w:vAlign w:val="center"/>"#,
            "\r\n  <w:gridSpan w:val=\"2\"/>\n  <w:vMerge/>\n",
            "",
            "text <w:jc w:val='a>b'/> more",
            "<w:rPr><w:b/></w:rPr><w:jc/>",
            "<w:jc/><w:del/>",
            "<w:rPrChange/>",
            "<mc:AlternateContent/><w:b/>",
            "<mc:Choice Requires=\"w14\"/>",
            "<w:Choice/><w:Fallback/>",
            "<w:delText/><w:instrText/>",
            "&amp;<w:b/>",
            "&#xZZ;<w:b/>",
            "<!-- c --><w:b/>",
            "<?pi x?><w:b/>",
            "<![CDATA[x]]><w:b/>",
            "<w:b/></b>",
            "<w:b/><w:i",
        ];
        let mut flat_reads = 0;
        for content in contents {
            for xml in [
                format!("<r><a>{content}</a><z/><y>t</y></r>"),
                format!("<r><a/>{content}</r>"),
            ] {
                for max_depth in [2, 3, 100] {
                    let general = walk(&xml, max_depth, false);
                    assert_eq!(
                        walk(&xml, max_depth, true),
                        general,
                        "{xml} (depth {max_depth})"
                    );
                    flat_reads += usize::from(!general.iter().any(|s| s.starts_with("error")));
                }
            }
        }
        assert!(flat_reads > 20);
        // The usual cell properties are read the flat way; a nested element is left to the walk.
        let took = |content: &str| {
            let xml = format!("<r><a>{content}</a></r>");
            let mut x = Xml::new(xml.as_bytes(), "test.xml", 100);
            x.next().unwrap();
            x.next().unwrap();
            x.flat_children(|_| {}).unwrap()
        };
        assert!(took(contents[0]) && took(contents[1]) && took(""));
        assert!(!took(contents[4]) && !took(contents[5]) && !took(contents[11]));
    }
}
