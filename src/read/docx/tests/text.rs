//! Text fidelity: what Word prints (tracked changes, fields, symbols, hidden and phonetic text,
//! drop caps, math, text boxes, references, encodings) and plain text must keep.

use super::*;

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
fn entity_and_character_references_are_resolved() {
    let body = r#"<w:p><w:r><w:t>A&amp;B &#x4E00;&#20108;&lt;&gt;&quot;&apos;</w:t></w:r></w:p>"#;
    assert_eq!(paras(&read(body).body), ["A&B 一二<>\"'"]);
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
fn math_zones_are_read_as_text() {
    // Office Math: m:t runs inside m:oMath (inline) and m:oMathPara (display), in order.
    let body = r#"<w:p><w:r><w:t xml:space="preserve">面积 </w:t></w:r><m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:r><m:t>S=π</m:t></m:r><m:sSup><m:e><m:r><m:t>r</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup></m:oMath><w:r><w:t>。</w:t></w:r></w:p>
<w:p><m:oMathPara xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:oMath><m:f><m:num><m:r><m:rPr><m:sty m:val="p"/></m:rPr><m:t>a</m:t></m:r></m:num><m:den><m:r><m:t>b</m:t></m:r></m:den></m:f></m:oMath></m:oMathPara></w:p>"#;
    assert_eq!(paras(&read(body).body), ["面积 S=πr2。", "a/b"]);
}
