//! The SQLite store (`--db FILE`): accumulates every run, documents by sha256.
//!
//! The output tables are stored with the same columns as their CSV files (without `source`,
//! which lives in `sources`, since one document can be found under several paths). Each file's
//! rows are written in one transaction, so an interrupted run leaves the store consistent and the
//! next run resumes with the files not yet stored.

use std::collections::HashSet;
use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};

use super::format_number;
use super::rows::{Rows, Table};

/// Bumped whenever extraction changes what it produces: stored documents of an older version
/// are read again by the next `extract --db`.
pub const EXTRACTION_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+4");

/// 2: `images.description` (alt text). 3: `cells.page` and `cells.page_box` (PDF cells).
/// 4: `sections.origin` (`ocr` for text read from page pictures).
const SCHEMA_VERSION: i64 = 4;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(
        "database {path} was written by a newer nianbao (schema {found}, this one knows {known})"
    )]
    Schema {
        path: String,
        found: i64,
        known: i64,
    },
}

pub struct Store {
    conn: Connection,
}

fn sql_table(t: Table) -> &'static str {
    match t {
        Table::Tables => "cells",
        other => other.name(),
    }
}

/// Columns stored for a table: the CSV columns without `source` (and `sha256` is the key).
fn stored_columns(t: Table) -> Vec<&'static str> {
    t.columns()
        .iter()
        .copied()
        .filter(|c| *c != "source" && !(t == Table::Reports && *c == "sha256"))
        .collect()
}

/// Numbers that are typed in SQL so that `SUM(value)` works; written back exactly as printed.
fn is_sql_number(t: Table, column: &str) -> bool {
    let i = t.columns().iter().position(|c| *c == column);
    i.is_some_and(|i| t.is_numeric_column(i)) && column != "confidence"
}

