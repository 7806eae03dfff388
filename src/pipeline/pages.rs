//! Reports that are pictures of their pages (a scanned PDF, a .docx of one picture per page):
//! each page picture's text read by OCR ([`read::page_image`]) and put into the body where the
//! picture is, so that sections, dates and contacts come out as from a typed report.
//!
//! A picture is a scanned page when it is shaped like a page ([`page_image::page_shaped`]) and
//! its page has no text of its own: for a PDF, no paragraph on that page (the PDF reader names
//! a page's pictures `page{N}/…`); for other formats, next to no text in the whole body (under
//! [`TYPED_PER_PAGE`] characters per page picture — a typed title above the scans is allowed).
//!
//! Each page picture is decoded and cleaned once ([`page_image::decode_page`]: seal ink dropped,
//! paper flattened, dust erased, skew straightened); its ruled table is found once, and both
//! its text and its table are read from those pixels. The paragraphs above the table go before
//! the picture, the table and the paragraphs below it after, so the page keeps its order —
//! text, table, text.

use std::collections::HashSet;

use super::Options;
use crate::model::{Block, Document, TableGrid};
use crate::read::image_table;
use crate::read::page_image::{self, PageText};

/// Typed characters per page picture below which a non-PDF document counts as scanned.
const TYPED_PER_PAGE: usize = 100;

/// One page picture of the body.
struct ScannedPage {
    /// Position of its `Block::Image` in the body.
    pos: usize,
    image: usize,
    page: u32,
}

/// Reads the text and the table of the document's page pictures, when OCR models are
/// configured; warns when they are not, or when the detection model is missing. Returns the
/// pictures read (their table is read here, from the page cleaned once for text and table, so
/// the table-picture pass leaves them alone).
pub(super) fn read_scanned_pages(doc: &mut Document, opts: &Options) -> HashSet<usize> {
    let scans = scanned_pages(doc);
    if scans.is_empty() {
        return HashSet::new();
    }
    let models = opts.ocr.as_ref().map(|o| (o.detector(), o.get()));
    let (detector, recogniser) = match models {
        Some((Ok(d), Ok(r))) => (d, r),
        Some((Err(e), _)) | Some((_, Err(e))) => {
            doc.warnings.push(format!(
                "{} page picture(s) (a scan) not read as text: {e}",
                scans.len()
            ));
            return HashSet::new();
        }
        None => {
            doc.warnings.push(format!(
                "{} page picture(s) (a scan) not read as text: no OCR models (run scripts/setup-models)",
                scans.len()
            ));
            return HashSet::new();
        }
    };
    let mut tables: Vec<Option<Result<TableGrid, String>>> = Vec::with_capacity(scans.len());
    let mut read: Vec<Result<PageText, String>> = Vec::with_capacity(scans.len());
    for scan in &scans {
        let page = match page_image::decode_page(&doc.images[scan.image].data, &opts.limits) {
            Ok(page) => page,
            Err(e) => {
                read.push(Err(e.to_string()));
                tables.push(None);
                continue;
            }
        };
        let grid = page_image::find_table(&page.gray);
        read.push(
            page_image::read_page(&page, grid.as_ref(), scan.page, detector, recogniser)
                .map_err(|e| e.to_string()),
        );
        tables.push(grid.map(|g| {
            image_table::read_grid(&page, &g, scan.image, recogniser).map_err(|e| e.to_string())
        }));
    }
    join_across_pages(&mut read);
    let mut done = HashSet::new();
    // From the end, so inserting paragraphs does not move the positions still to visit.
    for ((scan, read), table) in scans.into_iter().zip(read).zip(tables).rev() {
        let part = doc.images[scan.image].part.clone();
        let table = match table {
            Some(Ok(t)) => Some(Block::Table(t)),
            Some(Err(e)) => {
                doc.warnings.push(format!("picture {part} skipped: {e}"));
                None
            }
            None => None,
        };
        match read {
            Ok(PageText {
                mut paragraphs,
                above_table,
                ..
            }) => {
                done.insert(scan.image);
                let count = paragraphs.len();
                let below = paragraphs.split_off(above_table.min(count));
                let above = paragraphs;
                let after = scan.pos + 1;
                let below = table
                    .into_iter()
                    .chain(below.into_iter().map(Block::Paragraph));
                doc.body.splice(after..after, below);
                doc.body
                    .splice(scan.pos..scan.pos, above.into_iter().map(Block::Paragraph));
                // The PDF reader's warning that this page's text is not read no longer holds.
                let unread = format!("page {} has no text layer", scan.page);
                doc.warnings.retain(|w| !w.starts_with(&unread));
                doc.reader_notes.push(format!(
                    "page {}: a picture of the page ({part}), {count} paragraph{} read by OCR",
                    scan.page,
                    if count == 1 { "" } else { "s" }
                ));
            }
            Err(e) => doc
                .warnings
                .push(format!("page picture {part} not read as text: {e}")),
        }
    }
    done
}

