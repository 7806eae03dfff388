//! HTML text: escaping, links to files, and the page every kind of page is written in.
//!
//! Every text that comes from a report goes through [`esc`] (element text and attribute values
//! alike), so a report that contains `<script>` or `"><img onerror=…>` shows it and runs nothing.
//! The page's Content-Security-Policy allows no network request at all and only the page's own
//! script (by its hash), so nothing injected could run even if a text escaped escaping.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

/// Text safe in element content and in a double- or single-quoted attribute value.
pub fn esc(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A relative path as a URL path: `/` between segments, every byte outside the unreserved set
/// percent-encoded (a folder named `a#b` or `100%` stays a path, not a fragment or an escape).
pub fn url_path(path: &Path) -> String {
    let mut out = String::new();
    for (i, part) in path.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        let s = match part {
            Component::ParentDir => Cow::Borrowed(".."),
            Component::CurDir => Cow::Borrowed("."),
            other => other.as_os_str().to_string_lossy(),
        };
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// `to` as a path relative to the folder `from` (both absolute, or both relative to the same
/// folder).
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// Standard base64 (RFC 4648, padded): only for the CSP hash of the page script.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The one script of every page (sorting and filtering the index, showing a cell's box).
pub const SCRIPT: &str = include_str!("review.js");
const STYLE: &str = include_str!("review.css");

fn csp() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        let hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
        format!(
            "default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; \
             img-src 'self' file: data:; base-uri 'none'; form-action 'none'"
        )
    })
}

/// A whole page: `title` is text (escaped here), `body` is HTML already escaped by its writer.
pub fn page(title: &str, kind: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + STYLE.len() + SCRIPT.len() + 600);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\" data-page=\"");
    out.push_str(kind);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"");
    out.push_str(csp());
    out.push_str("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    out.push_str(&esc(title));
    out.push_str("</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    out.push_str(body);
    out.push_str("\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_becomes_text() {
        assert_eq!(
            esc("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            esc("\"><img src=x onerror='alert(1)'>"),
            "&quot;&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;"
        );
        assert_eq!(esc("A&B"), "A&amp;B");
        assert!(matches!(esc("青川市"), Cow::Borrowed(_)));
    }

    #[test]
    fn paths_become_relative_urls() {
        let rel = relative_path(Path::new("/w/site/r"), Path::new("/w/out 1/images"));
        assert_eq!(rel, Path::new("../../out 1/images"));
        assert_eq!(url_path(&rel), "../../out%201/images");
        assert_eq!(
            url_path(Path::new("a#b/100%/年报")),
            "a%23b/100%25/%E5%B9%B4%E6%8A%A5"
        );
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b/c")),
            Path::new("c")
        );
    }

    #[test]
    fn base64_matches_rfc_4648() {
        // RFC 4648 §10 test vectors.
        for (raw, b64) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), b64);
        }
    }
}
