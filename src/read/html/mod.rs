//! Web pages (`.html`, `.htm`, `.shtml`, `.xhtml`, article fragments) and single-file web
//! pages (`.mht`/`.mhtml`) → the same [`Document`] as a .docx.
//!
//! The bytes are decoded as a browser decodes them ([`encoding`]), checked against the limits,
//! parsed by html5ever (through scraper) into a tree, the article is found in the site's page by
//! what it contains ([`article`]), and the article is read in order: paragraphs (`<br>` and block
//! elements end them; `h1`–`h6` keep their level), tables as merged-cell grids ([`tables`]), and
//! pictures from `data:` URIs, `.mht` parts or files beside the page ([`images`]). The site's
//! navigation, footer and index-number table never reach the body; the index-number table's
//! publisher and dates go to the furniture, where the recogniser looks only for what the report
//! itself does not say.

mod article;
mod encoding;
mod images;
pub mod mht;
mod tables;
mod text;

use std::collections::HashMap;
use std::path::Path;

use ego_tree::NodeRef;
use scraper::{Html, Node};

use crate::model::{Block, Document, ImagePart, Paragraph};
use crate::read::{Limits, ReadError};
use article::Page;
use text::Lines;

/// Elements that start and end a line of their own.
const BLOCKS: [&str; 44] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "th",
    "tr",
    "ul",
];

pub(crate) fn is_block(name: &str) -> bool {
    BLOCKS.contains(&name)
}

pub(crate) fn too_deep(limits: &Limits) -> ReadError {
    ReadError::Limit(format!(
        "HTML elements nested more than {} deep (Limits::max_xml_depth; at most 1000)",
        limits.max_xml_depth
    ))
}

/// The address of a picture: `src`, or the attribute lazy-loading pages keep it in.
pub(crate) fn picture_source(e: &scraper::node::Element) -> Option<&str> {
    ["src", "data-src", "data-original"]
        .iter()
        .filter_map(|a| e.attr(a))
        .map(str::trim)
        .find(|s| !s.is_empty() && !s.starts_with("about:"))
}

/// Reads a web page or a single-file web page. `folder` is where the page's file lies (its
/// pictures may be saved beside it); without it only `data:` and `.mht` pictures are read.
pub fn read_html(
    bytes: &[u8],
    limits: &Limits,
    folder: Option<&Path>,
) -> Result<Document, ReadError> {
    let archive = if mht::is_mime(bytes) {
        Some(mht::parse(bytes, limits)?)
    } else {
        None
    };
    let (page_bytes, transport, location, parts) = match &archive {
        Some(a) => (
            &a.page.data[..],
            a.page.charset.as_deref(),
            a.page.location.as_str(),
            &a.resources[..],
        ),
        None => (bytes, None, "", &[][..]),
    };
    if page_bytes.len() as u64 > limits.max_entry_inflated {
        return Err(ReadError::Limit(format!(
            "a web page of more than {} bytes (--max-entry-mb raises it)",
            limits.max_entry_inflated
        )));
    }
    let decoded = encoding::decode(page_bytes, transport);
    prescan(&decoded.text, limits)?;
    let html = Html::parse_document(&decoded.text);
    let page = Page::analyse(&html);

    let mut doc = Document::default();
    doc.reader_notes.push(format!(
        "{}encoding {} ({})",
        if archive.is_some() {
            format!("single-file web page ({} resources); ", parts.len())
        } else {
            String::new()
        },
        decoded.encoding.name(),
        match decoded.found_by {
            "BOM" => "byte-order mark",
            "transport" => "declared by the .mht part",
            "meta" => "declared by <meta> in the first 1024 bytes",
            _ => "guessed from the bytes: no declaration",
        }
    ));
    if decoded.had_errors {
        doc.warnings.push(format!(
            "some bytes are not valid {}: replaced by \u{FFFD}",
            decoded.encoding.name()
        ));
    }
    doc.reader_notes.extend(page.notes.iter().cloned());

    let mut reader = Reader {
        page: &page,
        resources: images::Resources {
            folder,
            parts,
            page_location: location,
            limits,
        },
        limits,
        doc,
        lines: Lines::default(),
        heading: None,
        image_index: HashMap::new(),
        remote: Vec::new(),
    };
    if let Some(title) = &page.title_outside {
        reader.doc.body.push(Block::Paragraph(Paragraph {
            text: title.clone(),
            ..Paragraph::default()
        }));
    }
    reader.walk(page.container, 0)?;
    reader.flush();
    let Reader {
        mut doc, remote, ..
    } = reader;
    if !remote.is_empty() {
        doc.warnings.push(format!(
            "{} pictures are on the web, listed and not fetched: {}",
            remote.len(),
            remote.join(", ")
        ));
    }
    for (label, value) in &page.metadata {
        if matches!(
            label.as_str(),
            "发布机构" | "发文机关" | "成文日期" | "发文日期" | "发布日期" | "生成日期"
        ) {
            doc.furniture.push(Block::Paragraph(Paragraph {
                text: format!("{label}：{value}"),
                ..Paragraph::default()
            }));
        }
    }
    Ok(doc)
}

