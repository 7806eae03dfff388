//! A tiny PDF writer for hostile and repaired files: objects written in order with a correct
//! cross-reference table, text in the standard Helvetica font (no font file needed), and the
//! torture cases built on it.

use std::io::Write;

/// A PDF from its objects (numbered from 1 in order); `root` is the catalog's number.
pub fn pdf(objects: &[Vec<u8>], root: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for o in &offsets {
        writeln!(out, "{o:010} 00000 n ").unwrap();
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .unwrap();
    out
}

/// A stream object: `dict`'s entries plus its length, then the data.
pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}

/// zlib (FlateDecode) of `data`, as PDF streams carry it.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// Objects 1–4 of a one-page document: catalog, pages, page, font; the page's content is
/// object 5, which the caller appends.
fn one_page(extra_resources: &str) -> Vec<Vec<u8>> {
    vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R \
             /Resources << /Font << /F1 4 0 R >> {extra_resources} >> >>"
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    ]
}

fn text_content(text: &str) -> Vec<u8> {
    format!("BT /F1 12 Tf 72 770 Td ({text}) Tj ET").into_bytes()
}

/// A one-page PDF whose page shows `text`.
pub fn simple(text: &str) -> Vec<u8> {
    let mut objects = one_page("");
    objects.push(stream("", &text_content(text)));
    pdf(&objects, 1)
}

/// A content stream that inflates to 600 MiB of spaces: over the 512 MiB cap of one stream.
pub fn stream_bomb() -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![b' '; 1 << 20];
    for _ in 0..600 {
        z.write_all(&block).unwrap();
    }
    let data = z.finish().unwrap();
    let mut objects = one_page("");
    objects.push(stream("/Filter /FlateDecode", &data));
    pdf(&objects, 1)
}

/// A page whose content stream holds 5,000,001 operators (over `--max-pdf-operators`).
pub fn too_many_operators() -> Vec<u8> {
    let ops = b"q Q ".repeat(2_500_001);
    let mut objects = one_page("");
    objects.push(stream("/Filter /FlateDecode", &zlib(&ops)));
    pdf(&objects, 1)
}

/// 6,000 pages (over `--max-pdf-pages`), all showing one shared content stream.
pub fn too_many_pages() -> Vec<u8> {
    let n = 6_000;
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        Vec::new(), // the page tree, written below once the kids are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        stream("", &text_content("page")),
    ];
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 5 + i)).collect();
    objects[1] = format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes();
    for _ in 0..n {
        objects.push(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
              /Resources << /Font << /F1 3 0 R >> >> >>"
                .to_vec(),
        );
    }
    pdf(&objects, 1)
}

/// A PDF of pages with these contents, in order, all with the Helvetica font as `/F1`.
pub fn pages(contents: &[&[u8]]) -> Vec<u8> {
    let n = contents.len();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        Vec::new(), // the page tree, written below once the kids are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects[1] = format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes();
    for (i, content) in contents.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {} 0 R \
                 /Resources << /Font << /F1 3 0 R >> >> >>",
                5 + 2 * i
            )
            .into_bytes(),
        );
        objects.push(stream("", content));
    }
    pdf(&objects, 1)
}

/// A page tree whose kids point back at the tree itself: a reference cycle.
pub fn page_tree_cycle() -> Vec<u8> {
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>".to_vec(),
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>".to_vec(),
    ];
    pdf(&objects, 1)
}

/// Arrays nested 100,000 deep in the catalog.
pub fn nested_deep() -> Vec<u8> {
    let mut objects = one_page("");
    objects.push(stream("", &text_content("deep")));
    objects[0] = format!(
        "<< /Type /Catalog /Pages 2 0 R /Junk {}{} >>",
        "[".repeat(100_000),
        "]".repeat(100_000)
    )
    .into_bytes();
    pdf(&objects, 1)
}

