use super::*;

#[test]
#[ignore]
fn dump() {
    let path = std::env::var("DOC").unwrap();
    let bytes = std::fs::read(path).unwrap();
    let limits = Limits::default();
    let (streams, fib) = ole::open(&bytes, &limits).unwrap();
    let text = Text::read(
        fib.clx.slice(&streams.table).unwrap(),
        &streams.word,
        &limits,
    )
    .unwrap();
    eprintln!("{fib:?}\npieces {:?}", text.pieces);
    let s: String = text
        .chars
        .iter()
        .map(|&u| match u {
            0x0D => "¶\n".to_string(),
            0x07 => "¤".to_string(),
            u if u < 0x20 => format!("<{u:02X}>"),
            u => char::from_u32(u as u32).unwrap_or('?').to_string(),
        })
        .collect();
    eprintln!("{s}");
}

#[test]
#[ignore]
fn dump_props() {
    let path = std::env::var("DOC").unwrap();
    let bytes = std::fs::read(path).unwrap();
    let limits = Limits::default();
    let (streams, fib) = ole::open(&bytes, &limits).unwrap();
    let text = Text::read(
        fib.clx.slice(&streams.table).unwrap(),
        &streams.word,
        &limits,
    )
    .unwrap();
    let papx = props::BinTable::read(&streams.table, fib.plcf_bte_papx);
    for (cp, &u) in text.chars.iter().enumerate() {
        if u == 0x0D || u == 0x07 {
            let fc = text.fc(cp as u32).unwrap();
            let (istd, g) = papx.papx(&streams.word, fc).unwrap_or((999, &[]));
            let ops: Vec<String> = props::sprms(g)
                .map(|s| format!("{:04X}:{}", s.op, s.arg.len()))
                .collect();
            let mut p = props::ParaProps::default();
            p.apply(g);
            if let Some(at) = props::huge_papx(g) {
                let at = at as usize;
                let cb = ole::u16_at(&streams.data, at).unwrap_or(0) as usize;
                let h = &streams.data[at + 2..at + 2 + cb];
                let ops: Vec<String> = props::sprms(h)
                    .map(|s| format!("{:04X}:{}", s.op, s.arg.len()))
                    .collect();
                eprintln!("  huge at {at} cb {cb}: {}", ops.join(" "));
            }
            eprintln!(
                "cp {cp} {u:02X} fc {fc} istd {istd} len {} depth {} ttp {} ops {}",
                g.len(),
                p.depth(),
                p.ttp,
                ops.join(" ")
            );
        }
    }
}
