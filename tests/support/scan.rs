//! Pictures as they come out of a scanner or a phone: a clean rendered picture (from
//! `support::render` or `support::page`) turned by a small angle, blurred, speckled, on uneven
//! grey paper, stamped with a red seal, resampled to a low resolution and saved as JPEG. Every
//! step is deterministic (a fixed-seed generator), so the tests that read these pictures always
//! see the same pixels.

use ab_glyph::{FontVec, PxScale};
use image::{DynamicImage, GrayImage, ImageFormat, Luma, Rgb, RgbImage};
use imageproc::drawing::{draw_filled_circle_mut, draw_polygon_mut, draw_text_mut, text_size};
use imageproc::geometric_transformations::{rotate_about_center, Border, Interpolation};
use imageproc::point::Point;

/// What happens to a picture between the screen and the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// Turned by this many degrees (positive = clockwise), about the centre, on a page grown so
    /// that nothing is cut.
    pub angle_deg: f32,
    /// Gaussian blur, in pixels of the final picture (0 = none).
    pub blur: f32,
    /// Fraction of pixels hit by a speck (a dark dot of 1–2 px on paper, a light one on ink).
    pub speckle: f32,
    /// Paper grey at the lightest corner and at the darkest (255, 255 = white paper).
    pub paper: (u8, u8),
    /// Resampled by this factor (0.6 turns 16 px text into ≈ 10 px digits).
    pub resample: f32,
    /// A red seal stamped with its centre at this fraction of the width and height.
    pub seal: Option<(f32, f32)>,
    /// Saved as JPEG of this quality; PNG when `None`.
    pub jpeg: Option<u8>,
    pub seed: u64,
}

impl Default for Scan {
    fn default() -> Self {
        Scan {
            angle_deg: 0.0,
            blur: 0.0,
            speckle: 0.0,
            paper: (255, 255),
            resample: 1.0,
            seal: None,
            jpeg: None,
            seed: 1,
        }
    }
}

