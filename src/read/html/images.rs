//! Where a page's `<img src>` points: a `data:` URI, a part of the `.mht` it came in, or a file
//! saved beside the page (the `X_files/` folder a browser writes, or another relative path) —
//! never outside the page's own folder, and never the network.

use std::path::{Component, Path, PathBuf};

use super::mht::Part;
use crate::read::Limits;

/// What a picture's source gave.
pub enum Source {
    /// The picture's bytes and a name for `images.csv` (never used as a file name).
    Found { name: String, data: Vec<u8> },
    /// An address on the web: listed, never fetched.
    Remote(String),
    /// Not readable, and why.
    Unreadable(String),
}

/// Everything a page's pictures can come from.
pub struct Resources<'a> {
    /// The folder of the page's file, when the page was read from a file.
    pub folder: Option<&'a Path>,
    /// The `.mht` parts and the page part's own location.
    pub parts: &'a [Part],
    pub page_location: &'a str,
    pub limits: &'a Limits,
}

impl Resources<'_> {
    pub fn resolve(&self, src: &str) -> Source {
        let src = src.trim();
        let lower = src.to_ascii_lowercase();
        if lower.starts_with("data:") {
            return data_uri(src, self.limits);
        }
        if let Some(part) = self.part(src) {
            return Source::Found {
                name: part.location.clone(),
                data: part.data.clone(),
            };
        }
        if lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//") {
            return Source::Remote(src.to_string());
        }
        if lower.starts_with("file:") || lower.starts_with("cid:") || lower.contains("://") {
            return Source::Unreadable(format!("{src}: not a part of the page or beside it"));
        }
        match self.folder {
            Some(folder) => beside(folder, src, self.limits),
            None => Source::Unreadable(format!(
                "{src}: a file beside the page, but the page was not read from a folder"
            )),
        }
    }

    /// The `.mht` part a source names: by its location as written, resolved against the page's
    /// location, or (Word's relative names) by the end of a part's location.
    fn part(&self, src: &str) -> Option<&Part> {
        if self.parts.is_empty() || src.is_empty() {
            return None;
        }
        let joined = match self.page_location.rfind('/') {
            Some(i) => format!(
                "{}{}",
                &self.page_location[..=i],
                src.trim_start_matches("./")
            ),
            None => src.to_string(),
        };
        let cid = src.strip_prefix("cid:").map(|c| format!("cid:{c}"));
        self.parts
            .iter()
            .find(|p| {
                p.location.eq_ignore_ascii_case(src)
                    || p.location.eq_ignore_ascii_case(&joined)
                    || cid
                        .as_deref()
                        .is_some_and(|c| p.location.eq_ignore_ascii_case(c))
            })
            .or_else(|| {
                let tail = format!("/{}", src.trim_start_matches("./"));
                let mut found = self.parts.iter().filter(|p| p.location.ends_with(&tail));
                match (found.next(), found.next()) {
                    (Some(p), None) => Some(p),
                    _ => None,
                }
            })
    }
}

/// `data:[type][;base64],payload`.
fn data_uri(src: &str, limits: &Limits) -> Source {
    let Some((meta, payload)) = src[5..].split_once(',') else {
        return Source::Unreadable("a data: URI without a comma".into());
    };
    if payload.len() as u64 > limits.max_entry_inflated.saturating_mul(2) {
        return Source::Unreadable("a data: URI over the size limit (--max-entry-mb)".into());
    }
    let media_type = meta.split(';').next().unwrap_or("").to_string();
    let data = if meta.to_ascii_lowercase().ends_with(";base64") {
        match super::mht::decode_base64(payload.as_bytes()) {
            Ok(d) => d,
            Err(e) => return Source::Unreadable(format!("a data: URI with broken base64 ({e})")),
        }
    } else {
        percent_decode(payload)
    };
    Source::Found {
        name: format!(
            "data:{}",
            if media_type.is_empty() {
                "image"
            } else {
                &media_type
            }
        ),
        data,
    }
}

/// A relative path below `folder`: percent-decoded, no `..` above the folder, no absolute path,
/// and — once symbolic links are resolved — still inside the folder.
fn beside(folder: &Path, src: &str, limits: &Limits) -> Source {
    let path_part = src.split(['?', '#']).next().unwrap_or("");
    let decoded = String::from_utf8_lossy(&percent_decode(path_part)).into_owned();
    let rel = PathBuf::from(decoded.replace('\\', "/"));
    let mut depth = 0i32;
    for c in rel.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => depth -= 1,
            Component::RootDir | Component::Prefix(_) => depth = -1,
        }
        if depth < 0 {
            return Source::Unreadable(format!("{src}: outside the page's folder, not read"));
        }
    }
    let (Ok(root), Ok(file)) = (folder.canonicalize(), folder.join(&rel).canonicalize()) else {
        return Source::Unreadable(format!("{src}: no such file beside the page"));
    };
    if !file.starts_with(&root) || !file.is_file() {
        return Source::Unreadable(format!("{src}: outside the page's folder, not read"));
    }
    let len = std::fs::metadata(&file).map_or(0, |m| m.len());
    if len > limits.max_entry_inflated {
        return Source::Unreadable(format!(
            "{src}: {len} bytes, over the limit of {} (--max-entry-mb)",
            limits.max_entry_inflated
        ));
    }
    match std::fs::read(&file) {
        Ok(data) => Source::Found {
            name: rel.to_string_lossy().into_owned(),
            data,
        },
        Err(e) => Source::Unreadable(format!("{src}: {e}")),
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resources<'a>(folder: Option<&'a Path>, limits: &'a Limits) -> Resources<'a> {
        Resources {
            folder,
            parts: &[],
            page_location: "",
            limits,
        }
    }

    #[test]
    fn data_uris_remote_urls_and_paths_outside_the_folder() {
        let limits = Limits::default();
        let r = resources(None, &limits);
        assert!(matches!(r.resolve("data:image/png;base64,iVBORw0KGgo="),
            Source::Found { data, .. } if data == b"\x89PNG\r\n\x1a\n"));
        assert!(matches!(
            r.resolve("https://www.example.gov.cn/a.png"),
            Source::Remote(_)
        ));
        assert!(matches!(
            r.resolve("//cdn.example.gov.cn/a.png"),
            Source::Remote(_)
        ));

        let dir = tempfile::tempdir().expect("tmp");
        let page_dir = dir.path().join("pages");
        std::fs::create_dir_all(page_dir.join("报告_files")).expect("mkdir");
        std::fs::write(page_dir.join("报告_files/image001.png"), b"png").expect("write");
        std::fs::write(dir.path().join("secret.png"), b"secret").expect("write");
        let r = resources(Some(&page_dir), &limits);
        assert!(matches!(r.resolve("%E6%8A%A5%E5%91%8A_files/image001.png"),
            Source::Found { data, .. } if data == b"png"));
        assert!(matches!(
            r.resolve("./报告_files/image001.png?v=2"),
            Source::Found { .. }
        ));
        for escape in [
            "../secret.png",
            "报告_files/../../secret.png",
            "/etc/passwd",
            "file:///etc/passwd",
        ] {
            assert!(
                matches!(r.resolve(escape), Source::Unreadable(_)),
                "{escape}"
            );
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.png"), page_dir.join("link.png"))
                .expect("symlink");
            assert!(matches!(r.resolve("link.png"), Source::Unreadable(_)));
        }
    }
}
