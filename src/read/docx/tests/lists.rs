//! Lists and styles: numbering labels as printed, number formats, style names and outline levels.

use super::*;

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
