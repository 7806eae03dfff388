//! A page photographed rather than scanned — or a table photographed off a screen: the sheet of
//! paper (the screen's white page) lies somewhere in the picture, on a darker desk (inside the
//! screen's dark frame), seen at an angle (its rectangle a quadrilateral) and lit unevenly. The sheet is
//! found and mapped back onto an upright rectangle before the page is cleaned as a scan is
//! ([`super::clean`], which then flattens the uneven light and measures what skew is left).
//!
//! How: on a small copy of the picture, the light pixels (Otsu's level) that form the largest
//! region are the sheet; its four sides are lines fitted to the region's outline (so a corner
//! cut off by the frame or covered by a thumb does not move them) and its corners are where
//! they cross. The sheet is taken only when the region fills its quadrilateral (it is a sheet,
//! not a light patch of some other shape), the ground around it is clearly darker than the
//! paper, and it leaves a margin of ground inside the picture — a scan, whose paper reaches the
//! picture's edges, is returned untouched.

use image::{DynamicImage, GrayImage, Luma};
use imageproc::geometric_transformations::{warp_into, Border, Interpolation, Projection};
use imageproc::region_labelling::{connected_components, Connectivity};

/// The long side of the copy the sheet is looked for in: the outline of a sheet needs few
/// pixels, and the search stays a few milliseconds on a phone's 12-megapixel photo.
const SEARCH_SIDE: u32 = 640;
/// The sheet must cover at least this share of the picture (a photo of a page is framed on it).
const MIN_SHEET_SHARE: f32 = 0.25;
/// ... and leave at least this much of it to the ground: a picture whose paper covers nearly
/// all of it is a scan or a crop, straightened by the skew step alone.
const MAX_SHEET_SHARE: f32 = 0.96;
/// The region must fill its quadrilateral to within this share (a sheet's outline is straight).
const FILL_TOLERANCE: f32 = 0.06;
/// The paper must be at least this much lighter than the ground around it (grey levels).
const MIN_CONTRAST: f32 = 40.0;

/// A phone's main camera (26 mm equivalent) has a focal length of about 0.75 of the picture's
/// long side; taken when the outline cannot give it.
const PHONE_FOCAL: f64 = 0.75;
/// Focal lengths (as shares of the long side) a camera photographing a page has: from a wide
/// angle to a short telephoto. One found outside this is noise.
const FOCAL_RANGE: (f64, f64) = (0.4, 3.0);

/// The share of the upright sheet's long side trimmed off each edge.
const EDGE_TRIM: f32 = 0.005;

/// The sheet's corners in the picture's pixels: top left, top right, bottom right, bottom left.
pub type Corners = [(f32, f32); 4];

/// The picture with a photographed sheet mapped onto an upright rectangle of the sheet's own
/// size, or the picture as it was when it holds no sheet on a darker ground. With it, the
/// mapping taken (picture pixels → upright pixels, for [`super::frame::PictureFrame`]); `None`
/// when the picture is returned as it was.
pub fn unwarp_sheet(img: DynamicImage) -> (DynamicImage, Option<Projection>) {
    let Some(corners) = find_sheet(&img.to_luma8()) else {
        return (img, None);
    };
    let (w, h) = upright_size(
        &corners,
        img.width() as f32 / 2.0,
        img.height() as f32 / 2.0,
    );
    // The sheet's edge is blurred into the desk over a few pixels, and a dark line left along
    // the picture's border would be taken for a table's rule: the outermost sliver of paper
    // (half a percent, a millimetre of an A4 margin) is left out.
    let m = (EDGE_TRIM * w.max(h)).max(4.0);
    let (w, h) = ((w - 2.0 * m).max(1.0), (h - 2.0 * m).max(1.0));
    let Some(projection) = Projection::from_control_points(
        corners,
        [(-m, -m), (w + m, -m), (w + m, h + m), (-m, h + m)],
    ) else {
        return (img, None);
    };
    let (w, h) = (w as u32, h as u32);
    if img.color().has_color() {
        // Kept in colour: a red seal on the sheet is told from the print by its hue, later.
        let rgb = img.to_rgb8();
        let mut out = image::RgbImage::new(w, h);
        let white = Border::Constant(image::Rgb([255, 255, 255]));
        warp_into(&rgb, projection, Interpolation::Bilinear, white, &mut out);
        (DynamicImage::ImageRgb8(out), Some(projection))
    } else {
        let gray = img.to_luma8();
        let mut out = GrayImage::new(w, h);
        let white = Border::Constant(Luma([255]));
        warp_into(&gray, projection, Interpolation::Bilinear, white, &mut out);
        (DynamicImage::ImageLuma8(out), Some(projection))
    }
}

