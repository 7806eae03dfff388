//! Unit tests: small .docx packages built in memory from raw XML.

use std::io::Write;

use super::numbering::format_number;
use super::read_docx;
use crate::model::{Block, Cell, Document, Paragraph, TableGrid};
use crate::read::{Limits, ReadError};

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office""#;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// Builds a package: `parts` are (part name, content) pairs; `rels` are the main part's
/// relationships as (id, type suffix, target relative to `word/`); a target starting with
/// `http` is external.
fn package(parts: &[(&str, &[u8])], rels: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, data: &[u8]| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(data).unwrap();
    };
    put(
        "[Content_Types].xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
    );
    put(
        "_rels/.rels",
        br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
    );
    let mut r = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (id, kind, target) in rels {
        let mode = if target.starts_with("http") {
            r#" TargetMode="External""#
        } else {
            ""
        };
        r.push_str(&format!(
            r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"{mode}/>"#
        ));
    }
    r.push_str("</Relationships>");
    put("word/_rels/document.xml.rels", r.as_bytes());
    for (name, data) in parts {
        put(name, data);
    }
    zip.finish().unwrap().into_inner()
}

fn doc_xml(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    )
}

fn part_xml(root: &str, inner: &str) -> String {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:{root} {NS}>{inner}</w:{root}>"#)
}

/// Reads a body with optional styles and numbering parts.
fn read_with(body: &str, styles: Option<&str>, numbering: Option<&str>) -> Document {
    let doc = doc_xml(body);
    let st = styles.map(|s| part_xml("styles", s));
    let nu = numbering.map(|n| part_xml("numbering", n));
    let mut parts: Vec<(&str, &[u8])> = vec![("word/document.xml", doc.as_bytes())];
    let mut rels = Vec::new();
    if let Some(s) = &st {
        parts.push(("word/styles.xml", s.as_bytes()));
        rels.push(("rIdS", "styles", "styles.xml"));
    }
    if let Some(n) = &nu {
        parts.push(("word/numbering.xml", n.as_bytes()));
        rels.push(("rIdN", "numbering", "numbering.xml"));
    }
    read_docx(&package(&parts, &rels), &Limits::default()).expect("readable")
}

fn read(body: &str) -> Document {
    read_with(body, None, None)
}

fn paras(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.printed()),
            _ => None,
        })
        .collect()
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

fn np(num: i64, ilvl: i64, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
    )
}

fn cell(row: usize, col: usize, rowspan: usize, colspan: usize, text: &str) -> Cell {
    Cell {
        row,
        col,
        rowspan,
        colspan,
        text: text.into(),
        bbox: None,
        confidence: None,
        page_box: None,
    }
}

fn table(b: &Block) -> &TableGrid {
    match b {
        Block::Table(t) => t,
        other => panic!("expected a table, got {other:?}"),
    }
}

const NUMBERING: &str = r#"
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1、"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1.%2"/><w:isLgl/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%3"/><w:lvlRestart w:val="0"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="3">
  <w:numStyleLink w:val="ListStyle"/>
</w:abstractNum>
<w:abstractNum w:abstractNumId="4">
  <w:styleLink w:val="ListStyle"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="ideographTraditional"/><w:lvlText w:val="%1."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="5">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0B7;"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="6">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%1）"/></w:lvl>
</w:abstractNum>
<w:num w:numId="8"><w:abstractNumId w:val="6"/></w:num>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="4"/></w:num>
<w:num w:numId="6"><w:abstractNumId w:val="3"/></w:num>
<w:num w:numId="7"><w:abstractNumId w:val="5"/></w:num>
"#;

const STYLES: &str = r#"
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="标题 2"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="a4"><w:name w:val="my heading"/><w:basedOn w:val="Heading1"/></w:style>
<w:style w:type="paragraph" w:styleId="ListHead"><w:name w:val="list head"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="numbering" w:styleId="ListStyle"><w:name w:val="list style"/><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style>
"#;

#[test]
fn numbering_labels_are_rendered_as_printed() {
    let body = [
        np(1, 0, "总体情况"),
        np(1, 1, "主动公开"),
        np(1, 1, "依申请公开"),
        np(1, 0, "收到和处理"),
        np(1, 1, "重新开始"),
        r#"<w:p><w:pPr><w:pStyle w:val="ListHead"/></w:pPr><w:r><w:t>样式编号</w:t></w:r></w:p>"#
            .to_string(),
        np(2, 0, "三"),
        np(2, 0, "四"),
        np(3, 0, "七"),
        np(2, 0, "八"),
        np(0, 0, "不编号"),
        np(4, 0, "a"),
        np(4, 1, "b"),
        np(4, 2, "c"),
        np(4, 0, "d"),
        np(4, 2, "e"),
        np(6, 0, "链接"),
        np(6, 0, "链接"),
        np(7, 0, "项目"),
        np(8, 0, "括号"),
        np(8, 0, "括号"),
        p("无"),
    ]
    .concat();
    let d = read_with(&body, Some(STYLES), Some(NUMBERING));
    let labels: Vec<Option<String>> = d
        .body
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => p.label.clone(),
            _ => panic!("paragraphs only"),
        })
        .collect();
    let want: Vec<Option<&str>> = vec![
        Some("一、"),
        Some("（一）"),
        Some("（二）"),
        Some("二、"),
        Some("（一）"),
        Some("三、"),
        Some("3、"),
        Some("4、"),
        Some("7、"),
        Some("8、"),
        None,
        Some("1."),
        Some("1.1"),
        Some("①"),
        Some("2."),
        Some("②"),
        Some("甲."),
        Some("乙."),
        Some("•"),
        Some("（一）"),
        Some("（二）"),
        None,
    ];
    let want: Vec<Option<String>> = want.into_iter().map(|o| o.map(String::from)).collect();
    assert_eq!(labels, want);
    assert_eq!(paras(&d.body)[0], "一、总体情况");
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
}

