//! Hostile and broken input (issue 7): every torture file under `fixtures/broken/` gives its
//! specific message (or, when readable, a report with the expected warning); the limits stop
//! bombs early and each has a flag; the good samples come out byte-identical with and without
//! the broken files next to them; nothing is written outside the output folder; symlink loops
//! in the input terminate; CSV cells that look like formulas are neutralised.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use nianbao::pipeline::{process_file, Options};

fn run(args: &[&std::ffi::OsStr], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run nianbao")
}

fn extract(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec!["extract".as_ref()];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    args.extend([
        "--out".as_ref(),
        out.as_os_str(),
        "--jobs".as_ref(),
        "2".as_ref(),
    ]);
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    run(&args, out.parent().expect("out has a parent"))
}

/// Records of a CSV (BOM removed), header first.
fn records(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect()
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn file_name(source: &str) -> String {
    Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn broken_dir() -> PathBuf {
    support::fixtures_dir().join("broken")
}

/// Every file under `dir`, relative, with its size (symlinks listed, not followed).
fn tree(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
            let path = e.path();
            let rel = path
                .strip_prefix(root)
                .expect("below root")
                .to_string_lossy();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            if meta.is_dir() {
                out.insert(format!("{rel}/"));
                walk(root, &path, out);
            } else {
                out.insert(format!("{rel} {}", meta.len()));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// Reads one torture file in process and checks its message (or, when readable, its warning).
fn check_torture_file(name: &str) {
    let b = support::broken::broken_files(&[])
        .into_iter()
        .find(|b| b.name == name)
        .unwrap_or_else(|| panic!("{name} is not generated"));
    let started = Instant::now();
    let outcome = process_file(&broken_dir().join(b.name), &Options::default());
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "{name}: took {took:?}");
    match (&outcome.result, b.readable) {
        (Err(e), false) => assert!(
            e.message.to_lowercase().contains(b.message_contains),
            "{name}: error {:?} should mention {:?}",
            e.message,
            b.message_contains
        ),
        (Ok(x), true) => {
            let warnings = x
                .document
                .warnings
                .iter()
                .chain(&x.report.warnings)
                .map(|w| w.to_lowercase())
                .collect::<Vec<_>>()
                .join("; ");
            assert!(
                warnings.contains(b.message_contains),
                "{name}: warnings {warnings:?} should mention {:?}",
                b.message_contains
            );
            if !b.message_contains.is_empty() {
                assert_eq!(x.status(), "partial", "{name}");
            }
        }
        (Err(e), true) => panic!("{name}: should be readable, failed: {}", e.message),
        (Ok(x), false) => panic!(
            "{name}: should fail with {:?}, read with status {}",
            b.message_contains,
            x.status()
        ),
    }
}

/// One test per torture file (each stays fast on its own), and a check that none is missed.
macro_rules! torture {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check_torture_file($file);
            }
        )*
        const TORTURE_FILES: &[&str] = &[$($file),*];
    };
}

