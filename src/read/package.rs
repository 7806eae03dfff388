//! An OOXML package (a zip of parts), read with caps on entry count and inflated size.
//!
//! Parts are found through relationships, never by fixed names, and names from inside the
//! archive are only ever used as keys — never as file names.

use rustc_hash::FxHashMap;
use std::io::{Cursor, Read};

use quick_xml::events::Event;

use super::{Limits, ReadError};

/// One relationship of a part (`_rels/*.rels`).
#[derive(Debug, Clone, PartialEq)]
pub struct Relationship {
    pub id: String,
    /// The relationship type URI's last path segment, e.g. `officeDocument`, `image`, `numbering`.
    pub kind: String,
    /// For internal targets, the absolute part name (`word/media/image1.png`); else the URL.
    pub target: String,
    pub external: bool,
}

/// A zip package opened for reading parts.
pub struct Package<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Lower-cased part name → index in the archive (part names are case-insensitive in OPC).
    index: FxHashMap<String, usize>,
    content_types: ContentTypes,
    limits: Limits,
    inflated: u64,
    /// Small deflated parts are inflated by a decompressor of our own
    /// ([`Package::inflate_deflated`]); the tests turn it off to compare with the zip reader's.
    inflate_at_once: bool,
}

#[derive(Default)]
struct ContentTypes {
    defaults: FxHashMap<String, String>,
    overrides: FxHashMap<String, String>,
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Self, ReadError> {
        let archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Zip(e.to_string()))?;
        Self::from_archive(archive, limits)
    }

    /// A package over a zip directory already read (the one [`super::read_auto`] sniffed).
    pub fn from_archive(
        archive: zip::ZipArchive<Cursor<&'a [u8]>>,
        limits: &Limits,
    ) -> Result<Self, ReadError> {
        if archive.len() > limits.max_entries {
            return Err(ReadError::Limit(format!(
                "{} zip entries (the limit is {}; --max-entries raises it)",
                archive.len(),
                limits.max_entries
            )));
        }
        let mut index = FxHashMap::default();
        for i in 0..archive.len() {
            if let Some(Ok(name)) = archive.name_for_index(i) {
                index.insert(name.trim_start_matches('/').to_lowercase(), i);
            }
        }
        let mut pkg = Package {
            archive,
            index,
            content_types: ContentTypes::default(),
            limits: limits.clone(),
            inflated: 0,
            inflate_at_once: true,
        };
        if let Some(xml) = pkg.read_part_opt("[Content_Types].xml")? {
            pkg.content_types = parse_content_types(&xml);
        }
        Ok(pkg)
    }

    /// Part names in archive order.
    pub fn part_names(&self) -> Vec<String> {
        (0..self.archive.len())
            .filter_map(|i| self.archive.name_for_index(i)?.ok().map(|n| n.into_owned()))
            .collect()
    }

    pub fn has_part(&self, name: &str) -> bool {
        self.index
            .contains_key(&name.trim_start_matches('/').to_lowercase())
    }

    /// Reads a part, or `None` when the package has no such part.
    pub fn read_part_opt(&mut self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let Some(&i) = self.index.get(&name.trim_start_matches('/').to_lowercase()) else {
            return Ok(None);
        };
        let mut file = self
            .archive
            .by_index(i)
            .map_err(|e| ReadError::Zip(format!("{name}: {e}")))?;
        if file.encrypted() {
            return Err(ReadError::Encrypted);
        }
        // The declared size can lie; the cap is enforced on the bytes actually inflated.
        let entry_cap = self.limits.max_entry_inflated;
        let total_left = self.limits.max_total_inflated.saturating_sub(self.inflated);
        let cap = entry_cap.min(total_left);
        if file.size() > cap {
            return Err(limit_error(name, file.size(), &self.limits));
        }
        let declared = file.size();
        if self.inflate_at_once
            && file.compression() == zip::CompressionMethod::Deflated
            && file.compressed_size() <= SMALL_PART
        {
            drop(file);
            let data = self.inflate_deflated(i, name, declared, cap)?;
            self.inflated += data.len() as u64;
            return Ok(Some(data));
        }
        // Reserved at the declared size (already checked against the cap): growing by doubling
        // left up to half of the largest part's buffer unused. Pages never written cost nothing.
        let mut data = Vec::with_capacity(declared.min(cap) as usize);
        let mut elements = ElementsGrowing::new(name);
        // One inflate buffer per thread: zeroing a fresh 64 KB for each of a report's parts
        // (most of them a few hundred bytes) cost more than inflating them.
        thread_local! {
            static CHUNK_BUF: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0u8; CHUNK]);
        }
        let mut limited = (&mut file).take(cap + 1);
        CHUNK_BUF.with_borrow_mut(|chunk| loop {
            let n = match limited.read(chunk) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(inflate_error(name, declared, e)),
            };
            data.extend_from_slice(&chunk[..n]);
            elements.grew(&data, &self.limits, name)?;
        })?;
        let read = data.len() as u64;
        if read > cap {
            return Err(limit_error(name, read, &self.limits));
        }
        self.inflated += read;
        Ok(Some(data))
    }

    /// A deflated part whose compressed bytes are at most [`SMALL_PART`] (a report's parts),
    /// inflated by a decompressor kept per thread straight into the part's buffer: the zip
    /// reader made a new decompressor for each part (its set-up and the zeroing of its buffers
    /// were a fifth of the inflating) and inflated through a chunk buffer copied into the part.
    /// Everything else is the zip reader's streaming, step by step — its 8 KB input buffer, the
    /// 64 KB chunks, the declared-size and checksum checks, the elements counted as the part
    /// grows — so a broken or lying part fails with the same error at the same point.
    fn inflate_deflated(
        &mut self,
        i: usize,
        name: &str,
        declared: u64,
        cap: u64,
    ) -> Result<Vec<u8>, ReadError> {
        /// `std::io::BufReader`'s default capacity, which the zip reader reads the data through.
        const INPUT_WINDOW: usize = 8 << 10;
        thread_local! {
            static INFLATE: std::cell::RefCell<(flate2::Decompress, Vec<u8>)> =
                std::cell::RefCell::new((flate2::Decompress::new(false), Vec::new()));
        }
        let mut raw_file = self
            .archive
            .by_index_raw(i)
            .map_err(|e| ReadError::Zip(format!("{name}: {e}")))?;
        let crc = raw_file.crc32();
        let corrupt = |message: &str| ReadError::Zip(format!("{name}: {message}"));
        INFLATE.with_borrow_mut(|(inflate, raw)| {
            raw.clear();
            raw_file
                .read_to_end(raw)
                .map_err(|e| ReadError::Zip(format!("{name}: {e}")))?;
            inflate.reset(false);
            // Room for the chunk that reads past the declared size too: reserved as it is
            // read, it copied the whole part once more.
            let mut data = Vec::with_capacity(declared.min(cap) as usize + CHUNK);
            let mut elements = ElementsGrowing::new(name);
            let mut hasher = crc32fast::Hasher::new();
            // The input buffer's window over the compressed bytes.
            let (mut pos, mut filled) = (0, 0);
            loop {
                // One read of a chunk, through the cap's `take`.
                let want = (cap + 1 - data.len() as u64).min(CHUNK as u64) as usize;
                if want == 0 {
                    break;
                }
                let start = data.len();
                data.reserve(want);
                let n = loop {
                    if pos == filled {
                        filled = (pos + INPUT_WINDOW).min(raw.len());
                    }
                    let input = &raw[pos..filled];
                    let eof = input.is_empty();
                    let flush = if eof {
                        flate2::FlushDecompress::Finish
                    } else {
                        flate2::FlushDecompress::None
                    };
                    let (before_in, before_out) = (inflate.total_in(), inflate.total_out());
                    let dst = &mut data.spare_capacity_mut()[..want];
                    let status = inflate.decompress_uninit(input, dst, flush);
                    let read = (inflate.total_out() - before_out) as usize;
                    pos += (inflate.total_in() - before_in) as usize;
                    match status {
                        Ok(flate2::Status::Ok | flate2::Status::BufError) if read == 0 => {
                            if eof {
                                return Err(corrupt("incomplete deflate stream"));
                            }
                        }
                        Ok(_) => break read,
                        Err(_) => return Err(corrupt("corrupt deflate stream")),
                    }
                };
                // SAFETY: the decompressor wrote (initialised) the `n` bytes it counts as put
                // out, at the start of the spare capacity; `n <= want` fits in it.
                unsafe { data.set_len(start + n) };
                if data.len() as u64 > declared {
                    let lie = std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "File is larger than its declared uncompressed size",
                    );
                    return Err(inflate_error(name, declared, lie));
                }
                if n == 0 {
                    if hasher.clone().finalize() != crc {
                        return Err(corrupt("Invalid checksum"));
                    }
                    break;
                }
                hasher.update(&data[start..]);
                elements.grew(&data, &self.limits, name)?;
            }
            if data.len() as u64 > cap {
                return Err(limit_error(name, data.len() as u64, &self.limits));
            }
            Ok(data)
        })
    }

    pub fn read_part(&mut self, name: &str) -> Result<Vec<u8>, ReadError> {
        self.read_part_opt(name)?
            .ok_or_else(|| ReadError::MissingPart(name.to_string()))
    }

    /// Inflates every entry (into nothing) so that the caps are proven before another library
    /// with its own zip reader (calamine) touches the package.
    pub fn check_inflated_sizes(&mut self) -> Result<(), ReadError> {
        for i in 0..self.archive.len() {
            let mut file = self
                .archive
                .by_index(i)
                .map_err(|e| ReadError::Zip(e.to_string()))?;
            if file.encrypted() {
                return Err(ReadError::Encrypted);
            }
            let name = file.name().map(|n| n.into_owned()).unwrap_or_default();
            let cap = self
                .limits
                .max_entry_inflated
                .min(self.limits.max_total_inflated.saturating_sub(self.inflated));
            let declared = file.size();
            if declared > cap {
                return Err(limit_error(&name, declared, &self.limits));
            }
            let mut counter = TagCounter::default();
            let n = std::io::copy(&mut (&mut file).take(cap + 1), &mut counter)
                .map_err(|e| inflate_error(&name, declared, e))?;
            if n > cap {
                return Err(limit_error(&name, n, &self.limits));
            }
            self.inflated += n;
            if is_xml_part(&name) {
                check_elements(&self.limits, &name, counter.count)?;
            }
        }
        Ok(())
    }

    /// The content type of a part, from its override or its extension's default.
    pub fn content_type(&self, part: &str) -> Option<&str> {
        let key = format!("/{}", part.trim_start_matches('/')).to_lowercase();
        if let Some(t) = self.content_types.overrides.get(&key) {
            return Some(t);
        }
        let ext = part.rsplit('.').next()?.to_lowercase();
        self.content_types.defaults.get(&ext).map(String::as_str)
    }

    /// Relationships of `part` (use `""` for the package's own `_rels/.rels`).
    pub fn relationships(&mut self, part: &str) -> Result<Vec<Relationship>, ReadError> {
        let (dir, file) = match part.rfind('/') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => ("", part),
        };
        let rels_name = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let Some(xml) = self.read_part_opt(&rels_name)? else {
            return Ok(Vec::new());
        };
        Ok(parse_relationships(&xml, dir))
    }

    /// The main part of the package: the target of the `officeDocument` relationship.
    pub fn main_part(&mut self) -> Result<Option<String>, ReadError> {
        Ok(self
            .relationships("")?
            .into_iter()
            .find(|r| r.kind == "officeDocument" && !r.external)
            .map(|r| r.target))
    }
}