#[test]
fn number_formats() {
    let f = |n, fmt| format_number(n, fmt, None).unwrap();
    let cc: Vec<String> = [1, 9, 10, 11, 19, 20, 21, 99, 100, 101, 110, 1010, 10000]
        .iter()
        .map(|&n| f(n, "chineseCounting"))
        .collect();
    assert_eq!(
        cc,
        [
            "一",
            "九",
            "十",
            "十一",
            "十九",
            "二十",
            "二十一",
            "九十九",
            "一百",
            "一百零一",
            "一百一十",
            "一千零一十",
            "一万"
        ]
    );
    assert_eq!(f(12, "chineseCountingThousand"), "十二");
    assert_eq!(f(3, "taiwaneseCounting"), "三");
    assert_eq!(f(12, "chineseLegalSimplified"), "壹拾贰");
    assert_eq!(f(3, "chineseLegalSimplified"), "叁");
    assert_eq!(f(3, "ideographTraditional"), "丙");
    assert_eq!(f(12, "decimalFullWidth"), "１２");
    assert_eq!(f(1, "decimalEnclosedCircle"), "①");
    assert_eq!(f(21, "decimalEnclosedCircle"), "㉑");
    assert_eq!(f(28, "upperLetter"), "BB");
    assert_eq!(f(3, "lowerLetter"), "c");
    assert_eq!(f(14, "upperRoman"), "XIV");
    assert_eq!(f(4, "lowerRoman"), "iv");
    assert_eq!(f(4, "none"), "");
    assert_eq!(
        format_number(5, "custom", Some("001, 002, 003")).unwrap(),
        "005"
    );
    assert!(format_number(1, "hebrew2", None).is_none());
}

#[test]
fn styles_give_names_and_outline_levels() {
    let body = r#"
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>一级</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="a3"/></w:pPr><w:r><w:t>二级</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="a4"/></w:pPr><w:r><w:t>继承</w:t></w:r></w:p>
<w:p><w:pPr><w:outlineLvl w:val="2"/></w:pPr><w:r><w:t>直接</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:outlineLvl w:val="9"/></w:pPr><w:r><w:t>正文</w:t></w:r></w:p>
<w:p><w:r><w:t>普通</w:t></w:r></w:p>"#;
    let d = read_with(body, Some(STYLES), None);
    let got: Vec<Paragraph> = d
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    let mk = |text: &str, style: Option<&str>, lvl: Option<u8>| Paragraph {
        label: None,
        text: text.into(),
        style: style.map(String::from),
        outline_level: lvl,
        page_box: None,
        confidence: None,
    };
    assert_eq!(
        got,
        vec![
            mk("一级", Some("heading 1"), Some(0)),
            mk("二级", Some("标题 2"), Some(1)),
            mk("继承", Some("my heading"), Some(0)),
            mk("直接", None, Some(2)),
            mk("正文", Some("heading 1"), None),
            mk("普通", None, None),
        ]
    );
}

#[test]
fn tracked_changes_keep_insertions_and_drop_deletions() {
    let body = r#"<w:p><w:pPr><w:pPrChange w:id="1"><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:pPrChange></w:pPr><w:r><w:t>保留</w:t></w:r><w:del w:id="2"><w:r><w:delText>删除</w:delText></w:r></w:del><w:ins w:id="3"><w:r><w:t>插入</w:t></w:r></w:ins><w:moveFrom><w:r><w:t>旧</w:t></w:r></w:moveFrom><w:moveTo><w:r><w:t>新</w:t></w:r></w:moveTo></w:p>"#;
    let d = read_with(body, None, Some(NUMBERING));
    assert_eq!(paras(&d.body), ["保留插入新"]);
}

#[test]
fn split_runs_tabs_breaks_and_symbols() {
    let body = r#"<w:p><w:r><w:t>20</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>23</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">年 </w:t><w:br/><w:noBreakHyphen/><w:softHyphen/><w:sym w:font="Wingdings" w:char="F06C"/><w:sym w:font="SimSun" w:char="2460"/><w:cr/></w:r></w:p>"#;
    assert_eq!(paras(&read(body).body), ["2023\t年 \n-l①\n"]);
}

