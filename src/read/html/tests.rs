//! The reader on small pages; the generated report pages and the real page are in
//! `tests/e2e_html.rs`.

use super::*;
use crate::model::TableGrid;

fn read(page: &str) -> Document {
    read_html(page.as_bytes(), &Limits::default(), None).expect("read")
}

fn paragraphs(doc: &Document) -> Vec<String> {
    doc.body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.text.clone()),
            _ => None,
        })
        .collect()
}

fn tables(doc: &Document) -> Vec<&TableGrid> {
    doc.tables().collect()
}

const SITE: &str = r##"<html><head><title>某区2023年政府信息公开工作年度报告_某区人民政府</title>
<style>.print-only{display:none}</style></head><body>
<div class="top"><ul><li><a href="/">首页</a></li><li><a href="/xxgk">信息公开</a></li><li><a href="/zwdt">政务动态</a></li><li><a href="/hdjl">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk">政府信息公开</a> &gt; <a href="/nb">年度报告</a></div>
<div class="wrap">
 <h1 class="tit">某区2023年政府信息公开工作年度报告</h1>
 <div class="info">发布时间：2024-01-29 来源：区政府办公室 【打印】</div>
 <table class="meta"><tr><td>索 引 号：</td><td>000000-2024-00001</td><td>发布机构：</td><td>某区人民政府办公室</td></tr>
 <tr><td>成文日期：</td><td>2024-01-29</td><td>主题分类：</td><td>年度报告</td></tr></table>
 <div class="TRS_Editor"><p>本报告根据《条例》编制。本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。</p>
 <p>一、总体情况</p><p>2023年，某区坚持以公开为常态、不公开为例外，全面推进政务公开工作，主动公开政府信息1234条。</p>
 <table border="1"><tr><td rowspan="2">类别</td><td colspan="2">数量</td></tr><tr><td>本年</td><td>上年</td></tr>
 <tr><td>许可<br>决定</td><td>&nbsp;</td><td><p>12</p><p>件</p></td></tr></table>
 <div class="print-only">打印版重复的正文：本报告根据《条例》编制。</div>
 </div>
 <div class="share">分享到：<a href="#">微信</a><a href="#">微博</a><a href="#">QQ空间</a></div>
 <div class="related"><h3>相关文章</h3><ul><li><a href="/1">某区2022年政府信息公开工作年度报告</a></li><li><a href="/2">某区2021年政府信息公开工作年度报告</a></li></ul></div>
</div>
<div class="footer"><p>主办单位：某区人民政府办公室</p><p>地址：某区人民路1号 电话：0000-12345678</p><p>网站标识码：0000000001 某ICP备12345678号</p></div>
</body></html>"##;

#[test]
fn the_article_without_the_site_around_it() {
    let doc = read(SITE);
    let paras = paragraphs(&doc);
    assert_eq!(
        paras[0], "某区2023年政府信息公开工作年度报告",
        "title first: {paras:?}"
    );
    assert!(paras[1].starts_with("本报告根据《条例》编制。"));
    assert_eq!(paras[2], "一、总体情况");
    let all = paras.join("\n");
    for chrome in [
        "首页",
        "当前位置",
        "发布时间",
        "索 引 号",
        "分享到",
        "相关文章",
        "2022年",
        "主办单位",
        "人民路",
        "ICP备",
        "打印版",
    ] {
        assert!(!all.contains(chrome), "{chrome} leaked into {all}");
    }
    assert_eq!(
        tables(&doc).len(),
        1,
        "the metadata table is not a report table"
    );
    let furniture: Vec<String> = doc
        .furniture
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        furniture,
        ["发布机构：某区人民政府办公室", "成文日期：2024-01-29"]
    );
    assert!(
        doc.reader_notes
            .iter()
            .any(|n| n.contains("article in div.TRS_Editor")),
        "{:?}",
        doc.reader_notes
    );
}

#[test]
fn spans_blank_cells_and_line_breaks() {
    let doc = read(SITE);
    let t = tables(&doc)[0];
    assert_eq!((t.rows, t.cols), (3, 3));
    let cell = |r, c| {
        t.cells
            .iter()
            .find(|x| x.row == r && x.col == c)
            .expect("cell")
    };
    assert_eq!((cell(0, 0).rowspan, cell(0, 0).colspan), (2, 1));
    assert_eq!((cell(0, 1).rowspan, cell(0, 1).colspan), (1, 2));
    assert_eq!(cell(1, 1).text, "本年");
    assert_eq!(cell(2, 0).text, "许可\n决定");
    assert_eq!(cell(2, 1).text, "", "&nbsp; only is blank");
    assert_eq!(cell(2, 2).text, "12\n件");
    assert_eq!(t.origin, crate::model::TableOrigin::Html);
}

