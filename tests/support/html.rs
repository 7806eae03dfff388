//! The standard report as web pages: a government site's page around it (navigation,
//! breadcrumbs, index-number table, share links, related articles, a footer with the site's own
//! address, phone and ICP number) in GBK declared as `gb2312`; the bare article fragment in
//! UTF-8; a single-file web page (.mht) with the tables as pictures; the 2019 trial format.
//! The tables are the .docx builder's own tables (`report::table2/3/4`) converted to HTML the way
//! Word saves them: `colspan` for `w:gridSpan`, `rowspan` for `w:vMerge`, `&nbsp;` in empty
//! cells, a `<p>` per paragraph.

use super::render::{render_table, table2_2021, table3_2021, table4_2021, RenderStyle};
use quick_xml::events::Event;

use super::report::{table2, table3, table4, Expected, Look, ReportSpec, SectionSpec, CN, V};

/// The site's own contacts in its footer: never the report's.
pub const FOOTER_ADDRESS: &str = "青川市东湖区府前大街88号";
pub const FOOTER_PHONE: &str = "0531-66668888";
/// The index-number table's dates, later than the report's own date (which must win).
pub const META_PUBLISHED: &str = "2024-02-05";

/// HTML-escapes text.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One cell of a Word table as read from the builder's XML.
struct WordCell {
    paras: Vec<String>,
    span: usize,
    /// `Some(true)` starts a vertical merge, `Some(false)` continues one.
    vmerge: Option<bool>,
}

