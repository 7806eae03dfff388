//! `nianbao review` end to end: the site of a batch (the samples, a report whose 表四 picture
//! prints a wrong total, a second year of an office with a planted carry-over break, and a report
//! whose text holds markup) opened in headless Chromium — the DOM after the page script ran, the
//! console, and a screenshot of each page kept under `target/tmp/review/`. The same site is
//! written from a database and from merged shards. Needs Chromium (`/usr/bin/chromium`, installed
//! by `.ci/run`; without it locally the browser part is skipped with a message), the OCR model
//! and the font fonts-wqy-microhei (as `e2e_pictures`).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;
use support::pictures::t4_picture_docx;
use support::render::{cell_boxes, table4_2021, RenderStyle};
use support::report::{build_standard, t3_with_carry, ReportSpec, V};

const CHROMIUM: &str = "/usr/bin/chromium";

use support::nianbao;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// 表四 whose review block is 9 + 6 + 0 + 1 = 16 but prints 15 as its total.
fn t4_values() -> Vec<&'static str> {
    vec![
        "9", "6", "0", "1", "15", "3", "8", "0", "18", "29", "0", "1", "0", "0", "1",
    ]
}

fn wrong_total_spec() -> ReportSpec {
    let mut spec = ReportSpec::standard();
    spec.t4 = t4_values().into_iter().map(V::n).collect();
    spec
}

/// 2022 of the standard office, carrying out 2 natural persons where 2023 (the standard
/// report) carries in another number.
const CARRIED_OUT_2022: [u32; 6] = [2, 0, 0, 1, 0, 0];

fn year_before_spec() -> ReportSpec {
    let mut spec = ReportSpec::standard();
    spec.year = 2022;
    spec.published = (2023, 1, 20);
    spec.t3 = t3_with_carry([1, 1, 0, 0, 0, 0], CARRIED_OUT_2022);
    spec
}

const SCRIPT_PAYLOAD: &str = "<script>document.title='pwned'</script>";
const IMG_PAYLOAD: &str = "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">";

fn hostile_spec() -> ReportSpec {
    let mut spec = ReportSpec::standard();
    spec.office = "青川市西山区人民政府".into();
    spec.sections[0].intro.push(format!(
        "本段含标记{SCRIPT_PAYLOAD}与{IMG_PAYLOAD}，应原样显示。"
    ));
    spec
}

struct Batch {
    _tmp: tempfile::TempDir,
    site: PathBuf,
    /// Files extracted: the samples and the three reports written by `batch`.
    files: usize,
}

fn batch() -> Batch {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let inputs = root.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let style = RenderStyle::default();
    std::fs::write(
        inputs.join("wrong_total.docx"),
        t4_picture_docx(&wrong_total_spec(), &style, 99),
    )
    .unwrap();
    std::fs::write(
        inputs.join("year_before.docx"),
        build_standard(&year_before_spec()),
    )
    .unwrap();
    std::fs::write(inputs.join("hostile.docx"), build_standard(&hostile_spec())).unwrap();
    let out = root.join("out");
    let samples = support::fixtures_dir().join("samples");
    let (code, err) = nianbao(&["extract", s(&samples), s(&inputs), "--out", s(&out)]);
    assert_eq!(code, 0, "{err}");
    let site = root.join("site");
    let (code, err) = nianbao(&["review", s(&out), "--out", s(&site)]);
    assert_eq!(code, 0, "{err}");
    // Every sample plus the three reports written above.
    let files = std::fs::read_dir(&samples).unwrap().count() + 3;
    assert!(err.contains(&format!("review of {files} files")), "{err}");
    Batch {
        _tmp: tmp,
        site,
        files,
    }
}