/// The size of the upright sheet: as wide as the longer of its top and bottom sides (the near
/// side keeps the resolution the photo has), and as high as its proportions give — found as a
/// document scanner finds them (Zhang and He, *Whiteboard scanning and image enhancement*,
/// 2007): from the corners, the camera's focal length, with the optical axis through the
/// picture's centre `(u0, v0)`, then the ratio of the sides in space. A sheet seen face on (its
/// outline a parallelogram) has no focal length to find; its proportions are those of the
/// outline.
fn upright_size(corners: &Corners, u0: f32, v0: f32) -> (f32, f32) {
    let len = |a: (f32, f32), b: (f32, f32)| f64::from((a.0 - b.0).hypot(a.1 - b.1));
    let [tl, tr, br, bl] = corners.map(|(x, y)| (x, y));
    let width = len(tl, tr).max(len(bl, br)).max(1.0);
    let homogeneous = |(x, y): (f32, f32)| [f64::from(x), f64::from(y), 1.0];
    let cross = |a: [f64; 3], b: [f64; 3]| {
        [
            a[1] * b[2] - a[2] * b[1],
            a[2] * b[0] - a[0] * b[2],
            a[0] * b[1] - a[1] * b[0],
        ]
    };
    let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    // The paper's m1..m4: top left, top right, bottom left, bottom right.
    let (m1, m2, m3, m4) = (
        homogeneous(tl),
        homogeneous(tr),
        homogeneous(bl),
        homogeneous(br),
    );
    let k2 = dot(cross(m1, m4), m3) / dot(cross(m2, m4), m3);
    let k3 = dot(cross(m1, m4), m2) / dot(cross(m3, m4), m2);
    let n2 = [k2 * m2[0] - m1[0], k2 * m2[1] - m1[1], k2 * m2[2] - m1[2]];
    let n3 = [k3 * m3[0] - m1[0], k3 * m3[1] - m1[1], k3 * m3[2] - m1[2]];
    let (u0, v0) = (f64::from(u0), f64::from(v0));
    // The focal length from the outline, when both of its vanishing points are found. A sheet
    // tilted about one axis only (photographed from straight below it) has one at infinity and
    // its focal length comes out as noise: a phone's usual lens is taken for it then.
    let long_side = 2.0 * u0.max(v0);
    let f2 = -(n2[0] * n3[0] - (n2[0] * n3[2] + n2[2] * n3[0]) * u0
        + n2[2] * n3[2] * u0 * u0
        + n2[1] * n3[1]
        - (n2[1] * n3[2] + n2[2] * n3[1]) * v0
        + n2[2] * n3[2] * v0 * v0)
        / (n2[2] * n3[2]);
    let plausible = f2.is_finite()
        && f2 > 0.0
        && (FOCAL_RANGE.0..=FOCAL_RANGE.1).contains(&(f2.sqrt() / long_side));
    let f2 = if plausible {
        f2
    } else {
        (PHONE_FOCAL * long_side).powi(2)
    };
    // nᵀ (A Aᵀ)⁻¹ n with A = [[f, 0, u0], [0, f, v0], [0, 0, 1]].
    let norm = |n: [f64; 3]| {
        let (x, y) = (n[0] - u0 * n[2], n[1] - v0 * n[2]);
        (x * x + y * y) / f2 + n[2] * n[2]
    };
    let ratio = (norm(n2) / norm(n3)).sqrt();
    let ratio = if ratio.is_finite() && ratio > 0.0 {
        ratio
    } else {
        n2[0].hypot(n2[1]) / n3[0].hypot(n3[1]).max(1e-9)
    };
    (
        (width.round() as f32).max(1.0),
        ((width / ratio).round() as f32).max(1.0),
    )
}

