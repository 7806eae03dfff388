//! Shows what the table-picture reader sees: the picture after cleaning (red dropped, paper
//! flattened, specks erased, straightened), with the grid it finds drawn in.
//!
//! cargo run --release --example clean_picture -- picture.jpg out.png

use image::Rgb;
use nianbao::read::image_table::{clean, decode, grid};
use nianbao::read::Limits;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = &args[..] else {
        eprintln!("usage: clean_picture PICTURE OUT.png");
        std::process::exit(2);
    };
    let bytes = std::fs::read(input).expect("read picture");
    let img = decode(&bytes, &Limits::default()).expect("decode");
    let level = imageproc::contrast::otsu_level(&clean::gray_without_red(&img));
    let gray = clean::clean(&img);
    {
        let mut g = clean::gray_without_red(&img);
        clean::flatten_paper(&mut g);
        let level = imageproc::contrast::otsu_level(&g);
        clean::erase_specks(&mut g, level);
        eprintln!("skew {:.2}° (ink ≤ {level})", clean::skew_deg(&g, level));
    }
    eprintln!(
        "{}×{} → {}×{}, otsu {level}",
        img.width(),
        img.height(),
        gray.width(),
        gray.height()
    );
    if let Ok(path) = std::env::var("CLEAN_ONLY") {
        gray.save(path).expect("write cleaned");
    }
    let mut out = image::DynamicImage::ImageLuma8(gray.clone()).to_rgb8();
    match grid::detect(&grid::Binary::rules(&gray)) {
        None => eprintln!("no grid"),
        Some(g) => {
            eprintln!(
                "grid {}×{}, {} cells",
                g.rows.len() - 1,
                g.cols.len() - 1,
                g.cells.len()
            );
            for r in &g.rows {
                for y in r.start..=r.end {
                    for x in 0..out.width() {
                        out.put_pixel(x, y, Rgb([255, 0, 0]));
                    }
                }
            }
            for c in &g.cols {
                for x in c.start..=c.end {
                    for y in 0..out.height() {
                        out.put_pixel(x, y, Rgb([0, 0, 255]));
                    }
                }
            }
        }
    }
    out.save(output).expect("write png");
}
