//! Pictures: inline pictures are a PICF in the Data stream (at the offset sprmCPicLocation gives
//! the 0x01 character) followed by OfficeArt records holding the BLIP; floating pictures (0x08
//! characters) are shapes of the drawing (PlcSpaMom → shape id → `pib` → the BLIP store in the
//! table stream's OfficeArt content, whose BLIPs usually sit in the WordDocument stream).

use std::collections::HashMap;
use std::io::Read;

use super::ole::{u16_at, u32_at};
use crate::model::ImagePart;

/// A picture found in the file, before it is registered.
pub(super) struct Blip {
    pub content_type: &'static str,
    pub ext: &'static str,
    pub data: Vec<u8>,
}

/// One OfficeArt record header.
struct Rec<'a> {
    ver: u16,
    instance: u16,
    kind: u16,
    body: &'a [u8],
}

/// The records laid one after another in `b` (stops at the first that does not fit).
fn records(b: &[u8]) -> impl Iterator<Item = Rec<'_>> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let vi = u16_at(b, at)?;
        let kind = u16_at(b, at + 2)?;
        let len = u32_at(b, at + 4)? as usize;
        let body = b.get(at + 8..(at + 8).checked_add(len)?)?;
        at += 8 + len;
        Some(Rec {
            ver: vi & 0x000F,
            instance: vi >> 4,
            kind,
            body,
        })
    })
}

/// The BLIPs inside a run of OfficeArt records (containers and FBSEs descended into), in order.
fn blips_in(b: &[u8], depth: usize, out: &mut Vec<Blip>, max_bytes: u64) {
    if depth > 16 {
        return;
    }
    for r in records(b) {
        if r.ver == 0xF {
            blips_in(r.body, depth + 1, out, max_bytes);
        } else if r.kind == 0xF007 {
            let cb_name = r.body.get(33).copied().unwrap_or(0) as usize;
            if let Some(rest) = r.body.get(36 + cb_name..) {
                blips_in(rest, depth + 1, out, max_bytes);
            }
        } else if let Some(blip) = blip(&r, max_bytes) {
            out.push(blip);
        }
    }
}

/// A BLIP record → its picture bytes (metafiles inflated).
fn blip(r: &Rec, max_bytes: u64) -> Option<Blip> {
    // (content type, extension, instance that has a second UID, metafile?)
    let (content_type, ext, two_uid, metafile) = match r.kind {
        0xF01A => ("image/x-emf", "emf", 0x3D5, true),
        0xF01B => ("image/x-wmf", "wmf", 0x217, true),
        0xF01C => ("image/x-pict", "pict", 0x543, true),
        0xF01D | 0xF02A => (
            "image/jpeg",
            "jpg",
            if r.kind == 0xF01D { 0x46B } else { 0x6E3 },
            false,
        ),
        0xF01E => ("image/png", "png", 0x6E1, false),
        0xF01F => ("image/bmp", "bmp", 0x7A9, false),
        0xF029 => ("image/tiff", "tiff", 0x6E5, false),
        _ => return None,
    };
    let uids = if r.instance == two_uid { 32 } else { 16 };
    if metafile {
        // OfficeArtMetafileHeader: cbSize, rcBounds, ptSize, cbSave, compression, filter.
        let h = r.body.get(uids..uids + 34)?;
        let size = u32_at(h, 0)? as u64;
        let data = r.body.get(uids + 34..)?;
        let data = if h[32] == 0 {
            if size > max_bytes {
                return None;
            }
            let mut out = Vec::with_capacity(size as usize);
            flate2::read::ZlibDecoder::new(data)
                .take(size)
                .read_to_end(&mut out)
                .ok()?;
            out
        } else {
            data.to_vec()
        };
        return Some(Blip {
            content_type,
            ext,
            data,
        });
    }
    let data = r.body.get(uids + 1..)?.to_vec();
    // A DIB is stored without its BITMAPFILEHEADER: add one so the picture opens as a .bmp.
    let data = if r.kind == 0xF01F {
        with_bmp_header(data)
    } else {
        data
    };
    Some(Blip {
        content_type,
        ext,
        data,
    })
}

