//! Helpers shared by the fuzz targets: small limits (so a slow input is a finding, not a
//! timeout), and a zip writer that wraps fuzzed XML into a package.

use std::io::{Cursor, Write};

use nianbao::read::Limits;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Limits an order of magnitude under the defaults.
pub fn limits() -> Limits {
    Limits {
        max_total_inflated: 64 << 20,
        max_entry_inflated: 32 << 20,
        max_entries: 2_000,
        max_xml_depth: 256,
        max_xml_elements: 400_000,
        max_table_slots: 100_000,
        max_cell_chars: 100_000,
        max_image_pixels: 4_000_000,
        max_doc_pieces: 10_000,
        max_pdf_pages: 500,
        max_pdf_operators: 500_000,
    }
}

/// Runs the whole pipeline (sniff → read → recognise → check) on bytes.
pub fn pipeline(data: &[u8]) {
    // No OCR model: the fuzzer exercises parsing, not the recogniser's fixed-size inference
    // (pictures still go through the EMF path and are listed).
    let opts = nianbao::pipeline::Options {
        limits: limits(),
        max_file_bytes: 64 << 20,
        ocr: None,
        ..nianbao::pipeline::Options::default()
    };
    let _ = nianbao::pipeline::process_bytes(data, &opts);
}

/// Zips `parts` (stored, so the fuzzer's bytes reach the XML reader unchanged).
pub fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zw = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts {
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        zw.start_file(*name, opts).expect("zip entry");
        zw.write_all(data).expect("zip write");
    }
    zw.finish().expect("zip finish").into_inner()
}
