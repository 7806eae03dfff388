//! A tiny deterministic .docx writer: raw WordprocessingML strings zipped with fixed timestamps,
//! so the same input always gives the same bytes (the committed fixtures are compared byte for byte).
//!
//! Nothing here is clever on purpose: every helper returns the XML a Word or WPS file really
//! contains, so the fixtures exercise the reader the way real files do.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

pub const NS: &str = concat!(
    r#"xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" "#,
    r#"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" "#,
    r#"xmlns:o="urn:schemas-microsoft-com:office:office" "#,
    r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
    r#"xmlns:v="urn:schemas-microsoft-com:vml" "#,
    r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
    r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" "#,
    r#"xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" "#,
    r#"xmlns:w10="urn:schemas-microsoft-com:office:word" "#,
    r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
    r#"xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" "#,
    r#"xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" "#,
    r#"xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" "#,
    r#"mc:Ignorable="w14""#
);

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Zips parts in the given order with fixed timestamps and permissions.
pub fn zip_parts(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zw = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts {
        let opts = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        zw.start_file(name.as_str(), opts).expect("zip entry");
        zw.write_all(data).expect("zip write");
    }
    zw.finish().expect("zip finish").into_inner()
}

/// XML-escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// One run; `\n` becomes `<w:br/>`, `\t` becomes `<w:tab/>`.
pub fn run(text: &str) -> String {
    run_props("", text)
}

/// A bold run.
pub fn run_b(text: &str) -> String {
    run_props("<w:b/><w:bCs/>", text)
}

pub fn run_props(rpr: &str, text: &str) -> String {
    let mut out = String::from("<w:r>");
    if !rpr.is_empty() {
        out.push_str(&format!("<w:rPr>{rpr}</w:rPr>"));
    }
    let mut buf = String::new();
    let flush = |buf: &mut String, out: &mut String| {
        if !buf.is_empty() {
            out.push_str(&format!("<w:t xml:space=\"preserve\">{}</w:t>", esc(buf)));
            buf.clear();
        }
    };
    for c in text.chars() {
        match c {
            '\n' => {
                flush(&mut buf, &mut out);
                out.push_str("<w:br/>");
            }
            '\t' => {
                flush(&mut buf, &mut out);
                out.push_str("<w:tab/>");
            }
            _ => buf.push(c),
        }
    }
    flush(&mut buf, &mut out);
    out.push_str("</w:r>");
    out
}

/// A paragraph from a `w:pPr` body (may be empty) and inner run XML.
pub fn p_xml(ppr: &str, inner: &str) -> String {
    if ppr.is_empty() {
        format!("<w:p>{inner}</w:p>")
    } else {
        format!("<w:p><w:pPr>{ppr}</w:pPr>{inner}</w:p>")
    }
}

/// A plain paragraph of text.
pub fn p(text: &str) -> String {
    p_xml("", &run(text))
}

/// A paragraph with a style id.
pub fn p_style(style: &str, inner: &str) -> String {
    p_xml(&format!("<w:pStyle w:val=\"{style}\"/>"), inner)
}

/// A numbered paragraph (numPr directly on the paragraph).
pub fn p_num(num_id: u32, ilvl: u32, inner: &str) -> String {
    p_xml(
        &format!("<w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{num_id}\"/></w:numPr>"),
        inner,
    )
}

/// A bold paragraph as government files type their headings (no style, typed number).
pub fn p_bold(text: &str) -> String {
    p_xml("<w:ind w:firstLine=\"640\"/>", &run_b(text))
}

/// A centred paragraph.
pub fn p_center(inner: &str) -> String {
    p_xml("<w:jc w:val=\"center\"/>", inner)
}

/// A right-aligned paragraph.
pub fn p_right(inner: &str) -> String {
    p_xml("<w:jc w:val=\"right\"/>", inner)
}

/// Vertical merge state of a cell.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VMerge {
    No,
    Restart,
    Continue,
}

