//! The ink of one page: a hayro [`Device`] that keeps what a reader needs — every glyph with its
//! Unicode text and origin, every stroke or thin fill that can be a table rule, and every
//! picture with its placement — in page coordinates with the origin at the top-left corner
//! (PDF points). Nothing is rendered.

use hayro_interpret::font::{Glyph, GlyphRun};
use hayro_interpret::hayro_cmap::{BfString, WritingMode};
use hayro_interpret::kurbo::{Affine, BezPath, PathEl, Point, Rect, Shape};
use hayro_interpret::{
    BlendMode, ClipPath, Device, DrawMode, DrawProps, Image, ImageDrawProps, Paint, SoftMask,
};

/// A glyph placed on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    /// The Unicode text of the glyph (usually one character; ligatures give more).
    pub text: String,
    /// The glyph's origin (on the baseline), page coordinates.
    pub x: f32,
    pub y: f32,
    /// The font size in page units: the length of the glyph's em square on the page.
    pub size: f32,
    /// Shown with a vertical font (Identity-V): glyphs stack downwards from their origins.
    pub vertical: bool,
    /// The horizontal extent of the glyph's ink `(x0, x1)`, from its outline, for Latin letters
    /// and digits (whose widths vary); `None` for full-width characters.
    pub ink: Option<(f32, f32)>,
}

impl PlacedGlyph {
    /// The advance a glyph of this text takes: full width for CJK and full-width forms, about
    /// half for Latin letters and digits. Vertical fonts report zero widths, so the reader never
    /// relies on the font's own advances.
    pub fn width(&self) -> f32 {
        match self.ink {
            Some((_, x1)) => (x1 - self.x).max(0.0) + self.size * 0.05,
            None if self.is_wide() => self.size,
            None => self.size * 0.5,
        }
    }

    /// Printed at full width (CJK and full-width forms).
    pub fn is_wide(&self) -> bool {
        self.text.chars().next().is_some_and(is_wide)
    }

    /// Where the glyph's ink starts and ends along the line.
    pub fn ink_span(&self) -> (f32, f32) {
        self.ink.unwrap_or((self.x, self.x + self.width()))
    }

    /// The glyph's box `[x0, y0, x1, y1]`: from the baseline up by about the ascent.
    pub fn bbox(&self) -> [f32; 4] {
        if self.vertical {
            // Identity-V origins sit at the top centre of the glyph.
            let h = self.size;
            [self.x - h / 2.0, self.y, self.x + h / 2.0, self.y + h]
        } else {
            [
                self.x,
                self.y - self.size * 0.8,
                self.x + self.width(),
                self.y + self.size * 0.2,
            ]
        }
    }