torture! {
    empty => "empty.docx",
    truncated_header => "truncated_header.docx",
    truncated_half => "truncated_half.docx",
    truncated_tail => "truncated_tail.docx",
    text_renamed => "text_renamed.docx",
    legacy_doc_renamed => "legacy_doc_renamed.docx",
    encrypted => "encrypted.docx",
    zip_without_content_types => "zip_without_content_types.docx",
    malformed_document_xml => "malformed_document_xml.docx",
    zip_bomb_10gb => "zip_bomb_10gb.docx",
    zip_bomb_lying_size => "zip_bomb_lying_size.docx",
    xml_bomb_deep => "xml_bomb_deep.docx",
    xml_bomb_elements => "xml_bomb_elements.docx",
    image_60000x60000 => "image_60000x60000.docx",
    invalid_utf8 => "invalid_utf8.docx",
    table_10000_columns => "table_10000_columns.docx",
    cell_text_200k => "cell_text_200k.docx",
    relationship_cycle => "relationship_cycle.docx",
    textbox_table_textbox => "textbox_table_textbox.docx",
    html_saved_as_doc => "html_saved_as.doc",
    mht_saved_as_doc => "mht_saved_as.doc",
    html_nested_deep => "html_nested_deep.html",
    html_table_huge_span => "html_table_huge_span.html",
    mht_broken_base64 => "mht_broken_base64.mht",
    html_remote_picture => "html_remote_picture.html",
    html_picture_outside_folder => "html_picture_outside_folder.html",
    wps_renamed => "wps_renamed.wps",
    doc_encrypted => "doc_encrypted.doc",
    doc_sector_chain_loop => "doc_sector_chain_loop.doc",
    doc_fat_outside_file => "doc_fat_outside_file.doc",
    doc_piece_outside_stream => "doc_piece_outside_stream.doc",
    legacy_xls_renamed => "legacy_xls_renamed.xlsx",
    pdf_renamed => "pdf_renamed.docx",
    xlsx_huge_range => "xlsx_huge_range.xlsx",
    zip_slip => "zip_slip.docx",
    pdf_stream_bomb => "pdf_stream_bomb.pdf",
    pdf_operators => "pdf_operators.pdf",
    pdf_pages_6000 => "pdf_pages_6000.pdf",
    pdf_page_tree_cycle => "pdf_page_tree_cycle.pdf",
    pdf_nested_deep => "pdf_nested_deep.pdf",
    pdf_image_60000x60000 => "pdf_image_60000x60000.pdf",
    pdf_scanned_page => "pdf_scanned_page.pdf",
    pdf_broken_xref => "pdf_broken_xref.pdf",
    pdf_incremental_update => "pdf_incremental_update.pdf",
    pdf_unmapped_font => "pdf_unmapped_font.pdf",
}

/// The text of the body's paragraphs.
fn paragraphs(x: &nianbao::pipeline::Extracted) -> Vec<String> {
    x.document
        .body
        .iter()
        .filter_map(|b| match b {
            nianbao::model::Block::Paragraph(p) => Some(p.text.clone()),
            _ => None,
        })
        .collect()
}

/// A PDF whose xref offset is wrong is read from its objects; an incremental update's object
/// replaces the original's.
#[test]
fn pdfs_are_repaired_and_updated() {
    for name in ["pdf_broken_xref.pdf", "pdf_incremental_update.pdf"] {
        let x = process_file(&broken_dir().join(name), &Options::default())
            .result
            .unwrap_or_else(|e| panic!("{name}: {}", e.message));
        let text = paragraphs(&x);
        assert_eq!(text, [support::broken::PDF_TEXT], "{name}");
    }
}

#[test]
fn every_torture_file_has_its_test() {
    for b in support::broken::broken_files(&[]) {
        assert!(
            TORTURE_FILES.contains(&b.name),
            "{} has no test in e2e_broken.rs",
            b.name
        );
    }
}

/// A web page and a single-file web page that Word saved under a .doc name are read as pages:
/// the page's one paragraph (GBK as its meta says), the .mht's `report`.
#[test]
fn web_pages_saved_as_doc_are_read() {
    let texts = |name: &str| -> Vec<String> {
        let x = process_file(&broken_dir().join(name), &Options::default())
            .result
            .unwrap_or_else(|e| panic!("{name}: {}", e.message));
        assert_eq!(x.document.tables().count(), 0);
        paragraphs(&x)
    };
    assert_eq!(texts("html_saved_as.doc"), [support::broken::TITLE]);
    assert_eq!(texts("mht_saved_as.doc"), ["report"]);
    let outcome = process_file(&broken_dir().join("html_saved_as.doc"), &Options::default());
    assert_eq!(outcome.format, "html");
}

/// The innermost text box of a text box → table → text box nest is read.
#[test]
fn text_box_in_table_in_text_box_is_read() {
    let outcome = process_file(
        &broken_dir().join("textbox_table_textbox.docx"),
        &Options::default(),
    );
    let x = outcome.result.expect("readable");
    let text = format!("{:?}", x.document.body);
    assert!(text.contains("0532-88886666"), "innermost text box lost");
}

