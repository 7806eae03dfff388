//! End to end through the binary: `nianbao extract fixtures/samples fixtures/broken --out DIR`.
//! Exit code 1 (some files failed); one errors.csv row per broken file with a specific message;
//! a reports.csv row with status `ok` for every sample and its spec's figures (200 for the 2021 format), with the values of
//! the spec; every CSV starts with a UTF-8 BOM; a second run writes byte-identical files.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const CSVS: [&str; 6] = [
    "reports.csv",
    "figures.csv",
    "sections.csv",
    "tables.csv",
    "checks.csv",
    "errors.csv",
];

fn extract(out: &Path) -> std::process::Output {
    extract_with(out, &[])
}

fn extract_with(out: &Path, options: &[&str]) -> std::process::Output {
    let root = support::fixtures_dir();
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("extract")
        .arg(root.join("samples"))
        .arg(root.join("broken"))
        .arg("--out")
        .arg(out)
        .arg("--jobs")
        .arg("2")
        .args(options)
        .output()
        .expect("run nianbao")
}

/// Rows of a CSV as maps column → value (after checking and removing the BOM).
fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "{} must start with a UTF-8 BOM",
        path.display()
    );
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let headers = rdr.headers().expect("header").clone();
    rdr.records()
        .map(|r| {
            let r = r.expect("csv record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn file_name(source: &str) -> String {
    Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn run_once() -> (tempfile::TempDir, PathBuf, std::process::Output) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let output = extract(&out);
    (tmp, out, output)
}

#[test]
fn extract_samples_and_broken_files() {
    let (_tmp, out, output) = run_once();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit code 1 when some files failed; stderr:\n{stderr}"
    );
    for name in CSVS {
        assert!(out.join(name).is_file(), "{name} written");
    }

    let all_broken = support::broken::broken_files(&support::sample("standard").bytes);
    let broken: Vec<_> = all_broken.iter().filter(|b| !b.readable).collect();
    let samples = support::samples();

    // errors.csv: exactly one row per broken file, with a specific message.
    let errors = read_csv(&out.join("errors.csv"));
    assert_eq!(
        errors.len(),
        broken.len(),
        "one error row per broken file, none for samples: {errors:#?}"
    );
    for b in &broken {
        let rows: Vec<_> = errors
            .iter()
            .filter(|r| file_name(&r["source"]) == b.name)
            .collect();
        assert_eq!(rows.len(), 1, "{}: one errors.csv row", b.name);
        let msg = rows[0]["error"].to_lowercase();
        assert!(
            msg.contains(b.message_contains),
            "{}: error {:?} should mention {:?}",
            b.name,
            rows[0]["error"],
            b.message_contains
        );
    }

    // reports.csv: samples ok, broken files failed.
    let reports = read_csv(&out.join("reports.csv"));
    assert_eq!(reports.len(), all_broken.len() + samples.len());
    let by_name: BTreeMap<String, &BTreeMap<String, String>> = reports
        .iter()
        .map(|r| (file_name(&r["source"]), r))
        .collect();
    for b in &broken {
        assert_eq!(by_name[b.name]["status"], "failed", "{}", b.name);
    }
    let mut problems = Vec::new();
    for s in &samples {
        let file = s.file_name();
        let Some(row) = by_name.get(&file) else {
            problems.push(format!("{file}: no reports.csv row"));
            continue;
        };
        if row["status"] != "ok" {
            problems.push(format!(
                "{file}: status {:?} (warnings {:?})",
                row["status"], row["warnings"]
            ));
        }
        if row["kind"] != "annual_report" {
            problems.push(format!("{file}: kind {:?}", row["kind"]));
        }
        let want = s.expected.figures.len().to_string();
        if row["figures"] != want {
            problems.push(format!(
                "{file}: {} figures, expected {want}",
                row["figures"]
            ));
        }
        if s.expected.check_meta {
            let e = &s.expected;
            let want = [
                ("office", e.office.clone().unwrap_or_default()),
                ("year", e.year.map(|y| y.to_string()).unwrap_or_default()),
                ("published", e.published.clone().unwrap_or_default()),
                ("phone", e.phones.join("; ")),
            ];
            for (col, v) in want {
                if row[col] != v {
                    problems.push(format!("{file}: {col} {:?}, expected {v:?}", row[col]));
                }
            }
        }
    }

    // figures.csv: for every sample, its 200 (metric, value, semantic) rows as the spec says.
    let figures = read_csv(&out.join("figures.csv"));
    for s in &samples {
        let file = s.file_name();
        let got: BTreeMap<&str, (&str, &str)> = figures
            .iter()
            .filter(|r| file_name(&r["source"]) == file)
            .map(|r| {
                (
                    r["metric"].as_str(),
                    (r["value"].as_str(), r["semantic"].as_str()),
                )
            })
            .collect();
        for f in &s.expected.figures {
            let want = (f.value.as_deref().unwrap_or(""), f.semantic);
            match got.get(f.metric.as_str()) {
                Some(g) if *g == want => {}
                other => problems.push(format!(
                    "{file}: {} is {other:?} in figures.csv, expected {want:?}",
                    f.metric
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn second_run_is_byte_identical() {
    let (_a, out_a, first) = run_once();
    let (_b, out_b, second) = run_once();
    assert_eq!(first.status.code(), second.status.code());
    for name in CSVS {
        let a = std::fs::read(out_a.join(name)).expect("first run output");
        let b = std::fs::read(out_b.join(name)).expect("second run output");
        assert!(
            a == b,
            "{name} differs between two runs over the same inputs"
        );
    }
    // No partial files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&out_a)
        .expect("out dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "partial files left: {leftovers:?}");
}

/// `--fsync` only waits for the disk: the same files, the same images, nothing left half-named.
#[test]
fn a_run_with_fsync_writes_the_same_files() {
    let (_a, plain, first) = run_once();
    let tmp = tempfile::tempdir().expect("tempdir");
    let synced = tmp.path().join("out");
    let second = extract_with(&synced, &["--fsync"]);
    assert_eq!(first.status.code(), second.status.code());
    let names = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    assert_eq!(names(&plain), names(&synced));
    assert!(
        names(&synced).iter().all(|n| !n.ends_with(".partial")),
        "{:?}",
        names(&synced)
    );
    let images = names(&synced.join("images"));
    assert!(!images.is_empty(), "the samples' pictures are saved");
    assert_eq!(names(&plain.join("images")), images);
    for name in CSVS {
        assert!(
            std::fs::read(plain.join(name)).expect("plain run")
                == std::fs::read(synced.join(name)).expect("--fsync run"),
            "{name} differs with --fsync"
        );
    }
}
