//! `nianbao review`: a static site that opens from disk, offline, to look at what was read —
//! every report with its figures redrawn in the template's tables beside the pictures they were
//! read from, the checks that failed pointing at their cells, and the offices' years as charts.
//!
//! Input: `extract` output folders, databases and `merge`d shards, read through
//! [`Merged`](super::merge::Merged). Pages: `index.html` ([`index`]), `r/{id}.html` per report
//! ([`report`]), `o/{id}.html` per office with more than one year ([`office`]); the charts are
//! inline SVG ([`charts`]). Pictures are linked from the output folder's `images/`, not copied
//! (from a database, whose pictures are not files, they are written to `DIR/images/`).

mod charts;
mod html;
mod index;
mod layout;
mod office;
mod report;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::load::{record_from_rows, LoadError};
use super::merge::{ImagesIn, Merged};
use super::rows::{image_file_name, Rows, Table};
use crate::check::compare::{cross_year, Aliases, Comparison, ReportRecord};

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ReviewError + '_ {
    move |source| ReviewError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What a run wrote.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub files: usize,
    pub reports: usize,
    pub office_pages: usize,
    pub pictures_written: usize,
}

/// The worst status of the checks that use a cell; `None` when no check does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CellCheck {
    None,
    Pass,
    Uncertain,
    Fail,
}

impl CellCheck {
    fn parse(status: &str) -> CellCheck {
        match status {
            "pass" => CellCheck::Pass,
            "fail" => CellCheck::Fail,
            "uncertain" => CellCheck::Uncertain,
            _ => CellCheck::None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CellCheck::None => "none",
            CellCheck::Pass => "pass",
            CellCheck::Uncertain => "uncertain",
            CellCheck::Fail => "fail",
        }
    }
}

/// Where a figure was read: `T3 r4c5 image I1 box 178,113,43,30`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Location<'a> {
    pub image: Option<&'a str>,
    pub bbox: Option<[u32; 4]>,
}

impl<'a> Location<'a> {
    pub fn parse(text: &'a str) -> Location<'a> {
        let after = |key: &str| {
            text.split_once(key)
                .and_then(|(_, rest)| rest.split_whitespace().next())
        };
        let bbox = after(" box ").and_then(|b| {
            let v: Vec<u32> = b.split(',').filter_map(|n| n.parse().ok()).collect();
            <[u32; 4]>::try_from(v).ok()
        });
        Location {
            image: after(" image "),
            bbox,
        }
    }
}

/// A cell read again after a failed identity: its first reading and the one kept (from the
/// file's warning `{location}: "1" → "16" (…)` or `{location}: "15" kept (…)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Reread {
    pub first: String,
    pub kept: String,
}

/// A quoted text as `{:?}` writes it, at the start of `s`; returns it and the rest.
fn quoted(s: &str) -> Option<(String, &str)> {
    let s = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &s[i + 1..])),
            '\\' => out.push(chars.next()?.1),
            c => out.push(c),
        }
    }
    None
}

impl Reread {
    pub fn find(warnings: &str, location: &str) -> Option<Reread> {
        if location.is_empty() {
            return None;
        }
        let at = format!("{location}: \"");
        let start = warnings.find(&at)? + at.len() - 1;
        let (first, rest) = quoted(&warnings[start..])?;
        if let Some(rest) = rest.strip_prefix(" → ") {
            let (kept, _) = quoted(rest)?;
            return Some(Reread { first, kept });
        }
        rest.starts_with(" kept").then(|| Reread {
            kept: first.clone(),
            first,
        })
    }
}

/// The warnings field split back into warnings: at `; ` outside brackets (a re-read warning
/// lists its cells with `; ` inside and between them; those stay one warning).
pub fn split_warnings(field: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut in_reread = false;
    let bytes = field.as_bytes();
    for (i, c) in field.char_indices() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth -= 1,
            ';' if depth <= 0 && bytes.get(i + 1) == Some(&b' ') => {
                let piece = &field[start..i];
                if piece.contains("read again with other preprocessing") {
                    in_reread = true;
                }
                let next = &field[i + 2..];
                // a re-read warning goes on with the next cell's location
                let continues = in_reread
                    && next.starts_with('T')
                    && next[1..].starts_with(|c: char| c.is_ascii_digit());
                if !continues {
                    out.push(field[start..i].trim());
                    start = i + 2;
                    in_reread = false;
                }
            }
            _ => {}
        }
    }
    if start < field.len() {
        out.push(field[start..].trim());
    }
    out.retain(|w| !w.is_empty());
    out
}

/// A picture a report's figures were read from.
#[derive(Debug, Clone)]
pub struct Picture {
    /// `I1`, as in images.csv and figure locations.
    pub id: String,
    /// Link from the site's root folder.
    pub href: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub part: String,
}

/// One figure of a report.
#[derive(Debug, Clone)]
pub struct FigureView<'a> {
    pub row: &'a [String],
    pub location: Location<'a>,
    pub check: CellCheck,
    pub reread: Option<Reread>,
}

