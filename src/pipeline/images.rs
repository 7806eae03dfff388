//! What `images.csv` lists about each embedded picture: type, size, hash and the section it sits in.

use sha2::{Digest, Sha256};

use super::file::hex;
use super::ImageInfo;
use crate::model::Document;
use crate::read;
use crate::recognise::{AnnualReport, ReportKind};

pub(super) fn describe_images(doc: &Document, report: &AnnualReport) -> Vec<ImageInfo> {
    let sections = image_sections(doc, report);
    doc.images
        .iter()
        .enumerate()
        .map(|(i, img)| {
            let content_type = read::sniff::image_type(&img.data)
                .map(str::to_string)
                .unwrap_or_else(|| img.content_type.clone());
            let (width, height) = image::ImageReader::new(std::io::Cursor::new(&img.data))
                .with_guessed_format()
                .ok()
                .and_then(|r| r.into_dimensions().ok())
                .map_or((None, None), |(w, h)| (Some(w), Some(h)));
            ImageInfo {
                id: format!("I{}", i + 1),
                part: img.part.clone(),
                content_type,
                width,
                height,
                bytes: img.data.len(),
                sha256: hex(&Sha256::digest(&img.data)),
                section: sections.get(&i).cloned().unwrap_or_default(),
                description: img.description.clone().unwrap_or_default(),
            }
        })
        .collect()
}

/// Warnings for pictures whose header declares more pixels than the limit: they are listed but
/// never decoded (a few bytes of PNG can declare 60000 × 60000 pixels, 10 GB once decoded).
pub(super) fn oversized_images(images: &[ImageInfo], max_pixels: u64) -> Vec<String> {
    images
        .iter()
        .filter_map(|i| {
            let (w, h) = (u64::from(i.width?), u64::from(i.height?));
            (w * h > max_pixels).then(|| {
                format!(
                    "image {} ({}) declares {w} × {h} pixels, more than the limit of {} pixels \
                     (--max-image-mp raises it): skipped, not decoded",
                    i.id, i.part, max_pixels
                )
            })
        })
        .collect()
}

/// The section each anchored image sits in: the body is walked, switching section at each
/// paragraph that prints as one of the recognised section headings.
pub(super) fn image_sections(
    doc: &Document,
    report: &AnnualReport,
) -> std::collections::HashMap<usize, String> {
    use crate::model::Block;
    let mut current = if report.kind == ReportKind::Annual {
        "preamble"
    } else {
        "body"
    };
    let mut out = std::collections::HashMap::new();
    for block in &doc.body {
        match block {
            Block::Paragraph(p) => {
                let printed = p.printed();
                let printed = printed.trim();
                if let Some(s) = report
                    .sections
                    .iter()
                    .find(|s| !s.heading.is_empty() && s.heading.trim() == printed)
                {
                    current = s.id.as_str();
                }
            }
            Block::Image(i) => {
                out.entry(*i).or_insert_with(|| current.to_string());
            }
            Block::Table(_) => {}
        }
    }
    out
}
