//! End to end, library level: every generated sample (the committed bytes in
//! `fixtures/samples/`, which `fixtures_up_to_date` keeps equal to the generator's output) goes
//! through `nianbao::pipeline::process_bytes`, and the result must match the fixture's spec
//! exactly: all 200 figures (metric id, value, semantic, origin and — where the layout is known —
//! the cell location), office, year, dates, contacts, sections with their headings and text, with
//! no text read twice.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use nianbao::check::CheckStatus;
use nianbao::model::{Block, TableGrid};
use nianbao::pipeline::{process_bytes, Extracted, Options};

/// Options with the OCR models: reading table pictures is part of what these tests check, so a
/// missing model fails them (run `scripts/setup-models`) rather than skipping.
fn options() -> Options {
    static OPTS: std::sync::OnceLock<Options> = std::sync::OnceLock::new();
    OPTS.get_or_init(|| {
        Options::with_ocr(None).unwrap_or_else(|e| panic!("{e} — run scripts/setup-models"))
    })
    .clone()
}
use nianbao::recognise::ReportKind;
use support::report::Expected;

/// Reads the committed sample (falls back to the generator if it is missing, so a stale
/// checkout still tests the spec).
fn load(name: &str) -> (Vec<u8>, Expected) {
    let s = support::sample(name);
    let path = support::fixtures_dir().join(format!("samples/{name}.docx"));
    let bytes = std::fs::read(&path).unwrap_or(s.bytes);
    (bytes, s.expected)
}