/// A table of the .docx builder (WordprocessingML) as an HTML `<table>`.
pub fn word_table_to_html(xml: &str) -> String {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut rows: Vec<Vec<WordCell>> = Vec::new();
    let mut in_text = false;
    loop {
        match reader.read_event().expect("builder XML") {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name();
                let attr = |key: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == key)
                        .map(|a| a.value.to_string())
                };
                match name.as_ref() {
                    "w:tr" => rows.push(Vec::new()),
                    "w:tc" => rows.last_mut().expect("row").push(WordCell {
                        paras: Vec::new(),
                        span: 1,
                        vmerge: None,
                    }),
                    "w:gridSpan" => {
                        let cell = rows.last_mut().and_then(|r| r.last_mut()).expect("cell");
                        cell.span = attr("w:val").expect("val").parse().expect("span");
                    }
                    "w:vMerge" => {
                        let cell = rows.last_mut().and_then(|r| r.last_mut()).expect("cell");
                        cell.vmerge = Some(attr("w:val").as_deref() == Some("restart"));
                    }
                    "w:p" => {
                        if let Some(cell) = rows.last_mut().and_then(|r| r.last_mut()) {
                            cell.paras.push(String::new());
                        }
                    }
                    "w:br" => {
                        if let Some(p) = rows
                            .last_mut()
                            .and_then(|r| r.last_mut())
                            .and_then(|c| c.paras.last_mut())
                        {
                            p.push('\n');
                        }
                    }
                    "w:t" => in_text = true,
                    _ => {}
                }
            }
            Event::End(e) if e.name().as_ref() == "w:t" => in_text = false,
            Event::GeneralRef(r) if in_text => {
                let text = match &*r {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    _ => "'",
                };
                if let Some(p) = rows
                    .last_mut()
                    .and_then(|r| r.last_mut())
                    .and_then(|c| c.paras.last_mut())
                {
                    p.push_str(text);
                }
            }
            Event::Text(t) if in_text => {
                let text = t.xml10_content().into_owned();
                if let Some(p) = rows
                    .last_mut()
                    .and_then(|r| r.last_mut())
                    .and_then(|c| c.paras.last_mut())
                {
                    p.push_str(&text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Grid columns of each cell, then the rows each vertical merge covers.
    let cols: Vec<Vec<usize>> = rows
        .iter()
        .map(|r| {
            let mut c = 0;
            r.iter()
                .map(|cell| {
                    let at = c;
                    c += cell.span;
                    at
                })
                .collect()
        })
        .collect();
    let mut html = String::from(
        "<table class=\"MsoTableGrid\" border=\"1\" cellspacing=\"0\" cellpadding=\"0\" style=\"border-collapse:collapse\">\n<tbody>\n",
    );
    for (r, row) in rows.iter().enumerate() {
        html.push_str("<tr>");
        for (k, cell) in row.iter().enumerate() {
            if cell.vmerge == Some(false) {
                continue;
            }
            let mut rowspan = 1;
            if cell.vmerge == Some(true) {
                let col = cols[r][k];
                while let Some(below) = rows.get(r + rowspan).and_then(|next| {
                    cols[r + rowspan]
                        .iter()
                        .position(|&c| c == col)
                        .map(|i| &next[i])
                }) {
                    if below.vmerge != Some(false) {
                        break;
                    }
                    rowspan += 1;
                }
            }
            html.push_str("<td");
            if cell.span > 1 {
                html.push_str(&format!(" colspan=\"{}\"", cell.span));
            }
            if rowspan > 1 {
                html.push_str(&format!(" rowspan=\"{rowspan}\""));
            }
            html.push_str(" valign=\"center\">");
            let text: Vec<&String> = cell.paras.iter().filter(|p| !p.is_empty()).collect();
            if text.is_empty() {
                html.push_str("<p class=\"MsoNormal\" align=\"center\">&nbsp;</p>");
            }
            for p in text {
                html.push_str(&format!(
                    "<p class=\"MsoNormal\" align=\"center\"><span style=\"font-family:仿宋_GB2312\">{}</span></p>",
                    esc(p).replace('\n', "<br>")
                ));
            }
            html.push_str("</td>");
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

/// How the statistical tables of a page are given.
#[derive(Clone, Copy, PartialEq)]
pub enum Tables {
    /// HTML tables.
    Html,
    /// `<img>` of rendered pictures, with the `src` the page names each by.
    Pictures,
}

fn para(text: &str) -> String {
    format!("<p style=\"text-indent:2em\">{}</p>\n", esc(text))
}

/// The article: paragraphs as a TRS editor writes them, headings in `<strong>`, the tables.
pub fn article(spec: &ReportSpec, title_inside: bool, tables: Tables, contacts: bool) -> String {
    let mut h = String::new();
    if title_inside {
        h.push_str(&format!(
            "<p style=\"text-align:center\"><strong>{}{}年政府信息公开工作年度报告</strong></p>\n",
            esc(&spec.office),
            spec.year
        ));
    }
    for p in spec.preamble_paras() {
        h.push_str(&para(&p));
    }
    if contacts {
        h.push_str(&para(&spec.contacts_para()));
    }
    let look = Look::plain();
    let mut picture = 0;
    for s in &spec.sections {
        h.push_str(&format!("<p><strong>{}</strong></p>\n", esc(&s.heading())));
        section_body(&mut h, s);
        let xml = match s.id {
            "active_disclosure" => table2(spec, &look),
            "requests" => table3(spec, &look),
            "review_litigation" => table4(spec, &look),
            _ => continue,
        };
        match tables {
            Tables::Html => h.push_str(&word_table_to_html(&xml)),
            Tables::Pictures => {
                picture += 1;
                h.push_str(&format!(
                    "<p align=\"center\"><img width=\"600\" src=\"{}\"></p>\n",
                    picture_src(picture)
                ));
            }
        }
    }
    h.push_str(&format!(
        "<p style=\"text-align:right\">{}</p>\n<p style=\"text-align:right\">{}</p>\n",
        esc(&spec.office),
        esc(&spec.date_cn())
    ));
    h
}

fn section_body(h: &mut String, s: &SectionSpec) {
    for p in &s.intro {
        h.push_str(&para(p));
    }
    for (i, text) in s.subs.iter().enumerate() {
        h.push_str(&para(&format!("（{}）{text}", CN[i])));
    }
    for p in &s.outro {
        h.push_str(&para(p));
    }
}

/// Where the page finds picture `n` (1-based): Word's `X_files/` folder naming.
pub fn picture_src(n: usize) -> String {
    format!("standard_files/image{n:03}.png")
}

/// A government site's page around the article (UTF-8 text; the caller encodes it).
pub fn site_page(spec: &ReportSpec, charset: &str, tables: Tables, contacts: bool) -> String {
    let title = format!("{}{}年政府信息公开工作年度报告", spec.office, spec.year);
    let mut h = format!(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n\
<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n\
<meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\" />\n\
<title>{t}_青川市东湖区人民政府</title>\n\
<meta name=\"ArticleTitle\" content=\"{t}\" />\n\
<meta name=\"PubDate\" content=\"{META_PUBLISHED} 09:30\" />\n\
<link rel=\"stylesheet\" href=\"/images/2019/style.css\" />\n\
<style type=\"text/css\">.hide{{display:none}} .top a{{color:#fff}}</style>\n\
<script type=\"text/javascript\">var _hmt = _hmt || []; function doZoom(s){{document.getElementById('zoom').style.fontSize=s+'px';}}</script>\n\
</head>\n<body>\n",
        t = esc(&title)
    );
    h.push_str(
        "<div class=\"top\"><div class=\"logo\"><img src=\"/images/2019/logo.png\" alt=\"青川市东湖区人民政府\" /></div>\n\
<div class=\"search\"><form action=\"/search\"><input type=\"text\" name=\"q\" /><button>搜索</button></form></div></div>\n\
<div class=\"nav\"><ul><li><a href=\"/\">首页</a></li><li><a href=\"/zwgk/\">政务公开</a></li><li><a href=\"/zwfw/\">政务服务</a></li>\
<li><a href=\"/hdjl/\">互动交流</a></li><li><a href=\"/zjdh/\">走进东湖</a></li><li><a href=\"/ztzl/\">专题专栏</a></li></ul></div>\n\
<table width=\"1000\" border=\"0\" align=\"center\" cellpadding=\"0\" cellspacing=\"0\"><tr><td>\n\
<div class=\"crumb\">您当前的位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; <a href=\"/zwgk/zfxxgk/\">政府信息公开</a> &gt; <a href=\"/zwgk/zfxxgk/ndbg/\">政府信息公开年报</a></div>\n",
    );
    h.push_str(&format!(
        "<table class=\"xxgk_table\" width=\"100%\" border=\"1\" cellspacing=\"0\">\n\
<tr><td class=\"t\">索 引 号：</td><td>11370000MB2856310X/2024-00017</td><td class=\"t\">主题分类：</td><td>政务公开</td></tr>\n\
<tr><td class=\"t\">发布机构：</td><td>青川市东湖区人民政府办公室</td><td class=\"t\">成文日期：</td><td>{META_PUBLISHED}</td></tr>\n\
<tr><td class=\"t\">名　　称：</td><td colspan=\"3\">{}</td></tr>\n\
<tr><td class=\"t\">文　　号：</td><td></td><td class=\"t\">发布日期：</td><td>{META_PUBLISHED}</td></tr>\n</table>\n",
        esc(&title)
    ));
    h.push_str(&format!(
        "<div class=\"article\">\n<h1 class=\"title\">{}</h1>\n\
<div class=\"info\"><span>发布时间：{META_PUBLISHED} 09:30</span> <span>来源：区政府办公室</span> <span>浏览次数：1024</span>\
 <span>【字体：<a href=\"javascript:doZoom(18)\">大</a> <a href=\"javascript:doZoom(16)\">中</a> <a href=\"javascript:doZoom(14)\">小</a>】</span></div>\n\
<div class=\"TRS_Editor\" id=\"zoom\">\n",
        esc(&title)
    ));
    h.push_str(&article(spec, false, tables, contacts));
    h.push_str("</div>\n");
    // The print version's copy of the article, hidden as sites hide it.
    h.push_str(&format!(
        "<div class=\"hide\" id=\"print_copy\">{}</div>\n",
        para(&spec.preamble_paras()[0])
    ));
    h.push_str(
        "<div class=\"share\">分享到：<a href=\"#\" class=\"wx\">微信</a> <a href=\"#\" class=\"wb\">微博</a> <a href=\"#\" class=\"qz\">QQ空间</a>\
 <a href=\"javascript:window.print()\">【打印本页】</a> <a href=\"javascript:window.close()\">【关闭窗口】</a></div>\n\
<div class=\"related\"><h3>相关文章</h3><ul>\n\
<li><a href=\"/zwgk/zfxxgk/ndbg/202301/t20230131_1.html\">青川市东湖区人民政府办公室2022年政府信息公开工作年度报告</a><span>2023-01-31</span></li>\n\
<li><a href=\"/zwgk/zfxxgk/ndbg/202201/t20220128_2.html\">青川市东湖区人民政府办公室2021年政府信息公开工作年度报告</a><span>2022-01-28</span></li>\n\
<li><a href=\"/zwgk/zfxxgk/ndbg/202101/t20210129_3.html\">青川市东湖区人民政府办公室2020年政府信息公开工作年度报告</a><span>2021-01-29</span></li>\n\
</ul></div>\n</div>\n</td></tr></table>\n",
    );
    h.push_str(&format!(
        "<div class=\"footer\">\n<p><a href=\"/wzdt/\">网站地图</a> | <a href=\"/lxwm/\">联系我们</a> | <a href=\"/sybz/\">使用帮助</a></p>\n\
<p>主办单位：青川市东湖区人民政府办公室　承办单位：青川市东湖区大数据中心</p>\n\
<p>地址：{FOOTER_ADDRESS}　邮编：250099　电话：{FOOTER_PHONE}　传真：0531-66668889</p>\n\
<p>网站标识码：3701020001　<a href=\"https://beian.miit.gov.cn/\">鲁ICP备05012345号-1</a>　鲁公网安备 37010202000123号</p>\n\
</div>\n</body>\n</html>\n"
    ));
    h
}

/// `site_page` in GBK with `charset=gb2312` (as the sites write it).
pub fn site_page_gbk(spec: &ReportSpec) -> Vec<u8> {
    let text = site_page(spec, "gb2312", Tables::Html, true);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable, "the page is GBK");
    bytes.into_owned()
}

/// The article alone, as site archives store it: no html, head or body, UTF-8, no declaration.
pub fn fragment_utf8(spec: &ReportSpec) -> Vec<u8> {
    format!(
        "<div class=\"TRS_Editor\">\n{}</div>\n",
        article(spec, true, Tables::Html, true)
    )
    .into_bytes()
}

fn text(v: &V) -> String {
    match v {
        V::N(s) => s.clone(),
        V::Blank => String::new(),
        V::Na => "/".to_string(),
    }
}

/// The three tables of the spec as rendered pictures (PNG), in order.
pub fn table_pictures(spec: &ReportSpec) -> Vec<Vec<u8>> {
    let style = RenderStyle::default();
    vec![
        render_table(
            &table2_2021(&spec.t2.iter().map(text).collect::<Vec<_>>()),
            &style,
        ),
        render_table(
            &table3_2021(&spec.t3.iter().flatten().map(text).collect::<Vec<_>>()),
            &style,
        ),
        render_table(
            &table4_2021(&spec.t4.iter().map(text).collect::<Vec<_>>()),
            &style,
        ),
    ]
}

/// Quoted-printable as Word writes it: `=XX` for `=` and bytes over 126, soft breaks at 76.
fn quoted_printable(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut line = 0;
    for &b in bytes {
        let piece = if b == b'\n' {
            out.push_str("\r\n");
            line = 0;
            continue;
        } else if b == b'=' || b > 126 || (b < 32 && b != b'\t') {
            format!("={b:02X}")
        } else {
            (b as char).to_string()
        };
        if line + piece.len() > 75 {
            out.push_str("=\r\n");
            line = 0;
        }
        line += piece.len();
        out.push_str(&piece);
    }
    out
}

fn base64_lines(data: &[u8]) -> String {
    use base64::Engine;
    let b = base64::engine::general_purpose::STANDARD.encode(data);
    b.as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// A single-file web page as Word saves one: the page (GBK, quoted-printable) with the three
/// tables as pictures, each a base64 part named by `Content-Location`.
pub fn mht_pictures(spec: &ReportSpec) -> Vec<u8> {
    mht(spec, Tables::Pictures)
}

/// The same single-file web page with the tables as HTML tables (no picture parts).
pub fn mht_tables(spec: &ReportSpec) -> Vec<u8> {
    mht(spec, Tables::Html)
}

fn mht(spec: &ReportSpec, tables: Tables) -> Vec<u8> {
    let pictures = matches!(tables, Tables::Pictures);
    let boundary = "----=_NextPart_01DA5F3C.1A2B3C40";
    let page = format!(
        "<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:w=\"urn:schemas-microsoft-com:office:word\">\n\
<head>\n<meta http-equiv=Content-Type content=\"text/html; charset=gb2312\">\n<meta name=ProgId content=Word.Document>\n\
<title>{}{}年政府信息公开工作年度报告</title>\n</head>\n<body lang=ZH-CN style='text-justify-trim:punctuation'>\n<div class=WordSection1>\n{}</div>\n</body>\n</html>\n",
        esc(&spec.office),
        spec.year,
        article(spec, true, tables, true)
    );
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&page);
    assert!(!unmappable);
    let mut m = format!(
        "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"{boundary}\"\r\n\r\n\
此文档为“单个文件网页”，也称为“Web 档案”文件。\r\n\r\n--{boundary}\r\n\
Content-Location: file:///C:/D2F1A9B0/standard.htm\r\nContent-Transfer-Encoding: quoted-printable\r\n\
Content-Type: text/html; charset=\"gb2312\"\r\n\r\n"
    );
    m.push_str(&quoted_printable(&gbk));
    let parts = if pictures {
        table_pictures(spec)
    } else {
        Vec::new()
    };
    for (i, png) in parts.iter().enumerate() {
        m.push_str(&format!(
            "\r\n\r\n--{boundary}\r\nContent-Location: file:///C:/D2F1A9B0/{}\r\n\
Content-Transfer-Encoding: base64\r\nContent-Type: image/png\r\n\r\n{}",
            picture_src(i + 1),
            base64_lines(png)
        ));
    }
    m.push_str(&format!("\r\n\r\n--{boundary}--\r\n"));
    // the MIME text is ASCII, but for the one line of Word's notice
    let (bytes, _, _) = encoding_rs::GBK.encode(&m);
    bytes.into_owned()
}

/// The expectations of a page with HTML tables: the .docx's, the tables' origin `html`.
pub fn expected_page(spec: &ReportSpec) -> Expected {
    let mut e = spec.expected();
    e.origin = "html";
    e
}

/// The expectations of a page with the tables as pictures.
pub fn expected_pictures(spec: &ReportSpec) -> Expected {
    let mut e = spec.expected();
    e.origin = "image";
    e.locations = None;
    e.table_numbers = None;
    e
}

/// The generated pages under `fixtures/html/` (name, bytes, expectations).
pub fn pages() -> Vec<(&'static str, Vec<u8>, Expected)> {
    let spec = ReportSpec::standard();
    let trial = ReportSpec::trial_2019();
    let mut trial_expected = super::report::expected_trial(&trial);
    trial_expected.origin = "html";
    vec![
        (
            "fragment_utf8.html",
            fragment_utf8(&spec),
            expected_page(&spec),
        ),
        (
            "pictures.mht",
            mht_pictures(&spec),
            expected_pictures(&spec),
        ),
        (
            "trial_2019_site.htm",
            site_page(&trial, "utf-8", Tables::Html, true).into_bytes(),
            trial_expected,
        ),
    ]
}
