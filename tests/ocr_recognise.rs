//! Single-line recognition with the PP-OCRv4 model on rten.

use ab_glyph::{FontVec, PxScale};
use image::{GrayImage, Luma};
use imageproc::drawing::{draw_text_mut, text_size};
use nianbao::ocr::{models_dir, Mode, Recogniser};
use render::DEFAULT_FONT;

#[path = "support/render.rs"]
#[allow(dead_code)]
mod render;

fn line(text: &str, px: f32) -> GrayImage {
    let data = std::fs::read(DEFAULT_FONT).unwrap_or_else(|_| {
        panic!("{DEFAULT_FONT} missing: apt-get install -y fonts-wqy-microhei")
    });
    let font = FontVec::try_from_vec_and_index(data, 0).unwrap();
    let (w, h) = text_size(PxScale::from(px), &font, text);
    let mut img = GrayImage::from_pixel(w + 8, h + 8, Luma([255]));
    draw_text_mut(&mut img, Luma([0]), 4, 4, PxScale::from(px), &font, text);
    img
}

fn ocr() -> Recogniser {
    Recogniser::load(&models_dir(None))
        .unwrap_or_else(|e| panic!("{e} (CI: run scripts/setup-models before cargo test)"))
}

#[test]
fn reads_one_line_free_and_numeric() {
    let r = ocr();
    assert!(r.num_classes() > 6000);
    let got = r
        .recognise(&line("本年新收政府信息公开申请数量", 20.0))
        .unwrap();
    assert_eq!(got.get(Mode::Free).0, "本年新收政府信息公开申请数量");
    assert!(got.confidence > 0.8, "{got:?}");
    for n in ["0", "7", "12345", "3.75"] {
        let got = r.recognise(&line(n, 18.0)).unwrap();
        assert_eq!(got.get(Mode::Numeric).0, n, "{got:?}");
    }
}

#[test]
fn identical_crops_are_read_once() {
    let r = ocr();
    let zero = line("0", 16.0);
    let crops = vec![zero.clone(), line("42", 16.0), zero.clone(), zero];
    let got = r.recognise_batch(&crops).unwrap();
    assert_eq!(got[0], got[2]);
    assert_eq!(got[1].numeric, "42");
    let s = r.stats();
    assert_eq!((s.lines, s.cache_hits), (4, 2));
    // Not remembered across calls: a reading must not depend on what was read before.
    r.recognise(&line("0", 16.0)).unwrap();
    assert_eq!(r.stats().cache_hits, 2);
}

#[test]
fn lines_read_in_strips_read_as_alone() {
    let r = ocr();
    let texts = [
        "12",
        "34",
        "56",
        "78",
        "90",
        "103",
        "本年新收政府信息公开申请数量",
        "0",
    ];
    let crops: Vec<GrayImage> = texts.iter().map(|n| line(n, 18.0)).collect();
    let got = r.recognise_batch(&crops).unwrap();
    // One strip of the short lines, one of the long line (narrowed).
    assert_eq!(r.stats().inferences, 2, "{:?}", r.stats());
    let mut alone = ocr();
    alone.set_strip_width(0);
    for ((g, t), crop) in got.iter().zip(texts).zip(&crops) {
        let a = alone.recognise(crop).unwrap();
        // Figures as the tables read them (numeric decoding): a lone `0` read freely is a
        // near-tie between `0` and `o` (confidence 0.34 in f32) that int8 tips either way.
        if t.starts_with(|c: char| c.is_ascii_digit()) {
            assert_eq!(g.numeric, a.numeric, "{t}");
            assert_eq!(g.numeric, t);
        } else {
            assert_eq!(g.text, a.text, "{t}");
            assert_eq!(g.text, t);
        }
    }
    assert_eq!(alone.stats().inferences, texts.len());
}

/// Short crops that differ only by noise take one reading; a different digit of the same size
/// does not.
#[test]
fn near_identical_crops_are_read_once() {
    let r = ocr();
    let zero = line("0", 16.0);
    let mut noisy = zero.clone();
    for (i, p) in noisy.pixels_mut().enumerate() {
        let d = [0i16, 12, -9, 20, -15][i % 5];
        p.0[0] = (p.0[0] as i16 + d).clamp(0, 255) as u8;
    }
    let eight = line("8", 16.0);
    assert_eq!(eight.dimensions(), zero.dimensions());
    let got = r.recognise_batch(&[zero, noisy, eight]).unwrap();
    assert_eq!(
        [
            got[0].numeric.as_str(),
            got[1].numeric.as_str(),
            got[2].numeric.as_str()
        ],
        ["0", "0", "8"]
    );
    assert_eq!(r.stats().near_hits, 1, "{:?}", r.stats());
}