/// The corners of a sheet of paper photographed on a darker ground, in the picture's pixels.
pub fn find_sheet(gray: &GrayImage) -> Option<Corners> {
    let (w, h) = gray.dimensions();
    if w < 64 || h < 64 {
        return None;
    }
    let scale = (SEARCH_SIDE as f32 / w.max(h) as f32).min(1.0);
    let small = if scale < 1.0 {
        let (sw, sh) = (
            ((w as f32 * scale).round() as u32).max(1),
            ((h as f32 * scale).round() as u32).max(1),
        );
        image::imageops::resize(gray, sw, sh, image::imageops::FilterType::Triangle)
    } else {
        gray.clone()
    };
    let (sw, sh) = small.dimensions();
    let level = imageproc::contrast::otsu_level(&small);
    let light = GrayImage::from_fn(sw, sh, |x, y| {
        Luma([if small.get_pixel(x, y).0[0] > level {
            255
        } else {
            0
        }])
    });
    let labels = connected_components(&light, Connectivity::Four, Luma([0]));
    let mut area = vec![0u32; 1];
    for l in labels.pixels() {
        let l = l.0[0] as usize;
        if l >= area.len() {
            area.resize(l + 1, 0);
        }
        area[l] += 1;
    }
    let sheet = (1..area.len()).max_by_key(|&l| area[l])? as u32;
    // The region's outline, row by row and column by column (its holes — the print — ignored).
    let mut rows: Vec<Option<(u32, u32)>> = vec![None; sh as usize];
    let mut cols: Vec<Option<(u32, u32)>> = vec![None; sw as usize];
    for (x, y, l) in labels.enumerate_pixels() {
        if l.0[0] == sheet {
            let r = rows[y as usize].get_or_insert((x, x));
            r.1 = r.1.max(x);
            let c = cols[x as usize].get_or_insert((y, y));
            c.1 = c.1.max(y);
        }
    }
    let filled: u32 = rows.iter().flatten().map(|(a, b)| b - a + 1).sum();
    let share = filled as f32 / (sw * sh) as f32;
    if !(MIN_SHEET_SHARE..=MAX_SHEET_SHARE).contains(&share) {
        return None;
    }
    // Ground along at least three of the picture's edges: a sheet photographed whole, or cut
    // by the frame on one side. A scan whose paper darkens towards one edge has light paper
    // along three of them.
    let outside_row = |y: u32| {
        (0..sw)
            .filter(|&x| !rows[y as usize].is_some_and(|(a, b)| (a..=b).contains(&x)))
            .count() as u32
            * 2
            > sw
    };
    let outside_col = |x: u32| {
        (0..sh)
            .filter(|&y| !cols[x as usize].is_some_and(|(a, b)| (a..=b).contains(&y)))
            .count() as u32
            * 2
            > sh
    };
    let grounded = [
        outside_row(0),
        outside_row(sh - 1),
        outside_col(0),
        outside_col(sw - 1),
    ];
    if grounded.iter().filter(|&&g| g).count() < 3 {
        return None;
    }
    let corners = sides(&rows, &cols)?;
    let quad = quad_area(&corners);
    if (quad - filled as f32).abs() > FILL_TOLERANCE * quad {
        return None;
    }
    // Paper against ground: the light end of the sheet against the mean of what lies outside.
    let (mut paper, mut ground) = (Vec::new(), (0f64, 0u64));
    for (x, y, p) in small.enumerate_pixels() {
        let inside = rows[y as usize].is_some_and(|(a, b)| (a..=b).contains(&x));
        if inside {
            paper.push(p.0[0]);
        } else {
            ground.0 += f64::from(p.0[0]);
            ground.1 += 1;
        }
    }
    if ground.1 == 0 {
        return None;
    }
    paper.sort_unstable();
    let paper_level = f32::from(paper[paper.len() * 9 / 10]);
    if paper_level - (ground.0 / ground.1 as f64) as f32 <= MIN_CONTRAST {
        return None;
    }
    let back = 1.0 / scale;
    // A pixel's centre: small pixel i covers [i, i + 1) of the small picture.
    Some(corners.map(|(x, y)| {
        (
            ((x + 0.5) * back).clamp(0.0, w as f32),
            ((y + 0.5) * back).clamp(0.0, h as f32),
        )
    }))
}

