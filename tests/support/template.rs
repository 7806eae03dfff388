//! The real WPS-made template (`fixtures/real/政务公开年报模版.docx`, copied from
//! `/work/shared/corpus/real/`) filled with known values by editing `word/document.xml`: each data
//! cell's first paragraph gets a `<w:r><w:t>VALUE</w:t></w:r>` appended after whatever it holds
//! (WPS leaves runs of ideographic spaces `　` in some empty cells). Blank values leave the cell as
//! it is; `/` is written like a number.

use std::io::{Cursor, Read};

use super::docx::{esc, zip_parts};
use super::report::{template_locations, ExpSection, Expected, ReportSpec, V};

pub const TEMPLATE: &str = "fixtures/real/政务公开年报模版.docx";

pub fn template_bytes() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TEMPLATE);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Byte ranges `(start, end)` of the elements `<tag>` / `<tag …>` … `</tag>` directly inside `xml`
/// (no nesting of the same tag is assumed; the template has no nested tables).
fn elements(xml: &str, tag: &str) -> Vec<(usize, usize)> {
    let open_a = format!("<{tag}>");
    let open_b = format!("<{tag} ");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let a = xml[pos..].find(&open_a).map(|i| i + pos);
        let b = xml[pos..].find(&open_b).map(|i| i + pos);
        let start = match (a, b) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => break,
        };
        let end = xml[start..].find(&close).expect("closing tag") + start + close.len();
        out.push((start, end));
        pos = end;
    }
    out
}

/// Appends a run to the first paragraph of a `w:tc`.
fn fill_cell(tc: &str, value: &str) -> String {
    let run = format!("<w:r><w:t>{}</w:t></w:r>", esc(value));
    let p = tc
        .find("<w:p>")
        .into_iter()
        .chain(tc.find("<w:p "))
        .min()
        .expect("paragraph in cell");
    let rest = &tc[p..];
    let open_end = rest.find('>').expect("tag end") + p;
    if tc.as_bytes()[open_end - 1] == b'/' {
        // <w:p …/> → <w:p …>RUN</w:p>
        format!("{}>{run}</w:p>{}", &tc[..open_end - 1], &tc[open_end + 1..])
    } else {
        let close = tc[p..].find("</w:p>").expect("</w:p>") + p;
        format!("{}{run}{}", &tc[..close], &tc[close..])
    }
}

/// The data cells of the template, in figure order: (table, row, cell index within the row;
/// negative counts from the end of the row).
fn data_cells() -> Vec<(usize, usize, isize)> {
    let mut out = Vec::new();
    for row in [2, 3] {
        for c in 1..4 {
            out.push((0, row, c));
        }
    }
    for row in [6, 9, 10, 13] {
        out.push((0, row, 1));
    }
    for row in 3..28 {
        // The last 7 cells of rows 3..=27 of 表三 (their first cells are labels or merges).
        for c in 0..7 {
            out.push((1, row, c - 7));
        }
    }
    for c in 0..15 {
        out.push((2, 3, c));
    }
    out
}

/// Fills the document XML with `values` (200, in figure order).
pub fn fill_document_xml(xml: &str, values: &[V]) -> String {
    let cells = data_cells();
    assert_eq!(cells.len(), values.len(), "one value per data cell");
    // Collect edits (absolute byte range of the w:tc → replacement), then apply back to front.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let tables = elements(xml, "w:tbl");
    assert_eq!(tables.len(), 3, "the template has three tables");
    for ((t, r, c), v) in cells.into_iter().zip(values) {
        let text = match v {
            V::N(s) => s.clone(),
            V::Na => "/".to_string(),
            V::Blank => continue,
        };
        let (ts, te) = tables[t];
        let rows = elements(&xml[ts..te], "w:tr");
        let (rs, re) = rows[r];
        let (rs, re) = (ts + rs, ts + re);
        let tcs = elements(&xml[rs..re], "w:tc");
        let ci = if c < 0 {
            (tcs.len() as isize + c) as usize
        } else {
            c as usize
        };
        let (cs, ce) = tcs[ci];
        let (cs, ce) = (rs + cs, rs + ce);
        edits.push((cs, ce, fill_cell(&xml[cs..ce], &text)));
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = xml.to_string();
    for (s, e, rep) in edits {
        out.replace_range(s..e, &rep);
    }
    out
}

/// The values written into the template: those of the standard spec.
pub fn template_values() -> Vec<V> {
    let spec = ReportSpec::standard();
    let mut v = spec.t2.clone();
    for row in &spec.t3 {
        v.extend(row.iter().cloned());
    }
    v.extend(spec.t4.iter().cloned());
    v
}

/// The filled template as a .docx (entries rewritten in their original order, fixed timestamps).
pub fn build_template_filled() -> Vec<u8> {
    let bytes = template_bytes();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("template zip");
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        if f.is_dir() {
            continue;
        }
        let name = f.name().expect("entry name").to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read entry");
        if name == "word/document.xml" {
            let xml = String::from_utf8(data).expect("utf-8 document.xml");
            data = fill_document_xml(&xml, &template_values()).into_bytes();
        }
        parts.push((name, data));
    }
    zip_parts(&parts)
}

/// What the filled template must give: the standard spec's 200 figures at the template's cell
/// positions, and the six headings. The template has no office, dates or contacts.
pub fn expected_template() -> Expected {
    let spec = ReportSpec::standard();
    let mut e = spec.expected();
    e.check_meta = false;
    e.locations = Some(template_locations(false, 0));
    e.sections = spec
        .sections
        .iter()
        .map(|s| ExpSection {
            id: s.id,
            heading: s.heading(),
            known: vec![],
        })
        .collect();
    e
}
