//! The compound file (`cfb`) and the File Information Block at the start of the WordDocument
//! stream: which table stream holds the document's tables, how long each story is, and where
//! the piece table, formatting, styles, lists and pictures live.

use std::io::{Cursor, Read};

use super::super::{Limits, ReadError};

/// The streams of a Word binary file, read whole (they are a few hundred KiB at most for a report).
pub(super) struct Streams {
    pub word: Vec<u8>,
    pub table: Vec<u8>,
    /// The `Data` stream: inline pictures (PICF) and form-field data; absent in many files.
    pub data: Vec<u8>,
    /// Names of the streams of the root storage, for the reader's notes and sniffing (WPS).
    pub names: Vec<String>,
}

/// Opens the compound file and reads the streams a Word document needs.
pub(super) fn open(bytes: &[u8], limits: &Limits) -> Result<(Streams, Fib), ReadError> {
    check_fat(bytes)?;
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(ole_error)?;
    let names: Vec<String> = cf
        .read_root_storage()
        .map(|e| e.name().to_string())
        .collect();
    let word = read_stream(&mut cf, "WordDocument", limits)?
        .ok_or_else(|| ReadError::Unsupported("OLE file without a WordDocument stream".into()))?;
    let fib = Fib::parse(&word)?;
    if fib.encrypted {
        return Err(ReadError::Encrypted);
    }
    let table_name = if fib.table_1 { "1Table" } else { "0Table" };
    let table = read_stream(&mut cf, table_name, limits)?.ok_or_else(|| {
        ReadError::Doc(format!(
            "the FIB names the table stream {table_name}, which is missing"
        ))
    })?;
    let data = read_stream(&mut cf, "Data", limits)?.unwrap_or_default();
    Ok((
        Streams {
            word,
            table,
            data,
            names,
        },
        fib,
    ))
}

fn read_stream(
    cf: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    name: &str,
    limits: &Limits,
) -> Result<Option<Vec<u8>>, ReadError> {
    let path = format!("/{name}");
    if !cf.is_stream(&path) {
        return Ok(None);
    }
    let mut stream = cf.open_stream(&path).map_err(ole_error)?;
    let len = stream.len();
    if len > limits.max_entry_inflated {
        return Err(ReadError::Limit(format!(
            "the OLE stream {name} declares {len} bytes, more than {} (Limits::max_entry_inflated)",
            limits.max_entry_inflated
        )));
    }
    let mut out = Vec::new();
    stream
        .by_ref()
        .take(limits.max_entry_inflated)
        .read_to_end(&mut out)
        .map_err(ole_error)?;
    Ok(Some(out))
}

/// A cfb error as a named reader error: a sector chain that loops, a sector outside the file.
fn ole_error(e: std::io::Error) -> ReadError {
    let msg = e.to_string();
    let lower = msg.to_lowercase();
    if lower.contains("duplicate") || lower.contains("cycle") || lower.contains("loop") {
        ReadError::Ole(format!("a sector chain loops ({msg})"))
    } else if lower.contains("sector count")
        || lower.contains("invalid sector")
        || lower.contains("out of range")
        || lower.contains("past the end")
    {
        ReadError::Ole(format!("a sector index points outside the file ({msg})"))
    } else {
        ReadError::Ole(msg)
    }
}

/// Checks the header's FAT sector list before cfb reads it: each FAT sector listed in the header
/// must lie inside the file (cfb reports it too, but this names the fault plainly).
fn check_fat(bytes: &[u8]) -> Result<(), ReadError> {
    if bytes.len() < 512 {
        return Err(ReadError::Ole(format!(
            "{} bytes: shorter than the 512-byte header",
            bytes.len()
        )));
    }
    let shift = u16_at(bytes, 0x1E).unwrap_or(9);
    if shift != 9 && shift != 12 {
        return Err(ReadError::Ole(format!("sector size 2^{shift} is invalid")));
    }
    let sector = 1u64 << shift;
    let sectors = (bytes.len() as u64).saturating_sub(sector.max(512)) / sector;
    let fat_count = u32_at(bytes, 0x2C).unwrap_or(0);
    for i in 0..fat_count.min(109) as usize {
        let id = u32_at(bytes, 0x4C + 4 * i).unwrap_or(0xFFFF_FFFF);
        if id <= 0xFFFF_FFFA && u64::from(id) >= sectors {
            return Err(ReadError::Ole(format!(
                "the FAT points outside the file (FAT sector {id}, the file has {sectors} sectors)"
            )));
        }
    }
    Ok(())
}

pub(super) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

pub(super) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

pub(super) fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    u32_at(b, at).map(|v| v as i32)
}

/// A (file offset, length) pair of the FIB pointing into the table stream.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct FcLcb {
    pub fc: u32,
    pub lcb: u32,
}