#[test]
fn fields_keep_only_results() {
    let body = r#"
<w:p><w:r><w:t>第</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>5</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页</w:t></w:r></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>IF </w:instrText></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DATE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>内层</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>结果</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:p><w:fldSimple w:instr=" DATE \@ &quot;yyyy年&quot; "><w:r><w:t>2024年</w:t></w:r></w:fldSimple></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>TOC</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>目录一</w:t></w:r></w:p>
<w:p><w:r><w:t>目录二</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>之后</w:t></w:r></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>NUMPAGES</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>无结果</w:t></w:r></w:p>
<w:p><w:r><w:t>坏</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:t>隐</w:t></w:r></w:p>
<w:p><w:r><w:t>未隐藏</w:t></w:r></w:p>"#;
    assert_eq!(
        paras(&read(body).body),
        [
            "第5页",
            "结果",
            "2024年",
            "目录一",
            "目录二之后",
            "无结果",
            "坏",
            "未隐藏"
        ]
    );
}

#[test]
fn wrappers_are_transparent() {
    let body = r#"
<w:p><w:hyperlink r:id="rId9"><w:r><w:t>链接</w:t></w:r></w:hyperlink><w:smartTag w:uri="x" w:element="date"><w:r><w:t>标签</w:t></w:r></w:smartTag><w:customXml w:element="c"><w:r><w:t>定制</w:t></w:r></w:customXml><w:sdt><w:sdtPr><w:alias w:val="别名"/><w:text/></w:sdtPr><w:sdtContent><w:r><w:t>内容</w:t></w:r></w:sdtContent></w:sdt><w:dir w:val="ltr"><w:bdo w:val="ltr"><w:r><w:t>方向</w:t></w:r></w:bdo></w:dir></w:p>
<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>块级</w:t></w:r></w:p></w:sdtContent></w:sdt>
<w:customXml w:element="x">"#.to_string() + &p("定制块") + "</w:customXml>";
    assert_eq!(
        paras(&read(&body).body),
        ["链接标签定制内容方向", "块级", "定制块"]
    );
}

const TEXTBOX_AC: &str = r#"<w:p><w:r><w:t>锚</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="文本框 1"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>联系电话：123</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>联系电话：123</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>点</w:t></w:r></w:p>"#;

#[test]
fn text_boxes_are_read_once_after_their_anchor() {
    let body = format!(
        "{TEXTBOX_AC}{}{}{}",
        r#"<w:p><w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>地址</w:t></w:r></w:p><w:p><w:r><w:t>邮编</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"#,
        r#"<w:p><w:r><mc:AlternateContent><mc:Choice Requires="cx1"><w:r><w:t>新</w:t></w:r></mc:Choice><mc:Fallback><w:t>旧</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>"#,
        r#"<w:p><w:r><w:drawing><a:graphic><a:graphicData><a:p><a:r><a:t>形状</a:t></a:r></a:p></a:graphicData></a:graphic></w:drawing></w:r></w:p>"#
    );
    assert_eq!(
        paras(&read(&body).body),
        ["锚点", "联系电话：123", "", "地址", "邮编", "旧", ""]
    );
}

#[test]
fn merged_cells_form_one_cell_each() {
    let body = r#"<w:tbl><w:tblPr><w:tblW w:w="0"/></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>B</w:t></w:r></w:p><w:p><w:r><w:t>B2</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>C</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>D</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>
<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>E</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>H</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc></w:tr>
<w:tr><w:trPr><w:gridAfter w:val="2"/></w:trPr><w:tc><w:p><w:r><w:t>F</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl>"#;
    let d = read(body);
    assert_eq!(d.body.len(), 1);
    let t = table(&d.body[0]);
    assert_eq!((t.rows, t.cols), (5, 3));
    assert_eq!(
        t.cells,
        vec![
            cell(0, 0, 1, 2, "A"),
            cell(0, 2, 2, 1, "B\nB2"),
            cell(1, 0, 1, 1, "C"),
            cell(1, 1, 1, 1, "D"),
            cell(2, 1, 1, 2, "E"),
            cell(3, 0, 1, 2, "H"),
            cell(4, 0, 1, 1, "F"),
        ]
    );
    assert_eq!(t.cell_at(1, 2).map(|c| c.text.as_str()), Some("B\nB2"));
}

#[test]
fn nested_tables_follow_their_parent() {
    let body = r#"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p><w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>内1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内2</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl><w:p><w:r><w:t>后</w:t></w:r></w:p>"#;
    let d = read(body);
    assert_eq!(d.body.len(), 3);
    assert_eq!(table(&d.body[0]).cells, vec![cell(0, 0, 1, 1, "外\n")]);
    let inner = table(&d.body[1]);
    assert_eq!(
        inner.cells,
        vec![cell(0, 0, 1, 1, "内1"), cell(0, 1, 1, 1, "内2")]
    );
    assert_eq!(paras(&d.body), ["后"]);
}

#[test]
fn entity_and_character_references_are_resolved() {
    let body = r#"<w:p><w:r><w:t>A&amp;B &#x4E00;&#20108;&lt;&gt;&quot;&apos;</w:t></w:r></w:p>"#;
    assert_eq!(paras(&read(body).body), ["A&B 一二<>\"'"]);
}

