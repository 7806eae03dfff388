//! Glyphs → lines of text. A line is the glyphs that share a baseline, left to right; the text
//! gets a space only where the page shows one (a space glyph, or a gap between Latin letters or
//! digits) — never between CJK characters, which a PDF places without spaces.

use super::device::{is_wide, PlacedGlyph};

/// One line of text on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    /// `[x0, y0, x1, y1]`, top-left origin.
    pub bbox: [f32; 4],
    /// The baseline.
    pub y: f32,
    /// The font size of most of the line's glyphs.
    pub size: f32,
    /// Number of glyphs (not counting spaces).
    pub glyphs: usize,
}

impl Line {
    pub fn x0(&self) -> f32 {
        self.bbox[0]
    }
    pub fn x1(&self) -> f32 {
        self.bbox[2]
    }
}

/// Groups glyphs into lines, top to bottom.
pub fn lines(glyphs: &[&PlacedGlyph]) -> Vec<Line> {
    baseline_groups(glyphs)
        .into_iter()
        .filter_map(line_of)
        .collect()
}

/// The runs of each line that a gap wider than half an em sets apart — the cells of a table
/// printed without rules — each with its glyphs. The cut ignores the line's justification: a
/// header of one character per column (结 结 其 尚) is evenly spaced like justified text, and a
/// word spaced out over its cell (自 然) only splits within its own column.
pub fn runs<'g>(glyphs: &[&'g PlacedGlyph]) -> Vec<(Line, Vec<&'g PlacedGlyph>)> {
    let mut out = Vec::new();
    for mut group in baseline_groups(glyphs) {
        group.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut start = 0;
        for i in 1..=group.len() {
            let cut = i == group.len() || {
                let (p, g) = (group[i - 1], group[i]);
                g.ink_span().0 - p.ink_span().1 > 0.5 * p.size.max(g.size)
            };
            if cut {
                let run: Vec<&PlacedGlyph> = group[start..i].to_vec();
                if let Some(line) = line_of(run.clone()) {
                    out.push((line, run));
                }
                start = i;
            }
        }
    }
    out
}

/// Glyphs that share a baseline, top to bottom.
fn baseline_groups<'g>(glyphs: &[&'g PlacedGlyph]) -> Vec<Vec<&'g PlacedGlyph>> {
    let mut order: Vec<&PlacedGlyph> = glyphs.to_vec();
    order.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    // Baselines within a third of the font size are one line (superscripts and mixed fonts
    // shift a little; two lines of text are at least a font size apart).
    let mut groups: Vec<Vec<&PlacedGlyph>> = Vec::new();
    for g in order {
        let baseline = |l: &Vec<&PlacedGlyph>| l[0].y;
        match groups.last_mut() {
            Some(l) if !g.vertical && (g.y - baseline(l)).abs() <= g.size.max(l[0].size) / 3.0 => {
                l.push(g)
            }
            _ => groups.push(vec![g]),
        }
    }
    groups
}

fn line_of(mut glyphs: Vec<&PlacedGlyph>) -> Option<Line> {
    glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let kept = glyphs;
    let stretch = justification(&kept);
    let mut text = String::new();
    let mut prev: Option<&PlacedGlyph> = None;
    let mut bbox = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    let mut sizes: Vec<f32> = Vec::new();
    let mut count = 0;
    for g in &kept {
        if g.text.trim().is_empty() {
            if !text.ends_with(' ') && !text.is_empty() {
                text.push(' ');
            }
            continue;
        }
        if let Some(p) = prev {
            let gap = g.ink_span().0 - p.ink_span().1 - stretch;
            if needs_space(p, g, gap) && !text.ends_with(' ') {
                text.push(' ');
            }
        }
        text.push_str(&g.text);
        let b = g.bbox();
        bbox = [
            bbox[0].min(b[0]),
            bbox[1].min(b[1]),
            bbox[2].max(b[2]),
            bbox[3].max(b[3]),
        ];
        sizes.push(g.size);
        count += 1;
        prev = Some(g);
    }
    let text = text.trim_end().to_string();
    if count == 0 {
        return None;
    }
    sizes.sort_by(f32::total_cmp);
    let y = kept
        .iter()
        .find(|g| !g.text.trim().is_empty())
        .map_or(0.0, |g| g.y);
    Some(Line {
        text,
        bbox,
        y,
        size: sizes[sizes.len() / 2],
        glyphs: count,
    })
}