/// One `w:tc`: `content` is the cell's block XML (one or more paragraphs).
#[derive(Clone, Debug)]
pub struct Tc {
    pub content: String,
    pub span: u32,
    pub vmerge: VMerge,
    /// Raw extra `w:tcPr` children (e.g. a legacy `<w:hMerge/>`).
    pub extra_pr: String,
}

impl Tc {
    pub fn text(t: &str) -> Tc {
        Tc::xml(p(t))
    }
    pub fn xml(content: String) -> Tc {
        Tc {
            content,
            span: 1,
            vmerge: VMerge::No,
            extra_pr: String::new(),
        }
    }
    /// An empty cell (a bare paragraph, as Word writes it).
    pub fn empty() -> Tc {
        Tc::xml("<w:p/>".into())
    }
    pub fn span(mut self, n: u32) -> Tc {
        self.span = n;
        self
    }
    pub fn restart(mut self) -> Tc {
        self.vmerge = VMerge::Restart;
        self
    }
    /// A cell continuing a vertical merge: empty paragraph, bare `w:vMerge`.
    pub fn cont(span: u32) -> Tc {
        Tc {
            content: "<w:p/>".into(),
            span,
            vmerge: VMerge::Continue,
            extra_pr: String::new(),
        }
    }
}

/// One `w:tr`.
#[derive(Clone, Debug, Default)]
pub struct Tr {
    pub grid_before: u32,
    pub grid_after: u32,
    pub header: bool,
    pub cells: Vec<Tc>,
}

impl Tr {
    pub fn new(cells: Vec<Tc>) -> Tr {
        Tr {
            cells,
            ..Tr::default()
        }
    }
}

/// A table with its grid (column widths in twips).
pub fn table(grid: &[u32], rows: &[Tr]) -> String {
    let mut x = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/>\
         <w:jc w:val=\"center\"/><w:tblLook w:val=\"04A0\"/></w:tblPr><w:tblGrid>",
    );
    for w in grid {
        x.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    x.push_str("</w:tblGrid>");
    for r in rows {
        x.push_str("<w:tr>");
        let mut trpr = String::new();
        if r.grid_before > 0 {
            trpr.push_str(&format!("<w:gridBefore w:val=\"{}\"/>", r.grid_before));
        }
        if r.grid_after > 0 {
            trpr.push_str(&format!("<w:gridAfter w:val=\"{}\"/>", r.grid_after));
        }
        if r.header {
            trpr.push_str("<w:tblHeader/>");
        }
        if !trpr.is_empty() {
            x.push_str(&format!("<w:trPr>{trpr}</w:trPr>"));
        }
        let mut col = r.grid_before as usize;
        for c in &r.cells {
            let width: u32 = grid.iter().skip(col).take(c.span as usize).copied().sum();
            col += c.span as usize;
            x.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"
            ));
            if c.span > 1 {
                x.push_str(&format!("<w:gridSpan w:val=\"{}\"/>", c.span));
            }
            match c.vmerge {
                VMerge::No => {}
                VMerge::Restart => x.push_str("<w:vMerge w:val=\"restart\"/>"),
                VMerge::Continue => x.push_str("<w:vMerge/>"),
            }
            x.push_str(&c.extra_pr);
            x.push_str("<w:vAlign w:val=\"center\"/></w:tcPr>");
            x.push_str(&c.content);
            x.push_str("</w:tc>");
        }
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl>");
    x
}