#[test]
fn images_are_anchored_and_listed_once() {
    let body = r#"<w:p><w:r><w:t>图</w:t></w:r><w:r><w:drawing><wp:inline><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed="rId5"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>
<w:p><w:r><w:object><v:shape><v:imagedata r:id="rId6" o:title=""/></v:shape><o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" r:id="rId8"/></w:object></w:r></w:p>
<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:drawing><a:blip r:embed="rId5"/></w:drawing></w:r><w:r><w:t>格</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:drawing><a:blip r:link="rId7"/></w:drawing></w:r></w:p>"#;
    let doc = doc_xml(body);
    let bytes = package(
        &[
            ("word/document.xml", doc.as_bytes()),
            ("word/media/image1.png", PNG),
            ("word/media/image2.emf", b"emf-bytes"),
            ("word/media/image3.png", PNG),
            ("word/embeddings/book1.xlsx", b"PK"),
        ],
        &[
            ("rId5", "image", "media/image1.png"),
            ("rId6", "image", "media/image2.emf"),
            ("rId7", "image", "http://example.com/a.png"),
            ("rId8", "package", "embeddings/book1.xlsx"),
        ],
    );
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    let shape: Vec<String> = d
        .body
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => format!("P:{}", p.text),
            Block::Table(t) => format!("T:{}", t.cells[0].text),
            Block::Image(i) => format!("I:{i}"),
        })
        .collect();
    assert_eq!(shape, ["P:图", "I:0", "P:", "I:1", "T:格", "I:0", "P:"]);
    let imgs: Vec<(&str, &str)> = d
        .images
        .iter()
        .map(|i| (i.part.as_str(), i.content_type.as_str()))
        .collect();
    assert_eq!(
        imgs,
        [
            ("word/media/image1.png", "image/png"),
            ("word/media/image2.emf", "application/octet-stream"),
            ("word/media/image3.png", "image/png"),
        ]
    );
    assert_eq!(d.images[0].data, PNG);
    assert!(
        d.warnings
            .iter()
            .any(|w| w.contains("http://example.com/a.png")),
        "{:?}",
        d.warnings
    );
}

#[test]
fn smartart_text_follows_its_anchor() {
    let doc = doc_xml(
        r#"<w:p><w:r><w:t>组织</w:t></w:r><w:r><w:drawing><a:graphic><a:graphicData><dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" r:dm="rId7" r:lo="rId8"/></a:graphicData></a:graphic></w:drawing></w:r></w:p>"#,
    );
    let data = r#"<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst><dgm:pt modelId="0" type="doc"><dgm:t><a:p><a:r><a:t>文档</a:t></a:r></a:p></dgm:t></dgm:pt><dgm:pt modelId="1"><dgm:t><a:bodyPr/><a:p><a:r><a:t>办公</a:t></a:r><a:r><a:t>室</a:t></a:r></a:p><a:p><a:endParaRPr/></a:p></dgm:t></dgm:pt><dgm:pt modelId="2" type="parTrans"><dgm:t><a:p><a:r><a:t>连接</a:t></a:r></a:p></dgm:t></dgm:pt><dgm:pt modelId="3" type="node"><dgm:t><a:p><a:r><a:t>信息科</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>"#;
    let bytes = package(
        &[
            ("word/document.xml", doc.as_bytes()),
            ("word/diagrams/data1.xml", data.as_bytes()),
        ],
        &[("rId7", "diagramData", "diagrams/data1.xml")],
    );
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    assert_eq!(paras(&d.body), ["组织", "办公室", "信息科"]);
}

#[test]
fn headers_footers_and_notes_stay_out_of_the_body() {
    let doc = doc_xml(&p("正文"));
    let header = part_xml("hdr", &p("某某市人民政府办公室"));
    let footer = part_xml("ftr", &p("第1页"));
    let notes = part_xml(
        "footnotes",
        r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t>注释</w:t></w:r></w:p></w:footnote>"#,
    );
    let comments = part_xml(
        "comments",
        r#"<w:comment w:id="0"><w:p><w:r><w:t>批注</w:t></w:r></w:p></w:comment>"#,
    );
    let bytes = package(
        &[
            ("word/document.xml", doc.as_bytes()),
            ("word/header1.xml", header.as_bytes()),
            ("word/footer1.xml", footer.as_bytes()),
            ("word/footnotes.xml", notes.as_bytes()),
            ("word/comments.xml", comments.as_bytes()),
        ],
        &[
            ("rId1", "header", "header1.xml"),
            ("rId2", "footer", "footer1.xml"),
            ("rId3", "footnotes", "footnotes.xml"),
            ("rId4", "comments", "comments.xml"),
        ],
    );
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    assert_eq!(paras(&d.body), ["正文"]);
    assert_eq!(paras(&d.furniture), ["某某市人民政府办公室", "第1页"]);
    assert_eq!(paras(&d.notes), ["注释", "批注"]);
    assert!(d.warnings.iter().any(|w| w.contains("no styles part")));
}

#[test]
fn strict_ooxml_prefixes_match_by_local_name() {
    let doc = r#"<?xml version="1.0"?><x:document xmlns:x="http://purl.oclc.org/ooxml/wordprocessingml/main"><x:body><x:p><x:r><x:t>严格</x:t></x:r></x:p></x:body></x:document>"#;
    let bytes = package(&[("word/document.xml", doc.as_bytes())], &[]);
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    assert_eq!(paras(&d.body), ["严格"]);
}

