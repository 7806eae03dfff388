//! Renders the text line that the load-time check of the int8 plan reads
//! (`src/ocr/convs/check_line.png`): `cargo run --example gen_check_line`.
#[path = "../tests/support/render.rs"]
#[allow(dead_code)]
mod render;

use image::GrayImage;
use nianbao::ocr::to_line_height;
use render::{render_gray, CellSpec, RenderStyle, TableSpec};

fn main() {
    let spec = TableSpec {
        rows: vec![vec![CellSpec::new("申请 2021年 1,234.56 -7 089 公开")]],
    };
    let style = RenderStyle {
        scale: 1.0,
        margin: 0,
        ..RenderStyle::default()
    };
    let img = render_gray(&spec, &style).expect("font");
    let (w, h) = img.dimensions();
    // Inside the cell's rules: rows and columns that are mostly dark are rules.
    let dark = |x: u32, y: u32| img.get_pixel(x, y).0[0] < 128;
    let rule_row = |y: u32| (0..w).filter(|&x| dark(x, y)).count() > w as usize / 2;
    let rule_col = |x: u32| (0..h).filter(|&y| dark(x, y)).count() > h as usize / 2;
    let ink = |x: u32, y: u32| img.get_pixel(x, y).0[0] < 250 && !rule_row(y) && !rule_col(x);
    let ys: Vec<u32> = (0..h).filter(|&y| (0..w).any(|x| ink(x, y))).collect();
    let xs: Vec<u32> = (0..w).filter(|&x| (0..h).any(|y| ink(x, y))).collect();
    let (y0, y1) = (ys[0], *ys.last().unwrap() + 1);
    let (x0, x1) = (xs[0], *xs.last().unwrap() + 1);
    // Margins as a cell crop has them: a quarter of the text height above and below.
    let m = (y1 - y0) / 4;
    let crop = GrayImage::from_fn(x1 - x0 + 4, y1 - y0 + 2 * m, |x, y| {
        let (sx, sy) = ((x0 + x).wrapping_sub(2), (y0 + y).wrapping_sub(m));
        if sx >= x0 && sx < x1 && sy >= y0 && sy < y1 {
            *img.get_pixel(sx, sy)
        } else {
            image::Luma([255])
        }
    });
    let line = to_line_height(&crop);
    line.save("src/ocr/convs/check_line.png").unwrap();
    println!("{}×{}", line.width(), line.height());
}
