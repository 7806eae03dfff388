//! Shared test code: the fixture generator (`docx`, `report`, `seed`, `template`, `broken`) and
//! the list of every committed fixture file.
#![allow(dead_code)]

pub mod broken;
pub mod doc;
pub mod docx;
pub mod expect;
pub mod html;
pub mod page_scan;
pub mod pdf;
pub mod photo;
pub mod pictures;
pub mod png;
pub mod render;
pub mod report;
pub mod scan;
pub mod seed;
pub mod sheets;
pub mod template;
pub mod variants;

use std::path::{Path, PathBuf};

use report::{Expected, ReportSpec};

/// One generated sample report with what it must give.
pub struct Sample {
    /// Shape name; the file is `fixtures/samples/{name}.{ext}`.
    pub name: &'static str,
    /// The extension: `docx`, `html` for the report as a site's page, `mht`, `doc`, `pdf`, `xlsx`.
    pub ext: &'static str,
    pub bytes: Vec<u8>,
    pub expected: Expected,
}

/// Runs the nianbao binary: its exit status and what it wrote to stderr (integration tests only:
/// the example that shares this module has no binary to run).
#[cfg(test)]
pub fn nianbao(args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .expect("run nianbao");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

impl Sample {
    /// The file's name in `fixtures/samples/`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.name, self.ext)
    }
}

/// The sample of one shape.
pub fn sample(name: &str) -> Sample {
    samples()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no sample {name}"))
}

/// Every generated sample report.
pub fn samples() -> Vec<Sample> {
    let spec = ReportSpec::standard();
    let mut variant = spec.expected();
    variant.locations = Some(report::template_locations(true, 0));
    // Printed to PDF by LibreOffice (fixtures/README.md): the Word tables are drawn tables.
    let mut pdf_expected = spec.expected();
    pdf_expected.origin = "pdf";
    pdf_expected.locations = None;
    pdf_expected.table_numbers = None;
    vec![
        Sample {
            name: "standard",
            ext: "docx",
            bytes: report::build_standard(&spec),
            expected: spec.expected(),
        },
        Sample {
            name: "numbered",
            ext: "docx",
            bytes: report::build_numbered(&spec),
            expected: report::expected_numbered(&spec),
        },
        Sample {
            name: "tricky",
            ext: "docx",
            bytes: report::build_tricky(&spec),
            expected: report::expected_tricky(&spec),
        },
        Sample {
            name: "variant_28x8",
            ext: "docx",
            bytes: report::build_variant_28x8(&spec),
            expected: variant,
        },
        Sample {
            name: "strict_renamed",
            ext: "docx",
            bytes: report::build_strict_renamed(&spec),
            expected: spec.expected(),
        },
        Sample {
            name: "seed",
            ext: "docx",
            bytes: seed::build_seed(),
            expected: seed::expected_seed(),
        },
        Sample {
            name: "trial_2019",
            ext: "docx",
            bytes: report::build_standard(&ReportSpec::trial_2019()),
            expected: report::expected_trial(&ReportSpec::trial_2019()),
        },
        Sample {
            name: "mixed_formats",
            ext: "docx",
            bytes: report::build_standard(&ReportSpec::mixed()),
            expected: report::expected_trial(&ReportSpec::mixed()),
        },
        Sample {
            name: "template_filled",
            ext: "docx",
            bytes: template::build_template_filled(),
            expected: template::expected_template(),
        },
        Sample {
            name: "pictures_t3_split_header",
            ext: "docx",
            bytes: pictures::pictures_docx(
                &spec,
                &Default::default(),
                pictures::T3Pictures::SplitRepeatedHeader,
            ),
            expected: pictures::expected_split(&spec),
        },
        Sample {
            name: "pictures_t3_split_bare",
            ext: "docx",
            bytes: pictures::pictures_docx(
                &spec,
                &Default::default(),
                pictures::T3Pictures::SplitBare,
            ),
            expected: pictures::expected_split(&spec),
        },
        Sample {
            name: "standard",
            ext: "html",
            bytes: html::site_page_gbk(&spec),
            expected: html::expected_page(&spec),
        },
        // One example of every other format the quick start shows (README's formats table).
        Sample {
            name: "standard",
            ext: "mht",
            bytes: html::mht_tables(&spec),
            expected: html::expected_page(&spec),
        },
        Sample {
            name: "standard",
            ext: "doc",
            bytes: doc::doc("standard"),
            expected: spec.expected(),
        },
        Sample {
            name: "standard",
            ext: "pdf",
            bytes: committed("pdf/standard.pdf"),
            expected: pdf_expected,
        },
        Sample {
            name: "standard",
            ext: "xlsx",
            bytes: sheets::build_stacked(&spec),
            expected: sheets::sheet_expected(&spec, true),
        },
    ]
}

/// A committed fixture that is not generated (saved once by an office suite).
pub fn committed(rel: &str) -> Vec<u8> {
    let path = fixtures_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every generated file under `fixtures/`, as (path relative to `fixtures/`, bytes).
/// `fixtures/real/` holds copied real files and is not generated.
pub fn all_fixture_files() -> Vec<(String, Vec<u8>)> {
    let samples = samples();
    let standard = samples[0].bytes.clone();
    assert_eq!(samples[0].file_name(), "standard.docx");
    let mut out: Vec<(String, Vec<u8>)> = samples
        .into_iter()
        .map(|s| (format!("samples/{}", s.file_name()), s.bytes))
        .collect();
    for s in sheets::sheet_samples() {
        out.push((format!("sheets/{}.xlsx", s.name), s.bytes));
    }
    for (name, bytes, _) in html::pages() {
        out.push((format!("html/{name}"), bytes));
    }
    for v in variants::variants()
        .into_iter()
        .chain(variants::failing_variants())
    {
        out.push((format!("variants/{}.docx", v.name), v.bytes));
    }
    for b in broken::broken_files(&standard) {
        out.push((format!("broken/{}", b.name), b.bytes()));
    }
    // doc/*.doc were saved by LibreOffice (not generated); the .wps is derived from one.
    out.push((
        "doc/standard_with_wps_stream.wps".into(),
        doc::wps_from_doc(&doc::doc("standard")),
    ));
    out
}

/// The CSV files `extract` writes, in the order of its output folder.
pub const OUTPUT_CSVS: [&str; 7] = [
    "reports.csv",
    "figures.csv",
    "sections.csv",
    "tables.csv",
    "checks.csv",
    "images.csv",
    "errors.csv",
];

/// The generated folders (their files must be exactly [`all_fixture_files`]).
pub const GENERATED_DIRS: [&str; 5] = ["samples", "sheets", "variants", "broken", "html"];
