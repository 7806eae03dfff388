//! The metric catalogue — the contract between the recogniser, the checks and the CSV writers.
//!
//! 2021 format (国办公开办函〔2021〕30号): 10 + 175 + 15 = 200 figures.
//! 2019 trial format (国办公开办函〔2019〕60号): 22 + 161 + 15 = 198 figures.
//! Ids are `t{table}.{row}.{col}`; the order of the catalogue is the printed order of the tables.

/// A stable id of one standard figure, e.g. `t3.new.natural_person`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MetricId(pub String);

impl std::fmt::Display for MetricId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl MetricId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One entry of the catalogue: the id with the printed Chinese row and column labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricInfo {
    pub id: MetricId,
    /// 2, 3 or 4 (表二, 表三, 表四).
    pub table: u8,
    /// The row as printed (for 表三 the group and the item, e.g. `（三）不予公开 1.属于国家秘密`).
    pub row_label: String,
    /// The column as printed (e.g. `法人或其他组织 商业企业`).
    pub col_label: String,
}

/// 表三 rows of the 2021 format, in printed order: (key, label).
pub const T3_ROWS_2021: [(&str, &str); 25] = [
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果 （一）予以公开"),
    (
        "partial",
        "三、本年度办理结果 （二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ),
    ("denied.state_secret", "（三）不予公开 1.属于国家秘密"),
    (
        "denied.law_prohibited",
        "（三）不予公开 2.其他法律行政法规禁止公开",
    ),
    ("denied.three_safety", "（三）不予公开 3.危及“三安全一稳定”"),
    ("denied.third_party", "（三）不予公开 4.保护第三方合法权益"),
    (
        "denied.internal_affairs",
        "（三）不予公开 5.属于三类内部事务信息",
    ),
    ("denied.process_info", "（三）不予公开 6.属于四类过程性信息"),
    (
        "denied.enforcement_file",
        "（三）不予公开 7.属于行政执法案卷",
    ),
    ("denied.query_matter", "（三）不予公开 8.属于行政查询事项"),
    (
        "unavailable.not_held",
        "（四）无法提供 1.本机关不掌握相关政府信息",
    ),
    (
        "unavailable.needs_creation",
        "（四）无法提供 2.没有现成信息需要另行制作",
    ),
    (
        "unavailable.unclear",
        "（四）无法提供 3.补正后申请内容仍不明确",
    ),
    (
        "unprocessed.petition",
        "（五）不予处理 1.信访举报投诉类申请",
    ),
    ("unprocessed.repeat", "（五）不予处理 2.重复申请"),
    (
        "unprocessed.publication",
        "（五）不予处理 3.要求提供公开出版物",
    ),
    (
        "unprocessed.excessive",
        "（五）不予处理 4.无正当理由大量反复申请",
    ),
    (
        "unprocessed.confirm_existing",
        "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    ),
    (
        "other.no_correction",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "other.unpaid_fee",
        "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("other.other", "（六）其他处理 3.其他"),
    ("total", "（七）总计"),
    ("carried_out", "四、结转下年度继续办理"),
];

/// 表三 columns (both formats): (key, label).
pub const T3_COLS: [(&str, &str); 7] = [
    ("natural_person", "自然人"),
    ("business", "法人或其他组织 商业企业"),
    ("research", "法人或其他组织 科研机构"),
    ("nonprofit", "法人或其他组织 社会公益组织"),
    ("legal_service", "法人或其他组织 法律服务机构"),
    ("other_org", "法人或其他组织 其他"),
    ("total", "总计"),
];

/// 表四 blocks: (key, label).
pub const T4_BLOCKS: [(&str, &str); 3] = [
    ("review", "行政复议"),
    ("suit_direct", "行政诉讼 未经复议直接起诉"),
    ("suit_after_review", "行政诉讼 复议后起诉"),
];

/// 表四 columns of each block: (key, label).
pub const T4_COLS: [(&str, &str); 5] = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
];

/// 表二 of the 2021 format: (id, row label, column label).
pub const T2_2021: [(&str, &str, &str); 10] = [
    (
        "t2.regulations.issued",
        "第二十条第（一）项 规章",
        "本年制发件数",
    ),
    (
        "t2.regulations.repealed",
        "第二十条第（一）项 规章",
        "本年废止件数",
    ),
    (
        "t2.regulations.in_force",
        "第二十条第（一）项 规章",
        "现行有效件数",
    ),
    (
        "t2.normative_docs.issued",
        "第二十条第（一）项 行政规范性文件",
        "本年制发件数",
    ),
    (
        "t2.normative_docs.repealed",
        "第二十条第（一）项 行政规范性文件",
        "本年废止件数",
    ),
    (
        "t2.normative_docs.in_force",
        "第二十条第（一）项 行政规范性文件",
        "现行有效件数",
    ),
    (
        "t2.licensing.decisions",
        "第二十条第（五）项 行政许可",
        "本年处理决定数量",
    ),
    (
        "t2.penalty.decisions",
        "第二十条第（六）项 行政处罚",
        "本年处理决定数量",
    ),
    (
        "t2.coercion.decisions",
        "第二十条第（六）项 行政强制",
        "本年处理决定数量",
    ),
    (
        "t2.fees.amount_wan",
        "第二十条第（八）项 行政事业性收费",
        "本年收费金额（单位：万元）",
    ),
];

/// 表二 of the 2019 trial format: (id, row label, column label).
pub const T2_2019: [(&str, &str, &str); 22] = [
    (
        "t2.regulations.made_new",
        "第二十条第（一）项 规章",
        "本年新制作数量",
    ),
    (
        "t2.regulations.published_new",
        "第二十条第（一）项 规章",
        "本年新公开数量",
    ),
    (
        "t2.regulations.total_public",
        "第二十条第（一）项 规章",
        "对外公开总数量",
    ),
    (
        "t2.normative_docs.made_new",
        "第二十条第（一）项 规范性文件",
        "本年新制作数量",
    ),
    (
        "t2.normative_docs.published_new",
        "第二十条第（一）项 规范性文件",
        "本年新公开数量",
    ),
    (
        "t2.normative_docs.total_public",
        "第二十条第（一）项 规范性文件",
        "对外公开总数量",
    ),
    (
        "t2.licensing.prev_items",
        "第二十条第（五）项 行政许可",
        "上一年项目数量",
    ),
    (
        "t2.licensing.change",
        "第二十条第（五）项 行政许可",
        "本年增/减",
    ),
    (
        "t2.licensing.decisions",
        "第二十条第（五）项 行政许可",
        "处理决定数量",
    ),
    (
        "t2.other_services.prev_items",
        "第二十条第（五）项 其他对外管理服务事项",
        "上一年项目数量",
    ),
    (
        "t2.other_services.change",
        "第二十条第（五）项 其他对外管理服务事项",
        "本年增/减",
    ),
    (
        "t2.other_services.decisions",
        "第二十条第（五）项 其他对外管理服务事项",
        "处理决定数量",
    ),
    (
        "t2.penalty.prev_items",
        "第二十条第（六）项 行政处罚",
        "上一年项目数量",
    ),
    (
        "t2.penalty.change",
        "第二十条第（六）项 行政处罚",
        "本年增/减",
    ),
    (
        "t2.penalty.decisions",
        "第二十条第（六）项 行政处罚",
        "处理决定数量",
    ),
    (
        "t2.coercion.prev_items",
        "第二十条第（六）项 行政强制",
        "上一年项目数量",
    ),
    (
        "t2.coercion.change",
        "第二十条第（六）项 行政强制",
        "本年增/减",
    ),
    (
        "t2.coercion.decisions",
        "第二十条第（六）项 行政强制",
        "处理决定数量",
    ),
    (
        "t2.fees.prev_items",
        "第二十条第（八）项 行政事业性收费",
        "上一年项目数量",
    ),
    (
        "t2.fees.change",
        "第二十条第（八）项 行政事业性收费",
        "本年增/减",
    ),
    (
        "t2.procurement.items",
        "第二十条第（九）项 政府集中采购",
        "采购项目数量",
    ),
    (
        "t2.procurement.amount_wan",
        "第二十条第（九）项 政府集中采购",
        "采购总金额（万元）",
    ),
];

fn push_t3_t4(out: &mut Vec<MetricInfo>, rows: &[(&str, &str)]) {
    // 表三's rows (these) by its columns, then 表四's blocks by its columns.
    type Labels<'a> = &'a [(&'a str, &'a str)];
    let tables: [(u8, Labels, Labels); 2] = [(3, rows, &T3_COLS), (4, &T4_BLOCKS, &T4_COLS)];
    for (table, rows, cols) in tables {
        for (row, row_label) in rows {
            for (col, col_label) in cols {
                out.push(MetricInfo {
                    id: MetricId(format!("t{table}.{row}.{col}")),
                    table,
                    row_label: row_label.to_string(),
                    col_label: col_label.to_string(),
                });
            }
        }
    }
}

fn push_t2(out: &mut Vec<MetricInfo>, t2: &[(&str, &str, &str)]) {
    for (id, row, col) in t2 {
        out.push(MetricInfo {
            id: MetricId(id.to_string()),
            table: 2,
            row_label: row.to_string(),
            col_label: col.to_string(),
        });
    }
}

/// All 200 figures of the 2021 format, in printed order.
pub fn catalogue_2021() -> Vec<MetricInfo> {
    let mut out = Vec::with_capacity(200);
    push_t2(&mut out, &T2_2021);
    push_t3_t4(&mut out, &T3_ROWS_2021);
    out
}

/// 表三 rows of the 2019 trial format: the 2021 rows with （六）其他处理 as one row.
pub fn t3_rows_2019() -> Vec<(&'static str, &'static str)> {
    let mut rows: Vec<(&str, &str)> = Vec::with_capacity(23);
    for r in T3_ROWS_2021 {
        if r.0.starts_with("other.") {
            if r.0 == "other.no_correction" {
                rows.push(("other", "（六）其他处理"));
            }
        } else {
            rows.push(r);
        }
    }
    rows
}

/// All 198 figures of the 2019 trial format, in printed order.
pub fn catalogue_2019() -> Vec<MetricInfo> {
    let mut out = Vec::with_capacity(198);
    push_t2(&mut out, &T2_2019);
    push_t3_t4(&mut out, &t3_rows_2019());
    out
}

/// Ids of both catalogues, 2021 first, then the 2019-only ids — the order figures are reported in.
pub fn all_ids_ordered() -> Vec<MetricId> {
    ids_ordered().to_vec()
}

/// [`all_ids_ordered`] built once: both catalogues are hundreds of allocated entries, too many
/// to rebuild for every file read.
pub fn ids_ordered() -> &'static [MetricId] {
    use std::sync::LazyLock;
    static IDS: LazyLock<Vec<MetricId>> = LazyLock::new(|| {
        let mut seen = std::collections::HashSet::new();
        catalogue_2021()
            .into_iter()
            .chain(catalogue_2019())
            .filter_map(|m| seen.insert(m.id.clone()).then_some(m.id))
            .collect()
    });
    &IDS
}

/// The catalogue's own copy of `id` (of either format): a map keyed by it holds no copy of the id.
pub fn catalogued(id: &str) -> Option<&'static str> {
    use std::sync::LazyLock;
    static IDS: LazyLock<rustc_hash::FxHashSet<&'static str>> =
        LazyLock::new(|| ids_ordered().iter().map(|m| m.0.as_str()).collect());
    IDS.get(id).copied()
}

