use super::{Figure, TableFormat};
use crate::model::Document;
#[derive(Debug, Default)]
pub struct MappedTables {
    pub figures: Vec<Figure>,
    pub formats: Vec<TableFormat>,
}
pub fn map_tables(_doc: &Document, _warnings: &mut Vec<String>) -> MappedTables {
    MappedTables::default()
}
