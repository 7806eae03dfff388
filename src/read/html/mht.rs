//! Single-file web pages (`.mht`/`.mhtml`, RFC 2557): a MIME `multipart/related` message whose
//! first `text/html` part is the page and whose other parts are its pictures, each named by a
//! `Content-Location`. Word writes them quoted-printable, browsers base64 or quoted-printable.

use crate::read::{Limits, ReadError};

/// One decoded part.
#[derive(Debug, Clone)]
pub struct Part {
    /// `Content-Location` (or `Content-ID` as `cid:…`), as written.
    pub location: String,
    /// The media type, lower-case, without parameters.
    pub media_type: String,
    pub charset: Option<String>,
    pub data: Vec<u8>,
}

/// The page and its resources.
#[derive(Debug, Clone)]
pub struct Archive {
    pub page: Part,
    pub resources: Vec<Part>,
}

/// Whether the bytes are a MIME message rather than markup (what `sniff` took for a web page).
pub fn is_mime(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(2048)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    !head.starts_with('<')
        && (head.starts_with("mime-version:")
            || head.contains("multipart/related")
            || head.starts_with("content-type:"))
}

/// Splits a MIME message into its parts, decoded; the first `text/html` part is the page.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Archive, ReadError> {
    let (headers, body) = split_headers(bytes);
    let content_type = header(&headers, "content-type").unwrap_or_default();
    let mut parts = Vec::new();
    match param(&content_type, "boundary") {
        Some(boundary) => {
            let mut total = 0u64;
            for raw in split_multipart(body, boundary.as_bytes()) {
                if parts.len() >= limits.max_entries {
                    return Err(ReadError::Limit(format!(
                        "a single-file web page with more than {} parts (--max-entries raises it)",
                        limits.max_entries
                    )));
                }
                let (h, b) = split_headers(raw);
                let part = decode_part(&h, b, limits)?;
                total += part.data.len() as u64;
                if total > limits.max_total_inflated {
                    return Err(ReadError::Limit(format!(
                        "the parts of a single-file web page decode to more than {} bytes \
                         (--max-inflated-mb raises it)",
                        limits.max_total_inflated
                    )));
                }
                parts.push(part);
            }
        }
        None => parts.push(decode_part(&headers, body, limits)?),
    }
    let page = parts
        .iter()
        .position(|p| p.media_type == "text/html" || p.media_type == "application/xhtml+xml")
        .ok_or_else(|| ReadError::Other("a MIME message (.mht) without a web page part".into()))?;
    let page = parts.remove(page);
    Ok(Archive {
        page,
        resources: parts,
    })
}

/// Header lines (continuation lines unfolded) and the body after the first empty line.
fn split_headers(bytes: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let line_start = at;
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| at + i);
        let line = String::from_utf8_lossy(&bytes[at..end]);
        let line = line.trim_end_matches('\r');
        at = (end + 1).min(bytes.len());
        if line.is_empty() {
            if headers.is_empty() {
                continue; // blank lines before the headers
            }
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        } else {
            // not a header: the body starts here (a part without headers)
            return (headers, &bytes[line_start..]);
        }
    }
    (headers, &bytes[at.min(bytes.len())..])
}

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// A `name=value` parameter of a header value (quoted or not).
fn param(value: &str, name: &str) -> Option<String> {
    for piece in value.split(';').skip(1) {
        let Some((k, v)) = piece.split_once('=') else {
            continue;
        };
        if k.trim().eq_ignore_ascii_case(name) {
            return Some(v.trim().trim_matches('"').to_string());
        }
    }
    None
}

/// The bodies between `--boundary` lines (the preamble and the epilogue dropped).
fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Vec<&'a [u8]> {
    let mut delimiter = b"--".to_vec();
    delimiter.extend_from_slice(boundary);
    let mut starts = Vec::new();
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&body[at..], &delimiter) {
        let pos = at + i;
        // a delimiter starts a line
        if pos == 0 || body[pos - 1] == b'\n' {
            starts.push(pos);
        }
        at = pos + delimiter.len();
    }
    let mut out = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let after = start + delimiter.len();
        if body[after..].starts_with(b"--") {
            break; // the closing delimiter
        }
        let content_start = body[after..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(body.len(), |i| after + i + 1);
        let end = starts.get(k + 1).copied().unwrap_or(body.len());
        if content_start < end {
            out.push(&body[content_start..end]);
        }
    }
    out
}

