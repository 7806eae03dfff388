//! Other parts of the package: pictures and their descriptions, SmartArt, headers, footers and
//! notes with their numbers.

use super::*;

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
