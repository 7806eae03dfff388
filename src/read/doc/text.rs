//! The piece table (CLX → PlcPcd): which bytes of the WordDocument stream hold each run of
//! character positions (CPs), as 8-bit (cp1252) or UTF-16 text.

use super::super::{Limits, ReadError};
use super::ole::{u16_at, u32_at};

/// One piece: CPs `cp..cp_end` are stored at `fc` (a byte offset in the WordDocument stream).
#[derive(Debug, Clone)]
pub(super) struct Piece {
    pub cp: u32,
    pub cp_end: u32,
    pub fc: u32,
    pub compressed: bool,
    /// The piece's Prm: paragraph/character properties applied to the whole piece.
    pub prm: u16,
}

/// The document's text as UTF-16 code units by CP, with each CP's file offset.
#[derive(Debug)]
pub(super) struct Text {
    pub pieces: Vec<Piece>,
    /// `grpprl`s of the CLX's Prc entries, for pieces whose Prm refers to one.
    pub prcs: Vec<Vec<u8>>,
    /// All characters, CP by CP.
    pub chars: Vec<u16>,
}

impl Text {
    pub fn read(clx: &[u8], word: &[u8], limits: &Limits) -> Result<Text, ReadError> {
        let mut at = 0usize;
        let mut prcs = Vec::new();
        // RgPrc: 0x01, cbGrpprl (i16), grpprl; then the Pcdt: 0x02, lcb, PlcPcd.
        while clx.get(at) == Some(&0x01) {
            let cb = u16_at(clx, at + 1)
                .ok_or_else(|| ReadError::Doc("the piece table (CLX) is truncated".into()))?
                as usize;
            let grpprl = clx
                .get(at + 3..at + 3 + cb)
                .ok_or_else(|| ReadError::Doc("a Prc of the CLX runs past its end".into()))?;
            prcs.push(grpprl.to_vec());
            at += 3 + cb;
        }
        if clx.get(at) != Some(&0x02) {
            return Err(ReadError::Doc(
                "the CLX holds no piece table (no Pcdt)".into(),
            ));
        }
        let lcb = u32_at(clx, at + 1)
            .ok_or_else(|| ReadError::Doc("the piece table is truncated".into()))?
            as usize;
        let plc = clx
            .get(at + 5..at + 5 + lcb)
            .ok_or_else(|| ReadError::Doc("the piece table runs past the CLX".into()))?;
        if plc.len() < 4 || (plc.len() - 4) % 12 != 0 {
            return Err(ReadError::Doc(format!(
                "the piece table has an impossible size ({} bytes)",
                plc.len()
            )));
        }
        let n = (plc.len() - 4) / 12;
        if n > limits.max_doc_pieces {
            return Err(ReadError::Limit(format!(
                "the piece table lists {n} pieces, more than {} (Limits::max_doc_pieces)",
                limits.max_doc_pieces
            )));
        }
        let mut pieces = Vec::with_capacity(n);
        let mut chars = Vec::new();
        let mut total = 0u64;
        for i in 0..n {
            let cp = u32_at(plc, 4 * i).unwrap_or(0);
            let cp_end = u32_at(plc, 4 * (i + 1)).unwrap_or(0);
            let pcd = 4 * (n + 1) + 8 * i;
            let fc_raw = u32_at(plc, pcd + 2).unwrap_or(0);
            let prm = u16_at(plc, pcd + 6).unwrap_or(0);
            if cp_end < cp || cp as usize != chars.len() {
                return Err(ReadError::Doc(format!(
                    "piece {i} of the piece table is out of order (CP {cp}..{cp_end})"
                )));
            }
            let len = (cp_end - cp) as usize;
            total += len as u64;
            if total > limits.max_entry_inflated / 2 {
                return Err(ReadError::Limit(format!(
                    "the piece table declares more than {} characters (Limits::max_entry_inflated)",
                    limits.max_entry_inflated / 2
                )));
            }
            let compressed = fc_raw & 0x4000_0000 != 0;
            let fc = if compressed {
                (fc_raw & 0x3FFF_FFFF) / 2
            } else {
                fc_raw & 0x3FFF_FFFF
            };
            let start = fc as usize;
            if compressed {
                let bytes = word.get(start..start + len).ok_or_else(|| {
                    ReadError::Doc(format!(
                        "piece {i} points past the end of the WordDocument stream"
                    ))
                })?;
                chars.extend(bytes.iter().map(|&b| cp1252(b)));
            } else {
                let bytes = word.get(start..start + 2 * len).ok_or_else(|| {
                    ReadError::Doc(format!(
                        "piece {i} points past the end of the WordDocument stream"
                    ))
                })?;
                chars.extend(
                    bytes
                        .chunks_exact(2)
                        .map(|c| u16::from_le_bytes([c[0], c[1]])),
                );
            }
            pieces.push(Piece {
                cp,
                cp_end,
                fc,
                compressed,
                prm,
            });
        }
        Ok(Text {
            pieces,
            prcs,
            chars,
        })
    }

    /// The piece holding `cp`.
    pub fn piece(&self, cp: u32) -> Option<&Piece> {
        let i = self.pieces.partition_point(|p| p.cp_end <= cp);
        self.pieces.get(i).filter(|p| p.cp <= cp)
    }

    /// The file offset of the character at `cp` (where its formatting is looked up).
    pub fn fc(&self, cp: u32) -> Option<u32> {
        let p = self.piece(cp)?;
        let k = cp - p.cp;
        Some(if p.compressed { p.fc + k } else { p.fc + 2 * k })
    }
}

/// A byte of a compressed piece: cp1252, whose 0x80–0x9F differ from Latin-1.
fn cp1252(b: u8) -> u16 {
    if !(0x80..0xA0).contains(&b) {
        return u16::from(b);
    }
    let byte = [b];
    let (c, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
    c.encode_utf16().next().unwrap_or(u16::from(b))
}
