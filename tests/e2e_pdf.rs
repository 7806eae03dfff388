//! PDF reports end to end (library level, as e2e_docx):
//! - the three real 淮安 reports in `fixtures/real/` give every figure they print — the expected
//!   values are `fixtures/real/*.expected.tsv`, transcribed from `pdftotext -layout` (poppler),
//!   not from nianbao — with their office, year, period, contacts and six sections (sentences
//!   read off the PDF), and the 表四 of 洪泽 2023 that does not add up fails its check;
//! - the fixture reports printed to PDF by LibreOffice (`fixtures/pdf/`, made once from
//!   `fixtures/samples/*.docx`) give exactly what their specs say, like the .docx do.

mod support;

use std::collections::BTreeMap;

use nianbao::check::CheckStatus;
use nianbao::pipeline::{process_bytes, Extracted, Options};
use support::expect::check_report;

fn options() -> Options {
    static OPTS: std::sync::OnceLock<Options> = std::sync::OnceLock::new();
    OPTS.get_or_init(|| {
        Options::with_ocr(None).unwrap_or_else(|e| panic!("{e} — run scripts/setup-models"))
    })
    .clone()
}

fn run(path: &str) -> Extracted {
    let bytes =
        std::fs::read(support::fixtures_dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    process_bytes(&bytes, &options())
        .unwrap_or_else(|e| panic!("{path}: failed at {}: {}", e.stage, e.message))
}

/// What a real report prints, read off the PDF by a person.
struct Real {
    file: &'static str,
    office: &'static str,
    year: i32,
    address: &'static str,
    postcode: &'static str,
    phone: &'static str,
    email: Option<&'static str>,
    /// A sentence of each narrative section: overview, problems, other.
    probes: [(&'static str, &'static str); 3],
    /// Checks that must fail (the report's own arithmetic is wrong).
    failing: &'static [&'static str],
}

const REAL: [Real; 3] = [
    Real {
        file: "淮安市人民政府2024年政府信息公开工作年度报告",
        office: "淮安市人民政府",
        year: 2024,
        address: "淮安市翔宇南道1号",
        postcode: "223001",
        phone: "0517-83605210",
        email: Some("hazwgkc@163.com"),
        probes: [
            ("overview", "我市坚持以习近平新时代中国特色社会主义思想为指导，认真学习宣传贯彻党的二十大和二十届二中、三中全会精神"),
            // This sentence runs over a page break (page 5 → 6).
            ("problems", "对照上级新要求和公众新期待，还有一些需要加强和改进的地方。主要表现在：一是政策解读质量仍需提升"),
            ("other", "全年收取政府信息公开信息处理费3940元"),
        ],
        failing: &[],
    },
    Real {
        file: "淮安市洪泽区人民政府2023年政府信息公开工作年度报告",
        office: "洪泽区人民政府",
        year: 2023,
        address: "淮安市洪泽区洪泽湖大道90号",
        postcode: "223100",
        phone: "0517-87222589",
        email: Some("hzzwgk@126.com"),
        probes: [
            ("overview", "洪泽区人民政府坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《条例》相关规范要求"),
            ("problems", "洪泽区政府信息公开工作取得一定的成效，但对照上级要求，仍存在一定差距。"),
            ("other", "全年收取政府信息公开信息处理费0元"),
        ],
        // 表四 prints 维持 10 and 纠正 1 under a 复议 total of 0, and 5 under a total of 0.
        failing: &["review", "suit_after_review"],
    },
    Real {
        file: "淮安市洪泽区人民政府2024年政府信息公开工作年度报告",
        office: "淮安市洪泽区人民政府",
        year: 2024,
        address: "淮安市洪泽区洪泽湖大道90号",
        postcode: "223100",
        phone: "0517-87290606",
        email: None,
        probes: [
            ("overview", "全面贯彻落实党中央国务院、省委省政府、淮安市委市政府关于全面推进政务公开工作的各项决策部署"),
            ("problems", "全区政府信息公开工作虽取得一定成绩，但对照上级要求和群众期盼，仍存在一些不足"),
            ("other", "全年收取政府信息公开信息处理费0元"),
        ],
        failing: &[],
    },
];

