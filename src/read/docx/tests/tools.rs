//! Ignored tools run by hand: the corpus smoke read, a block dump of one file, a speed timing.

use super::*;

/// Reads every .docx of the shared corpus (when present) and prints a summary:
/// `cargo test --lib corpus_smoke -- --ignored --nocapture`.
#[test]
#[ignore]
fn corpus_smoke() {
    let mut files = Vec::new();
    for dir in [
        "/work/shared/corpus/pandoc-docx",
        "/work/shared/corpus/real",
    ] {
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "docx") {
                    files.push(p);
                }
            }
        }
    }
    files.sort();
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let t = std::time::Instant::now();
        let r = read_docx(&bytes, &Limits::default());
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        match r {
            Ok(d) => println!(
                "{name}: {ms:.2} ms, {} blocks, {} furniture, {} notes, {} images, warnings {:?}",
                d.body.len(),
                d.furniture.len(),
                d.notes.len(),
                d.images.len(),
                d.warnings
            ),
            Err(e) => println!("{name}: {ms:.2} ms, ERROR {e}"),
        }
    }
}

/// Prints the blocks of the file named by `DOCX_DUMP`:
/// `DOCX_DUMP=file.docx cargo test --lib docx_dump -- --ignored --nocapture`.
#[test]
#[ignore]
fn docx_dump() {
    let Ok(path) = std::env::var("DOCX_DUMP") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    for (name, blocks) in [
        ("body", &d.body),
        ("furniture", &d.furniture),
        ("notes", &d.notes),
    ] {
        println!("== {name}");
        for b in blocks {
            match b {
                Block::Paragraph(p) => println!(
                    "P[{:?} {:?} {:?}] {:?}",
                    p.label, p.style, p.outline_level, p.text
                ),
                Block::Table(t) => {
                    println!("T {}x{}", t.rows, t.cols);
                    for c in &t.cells {
                        println!(
                            "  ({},{}) {}x{} {:?}",
                            c.row, c.col, c.rowspan, c.colspan, c.text
                        );
                    }
                }
                Block::Image(i) => println!("I {i}"),
            }
        }
    }
    println!("warnings {:?}", d.warnings);
}

/// Times a synthetic report of ≈1.3 MB of document.xml:
/// `cargo test --lib docx_speed -- --ignored --nocapture` (build optimised for real numbers).
#[test]
#[ignore]
fn docx_speed() {
    let mut body = String::new();
    let mut i = 0;
    while body.len() < 1_300_000 {
        i += 1;
        body.push_str(&format!(
            r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:rPr><w:rFonts w:ascii="仿宋" w:hAnsi="仿宋"/><w:sz w:val="32"/></w:rPr><w:t>第{i}段：本机关全年主动公开政府信息</w:t></w:r><w:r><w:t xml:space="preserve"> 共计 {i} 条，&amp; 其中</w:t></w:r></w:p>"#
        ));
        if i % 20 == 0 {
            body.push_str("<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>");
            for r in 0..10 {
                body.push_str(&format!(
                    r#"<w:tr><w:tc><w:tcPr><w:vMerge{}/></w:tcPr><w:p><w:r><w:t>行{r}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{r}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc></w:tr>"#,
                    if r == 0 { r#" w:val="restart""# } else { "" }
                ));
            }
            body.push_str("</w:tbl>");
        }
    }
    let doc = doc_xml(&body);
    let st = part_xml("styles", STYLES);
    let nu = part_xml("numbering", NUMBERING);
    let bytes = package(
        &[
            ("word/document.xml", doc.as_bytes()),
            ("word/styles.xml", st.as_bytes()),
            ("word/numbering.xml", nu.as_bytes()),
        ],
        &[
            ("rIdS", "styles", "styles.xml"),
            ("rIdN", "numbering", "numbering.xml"),
        ],
    );
    let _ = read_docx(&bytes, &Limits::default()).unwrap();
    let n = 10;
    let t = std::time::Instant::now();
    for _ in 0..n {
        let mut pkg = crate::read::Package::open(&bytes, &Limits::default()).unwrap();
        let xml = pkg.read_part("word/document.xml").unwrap();
        assert!(xml.len() > 1000);
    }
    println!(
        "inflate: {:.2} ms",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
    let t = std::time::Instant::now();
    for _ in 0..n {
        let mut r = quick_xml::Reader::from_reader(doc.as_bytes());
        r.config_mut().expand_empty_elements = true;
        let mut count = 0usize;
        while !matches!(r.read_event(), Ok(quick_xml::events::Event::Eof) | Err(_)) {
            count += 1;
        }
        assert!(count > 1000);
    }
    println!(
        "raw quick-xml events: {:.2} ms",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
    let t = std::time::Instant::now();
    for _ in 0..n {
        let mut x = super::super::xml::Xml::new(doc.as_bytes(), "d", 256);
        let mut count = 0usize;
        while !matches!(x.next(), Ok(super::super::xml::Ev::Eof) | Err(_)) {
            count += 1;
        }
        assert!(count > 1000);
    }
    println!(
        "filtered events: {:.2} ms",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
    let t = std::time::Instant::now();
    for _ in 0..n {
        let d = read_docx(&bytes, &Limits::default()).unwrap();
        assert!(d.body.len() > 1000);
    }
    println!(
        "{} bytes of document.xml: {:.2} ms per read",
        doc.len(),
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
}