/// Deflated parts of up to this many compressed bytes are held whole while they inflate
/// ([`Package::inflate_deflated`]); larger ones stream through the zip reader.
const SMALL_PART: u64 = 4 << 20;

/// The bytes a part is inflated by at a time.
const CHUNK: usize = 64 << 10;

fn limit_error(part: &str, size: u64, limits: &Limits) -> ReadError {
    ReadError::Limit(format!(
        "zip entry {part} declares or inflates to {size} bytes, over the limit (per entry {}, \
         per file {}; --max-entry-mb and --max-inflated-mb raise them) — possibly a zip bomb",
        limits.max_entry_inflated, limits.max_total_inflated
    ))
}

/// An error while inflating an entry. The zip reader stops at the declared uncompressed size;
/// an entry that inflates past it is a lie in the headers, the shape of a zip bomb.
fn inflate_error(part: &str, declared: u64, e: std::io::Error) -> ReadError {
    if e.to_string().contains("larger than its declared") {
        ReadError::Limit(format!(
            "zip entry {part} inflates to more than its declared size of {declared} bytes \
             — possibly a zip bomb"
        ))
    } else {
        ReadError::Zip(format!("{part}: {e}"))
    }
}

fn check_elements(limits: &Limits, name: &str, count: usize) -> Result<(), ReadError> {
    if count > limits.max_xml_elements {
        return Err(elements_error(limits, name));
    }
    Ok(())
}