#[test]
fn zip_bombs_are_stopped_early() {
    let opts = Options::default();
    for name in ["zip_bomb_10gb.docx", "zip_bomb_lying_size.docx"] {
        let started = Instant::now();
        let outcome = process_file(&broken_dir().join(name), &opts);
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{name} took {:?}",
            started.elapsed()
        );
        let e = outcome.result.expect_err("a zip bomb fails");
        assert!(e.message.contains("zip bomb"), "{name}: {}", e.message);
    }
    // The 10 GB bomb is a few KiB on disk.
    let len = std::fs::metadata(broken_dir().join("zip_bomb_10gb.docx"))
        .expect("fixture")
        .len();
    assert!(len < 16 << 10, "zip_bomb_10gb.docx is {len} bytes");
    // The counted-bytes path with honest headers: a normal report under a tiny cap.
    let mut small = Options::default();
    small.limits.max_entry_inflated = 1000;
    let outcome = process_file(
        &support::fixtures_dir().join("samples/standard.docx"),
        &small,
    );
    let e = outcome.result.expect_err("over the cap");
    assert!(e.message.contains("zip bomb"), "{}", e.message);
}

/// Each limit has a flag, and a file over it gets an errors.csv row naming the limit.
#[test]
fn every_limit_has_a_flag_and_a_specific_error() {
    let standard = support::fixtures_dir().join("samples/standard.docx");
    let cases: [(&str, &str, &str); 10] = [
        ("--max-file-mb", "0", "--max-file-mb"),
        ("--max-inflated-mb", "0", "zip bomb"),
        ("--max-entry-mb", "0", "zip bomb"),
        ("--max-entries", "3", "zip entries"),
        ("--max-xml-depth", "4", "nested"),
        ("--max-xml-elements", "50", "elements"),
        ("--max-table-cells", "20", "slots"),
        ("--max-cell-chars", "3", "characters"),
        ("--max-image-mp", "0", "pixels"),
        ("--max-doc-pieces", "0", "pieces"),
    ];
    let doc = support::fixtures_dir().join("doc/standard.doc");
    let seed = support::fixtures_dir().join("samples/seed.docx");
    for (flag, value, word) in cases {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("out");
        let input = match flag {
            "--max-image-mp" => &seed,
            "--max-doc-pieces" => &doc,
            _ => &standard,
        };
        let output = extract(&[input], &out, &[flag, value]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if flag == "--max-image-mp" {
            // Pictures over the limit are skipped with a warning; the report is still read.
            let reports = records(&out.join("reports.csv"));
            let (st, w) = (column(&reports, "status"), column(&reports, "warnings"));
            assert_eq!(reports[1][st], "partial", "{flag}: {stderr}");
            assert!(reports[1][w].contains(word), "{flag}: {:?}", reports[1][w]);
            assert!(
                records(&out.join("errors.csv")).len() == 1,
                "{flag}: no error row"
            );
            continue;
        }
        assert_eq!(output.status.code(), Some(1), "{flag} {value}: {stderr}");
        let errors = records(&out.join("errors.csv"));
        assert_eq!(errors.len(), 2, "{flag}: one error row");
        let msg = &errors[1][column(&errors, "error")];
        assert!(
            msg.contains(word),
            "{flag} {value}: {msg:?} should mention {word:?}"
        );
    }
}

/// The good samples give byte-identical rows whether or not the broken files are in the batch.
#[test]
fn good_samples_are_unaffected_by_broken_neighbours() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let samples = support::fixtures_dir().join("samples");
    let (alone, mixed) = (tmp.path().join("alone"), tmp.path().join("mixed"));
    let a = extract(&[&samples], &alone, &[]);
    let b = extract(&[&broken_dir(), &samples], &mixed, &[]);
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(
        b.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&b.stderr)
    );
    let prefix = samples.to_string_lossy().into_owned();
    for csv in [
        "reports", "figures", "sections", "tables", "checks", "images", "errors",
    ] {
        let name = format!("{csv}.csv");
        let ra = records(&alone.join(&name));
        let rb: Vec<Vec<String>> = records(&mixed.join(&name))
            .into_iter()
            .enumerate()
            .filter(|(i, r)| *i == 0 || r[0].starts_with(&prefix))
            .map(|(_, r)| r)
            .collect();
        assert!(
            ra == rb,
            "{name}: sample rows differ with the broken files in the batch"
        );
    }
    // The saved images of the samples are the same files.
    let images = |d: &Path| tree(&d.join("images"));
    assert!(images(&alone).is_subset(&images(&mixed)));
}