/// Whether `id` is in the catalogue of the 2021 (`f2019 == false`) or 2019 format.
pub fn is_known(id: &str, f2019: bool) -> bool {
    use std::collections::HashSet;
    use std::sync::LazyLock;
    static IDS: LazyLock<[HashSet<String>; 2]> = LazyLock::new(|| {
        [
            catalogue_2021().into_iter().map(|m| m.id.0).collect(),
            catalogue_2019().into_iter().map(|m| m.id.0).collect(),
        ]
    });
    IDS[usize::from(f2019)].contains(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn sizes_and_uniqueness() {
        let c21 = catalogue_2021();
        assert_eq!(c21.len(), 200);
        assert_eq!(c21.iter().filter(|m| m.table == 2).count(), 10);
        assert_eq!(c21.iter().filter(|m| m.table == 3).count(), 175);
        assert_eq!(c21.iter().filter(|m| m.table == 4).count(), 15);
        assert_eq!(c21.iter().map(|m| &m.id).collect::<HashSet<_>>().len(), 200);
        let c19 = catalogue_2019();
        assert_eq!(c19.len(), 198);
        assert_eq!(c19.iter().filter(|m| m.table == 2).count(), 22);
        assert_eq!(c19.iter().filter(|m| m.table == 3).count(), 161);
        assert_eq!(c19.iter().map(|m| &m.id).collect::<HashSet<_>>().len(), 198);
        // shared: 表三 without （六）(154) + 表四 (15) + t2.licensing/penalty/coercion.decisions (3)
        assert_eq!(all_ids_ordered().len(), 200 + 198 - 154 - 15 - 3);
    }

    #[test]
    fn order_and_labels() {
        let c = catalogue_2021();
        assert_eq!(c[0].id.0, "t2.regulations.issued");
        assert_eq!(c[10].id.0, "t3.new.natural_person");
        assert_eq!(c[16].id.0, "t3.new.total");
        assert_eq!(c[184].id.0, "t3.carried_out.total");
        assert_eq!(c[185].id.0, "t4.review.upheld");
        assert_eq!(c[199].id.0, "t4.suit_after_review.total");
        assert_eq!(c[11].col_label, "法人或其他组织 商业企业");
        assert!(catalogue_2019().iter().any(|m| m.id.0 == "t3.other.total"));
        assert!(is_known("t2.fees.amount_wan", false));
        assert!(!is_known("t2.fees.amount_wan", true));
    }
}