#[test]
fn byte_order_marks_and_utf16_parts() {
    let doc = doc_xml(&p("编码"));
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(doc.as_bytes());
    let mut le = vec![0xFF, 0xFE];
    le.extend(
        doc.replace("UTF-8", "UTF-16")
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    for xml in [bom, le] {
        let bytes = package(&[("word/document.xml", &xml)], &[]);
        let d = read_docx(&bytes, &Limits::default()).unwrap();
        assert_eq!(paras(&d.body), ["编码"]);
    }
}

#[test]
fn heading_numbering_through_linked_level_styles() {
    let numbering = r#"<w:abstractNum w:abstractNumId="9"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="Heading1"/><w:lvlText w:val="第%1章"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="H2"/><w:lvlText w:val="%1.%2"/><w:isLgl/></w:lvl></w:abstractNum><w:num w:numId="9"><w:abstractNumId w:val="9"/></w:num>"#;
    let styles = r#"<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:numId w:val="9"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="H2"><w:name w:val="heading 2"/><w:basedOn w:val="Heading1"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>"#;
    let h = |s: &str, t: &str| {
        format!(r#"<w:p><w:pPr><w:pStyle w:val="{s}"/></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#)
    };
    let body = [
        h("Heading1", "总则"),
        h("H2", "目的"),
        h("H2", "范围"),
        h("Heading1", "附则"),
        h("H2", "施行"),
    ]
    .concat();
    let d = read_with(&body, Some(styles), Some(numbering));
    assert_eq!(
        paras(&d.body),
        ["第一章总则", "1.1目的", "1.2范围", "第二章附则", "2.1施行"]
    );
}

#[test]
fn hidden_runs_are_not_printed() {
    let body = r#"<w:p><w:r><w:t>见</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t><w:tab/></w:r><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>得</w:t></w:r><w:r><w:rPr><w:webHidden/></w:rPr><w:t>3</w:t></w:r></w:p>"#;
    assert_eq!(paras(&read(body).body), ["见得3"]);
}

#[test]
fn ruby_text_is_not_printed() {
    let body = r#"<w:p><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>zhèng</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>政</w:t></w:r></w:rubyBase></w:ruby></w:r></w:p>"#;
    assert_eq!(paras(&read(body).body), ["政"]);
}

#[test]
fn broken_xml_in_the_main_part_is_an_error() {
    for bad in [
        "<w:document><w:body><w:p><w:r><w:t>x</w:t></w:r></w:body></w:document>",
        "<w:document><w:body><w:p><w:r><w:t>x</w:t>",
        "<w:document><w:body><w:p><w:t>&#0;</w:t></w:p></w:body></w:document>",
    ] {
        let bytes = package(&[("word/document.xml", bad.as_bytes())], &[]);
        match read_docx(&bytes, &Limits::default()) {
            Err(ReadError::Xml { part, .. }) => assert_eq!(part, "word/document.xml"),
            other => panic!("expected an XML error for {bad}, got {other:?}"),
        }
    }
}

#[test]
fn missing_parts() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("hello.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"hi").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert!(matches!(
        read_docx(&bytes, &Limits::default()),
        Err(ReadError::Unsupported(_))
    ));
    // The relationship points at a part the package lacks.
    let bytes = package(&[], &[]);
    assert!(matches!(
        read_docx(&bytes, &Limits::default()),
        Err(ReadError::MissingPart(p)) if p == "word/document.xml"
    ));
    // A styles relationship to a missing part is a warning.
    let doc = doc_xml(&p("x"));
    let bytes = package(
        &[("word/document.xml", doc.as_bytes())],
        &[("rId1", "styles", "styles.xml")],
    );
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    assert!(d
        .warnings
        .iter()
        .any(|w| w.contains("styles part word/styles.xml is missing")));
}

#[test]
fn limits_are_enforced() {
    let row = "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>";
    let doc = doc_xml(&format!("<w:tbl>{row}{row}{row}</w:tbl>"));
    let bytes = package(&[("word/document.xml", doc.as_bytes())], &[]);
    let limits = Limits {
        max_table_slots: 4,
        ..Limits::default()
    };
    assert!(matches!(read_docx(&bytes, &limits), Err(ReadError::Limit(m)) if m.contains("slots")));

    let huge = doc_xml(
        r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="99999999999"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"#,
    );
    let bytes = package(&[("word/document.xml", huge.as_bytes())], &[]);
    assert!(matches!(
        read_docx(&bytes, &Limits::default()),
        Err(ReadError::Limit(_))
    ));

    let doc = doc_xml(&format!(
        "<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>",
        p("0123456789")
    ));
    let bytes = package(&[("word/document.xml", doc.as_bytes())], &[]);
    let limits = Limits {
        max_cell_chars: 5,
        ..Limits::default()
    };
    assert!(
        matches!(read_docx(&bytes, &limits), Err(ReadError::Limit(m)) if m.contains("characters"))
    );

    let deep = doc_xml(&format!(
        "{}{}",
        "<w:sdt><w:sdtContent>".repeat(300),
        "</w:sdtContent></w:sdt>".repeat(300)
    ));
    let bytes = package(&[("word/document.xml", deep.as_bytes())], &[]);
    assert!(
        matches!(read_docx(&bytes, &Limits::default()), Err(ReadError::Limit(m)) if m.contains("deep"))
    );
}

