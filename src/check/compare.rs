//! Comparisons across reports: year over year values, the cross-year identities 6 and 7 of the
//! spec (carry-over, stock of regulations in force), one wide row per report, how much narrative
//! repeats last year's, and which offices have no report for a year.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::t3_columns;
use crate::write::format_number;

/// One report as stored by `extract` (CSV folder or database).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportRecord {
    pub source: String,
    pub office: String,
    pub year: i32,
    /// metric id → (value, semantic)
    pub figures: BTreeMap<String, (Option<f64>, String)>,
    /// section id → text
    pub sections: BTreeMap<String, String>,
}

/// The name offices are matched by: no spaces or brackets, full-width folded, and 人民政府
/// written as 政府 (both are used for the same body).
pub fn office_key(name: &str) -> String {
    let folded: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .filter(|c| !"()（）[]【】〔〕<>《》\"'“”‘’".contains(*c))
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    folded.replace("人民政府", "政府")
}

/// Renamed offices: old name → new name (both matched by [`office_key`]).
#[derive(Debug, Clone, Default)]
pub struct Aliases(HashMap<String, String>);

impl Aliases {
    /// Parses lines `old name,new name` (a header line `old,new` or `#` comments are skipped).
    pub fn parse(text: &str) -> Aliases {
        let map = text
            .lines()
            .map(|l| l.trim_start_matches('\u{feff}').trim())
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (a, b) = l.split_once([',', '\t'])?;
                Some((office_key(a), office_key(b)))
            })
            .filter(|(a, _)| a != "old")
            .collect();
        Aliases(map)
    }

    pub fn key(&self, office: &str) -> String {
        let mut key = office_key(office);
        // Follow chains of renames (A→B→C), but never loop.
        let mut seen = HashSet::new();
        while let Some(next) = self.0.get(&key) {
            if !seen.insert(key.clone()) {
                break;
            }
            key = next.clone();
        }
        key
    }
}

/// The CSV tables `compare` writes, as header + records.
#[derive(Debug, Default)]
pub struct Comparison {
    pub yoy: Vec<Vec<String>>,
    pub wide_header: Vec<String>,
    pub wide: Vec<Vec<String>>,
    pub similarity: Vec<Vec<String>>,
    pub missing: Vec<Vec<String>>,
}

pub const YOY_COLUMNS: &[&str] = &[
    "office",
    "year_prev",
    "year",
    "kind",
    "metric",
    "value_prev",
    "value",
    "change",
    "status",
];
pub const SIMILARITY_COLUMNS: &[&str] = &[
    "office",
    "year_prev",
    "year",
    "section",
    "similarity",
    "shingles",
    "copied",
];
pub const MISSING_COLUMNS: &[&str] = &["office", "year", "status"];

/// Groups reports by office and year (the later record wins where one office has two
/// reports for a year: the database lists the current one last).
fn by_office(
    records: &[ReportRecord],
    aliases: &Aliases,
) -> BTreeMap<String, BTreeMap<i32, usize>> {
    let mut out: BTreeMap<String, BTreeMap<i32, usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        if r.office.is_empty() {
            continue;
        }
        out.entry(aliases.key(&r.office))
            .or_default()
            .insert(r.year, i);
    }
    out
}

/// Calls `f(office, year, record of year − 1, record of year)` for every office with reports
/// for two consecutive years.
fn for_each_pair<'a>(
    records: &'a [ReportRecord],
    offices: &BTreeMap<String, BTreeMap<i32, usize>>,
    mut f: impl FnMut(&str, i32, &'a ReportRecord, &'a ReportRecord),
) {
    for years in offices.values() {
        for (&year, &now) in years {
            let Some(&prev) = years.get(&(year - 1)) else {
                continue;
            };
            f(&records[now].office, year, &records[prev], &records[now]);
        }
    }
}

/// Only what needs two consecutive years of an office: the cross-year checks (`yoy` rows of
/// kind `check`) and the text similarity — what `review` shows on an office's page, without
/// the year-over-year row of every metric.
pub fn cross_year(records: &[ReportRecord], aliases: &Aliases) -> Comparison {
    let mut cmp = Comparison::default();
    for_each_pair(
        records,
        &by_office(records, aliases),
        |office, year, p, n| {
            cross_year_checks(office, year, p, n, &mut cmp.yoy);
            text_similarity(office, year, p, n, &mut cmp.similarity);
        },
    );
    cmp
}

