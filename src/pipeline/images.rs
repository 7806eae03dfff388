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
            let (width, height) =
                read::image_dimensions(&img.data).map_or((None, None), |(w, h)| (Some(w), Some(h)));
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

/// The statistical table each report section holds, by the prefix of its metric ids.
const TABLE_SECTIONS: [(&str, &str, &str); 3] = [
    ("active_disclosure", "t2.", "表二"),
    ("requests", "t3.", "表三"),
    ("review_litigation", "t4.", "表四"),
];

/// Warnings for pictures in a section whose statistical table gave no figures at all: the
/// figures are likely in the picture, and a report that lost them must not be `ok`. Each names
/// the picture and why it gave nothing: no ruled grid found, or a grid that matched no template.
pub(super) fn unread_table_pictures(
    doc: &Document,
    report: &AnnualReport,
    images: &[ImageInfo],
) -> Vec<String> {
    if report.kind != ReportKind::Annual {
        return Vec::new();
    }
    let read_as_table: std::collections::HashSet<usize> = doc
        .tables()
        .filter_map(|t| match t.origin {
            crate::model::TableOrigin::Image { image }
            | crate::model::TableOrigin::Vector { image } => Some(image),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for (section, prefix, table) in TABLE_SECTIONS {
        if report
            .figures
            .iter()
            .any(|f| f.metric.0.starts_with(prefix))
        {
            continue;
        }
        for (i, info) in images.iter().enumerate() {
            if info.section != section {
                continue;
            }
            let why = if read_as_table.contains(&i) {
                "was read as a table, but the table matched no template"
            } else {
                "gave no ruled table (too noisy, too small, or not a table)"
            };
            out.push(format!(
                "picture {} ({}) in the {table} section {why}: the report has no {table} figures",
                info.id, info.part
            ));
        }
    }
    out
}

/// Warnings for figures read from pictures whose cell gave text, not a number (`〇、`, a
/// smudge read as `：`): the figure is lost, and the report says so.
pub(super) fn unreadable_picture_figures(report: &AnnualReport) -> Vec<String> {
    let lost: Vec<String> = report
        .figures
        .iter()
        .filter(|f| f.origin == "image" && f.semantic == crate::recognise::Semantic::Text)
        .map(|f| format!("{} «{}» ({})", f.metric.0, f.raw, f.location))
        .collect();
    if lost.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "{} figure(s) read from pictures are not numbers, so their value is lost: {}",
        lost.len(),
        lost.join("; ")
    )]
}
