//! One file: read → tables in pictures → recognise → check (→ digits read again), never a panic
//! out of it.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::batch::BatchItem;
use super::budget::{MemoryBudget, Permit};
use super::images::{
    describe_images, oversized_images, unread_table_pictures, unreadable_picture_figures,
};
use super::{reread, Extracted, FileError, FileOutcome, Options, Stage};
use crate::check::check_report;
use crate::model::{Block, Document};
use crate::read;
use crate::read::image_table::{self, emf};
use crate::recognise::{recognise, ReportKind};

/// Reads, recognises and checks one file. Never panics: a panic inside becomes an error row.
pub fn process_file(path: &Path, opts: &Options) -> FileOutcome {
    match process_file_unless(path, opts, &|_| false) {
        BatchItem::Processed(o) => *o,
        BatchItem::Unchanged { .. } => unreachable!("nothing is skipped"),
    }
}

/// Like [`process_file`], but a file whose sha256 satisfies `known` is not read any further.
pub fn process_file_unless(
    path: &Path,
    opts: &Options,
    known: &(dyn Fn(&str) -> bool + Sync),
) -> BatchItem {
    process_within(path, opts, known, None).0
}

/// [`process_file_unless`] that first waits for the file's share of `budget`, and returns the
/// permit so the caller can hold it while it prepares the outcome for writing.
pub(super) fn process_within<'b>(
    path: &Path,
    opts: &Options,
    known: &(dyn Fn(&str) -> bool + Sync),
    budget: Option<&'b MemoryBudget>,
) -> (BatchItem, Option<Permit<'b>>) {
    let source = path.to_string_lossy().into_owned();
    // Taken before the file is read: a file waiting for its turn holds nothing yet.
    let permit = budget.map(|b| b.acquire(read::memory_estimate(path)));
    let bytes = match read_capped(path, opts.max_file_bytes) {
        Ok(b) => b,
        Err(message) => {
            let failed = BatchItem::Processed(Box::new(FileOutcome {
                source,
                sha256: String::new(),
                format: String::new(),
                result: Err(FileError {
                    stage: Stage::Open,
                    message,
                }),
            }));
            return (failed, permit);
        }
    };
    let sha256 = hex(&Sha256::digest(&bytes));
    if known(&sha256) {
        return (BatchItem::Unchanged { source, sha256 }, permit);
    }
    let format = read::sniff(&bytes).name().to_string();
    // The recogniser's counters are behind a Mutex that tolerates poisoning, so unwinding is safe.
    // The file's bytes are dropped as soon as the document is read: for a report of 50 MB of
    // photos they are as large as the document's own copies of the pictures.
    // A saved web page's pictures are files beside it: its reader may look in its folder.
    let folder = path.parent().map(|p| {
        if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        }
    });
    let run = std::panic::AssertUnwindSafe(move || {
        let document = read_document(&bytes, opts, folder)?;
        drop(bytes);
        Ok(finish_document(document, opts))
    });
    let result = std::panic::catch_unwind(run).unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(FileError {
            stage: Stage::Internal,
            message: format!("internal error while reading this file (please report it): {what}"),
        })
    });
    let outcome = BatchItem::Processed(Box::new(FileOutcome {
        source,
        sha256,
        format,
        result,
    }));
    (outcome, permit)
}

/// The pipeline on bytes already in memory.
pub fn process_bytes(bytes: &[u8], opts: &Options) -> Result<Extracted, FileError> {
    Ok(finish_document(read_document(bytes, opts, None)?, opts))
}

pub(super) fn read_document(
    bytes: &[u8],
    opts: &Options,
    folder: Option<&Path>,
) -> Result<Document, FileError> {
    read::read_auto_in(bytes, &opts.limits, folder).map_err(|e| FileError {
        stage: Stage::Read,
        message: name_limit_flags(&e.to_string()),
    })
}

