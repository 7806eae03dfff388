//! Raw bytes through the web page reader (`read::html::read_html`: MIME/.mht split, encoding
//! sniffing, the limits' prescan, html5ever, article finding, tables, `data:` pictures), then the
//! recogniser and checks. No folder is given, so nothing is read from disk.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = nianbao::read::html::read_html(data, &nianbao_fuzz::limits(), None) {
        let report = nianbao::recognise::recognise(&doc);
        let _ = nianbao::check::check_report(&report);
    }
});