fn elements_error(limits: &Limits, name: &str) -> ReadError {
    ReadError::Limit(format!(
        "XML part {name} has more than {} elements (--max-xml-elements raises the limit) \
         — possibly an XML bomb",
        limits.max_xml_elements
    ))
}

/// Parts parsed as XML (their elements are counted).
fn is_xml_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml")
}

/// The elements of an XML part counted as it inflates, so an XML bomb is refused when it
/// crosses the limit, not after all of it has been held in memory.
struct ElementsGrowing {
    counter: Option<TagCounter>,
    /// Bytes of the part the counter has seen. A tag takes two bytes at least, so a part no
    /// longer than the limit in bytes cannot hold more elements than it: the count starts (from
    /// the part's first byte) once the part is that long, and errs at the same chunk.
    counted: usize,
}

impl ElementsGrowing {
    fn new(name: &str) -> Self {
        ElementsGrowing {
            counter: is_xml_part(name).then(TagCounter::default),
            counted: 0,
        }
    }

    /// The part has grown to `data`.
    fn grew(&mut self, data: &[u8], limits: &Limits, name: &str) -> Result<(), ReadError> {
        if let Some(counter) = self.counter.as_mut() {
            if data.len() > limits.max_xml_elements {
                counter.feed(&data[self.counted..]);
                self.counted = data.len();
                if counter.count > limits.max_xml_elements {
                    return Err(elements_error(limits, name));
                }
            }
        }
        Ok(())
    }
}

