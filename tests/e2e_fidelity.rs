//! Text fidelity end to end (issue 13): a small .docx written here, XML by hand, with a footnote,
//! an endnote, a comment, a described picture, numbered list items and a drop cap, through
//! `nianbao extract` (CSV and `--db` → `export`). Expected texts are the ones written into the
//! XML below, as Word prints them.

use std::io::Write;
use std::path::Path;
use std::process::Command;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#;

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

fn docx() -> Vec<u8> {
    let body = [
        r#"<w:p><w:r><w:t>Fidelity test</w:t></w:r></w:p>"#,
        r#"<w:p><w:r><w:t>Body sentence.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t xml:space="preserve"> Second.</w:t></w:r><w:r><w:endnoteReference w:id="1"/></w:r><w:commentRangeStart w:id="0"/><w:r><w:t>Commented</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>"#,
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Head</w:t></w:r></w:p>"#,
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Subhead</w:t></w:r></w:p>"#,
        r#"<w:p><w:pPr><w:framePr w:dropCap="drop" w:lines="2"/></w:pPr><w:r><w:t>D</w:t></w:r></w:p><w:p><w:r><w:t>ropped capital.</w:t></w:r></w:p>"#,
        r#"<w:p><w:r><w:drawing><wp:inline><wp:extent cx="9525" cy="9525"/><wp:docPr id="1" name="Picture 1" descr="Table three as a screenshot"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="image1.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImg"/></pic:blipFill><pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#,
    ]
    .concat();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let part = |root: &str, inner: &str| {
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:{root} {NS}>{inner}</w:{root}>"#)
    };
    let footnotes = part(
        "footnotes",
        r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> The footnote text.</w:t></w:r></w:p></w:footnote>"#,
    );
    let endnotes = part(
        "endnotes",
        r#"<w:endnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:endnote><w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t xml:space="preserve"> The endnote text.</w:t></w:r></w:p></w:endnote>"#,
    );
    let comments = part(
        "comments",
        r#"<w:comment w:id="0" w:author="Reviewer"><w:p><w:r><w:t>A comment.</w:t></w:r></w:p></w:comment>"#,
    );
    let numbering = part(
        "numbering",
        r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
    );
    let rel = |id: &str, kind: &str, target: &str| {
        format!(
            r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"/>"#
        )
    };
    let rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}{}{}{}{}</Relationships>"#,
        rel("rIdF", "footnotes", "footnotes.xml"),
        rel("rIdE", "endnotes", "endnotes.xml"),
        rel("rIdC", "comments", "comments.xml"),
        rel("rIdN", "numbering", "numbering.xml"),
        rel("rIdImg", "image", "media/image1.png"),
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let files: [(&str, &[u8]); 9] = [
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/footnotes.xml", footnotes.as_bytes()),
        ("word/endnotes.xml", endnotes.as_bytes()),
        ("word/comments.xml", comments.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
        ("word/media/image1.png", PNG),
    ];
    for (name, data) in files {
        zip.start_file(name, opts).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn nianbao(args: &[&std::ffi::OsStr]) {
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .expect("run nianbao");
    assert!(
        out.status.success(),
        "nianbao {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Records of a CSV file (BOM removed) as maps column → value.
fn read_csv(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let bytes = std::fs::read(path).unwrap();
    let mut rdr = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap());
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn notes_alt_text_labels_and_drop_caps_reach_the_csv_and_the_database() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("fidelity.docx");
    std::fs::write(&input, docx()).unwrap();
    let out = tmp.path().join("out");
    let db = tmp.path().join("store.db");
    nianbao(&[
        "extract".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--db".as_ref(),
        db.as_os_str(),
        "--no-ocr".as_ref(),
    ]);

    let sections = read_csv(&out.join("sections.csv"));
    let ids: Vec<&str> = sections.iter().map(|r| r["section"].as_str()).collect();
    assert_eq!(ids, ["body", "notes", "pictures"]);
    // Typed text, not read by OCR.
    assert!(sections.iter().all(|r| r["origin"] == "text"));
    assert_eq!(
        sections[0]["text"],
        "Fidelity test\nBody sentence.[1] Second.[2]Commented\n1 Head\n1.1 Subhead\n\
         Dropped capital."
    );
    // Notes in their own row, numbered as the body refers to them; comments after them.
    assert_eq!(
        sections[1]["text"],
        "[1] The footnote text.\n[2] The endnote text.\nA comment."
    );

    // The picture's description in a row of its own, after the picture's id in images.csv.
    assert_eq!(sections[2]["text"], "[I1] Table three as a screenshot");

    let images = read_csv(&out.join("images.csv"));
    assert_eq!(images.len(), 1);
    assert_eq!(images[0]["description"], "Table three as a screenshot");
    assert_eq!(images[0]["image"], "I1");

    // The database holds the same rows: export writes the same files.
    let exported = tmp.path().join("exported");
    nianbao(&[
        "export".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        "--out".as_ref(),
        exported.as_os_str(),
    ]);
    for name in ["sections.csv", "images.csv"] {
        assert_eq!(
            std::fs::read(out.join(name)).unwrap(),
            std::fs::read(exported.join(name)).unwrap(),
            "{name}: export of the database differs from extract"
        );
    }
}
