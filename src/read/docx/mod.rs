//! Streaming .docx reader: WordprocessingML → [`Document`], one pass per part (`tokens.rs`), no DOM.
//!
//! Parts are found through relationships (`_rels/.rels` → main part → its rels for styles,
//! numbering, headers/footers, notes, comments and pictures); elements are matched by local name
//! so Strict OOXML reads the same as Transitional. See `shared/spec/prior-art.md`, "Reading
//! .docx: a checklist", for the behaviours implemented here.

mod diagram;
pub(crate) mod numbering;
mod story;
mod styles;
mod tokens;
mod xml;

#[cfg(test)]
mod tests;

use super::package::Relationship;
use super::{Limits, Package, ReadError};
use crate::model::{Block, Document, ImagePart};
use numbering::Numbering;
use story::{Images, Story, Warnings};
use styles::Styles;
use xml::Xml;

/// Reads a .docx package from its bytes.
pub fn read_docx(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    read_docx_package(Package::open(bytes, limits)?, limits)
}

/// Reads a .docx package already opened.
pub(crate) fn read_docx_package(mut pkg: Package, limits: &Limits) -> Result<Document, ReadError> {
    let mut warnings = Warnings::default();

    let main = match pkg.main_part()? {
        Some(m) => m,
        None if pkg.has_part("word/document.xml") => {
            warnings.push(
                "the package has no officeDocument relationship; read word/document.xml".into(),
            );
            "word/document.xml".to_string()
        }
        None => {
            return Err(ReadError::Unsupported(
                "zip package without a Word document: no officeDocument relationship in \
                 _rels/.rels and no word/document.xml"
                    .into(),
            ))
        }
    };
    if let Some(ct) = pkg.content_type(&main) {
        let other_office = [
            "spreadsheetml",
            "presentationml",
            "ms-excel",
            "ms-powerpoint",
        ];
        if other_office.iter().any(|o| ct.contains(o)) {
            return Err(ReadError::Unsupported(format!(
                "the main part {main} is {ct}, not a Word document"
            )));
        }
    }
    let main_xml = pkg
        .read_part_opt(&main)?
        .map(utf8_xml)
        .ok_or_else(|| ReadError::MissingPart(main.clone()))?;
    let rels = pkg.relationships(&main)?;

    let styles = match optional_part(&mut pkg, &rels, "styles", &mut warnings)? {
        Some((name, xml)) => Styles::parse(&xml, &name, limits.max_xml_depth).unwrap_or_else(|e| {
            warnings.push(format!("styles ignored: {e}"));
            Styles::default()
        }),
        None => {
            warnings.push("no styles part: style names and heading levels are unknown".into());
            Styles::default()
        }
    };
    let numbering = match optional_part(&mut pkg, &rels, "numbering", &mut warnings)? {
        Some((name, xml)) => {
            Numbering::parse(&xml, &name, limits.max_xml_depth).unwrap_or_else(|e| {
                warnings.push(format!("list numbering ignored: {e}"));
                Numbering::default()
            })
        }
        None => Numbering::default(),
    };

    let mut images = Images {
        existing: pkg
            .part_names()
            .iter()
            .map(|n| n.trim_start_matches('/').to_lowercase())
            .collect(),
        ..Images::default()
    };

    let body = {
        let mut story = Story::new(
            &styles,
            &numbering,
            rels.clone(),
            &mut images,
            &mut warnings,
            limits,
        );
        story.diagrams = diagrams(&mut pkg, &rels, limits, story.warnings)?;
        let mut x = Xml::new(&main_xml, &main, limits.max_xml_depth);
        let blocks = story.read_part(&mut x)?;
        (blocks, std::mem::take(&mut story.note_marks))
    };
    // The main part's XML is by far the largest buffer; the rest of the package is read without it.
    drop(main_xml);

    let (mut body, note_marks) = body;
    read_embedded_workbooks(&mut pkg, &rels, limits, &mut warnings, &mut body)?;

    let mut furniture = Vec::new();
    let mut notes = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for rel in &rels {
        let dest = match rel.kind.as_str() {
            "header" | "footer" => &mut furniture,
            "footnotes" | "endnotes" | "comments" => &mut notes,
            _ => continue,
        };
        if rel.target.eq_ignore_ascii_case(&main) {
            warnings.push(format!(
                "relationship cycle: {} {} is the main part",
                rel.kind, rel.id
            ));
            continue;
        }
        if rel.external || !seen.insert(rel.target.to_lowercase()) {
            continue;
        }
        let Some(xml) = pkg.read_part_opt(&rel.target)?.map(utf8_xml) else {
            warnings.push(format!("{} part {} is missing", rel.kind, rel.target));
            continue;
        };
        let story_rels = pkg.relationships(&rel.target)?;
        let mut story = Story::new(
            &styles,
            &numbering,
            story_rels.clone(),
            &mut images,
            &mut warnings,
            limits,
        );
        story.diagrams = diagrams(&mut pkg, &story_rels, limits, story.warnings)?;
        story.note_marks = note_marks.clone();
        let mut x = Xml::new(&xml, &rel.target, limits.max_xml_depth);
        match story.read_part(&mut x) {
            Ok(blocks) => dest.extend(blocks),
            Err(ReadError::Xml { part, message }) => {
                warnings.push(format!("{part} skipped: broken XML: {message}"))
            }
            Err(e) => return Err(e),
        }
    }

    // Pictures never referenced from the text still belong to the document.
    let media_dir = match main.rfind('/') {
        Some(i) => format!("{}/media/", &main[..i]),
        None => "media/".to_string(),
    };
    let media_dir = media_dir.to_lowercase();
    for name in pkg.part_names() {
        let clean = name.trim_start_matches('/');
        if clean.to_lowercase().starts_with(&media_dir)
            && !clean.ends_with('/')
            && !images.contains(clean)
        {
            images.register(clean);
        }
    }

    let mut image_parts = Vec::with_capacity(images.parts.len());
    for (i, part) in images.parts.iter().enumerate() {
        let data = pkg.read_part_opt(part)?.unwrap_or_default();
        let content_type = pkg
            .content_type(part)
            .map(str::to_string)
            .filter(|t| !t.is_empty() && t != "application/octet-stream")
            .unwrap_or_else(|| {
                super::sniff::image_type(&data)
                    .unwrap_or("application/octet-stream")
                    .to_string()
            });
        image_parts.push(ImagePart {
            part: part.clone(),
            content_type,
            data,
            description: images.descriptions.get(&i).cloned(),
        });
    }

    Ok(Document {
        body,
        furniture,
        notes,
        images: image_parts,
        warnings: warnings.list,
        reader_notes: Vec::new(),
    })
}

