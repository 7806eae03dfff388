//! Raw bytes through the Word 97–2003 reader: cfb's compound file, the FIB, piece table, FKPs,
//! table rows, styles, lists, pictures (seeds: fixtures/doc and the broken .doc files).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = nianbao_fuzz::limits();
    if let Ok(doc) = nianbao::read::doc::read_doc(data, &limits) {
        let _ = nianbao::recognise::recognise(&doc);
    }
});
