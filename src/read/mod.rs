//! **read**: a file format → the one [`Document`](crate::model::Document) model.
//!
//! One module per format behind one entry point, as calamine does: [`read_auto`] sniffs the
//! bytes (never the extension) and dispatches. Readers never look at what the document means;
//! that is the recogniser's job.

pub mod columns;
pub mod doc;
pub mod docx;
pub mod grid;
pub mod html;
pub mod image_table;
mod limits;
mod package;
pub mod page_image;
pub mod pdf;
pub mod rtf;
pub mod sheet;
pub mod sniff;

pub use limits::Limits;
pub use package::Package;
pub use sniff::{sniff, Sniffed};

use crate::model::Document;

/// Why a file could not be read. Messages are written for the person reading `errors.csv`.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("empty file (0 bytes)")]
    Empty,
    #[error("not a supported document: {0}")]
    Unsupported(String),
    #[error("encrypted document: it cannot be read without the password")]
    Encrypted,
    #[error("corrupt or truncated zip package: {0}")]
    Zip(String),
    #[error("broken XML in {part}: {message}")]
    Xml { part: String, message: String },
    #[error("missing part {0} in the package")]
    MissingPart(String),
    /// A compound (OLE) file whose structure is broken: a sector chain that loops, a FAT that
    /// points outside the file.
    #[error("corrupt OLE compound file: {0}")]
    Ole(String),
    /// A Word binary document whose records do not hold together.
    #[error("corrupt Word 97-2003 document: {0}")]
    Doc(String),
    #[error("limit exceeded: {0}")]
    Limit(String),
    #[error("{0}")]
    Other(String),
}

/// A rough upper bound, in bytes, of the memory that reading a file takes: the file, its XML
/// parts twice (the inflated text, then the document model made of it) and its other parts
/// once (pictures are copied out of the package). A batch uses it to keep the files it reads at
/// once within a memory budget, before it reads them. Only the zip directory at the end of a
/// large file is read; a small file is assumed to inflate tenfold. Declared sizes are taken as
/// they are: the caps apply later, when the parts are really inflated.
pub fn memory_estimate(path: &std::path::Path) -> u64 {
    const SMALL: u64 = 1 << 20;
    // One `stat` for the usual small report; the file is opened only to look inside a large one.
    let Ok(len) = std::fs::metadata(path).map(|m| m.len()) else {
        return 0;
    };
    if len < SMALL {
        return len.saturating_mul(20);
    }
    let Ok(file) = std::fs::File::open(path) else {
        return 0;
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return len.saturating_mul(2);
    };
    let mut total = len;
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index_raw(i) else {
            continue;
        };
        let xml = part
            .name()
            .is_ok_and(|name| name.to_ascii_lowercase().ends_with(".xml"));
        total = total.saturating_add(part.size().saturating_mul(if xml { 2 } else { 1 }));
    }
    total
}

/// East Asian wide characters (CJK ideographs, kana, hangul, full-width forms and punctuation):
/// text that runs on without spaces, where a line end is no word break.
pub(crate) fn is_east_asian_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Reads any supported document from its bytes, choosing the reader by content.
pub fn read_auto(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    read_auto_in(bytes, limits, None)
}

/// [`read_auto`] for a file's bytes, with the folder the file lies in: a saved web page's
/// pictures are files beside it (read only from inside that folder). Other formats are whole in
/// their bytes and ignore it.
pub fn read_auto_in(
    bytes: &[u8],
    limits: &Limits,
    folder: Option<&std::path::Path>,
) -> Result<Document, ReadError> {
    // A zip's directory is read once, for the sniffing and the reading both (reading it twice
    // was a hundredth of a report's time).
    if sniff::is_zip(bytes) {
        // A zip that does not open is reported as the docx reader reported it.
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| ReadError::Zip(e.to_string()))?;
        return match sniff::zip_kind(&archive) {
            Sniffed::Docx => {
                docx::read_docx_package(Package::from_archive(archive, limits)?, limits)
            }
            Sniffed::Xlsx => sheet::read_workbook(bytes, limits),
            other => Err(other.into_error()),
        };
    }
    match sniff(bytes) {
        Sniffed::Docx => docx::read_docx(bytes, limits),
        Sniffed::Xlsx | Sniffed::Xls => sheet::read_workbook(bytes, limits),
        Sniffed::Pdf => pdf::read_pdf(bytes, limits),
        Sniffed::Html => html::read_html(bytes, limits, folder),
        Sniffed::Doc => doc::read_doc(bytes, limits),
        Sniffed::Rtf => rtf::read_rtf(bytes, limits),
        // WPS Office's .wps is the Word 97 binary format with streams of its own.
        Sniffed::Wps => doc::read_doc(bytes, limits).map_err(|e| match e {
            ReadError::Doc(m) => ReadError::Doc(format!("WPS Office .wps file: {m}")),
            ReadError::Ole(m) => ReadError::Ole(format!("WPS Office .wps file: {m}")),
            ReadError::Unsupported(m) => {
                ReadError::Unsupported(format!("WPS Office .wps/.et file: {m}"))
            }
            other => other,
        }),
        other => Err(other.into_error()),
    }
}

/// A picture's width and height from its header, without decoding it (`None` when the format is
/// not one the image crate knows or the header is broken).
pub fn image_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok())
}