impl FcLcb {
    /// The bytes it points to, or `None` when empty or outside the stream.
    pub fn slice<'a>(&self, stream: &'a [u8]) -> Option<&'a [u8]> {
        if self.lcb == 0 {
            return None;
        }
        let start = self.fc as usize;
        stream.get(start..start.checked_add(self.lcb as usize)?)
    }
}

/// What the reader needs from the File Information Block.
#[derive(Debug, Clone, Default)]
pub(super) struct Fib {
    pub n_fib: u16,
    pub encrypted: bool,
    pub table_1: bool,
    /// `wMagicCreated`: which program created the file (0x6A62 is Word), for the reader's notes.
    pub created_by: u16,
    /// Story lengths in CPs: main text, footnotes, headers, (macro), comments, endnotes,
    /// text boxes, header text boxes.
    pub ccp: [u32; 8],
    pub stshf: FcLcb,
    pub plcf_hdd: FcLcb,
    pub plcf_bte_chpx: FcLcb,
    pub plcf_bte_papx: FcLcb,
    pub clx: FcLcb,
    pub plc_spa_mom: FcLcb,
    pub dgg_info: FcLcb,
    /// PlcftxbxTxt: where each main-text text box's text lies in the text-box story.
    pub plcf_txbx_txt: FcLcb,
    pub plf_lst: FcLcb,
    pub plf_lfo: FcLcb,
}

impl Fib {
    pub fn parse(word: &[u8]) -> Result<Fib, ReadError> {
        let short = || ReadError::Doc("the WordDocument stream is too short for a FIB".into());
        let ident = u16_at(word, 0).ok_or_else(short)?;
        if ident != 0xA5EC && ident != 0xA5DC {
            return Err(ReadError::Doc(format!(
                "the WordDocument stream does not start with a Word FIB (0x{ident:04X})"
            )));
        }
        let n_fib = u16_at(word, 2).ok_or_else(short)?;
        let flags = u16_at(word, 0x0A).ok_or_else(short)?;
        // fEncrypted (RC4 or XOR obfuscation): the text cannot be read without the password.
        let encrypted = flags & 0x0100 != 0 || flags & 0x8000 != 0;
        if n_fib < 101 && !encrypted {
            return Err(ReadError::Unsupported(format!(
                "Word 6.0/95 binary document (nFib {n_fib}): only Word 97-2003 .doc is read; \
                 save it as .docx"
            )));
        }
        let csw = u16_at(word, 32).ok_or_else(short)? as usize;
        let lw_at = 34 + csw * 2;
        let cslw = u16_at(word, lw_at).ok_or_else(short)? as usize;
        let lw = lw_at + 2;
        let fc_at = lw + cslw * 4;
        let cb_rg_fc_lcb = u16_at(word, fc_at).ok_or_else(short)? as usize;
        let blob = fc_at + 2;
        let pair = |i: usize| -> FcLcb {
            if i >= cb_rg_fc_lcb {
                return FcLcb::default();
            }
            FcLcb {
                fc: u32_at(word, blob + 8 * i).unwrap_or(0),
                lcb: u32_at(word, blob + 8 * i + 4).unwrap_or(0),
            }
        };
        let mut ccp = [0u32; 8];
        for (i, c) in ccp.iter_mut().enumerate() {
            *c = if cslw > 3 + i {
                u32_at(word, lw + 12 + 4 * i).unwrap_or(0)
            } else {
                0
            };
        }
        // Word 2000 and later keep the real version in FibRgCswNew after the fc/lcb pairs.
        let new_at = blob + cb_rg_fc_lcb * 8;
        let n_fib = match u16_at(word, new_at) {
            Some(csw_new) if csw_new > 0 => u16_at(word, new_at + 2).unwrap_or(n_fib),
            _ => n_fib,
        };
        Ok(Fib {
            n_fib,
            encrypted,
            table_1: flags & 0x0200 != 0,
            created_by: u16_at(word, 34).unwrap_or(0),
            ccp,
            stshf: pair(1),
            plcf_hdd: pair(11),
            plcf_bte_chpx: pair(12),
            plcf_bte_papx: pair(13),
            clx: pair(33),
            plc_spa_mom: pair(40),
            dgg_info: pair(50),
            plcf_txbx_txt: pair(56),
            plf_lst: pair(73),
            plf_lfo: pair(74),
        })
    }

    /// The Word version that wrote this FIB layout, in words.
    pub fn version(&self) -> &'static str {
        match self.n_fib {
            0x00C1 => "Word 97",
            0x00D9 => "Word 2000",
            0x0101 => "Word 2002",
            0x010C => "Word 2003",
            0x0112 => "Word 2007",
            n if n > 0x0112 => "Word 2007 or later",
            _ => "Word 97-2003",
        }
    }

    /// Story start CPs: main, footnotes, headers, macros, comments, endnotes, text boxes,
    /// header text boxes (each story follows the previous one).
    pub fn story_start(&self, story: usize) -> u32 {
        self.ccp[..story.min(8)]
            .iter()
            .fold(0u32, |a, &c| a.saturating_add(c))
    }
}