fn expected_figures(file: &str) -> BTreeMap<String, f64> {
    let path = support::fixtures_dir().join(format!("real/{file}.expected.tsv"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (m, v) = l.split_once('\t').expect("metric<TAB>value");
            (m.to_string(), v.parse().expect("a number"))
        })
        .collect()
}

#[test]
fn real_reports_give_every_printed_figure_and_their_text() {
    let mut errs = Vec::new();
    for real in &REAL {
        let x = run(&format!("real/{}.pdf", real.file));
        let r = &x.report;
        let want = expected_figures(real.file);
        // 表二, 表三 and 表四, all ruled: no table read from aligned text besides them.
        if x.document.tables().count() != 3 {
            errs.push(format!(
                "{}: {} tables, printed 3",
                real.file,
                x.document.tables().count()
            ));
        }
        let got: BTreeMap<String, Option<f64>> = r
            .figures
            .iter()
            .map(|f| (f.metric.0.clone(), f.value))
            .collect();
        if got.len() != r.figures.len() {
            errs.push(format!("{}: a figure reported twice", real.file));
        }
        for (m, v) in &want {
            match got.get(m) {
                Some(Some(g)) if g == v => {}
                other => errs.push(format!("{}: {m} = {other:?}, printed {v}", real.file)),
            }
        }
        for m in got.keys().filter(|m| !want.contains_key(*m)) {
            errs.push(format!("{}: unexpected figure {m}", real.file));
        }
        for f in &r.figures {
            if f.origin != "pdf" || !f.location.contains(" page ") {
                errs.push(format!(
                    "{}: {} from {} at {}",
                    real.file, f.metric.0, f.origin, f.location
                ));
            }
        }
        let meta = [
            ("office", r.office.clone(), Some(real.office.to_string())),
            (
                "year",
                r.year.map(|y| y.to_string()),
                Some(real.year.to_string()),
            ),
            (
                "period_start",
                r.period_start.map(|d| d.to_string()),
                Some(format!("{}-01-01", real.year)),
            ),
            (
                "period_end",
                r.period_end.map(|d| d.to_string()),
                Some(format!("{}-12-31", real.year)),
            ),
            (
                "address",
                r.contacts.address.clone(),
                Some(real.address.to_string()),
            ),
            (
                "postcode",
                r.contacts.postcode.clone(),
                Some(real.postcode.to_string()),
            ),
            (
                "email",
                r.contacts.email.clone(),
                real.email.map(String::from),
            ),
        ];
        for (what, got, want) in meta {
            if got != want {
                errs.push(format!("{}: {what} {got:?}, expected {want:?}", real.file));
            }
        }
        if r.contacts.phones != vec![real.phone.to_string()] {
            errs.push(format!("{}: phones {:?}", real.file, r.contacts.phones));
        }
        let ids: Vec<&str> = r.sections.iter().map(|s| s.id.as_str()).collect();
        let six = [
            "preamble",
            "overview",
            "active_disclosure",
            "requests",
            "review_litigation",
            "problems",
            "other",
        ];
        if ids != six {
            errs.push(format!("{}: sections {ids:?}", real.file));
        }
        for (id, probe) in real.probes {
            let text = r
                .sections
                .iter()
                .find(|s| s.id.as_str() == id)
                .map(|s| s.text.as_str());
            if !text.is_some_and(|t| t.contains(probe)) {
                errs.push(format!(
                    "{}: section {id} lacks {probe:?}: {text:?}",
                    real.file
                ));
            }
        }
        // Page numbers (-3-) are furniture, never text.
        if r.sections
            .iter()
            .any(|s| s.text.lines().any(|l| l.trim() == "-3-"))
        {
            errs.push(format!("{}: a page number in the text", real.file));
        }
        let failed: Vec<String> = x
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail && c.is_hard())
            .map(|c| format!("{} {}", c.check, c.scope))
            .collect();
        let expected_fail = |c: &String| {
            real.failing
                .iter()
                .any(|b| c.starts_with(&format!("t4.block_total {b}")))
        };
        for c in &failed {
            if !expected_fail(c) {
                errs.push(format!("{}: check failed: {c}", real.file));
            }
        }
        for b in real.failing {
            if !failed
                .iter()
                .any(|c| c.starts_with(&format!("t4.block_total {b}")))
            {
                errs.push(format!(
                    "{}: t4.block_total {b} should fail: {failed:?}",
                    real.file
                ));
            }
        }
    }
    assert!(
        errs.is_empty(),
        "{} problems:\n{}",
        errs.len(),
        errs.join("\n")
    );
}

