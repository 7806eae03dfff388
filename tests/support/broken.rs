//! Broken and hostile inputs, generated: each must give exactly one errors.csv row with a
//! specific message — or, for the few that are readable (`readable: true`), a reports.csv row
//! whose warnings contain the word (an empty word: no particular warning), and no error row.

use super::docx::{image_run, p, table, text_box_run, zip_parts, Docx, Tc, Tr, NS};
use super::png;

/// A broken fixture: file name, bytes, and a word the error message must contain (lowercase).
pub struct Broken {
    pub name: &'static str,
    pub message_contains: &'static str,
    /// The file is read (status `ok` or `partial`); `message_contains` is then in its warnings.
    pub readable: bool,
    /// Generates the bytes (only when needed: some take a moment to build).
    make: Box<dyn Fn() -> Vec<u8>>,
}

impl Broken {
    fn failing(
        name: &'static str,
        make: impl Fn() -> Vec<u8> + 'static,
        message_contains: &'static str,
    ) -> Broken {
        Broken {
            name,
            message_contains,
            readable: false,
            make: Box::new(make),
        }
    }
    fn readable(
        name: &'static str,
        make: impl Fn() -> Vec<u8> + 'static,
        message_contains: &'static str,
    ) -> Broken {
        Broken {
            name,
            message_contains,
            readable: true,
            make: Box::new(make),
        }
    }
    /// The file's bytes.
    pub fn bytes(&self) -> Vec<u8> {
        (self.make)()
    }
}

/// One entry of a hand-written zip: the headers say whatever `declared_size` says.
pub struct RawEntry {
    pub name: Vec<u8>,
    /// Deflate-compressed data (method 8).
    pub compressed: Vec<u8>,
    pub crc32: u32,
    /// The uncompressed size written in the headers (zip64 fields when it exceeds 4 GiB − 1).
    pub declared_size: u64,
    /// Offset of the local header this entry's central record points at; `None`: its own.
    pub shares_data_of: Option<usize>,
}