fn with_bmp_header(dib: Vec<u8>) -> Vec<u8> {
    let header_len = u32_at(&dib, 0).unwrap_or(40);
    let bits = u16_at(&dib, 14).unwrap_or(24);
    let colors = match u32_at(&dib, 32).unwrap_or(0) {
        0 if bits <= 8 => 1u32 << bits,
        n => n,
    };
    let offset = header_len
        .saturating_add(14)
        .saturating_add(colors.saturating_mul(4));
    let mut out = Vec::with_capacity(14 + dib.len());
    out.extend_from_slice(b"BM");
    out.extend_from_slice(
        &u32::try_from(14 + dib.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(&dib);
    out
}

/// An inline picture: the BLIPs its records hold, or the BLIP store entry its shape names.
pub(super) enum Inline {
    Blips(Vec<Blip>),
    Store(u32),
    /// A shape with neither: the drawing layer may hold its picture under the same shape id.
    Shape(u32),
}

/// The picture of an inline shape: the PICF at `at` in the Data stream and its OfficeArt records.
/// A shape whose BLIP is not embedded names a BLIP store entry (`pib`) instead.
pub(super) fn inline_picture(data: &[u8], at: u32, max_bytes: u64) -> Inline {
    let at = at as usize;
    let mut out = Vec::new();
    let (Some(lcb), Some(cb_header)) = (u32_at(data, at), u16_at(data, at + 4)) else {
        return Inline::Blips(out);
    };
    let end = at.saturating_add(lcb as usize).min(data.len());
    let mut start = at + cb_header as usize;
    // mm 0x66 (MM_SHAPEFILE): a linked file's name precedes the records.
    if u16_at(data, at + 6) == Some(0x66) {
        start += 1 + data.get(start).copied().unwrap_or(0) as usize;
    }
    let Some(recs) = data.get(start..end) else {
        return Inline::Blips(out);
    };
    blips_in(recs, 0, &mut out, max_bytes);
    if out.is_empty() {
        let mut shapes = Drawing::default();
        shapes.read_shapes(recs, 0);
        if let Some(&pib) = shapes.shape_pib.values().next() {
            return Inline::Store(pib);
        }
        let spid = records(recs)
            .find(|r| r.kind == 0xF004)
            .and_then(|sp| records(sp.body).find(|r| r.kind == 0xF00A))
            .and_then(|fsp| u32_at(fsp.body, 0));
        if let Some(spid) = spid {
            return Inline::Shape(spid);
        }
    }
    Inline::Blips(out)
}

/// The drawing layer: the BLIP store and which store entry each shape shows.
#[derive(Default)]
pub(super) struct Drawing {
    /// BLIP store entries (1-based `pib` = index + 1); `None` where an entry could not be read.
    pub store: Vec<Option<Blip>>,
    /// Shape id → BLIP store index (1-based pib).
    pub shape_pib: HashMap<u32, u32>,
}

impl Drawing {
    /// Reads the OfficeArtContent (fcDggInfo) of the table stream.
    pub fn read(dgg_info: &[u8], word: &[u8], max_bytes: u64) -> Drawing {
        let mut d = Drawing::default();
        let mut at = 0usize;
        // The Dgg container, then for each drawing a one-byte dgglbl and a Dg container.
        let mut first = true;
        while at + 8 <= dgg_info.len() {
            if !first {
                at += 1;
            }
            let Some(r) = records(dgg_info.get(at..).unwrap_or_default()).next() else {
                break;
            };
            at += 8 + r.body.len();
            if first {
                d.read_dgg(&r, word, max_bytes);
                first = false;
            } else {
                d.read_shapes(r.body, 0);
            }
        }
        d
    }

    fn read_dgg(&mut self, dgg: &Rec, word: &[u8], max_bytes: u64) {
        for r in records(dgg.body) {
            if r.kind != 0xF001 {
                continue;
            }
            for fbse in records(r.body).filter(|r| r.kind == 0xF007) {
                let cb_name = fbse.body.get(33).copied().unwrap_or(0) as usize;
                let mut found = Vec::new();
                match fbse.body.get(36 + cb_name..) {
                    Some(rest) if !rest.is_empty() => blips_in(rest, 1, &mut found, max_bytes),
                    _ => {
                        // The BLIP lives in the WordDocument stream at foDelay.
                        let size = u32_at(fbse.body, 20).unwrap_or(0) as usize;
                        let delay = u32_at(fbse.body, 28).unwrap_or(u32::MAX) as usize;
                        if let Some(b) = word.get(delay..delay.saturating_add(size)) {
                            blips_in(b, 1, &mut found, max_bytes);
                        }
                    }
                }
                self.store.push(found.into_iter().next());
            }
        }
    }

    pub(super) fn read_shapes(&mut self, b: &[u8], depth: usize) {
        if depth > 16 {
            return;
        }
        for r in records(b) {
            if r.kind == 0xF004 {
                let mut spid = None;
                let mut pib = None;
                for c in records(r.body) {
                    match c.kind {
                        0xF00A => spid = u32_at(c.body, 0),
                        0xF00B => {
                            for i in 0..c.instance as usize {
                                let id = u16_at(c.body, 6 * i).unwrap_or(0);
                                if id & 0x3FFF == 0x0104 {
                                    pib = u32_at(c.body, 6 * i + 2);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(p) = pib {
                    self.shape_pib.insert(spid.unwrap_or(0), p);
                }
                self.read_shapes(r.body, depth + 1);
            } else if r.ver == 0xF {
                self.read_shapes(r.body, depth + 1);
            }
        }
    }
}

/// Registered pictures: each distinct picture once, in order of first reference.
#[derive(Default)]
pub(super) struct Images {
    pub parts: Vec<ImagePart>,
    by_hash: HashMap<Vec<u8>, usize>,
}

impl Images {
    pub fn register(&mut self, blip: Blip, name: &str) -> usize {
        use sha2::Digest;
        let key = sha2::Sha256::digest(&blip.data).to_vec();
        if let Some(&i) = self.by_hash.get(&key) {
            return i;
        }
        let i = self.parts.len();
        self.parts.push(ImagePart {
            part: format!("{name}.{}", blip.ext),
            content_type: blip.content_type.to_string(),
            data: blip.data,
            description: None,
        });
        self.by_hash.insert(key, i);
        i
    }
}
