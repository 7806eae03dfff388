//! The page's encoding as a browser finds it (the WHATWG sniffing order): a byte-order mark, then
//! the charset the transport declared (an .mht part's `Content-Type`), then a `<meta charset>` or
//! `http-equiv` in the first 1024 bytes only, then a guess from the bytes (chardetng, told the
//! page is Chinese). A `<meta>` further down is ignored as browsers ignore it: pages pasted from
//! Word carry a stray `charset=gb2312` deep inside a UTF-8 article.
//!
//! Labels are resolved by encoding_rs as browsers resolve them: `gb2312` decodes as GBK, whose
//! decoder is GB18030's, so characters outside GB2312 that such pages use come out right.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far a `<meta>` charset is looked for (the HTML standard's prescan window).
const META_WINDOW: usize = 1024;

/// A page decoded to text, with the encoding used and how it was found.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    /// `BOM`, `transport`, `meta`, or `guessed`.
    pub found_by: &'static str,
    /// Whether some bytes were not valid in that encoding (replaced by U+FFFD).
    pub had_errors: bool,
}

/// Decodes a page's bytes; `transport` is a charset label given outside the page.
pub fn decode(bytes: &[u8], transport: Option<&str>) -> Decoded {
    let (encoding, found_by, body) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (enc, "BOM", &bytes[bom_len..])
    } else if let Some(enc) = transport.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
        (html_compatible(enc), "transport", bytes)
    } else if let Some(enc) = meta_charset(&bytes[..bytes.len().min(META_WINDOW)]) {
        (html_compatible(enc), "meta", bytes)
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        (
            detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow),
            "guessed",
            bytes,
        )
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    Decoded {
        text: text.into_owned(),
        encoding,
        found_by,
        had_errors,
    }
}

/// A declared UTF-16 is UTF-8 for a page without a BOM, and x-user-defined is windows-1252
/// (both as the HTML standard says for `<meta>`).
fn html_compatible(enc: &'static Encoding) -> &'static Encoding {
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        UTF_8
    } else if enc == encoding_rs::X_USER_DEFINED {
        WINDOWS_1252
    } else {
        enc
    }
}

/// The charset of the first `<meta>` in `head` that declares one: `<meta charset=x>` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=x">`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut at = 0;
    while let Some(start) = find(&lower[at..], b"<meta").map(|i| i + at) {
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |i| start + i);
        let tag = &lower[start..end];
        if let Some(enc) = charset_in(tag) {
            return Some(enc);
        }
        at = end;
    }
    None
}

/// The label after `charset` (`=`, optional quotes and spaces) in one tag's text.
fn charset_in(tag: &[u8]) -> Option<&'static Encoding> {
    let i = find(tag, b"charset")? + b"charset".len();
    let rest = &tag[i..];
    let rest = rest
        .trim_ascii_start()
        .strip_prefix(b"=")?
        .trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let label_end = rest
        .iter()
        .position(|b| matches!(b, b'"' | b'\'' | b';' | b'/' | b'>') || b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..label_end])
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb2312_label_decodes_gbk_and_gb18030_characters() {
        // 镕 (U+9555) is in GBK, not GB2312; 䶮 (U+4DAE) needs GB18030's four-byte form.
        let text = "<meta charset=\"gb2312\"><p>朱镕基 刘䶮</p>";
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
        assert!(!unmappable);
        let d = decode(&bytes, None);
        assert_eq!(d.found_by, "meta");
        assert_eq!(d.encoding, encoding_rs::GBK);
        assert!(!d.had_errors);
        assert_eq!(d.text, text);
    }

    #[test]
    fn http_equiv_bom_transport_and_guess() {
        let page = "<html><head><meta http-equiv=Content-Type content='text/html; charset=GBK'>";
        assert_eq!(decode(page.as_bytes(), None).encoding, encoding_rs::GBK);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(page.as_bytes());
        let d = decode(&bom, None);
        assert_eq!((d.encoding, d.found_by), (UTF_8, "BOM"));
        assert_eq!(decode(b"<p>x</p>", Some("gb2312")).found_by, "transport");
        // No declaration: chardetng, told the page is Chinese, takes GBK bytes for GBK.
        let (gbk, _, _) = encoding_rs::GBK
            .encode("<p>本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。</p>");
        let d = decode(&gbk, None);
        assert_eq!((d.encoding, d.found_by), (encoding_rs::GBK, "guessed"));
        assert!(d.text.contains("统计期限"));
    }

    #[test]
    fn a_meta_after_the_first_kilobyte_is_ignored() {
        let mut page = "<html><head><meta charset=\"utf-8\"></head><body>".to_string();
        page.push_str(&" ".repeat(2000));
        page.push_str(
            "<meta http-equiv=Content-Type content=\"text/html; charset=gb2312\"><p>年度报告</p>",
        );
        let d = decode(page.as_bytes(), None);
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.contains("年度报告"));
        // and a page whose only meta is too far down is guessed, not taken as gb2312
        let late = format!("{}<meta charset=gb2312><p>年度报告</p>", " ".repeat(1100));
        assert_eq!(decode(late.as_bytes(), None).found_by, "guessed");
    }
}
