//! OCR benchmark (issue 3): renders the three tables of the 2021 format at scales 0.8–1.6, rule
//! widths 1–2 px, as PNG and as JPEG of quality 60–90, reads each picture back from cold
//! (readings are shared within one picture only) and prints, per picture, the CPU time (user + sys of all threads) and the
//! accuracy; then a summary: figures exact, identities kept, CPU time per table.
//!
//! `cargo bench --bench ocr` runs the full range (3 tables × 5 scales × 2 rule widths × 5
//! encodings = 150 pictures; the fifth, `s75`, is the PNG turned 1.5° and saved as JPEG q75, as
//! a scanner delivers it; `--enc 3ln` adds the tables drawn as 三线表, read from their columns).
//! Filters, comma-separated:
//! `cargo bench --bench ocr -- --tables t3 --scales 0.8,1.4 --lw 1 --enc png,q60`.
//! `RTEN_NUM_THREADS` defaults to 1 here so the times are for one core.
//! `OCR_BENCH_NO_CALIBRATION=1` skips the calibration runs (for profiling).
//!
//! `cargo bench --bench ocr -- --scan` measures a scanned report instead: the standard report as
//! a 5-page PDF of JPEG page pictures (`support::page_scan::scanned_report_pdf`: a cover and the
//! report with its tables, turned ±1.5°, blurred), read end to end by the pipeline; it prints the
//! CPU time of loading the models, of cleaning and straightening each page, of the detection
//! model on each page, and of the whole file, and the figures read exactly.
//!
//! Values are random but consistent: every identity of the tables (表三 row totals, column totals
//! and column balance; 表四 block totals) holds in the truth. A picture is judged end to end:
//! its grid goes through the same mapper and checks as a Word table (`recognise`, `check`), and
//! the figures and check results are compared with those of the truth table.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::time::Instant;

use nianbao::model::{Block, Cell, Document, TableGrid, TableOrigin};
use nianbao::ocr::{models_dir, Recogniser};
use nianbao::read::image_table::read_table_image;
use nianbao::read::Limits;
use support::render::{
    self as render, render_table, table2_2021, table3_2021, table4_2021, Encoding, RenderStyle,
    TableSpec,
};
use support::scan;

/// A deterministic generator (64-bit LCG).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    /// A figure as reports print them: half zeros, some blanks, small and large numbers.
    fn figure(&mut self, blanks: bool) -> Option<u64> {
        let r = self.next();
        let m = self.next();
        match r % 100 {
            0..=49 => Some(0),
            50..=54 if blanks => None,
            50..=74 => Some(m % 10),
            75..=89 => Some(m % 1000),
            _ => Some(m % 100000),
        }
    }
}