/// The model run in segments around the convolutions computed outside rten
/// (`nianbao::ocr::convs`) gives what rten gives running it whole: the same in f32; with int8
/// pointwise convolutions, the same reading and probabilities within 0.25.
#[test]
fn convolutions_outside_rten_match_rten() {
    use nianbao::ocr::convs::{Convs, Precision};
    use nianbao::ocr::{to_line_height, REC_MODEL};
    use rten_tensor::prelude::*;
    use rten_tensor::NdTensor;

    let bytes =
        std::fs::read(models_dir(None).join(REC_MODEL)).expect("model (scripts/setup-models)");
    let model = rten::Model::load(bytes.clone()).unwrap();
    let f32_plan =
        Convs::from_onnx(&bytes, &model, Precision::F32).expect("the model's convolutions");
    let int8_plan =
        Convs::from_onnx(&bytes, &model, Precision::Int8).expect("the model's convolutions");
    assert_eq!(f32_plan.precision(), Precision::F32);
    // Greedy CTC decoding: repeats collapsed, blanks dropped.
    let read = |t: &NdTensor<f32, 3>| -> Vec<usize> {
        let [_, steps, classes] = t.shape();
        let mut classes_read: Vec<usize> = (0..steps)
            .map(|s| {
                (0..classes)
                    .max_by(|&a, &b| t[[0, s, a]].total_cmp(&t[[0, s, b]]))
                    .unwrap()
            })
            .collect();
        classes_read.dedup();
        classes_read.retain(|&c| c != 0);
        classes_read
    };
    for text in [
        "0",
        "12345",
        "本年新收政府信息公开申请数量",
        "1,234.56",
        "-7",
    ] {
        let img = to_line_height(&line(text, 18.0));
        let (w, h) = (img.width() as usize, img.height() as usize);
        let mut data = vec![0.0f32; 3 * h * w];
        for (x, y, p) in img.enumerate_pixels() {
            for c in 0..3 {
                data[(c * h + y as usize) * w + x as usize] = (p.0[0] as f32 / 255.0 - 0.5) / 0.5;
            }
        }
        let input = NdTensor::from_data([1, 3, h, w], data);
        let whole: NdTensor<f32, 3> = model
            .run_one(input.clone().into(), None)
            .unwrap()
            .try_into()
            .unwrap();
        for plan in [&f32_plan, &int8_plan] {
            // int8 only where the processor has the kernel: elsewhere the plan is f32, the same
            // as rten. With int8 a step next to a character can go from the character to the
            // blank (`量量` against `量-`: a difference of ≈ 1 in one step, the same reading), so
            // int8 is held to the reading alone.
            let bound = match plan.precision() {
                Precision::F32 => 1e-4,
                Precision::Int8 => f32::INFINITY,
            };
            let split: NdTensor<f32, 3> =
                plan.run(&model, input.clone()).unwrap().try_into().unwrap();
            assert_eq!(whole.shape(), split.shape(), "{text}");
            let diff = whole
                .iter()
                .zip(split.iter())
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            let p = plan.precision();
            assert!(diff < bound, "{text} {p:?}: max difference {diff}");
            assert_eq!(read(&whole), read(&split), "{text} {p:?}");
        }
    }
}

/// Pointwise convolutions are int8 where the processor has a kernel for them (AVX-512 VNNI),
/// f32 otherwise or when `NIANBAO_OCR_F32` is set.
#[test]
fn precision_switch() {
    use nianbao::ocr::Precision;
    let env = |value: Option<&'static str>| {
        move |name: &str| {
            assert_eq!(name, Precision::F32_VAR);
            value.map(str::to_string)
        }
    };
    assert_eq!(Precision::from_env(env(None)), Precision::Int8);
    assert_eq!(Precision::from_env(env(Some(""))), Precision::Int8);
    assert_eq!(Precision::from_env(env(Some("0"))), Precision::Int8);
    assert_eq!(Precision::from_env(env(Some("1"))), Precision::F32);
    let dir = models_dir(None);
    let f32 = Recogniser::load_with(&dir, Precision::F32).unwrap();
    assert_eq!(f32.precision(), Precision::F32);
    let int8 = Recogniser::load_with(&dir, Precision::Int8).unwrap();
    let vnni =
        std::is_x86_feature_detected!("avx512vnni") && std::is_x86_feature_detected!("avx512bw");
    if vnni {
        assert_eq!(int8.precision(), Precision::Int8);
    }
    // Both read the same (digits as numbers: see `lines_read_in_strips_read_as_alone`).
    for text in ["0", "12345", "3.75", "本年新收政府信息公开申请数量"] {
        let img = line(text, 18.0);
        let a = f32.recognise(&img).unwrap();
        let b = int8.recognise(&img).unwrap();
        assert_eq!(a.numeric, b.numeric, "{text}");
        if !text.starts_with(|c: char| c.is_ascii_digit()) {
            assert_eq!(a.text, b.text, "{text}");
        }
    }
}
