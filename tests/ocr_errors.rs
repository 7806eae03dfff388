//! Pictures that are not tables, too big, or broken.

use std::sync::OnceLock;

use image::{GrayImage, Luma};
use nianbao::ocr::{models_dir, OcrError, Recogniser};
use nianbao::read::image_table::{read_table_image, ImageTableError};
use nianbao::read::Limits;

fn ocr() -> &'static Recogniser {
    static R: OnceLock<Recogniser> = OnceLock::new();
    R.get_or_init(|| {
        Recogniser::load(&models_dir(None))
            .unwrap_or_else(|e| panic!("{e} (CI: run scripts/setup-models before cargo test)"))
    })
}

fn png(img: &GrayImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn missing_models_say_what_to_run() {
    let err = Recogniser::load(std::path::Path::new("/nonexistent/models")).unwrap_err();
    assert!(matches!(err, OcrError::ModelsNotFound(_)));
    let msg = err.to_string();
    assert!(
        msg.contains("/nonexistent/models") && msg.contains("run scripts/setup-models"),
        "{msg}"
    );
}

#[test]
fn photo_like_picture_is_not_a_table() {
    // A smooth gradient with a dark blob: no rules.
    let img = GrayImage::from_fn(400, 300, |x, y| {
        let d = ((x as i32 - 200).pow(2) + (y as i32 - 150).pow(2)) as f32;
        Luma([if d < 3000.0 {
            20
        } else {
            (x * 255 / 400) as u8 / 2 + 100
        }])
    });
    assert!(read_table_image(&png(&img), 0, ocr(), &Limits::default())
        .unwrap()
        .is_none());
}

#[test]
fn text_without_rules_is_not_a_table() {
    let img = GrayImage::from_fn(300, 100, |x, y| {
        Luma([if (x / 3 + y / 5) % 7 == 0 && (20..80).contains(&y) {
            0
        } else {
            255
        }])
    });
    assert!(read_table_image(&png(&img), 0, ocr(), &Limits::default())
        .unwrap()
        .is_none());
}

#[test]
fn a_single_box_is_not_a_table() {
    let img = GrayImage::from_fn(300, 200, |x, y| {
        Luma([if x == 10 || x == 290 || y == 10 || y == 190 {
            0
        } else {
            255
        }])
    });
    assert!(read_table_image(&png(&img), 0, ocr(), &Limits::default())
        .unwrap()
        .is_none());
}

#[test]
fn huge_declared_dimensions_are_rejected_before_decoding() {
    let mut bytes = png(&GrayImage::from_pixel(4, 4, Luma([255])));
    // IHDR data starts at 16: width, height (big-endian); its CRC follows the 13 data bytes.
    bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    let err = read_table_image(&bytes, 0, ocr(), &Limits::default()).unwrap_err();
    assert!(matches!(err, ImageTableError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("100000 × 100000"), "{err}");
    // A lower cap applies too.
    let small = Limits {
        max_image_pixels: 10,
        ..Limits::default()
    };
    let ok = png(&GrayImage::from_pixel(4, 4, Luma([255])));
    assert!(matches!(
        read_table_image(&ok, 0, ocr(), &small),
        Err(ImageTableError::TooLarge { .. })
    ));
}

#[test]
fn corrupt_bytes_are_an_error() {
    let good = png(&GrayImage::from_pixel(64, 64, Luma([200])));
    let mut flipped = good.clone();
    for x in flipped.iter_mut().skip(40) {
        *x ^= 0x5A;
    }
    for bad in [
        good[..good.len() / 2].to_vec(),
        b"not an image at all".to_vec(),
        Vec::new(),
        flipped,
    ] {
        let r = read_table_image(&bad, 0, ocr(), &Limits::default());
        assert!(matches!(r, Err(ImageTableError::Decode(_))), "{r:?}");
    }
}

#[test]
fn recogniser_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Recogniser>();
}

#[test]
fn transparent_ground_is_white() {
    // A ruled 2 × 2 table drawn in black on a fully transparent (black, alpha 0) ground.
    let img = image::RgbaImage::from_fn(200, 100, |x, y| {
        let rule = x == 10 || x == 100 || x == 190 || y == 10 || y == 50 || y == 90;
        let inside = (10..=190).contains(&x) && (10..=90).contains(&y);
        image::Rgba(if rule && inside {
            [0, 0, 0, 255]
        } else {
            [0, 0, 0, 0]
        })
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    let grid = read_table_image(out.get_ref(), 0, ocr(), &Limits::default())
        .unwrap()
        .expect("a 2 × 2 table");
    assert_eq!((grid.rows, grid.cols), (2, 2));
    assert!(grid.cells.iter().all(|c| c.text.is_empty()));
}
