//! The three standard tables as the national template prints them — merged header cells,
//! grouped row labels — built from the metric catalogue, so the labels are the template's own
//! wording and every value slot is a metric id.

use crate::recognise::metrics::{
    catalogue_2019, catalogue_2021, t3_rows_2019, MetricInfo, T3_COLS, T3_ROWS_2021, T4_BLOCKS,
    T4_COLS,
};

/// One printed cell of a template table.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// A label (header or row label).
    Label {
        text: String,
        rowspan: u32,
        colspan: u32,
    },
    /// Where the value of one metric is printed.
    Value { metric: String, colspan: u32 },
}

fn label(text: &str, rowspan: u32, colspan: u32) -> Slot {
    Slot::Label {
        text: text.to_string(),
        rowspan,
        colspan,
    }
}

/// A template table: its number (2, 3, 4), its heading and its rows of slots.
#[derive(Debug, Clone)]
pub struct Template {
    pub number: u8,
    pub heading: &'static str,
    pub rows: Vec<Vec<Slot>>,
}

impl Template {
    #[cfg(test)]
    pub fn metrics(&self) -> impl Iterator<Item = &str> {
        self.rows.iter().flatten().filter_map(|s| match s {
            Slot::Value { metric, .. } => Some(metric.as_str()),
            Slot::Label { .. } => None,
        })
    }
}

/// `width` columns shared by `k` values: equal spans, the last taking what is left.
fn spans(width: u32, k: u32) -> Vec<u32> {
    let base = (width / k.max(1)).max(1);
    (0..k)
        .map(|i| {
            if i + 1 == k {
                width - base * (k - 1)
            } else {
                base
            }
        })
        .collect()
}

/// 表二 in blocks (第二十条第（一）项 …), each with its 信息内容 header row.
pub fn table2(f2019: bool) -> Template {
    let catalogue = if f2019 {
        catalogue_2019()
    } else {
        catalogue_2021()
    };
    // block → rows → (column label, metric), in printed order
    type Row = (String, Vec<(String, String)>);
    let mut blocks: Vec<(String, Vec<Row>)> = Vec::new();
    for m in catalogue.iter().filter(|m| m.table == 2) {
        let (block, row) = m
            .row_label
            .split_once(' ')
            .unwrap_or((m.row_label.as_str(), ""));
        if blocks.last().is_none_or(|b| b.0 != block) {
            blocks.push((block.to_string(), Vec::new()));
        }
        let rows = &mut blocks.last_mut().expect("pushed").1;
        if rows.last().is_none_or(|r| r.0 != row) {
            rows.push((row.to_string(), Vec::new()));
        }
        let cols = &mut rows.last_mut().expect("pushed").1;
        cols.push((m.col_label.clone(), m.id.0.clone()));
    }
    let width = blocks
        .iter()
        .flat_map(|b| b.1.iter().map(|r| r.1.len() as u32))
        .max()
        .unwrap_or(1);
    let mut rows = Vec::new();
    for (block, block_rows) in &blocks {
        rows.push(vec![label(block, 1, width + 1)]);
        let Some(first) = block_rows.first() else {
            continue;
        };
        let widths = spans(width, first.1.len() as u32);
        let mut header = vec![label("信息内容", 1, 1)];
        header.extend(
            first
                .1
                .iter()
                .zip(&widths)
                .map(|((col, _), &w)| label(col, 1, w)),
        );
        rows.push(header);
        for (row, cols) in block_rows {
            let mut r = vec![label(row, 1, 1)];
            r.extend(cols.iter().zip(&widths).map(|((_, id), &w)| Slot::Value {
                metric: id.clone(),
                colspan: w,
            }));
            rows.push(r);
        }
    }
    Template {
        number: 2,
        heading: "二、主动公开政府信息情况",
        rows,
    }
}

