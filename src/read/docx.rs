//! .docx reader (stub, replaced by the streaming reader).
use super::{Limits, ReadError};
use crate::model::Document;

pub fn read_docx(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let _ = super::Package::open(bytes, limits)?;
    Ok(Document::default())
}
