//! Pages photographed with a phone instead of scanned: the printed page lies on a desk, seen by a
//! pinhole camera at an angle (its rectangle becomes a quadrilateral, the near side larger), lit
//! from one side (the light falls off across the sheet), a little out of focus, saved as JPEG.

use image::{DynamicImage, GrayImage, Rgb, RgbImage};
use imageproc::filter::gaussian_blur_f32;
use imageproc::geometric_transformations::Projection;

use super::scan::{encode, Dice};

/// How a page is photographed.
#[derive(Debug, Clone)]
pub struct Shot {
    /// The sheet's tilt away from the camera about its horizontal and vertical axes, degrees.
    pub tilt: (f32, f32),
    /// The sheet turned in its own plane, degrees.
    pub turn: f32,
    /// The light at its darkest corner, as a share of the brightest (1.0: even light).
    pub light: f32,
    pub blur: f32,
    pub jpeg: u8,
    pub seed: u64,
}

/// The photo: 3:4 like a phone's, the page filling about nine tenths of its height.
pub const PHOTO_W: u32 = 1500;
pub const PHOTO_H: u32 = 2000;

/// Where a phone's camera (focal length 0.75 of the long side, looking at the photo's centre)
/// sees the corners of a `w × h` sheet lying at `dist`, tilted and turned as `shot` says.
pub fn corners(w: f32, h: f32, shot: &Shot, dist: f32) -> [(f32, f32); 4] {
    let f = 0.75 * PHOTO_H as f32;
    let (ax, ay, az) = (
        shot.tilt.0.to_radians(),
        shot.tilt.1.to_radians(),
        shot.turn.to_radians(),
    );
    [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)].map(|(x, y)| {
        let (x, y, z) = (x - w / 2.0, y - h / 2.0, 0.0f32);
        let (x, y) = (x * az.cos() - y * az.sin(), x * az.sin() + y * az.cos());
        let (y, z) = (y * ax.cos() - z * ax.sin(), y * ax.sin() + z * ax.cos());
        let (x, z) = (x * ay.cos() + z * ay.sin(), -x * ay.sin() + z * ay.cos());
        let z = z + dist;
        (
            f * x / z + PHOTO_W as f32 / 2.0,
            f * y / z + PHOTO_H as f32 / 2.0,
        )
    })
}

/// A page photographed: colour pixels of the whole photo, desk included.
pub fn photograph(page: &GrayImage, shot: &Shot) -> RgbImage {
    let (pw, ph) = (page.width() as f32, page.height() as f32);
    // At this distance the untilted page fills 0.85 of the photo's height.
    let dist = 0.75 * PHOTO_H as f32 * ph / (0.85 * PHOTO_H as f32);
    let seen = corners(pw, ph, shot, dist);
    let to_page =
        Projection::from_control_points(seen, [(0.0, 0.0), (pw, 0.0), (pw, ph), (0.0, ph)])
            .expect("the page's corners make a projection");
    let mut dice = Dice::new(shot.seed);
    // The light comes from one corner of the photo and falls off linearly to the opposite one.
    let (lx, ly) = (dice.unit(), dice.unit());
    let reach = (PHOTO_W as f32).hypot(PHOTO_H as f32);
    let mut photo = RgbImage::new(PHOTO_W, PHOTO_H);
    for (x, y, px) in photo.enumerate_pixels_mut() {
        let d = (x as f32 - lx * PHOTO_W as f32).hypot(y as f32 - ly * PHOTO_H as f32) / reach;
        let light = 1.0 - (1.0 - shot.light) * d.min(1.0);
        let (u, v) = to_page * (x as f32 + 0.5, y as f32 + 0.5);
        let paper = (0.0..pw - 1.0).contains(&u) && (0.0..ph - 1.0).contains(&v);
        let rgb = if paper {
            let g = bilinear(page, u - 0.5, v - 0.5);
            // Paper a little warm under the lamp.
            [g * 0.99, g * 0.96, g * 0.9]
        } else {
            // A wooden desk, its grain along x.
            let grain =
                10.0 * ((y as f32 / 7.0).sin() + (y as f32 / 23.0 + x as f32 / 400.0).sin());
            [120.0 + grain, 96.0 + grain, 72.0 + grain]
        };
        *px = Rgb(rgb.map(|c| (c * light).clamp(0.0, 255.0) as u8));
    }
    if shot.blur > 0.0 {
        photo = gaussian_blur_f32(&photo, shot.blur);
    }
    photo
}

/// JPEG bytes of the photographed page, as the phone saves it.
pub fn photo_jpeg(page: &GrayImage, shot: &Shot) -> Vec<u8> {
    encode(
        &DynamicImage::ImageRgb8(photograph(page, shot)),
        Some(shot.jpeg),
    )
}

fn bilinear(img: &GrayImage, x: f32, y: f32) -> f32 {
    let (x0, y0) = (x.max(0.0).floor(), y.max(0.0).floor());
    let (fx, fy) = (x.max(0.0) - x0, y.max(0.0) - y0);
    let (x0, y0) = (x0 as u32, y0 as u32);
    let (x1, y1) = (
        (x0 + 1).min(img.width() - 1),
        (y0 + 1).min(img.height() - 1),
    );
    let p = |x, y| f32::from(img.get_pixel(x, y).0[0]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    top * (1.0 - fy) + bottom * fy
}
