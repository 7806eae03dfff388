//! Why a table gave no standard figure, for `nianbao inspect`: which template it came closest to and
//! which labels it lacked. Only explains; the mapper's decisions are elsewhere.

use super::cells::View;
use super::classify::classify;
use super::labels::T3_WORDS;
use super::{Kind, MAX_SLOTS};
use crate::model::TableGrid;
use crate::recognise::text::normalise_label;

/// Why a table gave no standard figure: which template it came closest to and what it lacked.
/// For `nianbao inspect`; the mapper's own decisions are [`classify`] and [`map_tables`].
pub fn explain_unmatched(g: &TableGrid) -> String {
    if g.rows.saturating_mul(g.cols) > MAX_SLOTS {
        return format!(
            "{}×{} is too large to be a statistical table",
            g.rows, g.cols
        );
    }
    let all: String = g.cells.iter().map(|c| normalise_label(&c.text)).collect();
    let found = |words: &[&'static str]| -> Vec<&'static str> {
        words.iter().copied().filter(|w| all.contains(w)).collect()
    };
    let list = |v: &[&str]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join("/")
        }
    };
    match classify(g) {
        None => {
            let t3 = found(&T3_WORDS[..11]);
            let t4 = found(&["复议", "诉讼", "起诉", "维持", "纠正", "审结"]);
            let t2 = found(&[
                "第二十条",
                "规章",
                "规范性文件",
                "行政许可",
                "行政处罚",
                "行政强制",
                "制发",
                "废止",
                "现行有效",
                "处理决定",
            ]);
            if t3.is_empty() && t4.is_empty() && t2.is_empty() {
                return "no label of 表二, 表三 or 表四 in it".into();
            }
            format!(
                "no 表三 row labels (needs 3 of 本年新收/予以公开/不予公开/自然人…, found {}); \
                 no 表四 header (needs 复议 or 诉讼 with 维持/纠正/审结, found {}); \
                 no 表二 labels (needs 第二十条 or 2 of 规章/行政许可/制发/处理决定…, found {})",
                list(&t3),
                list(&t4),
                list(&t2)
            )
        }
        Some(Kind::T3) => {
            if !all.contains("自然人") {
                "表三 row labels, but a header without 自然人/法人或其他组织 (and no 表三 just \
                 before with the same columns to continue)"
                    .into()
            } else {
                "表三 header with 自然人, but no row below it is a 表三 row label \
                 (一、本年新收…, （一）予以公开, （七）总计…)"
                    .into()
            }
        }
        Some(Kind::T4) => {
            let v = View::new(g);
            let has_block = |c: usize| {
                let h = v.header(c, 0..g.rows);
                h.contains("复议") || h.contains("诉讼") || h.contains("起诉")
            };
            if !(0..g.cols).any(has_block) {
                "表四 result columns (维持/纠正/审结) without 行政复议/行政诉讼 in the header or \
                 a caption just above"
                    .into()
            } else {
                "表四 header, but no row of values below its last header row".into()
            }
        }
        Some(Kind::T2) => "表二 labels, but no 信息内容 header with 制发/废止/现行有效/处理决定/\
             收费金额 columns over a row labelled 规章/行政规范性文件/行政许可/行政处罚/行政强制/\
             行政事业性收费"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognise::testutil::{simple_grid, t3_word};

    #[test]
    fn explain_says_what_is_missing() {
        let e = explain_unmatched(&simple_grid(&[&["项目", "金额"], &["收入", "5"]]));
        assert_eq!(e, "no label of 表二, 表三 or 表四 in it");
        let e = explain_unmatched(&simple_grid(&[&["自然人", "金额"], &["规章", "5"]]));
        assert!(e.starts_with("no 表三 row labels"), "{e}");
        assert!(e.contains("found 自然人"), "{e}");
        let mut g = t3_word();
        g.cells.retain(|c| !c.text.contains("自然人"));
        assert!(explain_unmatched(&g).contains("without 自然人"));
        let g = simple_grid(&[&["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]]);
        assert_eq!(classify(&g), None);
        let g = simple_grid(&[
            &["行政复议", "", "", "", ""],
            &["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
        ]);
        assert!(explain_unmatched(&g).contains("no row of values"));
    }
}
