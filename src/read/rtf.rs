//! RTF → [`Document`]: Word saves RTF under a .doc name too. A small reader for what a report
//! needs: text (code-page bytes and `\u` characters), paragraphs with the list labels Word writes
//! out (`\listtext`), field results, tables (`\trowd … \cellx` row definitions with their merges,
//! `\cell`, `\row`) into the same grids as Word tables, pictures (`\pict` PNG/JPEG/EMF/WMF) as
//! images, headers/footers into the furniture and footnotes/comments into the notes.

use super::doc::props::{CellDef, RowDef};
use super::doc::table::{self, Row};
use super::{Limits, ReadError};
use crate::model::{Block, Document, ImagePart, Paragraph};

/// Where the text of the current group goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dest {
    Body,
    Furniture,
    Notes,
    /// Not text: font tables, field instructions, picture properties …
    Skip,
    /// Picture data (hex).
    Picture,
}

#[derive(Clone, Copy, Debug)]
struct State {
    dest: Dest,
    /// Characters of fallback to skip after `\uN`.
    uc: usize,
    hidden: bool,
    /// The picture format of a `\pict` group.
    pict: Option<&'static str>,
    /// Inside `\listtext`: the label Word printed for a list paragraph.
    list_label: bool,
}

/// Per destination: the paragraph being read and the blocks read.
#[derive(Default)]
struct Flow {
    blocks: Vec<Block>,
    text: String,
    /// Pending code-page bytes (decoded together: a GBK character is two `\'hh`).
    bytes: Vec<u8>,
    in_table: bool,
    rows: Vec<Row>,
    cells: Vec<String>,
    cell: String,
}

struct Reader<'l> {
    limits: &'l Limits,
    encoding: &'static encoding_rs::Encoding,
    body: Flow,
    furniture: Flow,
    notes: Flow,
    /// The row definition in effect (`\trowd` … `\cellx`).
    row_def: RowDef,
    pending_cell: CellDef,
    images: Vec<ImagePart>,
    picture_hex: Vec<u8>,
    tables: usize,
    /// The first limit hit while reading (reported when the pass ends).
    error: Option<ReadError>,
}

/// Groups nested deeper than this are refused (a stack of states per level).
const MAX_DEPTH: usize = 1000;