impl FigureView<'_> {
    pub fn metric(&self) -> &str {
        &self.row[3]
    }
    pub fn value(&self) -> Option<f64> {
        self.row[4].parse().ok()
    }
    pub fn raw(&self) -> &str {
        &self.row[5]
    }
    pub fn semantic(&self) -> &str {
        &self.row[6]
    }
    pub fn origin(&self) -> &str {
        &self.row[7]
    }
    pub fn location_text(&self) -> &str {
        &self.row[8]
    }
}

/// One input file with what its page needs.
pub struct ReportView<'a> {
    pub source: &'a str,
    pub rows: &'a Rows,
    /// `r/{id}.html`, from the site's root.
    pub page: String,
    /// `o/{id}.html` when the office has more than one year.
    pub office_page: Option<String>,
    pub figures: BTreeMap<&'a str, FigureView<'a>>,
    pub pictures: Vec<Picture>,
    pub warnings: Vec<&'a str>,
}

fn column(t: Table, name: &str) -> usize {
    t.columns()
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("{} has no column {name}", t.name()))
}

impl ReportView<'_> {
    /// A field of reports.csv by column name ("" when the file has no report row).
    pub fn field(&self, name: &str) -> &str {
        self.rows
            .reports
            .first()
            .and_then(|r| r.get(column(Table::Reports, name)))
            .map_or("", String::as_str)
    }

    pub fn year(&self) -> Option<i32> {
        self.field("year").parse().ok()
    }

    /// Hard checks that failed (what `checks_failed` counts).
    pub fn failed_checks(&self) -> impl Iterator<Item = &Vec<String>> {
        self.rows
            .checks
            .iter()
            .filter(|c| c[5] == "fail" && !c[3].starts_with("text."))
    }

    pub fn value(&self, metric: &str) -> Option<f64> {
        self.figures.get(metric).and_then(FigureView::value)
    }
}