/// Counts start tags, character references and open elements before html5ever sees the text:
/// its tree builder looks through the stack of open elements for many tags, so a page of 100,000
/// unclosed `<div>`s would take minutes. Elements whose end tag HTML lets a page leave out
/// (`p`, `li`, `td` …) and void elements do not count towards the depth.
fn prescan(text: &str, limits: &Limits) -> Result<(), ReadError> {
    const OPTIONAL_END: [&str; 17] = [
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
        "colgroup", "rb", "rt", "rp", "caption",
    ];
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param",
    ];
    let b = text.as_bytes();
    let (mut elements, mut refs, mut depth) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while let Some(off) = memchr::memchr2(b'<', b'&', &b[i..]) {
        i += off;
        if b[i] == b'&' {
            refs += 1;
            if refs > limits.max_xml_elements {
                return Err(ReadError::Limit(format!(
                    "a web page with more than {} character references (&…;) \
                     (--max-xml-elements raises it)",
                    limits.max_xml_elements
                )));
            }
            i += 1;
            continue;
        }
        let rest = &b[i + 1..];
        if rest.starts_with(b"!--") {
            match memchr::memmem::find(&rest[3..], b"-->") {
                Some(e) => i += 4 + e + 3,
                // A comment left open runs to the end of the page (as html5ever reads it).
                None => break,
            }
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = usize::from(closing);
        let name_len = rest[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b':' | b'-'))
            .count();
        let end = memchr::memchr(b'>', rest).map_or(rest.len(), |e| e + 1);
        if name_len == 0 || !rest[name_start].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let name =
            String::from_utf8_lossy(&rest[name_start..name_start + name_len]).to_ascii_lowercase();
        i += 1 + end;
        if closing {
            if !OPTIONAL_END.contains(&name.as_str()) && !VOID.contains(&name.as_str()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        elements += 1;
        if elements > limits.max_xml_elements {
            return Err(ReadError::Limit(format!(
                "a web page with more than {} elements (--max-xml-elements raises it)",
                limits.max_xml_elements
            )));
        }
        let self_closing = rest[..end].ends_with(b"/>");
        if OPTIONAL_END.contains(&name.as_str()) || VOID.contains(&name.as_str()) || self_closing {
            continue;
        }
        if matches!(
            name.as_str(),
            "script" | "style" | "textarea" | "title" | "xmp"
        ) {
            // raw text: skip to its end tag
            let close = format!("</{name}");
            let hay = &b[i..];
            let lower_find = hay
                .windows(close.len())
                .position(|w| w.eq_ignore_ascii_case(close.as_bytes()));
            i += lower_find.unwrap_or(hay.len());
            continue;
        }
        depth += 1;
        if depth > limits.max_xml_depth.min(1000) {
            return Err(too_deep(limits));
        }
    }
    Ok(())
}

/// Reads the article in order into the document.
struct Reader<'p, 'a> {
    page: &'p Page<'a>,
    resources: images::Resources<'p>,
    limits: &'p Limits,
    doc: Document,
    lines: Lines,
    /// The heading level of the block being read (`h1` → 1).
    heading: Option<u8>,
    image_index: HashMap<String, usize>,
    remote: Vec<String>,
}

impl Reader<'_, '_> {
    fn flush(&mut self) {
        for text in self.lines.take() {
            self.doc.body.push(Block::Paragraph(Paragraph {
                text,
                style: self.heading.map(|l| format!("heading {l}")),
                outline_level: self.heading.map(|l| l - 1),
                ..Paragraph::default()
            }));
        }
    }

    fn walk(&mut self, node: NodeRef<'_, Node>, depth: usize) -> Result<(), ReadError> {
        if depth > self.limits.max_xml_depth.min(1000) {
            return Err(too_deep(self.limits));
        }
        match node.value() {
            Node::Text(t) => self.lines.push(t),
            Node::Element(e) if !self.page.is_skipped(node.id()) => {
                let name = e.name();
                match name {
                    "br" => self.flush(),
                    "img" => {
                        self.flush();
                        if let Some(src) = picture_source(e) {
                            self.picture(src, e.attr("alt"));
                        }
                    }
                    "table" if tables::is_layout(node) => {
                        self.flush();
                        self.doc.reader_notes.push(format!(
                            "layout table {} (it holds a table or one cell): read as text",
                            article::describe(node)
                        ));
                        self.children(node, depth)?;
                        self.flush();
                    }
                    "table" => {
                        self.flush();
                        for caption in node.children().filter(|c| {
                            c.value()
                                .as_element()
                                .is_some_and(|e| e.name() == "caption")
                        }) {
                            self.children(caption, depth)?;
                            self.flush();
                        }
                        let (grid, pictures) = tables::grid(node, self.page, self.limits)?;
                        if !grid.cells.is_empty() {
                            self.doc.body.push(Block::Table(grid));
                        }
                        for src in pictures {
                            self.picture(&src, None);
                        }
                    }
                    "caption" => {}
                    _ if is_block(name) => {
                        self.flush();
                        let outer = self.heading;
                        if let Some(level) = name
                            .strip_prefix('h')
                            .and_then(|l| l.parse::<u8>().ok())
                            .filter(|l| (1..=6).contains(l))
                        {
                            self.heading = Some(level);
                        }
                        self.children(node, depth)?;
                        self.flush();
                        self.heading = outer;
                    }
                    _ => self.children(node, depth)?,
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn children(&mut self, node: NodeRef<'_, Node>, depth: usize) -> Result<(), ReadError> {
        for child in node.children() {
            self.walk(child, depth + 1)?;
        }
        Ok(())
    }

    /// A picture of the article: read once however often it is shown, anchored where it is.
    fn picture(&mut self, src: &str, alt: Option<&str>) {
        if let Some(&i) = self.image_index.get(src) {
            self.doc.body.push(Block::Image(i));
            return;
        }
        match self.resources.resolve(src) {
            images::Source::Found { name, data } => {
                let Some(content_type) = crate::read::sniff::image_type(&data) else {
                    self.doc.warnings.push(format!(
                        "picture {name}: not an image nianbao can read, skipped"
                    ));
                    return;
                };
                let i = self.doc.images.len();
                self.doc.images.push(ImagePart {
                    part: name,
                    content_type: content_type.to_string(),
                    data,
                    description: alt
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(String::from),
                });
                self.image_index.insert(src.to_string(), i);
                self.doc.body.push(Block::Image(i));
            }
            images::Source::Remote(url) => {
                if !self.remote.contains(&url) {
                    self.remote.push(url);
                }
            }
            images::Source::Unreadable(why) => self.doc.warnings.push(format!("picture {why}")),
        }
    }
}

#[cfg(test)]
mod tests;