pub fn read_rtf(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let mut r = Reader {
        limits,
        encoding: encoding_rs::WINDOWS_1252,
        body: Flow::default(),
        furniture: Flow::default(),
        notes: Flow::default(),
        row_def: RowDef::default(),
        pending_cell: CellDef::default(),
        images: Vec::new(),
        picture_hex: Vec::new(),
        tables: 0,
        error: None,
    };
    let mut stack: Vec<State> = Vec::new();
    let mut st = State {
        dest: Dest::Body,
        uc: 1,
        hidden: false,
        pict: None,
        list_label: false,
    };
    // A destination group's first control word decides what the group is.
    let mut group_start = false;
    let mut skip_chars = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' => {
                if stack.len() >= MAX_DEPTH.min(r.limits.max_xml_depth.max(64)) {
                    return Err(ReadError::Limit(format!(
                        "RTF groups nested more than {} deep (Limits::max_xml_depth)",
                        stack.len()
                    )));
                }
                r.flush(st.dest);
                stack.push(st);
                group_start = true;
                i += 1;
            }
            b'}' => {
                r.flush(st.dest);
                if st.dest == Dest::Picture {
                    r.picture(st.pict);
                }
                st = stack.pop().unwrap_or(st);
                group_start = false;
                i += 1;
            }
            b'\\' => {
                let (word, param, next) = control(bytes, i + 1);
                i = next;
                let starts = std::mem::take(&mut group_start);
                if word == "bin" {
                    // Binary picture data: taken as it is.
                    let n = usize::try_from(param.unwrap_or(0)).unwrap_or(0);
                    let end = i.saturating_add(n).min(bytes.len());
                    if st.dest == Dest::Picture {
                        r.picture_hex.extend(bytes[i..end].iter().flat_map(|b| {
                            let h = format!("{b:02x}");
                            h.into_bytes()
                        }));
                    }
                    i = end;
                    continue;
                }
                if skip_chars > 0 && word != "'" {
                    skip_chars = 0;
                }
                let parent = stack.last().map_or(Dest::Body, |s| s.dest);
                r.control(&mut st, parent, &word, param, starts, &mut skip_chars);
                if let Some(e) = r.error.take() {
                    return Err(e);
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                i += 1;
                if skip_chars > 0 {
                    skip_chars -= 1;
                    continue;
                }
                match st.dest {
                    Dest::Picture if b.is_ascii_hexdigit() => {
                        r.picture_hex.push(b);
                    }
                    Dest::Picture | Dest::Skip => {}
                    d if !st.hidden => r.flow(d).bytes.push(b),
                    _ => {}
                }
            }
        }
    }
    for d in [Dest::Body, Dest::Furniture, Dest::Notes] {
        r.flush(d);
        if !r.flow(d).text.is_empty() {
            r.end_paragraph(d, false);
        }
        r.end_table(d)?;
    }
    let notes = vec![format!(
        "RTF document (a .doc name often hides one): {} tables from \\trowd/\\cell/\\row, {} pictures",
        r.tables,
        r.images.len()
    )];
    Ok(Document {
        body: r.body.blocks,
        furniture: r.furniture.blocks,
        notes: r.notes.blocks,
        images: r.images,
        warnings: Vec::new(),
        reader_notes: notes,
    })
}

/// A control word or symbol after a backslash: (word, parameter, index after it).
fn control(b: &[u8], mut i: usize) -> (String, Option<i64>, usize) {
    let Some(&c) = b.get(i) else {
        return (String::new(), None, i);
    };
    if !c.is_ascii_alphabetic() {
        if c == b'\'' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            let v = hex.and_then(|h| i64::from_str_radix(h, 16).ok());
            return ("'".into(), v, (i + 3).min(b.len()));
        }
        return ((c as char).to_string(), None, i + 1);
    }
    let start = i;
    while b.get(i).is_some_and(u8::is_ascii_alphabetic) && i - start < 32 {
        i += 1;
    }
    let word = String::from_utf8_lossy(&b[start..i]).into_owned();
    let num_start = i;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    while b.get(i).is_some_and(u8::is_ascii_digit) && i - num_start < 10 {
        i += 1;
    }
    let param = std::str::from_utf8(&b[num_start..i])
        .ok()
        .and_then(|s| s.parse::<i64>().ok());
    if b.get(i) == Some(&b' ') {
        i += 1;
    }
    (word, param, i)
}

