//! **write**: results → files. CSV is the exchange format.

pub mod csv_out;
pub mod db;
pub mod images;
pub mod load;
pub mod merge;
pub mod review;
pub mod rows;

pub use csv_out::{CsvFile, CsvOutput};
pub use db::Store;
pub use images::save_images;
pub use rows::{Rows, Table};

/// How an output file (a CSV file, a saved image) reaches its final name. Either way it is
/// written under a temporary name first, so a run that is interrupted — Ctrl-C, killed, out of
/// memory — never leaves a file that looks whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// Renamed into place once written; the system writes it to the disk when it will. A power
    /// cut in the seconds after a run can lose what was not written out yet. What rsync (without
    /// `--fsync`), `sort -o` and the CSV tools do: the run can simply be made again.
    #[default]
    Renamed,
    /// Flushed to the disk (`fsync`) before the rename (`extract --fsync`): on the disk when the
    /// run returns, at the cost of waiting for the disk (5 % of a 200-report batch on this
    /// project's machine, far more on a network disk).
    Synced,
}

/// A number as a person writes it: integers without a decimal point, decimals as short as exact.
pub fn format_number(v: f64) -> String {
    let mut out = String::new();
    write_number(&mut out, v);
    out
}

/// [`format_number`] appended to `out` (a buffer reused for every row: no allocation per row).
pub fn write_number(out: &mut String, v: f64) {
    use std::fmt::Write;
    if v.fract() == 0.0 && v.abs() < 1e15 {
        // Integer formatting: the float formatter's exact mode cost more than the rest of a
        // figure's row. -0.0 keeps its sign, as `{:.0}` prints it.
        if v == 0.0 && v.is_sign_negative() {
            out.push_str("-0");
            return;
        }
        out.push_str(itoa::Buffer::new().format(v as i64));
    } else {
        let _ = write!(out, "{v}");
    }
}

/// Makes a text field safe to open in Excel/WPS: a leading `=`, `+`, `-`, `@`, tab or CR would
/// start a formula, so such text gets a leading apostrophe (OWASP's advice for CSV injection).
pub fn excel_safe(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_people_write_them() {
        assert_eq!(format_number(784.0), "784");
        assert_eq!(format_number(-253.0), "-253");
        assert_eq!(format_number(103.3879), "103.3879");
        assert_eq!(format_number(0.0), "0");
    }

    #[test]
    fn formula_prefixes_are_neutralised() {
        assert_eq!(excel_safe("=1+2"), "'=1+2");
        assert_eq!(excel_safe("-253"), "'-253");
        assert_eq!(excel_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(excel_safe("0631-8985998"), "0631-8985998");
    }
}