impl Store {
    pub fn open(path: &Path) -> Result<Store, DbError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let store = Store { conn };
        store.migrate(path)?;
        Ok(store)
    }

    fn migrate(&self, path: &Path) -> Result<(), DbError> {
        let found: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(DbError::Schema {
                path: path.display().to_string(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        let mut sql = String::from(
            "CREATE TABLE IF NOT EXISTS documents (
                sha256 TEXT PRIMARY KEY,
                seq INTEGER NOT NULL UNIQUE,
                format TEXT NOT NULL,
                extraction_version TEXT NOT NULL,
                office_key TEXT,
                year INTEGER,
                current INTEGER NOT NULL DEFAULT 1,
                images INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX IF NOT EXISTS documents_office_year ON documents(office_key, year);
            CREATE TABLE IF NOT EXISTS sources (
                source TEXT PRIMARY KEY,
                sha256 TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE
            );
            CREATE INDEX IF NOT EXISTS sources_sha256 ON sources(sha256);
            CREATE TABLE IF NOT EXISTS image_data (
                sha256 TEXT PRIMARY KEY,
                data BLOB NOT NULL
            );\n",
        );
        for t in Table::ALL {
            let cols: Vec<String> = stored_columns(t)
                .iter()
                .map(|c| {
                    let ty = if is_sql_number(t, c) {
                        "NUMERIC"
                    } else {
                        "TEXT"
                    };
                    format!("\"{c}\" {ty}")
                })
                .collect();
            sql.push_str(&format!(
                "CREATE TABLE IF NOT EXISTS \"{name}\" (
                    doc TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
                    ord INTEGER NOT NULL,
                    {cols},
                    PRIMARY KEY (doc, ord)
                );\n",
                name = sql_table(t),
                cols = cols.join(", ")
            ));
        }
        sql.push_str(
            "CREATE INDEX IF NOT EXISTS figures_metric ON figures(metric);
             CREATE VIEW IF NOT EXISTS current_figures AS
               SELECT d.office_key, r.office, r.year, f.metric, f.value, f.semantic, f.origin,
                      f.location, d.sha256
               FROM figures f JOIN documents d ON d.sha256 = f.doc
               JOIN reports r ON r.doc = d.sha256
               WHERE d.current = 1;",
        );
        self.conn.execute_batch(&sql)?;
        if found == 1 {
            // Version 1 had no alt text; its documents are read again (EXTRACTION_VERSION).
            self.conn
                .execute_batch("ALTER TABLE images ADD COLUMN \"description\" TEXT;")?;
        }
        if (1..3).contains(&found) {
            // Versions 1 and 2 had no page boxes for PDF cells.
            self.conn.execute_batch(
                "ALTER TABLE cells ADD COLUMN \"page\" NUMERIC;
                 ALTER TABLE cells ADD COLUMN \"page_box\" TEXT;",
            )?;
        }
        if (1..4).contains(&found) {
            // Versions 1 to 3 did not say which sections were read by OCR; their documents
            // are read again (EXTRACTION_VERSION) and fill it.
            self.conn
                .execute_batch("ALTER TABLE sections ADD COLUMN \"origin\" TEXT;")?;
        }
        self.conn
            .pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(())
    }

    /// Documents already stored by this extraction version: `extract --db` skips them.
    pub fn known_documents(&self) -> Result<HashSet<String>, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT sha256 FROM documents WHERE extraction_version = ?1")?;
        let rows = stmt.query_map([EXTRACTION_VERSION], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The key a document is stored under: its sha256, or the path for a file that could not
    /// even be opened (it has no content to hash).
    fn key(rows: &Rows) -> String {
        let sha = rows
            .reports
            .first()
            .and_then(|r| r.get(1))
            .cloned()
            .unwrap_or_default();
        if sha.is_empty() {
            let source = rows
                .reports
                .first()
                .and_then(|r| r.first())
                .cloned()
                .unwrap_or_default();
            format!("unread:{source}")
        } else {
            sha
        }
    }

    /// Stores one file's rows (replacing an older extraction of the same content) and maps its
    /// path to it. One transaction: all of the file or nothing.
    pub fn store(
        &mut self,
        rows: &Rows,
        office_key: Option<&str>,
        images: &[(&str, &[u8])],
    ) -> Result<(), DbError> {
        let key = Self::key(rows);
        let Some(report) = rows.reports.first() else {
            return Ok(());
        };
        let source = report[0].clone();
        let format = report[2].clone();
        let year: Option<i64> = report[6].parse().ok();
        let tx = self.conn.transaction()?;
        let seq: i64 =
            tx.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM documents", [], |r| {
                r.get(0)
            })?;
        // Re-storing a document replaces its rows but keeps every path that maps to it.
        for t in Table::ALL {
            tx.execute(
                &format!("DELETE FROM \"{}\" WHERE doc = ?1", sql_table(t)),
                [&key],
            )?;
        }
        tx.execute(
            "INSERT INTO documents (sha256, seq, format, extraction_version, office_key, year, \
             images) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(sha256) DO UPDATE SET seq = excluded.seq, format = excluded.format,
               extraction_version = excluded.extraction_version, office_key = excluded.office_key,
               year = excluded.year, images = excluded.images",
            params![
                key,
                seq,
                format,
                EXTRACTION_VERSION,
                office_key,
                year,
                images.len() as i64
            ],
        )?;
        for t in Table::ALL {
            let cols = stored_columns(t);
            let keep: Vec<usize> = t
                .columns()
                .iter()
                .enumerate()
                .filter(|(_, c)| cols.contains(c))
                .map(|(i, _)| i)
                .collect();
            let sql = format!(
                "INSERT INTO \"{}\" (doc, ord, {}) VALUES (?1, ?2, {})",
                sql_table(t),
                cols.iter()
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                (0..cols.len())
                    .map(|i| format!("?{}", i + 3))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            for (ord, record) in rows.get(t).iter().enumerate() {
                let mut values: Vec<Value> =
                    vec![Value::Text(key.clone()), Value::Integer(ord as i64)];
                for &i in &keep {
                    let field = record.get(i).cloned().unwrap_or_default();
                    values.push(to_sql_value(t, t.columns()[i], field));
                }
                stmt.execute(rusqlite::params_from_iter(values))?;
            }
        }
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO image_data (sha256, data) VALUES (?1, ?2)",
            )?;
            for (sha256, data) in images {
                stmt.execute(params![sha256, data])?;
            }
        }
        tx.execute(
            "INSERT INTO sources (source, sha256) VALUES (?1, ?2)
             ON CONFLICT(source) DO UPDATE SET sha256 = excluded.sha256",
            params![source, key],
        )?;
        // The newest document of an office and year is the current one; older ones stay as history.
        if let (Some(k), Some(y)) = (office_key, year) {
            tx.execute(
                "UPDATE documents SET current = (seq = (SELECT MAX(seq) FROM documents \
                 WHERE office_key = ?1 AND year = ?2)) WHERE office_key = ?1 AND year = ?2",
                params![k, y],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Maps another path to an already stored document (an unchanged file seen again).
    pub fn add_source(&mut self, source: &str, sha256: &str) -> Result<(), DbError> {
        self.conn.execute(
            "INSERT INTO sources (source, sha256) VALUES (?1, ?2)
             ON CONFLICT(source) DO UPDATE SET sha256 = excluded.sha256",
            params![source, sha256],
        )?;
        Ok(())
    }

    /// Every stored path, in the order `extract` writes them.
    pub fn sources(&self) -> Result<Vec<(String, String)>, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT source, sha256 FROM sources ORDER BY source")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut out: Vec<(String, String)> = rows.collect::<Result<_, _>>()?;
        // Byte order of the UTF-8 text, the same order `collect_inputs` sorts paths in.
        out.sort();
        Ok(out)
    }

    /// The rows of a stored document as they would be written for `source`.
    pub fn load_rows(&self, sha256: &str, source: &str) -> Result<Rows, DbError> {
        self.load_tables(sha256, source, &Table::ALL)
    }

    /// The rows of some tables of a stored document (the others stay empty).
    pub fn load_tables(
        &self,
        sha256: &str,
        source: &str,
        tables: &[Table],
    ) -> Result<Rows, DbError> {
        let mut rows = Rows::default();
        for &t in tables {
            let cols = stored_columns(t);
            let sql = format!(
                "SELECT {} FROM \"{}\" WHERE doc = ?1 ORDER BY ord",
                cols.iter()
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                sql_table(t)
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let stored = stmt.query_map([sha256], |r| {
                (0..cols.len())
                    .map(|i| r.get::<_, Value>(i).map(from_sql_value))
                    .collect::<Result<Vec<String>, _>>()
            })?;
            for record in stored {
                let mut record = record?.into_iter();
                let full: Vec<String> = t
                    .columns()
                    .iter()
                    .map(|c| match *c {
                        "source" => source.to_string(),
                        "sha256" if t == Table::Reports => {
                            if sha256.starts_with("unread:") {
                                String::new()
                            } else {
                                sha256.to_string()
                            }
                        }
                        _ => record.next().unwrap_or_default(),
                    })
                    .collect();
                rows.get_mut(t).push(full);
            }
        }
        Ok(rows)
    }

    /// Bytes of a stored image.
    pub fn image_data(&self, sha256: &str) -> Result<Option<Vec<u8>>, DbError> {
        Ok(self
            .conn
            .query_row(
                "SELECT data FROM image_data WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn to_sql_value(t: Table, column: &str, field: String) -> Value {
    if is_sql_number(t, column) && !field.is_empty() {
        if let Ok(i) = field.parse::<i64>() {
            // Only when it prints back the same way ("007" stays text).
            if i.to_string() == field {
                return Value::Integer(i);
            }
        }
        if let Ok(f) = field.parse::<f64>() {
            if format_number(f) == field {
                return Value::Real(f);
            }
        }
    }
    Value::Text(field)
}

fn from_sql_value(v: Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => format_number(f),
        Value::Text(s) => s,
        Value::Blob(b) => String::from_utf8_lossy(&b).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store written by schema 1 (images without `description`, cells without page boxes,
    /// sections without `origin`) is opened, migrated, and its images table takes the alt
    /// text, its cells the page boxes, its sections their origin.
    #[test]
    fn schema_1_store_gains_image_descriptions() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("old.db");
        {
            let store = Store::open(&path).unwrap();
            store
                .conn
                .execute_batch(
                    "ALTER TABLE images DROP COLUMN description; ALTER TABLE cells DROP COLUMN page; \
                     ALTER TABLE cells DROP COLUMN page_box; ALTER TABLE sections DROP COLUMN origin; \
                     PRAGMA user_version = 1;",
                )
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let version: i64 = store
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let columns_of = |table: &str| -> Vec<String> {
            store
                .conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let columns = columns_of("images");
        assert_eq!(columns.last().map(String::as_str), Some("description"));
        assert_eq!(
            columns[2..],
            stored_columns(Table::Images)[..],
            "doc, ord, then the CSV columns in order"
        );
        assert_eq!(columns_of("cells")[2..], stored_columns(Table::Tables)[..]);
        let sections = columns_of("sections");
        assert_eq!(sections[2..], stored_columns(Table::Sections)[..]);
    }
}
