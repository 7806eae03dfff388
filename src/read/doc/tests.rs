//! Unit tests on hand-built records; whole files are tested end to end in tests/e2e_docx.rs.

use super::props::{sprms, CellDef, ParaProps, RowDef};
use super::table::{build, Row};
use super::text::Text;
use super::*;

/// A CLX with one Prc and the given pieces: (cp_end, fc as stored, prm).
fn clx(pieces: &[(u32, u32, u16)]) -> Vec<u8> {
    let mut out = vec![0x01, 3, 0, 0x16, 0x24, 0x01]; // Prc: sprmPFInTable 1
    let n = pieces.len();
    out.push(0x02);
    out.extend(((4 * (n + 1) + 8 * n) as u32).to_le_bytes());
    out.extend(0u32.to_le_bytes());
    for &(end, _, _) in pieces {
        out.extend(end.to_le_bytes());
    }
    for &(_, fc, prm) in pieces {
        out.extend([0, 0]);
        out.extend(fc.to_le_bytes());
        out.extend(prm.to_le_bytes());
    }
    out
}

#[test]
fn pieces_read_8_bit_and_utf16_text() {
    // "A€" as cp1252 at byte 0 (compressed fc = 2 × offset | 0x40000000), "年报" as UTF-16 at 8.
    let mut word = vec![b'A', 0x80, 0, 0, 0, 0, 0, 0];
    word.extend("年报".encode_utf16().flat_map(u16::to_le_bytes));
    let clx = clx(&[(2, 0x4000_0000, 0), (4, 8, 1)]);
    let text = Text::read(&clx, &word, &Limits::default()).expect("read");
    assert_eq!(String::from_utf16_lossy(&text.chars), "A€年报");
    assert_eq!(text.fc(1), Some(1));
    assert_eq!(text.fc(3), Some(10));
    // The second piece's Prm points to Prc 0 (fComplex, index 0).
    assert_eq!(text.piece(3).map(|p| p.prm), Some(1));
    let mut p = ParaProps::default();
    p.apply(&text.prcs[0]);
    assert!(p.in_table);
}

#[test]
fn piece_table_faults_are_named() {
    let word = vec![0u8; 16];
    // A piece beyond the stream.
    let err = Text::read(&clx(&[(4, 0x0FFF_0000, 0)]), &word, &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("past the end"), "{err}");
    // More pieces than the limit.
    let limits = Limits {
        max_doc_pieces: 1,
        ..Limits::default()
    };
    let err = Text::read(&clx(&[(1, 0, 0), (2, 2, 0)]), &word, &limits).unwrap_err();
    assert!(
        matches!(err, ReadError::Limit(ref m) if m.contains("pieces")),
        "{err}"
    );
    // Pieces out of order.
    let err = Text::read(&clx(&[(4, 0, 0), (2, 8, 0)]), &word, &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("out of order"), "{err}");
    // No Pcdt at all.
    let err = Text::read(&[0x05, 0, 0], &word, &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("no piece table"), "{err}");
}

/// sprmTDefTable with `n` cells at `centers` and the given TC80 flags.
fn tdef(centers: &[i16], flags: &[u16]) -> Vec<u8> {
    let n = flags.len();
    let mut arg = vec![n as u8];
    for c in centers {
        arg.extend(c.to_le_bytes());
    }
    for f in flags {
        arg.extend(f.to_le_bytes());
        arg.extend([0u8; 18]);
    }
    let mut out = 0xD608u16.to_le_bytes().to_vec();
    out.extend(((arg.len() + 1) as u16).to_le_bytes());
    out.extend(arg);
    out
}

#[test]
fn row_definition_and_the_sprms_after_it() {
    let mut grpprl = vec![0x16, 0x24, 1, 0x17, 0x24, 1];
    grpprl.extend(tdef(&[0, 1000, 3000], &[0x0060, 0x0003]));
    grpprl.extend([0x2B, 0xD6, 2, 1, 3]); // sprmTVertMerge: cell 1 restarts
    grpprl.extend([0x40, 0x26, 1]); // sprmPOutLvl 1, after the variable-length sprms
    let ops: Vec<u16> = sprms(&grpprl).map(|s| s.op).collect();
    assert_eq!(ops, [0x2416, 0x2417, 0xD608, 0xD62B, 0x2640]);
    let mut p = ParaProps::default();
    p.apply(&grpprl);
    assert!(p.in_table && p.ttp);
    assert_eq!(p.depth(), 1);
    assert_eq!(p.outline, Some(1));
    let row = p.row.expect("row");
    assert_eq!(row.centers, [0, 1000, 3000]);
    assert!(row.cells[0].v_restart && row.cells[0].v_merged);
    assert!(row.cells[1].h_merged && row.cells[1].v_restart);
}

