use super::Contacts;
use crate::model::Document;
pub fn find_contacts(_doc: &Document, _lines: &[String]) -> Contacts {
    Contacts::default()
}
