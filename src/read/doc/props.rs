//! Paragraph and character properties: the bin tables (PlcBtePapx, PlcBteChpx) point to 512-byte
//! formatted disk pages (FKPs) in the WordDocument stream, which map file offsets to property
//! lists (grpprl of sprms). Only the properties the reader needs are decoded: table depth and
//! cell/row marks, the row's cell layout and merges, style, outline level, list, picture location.

use super::ole::{i32_at, u16_at, u32_at, FcLcb};

/// One property modifier: opcode and operand.
pub(super) struct Sprm<'a> {
    pub op: u16,
    pub arg: &'a [u8],
}

/// Iterates the sprms of a grpprl; stops at the first one that does not fit.
pub(super) fn sprms(grpprl: &[u8]) -> impl Iterator<Item = Sprm<'_>> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let op = u16_at(grpprl, at)?;
        let rest = grpprl.get(at + 2..)?;
        let len = match op >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            _ => {
                // Variable: sprmTDefTable and sprmPChgTabs carry a 2-byte or special size.
                if op == 0xD608 {
                    let cb = u16_at(rest, 0)? as usize;
                    // cb counts the operand after the size field, plus one.
                    let n = 2 + cb.saturating_sub(1);
                    let arg = rest.get(..n)?;
                    at += 2 + n;
                    return Some(Sprm { op, arg });
                }
                let cb = *rest.first()? as usize;
                let arg = rest.get(..1 + cb)?;
                at += 3 + cb;
                return Some(Sprm { op, arg });
            }
        };
        let arg = rest.get(..len)?;
        at += 2 + len;
        Some(Sprm { op, arg })
    })
}

/// The Data-stream offset of sprmPHugePapx, if the grpprl has one.
pub(super) fn huge_papx(grpprl: &[u8]) -> Option<u32> {
    sprms(grpprl)
        .find(|s| s.op == 0x6646)
        .and_then(|s| u32_at(s.arg, 0))
}

/// A bin table: for each run of file offsets, the FKP page that describes it.
pub(super) struct BinTable {
    fcs: Vec<u32>,
    pages: Vec<u32>,
}

impl BinTable {
    pub fn read(table: &[u8], at: FcLcb) -> BinTable {
        let Some(plc) = at.slice(table) else {
            return BinTable {
                fcs: Vec::new(),
                pages: Vec::new(),
            };
        };
        let n = plc.len().saturating_sub(4) / 8;
        let fcs = (0..=n).filter_map(|i| u32_at(plc, 4 * i)).collect();
        let pages = (0..n)
            .filter_map(|i| u32_at(plc, 4 * (n + 1) + 4 * i).map(|p| p & 0x003F_FFFF))
            .collect();
        BinTable { fcs, pages }
    }

    /// The FKP page that covers file offset `fc`.
    fn page<'w>(&self, word: &'w [u8], fc: u32) -> Option<&'w [u8]> {
        let i = self.fcs.partition_point(|&f| f <= fc).checked_sub(1)?;
        let pn = *self.pages.get(i)? as usize;
        word.get(pn * 512..pn * 512 + 512)
    }

    /// The grpprl of a paragraph FKP entry covering `fc`, with the style index it starts with.
    pub fn papx<'w>(&self, word: &'w [u8], fc: u32) -> Option<(u16, &'w [u8])> {
        let page = self.page(word, fc)?;
        let crun = page[511] as usize;
        let i = run_index(page, crun, fc)?;
        // BxPap: 13 bytes each after the rgfc array; its first byte is the word offset of the PAPX.
        let bx = 4 * (crun + 1) + 13 * i;
        let off = *page.get(bx)? as usize * 2;
        if off == 0 {
            return Some((0, &[]));
        }
        let cb = *page.get(off)? as usize;
        let (start, len) = if cb == 0 {
            (off + 2, 2 * *page.get(off + 1)? as usize)
        } else {
            (off + 1, 2 * cb - 1)
        };
        let grp = page.get(start..(start + len).min(511))?;
        let istd = u16_at(grp, 0).unwrap_or(0);
        Some((istd, grp.get(2..).unwrap_or_default()))
    }

    /// The grpprl of a character FKP entry covering `fc`.
    pub fn chpx<'w>(&self, word: &'w [u8], fc: u32) -> Option<&'w [u8]> {
        self.chpx_run(word, fc).map(|(g, _)| g)
    }

    /// The grpprl of the character run covering `fc`, and the run's file offsets.
    pub fn chpx_run<'w>(&self, word: &'w [u8], fc: u32) -> Option<(&'w [u8], (u32, u32))> {
        let page = self.page(word, fc)?;
        let crun = page[511] as usize;
        let i = run_index(page, crun, fc)?;
        let span = (u32_at(page, 4 * i)?, u32_at(page, 4 * (i + 1))?);
        let off = *page.get(4 * (crun + 1) + i)? as usize * 2;
        if off == 0 {
            return Some((&[], span));
        }
        let cb = *page.get(off)? as usize;
        Some((page.get(off + 1..(off + 1 + cb).min(511))?, span))
    }
}

/// The run of an FKP page whose fc range holds `fc`.
fn run_index(page: &[u8], crun: usize, fc: u32) -> Option<usize> {
    if crun == 0 || 4 * (crun + 1) > 511 {
        return None;
    }
    let fcs: Vec<u32> = (0..=crun).filter_map(|i| u32_at(page, 4 * i)).collect();
    let i = fcs.partition_point(|&f| f <= fc).checked_sub(1)?;
    (i < crun && fc < fcs[crun]).then_some(i)
}