fn row(cells: &[&str], centers: &[i16], defs: &[CellDef]) -> Row {
    Row {
        cells: cells.iter().map(|c| c.to_string()).collect(),
        def: Some(RowDef {
            centers: centers.to_vec(),
            cells: defs.to_vec(),
        }),
    }
}

#[test]
fn cell_boundaries_and_merge_flags_make_the_grid() {
    let plain = CellDef::default();
    let restart = CellDef {
        v_merged: true,
        v_restart: true,
        ..plain
    };
    let cont = CellDef {
        v_merged: true,
        ..plain
    };
    let rows = vec![
        // A label over two rows, a header cell as wide as two columns.
        row(&["项目", "申请人"], &[0, 1000, 3000], &[restart, plain]),
        row(
            &["", "自然人", "法人"],
            &[0, 1000, 2003, 3000],
            &[cont, plain, plain],
        ),
        row(&["新收", "86", "33"], &[0, 1000, 2000, 3000], &[plain; 3]),
    ];
    let grid = build(rows, &Limits::default())
        .expect("grid")
        .expect("table");
    assert_eq!((grid.rows, grid.cols), (3, 3));
    let label = grid.cell_at(1, 0).expect("label");
    assert_eq!(
        (label.text.as_str(), label.rowspan, label.colspan),
        ("项目", 2, 1)
    );
    let head = grid.cell_at(0, 2).expect("header");
    assert_eq!(
        (head.text.as_str(), head.col, head.colspan),
        ("申请人", 1, 2)
    );
    // 2003 and 2000 are one edge (rounding between rows).
    assert_eq!(grid.cell_at(2, 2).map(|c| c.text.as_str()), Some("33"));
    assert_eq!(grid.cells.len(), 7);

    let limits = Limits {
        max_table_slots: 4,
        ..Limits::default()
    };
    let rows = vec![row(&["a", "b", "c"], &[0, 100, 200, 300], &[plain; 3]); 2];
    assert!(matches!(build(rows, &limits), Err(ReadError::Limit(m)) if m.contains("slots")));
}

#[test]
fn not_a_compound_file_or_not_word() {
    assert!(matches!(
        read_doc(&[0u8; 100], &Limits::default()),
        Err(ReadError::Ole(_))
    ));
    let err = ole::Fib::parse(&[0u8; 40]).unwrap_err();
    assert!(err.to_string().contains("FIB"), "{err}");
    // Word 6.0/95 files (nFib below 101) are named as such.
    let mut old = vec![0u8; 64];
    old[..2].copy_from_slice(&0xA5DCu16.to_le_bytes());
    old[2..4].copy_from_slice(&100u16.to_le_bytes());
    let err = ole::Fib::parse(&old).unwrap_err();
    assert!(err.to_string().contains("Word 6.0/95"), "{err}");
}

/// Mutated and truncated copies of a real .doc: every one is read or refused, none panics (a
/// deterministic stand-in for the `doc` fuzz target, which needs cargo-fuzz).
#[test]
fn mutated_documents_never_panic() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/doc/standard.doc");
    let good = std::fs::read(path).expect("fixtures/doc/standard.doc");
    let limits = Limits::default();
    assert!(read_doc(&good, &limits).is_ok());
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..400 {
        let mut bytes = good.clone();
        let flips = 1 + (next() % 16) as usize;
        for _ in 0..flips {
            let at = (next() as usize) % bytes.len();
            bytes[at] = next() as u8;
        }
        if round % 10 == 0 {
            bytes.truncate((next() as usize) % bytes.len());
        }
        let _ = read_doc(&bytes, &limits);
    }
}