pub fn compare(
    records: &[ReportRecord],
    aliases: &Aliases,
    expected_offices: &[String],
    metric_order: &dyn Fn(&str) -> usize,
) -> Comparison {
    let offices = by_office(records, aliases);
    let mut cmp = Comparison::default();
    for_each_pair(records, &offices, |office, year, p, n| {
        let mut metrics: Vec<&String> = p.figures.keys().chain(n.figures.keys()).collect();
        metrics.sort_by_key(|m| (metric_order(m), m.to_string()));
        metrics.dedup();
        for m in metrics {
            let a = p.figures.get(m).and_then(|f| f.0);
            let b = n.figures.get(m).and_then(|f| f.0);
            let change = a
                .zip(b)
                .map(|(a, b)| format_number(b - a))
                .unwrap_or_default();
            cmp.yoy.push(vec![
                office.to_string(),
                (year - 1).to_string(),
                year.to_string(),
                "metric".into(),
                m.clone(),
                a.map(format_number).unwrap_or_default(),
                b.map(format_number).unwrap_or_default(),
                change,
                String::new(),
            ]);
        }
        cross_year_checks(office, year, p, n, &mut cmp.yoy);
        text_similarity(office, year, p, n, &mut cmp.similarity);
    });
    wide(records, metric_order, &mut cmp);
    missing(
        records,
        &offices,
        aliases,
        expected_offices,
        &mut cmp.missing,
    );
    cmp
}

/// A term of a cross-year identity: certain only when printed as a number.
fn certain(r: &ReportRecord, metric: &str) -> Option<(f64, bool)> {
    r.figures
        .get(metric)
        .map(|(v, sem)| (v.unwrap_or(0.0), matches!(sem.as_str(), "number" | "zero")))
}

fn push_check(
    out: &mut Vec<Vec<String>>,
    office: &str,
    year: i32,
    check: String,
    expected: Option<(f64, bool)>,
    actual: Option<(f64, bool)>,
) {
    let (Some(e), Some(a)) = (expected, actual) else {
        return;
    };
    let status = if !(e.1 && a.1) {
        "uncertain"
    } else if (e.0 - a.0).abs() < 1e-6 {
        "pass"
    } else {
        "fail"
    };
    out.push(vec![
        office.to_string(),
        (year - 1).to_string(),
        year.to_string(),
        "check".into(),
        check,
        format_number(e.0),
        format_number(a.0),
        format_number(a.0 - e.0),
        status.into(),
    ]);
}

/// Identity 6 (carry-over) and 7 (regulations in force); soft: reorganisations break them.
fn cross_year_checks(
    office: &str,
    year: i32,
    prev: &ReportRecord,
    now: &ReportRecord,
    out: &mut Vec<Vec<String>>,
) {
    for col in t3_columns() {
        push_check(
            out,
            office,
            year,
            format!("carry_over.{col}"),
            certain(prev, &format!("t3.carried_out.{col}")),
            certain(now, &format!("t3.carried_in.{col}")),
        );
    }
    for kind in ["regulations", "normative_docs"] {
        let stock = certain(prev, &format!("t2.{kind}.in_force"));
        let issued = certain(now, &format!("t2.{kind}.issued"));
        let repealed = certain(now, &format!("t2.{kind}.repealed"));
        let expected = match (stock, issued, repealed) {
            (Some(s), Some(i), Some(r)) => Some((s.0 + i.0 - r.0, s.1 && i.1 && r.1)),
            _ => None,
        };
        push_check(
            out,
            office,
            year,
            format!("in_force.{kind}"),
            expected,
            certain(now, &format!("t2.{kind}.in_force")),
        );
    }
}

