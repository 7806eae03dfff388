//! Test-picture renderer: draws a ruled table with merged cells and CJK text, as the screenshots
//! pasted into annual reports look. Used by the OCR tests and benchmark, and to build `.docx`
//! fixtures with table pictures. Test support, not part of the library: `support::render` in
//! the tests, included with `#[path = "../tests/support/render.rs"]` by the benchmark and the
//! examples (its font crate `ab_glyph` is a dev-dependency).
//!
//! ```ignore
//! use support::render::{render_table, table4_2021, RenderStyle};
//! let values: Vec<String> = (0..15).map(|i| i.to_string()).collect();
//! let png = render_table(&table4_2021(&values), &RenderStyle::default());
//! ```
//!
//! The font is WenQuanYi Micro Hei (Debian `fonts-wqy-microhei`), or `RenderStyle::font_path`.

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::{GrayImage, Luma};
use imageproc::drawing::{draw_filled_rect_mut, draw_text_mut, text_size};
use imageproc::rect::Rect;

/// Where Debian's `fonts-wqy-microhei` puts the font.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/// One cell of a [`TableSpec`] row: text (`\n` separates lines) and spans.
#[derive(Debug, Clone, PartialEq)]
pub struct CellSpec {
    pub text: String,
    pub rowspan: usize,
    pub colspan: usize,
}

impl CellSpec {
    pub fn new(text: impl Into<String>) -> Self {
        CellSpec {
            text: text.into(),
            rowspan: 1,
            colspan: 1,
        }
    }
    pub fn span(text: impl Into<String>, rowspan: usize, colspan: usize) -> Self {
        CellSpec {
            text: text.into(),
            rowspan: rowspan.max(1),
            colspan: colspan.max(1),
        }
    }
}

/// A table as rows of cells, placed as in HTML: each row lists the cells whose top-left slot is in
/// that row, left to right, skipping slots covered by spans from rows above.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableSpec {
    pub rows: Vec<Vec<CellSpec>>,
}

/// A cell of a [`TableSpec`] at its grid position.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedCell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    pub text: String,
}

impl TableSpec {
    /// Cells with their grid positions, in row-major order; and the grid size (rows, cols).
    pub fn placed(&self) -> (Vec<PlacedCell>, usize, usize) {
        let mut taken: Vec<Vec<bool>> = Vec::new();
        let mut out = Vec::new();
        let mut cols = 0;
        for (r, row) in self.rows.iter().enumerate() {
            let mut c = 0;
            for cell in row {
                loop {
                    let busy = taken
                        .get(r)
                        .and_then(|t| t.get(c))
                        .copied()
                        .unwrap_or(false);
                    if !busy {
                        break;
                    }
                    c += 1;
                }
                for rr in r..r + cell.rowspan.max(1) {
                    if taken.len() <= rr {
                        taken.resize(rr + 1, Vec::new());
                    }
                    for cc in c..c + cell.colspan.max(1) {
                        if taken[rr].len() <= cc {
                            taken[rr].resize(cc + 1, false);
                        }
                        taken[rr][cc] = true;
                    }
                }
                out.push(PlacedCell {
                    row: r,
                    col: c,
                    rowspan: cell.rowspan.max(1),
                    colspan: cell.colspan.max(1),
                    text: cell.text.clone(),
                });
                c += cell.colspan.max(1);
                cols = cols.max(c);
            }
        }
        let rows = taken.len().max(self.rows.len());
        (out, rows, cols)
    }

    /// The two pieces a page break before grid row `at` cuts the table into, as offices
    /// screenshot them: the rows above it; then the first `repeat` rows again (Word's repeated
    /// header rows; 0 for none) and the rows from `at` on. A merged cell crossing the break keeps
    /// its text above and continues below as an empty cell, as Word prints it. Render the pieces
    /// with [`render_pieces`] so that both keep the columns of the whole table.
    pub fn split_at(&self, at: usize, repeat: usize) -> (TableSpec, TableSpec) {
        let (cells, rows, _) = self.placed();
        let at = at.min(rows);
        let repeat = repeat.min(at);
        let mut top = vec![Vec::new(); at];
        let mut bottom = vec![Vec::new(); repeat + rows - at];
        for c in &cells {
            let end = c.row + c.rowspan;
            if c.row < at {
                top[c.row].push((
                    c.col,
                    CellSpec::span(&c.text, end.min(at) - c.row, c.colspan),
                ));
            }
            if c.row < repeat {
                let span = end.min(repeat) - c.row;
                bottom[c.row].push((c.col, CellSpec::span(&c.text, span, c.colspan)));
            }
            if end > at {
                let (row, text) = if c.row >= at {
                    (c.row, c.text.as_str())
                } else {
                    (at, "")
                };
                let span = end - row;
                bottom[repeat + row - at].push((c.col, CellSpec::span(text, span, c.colspan)));
            }
        }
        let piece = |rows: Vec<Vec<(usize, CellSpec)>>| TableSpec {
            rows: rows
                .into_iter()
                .map(|mut r| {
                    r.sort_by_key(|(col, _)| *col);
                    r.into_iter().map(|(_, c)| c).collect()
                })
                .collect(),
        };
        (piece(top), piece(bottom))
    }
}

