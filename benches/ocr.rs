//! OCR benchmark: renders the 2021 tables in several styles, reads them back, and prints the time
//! per picture (cold cache) and the accuracy per cell. `cargo bench --bench ocr`.
//! `RTEN_NUM_THREADS` defaults to 1 here so the times are for one core.

use std::time::Instant;

use nianbao::ocr::render::{
    render_table, table2_2021, table3_2021, table4_2021, Encoding, RenderStyle, TableSpec,
};
use nianbao::ocr::{models_dir, Recogniser};
use nianbao::read::image_table::read_table_image;
use nianbao::read::Limits;

fn values(n: usize, seed: u64) -> Vec<String> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            match (x >> 33) % 100 {
                0..=49 => "0".to_string(),
                50..=54 => String::new(),
                55..=74 => ((x >> 40) % 10).to_string(),
                75..=89 => ((x >> 40) % 1000).to_string(),
                _ => ((x >> 40) % 100000).to_string(),
            }
        })
        .collect()
}

/// CPU time of the whole process (all threads), from /proc/self/stat; 10 ms resolution.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

type Build = fn(&[String]) -> TableSpec;

fn main() {
    if std::env::var_os("RTEN_NUM_THREADS").is_none() {
        std::env::set_var("RTEN_NUM_THREADS", "1");
    }
    let t = Instant::now();
    let ocr = Recogniser::load(&models_dir(None)).unwrap_or_else(|e| panic!("{e}"));
    println!("model load: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let styles: Vec<(&str, RenderStyle)> = vec![
        ("PNG ×1.0", RenderStyle::default()),
        (
            "JPEG q60 ×0.8",
            RenderStyle {
                scale: 0.8,
                encoding: Encoding::Jpeg(60),
                ..RenderStyle::default()
            },
        ),
        (
            "JPEG q75 ×1.2",
            RenderStyle {
                scale: 1.2,
                encoding: Encoding::Jpeg(75),
                ..RenderStyle::default()
            },
        ),
        (
            "PNG ×1.4 lw2",
            RenderStyle {
                scale: 1.4,
                line_width: 2,
                ..RenderStyle::default()
            },
        ),
    ];
    let tables: Vec<(&str, Build, usize)> = vec![
        ("表二", table2_2021, 10),
        ("表三", table3_2021, 175),
        ("表四", table4_2021, 15),
    ];
    let (mut all_v, mut ok_v, mut all_l, mut ok_l, mut total, mut total_cpu) =
        (0, 0, 0, 0, 0.0, 0.0);
    let mut seed = 11;
    for (sname, style) in &styles {
        for (tname, build, n) in &tables {
            seed += 1;
            let vals = values(*n, seed);
            let spec = build(&vals);
            let bytes = render_table(&spec, style);
            ocr.clear_cache();
            let t = Instant::now();
            let c0 = cpu_secs();
            let grid = read_table_image(&bytes, 0, &ocr, &Limits::default());
            let secs = t.elapsed().as_secs_f64();
            let cpu = cpu_secs() - c0;
            total += secs;
            total_cpu += cpu;
            let (cells, _, _) = spec.placed();
            let (mut v, mut vo, mut l, mut lo) = (0, 0, 0, 0);
            let mut misses = Vec::new();
            let grid = match grid {
                Ok(Some(g)) => g,
                other => {
                    println!("{tname} {sname}: FAILED {other:?}");
                    continue;
                }
            };
            for want in &cells {
                let got = grid
                    .cells
                    .iter()
                    .find(|c| {
                        (c.row, c.col, c.rowspan, c.colspan)
                            == (want.row, want.col, want.rowspan, want.colspan)
                    })
                    .map(|c| c.text.as_str());
                let is_value = want.text.is_empty()
                    || want.text.chars().all(|c| c.is_ascii_digit() || c == '.');
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
            let s = ocr.stats();
            println!(
                "{tname} {sname:14} {:>5}×{:<5} wall {:7.1} ms cpu {:6.0} ms  values {vo}/{v}  labels {lo}/{l}  lines {} cached {} inferences {}{}",
                image::load_from_memory(&bytes).map(|i| i.width()).unwrap_or(0),
                image::load_from_memory(&bytes).map(|i| i.height()).unwrap_or(0),
                secs * 1e3,
                cpu * 1e3,
                s.lines,
                s.cache_hits,
                s.inferences,
                if misses.is_empty() { String::new() } else { format!("\n    misses: {}", misses.join(", ")) }
            );
            all_v += v;
            ok_v += vo;
            all_l += l;
            ok_l += lo;
        }
    }
    println!(
        "total: values {ok_v}/{all_v}, labels {ok_l}/{all_l}, wall {:.2} s, cpu {:.2} s for {} pictures",
        total,
        total_cpu,
        styles.len() * tables.len()
    );
}