/// Phrases every report of the national format prints; repeating them is not copying.
const BOILERPLATE: &[&str] = &[
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔####〕##号）要求",
    "本报告内容包括：总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议及行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项",
    "报告中所列数据统计期限从####年#月#日到##月##日止",
    "本报告中所列数据的统计期限自####年#月#日起至####年##月##日止",
    "总体情况主动公开政府信息情况收到和处理政府信息公开申请情况政府信息公开行政复议、行政诉讼情况存在的主要问题及改进情况其他需要报告的事项",
];

const SHINGLE: usize = 8;

/// Text as compared: no whitespace, digits folded to `#` so a copied sentence with this
/// year's numbers still counts as copied.
fn normalise(text: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        let c = if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            '#'
        } else {
            c
        };
        // Runs of digits fold to one mark, so 52 and 311 compare alike.
        if c == '#' && out.last() == Some(&'#') {
            continue;
        }
        out.push(c);
    }
    out
}

fn shingles(chars: &[char]) -> HashSet<String> {
    chars
        .windows(SHINGLE)
        .map(|w| w.iter().collect::<String>())
        .collect()
}

fn boilerplate() -> &'static HashSet<String> {
    static SET: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        BOILERPLATE
            .iter()
            .flat_map(|b| shingles(&normalise(b)))
            .collect()
    })
}

/// Share of this year's section text (in shingles, boilerplate excluded) found in last year's.
pub fn repeated_share(prev: &str, now: &str) -> Option<(f64, usize)> {
    let bp = boilerplate();
    let a: HashSet<String> = shingles(&normalise(now))
        .into_iter()
        .filter(|s| !bp.contains(s))
        .collect();
    if a.is_empty() {
        return None;
    }
    let b = shingles(&normalise(prev));
    let shared = a.iter().filter(|s| b.contains(*s)).count();
    Some((shared as f64 / a.len() as f64, a.len()))
}

fn text_similarity(
    office: &str,
    year: i32,
    prev: &ReportRecord,
    now: &ReportRecord,
    out: &mut Vec<Vec<String>>,
) {
    for (section, text) in &now.sections {
        // The preamble is the format's fixed opening and the contact block: alike every year.
        // Notes and the pictures' descriptions are not one of the report's sections.
        if section == "preamble" || section == "notes" || section == "pictures" {
            continue;
        }
        let Some(old) = prev.sections.get(section) else {
            continue;
        };
        let Some((share, n)) = repeated_share(old, text) else {
            continue;
        };
        out.push(vec![
            office.to_string(),
            (year - 1).to_string(),
            year.to_string(),
            section.clone(),
            format!("{share:.3}"),
            n.to_string(),
            if share > 0.5 { "yes" } else { "no" }.to_string(),
        ]);
    }
}

fn wide(records: &[ReportRecord], metric_order: &dyn Fn(&str) -> usize, cmp: &mut Comparison) {
    let mut metrics: Vec<&String> = records.iter().flat_map(|r| r.figures.keys()).collect();
    metrics.sort_by_key(|m| (metric_order(m), m.to_string()));
    metrics.dedup();
    cmp.wide_header = ["source", "office", "year"]
        .iter()
        .map(|s| s.to_string())
        .chain(metrics.iter().map(|m| m.to_string()))
        .collect();
    for r in records {
        let mut row = vec![r.source.clone(), r.office.clone(), r.year.to_string()];
        row.extend(metrics.iter().map(|m| {
            r.figures
                .get(*m)
                .and_then(|f| f.0)
                .map(format_number)
                .unwrap_or_default()
        }));
        cmp.wide.push(row);
    }
}