/// The four sides fitted to the outline and crossed into corners. The outline near the corners
/// (a fifth of each side at either end) is left out: a corner may be cut off, folded or held.
fn sides(rows: &[Option<(u32, u32)>], cols: &[Option<(u32, u32)>]) -> Option<Corners> {
    let span = |v: &[Option<(u32, u32)>]| {
        let first = v.iter().position(Option::is_some)?;
        let last = v.iter().rposition(Option::is_some)?;
        Some((first, last))
    };
    let (y0, y1) = span(rows)?;
    let (x0, x1) = span(cols)?;
    let inner = |a: usize, b: usize| {
        let cut = (b - a) / 5;
        (a + cut)..=(b - cut)
    };
    // Left and right sides as x = a·y + b, top and bottom as y = a·x + b.
    let left = fit(inner(y0, y1).filter_map(|y| rows[y].map(|(a, _)| (y as f32, a as f32))))?;
    let right =
        fit(inner(y0, y1).filter_map(|y| rows[y].map(|(_, b)| (y as f32, b as f32 + 1.0))))?;
    let top = fit(inner(x0, x1).filter_map(|x| cols[x].map(|(a, _)| (x as f32, a as f32))))?;
    let bottom =
        fit(inner(x0, x1).filter_map(|x| cols[x].map(|(_, b)| (x as f32, b as f32 + 1.0))))?;
    Some([
        cross(top, left)?,
        cross(top, right)?,
        cross(bottom, right)?,
        cross(bottom, left)?,
    ])
}

/// A least-squares line `v = a·u + b` through `(u, v)` points, fitted twice: the second time
/// without the points more than two pixels off the first line (a bite out of the edge, a
/// shadow).
fn fit(points: impl Iterator<Item = (f32, f32)>) -> Option<(f32, f32)> {
    let points: Vec<(f32, f32)> = points.collect();
    let once = |pts: &[(f32, f32)]| -> Option<(f32, f32)> {
        let n = pts.len() as f32;
        if pts.len() < 8 {
            return None;
        }
        let (su, sv) = pts.iter().fold((0.0, 0.0), |(a, b), p| (a + p.0, b + p.1));
        let (mu, mv) = (su / n, sv / n);
        let (mut cov, mut var) = (0.0, 0.0);
        for &(u, v) in pts {
            cov += (u - mu) * (v - mv);
            var += (u - mu) * (u - mu);
        }
        if var <= f32::EPSILON {
            return None;
        }
        let a = cov / var;
        Some((a, mv - a * mu))
    };
    let (a, b) = once(&points)?;
    let near: Vec<(f32, f32)> = points
        .iter()
        .copied()
        .filter(|&(u, v)| (v - (a * u + b)).abs() <= 2.0)
        .collect();
    once(&near).or(Some((a, b)))
}

/// Where a horizontal side `y = a·x + b` crosses a vertical one `x = c·y + d`.
fn cross((a, b): (f32, f32), (c, d): (f32, f32)) -> Option<(f32, f32)> {
    // y = a(cy + d) + b  →  y (1 − ac) = ad + b
    let det = 1.0 - a * c;
    if det.abs() < 1e-3 {
        return None;
    }
    let y = (a * d + b) / det;
    Some((c * y + d, y))
}

