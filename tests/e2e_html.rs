//! End to end, web pages: the standard report as a government site's page in GBK (declared
//! `gb2312`), as a bare UTF-8 article fragment, as a Word single-file web page (.mht) with the
//! tables as pictures, with its pictures saved beside the page, and in the 2019 trial format —
//! each must give the sections, dates, contacts and figures its spec gives the .docx. The site's
//! footer contacts never become the report's. The real page in `fixtures/real/` must give its
//! rowspan table as the grid read from the file by hand, without the site around it.

mod support;

use std::path::Path;

use nianbao::model::Block;
use nianbao::pipeline::{process_bytes, process_file, Extracted, Options};
use nianbao::recognise::ReportKind;
use support::html::{self, Tables, FOOTER_ADDRESS, FOOTER_PHONE};
use support::report::ReportSpec;

fn options() -> Options {
    static OPTS: std::sync::OnceLock<Options> = std::sync::OnceLock::new();
    OPTS.get_or_init(|| {
        Options::with_ocr(None).unwrap_or_else(|e| panic!("{e} — run scripts/setup-models"))
    })
    .clone()
}

fn read(path: &Path, opts: &Options) -> Extracted {
    let outcome = process_file(path, opts);
    outcome
        .result
        .unwrap_or_else(|e| panic!("{}: {} {}", path.display(), e.stage, e.message))
}

fn fixture(rel: &str) -> std::path::PathBuf {
    support::fixtures_dir().join(rel)
}

/// The footer's address and phone are the website's, never the report's.
fn assert_no_footer_contacts(name: &str, x: &Extracted) {
    let c = &x.report.contacts;
    assert!(
        !c.phones.iter().any(|p| p == FOOTER_PHONE),
        "{name}: footer phone taken as a contact: {:?}",
        c.phones
    );
    assert_ne!(
        c.address.as_deref(),
        Some(FOOTER_ADDRESS),
        "{name}: footer address"
    );
    let text: String = x.report.sections.iter().map(|s| s.text.as_str()).collect();
    for chrome in [
        FOOTER_ADDRESS,
        "ICP备",
        "主办单位",
        "您当前的位置",
        "相关文章",
        "分享到",
        "索 引 号",
        "浏览次数",
    ] {
        assert!(!text.contains(chrome), "{name}: {chrome:?} in the sections");
    }
}

#[test]
fn site_page_in_gbk() {
    let sample = support::samples()
        .into_iter()
        .find(|s| s.ext == "html")
        .expect("the page sample");
    let x = read(
        &fixture(&format!("samples/{}", sample.file_name())),
        &Options::default(),
    );
    assert_eq!(x.report.kind, ReportKind::Annual);
    support::expect::check_report("standard.html", &x, &sample.expected, true);
    assert_no_footer_contacts("standard.html", &x);
    assert!(x.document.warnings.is_empty(), "{:?}", x.document.warnings);
    let notes = x.document.reader_notes.join("\n");
    for note in [
        "encoding GBK (declared by <meta>",
        "article in div#zoom.TRS_Editor",
        "page metadata in table.xxgk_table",
        "layout table table around the article",
        "title taken from h1.title",
    ] {
        assert!(notes.contains(note), "no note {note:?} in:\n{notes}");
    }
    // The index-number table is metadata, not a report table: the three tables are T1–T3.
    assert_eq!(x.document.tables().count(), 3);
}

#[test]
fn article_fragment_in_utf8() {
    let (_, _, expected) = html::pages()
        .into_iter()
        .find(|p| p.0 == "fragment_utf8.html")
        .expect("page");
    let x = read(&fixture("html/fragment_utf8.html"), &Options::default());
    support::expect::check_report("fragment_utf8.html", &x, &expected, true);
    assert!(
        x.document.reader_notes[0].contains("UTF-8 (guessed"),
        "{:?}",
        x.document.reader_notes
    );
}

#[test]
fn trial_2019_site_page() {
    let (_, _, expected) = html::pages()
        .into_iter()
        .find(|p| p.0 == "trial_2019_site.htm")
        .expect("page");
    let x = read(&fixture("html/trial_2019_site.htm"), &Options::default());
    support::expect::check_report("trial_2019_site.htm", &x, &expected, true);
    assert_no_footer_contacts("trial_2019_site.htm", &x);
}

#[test]
fn single_file_page_with_table_pictures() {
    let (_, _, expected) = html::pages()
        .into_iter()
        .find(|p| p.0 == "pictures.mht")
        .expect("page");
    let x = read(&fixture("html/pictures.mht"), &options());
    assert_eq!(x.document.images.len(), 3);
    assert!(x
        .document
        .images
        .iter()
        .all(|i| i.content_type == "image/png"
            && i.part.starts_with("file:///C:/D2F1A9B0/standard_files/")));
    support::expect::check_report("pictures.mht", &x, &expected, true);
}

