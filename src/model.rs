//! The one document model every reader produces and the recogniser consumes.
//!
//! Readers (`crate::read`) turn a file format into a [`Document`]: blocks in reading order —
//! paragraphs, tables as merged-cell grids, and anchors of embedded images — plus the
//! page furniture (headers, footers, notes) kept apart so it never leaks into section text.

/// The container format a document was read from, as detected from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Docx,
    Xlsx,
    Xls,
    Pdf,
    Html,
    Doc,
    Wps,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Doc => "doc",
            Format::Wps => "wps",
        }
    }
}

/// A document in reading order.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Main story: body paragraphs, tables and image anchors in the order a reader meets them.
    /// Text boxes are spliced in where they are anchored; nested tables follow their parent table.
    pub body: Vec<Block>,
    /// Headers and footers: never part of a section's text, but a place to find the office name.
    pub furniture: Vec<Block>,
    /// Footnotes, endnotes and comments.
    pub notes: Vec<Block>,
    /// Every embedded image part, once each, in order of first reference (then unreferenced parts).
    pub images: Vec<ImagePart>,
    /// Things the reader noticed but could work around (a missing part, an unknown numbering format…).
    pub warnings: Vec<String>,
    /// How the reader found the content, in words for `nianbao inspect`: which container of a web
    /// page held the article, which tables were layout tables, what each PDF page held. Never part
    /// of the report and never a warning.
    pub reader_notes: Vec<String>,
}

impl Document {
    /// All tables of the body, in reading order.
    pub fn tables(&self) -> impl Iterator<Item = &TableGrid> {
        self.body.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// The pictures placed in the body: (position in `body`, index in `images`), in reading order.
    pub fn placed_images(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.body.iter().enumerate().filter_map(|(pos, b)| match b {
            Block::Image(i) => Some((pos, *i)),
            _ => None,
        })
    }
}

/// One block of the reading order.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(Paragraph),
    Table(TableGrid),
    /// A picture anchored here; the index points into [`Document::images`].
    Image(usize),
}

/// A paragraph with its list label rendered as printed (e.g. `一、`, `（三）`, `3、`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paragraph {
    /// The list label that Word would print before the text, from numbering.xml; `None` when
    /// the paragraph is not numbered (a label typed into the text stays in `text`).
    pub label: Option<String>,
    /// The text: runs joined, tabs as `\t`, breaks as `\n`, field results only, deletions dropped.
    pub text: String,
    /// Style name as written in styles.xml (`heading 1`, `标题 1`, …), if any.
    pub style: Option<String>,
    /// Outline level 0–8 (0 = top), directly or through the style chain.
    pub outline_level: Option<u8>,
    /// Where the paragraph was printed, for readers of laid-out pages (PDF, scans).
    pub page_box: Option<PageBox>,
    /// Mean recognition confidence 0–1 of its lines when the paragraph was read by OCR from a
    /// picture of a page (`origin=ocr`); `None` for text the file carries as text.
    pub confidence: Option<f32>,
}

/// A box on a printed page: page number (1-based) and `[x, y, width, height]` with the origin at
/// the page's top-left corner, in PDF points (1/72 inch) for PDF pages and, for scans (a page
/// picture read by OCR, in a PDF or not), in pixels of the page picture as stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageBox {
    pub page: u32,
    pub rect: [f32; 4],
}

impl PageBox {
    /// The box alone, `312.4,210.0,38.5,14.2` (tables.csv's `page_box`).
    pub fn write_rect(&self, out: &mut impl std::fmt::Write) -> std::fmt::Result {
        let [x, y, w, h] = self.rect;
        write!(out, "{x:.1},{y:.1},{w:.1},{h:.1}")
    }
}

impl std::fmt::Display for PageBox {
    /// `page 3 box 312.4,210.0,38.5,14.2`, as in a figure's location.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "page {} box ", self.page)?;
        self.write_rect(f)
    }
}

impl Paragraph {
    /// The paragraph as printed: label (if any) followed by the text. Word prints a tab (or a
    /// space) after a list number; where the label ends and the text begins with a letter or
    /// digit (`1.1` + `Head`, `o` + `bullet`, `SECTION 1` + `Introduction`) a space stands for
    /// it, so the number and the first word stay two words (`1.1 Head`, not `1.1Head`).
    pub fn printed(&self) -> String {
        match &self.label {
            Some(l) => {
                let mut out = String::with_capacity(l.len() + 1 + self.text.len());
                out.push_str(l);
                if needs_gap(l, &self.text) {
                    out.push(' ');
                }
                out.push_str(&self.text);
                out
            }
            None => self.text.clone(),
        }
    }
}