fn run(name: &str) -> (Extracted, Expected) {
    let (bytes, expected) = load(name);
    let x = process_bytes(&bytes, &options())
        .unwrap_or_else(|e| panic!("{name}: failed at {}: {}", e.stage, e.message));
    (x, expected)
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// Collects every difference between the result and the expectations, then fails once with all.
fn check(name: &str, x: &Extracted, e: &Expected) {
    check_parts(name, x, e, true)
}

fn check_parts(name: &str, x: &Extracted, e: &Expected, with_figures: bool) {
    let mut errs: Vec<String> = Vec::new();
    let r = &x.report;
    if r.kind != ReportKind::Annual {
        errs.push(format!("kind: {:?}, expected annual_report", r.kind));
    }

    // ---- figures: exactly the expected ones, each with its value, semantic, origin and place.
    let expected_ids: BTreeSet<&str> = e.figures.iter().map(|f| f.metric.as_str()).collect();
    assert_eq!(
        expected_ids.len(),
        e.figures.len(),
        "the spec itself holds each id once"
    );
    if with_figures {
        errs.extend(support::expect::figure_problems(
            &r.figures, &e.figures, e.origin,
        ));
        for (i, ef) in e.figures.iter().enumerate() {
            let Some(f) = r.figures.iter().find(|f| f.metric.0 == ef.metric) else {
                continue;
            };
            if let Some(locs) = &e.locations {
                if f.location != locs[i] {
                    errs.push(format!(
                        "{}: location {:?}, expected {:?}",
                        ef.metric, f.location, locs[i]
                    ));
                }
            } else if let Some([t2, t3, t4]) = e.table_numbers {
                let t = match &ef.metric[..2] {
                    "t2" => t2,
                    "t3" => t3,
                    _ => t4,
                };
                if !f.location.starts_with(&format!("T{t} ")) {
                    errs.push(format!(
                        "{}: location {:?}, expected in table T{t}",
                        ef.metric, f.location
                    ));
                }
            }
        }
    }

    // ---- the hard identities hold in every spec, so no check may fail.
    for c in x.checks.iter().filter(|_| with_figures) {
        if c.status == CheckStatus::Fail {
            errs.push(format!(
                "check {} {} failed: expected {:?}, actual {:?}",
                c.check, c.scope, c.expected, c.actual
            ));
        }
    }

    // ---- metadata.
    if e.check_meta {
        let date = |d: &Option<nianbao::recognise::Date>| d.map(|d| d.to_string());
        let c = &r.contacts;
        let fields: [(&str, Option<String>, &Option<String>); 9] = [
            ("office", r.office.clone(), &e.office),
            (
                "year",
                r.year.map(|y| y.to_string()),
                &e.year.map(|y| y.to_string()),
            ),
            ("published", date(&r.published), &e.published),
            ("period_start", date(&r.period_start), &e.period_start),
            ("period_end", date(&r.period_end), &e.period_end),
            ("address", c.address.clone(), &e.address),
            ("postcode", c.postcode.clone(), &e.postcode),
            ("email", c.email.clone(), &e.email),
            ("website", c.website.clone(), &e.website),
        ];
        for (what, got, want) in fields {
            if &got != want {
                errs.push(format!("{what}: {got:?}, expected {want:?}"));
            }
        }
        if c.phones != e.phones {
            errs.push(format!("phones: {:?}, expected {:?}", c.phones, e.phones));
        }
    }

    // ---- sections: the expected ids in order, exact headings, known sentences once each.
    let ids: Vec<&str> = r.sections.iter().map(|s| s.id.as_str()).collect();
    let want_ids: Vec<&str> = e.sections.iter().map(|s| s.id).collect();
    if e.check_meta {
        if ids != want_ids {
            errs.push(format!("section ids {ids:?}, expected {want_ids:?}"));
        }
    } else {
        for id in want_ids.iter().filter(|id| **id != "preamble") {
            if !ids.contains(id) {
                errs.push(format!("section {id} missing (have {ids:?})"));
            }
        }
    }
    let all_text: String = r
        .sections
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for es in &e.sections {
        let Some(s) = r.sections.iter().find(|s| s.id.as_str() == es.id) else {
            continue;
        };
        if es.id != "preamble" && s.heading.trim() != es.heading {
            errs.push(format!(
                "section {}: heading {:?}, expected {:?}",
                es.id, s.heading, es.heading
            ));
        }
        for k in &es.known {
            if count(&s.text, k) != 1 || count(&all_text, k) != 1 {
                errs.push(format!(
                    "section {}: {:?} found {} times in it, {} times overall (expected once)",
                    es.id,
                    k,
                    count(&s.text, k),
                    count(&all_text, k)
                ));
            }
        }
    }
    for a in &e.absent {
        let headings: String = r.sections.iter().map(|s| s.heading.as_str()).collect();
        if all_text.contains(a.as_str()) || headings.contains(a.as_str()) {
            errs.push(format!("{a:?} must not appear in any section"));
        }
    }
    for o in &e.once {
        if count(&all_text, o) != 1 {
            errs.push(format!(
                "{o:?} appears {} times over all sections (expected once: text boxes are read once)",
                count(&all_text, o)
            ));
        }
    }
    // No line of text may be read twice (text boxes through both wps and VML, merged cells …).
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    // The office name legitimately opens (title) and closes (signature) a report.
    let office = e.office.clone().unwrap_or_default();
    for line in all_text
        .lines()
        .map(str::trim)
        .filter(|l| l.chars().count() >= 8 && *l != office)
    {
        *seen.entry(line).or_default() += 1;
    }
    for (line, n) in seen.into_iter().filter(|(_, n)| *n > 1) {
        errs.push(format!("line read {n} times: {line:?}"));
    }

    assert!(
        errs.is_empty(),
        "{name}: {} problems:\n{}",
        errs.len(),
        errs.join("\n")
    );
}

fn word_tables(x: &Extracted) -> Vec<&TableGrid> {
    x.document
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// The reader's view of the tables: grid sizes, and merged label cells held once with their spans.
fn check_grids(
    name: &str,
    x: &Extracted,
    dims: &[(usize, usize)],
    merges: &[(&str, usize, usize)],
) {
    let tables = word_tables(x);
    let got: Vec<(usize, usize)> = tables.iter().map(|t| (t.rows, t.cols)).collect();
    assert_eq!(got, dims, "{name}: table sizes (rows, cols)");
    let t3 = tables[1];
    for (label, rowspan, colspan) in merges {
        let cells: Vec<_> = t3
            .cells
            .iter()
            .filter(|c| c.text.trim() == *label)
            .collect();
        assert_eq!(
            cells.len(),
            1,
            "{name}: 表三 cell {label:?} must be held once, not copied into merged slots"
        );
        assert_eq!(
            (cells[0].rowspan, cells[0].colspan),
            (*rowspan, *colspan),
            "{name}: spans of {label:?}"
        );
    }
}

const TEMPLATE_MERGES: [(&str, usize, usize); 5] = [
    ("三、本年度办理结果", 22, 1),
    ("（三）不予公开", 8, 1),
    ("（四）无法提供", 3, 1),
    ("法人或其他组织", 1, 5),
    ("一、本年新收政府信息公开申请数量", 1, 3),
];

#[test]
fn standard() {
    let (x, e) = run("standard");
    check("standard", &x, &e);
}

#[test]
fn standard_tables_as_grids() {
    let (x, _) = run("standard");
    check_grids(
        "standard",
        &x,
        &[(14, 4), (28, 10), (4, 15)],
        &TEMPLATE_MERGES,
    );
}

#[test]
fn numbered() {
    let (x, e) = run("numbered");
    check("numbered", &x, &e);
}

/// Labels from numbering.xml: 一、 (chineseCounting), 3、 (decimal with startOverride), 四、 through
/// the paragraph style, 五、 六、 through a style based on it, （一）…（五） of 总体情况 (level 1,
/// restarted under 一), ①② (decimalEnclosedCircle) and 六's （一）（二） reached through
/// numStyleLink → numbering style → styleLink (chineseCountingThousand).
#[test]
fn numbered_labels() {
    let (x, _) = run("numbered");
    let labels: Vec<String> = x
        .document
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => p.label.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(
        labels,
        [
            "一、",
            "（一）",
            "（二）",
            "（三）",
            "（四）",
            "（五）",
            "二、",
            "3、",
            "四、",
            "五、",
            "①",
            "②",
            "六、",
            "（一）",
            "（二）"
        ]
    );
}

#[test]
fn tricky() {
    let (x, e) = run("tricky");
    check("tricky", &x, &e);
}

#[test]
fn tricky_tables_as_grids() {
    let (x, _) = run("tricky");
    // 表二 ends with w:gridAfter (5 grid columns), 表四 starts with w:gridBefore (16); then a
    // layout table with a legacy hMerge and, after it, the table nested in its second row.
    check_grids(
        "tricky",
        &x,
        &[(14, 5), (28, 10), (4, 16), (2, 3), (1, 2)],
        &[("(三)不予公开", 8, 1), ("三、本年度办理结果", 22, 1)],
    );
    let tables = word_tables(&x);
    let merged: Vec<_> = tables[3]
        .cells
        .iter()
        .filter(|c| c.text.trim() == "附件说明")
        .collect();
    assert_eq!(merged.len(), 1, "hMerge: the label is held once");
    assert_eq!((merged[0].row, merged[0].col, merged[0].colspan), (0, 0, 2));
    let nested: Vec<&str> = tables[4].cells.iter().map(|c| c.text.trim()).collect();
    assert_eq!(nested, ["联系人", "王某"]);
    // Header, footer, footnote, endnote and comment are read, but kept out of the body.
    let notes: String = x
        .document
        .notes
        .iter()
        .chain(&x.document.furniture)
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.text.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    for t in [
        support::report::TRICKY_HEADER,
        support::report::TRICKY_FOOTNOTE,
        support::report::TRICKY_COMMENT,
        support::report::TRICKY_ENDNOTE,
    ] {
        assert_eq!(
            notes.matches(t).count(),
            1,
            "{t:?} read once into notes/furniture"
        );
    }
    assert!(notes.contains(support::report::TRICKY_FOOTER));
}

#[test]
fn variant_28x8() {
    let (x, e) = run("variant_28x8");
    check("variant_28x8", &x, &e);
}

#[test]
fn variant_28x8_tables_as_grids() {
    let (x, _) = run("variant_28x8");
    check_grids(
        "variant_28x8",
        &x,
        &[(14, 4), (31, 11), (4, 15)],
        &[
            ("三、本年度办理结果", 25, 1),
            ("（三）不予公开", 9, 1),
            ("法人或其他组织", 1, 6),
        ],
    );
}

/// The seed's text, headings, contacts and pictures (its tables are pictures: see `seed_figures`).
#[test]
fn seed_text_and_metadata() {
    let (x, e) = run("seed");
    check_parts("seed", &x, &e, false);
    assert_eq!(x.document.images.len(), 3, "seed: three table pictures");
    assert!(x
        .document
        .images
        .iter()
        .all(|i| i.content_type == "image/png" && i.data.starts_with(b"\x89PNG")));
}

/// The seed's 200 figures, read from its table pictures. Fails until the table-image renderer
/// replaces the placeholder pictures and the OCR route exists.
#[test]
fn seed_figures() {
    let (x, e) = run("seed");
    check("seed", &x, &e);
}

#[test]
fn strict_renamed() {
    let (x, e) = run("strict_renamed");
    check("strict_renamed", &x, &e);
}

#[test]
fn template_filled() {
    let (x, e) = run("template_filled");
    check("template_filled", &x, &e);
}

#[test]
fn template_filled_tables_as_grids() {
    let (x, _) = run("template_filled");
    check_grids(
        "template_filled",
        &x,
        &[(14, 4), (28, 10), (4, 15)],
        &TEMPLATE_MERGES,
    );
}

/// `table_format` as reports.csv writes it.
fn table_format(x: &Extracted) -> &'static str {
    use nianbao::recognise::TableFormat;
    let f = &x.report.table_formats;
    match (
        f.contains(&TableFormat::F2021),
        f.contains(&TableFormat::F2019),
    ) {
        (true, true) => "mixed",
        (true, false) => "2021",
        (false, true) => "2019",
        (false, false) => "none",
    }
}

#[test]
fn trial_2019() {
    let (x, e) = run("trial_2019");
    assert_eq!(e.figures.len(), 22 + 161 + 15);
    check("trial_2019", &x, &e);
    assert_eq!(table_format(&x), "2019");
    let f = |id: &str| {
        x.report
            .figures
            .iter()
            .find(|f| f.metric.0 == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!(
        (
            f("t2.licensing.change").raw.as_str(),
            f("t2.licensing.change").value
        ),
        ("+3", Some(3.0))
    );
    assert_eq!(f("t2.penalty.change").value, Some(-253.0));
    assert_eq!(f("t2.procurement.amount_wan").value, Some(96171.6));
}

#[test]
fn mixed_formats() {
    let (x, e) = run("mixed_formats");
    assert_eq!(e.figures.len(), 22 + 175 + 15);
    check("mixed_formats", &x, &e);
    assert_eq!(table_format(&x), "mixed");
}

/// The variants (`fixtures/variants/`): every expected figure with its value, semantic and
/// origin, sections where they map, no text lost, and the warning that says what was guessed.
#[test]
fn variants() {
    let mut failures = Vec::new();
    for v in support::variants::variants() {
        let path = support::fixtures_dir().join(format!("variants/{}.docx", v.name));
        let bytes = std::fs::read(&path).unwrap_or(v.bytes);
        let x = process_bytes(&bytes, &Options::default())
            .unwrap_or_else(|e| panic!("{}: failed at {}: {}", v.name, e.stage, e.message));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check(v.name, &x, &v.expected);
        }));
        if let Err(e) = result {
            failures.push(
                e.downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| format!("{}: failed", v.name)),
            );
        }
        if let Some(w) = v.warning {
            if !x.report.warnings.iter().any(|x| x.contains(w)) {
                failures.push(format!(
                    "{}: no warning mentions {w:?}: {:?}",
                    v.name, x.report.warnings
                ));
            }
        }
        if table_format(&x) != "2021" {
            failures.push(format!("{}: table_format {}", v.name, table_format(&x)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---- The same reports saved as Word 97–2003 .doc by LibreOffice (fixtures/doc/, issue 13): the
// expectations are the specs the .docx were generated from, not anything read from the .doc.

fn run_doc(name: &str) -> (Extracted, Expected) {
    let bytes = support::doc::doc(name);
    let x = process_bytes(&bytes, &options())
        .unwrap_or_else(|e| panic!("{name}.doc: failed at {}: {}", e.stage, e.message));
    (x, support::sample(name).expected)
}

#[test]
fn doc_standard() {
    assert_eq!(
        nianbao::read::sniff(&support::doc::doc("standard")).name(),
        "doc"
    );
    let (x, e) = run_doc("standard");
    check("standard.doc", &x, &e);
    assert_eq!(x.status(), "ok", "{:?}", x.report.warnings);
    // The same merged-cell grids as the .docx: boundaries of every row make the columns.
    check_grids(
        "standard.doc",
        &x,
        &[(14, 4), (28, 10), (4, 15)],
        &TEMPLATE_MERGES,
    );
    let notes = x.document.reader_notes.join("\n");
    assert!(notes.contains("3 tables (46 rows)"), "{notes}");
}

#[test]
fn doc_trial_2019() {
    let (x, e) = run_doc("trial_2019");
    assert_eq!(e.figures.len(), 22 + 161 + 15);
    check("trial_2019.doc", &x, &e);
    assert_eq!(table_format(&x), "2019");
}

/// WPS Office's .wps is the Word 97 binary with streams of its own; without WPS Office the
/// fixture is `standard.doc` re-packed with a `WpsCustomData` stream (see fixtures/README.md).
#[test]
fn wps_standard() {
    let path = support::fixtures_dir().join("doc/standard_with_wps_stream.wps");
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|_| support::doc::wps_from_doc(&support::doc::doc("standard")));
    assert_eq!(nianbao::read::sniff(&bytes).name(), "wps");
    let x = process_bytes(&bytes, &options()).expect("the .wps is read");
    check(
        "standard_with_wps_stream.wps",
        &x,
        &support::sample("standard").expected,
    );
}

/// List labels Word generates from the LST/LFO tables. Expected: what LibreOffice itself prints
/// for this .doc (`soffice --convert-to txt`): its export gave 五/六 a list of their own, so
/// they read 一、二、 there as here.
#[test]
fn doc_numbered_labels() {
    let (x, _) = run_doc("numbered");
    let labels: Vec<(String, String)> = x
        .document
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some((p.label.clone()?, p.text.clone())),
            _ => None,
        })
        .collect();
    let label_of = |text: &str| {
        labels
            .iter()
            .find(|(_, t)| t.starts_with(text))
            .map(|(l, _)| l.as_str())
            .unwrap_or_else(|| panic!("no label for {text:?}: {labels:?}"))
    };
    assert_eq!(label_of("总体情况"), "一、");
    assert_eq!(label_of("主动公开政府信息情况"), "二、");
    assert_eq!(label_of("收到和处理政府信息公开申请情况"), "3、");
    assert_eq!(label_of("政府信息公开行政复议"), "四、");
    assert_eq!(label_of("存在的主要问题及改进情况"), "一、");
    assert_eq!(label_of("收取信息处理费情况"), "（一）");
    assert_eq!(label_of("人大代表建议"), "（二）");
    assert_eq!(label_of("主动公开方面"), "（一）");
    assert_eq!(label_of("监督保障方面"), "（五）");
}

/// Headers, footers, footnotes, endnotes and comments go to the furniture and notes, never into
/// a section; field instructions are never read (LibreOffice's .doc of `tricky.docx`).
#[test]
fn doc_furniture_notes_and_fields() {
    use support::report::{
        TRICKY_COMMENT, TRICKY_ENDNOTE, TRICKY_FOOTER, TRICKY_FOOTNOTE, TRICKY_HEADER,
    };
    let (x, _) = run_doc("tricky");
    let text = |blocks: &[Block]| format!("{blocks:?}");
    let (furniture, notes) = (text(&x.document.furniture), text(&x.document.notes));
    assert!(furniture.contains(TRICKY_HEADER), "{furniture}");
    assert!(furniture.contains(TRICKY_FOOTER), "{furniture}");
    for note in [TRICKY_FOOTNOTE, TRICKY_ENDNOTE, TRICKY_COMMENT] {
        assert!(notes.contains(note), "{note} not in {notes}");
    }
    let sections: String = x.report.sections.iter().map(|s| s.text.as_str()).collect();
    for absent in [
        TRICKY_HEADER,
        TRICKY_FOOTER,
        TRICKY_FOOTNOTE,
        TRICKY_ENDNOTE,
        TRICKY_COMMENT,
        "HYPERLINK",
        "DOCPROPERTY",
        "PAGE",
    ] {
        assert!(!sections.contains(absent), "{absent} in the sections");
    }
    // The complex field's result (the website) is read, its instruction (another URL) is not.
    assert_eq!(
        x.report.contacts.website.as_deref(),
        Some("http://www.dhq.gov.cn")
    );
    assert!(!sections.contains("old.example.org"));
    assert_eq!(x.report.figures.len(), 200);
    // A number deleted with tracked changes inside a 表三 cell is not read (sprmCFRMarkDel):
    // with it, the column totals fail.
    let failed: Vec<_> = x
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| format!("{} {}", c.check, c.scope))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
}

