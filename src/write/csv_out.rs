//! The CSV files of an output folder. Each is written under a temporary name and renamed into
//! place by [`CsvOutput::finish`], so an interrupted run never leaves a CSV that looks whole.
//!
//! Records are rendered to bytes by [`CsvRecords`] first — in the batch, on the worker thread
//! that read the file — so the one thread that appends to the files only copies bytes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::excel_safe;
use super::rows::{RowSink, Rows, Table};

/// UTF-8 byte-order mark: Excel and WPS on Chinese Windows need it to read UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Records of one table rendered as CSV: CRLF, text columns guarded against formula injection.
struct Renderer {
    /// Which columns hold numbers (written as they are).
    numeric: Vec<bool>,
    csv: csv::Writer<Vec<u8>>,
}

impl Renderer {
    fn new(numeric: Vec<bool>) -> Self {
        Renderer {
            numeric,
            csv: Self::writer(),
        }
    }

    fn writer() -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new())
    }

    fn for_table(t: Table) -> Self {
        Renderer::new(
            (0..t.columns().len())
                .map(|i| t.is_numeric_column(i))
                .collect(),
        )
    }

    fn record(&mut self, fields: &[&str]) {
        for (i, f) in fields.iter().enumerate() {
            let field = if self.numeric.get(i).copied().unwrap_or(false) {
                std::borrow::Cow::Borrowed(*f)
            } else {
                excel_safe(f)
            };
            // Writing into a Vec cannot fail.
            let _ = self.csv.write_field(field.as_bytes());
        }
        let _ = self.csv.write_record(None::<&[u8]>);
    }

    /// The bytes rendered so far, leaving the renderer empty.
    fn take(&mut self) -> Vec<u8> {
        into_bytes(std::mem::replace(&mut self.csv, Self::writer()))
    }
}

/// The rendered bytes of a CSV writer that writes into memory (flushing into a Vec cannot fail).
fn into_bytes(csv: csv::Writer<Vec<u8>>) -> Vec<u8> {
    csv.into_inner().unwrap_or_default()
}

/// One file's records rendered as the bytes of every output CSV (a [`RowSink`]).
pub struct CsvRecords {
    tables: Vec<Renderer>,
}

impl Default for CsvRecords {
    fn default() -> Self {
        CsvRecords {
            tables: Table::ALL.iter().map(|&t| Renderer::for_table(t)).collect(),
        }
    }
}

impl RowSink for CsvRecords {
    fn record(&mut self, table: Table, fields: &[&str]) {
        self.tables[table as usize].record(fields);
    }
}

impl CsvRecords {
    /// The rendered bytes, one buffer per table in [`Table::ALL`] order.
    pub fn finish(self) -> RenderedCsv {
        // Each writer is consumed, not replaced by a fresh one (its buffer zeroed for nothing).
        RenderedCsv(self.tables.into_iter().map(|r| into_bytes(r.csv)).collect())
    }
}

/// CSV bytes of one input file, ready to be appended to the output files.
#[derive(Debug, Default)]
pub struct RenderedCsv(Vec<Vec<u8>>);

impl RenderedCsv {
    pub fn of_rows(rows: &Rows) -> RenderedCsv {
        let mut records = CsvRecords::default();
        rows.visit(&mut records);
        records.finish()
    }
}

/// One CSV file being written, with a BOM for Excel.
pub struct CsvFile {
    renderer: Renderer,
    /// Records rendered and not yet written to the file.
    pending: bool,
    tmp: PathBuf,
    dest: PathBuf,
    file: BufWriter<File>,
}

impl CsvFile {
    pub fn create(
        dir: &Path,
        name: &str,
        header: &[&str],
        numeric: Vec<bool>,
    ) -> std::io::Result<Self> {
        let dest = dir.join(format!("{name}.csv"));
        let tmp = dir.join(format!(".{name}.csv.partial"));
        let mut file = BufWriter::new(File::create(&tmp)?);
        file.write_all(BOM)?;
        let mut header_csv = Renderer::new(Vec::new());
        header_csv.record(header);
        file.write_all(&header_csv.take())?;
        Ok(CsvFile {
            renderer: Renderer::new(numeric),
            pending: false,
            tmp,
            dest,
            file,
        })
    }

    /// Renders one record; records are collected and written to the file in blocks.
    pub fn write(&mut self, record: &[String]) -> std::io::Result<()> {
        let fields: Vec<&str> = record.iter().map(String::as_str).collect();
        self.renderer.record(&fields);
        self.pending = true;
        if self.renderer.csv.get_ref().len() >= 64 << 10 {
            self.write_rendered()?;
        }
        Ok(())
    }

    fn write_rendered(&mut self) -> std::io::Result<()> {
        if !std::mem::take(&mut self.pending) {
            return Ok(());
        }
        let bytes = self.renderer.take();
        self.file.write_all(&bytes)
    }

    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write_rendered()?;
        self.file.write_all(bytes)
    }

    /// Flushes and renames the file into place.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.write_rendered()?;
        self.file
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?
            .sync_all()?;
        std::fs::rename(&self.tmp, &self.dest)
    }
}

/// All CSV files of one output folder.
pub struct CsvOutput {
    files: Vec<CsvFile>,
}

impl CsvOutput {
    pub fn create(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let files = Table::ALL
            .iter()
            .map(|&t| {
                let numeric = (0..t.columns().len())
                    .map(|i| t.is_numeric_column(i))
                    .collect();
                CsvFile::create(dir, t.name(), t.columns(), numeric)
            })
            .collect::<std::io::Result<_>>()?;
        Ok(CsvOutput { files })
    }

    /// Appends one file's records to every table.
    pub fn write(&mut self, rows: &Rows) -> std::io::Result<()> {
        self.append(&RenderedCsv::of_rows(rows))
    }

    /// Appends one file's records rendered beforehand.
    pub fn append(&mut self, rendered: &RenderedCsv) -> std::io::Result<()> {
        for (file, bytes) in self.files.iter_mut().zip(&rendered.0) {
            file.append(bytes)?;
        }
        Ok(())
    }

    /// Renames every file into place. Until this runs, only `.*.partial` files exist.
    pub fn finish(self) -> std::io::Result<()> {
        for file in self.files {
            file.finish()?;
        }
        Ok(())
    }
}
