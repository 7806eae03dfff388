//! Generates a benchmark corpus of distinct annual reports (.docx with Word tables) for
//! `scripts/bench`, reusing the deterministic fixture builder of `tests/support/`.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --n 200 --out /tmp/corpus
//! cargo run --release --example gen_corpus -- --n 0 --out /tmp/huge --huge-mb 50
//! cargo run --release --example gen_corpus -- --n 20 --out /tmp/pics --pictures
//! cargo run --release --example gen_corpus -- --n 3 --out /tmp/scans --scans
//! ```
//!
//! Report `i` gets its own office, year, publication date, contacts and figures (表三 and 表四
//! scaled so the cross-table identities still hold, 表二 redrawn), and one of the shapes
//! (standard, numbered, tricky, variant_28x8; `--shapes` adds strict_renamed, which the peers
//! cannot read) in turn. The output is the same for
//! the same arguments.
//!
//! `--huge-mb M` also writes `huge.docx`: a standard report followed by filler blocks (paragraphs
//! of varied Chinese text and a copy of 表三 with fresh numbers) until the file is about M MiB.
//! `--photos-mb M` also writes `photos.docx`: a standard report with about M MiB of JPEG photos
//! (how real reports get large). `--big-picture` writes `big_picture.docx` with one
//! 100-megapixel scan.
//! `--pictures` writes the reports with their three tables as rendered pictures (for OCR runs).
//! `--scans` writes them as scanned PDFs: a cover page and the report's pages with its tables,
//! every page a turned, blurred JPEG picture and no text layer (5 pages; for OCR runs).

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Instant;

use support::docx::{self, p, p_center, p_right, p_style, run, Docx};
use support::report::{self, Look, ReportSpec, V};

/// splitmix64: a small deterministic generator, so a corpus is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const CITIES: [&str; 12] = [
    "青川市",
    "临江市",
    "云梧市",
    "北泉市",
    "南溪市",
    "安平市",
    "白河市",
    "长岭市",
    "东阳市",
    "西宁州",
    "望海市",
    "金川市",
];
const DISTRICTS: [&str; 10] = [
    "东湖区",
    "西城区",
    "高新区",
    "江南区",
    "北湖县",
    "石桥镇",
    "新安区",
    "清河县",
    "平山区",
    "龙泉县",
];
const OFFICES: [&str; 8] = [
    "人民政府办公室",
    "人民政府",
    "发展和改革局",
    "教育局",
    "自然资源局",
    "市场监督管理局",
    "卫生健康委员会",
    "住房和城乡建设局",
];
/// Shapes the corpus cycles through by default: those pandoc and python-docx can read too
/// (both reject `strict_renamed`, Strict OOXML with a renamed main part).
const DEFAULT_SHAPES: [&str; 4] = ["standard", "numbered", "tricky", "variant_28x8"];
const SHAPES: [&str; 5] = [
    "standard",
    "numbered",
    "tricky",
    "variant_28x8",
    "strict_renamed",
];

struct Args {
    n: usize,
    out: PathBuf,
    huge_mb: u64,
    photos_mb: u64,
    big_picture: bool,
    pictures: bool,
    scans: bool,
    seed: u64,
    shapes: Vec<String>,
}

