//! The label dictionaries: the row labels of 表二 and 表三 as the national templates print them, with
//! the keywords that identify each, and the matcher that reads a printed label against them
//! (exact, then keyword, then a bounded edit distance for typos).

use std::collections::HashMap;

use crate::recognise::text::{edit_distance, normalise_label};

/// Labels only 表三 prints; three of them make a table 表三. The first eleven are the ones
/// `explain_unmatched` reports.
pub(super) const T3_WORDS: [&str; 18] = [
    "本年新收",
    "上年结转",
    "予以公开",
    "部分公开",
    "不予公开",
    "无法提供",
    "不予处理",
    "其他处理",
    "结转下年",
    "自然人",
    "商业企业",
    "国家秘密",
    "第三方",
    "不掌握",
    "另行制作",
    "信访举报",
    "重复申请",
    "出版物",
];

/// A candidate label: key, canonical text, distinctive keywords.
pub(super) type Cand = (&'static str, &'static str, &'static [&'static str]);

/// `normalise_label` of a candidate's canonical text, computed once per thread: `match_label`
/// runs for every label cell against every candidate, and normalising the same constants again
/// each time was a tenth of the time spent mapping tables.
pub(super) fn normalised_canon(canon: &'static str) -> &'static str {
    use std::cell::RefCell;
    // Keyed by the constant's address, hashed by one multiplication: SipHash of the whole
    // string cost more than the lookup saved.
    #[derive(Default)]
    struct AddressHasher(u64);
    impl std::hash::Hasher for AddressHasher {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            }
        }
        fn write_usize(&mut self, n: usize) {
            self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    type ByAddress = HashMap<usize, &'static str, std::hash::BuildHasherDefault<AddressHasher>>;
    thread_local! {
        static CACHE: RefCell<ByAddress> = RefCell::new(ByAddress::default());
    }
    CACHE.with(|cache| {
        *cache
            .borrow_mut()
            .entry(canon.as_ptr() as usize ^ (canon.len() << 48))
            // The candidates are a fixed set of constants, so what is leaked is bounded.
            .or_insert_with(|| Box::leak(normalise_label(canon).into_boxed_str()))
    })
}

/// Matches a label (numbering already stripped) against candidates: exact, then keyword, then
/// bounded edit distance. Returns the key and whether the match was fuzzy.
pub(super) fn match_label(text: &str, cands: &[Cand]) -> Option<(&'static str, bool)> {
    if text.is_empty() {
        return None;
    }
    for (key, canon, _) in cands {
        if text == normalised_canon(canon) {
            return Some((key, false));
        }
    }
    for (key, _, kws) in cands {
        if kws.iter().any(|k| text.contains(k)) {
            return Some((key, false));
        }
    }
    let mut best: Option<(usize, &'static str)> = None;
    let mut tie = false;
    let m = text.chars().count();
    for (key, canon, _) in cands {
        let canon = normalised_canon(canon);
        let n = canon.chars().count();
        let bound = (n / 4).max(1);
        // The distance is at least the difference in length: most candidates stop here.
        if n.abs_diff(m) > bound {
            continue;
        }
        let d = edit_distance(text, canon);
        if d <= bound {
            match best {
                Some((bd, _)) if bd < d => {}
                Some((bd, _)) if bd == d => tie = true,
                _ => {
                    best = Some((d, key));
                    tie = false;
                }
            }
        }
    }
    match best {
        Some((_, key)) if !tie => Some((key, true)),
        _ => None,
    }
}

pub(super) const T3_TOP: [Cand; 6] = [
    (
        "new",
        "本年新收政府信息公开申请数量",
        &["本年新收", "新收政府信息"],
    ),
    ("carried_in", "上年结转政府信息公开申请数量", &["上年结转"]),
    ("granted", "予以公开", &["予以公开"]),
    (
        "partial",
        "部分公开(区分处理的,只计这一情形,不计其他情形)",
        &["部分公开"],
    ),
    ("total", "总计", &[]),
    (
        "carried_out",
        "结转下年度继续办理",
        &["结转下年", "下年度继续"],
    ),
];

pub(super) const T3_GROUPS: [(&str, &str); 4] = [
    ("denied", "不予公开"),
    ("unavailable", "无法提供"),
    ("unprocessed", "不予处理"),
    ("other", "其他处理"),
];

pub(super) const T3_DENIED: [Cand; 8] = [
    ("state_secret", "属于国家秘密", &["国家秘密"]),
    ("law_prohibited", "其他法律行政法规禁止公开", &["禁止公开"]),
    ("three_safety", "危及三安全一稳定", &["三安全", "一稳定"]),
    ("third_party", "保护第三方合法权益", &["第三方"]),
    ("internal_affairs", "属于三类内部事务信息", &["内部事务"]),
    ("process_info", "属于四类过程性信息", &["过程性"]),
    ("enforcement_file", "属于行政执法案卷", &["执法案卷"]),
    ("query_matter", "属于行政查询事项", &["查询事项"]),
];
pub(super) const T3_UNAVAILABLE: [Cand; 3] = [
    ("not_held", "本机关不掌握相关政府信息", &["不掌握"]),
    (
        "needs_creation",
        "没有现成信息需要另行制作",
        &["另行制作", "没有现成"],
    ),
    ("unclear", "补正后申请内容仍不明确", &["不明确"]),
];
pub(super) const T3_UNPROCESSED: [Cand; 5] = [
    ("petition", "信访举报投诉类申请", &["信访", "举报投诉"]),
    ("repeat", "重复申请", &["重复申请"]),
    ("publication", "要求提供公开出版物", &["出版物"]),
    ("excessive", "无正当理由大量反复申请", &["大量反复"]),
    (
        "confirm_existing",
        "要求行政机关确认或重新出具已获取信息",
        &["重新出具", "确认或"],
    ),
];
pub(super) const T3_OTHER: [Cand; 3] = [
    (
        "no_correction",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        &["不补正"],
    ),
    (
        "unpaid_fee",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        &["缴纳费用", "收费通知"],
    ),
    ("other", "其他", &[]),
];

pub(super) fn group_subs(group: &str) -> &'static [Cand] {
    match group {
        "denied" => &T3_DENIED,
        "unavailable" => &T3_UNAVAILABLE,
        "unprocessed" => &T3_UNPROCESSED,
        _ => &T3_OTHER,
    }
}

pub(super) fn t3_group(rest: &str) -> Option<&'static str> {
    T3_GROUPS.iter().find_map(|(key, name)| {
        let n = name.chars().count();
        let len = rest.chars().count();
        (rest == *name
            || (rest.starts_with(name) && len <= n + 2)
            || (len >= 3 && len <= n + 1 && edit_distance(rest, name) <= 1))
            .then_some(*key)
    })
}

pub(super) const T2_ROWS: [Cand; 8] = [
    ("regulations", "规章", &[]),
    ("normative_docs", "行政规范性文件", &["规范性文件"]),
    ("licensing", "行政许可", &["行政许可"]),
    ("other_services", "其他对外管理服务事项", &["对外管理服务"]),
    ("penalty", "行政处罚", &["行政处罚"]),
    ("coercion", "行政强制", &["行政强制"]),
    ("fees", "行政事业性收费", &["行政事业性收费", "事业性收费"]),
    ("procurement", "政府集中采购", &["集中采购"]),
];