#[test]
fn pictures_saved_beside_the_page() {
    let spec = ReportSpec::standard();
    let dir = tempfile::tempdir().expect("tmp");
    let page = dir.path().join("standard.html");
    std::fs::write(
        &page,
        html::site_page(&spec, "utf-8", Tables::Pictures, true),
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("standard_files")).expect("mkdir");
    for (i, png) in html::table_pictures(&spec).iter().enumerate() {
        std::fs::write(dir.path().join(html::picture_src(i + 1)), png).expect("write");
    }
    let x = read(&page, &options());
    assert_eq!(x.document.images.len(), 3, "{:?}", x.document.warnings);
    support::expect::check_report("pictures beside", &x, &html::expected_pictures(&spec), true);
    assert_no_footer_contacts("pictures beside", &x);

    // The same page from bytes alone: no folder to look in, said so, nothing read from disk.
    let bytes = std::fs::read(&page).expect("read");
    let x = process_bytes(&bytes, &Options::default()).expect("read");
    assert!(x.document.images.is_empty());
    assert!(x
        .document
        .warnings
        .iter()
        .any(|w| w.contains("not read from a folder")));
}

/// A report without contacts: the footer's address and phone still stay out.
#[test]
fn footer_never_fills_missing_contacts() {
    let spec = ReportSpec::standard();
    let page = html::site_page(&spec, "utf-8", Tables::Html, false);
    let x = process_bytes(page.as_bytes(), &Options::default()).expect("read");
    assert_no_footer_contacts("no contacts", &x);
    assert!(
        x.report.contacts.phones.is_empty(),
        "{:?}",
        x.report.contacts.phones
    );
    assert_eq!(x.report.contacts.address, None);
}

/// The index-number table's date is used only when the report prints none.
#[test]
fn metadata_date_fills_a_missing_date_only() {
    let spec = ReportSpec::standard();
    let page = html::site_page(&spec, "utf-8", Tables::Html, true);
    let with = process_bytes(page.as_bytes(), &Options::default()).expect("read");
    assert_eq!(
        with.report.published.map(|d| d.to_string()),
        Some("2024-01-26".into())
    );
    let closing = format!("<p style=\"text-align:right\">{}</p>", spec.date_cn());
    assert!(page.contains(&closing));
    let without = page.replace(&closing, "");
    let x = process_bytes(without.as_bytes(), &Options::default()).expect("read");
    assert_eq!(
        x.report.published.map(|d| d.to_string()),
        Some(html::META_PUBLISHED.into())
    );
}

/// The real page (nfra.gov.cn, a 行政处罚信息公开表): its table as read from the file by hand —
/// 3 rows × 6 columns, 决定书文号, 违法行为 and 决定机关 spanning both data rows — and none of
/// the site: not the menus, the disclaimer, the footer, nor the hidden second copy of the table.
#[test]
fn real_page_rowspan_table() {
    let x = read(
        &fixture("real/国家金融监督管理总局_行政处罚信息公开表_浙金罚决字2024-52号_page.html"),
        &Options::default(),
    );
    assert_eq!(x.report.kind, ReportKind::Other);
    let tables: Vec<_> = x.document.tables().collect();
    assert_eq!(tables.len(), 1, "one table (the hidden copy left out)");
    let t = tables[0];
    assert_eq!((t.rows, t.cols), (3, 6));
    let cells: Vec<(usize, usize, usize, usize, &str)> = t
        .cells
        .iter()
        .map(|c| (c.row, c.col, c.rowspan, c.colspan, c.text.as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            (0, 0, 1, 1, "序号"),
            (0, 1, 1, 1, "当事人名称"),
            (0, 2, 1, 1, "行政处罚决定书文号"),
            (0, 3, 1, 1, "主要违法违规行为"),
            (0, 4, 1, 1, "行政处罚内容"),
            (0, 5, 1, 1, "作出决定机关"),
            (1, 0, 1, 1, "1"),
            (1, 1, 1, 1, "中国太平洋财产保险股份有限公司温州分公司"),
            (1, 2, 2, 1, "浙金罚决字〔2024〕52号"),
            (
                1,
                3,
                2,
                1,
                "给予投保人保险合同约定以外的其他利益；编制或者提供虚假的报告、报表、文件、资料"
            ),
            (1, 4, 1, 1, "罚款56万元"),
            (1, 5, 2, 1, "浙江金融监管局"),
            (2, 0, 1, 1, "2"),
            (
                2,
                1,
                1,
                1,
                "陈首伟（时任中国太平洋财产保险股份有限公司温州分公司副总经理）"
            ),
            (2, 4, 1, 1, "警告并罚款14万元"),
        ]
    );
    let paras: Vec<&str> = x
        .document
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        paras,
        [
            "国家金融监督管理总局浙江监管局行政处罚信息公开表",
            "（浙金罚决字〔2024〕52号）"
        ]
    );
    assert!(x.report.contacts.phones.is_empty() && x.report.contacts.address.is_none());
}

/// `nianbao inspect` explains how the page was read.
#[test]
fn inspect_prints_the_reader_notes() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["inspect"])
        .arg(fixture("samples/standard.html"))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("reader   article in div#zoom.TRS_Editor"),
        "{stdout}"
    );
    assert!(stdout.contains("reader   layout table"), "{stdout}");
    assert!(stdout.contains("format   html"), "{stdout}");
}
