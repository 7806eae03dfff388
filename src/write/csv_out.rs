//! The CSV files of an output folder. Each is written under a temporary name and renamed into
//! place by [`CsvOutput::finish`], so an interrupted run never leaves a CSV that looks whole.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::excel_safe;
use super::rows::{Rows, Table};

/// UTF-8 byte-order mark: Excel and WPS on Chinese Windows need it to read UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One CSV file being written: BOM, CRLF, text columns guarded against formula injection.
pub struct CsvFile {
    /// Which columns hold numbers (written as they are).
    numeric: Vec<bool>,
    tmp: PathBuf,
    dest: PathBuf,
    csv: csv::Writer<BufWriter<File>>,
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
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(file);
        csv.write_record(header)?;
        Ok(CsvFile {
            numeric,
            tmp,
            dest,
            csv,
        })
    }

    pub fn write(&mut self, record: &[String]) -> std::io::Result<()> {
        let numeric = &self.numeric;
        let fields = record.iter().enumerate().map(|(i, f)| {
            let field = if numeric.get(i).copied().unwrap_or(false) {
                std::borrow::Cow::Borrowed(f.as_str())
            } else {
                excel_safe(f)
            };
            field.into_owned().into_bytes()
        });
        self.csv.write_record(fields).map_err(std::io::Error::other)
    }

    /// Flushes and renames the file into place.
    pub fn finish(self) -> std::io::Result<()> {
        let file = self
            .csv
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        file.into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?
            .sync_all()?;
        std::fs::rename(&self.tmp, &self.dest)
    }
}

/// All CSV files of one output folder.
pub struct CsvOutput {
    files: Vec<(Table, CsvFile)>,
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
                CsvFile::create(dir, t.name(), t.columns(), numeric).map(|f| (t, f))
            })
            .collect::<std::io::Result<_>>()?;
        Ok(CsvOutput { files })
    }

    /// Appends one file's records to every table.
    pub fn write(&mut self, rows: &Rows) -> std::io::Result<()> {
        for (table, file) in &mut self.files {
            for record in rows.get(*table) {
                file.write(record)?;
            }
        }
        Ok(())
    }

    /// Renames every file into place. Until this runs, only `.*.partial` files exist.
    pub fn finish(self) -> std::io::Result<()> {
        for (_, file) in self.files {
            file.finish()?;
        }
        Ok(())
    }
}
