//! Broken inputs, generated: each must give exactly one errors.csv row with a specific message.

use super::docx::zip_parts;

/// A broken fixture: file name, bytes, and a word the error message must contain (lowercase).
pub struct Broken {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub message_contains: &'static str,
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
pub fn broken_files(good: &[u8]) -> Vec<Broken> {
    let mut out = vec![Broken {
        name: "empty.docx",
        bytes: Vec::new(),
        message_contains: "empty",
    }];
    for (name, cut) in [
        ("truncated_header.docx", 30),
        ("truncated_half.docx", good.len() / 2),
        ("truncated_tail.docx", good.len() - 1),
    ] {
        out.push(Broken {
            name,
            bytes: good[..cut].to_vec(),
            message_contains: "zip",
        });
    }
    out.push(Broken {
        name: "text_renamed.docx",
        bytes: "青川市东湖区人民政府办公室2023年政府信息公开工作年度报告\r\n（这是一个改了扩展名的文本文件）\r\n"
            .as_bytes()
            .to_vec(),
        message_contains: "unrecognised",
    });
    out.push(Broken {
        name: "legacy_doc_renamed.docx",
        bytes: minimal_cfb(&["WordDocument", "1Table"]),
        message_contains: "legacy word",
    });
    out.push(Broken {
        name: "encrypted.docx",
        bytes: minimal_cfb(&["EncryptionInfo", "EncryptedPackage"]),
        message_contains: "encrypted",
    });
    out.push(Broken {
        name: "zip_without_content_types.docx",
        bytes: zip_parts(&[
            (
                "readme.txt".into(),
                "not a Word document".as_bytes().to_vec(),
            ),
            ("data/table.csv".into(), b"a,b\r\n1,2\r\n".to_vec()),
        ]),
        message_contains: "[content_types].xml",
    });
    out.push(Broken {
        name: "malformed_document_xml.docx",
        bytes: malformed_docx(),
        message_contains: "xml",
    });
    out
}
