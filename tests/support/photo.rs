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

/// The photo of a page: 3:4 like a phone's, the page filling about nine tenths of its height.
pub const PHOTO_W: u32 = 1500;
pub const PHOTO_H: u32 = 2000;

/// What lies around the photographed picture.
#[derive(Debug, Clone, Copy)]
pub enum Ground {
    /// A wooden desk under a printed page.
    Desk,
    /// A screen's dark frame around the viewer's white page a table picture is shown on.
    Screen,
}

/// Where a phone's camera (focal length 0.75 of the photo's long side, looking at the photo's
/// centre) sees the corners of a `w × h` picture lying at `dist`, tilted and turned as `shot`
/// says.
fn corners(w: f32, h: f32, shot: &Shot, dist: f32, (pw, ph): (u32, u32)) -> [(f32, f32); 4] {
    let f = 0.75 * pw.max(ph) as f32;
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
        (f * x / z + pw as f32 / 2.0, f * y / z + ph as f32 / 2.0)
    })
}

/// Where [`photograph_in`] sees a `picture` photographed as `shot` says in a `size` photo,
/// filling `fill` of it: picture → photo, both in continuous coordinates (pixel `(i, j)` covers
/// `i..i + 1`, `j..j + 1`).
pub fn seen_by(picture: (u32, u32), shot: &Shot, size: (u32, u32), fill: f32) -> Projection {
    let (pw, ph) = (picture.0 as f32, picture.1 as f32);
    let seen = seen_corners(picture, shot, size, fill);
    Projection::from_control_points([(0.0, 0.0), (pw, 0.0), (pw, ph), (0.0, ph)], seen)
        .expect("the picture's corners make a projection")
}

/// Where the picture's corners lie in the photo: the camera as far from it as makes it fill
/// `fill` of the photo.
fn seen_corners(picture: (u32, u32), shot: &Shot, size: (u32, u32), fill: f32) -> [(f32, f32); 4] {
    let (pw, ph) = (picture.0 as f32, picture.1 as f32);
    let f = 0.75 * size.0.max(size.1) as f32;
    let dist = f * (pw / (fill * size.0 as f32)).max(ph / (fill * size.1 as f32));
    corners(pw, ph, shot, dist, size)
}

/// A page photographed on a desk: colour pixels of the whole photo, desk included.
pub fn photograph(page: &GrayImage, shot: &Shot) -> RgbImage {
    photograph_in(page, shot, (PHOTO_W, PHOTO_H), Ground::Desk, 0.85)
}

/// A picture photographed: a `size` photo in which the untilted picture would fill `fill` of the
/// width or the height, on `ground`.
pub fn photograph_in(
    picture: &GrayImage,
    shot: &Shot,
    size: (u32, u32),
    ground: Ground,
    fill: f32,
) -> RgbImage {
    let (pw, ph) = (picture.width() as f32, picture.height() as f32);
    let seen = seen_corners(picture.dimensions(), shot, size, fill);
    let to_picture =
        Projection::from_control_points(seen, [(0.0, 0.0), (pw, 0.0), (pw, ph), (0.0, ph)])
            .expect("the picture's corners make a projection");
    let mut dice = Dice::new(shot.seed);
    // The light comes from one point of the photo and falls off linearly away from it.
    let (lx, ly) = (dice.unit(), dice.unit());
    let (w, h) = (size.0 as f32, size.1 as f32);
    let reach = w.hypot(h);
    let mut photo = RgbImage::new(size.0, size.1);
    for (x, y, px) in photo.enumerate_pixels_mut() {
        let d = (x as f32 - lx * w).hypot(y as f32 - ly * h) / reach;
        let light = 1.0 - (1.0 - shot.light) * d.min(1.0);
        let (u, v) = to_picture * (x as f32 + 0.5, y as f32 + 0.5);
        let inside = (0.0..pw - 1.0).contains(&u) && (0.0..ph - 1.0).contains(&v);
        let rgb = match (inside, ground) {
            (true, Ground::Desk) => {
                let g = bilinear(picture, u - 0.5, v - 0.5);
                // Paper a little warm under the lamp.
                [g * 0.99, g * 0.96, g * 0.9]
            }
            (true, Ground::Screen) => {
                // A screen's white is a little blue.
                let g = bilinear(picture, u - 0.5, v - 0.5);
                [g * 0.94, g * 0.97, g]
            }
            (false, Ground::Desk) => {
                // A wooden desk, its grain along x.
                let grain =
                    10.0 * ((y as f32 / 7.0).sin() + (y as f32 / 23.0 + x as f32 / 400.0).sin());
                [120.0 + grain, 96.0 + grain, 72.0 + grain]
            }
            (false, Ground::Screen) => [38.0, 38.0, 44.0],
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
