//! Text laid out as a browser lays it out: runs of spaces, tabs and line ends collapse to one
//! space, and a line end between two Chinese characters disappears (CSS Text's rule for wide
//! characters), so `<span>本报告</span>\n<span>中</span>` reads `本报告中`. Non-breaking spaces
//! are kept (then trimmed at line ends like any space, so a `&nbsp;`-only cell is blank).

use crate::read::is_east_asian_wide;

/// Lines being assembled.
#[derive(Default)]
pub struct Lines {
    done: Vec<String>,
    line: String,
    /// Collapsed whitespace waiting for the next character; `true` when it held a line end.
    pending: Option<bool>,
}

impl Lines {
    pub fn push(&mut self, text: &str) {
        for c in text.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C') {
                let line_end = matches!(c, '\n' | '\r');
                self.pending = Some(self.pending.unwrap_or(false) || line_end);
                continue;
            }
            if let Some(line_end) = self.pending.take() {
                match self.line.chars().next_back() {
                    None => {}
                    Some(prev) if line_end && is_east_asian_wide(prev) && is_east_asian_wide(c) => {
                    }
                    Some(_) => self.line.push(' '),
                }
            }
            self.line.push(c);
        }
    }

    /// Ends the current line (an empty one is dropped).
    pub fn break_line(&mut self) {
        self.pending = None;
        let line = self.line.trim();
        if !line.is_empty() {
            self.done.push(line.to_string());
        }
        self.line.clear();
    }

    /// Ends the current line and hands out the finished ones.
    pub fn take(&mut self) -> Vec<String> {
        self.break_line();
        std::mem::take(&mut self.done)
    }

    pub fn finish(mut self) -> Vec<String> {
        self.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_collapses_and_line_ends_between_chinese_vanish() {
        let mut l = Lines::default();
        l.push("  本报告\n   中所列 ");
        l.push("\n数据 2023\n年 ");
        l.break_line();
        l.push("\u{a0}\u{a0} ");
        l.break_line();
        l.push("a\nb");
        assert_eq!(l.finish(), ["本报告中所列数据 2023 年", "a b"]);
    }
}