#[test]
fn hostile_input_never_panics() {
    let doc = doc_xml(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="-5"/><w:numId w:val="99"/></w:numPr></w:pPr><w:r><w:fldChar w:fldCharType="end"/><w:fldChar w:fldCharType="separate"/><w:sym w:char="zz"/><w:t>x</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:tcPr><w:vMerge/><w:hMerge/><w:gridSpan w:val="-3"/></w:tcPr></w:tc></w:tr><w:tr><w:trPr><w:gridBefore w:val="-1"/></w:trPr></w:tr></w:tbl>"#,
    );
    let bytes = package(
        &[("word/document.xml", doc.as_bytes())],
        &[("rIdN", "numbering", "numbering.xml")],
    );
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    assert_eq!(paras(&d.body), ["x"]);
    for cut in [0, 10, 100, bytes.len() / 2, bytes.len() - 1] {
        let _ = read_docx(&bytes[..cut], &Limits::default());
    }
}

/// Reads every .docx of the shared corpus (when present) and prints a summary:
/// `cargo test --lib corpus_smoke -- --ignored --nocapture`.
#[test]
#[ignore]
fn corpus_smoke() {
    let mut files = Vec::new();
    for dir in [
        "/work/shared/corpus/pandoc-docx",
        "/work/shared/corpus/real",
    ] {
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "docx") {
                    files.push(p);
                }
            }
        }
    }
    files.sort();
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let t = std::time::Instant::now();
        let r = read_docx(&bytes, &Limits::default());
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        match r {
            Ok(d) => println!(
                "{name}: {ms:.2} ms, {} blocks, {} furniture, {} notes, {} images, warnings {:?}",
                d.body.len(),
                d.furniture.len(),
                d.notes.len(),
                d.images.len(),
                d.warnings
            ),
            Err(e) => println!("{name}: {ms:.2} ms, ERROR {e}"),
        }
    }
}

/// Prints the blocks of the file named by `DOCX_DUMP`:
/// `DOCX_DUMP=file.docx cargo test --lib docx_dump -- --ignored --nocapture`.
#[test]
#[ignore]
fn docx_dump() {
    let Ok(path) = std::env::var("DOCX_DUMP") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    for (name, blocks) in [
        ("body", &d.body),
        ("furniture", &d.furniture),
        ("notes", &d.notes),
    ] {
        println!("== {name}");
        for b in blocks {
            match b {
                Block::Paragraph(p) => println!(
                    "P[{:?} {:?} {:?}] {:?}",
                    p.label, p.style, p.outline_level, p.text
                ),
                Block::Table(t) => {
                    println!("T {}x{}", t.rows, t.cols);
                    for c in &t.cells {
                        println!(
                            "  ({},{}) {}x{} {:?}",
                            c.row, c.col, c.rowspan, c.colspan, c.text
                        );
                    }
                }
                Block::Image(i) => println!("I {i}"),
            }
        }
    }
    println!("warnings {:?}", d.warnings);
}

