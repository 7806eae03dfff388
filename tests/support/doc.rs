//! Word 97–2003 fixtures: the `.doc` files in `fixtures/doc/` were saved once by LibreOffice
//! (see fixtures/README.md); the WPS-named file and the broken ones are derived from them here,
//! byte for byte the same on every run.

use std::io::{Cursor, Read, Write};

/// A committed `.doc` fixture.
pub fn doc(name: &str) -> Vec<u8> {
    super::committed(&format!("doc/{name}.doc"))
}

/// The root streams of a compound file, in directory order.
fn streams(ole: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(ole)).expect("a compound file");
    let names: Vec<String> = cf
        .read_root_storage()
        .filter(|e| e.is_stream())
        .map(|e| e.name().to_string())
        .collect();
    names
        .into_iter()
        .map(|n| {
            let mut data = Vec::new();
            cf.open_stream(format!("/{n}"))
                .expect("stream")
                .read_to_end(&mut data)
                .expect("read");
            (n, data)
        })
        .collect()
}

/// A new compound file holding `streams` (fixed timestamps: the bytes are stable).
fn compound(streams: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("create");
    for (name, data) in streams {
        let mut s = cf.create_stream(format!("/{name}")).expect("stream");
        s.write_all(data).expect("write");
    }
    cf.set_modified_time("/", std::time::UNIX_EPOCH)
        .expect("time");
    cf.set_created_time("/", std::time::UNIX_EPOCH)
        .expect("time");
    cf.flush().expect("flush");
    cf.into_inner().into_inner()
}

/// What a Kingsoft WPS `.wps` file is as far as this project can make one without WPS Office:
/// the Word 97 binary streams of `standard.doc` plus a `WpsCustomData` stream (the marker WPS
/// writes beside them). Not a file saved by WPS Office.
pub fn wps_from_doc(doc: &[u8]) -> Vec<u8> {
    let mut s = streams(doc);
    s.push((
        "WpsCustomData".into(),
        b"\x01\x00\x00\x00nianbao-fixture".to_vec(),
    ));
    compound(&s)
}

/// `standard.doc` with the FIB's fEncrypted flag set (a password-protected document).
pub fn encrypted_doc() -> Vec<u8> {
    let mut s = streams(&doc("standard"));
    for (name, data) in s.iter_mut() {
        if name == "WordDocument" {
            data[0x0B] |= 0x01;
        }
    }
    compound(&s)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// `standard.doc` whose directory sector chain points back to itself (a loop).
pub fn sector_chain_loop_doc() -> Vec<u8> {
    let mut b = doc("standard");
    let fat_sector = u32_at(&b, 0x4C) as usize;
    let dir = u32_at(&b, 0x30) as usize;
    let at = (fat_sector + 1) * 512 + 4 * dir;
    b[at..at + 4].copy_from_slice(&(dir as u32).to_le_bytes());
    b
}

/// `standard.doc` whose header lists a FAT sector far outside the file.
pub fn fat_outside_doc() -> Vec<u8> {
    let mut b = doc("standard");
    b[0x4C..0x50].copy_from_slice(&0x0001_0000u32.to_le_bytes());
    b
}

/// `standard.doc` whose only piece points past the end of the WordDocument stream.
pub fn piece_outside_doc() -> Vec<u8> {
    let mut s = streams(&doc("standard"));
    let word = s
        .iter()
        .find(|(n, _)| n == "WordDocument")
        .unwrap()
        .1
        .clone();
    let table_name = if word[0x0B] & 0x02 != 0 {
        "1Table"
    } else {
        "0Table"
    };
    let clx = u32_at(&word, 0x1A2) as usize;
    for (name, data) in s.iter_mut() {
        if name == table_name {
            // CLX: 0x02, lcb, CP[0], CP[1], then the PCD: 2 bytes, fc.
            assert_eq!(data[clx], 0x02, "a CLX without Prc entries");
            let fc_at = clx + 5 + 8 + 2;
            data[fc_at..fc_at + 4].copy_from_slice(&0x0FFF_0000u32.to_le_bytes());
        }
    }
    compound(&s)
}

/// The body paragraphs and text boxes of `text_boxes.docx`/`.doc`, in reading order: a text box's
/// paragraphs follow the paragraph its anchor is in (`Some(n)` is a paragraph of box n).
pub const TEXT_BOXES_ORDER: [(Option<u32>, &str); 8] = [
    (None, "正文第一段：本机关依法公开政府信息。"),
    (None, "正文第二段，第一个文本框锚定于此。"),
    (Some(1), "框一第一行：联系电话0532-88886666"),
    (Some(1), "框一第二行：地址青川市东湖区政务中心"),
    (None, "正文第三段，两个文本框之间。"),
    (None, "正文第四段，第二个文本框锚定于此。"),
    (Some(2), "框二：只有一行"),
    (None, "正文第五段，全文结束。"),
];

/// The source of `fixtures/doc/text_boxes.doc` (saved once by LibreOffice, fixtures/README.md):
/// five body paragraphs, the second and the fourth each anchoring a text box (`wps:txbx` with
/// its VML fallback, as Word writes it) in [`TEXT_BOXES_ORDER`].
pub fn text_boxes_docx() -> Vec<u8> {
    use super::docx::{p, p_xml, run, text_box_run, Docx};
    let mut d = Docx::new();
    let mut i = 0;
    while i < TEXT_BOXES_ORDER.len() {
        let (_, text) = TEXT_BOXES_ORDER[i];
        i += 1;
        let mut boxed = String::new();
        let mut id = 0;
        while let Some(&(Some(n), line)) = TEXT_BOXES_ORDER.get(i) {
            boxed.push_str(&p(line));
            id = n;
            i += 1;
        }
        if boxed.is_empty() {
            d.push(&p(text));
        } else {
            d.push(&p_xml(
                "",
                &format!("{}{}", run(text), text_box_run(id, &boxed)),
            ));
        }
    }
    d.build()
}