impl Reader<'_> {
    fn flow(&mut self, d: Dest) -> &mut Flow {
        match d {
            Dest::Furniture => &mut self.furniture,
            Dest::Notes => &mut self.notes,
            _ => &mut self.body,
        }
    }

    /// Decodes pending code-page bytes into the paragraph text.
    fn flush(&mut self, d: Dest) {
        if matches!(d, Dest::Skip | Dest::Picture) {
            return;
        }
        let enc = self.encoding;
        let f = self.flow(d);
        if !f.bytes.is_empty() {
            let (s, _) = enc.decode_without_bom_handling(&f.bytes);
            f.text.push_str(&s);
            f.bytes.clear();
        }
    }

    fn push(&mut self, st: &State, s: &str) {
        if matches!(st.dest, Dest::Skip | Dest::Picture) || st.hidden {
            return;
        }
        self.flush(st.dest);
        self.flow(st.dest).text.push_str(s);
    }

    fn control(
        &mut self,
        st: &mut State,
        parent: Dest,
        word: &str,
        param: Option<i64>,
        starts: bool,
        skip_chars: &mut usize,
    ) {
        let in_text = !matches!(st.dest, Dest::Skip | Dest::Picture);
        match word {
            "'" => {
                if *skip_chars > 0 {
                    *skip_chars -= 1;
                } else if in_text && !st.hidden {
                    if let Some(v) = param {
                        self.flow(st.dest).bytes.push(v as u8);
                    }
                }
            }
            "u" => {
                if let Some(c) =
                    param.and_then(|v| char::from_u32((v as i16 as i32 as u32) & 0xFFFF))
                {
                    let mut buf = [0u8; 4];
                    self.push(st, c.encode_utf8(&mut buf));
                }
                *skip_chars = st.uc;
            }
            "uc" => st.uc = usize::try_from(param.unwrap_or(1)).unwrap_or(1).min(8),
            "ansicpg" => {
                let cp = param.unwrap_or(1252);
                self.encoding = match cp {
                    936 => encoding_rs::GBK,
                    950 => encoding_rs::BIG5,
                    932 => encoding_rs::SHIFT_JIS,
                    65001 => encoding_rs::UTF_8,
                    _ => encoding_rs::WINDOWS_1252,
                };
            }
            // Destinations.
            "*" if starts => st.dest = Dest::Skip,
            "fonttbl" | "colortbl" | "stylesheet" | "info" | "listtable" | "listoverridetable"
            | "rsidtbl" | "generator" | "fldinst" | "themedata" | "colorschememapping"
            | "datastore" | "latentstyles" | "xmlnstbl" | "pgdsctbl" | "ftnsep" | "ftnsepc"
            | "aftnsep" | "aftnsepc" | "nonshppict" | "sp" | "objdata" | "bkmkstart"
            | "bkmkend" | "revtbl" | "filetbl" | "userprops" | "pnseclvl" => st.dest = Dest::Skip,
            "header" | "footer" | "headerl" | "headerr" | "headerf" | "footerl" | "footerr"
            | "footerf" => {
                st.dest = Dest::Furniture;
                self.furniture.in_table = false;
            }
            "footnote" | "annotation" => st.dest = Dest::Notes,
            "listtext" => {
                st.list_label = true;
                if st.dest == Dest::Skip && parent != Dest::Skip {
                    st.dest = parent;
                }
            }
            // Their text is printed; a "\*" before them was only a hint.
            "fldrslt" | "shptxt" | "shpinst" | "shppict" | "field" | "shp"
                if st.dest == Dest::Skip && parent != Dest::Skip =>
            {
                st.dest = parent;
            }
            // A picture inside a skipped group (the WMF fallback of `\nonshppict`) is not one.
            "pict" if st.dest != Dest::Skip => {
                st.dest = Dest::Picture;
                self.picture_hex.clear();
            }
            "pngblip" => st.pict = Some("png"),
            "jpegblip" => st.pict = Some("jpg"),
            "emfblip" => st.pict = Some("emf"),
            "wmetafile" => st.pict = Some("wmf"),
            // Hidden text and tracked deletions are not printed.
            "v" | "deleted" => st.hidden = param != Some(0),
            "plain" => st.hidden = false,
            // Text.
            "par" | "sect" if in_text => {
                self.flush(st.dest);
                self.end_paragraph(st.dest, false);
            }
            "line" => self.push(st, "\n"),
            // The tab after a list label (`\listtext 一、\tab`) is not part of the text.
            "tab" if !st.list_label => self.push(st, "\t"),
            "emdash" => self.push(st, "—"),
            "endash" => self.push(st, "–"),
            "lquote" => self.push(st, "‘"),
            "rquote" => self.push(st, "’"),
            "ldblquote" => self.push(st, "“"),
            "rdblquote" => self.push(st, "”"),
            "bullet" => self.push(st, "•"),
            "~" => self.push(st, "\u{a0}"),
            "_" => self.push(st, "-"),
            "\\" | "{" | "}" => self.push(st, word),
            "\n" | "\r" if in_text => {
                self.flush(st.dest);
                self.end_paragraph(st.dest, false);
            }
            // Tables.
            "pard" if in_text => {
                self.flow(st.dest).in_table = false;
            }
            "intbl" if in_text => {
                self.flow(st.dest).in_table = true;
            }
            "trowd" => {
                self.row_def = RowDef::default();
                self.pending_cell = CellDef::default();
            }
            "trleft" if self.row_def.centers.is_empty() => {
                self.row_def.centers.push(clamp(param));
            }
            "clvmgf" => {
                self.pending_cell.v_merged = true;
                self.pending_cell.v_restart = true;
            }
            "clvmrg" => self.pending_cell.v_merged = true,
            "clmrg" => self.pending_cell.h_merged = true,
            "cellx" => {
                if self.row_def.centers.is_empty() {
                    self.row_def.centers.push(0);
                }
                self.row_def.centers.push(clamp(param));
                let c = std::mem::take(&mut self.pending_cell);
                self.row_def.cells.push(c);
            }
            "cell" | "nestcell" if in_text => {
                self.flush(st.dest);
                self.end_paragraph(st.dest, true);
                let f = self.flow(st.dest);
                let cell = std::mem::take(&mut f.cell);
                f.cells.push(cell);
            }
            "row" | "nestrow" if in_text => {
                self.flush(st.dest);
                let def = self.row_def.clone();
                let f = self.flow(st.dest);
                let cells = std::mem::take(&mut f.cells);
                f.rows.push(Row {
                    cells,
                    def: Some(def),
                });
            }
            _ => {}
        }
    }

    /// Ends a paragraph: into the open cell when in a table, else a body paragraph (which also
    /// closes a table before it).
    fn end_paragraph(&mut self, d: Dest, cell_mark: bool) {
        let max_cell = self.limits.max_cell_chars;
        let f = self.flow(d);
        let text = std::mem::take(&mut f.text);
        if f.in_table || cell_mark {
            if !f.cell.is_empty() && (!text.is_empty() || !cell_mark) {
                f.cell.push('\n');
            }
            if f.cell.len() <= max_cell.saturating_mul(4) {
                f.cell.push_str(&text);
            }
            return;
        }
        if !f.rows.is_empty() {
            if let Err(e) = self.end_table(d) {
                self.error.get_or_insert(e);
            }
        }
        let f = self.flow(d);
        f.blocks.push(Block::Paragraph(Paragraph {
            text,
            ..Paragraph::default()
        }));
    }

    fn end_table(&mut self, d: Dest) -> Result<(), ReadError> {
        let limits = self.limits;
        let f = self.flow(d);
        if f.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut f.rows);
        if let Some(grid) = table::build(rows, limits)? {
            self.flow(d).blocks.push(Block::Table(grid));
            self.tables += 1;
        }
        Ok(())
    }

    fn picture(&mut self, format: Option<&'static str>) {
        let hex = std::mem::take(&mut self.picture_hex);
        let Some(ext) = format else {
            return;
        };
        let data: Vec<u8> = hex
            .chunks_exact(2)
            .filter_map(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
            .collect();
        if data.is_empty() || data.len() as u64 > self.limits.max_entry_inflated {
            return;
        }
        let content_type = match ext {
            "png" => "image/png",
            "jpg" => "image/jpeg",
            "emf" => "image/x-emf",
            _ => "image/x-wmf",
        };
        let i = self.images.len();
        self.images.push(ImagePart {
            part: format!("pict{}.{ext}", i + 1),
            content_type: content_type.into(),
            data,
            description: None,
        });
        self.body.blocks.push(Block::Image(i));
    }
}

fn clamp(v: Option<i64>) -> i16 {
    v.unwrap_or(0)
        .clamp(i64::from(i16::MIN), i64::from(i16::MAX)) as i16
}
