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
use super::Durability;

/// UTF-8 byte-order mark: Excel and WPS on Chinese Windows need it to read UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Records of one table rendered as CSV: CRLF, text columns guarded against formula injection.
///
/// The bytes are what `csv::Writer` with its defaults and a CRLF terminator writes (a field is
/// quoted when it holds a comma, a quote, CR or LF; quotes inside are doubled; a record of one
/// empty field is `""`), written straight into one buffer: the csv crate's state machine and its
/// own buffer cost more than the rest of a figure's row.
struct Renderer {
    /// Which columns hold numbers (written as they are).
    numeric: Vec<bool>,
    out: Vec<u8>,
    /// The leading columns' last field and its rendering. Every row of a file repeats its source
    /// path, office and year (about half a figures row's bytes): compared, not scanned again.
    repeated: [(Vec<u8>, Vec<u8>); REPEATED_COLUMNS],
}

/// How many leading columns [`Renderer`] remembers (source, office, year in figures and checks).
const REPEATED_COLUMNS: usize = 3;

impl Renderer {
    fn new(numeric: Vec<bool>) -> Self {
        Renderer {
            numeric,
            out: Vec::new(),
            repeated: Default::default(),
        }
    }

    fn for_table(t: Table) -> Self {
        let mut r = Renderer::new(
            (0..t.columns().len())
                .map(|i| t.is_numeric_column(i))
                .collect(),
        );
        // A 2021 report renders 20–30 KB each of figures, tables and checks: reserved once
        // instead of doubled a dozen times (the copies were 2 % of a report's instructions).
        r.out.reserve(match t {
            Table::Figures | Table::Tables | Table::Checks => 32 << 10,
            Table::Sections => 4 << 10,
            _ => 256,
        });
        r
    }

    fn record(&mut self, fields: &[&str]) {
        // A record with no bytes at all would read back as a blank line.
        if fields.iter().all(|f| f.is_empty()) && fields.len() < 2 {
            self.out.extend_from_slice(b"\"\"\r\n");
            return;
        }
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            if i >= REPEATED_COLUMNS {
                self.field_in_column(i, f);
            } else if self.repeated[i].0 == f.as_bytes() {
                self.out.extend_from_slice(&self.repeated[i].1);
            } else {
                let start = self.out.len();
                self.field_in_column(i, f);
                let (last, rendered) = &mut self.repeated[i];
                last.clear();
                last.extend_from_slice(f.as_bytes());
                rendered.clear();
                rendered.extend_from_slice(&self.out[start..]);
            }
        }
        self.out.extend_from_slice(b"\r\n");
    }

    fn field_in_column(&mut self, i: usize, f: &str) {
        if self.numeric.get(i).copied().unwrap_or(false) {
            self.field(f.as_bytes());
        } else {
            self.field(excel_safe(f).as_bytes());
        }
    }

    fn field(&mut self, field: &[u8]) {
        if !needs_quotes(field) {
            self.out.extend_from_slice(field);
            return;
        }
        self.out.push(b'"');
        let mut rest = field;
        while let Some(i) = memchr::memchr(b'"', rest) {
            self.out.extend_from_slice(&rest[..=i]);
            self.out.push(b'"');
            rest = &rest[i + 1..];
        }
        self.out.extend_from_slice(rest);
        self.out.push(b'"');
    }

    /// The bytes rendered so far, leaving the renderer empty.
    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }
}

/// Whether a field holds a comma, a quote, CR or LF. Most fields are a few bytes (ids, numbers):
/// a byte loop; a long one (a paragraph, a check's note) gets memchr's vectorised scans, whose
/// set-up costs more than a short field's loop.
fn needs_quotes(field: &[u8]) -> bool {
    if field.len() < 64 {
        return field
            .iter()
            .any(|&b| b < 0x40 && matches!(b, b',' | b'"' | b'\r' | b'\n'));
    }
    memchr::memchr3(b',', b'"', b'\n', field).is_some() || memchr::memchr(b'\r', field).is_some()
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
        RenderedCsv(self.tables.into_iter().map(|r| r.out).collect())
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
    /// Bytes appended since the kernel was last asked to start writing the file out.
    unsent: usize,
    durability: Durability,
}