/// A figure's location names the page and the box of its cell in points, and the box holds the
/// number where poppler (`pdftotext -bbox`) finds it: 21 on page 3 of 洪泽 2023 at
/// x 318.7–332.8, y 483.2–497.3.
#[test]
fn a_pdf_figure_is_located_by_page_and_box() {
    let x = run("real/淮安市洪泽区人民政府2023年政府信息公开工作年度报告.pdf");
    let f = x
        .report
        .figures
        .iter()
        .find(|f| f.metric.0 == "t3.new.natural_person")
        .expect("t3.new.natural_person");
    let re =
        regex::Regex::new(r"^T\d+ r\d+c\d+ page (\d+) box ([\d.]+),([\d.]+),([\d.]+),([\d.]+)$")
            .unwrap();
    let m = re
        .captures(&f.location)
        .unwrap_or_else(|| panic!("location {:?}", f.location));
    let n = |i: usize| m[i].parse::<f64>().unwrap();
    assert_eq!(&m[1], "3");
    let (x0, y0, x1, y1) = (n(2), n(3), n(2) + n(4), n(3) + n(5));
    assert!(
        x0 <= 318.7 && x1 >= 332.8 && y0 <= 483.2 && y1 >= 497.3,
        "box {:?} must hold poppler's word box of 21",
        f.location
    );
    assert!(
        n(4) < 60.0 && n(5) < 40.0,
        "the box is one cell: {}",
        f.location
    );
}

/// The fixture reports printed to PDF give what their specs say: 200 figures, office, dates,
/// contacts, sections — Word tables become vector tables (`origin=pdf`), table pictures stay
/// pictures (`origin=image`, read by OCR), numbered headings are printed text.
#[test]
fn fixture_reports_printed_to_pdf_read_like_their_docx() {
    for (name, origin) in [
        ("standard", "pdf"),
        ("numbered", "pdf"),
        ("pictures_t3_split_header", "image"),
    ] {
        let x = run(&format!("pdf/{name}.pdf"));
        let mut e = support::sample(name).expected;
        e.origin = origin;
        e.locations = None;
        e.table_numbers = None;
        check_report(name, &x, &e, true);
    }
}

/// Tables printed without a grid are read from the columns their text forms: the standard report
/// with its three tables as a 三线表 (rules above, under the header, below) and with no rules at
/// all (`variants::unruled`, printed by LibreOffice) gives the 200 figures of its spec — a header
/// wrapped over lines (自然 / 人, one character per line in 表四), group headers over several
/// columns, labels wrapped around their figures, a mostly blank 科研机构 column, 表三 cut over two
/// pages with its header repeated.
#[test]
fn tables_without_a_grid_are_read_from_their_columns() {
    let variants = support::variants::variants();
    for (file, variant) in [
        ("standard_three_line", "tables_three_line"),
        ("standard_no_rules", "tables_no_rules"),
    ] {
        let x = run(&format!("pdf/{file}.pdf"));
        let v = variants
            .iter()
            .find(|v| v.name == variant)
            .unwrap_or_else(|| panic!("no variant {variant}"));
        let mut e = v.expected.clone();
        e.origin = "pdf";
        e.locations = None;
        e.table_numbers = None;
        check_report(file, &x, &e, true);
        // 表二, 表三 (two pages) and 表四; nothing else on the pages is a table.
        assert_eq!(x.document.tables().count(), 4, "{file}: tables");
    }
}