/// Raw deflate stream (best compression) and CRC-32 of `data`, taken from a zip written by the
/// zip crate.
pub fn deflate(data: &[u8]) -> (Vec<u8>, u32) {
    use std::io::Write;
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(zip::DateTime::default());
    zw.start_file("x", opts).expect("zip entry");
    zw.write_all(data).expect("zip write");
    let z = zw.finish().expect("zip finish").into_inner();
    let u16_at = |i: usize| u16::from_le_bytes([z[i], z[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes([z[i], z[i + 1], z[i + 2], z[i + 3]]);
    let crc = u32_at(14);
    let csize = u32_at(18) as usize;
    let start = 30 + u16_at(26) + u16_at(28);
    (z[start..start + csize].to_vec(), crc)
}

/// Writes a zip by hand, so that sizes and names can lie. Deterministic.
pub fn zip_raw(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        if e.shares_data_of.is_some() {
            offsets.push(None);
            continue;
        }
        offsets.push(Some(out.len() as u64));
        local_or_central(&mut out, e, None);
        out.extend_from_slice(&e.compressed);
    }
    let cd_start = out.len() as u64;
    for (i, e) in entries.iter().enumerate() {
        let offset = match e.shares_data_of {
            Some(j) => offsets[j].expect("shared entry has data"),
            None => offsets[i].expect("own data"),
        };
        local_or_central(&mut out, e, Some(offset));
    }
    let cd_len = out.len() as u64 - cd_start;
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(cd_len as u32).to_le_bytes());
    out.extend_from_slice(&(cd_start as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A local header (`central: None`) or a central directory record pointing at `central`.
fn local_or_central(out: &mut Vec<u8>, e: &RawEntry, central: Option<u64>) {
    let zip64 = e.declared_size > 0xFFFF_FFFE;
    let (usize32, csize32) = if zip64 {
        (0xFFFF_FFFFu32, 0xFFFF_FFFFu32)
    } else {
        (e.declared_size as u32, e.compressed.len() as u32)
    };
    let mut extra = Vec::new();
    if zip64 {
        extra.extend_from_slice(&1u16.to_le_bytes());
        extra.extend_from_slice(&16u16.to_le_bytes());
        extra.extend_from_slice(&e.declared_size.to_le_bytes());
        extra.extend_from_slice(&(e.compressed.len() as u64).to_le_bytes());
    }
    let version: u16 = if zip64 { 45 } else { 20 };
    match central {
        None => {
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&version.to_le_bytes());
        }
        Some(_) => {
            out.extend_from_slice(b"PK\x01\x02");
            out.extend_from_slice(&(0x0300 | version).to_le_bytes()); // made by: unix
            out.extend_from_slice(&version.to_le_bytes());
        }
    }
    out.extend_from_slice(&0u16.to_le_bytes()); // flags
    out.extend_from_slice(&8u16.to_le_bytes()); // deflate
    out.extend_from_slice(&0u16.to_le_bytes()); // time
    out.extend_from_slice(&0x21u16.to_le_bytes()); // date 1980-01-01
    out.extend_from_slice(&e.crc32.to_le_bytes());
    out.extend_from_slice(&csize32.to_le_bytes());
    out.extend_from_slice(&usize32.to_le_bytes());
    out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
    out.extend_from_slice(&(extra.len() as u16).to_le_bytes());
    if let Some(offset) = central {
        out.extend_from_slice(&0u16.to_le_bytes()); // comment
        out.extend_from_slice(&0u16.to_le_bytes()); // disk
        out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        out.extend_from_slice(&(0o100644u32 << 16).to_le_bytes()); // external attributes
        out.extend_from_slice(&(offset as u32).to_le_bytes());
    }
    out.extend_from_slice(&e.name);
    out.extend_from_slice(&extra);
}

/// An honest entry.
fn entry(name: &str, data: &[u8]) -> RawEntry {
    let (compressed, crc32) = deflate(data);
    RawEntry {
        name: name.as_bytes().to_vec(),
        compressed,
        crc32,
        declared_size: data.len() as u64,
        shares_data_of: None,
    }
}

const CT: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Default Extension=\"png\" ContentType=\"image/png\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";

const RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";

pub const TITLE: &str = "青川市东湖区人民政府办公室2023年政府信息公开工作年度报告";

/// The three parts of a minimal .docx around the given document.xml (and extra parts).
fn minimal_docx_parts(document: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    vec![
        ("[Content_Types].xml".into(), CT.as_bytes().to_vec()),
        ("_rels/.rels".into(), RELS.as_bytes().to_vec()),
        ("word/document.xml".into(), document),
    ]
}

/// document.xml around the given body XML.
fn document_xml(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {NS}><w:body>{body}</w:body></w:document>"
    )
}

/// A zip bomb that is a few KiB on disk: word/document.xml declares 10 GiB (zip64 sizes), and
/// its deflate stream really inflates to 1 MiB of one repeated byte.
fn zip_bomb_10gb() -> Vec<u8> {
    let (compressed, crc32) = deflate(&vec![b' '; 1 << 20]);
    zip_raw(&[
        entry("[Content_Types].xml", CT.as_bytes()),
        entry("_rels/.rels", RELS.as_bytes()),
        RawEntry {
            name: b"word/document.xml".to_vec(),
            compressed,
            crc32,
            declared_size: 10 << 30,
            shares_data_of: None,
        },
    ])
}

/// A zip bomb whose headers lie low: word/document.xml declares 4 KiB but inflates to 4 MiB.
/// Only the bytes counted while inflating can catch it.
fn zip_bomb_lying_size() -> Vec<u8> {
    let mut doc = document_xml(&p(TITLE)).into_bytes();
    let tail = doc.split_off(doc.len() - "</w:body></w:document>".len());
    doc.resize(4 << 20, b' ');
    doc.extend(tail);
    let (compressed, crc32) = deflate(&doc);
    zip_raw(&[
        entry("[Content_Types].xml", CT.as_bytes()),
        entry("_rels/.rels", RELS.as_bytes()),
        RawEntry {
            name: b"word/document.xml".to_vec(),
            compressed,
            crc32,
            declared_size: 4096,
            shares_data_of: None,
        },
    ])
}

/// An XML bomb: a 1 MiB attribute, then 100,000 nested elements.
fn xml_bomb_deep() -> Vec<u8> {
    let depth = 100_000;
    let mut body = format!(
        "<w:p w:rsidR=\"{}\"><w:r><w:t>{TITLE}</w:t></w:r></w:p>",
        "A".repeat(1 << 20)
    );
    body.push_str(&"<w:sdt><w:sdtContent>".repeat(depth / 2));
    body.push_str(&"</w:sdtContent></w:sdt>".repeat(depth / 2));
    zip_parts(&minimal_docx_parts(document_xml(&body).into_bytes()))
}

/// An XML bomb by breadth: 4.2 million empty elements in one paragraph (17 MB inflated).
fn xml_bomb_elements() -> Vec<u8> {
    let body = format!("{}<w:p>{}</w:p>", p(TITLE), "<a/>".repeat(4_200_000));
    zip_raw(
        &minimal_docx_parts(document_xml(&body).into_bytes())
            .iter()
            .map(|(n, d)| entry(n, d))
            .collect::<Vec<_>>(),
    )
}

/// A readable report with one picture whose PNG header declares 60000 × 60000 pixels.
fn huge_image() -> Vec<u8> {
    let mut d = Docx::new();
    d.push(&p(TITLE));
    let rid = d.add_png(png::header_only(60_000, 60_000));
    d.push(&format!(
        "<w:p>{}</w:p>",
        image_run(1, "表格", &rid, 5_400_000, 5_400_000)
    ));
    d.push(&p("一、总体情况"));
    d.build()
}

/// document.xml with bytes that are not UTF-8 inside a text run.
fn invalid_utf8() -> Vec<u8> {
    let mut doc = document_xml("<w:p><w:r><w:t>INVALID</w:t></w:r></w:p>").into_bytes();
    let at = doc
        .windows(7)
        .position(|w| w == b"INVALID")
        .expect("marker");
    doc.splice(at..at + 7, [0xC3, 0x28, 0xFF, 0xFE, 0xE4, 0xB8]);
    zip_parts(&minimal_docx_parts(doc))
}

/// A table whose grid has 10,000 columns, with 101 rows each one cell spanning all of them.
fn table_10000_columns() -> Vec<u8> {
    let grid = vec![100u32; 10_000];
    let rows: Vec<Tr> = (0..101)
        .map(|_| Tr::new(vec![Tc::text("0").span(10_000)]))
        .collect();
    let mut d = Docx::new();
    d.push(&p(TITLE));
    d.push(&table(&grid, &rows));
    d.build()
}

/// A table cell holding 200,000 characters.
fn cell_text_200k() -> Vec<u8> {
    let mut d = Docx::new();
    d.push(&p(TITLE));
    d.push(&table(
        &[2000, 2000],
        &[Tr::new(vec![
            Tc::text("项目"),
            Tc::text(&"年".repeat(200_000)),
        ])],
    ));
    d.build()
}

/// The main part relates a header that is the main part itself, and the header part relates
/// itself and the main part back: a relationship cycle.
fn relationship_cycle() -> Vec<u8> {
    let ct = CT.replace(
        "</Types>",
        "<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/></Types>",
    );
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let doc_rels = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"{rel}/header\" Target=\"document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"{rel}/header\" Target=\"header1.xml\"/>\
<Relationship Id=\"rId3\" Type=\"{rel}/footer\" Target=\"./../word/document.xml\"/></Relationships>"
    );
    let header_rels = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"{rel}/header\" Target=\"header1.xml\"/>\
<Relationship Id=\"rId2\" Type=\"{rel}/officeDocument\" Target=\"document.xml\"/></Relationships>"
    );
    let header = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:hdr {NS}>{}</w:hdr>",
        p("页眉")
    );
    zip_parts(&[
        ("[Content_Types].xml".into(), ct.into_bytes()),
        ("_rels/.rels".into(), RELS.as_bytes().to_vec()),
        (
            "word/document.xml".into(),
            document_xml(&p(TITLE)).into_bytes(),
        ),
        ("word/_rels/document.xml.rels".into(), doc_rels.into_bytes()),
        ("word/header1.xml".into(), header.into_bytes()),
        (
            "word/_rels/header1.xml.rels".into(),
            header_rels.into_bytes(),
        ),
    ])
}