/// A small deterministic generator (xorshift64*), so no test depends on a random crate.
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Self {
        Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// The picture `clean` after `scan`, as image-file bytes.
pub fn scan(clean: &GrayImage, scan: &Scan, font: Option<&FontVec>) -> Vec<u8> {
    encode(&scan_pixels(clean, scan, font), scan.jpeg)
}

/// The picture `clean` after `scan`, as pixels (colour only where a seal is stamped).
pub fn scan_pixels(clean: &GrayImage, s: &Scan, font: Option<&FontVec>) -> DynamicImage {
    let mut dice = Dice::new(s.seed);
    let mut img = clean.clone();
    if s.resample != 1.0 {
        let w = ((img.width() as f32 * s.resample).round() as u32).max(1);
        let h = ((img.height() as f32 * s.resample).round() as u32).max(1);
        img = image::imageops::resize(&img, w, h, image::imageops::FilterType::Triangle);
    }
    if s.angle_deg != 0.0 {
        img = turn(&img, s.angle_deg);
    }
    if s.blur > 0.0 {
        img = imageproc::filter::gaussian_blur_f32(&img, s.blur);
    }
    paper(&mut img, s.paper);
    speckle(&mut img, s.speckle, &mut dice);
    match s.seal {
        None => DynamicImage::ImageLuma8(img),
        Some((fx, fy)) => {
            let mut rgb = DynamicImage::ImageLuma8(img).to_rgb8();
            let (w, h) = (rgb.width() as f32, rgb.height() as f32);
            stamp_seal(&mut rgb, fx * w, fy * h, font);
            DynamicImage::ImageRgb8(rgb)
        }
    }
}

/// The white margins [`turn`] grows a `w × h` picture by before turning it.
fn turn_pads(w: u32, h: u32, angle_deg: f32) -> (u32, u32) {
    let s = angle_deg.to_radians().sin().abs();
    (
        ((h as f32 * s) / 2.0).ceil() as u32 + 4,
        ((w as f32 * s) / 2.0).ceil() as u32 + 4,
    )
}

/// Where [`turn`] puts the pixel `(x, y)` of a `w × h` picture (pixel coordinates, as
/// imageproc's rotation takes them).
pub fn turned_point((w, h): (u32, u32), angle_deg: f32, (x, y): (f32, f32)) -> (f32, f32) {
    let (pad_x, pad_y) = turn_pads(w, h, angle_deg);
    let (cx, cy) = ((w + 2 * pad_x) as f32 / 2.0, (h + 2 * pad_y) as f32 / 2.0);
    let (dx, dy) = (x + pad_x as f32 - cx, y + pad_y as f32 - cy);
    let (s, c) = angle_deg.to_radians().sin_cos();
    (cx + c * dx - s * dy, cy + s * dx + c * dy)
}

/// Turns the picture about its centre on a white page grown by the room the corners need.
pub fn turn(img: &GrayImage, angle_deg: f32) -> GrayImage {
    let t = angle_deg.to_radians();
    let (pad_x, pad_y) = turn_pads(img.width(), img.height(), angle_deg);
    let mut page = GrayImage::from_pixel(
        img.width() + 2 * pad_x,
        img.height() + 2 * pad_y,
        Luma([255]),
    );
    image::imageops::replace(&mut page, img, pad_x as i64, pad_y as i64);
    rotate_about_center(
        &page,
        t,
        Interpolation::Bilinear,
        Border::Constant(Luma([255])),
    )
}

/// Multiplies the picture by paper that darkens from `light` at the top left to `dark` at the
/// bottom right (a scan's uneven lighting and grey recycled paper).
fn paper(img: &mut GrayImage, (light, dark): (u8, u8)) {
    if (light, dark) == (255, 255) {
        return;
    }
    let (w, h) = (img.width().max(2) as f32, img.height().max(2) as f32);
    for (x, y, p) in img.enumerate_pixels_mut() {
        let t = (x as f32 / (w - 1.0) + y as f32 / (h - 1.0)) / 2.0;
        let level = light as f32 + (dark as f32 - light as f32) * t;
        p.0[0] = (p.0[0] as f32 * level / 255.0).round() as u8;
    }
}

/// Dark dots on light pixels and light dots on dark ones, 1–2 px across.
fn speckle(img: &mut GrayImage, fraction: f32, dice: &mut Dice) {
    if fraction <= 0.0 {
        return;
    }
    let (w, h) = (img.width(), img.height());
    let n = (w as f32 * h as f32 * fraction) as u64;
    for _ in 0..n {
        let x = (dice.next() % w as u64) as u32;
        let y = (dice.next() % h as u64) as u32;
        let size = 1 + (dice.next() % 2) as u32;
        let dark = img.get_pixel(x, y).0[0] > 128;
        let v = if dark {
            (dice.next() % 80) as u8
        } else {
            200 + (dice.next() % 56) as u8
        };
        for dy in 0..size {
            for dx in 0..size {
                if x + dx < w && y + dy < h {
                    img.put_pixel(x + dx, y + dy, Luma([v]));
                }
            }
        }
    }
}

/// A round red office seal (ring, star, a line of text) pressed over the picture: the red ink
/// multiplies what is under it, as stamp ink on a printed page does, so black stays black.
pub fn stamp_seal(img: &mut RgbImage, cx: f32, cy: f32, font: Option<&FontVec>) {
    let r = (img.width().min(img.height()) as f32 * 0.22).clamp(40.0, 160.0);
    let mut ink = GrayImage::new(img.width(), img.height());
    let (icx, icy) = (cx.round() as i32, cy.round() as i32);
    draw_filled_circle_mut(&mut ink, (icx, icy), r as i32, Luma([255]));
    draw_filled_circle_mut(&mut ink, (icx, icy), (r * 0.9) as i32, Luma([0]));
    let star: Vec<Point<i32>> = (0..10)
        .map(|i| {
            let a = std::f32::consts::PI * (i as f32 / 5.0) - std::f32::consts::FRAC_PI_2;
            let rr = if i % 2 == 0 { r * 0.3 } else { r * 0.12 };
            Point::new(icx + (rr * a.cos()) as i32, icy + (rr * a.sin()) as i32)
        })
        .collect();
    draw_polygon_mut(&mut ink, &star, Luma([255]));
    if let Some(font) = font {
        let px = PxScale::from(r * 0.28);
        for (text, dy) in [("人民政府办公室", -0.55), ("政务公开专用章", 0.45)] {
            let (tw, _) = text_size(px, font, text);
            let x = icx - tw as i32 / 2;
            let y = icy + (r * dy) as i32;
            draw_text_mut(&mut ink, Luma([255]), x, y, px, font, text);
        }
    }
    const RED: [f32; 3] = [225.0, 35.0, 45.0];
    for (x, y, a) in ink.enumerate_pixels() {
        let a = a.0[0] as f32 / 255.0 * 0.85;
        if a == 0.0 {
            continue;
        }
        let Rgb(px) = img.get_pixel_mut(x, y);
        for (c, red) in px.iter_mut().zip(RED) {
            *c = (*c as f32 * (1.0 - a * (1.0 - red / 255.0))).round() as u8;
        }
    }
}

/// PNG, or JPEG of the given quality.
pub fn encode(img: &DynamicImage, jpeg: Option<u8>) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    match jpeg {
        None => img.write_to(&mut out, ImageFormat::Png).expect("png"),
        Some(q) => {
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q.clamp(1, 100));
            match img {
                DynamicImage::ImageLuma8(g) => g.write_with_encoder(enc),
                other => other.to_rgb8().write_with_encoder(enc),
            }
            .expect("jpeg")
        }
    }
    out.into_inner()
}