/// Offices seen in some year (or expected by `--offices`) with no report for another year in
/// the span of years the collection covers.
fn missing(
    records: &[ReportRecord],
    offices: &BTreeMap<String, BTreeMap<i32, usize>>,
    aliases: &Aliases,
    expected: &[String],
    out: &mut Vec<Vec<String>>,
) {
    let years: BTreeSet<i32> = offices.values().flat_map(|y| y.keys().copied()).collect();
    let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
        return;
    };
    let mut names: BTreeMap<String, String> = offices
        .iter()
        .map(|(k, y)| {
            let latest = *y.values().last().unwrap_or(&0);
            (k.clone(), records[latest].office.clone())
        })
        .collect();
    for name in expected {
        names
            .entry(aliases.key(name))
            .or_insert_with(|| name.clone());
    }
    for (key, name) in &names {
        let have = offices.get(key);
        for year in first..=last {
            if !have.is_some_and(|y| y.contains_key(&year)) {
                out.push(vec![name.clone(), year.to_string(), "no report".into()]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(office: &str, year: i32, figs: &[(&str, f64)], text: &str) -> ReportRecord {
        ReportRecord {
            source: format!("{office}{year}.docx"),
            office: office.into(),
            year,
            figures: figs
                .iter()
                .map(|(m, v)| (m.to_string(), (Some(*v), "number".to_string())))
                .collect(),
            sections: [("overview".to_string(), text.to_string())].into(),
        }
    }

    fn order(_: &str) -> usize {
        0
    }

    #[test]
    fn office_names_match_across_spellings() {
        assert_eq!(
            office_key("淮安市洪泽区人民政府"),
            office_key("淮安市洪泽区 政府")
        );
        assert_eq!(
            office_key("威海市文登区（天福）街道办事处"),
            office_key("威海市文登区天福街道办事处")
        );
    }

    #[test]
    fn carry_over_and_stock_checks_find_the_break() {
        let a = rec(
            "甲镇",
            2022,
            &[
                ("t3.carried_out.total", 2.0),
                ("t2.regulations.in_force", 10.0),
            ],
            "",
        );
        let b = rec(
            "甲镇",
            2023,
            &[
                ("t3.carried_in.total", 3.0),
                ("t2.regulations.issued", 2.0),
                ("t2.regulations.repealed", 1.0),
                ("t2.regulations.in_force", 11.0),
            ],
            "",
        );
        let cmp = compare(&[a, b], &Aliases::default(), &[], &order);
        let checks: Vec<(&str, &str)> = cmp
            .yoy
            .iter()
            .filter(|r| r[3] == "check")
            .map(|r| (r[4].as_str(), r[8].as_str()))
            .collect();
        assert_eq!(
            checks,
            vec![
                ("carry_over.total", "fail"),
                ("in_force.regulations", "pass")
            ]
        );
    }

    #[test]
    fn copied_narrative_is_flagged_and_fresh_text_is_not() {
        let old = "本年度我镇持续推进政务公开标准化规范化建设，完善公开目录，开展培训三次，群众满意度明显提升。";
        let new_copy = "本年度我镇持续推进政务公开标准化规范化建设，完善公开目录，开展培训五次，群众满意度明显提升。";
        let fresh =
            "今年重点围绕乡村振兴和营商环境两个领域加大公开力度，新增专栏两个，回应关切二十余条。";
        let cmp = compare(
            &[
                rec("甲镇", 2022, &[], old),
                rec("甲镇", 2023, &[], new_copy),
            ],
            &Aliases::default(),
            &[],
            &order,
        );
        assert_eq!(cmp.similarity[0][6], "yes");
        let cmp = compare(
            &[rec("甲镇", 2022, &[], old), rec("甲镇", 2023, &[], fresh)],
            &Aliases::default(),
            &[],
            &order,
        );
        assert_eq!(cmp.similarity[0][6], "no");
    }

    #[test]
    fn missing_years_and_renamed_offices() {
        let recs = [
            rec("甲镇人民政府", 2021, &[], ""),
            rec("甲镇人民政府", 2023, &[], ""),
            rec("乙乡人民政府", 2021, &[], ""),
            rec("乙街道办事处", 2022, &[], ""),
            rec("乙街道办事处", 2023, &[], ""),
        ];
        let aliases = Aliases::parse("old,new\n乙乡人民政府,乙街道办事处\n");
        let cmp = compare(&recs, &aliases, &["丙镇人民政府".to_string()], &order);
        let missing: Vec<(&str, &str)> = cmp
            .missing
            .iter()
            .map(|r| (r[0].as_str(), r[1].as_str()))
            .collect();
        assert_eq!(
            missing,
            vec![
                ("丙镇人民政府", "2021"),
                ("丙镇人民政府", "2022"),
                ("丙镇人民政府", "2023"),
                ("甲镇人民政府", "2022"),
            ]
        );
    }
}
