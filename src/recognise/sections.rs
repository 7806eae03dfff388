use super::Section;
use crate::model::Document;
pub fn split_sections(_doc: &Document) -> Vec<Section> {
    Vec::new()
}
pub fn as_body(_doc: &Document) -> Vec<Section> {
    Vec::new()
}
