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

