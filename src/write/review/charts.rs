//! Charts as inline SVG, written by hand: bars, stacked or not, horizontal for named things and
//! vertical for years. Every bar carries its series and value (`data-series`, `data-value`) and
//! a `<title>` (the browser's tooltip); labels are escaped like all text.

use std::fmt::Write;

use super::html::esc;
use crate::write::format_number;

/// One horizontal bar: a label, its segments (series index, value) and a note after it.
pub struct Bar {
    pub label: String,
    pub segments: Vec<(usize, f64)>,
    pub note: String,
    /// Link from the label (relative to the page).
    pub href: Option<String>,
}

const WIDTH: f64 = 820.0;
const LABEL_W: f64 = 300.0;
const NOTE_W: f64 = 120.0;
const ROW_H: f64 = 22.0;

fn legend(out: &mut String, series: &[&str], y: f64) {
    let mut x = 0.0;
    for (i, name) in series.iter().enumerate() {
        let _ = write!(
            out,
            "<rect class=\"s{i}\" x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            y - 10.0,
            x + 16.0,
            y,
            esc(name)
        );
        x += 24.0 + 14.0 * name.chars().count() as f64;
    }
}

/// Horizontal bars, stacked by series, scaled to the longest bar.
pub fn hbars(id: &str, title: &str, series: &[&str], bars: &[Bar]) -> String {
    let max = bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.1).sum::<f64>())
        .fold(0.0, f64::max);
    let scale = if max > 0.0 {
        (WIDTH - LABEL_W - NOTE_W) / max
    } else {
        0.0
    };
    let top = if series.len() > 1 { 30.0 } else { 8.0 };
    let height = top + ROW_H * bars.len() as f64 + 6.0;
    let mut out = String::new();
    let _ = write!(
        out,
        "<figure class=\"chart\" id=\"chart-{id}\"><figcaption>{}</figcaption>\
         <svg class=\"chart-svg\" data-chart=\"{id}\" viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        esc(title),
        esc(title)
    );
    if series.len() > 1 {
        legend(&mut out, series, 16.0);
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = top + ROW_H * i as f64;
        let text_y = y + ROW_H * 0.68;
        let label = esc(&bar.label);
        match &bar.href {
            Some(href) => {
                let _ = write!(
                    out,
                    "<a href=\"{}\"><text class=\"label\" x=\"{}\" y=\"{text_y}\">{label}</text></a>",
                    esc(href),
                    LABEL_W - 6.0
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<text class=\"label\" x=\"{}\" y=\"{text_y}\">{label}</text>",
                    LABEL_W - 6.0
                );
            }
        }
        let mut x = LABEL_W;
        for &(s, v) in &bar.segments {
            let w = v * scale;
            let name = series.get(s).copied().unwrap_or("");
            let _ = write!(
                out,
                "<rect class=\"s{s}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" \
                 data-series=\"{}\" data-value=\"{}\"><title>{label} {}: {}</title></rect>",
                y + 3.0,
                ROW_H - 6.0,
                esc(name),
                format_number(v),
                esc(name),
                format_number(v)
            );
            x += w;
        }
        let _ = write!(
            out,
            "<text class=\"note\" x=\"{:.1}\" y=\"{text_y}\">{}</text>",
            x + 6.0,
            esc(&bar.note)
        );
    }
    out.push_str("</svg></figure>");
    out
}

/// Vertical bars, one per year (a missing value leaves a gap marked "—").
pub fn year_bars(id: &str, title: &str, points: &[(i32, Option<f64>)]) -> String {
    const W: f64 = 260.0;
    const H: f64 = 150.0;
    const BASE: f64 = 120.0;
    let max = points.iter().filter_map(|p| p.1).fold(0.0, f64::max);
    let step = W / points.len().max(1) as f64;
    let bar_w = (step * 0.6).min(48.0);
    let mut out = String::new();
    let _ = write!(
        out,
        "<figure class=\"chart small\" id=\"chart-{id}\"><figcaption>{}</figcaption>\
         <svg class=\"chart-svg\" data-chart=\"{id}\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" \
         height=\"{H}\" role=\"img\" aria-label=\"{}\">\
         <line class=\"axis\" x1=\"0\" y1=\"{BASE}\" x2=\"{W}\" y2=\"{BASE}\"/>",
        esc(title),
        esc(title)
    );
    for (i, (year, v)) in points.iter().enumerate() {
        let cx = step * (i as f64 + 0.5);
        let _ = write!(
            out,
            "<text class=\"year\" x=\"{cx:.1}\" y=\"{}\">{year}</text>",
            BASE + 18.0
        );
        match v {
            Some(v) => {
                let h = if max > 0.0 {
                    v / max * (BASE - 20.0)
                } else {
                    0.0
                };
                let _ = write!(
                    out,
                    "<rect class=\"s0\" x=\"{:.1}\" y=\"{:.1}\" width=\"{bar_w:.1}\" \
                     height=\"{h:.1}\" data-year=\"{year}\" data-value=\"{}\">\
                     <title>{year}: {}</title></rect>\
                     <text class=\"value\" x=\"{cx:.1}\" y=\"{:.1}\">{}</text>",
                    cx - bar_w / 2.0,
                    BASE - h,
                    format_number(*v),
                    format_number(*v),
                    BASE - h - 4.0,
                    format_number(*v)
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<text class=\"value\" x=\"{cx:.1}\" y=\"{}\" data-year=\"{year}\">—</text>",
                    BASE - 4.0
                );
            }
        }
    }
    out.push_str("</svg></figure>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_longest_and_escape_labels() {
        let svg = hbars(
            "t",
            "标题",
            &["a", "b"],
            &[
                Bar {
                    label: "<script>x</script>".into(),
                    segments: vec![(0, 10.0), (1, 30.0)],
                    note: "40".into(),
                    href: None,
                },
                Bar {
                    label: "二".into(),
                    segments: vec![(0, 20.0)],
                    note: "20".into(),
                    href: Some("r/x.html".into()),
                },
            ],
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        // the longest bar (40) fills the bar area: 820 − 300 − 120 = 400 px, so 10 → 100 px
        assert!(svg.contains("width=\"100.0\" height=\"16.0\" data-series=\"a\" data-value=\"10\""));
        assert!(svg.contains("width=\"300.0\" height=\"16.0\" data-series=\"b\" data-value=\"30\""));
        assert!(svg.contains("width=\"200.0\" height=\"16.0\" data-series=\"a\" data-value=\"20\""));
        let years = year_bars("y", "t", &[(2022, Some(5.0)), (2023, None)]);
        assert!(years.contains("data-year=\"2022\" data-value=\"5\""));
        assert!(years.contains("data-year=\"2023\">—"));
    }
}