/// Excel objects embedded in the document (`word/embeddings/*.xlsx` behind an OLE preview
/// picture): the workbook is read like any spreadsheet and its tables follow the body, so the
/// figures of a table pasted as an Excel object are read from its cells, not from its picture.
fn read_embedded_workbooks(
    pkg: &mut Package,
    rels: &[Relationship],
    limits: &Limits,
    warnings: &mut Warnings,
    body: &mut Vec<Block>,
) -> Result<(), ReadError> {
    for rel in rels
        .iter()
        .filter(|r| !r.external && matches!(r.kind.as_str(), "package" | "oleObject"))
    {
        let Some(bytes) = pkg.read_part_opt(&rel.target)? else {
            continue;
        };
        if !matches!(
            super::sniff(&bytes),
            super::Sniffed::Xlsx | super::Sniffed::Xls
        ) {
            continue;
        }
        match super::sheet::read_workbook(&bytes, limits) {
            Ok(book) => {
                // The reader noted the object as unread; it has been read now.
                let marker = format!("({})", rel.target);
                warnings.list.retain(|w| !w.contains(&marker));
                body.extend(
                    book.body
                        .into_iter()
                        .filter(|b| matches!(b, Block::Table(_))),
                );
            }
            Err(e) => warnings.push(format!("embedded workbook {} not read: {e}", rel.target)),
        }
    }
    Ok(())
}

/// SmartArt text of the diagram data parts a story refers to.
fn diagrams(
    pkg: &mut Package,
    rels: &[Relationship],
    limits: &Limits,
    warnings: &mut Warnings,
) -> Result<std::collections::HashMap<String, Vec<String>>, ReadError> {
    let mut out = std::collections::HashMap::new();
    for rel in rels
        .iter()
        .filter(|r| r.kind == "diagramData" && !r.external)
    {
        let Some(xml) = pkg.read_part_opt(&rel.target)?.map(utf8_xml) else {
            continue;
        };
        match diagram::node_texts(&xml, &rel.target, limits.max_xml_depth) {
            Ok(texts) => {
                out.insert(rel.target.clone(), texts);
            }
            Err(ReadError::Xml { part, message }) => {
                warnings.push(format!("{part} skipped: broken XML: {message}"))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// XML part bytes as UTF-8: a UTF-16 part (BOM-marked) is transcoded, a UTF-8 BOM dropped.
fn utf8_xml(bytes: Vec<u8>) -> Vec<u8> {
    let utf16 = |be: bool| -> Vec<u8> {
        let units = bytes.get(2..).unwrap_or_default().chunks_exact(2).map(|c| {
            if be {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
            .into_bytes()
    };
    match bytes.get(..3) {
        Some([0xEF, 0xBB, 0xBF]) => bytes.get(3..).unwrap_or_default().to_vec(),
        Some([0xFF, 0xFE, _]) => utf16(false),
        Some([0xFE, 0xFF, _]) => utf16(true),
        _ => bytes,
    }
}

/// The part behind the first relationship of `kind`, if the package has it.
fn optional_part(
    pkg: &mut Package,
    rels: &[Relationship],
    kind: &str,
    warnings: &mut Warnings,
) -> Result<Option<(String, Vec<u8>)>, ReadError> {
    let Some(rel) = rels.iter().find(|r| r.kind == kind && !r.external) else {
        return Ok(None);
    };
    match pkg.read_part_opt(&rel.target)? {
        Some(xml) => Ok(Some((rel.target.clone(), utf8_xml(xml)))),
        None => {
            warnings.push(format!("{kind} part {} is missing", rel.target));
            Ok(None)
        }
    }
}