/// Counts start tags (`<` followed by a name character) in a byte stream fed in chunks: an
/// upper bound on the elements of the part, found without parsing it.
#[derive(Default)]
pub(crate) struct TagCounter {
    pub count: usize,
    after_lt: bool,
}

impl TagCounter {
    pub fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let starts = |b: u8| b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80;
        if self.after_lt && bytes.first().copied().is_some_and(starts) {
            self.count += 1;
        }
        for i in memchr::memchr_iter(b'<', bytes) {
            if bytes.get(i + 1).copied().is_some_and(starts) {
                self.count += 1;
            }
        }
        self.after_lt = bytes.last() == Some(&b'<');
    }
}

impl std::io::Write for TagCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.feed(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Local name of a (possibly prefixed) XML name: matching by local name keeps Strict OOXML working.
pub fn local_name(name: &str) -> &str {
    match name.bytes().rposition(|b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// Value of the attribute with local name `key`, unescaped.
pub fn attr(e: &quick_xml::events::BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (local_name(a.key.as_ref()) == key).then(|| unescaped_value(&a)))
}

/// An attribute's value with its references resolved (as written when they do not resolve).
pub(crate) fn unescaped_value(a: &quick_xml::events::attributes::Attribute) -> String {
    quick_xml::escape::unescape(&a.value)
        .map(|v| v.into_owned())
        .unwrap_or_else(|_| a.value.clone().into_owned())
}

fn parse_content_types(xml: &[u8]) -> ContentTypes {
    let mut ct = ContentTypes::default();
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match local_name(e.name().as_ref()) {
                "Default" => {
                    if let (Some(ext), Some(t)) = (attr(&e, "Extension"), attr(&e, "ContentType")) {
                        ct.defaults.insert(ext.to_lowercase(), t);
                    }
                }
                "Override" => {
                    if let (Some(p), Some(t)) = (attr(&e, "PartName"), attr(&e, "ContentType")) {
                        ct.overrides.insert(p.to_lowercase(), t);
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    ct
}

fn parse_relationships(xml: &[u8], base_dir: &str) -> Vec<Relationship> {
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if local_name(e.name().as_ref()) == "Relationship" =>
            {
                let id = attr(&e, "Id").unwrap_or_default();
                let kind = attr(&e, "Type")
                    .map(|t| t.rsplit('/').next().unwrap_or_default().to_string())
                    .unwrap_or_default();
                let target = attr(&e, "Target").unwrap_or_default();
                let external = attr(&e, "TargetMode").is_some_and(|m| m == "External");
                let target = if external {
                    target
                } else {
                    resolve_target(base_dir, &target)
                };
                out.push(Relationship {
                    id,
                    kind,
                    target,
                    external,
                });
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// Resolves a relative target against the source part's folder; `..` never climbs above the root.
pub fn resolve_target(base_dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base_dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A part inflated by our decompressor reads, and fails, as the zip reader's stream does:
    /// the zip is broken all along its compressed data, in its checksum and declared sizes.
    #[test]
    fn a_part_inflated_at_once_reads_as_the_zip_readers_stream() {
        use std::io::Write;
        // Several 64 KB chunks of output from several 8 KB windows of input.
        let xml: String = (0..4000)
            .map(|i| {
                format!(
                    "<w:p><w:r><w:t>第{}段 {}</w:t></w:r></w:p>",
                    i,
                    i * 7919 % 10007
                )
            })
            .collect();
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", deflated).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
        let good = zip.finish().unwrap().into_inner();
        let read = |bytes: &[u8], at_once: bool, limits: &Limits| {
            let mut pkg = match Package::open(bytes, limits) {
                Ok(p) => p,
                Err(e) => return format!("open: {e}"),
            };
            pkg.inflate_at_once = at_once;
            match pkg.read_part_opt("word/document.xml") {
                Ok(Some(data)) => format!("{} bytes {:x}", data.len(), crc32fast::hash(&data)),
                Ok(None) => "none".to_string(),
                Err(e) => format!("error: {e}"),
            }
        };
        let limits = Limits::default();
        assert_eq!(
            read(&good, true, &limits),
            format!("{} bytes {:x}", xml.len(), crc32fast::hash(xml.as_bytes()))
        );
        let mut variants: Vec<Vec<u8>> = Vec::new();
        // Every byte of the local header's end and the compressed data, changed and removed.
        let data_start = 30 + "word/document.xml".len();
        let data_end = good.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        let near_ends = (data_start - 16..data_start + 64).chain(data_end - 64..data_end);
        for i in near_ends.chain((data_start..data_end).step_by(61)) {
            for change in [0x01u8, 0x80, 0xFF] {
                let mut v = good.clone();
                v[i] ^= change;
                variants.push(v);
            }
        }
        // Declared sizes and checksums in the central directory, off by a little and a lot.
        let central = data_end;
        for (field, len) in [(16usize, 4usize), (20, 4), (24, 4)] {
            for delta in [1u32, 100, 5000, 1 << 20] {
                for sign in [false, true] {
                    let mut v = good.clone();
                    let at = central + field;
                    let old = u32::from_le_bytes(v[at..at + len].try_into().unwrap());
                    let new = if sign {
                        old.wrapping_sub(delta)
                    } else {
                        old.wrapping_add(delta)
                    };
                    v[at..at + len].copy_from_slice(&new.to_le_bytes());
                    variants.push(v);
                }
            }
        }
        let few_elements = Limits {
            max_xml_elements: 100,
            ..Limits::default()
        };
        let mut errors = 0;
        for v in &variants {
            for limits in [&limits, &few_elements] {
                let streamed = read(v, false, limits);
                assert_eq!(read(v, true, limits), streamed);
                errors += usize::from(streamed.starts_with("error"));
            }
        }
        assert!(
            good.len() > 2 * (8 << 10) && xml.len() > 2 * CHUNK,
            "{} bytes compressed",
            good.len()
        );
        assert!(
            errors > 100,
            "only {errors} of {} variants failed",
            variants.len()
        );
    }

    #[test]
    fn start_tags_are_counted_across_chunks() {
        let xml = b"<?xml version=\"1.0\"?><a><b/><!-- <c --></a><d>1 < 2</d>";
        let mut whole = TagCounter::default();
        whole.feed(xml);
        assert_eq!(whole.count, 4); // a, b, c in the comment (an upper bound), d
        for split in 0..xml.len() {
            let mut parts = TagCounter::default();
            parts.feed(&xml[..split]);
            parts.feed(&xml[split..]);
            assert_eq!(parts.count, whole.count, "split at {split}");
        }
    }

    #[test]
    fn targets_resolve_relative_to_the_source_part() {
        assert_eq!(
            resolve_target("word", "media/image1.png"),
            "word/media/image1.png"
        );
        assert_eq!(
            resolve_target("word", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(
            resolve_target("word", "/word/document.xml"),
            "word/document.xml"
        );
        assert_eq!(resolve_target("", "../../../etc/passwd"), "etc/passwd");
    }
}