/// Reader time per .doc: `cargo test --release --lib doc_speed -- --ignored --nocapture`.
#[test]
#[ignore]
fn doc_speed() {
    for name in [
        "standard",
        "trial_2019",
        "numbered",
        "tricky",
        "pictures_t3_split_header",
    ] {
        let path = format!("{}/fixtures/doc/{name}.doc", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(path).expect("fixture");
        let runs = 200;
        let t = std::time::Instant::now();
        for _ in 0..runs {
            let doc = read_doc(&bytes, &Limits::default()).expect("read");
            std::hint::black_box(doc);
        }
        let ms = t.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
        eprintln!(
            "{name}.doc ({} KB): {ms:.3} ms per read",
            bytes.len() / 1024
        );
    }
}

#[test]
fn rtf_text_fields_hidden_text_and_merged_cells() {
    let rtf = br"{\rtf1\ansi\ansicpg936{\fonttbl{\f0 SimSun;}}{\header \pard header text\par}
\pard{\listtext \'d2\'bb\'a1\'a2\tab}\u24635?\'cc\'e5\par
{\field{\*\fldinst HYPERLINK http://old.example.org}{\fldrslt http://www.dhq.gov.cn}}\par
visible{\v hidden}{\deleted gone} end{\footnote \pard note text\par}\par
\trowd\clvmgf\cellx1000\cellx3000\pard\intbl A\cell B\cell\row
\trowd\clvmrg\cellx1000\cellx2000\cellx3000\pard\intbl \cell C\cell D\cell\row
\pard after\par}";
    let doc = crate::read::rtf::read_rtf(rtf, &Limits::default()).expect("rtf");
    let paragraphs: Vec<String> = doc
        .body
        .iter()
        .filter_map(|b| match b {
            crate::model::Block::Paragraph(p) => Some(p.text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        paragraphs,
        ["一、总体", "http://www.dhq.gov.cn", "visible end", "after"]
    );
    assert_eq!(
        format!("{:?}", doc.furniture)
            .matches("header text")
            .count(),
        1
    );
    assert_eq!(format!("{:?}", doc.notes).matches("note text").count(), 1);
    let grid = doc.tables().next().expect("a table");
    assert_eq!((grid.rows, grid.cols), (2, 3));
    let a = grid.cell_at(1, 0).expect("A");
    assert_eq!((a.text.as_str(), a.rowspan), ("A", 2));
    assert_eq!(
        grid.cell_at(0, 2).map(|c| (c.text.as_str(), c.colspan)),
        Some(("B", 2))
    );
    // Groups nested beyond the depth limit are refused, not recursed into.
    let deep = [b"{\\rtf1".as_slice(), &[b'{'; 5000]].concat();
    assert!(matches!(
        crate::read::rtf::read_rtf(&deep, &Limits::default()),
        Err(ReadError::Limit(_))
    ));
}

#[test]
fn text_box_ranges_skip_reusable_slots_and_the_end_marker() {
    use super::ole::FcLcb;
    use super::story::text_boxes;
    // (start CP, reusable, shape id); CPs relative to the text-box story, the last one ends at 13.
    let entries = [(0u32, 0u16, 1026u32), (1, 1, 0), (10, 0, 1030), (12, 0, 0)];
    let mut plc = vec![0u8; 4]; // an offset: the PLC does not start the table stream
    for (cp, _, _) in entries {
        plc.extend(cp.to_le_bytes());
    }
    plc.extend(13u32.to_le_bytes());
    for (_, reusable, spid) in entries {
        plc.extend(1u32.to_le_bytes()); // cTxbx
        plc.extend(0u32.to_le_bytes()); // cReusable
        plc.extend(reusable.to_le_bytes());
        plc.extend(u32::MAX.to_le_bytes()); // reserved
        plc.extend(spid.to_le_bytes());
        plc.extend(0u32.to_le_bytes()); // txidUndo
    }
    let at = FcLcb {
        fc: 4,
        lcb: (plc.len() - 4) as u32,
    };
    let got: Vec<_> = text_boxes(&plc, at)
        .iter()
        .map(|b| (b.spid, b.start, b.end))
        .collect();
    assert_eq!(got, [(1026, 0, 1), (1030, 10, 12)]);
}