/// Output encoding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Encoding {
    Png,
    /// JPEG at quality 1–100.
    Jpeg(u8),
}

/// How to draw a table.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderStyle {
    /// Multiplies font size, padding and (rounded) line width. 1.0 = 16 px text.
    pub scale: f32,
    /// Rule width in pixels at scale 1.
    pub line_width: u32,
    pub encoding: Encoding,
    /// Font file (TTF or TTC, first face); `None` = [`DEFAULT_FONT`].
    pub font_path: Option<String>,
    /// White margin around the table, in pixels at scale 1.
    pub margin: u32,
    /// Gray level of the rules: 0 = black; Word's light table borders are around 160–190.
    pub rule_gray: u8,
    /// Which rules are drawn.
    pub rules: Rules,
}

/// Which rules a table picture has.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rules {
    /// Every cell boxed (Word's 网格型 tables).
    All,
    /// Only horizontal rules, between every row (no vertical rules).
    Horizontal,
    /// 三线表: a rule above the table, one under its first `header` rows, one below it.
    ThreeLine { header: usize },
    /// No rules at all: the columns show only in how the text lines up.
    None,
}

impl Default for RenderStyle {
    fn default() -> Self {
        RenderStyle {
            scale: 1.0,
            line_width: 1,
            encoding: Encoding::Png,
            font_path: None,
            margin: 10,
            rule_gray: 0,
            rules: Rules::All,
        }
    }
}

/// Why a table could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("font {0} not found — install it with `apt-get install -y fonts-wqy-microhei`")]
    FontMissing(String),
    #[error("bad font {0}")]
    BadFont(String),
    #[error("encoding failed: {0}")]
    Encode(String),
}

/// Renders `spec` as an image file (PNG or JPEG bytes). Panics with a clear message when the font
/// is missing; see [`try_render_table`].
pub fn render_table(spec: &TableSpec, style: &RenderStyle) -> Vec<u8> {
    try_render_table(spec, style).unwrap_or_else(|e| panic!("render_table: {e}"))
}

/// Renders `spec` as an image file (PNG or JPEG bytes).
pub fn try_render_table(spec: &TableSpec, style: &RenderStyle) -> Result<Vec<u8>, RenderError> {
    encode(&render_gray(spec, style)?, style)
}

fn encode(img: &GrayImage, style: &RenderStyle) -> Result<Vec<u8>, RenderError> {
    let mut out = std::io::Cursor::new(Vec::new());
    match style.encoding {
        Encoding::Png => img
            .write_to(&mut out, image::ImageFormat::Png)
            .map_err(|e| RenderError::Encode(e.to_string()))?,
        Encoding::Jpeg(q) => {
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q.clamp(1, 100));
            img.write_with_encoder(enc)
                .map_err(|e| RenderError::Encode(e.to_string()))?
        }
    }
    Ok(out.into_inner())
}

pub fn load_font(style: &RenderStyle) -> Result<FontVec, RenderError> {
    let path = style.font_path.as_deref().unwrap_or(DEFAULT_FONT);
    let data = std::fs::read(path).map_err(|_| RenderError::FontMissing(path.to_string()))?;
    FontVec::try_from_vec_and_index(data, 0).map_err(|_| RenderError::BadFont(path.to_string()))
}

/// Renders the pieces of `whole` (from [`TableSpec::split_at`]) as image files, each laid out
/// with the column widths of the whole table — a page break cuts rows, never moves columns.
pub fn render_pieces(
    whole: &TableSpec,
    pieces: &[TableSpec],
    style: &RenderStyle,
) -> Result<Vec<Vec<u8>>, RenderError> {
    let font = load_font(style)?;
    let (col_w, _) = layout(whole, style, &font);
    pieces
        .iter()
        .map(|p| encode(&draw(p, style, &font, Some(&col_w)), style))
        .collect()
}