/// The space a justified line adds between every two glyphs: the median gap between
/// neighbouring full-width glyphs, which touch when the line is set solid.
fn justification(glyphs: &[&PlacedGlyph]) -> f32 {
    let mut gaps: Vec<f32> = glyphs
        .windows(2)
        .filter(|w| w[0].is_wide() && w[1].is_wide())
        .map(|w| w[1].x - w[0].x - w[0].size)
        .collect();
    if gaps.len() < 3 {
        return 0.0;
    }
    gaps.sort_by(f32::total_cmp);
    gaps[gaps.len() / 2].max(0.0)
}

/// Whether the gap between the ink of two neighbouring glyphs (less the line's justification)
/// is a space: about a fifth of an em between Latin letters or digits, a wide gap anywhere
/// (columns of a layout).
fn needs_space(a: &PlacedGlyph, b: &PlacedGlyph, gap: f32) -> bool {
    let size = a.size.max(b.size);
    if a.is_wide() || b.is_wide() {
        gap > size * 1.5
    } else {
        gap > size * 0.18
    }
}

/// Joins the lines of one paragraph or cell: CJK lines run on without a space; Latin words get
/// one; a URL, e-mail address or phone number cut at the end of a line joins back whole.
pub fn join(out: &mut String, next: &str) {
    let (Some(last), Some(first)) = (out.chars().last(), next.chars().next()) else {
        out.push_str(next);
        return;
    };
    let latin = |c: char| c.is_ascii_alphanumeric();
    if latin(last) && latin(first) {
        let tail = out
            .rsplit(|c: char| c.is_whitespace() || is_wide(c))
            .next()
            .unwrap_or("");
        let cut_token = tail.contains(['.', '/', '@', ':', '-', '_'])
            || tail.chars().all(|c| c.is_ascii_digit());
        if !cut_token {
            out.push(' ');
        }
    }
    out.push_str(next);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str, x: f32, y: f32) -> PlacedGlyph {
        PlacedGlyph {
            text: text.into(),
            x,
            y,
            size: 10.0,
            vertical: false,
            ink: None,
        }
    }

    #[test]
    fn cjk_runs_without_spaces_latin_keeps_its_spaces() {
        let glyphs = [
            g("年", 0.0, 100.0),
            g("报", 10.0, 100.4),
            g("A", 20.0, 100.0),
            g("B", 25.0, 100.0),
            g("C", 33.0, 100.0), // a gap of 3 = 0.3 em: a space
            g("下", 0.0, 120.0),
        ];
        let refs: Vec<&PlacedGlyph> = glyphs.iter().collect();
        let got: Vec<String> = lines(&refs).into_iter().map(|l| l.text).collect();
        assert_eq!(got, vec!["年报AB C", "下"]);
    }

    #[test]
    fn wrapped_urls_and_phones_join_back() {
        let mut s = String::from("网站：http://www.hongze.");
        join(&mut s, "gov.cn。");
        assert_eq!(s, "网站：http://www.hongze.gov.cn。");
        let mut s = String::from("电话：0517-8729");
        join(&mut s, "0606");
        assert_eq!(s, "电话：0517-87290606");
        let mut s = String::from("the annual");
        join(&mut s, "report");
        assert_eq!(s, "the annual report");
        let mut s = String::from("政府信息");
        join(&mut s, "公开");
        assert_eq!(s, "政府信息公开");
    }
}
