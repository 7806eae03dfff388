//! The recogniser and the checks on a document built from text: each line is a paragraph,
//! except lines starting with `|`, which are table rows (cells split on `|`; a cell `<` merges
//! into its left neighbour, `^` into the one above). Consecutive table lines form one table.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nianbao::model::{Block, Cell, Document, Paragraph, TableGrid, TableOrigin};

fn flush(rows: &mut Vec<Vec<String>>, body: &mut Vec<Block>) {
    if rows.is_empty() {
        return;
    }
    let mut cells: Vec<Cell> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate().take(64) {
            match text.as_str() {
                "<" => {
                    if let Some(left) = cells.iter_mut().rev().find(|x| x.row == r) {
                        left.colspan += 1;
                        continue;
                    }
                }
                "^" => {
                    if let Some(up) = cells
                        .iter_mut()
                        .rev()
                        .find(|x| x.col == c && x.row + x.rowspan == r)
                    {
                        up.rowspan += 1;
                        continue;
                    }
                }
                _ => {}
            }
            cells.push(Cell {
                row: r,
                col: c,
                rowspan: 1,
                colspan: 1,
                text: text.clone(),
                ..Cell::default()
            });
        }
    }
    body.push(Block::Table(TableGrid::from_cells(cells, TableOrigin::Word)));
    rows.clear();
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut body = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for line in text.lines().take(2_000) {
        if let Some(row) = line.strip_prefix('|') {
            rows.push(row.split('|').map(|s| s.to_string()).collect());
            if rows.len() >= 64 {
                flush(&mut rows, &mut body);
            }
        } else {
            flush(&mut rows, &mut body);
            body.push(Block::Paragraph(Paragraph {
                text: line.to_string(),
                ..Paragraph::default()
            }));
        }
    }
    flush(&mut rows, &mut body);
    let doc = Document {
        body,
        ..Document::default()
    };
    let report = nianbao::recognise::recognise(&doc);
    if report.kind == nianbao::recognise::ReportKind::Annual {
        let _ = nianbao::check::check_report(&report);
    }
});
