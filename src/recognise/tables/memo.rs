//! Per-thread memos of the label classifiers. Reports in the national format print the same
//! row and column labels, so a batch asks `t3_row`, `t3_col` and `t2_col` the same questions
//! report after report; each is a pure function of its label text (and of the group carried
//! into a row), and its answer is kept. Each worker thread keeps its own memo (no locks); a memo
//! is emptied when it holds [`MAX_ENTRIES`], so a batch of odd reports cannot grow it unbounded.

use rustc_hash::FxHashMap;

/// Answers kept per memo and thread before it is emptied.
const MAX_ENTRIES: usize = 4096;

/// Answers by the group carried in (`None` where there is none) and the label text.
pub(super) struct LabelMemo<V> {
    by_group: FxHashMap<Option<&'static str>, FxHashMap<Box<str>, V>>,
    len: usize,
}

impl<V> Default for LabelMemo<V> {
    fn default() -> Self {
        LabelMemo {
            by_group: FxHashMap::default(),
            len: 0,
        }
    }
}

impl<V> LabelMemo<V> {
    /// The answer for (`group`, `label`), computed by `answer` the first time it is asked.
    pub(super) fn get_or_insert_with(
        &mut self,
        group: Option<&'static str>,
        label: &str,
        answer: impl FnOnce() -> V,
    ) -> &V {
        let known = self
            .by_group
            .get(&group)
            .is_some_and(|m| m.contains_key(label));
        if !known {
            if self.len >= MAX_ENTRIES {
                self.by_group.clear();
                self.len = 0;
            }
            let value = answer();
            self.by_group
                .entry(group)
                .or_default()
                .insert(label.into(), value);
            self.len += 1;
        }
        &self.by_group[&group][label]
    }
}

/// Label cells as one key: joined by a control character no label holds.
pub(super) fn joined(labels: &[&str]) -> String {
    let mut key = String::with_capacity(labels.iter().map(|l| l.len() + 1).sum());
    for l in labels {
        key.push_str(l);
        key.push('\u{1f}');
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_computed_once_per_group_and_label() {
        let mut memo = LabelMemo::default();
        let mut calls = 0;
        let mut ask = |memo: &mut LabelMemo<usize>, group, label: &str| {
            *memo.get_or_insert_with(group, label, || {
                calls += 1;
                label.len()
            })
        };
        assert_eq!(ask(&mut memo, None, "自然人"), 9);
        assert_eq!(ask(&mut memo, None, "自然人"), 9);
        assert_eq!(ask(&mut memo, Some("denied"), "自然人"), 9);
        assert_eq!(calls, 2);
        assert_ne!(joined(&["a", "bc"]), joined(&["ab", "c"]));
    }

    #[test]
    fn a_full_memo_starts_again() {
        let mut memo = LabelMemo::default();
        for i in 0..MAX_ENTRIES + 10 {
            let label = i.to_string();
            assert_eq!(*memo.get_or_insert_with(None, &label, || i), i);
        }
        assert!(memo.len <= MAX_ENTRIES);
        assert_eq!(*memo.get_or_insert_with(None, "7", || 0), 0, "emptied");
    }
}