/// Renders `spec` to a grayscale image.
pub fn render_gray(spec: &TableSpec, style: &RenderStyle) -> Result<GrayImage, RenderError> {
    let font = load_font(style)?;
    Ok(draw(spec, style, &font, None))
}

/// Font size, line height, cell padding, rule width and margin at the style's scale.
struct Metrics {
    px: PxScale,
    line_h: u32,
    pad: u32,
    lw: u32,
    margin: u32,
}

fn metrics(style: &RenderStyle, font: &FontVec) -> Metrics {
    let s = style.scale.max(0.1);
    let px = PxScale::from(16.0 * s);
    Metrics {
        px,
        line_h: font.as_scaled(px).height().ceil() as u32,
        pad: (6.0 * s).round() as u32,
        lw: ((style.line_width as f32 * s).round() as u32).max(1),
        margin: (style.margin as f32 * s).round() as u32,
    }
}

/// Column widths and row heights that fit every cell's text.
fn layout(spec: &TableSpec, style: &RenderStyle, font: &FontVec) -> (Vec<u32>, Vec<u32>) {
    let Metrics {
        px,
        line_h,
        pad,
        lw,
        ..
    } = metrics(style, font);
    let s = style.scale.max(0.1);
    let (cells, rows, cols) = spec.placed();
    let measure = |text: &str| -> (u32, u32) {
        let w = text
            .split('\n')
            .map(|l| text_size(px, font, l).0)
            .max()
            .unwrap_or(0);
        let n = text.split('\n').count().max(1) as u32;
        (w + 2 * pad + lw, n * line_h + 2 * pad + lw)
    };
    let mut col_w = vec![(32.0 * s) as u32; cols];
    let mut row_h = vec![line_h + 2 * pad + lw; rows];
    // Single cells first, then spread what merged cells still need.
    for pass in 0..2 {
        for c in &cells {
            let (w, h) = measure(&c.text);
            if (c.colspan == 1) == (pass == 0) {
                let have: u32 = col_w[c.col..c.col + c.colspan].iter().sum();
                if w > have {
                    let add = (w - have).div_ceil(c.colspan as u32);
                    col_w[c.col..c.col + c.colspan]
                        .iter_mut()
                        .for_each(|x| *x += add);
                }
            }
            if (c.rowspan == 1) == (pass == 0) {
                let have: u32 = row_h[c.row..c.row + c.rowspan].iter().sum();
                if h > have {
                    let add = (h - have).div_ceil(c.rowspan as u32);
                    row_h[c.row..c.row + c.rowspan]
                        .iter_mut()
                        .for_each(|x| *x += add);
                }
            }
        }
    }
    (col_w, row_h)
}

/// Where [`render_gray`] draws each cell: `[x, y, width, height]` in pixels, the rules around it
/// included (as the boxes of cells read from pictures are), in the order of
/// [`TableSpec::placed`]. For tests that damage one cell of a picture.
pub fn cell_boxes(spec: &TableSpec, style: &RenderStyle) -> Result<Vec<[u32; 4]>, RenderError> {
    let font = load_font(style)?;
    let lw = metrics(style, &font).lw;
    let (xs, ys) = rules(spec, style, &font, None);
    let (cells, _, _) = spec.placed();
    Ok(cells
        .iter()
        .map(|c| {
            let (x0, x1) = (xs[c.col], xs[c.col + c.colspan]);
            let (y0, y1) = (ys[c.row], ys[c.row + c.rowspan]);
            [x0, y0, x1 - x0 + lw, y1 - y0 + lw]
        })
        .collect())
}

/// The x of every column rule and the y of every row rule.
fn rules(
    spec: &TableSpec,
    style: &RenderStyle,
    font: &FontVec,
    cols_of: Option<&[u32]>,
) -> (Vec<u32>, Vec<u32>) {
    let margin = metrics(style, font).margin;
    let (_, _, cols) = spec.placed();
    let (mut col_w, row_h) = layout(spec, style, font);
    if let Some(w) = cols_of.filter(|w| w.len() == cols) {
        col_w = w.to_vec();
    }
    let xs: Vec<u32> = std::iter::once(margin)
        .chain(col_w.iter().scan(margin, |acc, w| {
            *acc += w;
            Some(*acc)
        }))
        .collect();
    let ys: Vec<u32> = std::iter::once(margin)
        .chain(row_h.iter().scan(margin, |acc, h| {
            *acc += h;
            Some(*acc)
        }))
        .collect();
    (xs, ys)
}

