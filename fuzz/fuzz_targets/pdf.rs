//! Raw bytes through the PDF reader (`read::pdf::read_pdf`: hayro's parser and xref repair, the
//! stream and operator guards, the page device, tables from rules, lines and paragraphs), then
//! the recogniser and checks.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = nianbao::read::pdf::read_pdf(data, &nianbao_fuzz::limits()) {
        let report = nianbao::recognise::recognise(&doc);
        let _ = nianbao::check::check_report(&report);
    }
});