fn text(v: Option<u64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// 表三 values, row-major 25 × 7, with every identity holding: column 7 is the row total; row
/// 24 (总计) is the sum of rows 3–23; row 1 (新收) = 总计 + 结转下年 − 上年结转.
#[allow(clippy::needless_range_loop)] // rows and columns of the table, by number
fn t3_values(rng: &mut Rng) -> Vec<String> {
    let mut v = [[0u64; 7]; 25];
    let mut blank = [[false; 7]; 25];
    for r in (1..23).chain([24]) {
        for c in 0..6 {
            match rng.figure(r >= 2 && r != 24) {
                Some(x) => v[r][c] = x,
                None => blank[r][c] = true,
            }
        }
    }
    for c in 0..6 {
        v[23][c] = (2..23).map(|r| v[r][c]).sum();
        // 新收 + 上年结转 = 总计 + 结转下年, keeping 新收 non-negative.
        v[1][c] = v[1][c].min(v[23][c] + v[24][c]);
        v[0][c] = v[23][c] + v[24][c] - v[1][c];
    }
    for row in v.iter_mut() {
        row[6] = row[..6].iter().sum();
    }
    (0..25)
        .flat_map(|r| (0..7).map(move |c| (r, c)))
        .map(|(r, c)| {
            if blank[r][c] {
                String::new()
            } else {
                v[r][c].to_string()
            }
        })
        .collect()
}

/// 表四 values: three blocks of 结果维持, 结果纠正, 其他结果, 尚未审结, 总计.
fn t4_values(rng: &mut Rng) -> Vec<String> {
    let mut out = Vec::new();
    for _ in 0..3 {
        let parts: Vec<u64> = (0..4).map(|_| rng.figure(false).unwrap_or(0)).collect();
        out.extend(parts.iter().map(|&p| text(Some(p))));
        out.push(parts.iter().sum::<u64>().to_string());
    }
    out
}

fn t2_values(rng: &mut Rng) -> Vec<String> {
    (0..10).map(|_| text(rng.figure(true))).collect()
}

/// CPU time (user + sys) of the whole process, all threads, in seconds: the sum of the
/// per-thread `schedstat` run times (ns resolution), or `/proc/self/stat` ticks (10 ms).
fn cpu_secs() -> f64 {
    let mut ns = 0u64;
    let mut ok = false;
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for t in dir.flatten() {
            if let Ok(s) = std::fs::read_to_string(t.path().join("schedstat")) {
                if let Some(v) = s
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                {
                    ns += v;
                    ok = true;
                }
            }
        }
    }
    if ok {
        return ns as f64 / 1e9;
    }
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// The truth as a Word table: the spec's cells with their text.
fn truth_grid(spec: &TableSpec) -> TableGrid {
    let (cells, _, _) = spec.placed();
    TableGrid::from_cells(
        cells
            .into_iter()
            .map(|c| Cell {
                row: c.row,
                col: c.col,
                rowspan: c.rowspan,
                colspan: c.colspan,
                text: c.text,
                bbox: None,
                upright_box: None,
                confidence: None,
                page_box: None,
            })
            .collect(),
        TableOrigin::Word,
    )
}

/// Figures (metric → value text) and hard checks ((check, scope) → status) of one table.
struct Mapped {
    figures: HashMap<String, String>,
    checks: HashMap<(String, String), &'static str>,
}

fn map(grid: TableGrid) -> Mapped {
    let doc = Document {
        body: vec![Block::Table(grid)],
        ..Document::default()
    };
    let report = nianbao::recognise::recognise(&doc);
    let checks = nianbao::check::check_report(&report)
        .into_iter()
        .filter(|c| c.is_hard() && c.check != "values.valid")
        .map(|c| {
            (
                (c.check.to_string(), c.scope.into_owned()),
                c.status.as_str(),
            )
        })
        .collect();
    let figures = report
        .figures
        .into_iter()
        .map(|f| {
            let v = match f.value {
                Some(v) => nianbao::write::format_number(v),
                None => format!("{}:{}", f.semantic.as_str(), f.raw),
            };
            (f.metric.0, v)
        })
        .collect();
    Mapped { figures, checks }
}

/// Machine speed now: the least CPU time of five runs of the model as shipped, whole in rten,
/// on a 48 × 512 line (a fixed amount of work: under load, the same work takes more CPU time on
/// this shared machine, so compare pictures' CPU times in proportion to this).
fn calibration() -> f64 {
    use rten_tensor::NdTensor;
    if std::env::var_os("OCR_BENCH_NO_CALIBRATION").is_some() {
        return f64::NAN;
    }
    let Ok(model) = rten::Model::load_file(models_dir(None).join(nianbao::ocr::REC_MODEL)) else {
        return f64::NAN;
    };
    (0..5)
        .map(|_| {
            let input = NdTensor::from_data([1, 3, 48, 512], vec![0.5f32; 3 * 48 * 512]);
            let c = cpu_secs();
            let _ = model.run_one(input.into(), None);
            cpu_secs() - c
        })
        .fold(f64::INFINITY, f64::min)
}

type Build = fn(&[String]) -> TableSpec;
type Values = fn(&mut Rng) -> Vec<String>;

/// Command-line filter: `--name a,b,c`.
fn arg_list(args: &[String], name: &str) -> Option<Vec<String>> {
    let i = args.iter().position(|a| a == name)?;
    Some(
        args.get(i + 1)?
            .split(',')
            .map(|s| s.trim().to_lowercase())
            .collect(),
    )
}

#[derive(Default)]
struct Totals {
    pictures: usize,
    figures: usize,
    figures_ok: usize,
    values: usize,
    values_ok: usize,
    labels: usize,
    labels_ok: usize,
    identities: usize,
    identities_ok: usize,
    cpu: Vec<f64>,
}

fn main() {
    if std::env::var_os("RTEN_NUM_THREADS").is_none() {
        std::env::set_var("RTEN_NUM_THREADS", "1");
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--scan") {
        scan_report();
        return;
    }
    let tables_f = arg_list(&args, "--tables");
    let scales_f = arg_list(&args, "--scales");
    let lw_f = arg_list(&args, "--lw");
    let enc_f = arg_list(&args, "--enc");
    let keep =
        |f: &Option<Vec<String>>, v: &str| f.as_ref().is_none_or(|l| l.iter().any(|x| x == v));

    let c = cpu_secs();
    let ocr = Recogniser::load(&models_dir(None)).unwrap_or_else(|e| panic!("{e}"));
    println!("model load: {:.0} ms CPU", (cpu_secs() - c) * 1e3);
    let calib_start = calibration();
    println!(
        "calibration: rten whole-model inference 48×512: {:.1} ms CPU (best of 5)",
        calib_start * 1e3
    );
    println!(
        "machine load: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );

    let tables: Vec<(&str, &str, Build, Values)> = vec![
        ("t2", "表二", table2_2021, t2_values),
        ("t3", "表三", table3_2021, t3_values),
        ("t4", "表四", table4_2021, t4_values),
    ];
    let encodings = [
        ("png", Encoding::Png),
        ("q60", Encoding::Jpeg(60)),
        ("q75", Encoding::Jpeg(75)),
        ("q90", Encoding::Jpeg(90)),
        // As a scanner delivers it: turned 1.5°, JPEG q75 (`s75`).
        ("s75", Encoding::Png),
        // A 三线表 (rules above, under the header, below), read from the columns of its text
        // (`3ln`); only when asked for (`--enc 3ln`): its cells are not the ruled grid's slots.
        ("3ln", Encoding::Png),
    ];
    let mut per_table: HashMap<&str, Totals> = HashMap::new();
    let mut per_style: Vec<(String, Totals)> = Vec::new();
    let mut all = Totals::default();
    let mut rng = Rng(2021);
    for scale in ["0.8", "1.0", "1.2", "1.4", "1.6"] {
        for lw in ["1", "2"] {
            for (ename, enc) in encodings {
                let sname = format!("{ename:>3} ×{scale} lw{lw}");
                if ename == "3ln" && enc_f.is_none() {
                    continue;
                }
                let style = RenderStyle {
                    scale: scale.parse().expect("scale"),
                    line_width: lw.parse().expect("lw"),
                    encoding: enc,
                    ..RenderStyle::default()
                };
                let mut st = Totals::default();
                for (tkey, tname, build, gen) in &tables {
                    // Values are drawn for every picture, filtered or not, so that a filtered
                    // run reads the same pictures as the full one.
                    let vals = gen(&mut rng);
                    if !keep(&tables_f, tkey)
                        || !keep(&scales_f, scale)
                        || !keep(&lw_f, lw)
                        || !keep(&enc_f, ename)
                    {
                        continue;
                    }
                    let spec = build(&vals);
                    let bytes = if ename == "3ln" {
                        let header = if *tkey == "t2" { 2 } else { 3 };
                        let three_line = RenderStyle {
                            rules: render::Rules::ThreeLine { header },
                            ..style.clone()
                        };
                        render_table(&spec, &three_line)
                    } else if ename == "s75" {
                        let clean = render::render_gray(&spec, &style).expect("render");
                        let turned = scan::Scan {
                            angle_deg: 1.5,
                            jpeg: Some(75),
                            ..scan::Scan::default()
                        };
                        scan::scan(&clean, &turned, None)
                    } else {
                        render_table(&spec, &style)
                    };
                    let (w, h) = image::load_from_memory(&bytes)
                        .map(|i| (i.width(), i.height()))
                        .unwrap_or((0, 0));
                    let s0 = ocr.stats();
                    let t = Instant::now();
                    let c0 = cpu_secs();
                    let grid = read_table_image(&bytes, 0, &ocr, &Limits::default());
                    let got = grid.as_ref().ok().and_then(|g| g.clone()).map(map);
                    let cpu = cpu_secs() - c0;
                    let wall = t.elapsed().as_secs_f64();
                    let s = ocr.stats().since(s0);

                    // Cell accuracy: values (digits or blank) and labels.
                    let (cells, _, _) = spec.placed();
                    let (mut v, mut vo, mut l, mut lo) = (0, 0, 0, 0);
                    let mut misses = Vec::new();
                    for want in &cells {
                        let got = grid.as_ref().ok().and_then(|g| g.as_ref()).and_then(|g| {
                            g.cells
                                .iter()
                                .find(|c| {
                                    (c.row, c.col, c.rowspan, c.colspan)
                                        == (want.row, want.col, want.rowspan, want.colspan)
                                })
                                .map(|c| c.text.as_str())
                        });
                        let is_value = want.text.chars().all(|c| c.is_ascii_digit());
                        let good = got == Some(want.text.as_str());
                        if is_value {
                            v += 1;
                            vo += good as usize;
                        } else {
                            l += 1;
                            lo += good as usize;
                        }
                        if !good {
                            misses.push(format!("{:?}→{:?}", want.text, got));
                        }
                    }
                    // End to end: figures and identities against the truth table's.
                    let truth = map(truth_grid(&spec));
                    let (mut fo, mut io, mut itrue) = (0, 0, 0);
                    if let Some(got) = &got {
                        for (m, want) in &truth.figures {
                            if got.figures.get(m) == Some(want) {
                                fo += 1;
                            } else {
                                misses
                                    .push(format!("figure {m}: {want} → {:?}", got.figures.get(m)));
                            }
                        }
                    }
                    for (k, status) in &truth.checks {
                        if *status != "pass" {
                            continue;
                        }
                        itrue += 1;
                        match got.as_ref().and_then(|g| g.checks.get(k)) {
                            Some(&"pass") => io += 1,
                            other => misses.push(format!("identity {} {}: {other:?}", k.0, k.1)),
                        }
                    }
                    println!(
                        "{tname} {sname:14} {w:>5}×{h:<5} cpu {:6.0} ms wall {:6.0} ms  figures {fo}/{}  values {vo}/{v}  labels {lo}/{l}  identities {io}/{itrue}  lines {} cached {} near {} inferences {} columns {}{}",
                        cpu * 1e3,
                        wall * 1e3,
                        truth.figures.len(),
                        s.lines,
                        s.cache_hits,
                        s.near_hits,
                        s.inferences,
                        s.columns,
                        if misses.is_empty() {
                            String::new()
                        } else {
                            format!("\n    misses: {}", misses.join(", "))
                        }
                    );
                    for t in [per_table.entry(tname).or_default(), &mut st, &mut all] {
                        t.pictures += 1;
                        t.figures += truth.figures.len();
                        t.figures_ok += fo;
                        t.values += v;
                        t.values_ok += vo;
                        t.labels += l;
                        t.labels_ok += lo;
                        t.identities += itrue;
                        t.identities_ok += io;
                        t.cpu.push(cpu);
                    }
                }
                if st.pictures > 0 {
                    per_style.push((sname, st));
                }
            }
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    let spread = |cpu: &[f64]| {
        let mut c = cpu.to_vec();
        c.sort_by(f64::total_cmp);
        if c.is_empty() {
            return String::new();
        }
        format!(
            "CPU per picture min {:.2} s, median {:.2} s, max {:.2} s",
            c[0],
            c[c.len() / 2],
            c[c.len() - 1]
        )
    };
    println!("\nper style: values, labels, figures, identities, CPU (all tables of the style)");
    for (sname, t) in &per_style {
        println!(
            "  {sname:14} values {}/{} labels {}/{} figures {}/{} identities {}/{} cpu {:.2} s",
            t.values_ok,
            t.values,
            t.labels_ok,
            t.labels,
            t.figures_ok,
            t.figures,
            t.identities_ok,
            t.identities,
            t.cpu.iter().sum::<f64>()
        );
    }
    println!("\nper table:");
    for (_, tname, _, _) in &tables {
        if let Some(t) = per_table.get(tname) {
            println!(
                "  {tname}: {} pictures, figures {}/{} exact, labels {}/{}, {}",
                t.pictures,
                t.figures_ok,
                t.figures,
                t.labels_ok,
                t.labels,
                spread(&t.cpu)
            );
        }
    }
    println!(
        "\ncalibration at the end: {:.1} ms CPU (start {:.1} ms); machine load: {}",
        calibration() * 1e3,
        calib_start * 1e3,
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    println!(
        "\nsummary: {} pictures, figures exact {:.2} % ({}/{}), cell values {}/{}, labels {}/{}, identities that hold in the truth hold in the output: {} ({}/{}), CPU {:.1} s",
        all.pictures,
        pct(all.figures_ok, all.figures),
        all.figures_ok,
        all.figures,
        all.values_ok,
        all.values,
        all.labels_ok,
        all.labels,
        if all.identities_ok == all.identities { "yes" } else { "NO" },
        all.identities_ok,
        all.identities,
        all.cpu.iter().sum::<f64>()
    );
}

/// `--scan`: a scanned 5-page report read end to end (see the module documentation).
fn scan_report() {
    use nianbao::pipeline::{process_bytes, Options};
    use nianbao::read::page_image;
    let spec = support::report::ReportSpec::standard();
    let bytes = support::page_scan::scanned_report_pdf(&spec);
    let c = cpu_secs();
    let opts = Options::with_ocr(None).unwrap_or_else(|e| panic!("{e}"));
    let models = opts.ocr.as_ref().expect("OCR options");
    let recogniser_load = {
        models.get().unwrap_or_else(|e| panic!("{e}"));
        cpu_secs() - c
    };
    let detector = models.detector().unwrap_or_else(|e| panic!("{e}"));
    println!(
        "models load: recogniser {:.0} ms, detector {:.0} ms CPU",
        recogniser_load * 1e3,
        (cpu_secs() - c - recogniser_load) * 1e3
    );
    println!(
        "machine load: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    // Each page alone: cleaning (straightening included) and the detection model.
    let doc = nianbao::read::read_auto(&bytes, &Limits::default()).expect("the PDF reads");
    let (mut clean_total, mut detect_total) = (0.0, 0.0);
    for (i, img) in doc.images.iter().enumerate() {
        let c0 = cpu_secs();
        let page = page_image::decode_page(&img.data, &Limits::default())
            .expect("a page")
            .gray;
        let c1 = cpu_secs();
        let boxes = detector
            .detect(&image::DynamicImage::ImageLuma8(page.clone()))
            .expect("detection");
        let c2 = cpu_secs();
        println!(
            "page {}: {}×{}, cleaned and straightened in {:.0} ms, {} text lines detected in {:.0} ms CPU",
            i + 1,
            page.width(),
            page.height(),
            (c1 - c0) * 1e3,
            boxes.len(),
            (c2 - c1) * 1e3
        );
        clean_total += c1 - c0;
        detect_total += c2 - c1;
    }
    let pages = doc.images.len();
    let c0 = cpu_secs();
    let t = Instant::now();
    let x = process_bytes(&bytes, &opts).expect("the scan reads");
    let cpu = cpu_secs() - c0;
    let problems =
        support::expect::figure_problems(&x.report.figures, &spec.expected().figures, "image");
    let wrong: std::collections::BTreeSet<&str> = problems
        .iter()
        .filter_map(|p| p.split([':', ' ']).find(|w| w.contains('.')))
        .collect();
    println!(
        "scanned report: {pages} pages, {:.2} s CPU end to end ({:.2} s wall; models loaded), \
         {:.2} s per page; cleaning {:.0} ms and detection {:.0} ms per page; \
         figures {}/200 without a problem; status {}",
        cpu,
        t.elapsed().as_secs_f64(),
        cpu / pages as f64,
        clean_total / pages as f64 * 1e3,
        detect_total / pages as f64 * 1e3,
        200 - wrong.len().min(200),
        x.status()
    );
}
