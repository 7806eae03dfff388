//! Shows what the table-picture reader sees: the picture after cleaning (red dropped, paper
//! flattened, specks erased, straightened), with the grid it finds drawn in. With `--page`, what
//! the scanned-page reader sees instead (`page_image::decode_page`: a photographed sheet found on
//! its desk and put upright first, then cleaned), with the page's ruled table drawn in.
//!
//! cargo run --release --example clean_picture -- [--page] picture.jpg out.png

use image::Rgb;
use nianbao::read::image_table::{clean, decode, grid, photo};
use nianbao::read::page_image;
use nianbao::read::Limits;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let as_page = args.first().is_some_and(|a| a == "--page");
    if as_page {
        args.remove(0);
    }
    let [input, output] = &args[..] else {
        eprintln!("usage: clean_picture [--page] PICTURE OUT.png");
        std::process::exit(2);
    };
    let bytes = std::fs::read(input).expect("read picture");
    let img = decode(&bytes, &Limits::default()).expect("decode");
    let level = imageproc::contrast::otsu_level(&clean::gray_without_red(&img));
    let gray = if as_page {
        match photo::find_sheet(&img.to_luma8()) {
            Some(c) => eprintln!("a photographed sheet, corners {c:?}"),
            None => eprintln!("no sheet on a darker ground: read as a scan"),
        }
        page_image::decode_page(&bytes, &Limits::default())
            .expect("decode page")
            .gray
    } else {
        clean::clean(&img).0
    };
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
    let found = if as_page {
        page_image::find_table(&gray)
    } else {
        grid::detect(&grid::Binary::rules(&gray))
    };
    match found {
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
