//! Where the pixels of a cleaned picture lie in the picture as stored.
//!
//! The picture reader works on a picture made upright and clean ([`super::decode_clean`]): a
//! photographed sheet mapped onto an upright rectangle ([`super::photo::unwarp_sheet`], a
//! projection with an edge trim) and the skew turned out ([`super::clean::straighten`], a
//! rotation about the centre onto a larger canvas). Its grid, cells and text lines are found in
//! those pixels. But a box handed out (tables.csv's `bbox`, a figure's location, the review
//! page's `data-box`) must point at the cell in the file as published, so each box is mapped
//! back through the inverse of the steps taken ([`PictureFrame::stored_box`]): the box's
//! corners are mapped and the axis-aligned box around them is given. Mapping a box is a few
//! multiplications; the frame is built from the steps the cleaning took anyway, so nothing is
//! decoded or searched twice.
//!
//! Pixel coordinates follow `imageproc`'s warps: pixel `(i, j)` sits at the point `(i, j)`, so a
//! box of pixels `x..x + w` spans the points `x − ½ .. x + w − ½`.

use imageproc::geometric_transformations::Projection;

/// How a cleaned picture's pixels came from the stored picture's: the steps of the cleaning,
/// composed, and the stored picture's size.
#[derive(Debug, Clone, Copy)]
pub struct PictureFrame {
    /// The stored picture's width and height in pixels.
    stored: (u32, u32),
    /// Stored pixels → cleaned pixels; `None` when the cleaning moved no pixel.
    to_cleaned: Option<Projection>,
}

impl PictureFrame {
    /// The frame of a picture of `width × height` pixels that nothing has moved yet.
    pub fn of(width: u32, height: u32) -> PictureFrame {
        PictureFrame {
            stored: (width, height),
            to_cleaned: None,
        }
    }

    /// The frame after one more step of the cleaning, `step` mapping the pixels before it to the
    /// pixels after it (as `imageproc`'s `warp` takes it); `None` when the step moved nothing.
    pub fn then(self, step: Option<Projection>) -> PictureFrame {
        let Some(step) = step else { return self };
        PictureFrame {
            to_cleaned: Some(match self.to_cleaned {
                Some(before) => step * before,
                None => step,
            }),
            ..self
        }
    }

    /// Whether the cleaned picture is the stored one, pixel for pixel.
    pub fn is_identity(&self) -> bool {
        self.to_cleaned.is_none()
    }

    /// Where a point of the cleaned picture lies in the stored picture.
    pub fn stored_point(&self, (x, y): (f32, f32)) -> (f32, f32) {
        match self.to_cleaned {
            Some(p) => p.invert() * (x, y),
            None => (x, y),
        }
    }

    /// A box `[x, y, width, height]` of the cleaned picture's pixels as the box of the stored
    /// picture's pixels around it: its four corners mapped back, the pixels they span, cut to
    /// the stored picture.
    pub fn stored_box(&self, [x, y, w, h]: [u32; 4]) -> [u32; 4] {
        let Some(to_cleaned) = self.to_cleaned else {
            return [x, y, w, h];
        };
        // Inverted once for the four corners.
        let back = to_cleaned.invert();
        let (x0, y0) = (x as f32 - 0.5, y as f32 - 0.5);
        let (x1, y1) = (x0 + w as f32, y0 + h as f32);
        let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)].map(|c| back * c);
        let (mut lo, mut hi) = ((f32::MAX, f32::MAX), (f32::MIN, f32::MIN));
        for (cx, cy) in corners {
            lo = (lo.0.min(cx), lo.1.min(cy));
            hi = (hi.0.max(cx), hi.1.max(cy));
        }
        // The pixels whose squares the box touches: pixel i covers i − ½ .. i + ½.
        let span = |lo: f32, hi: f32, size: u32| -> (u32, u32) {
            let last = size.saturating_sub(1) as f32;
            let first = (lo + 0.5).floor().clamp(0.0, last);
            let end = (hi - 0.5).ceil().clamp(first, last);
            (first as u32, (end - first) as u32 + 1)
        };
        let (sx, sw) = span(lo.0, hi.0, self.stored.0);
        let (sy, sh) = span(lo.1, hi.1, self.stored.1);
        [sx, sy, sw, sh]
    }

    /// [`Self::stored_box`] for a box given in floats (a scanned page's paragraph, whose box
    /// is whole pixels).
    pub fn stored_rect(&self, [x, y, w, h]: [f32; 4]) -> [f32; 4] {
        if self.to_cleaned.is_none() {
            return [x, y, w, h];
        }
        let whole = |v: f32| v.round().max(0.0) as u32;
        self.stored_box([whole(x), whole(y), whole(w), whole(h)])
            .map(|v| v as f32)
    }
}

