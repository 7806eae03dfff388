//! Times one inference of the recogniser's split plan, f32 against int8, interleaved.
//! `cargo run --release --example convs_probe -- [width] [runs]`; `PROBE_ONLY=0` (f32) or `1`
//! (int8) runs one plan only (for perf). One thread unless `RTEN_NUM_THREADS` says otherwise.
use nianbao::ocr::convs::{Convs, Precision};
use nianbao::ocr::{models_dir, REC_MODEL};
use rten_tensor::NdTensor;

fn cpu() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

fn main() {
    if std::env::var_os("RTEN_NUM_THREADS").is_none() {
        std::env::set_var("RTEN_NUM_THREADS", "1");
    }
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let w = args.first().copied().unwrap_or(1024);
    let runs = args.get(1).copied().unwrap_or(10);
    let bytes = std::fs::read(models_dir(None).join(REC_MODEL)).unwrap();
    let model = rten::Model::load(bytes.clone()).unwrap();
    let f32p = Convs::from_onnx(&bytes, &model, Precision::F32).unwrap();
    let int8p = Convs::from_onnx(&bytes, &model, Precision::Int8).unwrap();
    println!("int8 plan: {}", int8p.describe());
    let mut x = 1u32;
    let data: Vec<f32> = (0..3 * 48 * w)
        .map(|i| {
            x = x.wrapping_mul(1103515245).wrapping_add(12345);
            if (i / 7) % 5 == 0 {
                (x >> 16) as f32 / 32768.0 - 1.0
            } else {
                1.0
            }
        })
        .collect();
    let input = NdTensor::from_data([1, 3, 48, w], data);
    let mut best = [f64::INFINITY; 2];
    for _ in 0..runs {
        for (i, p) in [&f32p, &int8p].iter().enumerate() {
            if std::env::var("PROBE_ONLY").is_ok_and(|v| v != i.to_string()) {
                continue;
            }
            let c = cpu();
            p.run(&model, input.clone()).unwrap();
            best[i] = best[i].min(cpu() - c);
        }
    }
    println!(
        "w={w}: f32 {:.1} ms, int8 {:.1} ms (best of {runs})",
        best[0] * 1e3,
        best[1] * 1e3
    );
}
