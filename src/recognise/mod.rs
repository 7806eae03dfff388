//! **recognise**: a [`Document`] → an [`AnnualReport`]: office and year, dates, contacts, the six
//! sections, and the statistical tables mapped to stable [`MetricId`]s.
//!
//! Nothing here reads files, and nothing here judges the numbers (that is `check`).

pub mod contacts;
pub mod dates;
pub mod metrics;
pub mod office;
pub mod region;
pub mod sections;
pub mod tables;
#[cfg(test)]
pub(crate) mod testutil;
pub mod text;

pub use metrics::MetricId;

use crate::model::Document;

/// Compiles the recogniser's patterns and builds its catalogues now, in the order a report needs
/// them. A batch calls this on its otherwise idle writer thread while the workers read their
/// first reports: left to the first report, a worker compiles them while the others wait on the
/// same patterns (≈ 17 M instructions, a few ms of a 200-report run's 110 ms).
pub fn compile_patterns() {
    office::compile_patterns();
    region::compile_patterns();
    dates::compile_patterns();
    contacts::compile_patterns();
    tables::compile_patterns();
    metrics::ids_ordered();
    metrics::catalogued("");
    metrics::is_known("", false);
}

/// Whether the document is an annual report on government information disclosure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Annual,
    Other,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Annual => "annual_report",
            ReportKind::Other => "other",
        }
    }
}

/// A calendar date as printed in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Contact details, normalised (phones as `0631-8985998`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contacts {
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phones: Vec<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

/// The sections of the national outline, by meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SectionId {
    /// Everything before the first section heading (title, preamble paragraph).
    Preamble,
    Overview,
    ActiveDisclosure,
    Requests,
    ReviewLitigation,
    Problems,
    Other,
    /// The text of a document that is not an annual report.
    Body,
    /// Footnotes, endnotes and comments: never one of the report's sections (see
    /// [`AnnualReport::notes`]), written beside them.
    Notes,
    /// The pictures' descriptions (alt text), written beside the sections like the notes (see
    /// [`AnnualReport::pictures`]).
    Pictures,
}

impl SectionId {
    pub fn as_str(self) -> &'static str {
        match self {
            SectionId::Preamble => "preamble",
            SectionId::Overview => "overview",
            SectionId::ActiveDisclosure => "active_disclosure",
            SectionId::Requests => "requests",
            SectionId::ReviewLitigation => "review_litigation",
            SectionId::Problems => "problems",
            SectionId::Other => "other",
            SectionId::Body => "body",
            SectionId::Notes => "notes",
            SectionId::Pictures => "pictures",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: SectionId,
    /// The heading as printed (with its number), empty for the preamble.
    pub heading: String,
    /// The section's paragraphs joined with `\n` (tables are not included).
    pub text: String,
    /// [`ORIGIN_OCR`] when any of its text was read by OCR from a picture of a page (a scan:
    /// expect misread characters), else [`ORIGIN_TEXT`].
    pub origin: &'static str,
}

/// [`Section::origin`] of text typed in the document.
pub const ORIGIN_TEXT: &str = "text";
/// [`Section::origin`] of text read by OCR from a picture of a page.
pub const ORIGIN_OCR: &str = "ocr";

/// What a published cell stands for; kept apart from the value so "0", blank and "/" stay different.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Semantic {
    Number,
    Zero,
    /// An empty cell: reported as value 0.
    Blank,
    /// `/`, `—`, `-`, `--`, `无`: not applicable, no value.
    Na,
    /// Something that is not a number.
    Text,
}

impl Semantic {
    pub fn as_str(self) -> &'static str {
        match self {
            Semantic::Number => "number",
            Semantic::Zero => "zero",
            Semantic::Blank => "blank",
            Semantic::Na => "na",
            Semantic::Text => "text",
        }
    }
}

