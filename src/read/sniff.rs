//! What a file really is, from its first bytes and (for zip and OLE containers) its directory.
//! Extensions lie: a .doc renamed .docx, HTML saved as .doc, an encrypted .docx that is an OLE file.

use std::io::Cursor;

use super::ReadError;

/// The detected kind of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    Empty,
    Docx,
    Xlsx,
    /// OOXML protected with a password: an OLE file holding `EncryptedPackage`.
    EncryptedOoxml,
    /// Legacy Word 97–2003 (OLE `WordDocument` stream).
    Doc,
    /// Legacy Excel 97–2003 (OLE `Workbook`/`Book` stream).
    Xls,
    /// WPS Office's own formats (.wps / .et), OLE based.
    Wps,
    OtherOle,
    Pdf,
    Html,
    Rtf,
    /// A zip that is not an OOXML word-processing or spreadsheet package.
    OtherZip(String),
    Unknown,
}

impl Sniffed {
    pub fn name(&self) -> &'static str {
        match self {
            Sniffed::Empty => "empty",
            Sniffed::Docx => "docx",
            Sniffed::Xlsx => "xlsx",
            Sniffed::EncryptedOoxml => "encrypted",
            Sniffed::Doc => "doc",
            Sniffed::Xls => "xls",
            Sniffed::Wps => "wps",
            Sniffed::OtherOle => "ole",
            Sniffed::Pdf => "pdf",
            Sniffed::Html => "html",
            Sniffed::Rtf => "rtf",
            Sniffed::OtherZip(_) => "zip",
            Sniffed::Unknown => "unknown",
        }
    }

    /// The error for a kind that has no reader (yet).
    pub fn into_error(self) -> ReadError {
        match self {
            Sniffed::Empty => ReadError::Empty,
            Sniffed::EncryptedOoxml => ReadError::Encrypted,
            Sniffed::OtherOle => {
                ReadError::Unsupported("an OLE compound file that is neither Word nor Excel".into())
            }
            Sniffed::OtherZip(why) => ReadError::Unsupported(format!(
                "a zip archive that is not a Word or Excel document ({why})"
            )),
            Sniffed::Unknown => ReadError::Unsupported(
                "unrecognised content (not docx, xlsx, xls, pdf or html)".into(),
            ),
            Sniffed::Docx
            | Sniffed::Xlsx
            | Sniffed::Xls
            | Sniffed::Pdf
            | Sniffed::Html
            | Sniffed::Doc
            | Sniffed::Wps
            | Sniffed::Rtf => {
                ReadError::Other("internal: a supported format reached the error path".into())
            }
        }
    }
}

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.is_empty() {
        return Sniffed::Empty;
    }
    if is_zip(bytes) {
        return sniff_zip(bytes);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return sniff_ole(bytes);
    }
    // The PDF header may follow up to 1 KiB of junk (readers accept it there).
    if bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
    {
        return Sniffed::Pdf;
    }
    if bytes.starts_with(b"{\\rtf") {
        return Sniffed::Rtf;
    }
    let head = &bytes[..bytes.len().min(2048)];
    let head = String::from_utf8_lossy(head).to_lowercase();
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<')
        && (head.contains("<html") || head.contains("<!doctype html") || head.contains("<body"))
    {
        return Sniffed::Html;
    }
    // An article fragment as site archives and crawlers store it: markup without html, head or
    // body, opening with an element (or a comment) that only HTML has.
    if trimmed.starts_with('<') && !trimmed.starts_with("<?xml") && is_html_fragment(trimmed) {
        return Sniffed::Html;
    }
    // Single-file web pages (.mht/.mhtml, also saved by Word as .doc): a MIME message —
    // Word's starts with MIME-Version, browsers' with From/Snapshot-Content-Location/Subject.
    if trimmed.starts_with("mime-version:")
        || ((trimmed.starts_with("from:")
            || trimmed.starts_with("content-type:")
            || trimmed.starts_with("snapshot-content-location:")
            || trimmed.starts_with("subject:")
            || trimmed.starts_with("date:"))
            && head.contains("multipart/related"))
    {
        return Sniffed::Html;
    }
    // UTF-16 HTML (Word can save web pages so).
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let utf16: String = head.chars().filter(|c| *c != '\0').collect();
        if utf16.contains("<html") {
            return Sniffed::Html;
        }
    }
    Sniffed::Unknown
}

