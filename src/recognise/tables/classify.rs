//! Which standard table a grid is (表二, 表三 or 表四), decided from its own labels — never from
//! the year — or, for one block of 表四 printed as a table of its own, from its caption.

use super::labels::T3_WORDS;
use super::Kind;
use crate::model::TableGrid;
use crate::recognise::text::normalise_label;

/// Decides which standard table a grid is, from its own labels.
pub fn classify(g: &TableGrid) -> Option<Kind> {
    kind_of_labels(&labels_of(g))
}

/// Every cell's normalised text, one after the other.
pub(super) fn labels_of(g: &TableGrid) -> String {
    g.cells.iter().map(|c| normalise_label(&c.text)).collect()
}

/// [`classify`] on a grid's [`labels_of`], for a caller that has normalised its cells already.
pub(super) fn kind_of_labels(all: &str) -> Option<Kind> {
    let t3 = T3_WORDS.iter().filter(|w| all.contains(*w)).count();
    if t3 >= 3 {
        return Some(Kind::T3);
    }
    // 表四, whole or one of its three blocks printed as a table of its own
    if (all.contains("复议") || all.contains("诉讼") || all.contains("起诉")) && t4_results(all)
    {
        return Some(Kind::T4);
    }
    const T2_WORDS: [&str; 12] = [
        "规章",
        "规范性文件",
        "行政许可",
        "行政处罚",
        "行政强制",
        "行政事业性收费",
        "制发",
        "废止",
        "现行有效",
        "处理决定",
        "集中采购",
        "对外管理服务",
    ];
    let t2 = T2_WORDS.iter().filter(|w| all.contains(*w)).count();
    if all.contains("第二十条") || t2 >= 2 {
        return Some(Kind::T2);
    }
    None
}

/// Whether a text holds 表四's result columns (结果维持, 结果纠正, 尚未审结).
pub(super) fn t4_results(all: &str) -> bool {
    all.contains("维持") || all.contains("纠正") || all.contains("审结")
}

/// A table of 表四's result columns whose block is named only by its caption (`all`: the
/// table's [`labels_of`]).
pub(super) fn t4_by_caption(all: &str, caption: Option<&str>) -> Option<Kind> {
    let caption = normalise_label(caption?);
    let named = caption.contains("复议") || caption.contains("诉讼") || caption.contains("起诉");
    (named && t4_results(all)).then_some(Kind::T4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognise::testutil::{simple_grid, t2_word, t3_word, t4_grid};

    #[test]
    fn classification() {
        assert_eq!(classify(&t3_word()), Some(Kind::T3));
        assert_eq!(classify(&t4_grid(["0"; 15])), Some(Kind::T4));
        assert_eq!(classify(&t2_word(false)), Some(Kind::T2));
        assert_eq!(
            classify(&simple_grid(&[&["项目", "金额"], &["收入", "5"]])),
            None
        );
    }
}