/// The paragraph properties the reader uses.
#[derive(Debug, Clone, Default)]
pub(super) struct ParaProps {
    pub istd: u16,
    pub in_table: bool,
    /// The table row end mark (TTP) of a top-level table.
    pub ttp: bool,
    /// Table depth (sprmPItap); 1 for a plain in-table paragraph.
    pub itap: i32,
    pub inner_cell: bool,
    pub inner_ttp: bool,
    pub outline: Option<u8>,
    /// List: 1-based LFO index and level.
    pub ilfo: Option<u16>,
    pub ilvl: Option<u8>,
    /// The row layout of a TTP: cell boundaries and merge flags.
    pub row: Option<RowDef>,
}

/// One table row's cells as sprmTDefTable (and later sprmTVertMerge) define them.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowDef {
    /// Cell boundaries in twips, one more than cells.
    pub centers: Vec<i16>,
    pub cells: Vec<CellDef>,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CellDef {
    /// Merged horizontally into the cell before (legacy fMerged).
    pub h_merged: bool,
    /// Continues a vertical merge from the cell above.
    pub v_merged: bool,
    /// Starts a vertical merge.
    pub v_restart: bool,
}

impl ParaProps {
    pub fn apply(&mut self, grpprl: &[u8]) {
        for s in sprms(grpprl) {
            let b0 = s.arg.first().copied().unwrap_or(0);
            match s.op {
                0x4600 => self.istd = u16_at(s.arg, 0).unwrap_or(self.istd),
                0x2416 => self.in_table = b0 != 0,
                0x2417 => self.ttp = b0 != 0,
                0x6649 => self.itap = i32_at(s.arg, 0).unwrap_or(0),
                0x664A => self.itap += i32_at(s.arg, 0).unwrap_or(0), // sprmPDtap
                0x244B => self.inner_cell = b0 != 0,
                0x244C => self.inner_ttp = b0 != 0,
                0x2640 => self.outline = (b0 < 9).then_some(b0),
                0x460B => self.ilfo = u16_at(s.arg, 0),
                0x260A => self.ilvl = Some(b0),
                0xD608 => self.row = Some(row_def(s.arg)),
                0xD62B => {
                    // sprmTVertMerge: cb, itc, flags.
                    if let (Some(row), Some(&itc), Some(&flags)) =
                        (self.row.as_mut(), s.arg.get(1), s.arg.get(2))
                    {
                        if let Some(c) = row.cells.get_mut(itc as usize) {
                            c.v_merged = flags & 1 != 0;
                            c.v_restart = flags & 3 == 3;
                        }
                    }
                }
                0x5624 => {
                    // sprmTMerge: cells itcFirst..itcLim become one.
                    if let (Some(row), Some(&first), Some(&lim)) =
                        (self.row.as_mut(), s.arg.first(), s.arg.get(1))
                    {
                        for c in row
                            .cells
                            .iter_mut()
                            .take(lim as usize)
                            .skip(first as usize + 1)
                        {
                            c.h_merged = true;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The table depth of this paragraph (0 outside tables).
    pub fn depth(&self) -> i32 {
        if self.itap > 0 {
            self.itap
        } else if self.in_table {
            1
        } else {
            0
        }
    }
}

/// sprmTDefTable's operand: cb (2 bytes), itcMac, rgdxaCenter, rgTc80.
fn row_def(arg: &[u8]) -> RowDef {
    let n = arg.get(2).copied().unwrap_or(0) as usize;
    let centers: Vec<i16> = (0..=n)
        .map_while(|i| u16_at(arg, 3 + 2 * i).map(|v| v as i16))
        .collect();
    let tc_at = 3 + 2 * (n + 1);
    let cells = (0..n)
        .map(|i| {
            let grf = u16_at(arg, tc_at + 20 * i).unwrap_or(0);
            CellDef {
                h_merged: grf & 0x0003 == 0x0002 || grf & 0x0003 == 0x0003,
                v_merged: grf & 0x0020 != 0,
                v_restart: grf & 0x0060 == 0x0060,
            }
        })
        .collect();
    RowDef { centers, cells }
}

/// Character properties the reader uses: where an inline picture's PICF is in the Data stream.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct CharProps {
    pub pic_location: Option<u32>,
    /// sprmCFData: the location is form-field data, not a picture.
    pub data: bool,
    /// sprmCFOle2: an embedded OLE object.
    pub ole2: bool,
    pub special: bool,
    pub vanish: bool,
    pub deleted: bool,
}

impl CharProps {
    pub fn apply(&mut self, grpprl: &[u8]) {
        for s in sprms(grpprl) {
            let b0 = s.arg.first().copied().unwrap_or(0);
            match s.op {
                0x6A03 => self.pic_location = u32_at(s.arg, 0),
                0x0806 => self.data = b0 != 0,
                0x080A => self.ole2 = b0 != 0,
                0x0855 => self.special = b0 != 0,
                0x083C => self.vanish = b0 & 1 != 0,
                // sprmCFRMarkDel: a tracked deletion, still in the text.
                0x0800 => self.deleted = b0 & 1 != 0,
                _ => {}
            }
        }
    }
}
