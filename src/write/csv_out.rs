//! The CSV files of an output folder. Each is written under a temporary name and renamed into
//! place by [`CsvOutput::finish`], so an interrupted run never leaves a CSV that looks whole.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::excel_safe;
use super::rows::{Rows, Table};

/// UTF-8 byte-order mark: Excel and WPS on Chinese Windows need it to read UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

struct CsvFile {
    table: Table,
    tmp: PathBuf,
    dest: PathBuf,
    csv: csv::Writer<BufWriter<File>>,
}

impl CsvFile {
    fn create(dir: &Path, table: Table) -> std::io::Result<Self> {
        let dest = dir.join(format!("{}.csv", table.name()));
        let tmp = dir.join(format!(".{}.csv.partial", table.name()));
        let mut file = BufWriter::new(File::create(&tmp)?);
        file.write_all(BOM)?;
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(file);
        csv.write_record(table.columns())?;
        Ok(CsvFile {
            table,
            tmp,
            dest,
            csv,
        })
    }

    fn write(&mut self, record: &[String]) -> std::io::Result<()> {
        let table = self.table;
        let fields = record.iter().enumerate().map(|(i, f)| {
            let field = if table.is_numeric_column(i) {
                std::borrow::Cow::Borrowed(f.as_str())
            } else {
                excel_safe(f)
            };
            field.into_owned().into_bytes()
        });
        self.csv.write_record(fields).map_err(std::io::Error::other)
    }

    fn finish(self) -> std::io::Result<()> {
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
    files: Vec<CsvFile>,
}

impl CsvOutput {
    pub fn create(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let files = Table::ALL
            .iter()
            .map(|&t| CsvFile::create(dir, t))
            .collect::<std::io::Result<_>>()?;
        Ok(CsvOutput { files })
    }

    /// Appends one file's records to every table.
    pub fn write(&mut self, rows: &Rows) -> std::io::Result<()> {
        for file in &mut self.files {
            for record in rows.get(file.table) {
                file.write(record)?;
            }
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
