//! 表四 (行政复议、行政诉讼): a header of up to three rows naming the block (复议, 未经复议直接起诉,
//! 复议后起诉) and the result column of each value, then one row of 15 figures.

use super::cells::{figure, metric_id, Found, View};
use super::join::Unit;
use crate::model::TableOrigin;
use crate::recognise::text::normalise_label;

/// The last header row of a 表四: the last row with one of its labels.
pub(super) fn t4_header_end(v: &View) -> Option<usize> {
    let is_kw = |t: &str| {
        [
            "复议", "诉讼", "起诉", "维持", "纠正", "其他", "审结", "总计", "合计",
        ]
        .iter()
        .any(|k| t.contains(k))
    };
    (0..v.g.rows)
        .rev()
        .find(|&r| (0..v.g.cols).any(|c| is_kw(v.text(r, c))))
}

/// Maps a 表四: a header of up to three rows, then one data row of 15 figures.
pub(super) fn map_t4(
    u: &Unit,
    v: &View,
    caption: Option<&str>,
    warnings: &mut Vec<String>,
) -> Vec<Found> {
    let g = u.grid.as_ref();
    // a block printed as its own table under a caption (行政诉讼（复议后起诉）) names its block there
    let caption = caption.map(normalise_label).unwrap_or_default();
    let Some(header_end) = t4_header_end(v) else {
        return Vec::new();
    };
    let data = header_end + 1;
    // a sheet does not store empty cells: a data row left empty is not there at all
    if data >= g.rows && !matches!(g.origin, TableOrigin::Sheet { .. }) {
        return Vec::new();
    }
    // (column, block, result column, header) for every column under a block
    let mut cols: Vec<(usize, &str, Option<&str>, String)> = Vec::new();
    for c in 0..g.cols {
        let mut h = v.header(c, 0..data);
        if !(h.contains("复议") || h.contains("诉讼") || h.contains("起诉")) {
            h = format!("{caption}{h}");
        }
        let block = if h.contains("复议后起诉") || (h.contains("复议后") && h.contains("起诉"))
        {
            "suit_after_review"
        } else if h.contains("未经复议") || h.contains("直接起诉") {
            "suit_direct"
        } else if h.contains("复议") {
            "review"
        } else {
            continue;
        };
        let col = if h.contains("维持") {
            Some("upheld")
        } else if h.contains("纠正") {
            Some("corrected")
        } else if h.contains("审结") {
            Some("pending")
        } else if h.contains("其他") {
            Some("other")
        } else if h.contains("总计") || h.contains("合计") || h.contains("小计") {
            Some("total")
        } else {
            None
        };
        cols.push((c, block, col, h));
    }
    by_position(&mut cols, warnings, &u.name());
    let mut out = Vec::new();
    for (c, block, col, _) in cols {
        let Some(col) = col else {
            continue;
        };
        if let Some(cell) = v.value_cell(data, c) {
            out.push(figure(u, &cell, metric_id("t4", block, col)));
        }
    }
    out
}

/// The result columns of each block, in the order the 2021 format prints them.
const RESULTS: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