/// A paragraph that runs to the right margin at the foot of a page and goes on at the left
/// margin of the next page is one paragraph: the page break is not a paragraph break. Its box
/// stays the one on the first page.
fn join_across_pages(pages: &mut [Result<PageText, String>]) {
    for k in 1..pages.len() {
        let (before, after) = pages.split_at_mut(k);
        let (Ok(prev), Ok(next)) = (&mut before[k - 1], &mut after[0]) else {
            continue;
        };
        // A paragraph does not go on across a table at the top of the next page (the next
        // page's first paragraph lies below its table).
        if !(prev.ends_open && next.starts_flush)
            || next.paragraphs.is_empty()
            || next.above_table == 0
        {
            continue;
        }
        let Some(last) = prev.paragraphs.last_mut() else {
            continue;
        };
        let first = next.paragraphs.remove(0);
        next.above_table -= 1;
        last.text.push_str(&first.text);
        if let (Some(a), Some(b)) = (last.confidence, first.confidence) {
            last.confidence = Some((a + b) / 2.0);
        }
    }
}

/// The body's page pictures, in body order.
fn scanned_pages(doc: &Document) -> Vec<ScannedPage> {
    let page_shaped: Vec<(usize, usize)> = doc
        .placed_images()
        .filter(|&(_, i)| {
            doc.images.get(i).is_some_and(|im| {
                crate::read::image_dimensions(&im.data)
                    .is_some_and(|(w, h)| page_image::page_shaped(w, h))
            })
        })
        .collect();
    if page_shaped.is_empty() {
        return Vec::new();
    }
    let paragraphs = || {
        doc.body.iter().filter_map(|b| match b {
            Block::Paragraph(p) if !p.text.trim().is_empty() => Some(p),
            _ => None,
        })
    };
    let typed: usize = paragraphs().map(|p| p.text.trim().chars().count()).sum();
    let few_words = typed < TYPED_PER_PAGE * page_shaped.len();
    let mut out = Vec::new();
    for (n, (pos, image)) in page_shaped.into_iter().enumerate() {
        let pdf_page = pdf_page(&doc.images[image].part);
        let scanned = match pdf_page {
            Some(page) => !paragraphs().any(|p| p.page_box.is_some_and(|b| b.page == page)),
            None => few_words,
        };
        if scanned {
            out.push(ScannedPage {
                pos,
                image,
                page: pdf_page.unwrap_or(n as u32 + 1),
            });
        }
    }
    out
}

/// The page of a picture the PDF reader took from a page (`page3/image7` → 3).
fn pdf_page(part: &str) -> Option<u32> {
    part.strip_prefix("page")?.split_once('/')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(texts: &[&str], starts_flush: bool, ends_open: bool) -> Result<PageText, String> {
        Ok(PageText {
            paragraphs: texts
                .iter()
                .map(|t| crate::model::Paragraph {
                    text: t.to_string(),
                    confidence: Some(1.0),
                    ..Default::default()
                })
                .collect(),
            above_table: texts.len(),
            starts_flush,
            ends_open,
        })
    }

    fn texts(p: &Result<PageText, String>) -> Vec<String> {
        let p = p.as_ref().unwrap();
        p.paragraphs.iter().map(|p| p.text.clone()).collect()
    }

    #[test]
    fn a_paragraph_cut_by_a_page_break_is_joined() {
        let mut pages = vec![
            page(&["一、总体情况", "二是政策解读形式较"], true, true),
            page(&["为单一。", "改进措施：……"], true, true),
            // Indented first line: a new paragraph.
            page(&["三、其他"], false, false),
        ];
        join_across_pages(&mut pages);
        assert_eq!(
            texts(&pages[0]),
            ["一、总体情况", "二是政策解读形式较为单一。"]
        );
        assert_eq!(texts(&pages[1]), ["改进措施：……"]);
        assert_eq!(texts(&pages[2]), ["三、其他"]);
    }

    #[test]
    fn the_page_of_a_pdf_picture_is_in_its_part_name() {
        assert_eq!(pdf_page("page3/image7"), Some(3));
        assert_eq!(pdf_page("word/media/image1.png"), None);
        assert_eq!(pdf_page("pages/x"), None);
    }
}
