//! End to end over spreadsheets: the generated workbooks in `fixtures/sheets/` (kept equal to
//! the generator by `fixtures_up_to_date`) must give exactly the spec's figures with
//! `origin=sheet`, and the real workbooks must stay `kind=other` with no figure.

mod support;

use std::path::Path;

use nianbao::check::CheckStatus;
use nianbao::model::{Block, TableOrigin};
use nianbao::pipeline::{process_file, FileOutcome, Options};
use nianbao::write::rows::{Rows, Table};

fn column(table: Table, row: &[String], name: &str) -> String {
    let i = table
        .columns()
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    row[i].clone()
}

fn run(path: &Path) -> (FileOutcome, Vec<String>) {
    let outcome = process_file(path, &Options::default());
    let rows = Rows::from_outcome(&outcome);
    let report = rows.get(Table::Reports)[0].clone();
    (outcome, report)
}

#[test]
fn generated_workbooks_give_the_spec_figures() {
    for s in support::sheets::sheet_samples() {
        let path = support::fixtures_dir().join(format!("sheets/{}.xlsx", s.name));
        assert!(path.exists(), "{} not committed", path.display());
        let (outcome, report) = run(&path);
        let x = outcome
            .result
            .as_ref()
            .unwrap_or_else(|e| panic!("{}: failed at {}: {}", s.name, e.stage, e.message));
        let r = &x.report;
        let e = &s.expected;
        let mut errs = support::expect::figure_problems(&r.figures, &e.figures, "sheet");
        let col = |name: &str| column(Table::Reports, &report, name);
        for (what, want) in [
            ("kind", "annual_report".to_string()),
            ("format", "xlsx".to_string()),
            ("table_format", "2021".to_string()),
            ("figures", e.figures.len().to_string()),
            ("office", e.office.clone().unwrap_or_default()),
            ("year", e.year.map(|y| y.to_string()).unwrap_or_default()),
        ] {
            if col(what) != want {
                errs.push(format!("{what}: {:?}, expected {want:?}", col(what)));
            }
        }
        match s.warning {
            Some(w) if !col("warnings").contains(w) => {
                errs.push(format!("warnings {:?} should mention {w}", col("warnings")))
            }
            _ => {}
        }
        for c in &x.checks {
            if c.status == CheckStatus::Fail {
                errs.push(format!("check {} {} failed", c.check, c.scope));
            }
        }
        assert!(errs.is_empty(), "{}:\n{}", s.name, errs.join("\n"));
    }
}

#[test]
fn stacked_sheet_is_cut_into_three_tables_at_their_sheet_positions() {
    let path = support::fixtures_dir().join("sheets/stacked.xlsx");
    let (outcome, _) = run(&path);
    let x = outcome.result.expect("read");
    let tables: Vec<_> = x.document.tables().collect();
    assert_eq!(tables.len(), 3, "one table per statistical table");
    // 表二 starts at C5: absolute sheet coordinates (row 4, column 2, 0-based).
    let first = &tables[0].cells[0];
    assert_eq!((first.row, first.col), (4, 2));
    assert_eq!(first.text, "第二十条第（一）项");
    assert!(tables.iter().all(|t| t.origin
        == TableOrigin::Sheet {
            name: "年报".into(),
            hidden: false
        }));
    let paras: Vec<String> = x
        .document
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(paras.len(), 4, "{paras:?}");
    assert!(paras[0].ends_with("年度报告"));
    let f = x
        .report
        .figures
        .iter()
        .find(|f| f.metric.0 == "t2.regulations.issued")
        .expect("figure");
    assert_eq!(f.location, "T1 r7c4");
    // a blank cell of a sheet is absent from the grid and still read as blank
    let f = x
        .report
        .figures
        .iter()
        .find(|f| f.metric.0 == "t2.coercion.decisions")
        .expect("figure");
    assert_eq!((f.raw.as_str(), f.semantic.as_str()), ("", "blank"));
    let ids: Vec<&str> = x.report.sections.iter().map(|s| s.id.as_str()).collect();
    for id in ["active_disclosure", "requests", "review_litigation"] {
        assert!(ids.contains(&id), "{ids:?}");
    }
}

#[test]
fn contiguous_tables_are_cut_where_a_header_follows_numbers() {
    let (outcome, _) = run(&support::fixtures_dir().join("sheets/contiguous.xlsx"));
    let x = outcome.result.expect("read");
    let starts: Vec<(usize, usize)> = x
        .document
        .tables()
        .map(|t| (t.cells[0].row, t.cells[0].col))
        .collect();
    assert_eq!(starts, [(0, 0), (14, 0), (42, 0)]);
}