/// A text box holding a table whose cell holds another text box.
fn textbox_table_textbox() -> Vec<u8> {
    let inner = format!(
        "<w:p>{}</w:p>",
        text_box_run(2, &p("联系电话：0532-88886666"))
    );
    let tbl = table(
        &[3000, 3000],
        &[Tr::new(vec![Tc::text("联系方式"), Tc::xml(inner)])],
    );
    let outer = format!("<w:p>{}</w:p>", text_box_run(1, &format!("{tbl}<w:p/>")));
    let mut d = Docx::new();
    d.push(&p(TITLE));
    d.push(&outer);
    d.build()
}

/// A web page saved by Word with a .doc name.
fn html_saved_as_doc() -> Vec<u8> {
    let page = format!(
        "<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" \
xmlns:w=\"urn:schemas-microsoft-com:office:word\" xmlns=\"http://www.w3.org/TR/REC-html40\">\r\n\
<head><meta http-equiv=Content-Type content=\"text/html; charset=gb2312\"><meta name=ProgId content=Word.Document>\r\n\
<meta name=Generator content=\"Microsoft Word 15\"></head><body lang=ZH-CN><div class=WordSection1>\r\n\
<p class=MsoNormal>{TITLE}</p></div></body></html>\r\n"
    );
    // Word writes the page in the encoding it declares.
    encoding_rs::GBK.encode(&page).0.into_owned()
}