/// A text box run: `wps:txbx` in `mc:Choice` with a VML `v:textbox` fallback holding the same
/// paragraphs — the way Word writes it. A reader must take exactly one of the two.
pub fn text_box_run(id: u32, paras: &str) -> String {
    format!(
        "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>\
<wp:anchor distT=\"0\" distB=\"0\" distL=\"114300\" distR=\"114300\" simplePos=\"0\" relativeHeight=\"{rh}\" \
behindDoc=\"0\" locked=\"0\" layoutInCell=\"1\" allowOverlap=\"1\"><wp:simplePos x=\"0\" y=\"0\"/>\
<wp:positionH relativeFrom=\"column\"><wp:posOffset>0</wp:posOffset></wp:positionH>\
<wp:positionV relativeFrom=\"paragraph\"><wp:posOffset>0</wp:posOffset></wp:positionV>\
<wp:extent cx=\"5400000\" cy=\"1080000\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:wrapTopAndBottom/>\
<wp:docPr id=\"{id}\" name=\"文本框 {id}\"/><wp:cNvGraphicFramePr/>\
<a:graphic><a:graphicData uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\">\
<wps:wsp><wps:cNvSpPr txBox=\"1\"/><wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"5400000\" cy=\"1080000\"/></a:xfrm>\
<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></wps:spPr>\
<wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx>\
<wps:bodyPr rot=\"0\" vert=\"horz\" wrap=\"square\" anchor=\"t\" anchorCtr=\"0\"/></wps:wsp>\
</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>\
<mc:Fallback><w:pict><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"/>\
<v:shape id=\"文本框 {id}\" o:spid=\"_x0000_s{spid}\" type=\"#_x0000_t202\" \
style=\"position:absolute;margin-left:0;margin-top:0;width:425.2pt;height:85.05pt;z-index:{id}\" filled=\"f\" stroked=\"t\">\
<v:textbox><w:txbxContent>{paras}</w:txbxContent></v:textbox><w10:wrap type=\"topAndBottom\"/></v:shape></w:pict>\
</mc:Fallback></mc:AlternateContent></w:r>",
        rh = 251_659_264 + id,
        spid = 1025 + id,
    )
}

/// A group shape holding several text boxes: `wpg:wgp` in `mc:Choice`, a VML `v:group` with
/// one `v:textbox` per box in the fallback. Each box's paragraphs must be read once.
pub fn group_text_boxes_run(id: u32, boxes: &[String]) -> String {
    let mut wsp = String::new();
    let mut vml = String::new();
    for (i, paras) in boxes.iter().enumerate() {
        let y = i as u64 * 600_000;
        wsp.push_str(&format!(
            "<wps:wsp><wps:cNvPr id=\"{n}\" name=\"文本框 {n}\"/><wps:cNvSpPr txBox=\"1\"/>\
<wps:spPr><a:xfrm><a:off x=\"0\" y=\"{y}\"/><a:ext cx=\"5400000\" cy=\"540000\"/></a:xfrm>\
<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></wps:spPr>\
<wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx><wps:bodyPr rot=\"0\" wrap=\"square\"/></wps:wsp>",
            n = id + 1 + i as u32
        ));
        vml.push_str(&format!(
            "<v:shape id=\"文本框 {n}\" o:spid=\"_x0000_s{spid}\" type=\"#_x0000_t202\" \
style=\"position:absolute;top:{top};width:21600;height:2160\"><v:textbox><w:txbxContent>{paras}</w:txbxContent></v:textbox></v:shape>",
            n = id + 1 + i as u32,
            spid = 1025 + id + 1 + i as u32,
            top = i * 2400
        ));
    }
    format!(
        "<w:r><mc:AlternateContent><mc:Choice Requires=\"wpg\"><w:drawing>\
<wp:anchor distT=\"0\" distB=\"0\" distL=\"114300\" distR=\"114300\" simplePos=\"0\" relativeHeight=\"{rh}\" \
behindDoc=\"0\" locked=\"0\" layoutInCell=\"1\" allowOverlap=\"1\"><wp:simplePos x=\"0\" y=\"0\"/>\
<wp:positionH relativeFrom=\"column\"><wp:posOffset>0</wp:posOffset></wp:positionH>\
<wp:positionV relativeFrom=\"paragraph\"><wp:posOffset>0</wp:posOffset></wp:positionV>\
<wp:extent cx=\"5400000\" cy=\"1200000\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:wrapTopAndBottom/>\
<wp:docPr id=\"{id}\" name=\"组合 {id}\"/><wp:cNvGraphicFramePr/>\
<a:graphic><a:graphicData uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingGroup\">\
<wpg:wgp><wpg:cNvGrpSpPr/><wpg:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"5400000\" cy=\"1200000\"/>\
<a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"5400000\" cy=\"1200000\"/></a:xfrm></wpg:grpSpPr>{wsp}</wpg:wgp>\
</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>\
<mc:Fallback><w:pict><v:group id=\"组合 {id}\" o:spid=\"_x0000_s{gspid}\" style=\"position:absolute;width:425.2pt;height:94.5pt\" \
coordsize=\"21600,4800\">{vml}</v:group></w:pict></mc:Fallback></mc:AlternateContent></w:r>",
        rh = 251_659_264 + id,
        gspid = 1025 + id,
    )
}