fn draw(
    spec: &TableSpec,
    style: &RenderStyle,
    font: &FontVec,
    cols_of: Option<&[u32]>,
) -> GrayImage {
    let Metrics {
        px,
        line_h,
        lw,
        margin,
        ..
    } = metrics(style, font);
    let (cells, rows, cols) = spec.placed();
    let (xs, ys) = rules(spec, style, font, cols_of);
    let width = xs[cols] + lw + margin;
    let height = ys[rows] + lw + margin;
    let mut img = GrayImage::from_pixel(width, height, Luma([255]));
    let black = Luma([0u8]);
    for c in &cells {
        let (x0, x1) = (xs[c.col], xs[c.col + c.colspan]);
        let (y0, y1) = (ys[c.row], ys[c.row + c.rowspan]);
        // Borders: top, bottom, left, right (each cell draws its own; shared edges overlap).
        let top = Rect::at(x0 as i32, y0 as i32).of_size(x1 - x0 + lw, lw);
        let bottom = Rect::at(x0 as i32, y1 as i32).of_size(x1 - x0 + lw, lw);
        let left = Rect::at(x0 as i32, y0 as i32).of_size(lw, y1 - y0 + lw);
        let right = Rect::at(x1 as i32, y0 as i32).of_size(lw, y1 - y0 + lw);
        let end = c.row + c.rowspan;
        let borders = match style.rules {
            Rules::All => vec![top, bottom, left, right],
            Rules::Horizontal => vec![top, bottom],
            Rules::ThreeLine { header } => [
                (c.row == 0 || c.row == header).then_some(top),
                (end == header || end == rows).then_some(bottom),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Rules::None => Vec::new(),
        };
        for r in borders {
            draw_filled_rect_mut(&mut img, r, Luma([style.rule_gray]));
        }
        let lines: Vec<&str> = c.text.split('\n').collect();
        let block_h = lines.len() as u32 * line_h;
        let inner_h = y1 - y0 - lw;
        let mut y = y0 + lw + inner_h.saturating_sub(block_h) / 2;
        for l in lines {
            let w = text_size(px, font, l).0;
            let inner_w = x1 - x0 - lw;
            let x = x0 + lw + inner_w.saturating_sub(w) / 2;
            draw_text_mut(&mut img, black, x as i32, y as i32, px, font, l);
            y += line_h;
        }
    }
    img
}

fn row(cells: Vec<CellSpec>) -> Vec<CellSpec> {
    cells
}

fn values_row(label: Vec<CellSpec>, values: &[String]) -> Vec<CellSpec> {
    let mut r = label;
    r.extend(values.iter().map(|v| CellSpec::new(v.clone())));
    r
}

/// 表二 of the 2021 format: 10 figures in the order 规章 ×3, 行政规范性文件 ×3, 行政许可,
/// 行政处罚, 行政强制, 行政事业性收费 (万元).
pub fn table2_2021(values: &[String]) -> TableSpec {
    assert_eq!(values.len(), 10, "表二 has 10 figures");
    let head = |t: &str| vec![CellSpec::span(t, 1, 4)];
    let one = |label: &str, v: &String| vec![CellSpec::new(label), CellSpec::span(v.clone(), 1, 3)];
    TableSpec {
        rows: vec![
            head("第二十条第（一）项"),
            row(vec![
                CellSpec::new("信息内容"),
                CellSpec::new("本年制发件数"),
                CellSpec::new("本年废止件数"),
                CellSpec::new("现行有效件数"),
            ]),
            values_row(vec![CellSpec::new("规章")], &values[0..3]),
            values_row(vec![CellSpec::new("行政规范性文件")], &values[3..6]),
            head("第二十条第（五）项"),
            vec![
                CellSpec::new("信息内容"),
                CellSpec::span("本年处理决定数量", 1, 3),
            ],
            one("行政许可", &values[6]),
            head("第二十条第（六）项"),
            vec![
                CellSpec::new("信息内容"),
                CellSpec::span("本年处理决定数量", 1, 3),
            ],
            one("行政处罚", &values[7]),
            one("行政强制", &values[8]),
            head("第二十条第（八）项"),
            vec![
                CellSpec::new("信息内容"),
                CellSpec::span("本年收费金额（单位：万元）", 1, 3),
            ],
            one("行政事业性收费", &values[9]),
        ],
    }
}

/// The 25 row labels of 表三 (2021), the text of the innermost label cell of each data row.
pub const TABLE3_ROWS: [&str; 25] = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计\n这一情形，不计其他情形）",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具\n已获取信息",
    "1.申请人无正当理由逾期不补正、\n行政机关不再处理其政府信息\n公开申请",
    "2.申请人逾期未按收费通知要求\n缴纳费用、行政机关不再处理其\n政府信息公开申请",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
];