fn usage() -> ! {
    eprintln!(
        "usage: gen_corpus --n N --out DIR [--huge-mb M] [--photos-mb M] [--big-picture]\n\
         \x20      [--pictures] [--scans] [--seed S] [--shapes A,B]\n\
         shapes: standard, numbered, tricky, variant_28x8, strict_renamed \
         (default: all but strict_renamed)\n\
         writes DIR/report_00000_<shape>.docx … (and DIR/huge.docx, photos.docx, big_picture.docx)"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = Args {
        n: 200,
        out: PathBuf::new(),
        huge_mb: 0,
        photos_mb: 0,
        big_picture: false,
        pictures: false,
        scans: false,
        seed: 2024,
        shapes: DEFAULT_SHAPES.iter().map(|s| s.to_string()).collect(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--n" => args.n = val().parse().unwrap_or_else(|_| usage()),
            "--out" => args.out = PathBuf::from(val()),
            "--huge-mb" => args.huge_mb = val().parse().unwrap_or_else(|_| usage()),
            "--photos-mb" => args.photos_mb = val().parse().unwrap_or_else(|_| usage()),
            "--big-picture" => args.big_picture = true,
            "--seed" => args.seed = val().parse().unwrap_or_else(|_| usage()),
            "--pictures" => args.pictures = true,
            "--scans" => args.scans = true,
            "--shapes" => {
                args.shapes = val().split(',').map(str::to_string).collect();
                if args.shapes.iter().any(|s| !SHAPES.contains(&s.as_str())) {
                    usage()
                }
            }
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    if args.out.as_os_str().is_empty() {
        usage()
    }
    args
}

/// Multiplies a printed number by `k` (blank and `/` stay as they are).
fn scale(v: &V, k: u64) -> V {
    match v {
        V::N(s) => match s.parse::<u64>() {
            Ok(n) => V::n(n * k),
            Err(_) => v.clone(),
        },
        other => other.clone(),
    }
}

/// The spec of report `i`: the standard report with its own office, year and figures.
fn spec_for(i: usize, rng: &mut Rng) -> ReportSpec {
    let mut spec = ReportSpec::standard();
    let city = *rng.pick(&CITIES);
    let district = *rng.pick(&DISTRICTS);
    let office = *rng.pick(&OFFICES);
    // The index keeps every office name distinct even when the draws repeat.
    spec.office = format!("{city}{district}第{}{office}", i + 1);
    spec.year = 2019 + (i % 6) as i32;
    spec.published = (
        spec.year + 1,
        1 + rng.below(3) as u32,
        1 + rng.below(28) as u32,
    );
    spec.address = format!("{city}{district}人民路{}号", 1 + rng.below(300));
    spec.postcode = format!("{:06}", 100_000 + rng.below(800_000));
    let area = 10 + rng.below(890);
    spec.phones = vec![
        format!("0{area}-{:08}", 10_000_000 + rng.below(89_999_999)),
        format!("0{area}-{:08}", 10_000_000 + rng.below(89_999_999)),
    ];
    spec.email = format!("zwgk{i}@example.gov.cn");
    spec.website = format!("http://www.r{i}.gov.cn");
    // 表三 and 表四 scaled by the same factor keep every identity (sums, 一+二 = 七+四).
    let k = 1 + rng.below(6);
    for row in spec.t3.iter_mut() {
        for v in row.iter_mut() {
            *v = scale(v, k);
        }
    }
    let k4 = 1 + rng.below(4);
    for v in spec.t4.iter_mut() {
        *v = scale(v, k4);
    }
    // 表二: fresh counts where the standard report has numbers.
    for (j, v) in spec.t2.iter_mut().enumerate() {
        if let V::N(_) = v {
            *v = if j == 9 {
                V::n(format!("{}.{:04}", rng.below(500), rng.below(10_000)))
            } else {
                V::n(rng.below(3000))
            };
        }
    }
    let new_total = spec.t3[0][6].num();
    if let Some(overview) = spec.sections.first_mut() {
        if overview.subs.len() > 1 {
            overview.subs[1] = format!(
                "依申请公开方面。全年新收政府信息公开申请{new_total}件，均在法定期限内答复。"
            );
        }
    }
    spec
}

fn build_shape(shape: &str, spec: &ReportSpec) -> Vec<u8> {
    match shape {
        "standard" => report::build_standard(spec),
        "numbered" => report::build_numbered(spec),
        "tricky" => report::build_tricky(spec),
        "variant_28x8" => report::build_variant_28x8(spec),
        "strict_renamed" => report::build_strict_renamed(spec),
        _ => unreachable!("unknown shape {shape}"),
    }
}

/// The body of a plain report up to (not including) the closing lines, with Word tables.
fn plain_body(d: &mut Docx, spec: &ReportSpec) {
    d.push(&p_style(
        "Title",
        &run(&format!(
            "{}{}年政府信息公开工作年度报告",
            spec.office, spec.year
        )),
    ));
    d.push(&p(&format!(
        "本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。",
        y = spec.year
    )));
    d.push(&p(&format!(
        "如对本报告有疑问，请与{}联系（地址：{}；邮编：{}；电话：{}；电子邮箱：{}）。",
        spec.office,
        spec.address,
        spec.postcode,
        spec.phones.join("、"),
        spec.email
    )));
    let look = Look::plain();
    for s in &spec.sections {
        d.push(&p_style("1", &run(&s.heading())));
        for para in &s.intro {
            d.push(&p(para));
        }
        for (i, text) in s.subs.iter().enumerate() {
            d.push(&p(&format!("（{}）{text}", report::CN[i])));
        }
        for para in &s.outro {
            d.push(&p(para));
        }
        let table = match s.id {
            "active_disclosure" => report::table2(spec, &look),
            "requests" => report::table3(spec, &look),
            "review_litigation" => report::table4(spec, &look),
            _ => continue,
        };
        d.push(&table);
    }
}

fn closing(d: &mut Docx, spec: &ReportSpec) {
    let (y, m, day) = spec.published;
    d.push(&p_right(&run(&spec.office)));
    d.push(&p_right(&run(&format!("{y}年{m}月{day}日"))));
}

/// Characters of the standard report's text: filler drawn from them reads (and compresses)
/// roughly like real report prose.
fn alphabet() -> Vec<char> {
    let spec = ReportSpec::standard();
    let mut chars: Vec<char> = spec
        .sections
        .iter()
        .flat_map(|s| s.intro.iter().chain(&s.subs).chain(&s.outro))
        .flat_map(|t| t.chars())
        .collect();
    chars.sort_unstable();
    chars.dedup();
    chars
}

/// One filler block: 20 paragraphs of ~120 characters and a copy of 表三 with fresh numbers.
fn filler_block(d: &mut Docx, spec: &ReportSpec, alphabet: &[char], rng: &mut Rng) {
    for _ in 0..20 {
        let len = 80 + rng.below(80) as usize;
        let text: String = (0..len).map(|_| *rng.pick(alphabet)).collect();
        d.push(&p(&text));
    }
    let mut s = spec.clone();
    let k = 1 + rng.below(9);
    for row in s.t3.iter_mut() {
        for v in row.iter_mut() {
            *v = scale(v, k);
        }
    }
    d.push(&report::table3(&s, &Look::plain()));
}

fn build_huge(blocks: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed ^ 0x4855_4745);
    let spec = spec_for(999_999, &mut rng);
    let alphabet = alphabet();
    let mut d = Docx::new();
    plain_body(&mut d, &spec);
    for _ in 0..blocks {
        filler_block(&mut d, &spec, &alphabet, &mut rng);
    }
    closing(&mut d, &spec);
    d.build()
}

/// A photo-like JPEG: smooth shapes plus sensor noise, so it neither compresses to nothing nor
/// looks like a table to the grid detector. 6 megapixels at quality 85 is 2–3 MB, like a phone
/// photo pasted into a report.
fn photo_jpeg(rng: &mut Rng) -> Vec<u8> {
    let (w, h) = (3000u32, 2000u32);
    let (fx, fy) = (1 + rng.below(7) as u32, 1 + rng.below(5) as u32);
    let mut noise = Rng(rng.next());
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let base = ((x * fx / 23 + y * fy / 17) % 200) as u8;
        let n = (noise.next() & 0x3f) as u8;
        image::Rgb([base.wrapping_add(n), base / 2 + n, 255 - base])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .expect("encode a photo");
    out
}

/// A standard report (Word tables) whose bulk is photos: what a 50 MB report really is.
fn build_photos(mb: u64, seed: u64) -> (Vec<u8>, usize) {
    let mut rng = Rng(seed ^ 0x5048_4f54);
    let spec = spec_for(999_998, &mut rng);
    let mut d = Docx::new();
    plain_body(&mut d, &spec);
    let mut bytes = 0u64;
    let mut n = 0;
    while bytes < mb << 20 {
        let jpeg = photo_jpeg(&mut rng);
        bytes += jpeg.len() as u64;
        n += 1;
        let rid = d.add_jpeg(jpeg);
        d.push(&p_center(&docx::image_run(
            900 + n as u32,
            &format!("照片{n}"),
            &rid,
            5_400_000,
            3_600_000,
        )));
        d.push(&p_center(&run(&format!("图{n} 政务公开活动现场"))));
    }
    closing(&mut d, &spec);
    (d.build(), n)
}

/// A standard report with one 100-megapixel scan (10,000 × 10,000, mostly white): small as a
/// file, 100 MB as grey pixels, 400 MB as RGBA if anything decoded it whole.
fn build_big_picture(seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed ^ 0x4249_4750);
    let spec = spec_for(999_997, &mut rng);
    let mut d = Docx::new();
    plain_body(&mut d, &spec);
    let img = image::GrayImage::from_fn(10_000, 10_000, |x, y| {
        let line = x % 1000 < 2 || y % 400 < 2;
        image::Luma([if line { 0 } else { 255 }])
    });
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode the scan");
    let rid = d.add_png(png);
    d.push(&p_center(&docx::image_run(
        990,
        "扫描件",
        &rid,
        5_400_000,
        5_400_000,
    )));
    closing(&mut d, &spec);
    d.build()
}

fn main() {
    let args = parse_args();
    std::fs::create_dir_all(&args.out).expect("create the output folder");
    let started = Instant::now();
    let mut rng = Rng(args.seed);
    let mut bytes_total = 0u64;
    for i in 0..args.n {
        let spec = spec_for(i, &mut rng);
        let (name, bytes) = if args.scans {
            (
                format!("report_{i:05}_scan.pdf"),
                support::page_scan::scanned_report_pdf(&spec),
            )
        } else if args.pictures {
            // The standard report with its three tables rendered as pictures (CJK font, as
            // the OCR tests draw them): what the OCR benchmark needs is real text to read.
            let style = support::render::RenderStyle::default();
            (
                format!("report_{i:05}_pictures.docx"),
                support::pictures::pictures_docx(
                    &spec,
                    &style,
                    support::pictures::T3Pictures::Whole,
                ),
            )
        } else {
            let shape = &args.shapes[i % args.shapes.len()];
            (
                format!("report_{i:05}_{shape}.docx"),
                build_shape(shape, &spec),
            )
        };
        bytes_total += bytes.len() as u64;
        std::fs::write(args.out.join(name), bytes).expect("write a report");
    }
    if args.n > 0 {
        eprintln!(
            "gen_corpus: {} reports, {:.1} MiB, in {:.1} s → {}",
            args.n,
            bytes_total as f64 / 1048576.0,
            started.elapsed().as_secs_f64(),
            args.out.display()
        );
    }
    if args.huge_mb > 0 {
        let t = Instant::now();
        // Size one block from a small sample, then build the whole file once.
        let base = build_huge(0, args.seed).len() as u64;
        let sample = 40;
        let per_block = (build_huge(sample, args.seed).len() as u64 - base) / sample as u64;
        let target = args.huge_mb << 20;
        let blocks = (target.saturating_sub(base) / per_block.max(1)) as usize + 1;
        let bytes = build_huge(blocks, args.seed);
        let path = args.out.join("huge.docx");
        std::fs::write(&path, &bytes).expect("write huge.docx");
        eprintln!(
            "gen_corpus: huge report of {blocks} blocks ({} paragraphs, {} tables), {:.1} MiB, in {:.1} s → {}",
            blocks * 20 + 20,
            blocks + 3,
            bytes.len() as f64 / 1048576.0,
            t.elapsed().as_secs_f64(),
            path.display()
        );
    }
    if args.photos_mb > 0 {
        let t = Instant::now();
        let (bytes, photos) = build_photos(args.photos_mb, args.seed);
        let path = args.out.join("photos.docx");
        std::fs::write(&path, &bytes).expect("write photos.docx");
        eprintln!(
            "gen_corpus: report with {photos} photos, {:.1} MiB, in {:.1} s → {}",
            bytes.len() as f64 / 1048576.0,
            t.elapsed().as_secs_f64(),
            path.display()
        );
    }
    if args.big_picture {
        let bytes = build_big_picture(args.seed);
        let path = args.out.join("big_picture.docx");
        std::fs::write(&path, &bytes).expect("write big_picture.docx");
        eprintln!(
            "gen_corpus: report with a 100-megapixel picture, {:.1} MiB → {}",
            bytes.len() as f64 / 1048576.0,
            path.display()
        );
    }
}