/// One standard figure of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub metric: MetricId,
    /// The number; `None` for `na` and `text`.
    pub value: Option<f64>,
    /// The cell text as read.
    pub raw: String,
    pub semantic: Semantic,
    /// Where it was read: `word`, `sheet`, `image`, `vector`, `text`, `ocr`.
    pub origin: &'static str,
    /// Which table and cell (or image and pixel box) — enough to find it again by hand.
    pub location: String,
    /// The same place for a program: the table cell the figure was read from (`None` for text).
    pub cell: Option<CellRef>,
}

/// A cell of a body table: `T{table} r{row+1}c{col+1}` in a figure's `location`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRef {
    /// 1-based number of the table among the document's body tables (the `T{n}` of tables.csv).
    pub table: usize,
    /// The cell's top-left slot in that table, 0-based.
    pub row: usize,
    pub col: usize,
}

/// Which national format a statistical table (or a whole report) follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    F2021,
    F2019,
}

/// Everything recognised in one document.
#[derive(Debug, Clone)]
pub struct AnnualReport {
    pub kind: ReportKind,
    pub office: Option<String>,
    pub year: Option<i32>,
    pub published: Option<Date>,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub contacts: Contacts,
    pub sections: Vec<Section>,
    /// Footnotes, endnotes and comments as one section of their own, when the document has any:
    /// kept out of `sections`, so they never count as a section's text, a heading or a claim.
    pub notes: Option<Section>,
    /// The pictures' descriptions (alt text), one line each after the picture's id (`[I2] …`),
    /// when any picture has one. A description is not printed on the page, so it is kept out of
    /// `sections` (a table cut at a page break is two screenshots with nothing between them, and
    /// Word fills descriptions in by itself: "表格 描述已自动生成"), but it is the document's text.
    pub pictures: Option<Section>,
    pub figures: Vec<Figure>,
    /// Formats of the statistical tables found, in reading order.
    pub table_formats: Vec<TableFormat>,
    pub warnings: Vec<String>,
}

/// Whether a warning only says how the tables were read — a label matched fuzzily, a table cut
/// at a page break joined again — with nothing lost.
pub fn is_reading_note(warning: &str) -> bool {
    warning.contains(": fuzzy ") || warning.contains(": joined ")
}