/// Word saves RTF under a .doc name too: `standard_rtf_saved_as.doc` is LibreOffice's RTF of
/// `standard.docx` (fixtures/README.md), read by the RTF reader because of what it is.
#[test]
fn rtf_saved_as_doc() {
    let bytes = support::doc::doc("standard_rtf_saved_as");
    assert_eq!(nianbao::read::sniff(&bytes).name(), "rtf");
    let x = process_bytes(&bytes, &options()).expect("the RTF is read");
    check(
        "standard_rtf_saved_as.doc",
        &x,
        &support::sample("standard").expected,
    );
    check_grids(
        "standard_rtf_saved_as.doc",
        &x,
        &[(14, 4), (28, 10), (4, 15)],
        &TEMPLATE_MERGES,
    );
}

/// The seed report's three table pictures in a .doc (LibreOffice wrote two as inline PICFs with
/// their PNG, the VML one as a floating shape whose PNG is in the BLIP store): all three are
/// read, and OCR gives the seed's figures.
#[test]
fn doc_seed_pictures() {
    let (x, e) = run_doc("seed");
    assert_eq!(x.document.images.len(), 3, "three table pictures");
    assert!(x
        .document
        .images
        .iter()
        .all(|i| i.content_type == "image/png" && i.data.starts_with(b"\x89PNG")));
    check("seed.doc", &x, &e);
    assert_eq!(x.status(), "ok", "{:?}", x.report.warnings);
}