    /// The point that decides which cell a glyph belongs to.
    pub fn centre(&self) -> (f32, f32) {
        let [x0, y0, x1, y1] = self.bbox();
        ((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    }
}

/// Characters printed at full width: the East Asian wide ones, and the quotes, dashes and dots
/// that CJK fonts set full width too.
pub fn is_wide(c: char) -> bool {
    crate::read::is_east_asian_wide(c) || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// A straight axis-aligned stroke or thin filled rectangle: a candidate table rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// `true` for a horizontal rule (at `y = at`, from `from` to `to` along x).
    pub horizontal: bool,
    pub at: f32,
    pub from: f32,
    pub to: f32,
}

/// A picture drawn on the page.
#[derive(Debug, Clone)]
pub struct PlacedImage {
    /// Encoded bytes ready to save: a JPEG stream as it is in the file, anything else as PNG.
    pub data: Vec<u8>,
    pub content_type: &'static str,
    /// Where it is drawn, `[x0, y0, x1, y1]` in page coordinates.
    pub placed: [f32; 4],
}

/// What one page holds, as the collector saw it.
#[derive(Debug, Default)]
pub struct PageInk {
    pub glyphs: Vec<PlacedGlyph>,
    /// Glyphs whose font gave no Unicode mapping.
    pub unmapped_glyphs: usize,
    pub segments: Vec<Segment>,
    pub images: Vec<PlacedImage>,
    /// Pictures left out, with the reason (too many pixels, undecodable).
    pub skipped_images: Vec<String>,
    /// Paths painted in a visible colour (rules, shading, shapes; text drawn as outlines): a
    /// page with no glyph, picture or path is blank paper, not a page that lost its text.
    pub painted_paths: usize,
}

/// Collects a page's ink. `flip` maps PDF user space (y up) to top-left page coordinates.
pub struct Collector {
    pub ink: PageInk,
    pub max_image_pixels: u64,
}

/// Strokes and fills thinner than this are rules; thicker fills are cell shading (WPS paints
/// cell backgrounds as filled rectangles) and never rules.
const RULE_MAX_THICKNESS: f64 = 2.0;
/// A rule shorter than this is a glyph-like mark (a bullet, an underline of one character).
const RULE_MIN_LENGTH: f64 = 4.0;

impl Collector {
    pub fn new(max_image_pixels: u64) -> Self {
        Collector {
            ink: PageInk::default(),
            max_image_pixels,
        }
    }

    fn add_stroke(&mut self, path: &BezPath, transform: Affine, width: f64) {
        let mut start = Point::ZERO;
        let mut last = Point::ZERO;
        for el in path.elements() {
            match *el {
                PathEl::MoveTo(p) => {
                    start = transform * p;
                    last = start;
                }
                PathEl::LineTo(p) => {
                    let p = transform * p;
                    self.add_line(last, p, width);
                    last = p;
                }
                PathEl::ClosePath => {
                    self.add_line(last, start, width);
                    last = start;
                }
                PathEl::QuadTo(_, p) | PathEl::CurveTo(_, _, p) => last = transform * p,
            }
        }
    }

    fn add_line(&mut self, a: Point, b: Point, width: f64) {
        if width > RULE_MAX_THICKNESS * 2.0 {
            return;
        }
        let (dx, dy) = ((b.x - a.x).abs(), (b.y - a.y).abs());
        if dy <= 0.5 && dx >= RULE_MIN_LENGTH {
            self.push(true, (a.y + b.y) / 2.0, a.x.min(b.x), a.x.max(b.x));
        } else if dx <= 0.5 && dy >= RULE_MIN_LENGTH {
            self.push(false, (a.x + b.x) / 2.0, a.y.min(b.y), a.y.max(b.y));
        }
    }

    /// A filled sub-path that is a thin axis-aligned rectangle is a rule along its long side.
    fn add_fill(&mut self, path: &BezPath, transform: Affine) {
        let mut sub = BezPath::new();
        for el in path.elements() {
            if matches!(el, PathEl::MoveTo(_)) && !sub.elements().is_empty() {
                self.add_filled_box(&sub, transform);
                sub = BezPath::new();
            }
            sub.push(*el);
        }
        if !sub.elements().is_empty() {
            self.add_filled_box(&sub, transform);
        }
    }

    fn add_filled_box(&mut self, sub: &BezPath, transform: Affine) {
        // Only straight-edged, axis-aligned boxes: a curve is a glyph-like shape or a seal.
        if sub
            .elements()
            .iter()
            .any(|e| matches!(e, PathEl::QuadTo(..) | PathEl::CurveTo(..)))
        {
            return;
        }
        let b: Rect = (transform * sub.clone()).bounding_box();
        let (w, h) = (b.width(), b.height());
        if h <= RULE_MAX_THICKNESS && w >= RULE_MIN_LENGTH {
            self.push(true, (b.y0 + b.y1) / 2.0, b.x0, b.x1);
        } else if w <= RULE_MAX_THICKNESS && h >= RULE_MIN_LENGTH {
            self.push(false, (b.x0 + b.x1) / 2.0, b.y0, b.y1);
        }
    }

    fn push(&mut self, horizontal: bool, at: f64, from: f64, to: f64) {
        self.ink.segments.push(Segment {
            horizontal,
            at: at as f32,
            from: from as f32,
            to: to as f32,
        });
    }
}

/// Paint that prints nothing visible on white paper.
fn invisible(paint: &Paint<'_>) -> bool {
    match paint {
        Paint::Color(c) => {
            let [r, g, b, a] = c.to_rgba().to_rgba8();
            a < 16 || (r > 240 && g > 240 && b > 240)
        }
        Paint::Pattern(_) => false,
    }
}

/// The scale a transform applies to lengths (geometric mean of its axes).
fn scale_of(t: Affine) -> f64 {
    let [a, b, c, d, _, _] = t.as_coeffs();
    (a * d - b * c).abs().sqrt()
}

impl<'a> Device<'a> for Collector {
    fn draw_path(&mut self, path: &BezPath, props: DrawProps<'a>, draw_mode: &DrawMode) {
        if invisible(&props.paint) {
            return;
        }
        self.ink.painted_paths += 1;
        let t = props.transform;
        match draw_mode {
            DrawMode::Fill(_) => self.add_fill(path, t),
            DrawMode::Stroke(s) => {
                self.add_stroke(path, t, f64::from(s.line_width) * scale_of(t));
            }
            DrawMode::FillAndStroke(_, s) => {
                self.add_fill(path, t);
                self.add_stroke(path, t, f64::from(s.line_width) * scale_of(t));
            }
            DrawMode::Invisible => {}
        }
    }

    fn push_clip_path(&mut self, _: &ClipPath) {}

    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}

    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, _: &DrawMode) {
        let vertical = matches!(run.writing_mode(), WritingMode::Vertical);
        for glyph in run.glyphs() {
            let t = props.transform * glyph.transform();
            let origin = t * Point::ZERO;
            // Glyph space is 1000 units to the em.
            let size = (scale_of(t) * 1000.0) as f32;
            let text = match glyph.as_unicode() {
                Some(BfString::Char(c)) if !c.is_control() || c == '\t' => c.to_string(),
                Some(BfString::String(s)) if !s.is_empty() => s,
                Some(_) => continue,
                None => {
                    self.ink.unmapped_glyphs += 1;
                    continue;
                }
            };
            // Latin letters and digits vary in width: their ink extent tells a space from the
            // gap between two letters of a justified line.
            let narrow = text
                .chars()
                .next()
                .is_some_and(|c| !is_wide(c) && !c.is_whitespace());
            let ink = match &**glyph {
                Glyph::Outline(o) if narrow && !vertical => {
                    let b = (t * o.outline()).bounding_box();
                    (b.width() > 0.0).then_some((b.x0 as f32, b.x1 as f32))
                }
                _ => None,
            };
            self.ink.glyphs.push(PlacedGlyph {
                text,
                x: origin.x as f32,
                y: origin.y as f32,
                size,
                vertical,
                ink,
            });
        }
    }

    fn draw_image(&mut self, image: Image<'a, '_>, props: ImageDrawProps<'a>) {
        let Image::Raster(raster) = image else {
            // Stencil masks are single-colour shapes (logos, seals): not pictures of tables.
            return;
        };
        // hayro's image transform maps the picture's pixel grid onto the page.
        let (w, h) = (f64::from(raster.width()), f64::from(raster.height()));
        let placed = (props.transform * Rect::new(0.0, 0.0, w, h).to_path(0.1)).bounding_box();
        let placed = [
            placed.x0 as f32,
            placed.y0 as f32,
            placed.x1 as f32,
            placed.y1 as f32,
        ];
        match super::images::encode(&raster, self.max_image_pixels) {
            Ok((data, content_type)) => self.ink.images.push(PlacedImage {
                data,
                content_type,
                placed,
            }),
            Err(why) => self.ink.skipped_images.push(why),
        }
    }

    fn pop_clip(&mut self) {}

    fn pop_transparency_group(&mut self) {}
}