/// The area of a quadrilateral given corner by corner (the shoelace formula).
fn quad_area(c: &Corners) -> f32 {
    let mut twice = 0.0;
    for i in 0..4 {
        let (a, b) = (c[i], c[(i + 1) % 4]);
        twice += a.0 * b.1 - b.0 * a.1;
    }
    twice.abs() / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a camera of focal length `f` (pixels), looking at the centre of a `w × h` picture
    /// from `dist` away, sees the corners of a 400 × 560 sheet tilted by `(about x, about y)`
    /// degrees and turned by `turn` in its plane.
    fn seen(tilt: (f32, f32), turn: f32, f: f32, dist: f32, w: u32, h: u32) -> Corners {
        let (ax, ay, az) = (tilt.0.to_radians(), tilt.1.to_radians(), turn.to_radians());
        [(0.0, 0.0), (400.0, 0.0), (400.0, 560.0), (0.0, 560.0)].map(|(x, y)| {
            let (x, y, z) = (x - 200.0, y - 280.0, 0.0f32);
            let (x, y) = (x * az.cos() - y * az.sin(), x * az.sin() + y * az.cos());
            let (y, z) = (y * ax.cos() - z * ax.sin(), y * ax.sin() + z * ax.cos());
            let (x, z) = (x * ay.cos() + z * ay.sin(), -x * ay.sin() + z * ay.cos());
            let z = z + dist;
            (f * x / z + w as f32 / 2.0, f * y / z + h as f32 / 2.0)
        })
    }

    /// A sheet with some print on it, drawn on a darker ground through a perspective mapping of
    /// its corners to `corners`.
    fn photographed(corners: Corners, w: u32, h: u32) -> GrayImage {
        let (sw, sh) = (400u32, 560u32);
        let sheet = GrayImage::from_fn(sw, sh, |x, y| {
            // Print inside margins, as on a page.
            let print = y % 40 < 12
                && (40..sw - 40).contains(&x)
                && (40..sh - 40).contains(&y)
                && x % 17 < 12;
            Luma([if print { 30 } else { 235 }])
        });
        let p = Projection::from_control_points(
            [
                (0.0, 0.0),
                (sw as f32, 0.0),
                (sw as f32, sh as f32),
                (0.0, sh as f32),
            ],
            corners,
        )
        .expect("a projection");
        let mut out = GrayImage::from_pixel(w, h, Luma([90]));
        warp_into(
            &sheet,
            p,
            Interpolation::Bilinear,
            Border::Constant(Luma([90])),
            &mut out,
        );
        out
    }

    #[test]
    fn a_sheet_on_a_desk_is_found_by_its_corners() {
        let drawn = seen((18.0, -10.0), 3.0, 720.0, 750.0, 760, 960);
        let found = find_sheet(&photographed(drawn, 760, 960)).expect("a sheet");
        for (f, d) in found.iter().zip(&drawn) {
            assert!(
                (f.0 - d.0).abs() <= 3.0 && (f.1 - d.1).abs() <= 3.0,
                "found {found:?}, drawn {drawn:?}"
            );
        }
    }

    #[test]
    fn a_scan_and_a_blank_picture_have_no_sheet() {
        // Paper to the picture's edges, print on it.
        let scan = photographed(
            [(0.0, 0.0), (760.0, 0.0), (760.0, 960.0), (0.0, 960.0)],
            760,
            960,
        );
        assert_eq!(find_sheet(&scan), None);
        assert_eq!(
            find_sheet(&GrayImage::from_pixel(500, 700, Luma([255]))),
            None
        );
        // A scan with a shadow over its foot (the lid not closed on a thick report) is not a
        // sheet on a desk: its light paper reaches three edges of the picture.
        let shaded = GrayImage::from_fn(500, 700, |_, y| Luma([if y < 450 { 245 } else { 140 }]));
        assert_eq!(find_sheet(&shaded), None);
        // A light disc on a dark ground is not a sheet.
        let disc = GrayImage::from_fn(600, 600, |x, y| {
            let (dx, dy) = (x as f32 - 300.0, y as f32 - 300.0);
            Luma([if dx.hypot(dy) < 250.0 { 235 } else { 60 }])
        });
        assert_eq!(find_sheet(&disc), None);
    }

    #[test]
    fn the_sheet_comes_back_upright() {
        for (tilt, turn) in [
            ((20.0, 0.0), 0.0),
            ((-15.0, 12.0), 4.0),
            ((8.0, -18.0), -6.0),
        ] {
            let drawn = seen(tilt, turn, 720.0, 750.0, 760, 960);
            let picture = photographed(drawn, 760, 960);
            let out = unwarp_sheet(DynamicImage::ImageLuma8(picture)).0.to_luma8();
            // No ground left along the edges: the paper reaches them.
            let (w, h) = out.dimensions();
            let dark_edge = (0..w)
                .flat_map(|x| [(x, 2), (x, h - 3)])
                .chain((0..h).flat_map(|y| [(2, y), (w - 3, y)]))
                .filter(|&(x, y)| out.get_pixel(x, y).0[0] < 150)
                .count();
            assert!(
                dark_edge * 50 < (2 * (w + h)) as usize,
                "{tilt:?}: {dark_edge} dark edge pixels of {w}×{h}"
            );
            // The sheet's proportions, from the camera found in its outline.
            let ratio = w as f32 / h as f32;
            assert!(
                (ratio - 400.0 / 560.0).abs() < 0.02,
                "{tilt:?}: {w}×{h}, drawn {drawn:?}"
            );
        }
    }
}
