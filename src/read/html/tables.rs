//! HTML tables → the same merged-cell grids as Word tables: `rowspan`/`colspan` placed as a
//! browser places them, `&nbsp;`-only cells blank, `<br>`/`<p>` inside a cell kept as line
//! breaks. A table that holds another table (or has a single cell) lays out the page rather than
//! tabulating anything: it is read as text.

use ego_tree::NodeRef;
use scraper::Node;

use super::article::Page;
use super::text::Lines;
use crate::model::{Cell, TableGrid, TableOrigin};
use crate::read::{Limits, ReadError};

/// HTML's own caps on spans (the HTML standard clamps larger values to these).
const MAX_COLSPAN: usize = 1000;
const MAX_ROWSPAN: usize = 65534;

/// The rows of a table: its `tr`s, directly or in `thead`/`tbody`/`tfoot`, not those of tables
/// nested in its cells.
fn rows<'a>(table: NodeRef<'a, Node>) -> Vec<NodeRef<'a, Node>> {
    let mut out = Vec::new();
    for child in table.children() {
        match child.value().as_element().map(|e| e.name()) {
            Some("tr") => out.push(child),
            Some("thead" | "tbody" | "tfoot") => out.extend(
                child
                    .children()
                    .filter(|r| r.value().as_element().is_some_and(|e| e.name() == "tr")),
            ),
            _ => {}
        }
    }
    out
}

fn cells<'a>(row: NodeRef<'a, Node>) -> impl Iterator<Item = NodeRef<'a, Node>> {
    row.children().filter(|c| {
        c.value()
            .as_element()
            .is_some_and(|e| matches!(e.name(), "td" | "th"))
    })
}

/// Whether a table only lays out the page: it holds another table, or it has one cell.
pub fn is_layout(table: NodeRef<'_, Node>) -> bool {
    let nested = table
        .descendants()
        .skip(1)
        .any(|d| d.value().as_element().is_some_and(|e| e.name() == "table"));
    let rows = rows(table);
    let single = rows.len() <= 1 && rows.first().is_none_or(|r| cells(*r).count() <= 1);
    nested || single
}

/// A span attribute: HTML parses leading digits; missing, zero or junk is 1 for `colspan`;
/// `rowspan="0"` reaches to the end of the table.
fn span(value: Option<&str>, zero_means: usize, cap: usize) -> usize {
    let digits: String = value
        .unwrap_or("")
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .take(9)
        .collect();
    match digits.parse::<usize>() {
        Ok(0) => zero_means,
        Ok(n) => n.min(cap),
        Err(_) => 1,
    }
}

/// The grid of a data table and the `src` of the pictures inside its cells.
pub fn grid(
    table: NodeRef<'_, Node>,
    page: &Page<'_>,
    limits: &Limits,
) -> Result<(TableGrid, Vec<String>), ReadError> {
    let rows = rows(table);
    let n_rows = rows.len();
    let mut taken: Vec<Vec<bool>> = vec![Vec::new(); n_rows];
    let mut out = Vec::new();
    let mut pictures = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let mut col = 0;
        for cell in cells(*row) {
            if page.is_skipped(cell.id()) {
                continue;
            }
            let e = cell.value().as_element().expect("a cell is an element");
            while taken[r].get(col).copied().unwrap_or(false) {
                col += 1;
            }
            let colspan = span(e.attr("colspan"), 1, MAX_COLSPAN);
            let rowspan = span(e.attr("rowspan"), n_rows - r, MAX_ROWSPAN).min(n_rows - r);
            let width = col + colspan;
            if (width as u64).saturating_mul(n_rows as u64) > limits.max_table_slots as u64 {
                return Err(ReadError::Limit(format!(
                    "a table of the web page has more than {} slots (rows × columns; \
                     Limits::max_table_slots)",
                    limits.max_table_slots
                )));
            }
            for slots in taken.iter_mut().skip(r).take(rowspan) {
                if slots.len() < width {
                    slots.resize(width, false);
                }
                for s in &mut slots[col..width] {
                    *s = true;
                }
            }
            let mut lines = Lines::default();
            cell_text(cell, page, &mut lines, &mut pictures, 0, limits)?;
            let text = lines.finish().join("\n");
            if text.chars().count() > limits.max_cell_chars {
                return Err(ReadError::Limit(format!(
                    "a table cell of the web page holds more than {} characters \
                     (Limits::max_cell_chars)",
                    limits.max_cell_chars
                )));
            }
            out.push(Cell {
                row: r,
                col,
                rowspan,
                colspan,
                text,
                ..Cell::default()
            });
            col = width;
        }
    }
    Ok((TableGrid::from_cells(out, TableOrigin::Html), pictures))
}

/// A cell's text: blocks and `<br>` break lines; pictures are collected.
fn cell_text(
    node: NodeRef<'_, Node>,
    page: &Page<'_>,
    lines: &mut Lines,
    pictures: &mut Vec<String>,
    depth: usize,
    limits: &Limits,
) -> Result<(), ReadError> {
    if depth > limits.max_xml_depth {
        return Err(super::too_deep(limits));
    }
    for child in node.children() {
        match child.value() {
            Node::Text(t) => lines.push(t),
            Node::Element(e) if !page.is_skipped(child.id()) => {
                let name = e.name();
                if name == "br" {
                    lines.break_line();
                } else if name == "img" {
                    if let Some(src) = super::picture_source(e) {
                        pictures.push(src.to_string());
                    }
                } else if super::is_block(name) {
                    lines.break_line();
                    cell_text(child, page, lines, pictures, depth + 1, limits)?;
                    lines.break_line();
                } else {
                    cell_text(child, page, lines, pictures, depth + 1, limits)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}
