/// Caps that keep one hostile file from exhausting the machine. Each has a flag of
/// `nianbao extract` to raise it (`--max-file-mb`, `--max-inflated-mb`, `--max-entries`,
/// `--max-xml-depth`, `--max-xml-elements`, `--max-table-cells`, `--max-cell-chars`,
/// `--max-image-mp`, `--max-pdf-pages`, `--max-pdf-operators`, `--max-doc-pieces`), and a file that hits one fails with an errors.csv row naming it — except
/// the image limit, which skips the picture with a warning (the report is still read).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Total bytes inflated from one package.
    pub max_total_inflated: u64,
    /// Bytes inflated from one zip entry.
    pub max_entry_inflated: u64,
    /// Entries in one zip package.
    pub max_entries: usize,
    /// Element nesting depth in one XML part.
    pub max_xml_depth: usize,
    /// Elements (start tags) in one XML part, counted on the inflated bytes before parsing.
    pub max_xml_elements: usize,
    /// Slots (rows × columns) in one table.
    pub max_table_slots: usize,
    /// Characters of text in one table cell.
    pub max_cell_chars: usize,
    /// Pixels of one image, checked from its header before decoding.
    pub max_image_pixels: u64,
    /// Pages of one PDF.
    pub max_pdf_pages: usize,
    /// Operators in one PDF page's content stream.
    pub max_pdf_operators: usize,
    /// Pieces in the piece table of a Word 97–2003 document (a real one has a few hundred).
    pub max_doc_pieces: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_inflated: 1 << 30,
            max_entry_inflated: 512 << 20,
            max_entries: 20_000,
            max_xml_depth: 256,
            max_xml_elements: 4_000_000,
            max_table_slots: 1_000_000,
            max_cell_chars: 100_000,
            max_image_pixels: 40_000_000,
            max_pdf_pages: 5_000,
            max_pdf_operators: 5_000_000,
            max_doc_pieces: 100_000,
        }
    }
}