/// A page showing a picture that declares 60,000 × 60,000 pixels (over `--max-image-mp`).
pub fn huge_image() -> Vec<u8> {
    let mut objects = one_page("/XObject << /Im1 6 0 R >>");
    let mut content = text_content("picture below");
    content.extend_from_slice(b"\nq 200 0 0 200 72 400 cm /Im1 Do Q");
    objects.push(stream("", &content));
    objects.push(stream(
        "/Type /XObject /Subtype /Image /Width 60000 /Height 60000 /ColorSpace /DeviceGray \
         /BitsPerComponent 8 /Filter /FlateDecode",
        &zlib(&[255u8; 4096]),
    ));
    pdf(&objects, 1)
}

/// A readable page whose `startxref` points nowhere: the objects must be found by scanning.
pub fn broken_xref(text: &str) -> Vec<u8> {
    let mut bytes = simple(text);
    let at = bytes
        .windows(10)
        .rposition(|w| w == b"startxref\n")
        .expect("startxref");
    bytes.truncate(at);
    bytes.extend_from_slice(b"startxref\n999999\n%%EOF\n");
    bytes
}

/// A page saved once with `old` text and updated incrementally to show `new`: the update's
/// xref section (with /Prev) replaces object 5.
pub fn incremental_update(old: &str, new: &str) -> Vec<u8> {
    let mut bytes = simple(old);
    let prev = {
        let at = bytes
            .windows(10)
            .rposition(|w| w == b"startxref\n")
            .expect("startxref");
        let tail = std::str::from_utf8(&bytes[at + 10..]).unwrap();
        tail.lines()
            .next()
            .unwrap()
            .trim()
            .parse::<usize>()
            .unwrap()
    };
    let offset = bytes.len();
    bytes.extend_from_slice(b"5 0 obj\n");
    bytes.extend_from_slice(&stream("", &text_content(new)));
    bytes.extend_from_slice(b"\nendobj\n");
    let xref = bytes.len();
    write!(
        bytes,
        "xref\n5 1\n{offset:010} 00000 n \ntrailer\n<< /Size 6 /Root 1 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n"
    )
    .unwrap();
    bytes
}

/// A page that is one picture covering it and no text: a scan.
pub fn scanned_page() -> Vec<u8> {
    let mut objects = one_page("/XObject << /Im1 6 0 R >>");
    objects.push(stream("", b"q 595 0 0 842 0 0 cm /Im1 Do Q"));
    let (w, h) = (200usize, 283usize);
    let mut gray = vec![255u8; w * h];
    for y in (40..240).step_by(20) {
        for x in 20..180 {
            gray[y * w + x] = 0;
        }
    }
    objects.push(stream(
        &format!(
            "/Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /FlateDecode"
        ),
        &zlib(&gray),
    ));
    pdf(&objects, 1)
}

/// A page whose text is in a Type0 font with the Identity-H encoding and no ToUnicode map (the
/// font program not embedded either): its two-byte codes are glyph ids that name no character,
/// so nothing can be read from them; a second line in Helvetica is read. The font is
/// `/BaseFont /NoMapCJK`.
pub fn unmapped_font() -> Vec<u8> {
    let mut objects = one_page("");
    objects[2] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R \
                   /Resources << /Font << /F1 4 0 R /F2 6 0 R >> >> >>"
        .to_vec();
    objects.push(stream(
        "",
        b"BT /F2 12 Tf 72 770 Td <00010002000300040005> Tj ET BT /F1 12 Tf 72 740 Td (Readable line) Tj ET",
    ));
    objects.push(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMapCJK /Encoding /Identity-H \
           /DescendantFonts [7 0 R] >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMapCJK \
           /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
           /FontDescriptor 8 0 R /DW 1000 >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /FontDescriptor /FontName /NoMapCJK /Flags 4 /FontBBox [0 -200 1000 800] \
           /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>"
            .to_vec(),
    );
    pdf(&objects, 1)
}