/// Times a synthetic report of ≈1.3 MB of document.xml:
/// `cargo test --lib docx_speed -- --ignored --nocapture` (build optimised for real numbers).
#[test]
#[ignore]
fn docx_speed() {
    let mut body = String::new();
    let mut i = 0;
    while body.len() < 1_300_000 {
        i += 1;
        body.push_str(&format!(
            r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:rPr><w:rFonts w:ascii="仿宋" w:hAnsi="仿宋"/><w:sz w:val="32"/></w:rPr><w:t>第{i}段：本机关全年主动公开政府信息</w:t></w:r><w:r><w:t xml:space="preserve"> 共计 {i} 条，&amp; 其中</w:t></w:r></w:p>"#
        ));
        if i % 20 == 0 {
            body.push_str("<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>");
            for r in 0..10 {
                body.push_str(&format!(
                    r#"<w:tr><w:tc><w:tcPr><w:vMerge{}/></w:tcPr><w:p><w:r><w:t>行{r}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{r}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc></w:tr>"#,
                    if r == 0 { r#" w:val="restart""# } else { "" }
                ));
            }
            body.push_str("</w:tbl>");
        }
    }
    let doc = doc_xml(&body);
    let st = part_xml("styles", STYLES);
    let nu = part_xml("numbering", NUMBERING);
    let bytes = package(
        &[
            ("word/document.xml", doc.as_bytes()),
            ("word/styles.xml", st.as_bytes()),
            ("word/numbering.xml", nu.as_bytes()),
        ],
        &[
            ("rIdS", "styles", "styles.xml"),
            ("rIdN", "numbering", "numbering.xml"),
        ],
    );
    let _ = read_docx(&bytes, &Limits::default()).unwrap();
    let n = 10;
    let t = std::time::Instant::now();
    for _ in 0..n {
        let mut pkg = crate::read::Package::open(&bytes, &Limits::default()).unwrap();
        let xml = pkg.read_part("word/document.xml").unwrap();
        assert!(xml.len() > 1000);
    }
    println!(
        "inflate: {:.2} ms",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
    let t = std::time::Instant::now();
    for _ in 0..n {
        let mut r = quick_xml::Reader::from_reader(doc.as_bytes());
        r.config_mut().expand_empty_elements = true;
        let mut count = 0usize;
        while !matches!(r.read_event(), Ok(quick_xml::events::Event::Eof) | Err(_)) {
            count += 1;
        }
        assert!(count > 1000);
    }
    println!(
        "raw quick-xml events: {:.2} ms",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
    let t = std::time::Instant::now();
    for _ in 0..n {
        let mut x = super::xml::Xml::new(doc.as_bytes(), "d", 256);
        let mut count = 0usize;
        while !matches!(x.next(), Ok(super::xml::Ev::Eof) | Err(_)) {
            count += 1;
        }
        assert!(count > 1000);
    }
    println!(
        "filtered events: {:.2} ms",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
    let t = std::time::Instant::now();
    for _ in 0..n {
        let d = read_docx(&bytes, &Limits::default()).unwrap();
        assert!(d.body.len() > 1000);
    }
    println!(
        "{} bytes of document.xml: {:.2} ms per read",
        doc.len(),
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
}

/// Mutates the XML parts of corpus files and checks the reader never panics:
/// `cargo test --lib docx_fuzz -- --ignored --nocapture`.
#[test]
#[ignore]
fn docx_fuzz() {
    use std::io::Read;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let Ok(rd) = std::fs::read_dir("/work/shared/corpus/pandoc-docx") else {
        return;
    };
    let mut cases = 0;
    for e in rd.flatten() {
        let Ok(bytes) = std::fs::read(e.path()) else {
            continue;
        };
        let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])) else {
            continue;
        };
        let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            let name = f.name().map(|n| n.to_string()).unwrap_or_default();
            parts.push((name, data));
        }
        for _ in 0..40 {
            let mut mutated = parts.clone();
            let k = rnd(mutated.len());
            let data = &mut mutated[k].1;
            if data.is_empty() {
                continue;
            }
            match rnd(4) {
                0 => data.truncate(rnd(data.len())),
                1 => {
                    let a = rnd(data.len());
                    let b = (a + rnd(200)).min(data.len());
                    data.drain(a..b);
                }
                2 => {
                    let a = rnd(data.len());
                    let b = (a + rnd(400)).min(data.len());
                    let chunk = data[a..b].to_vec();
                    let at = rnd(data.len());
                    data.splice(at..at, chunk);
                }
                _ => {
                    let a = rnd(data.len());
                    data[a] = b"<>/&\"'#x;9"[rnd(10)];
                }
            }
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            for (name, data) in &mutated {
                w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                    .unwrap();
                w.write_all(data).unwrap();
            }
            let pkg = w.finish().unwrap().into_inner();
            let r = std::panic::catch_unwind(|| read_docx(&pkg, &Limits::default()));
            assert!(r.is_ok(), "panic on a mutation of {:?}", e.path());
            cases += 1;
        }
    }
    println!("{cases} mutated packages read without a panic");
}

// ---- Text fidelity (issue 13): what Word prints that plain text must keep.

#[test]
fn list_labels_and_text_stay_separate_words() {
    // Word prints a tab after a list number: `1.1<tab>Head`, `o<tab>bullet`. Chinese labels end
    // in punctuation or are words of their own and are printed as they were.
    let numbering = r#"
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%2章"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>"#;
    let body = [
        np(1, 0, "H1"),
        np(1, 1, "Head"),
        np(1, 2, "bul"),
        np(1, 0, "2020年"),
        np(2, 0, "总体情况"),
        np(2, 1, "总则"),
        np(1, 0, " spaced"),
    ]
    .concat();
    let d = read_with(&body, None, Some(numbering));
    assert_eq!(
        paras(&d.body),
        [
            "1 H1",
            "1.1 Head",
            "o bul",
            "2 2020年",
            "一、总体情况",
            "第一章总则",
            "3 spaced"
        ]
    );
    // Labels themselves are unchanged, and a label in a table cell is printed the same way.
    let d = read_with(
        &format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>",
            np(1, 1, "Cell")
        ),
        None,
        Some(numbering),
    );
    let t = d.tables().next().expect("a table");
    assert_eq!(t.cells[0].text, "1.1 Cell");
}

#[test]
fn drop_caps_start_the_next_paragraph() {
    let cap = |kind: &str, letter: &str| {
        format!(
            r#"<w:p><w:pPr><w:framePr w:dropCap="{kind}" w:lines="3" w:wrap="around" w:vAnchor="text" w:hAnchor="text"/></w:pPr><w:r><w:t>{letter}</w:t></w:r></w:p>"#
        )
    };
    let body = [
        cap("drop", "D"),
        p("rop cap."),
        p("Next paragraph."),
        cap("margin", "本"),
        p("年度"),
        r#"<w:p><w:pPr><w:framePr w:dropCap="none" w:w="2000"/></w:pPr><w:r><w:t>Framed</w:t></w:r></w:p>"#
            .to_string(),
        cap("drop", "E"),
    ]
    .concat();
    assert_eq!(
        paras(&read(&body).body),
        ["Drop cap.", "Next paragraph.", "本年度", "Framed", "E"]
    );
}