/// 表三: 申请人情况 over 自然人 / 法人或其他组织 (five kinds) / 总计; rows 一 to 四 with
/// 三、本年度办理结果 and its groups （三）（四）（五）（六） spanning their items.
pub fn table3(f2019: bool) -> Template {
    let rows_def: Vec<(&str, &str)> = if f2019 {
        t3_rows_2019()
    } else {
        T3_ROWS_2021.to_vec()
    };
    let mut rows = vec![
        vec![
            label("", 3, 3),
            label("申请人情况", 1, T3_COLS.len() as u32),
        ],
        vec![label(T3_COLS[0].1, 2, 1)],
        Vec::new(),
    ];
    let org_cols: Vec<&str> = T3_COLS[1..T3_COLS.len() - 1]
        .iter()
        .map(|(_, l)| l.split_once(' ').map_or(*l, |(_, sub)| sub))
        .collect();
    let org_group = T3_COLS[1].1.split_once(' ').map_or("", |(g, _)| g);
    rows[1].push(label(org_group, 1, org_cols.len() as u32));
    rows[1].push(label(T3_COLS[T3_COLS.len() - 1].1, 2, 1));
    rows[2].extend(org_cols.iter().map(|c| label(c, 1, 1)));

    const OUTCOMES: &str = "三、本年度办理结果";
    let is_outcome = |key: &str| !matches!(key, "new" | "carried_in" | "carried_out");
    let n_outcomes = rows_def.iter().filter(|(k, _)| is_outcome(k)).count() as u32;
    let group_of = |text: &str| -> Option<String> {
        let text = text.strip_prefix(OUTCOMES).unwrap_or(text).trim();
        text.split_once(' ').map(|(g, _)| g.to_string())
    };
    let mut first_outcome = true;
    let mut last_group: Option<String> = None;
    for (key, text) in &rows_def {
        let mut r = Vec::new();
        if !is_outcome(key) {
            r.push(label(text, 1, 3));
        } else {
            if first_outcome {
                r.push(label(OUTCOMES, n_outcomes, 1));
                first_outcome = false;
            }
            let rest = text.strip_prefix(OUTCOMES).unwrap_or(text).trim();
            match rest.split_once(' ') {
                Some((group, item)) => {
                    if last_group.as_deref() != Some(group) {
                        let n = rows_def
                            .iter()
                            .filter(|(_, t)| group_of(t).as_deref() == Some(group))
                            .count() as u32;
                        r.push(label(group, n, 1));
                        last_group = Some(group.to_string());
                    }
                    r.push(label(item, 1, 1));
                }
                None => {
                    r.push(label(rest, 1, 2));
                    last_group = None;
                }
            }
        }
        r.extend(T3_COLS.iter().map(|(col, _)| Slot::Value {
            metric: format!("t3.{key}.{col}"),
            colspan: 1,
        }));
        rows.push(r);
    }
    Template {
        number: 3,
        heading: "三、收到和处理政府信息公开申请情况",
        rows,
    }
}

/// 表四: 行政复议 and 行政诉讼 (未经复议直接起诉, 复议后起诉), five columns each, one row of values.
pub fn table4() -> Template {
    let n = T4_COLS.len() as u32;
    let mut top = Vec::new();
    let mut second = Vec::new();
    let mut last_group = "";
    for (_, block) in T4_BLOCKS {
        match block.split_once(' ') {
            None => top.push(label(block, 2, n)),
            Some((group, sub)) => {
                if group != last_group {
                    let k = T4_BLOCKS
                        .iter()
                        .filter(|(_, b)| b.starts_with(&format!("{group} ")))
                        .count() as u32;
                    top.push(label(group, 1, n * k));
                    last_group = group;
                }
                second.push(label(sub, 1, n));
            }
        }
    }
    let cols: Vec<Slot> = T4_BLOCKS
        .iter()
        .flat_map(|_| T4_COLS.iter().map(|(_, l)| label(l, 1, 1)))
        .collect();
    let values: Vec<Slot> = T4_BLOCKS
        .iter()
        .flat_map(|(block, _)| {
            T4_COLS.iter().map(move |(col, _)| Slot::Value {
                metric: format!("t4.{block}.{col}"),
                colspan: 1,
            })
        })
        .collect();
    Template {
        number: 4,
        heading: "四、政府信息公开行政复议、行政诉讼情况",
        rows: vec![top, second, cols, values],
    }
}

/// The Chinese row and column label of a metric id (either format), for titles and charts.
pub fn metric_label(id: &str) -> Option<String> {
    use std::collections::HashMap;
    use std::sync::LazyLock;
    static LABELS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
        catalogue_2021()
            .into_iter()
            .chain(catalogue_2019())
            .map(|m: MetricInfo| (m.id.0, format!("{} | {}", m.row_label, m.col_label)))
            .collect()
    });
    LABELS.get(id).cloned()
}

