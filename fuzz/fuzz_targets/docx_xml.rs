//! The bytes as word/document.xml of an otherwise valid package (with styles and numbering
//! parts taken from the same input after a 0xFF separator), so that mutations reach the
//! streaming WordprocessingML reader instead of dying in the zip layer.
#![no_main]
use libfuzzer_sys::fuzz_target;

const CT: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
const RELS: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
const DOC_RELS: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rIdN\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/><Relationship Id=\"rIdH\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/><Relationship Id=\"rIdImg1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/image1.png\"/></Relationships>";

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |b| *b == 0xFF);
    let document = parts.next().unwrap_or_default();
    let styles = parts.next().unwrap_or_default();
    let numbering = parts.next().unwrap_or_default();
    let header = parts.next().unwrap_or_default();
    let pkg = nianbao_fuzz::zip(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", styles),
        ("word/numbering.xml", numbering),
        ("word/header1.xml", header),
    ]);
    nianbao_fuzz::pipeline(&pkg);
});
