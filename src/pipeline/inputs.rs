//! Which files a run reads: files and folders expanded recursively into a sorted list.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Extensions picked up when walking a folder; files named on the command line are always read.
pub(super) const DOCUMENT_EXTENSIONS: &[&str] = &[
    "docx", "docm", "dotx", "xlsx", "xlsm", "xls", "doc", "wps", "et", "pdf", "htm", "html",
    "shtml", "xhtml", "mht", "mhtml", "rtf",
];

/// Expands files and folders (recursively, following links once) into a sorted list of inputs.
pub fn collect_inputs(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut seen_dirs = HashSet::new();
    for p in paths {
        let meta = std::fs::metadata(p)?;
        if meta.is_dir() {
            walk(p, &mut out, &mut seen_dirs)?;
        } else {
            out.push(p.clone());
        }
    }
    // Sorted by the path as text, the order `export` reproduces from the database.
    out.sort_by_key(|p| p.to_string_lossy().into_owned());
    out.dedup();
    Ok(out)
}

pub(super) fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut HashSet<PathBuf>,
) -> std::io::Result<()> {
    // A symlink loop would revisit a folder: canonical paths catch it.
    let canon = std::fs::canonicalize(dir)?;
    if !seen.insert(canon) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Office lock files (~$report.docx) and hidden files are not documents.
        if name.starts_with("~$") || name.starts_with('.') {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, out, seen)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.to_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}
