//! `nianbao merge`: outputs of several shards (CSV folders or databases) → one output, as if
//! one machine had read every file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::load::{read_csv_records, LoadError};
use super::rows::{image_file_name, Rows, Table};
use super::{CsvOutput, Durability, Store};

/// Where a merged file's rows (and image bytes) come from.
enum Origin {
    Folder(PathBuf),
    Db(usize),
}

/// Every input's rows, by source path.
pub struct Merged {
    files: BTreeMap<String, (Rows, Origin)>,
    stores: Vec<Store>,
}

fn is_sqlite(path: &Path) -> bool {
    let mut magic = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && &magic == b"SQLite format 3\0"
}

/// Where the saved pictures of a merged file are.
pub enum ImagesIn<'a> {
    /// `images/` of this `extract` output folder.
    Folder(&'a Path),
    /// The `image_data` table of this database.
    Db(&'a Store),
}

impl Merged {
    pub fn load(inputs: &[PathBuf]) -> Result<Merged, LoadError> {
        Merged::load_tables(inputs, &Table::ALL)
    }

    /// Like [`Merged::load`], with only the rows of `tables` (the others stay empty): `review`
    /// has no use for the cells of every table, the bulk of an output.
    pub fn load_tables(inputs: &[PathBuf], tables: &[Table]) -> Result<Merged, LoadError> {
        let mut merged = Merged {
            files: BTreeMap::new(),
            stores: Vec::new(),
        };
        for input in inputs {
            if input.is_file() && is_sqlite(input) {
                let store = Store::open(input)?;
                let i = merged.stores.len();
                for (source, sha256) in store.sources()? {
                    let rows = store.load_tables(&sha256, &source, tables)?;
                    merged.files.insert(source, (rows, Origin::Db(i)));
                }
                merged.stores.push(store);
            } else {
                let mut by_source: BTreeMap<String, Rows> = BTreeMap::new();
                for &t in tables {
                    let path = input.join(format!("{}.csv", t.name()));
                    for record in read_csv_records(&path)? {
                        let source = record.first().cloned().unwrap_or_default();
                        by_source.entry(source).or_default().get_mut(t).push(record);
                    }
                }
                for (source, rows) in by_source {
                    merged
                        .files
                        .insert(source, (rows, Origin::Folder(input.clone())));
                }
            }
        }
        Ok(merged)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every merged file by source path, in order, with where its pictures are.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Rows, ImagesIn<'_>)> {
        self.files.iter().map(|(source, (rows, origin))| {
            let images = match origin {
                Origin::Folder(dir) => ImagesIn::Folder(dir),
                Origin::Db(i) => ImagesIn::Db(&self.stores[*i]),
            };
            (source.as_str(), rows, images)
        })
    }

    fn image_bytes(&self, origin: &Origin, sha256: &str, content_type: &str) -> Option<Vec<u8>> {
        match origin {
            Origin::Folder(dir) => std::fs::read(
                dir.join("images")
                    .join(image_file_name(sha256, content_type)),
            )
            .ok(),
            Origin::Db(i) => self.stores[*i].image_data(sha256).ok().flatten(),
        }
    }

    /// Writes the merged CSV files (and images) to `out`.
    pub fn write_csv(
        &self,
        out: &Path,
        images: bool,
        durability: Durability,
    ) -> std::io::Result<()> {
        let mut csv = CsvOutput::create(out)?.with_durability(durability);
        for (rows, origin) in self.files.values() {
            csv.write(rows)?;
            if images {
                for img in &rows.images {
                    if let Some(data) = self.image_bytes(origin, &img[7], &img[3]) {
                        super::images::save_image_bytes(out, &img[7], &img[3], &data, durability)?;
                    }
                }
            }
        }
        csv.finish()
    }

    /// Stores every merged file in a database.
    pub fn write_db(&self, store: &mut Store) -> Result<(), super::db::DbError> {
        for (rows, origin) in self.files.values() {
            let office = rows.reports.first().and_then(|r| r.get(5)).cloned();
            let key = office
                .filter(|o| !o.is_empty())
                .map(|o| crate::check::office_key(&o));
            let blobs: Vec<(String, Vec<u8>)> = rows
                .images
                .iter()
                .filter_map(|img| {
                    self.image_bytes(origin, &img[7], &img[3])
                        .map(|d| (img[7].clone(), d))
                })
                .collect();
            let images: Vec<(&str, &[u8])> = blobs
                .iter()
                .map(|(s, d)| (s.as_str(), d.as_slice()))
                .collect();
            store.store(rows, key.as_deref(), &images)?;
        }
        Ok(())
    }
}