/// Base64 as mail programs and browsers write it: line breaks anywhere, padding optional, stray
/// trailing bits tolerated. Shared by .mht parts and `data:` URIs.
pub(super) fn decode_base64(text: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    use base64::Engine;
    let clean: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    )
    .decode(&clean)
}

fn decode_part(
    headers: &[(String, String)],
    body: &[u8],
    limits: &Limits,
) -> Result<Part, ReadError> {
    let content_type = header(headers, "content-type").unwrap_or_else(|| "text/plain".into());
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let location = header(headers, "content-location")
        .or_else(|| {
            header(headers, "content-id").map(|id| format!("cid:{}", id.trim_matches(['<', '>'])))
        })
        .unwrap_or_default();
    let encoding = header(headers, "content-transfer-encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let data = match encoding.trim() {
        "base64" => decode_base64(body).map_err(|e| {
            ReadError::Other(format!("part {location} of a .mht: broken base64 ({e})"))
        })?,
        "quoted-printable" => quoted_printable::decode(body, quoted_printable::ParseMode::Robust)
            .map_err(|e| {
            ReadError::Other(format!(
                "part {location} of a .mht: broken quoted-printable ({e})"
            ))
        })?,
        _ => body.to_vec(),
    };
    if data.len() as u64 > limits.max_entry_inflated {
        return Err(ReadError::Limit(format!(
            "part {location} of a single-file web page decodes to more than {} bytes \
             (--max-entry-mb raises it)",
            limits.max_entry_inflated
        )));
    }
    Ok(Part {
        location,
        media_type,
        charset: param(&content_type, "charset"),
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORD_MHT: &str = "MIME-Version: 1.0\r\n\
Content-Type: multipart/related; boundary=\"----=_NextPart_01DA0000.5A2B3C40\"\r\n\r\n\
This document is a Single File Web Page.\r\n\r\n\
------=_NextPart_01DA0000.5A2B3C40\r\n\
Content-Location: file:///C:/report.htm\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
Content-Type: text/html; charset=\"gb2312\"\r\n\r\n\
<html><body><p class=3DMsoNormal>a long line that Word wraps with a so=\r\n\
ft break</p><img src=3D\"report.files/image001.png\"></body></html>\r\n\r\n\
------=_NextPart_01DA0000.5A2B3C40\r\n\
Content-Location: file:///C:/report.files/image001.png\r\n\
Content-Transfer-Encoding: base64\r\n\
Content-Type: image/png\r\n\r\n\
iVBORw0K\r\nGgo=\r\n\r\n\
------=_NextPart_01DA0000.5A2B3C40--\r\n";

    #[test]
    fn word_single_file_page() {
        assert!(is_mime(WORD_MHT.as_bytes()));
        let a = parse(WORD_MHT.as_bytes(), &Limits::default()).expect("parsed");
        assert_eq!(a.page.location, "file:///C:/report.htm");
        assert_eq!(a.page.charset.as_deref(), Some("gb2312"));
        let html = String::from_utf8(a.page.data).expect("ascii");
        assert!(
            html.contains("<p class=MsoNormal>a long line that Word wraps with a soft break</p>")
        );
        assert_eq!(a.resources.len(), 1);
        assert_eq!(a.resources[0].media_type, "image/png");
        assert_eq!(a.resources[0].data, b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn too_many_parts_is_a_named_limit() {
        let limits = Limits {
            max_entries: 0,
            ..Limits::default()
        };
        assert!(
            matches!(parse(WORD_MHT.as_bytes(), &limits), Err(ReadError::Limit(m)) if m.contains("parts"))
        );
    }
}