#[test]
fn a_fragment_reads_like_the_page() {
    let doc = read("<div class=\"article\"><p>某区2023年政府信息公开工作年度报告</p><p>一、总体情况</p><p>正文。</p></div>");
    assert_eq!(
        paragraphs(&doc),
        [
            "某区2023年政府信息公开工作年度报告",
            "一、总体情况",
            "正文。"
        ]
    );
    assert_eq!(
        crate::read::sniff(b"<div class=\"TRS_Editor\"><p>x</p></div>"),
        crate::read::Sniffed::Html
    );
    assert_eq!(
        crate::read::sniff(b"<!-- saved --><p>x</p>"),
        crate::read::Sniffed::Html
    );
}

#[test]
fn layout_tables_are_read_as_text() {
    let doc = read("<table><tr><td><h2>一、总体情况</h2><p>正文一。</p><table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table></td></tr></table>");
    assert_eq!(paragraphs(&doc), ["一、总体情况", "正文一。"]);
    let t = tables(&doc);
    assert_eq!(t.len(), 1);
    assert_eq!((t[0].rows, t[0].cols), (2, 2));
    assert!(doc
        .reader_notes
        .iter()
        .any(|n| n.starts_with("layout table")));
    let heading = doc.body.iter().find_map(|b| match b {
        Block::Paragraph(p) if p.text == "一、总体情况" => Some(p.clone()),
        _ => None,
    });
    assert_eq!(heading.and_then(|p| p.outline_level), Some(1));
}

#[test]
fn pictures_from_data_uris_and_remote_ones_listed() {
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==";
    let doc = read(&format!(
        "<div><p>表格如下。</p><img src=\"data:image/png;base64,{png}\"><img src=\"https://www.example.gov.cn/t.png\"><img src=\"data:image/png;base64,{png}\"></div>"
    ));
    assert_eq!(doc.images.len(), 1, "the same picture once");
    assert_eq!(doc.images[0].content_type, "image/png");
    let anchors = doc
        .body
        .iter()
        .filter(|b| matches!(b, Block::Image(0)))
        .count();
    assert_eq!(anchors, 2);
    assert!(doc
        .warnings
        .iter()
        .any(|w| w.contains("not fetched") && w.contains("https://www.example.gov.cn/t.png")));
}

#[test]
fn limits_are_named() {
    let deep = format!("<html><body>{}</body></html>", "<div>".repeat(100_000));
    let started = std::time::Instant::now();
    let e = read_html(deep.as_bytes(), &Limits::default(), None).expect_err("too deep");
    assert!(
        matches!(&e, ReadError::Limit(m) if m.contains("nested more than 256 deep")),
        "{e}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1));

    let small = Limits {
        max_xml_elements: 1000,
        ..Limits::default()
    };
    let many = "<p>x</p>".repeat(2000);
    assert!(
        matches!(read_html(many.as_bytes(), &small, None), Err(ReadError::Limit(m)) if m.contains("elements"))
    );
    let refs = format!("<p>{}</p>", "&amp;".repeat(2000));
    assert!(
        matches!(read_html(refs.as_bytes(), &small, None), Err(ReadError::Limit(m)) if m.contains("character references"))
    );

    let slots = Limits {
        max_table_slots: 100,
        ..Limits::default()
    };
    let wide = "<table><tr><td colspan=\"999\">a</td></tr><tr><td>b</td></tr></table>";
    assert!(
        matches!(read_html(wide.as_bytes(), &slots, None), Err(ReadError::Limit(m)) if m.contains("slots"))
    );
    let chars = Limits {
        max_cell_chars: 10,
        ..Limits::default()
    };
    let long = format!(
        "<table><tr><td>{}</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>",
        "长".repeat(50)
    );
    assert!(
        matches!(read_html(long.as_bytes(), &chars, None), Err(ReadError::Limit(m)) if m.contains("characters"))
    );
}

/// Found by a mutation run (branch web13): a comment left open at the end of a page made the
/// prescan step past the end of the text (a panic). It runs to the end, as html5ever reads it.
#[test]
fn a_comment_left_open_ends_the_page() {
    let doc = read("<p>年度报告正文</p><!-- 统计代码");
    assert_eq!(paragraphs(&doc), ["年度报告正文"]);
    let doc = read("<p>正文</p><!--");
    assert_eq!(paragraphs(&doc), ["正文"]);
}