/// Archive names (`../../x`, absolute, NUL) never become file names; nothing appears outside
/// the output folder.
#[test]
fn nothing_is_written_outside_the_output_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    for e in std::fs::read_dir(broken_dir()).expect("broken").flatten() {
        std::fs::copy(e.path(), input.join(e.file_name())).expect("copy");
    }
    let cwd = tmp.path().join("cwd");
    std::fs::create_dir(&cwd).expect("mkdir");
    let before = tree(tmp.path());
    let out = tmp.path().join("out");
    let output = extract(&[&input], &out, &[]);
    assert_eq!(output.status.code(), Some(1));
    let after = tree(tmp.path());
    let new: Vec<&String> = after.difference(&before).collect();
    let outside: Vec<&&String> = new.iter().filter(|p| !p.starts_with("out/")).collect();
    assert!(outside.is_empty(), "written outside --out: {outside:?}");
    assert!(before.is_subset(&after), "an input was changed or removed");
    for evil in ["/tmp/nianbao-evil.txt", "/evil.txt"] {
        assert!(!Path::new(evil).exists(), "{evil} was created");
    }
    // Only the CSV files and images named by content hash are in the output folder.
    for p in new.iter().filter(|p| !p.ends_with('/')) {
        let name = p.split(' ').next().expect("name");
        let ok = (name.starts_with("out/") && name.ends_with(".csv") && !name[4..].contains('/'))
            || (name.starts_with("out/images/")
                && name[11..].len() > 64
                && name[11..75].bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(ok, "unexpected output file {name}");
    }
}

/// Symlink loops in an input folder (a link to an ancestor, a link to itself, two file links
/// pointing at each other) terminate, and each real file is read once.
#[cfg(unix)]
#[test]
fn symlink_loops_in_the_input_terminate() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("in");
    let sub = input.join("sub");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::copy(
        support::fixtures_dir().join("samples/standard.docx"),
        sub.join("report.docx"),
    )
    .expect("copy");
    symlink(&input, sub.join("up")).expect("link to ancestor");
    symlink(sub.join("self"), sub.join("self")).expect("link to itself");
    symlink(input.join("b.docx"), input.join("a.docx")).expect("a → b");
    symlink(input.join("a.docx"), input.join("b.docx")).expect("b → a");
    let out = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("extract")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("nianbao extract did not terminate on a symlink loop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let reports = records(&out.join("reports.csv"));
    let src = column(&reports, "source");
    let read: Vec<String> = reports[1..].iter().map(|r| file_name(&r[src])).collect();
    assert_eq!(
        read.iter().filter(|n| *n == "report.docx").count(),
        1,
        "the report is read once: {read:?}"
    );
}