/// Recognises the annual report in a document.
pub fn recognise(doc: &Document) -> AnnualReport {
    let lines = text::body_lines(doc);
    let sections = sections::split_sections(doc);
    let (office, year) = office::office_and_year(doc, &lines);
    let published =
        dates::publish_date(&lines).or_else(|| dates::metadata_date(&text::furniture_lines(doc)));
    let (period_start, period_end) =
        dates::statistical_period(&lines, year).map_or((None, None), |(a, b)| (Some(a), Some(b)));
    let contacts = contacts::find_contacts(doc, &lines);
    let mut warnings = Vec::new();
    let mut mapped = tables::map_tables(doc, &mut warnings);
    if !mapped.figures.iter().any(|f| f.metric.0.starts_with("t4.")) {
        let (t4, notes) = match tables::t4_unlabelled(doc) {
            Some((figures, note)) => (figures, vec![note.to_string()]),
            None => tables::t4_from_prose(doc),
        };
        warnings.extend(notes);
        if !t4.is_empty() {
            mapped.figures.extend(t4);
            // keep catalogue order (2019-only ids come after 表四)
            let order: std::collections::HashMap<String, usize> = metrics::all_ids_ordered()
                .into_iter()
                .enumerate()
                .map(|(i, id)| (id.0, i))
                .collect();
            mapped
                .figures
                .sort_by_key(|f| order.get(&f.metric.0).copied().unwrap_or(usize::MAX));
        }
    }
    let is_annual = !mapped.figures.is_empty()
        || lines
            .iter()
            .take(10)
            .any(|l| l.contains("政府信息公开") && l.contains("年度报告"))
        || sections
            .iter()
            .filter(|s| s.id != SectionId::Preamble)
            .count()
            >= 3;
    let (kind, sections) = if is_annual {
        (ReportKind::Annual, sections)
    } else {
        (ReportKind::Other, sections::as_body(doc))
    };
    AnnualReport {
        kind,
        office,
        year,
        published,
        period_start,
        period_end,
        contacts,
        sections,
        notes: sections::notes(doc),
        pictures: sections::picture_descriptions(doc),
        figures: mapped.figures,
        table_formats: mapped.formats,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::{lines_doc, SEED};
    use super::*;

    #[test]
    fn seed_report() {
        let r = recognise(&lines_doc(SEED));
        assert_eq!(r.kind, ReportKind::Annual);
        assert_eq!(r.office.as_deref(), Some("威海市文登区天福街道办事处"));
        assert_eq!(r.year, Some(2023));
        assert_eq!(
            r.published.map(|d| d.to_string()).as_deref(),
            Some("2024-01-22")
        );
        assert_eq!(
            r.period_start.map(|d| d.to_string()).as_deref(),
            Some("2023-01-01")
        );
        assert_eq!(
            r.period_end.map(|d| d.to_string()).as_deref(),
            Some("2023-12-31")
        );
        assert_eq!(r.contacts.phones, vec!["0631-8985998"]);
        assert_eq!(
            r.contacts.website.as_deref(),
            Some("http://www.wendeng.gov.cn")
        );
        let ids: Vec<&str> = r.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "preamble",
                "overview",
                "active_disclosure",
                "requests",
                "review_litigation",
                "problems",
                "other"
            ]
        );
        assert!(r.figures.is_empty());
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn seed_report_with_word_tables_gives_200_figures() {
        use crate::model::Block;
        let mut body = Vec::new();
        for line in SEED.lines() {
            match line {
                "[image: 图片4]" => body.push(Block::Table(testutil::t2_word(true))),
                "[image: 图片3]" => body.push(Block::Table(testutil::t3_word())),
                "[image: 图片2]" => body.push(Block::Table(testutil::t4_grid(["0"; 15]))),
                l => body.push(testutil::para(l)),
            }
        }
        let r = recognise(&testutil::doc(body));
        let ids: Vec<String> = r.figures.iter().map(|f| f.metric.0.clone()).collect();
        let want: Vec<String> = metrics::catalogue_2021()
            .into_iter()
            .map(|m| m.id.0)
            .collect();
        assert_eq!(ids, want);
        assert_eq!(r.table_formats, vec![TableFormat::F2021; 3]);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert_eq!(r.sections.len(), 7);
        assert_eq!(r.sections[2].text, "");
        assert_eq!(r.figures[0].location, "T1 r3c2");
        assert_eq!(r.figures[10].location, "T2 r4c4");
        assert_eq!(r.figures[185].location, "T3 r4c1");
    }

    #[test]
    fn other_documents_are_one_body() {
        let r = recognise(&lines_doc("2023年预算说明\n一、收入\n二、支出"));
        assert_eq!(r.kind, ReportKind::Other);
        assert_eq!(r.sections.len(), 1);
        assert_eq!(r.sections[0].id, SectionId::Body);
        assert_eq!(r.sections[0].text, "2023年预算说明\n一、收入\n二、支出");
    }

    #[test]
    fn page_metadata_fills_only_gaps() {
        let meta = vec![
            testutil::para("发布机构：某某区人民政府办公室"),
            testutil::para("成文日期：2024-02-05"),
        ];
        // the report names its office and date: the metadata changes nothing
        let mut d = lines_doc(SEED);
        d.furniture = meta.clone();
        let r = recognise(&d);
        assert_eq!(r.office.as_deref(), Some("威海市文登区天福街道办事处"));
        assert_eq!(
            r.published.map(|d| d.to_string()).as_deref(),
            Some("2024-01-22")
        );
        // a report without title office or closing date takes them from the metadata
        let mut d = lines_doc("政府信息公开工作年度报告\n一、总体情况\n本年度主动公开信息。");
        d.furniture = meta;
        let r = recognise(&d);
        assert_eq!(r.office.as_deref(), Some("某某区人民政府办公室"));
        assert_eq!(
            r.published.map(|d| d.to_string()).as_deref(),
            Some("2024-02-05")
        );
    }
}
