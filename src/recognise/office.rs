use crate::model::Document;
pub fn office_and_year(_doc: &Document, _lines: &[String]) -> (Option<String>, Option<i32>) {
    (None, None)
}