/// A block of five columns whose headers read as the format's but one (a blurred scan:
/// `结果料正`): the unread one is the column the format puts there (with a reading note).
fn by_position(
    cols: &mut [(usize, &str, Option<&str>, String)],
    warnings: &mut Vec<String>,
    name: &str,
) {
    let mut start = 0;
    while start < cols.len() {
        let block = cols[start].1;
        let end = start + cols[start..].iter().take_while(|x| x.1 == block).count();
        let run = &mut cols[start..end];
        let agree = run
            .iter()
            .zip(RESULTS)
            .filter(|(x, r)| x.2 == Some(*r))
            .count();
        let unread = run.iter().filter(|x| x.2.is_none()).count();
        if run.len() == RESULTS.len() && agree == RESULTS.len() - 1 && unread == 1 {
            for (x, r) in run.iter_mut().zip(RESULTS) {
                if x.2.is_none() {
                    warnings.push(format!(
                        "{name}: fuzzy column header {:?} read as {block}.{r} by its position",
                        x.3
                    ));
                    x.2 = Some(r);
                }
            }
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Block, TableGrid, TableOrigin};
    use crate::recognise::metrics;
    use crate::recognise::tables::map_tables;
    use crate::recognise::tables::tests::{get, one_table};
    use crate::recognise::testutil::{doc, para, simple_grid, t4_grid};
    use crate::recognise::Semantic;

    #[test]
    fn t4_fifteen_figures() {
        let vals = [
            "1", "2", "3", "4", "10", "0", "0", "0", "1", "1", "", "/", "0", "0", "0",
        ];
        let (m, w) = one_table(t4_grid(vals));
        assert!(w.is_empty(), "{w:?}");
        let ids: Vec<String> = m.figures.iter().map(|f| f.metric.0.clone()).collect();
        let want: Vec<String> = metrics::catalogue_2021()
            .into_iter()
            .filter(|m| m.table == 4)
            .map(|m| m.id.0)
            .collect();
        assert_eq!(ids, want);
        assert_eq!(get(&m, "t4.review.total").value, Some(10.0));
        assert_eq!(get(&m, "t4.suit_direct.pending").value, Some(1.0));
        assert_eq!(
            get(&m, "t4.suit_after_review.upheld").semantic,
            Semantic::Blank
        );
        assert_eq!(
            get(&m, "t4.suit_after_review.corrected").semantic,
            Semantic::Na
        );
        assert_eq!(
            get(&m, "t4.suit_after_review.corrected").location,
            "T1 r4c12"
        );
    }

    /// A misread result header (`纠` read as `料` in a blurred scan) takes its column from its
    /// place among the block's five, with a reading note; two misread in a block are not guessed.
    #[test]
    fn t4_misread_result_header_takes_its_position() {
        let vals = [
            "1", "2", "3", "4", "10", "0", "0", "0", "1", "1", "", "/", "0", "0", "0",
        ];
        let mut g = t4_grid(vals);
        let first = g
            .cells
            .iter_mut()
            .find(|c| c.text == "结果纠正")
            .expect("a 纠正 header");
        first.text = "结果料正".into();
        let (m, w) = one_table(g.clone());
        assert_eq!(get(&m, "t4.review.corrected").value, Some(2.0));
        assert_eq!(m.figures.len(), 15);
        assert!(
            w.len() == 1 && w[0].contains("read as review.corrected by its position"),
            "{w:?}"
        );
        let other = g
            .cells
            .iter_mut()
            .find(|c| c.text == "其他结果")
            .expect("an 其他 header");
        other.text = "具他结果".into();
        let (m, _) = one_table(g);
        assert!(m
            .figures
            .iter()
            .all(|f| f.metric.0 != "t4.review.corrected"));
    }

    #[test]
    fn sheet_t4_with_an_empty_data_row_is_blank() {
        let mut g = t4_grid(["1"; 15]);
        g.cells.retain(|c| c.row < 3);
        let g = TableGrid::from_cells(
            g.cells,
            TableOrigin::Sheet {
                name: "表四".into(),
                hidden: false,
            },
        );
        let (m, _) = one_table(g.clone());
        assert_eq!(m.figures.len(), 15);
        assert!(m.figures.iter().all(|f| f.semantic == Semantic::Blank));
        assert_eq!(get(&m, "t4.review.upheld").location, "T1 r4c1");
        // a Word table without its data row gives nothing
        let mut g = g;
        g.origin = TableOrigin::Word;
        assert!(one_table(g).0.figures.is_empty());
    }

    #[test]
    fn t4_blocks_as_three_tables() {
        let results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
        let block = |title: Option<&str>, vals: [&str; 5]| {
            let mut rows: Vec<Vec<&str>> = Vec::new();
            if let Some(t) = title {
                rows.push(vec![t; 5]);
            }
            rows.push(results.to_vec());
            rows.push(vals.to_vec());
            let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
            simple_grid(&rows)
        };
        let d = doc(vec![
            para("行政复议"),
            Block::Table(block(None, ["1", "0", "0", "0", "1"])),
            Block::Table(block(
                Some("行政诉讼（未经复议直接起诉）"),
                ["0", "1", "0", "0", "1"],
            )),
            Block::Table(block(
                Some("行政诉讼（复议后起诉）"),
                ["0", "0", "0", "2", "2"],
            )),
        ]);
        let mut w = Vec::new();
        let m = map_tables(&d, &mut w);
        assert_eq!(m.figures.len(), 15, "{w:?}");
        assert_eq!(get(&m, "t4.review.total").location, "T1 r2c5");
        assert_eq!(get(&m, "t4.suit_direct.corrected").value, Some(1.0));
        assert_eq!(get(&m, "t4.suit_after_review.pending").value, Some(2.0));
        // without the caption the first block is no 表四
        let d = doc(vec![Block::Table(block(None, ["1", "0", "0", "0", "1"]))]);
        assert!(map_tables(&d, &mut w).figures.is_empty());
    }
}