/// The rotation [`super::clean::straighten`] applies: `deg` degrees about the centre of a
/// `before` picture onto the centre of the `after` canvas (`imageproc`'s
/// `rotate_about_center_no_crop`, turning by `−deg`).
pub fn straightening(before: (u32, u32), after: (u32, u32), deg: f32) -> Projection {
    let half = |(w, h): (u32, u32)| (w as f32 / 2.0, h as f32 / 2.0);
    let ((cx, cy), (ox, oy)) = (half(before), half(after));
    Projection::translate(ox, oy)
        * Projection::rotate(-deg.to_radians())
        * Projection::translate(-cx, -cy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};

    #[test]
    fn a_frame_nothing_moved_gives_boxes_back() {
        let f = PictureFrame::of(300, 200).then(None);
        assert!(f.is_identity());
        assert_eq!(f.stored_box([10, 20, 30, 40]), [10, 20, 30, 40]);
        assert_eq!(f.stored_rect([1.0, 2.0, 3.0, 4.0]), [1.0, 2.0, 3.0, 4.0]);
    }

    /// A black block drawn on a picture, the picture straightened as the cleaning does: the
    /// block's box in the straightened picture, mapped back, is the block as drawn.
    #[test]
    fn a_straightened_box_maps_back_onto_the_stored_pixels() {
        let (w, h) = (400u32, 260u32);
        let block = (230u32..290, 150u32..180);
        let stored = GrayImage::from_fn(w, h, |x, y| {
            Luma([if block.0.contains(&x) && block.1.contains(&y) {
                0
            } else {
                255
            }])
        });
        for deg in [-2.0f32, 0.7, 3.5] {
            let cleaned = super::super::clean::straighten(&stored, deg);
            // The block's ink in the cleaned picture.
            let ink: Vec<(u32, u32)> = cleaned
                .enumerate_pixels()
                .filter(|(_, _, p)| p.0[0] < 128)
                .map(|(x, y, _)| (x, y))
                .collect();
            let x0 = ink.iter().map(|p| p.0).min().unwrap();
            let x1 = ink.iter().map(|p| p.0).max().unwrap();
            let y0 = ink.iter().map(|p| p.1).min().unwrap();
            let y1 = ink.iter().map(|p| p.1).max().unwrap();
            let frame =
                PictureFrame::of(w, h).then(Some(straightening((w, h), cleaned.dimensions(), deg)));
            let [sx, sy, sw, sh] = frame.stored_box([x0, y0, x1 - x0 + 1, y1 - y0 + 1]);
            // The box around the turned block's box holds the block, and is no more than the
            // turn's slant (60 × sin 3.5° ≈ 4 px) larger on each side.
            assert!(sx <= 230 && sx + 8 >= 230, "{deg}°: x {sx}");
            assert!(sy <= 150 && sy + 8 >= 150, "{deg}°: y {sy}");
            assert!(sx + sw >= 290 && sx + sw <= 298, "{deg}°: w {sw}");
            assert!(sy + sh >= 180 && sy + sh <= 188, "{deg}°: h {sh}");
        }
    }

    #[test]
    fn boxes_are_cut_to_the_stored_picture() {
        let f = PictureFrame::of(100, 80).then(Some(Projection::translate(-30.0, -30.0)));
        // A box reaching past the stored picture's right and bottom edges.
        assert_eq!(f.stored_box([50, 40, 40, 30]), [80, 70, 20, 10]);
        // Steps compose: a shift back by the same amount is no shift.
        let g = f.then(Some(Projection::translate(30.0, 30.0)));
        assert_eq!(g.stored_box([5, 6, 7, 8]), [5, 6, 7, 8]);
    }
}