/// What a check verifies, in Chinese (ids of checks.csv and of `compare`'s cross-year checks).
pub fn check_label(id: &str) -> String {
    let col = |key: &str| {
        T3_COLS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(key.to_string(), |(_, l)| l.to_string())
    };
    match id {
        "t3.column_balance" => "表三 各列：一 + 二 = （七）总计 + 四".into(),
        "t3.column_total" => "表三 各列：（七）总计 = 各项办理结果之和".into(),
        "t3.row_total" => "表三 各行：总计 = 各类申请人之和".into(),
        "t4.block_total" => "表四 各栏：总计 = 维持 + 纠正 + 其他 + 尚未审结".into(),
        "values.valid" => "数值有效（非负整数、收费为非负数）".into(),
        "text.requests_received" => "正文与表三：本年新收申请数".into(),
        "text.requests_carried_out" => "正文与表三：结转下年度继续办理".into(),
        "text.review" => "正文与表四：行政复议".into(),
        "text.litigation" => "正文与表四：行政诉讼".into(),
        _ => {
            if let Some(c) = id.strip_prefix("carry_over.") {
                format!("上年结转 = 上一年度结转下年度继续办理（{}）", col(c))
            } else if let Some(k) = id.strip_prefix("in_force.") {
                let what = if k == "regulations" {
                    "规章"
                } else {
                    "行政规范性文件"
                };
                format!("{what}现行有效件数 = 上一年现行有效 + 本年制发 − 本年废止")
            } else {
                id.to_string()
            }
        }
    }
}

/// A section id's heading in the national outline.
pub fn section_label(id: &str) -> &str {
    match id {
        "preamble" => "前言",
        "overview" => "一、总体情况",
        "active_disclosure" => "二、主动公开政府信息情况",
        "requests" => "三、收到和处理政府信息公开申请情况",
        "review_litigation" => "四、政府信息公开行政复议、行政诉讼情况",
        "problems" => "五、存在的主要问题及改进情况",
        "other" => "六、其他需要报告的事项",
        "body" => "正文",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns covered by each row, counting the cells that rows above reach down into.
    fn widths(t: &Template) -> Vec<u32> {
        let mut carried: Vec<u32> = vec![0; t.rows.len() + 8];
        let mut out = Vec::new();
        for (i, row) in t.rows.iter().enumerate() {
            let mut w = carried[i];
            for s in row {
                let (rs, cs) = match s {
                    Slot::Label {
                        rowspan, colspan, ..
                    } => (*rowspan, *colspan),
                    Slot::Value { colspan, .. } => (1, *colspan),
                };
                w += cs;
                for below in 1..rs as usize {
                    carried[i + below] += cs;
                }
            }
            out.push(w);
        }
        out
    }

    #[test]
    fn every_catalogue_metric_has_one_slot_and_every_row_is_as_wide() {
        for (f2019, catalogue) in [(false, catalogue_2021()), (true, catalogue_2019())] {
            let tables = [table2(f2019), table3(f2019), table4()];
            let mut slots: Vec<&str> = tables.iter().flat_map(|t| t.metrics()).collect();
            let mut ids: Vec<&str> = catalogue.iter().map(|m| m.id.as_str()).collect();
            slots.sort();
            ids.sort();
            assert_eq!(slots, ids, "2019: {f2019}");
            for t in &tables {
                let w = widths(t);
                assert!(w.iter().all(|x| *x == w[0]), "表{}: {w:?}", t.number);
            }
        }
        // the template's shape: 表三 is 3 label + 7 value columns, 表四 15 values wide
        assert_eq!(widths(&table3(false))[0], 10);
        assert_eq!(widths(&table4())[0], 15);
        assert_eq!(widths(&table2(false))[0], 4);
    }

    #[test]
    fn labels_are_the_templates_wording() {
        let t3 = table3(false);
        let texts: Vec<&str> = t3
            .rows
            .iter()
            .flatten()
            .filter_map(|s| match s {
                Slot::Label { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        for want in [
            "申请人情况",
            "法人或其他组织",
            "商业企业",
            "三、本年度办理结果",
            "（三）不予公开",
            "1.属于国家秘密",
            "（七）总计",
            "四、结转下年度继续办理",
        ] {
            assert!(texts.contains(&want), "{want} in {texts:?}");
        }
        // （三）不予公开 spans its eight items
        assert!(t3.rows.iter().flatten().any(|s| matches!(s,
            Slot::Label { text, rowspan: 8, .. } if text == "（三）不予公开")));
        assert_eq!(
            metric_label("t3.total.total").as_deref(),
            Some("（七）总计 | 总计")
        );
    }
}