/// How much of a file is written before the kernel is asked to start writing it to disk: the
/// final `fsync` then waits for the last stretch only (it was 7–12 ms of a 200-report batch).
const WRITEBACK_EVERY: usize = 1 << 20;

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
            unsent: 0,
            durability: Durability::default(),
        })
    }

    /// Sets how the file reaches its final name (see [`Durability`]).
    pub fn with_durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
    }

    /// Starts the disk writes of what the file holds so far, without waiting for them (Linux:
    /// `sync_file_range`). Only a head start for `finish`'s `fsync`, when the file is
    /// [`Durability::Synced`]; elsewhere nothing.
    fn start_writeback(&mut self) -> std::io::Result<()> {
        #[cfg(target_os = "linux")]
        if self.durability == Durability::Synced {
            use std::os::fd::AsRawFd;
            self.file.flush()?;
            // SAFETY: a plain system call on a file descriptor this `File` owns and keeps open.
            unsafe {
                libc::sync_file_range(
                    self.file.get_ref().as_raw_fd(),
                    0,
                    0,
                    libc::SYNC_FILE_RANGE_WRITE,
                );
            }
        }
        self.unsent = 0;
        Ok(())
    }

    /// Renders one record; records are collected and written to the file in blocks.
    pub fn write(&mut self, record: &[String]) -> std::io::Result<()> {
        let fields: Vec<&str> = record.iter().map(String::as_str).collect();
        self.renderer.record(&fields);
        self.pending = true;
        if self.renderer.out.len() >= 64 << 10 {
            self.write_rendered()?;
        }
        Ok(())
    }

    fn write_rendered(&mut self) -> std::io::Result<()> {
        if !std::mem::take(&mut self.pending) {
            return Ok(());
        }
        let bytes = self.renderer.take();
        self.write_bytes(&bytes)
    }

    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write_rendered()?;
        self.write_bytes(bytes)
    }

    fn write_bytes(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.file.write_all(bytes)?;
        self.unsent += bytes.len();
        if self.unsent >= WRITEBACK_EVERY {
            self.start_writeback()?;
        }
        Ok(())
    }

    /// Flushes (to the disk too when [`Durability::Synced`]) and renames the file into place.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.write_rendered()?;
        let file = self
            .file
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        if self.durability == Durability::Synced {
            file.sync_all()?;
        }
        drop(file);
        std::fs::rename(&self.tmp, &self.dest)
    }
}

/// All CSV files of one output folder.
pub struct CsvOutput {
    files: Vec<CsvFile>,
    durability: Durability,
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
        Ok(CsvOutput {
            files,
            durability: Durability::default(),
        })
    }

    /// Sets how every file reaches its final name (see [`Durability`]).
    pub fn with_durability(self, durability: Durability) -> Self {
        CsvOutput {
            files: self
                .files
                .into_iter()
                .map(|f| f.with_durability(durability))
                .collect(),
            durability,
        }
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
    ///
    /// [`Durability::Synced`] files are synced at the same time, one thread each: one after the
    /// other, the seven `fsync`s of 200 reports' CSV took 13 ms, a tenth of the whole batch.
    pub fn finish(self) -> std::io::Result<()> {
        // Files renamed without waiting for the disk are done at once: no thread is worth it.
        if self.durability == Durability::Renamed {
            return self.files.into_iter().try_for_each(CsvFile::finish);
        }
        std::thread::scope(|scope| {
            let syncs: Vec<_> = self
                .files
                .into_iter()
                .map(|file| scope.spawn(move || file.finish()))
                .collect();
            syncs.into_iter().try_for_each(|sync| {
                sync.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("a CSV file's sync panicked")))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes the csv crate writes for the same records (what this renderer replaced).
    fn by_csv_crate(records: &[Vec<&str>]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(Vec::new());
        for r in records {
            w.write_record(r).unwrap();
        }
        w.into_inner().unwrap()
    }

    #[test]
    fn records_are_rendered_as_the_csv_crate_renders_them() {
        // Fields of 64 bytes and more are scanned another way: long ones with and without
        // characters that need quotes.
        let long_plain = "本机关全年共收到政府信息公开申请".repeat(5);
        let long_comma = format!("{long_plain},{long_plain}");
        let long_quote = format!("{long_plain}\"{long_plain}");
        let long_cr = format!("{long_plain}\r");
        let records: Vec<Vec<&str>> = vec![
            vec![&long_plain, &long_comma, &long_quote, &long_cr],
            vec!["a", "b", "c"],
            vec![""],
            vec![],
            vec!["", ""],
            vec!["", "x"],
            vec!["1,5", "say \"hi\"", "\"", "\"\""],
            vec!["line\nbreak", "cr\r", "\r\n", "tab\there"],
            vec![
                "政府信息公开",
                "第二十条（一）",
                "a\\b",
                "  spaced  ",
                "#hash",
            ],
            vec!["x\"y\"z,", "'quote", "="],
        ];
        let mut r = Renderer::new(vec![true; 8]);
        for rec in &records {
            r.record(rec);
        }
        assert_eq!(
            String::from_utf8(r.take()).unwrap(),
            String::from_utf8(by_csv_crate(&records)).unwrap()
        );
    }

    #[test]
    fn text_columns_are_guarded_and_numeric_ones_are_not() {
        let mut r = Renderer::new(vec![false, true]);
        r.record(&["-3", "-3"]);
        r.record(&["=1,2", "=1,2"]);
        assert_eq!(r.take(), b"'-3,-3\r\n\"'=1,2\",\"=1,2\"\r\n");
    }
}
