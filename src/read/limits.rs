/// Caps that keep one hostile file from exhausting the machine. Each has a flag to raise it.
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
    /// Slots (rows × columns) in one table.
    pub max_table_slots: usize,
    /// Characters of text in one table cell.
    pub max_cell_chars: usize,
    /// Pixels of one image, checked from its header before decoding.
    pub max_image_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_inflated: 1 << 30,
            max_entry_inflated: 512 << 20,
            max_entries: 20_000,
            max_xml_depth: 256,
            max_table_slots: 1_000_000,
            max_cell_chars: 100_000,
            max_image_pixels: 40_000_000,
        }
    }
}
