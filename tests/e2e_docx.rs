//! End to end, library level: every generated sample (the committed bytes in
//! `fixtures/samples/`, which `fixtures_up_to_date` keeps equal to the generator's output) goes
//! through `nianbao::pipeline::process_bytes`, and the result must match the fixture's spec
//! exactly: all 200 figures (metric id, value, semantic, origin and — where the layout is known —
//! the cell location), office, year, dates, contacts, sections with their headings and text, with
//! no text read twice.

mod support;

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

/// Collects every difference between the result and the expectations, then fails once with all.
fn check(name: &str, x: &Extracted, e: &Expected) {
    support::expect::check_report(name, x, e, true)
}

fn check_parts(name: &str, x: &Extracted, e: &Expected, with_figures: bool) {
    support::expect::check_report(name, x, e, with_figures)
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
    // Notes reach the output as their own `notes` section (never one of the report's sections).
    let section = x.report.notes.as_ref().expect("a notes section");
    assert_eq!(section.id.as_str(), "notes");
    for t in [
        support::report::TRICKY_FOOTNOTE,
        support::report::TRICKY_COMMENT,
        support::report::TRICKY_ENDNOTE,
    ] {
        assert_eq!(section.text.matches(t).count(), 1, "{t:?} once in notes");
    }
    // The footnote reference after the 主动公开 sentence prints its number there.
    let active = x
        .report
        .sections
        .iter()
        .find(|s| s.id.as_str() == "active_disclosure")
        .expect("active_disclosure");
    assert_eq!(active.text.matches("[1]").count(), 1, "{:?}", active.text);
    assert!(!section.text.contains(support::report::TRICKY_HEADER));
    assert!(x.report.sections.iter().all(|s| s.id.as_str() != "notes"));
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

/// Checks read a blank cell as 0, as figures.csv does (`fixtures/variants/t4_blank_totals.docx`):
/// a 表四 总计 printed over blank cells that cannot reach it fails, with a note naming the blank
/// cells and the cells to look at; blanks that add up pass with the note; a `/` leaves its block
/// `uncertain`. The outcome of every block is worked out from the spec's values
/// (`support::variants::t4_block_checks`), and 表三's blanks, which add up, fail nothing.
#[test]
fn a_total_printed_over_blank_cells_fails_its_check() {
    use support::variants::{failing_variants, t4_blank_totals_spec, t4_block_checks};
    let v = failing_variants()
        .into_iter()
        .find(|v| v.name == "t4_blank_totals")
        .expect("variant");
    let path = support::fixtures_dir().join("variants/t4_blank_totals.docx");
    let bytes = std::fs::read(&path).unwrap_or(v.bytes);
    let x = process_bytes(&bytes, &Options::default()).expect("read");
    let e = &v.expected;
    let problems = support::expect::figure_problems(&x.report.figures, &e.figures, e.origin);
    assert!(problems.is_empty(), "{problems:#?}");

    let spec = t4_blank_totals_spec();
    let locations = e.locations.as_ref().expect("template layout");
    let location = |id: &str| {
        let i = e.figures.iter().position(|f| f.metric == id).expect("id");
        locations[i].clone()
    };
    let blocks: Vec<&nianbao::check::CheckResult> = x
        .checks
        .iter()
        .filter(|c| c.check == "t4.block_total")
        .collect();
    let want = t4_block_checks(&spec.t4);
    assert_eq!(blocks.len(), want.len());
    assert_eq!(
        want.iter().map(|w| w.status).collect::<Vec<_>>(),
        ["fail", "pass", "uncertain"],
        "the fixture covers the three outcomes"
    );
    for (c, w) in blocks.iter().zip(&want) {
        let mut scope = format!("{}: total = upheld + corrected + other + pending", w.block);
        if w.status != "uncertain" && !w.blanks.is_empty() {
            scope.push_str(&format!("; blank cells read as 0: {}", w.blanks.join(", ")));
        }
        if w.status == "fail" {
            let cells: Vec<String> = ["total", "upheld", "corrected", "other", "pending"]
                .iter()
                .map(|p| location(&format!("t4.{}.{p}", w.block)))
                .collect();
            scope.push_str(&format!("; cells {}", cells.join(", ")));
        }
        assert_eq!(c.status.as_str(), w.status, "{}", w.block);
        assert_eq!(c.scope, scope);
        assert_eq!((c.expected, c.actual), (Some(w.expected), Some(w.actual)));
    }
    // the only hard failure is 行政复议's: what reports.csv counts in checks_failed
    let failed: Vec<&str> = x
        .checks
        .iter()
        .filter(|c| c.is_hard() && c.status == CheckStatus::Fail)
        .map(|c| c.scope.as_ref())
        .collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    // 表三's blank cells add up: its identities pass, some of them with the note
    let t3: Vec<_> = x
        .checks
        .iter()
        .filter(|c| c.check.starts_with("t3."))
        .collect();
    assert!(t3.iter().all(|c| c.status == CheckStatus::Pass), "{t3:#?}");
    assert!(t3.iter().any(|c| c.scope.contains("blank cells read as 0")));
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

/// Writes the source .docx of `fixtures/doc/text_boxes.doc` for LibreOffice to save as .doc
/// (fixtures/README.md); not part of the suite.
#[test]
#[ignore]
fn write_text_boxes_docx() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("text_boxes.docx");
    std::fs::write(&path, support::doc::text_boxes_docx()).expect("write");
    eprintln!("wrote {}", path.display());
}

/// The printed text of the non-blank body paragraphs, in order.
fn body_paragraphs(x: &Extracted) -> Vec<String> {
    x.document
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) if !p.printed().trim().is_empty() => Some(p.printed()),
            _ => None,
        })
        .collect()
}

/// A text box in the middle of the body (LibreOffice's .doc of `support::doc::text_boxes_docx`):
/// its text is read where its shape is anchored (PlcSpaMom → shape id → PlcftxbxTxt), after the
/// anchor's paragraph as in the .docx, not after the body.
#[test]
fn doc_text_boxes_at_their_anchors() {
    let want: Vec<&str> = support::doc::TEXT_BOXES_ORDER
        .iter()
        .map(|(_, t)| *t)
        .collect();
    let x = process_bytes(&support::doc::doc("text_boxes"), &options()).expect("the .doc");
    assert_eq!(body_paragraphs(&x), want);
    let notes = x.document.reader_notes.join("\n");
    assert!(
        notes.contains("2 text boxes read at their anchors"),
        "{notes}"
    );
    assert!(!notes.contains("after the body"), "{notes}");
    // The .docx it was saved from reads the same way.
    let docx = process_bytes(&support::doc::text_boxes_docx(), &options()).expect("the .docx");
    assert_eq!(body_paragraphs(&docx), want);
}