/// Whether markup opens with an HTML element: `<div`, `<p>`, `<table` …, a `<meta>`, or a comment
/// followed by one of them.
fn is_html_fragment(lower: &str) -> bool {
    const TAGS: [&str; 16] = [
        "div", "p", "table", "span", "meta", "h1", "h2", "h3", "style", "center", "font",
        "section", "article", "title", "link", "br",
    ];
    let mut rest = lower;
    while let Some(after) = rest.strip_prefix("<!--") {
        rest = after.split_once("-->").map_or("", |(_, r)| r).trim_start();
    }
    let Some(tag) = rest.strip_prefix('<') else {
        return false;
    };
    let name: String = tag
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    TAGS.contains(&name.as_str())
}

fn sniff_zip(bytes: &[u8]) -> Sniffed {
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => zip_kind(&archive),
        // A truncated zip still starts with PK; let the reader report the zip error.
        Err(_) => Sniffed::Docx,
    }
}

/// Whether the bytes open with a zip's magic (a local file header, or the end record of an empty
/// archive).
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// What a zip package holds, from its part names.
pub(crate) fn zip_kind<R: std::io::Read + std::io::Seek>(archive: &zip::ZipArchive<R>) -> Sniffed {
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_lowercase()))
        .collect();
    let has = |n: &str| names.iter().any(|x| x.trim_start_matches('/') == n);
    if has("word/document.xml")
        || names
            .iter()
            .any(|n| n.ends_with("document.xml") && n.contains("word"))
    {
        Sniffed::Docx
    } else if has("xl/workbook.xml") || has("xl/workbook.bin") {
        Sniffed::Xlsx
    } else if has("[content_types].xml") {
        // An OOXML package of another kind (pptx, or a docx whose main part has another name):
        // let the docx reader follow the relationships and decide.
        if names.iter().any(|n| n.starts_with("ppt/")) {
            Sniffed::OtherZip("a PowerPoint presentation".into())
        } else {
            Sniffed::Docx
        }
    } else {
        Sniffed::OtherZip(format!("{} entries, no [Content_Types].xml", names.len()))
    }
}

fn sniff_ole(bytes: &[u8]) -> Sniffed {
    // Directory entry names are UTF-16LE; a search for the stream names is enough to tell the
    // kinds apart without parsing the FAT chain.
    let has = |name: &str| {
        let pat: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        bytes.windows(pat.len()).any(|w| w == pat.as_slice())
    };
    // A workbook stream is readable whoever wrote it (WPS saves real .xls files with an extra
    // ETExtData stream); WPS's own word-processing files carry a WordDocument stream too, so
    // their marker is checked before it.
    if has("EncryptedPackage") {
        Sniffed::EncryptedOoxml
    } else if has("Workbook") || has("Book") {
        Sniffed::Xls
    } else if has("WpsCustomData") || has("ETExtData") {
        Sniffed::Wps
    } else if has("WordDocument") {
        Sniffed::Doc
    } else {
        Sniffed::OtherOle
    }
}

/// The type of an image from its first bytes (a part's declared type is often generic or wrong).
pub fn image_type(data: &[u8]) -> Option<&'static str> {
    Some(if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if data.starts_with(b"GIF8") {
        "image/gif"
    } else if data.starts_with(b"BM") {
        "image/bmp"
    } else if data.starts_with(b"II*\0") || data.starts_with(b"MM\0*") {
        "image/tiff"
    } else if data.get(40..44) == Some(b" EMF") {
        "image/x-emf"
    } else if data.starts_with(&[0xD7, 0xCD, 0xC6, 0x9A]) {
        "image/x-wmf"
    } else if data.starts_with(b"RIFF") && data.get(8..12) == Some(b"WEBP") {
        "image/webp"
    } else {
        return None;
    })
}
