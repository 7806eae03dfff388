//! Unit tests: small .docx packages built in memory from raw XML. This file holds the package
//! builder and shared parts; the tests live in one file per topic.

mod lists;
mod parts;
mod robustness;
mod tables;
mod text;
mod tools;

use std::io::Write;

use super::numbering::format_number;
use super::read_docx;
use crate::model::{Block, Cell, Document, Paragraph, TableGrid};
use crate::read::{Limits, ReadError};

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office""#;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// Builds a package: `parts` are (part name, content) pairs; `rels` are the main part's
/// relationships as (id, type suffix, target relative to `word/`); a target starting with
/// `http` is external.
fn package(parts: &[(&str, &[u8])], rels: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, data: &[u8]| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(data).unwrap();
    };
    put(
        "[Content_Types].xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
    );
    put(
        "_rels/.rels",
        br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
    );
    let mut r = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (id, kind, target) in rels {
        let mode = if target.starts_with("http") {
            r#" TargetMode="External""#
        } else {
            ""
        };
        r.push_str(&format!(
            r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"{mode}/>"#
        ));
    }
    r.push_str("</Relationships>");
    put("word/_rels/document.xml.rels", r.as_bytes());
    for (name, data) in parts {
        put(name, data);
    }
    zip.finish().unwrap().into_inner()
}

fn doc_xml(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    )
}

fn part_xml(root: &str, inner: &str) -> String {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:{root} {NS}>{inner}</w:{root}>"#)
}

/// Reads a body with optional styles and numbering parts.
fn read_with(body: &str, styles: Option<&str>, numbering: Option<&str>) -> Document {
    let doc = doc_xml(body);
    let st = styles.map(|s| part_xml("styles", s));
    let nu = numbering.map(|n| part_xml("numbering", n));
    let mut parts: Vec<(&str, &[u8])> = vec![("word/document.xml", doc.as_bytes())];
    let mut rels = Vec::new();
    if let Some(s) = &st {
        parts.push(("word/styles.xml", s.as_bytes()));
        rels.push(("rIdS", "styles", "styles.xml"));
    }
    if let Some(n) = &nu {
        parts.push(("word/numbering.xml", n.as_bytes()));
        rels.push(("rIdN", "numbering", "numbering.xml"));
    }
    read_docx(&package(&parts, &rels), &Limits::default()).expect("readable")
}

fn read(body: &str) -> Document {
    read_with(body, None, None)
}

fn paras(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.printed()),
            _ => None,
        })
        .collect()
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

fn np(num: i64, ilvl: i64, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
    )
}

fn cell(row: usize, col: usize, rowspan: usize, colspan: usize, text: &str) -> Cell {
    Cell {
        row,
        col,
        rowspan,
        colspan,
        text: text.into(),
        bbox: None,
        upright_box: None,
        confidence: None,
        page_box: None,
    }
}

fn table(b: &Block) -> &TableGrid {
    match b {
        Block::Table(t) => t,
        other => panic!("expected a table, got {other:?}"),
    }
}

const NUMBERING: &str = r#"
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1、"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1.%2"/><w:isLgl/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%3"/><w:lvlRestart w:val="0"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="3">
  <w:numStyleLink w:val="ListStyle"/>
</w:abstractNum>
<w:abstractNum w:abstractNumId="4">
  <w:styleLink w:val="ListStyle"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="ideographTraditional"/><w:lvlText w:val="%1."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="5">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0B7;"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="6">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%1）"/></w:lvl>
</w:abstractNum>
<w:num w:numId="8"><w:abstractNumId w:val="6"/></w:num>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="4"/></w:num>
<w:num w:numId="6"><w:abstractNumId w:val="3"/></w:num>
<w:num w:numId="7"><w:abstractNumId w:val="5"/></w:num>
"#;

const STYLES: &str = r#"
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="标题 2"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="a4"><w:name w:val="my heading"/><w:basedOn w:val="Heading1"/></w:style>
<w:style w:type="paragraph" w:styleId="ListHead"><w:name w:val="list head"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="numbering" w:styleId="ListStyle"><w:name w:val="list style"/><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style>
"#;