/// Government PDFs are often encrypted with an empty user password (permissions only): read as
/// if they were not. A real password is a clear error. Both made from `pdf/standard.pdf` by qpdf
/// (AES-256).
#[test]
fn encrypted_pdfs_permissions_only_are_read_a_password_is_an_error() {
    let x = run("pdf/standard_permissions_only.pdf");
    let mut e = support::sample("standard").expected;
    e.origin = "pdf";
    e.locations = None;
    e.table_numbers = None;
    check_report("standard_permissions_only", &x, &e, true);

    let bytes = std::fs::read(support::fixtures_dir().join("pdf/standard_password.pdf")).unwrap();
    let err = process_bytes(&bytes, &options()).expect_err("a password-protected PDF");
    assert!(
        err.message.contains("encrypted") && err.message.contains("password"),
        "{}",
        err.message
    );
}

/// tables.csv gives every PDF cell its page and box, so an auditor finds any cell on the page:
/// on page 3 of 洪泽 2023 the cells holding 自然人 and the two 21s (自然人 and 总计 of 一、本年新收)
/// must hold the word boxes poppler (`pdftotext -bbox`) gives them.
#[test]
fn tables_csv_locates_pdf_cells_by_page_and_box() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let file =
        support::fixtures_dir().join("real/淮安市洪泽区人民政府2023年政府信息公开工作年度报告.pdf");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("extract")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .status()
        .expect("run nianbao");
    assert!(status.success());
    let bytes = std::fs::read(out.join("tables.csv")).expect("tables.csv");
    let mut rdr = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
    let headers = rdr.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (text, page, page_box) = (col("text"), col("page"), col("page_box"));
    let mut cells = Vec::new();
    for r in rdr.records() {
        let r = r.expect("record");
        assert!(
            !r[page].is_empty() && !r[page_box].is_empty(),
            "a PDF cell without page box: {r:?}"
        );
        let b: Vec<f64> = r[page_box]
            .split(',')
            .map(|v| v.parse().expect("a number"))
            .collect();
        assert_eq!(b.len(), 4, "x,y,w,h: {}", &r[page_box]);
        cells.push((
            r[text].to_string(),
            r[page].to_string(),
            [b[0], b[1], b[0] + b[2], b[1] + b[3]],
        ));
    }
    // (text, poppler's word box x0, y0, x1, y1)
    let words = [
        ("自然人", [310.68, 431.06, 340.67, 441.04]),
        ("21", [318.72, 483.22, 332.82, 497.31]),
        ("21", [492.36, 483.22, 506.46, 497.31]),
    ];
    for (word, [x0, y0, x1, y1]) in words {
        let holding: Vec<_> = cells
            .iter()
            .filter(|(t, p, b)| {
                t == word && p == "3" && b[0] <= x0 && b[1] <= y0 && b[2] >= x1 && b[3] >= y1
            })
            .collect();
        assert_eq!(holding.len(), 1, "{word} at {x0},{y0}: {holding:?}");
        let b = holding[0].2;
        // One column wide; 自然人 is merged over the three header rows.
        assert!(b[2] - b[0] < 60.0 && b[3] - b[1] < 100.0, "one cell: {b:?}");
    }
}

/// A blank page (a separator, the back of a sheet) loses nothing: the file stays `ok`. A page
/// whose only ink is drawn shapes (text turned into outlines) has lost its text: `partial`, and
/// the warning names that page alone.
#[test]
fn a_blank_page_is_not_a_lost_page() {
    let text = b"BT /F1 12 Tf 72 770 Td (Annual report) Tj ET".as_slice();
    // A filled curved shape, as a glyph drawn as an outline is painted.
    let outline = b"0 0 0 rg 100 700 m 150 750 200 700 150 650 c f".as_slice();
    let opts = options();

    let x = process_bytes(&support::pdf::pages(&[text, b"", text]), &opts).expect("reads");
    assert_eq!(x.status(), "ok", "{:?}", x.document.warnings);
    assert!(x
        .document
        .reader_notes
        .iter()
        .any(|n| n == "page 2 is blank"));

    let x = process_bytes(&support::pdf::pages(&[text, b"", outline]), &opts).expect("reads");
    assert_eq!(x.status(), "partial");
    assert_eq!(x.document.warnings.len(), 1, "{:?}", x.document.warnings);
    assert!(
        x.document.warnings[0].starts_with("page 3 has no text and no picture"),
        "{}",
        x.document.warnings[0]
    );
}