/// An inline picture run (`a:blip r:embed`), size in EMU.
pub fn image_run(id: u32, name: &str, rid: &str, cx: u64, cy: u64) -> String {
    format!(
        "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
<wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>\
<wp:docPr id=\"{id}\" name=\"{name}\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic>\
<pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"{name}\"/><pic:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></pic:cNvPicPr></pic:nvPicPr>\
<pic:blipFill><a:blip r:embed=\"{rid}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
<pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr>\
</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>",
        name = esc(name)
    )
}

/// A VML picture run (`v:imagedata r:id`), as older Word and WPS write pictures; size in points.
pub fn vml_image_run(id: u32, name: &str, rid: &str, w_pt: u32, h_pt: u32) -> String {
    format!(
        "<w:r><w:pict><v:shapetype id=\"_x0000_t75\" coordsize=\"21600,21600\" o:spt=\"75\" o:preferrelative=\"t\" \
path=\"m@4@5l@4@11@9@11@9@5xe\" filled=\"f\" stroked=\"f\"><v:stroke joinstyle=\"miter\"/></v:shapetype>\
<v:shape id=\"{name}\" o:spid=\"_x0000_i{spid}\" type=\"#_x0000_t75\" alt=\"{name}\" style=\"width:{w_pt}pt;height:{h_pt}pt\">\
<v:imagedata r:id=\"{rid}\" o:title=\"\"/></v:shape></w:pict></w:r>",
        name = esc(name),
        spid = 1025 + id
    )
}

/// The standard styles every fixture gets, plus extra `w:style` elements.
pub fn styles_xml(extra: &str) -> String {
    format!(
        "{XML_DECL}<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"仿宋_GB2312\" w:hAnsi=\"Times New Roman\"/>\
<w:sz w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:name w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"a\"/><w:next w:val=\"a\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"黑体\"/><w:b/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"a\"/><w:next w:val=\"a\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"楷体_GB2312\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"a\"/><w:qFormat/>\
<w:pPr><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"方正小标宋简体\"/><w:sz w:val=\"44\"/></w:rPr></w:style>\
<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/></w:style>\
<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>\
<w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:basedOn w:val=\"TableNormal\"/>\
<w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>\
<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>\
<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/></w:tblBorders></w:tblPr></w:style>\
{extra}</w:styles>"
    )
}

/// A numbering level: `fmt` is the numFmt (`chineseCounting`, `decimal`…), `text` the lvlText.
/// The suffix is `nothing`, so the printed label is followed directly by the text.
pub fn num_lvl(ilvl: u32, fmt: &str, text: &str, start: u32) -> String {
    format!(
        "<w:lvl w:ilvl=\"{ilvl}\"><w:start w:val=\"{start}\"/><w:numFmt w:val=\"{fmt}\"/>\
<w:suff w:val=\"nothing\"/><w:lvlText w:val=\"{}\"/><w:lvlJc w:val=\"left\"/>\
<w:pPr><w:ind w:left=\"0\" w:firstLine=\"640\"/></w:pPr></w:lvl>",
        esc(text)
    )
}

pub fn abstract_num(id: u32, levels: &[String]) -> String {
    format!(
        "<w:abstractNum w:abstractNumId=\"{id}\"><w:multiLevelType w:val=\"hybridMultilevel\"/>{}</w:abstractNum>",
        levels.concat()
    )
}

/// `w:num` pointing at an abstractNum, with optional `(ilvl, startOverride)` overrides.
pub fn num(num_id: u32, abstract_id: u32, overrides: &[(u32, u32)]) -> String {
    let mut x = format!("<w:num w:numId=\"{num_id}\"><w:abstractNumId w:val=\"{abstract_id}\"/>");
    for (ilvl, start) in overrides {
        x.push_str(&format!(
            "<w:lvlOverride w:ilvl=\"{ilvl}\"><w:startOverride w:val=\"{start}\"/></w:lvlOverride>"
        ));
    }
    x.push_str("</w:num>");
    x
}

