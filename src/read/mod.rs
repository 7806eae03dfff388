//! **read**: a file format → the one [`Document`](crate::model::Document) model.
//!
//! One module per format behind one entry point, as calamine does: [`read_auto`] sniffs the
//! bytes (never the extension) and dispatches. Readers never look at what the document means;
//! that is the recogniser's job.

pub mod docx;
pub mod image_table;
mod limits;
mod package;
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
    #[error("limit exceeded: {0}")]
    Limit(String),
    #[error("{0}")]
    Other(String),
}

/// Reads any supported document from its bytes, choosing the reader by content.
pub fn read_auto(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    match sniff(bytes) {
        Sniffed::Docx => docx::read_docx(bytes, limits),
        Sniffed::Xlsx | Sniffed::Xls => sheet::read_workbook(bytes, limits),
        other => Err(other.into_error()),
    }
}
