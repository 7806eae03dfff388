//! Bad input: broken XML, missing parts, limits, and hostile or mutated packages never panic.

use super::*;

#[test]
fn broken_xml_in_the_main_part_is_an_error() {
    for bad in [
        "<w:document><w:body><w:p><w:r><w:t>x</w:t></w:r></w:body></w:document>",
        "<w:document><w:body><w:p><w:r><w:t>x</w:t>",
        "<w:document><w:body><w:p><w:t>&#0;</w:t></w:p></w:body></w:document>",
    ] {
        let bytes = package(&[("word/document.xml", bad.as_bytes())], &[]);
        match read_docx(&bytes, &Limits::default()) {
            Err(ReadError::Xml { part, .. }) => assert_eq!(part, "word/document.xml"),
            other => panic!("expected an XML error for {bad}, got {other:?}"),
        }
    }
}

#[test]
fn missing_parts() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("hello.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"hi").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert!(matches!(
        read_docx(&bytes, &Limits::default()),
        Err(ReadError::Unsupported(_))
    ));
    // The relationship points at a part the package lacks.
    let bytes = package(&[], &[]);
    assert!(matches!(
        read_docx(&bytes, &Limits::default()),
        Err(ReadError::MissingPart(p)) if p == "word/document.xml"
    ));
    // A styles relationship to a missing part is a warning.
    let doc = doc_xml(&p("x"));
    let bytes = package(
        &[("word/document.xml", doc.as_bytes())],
        &[("rId1", "styles", "styles.xml")],
    );
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    assert!(d
        .warnings
        .iter()
        .any(|w| w.contains("styles part word/styles.xml is missing")));
}

#[test]
fn limits_are_enforced() {
    let row = "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>";
    let doc = doc_xml(&format!("<w:tbl>{row}{row}{row}</w:tbl>"));
    let bytes = package(&[("word/document.xml", doc.as_bytes())], &[]);
    let limits = Limits {
        max_table_slots: 4,
        ..Limits::default()
    };
    assert!(matches!(read_docx(&bytes, &limits), Err(ReadError::Limit(m)) if m.contains("slots")));

    let huge = doc_xml(
        r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="99999999999"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"#,
    );
    let bytes = package(&[("word/document.xml", huge.as_bytes())], &[]);
    assert!(matches!(
        read_docx(&bytes, &Limits::default()),
        Err(ReadError::Limit(_))
    ));

    let doc = doc_xml(&format!(
        "<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>",
        p("0123456789")
    ));
    let bytes = package(&[("word/document.xml", doc.as_bytes())], &[]);
    let limits = Limits {
        max_cell_chars: 5,
        ..Limits::default()
    };
    assert!(
        matches!(read_docx(&bytes, &limits), Err(ReadError::Limit(m)) if m.contains("characters"))
    );

    let deep = doc_xml(&format!(
        "{}{}",
        "<w:sdt><w:sdtContent>".repeat(300),
        "</w:sdtContent></w:sdt>".repeat(300)
    ));
    let bytes = package(&[("word/document.xml", deep.as_bytes())], &[]);
    assert!(
        matches!(read_docx(&bytes, &Limits::default()), Err(ReadError::Limit(m)) if m.contains("deep"))
    );
}

#[test]
fn hostile_input_never_panics() {
    let doc = doc_xml(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="-5"/><w:numId w:val="99"/></w:numPr></w:pPr><w:r><w:fldChar w:fldCharType="end"/><w:fldChar w:fldCharType="separate"/><w:sym w:char="zz"/><w:t>x</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:tcPr><w:vMerge/><w:hMerge/><w:gridSpan w:val="-3"/></w:tcPr></w:tc></w:tr><w:tr><w:trPr><w:gridBefore w:val="-1"/></w:trPr></w:tr></w:tbl>"#,
    );
    let bytes = package(
        &[("word/document.xml", doc.as_bytes())],
        &[("rIdN", "numbering", "numbering.xml")],
    );
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    assert_eq!(paras(&d.body), ["x"]);
    for cut in [0, 10, 100, bytes.len() / 2, bytes.len() - 1] {
        let _ = read_docx(&bytes[..cut], &Limits::default());
    }
}

/// Mutates the XML parts of corpus files and checks the reader never panics:
/// `cargo test --lib docx_fuzz -- --ignored --nocapture`.
#[test]
#[ignore]
fn docx_fuzz() {
    use std::io::Read;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let Ok(rd) = std::fs::read_dir("/work/shared/corpus/pandoc-docx") else {
        return;
    };
    let mut cases = 0;
    for e in rd.flatten() {
        let Ok(bytes) = std::fs::read(e.path()) else {
            continue;
        };
        let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])) else {
            continue;
        };
        let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            let name = f.name().map(|n| n.to_string()).unwrap_or_default();
            parts.push((name, data));
        }
        for _ in 0..40 {
            let mut mutated = parts.clone();
            let k = rnd(mutated.len());
            let data = &mut mutated[k].1;
            if data.is_empty() {
                continue;
            }
            match rnd(4) {
                0 => data.truncate(rnd(data.len())),
                1 => {
                    let a = rnd(data.len());
                    let b = (a + rnd(200)).min(data.len());
                    data.drain(a..b);
                }
                2 => {
                    let a = rnd(data.len());
                    let b = (a + rnd(400)).min(data.len());
                    let chunk = data[a..b].to_vec();
                    let at = rnd(data.len());
                    data.splice(at..at, chunk);
                }
                _ => {
                    let a = rnd(data.len());
                    data[a] = b"<>/&\"'#x;9"[rnd(10)];
                }
            }
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            for (name, data) in &mutated {
                w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                    .unwrap();
                w.write_all(data).unwrap();
            }
            let pkg = w.finish().unwrap().into_inner();
            let r = std::panic::catch_unwind(|| read_docx(&pkg, &Limits::default()));
            assert!(r.is_ok(), "panic on a mutation of {:?}", e.path());
            cases += 1;
        }
    }
    println!("{cases} mutated packages read without a panic");
}