/// Word's single-file web page (MHT) saved with a .doc name.
fn mht_saved_as_doc() -> Vec<u8> {
    "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01DA0000\"\r\n\r\n\
------=_NextPart_01DA0000\r\nContent-Location: file:///C:/report.htm\r\nContent-Type: text/html; charset=\"gb2312\"\r\n\r\n\
<html><body><p>report</p></body></html>\r\n------=_NextPart_01DA0000--\r\n"
        .as_bytes()
        .to_vec()
}

/// 100,000 nested `<div>`s: html5ever would spend minutes on them; stopped before parsing.
fn html_nested_deep() -> Vec<u8> {
    format!("<html><body>{}x</body></html>", "<div>".repeat(100_000)).into_bytes()
}

/// A table of 1001 rows whose cells each span 1000 columns: a million slots and more.
fn html_table_huge_span() -> Vec<u8> {
    let mut page = String::from("<html><body><p>表</p><table>");
    for _ in 0..1001 {
        page.push_str("<tr><td colspan=\"1000\">1</td><td>2</td></tr>");
    }
    page.push_str("</table></body></html>");
    page.into_bytes()
}

/// A single-file web page whose page part is not base64 though it says so.
fn mht_broken_base64() -> Vec<u8> {
    "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n\
Content-Location: file:///C:/r.htm\r\nContent-Transfer-Encoding: base64\r\nContent-Type: text/html\r\n\r\n\
<html>not base64!</html>\r\n--b--\r\n"
        .as_bytes()
        .to_vec()
}

/// A page whose pictures are on the web: listed with a warning, never fetched.
fn html_remote_picture() -> Vec<u8> {
    format!(
        "<html><body><div><p>{TITLE}</p><p>表二如下。</p>\
<img src=\"https://www.example.gov.cn/uploads/2024/t2.png\"><img src=\"//cdn.example.gov.cn/t3.jpg\"></div></body></html>"
    )
    .into_bytes()
}

/// A page whose pictures point outside its folder: never read.
fn html_picture_outside_folder() -> Vec<u8> {
    format!(
        "<html><body><div><p>{TITLE}</p><img src=\"../../../../../../etc/passwd\">\
<img src=\"/etc/hostname\"><img src=\"file:///etc/hostname\"><img src=\"empty.docx/../../samples/standard.docx\"></div></body></html>"
    )
    .into_bytes()
}

/// A minimal .xlsx with one sheet whose cells sit at A1 and XFD1048576 (17 billion slots).
fn xlsx_huge_range() -> Vec<u8> {
    xlsx_with_sheet(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\
<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>年报</t></is></c></row>\
<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row></sheetData>\
<mergeCells count=\"1\"><mergeCell ref=\"A1:XFD1048576\"/></mergeCells></worksheet>",
    )
}

/// A minimal .xlsx whose one sheet (named 表三) is `sheet`.
pub fn xlsx_with_sheet(sheet: &str) -> Vec<u8> {
    let ct = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
    let wb = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
<sheets><sheet name=\"表三\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    let wb_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
    zip_parts(&[
        ("[Content_Types].xml".into(), ct.as_bytes().to_vec()),
        ("_rels/.rels".into(), rels.as_bytes().to_vec()),
        ("xl/workbook.xml".into(), wb.as_bytes().to_vec()),
        (
            "xl/_rels/workbook.xml.rels".into(),
            wb_rels.as_bytes().to_vec(),
        ),
        ("xl/worksheets/sheet1.xml".into(), sheet.as_bytes().to_vec()),
    ])
}