#[test]
fn hidden_sheet_is_read_and_formula_text_kept() {
    let (outcome, _) = run(&support::fixtures_dir().join("sheets/three_sheets.xlsx"));
    let x = outcome.result.expect("read");
    let hidden: Vec<_> = x
        .document
        .tables()
        .filter(|t| matches!(&t.origin, TableOrigin::Sheet { hidden: true, .. }))
        .collect();
    assert_eq!(hidden.len(), 1);
    assert!(x
        .report
        .figures
        .iter()
        .any(|f| f.metric.0 == "t4.review.total"));

    let (outcome, _) = run(&support::fixtures_dir().join("sheets/formula.xlsx"));
    let x = outcome.result.expect("read");
    let f = x
        .report
        .figures
        .iter()
        .find(|f| f.metric.0 == "t3.total.total")
        .expect("figure");
    assert_eq!(f.raw, format!("={}", support::sheets::FORMULA));
    assert_eq!(f.semantic.as_str(), "text");
    assert_eq!(x.status(), "partial");
}

/// Real workbooks (budget forms with merged cells) are documents, not annual reports: read
/// them, invent nothing.
#[test]
fn real_workbooks_are_other_documents() {
    let mut paths = vec![support::fixtures_dir().join("real/department_budget_template.xlsx")];
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    if let Ok(rd) = std::fs::read_dir(&corpus) {
        let mut more: Vec<_> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "xlsx" || x == "xls"))
            .collect();
        more.sort();
        paths.extend(more);
    }
    for path in paths {
        let (outcome, report) = run(&path);
        let x = outcome
            .result
            .as_ref()
            .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
        assert_eq!(x.report.kind.as_str(), "other", "{}", path.display());
        assert!(x.report.figures.is_empty(), "{}", path.display());
        assert!(x.document.tables().count() > 0, "{}", path.display());
        assert_eq!(column(Table::Reports, &report, "figures"), "0");
        assert_eq!(column(Table::Reports, &report, "table_format"), "none");
    }
}

/// `nianbao inspect` says which template each table matched, and why a table matched none.
#[test]
fn inspect_explains_tables() {
    let run = |path: &Path| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .arg("inspect")
            .arg(path)
            .output()
            .expect("run nianbao inspect");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let text = run(&support::fixtures_dir().join("sheets/stacked.xlsx"));
    for want in [
        "T1 sheet «年报» 18×6 — matched t2 (10 figures)",
        "T2 sheet «年报» 48×12 — matched t3 (175 figures)",
        "T3 sheet «年报» 53×17 — matched t4 (15 figures)",
        "(from row 5 column 3)",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    let text = run(&support::fixtures_dir().join("sheets/three_sheets.xlsx"));
    assert!(
        text.contains("sheet «表四» (hidden) 6×15 — matched t4 (15 figures)"),
        "{text}"
    );
    let text = run(&support::fixtures_dir().join("real/department_budget_template.xlsx"));
    assert!(
        text.contains("— no template: no label of 表二, 表三 or 表四 in it"),
        "{text}"
    );
}

/// An Excel object pasted into a .docx (the workbook in `word/embeddings/`, a preview picture in
/// the text): the figures come from the workbook's cells, and the object is not reported unread.
#[test]
fn excel_object_in_a_docx_is_read_as_a_spreadsheet() {
    use support::docx::p_center;
    use support::report::{standard_docx_with, ReportSpec};
    let spec = ReportSpec::standard();
    let book = support::sheets::build_three_sheets(&spec);
    let preview = support::png::ruled_placeholder(300, 200, 6, 4);
    let docx = standard_docx_with(&spec, &|d, section| {
        if section != "active_disclosure" {
            return;
        }
        let emb = d.add_embedded_xlsx(book.clone());
        let img = d.add_png(preview.clone());
        d.push(&p_center(&format!(
            "<w:r><w:object><v:shape id=\"_x0000_i1025\" type=\"#_x0000_t75\" style=\"width:300pt;height:200pt\">\
<v:imagedata r:id=\"{img}\" o:title=\"\"/></v:shape>\
<o:OLEObject Type=\"Embed\" ProgID=\"Excel.Sheet.12\" ShapeID=\"_x0000_i1025\" DrawAspect=\"Content\" ObjectID=\"_1\" r:id=\"{emb}\"/>\
</w:object></w:r>"
        )));
    })
    .build();
    let x = nianbao::pipeline::process_bytes(&docx, &Options::default()).expect("read");
    let want = ReportSpec::standard().expected_figures();
    let errs = support::expect::figure_problems(&x.report.figures, &want, "sheet");
    assert!(errs.is_empty(), "{errs:#?}");
    assert!(
        !x.document.warnings.iter().any(|w| w.contains("embeddings")),
        "{:?}",
        x.document.warnings
    );
}