/// 表三 of the 2021 format: 28 × 10 grid (3 header rows, 3 label columns), `values` row-major,
/// 25 rows × 7 columns (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计).
pub fn table3_2021(values: &[String]) -> TableSpec {
    assert_eq!(values.len(), 175, "表三 has 25 × 7 figures");
    let v = |r: usize| &values[r * 7..r * 7 + 7];
    let mut rows = vec![
        vec![
            CellSpec::span(
                "（本列数据的勾稽关系为：第一项加\n第二项之和，等于第三项加第四项\n之和）",
                3,
                3,
            ),
            CellSpec::span("申请人情况", 1, 7),
        ],
        vec![
            CellSpec::span("自然人", 2, 1),
            CellSpec::span("法人或其他组织", 1, 5),
            CellSpec::span("总计", 2, 1),
        ],
        vec![
            CellSpec::new("商业\n企业"),
            CellSpec::new("科研\n机构"),
            CellSpec::new("社会公益\n组织"),
            CellSpec::new("法律服务\n机构"),
            CellSpec::new("其他"),
        ],
        values_row(vec![CellSpec::span(TABLE3_ROWS[0], 1, 3)], v(0)),
        values_row(vec![CellSpec::span(TABLE3_ROWS[1], 1, 3)], v(1)),
        values_row(
            vec![
                CellSpec::span("三、本年度\n办理结果", 22, 1),
                CellSpec::span(TABLE3_ROWS[2], 1, 2),
            ],
            v(2),
        ),
        values_row(vec![CellSpec::span(TABLE3_ROWS[3], 1, 2)], v(3)),
    ];
    let groups: [(&str, usize, usize); 4] = [
        ("（三）不予公开", 4, 8),
        ("（四）无法提供", 12, 3),
        ("（五）不予处理", 15, 5),
        ("（六）其他处理", 20, 3),
    ];
    for (name, first, n) in groups {
        for (r, text) in TABLE3_ROWS.iter().enumerate().skip(first).take(n) {
            let mut label = Vec::new();
            if r == first {
                label.push(CellSpec::span(name, n, 1));
            }
            label.push(CellSpec::new(*text));
            rows.push(values_row(label, v(r)));
        }
    }
    rows.push(values_row(
        vec![CellSpec::span(TABLE3_ROWS[23], 1, 2)],
        v(23),
    ));
    rows.push(values_row(
        vec![CellSpec::span(TABLE3_ROWS[24], 1, 3)],
        v(24),
    ));
    TableSpec { rows }
}

/// 表四 of the 2021 format: 3 header rows and one row of 15 figures (行政复议 ×5, 未经复议直接起诉 ×5,
/// 复议后起诉 ×5; each 结果维持, 结果纠正, 其他结果, 尚未审结, 总计).
pub fn table4_2021(values: &[String]) -> TableSpec {
    assert_eq!(values.len(), 15, "表四 has 15 figures");
    let five = || {
        [
            "结果\n维持",
            "结果\n纠正",
            "其他\n结果",
            "尚未\n审结",
            "总计",
        ]
        .into_iter()
        .map(CellSpec::new)
        .collect::<Vec<_>>()
    };
    let mut h3 = five();
    h3.extend(five());
    h3.extend(five());
    TableSpec {
        rows: vec![
            vec![
                CellSpec::span("行政复议", 2, 5),
                CellSpec::span("行政诉讼", 1, 10),
            ],
            vec![
                CellSpec::span("未经复议直接起诉", 1, 5),
                CellSpec::span("复议后起诉", 1, 5),
            ],
            h3,
            values.iter().map(|v| CellSpec::new(v.clone())).collect(),
        ],
    }
}
