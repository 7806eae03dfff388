//! Raw bytes as a picture of a table: header-size cap, decoding, binarisation and rule/grid
//! detection, and the EMF text-record reader — everything of the image-table path but the OCR
//! model itself (which takes a fixed-size tensor and is not where hostile bytes go).
#![no_main]
use libfuzzer_sys::fuzz_target;
use nianbao::read::image_table::{decode_gray, emf, grid};

fuzz_target!(|data: &[u8]| {
    let limits = nianbao_fuzz::limits();
    if emf::is_emf(data) {
        let _ = emf::read_emf_table(data, 0);
        return;
    }
    if let Ok(gray) = decode_gray(data, &limits) {
        let _ = grid::detect(&grid::Binary::otsu(&gray));
    }
});