/// A readable .docx whose zip also holds entries named to escape the output folder:
/// `../../evil.txt`, an absolute path, a Windows drive path, a media name climbing out, and a
/// name with a NUL byte.
fn zip_slip() -> Vec<u8> {
    let mut entries: Vec<RawEntry> = minimal_docx_parts(document_xml(&p(TITLE)).into_bytes())
        .iter()
        .map(|(n, d)| entry(n, d))
        .collect();
    let pic = png::header_only(4, 4);
    for name in [
        b"../../evil.txt".to_vec(),
        b"/tmp/nianbao-evil.txt".to_vec(),
        b"C:\\nianbao-evil.txt".to_vec(),
        b"word/media/../../../../evil.png".to_vec(),
        b"word/media/evil\0.png".to_vec(),
    ] {
        let mut e = entry("x", &pic);
        e.name = name;
        entries.push(e);
    }
    zip_raw(&entries)
}

/// A minimal OLE compound file (CFB v3, 512-byte sectors): header, one FAT sector, one directory
/// sector with a root entry and the given (empty) streams. Enough for sniffing by directory name.
pub fn minimal_cfb(streams: &[&str]) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    const FATSECT: u32 = 0xFFFF_FFFD;
    let mut h = Vec::with_capacity(512);
    h.extend_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    h.extend_from_slice(&[0u8; 16]); // CLSID
    h.extend_from_slice(&0x003Eu16.to_le_bytes()); // minor version
    h.extend_from_slice(&0x0003u16.to_le_bytes()); // major version 3
    h.extend_from_slice(&0xFFFEu16.to_le_bytes()); // byte order
    h.extend_from_slice(&9u16.to_le_bytes()); // sector shift: 512
    h.extend_from_slice(&6u16.to_le_bytes()); // mini sector shift: 64
    h.extend_from_slice(&[0u8; 6]); // reserved
    h.extend_from_slice(&0u32.to_le_bytes()); // directory sectors (0 for v3)
    h.extend_from_slice(&1u32.to_le_bytes()); // FAT sectors
    h.extend_from_slice(&1u32.to_le_bytes()); // first directory sector
    h.extend_from_slice(&0u32.to_le_bytes()); // transaction signature
    h.extend_from_slice(&4096u32.to_le_bytes()); // mini stream cutoff
    h.extend_from_slice(&END.to_le_bytes()); // first mini FAT sector
    h.extend_from_slice(&0u32.to_le_bytes()); // mini FAT sectors
    h.extend_from_slice(&END.to_le_bytes()); // first DIFAT sector
    h.extend_from_slice(&0u32.to_le_bytes()); // DIFAT sectors
    h.extend_from_slice(&0u32.to_le_bytes()); // DIFAT[0] = sector 0 holds the FAT
    while h.len() < 512 {
        h.extend_from_slice(&FREE.to_le_bytes());
    }
    // Sector 0: the FAT.
    let mut fat = Vec::with_capacity(512);
    fat.extend_from_slice(&FATSECT.to_le_bytes());
    fat.extend_from_slice(&END.to_le_bytes()); // sector 1: directory, one sector
    while fat.len() < 512 {
        fat.extend_from_slice(&FREE.to_le_bytes());
    }
    // Sector 1: the directory (4 entries of 128 bytes).
    let entry = |name: &str, kind: u8, left: u32, right: u32, child: u32| {
        let mut e = vec![0u8; 128];
        let utf16: Vec<u8> = name
            .encode_utf16()
            .chain(std::iter::once(0))
            .flat_map(u16::to_le_bytes)
            .collect();
        e[..utf16.len()].copy_from_slice(&utf16);
        e[64..66].copy_from_slice(&(utf16.len() as u16).to_le_bytes());
        e[66] = kind;
        e[67] = 1; // black
        e[68..72].copy_from_slice(&left.to_le_bytes());
        e[72..76].copy_from_slice(&right.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&END.to_le_bytes()); // start sector: none (size 0)
        e
    };
    assert!(streams.len() <= 3);
    let mut dir = entry("Root Entry", 5, FREE, FREE, 1);
    for (i, s) in streams.iter().enumerate() {
        let right = if i + 1 < streams.len() {
            i as u32 + 2
        } else {
            FREE
        };
        dir.extend(entry(s, 2, FREE, right, FREE));
    }
    while dir.len() < 512 {
        let mut unused = vec![0u8; 128];
        unused[68..80].copy_from_slice(&[0xFF; 12]);
        dir.extend(unused);
    }
    let mut out = h;
    out.extend(fat);
    out.extend(dir);
    out
}