/// The first element matching `pattern` (a regex over its start tag) and its attributes.
fn start_tag<'a>(html: &'a str, pattern: &str) -> &'a str {
    let re = Regex::new(pattern).unwrap();
    re.find(html)
        .unwrap_or_else(|| panic!("no {pattern}"))
        .as_str()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let re = Regex::new(&format!(r#"\s{name}="([^"]*)""#)).unwrap();
    re.captures(tag).map(|c| c.get(1).unwrap().as_str())
}

/// The page of the report read from `file`, as linked from the index.
fn report_page(index: &str, file: &str) -> String {
    let row = index
        .split("<tr ")
        .find(|r| r.contains(&format!("{file}</td></tr>")))
        .unwrap_or_else(|| panic!("no row for {file}"));
    let link = Regex::new(r#"<a href="(r/[0-9a-f]{16}\.html)">"#).unwrap();
    link.captures(row).expect("linked")[1].to_string()
}

/// Runs headless Chromium on a page: the DOM after the scripts ran, and the console messages
/// (Chromium logs each as `INFO:CONSOLE`); a screenshot is kept under target/tmp/review/.
fn chromium(page: &Path, screenshot: &str) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.display());
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ];
    let run = |extra: &[String]| {
        let out = Command::new(CHROMIUM)
            .args(flags)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(&url)
            .output()
            .expect("run chromium");
        assert!(out.status.success(), "chromium failed on {url}");
        out
    };
    let dom = run(&["--dump-dom".to_string()]);
    let console: Vec<String> = String::from_utf8_lossy(&dom.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("review");
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join(screenshot);
    run(&[
        "--window-size=1280,2000".to_string(),
        format!("--screenshot={}", png.display()),
    ]);
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
        "{}",
        png.display()
    );
    (String::from_utf8(dom.stdout).unwrap(), console)
}

fn has_chromium() -> bool {
    if Path::new(CHROMIUM).is_file() {
        return true;
    }
    eprintln!("SKIPPED: {CHROMIUM} is missing (apt-get install chromium); .ci/run installs it");
    false
}

/// The box of 行政复议 总计 in the rendered 表四 picture, from the renderer (not from nianbao's
/// reading of it).
fn rendered_total_box() -> [u32; 4] {
    let texts: Vec<String> = t4_values().iter().map(|v| v.to_string()).collect();
    let boxes = cell_boxes(&table4_2021(&texts), &RenderStyle::default()).unwrap();
    boxes[boxes.len() - 15 + 4]
}

fn parse_box(text: &str) -> [u32; 4] {
    let v: Vec<u32> = text.split(',').map(|n| n.parse().unwrap()).collect();
    v.try_into().unwrap()
}