/// Whether a list label and the text after it would run together into one word: both sides
/// are letters or digits of a script that separates words (CJK characters are words each, so
/// `第一章` + `总则` stays as Word's plain text has it).
fn needs_gap(label: &str, text: &str) -> bool {
    let word = |c: Option<char>| {
        c.is_some_and(|c| {
            c.is_alphanumeric()
                && !matches!(u32::from(c), 0x3040..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
        })
    };
    word(label.chars().next_back()) && word(text.chars().next())
}

/// Where a table's cells were read from.
#[derive(Debug, Clone, PartialEq)]
pub enum TableOrigin {
    /// A Word table (`w:tbl`).
    Word,
    /// A spreadsheet sheet.
    Sheet { name: String, hidden: bool },
    /// A table read from a picture; the index points into [`Document::images`].
    Image { image: usize },
    /// A table laid out from text records of a vector picture (EMF) — no OCR involved.
    Vector { image: usize },
    /// A table rebuilt from a PDF page's drawn rules (or aligned text) and its glyphs;
    /// `page` is where it starts (1-based).
    Pdf { page: u32 },
    /// An HTML `<table>`.
    Html,
}

impl TableOrigin {
    pub fn as_str(&self) -> &'static str {
        match self {
            TableOrigin::Word => "word",
            TableOrigin::Sheet { .. } => "sheet",
            TableOrigin::Image { .. } => "image",
            TableOrigin::Vector { .. } => "vector",
            TableOrigin::Pdf { .. } => "pdf",
            TableOrigin::Html => "html",
        }
    }
}

/// A table as a grid of merged cells: each cell appears once, at its top-left slot, with its
/// spans — text is never copied into the slots a merge covers.
#[derive(Debug, Clone, PartialEq)]
pub struct TableGrid {
    pub rows: usize,
    pub cols: usize,
    /// Cells in row-major order of their top-left slot.
    pub cells: Vec<Cell>,
    pub origin: TableOrigin,
}

/// One (possibly merged) cell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    /// Cell text; paragraphs inside the cell are joined with `\n`.
    pub text: String,
    /// Pixel box `[x, y, width, height]` when the cell was read from an image: in the pixels of
    /// the picture as stored, whatever turn or perspective the reader took out.
    pub bbox: Option<[u32; 4]>,
    /// The same box in the picture as the reader read it — put upright, straightened: the
    /// geometry of the table as printed, where the columns of two pictures of one table can be
    /// compared. Never written out.
    pub upright_box: Option<[u32; 4]>,
    /// Recognition confidence 0–1 when the cell was read by OCR.
    pub confidence: Option<f32>,
    /// Where the cell was printed, when it was read from a laid-out page (PDF).
    pub page_box: Option<PageBox>,
}

impl TableGrid {
    /// Builds a grid from cells; rows/cols are derived from the cells' extents.
    pub fn from_cells(mut cells: Vec<Cell>, origin: TableOrigin) -> Self {
        cells.sort_by_key(|c| (c.row, c.col));
        let rows = cells
            .iter()
            .map(|c| c.row + c.rowspan.max(1))
            .max()
            .unwrap_or(0);
        let cols = cells
            .iter()
            .map(|c| c.col + c.colspan.max(1))
            .max()
            .unwrap_or(0);
        TableGrid {
            rows,
            cols,
            cells,
            origin,
        }
    }

    /// The cell covering slot (row, col), merged or not.
    pub fn cell_at(&self, row: usize, col: usize) -> Option<&Cell> {
        self.cells.iter().find(|c| {
            row >= c.row
                && row < c.row + c.rowspan.max(1)
                && col >= c.col
                && col < c.col + c.colspan.max(1)
        })
    }

    /// A dense view: for every slot, the index of the covering cell in `cells`.
    pub fn slots(&self) -> Vec<Vec<Option<usize>>> {
        let mut grid = vec![vec![None; self.cols]; self.rows];
        for (i, c) in self.cells.iter().enumerate() {
            for row in grid.iter_mut().skip(c.row).take(c.rowspan.max(1)) {
                for slot in row.iter_mut().skip(c.col).take(c.colspan.max(1)) {
                    if slot.is_none() {
                        *slot = Some(i);
                    }
                }
            }
        }
        grid
    }
}

/// An embedded image part with its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct ImagePart {
    /// Part name inside the package, e.g. `word/media/image1.png` (never used as a file name).
    pub part: String,
    /// Content type from `[Content_Types].xml` or sniffed from the bytes.
    pub content_type: String,
    pub data: Vec<u8>,
    /// The picture's description (alt text) as the document gives it (`wp:docPr/@descr`,
    /// `v:shape/@alt`, `<img alt>`): the distinct non-empty ones of its anchors, one per line.
    /// Not printed on the page, so never part of a section's text; listed in images.csv.
    pub description: Option<String>,
}