/// A structurally valid package whose document.xml is not well-formed.
fn malformed_docx() -> Vec<u8> {
    let ct = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    // `<w:t>` closed by `</w:r>`, and the document never closed.
    let doc = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\
<w:p><w:r><w:t>政府信息公开工作年度报告</w:r></w:p><w:p><w:r><w:t>一、总体情况";
    zip_parts(&[
        ("[Content_Types].xml".into(), ct.as_bytes().to_vec()),
        ("_rels/.rels".into(), rels.as_bytes().to_vec()),
        ("word/document.xml".into(), doc.as_bytes().to_vec()),
    ])
}

/// All broken fixtures; `good` is a valid .docx to truncate.
/// The text the repaired PDFs must show.
pub const PDF_TEXT: &str = "Annual report on government information disclosure 2024";

pub fn broken_files(good: &[u8]) -> Vec<Broken> {
    let mut out = vec![Broken::failing("empty.docx", Vec::new, "empty")];
    type Cut = fn(usize) -> usize;
    let cuts: [(&str, Cut); 3] = [
        ("truncated_header.docx", |_| 30),
        ("truncated_half.docx", |len| len / 2),
        ("truncated_tail.docx", |len| len - 1),
    ];
    for (name, cut) in cuts {
        let good = good.to_vec();
        out.push(Broken::failing(
            name,
            move || good[..cut(good.len())].to_vec(),
            "zip",
        ));
    }
    out.push(Broken::failing(
        "text_renamed.docx",
        || {
            "青川市东湖区人民政府办公室2023年政府信息公开工作年度报告\r\n（这是一个改了扩展名的文本文件）\r\n"
                .as_bytes()
                .to_vec()
        },
        "unrecognised",
    ));
    out.push(Broken::failing(
        "legacy_doc_renamed.docx",
        || minimal_cfb(&["WordDocument", "1Table"]),
        // Read as .doc by content: its directory is not a valid compound-file tree.
        "ole compound file",
    ));
    out.push(Broken::failing(
        "encrypted.docx",
        || minimal_cfb(&["EncryptionInfo", "EncryptedPackage"]),
        "encrypted",
    ));
    out.push(Broken::failing(
        "zip_without_content_types.docx",
        || {
            zip_parts(&[
                (
                    "readme.txt".into(),
                    "not a Word document".as_bytes().to_vec(),
                ),
                ("data/table.csv".into(), b"a,b\r\n1,2\r\n".to_vec()),
            ])
        },
        "[content_types].xml",
    ));
    out.push(Broken::failing(
        "malformed_document_xml.docx",
        malformed_docx,
        "xml",
    ));
    // Hostile input (issue 7).
    out.push(Broken::failing(
        "zip_bomb_10gb.docx",
        zip_bomb_10gb,
        "zip bomb",
    ));
    out.push(Broken::failing(
        "zip_bomb_lying_size.docx",
        zip_bomb_lying_size,
        "zip bomb",
    ));
    out.push(Broken::failing(
        "xml_bomb_deep.docx",
        xml_bomb_deep,
        "nested",
    ));
    out.push(Broken::failing(
        "xml_bomb_elements.docx",
        xml_bomb_elements,
        "elements",
    ));
    out.push(Broken::readable(
        "image_60000x60000.docx",
        huge_image,
        "pixels",
    ));
    out.push(Broken::failing("invalid_utf8.docx", invalid_utf8, "utf-8"));
    out.push(Broken::failing(
        "table_10000_columns.docx",
        table_10000_columns,
        "columns",
    ));
    out.push(Broken::failing(
        "cell_text_200k.docx",
        cell_text_200k,
        "characters",
    ));
    out.push(Broken::readable(
        "relationship_cycle.docx",
        relationship_cycle,
        "relationship cycle",
    ));
    out.push(Broken::readable(
        "textbox_table_textbox.docx",
        textbox_table_textbox,
        "",
    ));
    // Web pages saved under .doc are read as what they are.
    out.push(Broken::readable("html_saved_as.doc", html_saved_as_doc, ""));
    out.push(Broken::readable("mht_saved_as.doc", mht_saved_as_doc, ""));
    // Hostile web pages (issue 13).
    out.push(Broken::failing(
        "html_nested_deep.html",
        html_nested_deep,
        "nested more than 256 deep",
    ));
    out.push(Broken::failing(
        "html_table_huge_span.html",
        html_table_huge_span,
        "slots",
    ));
    out.push(Broken::failing(
        "mht_broken_base64.mht",
        mht_broken_base64,
        "base64",
    ));
    out.push(Broken::readable(
        "html_remote_picture.html",
        html_remote_picture,
        "not fetched",
    ));
    out.push(Broken::readable(
        "html_picture_outside_folder.html",
        html_picture_outside_folder,
        "outside the page's folder",
    ));
    out.push(Broken::failing(
        "wps_renamed.wps",
        || minimal_cfb(&["WordDocument", "WpsCustomData", "1Table"]),
        "wps",
    ));
    // Word 97-2003 binaries broken on purpose (from fixtures/doc/standard.doc, issue 13).
    out.push(Broken::failing(
        "doc_encrypted.doc",
        super::doc::encrypted_doc,
        "encrypted",
    ));
    out.push(Broken::failing(
        "doc_sector_chain_loop.doc",
        super::doc::sector_chain_loop_doc,
        "loops",
    ));
    out.push(Broken::failing(
        "doc_fat_outside_file.doc",
        super::doc::fat_outside_doc,
        "outside the file",
    ));
    out.push(Broken::failing(
        "doc_piece_outside_stream.doc",
        super::doc::piece_outside_doc,
        "past the end",
    ));
    // A renamed .xls is read (by content); this one is empty, which is said.
    out.push(Broken::readable(
        "legacy_xls_renamed.xlsx",
        || minimal_cfb(&["Workbook"]),
        "no sheet",
    ));
    out.push(Broken::failing(
        "pdf_renamed.docx",
        || b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
            .to_vec(),
        "pdf",
    ));
    // Hostile and repaired PDFs (issue 12).
    out.push(Broken::failing(
        "pdf_stream_bomb.pdf",
        super::pdf::stream_bomb,
        "inflates to over",
    ));
    out.push(Broken::failing(
        "pdf_operators.pdf",
        super::pdf::too_many_operators,
        "operators",
    ));
    out.push(Broken::failing(
        "pdf_pages_6000.pdf",
        super::pdf::too_many_pages,
        "pages",
    ));
    out.push(Broken::failing(
        "pdf_page_tree_cycle.pdf",
        super::pdf::page_tree_cycle,
        "pdf",
    ));
    out.push(Broken::failing(
        "pdf_nested_deep.pdf",
        super::pdf::nested_deep,
        "broken pdf",
    ));
    out.push(Broken::readable(
        "pdf_image_60000x60000.pdf",
        super::pdf::huge_image,
        "pixels",
    ));
    out.push(Broken::readable(
        "pdf_scanned_page.pdf",
        super::pdf::scanned_page,
        "no text layer",
    ));
    out.push(Broken::readable(
        "pdf_broken_xref.pdf",
        || super::pdf::broken_xref(PDF_TEXT),
        "",
    ));
    out.push(Broken::readable(
        "pdf_incremental_update.pdf",
        || super::pdf::incremental_update("Draft report", PDF_TEXT),
        "",
    ));
    // A font with no Unicode map: its glyphs cannot be read, the warning names it.
    out.push(Broken::readable(
        "pdf_unmapped_font.pdf",
        super::pdf::unmapped_font,
        "nomapcjk",
    ));
    out.push(Broken::failing(
        "xlsx_huge_range.xlsx",
        xlsx_huge_range,
        "cells",
    ));
    out.push(Broken::readable("zip_slip.docx", zip_slip, ""));
    out
}