#[test]
fn the_site_shows_findings_pictures_and_charts_in_a_browser() {
    let b = batch();
    let index_html = std::fs::read_to_string(b.site.join("index.html")).unwrap();
    // nothing is fetched from anywhere: no link or source outside the site and the outputs
    let remote = Regex::new(r#"(src|href)="(https?:)?//"#).unwrap();
    assert!(!remote.is_match(&index_html));
    let wrong = report_page(&index_html, "wrong_total.docx");
    let hostile = report_page(&index_html, "hostile.docx");
    let wrong_html = std::fs::read_to_string(b.site.join(&wrong)).unwrap();
    assert!(!remote.is_match(&wrong_html));

    // without a browser: the failing cell's markup as written
    let td = start_tag(&wrong_html, r#"<td[^>]*id="m-t4\.review\.total"[^>]*>"#);
    assert_eq!(attr(td, "data-check"), Some("fail"), "{td}");
    let want = rendered_total_box();
    let got = parse_box(attr(td, "data-box").expect("data-box"));
    assert!(
        got.iter().zip(want).all(|(g, w)| g.abs_diff(w) <= 4),
        "box {got:?} where the renderer drew {want:?}"
    );

    if !has_chromium() {
        return;
    }

    let (dom, console) = chromium(&b.site.join("index.html"), "index.png");
    assert!(console.is_empty(), "console: {console:#?}");
    let html = start_tag(&dom, r"<html[^>]*>");
    assert_eq!(
        attr(html, "data-js"),
        Some("ready"),
        "page script ran: {html}"
    );
    assert_eq!(attr(html, "data-js-error"), None);
    // the filters are shown by the script; the table lists every file
    let filters = start_tag(&dom, r#"<div[^>]*id="filters"[^>]*>"#);
    assert!(!filters.contains("hidden"), "{filters}");
    let shown = Regex::new(r#"<span id="shown">显示 (\d+) / (\d+)</span>"#).unwrap();
    let c = shown.captures(&dom).expect("count shown by the script");
    let all = b.files.to_string();
    assert_eq!((&c[1], &c[2]), (all.as_str(), all.as_str()));
    // the row of the report with the wrong total counts its failed check
    let row = start_tag(
        &dom,
        &format!(r#"<tr[^>]*>\s*<td><a href="{}""#, regex::escape(&wrong)),
    );
    assert_eq!(attr(row, "data-failed"), Some("1"), "{row}");
    // the charts: requests per office and year with one bar per outcome, the share with failed
    // checks (1 of the 13 annual reports of 2023, none of 2022), and the failing check
    let requests = start_tag(&dom, r#"<svg[^>]*data-chart="requests"[^>]*>"#);
    assert!(requests.contains("viewBox"));
    let granted =
        Regex::new(r#"<rect class="s0"[^>]*data-series="予以公开" data-value="(\d+)""#).unwrap();
    let standard_granted: u32 = ReportSpec::standard().t3[2][6].num() as u32;
    assert!(granted
        .captures_iter(&dom)
        .any(|c| c[1].parse::<u32>().unwrap() == standard_granted));
    assert!(dom.contains("data-chart=\"failed-share\""));
    let failing = start_tag(&dom, r#"<svg[^>]*data-chart="failing-checks"[^>]*>"#);
    assert!(failing.contains("viewBox"));
    assert!(
        dom.contains("1 份 · t4.block_total"),
        "the failing check is named"
    );

    let (dom, console) = chromium(&b.site.join(&wrong), "report_failed_check.png");
    assert!(console.is_empty(), "console: {console:#?}");
    assert_eq!(
        attr(start_tag(&dom, r"<html[^>]*>"), "data-js"),
        Some("ready")
    );
    let td = start_tag(&dom, r#"<td[^>]*id="m-t4\.review\.total"[^>]*>"#);
    assert_eq!(attr(td, "data-metric"), Some("t4.review.total"));
    assert_eq!(attr(td, "data-check"), Some("fail"));
    assert_eq!(attr(td, "data-origin"), Some("image"));
    assert!(attr(td, "class").unwrap().split(' ').any(|c| c == "fail"));
    let cell_box = attr(td, "data-box").expect("data-box").to_string();
    // its value as printed, and the cells of the identity it belongs to fail with it
    let value = Regex::new(r#"id="m-t4\.review\.total"[^>]*>15<"#).unwrap();
    assert!(value.is_match(&dom));
    for m in ["upheld", "corrected", "other", "pending"] {
        let td = start_tag(&dom, &format!(r#"<td[^>]*id="m-t4\.review\.{m}"[^>]*>"#));
        assert_eq!(attr(td, "data-check"), Some("fail"), "{td}");
    }
    // a cell no check uses, and a Word-table cell that passes
    let td = start_tag(&dom, r#"<td[^>]*id="m-t2\.penalty\.decisions"[^>]*>"#);
    assert_eq!(
        (attr(td, "data-check"), attr(td, "data-origin")),
        (Some("none"), Some("word"))
    );
    let td = start_tag(&dom, r#"<td[^>]*id="m-t3\.total\.total"[^>]*>"#);
    assert_eq!(attr(td, "data-check"), Some("pass"));
    // the failed check is listed with links to its cells
    let check = start_tag(
        &dom,
        r#"<li class="failed-check" data-check-id="t4\.block_total">"#,
    );
    assert!(!check.is_empty());
    assert!(dom.contains("href=\"#m-t4.review.total\""));
    // the picture, with the cell's box drawn on it in the picture's pixels
    let rect = start_tag(&dom, r#"<rect[^>]*id="box-t4\.review\.total"[^>]*>"#);
    assert_eq!(attr(rect, "data-box"), Some(cell_box.as_str()));
    assert!(attr(rect, "class").unwrap().contains("fail"));
    let [x, y, w, h] = parse_box(&cell_box);
    assert_eq!(
        (
            attr(rect, "x"),
            attr(rect, "y"),
            attr(rect, "width"),
            attr(rect, "height")
        ),
        (
            Some(x.to_string().as_str()),
            Some(y.to_string().as_str()),
            Some(w.to_string().as_str()),
            Some(h.to_string().as_str())
        )
    );
    let image = start_tag(&dom, r#"<image [^>]*>"#);
    let href = attr(image, "href").expect("picture linked");
    // linked from the output's images/, not copied into the site
    assert!(href.starts_with("../../out/images/"), "{href}");
    let linked = b.site.join("r").join(href);
    assert!(linked.is_file(), "{}", linked.display());
    assert_eq!(std::fs::read_dir(b.site.join("images")).unwrap().count(), 0);
    // the cells read again show their first and kept readings
    let td = start_tag(&dom, r#"<td[^>]*id="m-t4\.review\.total"[^>]*>"#);
    assert_eq!(
        (attr(td, "data-first"), attr(td, "data-kept")),
        (Some("15"), Some("15"))
    );
    assert!(
        dom.contains("read again with other preprocessing"),
        "warnings shown"
    );

    // markup in a report's text is shown as text and runs nothing
    let (dom, console) = chromium(&b.site.join(&hostile), "report_markup.png");
    assert!(console.is_empty(), "console: {console:#?}");
    let body = start_tag(&dom, r"<body[^>]*>");
    assert_eq!(body, "<body>");
    assert!(!dom.contains("<title>pwned"));
    assert_eq!(
        dom.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!dom.contains("<img"));
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(dom.contains(
        "\"&gt;&lt;img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"&gt;"
    ));

    // the office with two years: the carry-over break and the sections copied
    let re = Regex::new(r#"href="\.\./(o/[0-9a-f]{16}\.html)">本机关历年对比"#).unwrap();
    let office = re.captures(&wrong_html).expect("office page linked")[1].to_string();
    let (dom, console) = chromium(&b.site.join(&office), "office.png");
    assert!(console.is_empty(), "console: {console:#?}");
    let carried_in_2023 = ReportSpec::standard().t3[1][0].num();
    let row = start_tag(
        &dom,
        r#"<tr[^>]*data-check-id="carry_over\.natural_person"[^>]*>"#,
    );
    let status = if carried_in_2023 == f64::from(CARRIED_OUT_2022[0]) {
        "pass"
    } else {
        "fail"
    };
    assert_eq!(attr(row, "data-check"), Some(status));
    assert!(dom.contains("data-chart=\"t3-new-total\""));
    assert!(dom.contains("<li data-section=\"overview\">2023年"));
}

#[test]
fn the_same_site_from_a_database_and_from_merged_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::write(
        inputs.join("wrong_total.docx"),
        t4_picture_docx(&wrong_total_spec(), &RenderStyle::default(), 99),
    )
    .unwrap();
    std::fs::write(inputs.join("hostile.docx"), build_standard(&hostile_spec())).unwrap();
    let (all, db) = (tmp.path().join("all"), tmp.path().join("db.sqlite"));
    let (code, err) = nianbao(&["extract", s(&inputs), "--out", s(&all), "--db", s(&db)]);
    assert_eq!(code, 0, "{err}");
    let mut shards = Vec::new();
    for k in 1..=2 {
        let out = tmp.path().join(format!("shard{k}"));
        let (code, err) = nianbao(&[
            "extract",
            s(&inputs),
            "--out",
            s(&out),
            "--shard",
            &format!("{k}/2"),
        ]);
        assert_eq!(code, 0, "{err}");
        shards.push(out);
    }
    let site = |name: &str, args: &[&str]| -> PathBuf {
        let dir = tmp.path().join(name);
        let mut all_args = vec!["review"];
        all_args.extend(args);
        all_args.extend(["--out", s(&dir)]);
        let (code, err) = nianbao(&all_args);
        assert_eq!(code, 0, "{err}");
        dir
    };
    let from_folder = site("from_folder", &[s(&all)]);
    let from_db = site("from_db", &["--db", s(&db)]);
    let from_shards = site("from_shards", &[s(&shards[0]), s(&shards[1])]);
    let cell = |dir: &Path| -> String {
        let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
        let page = report_page(&index, "wrong_total.docx");
        let html = std::fs::read_to_string(dir.join(page)).unwrap();
        start_tag(&html, r#"<td[^>]*id="m-t4\.review\.total"[^>]*>"#).to_string()
    };
    let want = cell(&from_folder);
    assert!(want.contains("data-check=\"fail\""), "{want}");
    assert_eq!(cell(&from_db), want);
    assert_eq!(cell(&from_shards), want);
    // a database's pictures are not files: they are written into the site and linked there
    let index = std::fs::read_to_string(from_db.join("index.html")).unwrap();
    let html =
        std::fs::read_to_string(from_db.join(report_page(&index, "wrong_total.docx"))).unwrap();
    let href = attr(start_tag(&html, r"<image [^>]*>"), "href")
        .unwrap()
        .to_string();
    assert!(href.starts_with("../images/"), "{href}");
    assert_eq!(
        std::fs::read(from_db.join("r").join(&href)).unwrap(),
        std::fs::read(
            all.join("images")
                .join(href.trim_start_matches("../images/"))
        )
        .unwrap()
    );
    // merged shards link each picture from its own shard's images/
    let index = std::fs::read_to_string(from_shards.join("index.html")).unwrap();
    let html =
        std::fs::read_to_string(from_shards.join(report_page(&index, "wrong_total.docx"))).unwrap();
    let href = attr(start_tag(&html, r"<image [^>]*>"), "href")
        .unwrap()
        .to_string();
    assert!(href.starts_with("../../shard"), "{href}");
    assert!(from_shards.join("r").join(&href).is_file());
}