#[test]
fn note_references_and_notes_share_their_numbers() {
    // Numbers in the order the body refers to the notes, footnotes and endnotes in one sequence;
    // a custom mark is printed instead of a number.
    let body = [
        r#"<w:p><w:r><w:t>正文</w:t></w:r><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="3"/></w:r><w:r><w:t>再引</w:t></w:r><w:r><w:endnoteReference w:id="2"/></w:r></w:p>"#,
        r#"<w:p><w:r><w:t>又一处</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r><w:r><w:footnoteReference w:customMarkFollows="1" w:id="4"/><w:t>*</w:t></w:r></w:p>"#,
    ]
    .concat();
    let sep = r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"#;
    let footnotes = part_xml(
        "footnotes",
        &format!(
            r#"{sep}<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> 第二条脚注</w:t></w:r></w:p></w:footnote><w:footnote w:id="3"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> 第一条脚注</w:t></w:r></w:p><w:p><w:r><w:t>续段</w:t></w:r></w:p></w:footnote><w:footnote w:id="4"><w:p><w:r><w:t>* 自定标记</w:t></w:r></w:p></w:footnote><w:footnote w:id="9"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t>未引用</w:t></w:r></w:p></w:footnote>"#
        ),
    );
    let endnotes = part_xml(
        "endnotes",
        r#"<w:endnote w:id="2"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t xml:space="preserve"> 尾注</w:t></w:r></w:p></w:endnote>"#,
    );
    let doc = doc_xml(&body);
    let bytes = package(
        &[
            ("word/document.xml", doc.as_bytes()),
            ("word/footnotes.xml", footnotes.as_bytes()),
            ("word/endnotes.xml", endnotes.as_bytes()),
        ],
        &[
            ("rId3", "footnotes", "footnotes.xml"),
            ("rId4", "endnotes", "endnotes.xml"),
        ],
    );
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    assert_eq!(paras(&d.body), ["正文[1]再引[2]", "又一处[3]*"]);
    assert_eq!(
        paras(&d.notes),
        [
            "[3] 第二条脚注",
            "[1] 第一条脚注",
            "续段",
            "* 自定标记",
            "未引用",
            "[2] 尾注"
        ]
    );
}

#[test]
fn picture_descriptions_are_kept_per_image() {
    // wp:docPr/@descr of a drawing, v:shape/@alt of a VML picture; a picture shown twice with
    // two descriptions keeps both; a text box's description does not leak to a later picture.
    let drawing = |descr: &str, rid: &str| {
        format!(
            r#"<w:r><w:drawing><wp:inline><wp:extent cx="1" cy="1"/><wp:docPr id="1" name="图片 1" descr="{descr}"/><a:graphic><a:graphicData><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="x.png"/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#
        )
    };
    let body = [
        format!("<w:p>{}</w:p>", drawing("表三 收到和处理申请情况", "rId5")),
        format!("<w:p>{}</w:p>", drawing("  ", "rId6")),
        format!("<w:p>{}</w:p>", drawing("第二次\n出现", "rId5")),
        format!("<w:p>{}</w:p>", drawing("表三 收到和处理申请情况", "rId5")),
        r#"<w:p><w:r><w:drawing><wp:anchor><wp:docPr id="3" name="文本框 3" descr="文本框说明"/><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r></w:p>"#.to_string(),
        r##"<w:p><w:r><w:pict><v:shape id="_x0000_i1025" type="#_x0000_t75" alt="VML 图片说明"><v:imagedata r:id="rId7" o:title=""/></v:shape></w:pict></w:r></w:p>"##.to_string(),
        format!("<w:p>{}</w:p>", drawing("", "rId8")),
    ]
    .concat();
    let doc = doc_xml(&body);
    let bytes = package(
        &[
            ("word/document.xml", doc.as_bytes()),
            ("word/media/image1.png", PNG),
            ("word/media/image2.png", PNG),
            ("word/media/image3.png", PNG),
            ("word/media/image4.png", PNG),
        ],
        &[
            ("rId5", "image", "media/image1.png"),
            ("rId6", "image", "media/image2.png"),
            ("rId7", "image", "media/image3.png"),
            ("rId8", "image", "media/image4.png"),
        ],
    );
    let d = read_docx(&bytes, &Limits::default()).unwrap();
    let got: Vec<(&str, Option<&str>)> = d
        .images
        .iter()
        .map(|i| (i.part.as_str(), i.description.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "word/media/image1.png",
                Some("表三 收到和处理申请情况\n第二次 出现")
            ),
            ("word/media/image2.png", None),
            ("word/media/image3.png", Some("VML 图片说明")),
            ("word/media/image4.png", None),
        ]
    );
    // Alt text is not printed: no paragraph holds it.
    assert!(paras(&d.body).iter().all(|p| !p.contains("说明")));
}

#[test]
fn math_zones_are_read_as_text() {
    // Office Math: m:t runs inside m:oMath (inline) and m:oMathPara (display), in order.
    let body = r#"<w:p><w:r><w:t xml:space="preserve">面积 </w:t></w:r><m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:r><m:t>S=π</m:t></m:r><m:sSup><m:e><m:r><m:t>r</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup></m:oMath><w:r><w:t>。</w:t></w:r></w:p>
<w:p><m:oMathPara xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:oMath><m:f><m:num><m:r><m:rPr><m:sty m:val="p"/></m:rPr><m:t>a</m:t></m:r></m:num><m:den><m:r><m:t>b</m:t></m:r></m:den></m:f></m:oMath></m:oMathPara></w:p>"#;
    assert_eq!(paras(&read(body).body), ["面积 S=πr2。", "a/b"]);
}
