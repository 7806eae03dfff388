//! Pictures out of a PDF: a JPEG stream is passed through as it is in the file (no re-encoding,
//! so its sha256 is the publisher's); any other image is decoded by hayro with its colour space,
//! decode array and masks, composited onto white paper, and saved as PNG.

use hayro_interpret::hayro_syntax::Filter;
use hayro_interpret::{ImageData, LumaData, RasterImage};

/// The bytes and content type of a picture, or why it was left out.
pub fn encode(
    raster: &RasterImage<'_>,
    max_pixels: u64,
) -> Result<(Vec<u8>, &'static str), String> {
    let (w, h) = (raster.width(), raster.height());
    let pixels = u64::from(w) * u64::from(h);
    if pixels > max_pixels {
        return Err(format!(
            "picture of {w}×{h} pixels skipped: over the image limit of {} megapixels (--max-image-mp)",
            max_pixels / 1_000_000
        ));
    }
    let stream = raster.stream();
    let has_mask = stream.dict().contains_key(b"SMask".as_slice())
        || stream.dict().contains_key(b"Mask".as_slice());
    if !has_mask && stream.filters().as_slice() == [Filter::DctDecode] {
        let data = stream.raw_data().into_owned();
        if data.starts_with(&[0xFF, 0xD8]) && is_rgb_or_gray_jpeg(stream.dict()) {
            return Ok((data, "image/jpeg"));
        }
    }
    let mut out: Result<image::RgbImage, String> =
        Err(format!("picture of {w}×{h} pixels could not be decoded"));
    raster.with_rgba(
        |data, alpha| out = Ok(composite_on_white(data, alpha.as_ref())),
        None,
    );
    let rgb = out?;
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(rgb)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| format!("picture of {w}×{h} pixels could not be saved: {e}"))?;
    Ok((png, "image/png"))
}

/// A JPEG whose colours a viewer shows as the PDF does: CMYK JPEGs (often inverted by a Decode
/// array in the PDF) are decoded instead of passed through.
fn is_rgb_or_gray_jpeg(dict: &hayro_interpret::hayro_syntax::object::Dict<'_>) -> bool {
    use hayro_interpret::hayro_syntax::object::Name;
    match dict.get::<Name<'_>>(b"ColorSpace".as_slice()) {
        Some(n) => {
            let n: &[u8] = n.as_ref();
            (n == b"DeviceRGB" || n == b"DeviceGray") && !dict.contains_key(b"Decode".as_slice())
        }
        // An ICC-based or indexed space: the JPEG's own components are RGB or gray in practice.
        None => !dict.contains_key(b"Decode".as_slice()),
    }
}

fn composite_on_white(data: ImageData, alpha: Option<&LumaData>) -> image::RgbImage {
    let (w, h) = (data.width(), data.height());
    let rgb: Vec<u8> = match data {
        ImageData::Rgb(d) => d.data,
        ImageData::Luma(d) => d.data.iter().flat_map(|&v| [v, v, v]).collect(),
    };
    let mut rgb = rgb;
    if let Some(a) = alpha.filter(|a| a.width == w && a.height == h) {
        for (px, &al) in rgb.chunks_exact_mut(3).zip(&a.data) {
            for v in px {
                // Over white: v·α + 255·(1−α).
                *v = ((u32::from(*v) * u32::from(al) + 255 * (255 - u32::from(al))) / 255) as u8;
            }
        }
    }
    image::RgbImage::from_raw(w, h, rgb).unwrap_or_else(|| image::RgbImage::new(w.max(1), h.max(1)))
}
