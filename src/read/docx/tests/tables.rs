//! Tables: merged cells and nested tables.

use super::*;

#[test]
fn merged_cells_form_one_cell_each() {
    let body = r#"<w:tbl><w:tblPr><w:tblW w:w="0"/></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>B</w:t></w:r></w:p><w:p><w:r><w:t>B2</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>C</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>D</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>
<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>E</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>H</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc></w:tr>
<w:tr><w:trPr><w:gridAfter w:val="2"/></w:trPr><w:tc><w:p><w:r><w:t>F</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl>"#;
    let d = read(body);
    assert_eq!(d.body.len(), 1);
    let t = table(&d.body[0]);
    assert_eq!((t.rows, t.cols), (5, 3));
    assert_eq!(
        t.cells,
        vec![
            cell(0, 0, 1, 2, "A"),
            cell(0, 2, 2, 1, "B\nB2"),
            cell(1, 0, 1, 1, "C"),
            cell(1, 1, 1, 1, "D"),
            cell(2, 1, 1, 2, "E"),
            cell(3, 0, 1, 2, "H"),
            cell(4, 0, 1, 1, "F"),
        ]
    );
    assert_eq!(t.cell_at(1, 2).map(|c| c.text.as_str()), Some("B\nB2"));
}

#[test]
fn nested_tables_follow_their_parent() {
    let body = r#"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p><w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>内1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内2</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl><w:p><w:r><w:t>后</w:t></w:r></w:p>"#;
    let d = read(body);
    assert_eq!(d.body.len(), 3);
    assert_eq!(table(&d.body[0]).cells, vec![cell(0, 0, 1, 1, "外\n")]);
    let inner = table(&d.body[1]);
    assert_eq!(
        inner.cells,
        vec![cell(0, 0, 1, 1, "内1"), cell(0, 1, 1, 1, "内2")]
    );
    assert_eq!(paras(&d.body), ["后"]);
}
