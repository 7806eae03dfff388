//! Raw bytes through the spreadsheet reader (calamine behind our zip caps and extent check).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = nianbao_fuzz::limits();
    if let Ok(doc) = nianbao::read::sheet::read_workbook(data, &limits) {
        let _ = nianbao::recognise::recognise(&doc);
    }
});
