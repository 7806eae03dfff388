//! The limits, checked before hayro decodes anything: a PDF's streams are inflated once here
//! into a counter (nothing kept) so that a deflate bomb is refused at the cap instead of
//! filling memory inside the interpreter, and each page's operators are counted.

use std::io::Read;

use hayro_interpret::hayro_syntax::object::{Object, Stream};
use hayro_interpret::hayro_syntax::page::Page;
use hayro_interpret::hayro_syntax::{Filter, Pdf};

use crate::read::{Limits, ReadError};

/// Deflate cannot expand data more than 1032 times (a 258-byte match in under 2 bits).
const DEFLATE_MAX_RATIO: u64 = 1032;

/// Inflates every Flate stream into a counter: none may exceed `max_entry_inflated`, all
/// together not `max_total_inflated`. When the streams are too short to reach the caps even at
/// deflate's largest ratio, nothing is inflated: an ordinary report costs nothing here.
pub fn inflated_streams(pdf: &Pdf, limits: &Limits) -> Result<(), ReadError> {
    let flate = || {
        pdf.objects().into_iter().filter_map(|o| match o {
            Object::Stream(s) if s.filters().first() == Some(&Filter::FlateDecode) => Some(s),
            _ => None,
        })
    };
    let (mut largest, mut sum) = (0u64, 0u64);
    for s in flate() {
        let bound = (s.raw_data().len() as u64).saturating_mul(DEFLATE_MAX_RATIO);
        largest = largest.max(bound);
        sum = sum.saturating_add(bound);
    }
    if largest <= limits.max_entry_inflated && sum <= limits.max_total_inflated {
        return Ok(());
    }
    let mut total: u64 = 0;
    for stream in flate() {
        let n = inflated_size(&stream, limits.max_entry_inflated)?;
        total = total.saturating_add(n);
        if total > limits.max_total_inflated {
            return Err(ReadError::Limit(format!(
                "PDF streams inflate to over {} MiB in all (--max-inflated-mb)",
                limits.max_total_inflated >> 20
            )));
        }
    }
    Ok(())
}

/// The inflated size of a stream whose first filter is Flate (other filters do not amplify
/// much, and images are checked by their pixel count).
fn inflated_size(stream: &Stream<'_>, cap: u64) -> Result<u64, ReadError> {
    let raw = stream.raw_data();
    let mut z = flate2::read::ZlibDecoder::new(raw.as_ref()).take(cap + 1);
    // A corrupt stream counts for what inflated before the error; hayro reports it later.
    let n = std::io::copy(&mut z, &mut std::io::sink()).unwrap_or(0);
    if n > cap {
        let id = stream.obj_id();
        return Err(ReadError::Limit(format!(
            "PDF stream {id:?} inflates to over {} MiB (--max-entry-mb)",
            cap >> 20
        )));
    }
    Ok(n)
}

/// Counts the operators of a page's content stream.
pub fn operators(page: &Page<'_>, number: u32, limits: &Limits) -> Result<(), ReadError> {
    let mut ops = page.operations();
    let mut count = 0usize;
    while count <= limits.max_pdf_operators && ops.next().is_some() {
        count += 1;
    }
    if count > limits.max_pdf_operators {
        return Err(ReadError::Limit(format!(
            "page {number} has over {} operators in its content stream (--max-pdf-operators)",
            limits.max_pdf_operators
        )));
    }
    Ok(())
}
