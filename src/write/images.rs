//! Saves embedded images under `OUT/images/` by content hash: the same picture in a hundred
//! reports is stored once, and no name from inside a document ever becomes a path.

use std::io::Write;
use std::path::Path;

use super::rows::image_file_name;
use super::Durability;
use crate::pipeline::Extracted;

pub fn save_images(dir: &Path, x: &Extracted, durability: Durability) -> std::io::Result<()> {
    for (info, part) in x.images.iter().zip(&x.document.images) {
        save_image_bytes(
            dir,
            &info.sha256,
            &info.content_type,
            &part.data,
            durability,
        )?;
    }
    Ok(())
}

/// Writes one image as `DIR/images/{sha256}.{ext}` unless it is already there.
pub fn save_image_bytes(
    dir: &Path,
    sha256: &str,
    content_type: &str,
    data: &[u8],
    durability: Durability,
) -> std::io::Result<()> {
    let dir = dir.join("images");
    let dest = dir.join(image_file_name(sha256, content_type));
    if dest.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(&dir)?;
    // Written under a temporary name first: a half-written picture never has its final name.
    // Workers save in parallel and two reports may hold the same picture, so each writer has
    // its own temporary name; the second rename replaces identical bytes.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{sha256}.{}-{n}.partial", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(data)?;
    if durability == Durability::Synced {
        f.sync_all()?;
    }
    drop(f);
    std::fs::rename(&tmp, &dest)
}