/// CSV injection: text that Excel would run as a formula gets a leading apostrophe; numbers
/// stay numbers.
#[test]
fn formula_like_text_is_neutralised_and_numbers_are_not() {
    use support::report::{build_standard, ReportSpec, V};
    let mut spec = ReportSpec::standard();
    spec.office = format!("+{}", spec.office);
    let hyperlink = "=HYPERLINK(\"http://evil.example\",\"点击查看\")";
    spec.t4[0] = V::N(hyperlink.to_string());
    spec.t4[1] = V::n(-253);
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("injection.docx");
    std::fs::write(&input, build_standard(&spec)).expect("write");
    let out = tmp.path().join("out");
    extract(&[&input], &out, &[]);
    let raw =
        |name: &str| String::from_utf8(std::fs::read(out.join(name)).expect("csv")).expect("utf-8");
    let tables = raw("tables.csv");
    assert!(
        tables.contains("\"'=HYPERLINK("),
        "tables.csv: cell text not neutralised"
    );
    assert!(
        !tables.contains(",\"=HYPERLINK("),
        "tables.csv: raw formula written"
    );
    let reports = records(&out.join("reports.csv"));
    let office = &reports[1][column(&reports, "office")];
    assert!(
        office.starts_with("'+"),
        "office {office:?} should start with '+"
    );
    let figures = records(&out.join("figures.csv"));
    let value = column(&figures, "value");
    assert!(
        figures[1..].iter().any(|r| r[value] == "-253"),
        "figures.csv value -253 must stay a number"
    );
    assert!(figures[1..].iter().all(|r| !r[value].starts_with('\'')));
}

/// Found by `cargo fuzz run xlsx_sheet`: a cell reference of letters only (`r="inlineStr"`)
/// made calamine overflow (a panic in debug builds, a wrapped, huge column in release).
#[test]
fn fuzz_regression_xlsx_cell_reference_of_letters() {
    let sheet = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\
<row r=\"1\"><c r=\"inlineStr\"><v>1</v></c></row></sheetData></worksheet>";
    let bytes = support::broken::xlsx_with_sheet(sheet);
    let e = nianbao::pipeline::process_bytes(&bytes, &Options::default())
        .expect_err("invalid reference");
    assert!(
        e.message.contains("invalid cell reference"),
        "{}",
        e.message
    );
}

/// Found by the second `xlsx_sheet` run: the same overflow through a merged region's range.
#[test]
fn fuzz_regression_xlsx_merge_reference_of_letters() {
    let sheet = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\
<row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData><mergeCells count=\"1\">\
<mergeCell ref=\"A1:spreadsheetml\"/></mergeCells></worksheet>";
    let bytes = support::broken::xlsx_with_sheet(sheet);
    let e = nianbao::pipeline::process_bytes(&bytes, &Options::default())
        .expect_err("invalid reference");
    assert!(
        e.message.contains("invalid cell reference"),
        "{}",
        e.message
    );
}

/// Found by the third `xlsx_sheet` run: a reversed merge range (`E1:A2`) underflowed calamine.
#[test]
fn fuzz_regression_xlsx_reversed_merge_range() {
    let sheet = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\
<row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData><mergeCells count=\"1\">\
<mergeCell ref=\"E1:A2\"/></mergeCells></worksheet>";
    let bytes = support::broken::xlsx_with_sheet(sheet);
    let e =
        nianbao::pipeline::process_bytes(&bytes, &Options::default()).expect_err("reversed range");
    assert!(
        e.message.contains("invalid cell reference"),
        "{}",
        e.message
    );
}

/// A Type0 font with Identity-H codes and no ToUnicode map: its five glyphs cannot be read, the
/// warning counts them and names the font, the file is partial, and the Helvetica line is read.
#[test]
fn a_pdf_font_without_a_unicode_map_is_named() {
    let x = process_file(
        &broken_dir().join("pdf_unmapped_font.pdf"),
        &Options::default(),
    )
    .result
    .unwrap_or_else(|e| panic!("{}", e.message));
    assert_eq!(x.status(), "partial");
    let warning = x
        .document
        .warnings
        .iter()
        .find(|w| w.contains("no Unicode mapping"))
        .unwrap_or_else(|| panic!("{:?}", x.document.warnings));
    assert!(
        warning.contains("page 1: 5 glyphs") && warning.contains("NoMapCJK"),
        "{warning}"
    );
    let text = paragraphs(&x);
    assert_eq!(text, ["Readable line"]);
}