pub fn numbering_xml(abstracts: &[String], nums: &[String]) -> String {
    format!(
        "{XML_DECL}<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">{}{}</w:numbering>",
        abstracts.concat(),
        nums.concat()
    )
}

/// Builds one .docx package.
#[derive(Default)]
pub struct Docx {
    pub body: String,
    pub extra_styles: String,
    pub numbering: Option<String>,
    media: Vec<(String, Vec<u8>)>,
    /// Embedded OOXML packages (`word/embeddings/…`), related with the `package` type.
    embeddings: Vec<(String, Vec<u8>)>,
    /// Extra document-level settings (e.g. tracked revisions on).
    pub track_revisions: bool,
    /// Further parts referenced from the main part: headers, footers, footnotes, comments.
    pub parts: Vec<Part>,
    /// Extra `w:sectPr` children placed first (header/footer references).
    pub sect_extra: String,
    /// Strict OOXML namespaces (`http://purl.oclc.org/ooxml/…`) in every part.
    pub strict: bool,
    /// The main part's name when it is not `word/document.xml` (found only through `_rels/.rels`).
    pub main_part: Option<String>,
}

/// A part related from the main document.
pub struct Part {
    /// Name under `word/`, e.g. `header1.xml`.
    pub name: String,
    pub content_type: String,
    /// Relationship type suffix after `…/relationships/` (e.g. `header`).
    pub rel_type: String,
    pub rid: String,
    pub xml: String,
}

/// Wraps body XML in the root element of a header, footer, footnotes or comments part.
pub fn part_xml(root: &str, inner: &str) -> String {
    format!("{XML_DECL}<{root} {NS}>{inner}</{root}>")
}

const STRICT: [(&str, &str); 6] = [
    (
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",
    ),
    (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    ),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
    ),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/main",
        "http://purl.oclc.org/ooxml/drawingml/main",
    ),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/picture",
        "http://purl.oclc.org/ooxml/drawingml/picture",
    ),
    ("<w:document ", "<w:document w:conformance=\"strict\" "),
];

impl Docx {
    pub fn new() -> Docx {
        Docx::default()
    }

    pub fn push(&mut self, xml: &str) {
        self.body.push_str(xml);
    }

    /// Adds a PNG part; returns its relationship id.
    pub fn add_png(&mut self, data: Vec<u8>) -> String {
        let n = self.media.len() + 1;
        self.media.push((format!("media/image{n}.png"), data));
        format!("rIdImg{n}")
    }

    /// Adds a JPEG part; returns its relationship id.
    pub fn add_jpeg(&mut self, data: Vec<u8>) -> String {
        let n = self.media.len() + 1;
        self.media.push((format!("media/image{n}.jpg"), data));
        format!("rIdImg{n}")
    }

    /// Adds an embedded .xlsx workbook (as Word stores an inserted Excel object); returns its
    /// relationship id.
    pub fn add_embedded_xlsx(&mut self, data: Vec<u8>) -> String {
        let n = self.embeddings.len() + 1;
        self.embeddings.push((
            format!("embeddings/Microsoft_Excel_Worksheet{n}.xlsx"),
            data,
        ));
        format!("rIdEmb{n}")
    }

