//! EMF pictures of tables: text records → a Vector grid, no OCR.

use nianbao::model::TableOrigin;
use nianbao::read::image_table::emf::{is_emf, read_emf_table};
use nianbao::read::image_table::ImageTableError;

fn push_u32(b: &mut Vec<u8>, v: u32) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn header() -> Vec<u8> {
    let mut b = Vec::new();
    push_u32(&mut b, 1); // EMR_HEADER
    push_u32(&mut b, 88);
    b.resize(40, 0);
    b.extend_from_slice(b" EMF");
    b.resize(88, 0);
    b
}

fn set_align(b: &mut Vec<u8>, align: u32) {
    push_u32(b, 22);
    push_u32(b, 12);
    push_u32(b, align);
}

/// EMR_EXTTEXTOUTW at reference (x, y), each character advancing `adv` (double for CJK).
fn text(b: &mut Vec<u8>, x: i32, y: i32, s: &str, adv: i32) {
    let units: Vec<u16> = s.encode_utf16().collect();
    let mut str_bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
    while !str_bytes.len().is_multiple_of(4) {
        str_bytes.push(0);
    }
    let off_string = 76u32;
    let off_dx = off_string + str_bytes.len() as u32;
    let size = off_dx + 4 * units.len() as u32;
    let mut r = Vec::new();
    push_u32(&mut r, 84);
    push_u32(&mut r, size);
    r.resize(36, 0); // bounds, graphics mode, scales
    push_u32(&mut r, x as u32);
    push_u32(&mut r, y as u32);
    push_u32(&mut r, units.len() as u32);
    push_u32(&mut r, off_string);
    push_u32(&mut r, 0); // options
    r.resize(72, 0); // rectangle
    push_u32(&mut r, off_dx);
    r.extend_from_slice(&str_bytes);
    for u in &units {
        let w = if *u > 0x2000 { adv * 2 } else { adv };
        push_u32(&mut r, w as u32);
    }
    assert_eq!(r.len() as u32, size);
    b.extend_from_slice(&r);
}

fn eof(b: &mut Vec<u8>) {
    push_u32(b, 14);
    push_u32(b, 20);
    b.extend_from_slice(&[0; 12]);
}

#[test]
fn text_records_become_a_grid() {
    let mut b = header();
    set_align(&mut b, 6 | 24); // TA_CENTER | TA_BASELINE
    text(&mut b, 200, 70, "申请人情况", 8);
    text(&mut b, 50, 100, "项目", 8);
    text(&mut b, 150, 100, "自然人", 8);
    text(&mut b, 250, 100, "总计", 8);
    text(&mut b, 50, 130, "一、新收", 8);
    text(&mut b, 150, 130, "3", 8);
    text(&mut b, 250, 130, "12", 8);
    text(&mut b, 50, 160, "二、结转", 8);
    text(&mut b, 150, 160, "0", 8);
    text(&mut b, 250, 160, "105", 8);
    eof(&mut b);
    assert!(is_emf(&b));
    let g = read_emf_table(&b, 7).unwrap().expect("a table");
    assert_eq!(g.origin, TableOrigin::Vector { image: 7 });
    assert_eq!((g.rows, g.cols), (4, 3));
    let at = |r, c| g.cell_at(r, c).map(|c| c.text.as_str());
    assert_eq!(at(0, 1), Some("申请人情况"));
    assert_eq!(g.cell_at(0, 1).unwrap().colspan, 2);
    assert_eq!(at(1, 0), Some("项目"));
    assert_eq!(at(2, 0), Some("一、新收"));
    assert_eq!(at(2, 1), Some("3"));
    assert_eq!(at(2, 2), Some("12"));
    assert_eq!(at(3, 2), Some("105"));
}

#[test]
fn broken_emf_is_an_error_not_a_panic() {
    let mut b = header();
    text(&mut b, 10, 10, "abc", 8);
    // A record claiming to run past the end.
    push_u32(&mut b, 84);
    push_u32(&mut b, 10_000);
    b.extend_from_slice(&[0; 40]);
    assert!(matches!(
        read_emf_table(&b, 0),
        Err(ImageTableError::Decode(_))
    ));
    // Truncated everywhere: never a panic.
    let mut full = header();
    text(&mut full, 10, 10, "一二三", 8);
    text(&mut full, 90, 10, "四", 8);
    eof(&mut full);
    for n in 0..full.len() {
        let _ = read_emf_table(&full[..n], 0);
    }
}
