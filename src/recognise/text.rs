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