/// A file name for a page: the first 16 hex digits of the SHA-256 of `key` (a source path or an
/// office key) — stable across runs, and never a name from inside a report.
fn page_id(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

fn build_view<'a>(
    source: &'a str,
    rows: &'a Rows,
    images: &ImagesIn<'_>,
    site: &Path,
    pictures_written: &std::sync::atomic::AtomicUsize,
) -> Result<ReportView<'a>, ReviewError> {
    let warnings_field = rows
        .reports
        .first()
        .and_then(|r| r.get(column(Table::Reports, "warnings")))
        .map_or("", String::as_str);
    let mut worst: HashMap<&str, CellCheck> = HashMap::new();
    for c in &rows.checks {
        let status = CellCheck::parse(&c[5]);
        for m in c[8].split_whitespace() {
            let w = worst.entry(m).or_insert(CellCheck::None);
            *w = (*w).max(status);
        }
    }
    let mut figures = BTreeMap::new();
    let mut used_images = BTreeSet::new();
    for f in &rows.figures {
        let location = Location::parse(&f[8]);
        if let Some(i) = location.image {
            used_images.insert(i);
        }
        let reread = location
            .image
            .and_then(|_| Reread::find(warnings_field, &f[8]));
        figures.insert(
            f[3].as_str(),
            FigureView {
                row: f,
                location,
                check: worst.get(f[3].as_str()).copied().unwrap_or(CellCheck::None),
                reread,
            },
        );
    }
    let mut pictures = Vec::new();
    for img in &rows.images {
        if !used_images.contains(img[1].as_str()) {
            continue;
        }
        let name = image_file_name(&img[7], &img[3]);
        let href = match images {
            ImagesIn::Folder(dir) => {
                let target =
                    std::path::absolute(dir.join("images").join(&name)).map_err(io_err(dir))?;
                html::url_path(&html::relative_path(site, &target))
            }
            ImagesIn::Db(store) => {
                let path = site.join("images").join(&name);
                if !path.exists() {
                    if let Some(data) = store.image_data(&img[7]).map_err(LoadError::from)? {
                        std::fs::write(&path, data).map_err(io_err(&path))?;
                        pictures_written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                format!("images/{name}")
            }
        };
        pictures.push(Picture {
            id: img[1].clone(),
            href,
            width: img[4].parse().ok(),
            height: img[5].parse().ok(),
            part: img[2].clone(),
        });
    }
    Ok(ReportView {
        source,
        rows,
        page: format!("r/{}.html", page_id(source)),
        office_page: None,
        figures,
        pictures,
        warnings: split_warnings(warnings_field),
    })
}

/// The offices with more than one year, with the comparison `compare` makes of their reports.
pub struct Offices {
    /// office key → (name as last printed, page, reports by year as indexes into the views)
    pub pages: BTreeMap<String, (String, String, BTreeMap<i32, usize>)>,
    /// office key → every report of the office (several may be of one year)
    pub members: BTreeMap<String, Vec<usize>>,
    /// office key → `compare`'s cross-year check rows (`yoy.csv` rows with `kind=check`)
    pub cross_year: HashMap<String, Vec<Vec<String>>>,
    /// office key → `compare`'s `text_similarity.csv` rows
    pub similarity: HashMap<String, Vec<Vec<String>>>,
}

fn offices(views: &[ReportView<'_>]) -> Offices {
    let aliases = Aliases::default();
    let mut records: Vec<ReportRecord> = Vec::new();
    let mut by_key: BTreeMap<String, BTreeMap<i32, usize>> = BTreeMap::new();
    let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, v) in views.iter().enumerate() {
        let Some(rec) = record_from_rows(v.source, v.rows) else {
            continue;
        };
        let key = aliases.key(&rec.office);
        // as `compare`: the later report of a year stands for the office that year
        by_key.entry(key.clone()).or_default().insert(rec.year, i);
        members.entry(key).or_default().push(i);
        records.push(rec);
    }
    let Comparison {
        yoy, similarity, ..
    } = cross_year(&records, &aliases);
    let mut cross_year: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    for row in yoy.into_iter().filter(|r| r[3] == "check") {
        cross_year
            .entry(aliases.key(&row[0]))
            .or_default()
            .push(row);
    }
    let mut by_office: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    for row in similarity {
        by_office.entry(aliases.key(&row[0])).or_default().push(row);
    }
    let pages = by_key
        .into_iter()
        .filter(|(_, years)| years.len() > 1)
        .map(|(key, years)| {
            let last = *years.values().next_back().expect("two years");
            let name = views[last].field("office").to_string();
            let page = format!("o/{}.html", page_id(&key));
            (key, (name, page, years))
        })
        .collect();
    Offices {
        pages,
        members,
        cross_year,
        similarity: by_office,
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), ReviewError> {
    std::fs::write(path, text).map_err(io_err(path))
}

/// Writes the site for `inputs` (output folders and/or databases) into `out`.
pub fn write_site(inputs: &[PathBuf], out: &Path) -> Result<Summary, ReviewError> {
    let merged = Merged::load_tables(
        inputs,
        &[
            Table::Reports,
            Table::Figures,
            Table::Sections,
            Table::Checks,
            Table::Images,
            Table::Errors,
        ],
    )?;
    for sub in ["r", "o", "images"] {
        let dir = out.join(sub);
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    }
    let site = std::path::absolute(out).map_err(io_err(out))?;
    let written = std::sync::atomic::AtomicUsize::new(0);
    // One by one: a database's connection is not shared between threads.
    let mut views: Vec<ReportView<'_>> = merged
        .files()
        .map(|(source, rows, images)| build_view(source, rows, &images, &site, &written))
        .collect::<Result<_, _>>()?;
    let offices = offices(&views);
    for (key, (_, page, _)) in &offices.pages {
        for &i in &offices.members[key] {
            views[i].office_page = Some(page.clone());
        }
    }
    views
        .par_iter()
        .try_for_each(|v| write_file(&out.join(&v.page), &report::page(v)))?;
    let office_list: Vec<_> = offices.pages.iter().collect();
    office_list
        .par_iter()
        .try_for_each(|(key, (name, page, years))| {
            let html = office::page(key, name, years, &views, &offices);
            write_file(&out.join(page), &html)
        })?;
    write_file(&out.join("index.html"), &index::page(&views, &offices))?;
    Ok(Summary {
        files: views.len(),
        reports: views
            .iter()
            .filter(|v| v.field("kind") == "annual_report")
            .count(),
        office_pages: offices.pages.len(),
        pictures_written: written.into_inner(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_give_picture_and_box() {
        let l = Location::parse("T3 r4c5 image I1 box 178,113,43,30");
        assert_eq!(l.image, Some("I1"));
        assert_eq!(l.bbox, Some([178, 113, 43, 30]));
        assert_eq!(Location::parse("T1 r7c4"), Location::default());
    }

    #[test]
    fn rereads_are_found_in_the_warnings() {
        let w = "T2+T3: joined; picture I1: 2 digit cell(s) read again with other preprocessing, \
                 as t4.block_total review failed: T3 r4c5 image I1 box 1,2,3,4: \"1\" → \"16\" \
                 (confidence 0.02 → 1.00; 1 of 8 readings); T3 r4c1 image I1 box 5,6,7,8: \"9\" \
                 kept (confidence 0.99; 8 of 8 readings); another warning";
        assert_eq!(
            Reread::find(w, "T3 r4c5 image I1 box 1,2,3,4"),
            Some(Reread {
                first: "1".into(),
                kept: "16".into()
            })
        );
        assert_eq!(
            Reread::find(w, "T3 r4c1 image I1 box 5,6,7,8"),
            Some(Reread {
                first: "9".into(),
                kept: "9".into()
            })
        );
        assert_eq!(Reread::find(w, "T3 r4c2 image I1 box 9,9,9,9"), None);
        let split = split_warnings(w);
        assert_eq!(split.len(), 3, "{split:?}");
        assert_eq!(split[0], "T2+T3: joined");
        assert!(split[1].ends_with("8 of 8 readings)"), "{}", split[1]);
        assert_eq!(split[2], "another warning");
    }
}