/// Everything after reading: the tables in pictures, recognition, checks.
pub(super) fn finish_document(mut document: Document, opts: &Options) -> Extracted {
    let pages_read = super::pages::read_scanned_pages(&mut document, opts);
    read_picture_tables(&mut document, opts, &pages_read);
    let mut report = recognise(&document);
    let mut checks = if report.kind == ReportKind::Annual {
        check_report(&report)
    } else {
        Vec::new()
    };
    // Only digits read by OCR are read again; asking for the recogniser loads it.
    let read_by_ocr = document
        .tables()
        .any(|t| matches!(t.origin, crate::model::TableOrigin::Image { .. }));
    let reader = opts.ocr.as_ref().filter(|_| read_by_ocr).map(|o| o.get());
    if let Some(Ok(reader)) = reader {
        if reread::reread_doubted_digits(&mut document, &report, &checks, reader, &opts.limits) {
            report = recognise(&document);
            checks = check_report(&report);
        }
    }
    let images = describe_images(&document, &report);
    if opts.ocr.is_some() {
        let unread = unread_table_pictures(&document, &report, &images);
        document.warnings.extend(unread);
        document
            .warnings
            .extend(unreadable_picture_figures(&report));
    }
    // With OCR, an oversized picture was already reported when its table was to be read.
    if opts.ocr.is_none() {
        document
            .warnings
            .extend(oversized_images(&images, opts.limits.max_image_pixels));
    }
    Extracted {
        document,
        report,
        checks,
        images,
    }
}

/// Reads the tables in the document's pictures and puts each right after its picture, where
/// the recogniser finds it like any other table. EMF pictures are read from their text records
/// and need no OCR. Page pictures whose table the scanned-page pass read (`pages_read`) are left
/// alone.
pub(super) fn read_picture_tables(
    doc: &mut Document,
    opts: &Options,
    pages_read: &std::collections::HashSet<usize>,
) {
    let anchored: Vec<(usize, usize)> = doc
        .placed_images()
        .filter(|(_, i)| !pages_read.contains(i))
        .collect();
    let mut unread = 0;
    let mut why_unread = "no OCR models (run scripts/setup-models)".to_string();
    // From the end, so inserting a table does not move the positions still to visit.
    for (pos, index) in anchored.into_iter().rev() {
        let Some(image) = doc.images.get(index) else {
            continue;
        };
        let ocr = match opts.ocr.as_ref().map(|o| o.get()) {
            Some(Ok(ocr)) => Some(ocr),
            Some(Err(e)) => {
                why_unread = e.to_string();
                None
            }
            None => None,
        };
        let result = match ocr {
            Some(ocr) => image_table::read_table_image(&image.data, index, ocr, &opts.limits),
            None if emf::is_emf(&image.data) => emf::read_emf_table(&image.data, index),
            None => {
                unread += 1;
                continue;
            }
        };
        match result {
            Ok(Some(grid)) => doc.body.insert(pos + 1, Block::Table(grid)),
            Ok(None) => {}
            Err(e) => {
                let part = image.part.clone();
                doc.warnings.push(format!("picture {part} skipped: {e}"));
            }
        }
    }
    if unread > 0 {
        doc.warnings.push(format!(
            "{unread} picture(s) not read for tables: {why_unread}"
        ));
    }
}

/// Readers name a limit by its `Limits` field; the person reading errors.csv needs the flag.
pub(super) fn name_limit_flags(message: &str) -> String {
    const FLAGS: [(&str, &str); 4] = [
        ("Limits::max_xml_depth", "--max-xml-depth raises the limit"),
        (
            "Limits::max_table_slots",
            "--max-table-cells raises the limit",
        ),
        (
            "Limits::max_cell_chars",
            "--max-cell-chars raises the limit",
        ),
        (
            "Limits::max_image_pixels",
            "--max-image-mp raises the limit",
        ),
    ];
    let mut out = message.to_string();
    for (field, flag) in FLAGS {
        out = out.replace(field, flag);
    }
    out
}

pub(super) fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    // Sized from the file's length: from an empty buffer, reading to the end took ten reads of
    // a 7 KB report (32 bytes, 32, 64, … doubling). One more byte shows the end, or a file
    // that grew past the cap.
    let len = file.metadata().map_or(0, |m| m.len());
    let mut bytes = Vec::with_capacity(len.min(cap) as usize + 1);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(format!(
            "limit exceeded: file is larger than {cap} bytes (--max-file-mb raises it)"
        ));
    }
    Ok(bytes)
}

pub(super) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_in_lower_case_hex() {
        assert_eq!(hex(&[0x00, 0x09, 0x9f, 0xa0, 0xff]), "00099fa0ff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn a_file_is_read_whole_or_refused_over_the_cap() {
        let path = std::env::temp_dir().join(format!("nianbao-read-capped-{}", std::process::id()));
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_capped(&path, 10).unwrap(), b"0123456789");
        assert!(read_capped(&path, 9)
            .unwrap_err()
            .contains("larger than 9 bytes"));
        std::fs::remove_file(&path).unwrap();
    }
}
