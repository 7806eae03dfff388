//! Raw bytes through the whole pipeline, as `nianbao extract` reads a file: sniffing, the zip
//! package, the .docx reader (or whatever the bytes are), the recogniser and the checks.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    nianbao_fuzz::pipeline(data);
});