    pub fn build(&self) -> Vec<u8> {
        let mut ct = format!(
            "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        );
        if self.media.iter().any(|(n, _)| n.ends_with(".png")) {
            ct.push_str("<Default Extension=\"png\" ContentType=\"image/png\"/>");
        }
        if self.media.iter().any(|(n, _)| n.ends_with(".jpg")) {
            ct.push_str("<Default Extension=\"jpg\" ContentType=\"image/jpeg\"/>");
        }
        if !self.embeddings.is_empty() {
            ct.push_str("<Default Extension=\"xlsx\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\"/>");
        }
        ct.push_str(
            "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>",
        );
        let main = self
            .main_part
            .clone()
            .unwrap_or_else(|| "word/document.xml".into());
        ct.push_str(&format!(
            "<Override PartName=\"/{main}\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
        ));
        for part in &self.parts {
            ct.push_str(&format!(
                "<Override PartName=\"/word/{}\" ContentType=\"{}\"/>",
                part.name, part.content_type
            ));
        }
        if self.numbering.is_some() {
            ct.push_str("<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>");
        }
        ct.push_str(
            "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>",
        );
        let pkg_rels = format!(
            "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"{main}\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>"
        );
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let mut doc_rels = format!(
            "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"{rel}/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdSettings\" Type=\"{rel}/settings\" Target=\"settings.xml\"/>"
        );
        if self.numbering.is_some() {
            doc_rels.push_str(&format!(
                "<Relationship Id=\"rIdNumbering\" Type=\"{rel}/numbering\" Target=\"numbering.xml\"/>"
            ));
        }
        for part in &self.parts {
            doc_rels.push_str(&format!(
                "<Relationship Id=\"{}\" Type=\"{rel}/{}\" Target=\"{}\"/>",
                part.rid, part.rel_type, part.name
            ));
        }
        for (i, (name, _)) in self.media.iter().enumerate() {
            doc_rels.push_str(&format!(
                "<Relationship Id=\"rIdImg{}\" Type=\"{rel}/image\" Target=\"{name}\"/>",
                i + 1
            ));
        }
        for (i, (name, _)) in self.embeddings.iter().enumerate() {
            doc_rels.push_str(&format!(
                "<Relationship Id=\"rIdEmb{}\" Type=\"{rel}/package\" Target=\"{name}\"/>",
                i + 1
            ));
        }
        doc_rels.push_str("</Relationships>");
        let document = format!(
            "{XML_DECL}<w:document {NS}><w:body>{}<w:sectPr>{}<w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>\
</w:sectPr></w:body></w:document>",
            self.body, self.sect_extra
        );
        let settings = format!(
            "{XML_DECL}<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">{}\
<w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/></w:settings>",
            if self.track_revisions { "<w:trackRevisions/>" } else { "" }
        );
        let core = format!(
            "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:creator>nianbao fixtures</dc:creator>\
<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-01-22T00:00:00Z</dcterms:created></cp:coreProperties>"
        );
        let app = format!(
            "{XML_DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
<Application>nianbao fixture generator</Application></Properties>"
        );
        let mut parts: Vec<(String, Vec<u8>)> = vec![
            ("[Content_Types].xml".into(), ct.into_bytes()),
            ("_rels/.rels".into(), pkg_rels.into_bytes()),
            (main.clone(), document.into_bytes()),
            (
                {
                    let (dir, file) = main.rsplit_once('/').expect("main part in a folder");
                    format!("{dir}/_rels/{file}.rels")
                },
                doc_rels.into_bytes(),
            ),
            (
                "word/styles.xml".into(),
                styles_xml(&self.extra_styles).into_bytes(),
            ),
            ("word/settings.xml".into(), settings.into_bytes()),
        ];
        if let Some(n) = &self.numbering {
            parts.push(("word/numbering.xml".into(), n.clone().into_bytes()));
        }
        for part in &self.parts {
            parts.push((format!("word/{}", part.name), part.xml.clone().into_bytes()));
        }
        for (name, data) in self.embeddings.iter().chain(&self.media) {
            parts.push((format!("word/{name}"), data.clone()));
        }
        if self.strict {
            for (name, data) in parts.iter_mut() {
                if name.ends_with(".xml") || name.ends_with(".rels") {
                    let mut x = String::from_utf8(std::mem::take(data)).expect("utf-8");
                    if name != "[Content_Types].xml" {
                        for (from, to) in STRICT {
                            x = x.replace(from, to);
                        }
                    }
                    *data = x.into_bytes();
                }
            }
        }
        parts.push(("docProps/core.xml".into(), core.into_bytes()));
        parts.push(("docProps/app.xml".into(), app.into_bytes()));
        zip_parts(&parts)
    }
}
