//! Saves embedded images under `OUT/images/` by content hash: the same picture in a hundred
//! reports is stored once, and no name from inside a document ever becomes a path.

use std::io::Write;
use std::path::Path;

use super::rows::image_file_name;
use crate::pipeline::Extracted;

pub fn save_images(dir: &Path, x: &Extracted) -> std::io::Result<()> {
    if x.images.is_empty() {
        return Ok(());
    }
    let dir = dir.join("images");
    std::fs::create_dir_all(&dir)?;
    for (info, part) in x.images.iter().zip(&x.document.images) {
        let dest = dir.join(image_file_name(&info.sha256, &info.content_type));
        if dest.exists() {
            continue;
        }
        // Written under a temporary name first: a half-written picture never has its final name.
        let tmp = dir.join(format!(".{}.partial", info.sha256));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&part.data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &dest)?;
    }
    Ok(())
}
